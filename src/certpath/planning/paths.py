"""Shortest learning paths: the exact planner and the greedy baseline.

A plan is an ordered list of offers, each startable after the ones before it, after which every
requirement of the target role is met (vocabulary rule 4). The shortest plan has the least total
of the chosen measure, ties broken by the other two (hours, cost, steps) and then by the sorted
tuple of its offer IRIs, smallest first; steps are listed in prerequisite order, the smallest IRI
first among those that can be started. Money is added up only within one currency.

The search is exact: the question is reduced to the offers that matter
(:mod:`~certpath.planning.reduction`), then solved as a 0/1 program (:mod:`certpath._milp`, which
enumerates small models in pure Python and hands larger ones to HiGHS).
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping

import networkx as nx

from certpath.errors import EntityNotFound
from certpath.planning.assembly import assemble
from certpath.planning.index import Snapshot, snapshot
from certpath.planning.question import Question
from certpath.planning.reduction import no_plan, reduce, structure_reasons
from certpath.planning.results import LearningPlan
from certpath.planning.rules import Person
from certpath.planning.solving import check_currencies, greedy, model, solve

__all__ = ["greedy_learning_path", "plan", "shortest_learning_path"]


def check_role(s: Snapshot, role: str) -> None:
    """Raise :class:`EntityNotFound` (with the closest role IRIs) unless *role* is a role."""
    if s.kind(role) != "role":
        close = difflib.get_close_matches(role, s.of_kind("role"), n=3)
        raise EntityNotFound(f"no role {role!r} in the graph", suggestions=close)


def plan_in(
    s: Snapshot, question: Question, *, exact: bool = True, base: Person | None = None
) -> LearningPlan:
    """Answer *question* on snapshot *s* (the core of :func:`plan`)."""
    check_role(s, question.target)
    r = reduce(s, question, base)
    reasons = structure_reasons(s, r)
    if reasons:
        raise no_plan(s, question.target, reasons)
    mixed = check_currencies(s, r)
    plan_model = model(s, r)
    if not exact:
        return assemble(s, r, [greedy(s, r, plan_model, question.minimize)], optimal=False)
    found = solve(s, r, plan_model, mixed)
    return assemble(
        s, r, list(found.plans), optimal=found.optimal, bound=found.bound, gap=found.gap
    )


def plan(G: nx.MultiDiGraph, question: Question, *, exact: bool = True) -> LearningPlan:
    """Answer a :class:`~certpath.planning.question.Question` on planning graph *G*.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        The planning graph.
    question : Question
        The target and the options (:func:`shortest_learning_path` documents each).
    exact : bool
        False gives the greedy baseline instead of the shortest plan.

    Returns
    -------
    LearningPlan

    Raises
    ------
    EntityNotFound, NoPlan, MixedCurrencies, ValidationError, SolveTimeLimit
        As :func:`shortest_learning_path`.

    Examples
    --------
    >>> G = nx.MultiDiGraph()
    >>> G.add_node("r", kind="role", label="Scrum Master")
    >>> G.add_node("c", kind="competency", label="Facilitation")
    >>> G.add_node("a", kind="offer", label="A", hours=2.0)
    >>> _ = G.add_edge("a", "c", key="teaches", level=1)
    >>> _ = G.add_edge("r", "c", key="requires", level=1)
    >>> [step.label for step in plan(G, Question("r")).steps]
    ['A']
    """
    return plan_in(snapshot(G), question, exact=exact)


def shortest_learning_path(
    G: nx.MultiDiGraph,
    target: str,
    *,
    have: Mapping[str, int] | None = None,
    holds: Iterable[str] = (),
    experience: Mapping[str, int] | None = None,
    minimize: str = "hours",
    budget_hours: float | None = None,
    budget_cost: float | None = None,
    exclude: Iterable[str] = (),
    include: Iterable[str] = (),
    delivery: Iterable[str] | None = None,
    with_recommended: bool = False,
    alternatives: int = 0,
    time_limit: float | None = None,
    method: str = "auto",
) -> LearningPlan:
    """Return the exact shortest learning path to role *target*.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        The planning graph (``docs/graph-projection.md``). Edits to it are seen by the next call.
    target : str
        IRI of a role.
    have : mapping of str to int, optional
        Competency IRI to level the person has now (a competency given without a level is 5).
    holds : iterable of str
        Offer IRIs the person holds; each gives what it teaches.
    experience : mapping of str to int, optional
        Role IRI to the months the person has worked as that role (rule 7).
    minimize : {"hours", "cost", "months", "steps"}
        Primary measure ("months": the fastest route, the months of experience steps); ties
        are broken by the others in the order hours, cost, months, steps, then by the sorted
        tuple of step keys (offer IRIs; an experience step sorts as its role's IRI).
    budget_hours, budget_cost : float, optional
        Upper bounds on the plan's hours and money.
    exclude : iterable of str
        Offer IRIs, or provider IRIs whose offers are all left out.
    include : iterable of str
        Offer IRIs the plan must contain.
    delivery : iterable of str, optional
        Delivery-mode local names; only offers with at least one of them are used.
    with_recommended : bool
        Also meet the role's ``recommends`` requirements.
    alternatives : int
        How many next-best plans to add; each leaves out at least one offer of every better plan.
    time_limit : float, optional
        Seconds the exact search may take; when reached, the best plan found so far comes back
        with ``optimal=False``, a proven bound and the gap. None: no limit.
    method : {"auto", "enumeration", "highs", "highs-ordered", "highs-unpruned"}
        How the exact search runs (all give the same plans).

    Returns
    -------
    LearningPlan
        Steps in prerequisite order (smallest IRI first among the startable ones); an unmet
        experience gate is met inside the plan by experience steps ("work as R for M months").

    Raises
    ------
    EntityNotFound
        *target* is not a role, or an *include* IRI is not an offer.
    NoPlan
        No plan exists; ``reasons`` says why (``untaught``, ``blocked``, ``include``, ``budget``,
        ``experience`` for a gate whose role can never be qualified for).
    MixedCurrencies
        Money is minimised or budgeted while the candidate offers carry several currencies.
    ValidationError
        A prerequisite points to something that is no offer, competency, group or experience
        requirement.
    InputError
        An option out of range (a negative or non-finite budget, an unknown measure).
    SolveTimeLimit
        *time_limit* ran out before any plan within the budgets was found.

    Examples
    --------
    >>> G = nx.MultiDiGraph()
    >>> G.add_node("r", kind="role", label="Scrum Master")
    >>> G.add_node("c", kind="competency", label="Facilitation")
    >>> for o, h in [("a", 16.0), ("b", 8.0)]:
    ...     G.add_node(o, kind="offer", label=o.upper(), hours=h, cost=0.0, currency=None)
    ...     _ = G.add_edge(o, "c", key="teaches", level=3)
    >>> _ = G.add_edge("r", "c", key="requires", level=2)
    >>> plan = shortest_learning_path(G, "r")
    >>> [s.iri for s in plan.steps], plan.total_hours
    (['b'], 8.0)
    """
    question = Question.of(
        target,
        have=have,
        holds=holds,
        experience=experience,
        minimize=minimize,
        budget_hours=budget_hours,
        budget_cost=budget_cost,
        exclude=exclude,
        include=include,
        delivery=delivery,
        with_recommended=with_recommended,
        alternatives=alternatives,
        time_limit=time_limit,
        method=method,
    )
    return plan(G, question)


def greedy_learning_path(
    G: nx.MultiDiGraph,
    target: str,
    *,
    have: Mapping[str, int] | None = None,
    holds: Iterable[str] = (),
    experience: Mapping[str, int] | None = None,
    minimize: str = "hours",
    exclude: Iterable[str] = (),
    include: Iterable[str] = (),
    delivery: Iterable[str] | None = None,
    with_recommended: bool = False,
) -> LearningPlan:
    """Return a learning path found greedily (``optimal=False``): a baseline, not the answer.

    Repeatedly takes the startable candidate that meets the most missing requirements per unit
    of *minimize* (else the cheapest startable one), then drops steps the plan does not need.
    Parameters, errors and result are those of :func:`shortest_learning_path`.

    Examples
    --------
    >>> G = nx.MultiDiGraph()
    >>> G.add_node("r", kind="role")
    >>> G.add_node("c", kind="competency")
    >>> G.add_node("a", kind="offer", hours=4.0, cost=0.0, currency=None)
    >>> _ = G.add_edge("a", "c", key="teaches", level=1)
    >>> _ = G.add_edge("r", "c", key="requires", level=1)
    >>> plan = greedy_learning_path(G, "r")
    >>> [s.iri for s in plan.steps], plan.optimal
    (['a'], False)
    """
    question = Question.of(
        target,
        have=have,
        holds=holds,
        experience=experience,
        minimize=minimize,
        exclude=exclude,
        include=include,
        delivery=delivery,
        with_recommended=with_recommended,
    )
    return plan(G, question, exact=False)
