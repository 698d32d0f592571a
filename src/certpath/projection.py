"""RDF → NetworkX: the one projection every planning command and picture reads.

The graph's shape is documented in ``docs/graph-projection.md``. It reads the store by triple
pattern, one predicate at a time (an order of magnitude faster than SPARQL for this), and keeps
only what planning and drawing need.

Every node may be written with an IRI or as a blank node (vocabulary rule 6), so a node's key is
its IRI, or for a blank node ``_:`` and a digest of what the node says (its types and
properties, blank objects included): the same blank group gets the same key whichever file,
format or store it was read from, so plans, pictures and the neighbourhood projection agree.
Objects of ``prerequisite`` and ``member`` are always kept, even when they are literals or
undefined (kind ``"unknown"``), so that the planner refuses them instead of planning without them.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from pathlib import Path
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

__all__ = ["KINDS", "node_key", "project", "project_neighbourhood"]

#: The kind of a node by its class (subclasses of these classes count too), in priority order
#: for a node typed with classes of several kinds.
KINDS: dict[str, str] = {
    CP.LearningOpportunity: "offer",
    CP.Role: "role",
    CP.Competency: "competency",
    CP.PrerequisiteGroup: "group",
    CP.ExperienceRequirement: "experience",
    CP.Provider: "provider",
    CP.Framework: "framework",
}
_PRIORITY = {kind: rank for rank, kind in enumerate(KINDS.values())}
_OFFER_TYPE = {CP.Certification: "certification", CP.Course: "course"}
Term = ox.NamedNode | ox.BlankNode | ox.Literal


def _blank_digest(kg: KnowledgeGraph, node: ox.BlankNode, path: frozenset[ox.BlankNode]) -> str:
    """A digest of what blank *node* says, blank objects included (cycles cut)."""
    lines = []
    for quad in kg.quads(node):
        obj = quad.object
        if isinstance(obj, ox.BlankNode):
            text = (
                "_:cycle" if obj in path or obj == node else _blank_digest(kg, obj, path | {node})
            )
        else:
            text = str(obj)
        lines.append(f"{quad.predicate} {text}")
    return hashlib.sha256("\n".join(sorted(lines)).encode()).hexdigest()[:16]


class _Keys:
    """Node keys: an IRI for a named node, ``_:digest`` for a blank node, ``"text"`` for a
    literal (only ever the object of a link the planner must refuse)."""

    def __init__(self, kg: KnowledgeGraph) -> None:
        self.kg = kg
        self._blank: dict[ox.BlankNode, str] = {}

    def __call__(self, term: Any) -> str:
        if isinstance(term, ox.NamedNode):
            return term.value
        if isinstance(term, ox.BlankNode):
            found = self._blank.get(term)
            if found is None:
                found = self._blank[term] = "_:" + _blank_digest(self.kg, term, frozenset())
            return found
        if isinstance(term, ox.Literal):
            return f'"{term.value}"'
        return str(term)


def node_key(kg: KnowledgeGraph, term: Any) -> str:
    """The planning-graph key of an RDF term (see the module docstring).

    >>> from certpath.graph import load
    >>> node_key(load(), ox.NamedNode("https://w3id.org/certpath/data/cspo"))
    'https://w3id.org/certpath/data/cspo'
    """
    return _Keys(kg)(term)


def _quads(kg: KnowledgeGraph, predicate: str) -> Any:
    return kg.quads(None, ox.NamedNode(predicate), None)


def _name(keys: _Keys, term: Any) -> str:
    if isinstance(term, ox.NamedNode):
        return curie(term.value)
    if isinstance(term, ox.BlankNode):
        for quad in keys.kg.quads(None, None, term):
            return f"{_name(keys, quad.subject)} {curie(quad.predicate.value)} [...]"
        return "[a blank node]"
    return str(term)


def _where(kg: KnowledgeGraph, term: Any) -> str:
    """`` (in FILE)``: the source file stating the entity *term* is about, when one does."""
    owner = term
    for _ in range(3):  # a qualified node: the entity that points to it
        if not isinstance(owner, ox.BlankNode):
            break
        owner = next((q.subject for q in kg.quads(None, None, owner)), None)
    if not isinstance(owner, ox.NamedNode):
        return ""
    for path in kg.sources:
        found = _states(Path(path), owner)
        if found:
            return f" (in {path})"
    return ""


def _states(path: Path, subject: ox.NamedNode) -> bool:
    from certpath.graph import parse_file

    store = ox.Store()
    try:
        parse_file(store, path)
    except Exception:  # noqa: BLE001 - only a hint for an error message
        return False
    return next(iter(store.quads_for_pattern(subject, None, None)), None) is not None


def _invalid(keys: _Keys, subject: Any, prop: str, problem: str) -> ValidationError:
    return ValidationError(
        f"{_name(keys, subject)} {curie(prop)}: {problem}{_where(keys.kg, subject)}"
    )


def _number(keys: _Keys, term: Any, subject: Any, prop: str, *, integer: bool = False) -> Any:
    """A numeric literal as float (or int), or a one-line error naming entity and property."""
    text = term.value if isinstance(term, ox.Literal) else str(term)
    try:
        value = Decimal(text.strip())
        if not value.is_finite() or value < 0 or (integer and value != value.to_integral_value()):
            raise InvalidOperation
    except InvalidOperation:
        want = "a whole number >= 0" if integer else "a decimal number >= 0"
        raise _invalid(keys, subject, prop, f"'{text}' is not {want}") from None
    return int(value) if integer else float(value)


def _level(keys: _Keys, term: Any, subject: Any) -> int:
    text = term.value if isinstance(term, ox.Literal) else ""
    if text.isdigit():
        level = int(text)
    else:
        level = int(_number(keys, term, subject, CP.level, integer=True))
    if not 1 <= level <= 5:
        raise _invalid(keys, subject, CP.level, f"{level} is outside 1..5 (levels run from 1 to 5)")
    return level


def _kinds_by_class(kg: KnowledgeGraph) -> dict[str, str]:
    """Class IRI → kind, for the classes of :data:`KINDS` and every subclass of them."""
    parents: dict[str, set[str]] = defaultdict(set)
    for quad in _quads(kg, RDFS_SUBCLASSOF):
        if isinstance(quad.subject, ox.NamedNode) and isinstance(quad.object, ox.NamedNode):
            parents[quad.subject.value].add(quad.object.value)
    found: dict[str, str] = {}
    for cls in set(parents) | set(KINDS):
        seen, todo = {cls}, [cls]
        best: str | None = None
        while todo:
            current = todo.pop()
            kind = KINDS.get(current)
            if kind is not None and (best is None or _PRIORITY[kind] < _PRIORITY[best]):
                best = kind
            for parent in parents.get(current, ()):
                if parent not in seen:
                    seen.add(parent)
                    todo.append(parent)
        if best is not None:
            found[cls] = best
    return found


def project(kg: KnowledgeGraph) -> nx.MultiDiGraph:
    """Project the RDF graph onto a NetworkX ``MultiDiGraph`` for planning and drawing.

    Raises
    ------
    ValidationError
        A number that is not a number (``"sixteen"`` hours), a negative one, a level outside
        1..5, months that are not a whole number >= 1; the message names the entity, the
        property and the file.

    Examples
    --------
    >>> from certpath.graph import load
    >>> G = project(load())
    >>> G.nodes["https://w3id.org/certpath/data/cspo"]["kind"]
    'offer'
    """
    keys = _Keys(kg)
    graph = nx.MultiDiGraph()
    kind_of_class = _kinds_by_class(kg)
    kinds: dict[str, str] = {}
    offer_types: dict[str, str] = {}
    for quad in _quads(kg, RDF_TYPE):
        node = quad.subject
        if isinstance(node, ox.NamedNode) and node.value.startswith(CP_NS):
            continue  # the vocabulary's own individuals (delivery modes)
        cls = quad.object.value
        kind = kind_of_class.get(cls)
        if kind is None:
            continue
        key = keys(node)
        known = kinds.get(key)
        if known is None or _PRIORITY[kind] < _PRIORITY[known]:
            kinds[key] = kind
        if cls in _OFFER_TYPE:
            offer_types[key] = min(offer_types.get(key, "course"), _OFFER_TYPE[cls])
    for key in sorted(kinds):
        attrs: dict[str, Any] = {"kind": kinds[key]}
        if kinds[key] == "offer":
            attrs["offer_type"] = offer_types.get(key, "offer")
        graph.add_node(key, **attrs)
    _add_labels(kg, keys, graph)
    _add_offer_attributes(kg, keys, graph)
    _add_levelled_edges(kg, keys, graph)
    _add_plain_edges(kg, keys, graph)
    _add_counts(kg, keys, graph)
    _add_generated_labels(graph)
    return graph


def _add_labels(kg: KnowledgeGraph, keys: _Keys, graph: nx.MultiDiGraph) -> None:
    best: dict[str, tuple[int, str]] = {}
    for prop, rank in ((SKOS_PREFLABEL, 0), (RDFS_LABEL, 2)):
        for quad in _quads(kg, prop):
            node, lit = quad.subject, quad.object
            if not isinstance(lit, ox.Literal) or isinstance(node, ox.Literal):
                continue
            key = keys(node) if isinstance(node, ox.BlankNode) else node.value
            if key not in graph:
                continue
            rank_key = (rank if (lit.language or "en").startswith("en") else rank + 1, lit.value)
            if rank_key < best.get(key, (9, "")):
                best[key] = rank_key
    for node, data in graph.nodes(data=True):
        if node in best:
            data["label"] = best[node][1]
        elif not node.startswith("_:") and data["kind"] not in ("group", "experience"):
            data["label"] = curie(node).rsplit("/", 1)[-1]  # groups get a label from content


def _offers(graph: nx.MultiDiGraph) -> set[str]:
    return {n for n, d in graph.nodes(data=True) if d["kind"] == "offer"}


def _add_offer_attributes(kg: KnowledgeGraph, keys: _Keys, graph: nx.MultiDiGraph) -> None:
    offers = _offers(graph)
    for node in offers:
        graph.nodes[node].update(
            hours=0.0, cost=0.0, currency=None, provider=None, delivery=(), validity_months=None
        )
    for prop, name, integer in (
        (CP.durationHours, "hours", False),
        (CP.cost, "cost", False),
        (CP.validityMonths, "validity_months", True),
    ):
        for quad in _quads(kg, prop):
            key = keys(quad.subject)
            if key in offers:
                graph.nodes[key][name] = _number(
                    keys, quad.object, quad.subject, prop, integer=integer
                )
    for quad in _quads(kg, CP.currency):
        key = keys(quad.subject)
        if key in offers:
            graph.nodes[key]["currency"] = quad.object.value
    providers: dict[str, list[str]] = defaultdict(list)
    for quad in _quads(kg, CP.offeredBy):
        key = keys(quad.subject)
        if key in offers:
            providers[key].append(keys(quad.object))
    for key, found in providers.items():
        graph.nodes[key]["provider"] = min(found)
    modes: dict[str, set[str]] = defaultdict(set)
    for quad in _quads(kg, CP.deliveryMode):
        key = keys(quad.subject)
        if key in offers and isinstance(quad.object, ox.NamedNode):
            modes[key].add(quad.object.value.removeprefix(CP_NS))
    for key, mode_names in modes.items():
        graph.nodes[key]["delivery"] = tuple(sorted(mode_names))


def _qualified_levels(kg: KnowledgeGraph, keys: _Keys) -> dict[str, dict[tuple[str, str], int]]:
    """Per qualified link, (entity, competency) → highest level its nodes state (1 if unstated)."""
    competency_of = {q.subject: keys(q.object) for q in _quads(kg, CP.competency)}
    level_of = {q.subject: _level(keys, q.object, q.subject) for q in _quads(kg, CP.level)}
    found: dict[str, dict[tuple[str, str], int]] = {}
    for link in (CP.qualifiedRequirement, CP.qualifiedOutcome):
        levels = found.setdefault(link, {})
        for quad in _quads(kg, link):
            qualified = quad.object
            if qualified in competency_of:
                key = (keys(quad.subject), competency_of[qualified])
                levels[key] = max(levels.get(key, 0), level_of.get(qualified, 1))
    return found


def _ensure(graph: nx.MultiDiGraph, node: str, kind: str) -> None:
    if node not in graph:
        label = node if node.startswith(('"', "_:")) else curie(node).rsplit("/", 1)[-1]
        graph.add_node(node, kind=kind, label=label)


def _add_levelled_edges(kg: KnowledgeGraph, keys: _Keys, graph: nx.MultiDiGraph) -> None:
    qualified = _qualified_levels(kg, keys)
    requirement_levels = qualified[CP.qualifiedRequirement]
    outcome_levels = qualified[CP.qualifiedOutcome]
    for prop, name, levels in (
        (CP.requires, "requires", requirement_levels),
        (CP.recommends, "recommends", requirement_levels),
        (CP.teaches, "teaches", outcome_levels),
    ):
        for quad in _quads(kg, prop):
            subject = keys(quad.subject)
            if subject not in graph or isinstance(quad.object, ox.Literal):
                continue
            competency = keys(quad.object)
            _ensure(graph, competency, "competency")
            level = levels.get((subject, competency), 1)
            graph.add_edge(subject, competency, key=name, level=level)


def _add_plain_edges(kg: KnowledgeGraph, keys: _Keys, graph: nx.MultiDiGraph) -> None:
    for quad in _quads(kg, SKOS_BROADER):
        subject = keys(quad.subject)
        if graph.nodes.get(subject, {}).get("kind") == "competency" and not isinstance(
            quad.object, ox.Literal
        ):
            broader = keys(quad.object)
            _ensure(graph, broader, "competency")
            graph.add_edge(subject, broader, key="broader")
    for prop, name in (
        (CP.prerequisite, "prerequisite"),
        (CP.member, "member"),
        (CP.requiresExperience, "requiresExperience"),
        (CP.role, "role"),
        (CP.leadsTo, "leadsTo"),
        (CP.offeredBy, "offeredBy"),
        (CP.framework, "framework"),
    ):
        for quad in _quads(kg, prop):
            subject = keys(quad.subject)
            if subject in graph:
                obj = keys(quad.object)
                _ensure(graph, obj, "unknown")
                graph.add_edge(subject, obj, key=name)


def _add_counts(kg: KnowledgeGraph, keys: _Keys, graph: nx.MultiDiGraph) -> None:
    """``min_count`` of groups and ``months`` of experience requirements."""
    for prop, name, kind in (
        (CP.minCount, "min_count", "group"),
        (CP.months, "months", "experience"),
    ):
        for quad in _quads(kg, prop):
            key = keys(quad.subject)
            if graph.nodes.get(key, {}).get("kind") != kind:
                continue
            value = _number(keys, quad.object, quad.subject, prop, integer=True)
            if kind == "experience" and value < 1:
                raise _invalid(keys, quad.subject, prop, f"'{value}' is not a whole number >= 1")
            data = graph.nodes[key]
            data[name] = max(value, data.get(name, value))
    for _, data in graph.nodes(data=True):
        if data["kind"] == "group":
            data.setdefault("min_count", 1)


def _add_generated_labels(graph: nx.MultiDiGraph) -> None:
    """Labels for groups and experience requirements that state none (blank nodes mostly)."""
    for node, data in graph.nodes(data=True):
        if "label" in data:
            continue
        if data["kind"] == "group":
            members = sorted(
                graph.nodes[v].get("label", v)
                for _, v, k in graph.out_edges(node, keys=True)
                if k == "member"
            )
            need = data.get("min_count", 1)
            head = "one of" if need == 1 else f"at least {need} of"
            data["label"] = f"{head}: {', '.join(members)}"
        elif data["kind"] == "experience":
            roles = sorted(
                graph.nodes[v].get("label", v)
                for _, v, k in graph.out_edges(node, keys=True)
                if k == "role"
            )
            data["label"] = f"{data.get('months', '?')} months as {' / '.join(roles) or '?'}"
        else:
            data["label"] = node


def project_neighbourhood(
    kg: KnowledgeGraph,
    targets: Iterable[str],
    *,
    have: Iterable[str] = (),
    holds: Iterable[str] = (),
    include: Iterable[str] = (),
) -> nx.MultiDiGraph:
    """Project only what a question about *targets* can touch, for large or remote graphs.

    *include* names offers a plan must contain (they and their prerequisites are read too).

    See :func:`certpath.neighbourhood.neighbourhood`: the neighbourhood's triples are copied into
    a small store and projected by :func:`project`, so both projections agree by construction.

    Examples
    --------
    >>> from certpath.graph import load
    >>> G = project_neighbourhood(load(), ["https://w3id.org/certpath/data/safe-product-owner"])
    >>> "https://w3id.org/certpath/data/safe-popm-cert" in G
    True
    """
    from certpath.neighbourhood import neighbourhood

    small = neighbourhood(kg.triple_source(), targets, have=have, holds=holds, include=include)
    return project(small)
