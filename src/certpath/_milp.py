"""Exact least-cost plans over AND/OR prerequisites: a 0/1 model solved with HiGHS.

Internal to :mod:`certpath.planner`, which reduces the graph to a :class:`PlanModel` (candidate
offers, the requirements still to meet, the prerequisites still to meet) and reads the answer.
This module knows nothing of NetworkX or RDF.

Formulation
-----------
* ``x[o]`` binary: offer ``o`` is in the plan.
* Requirement: the sum of ``x`` over the offers that meet it is at least 1.
* Prerequisite of ``o`` (one :class:`Prerequisite`, ``need`` of its ``options``): an option is met
  when one of its supplier offers ``s`` is chosen *before* ``o``. Order only matters inside a
  cycle: the "may supply" digraph (``s -> o`` for every supplier of every option of ``o``) is
  split into strongly connected components, and

  - for a supplier in another component, "chosen" is enough: it stands for itself (``x[s]``);
    a set that meets every prerequisite this way is ordered by the condensation's topological
    order, which puts every such supplier first;
  - for a supplier in ``o``'s own (nontrivial) component, a binary ``z <= x[s]`` with
    ``t[s] + 1 <= t[o] + m (1 - z)``, where ``t`` in ``[0, m - 1]`` is a position within the
    component and ``m`` its size. These rows forbid cycles, so prerequisite cycles through
    competencies are handled exactly; inside a component the chosen offers sort by ``t``.

  With one option and ``need == 1`` the suppliers' terms are summed directly
  (``sum >= x[o]``); otherwise an option indicator ``y[j] <= sum of its terms``, ``y[j] <= 1``
  and ``sum_j y[j] >= need * x[o]``.
* Lexicographic objective: minimise the first measure, bound it by its optimum (plus a relative
  tolerance of 1e-6: totals closer than that count as equal), minimise the next, and so on. Steps
  are integral, so once all three measures are fixed every co-optimal set has the same size.
  After each measure but the last, one feasibility solve with the no-good cut
  ``sum_{o in best} x[o] <= |best| - 1`` asks whether any other set is still co-optimal; when
  none is, ``best`` is the answer (a strict superset of ``best`` is never better: the measures
  are non-negative and it has more steps).
* IRI tie-break, exact: among co-optimal sets of equal size, the lexicographically smallest sorted
  tuple of IRIs is the one whose membership vector, read in IRI order, is lexicographically
  largest. Conceptually, walk the offers in IRI order and fix each to 1 when a co-optimal set with
  the decisions so far and this offer exists (the incumbent proves it without a solve when it
  holds the offer), else to 0. Only offers outside the incumbent need a solve, and a run of them
  is settled at once: one solve with ``sum x >= 1`` over the run says whether any allowed set
  holds one of them. When none does, every offer of the run is fixed to 0 (the walk would answer
  "no" for each); otherwise a binary search over the run (each solve's answer also shortens it)
  finds the first offer that may be 1, and the walk asks about that one alone. The result is the
  walk's, offer for offer; usually the first solve shows the incumbent is the only co-optimal
  set.
* Alternatives: after each plan ``S`` add ``sum_{o in S} x[o] <= |S| - 1`` (the next plan leaves
  out at least one offer of every earlier plan, so it is never an earlier plan plus extras) and
  solve again.
* Each solve tries the LP relaxation first: an infeasible relaxation proves the 0/1 program
  infeasible, an integral optimum is the 0/1 optimum (the ordering model above is tight, so this
  settles most solves). Otherwise the 0/1 program is solved from scratch (no MIP start from an
  earlier run: HiGHS 1.16 was seen to report the optimum of a presolved start yet return the
  start). HiGHS runs on one thread with presolve, ``mip_rel_gap = 0`` (exact optimum).
* For the single best plan (no alternatives), offers that a best plan can never hold are left
  out first (:func:`_undominated`).

Small models skip HiGHS
-----------------------
When at most :data:`ENUMERATION_LIMIT` offers are left to decide (candidates not already
included, after :func:`_undominated` for the single best plan), :class:`_Enumeration` answers the
same questions by listing every feasible set in pure Python, so neither highspy nor numpy is
imported (a one-shot ``certpath path`` is import-bound). It applies the same rules: budgets and
the lexicographic bounds with the same tolerance, the smallest sorted tuple of IRIs among the
co-optimal sets (all of one size, as ``"steps"`` is in the key), and the same alternatives cut
(the next plan is no superset of an earlier one). A set is feasible when it meets every
requirement, holds the included offers and its offers can be placed one by one, each once its
prerequisites are met by offers placed before it: the orders the 0/1 model allows.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

MEASURES = ("hours", "cost", "steps")
_INF = math.inf

#: At most this many offers left to decide (``2 ** n`` sets): enumerate instead of HiGHS. At 10,
#: when every set is feasible, enumeration takes about 5 ms, near a HiGHS solve in a warm
#: process and far below the 85 ms of importing highspy and numpy; each offer more doubles it.
ENUMERATION_LIMIT = 10


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
    h.setOptionValue("presolve", "on")
    return h


def _components(model: PlanModel) -> dict[str, int]:
    """Offer -> index of its strongly connected component in the "may supply" digraph
    (``s -> o`` for every supplier ``s`` of a prerequisite option of ``o``); Tarjan, iterative."""
    succ: dict[str, list[str]] = {o: [] for o in model.offers}
    for o, items in model.prerequisites.items():
        for item in items:
            for option in item.options:
                for s in option:
                    if s in succ and s != o:
                        succ[s].append(o)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    comp: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    counter = labels = 0
    for root in model.offers:
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
            nexts = succ[v]
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


class _Solver:
    """One HiGHS model of a :class:`PlanModel`; bounds and rows are added and removed in place."""

    def __init__(self, model: PlanModel) -> None:
        import highspy

        self.model = model
        self.h = _new_highs()
        self._int = highspy.HighsVarType.kInteger
        self._continuous = highspy.HighsVarType.kContinuous
        self._optimal = highspy.HighsModelStatus.kOptimal
        self._infeasible = {
            highspy.HighsModelStatus.kInfeasible,
            highspy.HighsModelStatus.kUnboundedOrInfeasible,
        }
        self.nonnegative = all(v >= 0 for v in model.hours.values()) and all(
            v >= 0 for v in model.cost.values()
        )
        # Columns and rows are gathered here and passed to HiGHS in one call each.
        self.ncol = 0
        self._cols: list[tuple[float, float, bool]] = []
        self._rows: list[tuple[float, float, Mapping[int, float]]] | None = []
        self.x = {o: self._col(0.0, 1.0, True) for o in model.offers}
        self.comp = _components(model)
        sizes: dict[int, int] = {}
        for c in self.comp.values():
            sizes[c] = sizes.get(c, 0) + 1
        self.size = {o: sizes[self.comp[o]] for o in model.offers}
        self.t = {
            o: self._col(0.0, self.size[o] - 1.0, False) for o in model.offers if self.size[o] > 1
        }
        for o in model.include:
            self._cols[self.x[o]] = (1.0, 1.0, True)
        for satisfiers in model.requirements:
            self.row(1.0, _INF, {self.x[s]: 1.0 for s in satisfiers})
        for o in model.offers:
            for item in model.prerequisites.get(o, ()):
                self._prerequisite(o, item)
        self._flush()

    def _flush(self) -> None:
        """Pass the gathered columns and rows to HiGHS."""
        import numpy as np

        cols, rows = self._cols, self._rows or []
        self._rows = None
        n = len(cols)
        self.h.addCols(
            n,
            np.zeros(n),
            np.array([c[0] for c in cols], dtype=np.float64),
            np.array([c[1] for c in cols], dtype=np.float64),
            0,
            np.zeros(0, dtype=np.int32),
            np.zeros(0, dtype=np.int32),
            np.zeros(0),
        )
        self._ints = np.array([i for i, c in enumerate(cols) if c[2]], dtype=np.int32)
        self._integer = False  # the columns start continuous; solve() marks them when needed
        if rows:
            starts: list[int] = []
            index: list[int] = []
            value: list[float] = []
            for _, _, coeffs in rows:
                starts.append(len(index))
                for col in sorted(coeffs):
                    index.append(col)
                    value.append(coeffs[col])
            self.h.addRows(
                len(rows),
                np.array([r[0] for r in rows], dtype=np.float64),
                np.array([r[1] for r in rows], dtype=np.float64),
                len(index),
                np.array(starts, dtype=np.int32),
                np.array(index, dtype=np.int32),
                np.array(value, dtype=np.float64),
            )

    def _col(self, lb: float, ub: float, integer: bool) -> int:
        self._cols.append((lb, ub, integer))
        self.ncol += 1
        return self.ncol - 1

    def row(self, lb: float, ub: float, coeffs: Mapping[int, float]) -> int:
        """Add ``lb <= sum coeffs * cols <= ub``; return the row index."""
        if self._rows is not None:
            self._rows.append((lb, ub, coeffs))
            return len(self._rows) - 1
        cols = sorted(coeffs)
        self.h.addRow(lb, ub, len(cols), cols, [coeffs[c] for c in cols])
        return int(self.h.getNumRow()) - 1

    def _supplied(self, o: str, s: str) -> int:
        """A column that is 1 only when supplier ``s`` is chosen and comes before ``o``: ``x[s]``
        itself across components, else a binary ``z`` with ordering rows."""
        if self.comp[s] != self.comp[o]:
            return self.x[s]
        z = self._col(0.0, 1.0, True)
        self.row(-_INF, 0.0, {z: 1.0, self.x[s]: -1.0})
        # t[s] + 1 <= t[o] + m (1 - z)  <=>  t[s] - t[o] + m z <= m - 1
        m = float(self.size[o])
        self.row(-_INF, m - 1.0, {self.t[s]: 1.0, self.t[o]: -1.0, z: m})
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
        """Solve; return the chosen offers, or None when infeasible.

        The LP relaxation goes first: when it is infeasible so is the 0/1 program, and when its
        optimum is integral it is the 0/1 optimum. Otherwise the 0/1 program is solved.
        """
        import numpy as np

        self._integrality(False)
        values = self._run()
        if values is None:
            return None
        ints = np.asarray(values)[self._ints]
        if not np.all(np.abs(ints - np.round(ints)) <= 1e-9):
            self._integrality(True)
            # No MIP start from an earlier run: HiGHS 1.16 may then report the optimum of the
            # presolved start but return the start itself (seen: 361 reported, 380 returned).
            self.h.clearSolver()
            try:
                values = self._run()
            finally:
                self._integrality(False)
            if values is None:
                return None
        return frozenset(o for o, col in self.x.items() if values[col] > 0.5)

    def _run(self) -> Any:
        self.h.run()
        status = self.h.getModelStatus()
        if status in self._infeasible:
            return None
        if status != self._optimal:
            raise RuntimeError(f"HiGHS stopped without an answer: {status}")
        return self.h.getSolution().col_value

    def _integrality(self, integer: bool) -> None:
        """Mark the binary columns integer (the 0/1 program) or continuous (its relaxation)."""
        import numpy as np

        if integer == self._integer or not len(self._ints):
            return
        kind = self._int if integer else self._continuous
        self.h.changeColsIntegrality(
            len(self._ints), self._ints, np.full(len(self._ints), int(kind), dtype=np.uint8)
        )
        self._integer = integer

    def solve_with(self, lb: float, ub: float, offers: Iterable[str]) -> frozenset[str] | None:
        """Solve with one more row ``lb <= sum x[offers] <= ub``, then drop the row."""
        first = int(self.h.getNumRow())
        self.row(lb, ub, {self.x[o]: 1.0 for o in offers})
        try:
            return self.solve()
        finally:
            self.drop_rows_from(first)

    def fix(self, offer: str, value: float | None) -> None:
        """Fix ``x[offer]`` to ``value`` (None: free it again)."""
        lb, ub = (0.0, 1.0) if value is None else (value, value)
        self.h.changeColBounds(self.x[offer], lb, ub)

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
    try:
        for i, name in enumerate(key):
            solver.objective(name)
            best = solver.solve()
            if best is None:
                return None
            value = measure(model, name, best)
            solver.bound(name, value + _tolerance(value))
            if tie_break and solver.nonnegative and i < len(key) - 1:
                # Is any set other than ``best`` (or a superset of it) still co-optimal?
                solver.objective(None)
                if solver.solve_with(-_INF, len(best) - 1.0, best) is None:
                    return best
        assert best is not None
        if tie_break:
            best = _smallest_iris(solver, best)
        return best
    finally:
        solver.drop_rows_from(first_row)


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


def _undominated(model: PlanModel, key: tuple[str, ...]) -> PlanModel:
    """``model`` without the offers no best plan can hold (for the single best plan only).

    Offer ``a`` (not included) is dominated by ``b`` when ``b`` has no prerequisite left, sits in
    every requirement and every prerequisite option ``a`` sits in, costs no more in hours and
    money, and is better in the tie-break: ``b`` sorts before ``a``, or it is cheaper in a
    measure of ``key`` by more than the tolerance any total could have. Then any plan holding
    ``a`` is beaten by the same plan with ``b`` in its place (``b`` first), or without ``a`` when
    it holds ``b`` too (one step less). Dominance is transitive and acyclic, so removing every
    dominated offer at once keeps the best plan. An offer in no requirement and no option is
    never needed.
    """
    if not all(v >= 0 for v in (*model.hours.values(), *model.cost.values())):
        return model
    rows: list[frozenset[str]] = [frozenset(r) for r in model.requirements]
    for items in model.prerequisites.values():
        for item in items:
            rows.extend(frozenset(option) for option in item.options)
    where: dict[str, list[int]] = {}
    for i, members in enumerate(rows):
        for o in members:
            where.setdefault(o, []).append(i)
    free = {o for o in model.offers if not model.prerequisites.get(o)}
    included = set(model.include)
    margin = {
        name: _tolerance(math.fsum(values.values()))
        for name, values in (("hours", model.hours), ("cost", model.cost))
        if name in key
    }
    dropped: set[str] = set()
    for a in model.offers:
        if a in included:
            continue
        mine = sorted(where.get(a, ()), key=lambda i: len(rows[i]))
        if not mine:
            dropped.add(a)
            continue
        others = rows[mine[0]] & free
        for i in mine[1:]:
            if not others:
                break
            others = others & rows[i]
        ha, ca = model.hours[a], model.cost[a]
        for b in others:
            hb, cb = model.hours[b], model.cost[b]
            if b == a or hb > ha or cb > ca:
                continue
            if b < a or ha - hb > margin.get("hours", _INF) or ca - cb > margin.get("cost", _INF):
                dropped.add(a)
                break
    if not dropped:
        return model
    keep = tuple(o for o in model.offers if o not in dropped)

    def prune(offers: Iterable[str]) -> tuple[str, ...]:
        return tuple(o for o in offers if o not in dropped)

    return PlanModel(
        offers=keep,
        hours={o: model.hours[o] for o in keep},
        cost={o: model.cost[o] for o in keep},
        requirements=tuple(prune(r) for r in model.requirements),
        prerequisites={
            o: tuple(
                Prerequisite(item.need, tuple(prune(opt) for opt in item.options))
                for item in model.prerequisites.get(o, ())
            )
            for o in keep
        },
        include=model.include,
    )


class _Enumeration:
    """Every feasible set of a small :class:`PlanModel` (as a bit mask over ``model.offers``),
    with its totals of hours, cost and steps."""

    def __init__(self, model: PlanModel) -> None:
        self.model = model
        self.bit = {o: 1 << i for i, o in enumerate(model.offers)}
        included = self.mask(model.include)
        needs = [self.mask(r) for r in model.requirements]
        prereqs = [
            (self.bit[o], [(item.need, [self.mask(opt) for opt in item.options]) for item in items])
            for o, items in model.prerequisites.items()
            if o in self.bit and any(item.need > 0 for item in items)
        ]
        # Every set holding the included offers, with plain running totals (the bounds below
        # carry a relative tolerance of 1e-6, far above their rounding).
        start = [model.hours[o] for o in model.include], [model.cost[o] for o in model.include]
        masks, hours, cost = [included], [math.fsum(start[0])], [math.fsum(start[1])]
        for o in model.offers:
            if not included & self.bit[o]:
                b, h, c = self.bit[o], model.hours[o], model.cost[o]
                masks += [m | b for m in masks]
                hours += [v + h for v in hours]
                cost += [v + c for v in cost]
        self.sets: list[tuple[int, dict[str, float]]] = [
            (m, {"hours": h, "cost": c, "steps": float(m.bit_count())})
            for m, h, c in zip(masks, hours, cost, strict=True)
            if all(m & r for r in needs) and self._orderable(m, prereqs)
        ]

    def mask(self, offers: Iterable[str]) -> int:
        """The bit mask of ``offers`` (those outside the model are left out)."""
        return sum({self.bit[o] for o in offers if o in self.bit})

    def offers(self, mask: int) -> frozenset[str]:
        """The offers of ``mask``."""
        return frozenset(o for o, b in self.bit.items() if mask & b)

    @staticmethod
    def _orderable(chosen: int, prereqs: list[tuple[int, list[tuple[int, list[int]]]]]) -> bool:
        """Whether the offers of ``chosen`` can be placed one by one, each after enough
        suppliers of its prerequisites (an offer never supplies itself)."""
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
        for name in key:
            if not allowed:
                return None
            value = min(t[name] for _, t in allowed)
            allowed = [(m, t) for m, t in allowed if t[name] <= value + _tolerance(value)]
        if not allowed:
            return None
        return min((self.offers(m) for m, _ in allowed), key=lambda s: (len(s), sorted(s)))


def _enumerable(model: PlanModel) -> bool:
    """Whether ``model`` is small enough for :class:`_Enumeration` (see the module docstring)."""
    return len(set(model.offers) - set(model.include)) <= ENUMERATION_LIMIT


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
    if count == 1:
        model = _undominated(model, key)
    if _enumerable(model):
        sets = _Enumeration(model)
        plans: list[frozenset[str]] = []
        while len(plans) < count:
            found = sets.best(key, budgets, plans)
            if found is None:
                break
            plans.append(found)
            if not found:
                break
        return plans
    solver = _Solver(model)
    for name, ub in sorted(budgets.items()):
        solver.bound(name, ub + _tolerance(ub))
    plans = []
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
    if _enumerable(model):
        best = _Enumeration(model).best((name,), budgets)
        return None if best is None else measure(model, name, best)
    solver = _Solver(model)
    for other, ub in sorted(budgets.items()):
        solver.bound(other, ub + _tolerance(ub))
    best = _lexmin(solver, (name,), tie_break=False)
    return None if best is None else measure(model, name, best)
