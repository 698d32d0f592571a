"""vis-network data: node and edge dicts, fixed positions for large pictures, network options."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import networkx as nx

from certpath.selection import CLASSES, node_class, node_label
from certpath.viz.styles import EDGES, STYLES, Style
from certpath.viz.tooltips import tooltip

#: vis-network's ``layout.randomSeed``: the same input always gives the same picture.
LAYOUT_SEED = 7


def vis_node(
    G: nx.MultiDiGraph,
    node: str,
    sources: Mapping[str, str],
    *,
    style: Style | None = None,
    label: str | None = None,
    border: str | None = None,
    emphasis: bool = False,
) -> dict[str, Any]:
    """A vis-network node (without ``id``): label, tooltip, shape, colours, the ``kind`` drawn."""
    cls = node_class(G, node)
    style = style or STYLES[cls]
    edge_colour = border or style.border
    attrs: dict[str, Any] = {
        "label": label if label is not None else node_label(G, node),
        "title": tooltip(G, node, sources),
        "shape": style.shape,
        "kind": cls,
        "color": {
            "background": style.fill,
            "border": edge_colour,
            "highlight": {"background": style.fill, "border": "#000000"},
            "hover": {"background": style.fill, "border": "#000000"},
        },
        "borderWidth": 4 if (border or emphasis) else 1.5,
        "size": 26 if emphasis else 16,
    }
    if emphasis:
        attrs["font"] = {"size": 18, "bold": True}
    return attrs


def edge_label(relation: str, data: Mapping[str, Any]) -> str:
    """``requires L2`` for a levelled relation, else the relation's name.

    >>> edge_label("requires", {"level": 2}), edge_label("offeredBy", {})
    ('requires L2', 'offeredBy')
    """
    level = data.get("level")
    return f"{relation} L{level}" if level is not None else relation


def vis_edge(relation: str, label: str, title: str | None = None) -> dict[str, Any]:
    """A vis-network edge (without ``from``/``to``) in the relation's colour and dashes."""
    colour, dashed = EDGES.get(relation, ("#666666", False))
    return {
        "label": label,
        "title": title or label,
        "relation": relation,
        "color": {"color": colour, "highlight": "#000000", "hover": "#000000"},
        "dashes": dashed,
        "arrows": "to",
    }


def band_positions(G: nx.MultiDiGraph) -> dict[str, tuple[float, float]]:
    """Fixed positions for a large picture: one band of columns per class, nodes by label."""
    rows = max(1, math.ceil(math.sqrt(G.number_of_nodes())))
    by_class: dict[str, list[str]] = {c: [] for c in (*CLASSES, "other")}
    for node in G:
        by_class[node_class(G, node)].append(node)
    positions: dict[str, tuple[float, float]] = {}
    x = 0.0
    for members in by_class.values():
        members.sort(key=lambda n: (node_label(G, n).casefold(), n))
        for i, node in enumerate(members):
            column, row = divmod(i, rows)
            positions[node] = (x + 220.0 * column, 70.0 * row)
        x += 220.0 * math.ceil(len(members) / rows) + (300.0 if members else 0.0)
    return positions


def options(*, physics: bool, curved: bool = False) -> dict[str, Any]:
    """vis-network options: a fixed seed; physics until stable, or fixed positions."""
    result: dict[str, Any] = {
        "layout": {"randomSeed": LAYOUT_SEED, "improvedLayout": physics},
        "interaction": {"hover": True, "tooltipDelay": 120, "multiselect": False},
        "nodes": {"font": {"size": 14, "face": "sans-serif"}, "widthConstraint": {"maximum": 170}},
        "edges": {
            "font": {"size": 10, "align": "middle", "face": "sans-serif"},
            "smooth": {"enabled": physics, "type": "dynamic"},
            "arrows": {"to": {"enabled": True, "scaleFactor": 0.6}},
        },
    }
    if physics:
        result["physics"] = {
            "enabled": True,
            "solver": "forceAtlas2Based",
            "forceAtlas2Based": {"gravitationalConstant": -80, "springLength": 130},
            "stabilization": {"enabled": True, "iterations": 500, "fit": True},
        }
    else:
        result["physics"] = {"enabled": False}
        result["edges"]["smooth"] = {"enabled": curved, "type": "curvedCW", "roundness": 0.12}
    return result
