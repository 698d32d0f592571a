"""A small synthetic catalogue in every form the contract allows, for the store tests.

Several files in the four RDF formats (Turtle, N-Triples, JSON-LD, RDF/XML); qualified
requirements and outcomes as blank nodes and as IRIs; prerequisite groups as blank nodes and as
IRIs, with offers and competencies as members; a competency hierarchy; people with holdings.
Deterministic for a seed.
"""

from __future__ import annotations

import random
from pathlib import Path

import pyoxigraph as ox

from certpath.namespaces import CP, CP_NS, CPD_NS, RDF_TYPE, SKOS_BROADER, SKOS_PREFLABEL

XSD = "http://www.w3.org/2001/XMLSchema#"
SOURCE = "http://purl.org/dc/terms/source"


def _n(local: str) -> ox.NamedNode:
    return ox.NamedNode(CPD_NS + local)


def _p(name: str) -> ox.NamedNode:
    return ox.NamedNode(CP_NS + name)


def _int(value: int) -> ox.Literal:
    return ox.Literal(str(value), datatype=ox.NamedNode(XSD + "integer"))


def _dec(value: float) -> ox.Literal:
    return ox.Literal(f"{value:.1f}", datatype=ox.NamedNode(XSD + "decimal"))


def write_synthetic(
    folder: Path, *, roles: int = 12, competencies: int = 60, offers: int = 40, seed: int = 7
) -> list[Path]:
    """Write the catalogue into *folder*; returns the files (four formats)."""
    rng = random.Random(seed)
    a, label = ox.NamedNode(RDF_TYPE), ox.NamedNode(SKOS_PREFLABEL)
    parts: dict[str, list[ox.Triple]] = {
        "competencies": [],
        "offers": [],
        "roles": [],
        "people": [],
    }

    def t(part: str, s: ox.NamedNode | ox.BlankNode, p: ox.NamedNode, o: object) -> None:
        parts[part].append(ox.Triple(s, p, o))  # type: ignore[arg-type]

    comps = [_n(f"sc{i}") for i in range(competencies)]
    for i, c in enumerate(comps):
        t("competencies", c, a, ox.NamedNode(CP.Competency))
        t("competencies", c, label, ox.Literal(f"Skill {i}", language="en"))
        t("competencies", c, ox.NamedNode(SOURCE), ox.NamedNode(f"https://example.org/sc{i}"))
        if i >= 6:
            t("competencies", c, ox.NamedNode(SKOS_BROADER), comps[rng.randrange(0, i // 2 + 1)])
    provider = _n("sprov")
    t("people", provider, a, ox.NamedNode(CP.Provider))
    t("people", provider, label, ox.Literal("Synthetic provider", language="en"))
    offer_nodes = [_n(f"so{i}") for i in range(offers)]
    for i, o in enumerate(offer_nodes):
        t("offers", o, a, ox.NamedNode(CP.Certification if i % 2 else CP.Course))
        t("offers", o, label, ox.Literal(f"Offer {i}", language="en"))
        t("offers", o, _p("offeredBy"), provider)
        t("offers", o, _p("durationHours"), _dec(rng.randint(4, 40)))
        t("offers", o, _p("cost"), _dec(rng.randint(0, 30) * 50))
        t("offers", o, _p("currency"), ox.Literal("USD"))
        for j, c in enumerate(rng.sample(comps, rng.randint(1, 4))):
            node: ox.NamedNode | ox.BlankNode = ox.BlankNode() if j % 2 == 0 else _n(f"so{i}-o{j}")
            t("offers", o, _p("qualifiedOutcome"), node)
            t("offers", node, _p("competency"), c)
            t("offers", node, _p("level"), _int(rng.randint(1, 5)))
        if i >= 10 and rng.random() < 0.5:
            t("offers", o, _p("prerequisite"), offer_nodes[rng.randrange(0, i // 2)])
        if i >= 12 and i % 5 == 0:  # a k-of-n group (blank)
            group = ox.BlankNode()
            t("offers", o, _p("prerequisite"), group)
            t("offers", group, a, ox.NamedNode(CP.PrerequisiteGroup))
            t("offers", group, _p("minCount"), _int(1))
            for m in rng.sample(offer_nodes[: i // 2], 2):
                t("offers", group, _p("member"), m)
            if i % 10 == 0:  # a competency as a member, beside the offers
                t("offers", group, _p("member"), comps[rng.randrange(competencies)])
        if i == 14:  # a prerequisite group as an IRI
            group_iri = _n("sg14")
            t("offers", o, _p("prerequisite"), group_iri)
            t("offers", group_iri, a, ox.NamedNode(CP.PrerequisiteGroup))
            t("offers", group_iri, _p("minCount"), _int(1))
            for m in offer_nodes[:2]:
                t("offers", group_iri, _p("member"), m)
    for i in range(roles):
        r = _n(f"sr{i}")
        t("roles", r, a, ox.NamedNode(CP.Role))
        t("roles", r, label, ox.Literal(f"Synthetic role {i}", language="en"))
        for j, c in enumerate(rng.sample(comps, rng.randint(2, 6))):
            node = ox.BlankNode() if (i + j) % 2 else _n(f"sr{i}-q{j}")
            t("roles", r, _p("qualifiedRequirement"), node)
            t("roles", node, _p("competency"), c)
            t("roles", node, _p("level"), _int(rng.randint(1, 3)))
            if j == 5:
                t("roles", r, _p("recommends"), c)
    for i in range(4):
        person = _n(f"sp{i}")
        t("people", person, a, ox.NamedNode(CP.Person))
        for o in rng.sample(offer_nodes, 2):
            t("people", person, _p("holds"), o)
        holding = ox.BlankNode()
        t("people", person, _p("qualifiedHolding"), holding)
        t("people", holding, _p("competency"), comps[rng.randrange(competencies)])
        t("people", holding, _p("level"), _int(3))
    formats = {
        "competencies": ("synthetic-competencies.nt", ox.RdfFormat.N_TRIPLES),
        "offers": ("synthetic-offers.jsonld", ox.RdfFormat.JSON_LD),
        "roles": ("synthetic-roles.ttl", ox.RdfFormat.TURTLE),
        "people": ("synthetic-people.rdf", ox.RdfFormat.RDF_XML),
    }
    files = []
    folder.mkdir(parents=True, exist_ok=True)
    for part, (name, fmt) in formats.items():
        path = folder / name
        ox.serialize(parts[part], str(path), format=fmt)
        files.append(path)
    return files
