"""Exact least-cost plans over AND/OR prerequisites: a 0/1 model solved with HiGHS.

Internal to the planner, which reduces the graph to a :class:`PlanModel` (candidate offers, the
requirements still to meet, the prerequisites still to meet) and reads the answer, a
:class:`Solution`. This module knows nothing of NetworkX or RDF.

What a plan is
--------------
A set of offers is *feasible* when it holds the included offers, meets every requirement (one of
its satisfiers chosen) and can be placed one by one, each offer once its prerequisites are met by
offers placed before it (an option is met when one of its supplier offers is placed; a
:class:`Prerequisite` when ``need`` of its options are). Measures: ``hours``, ``cost``,
``months`` (absent = 0) and ``steps`` (the number of offers). The best plan under a key
(measures in priority order; ``"steps"`` is appended when absent) is the least in the first
measure, then the next, each compared with a relative tolerance of 1e-6 (totals closer than that
count as equal), then the smallest sorted tuple of IRIs. Budgets bound measures (same tolerance).
Alternatives: the next plan is the best feasible set that is no superset of an earlier plan.

Formulation
-----------
* ``x[o]`` binary: offer ``o`` is in the plan; included offers are fixed to 1.
* Requirement: the sum of ``x`` over its satisfiers is at least 1.
* Prerequisite of ``o``, relaxed (no order): with one option and ``need == 1``,
  ``sum_{s in option} x[s] >= x[o]``; otherwise an option indicator ``0 <= y[j] <= 1``,
  ``y[j] <= sum_{s in option j} x[s]`` and ``sum_j y[j] >= need * x[o]``.
* Order is added lazily (solving without it and cutting when the chosen set cannot be placed:
  cycles in the "may supply" digraph ``s -> o`` rarely matter in an optimum). A solution ``S`` is
  placed by the fixpoint of the rules above; when some offers are stuck, let ``P`` be the placed
  ones and ``W`` a source strongly connected component of the stuck offers (edges from suppliers
  of the items ``P`` does not meet). Any feasible set holding all of ``W`` places some offer of
  ``W`` first, whose unmet item then needs a supplier outside ``S``; so the *cycle cut*
  ``sum_{o in W} x[o] - sum_{s in D(W) - S} x[s] <= |W| - 1`` (``D(W)``: suppliers of those
  items) holds for every feasible set and removes ``S``. After :data:`CUT_ROUNDS` rounds on one
  solve, the components (of the whole "may supply" digraph) holding stuck offers get exact
  ordering instead: a position ``t`` in ``[0, m - 1]`` (``m``: component size) and, for a
  supplier ``s`` in ``o``'s component, a binary ``z <= x[s]`` with
  ``t[s] + 1 <= t[o] + m (1 - z)`` standing for ``s`` in that prerequisite's rows (suppliers in
  other components stand for themselves: the condensation's order puts them first). Every model
  is thus a relaxation of the true problem that becomes exact where it matters: an infeasible
  relaxation proves infeasibility, and a placeable optimum of it is the true optimum.
  ``method="highs-ordered"`` orders every nontrivial component up front instead (the earlier
  formulation; no cuts).
* Lexicographic objective: minimise the first measure, bound it by its optimum (plus the
  tolerance), minimise the next, and so on. After each measure but the last, one feasibility
  solve with the no-good cut ``sum_{o in best} x[o] <= |best| - 1`` asks whether any other set is
  still co-optimal; when none is, ``best`` is the answer (a strict superset of ``best`` is never
  better: the measures are non-negative and it has more steps).
* IRI tie-break, exact: among co-optimal sets of equal size, the lexicographically smallest sorted
  tuple of IRIs is the one whose membership vector, read in IRI order, is lexicographically
  largest. Conceptually, walk the offers in IRI order and fix each to 1 when a co-optimal set with
  the decisions so far and this offer exists (the incumbent proves it without a solve when it
  holds the offer), else to 0. Only offers outside the incumbent need a solve, and a run of them
  is settled at once: one solve with ``sum x >= 1`` over the run says whether any allowed set
  holds one of them; if one does, a binary search over the run finds the first offer that may
  be 1. The result is the walk's, offer for offer.
* Alternatives: after each plan ``S`` add ``sum_{o in S} x[o] <= |S| - 1`` and solve again.
* Each solve tries the LP relaxation first (infeasible or integral settles it), else the 0/1
  program from scratch, never from a MIP start (HiGHS 1.16 was seen to report the optimum of a
  presolved start yet return the start; the LP's solution left in place before the 0/1 run
  made it report 138 and return a set of 146). HiGHS runs on one thread, ``mip_rel_gap = 0``,
  presolve off: with presolve on, HiGHS 1.16 ended in ``kSolveError`` on the planner-cases
  models and, on one of them, stated as optimal a plan 4.6 % dearer in money than the optimum
  (and 15 % dearer with the feasibility-jump heuristic on).
* For the single best plan, offers that a best plan can never hold are left out first
  (:func:`_undominated`).

Failures and time limits
------------------------
A HiGHS run that ends in any status but optimal or infeasible (seen: ``kSolveError``), or
whose 0/1 solution is not worth the objective HiGHS states or breaks a requirement, is retried
on a fresh instance of the same model, then on another with another random seed. If none
answers, ``auto`` falls back to the ordered formulation, then to
enumeration when the model is small; when nothing exact is left, the best valid plan known (or
one built greedily, :func:`_feasible`) is returned with ``optimal=False``, and
:func:`minimum` raises :class:`~certpath.errors.SolverError`.
With ``time_limit`` (which also covers the pruning below) every HiGHS run gets the time left;
when it runs out the best valid plan found so far is returned with ``optimal=False``, the
proven lower bound of the first measure and the gap (an incumbent that cannot be placed is
repaired first, :func:`_feasible`). The bound is the larger of HiGHS's dual bound and the
chain bound (:func:`~certpath._milp.pruning.lower_bound`), which also stands when HiGHS was
stopped before it had one. :func:`minimum` raises :class:`~certpath.errors.SolveTimeLimit`
instead of guessing.

Bound pruning
-------------
Before solving, offers that no answer can hold are left out (:mod:`certpath._milp.pruning`):
dominated offers (for one plan), then offers whose chain lower bound (the offer plus the
cheapest chain of suppliers placed before it, by Knuth's generalisation of Dijkstra's algorithm
to AND/OR graphs) breaks a budget, or, for one plan, exceeds the first measure of a greedy
plan by more than the tolerance (ties are kept, so every tie-break sees the same sets); offers
every feasible set holds are fixed. Models of more than :data:`PRUNE_MAX` offers skip it.
``method="highs-unpruned"`` is HiGHS without it (for the tests).

Small models skip HiGHS
-----------------------
When at most :data:`ENUMERATION_LIMIT` offers are left to decide, ``method="auto"`` lists every
feasible set in pure Python (:class:`_Enumeration`), so neither highspy nor numpy is imported (a
one-shot ``certpath path`` is import-bound). ``method="enumeration"`` does so up to
:data:`ENUMERATION_MAX` offers.

HiGHS prints a banner to stdout when the first instance of a process is created, before any
option can be set; that construction runs with the C-level stdout (file descriptor 1) pointed
at ``os.devnull``, so stdout holds only what certpath prints.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence

from certpath._milp.enumeration import _enumerate, _Enumeration
from certpath._milp.highs import _Solver
from certpath._milp.lexicographic import _lexmin, _Partial
from certpath._milp.model import (
    _INF,
    CUT_ROUNDS,
    ENUMERATION_LIMIT,
    ENUMERATION_MAX,
    MEASURES,
    METHODS,
    PlanModel,
    Prerequisite,
    Solution,
    _full_key,
    _tolerance,
    measure,
    valid,
)
from certpath._milp.pruning import _bounded, _feasible, _undominated, limits, lower_bound
from certpath.errors import SolverError, SolveTimeLimit

__all__ = [
    "CUT_ROUNDS",
    "ENUMERATION_LIMIT",
    "ENUMERATION_MAX",
    "MEASURES",
    "METHODS",
    "PlanModel",
    "Prerequisite",
    "Solution",
    "measure",
    "minimum",
    "solve",
    "solve_plans",
    "valid",
]


class _Stopped(Exception):
    """A HiGHS search that ended early: the plans completed and the stopped search's state."""

    def __init__(self, plans: list[frozenset[str]], partial: _Partial, timed_out: bool) -> None:
        super().__init__("stopped")
        self.plans = plans
        self.partial = partial
        self.timed_out = timed_out


def _highs(
    model: PlanModel,
    key: tuple[str, ...],
    budgets: Mapping[str, float],
    count: int,
    *,
    ordered: bool,
    deadline: float | None,
    tie_break: bool = True,
) -> list[frozenset[str]]:
    """Up to ``count`` plans by HiGHS; raises :class:`_Stopped`."""
    if any(not r for r in model.requirements):
        return []  # a requirement nothing meets (HiGHS would see an empty row)
    solver = _Solver(model, ordered=ordered, deadline=deadline)
    for name, ub in sorted(budgets.items()):
        solver.limit(name, ub + _tolerance(ub))
    plans: list[frozenset[str]] = []
    while len(plans) < count:
        try:
            best = _lexmin(solver, key, tie_break=tie_break)
        except _Partial as partial:
            late = deadline is not None and time.monotonic() >= deadline
            raise _Stopped(plans, partial, timed_out=late) from None
        if best is None:
            break
        plans.append(best)
        if not best:
            break
        solver.row(-_INF, len(best) - 1.0, {solver.x[o]: 1.0 for o in best})
    return plans


#: Bound pruning is for models that it can bring within enumeration's reach; past this many
#: offers (the chain-heavy shape's thousands) the greedy plan it needs costs seconds in Python
#: and HiGHS is run anyway, so it is skipped.
PRUNE_MAX = 1000


def _smaller(
    model: PlanModel,
    key: tuple[str, ...],
    budgets: Mapping[str, float],
    count: int,
    method: str,
) -> PlanModel:
    """``model`` with the offers no answer can hold left out: dominated ones (for one plan)
    and, unless ``method`` is ``highs-unpruned``, those whose lower bound breaks a budget or the
    greedy plan's first measure (:func:`~certpath._milp.pruning._bounded`), to a fixpoint."""
    if count == 1:
        model = _undominated(model, key)
    if method == "highs-unpruned" or len(model.offers) > PRUNE_MAX:
        return model
    bounds = limits(model, key, budgets, count)
    for _ in range(4):
        size = len(model.offers)
        model = _bounded(model, bounds)
        if len(model.offers) == size:
            break
        if count == 1:
            model = _undominated(model, key)
    return model


def _check_method(method: str, model: PlanModel) -> int:
    """The number of offers left to decide; raises ValueError for a method that cannot run."""
    if method not in METHODS:
        raise ValueError(f"unknown method {method!r}; use one of {', '.join(METHODS)}")
    undecided = len(set(model.offers) - set(model.include))
    if method == "enumeration" and undecided > ENUMERATION_MAX:
        raise ValueError(
            f"enumeration handles at most {ENUMERATION_MAX} offers to decide, not {undecided}"
        )
    return undecided


def _methods(method: str, undecided: int) -> list[str]:
    """The methods to try in turn (``auto``: enumeration when small, else HiGHS lazily ordered,
    then the ordered formulation, then enumeration if the model allows it)."""
    if method == "highs-unpruned":
        return ["highs"]
    if method != "auto":
        return [method]
    if undecided <= ENUMERATION_LIMIT:
        return ["enumeration"]
    found = ["highs", "highs-ordered"]
    return found + ["enumeration"] if undecided <= ENUMERATION_MAX else found


def solve(
    model: PlanModel,
    key: Sequence[str],
    budgets: Mapping[str, float],
    count: int = 1,
    *,
    method: str = "auto",
    time_limit: float | None = None,
) -> Solution:
    """Return up to ``count`` plans: the best under ``key``, then the next best.

    Parameters
    ----------
    model : PlanModel
        The reduced question.
    key : sequence of {"hours", "cost", "steps", "months"}
        Measures in priority order; ``"steps"`` is appended when absent. Ties after the key go
        to the smallest sorted tuple of IRIs.
    budgets : mapping of str to float
        Upper bounds of measures.
    count : int
        How many plans: the best, then each next best that is no superset of an earlier one.
    method : {"auto", "enumeration", "highs", "highs-ordered"}
        How to solve (every method is exact): ``auto`` enumerates small models and sends the
        others to HiGHS with lazy ordering, falling back to the other methods if HiGHS fails.
    time_limit : float, optional
        Seconds; when the search runs out of time the best valid plan found is returned with
        ``optimal=False``, its proven bound and gap. None: no limit.

    Returns
    -------
    Solution
        ``plans`` best first, empty when no plan fits.

    Examples
    --------
    >>> m = PlanModel(offers=("a", "b"), hours={"a": 2.0, "b": 1.0}, cost={"a": 0.0, "b": 0.0},
    ...               requirements=(("a", "b"),), prerequisites={})
    >>> solve(m, ("hours",), {}, count=2).plans
    (frozenset({'b'}), frozenset({'a'}))
    """
    key = _full_key(key)
    for name in budgets:
        _full_key((name,))
    if count < 1:
        raise ValueError("count must be >= 1")
    if time_limit is not None and not time_limit > 0:
        raise ValueError("time_limit must be a positive number of seconds")
    if not model.requirements and not model.include:
        return Solution((frozenset(),))
    if method not in METHODS:
        raise ValueError(f"unknown method {method!r}; use one of {', '.join(METHODS)}")
    deadline = None if time_limit is None else time.monotonic() + time_limit
    model = _smaller(model, key, budgets, count, method)
    undecided = _check_method(method, model)
    stopped: _Stopped | None = None
    for m in _methods(method, undecided):
        if m == "enumeration":
            return _enumerate(model, key, budgets, count)
        try:
            plans = _highs(
                model, key, budgets, count, ordered=m == "highs-ordered", deadline=deadline
            )
            return Solution(tuple(plans))
        except _Stopped as stop:
            if stopped is None or len(stop.plans) > len(stopped.plans):
                stopped = stop
            if stop.timed_out:
                break
    assert stopped is not None
    return _best_known(model, key, budgets, stopped)


def _best_known(
    model: PlanModel, key: tuple[str, ...], budgets: Mapping[str, float], stop: _Stopped
) -> Solution:
    """The plans of a stopped search, the partial one repaired, with the proven bound."""
    plans = list(stop.plans)
    partial = stop.partial
    best = partial.best
    if best is not None and not valid(model, best, budgets):
        best = None
    if not plans:
        best = best or _feasible(model, key, budgets, partial.best or ())
        if best is None and partial.best:  # the stopped run's set may lead the repair astray
            best = _feasible(model, key, budgets)
    if best is not None and not any(p <= best for p in plans):
        plans.append(best)
    if not plans:
        return Solution((), optimal=False, bound=partial.bound)
    value = measure(model, key[0], plans[0])
    if stop.plans:
        bound = value
    else:  # HiGHS's bound may be missing (stopped in the LP) or weaker
        bound = min(value, max(partial.bound or 0.0, lower_bound(model, key[0])))
    gap = (value - bound) / abs(value) if value else 0.0
    return Solution(tuple(plans), optimal=False, bound=bound, gap=gap)


def minimum(
    model: PlanModel,
    name: str,
    budgets: Mapping[str, float],
    *,
    method: str = "auto",
    time_limit: float | None = None,
) -> float | None:
    """Return the least total of measure ``name`` over all plans within ``budgets`` (or None).

    Raises
    ------
    SolveTimeLimit
        ``time_limit`` ran out before the least total was proven.
    SolverError
        No method could prove it (a solver failure).

    Examples
    --------
    >>> m = PlanModel(offers=("a", "b"), hours={"a": 2.0, "b": 1.0}, cost={"a": 0.0, "b": 0.0},
    ...               requirements=(("a", "b"),), prerequisites={})
    >>> minimum(m, "hours", {"hours": 0.5}), minimum(m, "hours", {})
    (None, 1.0)
    """
    _full_key((name, *budgets))
    if time_limit is not None and not time_limit > 0:
        raise ValueError("time_limit must be a positive number of seconds")
    if not model.requirements and not model.include:
        return 0.0
    if method not in METHODS:
        raise ValueError(f"unknown method {method!r}; use one of {', '.join(METHODS)}")
    deadline = None if time_limit is None else time.monotonic() + time_limit
    model = _smaller(model, (name,), budgets, 1, method)
    undecided = _check_method(method, model)
    for m in _methods(method, undecided):
        if m == "enumeration":
            best = _Enumeration(model).best((name,), budgets)
            return None if best is None else measure(model, name, best)
        try:
            plans = _highs(
                model,
                (name,),
                budgets,
                1,
                ordered=m == "highs-ordered",
                deadline=deadline,
                tie_break=False,
            )
        except _Stopped as stop:
            if stop.timed_out:
                raise SolveTimeLimit(
                    f"the least {name} was not proven within the time limit of {time_limit:g} s"
                    + (
                        f" (at least {stop.partial.bound:g})"
                        if stop.partial.bound is not None
                        else ""
                    )
                ) from None
            continue
        return measure(model, name, plans[0]) if plans else None
    raise SolverError(f"the solver found no exact least {name} (HiGHS failed on every retry)")


def solve_plans(
    model: PlanModel,
    key: tuple[str, ...],
    budgets: Mapping[str, float],
    count: int = 1,
) -> list[frozenset[str]]:
    """The plans of :func:`solve` as a list (kept for the planner until it reads Solution)."""
    return list(solve(model, key, budgets, count).plans)
