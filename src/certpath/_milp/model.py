"""The model of :mod:`certpath._milp`: what a plan is (the module docstring there), the measures and
the placing of a chosen set; no solver here."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

MEASURES = ("hours", "cost", "steps", "months")
METHODS = ("auto", "enumeration", "highs", "highs-ordered", "highs-unpruned")
_INF = math.inf

#: ``method="auto"`` enumerates when at most this many offers are left to decide (``2 ** n``
#: sets, after bound pruning). At 12, when every set meets the requirements, listing them takes
#: about 5 ms on a quiet machine (16 ms at load 7), below a HiGHS 0/1 solve of these models in a
#: warm process (20-50 ms) and far below the 85 ms of importing highspy and numpy.
ENUMERATION_LIMIT = 12
#: ``method="enumeration"`` refuses models with more offers left to decide than this.
ENUMERATION_MAX = 16
#: Cycle-cut rounds in one solve before the components of the stuck offers get ordering rows.
CUT_ROUNDS = 3


@dataclass(frozen=True)
class Prerequisite:
    """A prerequisite not met yet: at least ``need`` of ``options`` must be met before the offer.

    An option is met when any one of its supplier offers comes earlier in the plan.
    """

    need: int
    options: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class PlanModel:
    """The reduced question: candidate offers, their measures, what is still to be met."""

    offers: tuple[str, ...]
    hours: Mapping[str, float]
    cost: Mapping[str, float]
    requirements: tuple[tuple[str, ...], ...]
    prerequisites: Mapping[str, tuple[Prerequisite, ...]]
    include: tuple[str, ...] = ()
    months: Mapping[str, float] = field(default_factory=dict)  # absent = 0


@dataclass(frozen=True)
class Solution:
    """Plans (offer sets), best first; empty when no plan fits (or, when not ``optimal``, none
    was found in time).

    ``optimal`` is False only when a time limit (or a solver failure with nothing exact left)
    stopped the search; then ``bound`` is a proven lower bound of the key's first measure (None
    when unknown) and ``gap`` is ``(value - bound) / value`` for ``plans[0]`` (0 when the value
    is 0).
    """

    plans: tuple[frozenset[str], ...]
    optimal: bool = True
    bound: float | None = None
    gap: float | None = None


def measure(model: PlanModel, name: str, chosen: Iterable[str]) -> float:
    """Return the total of measure ``name`` over the ``chosen`` offers (order independent)."""
    items = sorted(chosen)
    if name == "steps":
        return float(len(items))
    values = _values(model, name)
    return math.fsum(values.get(o, 0.0) for o in items)


def _values(model: PlanModel, name: str) -> Mapping[str, float]:
    if name == "hours":
        return model.hours
    if name == "cost":
        return model.cost
    if name == "months":
        return model.months
    raise ValueError(f"unknown measure {name!r}; use one of {', '.join(MEASURES)}")


def _weight(model: PlanModel, name: str, offer: str) -> float:
    return 1.0 if name == "steps" else float(_values(model, name).get(offer, 0.0))


def _tolerance(value: float) -> float:
    return 1e-6 * max(1.0, abs(value))


def _full_key(key: Sequence[str]) -> tuple[str, ...]:
    for name in key:
        if name not in MEASURES:
            raise ValueError(f"unknown measure {name!r}; use one of {', '.join(MEASURES)}")
    key = tuple(dict.fromkeys(key))
    return key if "steps" in key else (*key, "steps")


# --------------------------------------------------------------------------- placing a set


class _Rules:
    """The prerequisites of a model as sets, to place a chosen set by the fixpoint."""

    def __init__(self, model: PlanModel) -> None:
        self.items: dict[str, list[tuple[int, list[frozenset[str]]]]] = {}
        for o, items in model.prerequisites.items():
            kept = [
                (item.need, [frozenset(opt) - {o} for opt in item.options])
                for item in items
                if item.need > 0
            ]
            if kept:
                self.items[o] = kept

    def unmet(self, o: str, placed: set[str] | frozenset[str]) -> list[int]:
        """Indexes of ``o``'s prerequisites that ``placed`` does not meet."""
        found = []
        for i, (need, options) in enumerate(self.items.get(o, ())):
            met = 0
            for opt in options:
                if not opt.isdisjoint(placed):
                    met += 1
                    if met >= need:
                        break
            if met < need:
                found.append(i)
        return found

    def place(self, chosen: Iterable[str]) -> tuple[list[str], set[str]]:
        """The offers of ``chosen`` in a placing order, and the stuck ones (empty when the set
        can be placed). Linear in the size of the chosen offers' rules: each supplier placed
        bumps the options it meets."""
        chosen = set(chosen)
        left: dict[str, int] = {}
        count: dict[tuple[str, int], int] = {}
        met: set[tuple[str, int, int]] = set()
        watch: dict[str, list[tuple[str, int, int]]] = {}
        order: list[str] = []
        for o in sorted(chosen):
            items = self.items.get(o)
            if not items:
                order.append(o)
                continue
            left[o] = len(items)
            for i, (_, options) in enumerate(items):
                count[o, i] = 0
                for j, opt in enumerate(options):
                    for s in opt & chosen:  # iterates the smaller of the two
                        watch.setdefault(s, []).append((o, i, j))
        k = 0
        while k < len(order):
            s = order[k]
            k += 1
            for o, i, j in watch.get(s, ()):
                if (o, i, j) in met:
                    continue
                met.add((o, i, j))
                count[o, i] += 1
                if count[o, i] == self.items[o][i][0]:
                    left[o] -= 1
                    if left[o] == 0:
                        order.append(o)
        return order, chosen.difference(order)

    def suppliers(self, o: str, indexes: Iterable[int]) -> set[str]:
        return {s for i in indexes for opt in self.items[o][i][1] for s in opt}


def _rules_of(model: PlanModel) -> _Rules:
    """The :class:`_Rules` of ``model``, made once per model (models are never changed)."""
    found = model.__dict__.get("_rules")
    if found is None:
        found = _Rules(model)
        object.__setattr__(model, "_rules", found)
    assert isinstance(found, _Rules)
    return found


def valid(model: PlanModel, chosen: Iterable[str], budgets: Mapping[str, float] = {}) -> bool:
    """Whether ``chosen`` is a feasible plan of ``model`` within ``budgets``."""
    chosen = frozenset(chosen)
    if not chosen <= set(model.offers) or not set(model.include) <= chosen:
        return False
    if any(chosen.isdisjoint(r) for r in model.requirements):
        return False
    for name, ub in budgets.items():
        if measure(model, name, chosen) > ub + _tolerance(ub):
            return False
    return not _rules_of(model).place(chosen)[1]


def _scc(nodes: Iterable[str], succ: Mapping[str, Sequence[str]]) -> dict[str, int]:
    """Node -> index of its strongly connected component (Tarjan, iterative). Components are
    numbered in reverse topological order (a component's successors get lower numbers)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    comp: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    counter = labels = 0
    for root in nodes:
        if root in index:
            continue
        work: list[tuple[str, int]] = [(root, 0)]
        while work:
            v, i = work.pop()
            if i == 0:
                index[v] = low[v] = counter
                counter += 1
                stack.append(v)
                on_stack.add(v)
            recurse = False
            nexts = succ.get(v, ())
            while i < len(nexts):
                w = nexts[i]
                i += 1
                if w not in index:
                    work.append((v, i))
                    work.append((w, 0))
                    recurse = True
                    break
                if w in on_stack:
                    low[v] = min(low[v], index[w])
            if recurse:
                continue
            if low[v] == index[v]:
                while True:
                    w = stack.pop()
                    on_stack.discard(w)
                    comp[w] = labels
                    if w == v:
                        break
                labels += 1
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[v])
    return comp


def _components(model: PlanModel) -> dict[str, int]:
    """Offer -> its strongly connected component in the "may supply" digraph."""
    known = set(model.offers)
    succ: dict[str, list[str]] = {o: [] for o in model.offers}
    for o, items in model.prerequisites.items():
        for item in items:
            for option in item.options:
                for s in option:
                    if s in known and s != o:
                        succ[s].append(o)
    return _scc(model.offers, succ)


def _nonnegative(model: PlanModel) -> bool:
    return all(
        v >= 0 for name in ("hours", "cost", "months") for v in _values(model, name).values()
    )
