"""Pictures of the graph: single, self-contained HTML pages that open anywhere, offline.

This package is the only place that uses pyvis. What to draw is chosen by
:mod:`certpath.selection`; here it is styled (:mod:`~certpath.viz.styles`), explained in tooltips
(:mod:`~certpath.viz.tooltips`), turned into vis-network data (:mod:`~certpath.viz.visdata`),
drawn as a graph picture (:mod:`~certpath.viz.subgraph`) or a plan (:mod:`~certpath.viz.plan`),
and put into certpath's own page (:mod:`~certpath.viz.page`): vis-network's script and style
inline, the data as a JSON block, and a Content-Security-Policy that allows only those scripts (by
hash) and no request at all. ``certpath serve`` embeds the same page.

Every label, tooltip and title from the data is shown as text: the template escapes everything,
node and edge data go through Jinja's ``tojson`` (``<``, ``>``, ``&`` and ``'`` become ``\\u``
escapes) and vis-network shows a string tooltip with ``innerText``.

Layouts are deterministic: nodes and edges are added sorted by IRI, physics starts from a fixed
``layout.randomSeed`` and stops once stabilised. Above :data:`PHYSICS_LIMIT` nodes physics is off
and nodes are placed in bands by class; above :data:`MAX_NODES` a picture is refused. A learning
plan is drawn left to right at fixed positions.

pyvis (which imports IPython, ~160 ms) is imported only when a page is rendered.
"""

from __future__ import annotations

from certpath.selection import CLASSES, node_class, select_subgraph
from certpath.viz.chromium import CHROMIUM_ARGS, CHROMIUM_PATH
from certpath.viz.page import Picture
from certpath.viz.plan import render_plan
from certpath.viz.subgraph import MAX_NODES, PHYSICS_LIMIT, render_subgraph
from certpath.viz.tooltips import source_links
from certpath.viz.visdata import LAYOUT_SEED
from certpath.viz.writing import check_output, write_html

__all__ = [
    "CHROMIUM_ARGS",
    "CHROMIUM_PATH",
    "CLASSES",
    "LAYOUT_SEED",
    "MAX_NODES",
    "PHYSICS_LIMIT",
    "Picture",
    "check_output",
    "node_class",
    "render_plan",
    "render_subgraph",
    "select_subgraph",
    "source_links",
    "write_html",
]
