"""Exact least-cost plans over AND/OR prerequisites: a 0/1 model solved with HiGHS.

Internal to :mod:`certpath.planner`, which reduces the graph to a :class:`PlanModel` (candidate
offers, the requirements still to meet, the prerequisites still to meet) and reads the answer.
This module knows nothing of NetworkX or RDF.

Formulation
-----------
* ``x[o]`` binary: offer ``o`` is in the plan; ``t[o]`` in ``[0, n - 1]``: its position.
* Requirement: the sum of ``x`` over the offers that meet it is at least 1.
* Prerequisite of ``o`` (one :class:`Prerequisite`, ``need`` of its ``options``): for each option
  ``j`` and supplier ``s`` a binary ``z`` with ``z <= x[s]`` and ``t[s] + 1 <= t[o] + n (1 - z)``
  (the supplier comes strictly before ``o``); an option indicator ``y[j] <= sum of its z``,
  ``y[j] <= 1``; and ``sum_j y[j] >= need * x[o]``. When ``need == 1`` and there is one option, the
  ``z`` are summed directly. The ordering rows forbid cycles, so prerequisite cycles through
  competencies are handled exactly; any chosen set has a valid order (sort by ``t``).
* Lexicographic objective: minimise the first measure, bound it by its optimum (plus a relative
  tolerance of 1e-6: totals closer than that count as equal), minimise the next, and so on. Steps
  are integral, so once all three measures are fixed every co-optimal set has the same size.
* IRI tie-break, exact: among co-optimal sets of equal size, the lexicographically smallest sorted
  tuple of IRIs is the one whose membership vector, read in IRI order, is lexicographically
  largest. So walk the offers in IRI order and fix each to 1 when a co-optimal set with the
  decisions so far and this offer exists (the current incumbent proves it without a solve when it
  already holds the offer), else to 0.
* Alternatives: after each plan ``S`` add ``sum_{o in S} x[o] <= |S| - 1`` (the next plan leaves
  out at least one offer of every earlier plan, so it is never an earlier plan plus extras) and
  solve again.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

MEASURES = ("hours", "cost", "steps")
_INF = math.inf


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


def measure(model: PlanModel, name: str, chosen: Iterable[str]) -> float:
    """Return the total of measure ``name`` over the ``chosen`` offers (order independent)."""
    items = sorted(chosen)
    if name == "steps":
        return float(len(items))
    values = model.hours if name == "hours" else model.cost
    return math.fsum(values[o] for o in items)


def _tolerance(value: float) -> float:
    return 1e-6 * max(1.0, abs(value))


def _new_highs() -> Any:
    """A silent HiGHS instance (the public wrapper prints a banner to stdout when created)."""
    import highspy

    core = getattr(highspy, "_core", None)
    cls = getattr(core, "_Highs", None) or highspy.Highs
    h = cls()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("mip_rel_gap", 0.0)
    h.setOptionValue("threads", 1)
    return h


class _Solver:
    """One HiGHS model of a :class:`PlanModel`; bounds and rows are added and removed in place."""

    def __init__(self, model: PlanModel) -> None:
        import highspy

        self.model = model
        self.h = _new_highs()
        self._int = highspy.HighsVarType.kInteger
        self._optimal = highspy.HighsModelStatus.kOptimal
        self._infeasible = {
            highspy.HighsModelStatus.kInfeasible,
            highspy.HighsModelStatus.kUnboundedOrInfeasible,
        }
        self.ncol = 0
        self.x = {o: self._col(0.0, 1.0, True) for o in model.offers}
        n = float(max(1, len(model.offers)))
        self.big = n
        self.t = {o: self._col(0.0, n - 1.0, False) for o in model.offers}
        for o in model.include:
            self.h.changeColBounds(self.x[o], 1.0, 1.0)
        for satisfiers in model.requirements:
            self.row(1.0, _INF, {self.x[s]: 1.0 for s in satisfiers})
        for o in model.offers:
            for item in model.prerequisites.get(o, ()):
                self._prerequisite(o, item)

    def _col(self, lb: float, ub: float, integer: bool) -> int:
        self.h.addCol(0.0, lb, ub, 0, [], [])
        if integer:
            self.h.changeColIntegrality(self.ncol, self._int)
        self.ncol += 1
        return self.ncol - 1

    def row(self, lb: float, ub: float, coeffs: Mapping[int, float]) -> int:
        """Add ``lb <= sum coeffs * cols <= ub``; return the row index."""
        cols = sorted(coeffs)
        self.h.addRow(lb, ub, len(cols), cols, [coeffs[c] for c in cols])
        return int(self.h.getNumRow()) - 1

    def _supplied(self, o: str, s: str) -> int:
        """A binary ``z``: supplier ``s`` is chosen and comes before ``o``."""
        z = self._col(0.0, 1.0, True)
        self.row(-_INF, 0.0, {z: 1.0, self.x[s]: -1.0})
        # t[s] + 1 <= t[o] + n (1 - z)  <=>  t[s] - t[o] + n z <= n - 1
        self.row(-_INF, self.big - 1.0, {self.t[s]: 1.0, self.t[o]: -1.0, z: self.big})
        return z

    def _prerequisite(self, o: str, item: Prerequisite) -> None:
        xo = self.x[o]
        if item.need <= 0:
            return
        if item.need == 1 and len(item.options) == 1:
            zs = [self._supplied(o, s) for s in item.options[0]]
            self.row(0.0, _INF, {**{z: 1.0 for z in zs}, xo: -1.0})
            return
        ys: list[int] = []
        for option in item.options:
            y = self._col(0.0, 1.0, False)
            zs = [self._supplied(o, s) for s in option]
            self.row(-_INF, 0.0, {y: 1.0, **{z: -1.0 for z in zs}})
            ys.append(y)
        self.row(0.0, _INF, {**{y: 1.0 for y in ys}, xo: -float(item.need)})

    def _coeffs(self, name: str | None) -> dict[int, float]:
        if name is None:
            return {col: 0.0 for col in self.x.values()}
        if name == "steps":
            return {col: 1.0 for col in self.x.values()}
        values = self.model.hours if name == "hours" else self.model.cost
        return {col: float(values[o]) for o, col in self.x.items()}

    def objective(self, name: str | None) -> None:
        """Minimise measure ``name`` (None: feasibility only)."""
        for col, coef in self._coeffs(name).items():
            self.h.changeColCost(col, coef)

    def bound(self, name: str, ub: float) -> int:
        """Add ``measure(name) <= ub``; return the row index."""
        return self.row(-_INF, ub, self._coeffs(name))

    def solve(self) -> frozenset[str] | None:
        """Solve; return the chosen offers, or None when infeasible."""
        self.h.run()
        status = self.h.getModelStatus()
        if status in self._infeasible:
            return None
        if status != self._optimal:
            raise RuntimeError(f"HiGHS stopped without an answer: {status}")
        values = self.h.getSolution().col_value
        return frozenset(o for o, col in self.x.items() if values[col] > 0.5)

    def drop_rows_from(self, first: int) -> None:
        last = int(self.h.getNumRow())
        if last > first:
            rows = list(range(first, last))
            self.h.deleteRows(len(rows), rows)


def _lexmin(solver: _Solver, key: tuple[str, ...], tie_break: bool) -> frozenset[str] | None:
    """The best set under ``key`` then the IRI tie-break; the solver is left as found."""
    model = solver.model
    first_row = int(solver.h.getNumRow())
    best: frozenset[str] | None = None
    for name in key:
        solver.objective(name)
        best = solver.solve()
        if best is None:
            solver.drop_rows_from(first_row)
            return None
        value = measure(model, name, best)
        solver.bound(name, value + _tolerance(value))
    assert best is not None
    if tie_break:
        best = _smallest_iris(solver, best)
    solver.drop_rows_from(first_row)
    return best


def _smallest_iris(solver: _Solver, best: frozenset[str]) -> frozenset[str]:
    """Among the sets the current rows allow (all of ``len(best)`` offers), the smallest by IRI."""
    model = solver.model
    solver.objective(None)
    size = len(best)
    chosen = 0
    changed: list[str] = []
    for o in sorted(model.offers):
        col = solver.x[o]
        if o in model.include:
            chosen += 1
            continue
        changed.append(o)
        if chosen < size and o not in best:
            solver.h.changeColBounds(col, 1.0, 1.0)
            found = solver.solve()
            if found is not None:
                best = found
        if chosen < size and o in best:
            solver.h.changeColBounds(col, 1.0, 1.0)
            chosen += 1
        else:
            solver.h.changeColBounds(col, 0.0, 0.0)
    for o in changed:
        solver.h.changeColBounds(solver.x[o], 0.0, 1.0)
    return best


def solve_plans(
    model: PlanModel,
    key: tuple[str, ...],
    budgets: Mapping[str, float],
    count: int = 1,
) -> list[frozenset[str]]:
    """Return up to ``count`` plans (as offer sets): the best under ``key``, then the next best.

    ``key`` lists the measures in priority order and must contain ``"steps"`` (so that co-optimal
    sets have one size, which the IRI tie-break relies on).
    ``budgets`` maps a measure to its upper bound. An empty list means no plan fits.
    """
    if not model.requirements and not model.include:
        return [frozenset()]
    solver = _Solver(model)
    for name, ub in sorted(budgets.items()):
        solver.bound(name, ub + _tolerance(ub))
    plans: list[frozenset[str]] = []
    while len(plans) < count:
        best = _lexmin(solver, key, tie_break=True)
        if best is None:
            break
        plans.append(best)
        if not best:
            break
        solver.row(-_INF, len(best) - 1.0, {solver.x[o]: 1.0 for o in best})
    return plans


def minimum(model: PlanModel, name: str, budgets: Mapping[str, float]) -> float | None:
    """Return the least total of measure ``name`` over all plans within ``budgets`` (or None)."""
    if not model.requirements and not model.include:
        return 0.0
    solver = _Solver(model)
    for other, ub in sorted(budgets.items()):
        solver.bound(other, ub + _tolerance(ub))
    best = _lexmin(solver, (name,), tie_break=False)
    return None if best is None else measure(model, name, best)
