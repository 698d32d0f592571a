"""Validation: the SHACL shapes plus the checks SHACL cannot express well.

The extra checks are prerequisite and ``skos:broader`` cycles (reported as the cycle, in order),
references to entities that nothing defines, prices in several currencies, and (as a warning)
role requirements that no learning opportunity teaches at a high enough level.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import asdict, dataclass, field
from typing import Any

import pyoxigraph as ox

from certpath.graph import KnowledgeGraph, shapes_file
from certpath.namespaces import CP, CP_NS, SKOS_BROADER, curie

VIOLATION = "violation"
WARNING = "warning"


@dataclass(frozen=True, order=True)
class Violation:
    """One finding: the node at fault, the property, a readable message and where it comes from."""

    focus: str
    path: str | None
    message: str
    severity: str = VIOLATION
    source: str = ""
    value: str | None = None

    def to_text(self) -> str:
        """One line for people: focus, property, message."""
        where = f"{self.focus} {self.path}" if self.path else self.focus
        value = f" (value: {self.value})" if self.value is not None else ""
        return f"{self.severity}: {where}: {self.message}{value}"


def _finding_order(finding: Violation) -> tuple[str, str, str, str, str, str]:
    """Sort key of a finding: SHACL may report one without a property path (None)."""
    return (
        finding.focus,
        finding.path or "",
        finding.message,
        finding.severity,
        finding.source,
        finding.value or "",
    )


@dataclass
class ValidationReport:
    """All findings of :func:`validate`; valid when there is no violation (warnings allowed)."""

    triples: int
    violations: list[Violation] = field(default_factory=list)
    warnings: list[Violation] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        """Whether the graph conforms."""
        return not self.violations

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form: ``{"valid", "triples", "violations": [...], "warnings": [...]}``."""
        return {
            "valid": self.valid,
            "triples": self.triples,
            "violations": [asdict(v) for v in self.violations],
            "warnings": [asdict(w) for w in self.warnings],
        }


def validate(kg: KnowledgeGraph) -> ValidationReport:
    """Check *kg* against the SHACL shapes and the graph-wide rules.

    Examples
    --------
    >>> from certpath.graph import load
    >>> validate(load()).valid
    True
    """
    custom = _dangling_references(kg) + _prerequisite_cycles(kg) + _broader_cycles(kg)
    custom += _mixed_currencies(kg) + _untaught_requirements(kg)
    # A dangling value is reported once, by the custom check, not again by SHACL's sh:class.
    dangling = {(v.focus, v.path, v.value) for v in custom if v.source == "undefined-reference"}
    shacl = [v for v in _shacl_findings(kg) if (v.focus, v.path, v.value) not in dangling]
    report = ValidationReport(triples=len(kg))
    for item in shacl + custom:
        (report.violations if item.severity == VIOLATION else report.warnings).append(item)
    report.violations = sorted(set(report.violations), key=_finding_order)
    report.warnings = sorted(set(report.warnings), key=_finding_order)
    return report


def _describe(kg: KnowledgeGraph, term: Any) -> str:
    """Name a node for people; a blank node by the entity and property that point to it."""
    if isinstance(term, ox.NamedNode):
        return curie(term.value)
    if isinstance(term, ox.BlankNode):
        for quad in kg.quads(None, None, term):
            return f"{_describe(kg, quad.subject)} {curie(quad.predicate.value)} [...]"
        return "[blank node]"
    if isinstance(term, ox.Literal):
        return f'"{term.value}"'
    return str(term)


def _shacl_findings(kg: KnowledgeGraph) -> list[Violation]:
    import logging

    import pyshacl
    import rdflib

    data = rdflib.Graph()
    rdflib_log = logging.getLogger("rdflib")
    level = rdflib_log.level
    # rdflib logs a traceback for each ill-typed literal; SHACL reports them as violations instead.
    rdflib_log.setLevel(logging.CRITICAL)
    try:
        dump = kg.store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph())
        data.parse(data=dump, format="nt")
        shapes = rdflib.Graph().parse(shapes_file(), format="turtle")
        _, results, _ = pyshacl.validate(
            data, shacl_graph=shapes, inference="none", allow_warnings=True, advanced=True
        )
    finally:
        rdflib_log.setLevel(level)
    sh = rdflib.Namespace("http://www.w3.org/ns/shacl#")
    findings = []
    for result in results.subjects(rdflib.RDF.type, sh.ValidationResult):
        path = results.value(result, sh.resultPath)
        value = results.value(result, sh.value)
        message = results.value(result, sh.resultMessage)
        severity = results.value(result, sh.resultSeverity)
        shape = _named_shape(shapes, results.value(result, sh.sourceShape))
        findings.append(
            Violation(
                focus=_describe_rdflib(data, results.value(result, sh.focusNode)),
                path=curie(str(path)) if isinstance(path, rdflib.URIRef) else None,
                message=str(message or "does not conform"),
                severity=VIOLATION if severity == sh.Violation else WARNING,
                source=curie(shape),
                value=_describe_rdflib(data, value) if value is not None else None,
            )
        )
    return findings


def _describe_rdflib(data: Any, term: Any) -> str:
    import rdflib

    if isinstance(term, rdflib.URIRef):
        return curie(str(term))
    if isinstance(term, rdflib.BNode):
        for subject, predicate in data.subject_predicates(term):
            return f"{_describe_rdflib(data, subject)} {curie(str(predicate))} [...]"
        return "[blank node]"
    return f'"{term}"'


def _named_shape(shapes: Any, shape: Any) -> str:
    """The node shape that owns a (blank) property shape, for a stable name."""
    import rdflib

    sh = rdflib.Namespace("http://www.w3.org/ns/shacl#")
    if isinstance(shape, rdflib.URIRef):
        return str(shape)
    for predicate in (sh.property, sh.sparql):
        owner = shapes.value(predicate=predicate, object=shape)
        if isinstance(owner, rdflib.URIRef):
            return str(owner)
    return ""


_REFERENCE_PROPERTIES = [
    CP.requires,
    CP.recommends,
    CP.teaches,
    CP.competency,
    CP.prerequisite,
    CP.member,
    CP.recommendedBefore,
    CP.leadsTo,
    CP.offeredBy,
    CP.framework,
    CP.deliveryMode,
    CP.holds,
    CP.hasCompetency,
]


def _dangling_references(kg: KnowledgeGraph) -> list[Violation]:
    values = " ".join(f"<{p}>" for p in _REFERENCE_PROPERTIES)
    query = f"""
    SELECT ?s ?p ?o WHERE {{
      {{ VALUES ?p {{ {values} }} ?s ?p ?o }}
      UNION {{ ?s a cp:Competency . BIND(skos:broader AS ?p) ?s ?p ?o }}
      FILTER(isIRI(?o))
      OPTIONAL {{ ?o a ?type }}
      FILTER(!BOUND(?type))
    }}"""
    return [
        Violation(
            focus=_describe(kg, row["s"]),
            path=curie(row["p"].value),
            message=f"refers to {curie(row['o'].value)}, which nothing defines (no rdf:type)",
            source="undefined-reference",
            value=curie(row["o"].value),
        )
        for row in kg.select(query)
    ]


def _cycles(edges: list[tuple[str, str]], what: str, path: str) -> list[Violation]:
    import networkx as nx

    graph = nx.DiGraph(edges)
    findings = []
    for component in nx.strongly_connected_components(graph):
        start = min(component)
        if len(component) == 1 and not graph.has_edge(start, start):
            continue
        cycle = [u for u, _ in nx.find_cycle(graph.subgraph(component), source=start)]
        shown = " → ".join(curie(n) for n in [*cycle, cycle[0]])
        findings.append(
            Violation(focus=curie(cycle[0]), path=path, message=f"{what}: {shown}", source=what)
        )
    return findings


def _prerequisite_cycles(kg: KnowledgeGraph) -> list[Violation]:
    query = """
    SELECT ?a ?b WHERE {
      ?a cp:prerequisite ?b . ?b a ?t .
      ?t rdfs:subClassOf* cp:LearningOpportunity .
    }"""
    edges = [(r["a"].value, r["b"].value) for r in kg.select(query) if _named(r["a"], r["b"])]
    return _cycles(edges, "prerequisite cycle", curie(CP.prerequisite))


def _broader_cycles(kg: KnowledgeGraph) -> list[Violation]:
    return _cycles(kg.pairs(SKOS_BROADER), "broader cycle", "skos:broader")


def _named(*terms: Any) -> bool:
    return all(isinstance(t, ox.NamedNode) for t in terms)


def _mixed_currencies(kg: KnowledgeGraph) -> list[Violation]:
    rows = list(
        kg.select(
            "SELECT ?cur (COUNT(DISTINCT ?o) AS ?n) (MIN(?o) AS ?first) "
            "WHERE { ?o cp:currency ?cur } GROUP BY ?cur ORDER BY ?cur"
        )
    )
    if len(rows) < 2:
        return []
    counts = ", ".join(f"{r['cur'].value}: {r['n'].value}" for r in rows)
    return [
        Violation(
            focus=curie(rows[0]["first"].value),
            path=curie(CP.currency),
            message=f"prices are in several currencies ({counts}); money cannot be added across "
            "them without a rate",
            source="mixed-currencies",
        )
    ]


def _untaught_requirements(kg: KnowledgeGraph) -> list[Violation]:
    """Warn about (role, competency, level) that no offer teaches at that level or above."""
    best_taught: dict[str, int] = defaultdict(int)
    query = """
    SELECT ?c (MAX(COALESCE(?lv, 1)) AS ?level) WHERE {
      ?o cp:teaches ?c .
      OPTIONAL { ?o cp:qualifiedOutcome ?q . ?q cp:competency ?c ; cp:level ?lv }
    } GROUP BY ?c"""
    for row in kg.select(query):
        best_taught[row["c"].value] = _as_level(row["level"])
    broader: dict[str, list[str]] = defaultdict(list)
    for narrower, broader_one in kg.pairs(SKOS_BROADER):
        broader[narrower].append(broader_one)
    # A competency is taught at level L when it, or any narrower one, is taught at level >= L.
    reach: dict[str, int] = defaultdict(int)
    for competency, level in best_taught.items():
        stack, seen = [competency], {competency}
        while stack:
            node = stack.pop()
            reach[node] = max(reach[node], level)
            for up in broader[node]:
                if up not in seen:
                    seen.add(up)
                    stack.append(up)
    query = """
    SELECT ?role ?c (MAX(COALESCE(?lv, 1)) AS ?level) WHERE {
      ?role cp:requires ?c .
      OPTIONAL { ?role cp:qualifiedRequirement ?q . ?q cp:competency ?c ; cp:level ?lv }
    } GROUP BY ?role ?c"""
    findings = []
    for row in kg.select(query):
        needed = _as_level(row["level"])
        if reach[row["c"].value] < needed:
            taught = reach[row["c"].value]
            how = f"above level {taught}" if taught else "at any level"
            findings.append(
                Violation(
                    focus=curie(row["role"].value),
                    path=curie(CP_NS + "requires"),
                    message=f"needs {curie(row['c'].value)} at level {needed}, but no learning "
                    f"opportunity teaches it {how}",
                    severity=WARNING,
                    source="untaught-requirement",
                    value=curie(row["c"].value),
                )
            )
    return findings


def _as_level(term: Any) -> int:
    """A level literal as an int; an ill-typed one (reported by SHACL) counts as 1."""
    try:
        return int(term.value)
    except (AttributeError, ValueError):
        return 1
