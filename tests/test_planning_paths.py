"""The exact planner (certpath.planning.paths): properties against brute force, in every form
the vocabulary allows, then worked examples."""

from __future__ import annotations

import json
import math
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import networkx as nx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).parent))

import planner_bruteforce as bf  # noqa: E402
from planning_graphs import (  # noqa: E402
    SOLVERS,
    Form,
    forms,
    group,
    iri,
    loaded,
    offer,
    planning_graphs,
    questions,
    role,
    strip,
    to_iris,
)

from certpath.errors import EntityNotFound, MixedCurrencies, NoPlan  # noqa: E402
from certpath.planning import (  # noqa: E402
    LearningPlan,
    greedy_learning_path,
    no_plan_to_dict,
    plan_text,
    role_gaps,
    shortest_learning_path,
)

ROOT = Path(__file__).resolve().parents[1]


# --------------------------------------------------------------------------- properties


def _plan_as_written(
    G: Any, kwargs: dict[str, Any], form: Form | None, method: str
) -> LearningPlan:
    """The planner's answer for role r0 on *G* itself (form None) or on *G* written as RDF in
    *form*, loaded and projected back; step IRIs turned back into node names."""
    if form is None:
        return shortest_learning_path(G, "r0", method=method, **kwargs)
    with tempfile.TemporaryDirectory() as folder:
        H = loaded(G, Path(folder), form, ["r0"], **kwargs)
    plan = shortest_learning_path(H, iri("r0"), method=method, **to_iris(kwargs))
    for step in plan.steps:
        assert step.iri.startswith("http://example.org/t/"), step.iri
    return plan


def _check_against_bruteforce(
    G: Any, kwargs: dict[str, Any], method: str, form: Form | None = None
) -> str:
    expected = bf.brute_force(G, "r0", **kwargs)
    if expected.status == "mixed":
        with pytest.raises(MixedCurrencies):
            _plan_as_written(G, kwargs, form, method)
        return "mixed"
    if expected.status in ("noplan", "budget"):
        with pytest.raises(NoPlan) as err:
            _plan_as_written(G, kwargs, form, method)
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
            assert kinds <= {"untaught", "blocked", "include", "experience"}
        return expected.status
    plan = _plan_as_written(G, kwargs, form, method)
    best_key, best_set, best_order = expected.plans[0]
    steps = [strip(s.iri) for s in plan.steps]
    assert frozenset(steps) == best_set
    assert steps == best_order
    reqs = bf.requirements(G, "r0", kwargs["with_recommended"])
    experience = kwargs.get("experience", {})
    assert bf.replay_ok(
        G, kwargs["have"], kwargs["holds"], steps, reqs, experience=experience, target="r0"
    )
    t = bf.totals(G, steps, bf.person(G, kwargs["have"], kwargs["holds"], experience))
    assert plan.total_hours == pytest.approx(t["hours"])
    assert plan.total_steps == t["steps"]
    assert plan.total_months == t["months"]
    if len(t["currencies"]) <= 1:
        assert plan.total_cost == pytest.approx(t["cost"])
    else:
        assert plan.total_cost is None and plan.currency is None
    alternatives = [frozenset(strip(i) for i in a.steps) for a in plan.alternatives]
    assert alternatives == [s for _, s, _ in expected.plans[1:]]
    primary = expected.key.index(kwargs["minimize"])
    for alt, (key, _, order) in zip(plan.alternatives, expected.plans[1:], strict=True):
        assert [strip(i) for i in alt.steps] == order
        assert alt.difference == pytest.approx(key[primary] - best_key[primary])
        assert alt.difference >= 0
    json.dumps(plan.to_dict())
    return "ok"


@pytest.mark.parametrize("method", SOLVERS)
@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(questions())
def test_shortest_matches_bruteforce(method: str, question: tuple[Any, dict[str, Any]]) -> None:
    G, kwargs = question
    _check_against_bruteforce(G, kwargs, method)


@pytest.mark.parametrize("method", ["enumeration", "highs"])
@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(questions(), forms)
def test_shortest_matches_bruteforce_in_every_rdf_form(
    method: str, question: tuple[Any, dict[str, Any]], form: Form
) -> None:
    """Groups and qualified nodes blank or named, several files, every format, the whole
    projection or the neighbourhood: the same plan as the brute force on the graph itself."""
    G, kwargs = question
    _check_against_bruteforce(G, kwargs, method, form)


@pytest.mark.parametrize("method", SOLVERS)
@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(questions(ties=True), forms)
def test_iri_tie_break_matches_bruteforce(
    method: str, question: tuple[Any, dict[str, Any]], form: Form
) -> None:
    G, kwargs = question
    _check_against_bruteforce(G, kwargs, method)
    _check_against_bruteforce(G, kwargs, method, form)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(planning_graphs(), st.sampled_from(["hours", "cost", "months", "steps"]))
def test_greedy_is_valid_and_never_better(g: Any, minimize: str) -> None:
    G, have, holds = g
    worked = G.graph.get("experience", {})
    person = {"have": have, "holds": holds, "experience": worked, "minimize": minimize}
    expected = bf.brute_force(G, "r0", **person)
    if expected.status == "noplan":
        with pytest.raises(NoPlan):
            greedy_learning_path(G, "r0", **person)
        return
    if expected.status == "mixed":
        return
    plan = greedy_learning_path(G, "r0", **person)
    steps = [s.iri for s in plan.steps]
    assert not plan.optimal
    reqs = bf.requirements(G, "r0", False)
    assert bf.replay_ok(G, have, holds, steps, reqs, experience=worked, target="r0")
    best = expected.plans[0][0][0]
    assert bf.totals(G, steps, bf.person(G, have, holds, worked))[minimize] >= best - 1e-9


def test_small_plan_imports_neither_highspy_nor_numpy() -> None:
    """A one-shot ``certpath path`` on a small bundled question (at most 10 offers to decide) is
    enumerated: no HiGHS, no numpy. (Since the 2026-12 catalog the README's question leaves 12.)"""
    code = (
        "import sys\n"
        "from certpath.cli.main import cli\n"
        "args = ['path', '--target', 'AI-enabled Product Owner', '--holds', 'cspo',\n"
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
        "total": {"hours": 2.0, "cost": 0.0, "currency": None, "steps": 1, "months": 0},
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
    assert data["total"] == {"hours": 2.0, "cost": 0.0, "currency": None, "steps": 2, "months": 0}
    assert data["steps"][1]["unlocked_by"] == ["a"]
    assert data["milestones"][0] == {"after_step": 0, "role": "junior"}


def test_empty_plan_when_everything_is_met() -> None:
    G = nx.MultiDiGraph()
    role(G, "r", {"x": 1})
    offer(G, "a", teaches={"x": 1})
    plan = shortest_learning_path(G, "r", holds=["a"], alternatives=2)
    assert isinstance(plan, LearningPlan)
    assert plan.steps == () and plan.alternatives == ()
    assert plan.already_met[0].met_by == "a" and math.isclose(plan.total_hours, 0.0)


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


def test_a_highs_solved_question_prints_only_json(tmp_path: Path) -> None:
    """Fifteen offers, none dominated, so HiGHS solves it; stdout must hold the JSON alone
    (HiGHS prints a banner when it is constructed unless silenced)."""
    comps = [f"c{i}" for i in range(6)]
    lines = [
        "@prefix cp: <https://w3id.org/certpath/ontology#> .",
        "@prefix cpd: <https://w3id.org/certpath/data/> .",
        "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .",
        'cpd:r a cp:Role ; skos:prefLabel "R"@en ; cp:requires '
        + ", ".join(f"cpd:{c}" for c in comps)
        + " .",
    ]
    lines += [f'cpd:{c} a cp:Competency ; skos:prefLabel "{c}"@en .' for c in comps]
    pairs = [(a, b) for i, a in enumerate(comps) for b in comps[i + 1 :]]
    for n, (a, b) in enumerate(pairs):
        lines.append(
            f'cpd:o{n:02} a cp:Course ; skos:prefLabel "O{n}"@en ; '
            f"cp:durationHours {3 + (n * 7) % 5}.0 ; cp:teaches cpd:{a}, cpd:{b} ."
        )
    data = tmp_path / "wide.ttl"
    data.write_text("\n".join(lines) + "\n", encoding="utf-8")
    code = (
        "import sys\n"
        "from certpath.cli.main import cli\n"
        f"args = ['--data', {str(data)!r}, 'path', '--target', 'r', '--format', 'json']\n"
        "try:\n"
        "    cli(args)\n"
        "except SystemExit as exit:\n"
        "    assert not exit.code, exit.code\n"
        "print('highspy' in sys.modules, file=sys.stderr)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert done.stderr.strip().splitlines()[-1] == "True"  # HiGHS did solve it
    plan = json.loads(done.stdout)
    assert plan["optimal"] is True and len(plan["steps"]) == 3


def _wide_graph() -> nx.MultiDiGraph:
    """Six requirements and fifteen offers teaching two each, none dominated."""
    G = nx.MultiDiGraph()
    comps = [f"c{i}" for i in range(6)]
    role(G, "r", dict.fromkeys(comps, 1))
    pairs = [(a, b) for i, a in enumerate(comps) for b in comps[i + 1 :]]
    for n, (a, b) in enumerate(pairs):
        offer(G, f"o{n:02}", hours=3 + (n * 7) % 5, teaches={a: 1, b: 1})
    return G


@pytest.mark.parametrize("limit", [1e-6, 0.01])
def test_a_time_limit_gives_the_best_plan_found_and_says_so(limit: float) -> None:
    G = _wide_graph()
    best = shortest_learning_path(G, "r", method="highs")
    plan = shortest_learning_path(G, "r", method="highs", time_limit=limit)
    steps = [s.iri for s in plan.steps]
    assert bf.replay_ok(G, {}, [], steps, bf.requirements(G, "r", False))
    data = plan.to_dict()
    if plan.optimal:  # the search finished in time
        assert steps == [s.iri for s in best.steps] and "bound" not in data
    else:
        assert data["bound"] is None or data["bound"] <= best.total_hours + 1e-9
        assert plan.total_hours >= best.total_hours
        assert {"bound", "gap"} <= set(data)
        assert "NOT proved optimal" in plan_text(plan) or "within" in plan_text(plan)
