"""Closest roles: every role ranked by the exact cost of its shortest learning path."""

from __future__ import annotations

import heapq
import math
from collections.abc import Iterable, Mapping

import networkx as nx

from certpath.errors import InputError, ValidationError
from certpath.planning import experience as xp
from certpath.planning.index import Snapshot, snapshot
from certpath.planning.paths import plan_in
from certpath.planning.question import MEASURES, Question
from certpath.planning.reduction import reduce, structure_reasons
from certpath.planning.results import ClosestRoles, RoleDistance
from certpath.planning.rules import Person, experience_met, item_met, meets, person, suppliers
from certpath.planning.solving import check_currencies, least

__all__ = ["closest_roles"]


class _Bounds:
    """Lower bounds on the cost of reaching a role for one person (kept for one ranking).

    ``chain(o)``: the least cost of offer ``o`` plus what must be taken before it, its
    prerequisites not met yet being met by a chain of offers (Knuth's generalisation of
    Dijkstra's algorithm to AND/OR graphs over every offer of the graph: an offer's value is its
    weight plus the largest, over its unmet prerequisites, of the least value of a supplier; an
    experience step counts 0). ``cheapest(c, level)``: the least ``chain`` of an offer meeting
    it, and the least weight of one (for the disjoint sum below).
    """

    def __init__(self, s: Snapshot, base: Person, minimize: str) -> None:
        self.s = s
        self.base = base
        self.minimize = minimize
        self._cheapest: dict[tuple[str, int], tuple[float, float]] = {}
        self._chain: dict[str, float] | None = None

    def _weight(self, offer: str) -> float:
        if self.minimize == "steps":
            return 1.0
        if self.minimize == "months":
            return 0.0  # offers add no months: the experience steps are not bounded here
        return self.s.hours(offer) if self.minimize == "hours" else self.s.cost(offer)

    def chain(self) -> dict[str, float]:
        """Offer (not held) -> its chain bound; absent: it can never be started."""
        if self._chain is not None:
            return self._chain
        s, base = self.s, self.base
        waiting: dict[str, int] = {}
        watch: dict[str, list[tuple[str, int]]] = {}
        heap: list[tuple[float, str]] = []
        free: set[str] = set()  # suppliers that count 0 (experience steps)
        for o in s.of_kind("offer"):
            if o in base.held:
                continue
            try:
                needs = [
                    suppliers(s, base, o, p)
                    for p in s.prerequisites(o)
                    if not item_met(s, base, o, p)
                ]
            except ValidationError:  # the exact search reports it if the offer matters
                needs = []
            if not needs:
                heap.append((self._weight(o), o))
                continue
            waiting[o] = len(needs)
            for i, found in enumerate(needs):
                for x in found:
                    watch.setdefault(x, []).append((o, i))
                    if xp.is_step(x):
                        free.add(x)
        heap += [(0.0, x) for x in free]
        heapq.heapify(heap)
        value: dict[str, float] = {}
        extra: dict[str, float] = {}
        met: set[tuple[str, int]] = set()
        while heap:
            v, x = heapq.heappop(heap)
            if x in value:
                continue
            value[x] = v
            for o, i in watch.get(x, ()):
                if (o, i) in met or o in value:
                    continue
                met.add((o, i))
                extra[o] = max(extra.get(o, 0.0), v)
                waiting[o] -= 1
                if waiting[o] == 0:
                    heapq.heappush(heap, (self._weight(o) + extra[o], o))
        self._chain = value
        return value

    def cheapest(self, c: str, level: int) -> tuple[float, float]:
        """The least chain bound and the least weight of an offer (not held) meeting (c, level)
        that can ever be started; (inf, inf) when none can."""
        key = (c, level)
        found = self._cheapest.get(key)
        if found is None:
            chain = self.chain()
            offers = [o for o in self.s.satisfiers(c, level) if o in chain]
            found = self._cheapest[key] = (
                min((chain[o] for o in offers), default=math.inf),
                min((self._weight(o) for o in offers), default=math.inf),
            )
        return found

    def lower_bound(self, role: str) -> float:
        """A lower bound on any plan to *role* (inf: none exists).

        The largest of: the dearest, over missing requirements, of the least chain bound of an
        offer meeting it (that offer and what it needs before it are in the plan); and the sum
        of the least weights over requirements whose offers are pairwise disjoint (taken
        dearest first), since a plan holds a different offer for each of them.
        """
        needs: list[tuple[float, frozenset[str]]] = []
        deepest = 0.0
        for c, level in self.s.requirements(role).items():
            if meets(self.base, c, level):
                continue
            chain, cost = self.cheapest(c, level)
            if chain == math.inf:
                return math.inf
            deepest = max(deepest, chain)
            needs.append((cost, self.s.satisfiers(c, level)))
        needs.sort(key=lambda n: -n[0])
        used: set[str] = set()
        disjoint = 0.0
        for cost, offers in needs:
            if used.isdisjoint(offers):  # held offers are in no plan: sharing them is harmless
                disjoint += cost
                used |= offers - self.base.held
        return max(deepest, disjoint)


def closest_roles(
    G: nx.MultiDiGraph,
    *,
    have: Mapping[str, int] | None = None,
    holds: Iterable[str] = (),
    experience: Mapping[str, int] | None = None,
    top: int | None = 10,
    minimize: str = "hours",
    method: str = "auto",
) -> ClosestRoles:
    """Return roles ranked by the exact cost of their shortest learning path.

    Feasible roles come first, by cost in *minimize* then IRI; roles with no plan follow
    (``feasible=False``), by IRI. At most *top* are returned (all when None), each with its
    plan. Roles are costed in the order of a lower bound and the search stops once that bound
    exceeds the *top*-th exact cost, so the ranking is exact; only the roles returned are
    planned in full. The result is a sequence of
    :class:`~certpath.planning.results.RoleDistance`; *method* is that of
    :func:`~certpath.planning.paths.shortest_learning_path`.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        The planning graph.
    have : mapping of str to int, optional
        Competency IRI to the level the person has.
    holds : iterable of str
        Offer IRIs the person holds.
    experience : mapping of str to int, optional
        Role IRI to the months the person has worked as that role.
    top : int, optional
        How many roles to return (None: all).
    minimize : {"hours", "cost", "months", "steps"}
        The measure roles are ranked by.
    method : str
        The exact search method.

    Returns
    -------
    ClosestRoles
        The ranking (also iterable as a list of ``RoleDistance``).

    Raises
    ------
    InputError
        An unknown measure or a *top* below 1.
    MixedCurrencies
        *minimize* is ``"cost"`` and a role's candidate offers carry several currencies.

    Examples
    --------
    >>> G = nx.MultiDiGraph()
    >>> G.add_nodes_from(["r1", "r2"], kind="role")
    >>> G.add_node("c", kind="competency")
    >>> G.add_node("a", kind="offer", hours=5.0, cost=0.0, currency=None)
    >>> _ = G.add_edge("a", "c", key="teaches", level=1)
    >>> _ = G.add_edge("r1", "c", key="requires", level=1)
    >>> [(d.role, d.cost) for d in closest_roles(G)]
    [('r2', 0.0), ('r1', 5.0)]
    """
    if minimize not in MEASURES:
        raise InputError(f"--minimize {minimize}: use one of {', '.join(MEASURES)}")
    if top is not None and top < 1:
        raise InputError(f"--top {top}: a whole number >= 1")
    s = snapshot(G)
    template = Question(
        "",
        have=dict(have or {}),
        holds=tuple(holds),
        experience=dict(experience or {}),
        minimize=minimize,
        method=method,
    )
    base = person(s, template.have, template.holds, template.experience)
    bounds = _Bounds(s, base, minimize)
    ranked_bounds = sorted((bounds.lower_bound(r), r) for r in s.of_kind("role"))
    costs: dict[str, float | None] = {}
    feasible: list[tuple[float, str]] = []  # (cost, role), kept sorted
    for bound, role in ranked_bounds:
        if top is not None and len(feasible) >= top:
            kth = feasible[top - 1][0]
            if bound > kth + 1e-9 * max(1.0, abs(kth)):
                break
        cost = None
        if bound != math.inf:
            question = template.replace(target=role)
            r = reduce(s, question, base)
            if not structure_reasons(s, r):
                check_currencies(s, r)
                # Once top roles are known, only a cost up to the top-th one matters: with it
                # as a budget the search leaves out every offer whose bound exceeds it, and
                # "no plan within it" ranks the role after the top (it is not infeasible).
                limit = feasible[top - 1][0] if top is not None and len(feasible) >= top else None
                cost = least(s, r, minimize, limit)
                if cost is None and limit is not None:
                    continue
        costs[role] = cost
        if cost is not None:
            feasible.append((cost, role))
            feasible.sort()
    infeasible = sorted(r for r, c in costs.items() if c is None)
    ranked = [r for _, r in feasible] + infeasible
    if top is not None:
        ranked = ranked[:top]
    found: list[RoleDistance] = []
    for role in ranked:
        reqs = s.requirements(role)
        met = sum(1 for c, lv in reqs.items() if meets(base, c, lv))
        gates = s.index.experience.get(role, [])
        met += sum(1 for g in gates if experience_met(s, base, g))
        plan = None
        if costs[role] is not None:
            plan = plan_in(s, template.replace(target=role), base=base)
        cost = None if plan is None else plan.total(minimize)
        found.append(
            RoleDistance(
                role, s.label(role), plan is not None, cost, met, len(reqs) + len(gates), plan
            )
        )
    return ClosestRoles(minimize, tuple(found))
