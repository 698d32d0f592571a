"""Which part of the projection a picture shows: a neighbourhood, a role's view, some classes.

Reads the planning graph of :mod:`certpath.projection` (``docs/graph-projection.md``) and returns a
copy of the part to draw; :mod:`certpath.viz` draws it, and ``certpath render`` and the browser
page ask for it by the same options (``--focus``/``--depth``, ``--role``, ``--class``).
"""

from __future__ import annotations

from collections.abc import Iterable

import networkx as nx

from certpath.errors import EntityNotFound, InputError
from certpath.namespaces import curie

__all__ = ["CLASSES", "node_class", "node_label", "select_subgraph"]

#: Classes a picture can be filtered by (``certpath render --class``), in drawing order.
CLASSES = (
    "role",
    "competency",
    "certification",
    "course",
    "provider",
    "group",
    "framework",
    "experience",
)


def node_class(G: nx.MultiDiGraph, node: str) -> str:
    """Return the drawing class of *node*: one of :data:`CLASSES`, or ``"other"``.

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
    return kind if kind in CLASSES else "other"


def node_label(G: nx.MultiDiGraph, node: str) -> str:
    """The name to show for *node*: its ``label``, or its CURIE.

    >>> G = nx.MultiDiGraph()
    >>> G.add_node("https://w3id.org/certpath/data/po", label="Product Owner")
    >>> node_label(G, "https://w3id.org/certpath/data/po"), node_label(G, "urn:x")
    ('Product Owner', 'urn:x')
    """
    if node in G and G.nodes[node].get("label"):
        return str(G.nodes[node]["label"])
    return curie(node)


def _check_node(G: nx.MultiDiGraph, node: str, kind: str | None = None) -> None:
    if node not in G:
        raise EntityNotFound(f"{curie(node)} is not in the graph")
    if kind is not None and G.nodes[node].get("kind") != kind:
        raise EntityNotFound(f"{curie(node)} ({node_label(G, node)}) is not a {kind}")


def _neighbourhood(G: nx.MultiDiGraph, focus: str, depth: int) -> set[str]:
    undirected = G.to_undirected(as_view=True)
    return set(nx.single_source_shortest_path_length(undirected, focus, cutoff=depth))


def _out(G: nx.MultiDiGraph, node: str, *relations: str) -> list[str]:
    return sorted({v for _, v, k in G.out_edges(node, keys=True) if k in relations})


def _in(G: nx.MultiDiGraph, node: str, *relations: str) -> list[str]:
    return sorted({u for u, _, k in G.in_edges(node, keys=True) if k in relations})


def _role_view(G: nx.MultiDiGraph, role: str) -> set[str]:
    """The role, what it needs (and narrower competencies), the offers teaching them, their
    providers and prerequisites, the experience the role or a prerequisite asks for and its role."""
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
    keep.update(_out(G, role, "requiresExperience"))
    keep.update(m for n in list(keep) if node_class(G, n) == "group" for m in _out(G, n, "member"))
    gates = [n for n in keep if node_class(G, n) == "experience"]
    keep.update(r for n in gates for r in _out(G, n, "role"))
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
        every offer teaching them, their providers and prerequisites, the role's experience
        requirements, and the role each experience requirement is about.
    classes : iterable of str, optional
        Keep only nodes of these :data:`CLASSES` (the focus or role itself is always kept).

    Returns
    -------
    networkx.MultiDiGraph
        A copy: drawing it never changes *G*.

    Raises
    ------
    InputError
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
        raise InputError("give focus or role, not both")
    if depth < 0:
        raise InputError("depth must be >= 0")
    wanted = set(CLASSES if classes is None else classes)
    unknown = wanted - set(CLASSES)
    if unknown:
        raise InputError(f"unknown classes {sorted(unknown)}; use {', '.join(CLASSES)}")
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
