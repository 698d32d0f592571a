"""The lexicographic passes and the exact IRI tie-break over a HiGHS solver
(:class:`~certpath._milp.highs._Solver`; the method is described in :mod:`certpath._milp`)."""

from __future__ import annotations

from certpath._milp.highs import _Failed, _Solver, _TimeUp
from certpath._milp.model import _INF, _nonnegative, _tolerance, measure


class _Partial(Exception):
    """A lexicographic search stopped early: the best valid set known and the proven bound."""

    def __init__(self, best: frozenset[str] | None, bound: float | None) -> None:
        super().__init__("partial")
        self.best = best
        self.bound = bound


def _lexmin(solver: _Solver, key: tuple[str, ...], tie_break: bool) -> frozenset[str] | None:
    """The best set under ``key`` then the IRI tie-break; bounds are reset afterwards.

    Raises :class:`_Partial` when the time limit runs out (or HiGHS fails, then without bound).
    """
    model = solver.model
    best: frozenset[str] | None = None
    bound: float | None = None
    saved = dict(solver.measure_limits)
    try:
        for i, name in enumerate(key):
            solver.objective(name)
            try:
                found = solver.solve()
            except _TimeUp as up:
                if i == 0:
                    raise _Partial(up.incumbent, up.bound) from None
                raise _Partial(best, bound) from None
            if found is None:
                return None
            best = found
            value = measure(model, name, best)
            if i == 0:
                bound = value
            solver.limit(name, value + _tolerance(value))
            if tie_break and i < len(key) - 1 and _nonnegative(model):
                # Is any set other than ``best`` (or a superset of it) still co-optimal?
                solver.objective(None)
                try:
                    other = solver.solve_with(-_INF, len(best) - 1.0, best)
                except _TimeUp:
                    raise _Partial(best, bound) from None
                if other is None:
                    return best
        assert best is not None
        if tie_break:
            try:
                best = _smallest_iris(solver, best)
            except _TimeUp:
                raise _Partial(best, bound) from None
        return best
    except _Failed:
        raise _Partial(best, None) from None
    finally:
        for name in list(solver.measure_limits):
            solver.limit(name, saved.get(name, _INF))


def _smallest_iris(solver: _Solver, best: frozenset[str]) -> frozenset[str]:
    """Among the sets the current rows allow (all of ``len(best)`` offers), the smallest by IRI.

    The result is that of the walk described in the module docstring; runs of offers outside the
    incumbent that no allowed set can hold are settled with one solve each.
    """
    model = solver.model
    solver.objective(None)
    order = [o for o in sorted(model.offers) if o not in model.include]
    size = len(best)
    chosen = len(model.include)  # fixed to 1 by the model, so in every allowed set
    fixed: list[str] = []

    def fix(o: str, value: float) -> None:
        solver.fix(o, value)
        fixed.append(o)

    p = 0
    try:
        while p < len(order) and chosen < size:
            zeros = [i for i in range(p, len(order)) if order[i] not in best]
            if not zeros:
                break
            # The smallest k such that some allowed set holds one of order[zeros[:k + 1]]:
            # sets holding one of zeros[:lo] are ruled out; one holding zeros[hi] is known.
            found = solver.solve_with(1.0, _INF, (order[i] for i in zeros))
            if found is None:
                break  # no allowed set holds any offer outside ``best``: the walk keeps it
            lo, hi = 0, next(k for k, i in enumerate(zeros) if order[i] in found)
            witness = found
            while lo < hi:
                mid = (lo + hi) // 2
                found = solver.solve_with(1.0, _INF, (order[i] for i in zeros[lo : mid + 1]))
                if found is None:
                    lo = mid + 1
                else:
                    hi = next(k for k in range(lo, mid + 1) if order[zeros[k]] in found)
                    witness = found
            q = zeros[hi]
            # Before q the walk keeps ``best``: its offers are proved by it, and no allowed set
            # holds any other offer there.
            for i in range(p, q):
                if order[i] in best:
                    fix(order[i], 1.0)
                    chosen += 1
                else:
                    fix(order[i], 0.0)
            o = order[q]
            if chosen < size:
                if all(order[i] in witness for i in range(p, q) if order[i] in best):
                    best = witness  # it agrees with every fixed decision and holds o
                else:
                    solver.fix(o, 1.0)
                    found = solver.solve()
                    if found is not None:
                        best = found
            if chosen < size and o in best:
                fix(o, 1.0)
                chosen += 1
            else:
                fix(o, 0.0)
            p = q + 1
    finally:
        for o in fixed:
            solver.fix(o, None)
    return best
