"""RDF → NetworkX: the one projection every planning command and picture reads.

The graph's shape is documented in ``docs/graph-projection.md``. It reads the store by triple
pattern, one predicate at a time (an order of magnitude faster than SPARQL for this), and keeps
only what planning and drawing need.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from typing import Any

import networkx as nx
import pyoxigraph as ox

from certpath.errors import ValidationError
from certpath.graph import KnowledgeGraph
from certpath.namespaces import (
    CP,
    CP_NS,
    RDF_TYPE,
    RDFS_LABEL,
    RDFS_SUBCLASSOF,
    SKOS_BROADER,
    SKOS_PREFLABEL,
    curie,
)

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
    text = term.value if isinstance(term, ox.Literal) else ""
    level = int(text) if text.isdigit() else int(_number(term, subject, CP.level, integer=True))
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


def _qualified_levels(kg: KnowledgeGraph) -> dict[str, dict[tuple[str, str], int]]:
    """Per qualified link, (entity, competency) → highest level its nodes state (1 if unstated)."""
    competency_of = {q.subject: q.object.value for q in _quads(kg, CP.competency)}
    level_of = {q.subject: _level(q.object, q.subject) for q in _quads(kg, CP.level)}
    found: dict[str, dict[tuple[str, str], int]] = {}
    for link in (CP.qualifiedRequirement, CP.qualifiedOutcome):
        levels = found.setdefault(link, {})
        for quad in _quads(kg, link):
            qualified = quad.object
            if qualified in competency_of and isinstance(quad.subject, ox.NamedNode):
                key = (quad.subject.value, competency_of[qualified])
                levels[key] = max(levels.get(key, 0), level_of.get(qualified, 1))
    return found


def _ensure(graph: nx.MultiDiGraph, node: str, kind: str) -> None:
    if node not in graph:
        graph.add_node(node, kind=kind, label=curie(node).rsplit("/", 1)[-1])


def _add_levelled_edges(kg: KnowledgeGraph, graph: nx.MultiDiGraph) -> None:
    qualified = _qualified_levels(kg)
    requirement_levels = qualified[CP.qualifiedRequirement]
    outcome_levels = qualified[CP.qualifiedOutcome]
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


def project_neighbourhood(
    kg: KnowledgeGraph,
    targets: Iterable[str],
    *,
    have: Iterable[str] = (),
    holds: Iterable[str] = (),
) -> nx.MultiDiGraph:
    """Project only what a question about *targets* can touch, for large or remote graphs.

    The neighbourhood holds the target roles and their requirements; every competency narrower
    than one that is needed; every offer that teaches one of them, with its prerequisite closure
    (offers, groups, competencies, recursively); what the person has and holds; and, so that
    milestones stay exact, every role that needs a competency (or a broader one) that the person
    has or could learn there. Its triples are copied into a small store and projected by
    :func:`project`, so both projections agree by construction: the answers of the planner on
    it equal those on the whole graph. It costs index look-ups per entity instead of a pass over
    the whole graph.

    Examples
    --------
    >>> from certpath.graph import load
    >>> G = project_neighbourhood(load(), ["https://w3id.org/certpath/data/safe-product-owner"])
    >>> "https://w3id.org/certpath/data/safe-popm-cert" in G
    True
    """
    walk = _Walk(kg)
    roles = set(targets)
    for role in sorted(roles):
        walk.entity(role)
        for prop in (CP.requires, CP.recommends):
            walk.needed.extend(walk.out(role, prop))
    walk.have.update(have)
    walk.offers.extend(holds)
    walk.expand()
    for role in sorted(walk.milestone_roles() - roles):
        walk.entity(role)
        for prop in (CP.requires, CP.recommends):
            for competency in walk.out(role, prop):
                walk.entity(competency)
    small = KnowledgeGraph(walk.small)
    for quad in _quads(kg, RDFS_SUBCLASSOF):
        walk.small.add(ox.Quad(quad.subject, quad.predicate, quad.object, ox.DefaultGraph()))
    return project(small)


_QUALIFIED_LINKS = frozenset({CP.qualifiedRequirement, CP.qualifiedOutcome, CP.qualifiedHolding})


class _Walk:
    """Index look-ups over a large store, copying each visited entity's triples to a small one."""

    def __init__(self, kg: KnowledgeGraph) -> None:
        self.kg = kg
        self.small = ox.Store()
        self.copied: set[str] = set()
        self.needed: list[str] = []  # competencies whose teachers (and narrower ones) matter
        self.offers: list[str] = []
        self.competencies: set[str] = set()
        self.have: set[str] = set()  # only their broader ancestors matter, not what teaches them
        self.visited_offers: set[str] = set()

    def out(self, subject: str, prop: str) -> list[str]:
        quads = self.kg.store.quads_for_pattern(
            ox.NamedNode(subject), ox.NamedNode(prop), None, ox.DefaultGraph()
        )
        return [q.object.value for q in quads if isinstance(q.object, ox.NamedNode)]

    def into(self, obj: str, prop: str) -> list[str]:
        quads = self.kg.store.quads_for_pattern(
            None, ox.NamedNode(prop), ox.NamedNode(obj), ox.DefaultGraph()
        )
        return [q.subject.value for q in quads if isinstance(q.subject, ox.NamedNode)]

    def entity(self, iri: str) -> None:
        """Copy the triples of *iri*, and of the blank nodes it points to, to the small store."""
        if iri in self.copied:
            return
        self.copied.add(iri)
        stack: list[ox.NamedNode | ox.BlankNode] = [ox.NamedNode(iri)]
        seen: set[ox.NamedNode | ox.BlankNode] = set()
        while stack:
            node = stack.pop()
            if node in seen:
                continue
            seen.add(node)
            for quad in self.kg.store.quads_for_pattern(node, None, None, ox.DefaultGraph()):
                self.small.add(quad)
                qualified = quad.predicate.value in _QUALIFIED_LINKS
                if isinstance(quad.object, ox.BlankNode) or (
                    qualified and isinstance(quad.object, ox.NamedNode)
                ):
                    stack.append(quad.object)

    def expand(self) -> None:
        """Close over narrower competencies, their teachers and the teachers' prerequisites."""
        while self.needed or self.offers:
            while self.needed:
                competency = self.needed.pop()
                if competency in self.competencies:
                    continue
                self.competencies.add(competency)
                self.entity(competency)
                self.needed.extend(self.into(competency, SKOS_BROADER))
                self.offers.extend(self.into(competency, CP.teaches))
            while self.offers:
                offer = self.offers.pop()
                if offer in self.visited_offers:
                    continue
                self.visited_offers.add(offer)
                self.entity(offer)
                for provider in self.out(offer, CP.offeredBy):
                    self.entity(provider)
                for taught in self.out(offer, CP.teaches):
                    self.entity(taught)
                for item in self.out(offer, CP.prerequisite):
                    self._prerequisite(item)

    def _prerequisite(self, item: str) -> None:
        self.entity(item)
        types = {q for q in self.out(item, RDF_TYPE)}
        if CP.PrerequisiteGroup in types:
            for member in self.out(item, CP.member):
                self._prerequisite(member)
        elif CP.Competency in types:
            self.needed.append(item)
        else:
            self.offers.append(item)

    def milestone_roles(self) -> set[str]:
        """Roles that need a competency (or a broader one) the person has or could learn here."""
        reachable = set(self.have)
        for offer in self.visited_offers:
            reachable.update(self.out(offer, CP.teaches))
        stack, seen = list(reachable), set(reachable)
        while stack:  # broader ancestors: a narrower competency meets a broader requirement
            competency = stack.pop()
            self.entity(competency)
            for broader in self.out(competency, SKOS_BROADER):
                if broader not in seen:
                    seen.add(broader)
                    stack.append(broader)
        return {role for c in seen for role in self.into(c, CP.requires)}
