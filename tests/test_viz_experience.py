"""Experience in pictures (issue 13): experience steps, months worked, experience requirements.

Drawing data only; ``tests/test_browser.py`` opens an experience plan in Chromium.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from types import SimpleNamespace as NS
from typing import Any

import networkx as nx
import pytest
from click.testing import CliRunner

from certpath import viz
from certpath.cli.main import cli
from certpath.graph import KnowledgeGraph, load
from certpath.planner import role_gaps, shortest_learning_path
from certpath.projection import project
from certpath.viz.plan import experience_label, held_key

CPD = "https://w3id.org/certpath/data/"
OWNER = CPD + "owner"

#: A course makes the person an Owner; an advanced certification asks for 12 months as Owner;
#: the Senior role asks for 36 months as Owner.
GATES_TTL = """\
@prefix cp: <https://w3id.org/certpath/ontology#> .
@prefix cpd: <https://w3id.org/certpath/data/> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
cpd:backlog a cp:Competency ; skos:prefLabel "Backlog"@en .
cpd:strategy a cp:Competency ; skos:prefLabel "Strategy"@en .
cpd:owner a cp:Role ; skos:prefLabel "Owner"@en ; cp:requires cpd:backlog ;
    cp:qualifiedRequirement [ cp:competency cpd:backlog ; cp:level 2 ] .
cpd:lead a cp:Role ; skos:prefLabel "Lead"@en ; cp:requires cpd:strategy ;
    cp:qualifiedRequirement [ cp:competency cpd:strategy ; cp:level 3 ] .
cpd:senior a cp:Role ; skos:prefLabel "Senior"@en ; cp:requires cpd:backlog ;
    cp:qualifiedRequirement [ cp:competency cpd:backlog ; cp:level 2 ] ;
    cp:requiresExperience cpd:owner-36 .
cpd:owner-12 a cp:ExperienceRequirement ; skos:prefLabel "12 months as Owner"@en ;
    cp:role cpd:owner ; cp:months 12 .
cpd:owner-36 a cp:ExperienceRequirement ; cp:role cpd:owner ; cp:months 36 .
cpd:basic a cp:Course ; skos:prefLabel "Basic"@en ; cp:durationHours 8 ; cp:cost 100 ;
    cp:currency "USD" ; cp:teaches cpd:backlog ;
    cp:qualifiedOutcome [ cp:competency cpd:backlog ; cp:level 2 ] .
cpd:advanced a cp:Certification ; skos:prefLabel "Advanced"@en ; cp:durationHours 16 ;
    cp:cost 900 ; cp:currency "USD" ; cp:prerequisite cpd:basic , cpd:owner-12 ;
    cp:teaches cpd:strategy ; cp:qualifiedOutcome [ cp:competency cpd:strategy ; cp:level 3 ] .
"""


@pytest.fixture(scope="module")
def gates_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("gates") / "gates.ttl"
    path.write_text(GATES_TTL, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def gates(gates_file: Path) -> nx.MultiDiGraph:
    return project(load([gates_file]))


def page_data(html: str) -> dict[str, Any]:
    found = re.search(r'<script id="certpath-data" type="application/json">(.*?)</script>', html)
    assert found is not None
    data: dict[str, Any] = json.loads(found.group(1))
    return data


def by_id(picture: viz.Picture) -> tuple[dict[str, Any], dict[tuple[str, str, str], Any]]:
    data = page_data(picture.html)
    nodes = {n["id"].removeprefix(CPD): n for n in data["nodes"]}
    edges = {
        (e["from"].removeprefix(CPD), e["to"].removeprefix(CPD), e["relation"]): e
        for e in data["edges"]
    }
    return nodes, edges


def test_an_experience_step_has_its_own_shape_label_and_edges(gates: nx.MultiDiGraph) -> None:
    plan = shortest_learning_path(gates, CPD + "lead")
    assert [s.kind for s in plan.steps] == ["offer", "experience", "offer"]
    picture = viz.render_plan(gates, plan)
    assert picture.title == (
        "Learning plan to Lead: 3 steps, 24 h, 1,000 USD, 12 months of work experience"
    )
    nodes, edges = by_id(picture)
    step = nodes["owner @000012"]
    style = viz.styles.STYLES["experience"]
    assert (step["label"], step["kind"], step["shape"]) == (
        "2. Work as Owner (12 months)",
        "experience",
        style.shape,
    )
    assert step["shape"] not in {s.shape for k, s in viz.styles.STYLES.items() if k != "experience"}
    assert step["color"]["background"] == style.fill
    assert step["title"].splitlines() == [
        "Step 2 of 3: Work as Owner for 12 months",
        "work experience · as Owner (cpd:owner)",
        "months: 12",
        "hours: 0 (no learning hours)",
        "cost: none",
        "after:",
        "  - Basic",
    ]
    # columns: basic, the experience step (the role it is work in below it), advanced
    assert nodes["basic"]["x"] < step["x"] == nodes["owner"]["x"] < nodes["advanced"]["x"]
    assert nodes["owner"]["y"] > step["y"] and nodes["owner"]["kind"] == "role"
    assert edges["owner", "owner @000012", "workAs"]["label"] == "work as"
    assert edges["basic", "owner @000012", "prerequisite"]["dashes"] is True
    assert edges["owner @000012", "advanced", "prerequisite"]["label"] == "prerequisite"
    # the legend names the shape, with a count; the subtitle and a note explain the months
    assert 'data-kind="experience"' in picture.html
    assert "Work experience (months as a role)</span> <small>(1)</small>" in picture.html
    assert "Work experience: 12 months in all, in 1 experience step" in picture.html
    assert 'data-relation="workAs"' in picture.html


def test_months_already_worked_are_drawn_as_have(gates: nx.MultiDiGraph) -> None:
    plan = shortest_learning_path(gates, CPD + "lead", experience={OWNER: 14})
    assert [s.iri.removeprefix(CPD) for s in plan.steps] == ["basic", "advanced"]
    picture = viz.render_plan(gates, plan, experience={OWNER: 14})
    assert picture.title == "Learning plan to Lead: 2 steps, 24 h, 1,000 USD"
    nodes, edges = by_id(picture)
    held = nodes[held_key(OWNER).removeprefix(CPD)]
    assert held["label"] == "✓ 14 months as Owner" and held["x"] == 0.0
    assert held["kind"] == "experience" and held["borderWidth"] == 4
    assert held["title"].splitlines()[-1] == "you have worked 14 months as Owner"
    assert ("owner @have", "advanced", "prerequisite") in edges
    assert "owner" not in nodes  # the role itself is not drawn as held
    assert "Work experience:" not in picture.html


def test_months_in_unlocked_by_are_drawn_even_without_the_experience_argument(
    gates: nx.MultiDiGraph,
) -> None:
    plan = shortest_learning_path(gates, CPD + "lead", experience={OWNER: 14})
    nodes, _ = by_id(viz.render_plan(gates, plan))
    assert nodes["owner @have"]["label"] == "✓ 14 months as Owner"


def test_a_role_gate_met_by_an_experience_step(gates: nx.MultiDiGraph) -> None:
    plan = shortest_learning_path(gates, CPD + "senior", experience={OWNER: 20})
    assert [(s.kind, s.months, s.months_after) for s in plan.steps] == [
        ("offer", 0, 0),
        ("experience", 16, 36),
    ]
    picture = viz.render_plan(gates, plan, experience={OWNER: 20})
    nodes, edges = by_id(picture)
    step = nodes["owner @000036"]
    assert step["label"] == "2. Work as Owner (16 more months, 36 in all)"
    assert "months: 16 (36 in all as Owner)" in step["title"].splitlines()
    assert step["title"].splitlines()[-4:-2] == ["meets:", "  - 36 months as Owner"]
    assert edges["owner @000036", "senior", "meets"]["label"] == "meets 36 months as Owner"
    assert picture.title.endswith(", 16 months of work experience")


def test_an_experience_step_working_in_the_target_role(gates: nx.MultiDiGraph) -> None:
    """The role worked in is the target: the edge runs back from it, its text a tooltip only."""
    plan = shortest_learning_path(gates, OWNER, include=[CPD + "advanced"])
    assert [s.kind for s in plan.steps] == ["offer", "experience", "offer"]
    nodes, edges = by_id(viz.render_plan(gates, plan))
    assert nodes["owner"]["x"] > nodes["advanced"]["x"]  # the target, drawn once
    edge = edges["owner", "owner @000012", "workAs"]
    assert (edge["label"], edge["title"]) == ("", "work as Owner")


def test_experience_still_missing_is_drawn_next_to_the_target(gates: nx.MultiDiGraph) -> None:
    nothing = NS(target=CPD + "senior", target_label="Senior", steps=(), already_met=())
    gaps = role_gaps(gates, CPD + "senior", have={CPD + "backlog": 2}, experience={OWNER: 6})
    assert [(e.months_held, e.months_needed) for e in gaps.experience] == [(6, 36)]
    picture = viz.render_plan(gates, nothing, missing=gaps.experience)
    nodes, edges = by_id(picture)
    node = nodes["owner @missing"]
    assert (node["label"], node["kind"]) == ("missing: 36 months as Owner (have 6)", "missing")
    assert node["shapeProperties"] == {"borderDashes": [6, 4]}
    assert edges["owner @missing", "senior", "missing"]["label"] == "missing 36 months as Owner"


def test_stand_in_experience_steps() -> None:
    G = nx.MultiDiGraph()
    G.add_node("r", kind="role", label="R")
    work = NS(
        iri="r @000001",
        kind="experience",
        role="r",
        label="Work as R for 1 month",
        months=1,
        hours=0.0,
        cost=0.0,
        currency=None,
        provider=None,
        meets=(NS(role="r", months=1, label="R"),),
        unlocked_by=(),
    )
    plan = NS(target="t", target_label="T", steps=(work,), already_met=())
    picture = viz.render_plan(G, plan)
    assert picture.title == "Learning plan to T: 1 step, 0 h, 1 month of work experience"
    nodes, _ = by_id(picture)
    assert nodes["r @000001"]["label"] == "1. Work as R (1 month)"
    assert experience_label(G, work) == "Work as R (1 month)"


def test_experience_requirements_in_graph_pictures(gates: nx.MultiDiGraph) -> None:
    assert viz.node_class(gates, CPD + "owner-12") == "experience"
    view = viz.select_subgraph(gates, role=CPD + "senior")
    assert {CPD + "owner-36", OWNER} <= set(view)  # the role's gate and the role it is about
    view = viz.select_subgraph(gates, role=CPD + "lead")
    assert CPD + "owner-12" in view  # a prerequisite of an offer that teaches a requirement
    picture = viz.render_subgraph(gates, focus=CPD + "owner-12")
    nodes, edges = by_id(picture)
    gate = nodes["owner-12"]
    assert gate["shape"] == viz.styles.STYLES["experience"].shape
    assert gate["title"].splitlines() == [
        "12 months as Owner",
        "work experience (months as a role) · cpd:owner-12",
        "as: Owner",
        "months: 12",
        "needed by:",
        "  - Advanced",
    ]
    assert ("owner-12", "owner", "role") in edges
    assert ("advanced", "owner-12", "prerequisite") in edges
    assert "Undefined reference" not in picture.html
    senior = viz.render_subgraph(gates, focus=CPD + "senior")
    assert "requires experience:" in by_id(senior)[0]["senior"]["title"]
    assert ("senior", "owner-36", "requiresExperience") in by_id(senior)[1]


def test_bundled_gates_are_never_undefined_references(bundled: KnowledgeGraph) -> None:
    G = project(bundled)
    gates = [n for n, d in G.nodes(data=True) if d.get("kind") == "experience"]
    assert len(gates) >= 6
    assert {viz.node_class(G, n) for n in gates} == {"experience"}


@pytest.mark.parametrize(
    ("args", "title"),
    [
        (
            ["--target", "Product Owner", "--include", "csp-po", "--minimize", "months"],
            "Learning plan to Product Owner: 5 steps, 48 h, 3,700 USD, "
            "24 months of work experience",
        ),
        (  # a role gate met by an experience step: drew a traceback before
            ["--target", "Chief Product Owner", "--minimize", "months"],
            "Learning plan to Chief Product Owner: 6 steps, 61.5 h, 1,495 USD, "
            "36 months of work experience",
        ),
    ],
)
def test_path_html_shows_the_months(tmp_path: Path, args: list[str], title: str) -> None:
    out = tmp_path / "plan.html"
    result = CliRunner().invoke(cli, ["path", *args, "--html", str(out)])
    assert result.exit_code == 0, result.output
    html = out.read_text(encoding="utf-8")
    assert f'<h1 id="title">{title}</h1>' in html
    assert "Work experience:" in html and 'data-kind="experience"' in html


def test_path_html_draws_the_months_a_person_has(tmp_path: Path) -> None:
    out = tmp_path / "plan.html"
    args = ["path", "--target", "Chief Product Owner", "--holds", "cspo"]
    args += ["--experience", "Product Owner@24", "--minimize", "months", "--html", str(out)]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    labels = [n["label"] for n in page_data(out.read_text(encoding="utf-8"))["nodes"]]
    assert "✓ 24 months as Product Owner" in labels
    assert "3. Work as Product Owner (12 more months, 36 in all)" in labels
