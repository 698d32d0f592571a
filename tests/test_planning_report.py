"""Reports (certpath.planning.report): plans, gaps, rankings and careers for people, from the
results alone."""

from __future__ import annotations

import sys
from pathlib import Path

import networkx as nx

sys.path.insert(0, str(Path(__file__).parent))

from planning_graphs import offer, role  # noqa: E402

from certpath.planning import (  # noqa: E402
    career_path,
    career_text,
    closest_roles,
    closest_text,
    gaps_text,
    plan_markdown,
    plan_text,
    role_gaps,
    shortest_learning_path,
)


def _graph() -> nx.MultiDiGraph:
    G = nx.MultiDiGraph()
    G.add_node("acme", kind="provider", label="Acme Training")
    offer(G, "basics", hours=2, cost=100, teaches={"agile": 1}, provider="acme")
    offer(G, "exam", hours=1, cost=50, teaches={"scrum": 3}, prereqs=("basics",))
    offer(G, "long", hours=9, teaches={"scrum": 3})
    role(G, "sm", {"scrum": 3, "agile": 1})
    G.nodes["acme"]["label"] = "Acme Training"
    return G


def test_plan_text_reads_without_the_graph() -> None:
    plan = shortest_learning_path(_graph(), "sm", alternatives=3)
    text = plan_text(plan)
    assert "1. BASICS (basics)\n   Acme Training · 2 h · EUR 100 · SelfPaced" in text
    assert "   unlocked by: step 1, BASICS" in text
    assert "Total: 2 steps, 3 h, EUR 150" in text
    assert "Alternative 1 (+8 hours): BASICS, LONG — 2 steps, 11 h, EUR 100" in text
    assert "(only 1 of the 3 alternatives asked for exists: every other plan" in text


def test_one_step_is_singular() -> None:
    G = nx.MultiDiGraph()
    offer(G, "a", hours=1, teaches={"x": 1})
    role(G, "r", {"x": 1})
    assert "Total: 1 step, 1 h, 0" in plan_text(shortest_learning_path(G, "r"))


def test_markdown_table() -> None:
    text = plan_markdown(shortest_learning_path(_graph(), "sm"))
    assert text.startswith(
        "### Learning path to SM\n\nMinimising **hours**: 2 steps, 3 h, EUR 150."
    )
    assert "| 1 | BASICS (`basics`) | Acme Training | 2 | EUR 100 | agile ≥1 |" in text


def test_gaps_closest_and_career_text() -> None:
    G = _graph()
    assert gaps_text(role_gaps(G, "sm", have={"agile": 1})).splitlines() == [
        "SM (sm): 1 of 2 requirements met",
        "  met      agile (needs 1, have 1) [essential]",
        "  missing  scrum (needs 3, have 0) [essential] ← EXAM, LONG",
    ]
    assert closest_text(closest_roles(G)).splitlines() == [
        "  1. SM (sm): 3 hours; 0/2 met",
        "      via BASICS, EXAM",
    ]
    role(G, "dev", {})
    G.add_edge("dev", "sm", key="leadsTo")
    assert career_text(career_path(G, "dev", "sm")).splitlines() == [
        "DEV → SM (3 hours in all)",
        "  1. to SM: BASICS, EXAM (3 h, EUR 150)",
    ]
