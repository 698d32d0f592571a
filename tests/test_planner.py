"""Tests of certpath.planner: properties against brute force, then worked examples."""

from __future__ import annotations

import json
import math
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import networkx as nx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).parent))

import planner_bruteforce as bf  # noqa: E402

from certpath import _milp  # noqa: E402
from certpath.errors import EntityNotFound, MixedCurrencies, NoPlan  # noqa: E402
from certpath.planner import (  # noqa: E402
    LearningPlan,
    career_path,
    clear_cache,
    closest_roles,
    greedy_learning_path,
    no_plan_to_dict,
    role_gaps,
    shortest_learning_path,
)

MODES = ("Classroom", "SelfPaced", "LiveOnline")
#: ``_milp.ENUMERATION_LIMIT`` per solver: every model enumerated, or every model sent to HiGHS.
SOLVERS = {"enumeration": 1_000, "highs": -1}
ROOT = Path(__file__).resolve().parents[1]


@contextmanager
def solver(name: str) -> Iterator[None]:
    """Send every model of the block to one solver (a context manager, not a fixture, so that
    hypothesis runs each example under it)."""
    saved = _milp.ENUMERATION_LIMIT
    _milp.ENUMERATION_LIMIT = SOLVERS[name]
    try:
        yield
    finally:
        _milp.ENUMERATION_LIMIT = saved


# --------------------------------------------------------------------------- graph builders


def offer(
    G: Any,
    iri: str,
    hours: float = 1.0,
    cost: float = 0.0,
    currency: str | None = "EUR",
    teaches: dict[str, int] | None = None,
    prereqs: tuple[str, ...] = (),
    provider: str | None = None,
    delivery: tuple[str, ...] = ("SelfPaced",),
) -> None:
    G.add_node(
        iri,
        kind="offer",
        label=iri.upper(),
        hours=float(hours),
        cost=float(cost),
        currency=currency if cost else None,
        provider=provider,
        delivery=delivery,
    )
    if provider:
        G.add_node(provider, kind="provider", label=provider)
        G.add_edge(iri, provider, key="offeredBy")
    for c, lv in (teaches or {}).items():
        G.add_node(c, kind="competency", label=c)
        G.add_edge(iri, c, key="teaches", level=lv)
    for p in prereqs:
        G.add_edge(iri, p, key="prerequisite")


def role(
    G: Any, iri: str, requires: dict[str, int], recommends: dict[str, int] | None = None
) -> None:
    G.add_node(iri, kind="role", label=iri.upper())
    for c, lv in requires.items():
        G.add_node(c, kind="competency", label=c)
        G.add_edge(iri, c, key="requires", level=lv)
    for c, lv in (recommends or {}).items():
        G.add_node(c, kind="competency", label=c)
        G.add_edge(iri, c, key="recommends", level=lv)


def group(G: Any, iri: str, members: tuple[str, ...], k: int) -> None:
    G.add_node(iri, kind="group", label=iri, min_count=k)
    for m in members:
        G.add_edge(iri, m, key="member")


@st.composite
def planning_graphs(draw: Any, ties: bool = False) -> Any:
    """Small random planning graphs covering every construct of the vocabulary.

    With ``ties`` every offer takes 1 hour and costs 10 EUR, so the IRI tie-break decides.
    """
    n_comp = draw(st.sampled_from([1, 2, 3, 3, 4, 4, 5, 6]))
    n_off = draw(st.sampled_from([1, 3, 5, 6, 7, 8, 8]))
    comps = [f"c{i}" for i in range(n_comp)]
    offers = [f"o{i}" for i in range(n_off)]
    G = nx.MultiDiGraph()
    for c in comps:
        G.add_node(c, kind="competency", label=c)
    for i in range(1, n_comp):  # broader edges point to a lower index: acyclic
        for j in draw(st.sets(st.integers(0, i - 1), max_size=2)):
            G.add_edge(comps[i], comps[j], key="broader")
    groups = [f"g{i}" for i in range(draw(st.sampled_from([0, 1, 2, 2])))]
    items = st.sampled_from(offers + comps) if offers else st.sampled_from(comps)
    for g in groups:
        members = draw(st.lists(items, min_size=1, max_size=3, unique=True))
        k = draw(st.sampled_from([0, 1, 2, 2, 2, 3, 4]))
        group(G, g, tuple(members), k)
    level = st.sampled_from([1, 2, 3, 3, 4, 4, 5, 5])
    for o in offers:
        cost = draw(st.sampled_from([10] if ties else [0, 10, 20]))
        n_pre = min(draw(st.sampled_from([0, 0, 0, 1, 1, 2])), len(offers + comps + groups) - 1)
        offer(
            G,
            o,
            hours=draw(st.sampled_from([1] if ties else [0, 1, 2, 3, 5])),
            cost=cost,
            currency=draw(st.sampled_from(["EUR"] if ties else ["EUR"] * 5 + ["USD"])),
            teaches=draw(st.dictionaries(st.sampled_from(comps), level, min_size=1, max_size=3)),
            prereqs=tuple(
                draw(
                    st.lists(
                        st.sampled_from([x for x in offers + comps + groups * 4 if x != o]),
                        min_size=n_pre,
                        max_size=n_pre,
                        unique=True,
                    )
                )
            ),
            provider=draw(st.sampled_from(["p0", "p1"])),
            delivery=tuple(draw(st.sets(st.sampled_from(MODES[:2]), min_size=1))),
        )
    for r in ("r0", "r1", "r2"):
        role(
            G,
            r,
            requires=draw(
                st.dictionaries(st.sampled_from(comps), st.integers(1, 3), min_size=1, max_size=3)
            ),
            recommends=draw(st.dictionaries(st.sampled_from(comps), st.integers(1, 3), max_size=2)),
        )
    G.add_edge("r1", "r0", key="leadsTo")
    G.add_edge("r2", "r1", key="leadsTo")
    G.add_edge("r2", "r0", key="leadsTo")
    have = draw(st.dictionaries(st.sampled_from(comps), st.integers(1, 3), max_size=2))
    holds = [draw(st.sampled_from(offers))] if draw(st.integers(0, 3)) == 3 else []
    return G, have, holds


@st.composite
def questions(draw: Any, ties: bool = False) -> tuple[Any, dict[str, Any]]:
    G, have, holds = draw(planning_graphs(ties))
    offers = sorted(n for n, d in G.nodes(data=True) if d["kind"] == "offer")
    kwargs: dict[str, Any] = {
        "have": have,
        "holds": holds,
        "minimize": draw(st.sampled_from(["hours", "cost", "steps"])),
        "with_recommended": draw(st.booleans()),
        "alternatives": draw(st.sampled_from([0, 1, 3])),
        "budget_hours": draw(st.sampled_from([None, None, None, 0, 2, 4, 7])),
        "budget_cost": draw(st.sampled_from([None, None, None, None, 0, 10, 30])),
        "delivery": draw(st.sampled_from([None, None, None, ["SelfPaced"]])),
    }
    pool = offers + ["p0", "p1"]
    kwargs["exclude"] = [draw(st.sampled_from(pool))] if draw(st.integers(0, 3)) == 3 else []
    kwargs["include"] = [draw(st.sampled_from(offers))] if draw(st.integers(0, 4)) == 4 else []
    return G, kwargs


# --------------------------------------------------------------------------- properties


def _check_against_bruteforce(G: Any, kwargs: dict[str, Any]) -> str:
    expected = bf.brute_force(G, "r0", **kwargs)
    if expected.status == "mixed":
        with pytest.raises(MixedCurrencies):
            shortest_learning_path(G, "r0", **kwargs)
        return "mixed"
    if expected.status in ("noplan", "budget"):
        with pytest.raises(NoPlan) as err:
            shortest_learning_path(G, "r0", **kwargs)
        kinds = {r["kind"] for r in err.value.reasons}
        assert err.value.reasons and "\n" not in str(err.value)
        if expected.status == "budget":
            assert kinds == {"budget"}
            budgets = {"hours": kwargs["budget_hours"], "cost": kwargs["budget_cost"]}
            reported = {r["measure"]: r["least"] for r in err.value.reasons}
            assert reported == {
                m: expected.least[m]
                for m, b in budgets.items()
                if b is not None and expected.least[m] > b
            }
        else:
            assert kinds <= {"untaught", "blocked", "include"}
        return expected.status
    plan = shortest_learning_path(G, "r0", **kwargs)
    best_key, best_set, best_order = expected.plans[0]
    steps = [s.iri for s in plan.steps]
    assert frozenset(steps) == best_set
    assert steps == best_order
    reqs = bf.requirements(G, "r0", kwargs["with_recommended"])
    assert bf.replay_ok(G, kwargs["have"], kwargs["holds"], steps, reqs)
    t = bf.totals(G, steps)
    assert plan.total_hours == pytest.approx(t["hours"])
    assert plan.total_steps == t["steps"]
    if len(t["currencies"]) <= 1:
        assert plan.total_cost == pytest.approx(t["cost"])
    else:
        assert plan.total_cost is None and plan.currency is None
    assert [frozenset(a.steps) for a in plan.alternatives] == [s for _, s, _ in expected.plans[1:]]
    primary = expected.key.index(kwargs["minimize"])
    for alt, (key, _, order) in zip(plan.alternatives, expected.plans[1:], strict=True):
        assert list(alt.steps) == order
        assert alt.difference == pytest.approx(key[primary] - best_key[primary])
        assert alt.difference >= 0
    json.dumps(plan.to_dict())
    return "ok"


@pytest.mark.parametrize("name", SOLVERS)
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(questions())
def test_shortest_matches_bruteforce(name: str, question: tuple[Any, dict[str, Any]]) -> None:
    G, kwargs = question
    with solver(name):
        _check_against_bruteforce(G, kwargs)


@pytest.mark.parametrize("name", SOLVERS)
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(questions(ties=True))
def test_iri_tie_break_matches_bruteforce(name: str, question: tuple[Any, dict[str, Any]]) -> None:
    G, kwargs = question
    with solver(name):
        _check_against_bruteforce(G, kwargs)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(planning_graphs(), st.sampled_from(["hours", "cost", "steps"]))
def test_greedy_is_valid_and_never_better(g: Any, minimize: str) -> None:
    G, have, holds = g
    expected = bf.brute_force(G, "r0", have=have, holds=holds, minimize=minimize)
    if expected.status == "noplan":
        with pytest.raises(NoPlan):
            greedy_learning_path(G, "r0", have=have, holds=holds, minimize=minimize)
        return
    if expected.status == "mixed":
        return
    plan = greedy_learning_path(G, "r0", have=have, holds=holds, minimize=minimize)
    steps = [s.iri for s in plan.steps]
    assert not plan.optimal
    assert bf.replay_ok(G, have, holds, steps, bf.requirements(G, "r0", False))
    best = expected.plans[0][0][0]
    assert bf.totals(G, steps)[minimize] >= best - 1e-9


@pytest.mark.parametrize("name", SOLVERS)
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(planning_graphs(), st.sampled_from(["hours", "steps"]), st.sampled_from([1, 2, None]))
def test_closest_roles_match_bruteforce(name: str, g: Any, minimize: str, top: int | None) -> None:
    with solver(name):
        _check_closest_roles(g, minimize, top)


def _check_closest_roles(g: Any, minimize: str, top: int | None) -> None:
    G, have, holds = g
    exact = {}
    for r in ("r0", "r1", "r2"):
        ans = bf.brute_force(G, r, have=have, holds=holds, minimize=minimize)
        exact[r] = ans.plans[0][0][0] if ans.status == "ok" else None
    ranked = [
        r
        for r, _ in sorted(
            ((r, c) for r, c in exact.items() if c is not None), key=lambda rc: (rc[1], rc[0])
        )
    ] + sorted(r for r, c in exact.items() if c is None)
    got = closest_roles(G, have=have, holds=holds, top=top, minimize=minimize)
    assert [d.role for d in got] == ranked[:top]
    for d in got:
        assert d.feasible == (exact[d.role] is not None)
        assert d.cost == (None if exact[d.role] is None else pytest.approx(exact[d.role]))
        reqs = bf.requirements(G, d.role, False)
        start = bf.person(G, have, holds)
        assert (d.met, d.total) == (
            sum(bf.has(G, start, c, lv) for c, lv in reqs.items()),
            len(reqs),
        )


def test_small_plan_imports_neither_highspy_nor_numpy() -> None:
    """A one-shot ``certpath path`` on a small bundled question (at most 10 offers to decide) is
    enumerated: no HiGHS, no numpy. (Since the 2026-12 catalog the README's question leaves 12.)"""
    code = (
        "import sys\n"
        "from certpath.cli.main import cli\n"
        "args = ['path', '--target', 'SAFe Product Owner', '--holds', 'cspo',\n"
        "        '--format', 'json']\n"
        "try:\n"
        "    cli(args)\n"
        "except SystemExit as exit:\n"
        "    assert not exit.code, exit.code\n"
        "print(sorted(m for m in ('highspy', 'numpy') if m in sys.modules), file=sys.stderr)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert json.loads(done.stdout)["optimal"] is True
    assert done.stderr.strip().splitlines()[-1] == "[]"


# --------------------------------------------------------------------------- examples


def test_and_prerequisites_order_and_unlocked_by() -> None:
    G = nx.MultiDiGraph()
    offer(G, "basics", hours=2, teaches={"agile": 1})
    offer(G, "exam", hours=1, teaches={"scrum": 3}, prereqs=("basics", "agile"))
    role(G, "sm", {"scrum": 3})
    plan = shortest_learning_path(G, "sm")
    assert [s.iri for s in plan.steps] == ["basics", "exam"]
    assert plan.steps[1].unlocked_by == ("basics",)
    assert plan.steps[1].meets[0].competency == "scrum"
    assert plan.steps[0].meets == ()
    assert plan.total_hours == 3.0 and plan.optimal


def test_k_of_n_group_takes_cheapest_two() -> None:
    G = nx.MultiDiGraph()
    for name, hours in [("m1", 5), ("m2", 1), ("m3", 2)]:
        offer(G, name, hours=hours, teaches={f"k{name}": 1})
    group(G, "g", ("m1", "m2", "m3"), 2)
    offer(G, "final", hours=1, teaches={"goal": 2}, prereqs=("g",))
    role(G, "r", {"goal": 2})
    plan = shortest_learning_path(G, "r")
    assert [s.iri for s in plan.steps] == ["m2", "m3", "final"]
    assert plan.steps[2].unlocked_by == ("m2", "m3")


def test_narrower_competency_meets_broader_requirement_at_level() -> None:
    G = nx.MultiDiGraph()
    role(G, "r", {"agile": 3})
    G.add_node("scrum", kind="competency", label="scrum")
    G.add_edge("scrum", "agile", key="broader")
    offer(G, "low", hours=1, teaches={"scrum": 2})
    offer(G, "high", hours=4, teaches={"scrum": 3})
    assert [s.iri for s in shortest_learning_path(G, "r").steps] == ["high"]
    plan = shortest_learning_path(G, "r", have={"scrum": 3})
    assert plan.steps == () and plan.already_met[0].met_by == "scrum"
    assert [(g.status, g.held_level) for g in role_gaps(G, "r", have={"scrum": 2})] == [
        ("partial", 2)
    ]


def test_cycle_through_competencies_is_resolved() -> None:
    G = nx.MultiDiGraph()
    offer(G, "a", hours=1, teaches={"x": 1}, prereqs=("y",))
    offer(G, "b", hours=1, teaches={"y": 1}, prereqs=("x",))
    offer(G, "seed", hours=5, teaches={"y": 1})
    role(G, "r", {"x": 1})
    plan = shortest_learning_path(G, "r")
    assert [s.iri for s in plan.steps] == ["seed", "a"]
    with pytest.raises(NoPlan) as err:
        shortest_learning_path(G, "r", exclude=["seed"])
    assert err.value.reasons[0]["kind"] == "blocked"
    assert no_plan_to_dict(err.value)["feasible"] is False


def test_budget_reports_least_budget() -> None:
    G = nx.MultiDiGraph()
    offer(G, "fast", hours=2, cost=100, teaches={"c": 1})
    offer(G, "cheap", hours=10, cost=10, teaches={"c": 1})
    role(G, "r", {"c": 1})
    assert shortest_learning_path(G, "r", budget_cost=50).steps[0].iri == "cheap"
    with pytest.raises(NoPlan) as err:
        shortest_learning_path(G, "r", budget_hours=1)
    assert err.value.reasons == [
        {"kind": "budget", "measure": "hours", "budget": 1.0, "least": 2.0}
    ]
    assert "least 2" in str(err.value)
    with pytest.raises(NoPlan) as err:
        shortest_learning_path(G, "r", budget_hours=5, budget_cost=50)
    assert {r["measure"]: r["least"] for r in err.value.reasons} == {"hours": 10.0, "cost": 100.0}


def test_alternatives_are_distinct_sorted_and_not_supersets() -> None:
    G = nx.MultiDiGraph()
    for name, hours in [("a", 3), ("b", 1), ("c", 2), ("d", 2)]:
        offer(G, name, hours=hours, teaches={"x": 1})
    role(G, "r", {"x": 1})
    plan = shortest_learning_path(G, "r", alternatives=5)
    assert [s.iri for s in plan.steps] == ["b"]
    assert [a.steps for a in plan.alternatives] == [("c",), ("d",), ("a",)]
    assert [a.difference for a in plan.alternatives] == [1.0, 1.0, 2.0]
    data = plan.to_dict()
    assert data["alternatives"][0] == {
        "steps": ["c"],
        "total": {"hours": 2.0, "cost": 0.0, "currency": None, "steps": 1},
        "difference": 1.0,
    }


def test_include_exclude_delivery() -> None:
    G = nx.MultiDiGraph()
    offer(G, "a", hours=1, teaches={"x": 1}, provider="acme", delivery=("Classroom",))
    offer(G, "b", hours=2, teaches={"x": 1}, provider="other")
    offer(G, "extra", hours=9, teaches={"y": 1})
    role(G, "r", {"x": 1})
    assert [s.iri for s in shortest_learning_path(G, "r").steps] == ["a"]
    assert [s.iri for s in shortest_learning_path(G, "r", exclude=["acme"]).steps] == ["b"]
    assert [s.iri for s in shortest_learning_path(G, "r", exclude=["a"]).steps] == ["b"]
    assert [s.iri for s in shortest_learning_path(G, "r", delivery=["SelfPaced"]).steps] == ["b"]
    steps = shortest_learning_path(G, "r", include=["extra"]).steps
    assert [s.iri for s in steps] == ["a", "extra"]
    with pytest.raises(NoPlan) as err:
        shortest_learning_path(G, "r", include=["extra"], exclude=["extra"])
    assert err.value.reasons[0]["kind"] == "include"
    with pytest.raises(NoPlan) as err:
        shortest_learning_path(G, "r", exclude=["a", "b"])
    assert err.value.reasons == [{"kind": "untaught", "competency": "x", "level": 1}]
    with pytest.raises(EntityNotFound):
        shortest_learning_path(G, "nobody")


def test_mixed_currencies() -> None:
    G = nx.MultiDiGraph()
    offer(G, "a", hours=1, cost=10, currency="EUR", teaches={"x": 1})
    offer(G, "b", hours=2, cost=5, currency="USD", teaches={"y": 1})
    role(G, "r", {"x": 1, "y": 1})
    with pytest.raises(MixedCurrencies, match="EUR, USD"):
        shortest_learning_path(G, "r", minimize="cost")
    with pytest.raises(MixedCurrencies):
        shortest_learning_path(G, "r", budget_cost=100)
    plan = shortest_learning_path(G, "r")
    assert plan.total_cost is None and plan.currency is None and plan.total_hours == 3.0
    single = shortest_learning_path(G, "r", have={"y": 1})
    assert (single.total_cost, single.currency) == (10.0, "EUR")


def test_ties_broken_by_other_measures_then_iri() -> None:
    G = nx.MultiDiGraph()
    offer(G, "zeta", hours=2, cost=10, teaches={"x": 1})
    offer(G, "beta", hours=2, cost=20, teaches={"x": 1})
    offer(G, "alpha", hours=2, cost=10, teaches={"x": 1})
    role(G, "r", {"x": 1})
    for _ in range(3):
        assert [s.iri for s in shortest_learning_path(G, "r").steps] == ["alpha"]
    # Two steps versus one of equal hours: steps break the tie.
    G2 = nx.MultiDiGraph()
    offer(G2, "a1", hours=1, teaches={"x": 1})
    offer(G2, "a2", hours=1, teaches={"y": 1})
    offer(G2, "both", hours=2, teaches={"x": 1, "y": 1})
    role(G2, "r", {"x": 1, "y": 1})
    assert [s.iri for s in shortest_learning_path(G2, "r").steps] == ["both"]
    assert [s.iri for s in shortest_learning_path(G2, "r", minimize="steps").steps] == ["both"]


def test_milestones_and_json_shape() -> None:
    G = nx.MultiDiGraph()
    offer(G, "a", hours=1, teaches={"x": 2})
    offer(G, "b", hours=1, teaches={"y": 2}, prereqs=("a",))
    role(G, "junior", {"x": 1})
    role(G, "senior", {"x": 2, "y": 2})
    plan = shortest_learning_path(G, "senior")
    assert [(m.after_step, m.role) for m in plan.milestones] == [(0, "junior"), (1, "senior")]
    data = json.loads(json.dumps(plan.to_dict()))
    assert set(data) == {
        "target",
        "minimize",
        "optimal",
        "total",
        "steps",
        "already_met",
        "milestones",
        "alternatives",
    }
    assert data["total"] == {"hours": 2.0, "cost": 0.0, "currency": None, "steps": 2}
    assert data["steps"][1]["unlocked_by"] == ["a"]
    assert data["milestones"][0] == {"after_step": 0, "role": "junior"}


def test_role_gaps_statuses_and_offer_order() -> None:
    G = nx.MultiDiGraph()
    role(G, "r", {"a": 2, "b": 3, "c": 1}, recommends={"d": 1})
    offer(G, "slow", hours=9, teaches={"b": 4})
    offer(G, "quick", hours=1, teaches={"b": 3})
    offer(G, "weak", hours=1, teaches={"b": 1})
    gaps = role_gaps(G, "r", have={"a": 5, "b": 1})
    assert [(g.competency, g.status, g.essential) for g in gaps] == [
        ("a", "met", True),
        ("b", "partial", True),
        ("c", "missing", True),
        ("d", "missing", False),
    ]
    assert gaps[1].offers == ("quick", "slow")


def test_career_path_picks_cheaper_chain() -> None:
    G = nx.MultiDiGraph()
    role(G, "dev", {"code": 3})
    role(G, "lead", {"code": 3, "people": 2})
    role(G, "po", {"product": 2})
    role(G, "head", {"people": 3, "product": 2})
    for u, v in [("dev", "lead"), ("dev", "po"), ("lead", "head"), ("po", "head")]:
        G.add_edge(u, v, key="leadsTo")
    offer(G, "people2", hours=4, teaches={"people": 2})
    offer(G, "people3", hours=6, teaches={"people": 3})
    offer(G, "product-course", hours=30, teaches={"product": 2})
    path = career_path(G, "dev", "head")
    # dev -> lead (4 h) -> head (6 + 30 h) = 40 h; dev -> po (30 h) -> head (6 h) = 36 h.
    assert path.roles == ("dev", "po", "head")
    assert [[s.iri for s in h.steps] for h in path.hops] == [["product-course"], ["people3"]]
    assert path.total == 36.0
    G.add_edge("dev", "head", key="leadsTo")  # direct hop: 6 + 30 = 36 h as well, one hop
    assert career_path(G, "dev", "head").total == 36.0
    with pytest.raises(EntityNotFound):
        career_path(G, "dev", "nowhere")
    with pytest.raises(NoPlan) as err:
        career_path(G, "head", "dev")
    assert err.value.reasons[0]["kind"] == "route"


def test_closest_roles_prunes_but_stays_exact() -> None:
    G = nx.MultiDiGraph()
    offer(G, "a", hours=1, teaches={"x": 1})
    offer(G, "b", hours=5, teaches={"y": 1}, prereqs=("a",))
    role(G, "rx", {"x": 1})
    role(G, "ry", {"y": 1})
    role(G, "rz", {"z": 1})
    got = closest_roles(G, top=None)
    assert [(d.role, d.cost, d.feasible) for d in got] == [
        ("rx", 1.0, True),
        ("ry", 6.0, True),
        ("rz", None, False),
    ]
    assert [d.role for d in closest_roles(G, top=1)] == ["rx"]


def test_empty_plan_when_everything_is_met() -> None:
    G = nx.MultiDiGraph()
    role(G, "r", {"x": 1})
    offer(G, "a", teaches={"x": 1})
    plan = shortest_learning_path(G, "r", holds=["a"], alternatives=2)
    assert isinstance(plan, LearningPlan)
    assert plan.steps == () and plan.alternatives == ()
    assert plan.already_met[0].met_by == "a" and math.isclose(plan.total_hours, 0.0)


def test_index_cache_follows_graph_edits() -> None:
    G = nx.MultiDiGraph()
    offer(G, "slow", hours=5, teaches={"x": 1})
    role(G, "r", {"x": 1})
    assert [s.iri for s in shortest_learning_path(G, "r").steps] == ["slow"]
    offer(G, "fast", hours=1, teaches={"x": 1})  # new node
    assert [s.iri for s in shortest_learning_path(G, "r").steps] == ["fast"]
    G.add_node("y", kind="competency", label="y")
    G.add_edge("r", "y", key="requires", level=1)  # no new node: a newly linked pair
    offer(G, "both", hours=1.5, teaches={"y": 1, "x": 1})
    assert [s.iri for s in shortest_learning_path(G, "r").steps] == ["both"]
    G.nodes["both"]["hours"] = 9.0  # in place: the index reads attributes when asked
    assert shortest_learning_path(G, "r").total_hours == 9.0
    clear_cache()
    assert shortest_learning_path(G, "r").total_hours == 9.0


def test_milestones_through_narrower_competencies() -> None:
    G = nx.MultiDiGraph()
    G.add_node("scrum", kind="competency", label="scrum")
    G.add_node("agile", kind="competency", label="agile")
    G.add_edge("scrum", "agile", key="broader")
    offer(G, "a", hours=1, teaches={"scrum": 2})
    offer(G, "b", hours=1, teaches={"kanban": 3}, prereqs=("a",))
    role(G, "agilist", {"agile": 2})
    role(G, "expert", {"agile": 3})
    role(G, "target", {"agile": 1, "kanban": 3})
    role(G, "met", {"agile": 1})
    plan = shortest_learning_path(G, "target", have={"agile": 1})
    assert [s.iri for s in plan.steps] == ["a", "b"]
    assert [(m.after_step, m.role) for m in plan.milestones] == [(0, "agilist"), (1, "target")]


def test_cycle_inside_larger_graph_keeps_order() -> None:
    # a and b need each other's competency; seed breaks the cycle; c depends on a (across SCCs).
    G = nx.MultiDiGraph()
    offer(G, "a", hours=1, teaches={"x": 1}, prereqs=("y",))
    offer(G, "b", hours=1, teaches={"y": 1}, prereqs=("x",))
    offer(G, "seed", hours=3, teaches={"x": 1})
    offer(G, "c", hours=1, teaches={"z": 2}, prereqs=("a",))
    role(G, "r", {"z": 2, "y": 1})
    plan = shortest_learning_path(G, "r")
    assert [s.iri for s in plan.steps] == ["seed", "b", "a", "c"]
