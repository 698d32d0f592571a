"""Tests of certpath._milp: every method against an independent subset brute force.

The brute force below knows nothing of the module: it lists every subset of the offers, keeps
the feasible ones (requirements met, included offers held, placeable one by one) and sorts them
by the key's totals, then by the sorted tuple of IRIs. The values drawn are multiples of 0.5, so
the module's 1e-6 tolerance never decides anything the exact order does not.
"""

from __future__ import annotations

import itertools
import json
import subprocess
import sys
import textwrap
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from certpath import _milp
from certpath._milp import MEASURES, PlanModel, Prerequisite, Solution, minimum, solve
from certpath._milp.pruning import _bounded, limits
from certpath.errors import CertpathError, SolverError, SolveTimeLimit

CASES = Path(__file__).parent / "data" / "planner-cases"
EXACT = ("auto", "enumeration", "highs", "highs-ordered", "highs-unpruned")
HIGHS = ("highs", "highs-ordered", "highs-unpruned")
NAMES = ("a", "a1", "a10", "a2", "b", "ba", "c", "o9")  # IRIs whose order is not the index's


# --------------------------------------------------------------------------- the brute force


def total(model: PlanModel, name: str, chosen: Iterable[str]) -> float:
    chosen = list(chosen)
    if name == "steps":
        return float(len(chosen))
    values = {"hours": model.hours, "cost": model.cost, "months": model.months}[name]
    return sum(values.get(o, 0.0) for o in chosen)


def placeable(model: PlanModel, chosen: frozenset[str]) -> bool:
    """Place any offer whose prerequisites the placed ones meet, until none is left."""
    placed: set[str] = set()
    left = set(chosen)
    progress = True
    while left and progress:
        progress = False
        for o in sorted(left):
            items = model.prerequisites.get(o, ())
            if all(
                sum(1 for opt in item.options if any(s in placed and s != o for s in opt))
                >= item.need
                for item in items
            ):
                placed.add(o)
                left.discard(o)
                progress = True
    return not left


def feasible(model: PlanModel, chosen: frozenset[str], budgets: Mapping[str, float]) -> bool:
    return (
        set(model.include) <= chosen
        and all(chosen & set(r) for r in model.requirements)
        and all(total(model, n, chosen) <= ub for n, ub in budgets.items())
        and placeable(model, chosen)
    )


def brute_plans(
    model: PlanModel, key: tuple[str, ...], budgets: Mapping[str, float], count: int
) -> list[frozenset[str]]:
    full = key if "steps" in key else (*key, "steps")
    sets = [
        frozenset(c)
        for n in range(len(model.offers) + 1)
        for c in itertools.combinations(model.offers, n)
    ]
    ok = [s for s in sets if feasible(model, s, budgets)]
    ok.sort(key=lambda s: ([total(model, n, s) for n in full], sorted(s)))
    plans: list[frozenset[str]] = []
    for s in ok:
        if len(plans) == count:
            break
        if not any(p <= s for p in plans):
            plans.append(s)
    return plans


def brute_minimum(model: PlanModel, name: str, budgets: Mapping[str, float]) -> float | None:
    found = brute_plans(model, (name,), budgets, 1)
    return total(model, name, found[0]) if found else None


# --------------------------------------------------------------------------- random models


values = st.sampled_from([0.0, 0.5, 1.0, 1.0, 2.0, 3.0])


@st.composite
def models(draw: Any, max_offers: int = 8, dense: bool = False) -> PlanModel:
    """Random models: prerequisite cycles, k-of-n items (need up to the number of options and
    past it), empty options and requirements, self-supply, includes, months, ties. ``dense``:
    every offer has prerequisites (cycles everywhere, so the cycle cuts and lazy ordering run)."""
    n = draw(st.integers(1, max_offers))
    offers = tuple(draw(st.permutations(NAMES))[:n])
    subset = st.lists(st.sampled_from(offers), max_size=3, unique=True).map(tuple)
    ties = draw(st.booleans())
    measure = st.just(1.0) if ties else values
    hours = {o: draw(measure) for o in offers}
    cost = {o: draw(measure) for o in offers}
    months = {o: draw(values) for o in offers if draw(st.booleans())}
    requirements = tuple(
        draw(st.lists(st.sampled_from(offers), min_size=1, max_size=3, unique=True).map(tuple))
        if draw(st.integers(0, 9))
        else ()
        for _ in range(draw(st.integers(0, 3)))
    )
    prerequisites: dict[str, tuple[Prerequisite, ...]] = {}
    for o in offers:
        items = []
        for _ in range(draw(st.sampled_from([1, 1, 2] if dense else [0, 0, 1, 1, 2]))):
            options = tuple(draw(st.lists(subset, min_size=1, max_size=3)))
            need = draw(st.integers(1, len(options) + (1 if draw(st.integers(0, 7)) == 0 else 0)))
            items.append(Prerequisite(need, options))
        if items or draw(st.booleans()):
            prerequisites[o] = tuple(items)
    include = tuple(draw(st.lists(st.sampled_from(offers), max_size=2, unique=True)))
    return PlanModel(offers, hours, cost, requirements, prerequisites, include, months)


@st.composite
def questions(draw: Any) -> tuple[PlanModel, tuple[str, ...], dict[str, float], int]:
    model = draw(models(dense=draw(st.booleans())))
    key = tuple(draw(st.permutations(MEASURES))[: draw(st.integers(1, 4))])
    budgets = {
        name: draw(st.sampled_from([0.0, 1.0, 2.0, 3.5, 6.0]))
        for name in draw(st.lists(st.sampled_from(MEASURES), max_size=2, unique=True))
    }
    return model, key, budgets, draw(st.integers(1, 3))


SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(questions())
def test_every_method_equals_the_brute_force(q: Any) -> None:
    model, key, budgets, count = q
    expected = brute_plans(model, key, budgets, count)
    for method in EXACT:
        found = solve(model, key, budgets, count, method=method)
        assert found.optimal and found.bound is None and found.gap is None, method
        assert list(found.plans) == expected, method


@st.composite
def chains(draw: Any) -> tuple[PlanModel, tuple[str, ...], dict[str, float], int]:
    """Models where bound pruning bites: offers in prerequisite chains (some cyclic) with equal
    or small weights, so that sets tie at the greedy plan's value and budgets sit on a
    set's total."""
    n = draw(st.integers(2, 8))
    offers = tuple(draw(st.permutations(NAMES))[:n])
    weight = st.sampled_from([1.0, 1.0, 2.0, 0.5])
    hours = {o: draw(weight) for o in offers}
    cost = {o: draw(weight) for o in offers}
    prerequisites: dict[str, tuple[Prerequisite, ...]] = {}
    for i, o in enumerate(offers):
        if i and draw(st.integers(0, 3)):
            before = st.sampled_from(offers[:i] if draw(st.integers(0, 4)) else offers)
            options = tuple(draw(st.lists(st.lists(before, min_size=1, max_size=2, unique=True)
                                          .map(tuple), min_size=1, max_size=2)))  # fmt: skip
            prerequisites[o] = (Prerequisite(draw(st.integers(1, len(options))), options),)
    requirements = tuple(
        tuple(draw(st.lists(st.sampled_from(offers), min_size=1, max_size=3, unique=True)))
        for _ in range(draw(st.integers(1, 3)))
    )
    key = tuple(draw(st.permutations(MEASURES))[: draw(st.integers(1, 4))])
    budgets = {
        name: draw(st.sampled_from([1.0, 2.0, 3.0, 4.0]))
        for name in draw(st.lists(st.sampled_from(MEASURES), max_size=2, unique=True))
    }
    model = PlanModel(offers, hours, cost, requirements, prerequisites)
    return model, key, budgets, draw(st.integers(1, 2))


@SETTINGS
@given(st.one_of(questions(), chains()))
def test_bound_pruning_keeps_every_answer(q: Any) -> None:
    """The offers bound pruning leaves out are in no feasible set within the budgets (none at
    all for next-best plans) that is within the tolerance of the least first measure; the
    offers it fixes are in every such set; and the answers stay those of the brute force."""
    model, key, budgets, count = q
    full = key if "steps" in key else (*key, "steps")
    smaller = _bounded(model, limits(model, full, budgets, count))
    kept = set(smaller.offers)
    sets = [
        frozenset(c)
        for n in range(len(model.offers) + 1)
        for c in itertools.combinations(model.offers, n)
    ]
    ok = [s for s in sets if feasible(model, s, budgets)]
    if ok and count == 1:
        least = min(total(model, key[0], s) for s in ok)
        ok = [s for s in ok if total(model, key[0], s) <= least + 1e-6 * max(1.0, least)]
    for s in ok:
        assert s <= kept and set(smaller.include) <= s, (sorted(s), smaller)
    expected = brute_plans(model, key, budgets, count)
    for method in ("auto", "enumeration", "highs"):
        assert list(solve(model, key, budgets, count, method=method).plans) == expected, method


@SETTINGS
@given(questions())
def test_minimum_equals_the_brute_force(q: Any) -> None:
    model, _, budgets, _ = q
    for name in MEASURES:
        expected = brute_minimum(model, name, budgets)
        for method in EXACT:
            assert minimum(model, name, budgets, method=method) == pytest.approx(expected), (
                name,
                method,
            )


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(models(max_offers=8), st.sampled_from([0.0005, 0.002, 0.01]))
def test_time_limited_plans_are_valid_and_bounded(model: PlanModel, limit: float) -> None:
    key = ("hours", "cost", "steps")
    best = brute_plans(model, key, {}, 1)
    for method in ("auto", *HIGHS):
        found = solve(model, key, {}, method=method, time_limit=limit)
        if found.optimal:
            assert list(found.plans) == best
            continue
        if not best:
            assert not found.plans
            continue
        opt = total(model, "hours", best[0])
        for plan in found.plans:
            assert feasible(model, plan, {})
        if found.plans:
            value = total(model, "hours", found.plans[0])
            assert value >= opt - 1e-9
            if found.bound is not None:
                assert found.bound <= opt + 1e-6
                assert found.gap == pytest.approx((value - found.bound) / value if value else 0)


def chain(n: int, width: int) -> PlanModel:
    """A hard-ish model: ``n`` offers, each needing 1 of the ``width`` offers before it (or of
    the 5 offers after it, making cycles), requirements spread over the chain."""
    offers = tuple(f"o{i:04d}" for i in range(n))
    prerequisites = {
        o: (
            Prerequisite(
                1,
                (
                    tuple(offers[max(0, i - width) : i]) + tuple(offers[i + 1 : i + 3]),
                    tuple(offers[i + 2 : i + 5]),
                ),
            ),
        )
        for i, o in enumerate(offers)
        if i >= 3
    }
    requirements = tuple(tuple(offers[i : i + 7 : 3]) for i in range(3, n - 7, 9))
    hours = {o: float(1 + (i * 7919) % 13) for i, o in enumerate(offers)}
    cost = {o: float((i * 104729) % 17) for i, o in enumerate(offers)}
    return PlanModel(offers, hours, cost, requirements, prerequisites)


def test_time_limit_returns_a_valid_plan_with_a_bound() -> None:
    model = chain(600, 40)
    exact = solve(model, ("hours",), {}, method="highs")
    assert exact.optimal and _milp.valid(model, exact.plans[0])
    opt = _milp.measure(model, "hours", exact.plans[0])
    for limit in (0.001, 0.05, 0.2):
        found = solve(model, ("hours",), {}, method="highs", time_limit=limit)
        assert found.plans and _milp.valid(model, found.plans[0])
        if found.optimal:
            assert found.plans == exact.plans
        else:
            assert found.bound is None or found.bound <= opt + 1e-6
            assert _milp.measure(model, "hours", found.plans[0]) >= opt - 1e-6


def test_minimum_raises_on_time_limit() -> None:
    model = chain(600, 40)
    with pytest.raises(SolveTimeLimit) as info:
        minimum(model, "hours", {}, method="highs", time_limit=1e-6)
    assert isinstance(info.value, CertpathError) and info.value.exit_code == 5
    assert SolverError.exit_code == 7


# --------------------------------------------------------------------------- worked cases


def tiny() -> PlanModel:
    return PlanModel(
        offers=("a", "b", "c"),
        hours={"a": 2.0, "b": 1.0, "c": 1.0},
        cost={"a": 0.0, "b": 5.0, "c": 5.0},
        requirements=(("a", "b", "c"),),
        prerequisites={"c": (Prerequisite(1, (("b",),)),)},
    )


@pytest.mark.parametrize("method", EXACT)
def test_key_order_and_iri_tie_break(method: str) -> None:
    m = tiny()
    # {c} cannot be placed without b, and {b, c} is a superset of {b}: two plans only.
    assert solve(m, ("hours",), {}, 3, method=method).plans == (frozenset("b"), frozenset("a"))
    assert solve(m, ("cost",), {}, method=method).plans == (frozenset("a"),)
    assert solve(m, ("hours",), {"cost": 4.0}, method=method).plans == (frozenset("a"),)
    assert solve(m, ("hours",), {"hours": 0.5}, method=method) == Solution(())


@pytest.mark.parametrize("method", EXACT)
def test_months_is_a_measure_and_absent_months_are_zero(method: str) -> None:
    m = PlanModel(
        offers=("a", "b"),
        hours={"a": 1.0, "b": 1.0},
        cost={"a": 0.0, "b": 0.0},
        requirements=(("a", "b"),),
        prerequisites={},
        months={"a": 12.0},
    )
    assert solve(m, ("months",), {}, method=method).plans == (frozenset("b"),)
    assert minimum(m, "months", {}, method=method) == 0.0
    assert solve(m, ("hours",), {"months": 0.0}, method=method).plans == (frozenset("b"),)


def test_bad_arguments() -> None:
    with pytest.raises(ValueError, match="unknown measure"):
        solve(tiny(), ("minutes",), {})
    with pytest.raises(ValueError, match="unknown method"):
        solve(tiny(), ("hours",), {}, method="cplex")
    with pytest.raises(ValueError, match="time_limit"):
        solve(tiny(), ("hours",), {}, time_limit=0)
    with pytest.raises(ValueError, match="enumeration handles at most"):
        solve(chain(40, 3), ("hours",), {}, method="enumeration")


def load_case(path: Path) -> tuple[PlanModel, tuple[str, ...], dict[str, float], int]:
    data = json.loads(path.read_text(encoding="utf-8"))
    model = PlanModel(
        offers=tuple(data["offers"]),
        hours=data["hours"],
        cost=data["cost"],
        requirements=tuple(tuple(r) for r in data["requirements"]),
        prerequisites={
            o: tuple(Prerequisite(i["need"], tuple(map(tuple, i["options"]))) for i in items)
            for o, items in data["prerequisites"].items()
        },
        include=tuple(data["include"]),
    )
    return model, tuple(data["key"]), data["budgets"], data["count"]


@pytest.mark.parametrize("name", ["highs-solve-error.json", "highs-solve-error-closest.json"])
def test_planner_cases_solve_exactly(name: str) -> None:
    """Models on which HiGHS ended in kSolveError (planner-cases README): every method answers,
    all alike, optimal and valid; the ordered formulation still meets the error and retries."""
    model, key, budgets, count = load_case(CASES / name)
    answers = {m: solve(model, key, budgets, count, method=m) for m in ("auto", *HIGHS)}
    for found in answers.values():
        assert found.optimal and len(found.plans) == count
        assert all(_milp.valid(model, p, budgets) for p in found.plans)
    assert len({a.plans for a in answers.values()}) == 1
    least = minimum(model, key[0], budgets)
    assert least == pytest.approx(_milp.measure(model, key[0], answers["auto"].plans[0]))
    for alternatives in (3,):
        more = solve(model, key, budgets, alternatives)
        assert more.optimal and more.plans[0] == answers["auto"].plans[0]


def test_highs_leaves_stdout_clean(tmp_path: Path) -> None:
    """A HiGHS-solved model in a fresh process prints nothing but what the caller prints."""
    script = textwrap.dedent(
        f"""
        import json, sys
        sys.path.insert(0, {str(Path(__file__).parent)!r})
        from test_milp import CASES, load_case
        from certpath._milp import solve
        model, key, budgets, count = load_case(CASES / "highs-solve-error.json")
        found = solve(model, key, budgets, count, method="highs")
        print(json.dumps(sorted(found.plans[0])))
        """
    )
    proc = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=120
    )
    assert len(json.loads(proc.stdout)) > 0
    assert proc.stdout.count("\n") == 1 and "HiGHS" not in proc.stdout
