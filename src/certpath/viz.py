"""Pictures of the graph: single, self-contained HTML pages that open anywhere, offline.

This is the only module that uses pyvis. pyvis assembles the vis-network nodes and edges; the page
itself comes from certpath's own template (pyvis' template links Bootstrap from a CDN, does not
escape its heading, and switches tooltips to ``innerHTML`` when a title contains ``href``). The
page carries vis-network's script and style inline, its data as a JSON block, and a
Content-Security-Policy that allows only those scripts (by hash) and no request at all.

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

import base64
import functools
import hashlib
import math
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import networkx as nx

from certpath import __version__
from certpath.errors import EntityNotFound, OutputError
from certpath.namespaces import DCTERMS_SOURCE, curie

__all__ = [
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

#: Above this many nodes the page switches physics off and places nodes in bands by class.
PHYSICS_LIMIT = 300
#: Above this many nodes a picture is refused: a browser would not lay it out usably.
MAX_NODES = 2000
#: vis-network's ``layout.randomSeed``: the same input always gives the same picture.
LAYOUT_SEED = 7
#: Classes a picture can be filtered by (``certpath render --class``), in drawing order.
CLASSES = ("role", "competency", "certification", "course", "provider", "group", "framework")

_MAX_LIST = 6  # entries of one list in a tooltip before "... and N more"
_VIS_VERSION = "9.1.2"


#: Debian's Chromium and the flags that let it render a page headless and offline on these
#: machines (without the background-networking flags it floods a closed network with
#: connections). Used by the browser tests and the README screenshot.
CHROMIUM_PATH = "/usr/bin/chromium"
CHROMIUM_ARGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)


@dataclass(frozen=True)
class _Style:
    shape: str
    fill: str
    border: str
    name: str


_STYLES: dict[str, _Style] = {
    "role": _Style("star", "#f6b26b", "#b45f06", "Role"),
    "competency": _Style("ellipse", "#9fc5f8", "#3d78c9", "Competency"),
    "certification": _Style("diamond", "#e06666", "#990000", "Certification"),
    "course": _Style("square", "#93c47d", "#38761d", "Course"),
    "provider": _Style("box", "#d9d2e9", "#674ea7", "Provider"),
    "group": _Style("hexagon", "#ffe599", "#bf9000", "Prerequisite group (k of n)"),
    "framework": _Style("triangle", "#d0e0e3", "#45818e", "Framework"),
    "other": _Style("dot", "#cccccc", "#666666", "Undefined reference"),
}
_HAVE_BORDER = "#0b8043"
_MISSING = _Style("ellipse", "#f4cccc", "#cc0000", "Missing competency")

#: Relation → (colour, dashed). Prerequisites and other soft or k-of-n links are dashed.
_EDGES: dict[str, tuple[str, bool]] = {
    "requires": ("#3d78c9", False),
    "recommends": ("#9fc5f8", True),
    "teaches": ("#38761d", False),
    "broader": ("#999999", False),
    "prerequisite": ("#cc0000", True),
    "member": ("#bf9000", True),
    "leadsTo": ("#b45f06", False),
    "offeredBy": ("#674ea7", False),
    "framework": ("#45818e", False),
    "meets": ("#38761d", True),
    "needed": ("#3d78c9", False),
    "missing": ("#cc0000", True),
}

_SHAPE_SVG = {
    "star": '<polygon points="9,1 11.4,6.3 17,6.8 12.7,10.5 14,16 9,13 4,16 5.3,10.5 1,6.8 '
    '6.6,6.3"/>',
    "ellipse": '<ellipse cx="9" cy="9" rx="8" ry="5.5"/>',
    "diamond": '<polygon points="9,1 17,9 9,17 1,9"/>',
    "square": '<rect x="2.5" y="2.5" width="13" height="13"/>',
    "box": '<rect x="1" y="4" width="16" height="10" rx="2"/>',
    "hexagon": '<polygon points="5,2 13,2 17,9 13,16 5,16 1,9"/>',
    "triangle": '<polygon points="9,2 17,16 1,16"/>',
    "dot": '<circle cx="9" cy="9" r="6"/>',
}


@dataclass(frozen=True)
class Picture:
    """A rendered page and what it shows.

    Attributes
    ----------
    html : str
        The whole page, self-contained.
    title : str
        What the picture shows (the page heading, as plain text).
    nodes, edges : int
        How many nodes and edges vis-network draws.
    physics : bool
        False when the picture is above :data:`PHYSICS_LIMIT` nodes (or a plan at fixed positions).
    """

    html: str
    title: str
    nodes: int
    edges: int
    physics: bool

    def write(self, path: str | os.PathLike[str], *, force: bool = False) -> Path:
        """Write the page atomically to *path* (see :func:`write_html`)."""
        return write_html(self.html, path, force=force)


# --------------------------------------------------------------------------- selecting


def node_class(G: nx.MultiDiGraph, node: str) -> str:
    """Return the drawing class of *node*: a key of the legend.

    Offers are ``"certification"`` or ``"course"`` (a learning opportunity that is neither is drawn
    as a course); a node referenced but never defined is ``"other"``.

    Examples
    --------
    >>> G = nx.MultiDiGraph()
    >>> G.add_node("x", kind="offer", offer_type="certification")
    >>> node_class(G, "x"), node_class(G, "nowhere")
    ('certification', 'other')
    """
    data = G.nodes[node] if node in G else {}
    kind = data.get("kind")
    if kind == "offer":
        return "certification" if data.get("offer_type") == "certification" else "course"
    return kind if kind in _STYLES else "other"


def _check_node(G: nx.MultiDiGraph, node: str, kind: str | None = None) -> None:
    if node not in G:
        raise EntityNotFound(f"{curie(node)} is not in the graph")
    if kind is not None and G.nodes[node].get("kind") != kind:
        raise EntityNotFound(f"{curie(node)} ({_label(G, node)}) is not a {kind}")


def _neighbourhood(G: nx.MultiDiGraph, focus: str, depth: int) -> set[str]:
    undirected = G.to_undirected(as_view=True)
    return set(nx.single_source_shortest_path_length(undirected, focus, cutoff=depth))


def _out(G: nx.MultiDiGraph, node: str, *relations: str) -> list[str]:
    return sorted({v for _, v, k in G.out_edges(node, keys=True) if k in relations})


def _in(G: nx.MultiDiGraph, node: str, *relations: str) -> list[str]:
    return sorted({u for u, _, k in G.in_edges(node, keys=True) if k in relations})


def _role_view(G: nx.MultiDiGraph, role: str) -> set[str]:
    """The role, what it needs (and narrower competencies), the offers teaching them, their
    providers and prerequisites."""
    needed = set(_out(G, role, "requires", "recommends"))
    todo = list(needed)
    while todo:
        for narrower in _in(G, todo.pop(), "broader"):
            if narrower not in needed:
                needed.add(narrower)
                todo.append(narrower)
    offers = {o for c in needed for o in _in(G, c, "teaches")}
    keep = {role} | needed | offers
    for offer in offers:
        keep.update(_out(G, offer, "offeredBy", "prerequisite"))
    keep.update(m for n in list(keep) if node_class(G, n) == "group" for m in _out(G, n, "member"))
    return keep


def select_subgraph(
    G: nx.MultiDiGraph,
    *,
    focus: str | None = None,
    depth: int = 1,
    role: str | None = None,
    classes: Iterable[str] | None = None,
) -> nx.MultiDiGraph:
    """Return the part of the projection a picture shows (a copy, never a view).

    Parameters
    ----------
    G : networkx.MultiDiGraph
        The projection (``docs/graph-projection.md``).
    focus : str, optional
        IRI of an entity: its neighbourhood, *depth* undirected hops over the whole projection.
    depth : int
        Hops from *focus* (0 is the entity alone).
    role : str, optional
        IRI of a role: the role, the competencies it requires or recommends (and narrower ones),
        every offer teaching them, their providers and prerequisites.
    classes : iterable of str, optional
        Keep only nodes of these :data:`CLASSES` (the focus or role itself is always kept).

    Raises
    ------
    ValueError
        Both *focus* and *role*, a negative *depth*, or an unknown class.
    EntityNotFound
        *focus* is not in the graph, or *role* is not a role.

    Examples
    --------
    >>> G = nx.MultiDiGraph()
    >>> G.add_edge("r", "c", key="requires")
    'requires'
    >>> G.add_edge("o", "c", key="teaches")
    'teaches'
    >>> [sorted(select_subgraph(G, focus="r", depth=d)) for d in (0, 1, 2)]
    [['r'], ['c', 'r'], ['c', 'o', 'r']]
    """
    if focus is not None and role is not None:
        raise ValueError("give focus or role, not both")
    if depth < 0:
        raise ValueError("depth must be >= 0")
    wanted = set(CLASSES if classes is None else classes)
    unknown = wanted - set(CLASSES)
    if unknown:
        raise ValueError(f"unknown classes {sorted(unknown)}; use {', '.join(CLASSES)}")
    if focus is not None:
        _check_node(G, focus)
        nodes, centre = _neighbourhood(G, focus, depth), focus
    elif role is not None:
        _check_node(G, role, "role")
        nodes, centre = _role_view(G, role), role
    else:
        nodes, centre = set(G), None
    if classes is not None:
        nodes = {n for n in nodes if n == centre or node_class(G, n) in wanted}
    return G.subgraph(nodes).copy()


# --------------------------------------------------------------------------- text


def _label(G: nx.MultiDiGraph, node: str) -> str:
    if node in G and G.nodes[node].get("label"):
        return str(G.nodes[node]["label"])
    return curie(node)


def _number(value: float) -> str:
    """A number without trailing zeros, thousands grouped.

    >>> _number(1000.0), _number(7.5)
    ('1,000', '7.5')
    """
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}".rstrip("0")


def _money(cost: float | None, currency: str | None) -> str:
    if currency is None and not cost:
        return "not stated"
    return f"{_number(cost or 0.0)} {currency or ''}".strip()


def _listed(items: list[str]) -> list[str]:
    shown = [f"  - {item}" for item in items[:_MAX_LIST]]
    if len(items) > _MAX_LIST:
        shown.append(f"  ... and {len(items) - _MAX_LIST} more")
    return shown


def _levelled(G: nx.MultiDiGraph, pairs: Iterable[tuple[str, str, dict[str, Any]]]) -> list[str]:
    return sorted(f"{_label(G, n)} (level {d.get('level', 1)})" for _, n, d in pairs)


def _offer_lines(G: nx.MultiDiGraph, node: str) -> list[str]:
    data = G.nodes[node]
    lines = [
        f"hours: {_number(float(data.get('hours') or 0.0))}",
        f"cost: {_money(data.get('cost'), data.get('currency'))}",
    ]
    if data.get("provider"):
        lines.append(f"provider: {_label(G, data['provider'])}")
    if data.get("delivery"):
        lines.append(f"delivery: {', '.join(data['delivery'])}")
    if data.get("validity_months"):
        lines.append(f"valid for: {data['validity_months']} months")
    teaches = [
        (u, v, d) for u, v, k, d in G.out_edges(node, keys=True, data=True) if k == "teaches"
    ]
    if teaches:
        lines += ["teaches:", *_listed(_levelled(G, teaches))]
    prerequisites = _out(G, node, "prerequisite")
    if prerequisites:
        lines += ["prerequisites (all of):", *_listed([_label(G, p) for p in prerequisites])]
    return lines


def _role_lines(G: nx.MultiDiGraph, node: str) -> list[str]:
    lines: list[str] = []
    for relation in ("requires", "recommends"):
        edges = [
            (u, v, d) for u, v, k, d in G.out_edges(node, keys=True, data=True) if k == relation
        ]
        if edges:
            lines += [f"{relation}:", *_listed(_levelled(G, edges))]
    nxt = _out(G, node, "leadsTo")
    if nxt:
        lines += ["leads to:", *_listed([_label(G, r) for r in nxt])]
    return lines


def _competency_lines(G: nx.MultiDiGraph, node: str) -> list[str]:
    lines = [f"broader: {_label(G, b)}" for b in _out(G, node, "broader")]
    for relation, title in (("requires", "required by"), ("teaches", "taught by")):
        edges = [
            (v, u, d) for u, v, k, d in G.in_edges(node, keys=True, data=True) if k == relation
        ]
        if edges:
            lines += [f"{title}:", *_listed(_levelled(G, edges))]
    return lines


def _tooltip(G: nx.MultiDiGraph, node: str, sources: Mapping[str, str]) -> str:
    """The text shown on hover: what matters about *node*, one fact a line."""
    cls = node_class(G, node)
    lines = [_label(G, node), f"{_STYLES[cls].name.lower()} · {curie(node)}"]
    if cls in ("certification", "course"):
        lines += _offer_lines(G, node)
    elif cls == "role":
        lines += _role_lines(G, node)
    elif cls == "competency":
        lines += _competency_lines(G, node)
    elif cls == "group":
        members = [_label(G, m) for m in _out(G, node, "member")]
        lines += [f"at least {G.nodes[node].get('min_count', 1)} of:", *_listed(members)]
    if node in sources:
        lines.append(f"source: {sources[node]}")
    return "\n".join(lines)


def source_links(kg: Any) -> dict[str, str]:
    """Return entity IRI → its ``dcterms:source`` IRI (the smallest when several), for tooltips.

    Parameters
    ----------
    kg : certpath.graph.KnowledgeGraph
    """
    found: dict[str, str] = {}
    for subject, source in sorted(kg.pairs(DCTERMS_SOURCE)):
        found.setdefault(subject, source)
    return found


# --------------------------------------------------------------------------- vis data


def _vis_node(
    G: nx.MultiDiGraph,
    node: str,
    sources: Mapping[str, str],
    *,
    style: _Style | None = None,
    label: str | None = None,
    border: str | None = None,
    emphasis: bool = False,
) -> dict[str, Any]:
    cls = node_class(G, node)
    style = style or _STYLES[cls]
    edge_colour = border or style.border
    attrs: dict[str, Any] = {
        "label": label if label is not None else _label(G, node),
        "title": _tooltip(G, node, sources),
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


def _edge_label(relation: str, data: Mapping[str, Any]) -> str:
    level = data.get("level")
    return f"{relation} L{level}" if level is not None else relation


def _vis_edge(relation: str, label: str, title: str | None = None) -> dict[str, Any]:
    colour, dashed = _EDGES.get(relation, ("#666666", False))
    return {
        "label": label,
        "title": title or label,
        "relation": relation,
        "color": {"color": colour, "highlight": "#000000", "hover": "#000000"},
        "dashes": dashed,
        "arrows": "to",
    }


def _band_positions(G: nx.MultiDiGraph) -> dict[str, tuple[float, float]]:
    """Fixed positions for a large picture: one band of columns per class, nodes by label."""
    rows = max(1, math.ceil(math.sqrt(G.number_of_nodes())))
    by_class: dict[str, list[str]] = {c: [] for c in (*CLASSES, "other")}
    for node in G:
        by_class[node_class(G, node)].append(node)
    positions: dict[str, tuple[float, float]] = {}
    x = 0.0
    for members in by_class.values():
        members.sort(key=lambda n: (_label(G, n).casefold(), n))
        for i, node in enumerate(members):
            column, row = divmod(i, rows)
            positions[node] = (x + 220.0 * column, 70.0 * row)
        x += 220.0 * math.ceil(len(members) / rows) + (300.0 if members else 0.0)
    return positions


def _options(*, physics: bool, curved: bool = False) -> dict[str, Any]:
    options: dict[str, Any] = {
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
        options["physics"] = {
            "enabled": True,
            "solver": "forceAtlas2Based",
            "forceAtlas2Based": {"gravitationalConstant": -80, "springLength": 130},
            "stabilization": {"enabled": True, "iterations": 500, "fit": True},
        }
    else:
        options["physics"] = {"enabled": False}
        options["edges"]["smooth"] = {"enabled": curved, "type": "curvedCW", "roundness": 0.12}
    return options


# --------------------------------------------------------------------------- page


_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{{ csp }}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="certpath {{ version }}, pyvis, vis-network {{ vis_version }}">
<title>{{ title }}</title>
<style>{{ vis_css }}</style>
<style>{{ page_css }}</style>
</head>
<body>
<header>
<h1 id="title">{{ title }}</h1>
<p id="subtitle">{{ subtitle }}</p>
</header>
<main>
<div id="mynetwork" role="img" aria-label="{{ title }}"></div>
<aside id="legend" aria-label="Legend">
<h2>Legend</h2>
<ul class="nodes">
{%- for item in legend %}
<li data-kind="{{ item.kind }}"><svg width="18" height="18" viewBox="0 0 18 18" \
fill="{{ item.fill }}" stroke="{{ item.border }}" stroke-width="{{ item.stroke }}" \
{% if item.dashed %}stroke-dasharray="3 2" {% endif %}aria-hidden="true">{{ item.svg }}</svg>
<span>{{ item.name }}</span>{% if item.count is not none %} <small>({{ item.count }})</small>\
{% endif %}</li>
{%- endfor %}
</ul>
<ul class="edges">
{%- for item in relations %}
<li data-relation="{{ item.relation }}"><svg width="30" height="10" aria-hidden="true">\
<line x1="1" y1="5" x2="29" y2="5" stroke="{{ item.colour }}" stroke-width="2" \
{% if item.dashed %}stroke-dasharray="5 3" {% endif %}/></svg> <span>{{ item.text }}</span></li>
{%- endfor %}
</ul>
{% for note in notes %}<p class="note">{{ note }}</p>
{% endfor -%}
<p class="note">Hover a node for details; drag to move, scroll to zoom.</p>
</aside>
</main>
<script>{{ vis_js }}</script>
<script id="certpath-data" type="application/json">{{ data|tojson }}</script>
<script>{{ boot_js }}</script>
</body>
</html>
"""

_PAGE_CSS = """
body { margin: 0; font-family: sans-serif; color: #222; background: #fff; }
header { padding: 8px 16px; border-bottom: 1px solid #ddd; }
h1 { font-size: 1.25rem; margin: 0; }
#subtitle { margin: 2px 0 0; color: #555; font-size: 0.9rem; }
main { display: flex; height: calc(100vh - 70px); min-height: 400px; }
#mynetwork { flex: 1; border-right: 1px solid #ddd; background: #fff; }
#legend { width: 240px; padding: 8px 12px; overflow-y: auto; font-size: 0.85rem; }
#legend h2 { font-size: 1rem; margin: 4px 0 8px; }
#legend ul { list-style: none; padding: 0; margin: 0 0 12px; }
#legend li { display: flex; align-items: center; gap: 6px; margin: 3px 0; }
#legend .note { color: #555; }
div.vis-tooltip { white-space: pre-line; max-width: 420px; font-family: sans-serif;
  font-size: 12px; line-height: 1.35; }
"""

_BOOT_JS = """
(function () {
  "use strict";
  var payload = JSON.parse(document.getElementById("certpath-data").textContent);
  var data = {nodes: new vis.DataSet(payload.nodes), edges: new vis.DataSet(payload.edges)};
  var network = new vis.Network(document.getElementById("mynetwork"), data, payload.options);
  function ready() { document.body.setAttribute("data-ready", "true"); }
  if (payload.options.physics.enabled) {
    network.once("stabilizationIterationsDone", function () {
      network.setOptions({physics: {enabled: false}});
      network.fit();
      network.once("afterDrawing", ready);
    });
  } else {
    network.once("afterDrawing", ready);
  }
  window.network = network;
})();
"""


@functools.lru_cache(maxsize=1)
def _vis_assets() -> tuple[str, str]:
    """vis-network's script and style as bundled with pyvis."""
    import pyvis

    folder = Path(pyvis.__file__).resolve().parent / "templates" / "lib" / f"vis-{_VIS_VERSION}"
    js = (folder / "vis-network.min.js").read_text(encoding="utf-8")
    css = (folder / "vis-network.css").read_text(encoding="utf-8")
    if "</script" in js.lower() or "</style" in css.lower():  # pragma: no cover - upstream check
        raise OutputError("vis-network's bundled script cannot be inlined safely")
    return js, css


def _script_hash(script: str) -> str:
    digest = hashlib.sha256(script.encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


def _legend(counts: Mapping[str, int], extra: Iterable[tuple[str, _Style, str, bool]] = ()) -> Any:
    from markupsafe import Markup

    items = [
        {
            "kind": cls,
            "name": style.name,
            "svg": Markup(_SHAPE_SVG[style.shape]),
            "fill": style.fill,
            "border": style.border,
            "stroke": 1.2,
            "dashed": False,
            "count": counts[cls],
        }
        for cls, style in _STYLES.items()
        if counts.get(cls)
    ]
    for kind, style, border, dashed in extra:
        items.append(
            {
                "kind": kind,
                "name": style.name,
                "svg": Markup(_SHAPE_SVG[style.shape]),
                "fill": style.fill,
                "border": border,
                "stroke": 2.5,
                "dashed": dashed,
                "count": None,
            }
        )
    return items


def _relations(edges: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    used = sorted({str(e["relation"]) for e in edges})
    return [
        {
            "relation": r,
            "text": r,
            "colour": _EDGES.get(r, ("#666666", False))[0],
            "dashed": _EDGES.get(r, ("#666666", False))[1],
        }
        for r in used
    ]


def _page(
    *,
    title: str,
    subtitle: str,
    nodes: list[dict[str, Any]],
    edges: list[dict[str, Any]],
    options: dict[str, Any],
    legend: Any,
    notes: list[str],
) -> str:
    """Assemble the nodes and edges with pyvis and render certpath's page around them."""
    from jinja2 import Environment
    from markupsafe import Markup
    from pyvis.network import Network

    net = Network(directed=True, cdn_resources="in_line")
    for node in nodes:
        attrs = dict(node)
        net.add_node(attrs.pop("id"), **attrs)
    for edge in edges:
        attrs = dict(edge)
        net.add_edge(attrs.pop("from"), attrs.pop("to"), **attrs)
    js, css = _vis_assets()
    csp = (
        "default-src 'none'; script-src "
        + " ".join((_script_hash(js), _script_hash(_BOOT_JS)))
        + "; style-src 'unsafe-inline'; img-src data:; font-src data:; connect-src 'none'; "
        "form-action 'none'; base-uri 'none'"
    )
    env = Environment(autoescape=True, keep_trailing_newline=True)
    return env.from_string(_PAGE).render(
        csp=csp,
        version=__version__,
        vis_version=_VIS_VERSION,
        title=title,
        subtitle=subtitle,
        vis_css=Markup(css),
        page_css=Markup(_PAGE_CSS),
        vis_js=Markup(js),
        boot_js=Markup(_BOOT_JS),
        legend=legend,
        relations=_relations(net.edges),
        notes=notes,
        data={"nodes": net.nodes, "edges": net.edges, "options": options},
    )


# --------------------------------------------------------------------------- public


def _subgraph_title(G: nx.MultiDiGraph, focus: str | None, depth: int, role: str | None) -> str:
    if focus is not None:
        hops = "hop" if depth == 1 else "hops"
        return f"Neighbourhood of {_label(G, focus)} ({depth} {hops})"
    if role is not None:
        return f"What the role {_label(G, role)} needs, and what teaches it"
    return "The certpath graph"


def render_subgraph(
    G: nx.MultiDiGraph,
    *,
    focus: str | None = None,
    depth: int = 1,
    role: str | None = None,
    classes: Iterable[str] | None = None,
    sources: Mapping[str, str] | None = None,
    path: str | os.PathLike[str] | None = None,
    force: bool = False,
) -> Picture:
    """Draw a neighbourhood, a role with what it needs, or the whole graph as an HTML page.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        The projection (``docs/graph-projection.md``); it is not modified.
    focus, depth, role, classes
        What to draw, as for :func:`select_subgraph`.
    sources : mapping of str to str, optional
        Entity IRI → source link shown in its tooltip (:func:`source_links`).
    path : path-like, optional
        Also write the page there (:func:`write_html`); *force* replaces an existing file.

    Returns
    -------
    Picture
        ``physics`` is False when the picture has more than :data:`PHYSICS_LIMIT` nodes.

    Raises
    ------
    OutputError
        Nothing to draw, more than :data:`MAX_NODES` nodes, or a file that cannot be written.
    EntityNotFound
        *focus* is not in the graph, or *role* is not a role.

    Examples
    --------
    >>> G = nx.MultiDiGraph()
    >>> G.add_node("r", kind="role", label="<b>Owner</b>")
    >>> G.add_node("c", kind="competency", label="Backlog")
    >>> _ = G.add_edge("r", "c", key="requires", level=2)
    >>> picture = render_subgraph(G, focus="r")
    >>> picture.title, picture.nodes, picture.edges, picture.physics
    ('Neighbourhood of <b>Owner</b> (1 hop)', 2, 1, True)
    >>> "<h1 id=\\"title\\">Neighbourhood of &lt;b&gt;Owner&lt;/b&gt; (1 hop)</h1>" in picture.html
    True
    """
    sub = select_subgraph(G, focus=focus, depth=depth, role=role, classes=classes)
    count = sub.number_of_nodes()
    if count == 0:
        wanted = ", ".join(sorted(set(classes or ()))) or "any class"
        raise OutputError(f"nothing to draw: the graph has no node of {wanted}")
    if count > MAX_NODES:
        raise OutputError(
            f"the picture would have {count:,} nodes, more than the {MAX_NODES:,} a browser can "
            "lay out usably; draw part of it with --focus ENTITY --depth N, --role ROLE or --class"
        )
    physics = count <= PHYSICS_LIMIT
    sources = sources or {}
    centre = focus if focus is not None else role
    positions = {} if physics else _band_positions(sub)
    nodes = []
    for node in sorted(sub):
        attrs = _vis_node(G, node, sources, emphasis=node == centre)
        if node in positions:
            attrs["x"], attrs["y"] = positions[node]
        nodes.append({"id": node, **attrs})
    edges = [
        {"from": u, "to": v, **_vis_edge(k, _edge_label(k, d))}
        for u, v, k, d in sorted(sub.edges(keys=True, data=True), key=lambda e: e[:3])
    ]
    counts: dict[str, int] = {}
    for node in sub:
        counts[node_class(G, node)] = counts.get(node_class(G, node), 0) + 1
    notes = []
    if not physics:
        notes.append(
            f"{count:,} nodes is more than {PHYSICS_LIMIT}: physics is off and nodes are placed "
            "in bands by class."
        )
    title = _subgraph_title(G, focus, depth, role)
    html = _page(
        title=title,
        subtitle=f"{count} nodes, {len(edges)} edges. Shapes and colours by class (legend).",
        nodes=nodes,
        edges=edges,
        options=_options(physics=physics),
        legend=_legend(counts),
        notes=notes,
    )
    picture = Picture(html, title, count, len(edges), physics)
    if path is not None:
        picture.write(path, force=force)
    return picture


_COLUMN = 260.0
_ROW = 110.0
_HAVE = _Style("ellipse", "#9fc5f8", _HAVE_BORDER, "What you have or already meet (✓)")


def _requirement(item: Any) -> tuple[str, int]:
    """(competency, level) from an IRI, a pair, or an object with ``competency`` and a level."""
    if isinstance(item, str):
        return item, 1
    if isinstance(item, tuple):
        return str(item[0]), int(item[1]) if len(item) > 1 else 1
    level = getattr(item, "required_level", None) or getattr(item, "level", None) or 1
    return str(item.competency), int(level)


def _step_tooltip(
    G: nx.MultiDiGraph, number: int, total: int, step: Any, sources: Mapping[str, str]
) -> str:
    cls = node_class(G, step.iri) if step.iri in G else "course"
    lines = [
        f"Step {number} of {total}: {step.label}",
        f"{_STYLES[cls].name.lower()} · {curie(step.iri)}",
        f"hours: {_number(float(step.hours or 0.0))}",
        f"cost: {_money(step.cost, step.currency)}",
    ]
    if step.provider:
        lines.append(f"provider: {_label(G, step.provider)}")
    if getattr(step, "delivery", ()):
        lines.append(f"delivery: {', '.join(step.delivery)}")
    meets = [_requirement(m) for m in step.meets]
    if meets:
        lines += ["meets:", *_listed([f"{_label(G, c)} (level {lv})" for c, lv in meets])]
    if step.unlocked_by:
        lines += ["after:", *_listed([_label(G, u) for u in step.unlocked_by])]
    if step.iri in sources:
        lines.append(f"source: {sources[step.iri]}")
    return "\n".join(lines)


class _PlanDrawing:
    """Nodes, positions and edges of a plan picture, filled column by column."""

    def __init__(self, G: nx.MultiDiGraph, sources: Mapping[str, str]) -> None:
        self.G, self.sources = G, sources
        self.nodes: dict[str, dict[str, Any]] = {}
        self.edges: list[dict[str, Any]] = []
        self.rows: dict[int, int] = {}

    def place(self, iri: str, column: int, attrs: dict[str, Any], offset: float = 0.0) -> None:
        if iri in self.nodes:
            return
        row = self.rows.get(column, 0)
        self.rows[column] = row + 1
        x = _COLUMN * column + offset
        self.nodes[iri] = {"id": iri, **attrs, "x": x, "y": _ROW * row}

    def have(self, iri: str, note: str) -> None:
        style = _STYLES[node_class(self.G, iri)]
        attrs = _vis_node(self.G, iri, self.sources, style=style, border=_HAVE_BORDER)
        attrs["label"] = f"✓ {attrs['label']}"
        attrs["title"] += f"\n{note}"
        self.place(iri, 0, attrs)

    def edge(self, u: str, v: str, relation: str, label: str) -> None:
        self.edges.append({"from": u, "to": v, **_vis_edge(relation, label)})


def _plan_title(plan: Any) -> str:
    n = len(plan.steps)
    target = getattr(plan, "target_label", None) or curie(plan.target)
    if not n:
        return f"Learning plan to {target}: nothing left to learn"
    hours = math.fsum(float(s.hours or 0.0) for s in plan.steps)
    currencies = sorted({s.currency for s in plan.steps if s.currency})
    cost = math.fsum(float(s.cost or 0.0) for s in plan.steps)
    money = ""
    if len(currencies) == 1 or (not currencies and cost):
        money = ", " + _money(cost, currencies[0] if currencies else None)
    return f"Learning plan to {target}: {n} step{'s' if n > 1 else ''}, {_number(hours)} h{money}"


def render_plan(
    G: nx.MultiDiGraph,
    plan: Any,
    *,
    have: Mapping[str, int] | None = None,
    holds: Iterable[str] = (),
    missing: Iterable[Any] = (),
    sources: Mapping[str, str] | None = None,
    path: str | os.PathLike[str] | None = None,
    force: bool = False,
) -> Picture:
    """Draw a learning plan left to right: what the person has, the numbered steps, what each
    step teaches, the target role, and what is still missing.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        The projection the plan was made from (labels, shapes, tooltips).
    plan : certpath.planner.LearningPlan
        Read by attribute: ``target``, ``target_label``, ``steps`` (each with ``iri``, ``label``,
        ``hours``, ``cost``, ``currency``, ``provider``, ``meets``, ``unlocked_by``) and
        ``already_met`` (each with ``competency``, ``level``, ``met_by``).
    have : mapping of str to int, optional
        Competencies the person has, IRI → level.
    holds : iterable of str
        Offers the person holds.
    missing : iterable
        Competencies still missing after the plan: IRIs, ``(iri, level)`` pairs, or objects with
        ``competency`` and ``required_level`` or ``level`` (a :class:`certpath.planner.Gap`).
        They are drawn with a red dashed border next to the target.
    sources : mapping of str to str, optional
        Entity IRI → source link for tooltips (:func:`source_links`).
    path : path-like, optional
        Also write the page there (:func:`write_html`); *force* replaces an existing file.

    Returns
    -------
    Picture
        Drawn at fixed positions (``physics`` is False): the same plan gives the same page.

    Examples
    --------
    >>> from types import SimpleNamespace as NS
    >>> G = nx.MultiDiGraph()
    >>> G.add_node("r", kind="role", label="Owner")
    >>> G.add_node("c", kind="competency", label="Backlog")
    >>> G.add_node("o", kind="offer", offer_type="course", label="Basics", hours=8.0)
    >>> step = NS(iri="o", label="Basics", hours=8.0, cost=0.0, currency=None, provider=None,
    ...           delivery=(), meets=(("c", 2),), unlocked_by=())
    >>> plan = NS(target="r", target_label="Owner", steps=(step,), already_met=())
    >>> picture = render_plan(G, plan)
    >>> picture.title, picture.nodes, picture.edges
    ('Learning plan to Owner: 1 step, 8 h', 3, 2)
    """
    sources = sources or {}
    drawing = _PlanDrawing(G, sources)
    for iri in sorted(have or {}):
        drawing.have(iri, f"you have it at level {(have or {})[iri]}")
    for iri in sorted(set(holds)):
        drawing.have(iri, "you hold it")
    for met in getattr(plan, "already_met", ()):
        c, level = _requirement(met)
        drawing.have(c, f"already met at level {level}")
        by = getattr(met, "met_by", c)
        if by != c:
            drawing.have(by, "you have it")
            drawing.edge(by, c, "meets", "meets")
    steps = list(plan.steps)
    step_iris = {s.iri for s in steps}
    for step in steps:
        for u in step.unlocked_by:
            if u not in step_iris:
                drawing.have(u, "you have it")
    _draw_steps(drawing, plan, steps)
    _draw_missing(drawing, plan.target, len(steps) + 1, missing)
    for met in getattr(plan, "already_met", ()):
        c, level = _requirement(met)
        drawing.edge(c, plan.target, "needed", f"needed L{level}")
    return _plan_picture(
        drawing,
        plan,
        missing_count=sum(1 for n in drawing.nodes.values() if n["kind"] == "missing"),
        path=path,
        force=force,
    )


def _draw_steps(drawing: _PlanDrawing, plan: Any, steps: list[Any]) -> None:
    G, total = drawing.G, len(steps)
    target_column = total + 1
    attrs = _vis_node(G, plan.target, drawing.sources, emphasis=True)
    if plan.target not in G:
        attrs.update(label=getattr(plan, "target_label", curie(plan.target)), kind="role")
    drawing.place(plan.target, target_column, attrs)
    for number, step in enumerate(steps, start=1):
        cls = node_class(G, step.iri) if step.iri in G else "course"
        node = _vis_node(G, step.iri, drawing.sources, style=_STYLES[cls])
        node.update(
            label=f"{number}. {step.label}",
            title=_step_tooltip(G, number, total, step, drawing.sources),
            kind=cls,
        )
        drawing.place(step.iri, number, node)
        for u in step.unlocked_by:
            drawing.edge(u, step.iri, "prerequisite", "prerequisite")
        for c, level in sorted(_requirement(m) for m in step.meets):
            node = {**_vis_node(G, c, drawing.sources), "kind": "competency"}
            drawing.place(c, number, node, offset=_COLUMN * 0.4)
            taught = G.get_edge_data(step.iri, c, key="teaches") if step.iri in G else None
            if taught is not None:
                drawing.edge(step.iri, c, "teaches", f"teaches L{taught.get('level', 1)}")
            else:
                drawing.edge(step.iri, c, "meets", f"meets L{level}")
            drawing.edge(c, plan.target, "needed", f"needed L{level}")


def _draw_missing(drawing: _PlanDrawing, target: str, column: int, missing: Iterable[Any]) -> None:
    for c, level in sorted({_requirement(m) for m in missing}):
        node = _vis_node(drawing.G, c, drawing.sources, style=_MISSING)
        node.update(
            label=f"missing: {_label(drawing.G, c)}",
            title=f"{node['title']}\nstill missing: needed at level {level}",
            kind="missing",
            shapeProperties={"borderDashes": [6, 4]},
            borderWidth=3,
        )
        key = f"{c}"
        drawing.place(key, column, node)
        drawing.edge(key, target, "missing", f"missing L{level}")


def _plan_picture(
    drawing: _PlanDrawing,
    plan: Any,
    *,
    missing_count: int,
    path: str | os.PathLike[str] | None,
    force: bool,
) -> Picture:
    title = _plan_title(plan)
    nodes = [drawing.nodes[k] for k in sorted(drawing.nodes)]
    edges = sorted(
        {(e["from"], e["to"], e["relation"]): e for e in drawing.edges}.values(),
        key=lambda e: (e["from"], e["to"], e["relation"]),
    )
    counts: dict[str, int] = {}
    for node in nodes:
        counts[node["kind"]] = counts.get(node["kind"], 0) + 1
    extra = [("have", _HAVE, _HAVE_BORDER, False)]
    if missing_count:
        extra.append(("missing", _MISSING, _MISSING.border, True))
    subtitle = "Left to right: what you have, each step in order, what it teaches, the target role."
    if missing_count:
        subtitle += (
            f" Still missing: {missing_count} competenc{'y' if missing_count == 1 else 'ies'}."
        )
    html = _page(
        title=title,
        subtitle=subtitle,
        nodes=nodes,
        edges=edges,
        options=_options(physics=False, curved=True),
        legend=_legend(counts, extra),
        notes=["Dashed red arrows are prerequisites: what a step needs before it can start."],
    )
    picture = Picture(html, title, len(nodes), len(edges), False)
    if path is not None:
        picture.write(path, force=force)
    return picture


# --------------------------------------------------------------------------- writing


def check_output(path: str | os.PathLike[str], *, force: bool = False) -> Path:
    """Check that a page may be written to *path*, before any work is done.

    The rules are :func:`certpath.output.check_target`'s (``-`` is refused: a page never goes
    to standard output from here).

    Raises
    ------
    OutputError
        The folder does not exist or is not writable, *path* is a folder, symbolic link or other
        file that is not a regular one, or the file exists and *force* is False.
    """
    from certpath.output import check_target

    return check_target(path, force=force)


def write_html(html: str, path: str | os.PathLike[str], *, force: bool = False) -> Path:
    """Write *html* to *path* atomically (:func:`certpath.output.write_text`).

    An existing file is replaced only with *force*; readers never see a half-written page.

    Raises
    ------
    OutputError
        As :func:`check_output`, or when writing fails (nothing is left behind).

    Examples
    --------
    >>> import pathlib, tempfile
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> write_html("<p>hi</p>", folder / "a.html").read_text()
    '<p>hi</p>'
    >>> write_html("<p>again</p>", folder / "a.html")
    Traceback (most recent call last):
    ...
    certpath.errors.OutputError: ...a.html already exists; use --force to replace it
    """
    from certpath.output import write_text

    return write_text(html, path, force=force)
