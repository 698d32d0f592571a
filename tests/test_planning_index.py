"""The planning index (certpath.planning.index): every edit of a graph is seen by the next
question, whether structural or in place, on graphs and on subgraph views."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import networkx as nx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).parent))

from planning_graphs import offer, planning_graphs, role  # noqa: E402

from certpath.errors import CertpathError  # noqa: E402
from certpath.planning import (  # noqa: E402
    closest_roles,
    role_gaps,
    shortest_learning_path,
)
from certpath.planning.index import CACHE_KEY, planning_index  # noqa: E402


def steps(G: Any, target: str = "r", **kwargs: Any) -> list[str]:
    return [s.iri for s in shortest_learning_path(G, target, **kwargs).steps]


def test_the_index_lives_in_the_graphs_networkx_cache() -> None:
    G = nx.MultiDiGraph()
    offer(G, "a", teaches={"x": 1})
    role(G, "r", {"x": 1})
    steps(G)
    assert G.__networkx_cache__[CACHE_KEY] is planning_index(G)
    G.add_edge("a", "y", key="teaches", level=1)  # networkx clears its cache on every change
    assert CACHE_KEY not in G.__networkx_cache__


def test_rewiring_one_edge_gives_the_new_plan() -> None:
    """Same node count, same number of linked pairs: a count-keyed cache would miss it."""
    G = nx.MultiDiGraph()
    offer(G, "a", hours=1, teaches={"x": 1})
    offer(G, "b", hours=5, teaches={"x": 1})
    G.add_node("z", kind="competency", label="z")
    role(G, "r", {"x": 1})
    assert steps(G) == ["a"]
    G.remove_edge("a", "x", key="teaches")
    G.add_edge("a", "z", key="teaches", level=1)
    assert steps(G) == ["b"]


def test_swapping_an_offer_for_another_gives_the_new_plan() -> None:
    G = nx.MultiDiGraph()
    offer(G, "a", hours=1, teaches={"x": 1})
    role(G, "r", {"x": 1})
    assert steps(G) == ["a"]
    G.remove_node("a")
    offer(G, "c", hours=2, teaches={"x": 1})
    assert steps(G) == ["c"]


def test_attributes_edited_in_place_are_read_live() -> None:
    G = nx.MultiDiGraph()
    offer(G, "a", hours=1, teaches={"x": 3})
    offer(G, "b", hours=2, teaches={"x": 3})
    role(G, "r", {"x": 2})
    assert steps(G) == ["a"]
    G.nodes["a"]["hours"] = 9.0
    assert steps(G) == ["b"]
    assert shortest_learning_path(G, "r").total_hours == 2.0
    G.edges["b", "x", "teaches"]["level"] = 1  # too low now
    assert steps(G) == ["a"]
    G.edges["r", "x", "requires"]["level"] = 4
    assert [g.status for g in role_gaps(G, "r", have={"x": 3})] == ["partial"]


def test_closest_roles_see_edits_in_place() -> None:
    G = nx.MultiDiGraph()
    offer(G, "a", hours=1, teaches={"x": 1})
    offer(G, "b", hours=3, teaches={"y": 1})
    role(G, "rx", {"x": 1})
    role(G, "ry", {"y": 1})
    assert [(d.role, d.cost) for d in closest_roles(G)] == [("rx", 1.0), ("ry", 3.0)]
    G.nodes["a"]["hours"] = 5.0
    assert [(d.role, d.cost) for d in closest_roles(G)] == [("ry", 3.0), ("rx", 5.0)]
    assert shortest_learning_path(G, "rx").total_hours == 5.0


def test_a_subgraph_view_follows_its_graph() -> None:
    G = nx.MultiDiGraph()
    offer(G, "a", hours=1, teaches={"x": 1})
    offer(G, "b", hours=2, teaches={"x": 1})
    role(G, "r", {"x": 1})
    view = G.subgraph(["a", "b", "x", "r"])
    assert steps(view) == ["a"]
    G.remove_edge("a", "x", key="teaches")
    assert steps(view) == ["b"]
    G.nodes["b"]["hours"] = 7.0
    assert shortest_learning_path(view, "r").total_hours == 7.0


def test_kind_edited_in_place_is_seen() -> None:
    G = nx.MultiDiGraph()
    offer(G, "a", hours=1, teaches={"x": 1})
    role(G, "r", {"x": 1})
    assert steps(G) == ["a"]
    G.nodes["r"]["kind"] = "competency"
    with pytest.raises(CertpathError, match="no role"):
        steps(G)


# --------------------------------------------------------------------------- edits vs fresh


def _answers(G: Any) -> list[Any]:
    """Every planning answer about the graph's three roles, as comparable data."""
    found: list[Any] = []
    for target in ("r0", "r1", "r2"):
        for minimize in ("hours", "cost", "steps"):
            try:
                found.append(shortest_learning_path(G, target, minimize=minimize).to_dict())
            except CertpathError as exc:
                found.append((type(exc).__name__, str(exc)))
        found.append([g.to_dict() for g in role_gaps(G, target)])
    try:
        found.append(closest_roles(G, top=None).to_dict())
    except CertpathError as exc:
        found.append((type(exc).__name__, str(exc)))
    return found


@st.composite
def edits(draw: Any) -> list[tuple[Any, ...]]:
    kinds = st.sampled_from(["hours", "level", "rewire", "remove-offer", "add-offer", "prereq"])
    return [
        (draw(kinds), draw(st.integers(0, 7)), draw(st.integers(0, 5)), draw(st.integers(1, 5)))
        for _ in range(draw(st.integers(1, 6)))
    ]


def _edit(G: Any, edit: tuple[Any, ...]) -> None:
    kind, i, j, value = edit
    offers = sorted(n for n, d in G.nodes(data=True) if d["kind"] == "offer")
    comps = sorted(n for n, d in G.nodes(data=True) if d["kind"] == "competency")
    if not offers or not comps:
        return
    o, c = offers[i % len(offers)], comps[j % len(comps)]
    if kind == "hours":
        G.nodes[o]["hours"] = float(value)
    elif kind == "level":
        taught = [v for _, v, k in G.out_edges(o, keys=True) if k == "teaches"]
        if taught:
            G.edges[o, taught[j % len(taught)], "teaches"]["level"] = value
    elif kind == "rewire":
        taught = [v for _, v, k in G.out_edges(o, keys=True) if k == "teaches"]
        if taught:
            G.remove_edge(o, taught[0], key="teaches")
        G.add_edge(o, c, key="teaches", level=value)
    elif kind == "remove-offer":
        G.remove_node(o)
    elif kind == "add-offer":
        offer(G, f"new{i}{j}", hours=value, teaches={c: value})
    elif kind == "prereq" and len(offers) > 1:
        target = offers[(i + 1) % len(offers)]
        if target != o:
            G.add_edge(target, o, key="prerequisite")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(planning_graphs(), edits())
def test_interleaved_edits_and_questions_match_a_fresh_graph(g: Any, changes: Any) -> None:
    """After every edit, questions on the edited graph (its cache warm) are answered as on a
    fresh copy of it (no cache at all)."""
    G = g[0]
    _answers(G)
    for change in changes:
        _edit(G, change)
        assert _answers(G) == _answers(G.copy())
