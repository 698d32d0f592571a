"""Career paths: the cheapest chain of roles over ``leadsTo``, hop by hop."""

from __future__ import annotations

import heapq
import math
from collections.abc import Iterable, Mapping

import networkx as nx

from certpath.errors import InputError, NoPlan
from certpath.planning.index import snapshot
from certpath.planning.paths import check_role, plan_in
from certpath.planning.question import MEASURES, Question
from certpath.planning.results import CareerPath, LearningPlan

__all__ = ["MAX_HOPS_PLANNED", "career_path"]

Entry = tuple[float, int, tuple[str, ...], frozenset[str], tuple[LearningPlan, ...]]

#: A career search plans at most this many hops before it gives up (exit 3, kind "limit").
MAX_HOPS_PLANNED = 5_000


def career_path(
    G: nx.MultiDiGraph,
    source_role: str,
    target_role: str,
    *,
    have: Mapping[str, int] | None = None,
    holds: Iterable[str] = (),
    experience: Mapping[str, int] | None = None,
    minimize: str = "hours",
) -> CareerPath:
    """Return the cheapest chain of roles over ``leadsTo`` edges from one role to another.

    The person starts with *have* and *holds* plus every ``requires`` of *source_role* at its
    level (they hold that role now). A hop u → v costs the exact shortest plan (in *minimize*) to
    v **for the person as the earlier hops left them**: every offer taken on an earlier hop is
    held, so no offer is bought twice and what a hop teaches counts for the next. Hops with no
    plan are not used. Among chains (no role visited twice) the one of least total wins, then the
    one with fewer hops, then the smallest tuple of role IRIs; the search is a uniform-cost
    search over (role, offers held), exact for this hop-by-hop costing. Planning each hop on its
    own can cost more than one plan for the final role would (``path`` answers that question).

    Parameters
    ----------
    G : networkx.MultiDiGraph
        The planning graph.
    source_role, target_role : str
        IRIs of the role held now and of the role to reach.
    have : mapping of str to int, optional
        Competency IRI to the level the person has, besides *source_role*'s requirements.
    holds : iterable of str
        Offer IRIs the person holds.
    experience : mapping of str to int, optional
        Role IRI to the months the person has worked as that role; months worked on a hop (its
        experience steps) count for the next hops.
    minimize : {"hours", "cost", "months", "steps"}
        What a hop costs.

    Returns
    -------
    CareerPath
        The roles in order and the plan of each hop.

    Raises
    ------
    EntityNotFound
        Either role is unknown.
    NoPlan
        No chain of feasible hops (reason kind ``"route"``), or more than
        :data:`MAX_HOPS_PLANNED` hops would have to be planned (kind ``"limit"``).
    MixedCurrencies
        *minimize* is ``"cost"`` and a hop's candidate offers carry several currencies.

    Examples
    --------
    >>> G = nx.MultiDiGraph()
    >>> G.add_nodes_from(["dev", "lead"], kind="role")
    >>> G.add_node("c", kind="competency")
    >>> G.add_node("a", kind="offer", hours=3.0, cost=0.0, currency=None)
    >>> _ = G.add_edge("a", "c", key="teaches", level=2)
    >>> _ = G.add_edge("lead", "c", key="requires", level=2)
    >>> _ = G.add_edge("dev", "lead", key="leadsTo")
    >>> path = career_path(G, "dev", "lead")
    >>> path.roles, path.total
    (('dev', 'lead'), 3.0)
    """
    if minimize not in MEASURES:
        raise InputError(f"--minimize {minimize}: use one of {', '.join(MEASURES)}")
    s = snapshot(G)
    check_role(s, source_role)
    check_role(s, target_role)
    person = dict(have or {})
    for c, level in s.requirements(source_role).items():
        person[c] = max(level, person.get(c, 0))
    template = Question(
        source_role,
        have=person,
        holds=tuple(holds),
        experience=dict(experience or {}),
        minimize=minimize,
    )
    nexts: dict[str, list[str]] = {}
    for u, v in s.index.leads_to:
        if s.kind(v) == "role":
            nexts.setdefault(u, []).append(v)
    hops: dict[tuple[str, frozenset[str]], LearningPlan | None] = {}

    def hop(v: str, held: frozenset[str]) -> LearningPlan | None:
        if (v, held) not in hops:
            if len(hops) >= MAX_HOPS_PLANNED:
                raise NoPlan(
                    f"no career path from {s.label(source_role)} to {s.label(target_role)}: "
                    f"the search stopped after planning {MAX_HOPS_PLANNED} hops",
                    [{"kind": "limit", "source": source_role, "target": target_role}],
                )
            try:
                hops[v, held] = plan_in(s, template.replace(target=v, holds=tuple(sorted(held))))
            except NoPlan:
                hops[v, held] = None
        return hops[v, held]

    start = frozenset(template.holds)
    # (total, hops, roles, held offers, plans so far): ties go to fewer hops, then role IRIs.
    queue: list[Entry] = [(0.0, 0, (source_role,), start, ())]
    settled: set[tuple[tuple[str, ...], frozenset[str]]] = set()
    while queue:
        total, count, roles, held, plans = heapq.heappop(queue)
        here = roles[-1]
        if here == target_role:
            return CareerPath(
                source_role,
                target_role,
                minimize,
                roles,
                plans,
                total,
                tuple(s.label(r) for r in roles),
            )
        state = (tuple(sorted(roles[:-1])) + (here,), held)
        if state in settled:  # the same role, visited roles and holdings, reached cheaper before
            continue
        settled.add(state)
        for v in nexts.get(here, []):
            if v in roles:
                continue
            plan = hop(v, held)
            if plan is None:
                continue
            taken = held | {step.iri for step in plan.steps}  # experience steps' months too
            cost = plan.total(minimize)
            heapq.heappush(
                queue,
                (math.fsum((total, cost)), count + 1, (*roles, v), taken, (*plans, plan)),
            )
    raise NoPlan(
        f"no career path from {s.label(source_role)} to {s.label(target_role)} "
        "over leadsTo with a feasible plan for every hop",
        [{"kind": "route", "source": source_role, "target": target_role}],
    )
