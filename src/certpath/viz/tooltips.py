"""The text of pictures: numbers, money, and each node's tooltip (one fact a line, plain text)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import networkx as nx

from certpath.namespaces import DCTERMS_SOURCE, curie
from certpath.selection import node_class, node_label
from certpath.viz.styles import STYLES

_MAX_LIST = 6  # entries of one list in a tooltip before "... and N more"


def number(value: float) -> str:
    """A number without trailing zeros, thousands grouped.

    >>> number(1000.0), number(7.5)
    ('1,000', '7.5')
    """
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}".rstrip("0")


def money(cost: float | None, currency: str | None) -> str:
    """An amount and its currency, or ``"not stated"``.

    >>> money(1000.0, "USD"), money(None, None)
    ('1,000 USD', 'not stated')
    """
    if currency is None and not cost:
        return "not stated"
    return f"{number(cost or 0.0)} {currency or ''}".strip()


def listed(items: list[str]) -> list[str]:
    """Indented list lines, at most six, then ``... and N more``."""
    shown = [f"  - {item}" for item in items[:_MAX_LIST]]
    if len(items) > _MAX_LIST:
        shown.append(f"  ... and {len(items) - _MAX_LIST} more")
    return shown


def _out(G: nx.MultiDiGraph, node: str, *relations: str) -> list[str]:
    return sorted({v for _, v, k in G.out_edges(node, keys=True) if k in relations})


def _levelled(G: nx.MultiDiGraph, pairs: Iterable[tuple[str, str, dict[str, Any]]]) -> list[str]:
    return sorted(f"{node_label(G, n)} (level {d.get('level', 1)})" for _, n, d in pairs)


def _offer_lines(G: nx.MultiDiGraph, node: str) -> list[str]:
    data = G.nodes[node]
    lines = [
        f"hours: {number(float(data.get('hours') or 0.0))}",
        f"cost: {money(data.get('cost'), data.get('currency'))}",
    ]
    if data.get("provider"):
        lines.append(f"provider: {node_label(G, data['provider'])}")
    if data.get("delivery"):
        lines.append(f"delivery: {', '.join(data['delivery'])}")
    if data.get("validity_months"):
        lines.append(f"valid for: {data['validity_months']} months")
    teaches = [
        (u, v, d) for u, v, k, d in G.out_edges(node, keys=True, data=True) if k == "teaches"
    ]
    if teaches:
        lines += ["teaches:", *listed(_levelled(G, teaches))]
    prerequisites = _out(G, node, "prerequisite")
    if prerequisites:
        lines += ["prerequisites (all of):", *listed([node_label(G, p) for p in prerequisites])]
    return lines


def _role_lines(G: nx.MultiDiGraph, node: str) -> list[str]:
    lines: list[str] = []
    for relation in ("requires", "recommends"):
        edges = [
            (u, v, d) for u, v, k, d in G.out_edges(node, keys=True, data=True) if k == relation
        ]
        if edges:
            lines += [f"{relation}:", *listed(_levelled(G, edges))]
    gates = _out(G, node, "requiresExperience")
    if gates:
        lines += ["requires experience:", *listed([node_label(G, g) for g in gates])]
    nxt = _out(G, node, "leadsTo")
    if nxt:
        lines += ["leads to:", *listed([node_label(G, r) for r in nxt])]
    return lines


def _competency_lines(G: nx.MultiDiGraph, node: str) -> list[str]:
    lines = [f"broader: {node_label(G, b)}" for b in _out(G, node, "broader")]
    for relation, title in (("requires", "required by"), ("teaches", "taught by")):
        edges = [
            (v, u, d) for u, v, k, d in G.in_edges(node, keys=True, data=True) if k == relation
        ]
        if edges:
            lines += [f"{title}:", *listed(_levelled(G, edges))]
    return lines


def _experience_lines(G: nx.MultiDiGraph, node: str) -> list[str]:
    lines = [f"as: {node_label(G, r)}" for r in _out(G, node, "role")]
    lines.append(f"months: {G.nodes[node].get('months', 1)}")
    needed = sorted(
        {node_label(G, u) for u, _, k in G.in_edges(node, keys=True) if k != "role"}
        - {node_label(G, node)}
    )
    if needed:
        lines += ["needed by:", *listed(needed)]
    return lines


def tooltip(G: nx.MultiDiGraph, node: str, sources: Mapping[str, str]) -> str:
    """The text shown on hover: what matters about *node*, one fact a line.

    >>> G = nx.MultiDiGraph()
    >>> G.add_node("c", kind="competency", label="Backlog")
    >>> print(tooltip(G, "c", {"c": "https://example.org/c"}))
    Backlog
    competency · c
    source: https://example.org/c
    """
    cls = node_class(G, node)
    lines = [node_label(G, node), f"{STYLES[cls].name.lower()} · {curie(node)}"]
    if cls in ("certification", "course"):
        lines += _offer_lines(G, node)
    elif cls == "role":
        lines += _role_lines(G, node)
    elif cls == "competency":
        lines += _competency_lines(G, node)
    elif cls == "experience":
        lines += _experience_lines(G, node)
    elif cls == "group":
        members = [node_label(G, m) for m in _out(G, node, "member")]
        lines += [f"at least {G.nodes[node].get('min_count', 1)} of:", *listed(members)]
    if node in sources:
        lines.append(f"source: {sources[node]}")
    return "\n".join(lines)


def source_links(kg: Any) -> dict[str, str]:
    """Return entity IRI → its ``dcterms:source`` IRI (the smallest when several), for tooltips.

    Parameters
    ----------
    kg : certpath.graph.KnowledgeGraph

    Returns
    -------
    dict of str to str

    Examples
    --------
    >>> from certpath.graph import load
    >>> source_links(load())["https://w3id.org/certpath/data/cspo"].startswith("https://")
    True
    """
    found: dict[str, str] = {}
    for subject, source in sorted(kg.pairs(DCTERMS_SOURCE)):
        found.setdefault(subject, source)
    return found
