"""Reading the graph for people: everything about one entity, and counts of what was loaded."""

from __future__ import annotations

import json
from typing import Any

import pyoxigraph as ox

from certpath.graph import KnowledgeGraph
from certpath.namespaces import (
    CP,
    LABEL_LIKE,
    RDF_TYPE,
    SKOS_DEFINITION,
    curie,
)
from certpath.resolve import kind_of, label_of

#: Nodes whose content is shown inline where they are referenced, written with an IRI or not
#: (rule 6: both forms mean the same, so ``show`` shows the same).
_INLINE_CLASSES = frozenset(
    {CP.PrerequisiteGroup, CP.ExperienceRequirement, CP.Requirement, CP.Outcome}
)


def _node(kg: KnowledgeGraph, term: ox.NamedNode | ox.BlankNode, depth: int) -> dict[str, Any]:
    """The properties of a node shown inline: property CURIE -> list of values, sorted."""
    content: dict[str, list[dict[str, Any]]] = {}
    for quad in kg.quads(term):
        content.setdefault(curie(quad.predicate.value), []).append(
            _term(kg, quad.object, depth + 1)
        )
    for values in content.values():
        values.sort(key=lambda value: json.dumps(value, sort_keys=True))
    return dict(sorted(content.items()))


def _term(kg: KnowledgeGraph, term: Any, depth: int = 0) -> dict[str, Any]:
    """A JSON-ready value: IRIs with their CURIE and label, literals with datatype and language;
    groups, experience requirements and qualified nodes with their content under ``"node"``
    (each property a list), whether they are blank nodes or have an IRI."""
    if isinstance(term, ox.NamedNode):
        found: dict[str, Any] = {
            "iri": term.value,
            "curie": curie(term.value),
            "label": label_of(kg, term.value),
        }
        if depth < 3 and kg.types(term.value) & _INLINE_CLASSES:
            found["node"] = _node(kg, term, depth)
        return found
    if isinstance(term, ox.Literal):
        out: dict[str, Any] = {"value": term.value}
        if term.language:
            out["language"] = term.language
        elif term.datatype.value != "http://www.w3.org/2001/XMLSchema#string":
            out["datatype"] = curie(term.datatype.value)
        return out
    if isinstance(term, ox.BlankNode):
        return {"node": _node(kg, term, depth) if depth < 6 else {}}
    return {"value": str(term)}


def describe(kg: KnowledgeGraph, iri: str) -> dict[str, Any]:
    """Everything about *iri*: types, labels, outgoing and incoming links, levels expanded.

    Returns
    -------
    dict
        ``{"iri", "curie", "label", "kind", "types", "labels", "definition", "properties",
        "incoming"}``; ``properties`` and ``incoming`` map a property CURIE to its values. For a
        competency, ``incoming`` shows which roles need it and which offers teach it, with levels.

    Examples
    --------
    >>> from certpath.graph import load
    >>> describe(load(), "https://w3id.org/certpath/data/cspo")["kind"]
    'offer'
    """
    node = ox.NamedNode(iri)
    labels: list[dict[str, Any]] = []
    properties: dict[str, list[dict[str, Any]]] = {}
    for quad in sorted(kg.quads(node), key=str):
        prop = quad.predicate.value
        if prop in LABEL_LIKE and isinstance(quad.object, ox.Literal):
            labels.append(
                {
                    "property": curie(prop),
                    "value": quad.object.value,
                    "language": quad.object.language,
                }
            )
        elif prop != RDF_TYPE:
            properties.setdefault(curie(prop), []).append(_term(kg, quad.object))
    for values in properties.values():
        values.sort(key=lambda value: json.dumps(value, sort_keys=True))  # blank-node ids vary
    levels = _outgoing_levels(kg, iri)
    for prop in _LEVELLED:
        for entry in properties.get(curie(prop), []):
            entry["level"] = levels.get(entry["iri"], 1)
    definitions = [o.value for o in kg.objects(iri, SKOS_DEFINITION) if isinstance(o, ox.Literal)]
    return {
        "iri": iri,
        "curie": curie(iri),
        "label": label_of(kg, iri),
        "kind": kind_of(kg, iri),
        "types": sorted(curie(t) for t in kg.types(iri)),
        "labels": labels,
        "definition": definitions[0] if definitions else None,
        "properties": properties,
        "incoming": _incoming(kg, iri),
    }


def _outgoing_levels(kg: KnowledgeGraph, iri: str) -> dict[str, int]:
    """Competency → level stated by *iri*'s qualified requirements, outcomes or holdings."""
    query = (
        "SELECT ?c (MAX(COALESCE(?lv, 1)) AS ?level) WHERE { ?s ?qp ?q . ?q cp:competency ?c . "
        "OPTIONAL { ?q cp:level ?lv } FILTER(isBlank(?q) || isIRI(?q)) } GROUP BY ?c"
    )
    return {
        r["c"].value: int(r["level"].value)
        for r in kg.select(query, s=ox.NamedNode(iri))
        if r["level"].value.isdigit()
    }


def _incoming(kg: KnowledgeGraph, iri: str) -> dict[str, list[dict[str, Any]]]:
    """Who points at *iri*; links to a competency carry the level of their qualified node."""
    target = ox.NamedNode(iri)
    levels = {
        r["s"].value: int(r["level"].value)
        for r in kg.select(
            "SELECT ?s (MAX(COALESCE(?lv, 1)) AS ?level) WHERE { ?s ?qp ?q . "
            "?q cp:competency ?target . OPTIONAL { ?q cp:level ?lv } } GROUP BY ?s",
            target=target,
        )
        if r["level"].value.isdigit()
    }
    incoming: dict[str, list[dict[str, Any]]] = {}
    for row in kg.select(
        "SELECT ?s ?p WHERE { ?s ?p ?target . FILTER(isIRI(?s)) } ORDER BY ?p ?s", target=target
    ):
        prop = row["p"].value
        entry = _term(kg, row["s"])
        if prop in _LEVELLED:
            entry["level"] = levels.get(row["s"].value, 1)
        incoming.setdefault(curie(prop), []).append(entry)
    return incoming


_LEVELLED = {CP.requires, CP.recommends, CP.teaches, CP.hasCompetency}


def stats(kg: KnowledgeGraph) -> dict[str, Any]:
    """Counts by class and by property, so a user sees what they loaded.

    Examples
    --------
    >>> from certpath.graph import load
    >>> stats(load())["classes"]["cp:Role"] >= 7
    True
    """
    classes = {
        curie(r["c"].value): int(r["n"].value)
        for r in kg.select(
            "SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?c . FILTER(isIRI(?c)) } "
            "GROUP BY ?c ORDER BY DESC(?n) ?c"
        )
    }
    properties = {
        curie(r["p"].value): int(r["n"].value)
        for r in kg.select(
            "SELECT ?p (COUNT(*) AS ?n) WHERE { ?s ?p ?o } GROUP BY ?p ORDER BY DESC(?n) ?p"
        )
    }
    entities = sum(classes.get(curie(c), 0) for c in _ENTITY_CLASSES)
    return {
        "triples": len(kg),
        "entities": entities,
        "sources": [str(p) for p in kg.sources],
        "classes": classes,
        "properties": properties,
    }


_ENTITY_CLASSES = (
    CP.Role,
    CP.Competency,
    CP.Certification,
    CP.Course,
    CP.Provider,
    CP.Framework,
    CP.PrerequisiteGroup,
    CP.Person,
)

__all__ = ["describe", "stats"]
