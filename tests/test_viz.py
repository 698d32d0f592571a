"""Pictures without a browser: selection, page content, escaping, size limits, writing, CLI.

The same pages are opened in Chromium by ``tests/test_browser.py``.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from html import unescape as html_unescape
from pathlib import Path
from typing import Any

import networkx as nx
import pytest
from click.testing import CliRunner

from certpath import viz
from certpath.cli.main import cli
from certpath.cli.render_cmds import CLASS_CHOICES
from certpath.errors import OutputError
from certpath.graph import KnowledgeGraph
from certpath.planner import shortest_learning_path
from certpath.projection import project

CPD = "https://w3id.org/certpath/data/"
TINY = str(Path(__file__).parent / "data" / "tiny.ttl")
INJECTIONS = (
    "<img src=x onerror=alert(1)>",
    "</script><script>alert(1)</script>",
)


@pytest.fixture(scope="module")
def tiny_g(tiny: KnowledgeGraph) -> nx.MultiDiGraph:
    return project(tiny)


def short(nodes: Any) -> list[str]:
    return sorted(n.removeprefix(CPD) for n in nodes)


def page_data(html: str) -> dict[str, Any]:
    """The JSON block the page draws from (nodes, edges, options)."""
    found = re.search(r'<script id="certpath-data" type="application/json">(.*?)</script>', html)
    assert found is not None
    data: dict[str, Any] = json.loads(found.group(1))
    return data


def hostile_graph() -> nx.MultiDiGraph:
    G = nx.MultiDiGraph()
    G.add_node("r", kind="role", label=INJECTIONS[0])
    G.add_node("c", kind="competency", label=INJECTIONS[1])
    G.add_node(
        "o",
        kind="offer",
        offer_type="course",
        label='<a href="javascript:alert(3)">href</a>',
        hours=1.0,
        cost=0.0,
        currency=None,
        provider=None,
        delivery=(),
        validity_months=None,
    )
    G.add_edge("r", "c", key="requires", level=2)
    G.add_edge("o", "c", key="teaches", level=3)
    return G


def test_the_projection_is_not_modified(tiny_g: nx.MultiDiGraph) -> None:
    before = nx.to_dict_of_dicts(tiny_g), dict(tiny_g.nodes(data=True))
    viz.render_subgraph(tiny_g)
    assert (nx.to_dict_of_dicts(tiny_g), dict(tiny_g.nodes(data=True))) == before


# --------------------------------------------------------------------------- the page


def test_page_is_self_contained(tiny_g: nx.MultiDiGraph) -> None:
    html = viz.render_subgraph(tiny_g).html
    assert not re.search(r"<(script|link|img|iframe)\b[^>]*\b(src|href)=", html, re.I)
    assert "cdn." not in html and "bootstrap" not in html.lower()
    csp = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', html)
    assert csp is not None
    policy = html_unescape(csp.group(1))
    assert policy.startswith("default-src 'none'; script-src 'sha256-")
    assert "'unsafe-inline'" not in policy.split("style-src")[0]  # scripts only by hash
    assert 'id="legend"' in html and "vis.Network" in html


def test_page_content_for_the_tiny_graph(tiny_g: nx.MultiDiGraph, tiny: KnowledgeGraph) -> None:
    picture = viz.render_subgraph(tiny_g, sources=viz.source_links(tiny))
    assert (picture.title, picture.nodes, picture.edges, picture.physics) == (
        "The certpath graph",
        11,
        tiny_g.number_of_edges(),
        True,
    )
    data = page_data(picture.html)
    assert [n["id"] for n in data["nodes"]] == sorted(tiny_g)
    assert data["options"]["layout"]["randomSeed"] == viz.LAYOUT_SEED
    basic = next(n for n in data["nodes"] if n["id"] == CPD + "basic")
    assert (basic["shape"], basic["kind"]) == ("diamond", "certification")
    assert basic["title"].splitlines() == [
        "Basic Owner",
        "certification · cpd:basic",
        "hours: 16",
        "cost: 1,000 USD",
        "provider: Acme Training",
        "delivery: Classroom",
        "valid for: 24 months",
        "teaches:",
        "  - Backlog ordering (level 3)",
        "  - User story writing (level 1)",
        "source: https://example.org/basic",
    ]
    labels = {(e["from"], e["to"]): e for e in data["edges"]}
    assert labels[CPD + "owner", CPD + "backlog"]["label"] == "requires L2"
    assert labels[CPD + "scaled", CPD + "either"]["dashes"] is True
    legend = re.findall(r'<li data-kind="(\w+)">', picture.html)
    assert legend == ["role", "competency", "certification", "course", "provider", "group"] + [
        "framework"
    ]


def test_same_input_same_page(tiny_g: nx.MultiDiGraph) -> None:
    first = viz.render_subgraph(tiny_g, focus=CPD + "owner", depth=2).html
    assert viz.render_subgraph(tiny_g.copy(), focus=CPD + "owner", depth=2).html == first


def test_data_from_the_graph_is_escaped() -> None:
    picture = viz.render_subgraph(hostile_graph(), focus="r", depth=2)
    html = picture.html
    for raw in (*INJECTIONS, "<a href="):
        assert raw not in html
    assert "\\u003cimg src=x onerror=alert(1)\\u003e" in html  # in the JSON data, as text
    assert (
        '<h1 id="title">Neighbourhood of &lt;img src=x onerror=alert(1)&gt; (2 hops)</h1>' in html
    )
    assert "<title>Neighbourhood of &lt;img src=x onerror=alert(1)&gt; (2 hops)</title>" in html
    nodes = {n["id"]: n for n in page_data(html)["nodes"]}
    assert nodes["c"]["label"] == INJECTIONS[1]
    assert nodes["o"]["title"].startswith('<a href="javascript:alert(3)">href</a>\n')


def test_large_pictures_lose_physics_and_huge_ones_are_refused() -> None:
    G = nx.MultiDiGraph()
    for i in range(viz.PHYSICS_LIMIT + 1):
        G.add_node(f"c{i:04}", kind="competency", label=f"C {i}")
    picture = viz.render_subgraph(G)
    assert picture.physics is False
    data = page_data(picture.html)
    assert data["options"]["physics"] == {"enabled": False}
    assert all("x" in n and "y" in n for n in data["nodes"])
    assert "physics is off" in picture.html
    for i in range(viz.MAX_NODES):
        G.add_node(f"d{i:04}", kind="competency", label=f"D {i}")
    with pytest.raises(OutputError, match=r"2,301 nodes, more than the 2,000 .* --focus"):
        viz.render_subgraph(G)


def test_nothing_to_draw() -> None:
    G = nx.MultiDiGraph()
    G.add_node("c", kind="competency", label="C")
    with pytest.raises(OutputError, match="nothing to draw: the graph has no node of role"):
        viz.render_subgraph(G, classes=["role"])


# --------------------------------------------------------------------------- plans


def test_plan_picture(tiny_g: nx.MultiDiGraph) -> None:
    plan = shortest_learning_path(tiny_g, CPD + "scaled-owner")
    picture = viz.render_plan(
        tiny_g, plan, have={CPD + "stories": 3}, missing=[(CPD + "ordering", 4)]
    )
    assert picture.title == "Learning plan to Scaled Owner: 2 steps, 36 h, 1,900 USD"
    assert picture.physics is False
    data = page_data(picture.html)
    nodes = {n["id"].removeprefix(CPD): n for n in data["nodes"]}
    assert {k: n["label"] for k, n in nodes.items()} == {
        "stories": "✓ User story writing",
        "basic": "1. Basic Owner",
        "backlog": "Backlog management",
        "scaled": "2. Scaled course",
        "pi": "PI Planning",
        "scaled-owner": "Scaled Owner",
        "ordering": "missing: Backlog ordering",
    }
    assert nodes["stories"]["x"] < nodes["basic"]["x"] < nodes["scaled"]["x"]
    assert nodes["scaled"]["x"] < nodes["scaled-owner"]["x"] == nodes["ordering"]["x"]
    assert nodes["ordering"]["shapeProperties"] == {"borderDashes": [6, 4]}
    edges = {(e["from"].removeprefix(CPD), e["to"].removeprefix(CPD)): e for e in data["edges"]}
    assert edges["basic", "scaled"]["dashes"] is True
    assert edges["basic", "scaled"]["label"] == "prerequisite"
    assert edges["scaled", "pi"]["label"] == "teaches L2"
    assert edges["basic", "backlog"]["label"] == "meets L1"  # taught through narrower "ordering"
    assert edges["ordering", "scaled-owner"]["label"] == "missing L4"
    assert nodes["scaled"]["title"].splitlines()[:3] == [
        "Step 2 of 2: Scaled course",
        "course · cpd:scaled",
        "hours: 20",
    ]
    assert 'data-kind="missing"' in picture.html and 'data-kind="have"' in picture.html


def test_a_competency_held_below_the_level_needed_is_never_drawn_as_have(
    tiny_g: nx.MultiDiGraph,
) -> None:
    """Issue 10, item 5: it was drawn as "✓ have" (a node id collision); now with both levels."""
    from certpath.planner import role_gaps

    have = {CPD + "backlog": 1, CPD + "stories": 3}
    plan = shortest_learning_path(tiny_g, CPD + "owner", have=have)
    assert [s.iri for s in plan.steps] == [CPD + "basic"]
    nodes = {n["id"]: n for n in page_data(viz.render_plan(tiny_g, plan, have=have).html)["nodes"]}
    backlog = nodes[CPD + "backlog"]
    assert backlog["label"] == "Backlog management (have L1, need L2)"
    assert backlog["kind"] == "competency" and backlog["x"] > nodes[CPD + "basic"]["x"]
    assert backlog["title"].endswith("you have it at level 1; needed at level 2")
    assert nodes[CPD + "stories"]["label"] == "✓ User story writing"  # held at the level needed

    gaps = [g for g in role_gaps(tiny_g, CPD + "owner", have=have) if g.essential]
    gaps = [g for g in gaps if g.status != "met"]
    assert [(g.competency, g.held_level, g.required_level) for g in gaps] == [
        (CPD + "backlog", 1, 2)
    ]
    nothing = type(plan)(CPD + "owner", "Owner", "hours", True, (), 0.0, 0.0, None)
    picture = viz.render_plan(tiny_g, nothing, have=have, missing=gaps)
    nodes = {n["id"]: n for n in page_data(picture.html)["nodes"]}
    backlog = nodes[CPD + "backlog"]
    assert (backlog["kind"], backlog["label"]) == (
        "missing",
        "missing: Backlog management (have L1, need L2)",
    )
    assert backlog["title"].splitlines()[-2:] == [
        "you have it at level 1",
        "still missing: needed at level 2",
    ]
    assert [n["label"] for n in nodes.values() if n["label"].startswith("✓")] == [
        "✓ User story writing"
    ]
    assert "Still missing: 1 competency." in picture.html


def test_plan_with_stand_in_objects_and_nothing_to_learn() -> None:
    from types import SimpleNamespace as NS

    plan = NS(target="r", target_label="<b>R</b>", steps=(), already_met=())
    picture = viz.render_plan(nx.MultiDiGraph(), plan, missing=["c"])
    assert picture.title == "Learning plan to <b>R</b>: nothing left to learn"
    assert "&lt;b&gt;R&lt;/b&gt;" in picture.html and "<b>R</b>" not in picture.html
    assert (picture.nodes, picture.edges) == (2, 1)


# --------------------------------------------------------------------------- writing


def test_write_html_is_atomic_and_careful(tmp_path: Path) -> None:
    target = tmp_path / "a.html"
    assert viz.write_html("one", target) == target
    with pytest.raises(OutputError, match="already exists; use --force"):
        viz.write_html("two", target)
    assert target.read_text() == "one"
    viz.write_html("two", target, force=True)
    assert target.read_text() == "two"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.html"]  # no temporary left
    with pytest.raises(OutputError, match="folder .*missing does not exist"):
        viz.write_html("x", tmp_path / "missing" / "b.html")
    with pytest.raises(OutputError, match="is a folder"):
        viz.write_html("x", tmp_path)


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_unwritable_folder(tmp_path: Path) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        with pytest.raises(OutputError, match="is not writable"):
            viz.write_html("x", folder / "a.html")
    finally:
        folder.chmod(0o700)


def test_pyvis_is_imported_only_to_render() -> None:
    code = (
        "import sys, certpath.viz, certpath.cli.render_cmds\n"
        "from click.testing import CliRunner\n"
        "from certpath.cli.main import cli\n"
        "CliRunner().invoke(cli, ['render', '--help'])\n"
        "print('pyvis' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout == "False\n"


# --------------------------------------------------------------------------- CLI


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout, result.stderr


def test_cli_class_choices_match_the_library() -> None:
    assert CLASS_CHOICES == viz.CLASSES


def test_cli_render(tmp_path: Path) -> None:
    out = tmp_path / "n.html"
    assert run("--data", TINY, "render", "-o", str(out), "--focus", "Basic Owner") == (
        0,
        f"wrote {out}: Neighbourhood of Basic Owner (1 hop) (6 nodes, 6 edges)\n",
        "",
    )
    assert "Basic Owner" in out.read_text()
    assert run("--data", TINY, "render", "-o", str(out), "--role", "owner", "--force") == (
        0,
        f"wrote {out}: What the role Owner needs, and what teaches it (9 nodes, 12 edges)\n",
        "",
    )
    whole = tmp_path / "w.html"
    code, stdout, _ = run("--data", TINY, "render", "-o", str(whole), "--class", "role")
    assert (code, stdout) == (0, f"wrote {whole}: The certpath graph (2 nodes, 1 edges)\n")


@pytest.mark.parametrize(
    ("args", "code", "error"),
    [
        (["--focus", "basic", "--role", "owner"], 2, "--focus and --role exclude each other"),
        (["--depth", "2"], 2, "--depth needs --focus ENTITY"),
        (["--role", "basic"], 4, "'basic' is not a role: it names cpd:basic"),
        (["--focus", "nothing-like-this"], 4, "no entity named 'nothing-like-this'"),
        (["--class", "role", "--class", "person"], 2, "'person' is not one of"),
    ],
)
def test_cli_render_errors(tmp_path: Path, args: list[str], code: int, error: str) -> None:
    out = tmp_path / "x.html"
    result = run("--data", TINY, "render", "-o", str(out), *args)
    assert result[0] == code
    assert error in result[2] and result[2].splitlines()[-1].startswith("Error:")
    assert not out.exists()


def test_cli_render_output_errors(tmp_path: Path) -> None:
    existing = tmp_path / "e.html"
    existing.write_text("keep")
    assert run("--data", TINY, "render", "-o", str(existing)) == (
        2,
        "",
        f"Error: {existing} already exists; use --force to replace it\n",
    )
    assert existing.read_text() == "keep"
    missing = tmp_path / "no" / "x.html"
    assert run("--data", TINY, "render", "-o", str(missing)) == (
        2,
        "",
        f"Error: {missing}: folder {missing.parent} does not exist\n",
    )


def test_cli_render_large_graph(tmp_path: Path) -> None:
    lines = ["@prefix cp: <https://w3id.org/certpath/ontology#> ."]
    lines += [f"<urn:c:{i:04}> a cp:Competency ." for i in range(viz.PHYSICS_LIMIT + 5)]
    data = tmp_path / "big.ttl"
    data.write_text("\n".join(lines) + "\n")
    out = tmp_path / "big.html"
    assert run("--data", str(data), "render", "-o", str(out)) == (
        0,
        f"wrote {out}: The certpath graph (305 nodes, 0 edges)\n",
        "note: 305 nodes is more than 300: physics is off and nodes are placed in bands by "
        "class; --focus/--depth draws a smaller picture\n",
    )
