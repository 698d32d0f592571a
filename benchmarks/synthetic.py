"""A synthetic ESCO-scale certpath graph (N-Triples), for benchmarks.

``generate(path, roles=3000, competencies=14000, offers=10000, seed=0)`` writes competencies with a
broader hierarchy, offers with 3-10 qualified outcomes, 0-3 prerequisites and some k-of-n groups,
roles with 10-30 qualified requirements, and 100 people with holdings.
"""

from __future__ import annotations

import random
from pathlib import Path

CP = "https://w3id.org/certpath/ontology#"
CPD = "https://w3id.org/certpath/data/"
SKOS = "http://www.w3.org/2004/02/skos/core#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
XSD = "http://www.w3.org/2001/XMLSchema#"
SOURCE = "http://purl.org/dc/terms/source"


def generate(
    path: Path, roles: int = 3000, competencies: int = 14000, offers: int = 10000, seed: int = 0
) -> Path:
    """Write the synthetic graph to *path* and return it."""
    rng = random.Random(seed)
    lines: list[str] = []

    def t(s: str, p: str, o: str) -> None:
        lines.append(f"{s} {p} {o} .")

    def iri(x: str) -> str:
        return f"<{x}>"

    def lit(v: object, dt: str | None = None) -> str:
        return f'"{v}"^^<{XSD}{dt}>' if dt else f'"{v}"@en'

    a, cp = iri(RDF_TYPE), lambda n: iri(CP + n)
    comp = [iri(f"{CPD}c{i}") for i in range(competencies)]
    for i, c in enumerate(comp):
        t(c, a, cp("Competency"))
        t(c, iri(SKOS + "prefLabel"), lit(f"Competency {i}"))
        t(c, iri(SOURCE), iri(f"https://example.org/c{i}"))
        if i >= 200:
            t(c, iri(SKOS + "broader"), comp[rng.randrange(0, i // 2 + 1)])
    providers = [iri(f"{CPD}p{i}") for i in range(50)]
    for p in providers:
        t(p, a, cp("Provider"))
    offer = [iri(f"{CPD}o{i}") for i in range(offers)]
    for i, o in enumerate(offer):
        t(o, a, cp("Certification" if i % 2 == 0 else "Course"))
        t(o, iri(SKOS + "prefLabel"), lit(f"Offer {i}"))
        t(o, cp("offeredBy"), rng.choice(providers))
        t(o, cp("cost"), lit(f"{rng.randint(0, 3000)}.0", "decimal"))
        t(o, cp("currency"), '"USD"')
        t(o, cp("durationHours"), lit(f"{rng.randint(1, 80)}.0", "decimal"))
        for j, c in enumerate(rng.sample(comp, rng.randint(3, 10))):
            node = iri(f"{CPD}o{i}-out{j}")
            t(o, cp("teaches"), c)
            t(o, cp("qualifiedOutcome"), node)
            t(node, a, cp("Outcome"))
            t(node, cp("competency"), c)
            t(node, cp("level"), lit(rng.randint(1, 5), "integer"))
        if i > 10:
            for pre in rng.sample(offer[:i], rng.randint(0, 3)):
                t(o, cp("prerequisite"), pre)
            if i % 20 == 0:
                group = iri(f"{CPD}g{i}")
                t(group, a, cp("PrerequisiteGroup"))
                t(group, cp("minCount"), lit(1, "integer"))
                for m in rng.sample(offer[:i], 3):
                    t(group, cp("member"), m)
                t(o, cp("prerequisite"), group)
    for i in range(roles):
        r = iri(f"{CPD}r{i}")
        t(r, a, cp("Role"))
        t(r, iri(SKOS + "prefLabel"), lit(f"Role {i}"))
        for j, c in enumerate(rng.sample(comp, rng.randint(10, 30))):
            node = iri(f"{CPD}r{i}-req{j}")
            t(r, cp("requires" if j % 4 else "recommends"), c)
            t(r, cp("qualifiedRequirement"), node)
            t(node, a, cp("Requirement"))
            t(node, cp("competency"), c)
            t(node, cp("level"), lit(rng.randint(1, 4), "integer"))
    for i in range(100):
        person = iri(f"{CPD}person{i}")
        t(person, a, cp("Person"))
        for o in rng.sample(offer, 3):
            t(person, cp("holds"), o)
        for c in rng.sample(comp, 5):
            t(person, cp("hasCompetency"), c)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path
