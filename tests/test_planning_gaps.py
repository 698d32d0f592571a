"""Role gaps (certpath.planning.gaps)."""

from __future__ import annotations

import sys
from pathlib import Path

import networkx as nx

sys.path.insert(0, str(Path(__file__).parent))

from planning_graphs import offer, role  # noqa: E402

from certpath.planning import role_gaps  # noqa: E402


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


def test_gaps_describe_themselves() -> None:
    G = nx.MultiDiGraph()
    role(G, "r", {"b": 3})
    offer(G, "quick", hours=1, teaches={"b": 3})
    report = role_gaps(G, "r", have={"b": 1})
    assert (report.target, report.target_label, report.met, report.essential) == ("r", "R", 0, 1)
    assert report[0].offer_labels == ("QUICK",)
    assert report.to_dict() == {
        "target": {"iri": "r", "label": "R"},
        "gaps": [
            {
                "competency": "b",
                "label": "b",
                "required_level": 3,
                "held_level": 1,
                "status": "partial",
                "essential": True,
                "offers": ["quick"],
            }
        ],
        "experience": [],
    }
