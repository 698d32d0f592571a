"""Exact shortest learning paths, role gaps, closest roles and career paths.

Every function reads the planning graph of :mod:`certpath.projection` (a ``networkx.MultiDiGraph``
keyed by IRI, described in ``docs/graph-projection.md``) and follows the vocabulary's rules 2-5:

* a requirement (C, L) is met by a held competency C' at level >= L where C' is C or reaches C by
  ``broader`` edges; holding an offer gives what it ``teaches`` at its level;
* an offer can be started once every ``prerequisite`` is met (offer: held; competency: met at
  level 1; group: at least ``min_count`` members met);
* a plan is an ordered list of offers, each startable after the ones before it, after which the
  role's ``requires`` (and with ``with_recommended`` its ``recommends``) are met.

The shortest plan has the least total of the chosen measure (``"hours"``, ``"cost"`` or
``"steps"``), ties broken by the other two (in the order hours, cost, steps) and then by the
sorted tuple of its offer IRIs, smallest first. Steps are listed in prerequisite order, the
smallest IRI first among those that can be started. Money is added up only within one currency.

The search is exact: the graph is reduced to the offers that matter, then solved as a 0/1
program with HiGHS (:mod:`certpath._milp`; highspy is imported only when a plan must be solved,
and not at all when few offers are left to decide: those are enumerated exactly in pure Python).

What the planner reads from a graph (its index: relations, the ``broader`` hierarchy both ways,
which roles need a competency) is built on the first question and cached per graph object, so
later questions on the same loaded graph reuse it. The cache notices added or removed nodes and
newly linked node pairs; after editing attributes in place (or adding a parallel edge with a new
key), call :func:`clear_cache`.
"""

from __future__ import annotations

import difflib
import math
import weakref
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import networkx as nx

from certpath import _milp
from certpath.errors import EntityNotFound, MixedCurrencies, NoPlan

__all__ = [
    "Alternative",
    "CareerPath",
    "Gap",
    "LearningPlan",
    "MEASURES",
    "MetRequirement",
    "Milestone",
    "PlanStep",
    "Requirement",
    "RoleDistance",
    "career_path",
    "clear_cache",
    "closest_roles",
    "greedy_learning_path",
    "no_plan_to_dict",
    "role_gaps",
    "shortest_learning_path",
]

MEASURES: tuple[str, ...] = _milp.MEASURES


# --------------------------------------------------------------------------- results


@dataclass(frozen=True)
class Requirement:
    """A competency needed at a level."""

    competency: str
    level: int

    def to_dict(self) -> dict[str, Any]:
        return {"competency": self.competency, "level": self.level}


@dataclass(frozen=True)
class MetRequirement:
    """A requirement the person meets before any step, and what meets it."""

    competency: str
    level: int
    met_by: str

    def to_dict(self) -> dict[str, Any]:
        return {"competency": self.competency, "level": self.level, "met_by": self.met_by}


@dataclass(frozen=True)
class Milestone:
    """Role ``role`` has every ``requires`` met after step ``after_step`` (0-based)."""

    after_step: int
    role: str

    def to_dict(self) -> dict[str, Any]:
        return {"after_step": self.after_step, "role": self.role}


@dataclass(frozen=True)
class PlanStep:
    """One offer of a plan, with the requirements it is first to meet and what unlocked it."""

    iri: str
    label: str
    hours: float
    cost: float
    currency: str | None
    provider: str | None
    delivery: tuple[str, ...]
    meets: tuple[Requirement, ...]
    unlocked_by: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "iri": self.iri,
            "label": self.label,
            "hours": self.hours,
            "cost": self.cost,
            "currency": self.currency,
            "provider": self.provider,
            "delivery": list(self.delivery),
            "meets": [m.to_dict() for m in self.meets],
            "unlocked_by": list(self.unlocked_by),
        }


@dataclass(frozen=True)
class Alternative:
    """A next-best plan; ``difference`` is its excess over the best in the primary measure."""

    steps: tuple[str, ...]
    total_hours: float
    total_cost: float | None
    total_steps: int
    difference: float
    currency: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "steps": list(self.steps),
            "total": _total_dict(
                self.total_hours, self.total_cost, self.currency, self.total_steps
            ),
            "difference": self.difference,
        }


@dataclass(frozen=True)
class LearningPlan:
    """A learning path to ``target``; ``optimal`` is False only for the greedy heuristic."""

    target: str
    target_label: str
    minimize: str
    optimal: bool
    steps: tuple[PlanStep, ...]
    total_hours: float
    total_cost: float | None
    currency: str | None
    already_met: tuple[MetRequirement, ...] = ()
    milestones: tuple[Milestone, ...] = ()
    alternatives: tuple[Alternative, ...] = ()

    @property
    def total_steps(self) -> int:
        return len(self.steps)

    def total(self, measure: str) -> float:
        """The plan's total in ``measure`` (cost must be in one currency)."""
        if measure == "steps":
            return float(self.total_steps)
        if measure == "hours":
            return self.total_hours
        if self.total_cost is None:
            raise MixedCurrencies(f"the plan to {self.target} mixes currencies")
        return self.total_cost

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready data (plain ``dict``, ``list``, ``str``, ``int``, ``float``, ``None``)."""
        return {
            "target": {"iri": self.target, "label": self.target_label},
            "minimize": self.minimize,
            "optimal": self.optimal,
            "total": _total_dict(
                self.total_hours, self.total_cost, self.currency, self.total_steps
            ),
            "steps": [s.to_dict() for s in self.steps],
            "already_met": [m.to_dict() for m in self.already_met],
            "milestones": [m.to_dict() for m in self.milestones],
            "alternatives": [a.to_dict() for a in self.alternatives],
        }


@dataclass(frozen=True)
class Gap:
    """How a person stands against one requirement of a role."""

    competency: str
    label: str
    required_level: int
    held_level: int
    status: str
    essential: bool
    offers: tuple[str, ...]


@dataclass(frozen=True)
class RoleDistance:
    """A role and the exact cost (primary measure) of the shortest path to it."""

    role: str
    label: str
    feasible: bool
    cost: float | None
    met: int
    total: int
    plan: LearningPlan | None = field(default=None, compare=False)


@dataclass(frozen=True)
class CareerPath:
    """A chain of roles over ``leadsTo`` and the plan for each hop."""

    source: str
    target: str
    minimize: str
    roles: tuple[str, ...]
    hops: tuple[LearningPlan, ...]
    total: float

    def to_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "target": self.target,
            "minimize": self.minimize,
            "roles": list(self.roles),
            "total": self.total,
            "hops": [h.to_dict() for h in self.hops],
        }


def _total_dict(
    hours: float, cost: float | None, currency: str | None, steps: int
) -> dict[str, Any]:
    return {"hours": hours, "cost": cost, "currency": currency, "steps": steps}


def no_plan_to_dict(err: NoPlan) -> dict[str, Any]:
    """Return ``{"feasible": False, "message": ..., "reasons": [...]}`` for a :class:`NoPlan`."""
    return {"feasible": False, "message": str(err), "reasons": list(err.reasons)}


# --------------------------------------------------------------------------- graph index


class _Index:
    """What the planner reads from the graph, gathered in one pass over its edges."""

    def __init__(self, G: Any) -> None:
        # The node view only (not G): the index cache holds indexes weakly keyed by their graph.
        self.nodes: Any = G.nodes
        self.kind: dict[str, str] = {n: str(d.get("kind", "")) for n, d in G.nodes(data=True)}
        self.teaches: dict[str, dict[str, int]] = {}
        self.taught_by: dict[str, dict[str, int]] = {}
        self.prereqs: dict[str, list[str]] = {}
        self.members: dict[str, list[str]] = {}
        self.requires: dict[str, dict[str, int]] = {}
        self.recommends: dict[str, dict[str, int]] = {}
        self.leads_to: list[tuple[str, str]] = []
        self.providers: dict[str, set[str]] = {}
        self.broader: Any = nx.DiGraph()
        self._narrow: dict[str, frozenset[str]] = {}
        self._broad: dict[str, frozenset[str]] = {}
        self._satisfiers: dict[tuple[str, int], frozenset[str]] = {}
        self._cheapest: dict[tuple[str, int, str], list[tuple[float, str]]] = {}
        self._required_by: dict[str, list[str]] | None = None
        for u, v, key, data in G.edges(keys=True, data=True):
            self._add_edge(u, v, key, int(data.get("level", 1)))
        for n, d in G.nodes(data=True):
            if d.get("kind") == "offer" and d.get("provider"):
                self.providers.setdefault(n, set()).add(str(d["provider"]))
        for table in (self.prereqs, self.members):
            for items in table.values():
                items.sort()
        self.leads_to.sort()
        self._offers = sorted(n for n, k in self.kind.items() if k == "offer")
        self._roles = sorted(n for n, k in self.kind.items() if k == "role")
        for c in self.broader:  # the hierarchy both ways, once (the index is reused)
            self.broad(c)
            self.narrow(c)
        self.required_by("")

    def _add_edge(self, u: str, v: str, key: str, level: int) -> None:
        if key == "teaches":
            self.teaches.setdefault(u, {})[v] = max(level, self.teaches.get(u, {}).get(v, 0))
            self.taught_by.setdefault(v, {})[u] = self.teaches[u][v]
        elif key in ("requires", "recommends"):
            table = self.requires if key == "requires" else self.recommends
            table.setdefault(u, {})[v] = max(level, table.get(u, {}).get(v, 0))
        elif key == "prerequisite":
            self.prereqs.setdefault(u, []).append(v)
        elif key == "member":
            self.members.setdefault(u, []).append(v)
        elif key == "broader":
            self.broader.add_edge(u, v)
        elif key == "leadsTo":
            self.leads_to.append((u, v))
        elif key == "offeredBy":
            self.providers.setdefault(u, set()).add(v)

    def label(self, iri: str) -> str:
        if iri in self.nodes:
            return str(self.nodes[iri].get("label", iri.rsplit("/", 1)[-1]))
        return iri

    def attr(self, offer: str, name: str, default: Any = None) -> Any:
        return self.nodes[offer].get(name, default)

    def narrow(self, c: str) -> frozenset[str]:
        """``c`` and every competency that reaches it over ``broader`` edges."""
        found = self._narrow.get(c)
        if found is None:
            found = self._narrow[c] = _reach(self.broader._pred, c)
        return found

    def broad(self, c: str) -> frozenset[str]:
        """``c`` and every competency it reaches over ``broader`` edges."""
        found = self._broad.get(c)
        if found is None:
            found = self._broad[c] = _reach(self.broader._succ, c)
        return found

    def required_by(self, c: str) -> list[str]:
        """Roles with a ``requires`` of competency ``c``."""
        if self._required_by is None:
            table: dict[str, list[str]] = {}
            for role, reqs in self.requires.items():
                for comp in reqs:
                    table.setdefault(comp, []).append(role)
            self._required_by = table
        return self._required_by.get(c, [])

    def offers(self) -> list[str]:
        """Every offer, by IRI (do not modify)."""
        return self._offers

    def roles(self) -> list[str]:
        """Every role, by IRI (do not modify)."""
        return self._roles

    def requirements(self, role: str, with_recommended: bool) -> dict[str, int]:
        reqs = dict(self.requires.get(role, {}))
        if with_recommended:
            for c, level in self.recommends.get(role, {}).items():
                reqs[c] = max(level, reqs.get(c, 0))
        return reqs

    def cheapest(self, c: str, level: int, minimize: str) -> list[tuple[float, str]]:
        """``satisfiers(c, level)`` as (cost in ``minimize``, offer), cheapest first."""
        key = (c, level, minimize)
        found = self._cheapest.get(key)
        if found is None:
            found = self._cheapest[key] = sorted(
                (_primary(self, minimize, [o]), o) for o in self.satisfiers(c, level)
            )
        return found

    def satisfiers(self, c: str, level: int) -> frozenset[str]:
        """Offers that teach ``c`` or a narrower competency at ``level`` or above."""
        key = (c, level)
        found = self._satisfiers.get(key)
        if found is None:
            found = frozenset(
                o
                for n in self.narrow(c)
                for o, taught in self.taught_by.get(n, {}).items()
                if taught >= level
            )
            self._satisfiers[key] = found
        return found


def _reach(adjacency: Mapping[str, Mapping[str, Any]], start: str) -> frozenset[str]:
    """``start`` and every node reachable from it in ``adjacency`` (a DiGraph's ``_succ`` or
    ``_pred``); plain dictionaries, faster than NetworkX's traversal generators."""
    found = {start}
    todo = [start]
    while todo:
        for n in adjacency.get(todo.pop(), ()):
            if n not in found:
                found.add(n)
                todo.append(n)
    return frozenset(found)


#: Planner indexes of the graphs asked about, reused while their node and edge counts stay.
_INDEXES: weakref.WeakKeyDictionary[Any, tuple[tuple[int, int], _Index]] = (
    weakref.WeakKeyDictionary()
)


def _index(G: Any) -> _Index:
    """The planner index of ``G``, built once per graph and reused by later questions.

    It is rebuilt when the number of nodes or of linked (u, v) pairs changes (counted in C over
    the adjacency; ``number_of_edges()`` of a MultiDiGraph walks every edge in Python, 85 ms at
    ESCO scale). After editing attributes in place, or adding an edge with a new key between
    two already linked nodes, call :func:`clear_cache` (or plan on a copy).
    """
    adjacency = getattr(G, "_adj", None)
    pairs = sum(map(len, adjacency.values())) if isinstance(adjacency, dict) else -1
    stamp = (G.number_of_nodes(), pairs)
    try:
        cached = _INDEXES.get(G)
    except TypeError:  # not weakly referenceable: no cache
        return _Index(G)
    if cached is not None and cached[0] == stamp:
        return cached[1]
    ix = _Index(G)
    _INDEXES[G] = (stamp, ix)
    return ix


def clear_cache() -> None:
    """Forget every cached planner index (after editing a graph's attributes in place)."""
    _INDEXES.clear()


def _check_role(ix: _Index, role: str) -> None:
    if ix.kind.get(role) != "role":
        close = difflib.get_close_matches(role, ix.roles(), n=3)
        raise EntityNotFound(f"no role {role!r} in the graph", suggestions=close)


def _check_measure(minimize: str) -> None:
    if minimize not in MEASURES:
        raise ValueError(f"minimize must be one of {', '.join(MEASURES)}, not {minimize!r}")


# --------------------------------------------------------------------------- person state


@dataclass
class _State:
    """What a person holds: offers, and per competency C the highest level held of C or of a
    narrower competency (``reach``: what rule 2 compares a requirement with)."""

    reach: dict[str, int]
    held: set[str]

    def copy(self) -> _State:
        return _State(dict(self.reach), set(self.held))

    def gain(self, ix: _Index, c: str, level: int) -> None:
        reach = self.reach
        if reach.get(c, 0) >= level:  # then so is every broader one
            return
        for b in ix._broad.get(c) or ix.broad(c):
            if reach.get(b, 0) < level:
                reach[b] = level

    def take(self, ix: _Index, offer: str) -> None:
        self.held.add(offer)
        reach = self.reach
        for c, level in ix.teaches.get(offer, {}).items():
            if reach.get(c, 0) < level:
                self.gain(ix, c, level)


def _base_state(ix: _Index, have: Mapping[str, int] | None, holds: Iterable[str]) -> _State:
    state = _State({}, set())
    for c, level in (have or {}).items():
        state.gain(ix, c, int(level))
    for offer in holds:
        state.take(ix, offer)
    return state


def _meets(ix: _Index, state: _State, c: str, level: int) -> bool:
    return state.reach.get(c, 0) >= level


def _item_met(ix: _Index, state: _State, item: str) -> bool:
    """Whether prerequisite ``item`` (offer, competency or group) is met in ``state``."""
    kind = ix.kind.get(item)
    if kind == "offer":
        return item in state.held
    if kind == "competency":
        return _meets(ix, state, item, 1)
    if kind == "group":
        need = int(ix.attr(item, "min_count", 1))
        met = sum(1 for m in ix.members.get(item, []) if _member_met(ix, state, m))
        return met >= need
    return False


def _member_met(ix: _Index, state: _State, member: str) -> bool:
    kind = ix.kind.get(member)
    if kind == "offer":
        return member in state.held
    if kind == "competency":
        return _meets(ix, state, member, 1)
    return False  # nested groups are not part of the vocabulary


def _startable(ix: _Index, state: _State, offer: str) -> bool:
    return all(_item_met(ix, state, p) for p in ix.prereqs.get(offer, []))


def _suppliers(ix: _Index, state: _State, item: str) -> set[str]:
    """Offers that could meet prerequisite ``item`` where it is not met in ``state``."""
    if _item_met(ix, state, item):
        return set()
    kind = ix.kind.get(item)
    if kind == "offer":
        return {item}
    if kind == "competency":
        return set(ix.satisfiers(item, 1))
    found: set[str] = set()
    if kind == "group":
        for m in ix.members.get(item, []):
            if not _member_met(ix, state, m):
                kind_m = ix.kind.get(m)
                found |= {m} if kind_m == "offer" else ix.satisfiers(m, 1) if kind_m else set()
    return found


# --------------------------------------------------------------------------- reduction


@dataclass
class _Question:
    """A planning question reduced to the offers that matter."""

    target: str
    base: _State
    requirements: dict[str, int]
    unmet: list[tuple[str, int]]
    allowed: set[str]
    startable: set[str]
    candidates: set[str]
    final: _State
    include: list[str]


def _allowed(
    ix: _Index,
    base: _State,
    exclude: Iterable[str],
    delivery: Iterable[str] | None,
) -> set[str]:
    banned = set(exclude)
    modes = None if delivery is None else set(delivery)
    if not banned and modes is None:
        return set(ix.offers()) - base.held
    return {
        o
        for o in ix.offers()
        if o not in base.held
        and o not in banned
        and not (ix.providers.get(o, set()) & banned)
        and (modes is None or bool(set(ix.attr(o, "delivery", ()) or ()) & modes))
    }


def _closure(ix: _Index, base: _State, seeds: Iterable[str], pool: set[str]) -> set[str]:
    """``seeds`` in ``pool`` and, transitively, the offers in ``pool`` that supply their
    prerequisites not met in ``base``."""
    found = {s for s in seeds if s in pool}
    todo = sorted(found)
    while todo:
        offer = todo.pop()
        for item in ix.prereqs.get(offer, []):
            new = sorted(s for s in _suppliers(ix, base, item) if s in pool and s not in found)
            for s in new:
                found.add(s)
                todo.append(s)
    return found


def _fixpoint(ix: _Index, base: _State, pool: set[str]) -> tuple[set[str], _State]:
    """Offers of ``pool`` that can ever be started (holdings only grow), and the final state.

    Prerequisites ask competencies at level 1 only, so the final state records what the taken
    offers teach at level 1 (on top of ``base``); it serves prerequisite checks, not levels.
    """
    state = base.copy()
    reach = state.reach
    taken: set[str] = set()
    left = sorted(pool)
    while left:
        rest = []
        for o in left:
            if _startable(ix, state, o):
                state.held.add(o)
                taken.add(o)
                for c in ix.teaches.get(o, {}):
                    if c not in reach:
                        for b in ix.broad(c):
                            reach.setdefault(b, 1)
            else:
                rest.append(o)
        if len(rest) == len(left):
            break
        left = rest
    return taken, state


def _reduce(
    ix: _Index,
    target: str,
    base: _State,
    *,
    exclude: Iterable[str],
    include: Iterable[str],
    delivery: Iterable[str] | None,
    with_recommended: bool,
) -> _Question:
    reqs = ix.requirements(target, with_recommended)
    unmet = sorted((c, lv) for c, lv in reqs.items() if not _meets(ix, base, c, lv))
    wanted = [o for o in dict.fromkeys(include) if o not in base.held]
    for o in wanted:
        if ix.kind.get(o) != "offer":
            raise EntityNotFound(f"no offer {o!r} in the graph to include")
    allowed = _allowed(ix, base, exclude, delivery)
    seeds = {o for c, lv in unmet for o in ix.satisfiers(c, lv)} | set(wanted)
    wide = _closure(ix, base, seeds, allowed)
    startable, final = _fixpoint(ix, base, wide)
    candidates = _closure(ix, base, seeds, startable)
    return _Question(target, base, reqs, unmet, allowed, startable, candidates, final, wanted)


def _structure_reasons(ix: _Index, q: _Question) -> list[dict[str, object]]:
    """Why no plan exists whatever the budget (empty when some plan exists)."""
    reasons: list[dict[str, object]] = []
    for c, level in q.unmet:
        teachers = sorted(ix.satisfiers(c, level) & q.allowed)
        if not teachers:
            reasons.append({"kind": "untaught", "competency": c, "level": level})
        elif not set(teachers) & q.startable:
            for o in teachers:
                missing = [p for p in ix.prereqs.get(o, []) if not _item_met(ix, q.final, p)]
                reasons.append(
                    {"kind": "blocked", "offer": o, "prerequisites": missing, "competency": c}
                )
    for o in q.include:
        if o not in q.startable:
            missing = [p for p in ix.prereqs.get(o, []) if not _item_met(ix, q.final, p)]
            reasons.append(
                {"kind": "include", "offer": o, "prerequisites": missing, "allowed": o in q.allowed}
            )
    return reasons


def _describe(ix: _Index, reason: Mapping[str, object]) -> str:
    kind = reason["kind"]
    if kind == "untaught":
        return (
            f"nothing allowed teaches {ix.label(str(reason['competency']))} "
            f"at level {reason['level']} or above"
        )
    if kind == "blocked":
        prerequisites = reason["prerequisites"]
        assert isinstance(prerequisites, list)
        names = ", ".join(ix.label(str(p)) for p in prerequisites)
        return f"{ix.label(str(reason['offer']))} cannot be started (needs {names})"
    if kind == "include":
        if not reason["allowed"]:
            return f"included offer {ix.label(str(reason['offer']))} is excluded or filtered out"
        return f"included offer {ix.label(str(reason['offer']))} can never be started"
    unit = " hours" if reason["measure"] == "hours" else ""
    return (
        f"the {reason['measure']} budget {_num(reason['budget'])}{unit} is too small "
        f"(least {_num(reason['least'])}{unit})"
    )


def _num(value: object) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def _no_plan(ix: _Index, target: str, reasons: list[dict[str, object]]) -> NoPlan:
    more = f" (and {len(reasons) - 1} more)" if len(reasons) > 1 else ""
    message = f"no learning path to {ix.label(target)}: {_describe(ix, reasons[0])}{more}"
    return NoPlan(message, reasons)


def _currencies(ix: _Index, offers: Iterable[str]) -> list[str]:
    return sorted({str(c) for o in offers if (c := ix.attr(o, "currency")) is not None})


def _key(minimize: str, mixed: bool) -> tuple[str, ...]:
    key = (minimize, *(m for m in MEASURES if m != minimize))
    return tuple(m for m in key if not (mixed and m == "cost"))


def _model(ix: _Index, q: _Question) -> _milp.PlanModel:
    """The reduced question as a 0/1 program input."""
    cands = q.candidates
    prerequisites: dict[str, tuple[_milp.Prerequisite, ...]] = {}
    for o in sorted(cands):
        items = []
        for p in ix.prereqs.get(o, []):
            if _item_met(ix, q.base, p):
                continue
            if ix.kind.get(p) == "group":
                need = int(ix.attr(p, "min_count", 1))
                need -= sum(1 for m in ix.members.get(p, []) if _member_met(ix, q.base, m))
                unmet = [m for m in ix.members.get(p, []) if not _member_met(ix, q.base, m)]
                options = tuple(_options(ix, q, m, o) for m in unmet)
                items.append(_milp.Prerequisite(need, options))
            else:
                items.append(_milp.Prerequisite(1, (_options(ix, q, p, o),)))
        prerequisites[o] = tuple(items)
    return _milp.PlanModel(
        offers=tuple(sorted(cands)),
        hours={o: float(ix.attr(o, "hours", 0.0) or 0.0) for o in cands},
        cost={o: float(ix.attr(o, "cost", 0.0) or 0.0) for o in cands},
        requirements=tuple(tuple(sorted(ix.satisfiers(c, lv) & cands)) for c, lv in q.unmet),
        prerequisites=prerequisites,
        include=tuple(sorted(q.include)),
    )


def _options(ix: _Index, q: _Question, item: str, offer: str) -> tuple[str, ...]:
    kind = ix.kind.get(item)
    found: frozenset[str] = frozenset()
    if kind == "offer":
        found = frozenset((item,))
    elif kind == "competency":
        found = ix.satisfiers(item, 1)
    return tuple(sorted(found & q.candidates - {offer}))


# --------------------------------------------------------------------------- plan assembly


def _order(ix: _Index, base: _State, chosen: Iterable[str]) -> list[str]:
    """``chosen`` in prerequisite order, smallest startable IRI first."""
    state = base.copy()
    left = sorted(chosen)
    order: list[str] = []
    while left:
        nxt = next((o for o in left if _startable(ix, state, o)), None)
        if nxt is None:
            raise RuntimeError(f"internal error: no valid order for {left}")
        left.remove(nxt)
        order.append(nxt)
        state.take(ix, nxt)
    return order


def _sources(
    ix: _Index,
    have: Mapping[str, int],
    holds: list[str],
    before: list[str],
    c: str,
    level: int,
) -> list[str]:
    """The first thing that meets (``c``, ``level``): a competency the person has (``c`` itself
    first), else a held offer, else the earliest step in ``before``."""
    narrow = ix.narrow(c)
    mine = sorted(n for n in narrow if int(have.get(n, 0)) >= level)
    if c in mine:
        return [c]
    if mine:
        return [mine[0]]
    for group in (sorted(holds), before):
        for o in group:
            if any(ix.teaches.get(o, {}).get(n, 0) >= level for n in narrow):
                return [o]
    return []


def _unlocked_by(
    ix: _Index,
    have: Mapping[str, int],
    holds: list[str],
    before: list[str],
    offer: str,
) -> tuple[str, ...]:
    state = _base_state(ix, have, holds)
    for o in before:
        state.take(ix, o)
    found: list[str] = []
    for p in ix.prereqs.get(offer, []):
        items = ix.members.get(p, []) if ix.kind.get(p) == "group" else [p]
        for m in items:
            if ix.kind.get(m) == "offer" and m in state.held:
                found.append(m)
            elif ix.kind.get(m) == "competency":
                found.extend(_sources(ix, have, holds, before, m, 1))
    return tuple(dict.fromkeys(found))


def _steps(
    ix: _Index, q: _Question, have: Mapping[str, int], holds: list[str], order: list[str]
) -> tuple[PlanStep, ...]:
    state = q.base.copy()
    left = list(q.unmet)
    steps: list[PlanStep] = []
    for i, o in enumerate(order):
        state.take(ix, o)
        meets = [Requirement(c, lv) for c, lv in left if _meets(ix, state, c, lv)]
        left = [(c, lv) for c, lv in left if not _meets(ix, state, c, lv)]
        steps.append(
            PlanStep(
                iri=o,
                label=ix.label(o),
                hours=float(ix.attr(o, "hours", 0.0) or 0.0),
                cost=float(ix.attr(o, "cost", 0.0) or 0.0),
                currency=ix.attr(o, "currency"),
                provider=ix.attr(o, "provider"),
                delivery=tuple(ix.attr(o, "delivery", ()) or ()),
                meets=tuple(meets),
                unlocked_by=_unlocked_by(ix, have, holds, order[:i], o),
            )
        )
    return tuple(steps)


def _milestones(ix: _Index, base: _State, order: list[str]) -> tuple[Milestone, ...]:
    """Roles not met before the plan whose every ``requires`` is met after some step (the first).

    Such a role has a requirement a step meets, so only roles requiring a competency some step
    teaches (or a broader one) are looked at.
    """
    first: dict[tuple[str, int], int] = {}  # (competency, level) -> first step reaching it
    reached: set[str] = set()
    for i, o in enumerate(order):
        for n, level in ix.teaches.get(o, {}).items():
            for c in ix.broad(n):
                reached.add(c)
                for lv in range(1, level + 1):
                    first.setdefault((c, lv), i)
    roles: set[str] = set()
    for c in reached:
        roles.update(ix.required_by(c))
    found: list[Milestone] = []
    for role in sorted(roles):
        after = -1
        for c, lv in ix.requires.get(role, {}).items():
            if _meets(ix, base, c, lv):
                continue
            step = first.get((c, lv))
            if step is None:
                break
            after = max(after, step)
        else:
            if after >= 0:
                found.append(Milestone(after, role))
    return tuple(sorted(found, key=lambda m: (m.after_step, m.role)))


def _totals(ix: _Index, offers: Iterable[str]) -> tuple[float, float | None, str | None]:
    chosen = sorted(offers)
    hours = math.fsum(float(ix.attr(o, "hours", 0.0) or 0.0) for o in chosen)
    currencies = _currencies(ix, chosen)
    if len(currencies) > 1:
        return hours, None, None
    cost = math.fsum(float(ix.attr(o, "cost", 0.0) or 0.0) for o in chosen)
    return hours, cost, (currencies[0] if currencies else None)


def _assemble(
    ix: _Index,
    q: _Question,
    have: Mapping[str, int],
    holds: list[str],
    minimize: str,
    optimal: bool,
    plans: list[frozenset[str]],
) -> LearningPlan:
    order = _order(ix, q.base, plans[0])
    hours, cost, currency = _totals(ix, order)
    primary = _primary(ix, minimize, order)
    alternatives = []
    for alt in plans[1:]:
        alt_order = _order(ix, q.base, alt)
        a_hours, a_cost, a_currency = _totals(ix, alt_order)
        diff = _primary(ix, minimize, alt_order) - primary
        alternatives.append(
            Alternative(tuple(alt_order), a_hours, a_cost, len(alt_order), diff, a_currency)
        )
    already = []
    for c, level in sorted(q.requirements.items()):
        if _meets(ix, q.base, c, level):
            by = _sources(ix, have, holds, [], c, level)
            already.append(MetRequirement(c, level, by[0] if by else c))
    return LearningPlan(
        target=q.target,
        target_label=ix.label(q.target),
        minimize=minimize,
        optimal=optimal,
        steps=_steps(ix, q, have, holds, order),
        total_hours=hours,
        total_cost=cost,
        currency=currency,
        already_met=tuple(already),
        milestones=_milestones(ix, q.base, order),
        alternatives=tuple(alternatives),
    )


def _primary(ix: _Index, minimize: str, offers: list[str]) -> float:
    if minimize == "steps":
        return float(len(offers))
    name = "hours" if minimize == "hours" else "cost"
    return math.fsum(float(ix.attr(o, name, 0.0) or 0.0) for o in sorted(offers))


# --------------------------------------------------------------------------- planning


def _plan(
    ix: _Index,
    target: str,
    *,
    have: Mapping[str, int] | None,
    holds: Iterable[str],
    minimize: str,
    budgets: Mapping[str, float],
    exclude: Iterable[str],
    include: Iterable[str],
    delivery: Iterable[str] | None,
    with_recommended: bool,
    alternatives: int,
    exact: bool,
) -> LearningPlan:
    _check_role(ix, target)
    _check_measure(minimize)
    have = dict(have or {})
    held = list(dict.fromkeys(holds))
    base = _base_state(ix, have, held)
    q = _reduce(
        ix,
        target,
        base,
        exclude=exclude,
        include=include,
        delivery=delivery,
        with_recommended=with_recommended,
    )
    reasons = _structure_reasons(ix, q)
    if reasons:
        raise _no_plan(ix, target, reasons)
    currencies = _currencies(ix, q.candidates)
    mixed = len(currencies) > 1
    if mixed and (minimize == "cost" or "cost" in budgets):
        raise MixedCurrencies(
            f"offers that could lead to {ix.label(target)} are priced in several currencies "
            f"({', '.join(currencies)}); add up money within one currency (exclude offers, or "
            "minimize hours or steps)"
        )
    model = _model(ix, q)
    if not exact:
        plans = [_greedy(ix, q, model, minimize)]
    else:
        plans = _milp.solve_plans(model, _key(minimize, mixed), budgets, 1 + alternatives)
    if not plans:
        raise _no_plan(ix, target, _budget_reasons(model, budgets))
    return _assemble(ix, q, have, held, minimize, exact, plans)


def _budget_reasons(
    model: _milp.PlanModel, budgets: Mapping[str, float]
) -> list[dict[str, object]]:
    """For each budget: the least that would do, keeping the other budgets (or, when they alone
    already rule every plan out, dropping them too)."""
    reasons: list[dict[str, object]] = []
    for name, budget in sorted(budgets.items()):
        others = {m: b for m, b in budgets.items() if m != name}
        least = _milp.minimum(model, name, others)
        if least is None:
            least = _milp.minimum(model, name, {})
        if least is not None and least > budget:
            reasons.append({"kind": "budget", "measure": name, "budget": budget, "least": least})
    return reasons


def _budgets(budget_hours: float | None, budget_cost: float | None) -> dict[str, float]:
    budgets: dict[str, float] = {}
    if budget_hours is not None:
        budgets["hours"] = float(budget_hours)
    if budget_cost is not None:
        budgets["cost"] = float(budget_cost)
    return budgets


def shortest_learning_path(
    G: Any,
    target: str,
    *,
    have: Mapping[str, int] | None = None,
    holds: Iterable[str] = (),
    minimize: str = "hours",
    budget_hours: float | None = None,
    budget_cost: float | None = None,
    exclude: Iterable[str] = (),
    include: Iterable[str] = (),
    delivery: Iterable[str] | None = None,
    with_recommended: bool = False,
    alternatives: int = 0,
) -> LearningPlan:
    """Return the exact shortest learning path to role ``target``.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        The planning graph (``docs/graph-projection.md``).
    target : str
        IRI of a role.
    have : mapping of str to int, optional
        Competency IRI to level the person has now (a competency given without a level is 5).
    holds : iterable of str
        Offer IRIs the person holds; each gives what it teaches.
    minimize : {"hours", "cost", "steps"}
        Primary measure; ties are broken by the other two (hours, cost, steps), then by the
        sorted tuple of offer IRIs, smallest first.
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

    Returns
    -------
    LearningPlan
        Steps in prerequisite order (smallest IRI first among the startable ones).

    Raises
    ------
    EntityNotFound
        ``target`` is not a role, or an ``include`` IRI is not an offer.
    NoPlan
        No plan exists; ``reasons`` says why (``untaught``, ``blocked``, ``include``, ``budget``).
    MixedCurrencies
        Money is minimised or budgeted while the candidate offers carry several currencies.

    Examples
    --------
    >>> import networkx as nx
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
    if alternatives < 0:
        raise ValueError("alternatives must be >= 0")
    return _plan(
        _index(G),
        target,
        have=have,
        holds=holds,
        minimize=minimize,
        budgets=_budgets(budget_hours, budget_cost),
        exclude=exclude,
        include=include,
        delivery=delivery,
        with_recommended=with_recommended,
        alternatives=alternatives,
        exact=True,
    )


def greedy_learning_path(
    G: Any,
    target: str,
    *,
    have: Mapping[str, int] | None = None,
    holds: Iterable[str] = (),
    minimize: str = "hours",
    exclude: Iterable[str] = (),
    include: Iterable[str] = (),
    delivery: Iterable[str] | None = None,
    with_recommended: bool = False,
) -> LearningPlan:
    """Return a learning path found greedily (``optimal=False``): a baseline, not the answer.

    Repeatedly takes the startable candidate that meets the most missing requirements per unit
    of ``minimize`` (else the cheapest startable one), then drops steps the plan does not need.
    Parameters, errors and result are those of :func:`shortest_learning_path`.

    Examples
    --------
    >>> import networkx as nx
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
    return _plan(
        _index(G),
        target,
        have=have,
        holds=holds,
        minimize=minimize,
        budgets={},
        exclude=exclude,
        include=include,
        delivery=delivery,
        with_recommended=with_recommended,
        alternatives=0,
        exact=False,
    )


def _greedy(ix: _Index, q: _Question, model: _milp.PlanModel, minimize: str) -> frozenset[str]:
    state = q.base.copy()
    taken: list[str] = []
    left = list(q.unmet)
    wanted = set(q.include)
    weight = {o: _milp.measure(model, minimize, [o]) for o in model.offers}
    while left or wanted - state.held:
        ready = [o for o in model.offers if o not in state.held and _startable(ix, state, o)]
        if not ready:  # cannot happen after the structure check
            raise RuntimeError("internal error: greedy search is stuck")

        scored = [(_gain(ix, state, left, wanted, o), o) for o in ready]
        useful = [(g / max(weight[o], 1e-9), -weight[o], o) for g, o in scored if g > 0]
        pick = (
            min(useful, key=lambda t: (-t[0], -t[1], t[2]))[2]
            if useful
            else min(ready, key=lambda o: (weight[o], o))
        )
        taken.append(pick)
        state.take(ix, pick)
        left = [(c, lv) for c, lv in left if not _meets(ix, state, c, lv)]
    return _prune(ix, q, taken)


def _gain(
    ix: _Index, state: _State, left: list[tuple[str, int]], wanted: set[str], offer: str
) -> int:
    """How many missing requirements (and wanted offers) taking ``offer`` now would meet."""
    taught = [(ix.broad(n), t) for n, t in ix.teaches.get(offer, {}).items()]
    met = sum(1 for c, lv in left if any(t >= lv and c in up for up, t in taught))
    return met + (offer in wanted)


def _prune(ix: _Index, q: _Question, taken: list[str]) -> frozenset[str]:
    """Drop steps, last first, while the rest is still a valid plan."""
    keep = list(taken)
    for o in reversed(taken):
        if o in q.include:
            continue
        trial = [x for x in keep if x != o]
        if _valid(ix, q, trial):
            keep = trial
    return frozenset(keep)


def _valid(ix: _Index, q: _Question, offers: list[str]) -> bool:
    state = q.base.copy()
    for o in offers:
        if not _startable(ix, state, o):
            return False
        state.take(ix, o)
    return all(_meets(ix, state, c, lv) for c, lv in q.unmet)


# --------------------------------------------------------------------------- gaps, roles, careers


def role_gaps(
    G: Any,
    target: str,
    *,
    have: Mapping[str, int] | None = None,
    holds: Iterable[str] = (),
) -> list[Gap]:
    """Return how the person stands against each requirement of role ``target``.

    Essential (``requires``) requirements come first, then recommended ones, each by IRI.
    ``offers`` lists the offers not held that teach the competency (or a narrower one) at the
    required level or above, fewest hours first, then by IRI.

    Examples
    --------
    >>> import networkx as nx
    >>> G = nx.MultiDiGraph()
    >>> G.add_node("r", kind="role")
    >>> G.add_node("c", kind="competency", label="Facilitation")
    >>> _ = G.add_edge("r", "c", key="requires", level=3)
    >>> [(g.status, g.held_level) for g in role_gaps(G, "r", have={"c": 2})]
    [('partial', 2)]
    """
    ix = _index(G)
    _check_role(ix, target)
    base = _base_state(ix, have, holds)
    gaps: list[Gap] = []
    for essential, table in ((True, ix.requires), (False, ix.recommends)):
        for c, level in sorted(table.get(target, {}).items()):
            held = base.reach.get(c, 0)
            status = "met" if held >= level else "partial" if held > 0 else "missing"
            offers = sorted(
                ix.satisfiers(c, level) - base.held,
                key=lambda o: (float(ix.attr(o, "hours", 0.0) or 0.0), o),
            )
            gaps.append(Gap(c, ix.label(c), level, held, status, essential, tuple(offers)))
    return gaps


def _lower_bound(ix: _Index, base: _State, role: str, minimize: str) -> float:
    """A lower bound on the cost (in ``minimize``) of any plan to ``role`` (inf: none).

    The larger of: the dearest, over missing requirements, of the cheapest offer meeting it; and
    the sum of those cheapest costs over requirements whose offers are pairwise disjoint (taken
    dearest first), since a plan holds a different offer for each of them.
    """
    needs: list[tuple[float, frozenset[str]]] = []
    for c, level in ix.requirements(role, False).items():
        if _meets(ix, base, c, level):
            continue
        ranked = ix.cheapest(c, level, minimize)
        least = next((w for w, o in ranked if o not in base.held), None)
        if least is None:
            return math.inf
        needs.append((least, ix.satisfiers(c, level)))
    needs.sort(key=lambda n: -n[0])
    used: set[str] = set()
    disjoint = 0.0
    for cost, offers in needs:
        if used.isdisjoint(offers):  # held offers are in no plan: sharing them does not matter
            disjoint += cost
            used |= offers - base.held
    return max(needs[0][0] if needs else 0.0, disjoint)


def _least(
    ix: _Index, role: str, have: dict[str, int], held: list[str], minimize: str
) -> float | None:
    """The exact least cost of a plan to ``role`` (None: no plan); raises as :func:`_plan`."""
    base = _base_state(ix, have, held)
    q = _reduce(ix, role, base, exclude=(), include=(), delivery=None, with_recommended=False)
    if _structure_reasons(ix, q):
        return None
    currencies = _currencies(ix, q.candidates)
    if len(currencies) > 1 and minimize == "cost":
        raise MixedCurrencies(
            f"offers that could lead to {ix.label(role)} are priced in several currencies "
            f"({', '.join(currencies)}); add up money within one currency (exclude offers, or "
            "minimize hours or steps)"
        )
    return _milp.minimum(_model(ix, q), minimize, {})


def closest_roles(
    G: Any,
    *,
    have: Mapping[str, int] | None = None,
    holds: Iterable[str] = (),
    top: int | None = 10,
    minimize: str = "hours",
) -> list[RoleDistance]:
    """Return roles ranked by the exact cost of their shortest learning path.

    Feasible roles come first, by cost in ``minimize`` then IRI; roles with no plan follow
    (``feasible=False``), by IRI. At most ``top`` are returned (all when None), each with its
    plan. Roles are costed in the order of a lower bound (see ``_lower_bound``) and the search
    stops once that bound exceeds the ``top``-th exact cost, so the list is exact; only the
    roles returned are planned in full.

    Examples
    --------
    >>> import networkx as nx
    >>> G = nx.MultiDiGraph()
    >>> G.add_nodes_from(["r1", "r2"], kind="role")
    >>> G.add_node("c", kind="competency")
    >>> G.add_node("a", kind="offer", hours=5.0, cost=0.0, currency=None)
    >>> _ = G.add_edge("a", "c", key="teaches", level=1)
    >>> _ = G.add_edge("r1", "c", key="requires", level=1)
    >>> [(d.role, d.cost) for d in closest_roles(G)]
    [('r2', 0.0), ('r1', 5.0)]
    """
    _check_measure(minimize)
    ix = _index(G)
    have = dict(have or {})
    held = list(dict.fromkeys(holds))
    base = _base_state(ix, have, held)
    bounds = sorted((_lower_bound(ix, base, r, minimize), r) for r in ix.roles())
    costs: dict[str, float | None] = {}
    feasible: list[tuple[float, str]] = []  # (cost, role), kept sorted
    for bound, role in bounds:
        if top is not None and len(feasible) >= top:
            kth = feasible[top - 1][0]
            if bound > kth + 1e-9 * max(1.0, abs(kth)):
                break
        cost = None if bound == math.inf else _least(ix, role, have, held, minimize)
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
        reqs = ix.requirements(role, False)
        met = sum(1 for c, lv in reqs.items() if _meets(ix, base, c, lv))
        plan = None
        if costs[role] is not None:
            plan = _plan(
                ix,
                role,
                have=have,
                holds=held,
                minimize=minimize,
                budgets={},
                exclude=(),
                include=(),
                delivery=None,
                with_recommended=False,
                alternatives=0,
                exact=True,
            )
        cost = None if plan is None else plan.total(minimize)
        found.append(
            RoleDistance(role, ix.label(role), plan is not None, cost, met, len(reqs), plan)
        )
    return found


def career_path(
    G: Any,
    source_role: str,
    target_role: str,
    *,
    have: Mapping[str, int] | None = None,
    holds: Iterable[str] = (),
    minimize: str = "hours",
) -> CareerPath:
    """Return the cheapest chain of roles over ``leadsTo`` edges from one role to another.

    Each hop u → v weighs the exact shortest-path cost (in ``minimize``) to v for a person who
    has ``have`` and ``holds`` plus every ``requires`` of u at its level; hops with no plan are
    not used. The chain is NetworkX's Dijkstra path over those weights.

    Raises
    ------
    EntityNotFound
        Either role is unknown.
    NoPlan
        No chain of feasible hops (reason kind ``"route"``).

    Examples
    --------
    >>> import networkx as nx
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
    _check_measure(minimize)
    ix = _index(G)
    holds = list(holds)
    _check_role(ix, source_role)
    _check_role(ix, target_role)
    hops: dict[tuple[str, str], LearningPlan | None] = {}

    def hop(u: str, v: str) -> LearningPlan | None:
        if (u, v) not in hops:
            person = dict(have or {})
            for c, level in ix.requires.get(u, {}).items():
                person[c] = max(level, person.get(c, 0))
            try:
                hops[u, v] = _plan(
                    ix,
                    v,
                    have=person,
                    holds=holds,
                    minimize=minimize,
                    budgets={},
                    exclude=(),
                    include=(),
                    delivery=None,
                    with_recommended=False,
                    alternatives=0,
                    exact=True,
                )
            except NoPlan:
                hops[u, v] = None
        return hops[u, v]

    def weight(u: str, v: str, _data: object) -> float | None:
        plan = hop(u, v)
        return None if plan is None else plan.total(minimize)

    H: Any = nx.DiGraph()
    H.add_nodes_from([source_role, target_role])
    H.add_edges_from((u, v) for u, v in ix.leads_to if ix.kind.get(v) == "role")
    try:
        roles = nx.dijkstra_path(H, source_role, target_role, weight=weight)
    except nx.NetworkXNoPath:
        reason: dict[str, object] = {"kind": "route", "source": source_role, "target": target_role}
        raise NoPlan(
            f"no career path from {ix.label(source_role)} to {ix.label(target_role)} "
            "over leadsTo with a feasible plan for every hop",
            [reason],
        ) from None
    plans = tuple(p for u, v in zip(roles, roles[1:], strict=False) if (p := hop(u, v)))
    total = math.fsum(p.total(minimize) for p in plans)
    return CareerPath(source_role, target_role, minimize, tuple(roles), plans, total)
