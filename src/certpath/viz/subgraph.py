"""Pictures of the graph: a neighbourhood, a role with what it needs, or the whole graph."""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping

import networkx as nx

from certpath.errors import OutputError
from certpath.selection import node_class, node_label, select_subgraph
from certpath.viz.page import Picture, render_page
from certpath.viz.styles import legend
from certpath.viz.visdata import band_positions, edge_label, options, vis_edge, vis_node

#: Above this many nodes the page switches physics off and places nodes in bands by class.
PHYSICS_LIMIT = 300
#: Above this many nodes a picture is refused: a browser would not lay it out usably.
MAX_NODES = 2000


def subgraph_title(G: nx.MultiDiGraph, focus: str | None, depth: int, role: str | None) -> str:
    """What a picture of :func:`certpath.selection.select_subgraph` shows, as its heading."""
    if focus is not None:
        hops = "hop" if depth == 1 else "hops"
        return f"Neighbourhood of {node_label(G, focus)} ({depth} {hops})"
    if role is not None:
        return f"What the role {node_label(G, role)} needs, and what teaches it"
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
    positions = {} if physics else band_positions(sub)
    nodes = []
    for node in sorted(sub):
        attrs = vis_node(G, node, sources, emphasis=node == centre)
        if node in positions:
            attrs["x"], attrs["y"] = positions[node]
        nodes.append({"id": node, **attrs})
    edges = [
        {"from": u, "to": v, **vis_edge(k, edge_label(k, d))}
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
    title = subgraph_title(G, focus, depth, role)
    html = render_page(
        title=title,
        subtitle=f"{count} nodes, {len(edges)} edges. Shapes and colours by class (legend).",
        nodes=nodes,
        edges=edges,
        options=options(physics=physics),
        legend=legend(counts),
        notes=notes,
    )
    picture = Picture(html, title, count, len(edges), physics)
    if path is not None:
        picture.write(path, force=force)
    return picture
