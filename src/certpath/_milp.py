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
one built greedily, :func:`_feasible`) is returned with ``optimal=False`` and no bound, and
:func:`minimum` raises :class:`~certpath.errors.SolverError`.
With ``time_limit`` every HiGHS run gets the time left; when it runs out the best valid plan found
so far is returned with ``optimal=False``, the proven lower bound of the first measure and the
gap (an incumbent that cannot be placed is repaired first, :func:`_feasible`).
:func:`minimum` raises :class:`~certpath.errors.SolveTimeLimit` instead of guessing.

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

import math
import os
import sys
import threading
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from certpath.errors import SolverError, SolveTimeLimit

MEASURES = ("hours", "cost", "steps", "months")
METHODS = ("auto", "enumeration", "highs", "highs-ordered")
_INF = math.inf

#: ``method="auto"`` enumerates when at most this many offers are left to decide (``2 ** n``
#: sets). At 10, when every set is feasible, enumeration takes about 5 ms, near a HiGHS solve in
#: a warm process and far below the 85 ms of importing highspy and numpy.
ENUMERATION_LIMIT = 10
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
                    for s in opt:
                        if s in chosen:
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
    return not _Rules(model).place(chosen)[1]


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


# --------------------------------------------------------------------------- HiGHS


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
        self.rules = _Rules(model)
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


def _nonnegative(model: PlanModel) -> bool:
    return all(
        v >= 0 for name in ("hours", "cost", "months") for v in _values(model, name).values()
    )


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


# --------------------------------------------------------------------------- pruning, repair


def _undominated(model: PlanModel, key: tuple[str, ...]) -> PlanModel:
    """``model`` without the offers no best plan can hold (for the single best plan, or the
    least total of one measure).

    Offer ``a`` (not included) is dominated by ``b`` when ``b`` has no prerequisite left, sits in
    every requirement and every prerequisite option ``a`` sits in, costs no more in hours, money
    and months, and is better in the tie-break: ``b`` sorts before ``a``, or it is cheaper in a
    measure of ``key`` by more than the tolerance any total could have. Then any plan holding
    ``a`` is beaten by the same plan with ``b`` in its place (``b`` first), or without ``a`` when
    it holds ``b`` too (one step less). Dominance is transitive and acyclic, so removing every
    dominated offer at once keeps the best plan. An offer in no requirement and no option is
    never needed.
    """
    if not _nonnegative(model):
        return model
    rows: list[frozenset[str]] = [frozenset(r) for r in model.requirements]
    for items in model.prerequisites.values():
        for item in items:
            rows.extend(frozenset(option) for option in item.options)
    where: dict[str, list[int]] = {}
    for i, members in enumerate(rows):
        for o in members:
            where.setdefault(o, []).append(i)
    free = {o for o in model.offers if not any(i.need > 0 for i in model.prerequisites.get(o, ()))}
    included = set(model.include)
    names = ("hours", "cost", "months")
    table = {name: _values(model, name) for name in names}
    margin = {
        name: _tolerance(math.fsum(abs(v) for v in table[name].values()))
        for name in names
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
        va = [table[name].get(a, 0.0) for name in names]
        for b in sorted(others):
            vb = [table[name].get(b, 0.0) for name in names]
            if b == a or any(x > y for x, y in zip(vb, va, strict=True)):
                continue
            if b < a or any(
                y - x > margin.get(name, _INF) for name, x, y in zip(names, vb, va, strict=True)
            ):
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
        months={o: model.months[o] for o in keep if o in model.months},
    )


def _feasible(
    model: PlanModel,
    key: tuple[str, ...],
    budgets: Mapping[str, float],
    seed: Iterable[str] = (),
) -> frozenset[str] | None:
    """A valid plan built greedily around ``seed`` (None when none is found within budgets).

    The offers that can ever be placed are ranked by a placing order of all of them; the seed
    (what a stopped solver had) plus the cheapest satisfier of each requirement it misses are
    then closed downwards: an offer whose prerequisites its lower-ranked companions do not meet
    gets the cheapest lower-ranked suppliers of each option it still needs. Every offer is then
    met by lower-ranked ones, so the set can be placed; unneeded offers are dropped last.
    """
    rules = _Rules(model)
    order, _ = rules.place(model.offers)
    rank = {o: i for i, o in enumerate(order)}

    def price(o: str) -> tuple[float, int, str]:
        return (_weight(model, key[0], o), rank[o], o)

    if any(o not in rank for o in model.include):
        return None
    plan = {o for o in seed if o in rank} | set(model.include)
    for r in model.requirements:
        if plan.isdisjoint(r):
            ok = [o for o in r if o in rank]
            if not ok:
                return None
            plan.add(min(ok, key=price))
    todo = sorted(plan, key=lambda o: -rank[o])
    while todo:
        o = todo.pop()
        for need, options in rules.items.get(o, ()):
            below = {s for s in plan if rank[s] < rank[o]}
            met = sum(1 for opt in options if not opt.isdisjoint(below))
            if met >= need:
                continue
            picks = sorted(
                (
                    min((s for s in opt if s in rank and rank[s] < rank[o]), key=price)
                    for opt in options
                    if opt.isdisjoint(below) and any(s in rank and rank[s] < rank[o] for s in opt)
                ),
                key=price,
            )
            for s in picks[: need - met]:
                if s not in plan:
                    plan.add(s)
                    todo.append(s)
    keep = set(plan)
    for o in sorted(plan - set(seed) - set(model.include), key=price, reverse=True):
        trial = keep - {o}
        if all(not trial.isdisjoint(r) for r in model.requirements) and not rules.place(trial)[1]:
            keep = trial
    found = frozenset(keep)
    return found if valid(model, found, budgets) else None


# --------------------------------------------------------------------------- enumeration


class _Enumeration:
    """Every feasible set of a small :class:`PlanModel` (as a bit mask over ``model.offers``),
    with its totals of every measure."""

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
        self.sets: list[tuple[int, dict[str, float]]] = [
            (m, {"hours": h, "cost": c, "months": mo, "steps": float(m.bit_count())})
            for m, h, c, mo in zip(masks, *totals, strict=True)
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


# --------------------------------------------------------------------------- entry points


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
    if count == 1:
        model = _undominated(model, key)
    undecided = _check_method(method, model)
    deadline = None if time_limit is None else time.monotonic() + time_limit
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
    if best is not None and not any(p <= best for p in plans):
        plans.append(best)
    if not plans:
        return Solution((), optimal=False, bound=partial.bound)
    value = measure(model, key[0], plans[0])
    bound = value if stop.plans else partial.bound
    if bound is None:
        return Solution(tuple(plans), optimal=False)
    bound = min(bound, value)
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
    model = _undominated(model, (name,))
    undecided = _check_method(method, model)
    deadline = None if time_limit is None else time.monotonic() + time_limit
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
