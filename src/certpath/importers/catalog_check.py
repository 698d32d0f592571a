"""Validating what a catalog adds, with what it references, not the whole loaded graph.

The shapes are local to an entity: an offer's shape reads the offer, its outcome nodes and the
types of what it points to. So a catalog is checked on a small graph (the *scope*) instead of
the loaded data plus the catalog (400,000 triples with ESCO, 37 s of SHACL for a one-row
catalog):

- the ontology (classes and their ``rdfs:subClassOf``);
- the catalog's triples;
- the description in the loaded data of every entity the catalog names (its triples, with the
  blank nodes they reach), and the types of everything those descriptions name, so ``sh:class``
  and the undefined-reference check see what they need;
- the prerequisite chains the catalog's prerequisites start in the loaded data (a cycle
  through a new offer runs through them);
- one offer of each currency the loaded data uses (prices in several currencies are an error).

:func:`validate_catalog` runs :func:`certpath.validate.validate` on the scope and keeps what is
about the catalog: findings whose focus is a catalog entity or one of its blank nodes, cycles
through a catalog entity, and mixed currencies. What was already wrong in the loaded data is
``certpath validate``'s to report, not the importer's.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable

import pyoxigraph as ox

from certpath.graph import KnowledgeGraph, ontology_files
from certpath.namespaces import CP, RDF_TYPE, curie
from certpath.parsing import parse_file
from certpath.validate import ValidationReport, Violation, validate

__all__ = ["scope", "validate_catalog"]

_PREREQUISITE_LINKS = (CP.prerequisite, CP.member)


def _describe(kg: KnowledgeGraph, subject: ox.NamedNode | ox.BlankNode) -> list[ox.Quad]:
    """*subject*'s triples in *kg*, with those of the blank nodes they reach."""
    found: list[ox.Quad] = []
    stack: list[ox.NamedNode | ox.BlankNode] = [subject]
    seen = {subject}
    while stack:
        for quad in kg.quads(stack.pop(), None, None):
            found.append(quad)
            obj = quad.object
            if isinstance(obj, ox.BlankNode) and obj not in seen:
                seen.add(obj)
                stack.append(obj)
    return found


def _named(quads: Iterable[ox.Quad]) -> set[ox.NamedNode]:
    """The IRIs *quads* mention as subject or object (not as predicate)."""
    names: set[ox.NamedNode] = set()
    for quad in quads:
        for term in (quad.subject, quad.object):
            if isinstance(term, ox.NamedNode):
                names.add(term)
    return names


def _prerequisite_chains(kg: KnowledgeGraph, starts: set[ox.NamedNode]) -> list[ox.Quad]:
    """Descriptions of everything reachable from *starts* over prerequisites and members."""
    found: list[ox.Quad] = []
    stack = list(starts)
    seen = set(starts)
    while stack:
        described = _describe(kg, stack.pop())
        found.extend(described)
        for quad in described:
            obj = quad.object
            if quad.predicate.value in _PREREQUISITE_LINKS and isinstance(obj, ox.NamedNode):
                if obj not in seen:
                    seen.add(obj)
                    stack.append(obj)
    return found


def _one_offer_per_currency(kg: KnowledgeGraph) -> list[ox.Quad]:
    rows = kg.select(
        "SELECT ?cur (MIN(STR(?o)) AS ?offer) WHERE { ?o cp:currency ?cur FILTER(isIRI(?o)) } "
        "GROUP BY ?cur"
    )
    found: list[ox.Quad] = []
    for row in rows:
        found.extend(_describe(kg, ox.NamedNode(row["offer"].value)))
    return found


def scope(kg: KnowledgeGraph, added: list[ox.Quad]) -> KnowledgeGraph:
    """The small graph the catalog's triples *added* are validated in (module docstring)."""
    store = ox.Store()
    for path in ontology_files():
        parse_file(store, path)
    named = _named(added)
    context: list[ox.Quad] = []
    for iri in named:
        context.extend(_describe(kg, iri))
    starts = {
        q.object
        for q in added
        if q.predicate.value in _PREREQUISITE_LINKS and isinstance(q.object, ox.NamedNode)
    }
    context.extend(_prerequisite_chains(kg, starts))
    context.extend(_one_offer_per_currency(kg))
    rdf_type = ox.NamedNode(RDF_TYPE)
    for iri in _named(context) - named:
        context.extend(kg.quads(iri, rdf_type, None))
    store.extend([ox.Quad(q.subject, q.predicate, q.object) for q in context])
    store.extend([ox.Quad(q.subject, q.predicate, q.object) for q in added])
    return KnowledgeGraph(store)


def _about_catalog(finding: Violation, names: set[str]) -> bool:
    """Whether *finding* is about one of the catalog's entities (CURIEs in *names*)."""
    if finding.source == "mixed-currencies":
        return True
    if finding.focus in names or finding.focus.split(" ", 1)[0] in names:
        return True
    if finding.source.endswith("cycle"):
        return bool(names & set(re.findall(r"[^\s→:]+:[^\s→]+", finding.message)))
    return False


def _counted(kg: KnowledgeGraph, added: list[ox.Quad], finding: Violation) -> Violation:
    """The mixed-currency finding with the offers counted in the loaded data plus the catalog
    (the scope holds one offer per currency)."""
    offers: dict[str, set[str]] = {}
    rows = kg.select("SELECT ?o ?cur WHERE { ?o cp:currency ?cur }")
    pairs = [(str(r["o"]), r["cur"].value) for r in rows]
    pairs += [
        (str(q.subject), q.object.value)
        for q in added
        if q.predicate.value == CP.currency and isinstance(q.object, ox.Literal)
    ]
    for offer, currency in pairs:
        offers.setdefault(currency, set()).add(offer)
    counts = ", ".join(f"{cur}: {len(offers[cur])}" for cur in sorted(offers))
    message = re.sub(r"\(([^)]*)\)", f"({counts})", finding.message, count=1)
    return dataclasses.replace(finding, message=message)


def validate_catalog(kg: KnowledgeGraph, added: list[ox.Quad]) -> ValidationReport:
    """Validate the catalog's triples *added* with what they reference in *kg*.

    Returns the report of :func:`certpath.validate.validate` on :func:`scope`, keeping only the
    findings about the catalog (see the module docstring).

    Examples
    --------
    >>> from certpath.graph import load
    >>> offer = ox.NamedNode("https://w3id.org/certpath/data/new-course")
    >>> quads = [ox.Quad(offer, ox.NamedNode(RDF_TYPE), ox.NamedNode(CP.Course)),
    ...          ox.Quad(offer, ox.NamedNode(CP.cost), ox.Literal("-5", datatype=ox.NamedNode(
    ...              "http://www.w3.org/2001/XMLSchema#decimal")))]
    >>> report = validate_catalog(load(), quads)
    >>> report.valid, sorted({v.focus for v in report.violations})
    (False, ['cpd:new-course'])
    """
    names = {curie(s.value) for s in {q.subject for q in added} if isinstance(s, ox.NamedNode)}
    report = validate(scope(kg, added))
    report.violations = [
        _counted(kg, added, v) if v.source == "mixed-currencies" else v
        for v in report.violations
        if _about_catalog(v, names)
    ]
    report.warnings = [w for w in report.warnings if _about_catalog(w, names)]
    return report
