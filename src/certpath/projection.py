"""RDF → NetworkX: the one projection every planning command and picture reads.

The graph's shape is documented in ``docs/graph-projection.md``. It reads the store by triple
pattern, one predicate at a time (an order of magnitude faster than SPARQL for this), and keeps
only what planning and drawing need.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal, InvalidOperation
from typing import Any

import networkx as nx
import pyoxigraph as ox

from certpath.errors import ValidationError
from certpath.graph import KnowledgeGraph
from certpath.namespaces import CP, CP_NS, RDF_TYPE, RDFS_LABEL, SKOS_BROADER, SKOS_PREFLABEL, curie

_KIND_BY_CLASS = {
    CP.Role: "role",
    CP.Competency: "competency",
    CP.LearningOpportunity: "offer",
    CP.Certification: "offer",
    CP.Course: "offer",
    CP.PrerequisiteGroup: "group",
    CP.Provider: "provider",
    CP.Framework: "framework",
}
_OFFER_TYPE = {CP.Certification: "certification", CP.Course: "course"}


def _quads(kg: KnowledgeGraph, predicate: str) -> Any:
    return kg.store.quads_for_pattern(None, ox.NamedNode(predicate), None, ox.DefaultGraph())


def _number(term: Any, subject: Any, prop: str, *, integer: bool = False) -> Any:
    """A numeric literal as float (or int), or a one-line error naming entity and property."""
    text = term.value if isinstance(term, ox.Literal) else str(term)
    try:
        value = Decimal(text.strip())
        if not value.is_finite() or value < 0 or (integer and value != value.to_integral_value()):
            raise InvalidOperation
    except InvalidOperation:
        want = "a whole number >= 0" if integer else "a decimal number >= 0"
        name = curie(subject.value) if isinstance(subject, ox.NamedNode) else "a qualified node"
        raise ValidationError(f"{name} {curie(prop)}: '{text}' is not {want}") from None
    return int(value) if integer else float(value)


def _level(term: Any, subject: Any) -> int:
    level = int(_number(term, subject, CP.level, integer=True))
    if not 1 <= level <= 5:
        raise ValidationError(f"cp:level {level} is outside 1..5 (levels run from 1 to 5)")
    return level


def project(kg: KnowledgeGraph) -> nx.MultiDiGraph:
    """Project the RDF graph onto a NetworkX ``MultiDiGraph`` for planning and drawing.

    Raises
    ------
    ValidationError
        A number that is not a number (``"sixteen"`` hours), a negative one, a level outside 1..5.

    Examples
    --------
    >>> from certpath.graph import load
    >>> G = project(load())
    >>> G.nodes["https://w3id.org/certpath/data/cspo"]["kind"]
    'offer'
    """
    graph = nx.MultiDiGraph()
    offer_classes = {CP.LearningOpportunity, CP.Certification, CP.Course} | _subclasses(
        kg, CP.LearningOpportunity
    )
    for quad in _quads(kg, RDF_TYPE):
        cls, node = quad.object.value, quad.subject
        if not isinstance(node, ox.NamedNode) or node.value.startswith(CP_NS):
            continue
        kind = "offer" if cls in offer_classes else _KIND_BY_CLASS.get(cls)
        if kind is None:
            continue
        attrs = graph.nodes[node.value] if node.value in graph else {}
        if kind == "offer":
            previous = attrs.get("offer_type", "offer")
            attrs["offer_type"] = _OFFER_TYPE.get(cls, previous)
        graph.add_node(node.value, kind=kind, **{k: v for k, v in attrs.items() if k != "kind"})
    _add_labels(kg, graph)
    _add_offer_attributes(kg, graph)
    _add_levelled_edges(kg, graph)
    _add_plain_edges(kg, graph)
    return graph


def _subclasses(kg: KnowledgeGraph, cls: str) -> set[str]:
    query = "SELECT ?c WHERE { ?c rdfs:subClassOf+ ?top }"
    return {r["c"].value for r in kg.select(query, top=ox.NamedNode(cls))}


def _add_labels(kg: KnowledgeGraph, graph: nx.MultiDiGraph) -> None:
    best: dict[str, tuple[int, str]] = {}
    for prop, rank in ((SKOS_PREFLABEL, 0), (RDFS_LABEL, 2)):
        for quad in _quads(kg, prop):
            node, lit = quad.subject, quad.object
            if not isinstance(node, ox.NamedNode) or not isinstance(lit, ox.Literal):
                continue
            key = (rank if (lit.language or "en").startswith("en") else rank + 1, lit.value)
            if node.value in graph and key < best.get(node.value, (9, "")):
                best[node.value] = key
    for node, data in graph.nodes(data=True):
        data["label"] = best[node][1] if node in best else curie(node).rsplit("/", 1)[-1]


def _add_offer_attributes(kg: KnowledgeGraph, graph: nx.MultiDiGraph) -> None:
    offers = {n for n, d in graph.nodes(data=True) if d["kind"] == "offer"}
    for node in offers:
        graph.nodes[node].update(
            hours=0.0, cost=0.0, currency=None, provider=None, delivery=(), validity_months=None
        )
    for prop, key, integer in (
        (CP.durationHours, "hours", False),
        (CP.cost, "cost", False),
        (CP.validityMonths, "validity_months", True),
    ):
        for quad in _quads(kg, prop):
            if quad.subject.value in offers:
                value = _number(quad.object, quad.subject, prop, integer=integer)
                graph.nodes[quad.subject.value][key] = value
    for quad in _quads(kg, CP.currency):
        if quad.subject.value in offers:
            graph.nodes[quad.subject.value]["currency"] = quad.object.value
    providers: dict[str, list[str]] = defaultdict(list)
    for subject, provider in kg.pairs(CP.offeredBy):
        if subject in offers:
            providers[subject].append(provider)
    for subject, found in providers.items():
        graph.nodes[subject]["provider"] = min(found)
    modes: dict[str, set[str]] = defaultdict(set)
    for subject, mode in kg.pairs(CP.deliveryMode):
        if subject in offers:
            modes[subject].add(mode.removeprefix(CP_NS))
    for subject, mode_names in modes.items():
        graph.nodes[subject]["delivery"] = tuple(sorted(mode_names))


def _qualified_levels(kg: KnowledgeGraph, link: str) -> dict[tuple[str, str], int]:
    """(entity, competency) → highest level stated by *link*'s qualified nodes (1 if unstated)."""
    competency_of = {q.subject: q.object.value for q in _quads(kg, CP.competency)}
    level_of = {q.subject: _level(q.object, q.subject) for q in _quads(kg, CP.level)}
    levels: dict[tuple[str, str], int] = {}
    for quad in _quads(kg, link):
        qualified = quad.object
        if qualified in competency_of and isinstance(quad.subject, ox.NamedNode):
            key = (quad.subject.value, competency_of[qualified])
            levels[key] = max(levels.get(key, 0), level_of.get(qualified, 1))
    return levels


def _ensure(graph: nx.MultiDiGraph, node: str, kind: str) -> None:
    if node not in graph:
        graph.add_node(node, kind=kind, label=curie(node).rsplit("/", 1)[-1])


def _add_levelled_edges(kg: KnowledgeGraph, graph: nx.MultiDiGraph) -> None:
    requirement_levels = _qualified_levels(kg, CP.qualifiedRequirement)
    outcome_levels = _qualified_levels(kg, CP.qualifiedOutcome)
    for prop, key, levels in (
        (CP.requires, "requires", requirement_levels),
        (CP.recommends, "recommends", requirement_levels),
        (CP.teaches, "teaches", outcome_levels),
    ):
        for subject, competency in kg.pairs(prop):
            if subject not in graph:
                continue
            _ensure(graph, competency, "competency")
            level = levels.get((subject, competency), 1)
            graph.add_edge(subject, competency, key=key, level=level)


def _add_plain_edges(kg: KnowledgeGraph, graph: nx.MultiDiGraph) -> None:
    for subject, obj in kg.pairs(SKOS_BROADER):
        if graph.nodes.get(subject, {}).get("kind") == "competency":
            _ensure(graph, obj, "competency")
            graph.add_edge(subject, obj, key="broader")
    for prop, key in (
        (CP.prerequisite, "prerequisite"),
        (CP.member, "member"),
        (CP.leadsTo, "leadsTo"),
        (CP.offeredBy, "offeredBy"),
        (CP.framework, "framework"),
    ):
        for subject, obj in kg.pairs(prop):
            if subject in graph:
                _ensure(graph, obj, "unknown")
                graph.add_edge(subject, obj, key=key)
    for quad in _quads(kg, CP.minCount):
        if quad.subject.value in graph:
            count = _number(quad.object, quad.subject, CP.minCount, integer=True)
            graph.nodes[quad.subject.value]["min_count"] = count
    for _, data in graph.nodes(data=True):
        if data["kind"] == "group":
            data.setdefault("min_count", 1)
