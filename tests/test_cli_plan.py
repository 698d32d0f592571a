"""Planning commands end to end on the bundled data: path, gaps, closest, career, profiles."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from certpath.cli.main import cli

BA = ["--have", "user-story-writing", "--have", "backlog-refinement"]
CPD = "https://w3id.org/certpath/data/"


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout, result.stderr


def plan_json(*args: str) -> dict[str, Any]:
    code, out, err = run("path", *args, "--format", "json")
    assert code == 0, err
    data: dict[str, Any] = json.loads(out)
    return data


ROLE_CLARITY_THEN_POPM = {
    "hours": (["cspo", "safe-popm-cert"], 33.5, 1995.0),
    "steps": (["cspo", "safe-popm-cert"], 33.5, 1995.0),
    "cost": (["learn-scrum-basics", "pspo-1", "safe-popm-cert"], 34.5, 1195.0),
}


@pytest.mark.parametrize("measure", ["hours", "cost", "steps"])
def test_business_analyst_to_safe_product_owner(measure: str) -> None:
    """The brief's question: role clarity first (CSPO; or, when money counts, Scrum basics and
    PSPO I), then POPM, with no A-CSPO detour."""
    plan = plan_json("--target", "SAFe POPM", *BA, "--minimize", measure)
    offers, hours, cost = ROLE_CLARITY_THEN_POPM[measure]
    assert [s["iri"] for s in plan["steps"]] == [CPD + o for o in offers]
    assert plan["optimal"] is True and plan["minimize"] == measure
    assert plan["total"] == {
        "hours": hours,
        "cost": cost,
        "currency": "USD",
        "steps": len(offers),
        "months": 0,
    }
    assert plan["target"] == {"iri": CPD + "safe-product-owner", "label": "SAFe Product Owner"}
    popm = plan["steps"][-1]
    assert {"competency": CPD + "pi-planning", "level": 2} in popm["meets"]
    assert {m["competency"] for m in plan["already_met"]} == {
        CPD + "user-story-writing",
        CPD + "backlog-refinement",
    }
    last = len(offers) - 1
    assert {"after_step": last, "role": CPD + "safe-product-owner"} in plan["milestones"]
    assert {"after_step": last - 1, "role": CPD + "product-owner"} in plan["milestones"]


def test_without_scrum_alliance_pspo_comes_first() -> None:
    plan = plan_json("--target", "safe-product-owner", *BA, "--exclude", "Scrum Alliance")
    assert [s["iri"] for s in plan["steps"]] == [
        CPD + "learn-scrum-basics",
        CPD + "pspo-1",
        CPD + "safe-popm-cert",
    ]


def test_json_shape_is_the_documented_one() -> None:
    plan = plan_json("--target", "safe-product-owner", *BA, "--alternatives", "2")
    assert set(plan) == {
        "target",
        "minimize",
        "optimal",
        "total",
        "steps",
        "already_met",
        "milestones",
        "alternatives",
    }
    for step in plan["steps"]:
        assert {
            "iri",
            "label",
            "hours",
            "cost",
            "currency",
            "provider",
            "meets",
            "unlocked_by",
        } <= set(step)
    alternatives = plan["alternatives"]
    assert 1 <= len(alternatives) <= 2
    assert all(a["difference"] >= 0 for a in alternatives)
    assert [a["difference"] for a in alternatives] == sorted(a["difference"] for a in alternatives)
    assert all(a["steps"] != [s["iri"] for s in plan["steps"]] for a in alternatives)


def test_same_question_same_answer() -> None:
    first = run("path", "--target", "safe-product-owner", *BA, "--format", "json")
    assert all(
        run("path", "--target", "safe-product-owner", *BA, "--format", "json") == first
        for _ in range(3)
    )


def test_text_output_explains_each_step() -> None:
    code, out, err = run("path", "--target", "safe-product-owner", *BA)
    assert code == 0 and err == ""
    lines = out.splitlines()
    assert lines[0] == "Learning path to SAFe Product Owner (cpd:safe-product-owner)"
    assert lines[1] == "minimising hours; optimal"
    assert "1. Certified Scrum Product Owner (cpd:cspo)" in lines
    assert "   Scrum Alliance · 16 h · USD 1,000 · Classroom, LiveOnline" in lines
    assert "2. SAFe POPM certification (cpd:safe-popm-cert)" in lines
    assert "After step 1 you qualify for: Product Owner" in lines
    assert "After step 2 you qualify for: SAFe Product Owner" in lines
    assert lines[-1] == "Total: 2 steps, 33.5 h, USD 1,995"


def test_markdown_output() -> None:
    code, out, _ = run("path", "--target", "safe-product-owner", *BA, "--format", "markdown")
    assert code == 0
    assert out.startswith("### Learning path to SAFe Product Owner\n")
    assert (
        "| 1 | Certified Scrum Product Owner (`cpd:cspo`) | Scrum Alliance | 16 | USD 1,000 |"
        in out
    )


def test_unlocked_by_names_the_earlier_step() -> None:
    plan = plan_json("--target", "product-manager")
    positions = {s["iri"]: n for n, s in enumerate(plan["steps"])}
    for n, step in enumerate(plan["steps"]):
        for unlocker in step["unlocked_by"]:
            assert unlocker not in positions or positions[unlocker] < n


def test_holding_an_offer_counts() -> None:
    plan = plan_json("--target", "safe-product-owner", *BA, "--holds", "PSPO I")
    assert [s["iri"] for s in plan["steps"]] == [CPD + "safe-popm-cert"]


def test_levels_matter() -> None:
    low = plan_json("--target", "product-owner", "--have", "user-story-writing@1")
    high = plan_json("--target", "product-owner", "--have", "user-story-writing@5")
    assert low["total"]["hours"] >= high["total"]["hours"]
    assert any(m["competency"] == CPD + "user-story-writing" for m in high["already_met"])
    assert not any(m["competency"] == CPD + "user-story-writing" for m in low["already_met"])


def test_budget_too_small_exit_3_with_least_budget() -> None:
    code, out, err = run(
        "path", "--target", "safe-product-owner", *BA, "--budget-hours", "10", "--format", "json"
    )
    assert code == 3
    data = json.loads(out)
    assert data["feasible"] is False
    assert data["reasons"] == [
        {"kind": "budget", "measure": "hours", "budget": 10.0, "least": 33.5}
    ]
    assert err.startswith("Error: ") and "least 33.5" in err and err.count("\n") == 1


def test_untaught_requirement_exit_3_names_it() -> None:
    code, out, err = run(
        "path",
        "--target",
        "safe-product-owner",
        *BA,
        "--exclude",
        "safe-popm-cert",
        "--format",
        "json",
    )
    assert code == 3
    kinds = {(r["kind"], r.get("competency")) for r in json.loads(out)["reasons"]}
    assert kinds == {("untaught", CPD + "working-with-product-management")}
    assert "nothing allowed teaches Working with Product Management at level 2" in err


def test_delivery_filter() -> None:
    plan = plan_json(
        "--target",
        "safe-product-owner",
        *BA,
        "--delivery",
        "classroom",
        "--delivery",
        "live-online",
    )
    assert all(set(s["delivery"]) & {"Classroom", "LiveOnline"} for s in plan["steps"])
    assert CPD + "pspo-1" not in [s["iri"] for s in plan["steps"]]


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["--target", "nobody"], 4, "Error: no role named 'nobody'"),
        (
            ["--target", "pi planning"],
            4,
            "Error: 'pi planning' is not a role: it names cpd:pi-planning",
        ),
        (
            ["--target", "safe-product-owner", "--have", "pi planning@7"],
            2,
            "the level after '@' must be 1 to 5",
        ),
        (["--target", "safe-product-owner", "--holds", "backlog ownership"], 4, "is not an offer"),
        (
            ["--target", "safe-product-owner", "--minimize", "fun"],
            2,
            "Invalid value for '--minimize'",
        ),
    ],
)
def test_bad_questions(args: list[str], code: int, message: str) -> None:
    exit_code, out, err = run("path", *args)
    assert exit_code == code and out == ""
    assert message in err and err.count("Error:") == 1


def test_profiles_yaml_json_turtle(tmp_path: Path) -> None:
    expected = plan_json("--target", "safe-product-owner", *BA)
    yaml_file = tmp_path / "me.yaml"
    yaml_file.write_text(
        "have:\n  - user story writing\n  - backlog refinement@5\n", encoding="utf-8"
    )
    json_file = tmp_path / "me.json"
    json_file.write_text(
        '{"have": {"user-story-writing": 5, "backlog refinement": null}}', encoding="utf-8"
    )
    ttl_file = tmp_path / "me.ttl"
    ttl_file.write_text(
        "@prefix cp: <https://w3id.org/certpath/ontology#> .\n"
        "@prefix cpd: <https://w3id.org/certpath/data/> .\n"
        "<urn:me> a cp:Person ; cp:hasCompetency cpd:user-story-writing ;\n"
        "  cp:qualifiedHolding [ cp:competency cpd:backlog-refinement ; cp:level 5 ] .\n",
        encoding="utf-8",
    )
    for path in (yaml_file, json_file, ttl_file):
        assert plan_json("--target", "safe-product-owner", "--profile", str(path)) == expected, path


def test_bad_profile(tmp_path: Path) -> None:
    path = tmp_path / "me.yaml"
    path.write_text("have: [unclosed\n", encoding="utf-8")
    code, _, err = run("path", "--target", "safe-product-owner", "--profile", str(path))
    assert code == 2 and "not valid YAML" in err and str(path) in err


def test_gaps() -> None:
    code, out, _ = run(
        "gaps",
        "--target",
        "safe-product-owner",
        "--have",
        "user-story-writing@1",
        "--format",
        "json",
    )
    assert code == 0
    gaps = {g["competency"]: g for g in json.loads(out)["gaps"]}
    story = gaps[CPD + "user-story-writing"]
    assert story["status"] == "partial" and story["held_level"] == 1 and story["required_level"] > 1
    pi = gaps[CPD + "pi-planning"]
    assert (
        pi["status"] == "missing"
        and pi["essential"] is True
        and CPD + "safe-popm-cert" in pi["offers"]
    )


def test_closest_ranks_by_exact_cost() -> None:
    code, out, _ = run("closest", *BA, "--top", "3", "--format", "json")
    roles = json.loads(out)["roles"]
    assert code == 0 and len(roles) == 3
    costs = [r["cost"] for r in roles]
    assert costs == sorted(costs)
    for role in roles:
        direct = plan_json("--target", role["iri"], *BA)
        assert direct["total"]["hours"] == role["cost"]


def test_career_chain() -> None:
    code, out, _ = run(
        "career", "--from", "business analyst", "--to", "safe-product-owner", "--format", "json"
    )
    data = json.loads(out)
    assert code == 0
    assert (
        data["roles"][0] == CPD + "business-analyst"
        and data["roles"][-1] == CPD + "safe-product-owner"
    )
    assert len(data["hops"]) == len(data["roles"]) - 1
