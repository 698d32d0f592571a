"""Small models solved by listing every feasible set in pure Python (no highspy, no numpy)."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping

from certpath._milp.model import PlanModel, Solution, _tolerance, _values


class _Enumeration:
    """Every feasible set of a small :class:`PlanModel` (as a bit mask over ``model.offers``),
    with its totals of every measure."""

    def __init__(self, model: PlanModel) -> None:
        self.model = model
        self.bit = {o: 1 << i for i, o in enumerate(model.offers)}
        included = self.mask(model.include)
        needs = [self.mask(r) for r in model.requirements]
        self.prereqs = [
            (self.bit[o], [(item.need, [self.mask(opt) for opt in item.options]) for item in items])
            for o, items in model.prerequisites.items()
            if o in self.bit and any(item.need > 0 for item in items)
        ]
        # Every set holding the included offers, with plain running totals (the bounds below
        # carry a relative tolerance of 1e-6, far above their rounding).
        names = ("hours", "cost", "months")
        table = [_values(model, name) for name in names]
        masks = [included]
        totals = [[math.fsum(t.get(o, 0.0) for o in model.include)] for t in table]
        for o in model.offers:
            if not included & self.bit[o]:
                b = self.bit[o]
                masks += [m | b for m in masks]
                for t, column in zip(table, totals, strict=True):
                    v = t.get(o, 0.0)
                    column += [x + v for x in column]
        # Sets that meet every requirement; whether one can be placed is asked only of the
        # sets :meth:`best` looks at (cheapest first), and remembered.
        self.sets: list[tuple[int, dict[str, float]]] = [
            (m, {"hours": h, "cost": c, "months": mo, "steps": float(m.bit_count())})
            for m, h, c, mo in zip(masks, *totals, strict=True)
            if all(m & r for r in needs)
        ]
        self._placeable: dict[int, bool] = {}

    def mask(self, offers: Iterable[str]) -> int:
        """The bit mask of ``offers`` (those outside the model are left out)."""
        return sum({self.bit[o] for o in offers if o in self.bit})

    def offers(self, mask: int) -> frozenset[str]:
        """The offers of ``mask``."""
        return frozenset(o for o, b in self.bit.items() if mask & b)

    def orderable(self, chosen: int) -> bool:
        """Whether the offers of ``chosen`` can be placed one by one, each after enough
        suppliers of its prerequisites (an offer never supplies itself)."""
        found = self._placeable.get(chosen)
        if found is None:
            found = self._placeable[chosen] = self._orderable(chosen, self.prereqs)
        return found

    @staticmethod
    def _orderable(chosen: int, prereqs: list[tuple[int, list[tuple[int, list[int]]]]]) -> bool:
        waiting = [(b, items) for b, items in prereqs if chosen & b]
        placed = chosen & ~sum(b for b, _ in waiting)
        while waiting:
            ready = [
                (b, items)
                for b, items in waiting
                if all(
                    sum(1 for opt in options if opt & placed & ~b) >= need
                    for need, options in items
                )
            ]
            if not ready:
                return False
            placed |= sum(b for b, _ in ready)
            waiting = [w for w in waiting if w not in ready]
        return True

    def best(
        self,
        key: tuple[str, ...],
        budgets: Mapping[str, float],
        earlier: Iterable[frozenset[str]] = (),
    ) -> frozenset[str] | None:
        """The best set within ``budgets`` that is no superset of an ``earlier`` one: least
        under ``key`` (each measure bounded by its optimum plus the tolerance, as
        :func:`_lexmin`), then the smallest sorted tuple of IRIs."""
        cuts = [self.mask(c) for c in earlier]
        allowed = [
            (m, t)
            for m, t in self.sets
            if all(t[name] <= ub + _tolerance(ub) for name, ub in budgets.items())
            and not any(m & c == c for c in cuts)
        ]
        # The first measure over the sets that can be placed: the cheapest placeable one gives
        # the least value, and only the sets within its tolerance are kept (all placeable).
        first = key[0]
        allowed.sort(key=lambda s: s[1][first])
        least = next((t[first] for m, t in allowed if self.orderable(m)), None)
        if least is None:
            return None
        bound = least + _tolerance(least)
        kept = []
        for m, t in allowed:
            if t[first] > bound:
                break
            if self.orderable(m):
                kept.append((m, t))
        allowed = kept
        for name in key[1:]:
            if not allowed:
                return None
            value = min(t[name] for _, t in allowed)
            allowed = [(m, t) for m, t in allowed if t[name] <= value + _tolerance(value)]
        if not allowed:
            return None
        return min((self.offers(m) for m, _ in allowed), key=lambda s: (len(s), sorted(s)))


def _enumerate(
    model: PlanModel, key: tuple[str, ...], budgets: Mapping[str, float], count: int
) -> Solution:
    sets = _Enumeration(model)
    plans: list[frozenset[str]] = []
    while len(plans) < count:
        found = sets.best(key, budgets, plans)
        if found is None:
            break
        plans.append(found)
        if not found:
            break
    return Solution(tuple(plans))
