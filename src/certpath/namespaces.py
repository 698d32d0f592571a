"""Namespaces and prefixes, declared once for the whole package.

Terms are plain IRI strings so that modules which never touch rdflib (the planner, the one-shot
CLI path) do not pay for importing it. ``tests/test_namespaces.py`` checks that :class:`CP` and
``ontology/certpath.ttl`` define the same terms.
"""

from __future__ import annotations

from typing import Final

CP_NS: Final = "https://w3id.org/certpath/ontology#"
CPD_NS: Final = "https://w3id.org/certpath/data/"
ONTOLOGY_IRI: Final = "https://w3id.org/certpath/ontology"


class CP:
    """The certpath vocabulary, closed: a misspelt term is an AttributeError and a mypy error."""

    # classes
    Role: Final = CP_NS + "Role"
    Competency: Final = CP_NS + "Competency"
    LearningOpportunity: Final = CP_NS + "LearningOpportunity"
    Certification: Final = CP_NS + "Certification"
    Course: Final = CP_NS + "Course"
    Provider: Final = CP_NS + "Provider"
    Framework: Final = CP_NS + "Framework"
    Requirement: Final = CP_NS + "Requirement"
    Outcome: Final = CP_NS + "Outcome"
    PrerequisiteGroup: Final = CP_NS + "PrerequisiteGroup"
    ExperienceRequirement: Final = CP_NS + "ExperienceRequirement"
    Person: Final = CP_NS + "Person"
    DeliveryMode: Final = CP_NS + "DeliveryMode"
    # delivery modes
    Classroom: Final = CP_NS + "Classroom"
    LiveOnline: Final = CP_NS + "LiveOnline"
    SelfPaced: Final = CP_NS + "SelfPaced"
    AssessmentOnly: Final = CP_NS + "AssessmentOnly"
    # object properties
    requires: Final = CP_NS + "requires"
    recommends: Final = CP_NS + "recommends"
    qualifiedRequirement: Final = CP_NS + "qualifiedRequirement"
    teaches: Final = CP_NS + "teaches"
    qualifiedOutcome: Final = CP_NS + "qualifiedOutcome"
    competency: Final = CP_NS + "competency"
    prerequisite: Final = CP_NS + "prerequisite"
    member: Final = CP_NS + "member"
    recommendedBefore: Final = CP_NS + "recommendedBefore"
    leadsTo: Final = CP_NS + "leadsTo"
    offeredBy: Final = CP_NS + "offeredBy"
    framework: Final = CP_NS + "framework"
    deliveryMode: Final = CP_NS + "deliveryMode"
    hasCompetency: Final = CP_NS + "hasCompetency"
    qualifiedHolding: Final = CP_NS + "qualifiedHolding"
    holds: Final = CP_NS + "holds"
    role: Final = CP_NS + "role"
    requiresExperience: Final = CP_NS + "requiresExperience"
    hasExperience: Final = CP_NS + "hasExperience"
    # datatype properties
    level: Final = CP_NS + "level"
    minCount: Final = CP_NS + "minCount"
    durationHours: Final = CP_NS + "durationHours"
    cost: Final = CP_NS + "cost"
    currency: Final = CP_NS + "currency"
    validityMonths: Final = CP_NS + "validityMonths"
    months: Final = CP_NS + "months"
    sourceKind: Final = CP_NS + "sourceKind"
    # annotations
    skillType: Final = CP_NS + "skillType"
    reuseLevel: Final = CP_NS + "reuseLevel"


RDF_TYPE: Final = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDFS_LABEL: Final = "http://www.w3.org/2000/01/rdf-schema#label"
RDFS_COMMENT: Final = "http://www.w3.org/2000/01/rdf-schema#comment"
RDFS_SUBCLASSOF: Final = "http://www.w3.org/2000/01/rdf-schema#subClassOf"
SKOS_NS: Final = "http://www.w3.org/2004/02/skos/core#"
SKOS_PREFLABEL: Final = SKOS_NS + "prefLabel"
SKOS_ALTLABEL: Final = SKOS_NS + "altLabel"
SKOS_HIDDENLABEL: Final = SKOS_NS + "hiddenLabel"
SKOS_DEFINITION: Final = SKOS_NS + "definition"
SKOS_BROADER: Final = SKOS_NS + "broader"
#: Properties whose literal values name an entity.
LABEL_LIKE: Final = frozenset({SKOS_PREFLABEL, SKOS_ALTLABEL, SKOS_HIDDENLABEL, RDFS_LABEL})
DCTERMS_SOURCE: Final = "http://purl.org/dc/terms/source"
DCTERMS_MODIFIED: Final = "http://purl.org/dc/terms/modified"
XSD_NS: Final = "http://www.w3.org/2001/XMLSchema#"

#: Prefixes predeclared for queries and used to shorten IRIs for people (longest namespace wins).
PREFIXES: Final[dict[str, str]] = {
    "cp": CP_NS,
    "cpd": CPD_NS,
    "skos": SKOS_NS,
    "schema": "https://schema.org/",
    "dcterms": "http://purl.org/dc/terms/",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "xsd": XSD_NS,
    "esco": "http://data.europa.eu/esco/model#",
    "escoocc": "http://data.europa.eu/esco/occupation/",
    "escoskill": "http://data.europa.eu/esco/skill/",
    "sh": "http://www.w3.org/ns/shacl#",
    "cps": "https://w3id.org/certpath/shapes#",
}


def sparql_prologue() -> str:
    """Return ``PREFIX`` lines for every entry of :data:`PREFIXES`.

    >>> sparql_prologue().splitlines()[0]
    'PREFIX cp: <https://w3id.org/certpath/ontology#>'
    """
    return "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in PREFIXES.items())


def curie(iri: str) -> str:
    """Shorten *iri* with the longest matching prefix of :data:`PREFIXES`; unchanged if none.

    >>> curie("https://w3id.org/certpath/data/cspo")
    'cpd:cspo'
    >>> curie("http://example.org/x")
    'http://example.org/x'
    """
    best = ""
    for prefix, ns in PREFIXES.items():
        if iri.startswith(ns) and len(ns) > len(PREFIXES.get(best, "")):
            local = iri[len(ns) :]
            if local and all(ch.isalnum() or ch in "-_." for ch in local):
                best = prefix
    return f"{best}:{iri[len(PREFIXES[best]) :]}" if best else iri


def expand_curie(name: str) -> str | None:
    """Expand ``prefix:local`` with :data:`PREFIXES`; ``None`` when the prefix is unknown.

    >>> expand_curie("cpd:cspo")
    'https://w3id.org/certpath/data/cspo'
    >>> expand_curie("nope:x") is None
    True
    """
    prefix, sep, local = name.partition(":")
    if not sep or prefix not in PREFIXES or local.startswith("//"):
        return None
    return PREFIXES[prefix] + local
