"""What a picture shows: neighbourhoods by depth, a role's view, classes, and the errors."""

from __future__ import annotations

from typing import Any

import networkx as nx
import pytest

from certpath.errors import EntityNotFound, InputError
from certpath.graph import KnowledgeGraph
from certpath.projection import project
from certpath.selection import CLASSES, node_class, node_label, select_subgraph

CPD = "https://w3id.org/certpath/data/"


@pytest.fixture(scope="module")
def tiny_g(tiny: KnowledgeGraph) -> nx.MultiDiGraph:
    return project(tiny)


def short(nodes: Any) -> list[str]:
    return sorted(n.removeprefix(CPD) for n in nodes)


def test_neighbourhood_by_depth(tiny_g: nx.MultiDiGraph) -> None:
    assert short(select_subgraph(tiny_g, focus=CPD + "basic", depth=0)) == ["basic"]
    assert short(select_subgraph(tiny_g, focus=CPD + "basic", depth=1)) == [
        "acme",
        "basic",
        "either",
        "ordering",
        "scrum",
        "stories",
    ]
    assert len(select_subgraph(tiny_g, focus=CPD + "basic", depth=2)) == 9


def test_role_view_and_classes(tiny_g: nx.MultiDiGraph) -> None:
    view = select_subgraph(tiny_g, role=CPD + "owner")
    # pi (recommended) is taught by "scaled", whose prerequisite group lets "basic" in too
    assert short(view) == [
        "acme",
        "backlog",
        "basic",
        "either",
        "ordering",
        "owner",
        "pi",
        "scaled",
        "stories",
    ]
    only = select_subgraph(tiny_g, role=CPD + "owner", classes=["certification"])
    assert short(only) == ["basic", "owner"]
    assert short(select_subgraph(tiny_g, classes=["role"])) == ["owner", "scaled-owner"]


def test_selection_errors(tiny_g: nx.MultiDiGraph) -> None:
    with pytest.raises(EntityNotFound, match="is not a role"):
        select_subgraph(tiny_g, role=CPD + "basic")
    with pytest.raises(EntityNotFound, match="not in the graph"):
        select_subgraph(tiny_g, focus=CPD + "nothing")
    with pytest.raises(InputError, match="unknown classes"):
        select_subgraph(tiny_g, classes=["person"])
    with pytest.raises(InputError, match="not both"):
        select_subgraph(tiny_g, focus=CPD + "basic", role=CPD + "owner")


def test_classes_and_labels(tiny_g: nx.MultiDiGraph) -> None:
    # tiny.ttl has no experience requirement (tests/test_viz_experience.py draws them)
    assert {node_class(tiny_g, n) for n in tiny_g} == set(CLASSES) - {"experience"}
    assert node_class(tiny_g, CPD + "scaled") == "course"
    assert node_label(tiny_g, CPD + "scaled") == "Scaled course"
    assert node_label(tiny_g, CPD + "nowhere") == "cpd:nowhere"
    assert node_class(tiny_g, CPD + "nowhere") == "other"
