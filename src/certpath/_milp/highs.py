"""The 0/1 model of a :class:`~certpath._milp.model.PlanModel` solved with HiGHS (formulation,
lazy ordering, lexicographic passes and the IRI tie-break: :mod:`certpath._milp`)."""

from __future__ import annotations

import math
import os
import sys
import threading
import time
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from certpath._milp.model import (
    _INF,
    CUT_ROUNDS,
    PlanModel,
    Prerequisite,
    _components,
    _rules_of,
    _scc,
    _tolerance,
    _weight,
)


class _Failed(Exception):
    """HiGHS gave no usable answer after every retry."""


class _TimeUp(Exception):
    """The time limit ran out; carries the run's incumbent and dual bound when it had them."""

    def __init__(self, incumbent: frozenset[str] | None = None, bound: float | None = None):
        super().__init__("time limit")
        self.incumbent = incumbent
        self.bound = bound


_LOCK = threading.Lock()
_QUIET = False  # whether this process has created its first (banner-printing) instance


def _new_highs(presolve: bool = False, seed: int = 0) -> Any:
    """A silent HiGHS instance through the public ``highspy.Highs`` class.

    HiGHS prints its banner when a process creates its first instance, before any option can
    be set; that first construction runs with file descriptor 1 pointed at ``os.devnull``
    (C-level stdout, where the banner goes), after flushing Python's buffer.
    """
    global _QUIET
    import highspy

    new: Any = highspy.Highs
    with _LOCK:
        if _QUIET:
            h = new()
        else:
            sys.stdout.flush()
            saved = os.dup(1)
            devnull = os.open(os.devnull, os.O_WRONLY)
            try:
                os.dup2(devnull, 1)
                h = new()
                h.setOptionValue("output_flag", False)
                _flush_c_stdout()
            finally:
                os.dup2(saved, 1)
                os.close(saved)
                os.close(devnull)
            _QUIET = True
    h.setOptionValue("output_flag", False)
    h.setOptionValue("mip_rel_gap", 0.0)
    h.setOptionValue("threads", 1)
    h.setOptionValue("presolve", "on" if presolve else "off")
    h.setOptionValue("random_seed", seed)
    # Primal heuristics and restarts off: these models are solved at the root or close to it,
    # where they cost more than they find (about half the time on the realistic benchmark
    # models); they never change the optimum, which mip_rel_gap = 0 proves.
    for name in (
        "mip_heuristic_run_feasibility_jump",
        "mip_heuristic_run_rins",
        "mip_heuristic_run_rens",
        "mip_allow_restart",
    ):
        h.setOptionValue(name, False)
    return h


def _flush_c_stdout() -> None:
    """Flush the C library's stdout buffer (where a banner may wait when stdout is a pipe)."""
    try:
        import ctypes

        ctypes.CDLL(None).fflush(None)
    except (OSError, AttributeError, TypeError):  # no C library to ask: nothing buffered there
        pass


class _Solver:
    """One HiGHS model of a :class:`PlanModel` with rows added in place; see the module
    docstring for the formulation. Every solve returns a set that can be placed, or None."""

    def __init__(
        self, model: PlanModel, *, ordered: bool = False, deadline: float | None = None
    ) -> None:
        import highspy
        import numpy as np

        self.np = np
        self.model = model
        self.rules = _rules_of(model)
        self.deadline = deadline
        self.h = _new_highs()
        st = highspy.HighsModelStatus
        self._int = highspy.HighsVarType.kInteger
        self._continuous = highspy.HighsVarType.kContinuous
        self._optimal = st.kOptimal
        self._infeasible = {st.kInfeasible, st.kUnboundedOrInfeasible}
        self._timeout = st.kTimeLimit
        self.solves = 0
        self.retries = 0
        self.x = {o: i for i, o in enumerate(model.offers)}
        self.ncol = len(model.offers)
        self._ints: list[int] = list(range(self.ncol))
        self._integer = False
        self._ordered: set[int] = set()  # components given ordering rows
        self.comp: dict[str, int] | None = None
        self.size: dict[int, int] = {}
        self.t: dict[str, int] = {}
        self.prereq_rows: dict[str, list[int]] = {}
        self.nrow = 0
        self.measure_rows: dict[str, int] = {}
        self.measure_limits: dict[str, float] = {}
        self._weights: dict[str | None, Any] = {}
        lb = np.zeros(self.ncol)
        for o in model.include:
            lb[self.x[o]] = 1.0
        self.h.addCols(
            self.ncol,
            np.zeros(self.ncol),
            lb,
            np.ones(self.ncol),
            0,
            np.zeros(0, dtype=np.int32),
            np.zeros(0, dtype=np.int32),
            np.zeros(0),
        )
        rows: list[tuple[float, float, dict[int, float]]] = []
        for satisfiers in model.requirements:
            rows.append((1.0, _INF, {self.x[s]: 1.0 for s in satisfiers}))
        self._add_rows(rows)
        if ordered:
            self.comp = _components(model)
            for c in self.comp.values():
                self.size[c] = self.size.get(c, 0) + 1
            self._ordered = {c for c, m in self.size.items() if m > 1}
            self._make_t({o for o in model.offers if self.comp[o] in self._ordered})
        rows = []
        owners: list[str] = []
        for o in model.offers:
            for item in model.prerequisites.get(o, ()):
                for row in self._prerequisite(o, item):
                    rows.append(row)
                    owners.append(o)
        first = self._add_rows(rows)
        for i, o in enumerate(owners):
            self.prereq_rows.setdefault(o, []).append(first + i)

    # ------------------------------------------------------------------ building

    def _col(self, lb: float, ub: float, integer: bool) -> int:
        self.h.addCol(0.0, lb, ub, 0, [], [])
        self.ncol += 1
        if integer:
            self._ints.append(self.ncol - 1)
            if self._integer:
                self.h.changeColIntegrality(self.ncol - 1, self._int)
        return self.ncol - 1

    def _add_rows(self, rows: Sequence[tuple[float, float, Mapping[int, float]]]) -> int:
        """Add rows in one call; return the index of the first."""
        np = self.np
        first = self.nrow
        if not rows:
            return first
        starts: list[int] = []
        index: list[int] = []
        value: list[float] = []
        for _, _, coeffs in rows:
            starts.append(len(index))
            for col, v in coeffs.items():
                index.append(col)
                value.append(v)
        self.h.addRows(
            len(rows),
            np.array([r[0] for r in rows], dtype=np.float64),
            np.array([r[1] for r in rows], dtype=np.float64),
            len(index),
            np.array(starts, dtype=np.int32),
            np.array(index, dtype=np.int32),
            np.array(value, dtype=np.float64),
        )
        self.nrow += len(rows)
        return first

    def row(self, lb: float, ub: float, coeffs: Mapping[int, float]) -> int:
        """Add ``lb <= sum coeffs * cols <= ub``; return the row index."""
        return self._add_rows([(lb, ub, coeffs)])

    def free(self, row: int) -> None:
        """Make a row void (rows are never deleted, so indexes stay put)."""
        self.h.changeRowBounds(row, -_INF, _INF)

    def _make_t(self, offers: Iterable[str]) -> None:
        assert self.comp is not None
        for o in sorted(offers):
            if o not in self.t:
                self.t[o] = self._col(0.0, self.size[self.comp[o]] - 1.0, False)

    def _supplied(self, o: str, s: str, rows: list[tuple[float, float, dict[int, float]]]) -> int:
        """The column standing for "supplier ``s`` comes before ``o``"."""
        if self.comp is None or self.comp[s] != self.comp[o] or self.comp[o] not in self._ordered:
            return self.x[s]
        z = self._col(0.0, 1.0, True)
        rows.append((-_INF, 0.0, {z: 1.0, self.x[s]: -1.0}))
        m = float(self.size[self.comp[o]])  # t[s] + 1 <= t[o] + m (1 - z)
        rows.append((-_INF, m - 1.0, {self.t[s]: 1.0, self.t[o]: -1.0, z: m}))
        return z

    def _prerequisite(
        self, o: str, item: Prerequisite
    ) -> list[tuple[float, float, dict[int, float]]]:
        xo = self.x[o]
        rows: list[tuple[float, float, dict[int, float]]] = []
        if item.need <= 0:
            return rows
        options = [tuple(s for s in opt if s != o and s in self.x) for opt in item.options]
        if item.need == 1 and len(options) == 1:
            coeffs = {self._supplied(o, s, rows): 1.0 for s in options[0]}
            rows.append((0.0, _INF, {**coeffs, xo: -1.0}))
            return rows
        ys: list[int] = []
        for option in options:
            y = self._col(0.0, 1.0, False)
            coeffs = {self._supplied(o, s, rows): -1.0 for s in option}
            rows.append((-_INF, 0.0, {y: 1.0, **coeffs}))
            ys.append(y)
        rows.append((0.0, _INF, {**{y: 1.0 for y in ys}, xo: -float(item.need)}))
        return rows

    def order(self, offers: Iterable[str]) -> None:
        """Give the components holding ``offers`` exact ordering rows."""
        if self.comp is None:
            self.comp = _components(self.model)
            for c in self.comp.values():
                self.size[c] = self.size.get(c, 0) + 1
        new = {self.comp[o] for o in offers if self.size[self.comp[o]] > 1} - self._ordered
        if not new:
            return
        self._ordered |= new
        members = [o for o in self.model.offers if self.comp[o] in new]
        self._make_t(members)
        rows: list[tuple[float, float, dict[int, float]]] = []
        owners: list[str] = []
        for o in members:
            for r in self.prereq_rows.pop(o, []):
                self.free(r)
            for item in self.model.prerequisites.get(o, ()):
                for row in self._prerequisite(o, item):
                    rows.append(row)
                    owners.append(o)
        first = self._add_rows(rows)
        for i, o in enumerate(owners):
            self.prereq_rows.setdefault(o, []).append(first + i)

    def _cut(self, chosen: frozenset[str], placed: set[str], stuck: set[str]) -> None:
        """Add a cycle cut for each source component of the stuck offers (module docstring)."""
        unmet = {o: self.rules.unmet(o, placed) for o in stuck}
        succ: dict[str, list[str]] = {o: [] for o in sorted(stuck)}
        for o in sorted(stuck):
            for s in sorted(self.rules.suppliers(o, unmet[o]) & stuck):
                succ[s].append(o)
        comp = _scc(sorted(stuck), succ)
        has_in = {comp[o] for s, outs in succ.items() for o in outs if comp[s] != comp[o]}
        rows = []
        for c in sorted(set(comp.values()) - has_in):
            members = [o for o in stuck if comp[o] == c]
            outside: set[str] = set()
            for o in members:
                outside |= self.rules.suppliers(o, unmet[o])
            outside -= chosen
            coeffs = {self.x[o]: 1.0 for o in members}
            coeffs.update({self.x[s]: -1.0 for s in outside if s in self.x})
            rows.append((-_INF, len(members) - 1.0, coeffs))
        self._add_rows(rows)

    # ------------------------------------------------------------------ objective, bounds

    def weights(self, name: str | None) -> Any:
        """The measure's value per offer column, as an array (None: zeros); cached."""
        found = self._weights.get(name)
        if found is None:
            offers = self.model.offers
            found = self.np.array(
                [0.0 if name is None else _weight(self.model, name, o) for o in offers],
                dtype=self.np.float64,
            )
            self._weights[name] = found
        return found

    def coeffs(self, name: str | None) -> dict[int, float]:
        return dict(enumerate(self.weights(name).tolist()))

    def objective(self, name: str | None) -> None:
        """Minimise measure ``name`` (None: feasibility only)."""
        np = self.np
        n = len(self.x)
        self.h.changeColsCost(n, np.arange(n, dtype=np.int32), self.weights(name))

    def limit(self, name: str, ub: float) -> None:
        """Keep ``measure(name) <= ub`` (one row per measure, moved in place; inf: no limit)."""
        row = self.measure_rows.get(name)
        if row is None:
            self.measure_rows[name] = self.row(-_INF, ub, self.coeffs(name))
        else:
            self.h.changeRowBounds(row, -_INF, ub)
        self.measure_limits[name] = ub

    def fix(self, offer: str, value: float | None) -> None:
        """Fix ``x[offer]`` to ``value`` (None: free it again)."""
        lb, ub = (0.0, 1.0) if value is None else (value, value)
        self.h.changeColBounds(self.x[offer], lb, ub)

    # ------------------------------------------------------------------ solving

    def solve_with(self, lb: float, ub: float, offers: Iterable[str]) -> frozenset[str] | None:
        """Solve with one more row ``lb <= sum x[offers] <= ub``, then void the row."""
        row = self.row(lb, ub, {self.x[o]: 1.0 for o in offers})
        try:
            return self.solve()
        finally:
            self.free(row)

    def solve(self) -> frozenset[str] | None:
        """The optimum of the current model that can be placed (cutting or ordering until it
        can), or None when the model is infeasible."""
        rounds = 0
        while True:
            chosen = self._solve01()
            if chosen is None:
                return None
            _, stuck = self.rules.place(chosen)
            if not stuck:
                return chosen
            rounds += 1
            if rounds <= CUT_ROUNDS:
                placed = set(chosen) - stuck
                self._cut(chosen, placed, stuck)
            else:
                self.order(stuck)

    def _solve01(self) -> frozenset[str] | None:
        """The 0/1 optimum of the current rows: the LP relaxation first (infeasible or integral
        settles it), else the 0/1 program."""
        self._integrality(False)
        values = self._run(lp=True)
        if values is None:
            return None
        if not self._integral(values):
            self._integrality(True)
            # Never from the LP's solution or an earlier run: HiGHS 1.16 then reported one
            # optimum and returned a worse set (seen: 138 reported, 146 returned).
            self.h.clearSolver()
            try:
                values = self._run(lp=False)
            finally:
                self._integrality(False)
            if values is None:
                return None
        chosen = frozenset(o for o, col in self.x.items() if values[col] > 0.5)
        return chosen

    def _integral(self, values: Any) -> bool:
        np = self.np
        ints = values[self._ints]
        return bool(np.all(np.abs(ints - np.round(ints)) <= 1e-9))

    def _check(self, h: Any, values: Any) -> bool:
        """Whether a 0/1 answer of HiGHS is what it reports: its objective is the one HiGHS
        states, and it meets the requirements and included offers (a solver bug must not become
        a wrong plan)."""
        cost = self.np.asarray(h.getLp().col_cost_)
        stated = float(h.getInfo().objective_function_value)
        value = float(cost @ self.np.round(values))
        if abs(value - stated) > _tolerance(stated):
            return False
        chosen = {o for o, col in self.x.items() if values[col] > 0.5}
        if not set(self.model.include) <= chosen:
            return False
        return all(not chosen.isdisjoint(r) for r in self.model.requirements)

    def _run(self, lp: bool) -> Any:
        """Run HiGHS; the column values, or None when infeasible. Retries a failed run on fresh
        instances (other random seeds); raises :class:`_Failed` or
        :class:`_TimeUp`."""
        attempts = (self.h, None, None)
        for attempt, h in enumerate(attempts):
            if h is None:
                h = self._fresh(seed=attempt)
                self.retries += 1
            self._limit(h)
            h.run()
            self.solves += 1
            status = h.getModelStatus()
            if status in self._infeasible:
                return None
            if status == self._optimal:
                values = self.np.asarray(h.getSolution().col_value)
                if (lp and not self._integral(values)) or self._check(h, values):
                    return values
                continue
            if status == self._timeout:
                raise self._time_up(h, lp)
        raise _Failed("HiGHS stopped without an answer")

    def _fresh(self, seed: int) -> Any:
        """A new instance holding the current model (bounds, rows, costs, integrality)."""
        h = _new_highs(seed=seed)
        h.passModel(self.h.getModel())
        return h

    def _limit(self, h: Any) -> None:
        if self.deadline is None:
            return
        left = self.deadline - time.monotonic()
        if left <= 0:
            raise _TimeUp()
        h.setOptionValue("time_limit", left)

    def _time_up(self, h: Any, lp: bool) -> _TimeUp:
        if lp:
            return _TimeUp()
        info = h.getInfo()
        bound = float(info.mip_dual_bound)
        incumbent = None
        if int(info.primal_solution_status) == 2:  # kSolutionStatusFeasible
            values = self.np.asarray(h.getSolution().col_value)
            if self._check(h, values):
                incumbent = frozenset(o for o, col in self.x.items() if values[col] > 0.5)
        return _TimeUp(incumbent, bound if math.isfinite(bound) else None)

    def _integrality(self, integer: bool) -> None:
        """Mark the binary columns integer (the 0/1 program) or continuous (its relaxation)."""
        np = self.np
        if integer == self._integer or not self._ints:
            return
        kind = self._int if integer else self._continuous
        cols = np.array(self._ints, dtype=np.int32)
        self.h.changeColsIntegrality(len(cols), cols, np.full(len(cols), int(kind), dtype=np.uint8))
        self._integer = integer
