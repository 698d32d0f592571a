"""Synthetic ESCO-scale certpath graphs for benchmarks, in three shapes.

``generate_files(folder, shape=..., groups=..., roles=3000, competencies=14000, offers=10000,
seed=0)`` writes a graph the way users write RDF and returns the files (load them with
``certpath.graph.load``). The shapes:

* ``"realistic"`` (issue 11): competencies in ``competencies // 70`` domains (200 at full
  scale), each a ``skos:broader`` hierarchy several levels deep with a second broader link on one
  competency in ten (a DAG); offers teach 3-10 competencies (85 % in their home domain) at levels
  1-4; an offer's prerequisites are 0-2 earlier offers *of its domain* and, for half of the
  offers, one competency of its domain (met by any offer teaching it or a narrower one, which
  may come later: "may supply" cycles are common); every tenth offer also has a
  ``cp:PrerequisiteGroup`` of three members (offers and competencies of its domain), 1-of-3
  (2-of-3 for every fiftieth). Roles need 10-30 competencies of one or two domains (levels 1-4,
  capped at the best level taught), plus 0-3 ``cp:recommends``.
* ``"chain-heavy"`` (issue 11): the same, except that an offer's prerequisite offers are 1-2 of
  the 400 offers before it, across domains, so prerequisite chains run through the catalogue,
  and its competency prerequisites (and group members) are core competencies that an earlier
  offer of its domain teaches, so that every offer can be started.
* ``"tiered"``: the earlier generator (:func:`generate`), kept for comparison.

How it is written (``generate_files``): qualified requirements and outcomes are blank nodes;
k-of-n groups are blank nodes, IRIs or a mix (``groups="mixed"``: every other group is blank;
``"blank"``, ``"iri"`` force one form); IRI groups are described in a file of their own, apart
from the offers that need them. The data is split over several files in four RDF formats
(serialised by pyoxigraph): ``competencies.ttl`` (Turtle), ``offers.nt`` (N-Triples, with the
blank groups and outcomes), ``groups.rdf`` (RDF/XML), ``roles.jsonld`` (JSON-LD) and
``people.ttl`` (providers, 100 people).

``generate(path, roles=3000, competencies=14000, offers=10000, seed=0)`` writes the tiered
shape as one N-Triples file with IRIs only (``bench_sparql.py`` uses it):

* **Domains.** Competencies fall into ``competencies // 70`` domains (200 at full scale, like
  ESCO's skill groups). The first competency of each domain is its root; every other one has one
  ``skos:broader`` to an earlier competency of its domain (a tree per domain, 3-6 levels deep).
* **Offers in four tiers** by index: foundation (first 40 %), intermediate (30 %), advanced
  (20 %), expert (10 %). An offer has a home domain and 3-10 qualified outcomes, four in five of
  them in its domain; the outcome level follows the tier (foundation 1-2, intermediate 2-3,
  advanced 3-4, expert 4-5). Hours and price grow with the tier.
* **Prerequisites** only point one tier down: foundation offers have none; the others have 0-3
  prerequisite offers from the tier below, preferably (four in five) ones that teach a
  competency the offer also teaches, else from its domain. Every 20th offer above foundation
  also has a k-of-n ``cp:PrerequisiteGroup`` (1-of-3 or 2-of-3) of such offers. So prerequisite
  chains are at most three deep and a plan has a handful to a few dozen steps.
* **Roles** draw 10-30 qualified requirements from one or two domains (every fourth a
  ``cp:recommends``), levels mostly 1-3: 1 (30 %), 2 (35 %), 3 (25 %), 4 (8 %), 5 (2 %), each
  capped at the highest level some offer teaches for the competency (or a narrower one). About
  1 % of the competencies are taught by no offer at all, so some questions still have no plan
  (7 % of the benchmark's questions at full scale).
* **People**: 100 people, each holding 3 offers and having 5 competencies.
* **Sources**: every role, competency, offer, provider and group has a ``dcterms:source``, except
  every thousandth offer (something for the data-quality query to find).

IRIs are ``cpd:c{i}``, ``cpd:o{i}``, ``cpd:r{i}``, ``cpd:g{i}``, ``cpd:p{i}`` (50 providers) and
``cpd:person{i}``; the output is deterministic for a seed.
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

#: Share of the offers in each tier (foundation, intermediate, advanced, expert).
TIERS = (0.4, 0.3, 0.2, 0.1)
#: Outcome levels per tier.
TIER_LEVELS = ((1, 2), (2, 3), (3, 4), (4, 5))
#: Requirement levels of roles and their weights.
ROLE_LEVELS = ((1, 2, 3, 4, 5), (30, 35, 25, 8, 2))


def _tier_of(i: int, offers: int) -> int:
    edge = 0.0
    for tier, share in enumerate(TIERS):
        edge += share
        if i < round(edge * offers):
            return tier
    return len(TIERS) - 1


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
    n_domains = max(1, competencies // 70)
    comp = [iri(f"{CPD}c{i}") for i in range(competencies)]
    domain_comps: list[list[int]] = [[] for _ in range(n_domains)]
    parent_of: dict[int, int] = {}
    for i, c in enumerate(comp):
        d = i % n_domains
        t(c, a, cp("Competency"))
        t(c, iri(SKOS + "prefLabel"), lit(f"Competency {i}"))
        t(c, iri(SOURCE), iri(f"https://example.org/c{i}"))
        members = domain_comps[d]
        if members:  # the domain's first competency is its root
            # Prefer recent parents a little, so the trees are a few levels deep, not flat.
            k = len(members)
            parent = members[min(k - 1, int(rng.random() ** 0.7 * k))]
            t(c, iri(SKOS + "broader"), comp[parent])
            parent_of[i] = parent
        members.append(i)

    providers = [iri(f"{CPD}p{i}") for i in range(50)]
    for i, p in enumerate(providers):
        t(p, a, cp("Provider"))
        t(p, iri(SOURCE), iri(f"https://example.org/p{i}"))

    offer = [iri(f"{CPD}o{i}") for i in range(offers)]
    best_level = [0] * competencies  # highest level taught for a competency or a narrower one
    tier_of = [_tier_of(i, offers) for i in range(offers)]
    home = [rng.randrange(n_domains) for _ in range(offers)]
    taught: list[set[int]] = [set() for _ in range(offers)]
    # (tier, domain) -> offers; (tier, competency) -> offers teaching it
    by_domain: dict[tuple[int, int], list[int]] = {}
    by_comp: dict[tuple[int, int], list[int]] = {}
    by_tier: dict[int, list[int]] = {}
    for i, o in enumerate(offer):
        tier, d = tier_of[i], home[i]
        t(o, a, cp("Certification" if i % 2 == 0 else "Course"))
        t(o, iri(SKOS + "prefLabel"), lit(f"Offer {i}"))
        if i % 1000 != 999:  # a few gaps for the data-quality query to find
            t(o, iri(SOURCE), iri(f"https://example.org/o{i}"))
        t(o, cp("offeredBy"), rng.choice(providers))
        t(o, cp("cost"), lit(f"{rng.randint(0, 500) * (tier + 1) * 2}.0", "decimal"))
        t(o, cp("currency"), '"USD"')
        t(o, cp("durationHours"), lit(f"{rng.randint(4, 20) * (tier + 1)}.0", "decimal"))
        n_out = rng.randint(3, 10)
        chosen: list[int] = []
        while len(chosen) < n_out:
            pool = domain_comps[d] if rng.random() < 0.8 else domain_comps[rng.randrange(n_domains)]
            c_i = rng.choice(pool)
            if c_i not in chosen:
                chosen.append(c_i)
        low, high = TIER_LEVELS[tier]
        for j, c_i in enumerate(chosen):
            node = iri(f"{CPD}o{i}-out{j}")
            t(o, cp("teaches"), comp[c_i])
            t(o, cp("qualifiedOutcome"), node)
            t(node, a, cp("Outcome"))
            t(node, cp("competency"), comp[c_i])
            level = rng.randint(low, high)
            t(node, cp("level"), lit(level, "integer"))
            best_level[c_i] = max(best_level[c_i], level)
            taught[i].add(c_i)
            by_comp.setdefault((tier, c_i), []).append(i)
        by_domain.setdefault((tier, d), []).append(i)
        by_tier.setdefault(tier, []).append(i)
        if tier == 0:
            continue

        def below(i: int = i, tier: int = tier, d: int = d) -> int | None:
            """An offer of the tier below: one teaching a shared competency, else the domain."""
            if rng.random() < 0.8:
                related = [x for c_i in sorted(taught[i]) for x in by_comp.get((tier - 1, c_i), [])]
                if related:
                    return rng.choice(related)
            pool = by_domain.get((tier - 1, d)) or by_tier.get(tier - 1)
            return rng.choice(pool) if pool else None

        prereqs: list[int] = []
        for _ in range(rng.choice((0, 1, 1, 2, 2, 3))):
            p = below()
            if p is not None and p not in prereqs:
                prereqs.append(p)
        for p in prereqs:
            t(o, cp("prerequisite"), offer[p])
        if i % 20 == 0:
            members: list[int] = []
            for _ in range(10):
                p = below()
                if p is not None and p not in members and p not in prereqs:
                    members.append(p)
                if len(members) == 3:
                    break
            if len(members) >= 2:
                group = iri(f"{CPD}g{i}")
                t(group, a, cp("PrerequisiteGroup"))
                t(group, iri(SOURCE), iri(f"https://example.org/g{i}"))
                t(group, cp("minCount"), lit(rng.choice((1, 1, 2)), "integer"))
                for m in members:
                    t(group, cp("member"), offer[m])
                t(o, cp("prerequisite"), group)

    for c_i in range(competencies - 1, -1, -1):  # children have larger indexes than parents
        if c_i in parent_of:
            up = parent_of[c_i]
            best_level[up] = max(best_level[up], best_level[c_i])
    levels, weights = ROLE_LEVELS
    for i in range(roles):
        r = iri(f"{CPD}r{i}")
        t(r, a, cp("Role"))
        t(r, iri(SKOS + "prefLabel"), lit(f"Role {i}"))
        t(r, iri(SOURCE), iri(f"https://example.org/r{i}"))
        domains = rng.sample(range(n_domains), min(n_domains, rng.choice((1, 2, 2))))
        pool = sorted({c_i for d in domains for c_i in domain_comps[d]})
        for j, c_i in enumerate(rng.sample(pool, min(len(pool), rng.randint(10, 30)))):
            node = iri(f"{CPD}r{i}-req{j}")
            t(r, cp("requires" if j % 4 else "recommends"), comp[c_i])
            t(r, cp("qualifiedRequirement"), node)
            t(node, a, cp("Requirement"))
            t(node, cp("competency"), comp[c_i])
            # Employers ask for what training can give: capped at the best level taught
            # (a competency nothing teaches keeps its level and makes the role infeasible).
            level = rng.choices(levels, weights)[0]
            level = min(level, best_level[c_i]) if best_level[c_i] else level
            t(node, cp("level"), lit(level, "integer"))
    for i in range(100):
        person = iri(f"{CPD}person{i}")
        t(person, a, cp("Person"))
        for o in rng.sample(offer, 3):
            t(person, cp("holds"), o)
        for c in rng.sample(comp, 5):
            t(person, cp("hasCompetency"), c)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


# --------------------------------------------------------------------------- issue 11 shapes

SHAPES = ("realistic", "chain-heavy", "tiered")
GROUP_FORMS = ("mixed", "blank", "iri")
#: Share of an offer's outcomes in other domains, and the core competencies of a domain (the
#: first ones: only offers of the domain teach them, and only they are prerequisites).
CROSS, CORE = 0.02, 35
#: Requirement levels of roles in the issue-11 shapes and their weights.
LEVELS_1_4 = ((1, 2, 3, 4), (30, 35, 25, 10))
#: The files of ``generate_files``: part -> (file name, serialisation format name).
PARTS = {
    "competencies": "competencies.ttl",
    "offers": "offers.nt",
    "groups": "groups.rdf",
    "roles": "roles.jsonld",
    "people": "people.ttl",
}


def generate_files(
    folder: Path,
    shape: str = "realistic",
    groups: str = "mixed",
    roles: int = 3000,
    competencies: int = 14000,
    offers: int = 10000,
    seed: int = 0,
) -> list[Path]:
    """Write the graph of ``shape`` into ``folder`` (see the module docstring); return the files."""
    if shape not in SHAPES:
        raise ValueError(f"shape must be one of {', '.join(SHAPES)}")
    if groups not in GROUP_FORMS:
        raise ValueError(f"groups must be one of {', '.join(GROUP_FORMS)}")
    folder.mkdir(parents=True, exist_ok=True)
    source = folder / "all.nt.tmp"
    if shape == "tiered":
        generate(source, roles, competencies, offers, seed)
    else:
        lines = _catalogue(shape, roles, competencies, offers, seed)
        source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    try:
        return _split(source, folder, groups)
    finally:
        source.unlink()


def _catalogue(shape: str, roles: int, competencies: int, offers: int, seed: int) -> list[str]:
    """The triples of the realistic or chain-heavy shape, as N-Triples lines (IRIs only)."""
    rng = random.Random(seed)
    lines: list[str] = []

    def t(s: str, p: str, o: str) -> None:
        lines.append(f"{s} {p} {o} .")

    def iri(x: str) -> str:
        return f"<{x}>"

    def lit(v: object, dt: str | None = None) -> str:
        return f'"{v}"^^<{XSD}{dt}>' if dt else f'"{v}"@en'

    a, cp = iri(RDF_TYPE), lambda n: iri(CP + n)
    n_domains = max(1, competencies // 70)
    comp = [iri(f"{CPD}c{i}") for i in range(competencies)]
    domain_comps: list[list[int]] = [[] for _ in range(n_domains)]
    parents: dict[int, list[int]] = {}
    for i, c in enumerate(comp):
        d = i % n_domains
        t(c, a, cp("Competency"))
        t(c, iri(SKOS + "prefLabel"), lit(f"Competency {i}"))
        t(c, iri(SOURCE), iri(f"https://example.org/c{i}"))
        members = domain_comps[d]
        # Two broader hierarchies per domain, the core one and the public one (so what is
        # narrower than a core competency is core too); recent parents preferred, 4-8 deep.
        tree = members[:CORE] if len(members) < CORE else members[CORE:]
        if tree:
            k = len(tree)
            ups = [tree[min(k - 1, int(rng.random() ** 0.5 * k))]]
            if k > 3 and rng.random() < 0.1:  # a second broader: the hierarchy is a DAG
                other = rng.choice(tree)
                if other not in ups:
                    ups.append(other)
            for up in ups:
                t(c, iri(SKOS + "broader"), comp[up])
            parents[i] = ups
        members.append(i)

    providers = [iri(f"{CPD}p{i}") for i in range(50)]
    for i, p in enumerate(providers):
        t(p, a, cp("Provider"))
        t(p, iri(SOURCE), iri(f"https://example.org/p{i}"))

    offer = [iri(f"{CPD}o{i}") for i in range(offers)]
    best_level = [0] * competencies
    domain_offers: list[list[int]] = [[] for _ in range(n_domains)]
    # Chain-heavy: competency prerequisites only on core competencies an earlier offer of the
    # domain teaches, so every offer can be started (otherwise blocked offers propagate down
    # the chains: 70 % of the offers could never start).
    core_set = [set(domain_comps[d][:CORE]) for d in range(n_domains)]
    taught_core: list[list[int]] = [[] for _ in range(n_domains)]
    taught_core_set: list[set[int]] = [set() for _ in range(n_domains)]
    for i, o in enumerate(offer):
        d = rng.randrange(n_domains)
        t(o, a, cp("Certification" if i % 2 == 0 else "Course"))
        t(o, iri(SKOS + "prefLabel"), lit(f"Offer {i}"))
        t(o, iri(SOURCE), iri(f"https://example.org/o{i}"))
        t(o, cp("offeredBy"), rng.choice(providers))
        t(o, cp("cost"), lit(f"{rng.randint(0, 100) * 10}.0", "decimal"))
        t(o, cp("currency"), '"USD"')
        t(o, cp("durationHours"), lit(f"{rng.randint(2, 40)}.0", "decimal"))
        chosen: list[int] = []
        while len(chosen) < rng.randint(3, 10):
            if rng.random() < CROSS:  # another domain's public competencies (never prerequisites)
                c_i = rng.choice(domain_comps[rng.randrange(n_domains)][CORE:] or domain_comps[d])
            else:
                c_i = rng.choice(domain_comps[d])
            if c_i not in chosen:
                chosen.append(c_i)
        for j, c_i in enumerate(chosen):
            node = iri(f"{CPD}o{i}-out{j}")
            level = rng.randint(1, 4)
            t(o, cp("teaches"), comp[c_i])
            t(o, cp("qualifiedOutcome"), node)
            t(node, a, cp("Outcome"))
            t(node, cp("competency"), comp[c_i])
            t(node, cp("level"), lit(level, "integer"))
            best_level[c_i] = max(best_level[c_i], level)
        earlier = domain_offers[d]
        if shape == "realistic":
            pool_offers = earlier[-20:]
            n_pre = rng.choice((0, 0, 0, 1, 1, 1, 1, 2, 2, 2))
        else:
            pool_offers = list(range(max(0, i - 400), i))
            n_pre = rng.choice((0, 1, 1, 1, 2, 2, 2)) if i >= 40 else 0
        prereqs = sorted(set(rng.sample(pool_offers, min(n_pre, len(pool_offers)))))
        for p in prereqs:
            t(o, cp("prerequisite"), offer[p])
        core = domain_comps[d][:CORE] if shape == "realistic" else taught_core[d]
        if rng.random() < 0.5 and core:
            c_p = rng.choice(core)
            if c_p not in chosen:
                t(o, cp("prerequisite"), comp[c_p])
        if i % 10 == 0 and i and (earlier or core):
            members = [offer[x] for x in rng.sample(earlier[-20:], min(2, len(earlier[-20:])))]
            # Up to 3 members (fewer when the domain has too few core competencies yet: the
            # chain-heavy shape's first offers of a domain looped here for ever).
            while len(members) < 3 and any(comp[c] not in members for c in core):
                c_m = comp[rng.choice(core)]
                if c_m not in members:
                    members.append(c_m)
            group = iri(f"{CPD}g{i}")
            t(group, a, cp("PrerequisiteGroup"))
            t(group, iri(SOURCE), iri(f"https://example.org/g{i}"))
            t(group, cp("minCount"), lit(min(2 if i % 50 == 0 else 1, len(members)), "integer"))
            for m in members:
                t(group, cp("member"), m)
            t(o, cp("prerequisite"), group)
        earlier.append(i)
        for c_i in chosen:
            if c_i in core_set[d] and c_i not in taught_core_set[d]:
                taught_core_set[d].add(c_i)
                taught_core[d].append(c_i)

    for c_i in range(competencies - 1, -1, -1):  # children have larger indexes than parents
        for up in parents.get(c_i, ()):
            best_level[up] = max(best_level[up], best_level[c_i])
    levels, weights = LEVELS_1_4
    for i in range(roles):
        r = iri(f"{CPD}r{i}")
        t(r, a, cp("Role"))
        t(r, iri(SKOS + "prefLabel"), lit(f"Role {i}"))
        t(r, iri(SOURCE), iri(f"https://example.org/r{i}"))
        domains = rng.sample(range(n_domains), min(n_domains, rng.choice((1, 2, 2))))
        pool = sorted({c_i for d in domains for c_i in domain_comps[d]})
        picked = rng.sample(pool, min(len(pool), rng.randint(10, 30) + rng.randint(0, 3)))
        n_required = max(10, len(picked) - rng.randint(0, 3))
        for j, c_i in enumerate(picked):
            node = iri(f"{CPD}r{i}-req{j}")
            t(r, cp("requires" if j < n_required else "recommends"), comp[c_i])
            t(r, cp("qualifiedRequirement"), node)
            t(node, a, cp("Requirement"))
            t(node, cp("competency"), comp[c_i])
            level = rng.choices(levels, weights)[0]
            level = min(level, best_level[c_i]) if best_level[c_i] else level
            t(node, cp("level"), lit(level, "integer"))
    for i in range(100):
        person = iri(f"{CPD}person{i}")
        t(person, a, cp("Person"))
        for o in rng.sample(offer, 3):
            t(person, cp("holds"), o)
        for c in rng.sample(comp, 5):
            t(person, cp("hasCompetency"), c)
    return lines


def _split(source: Path, folder: Path, groups: str) -> list[Path]:
    """Rewrite one IRI-only N-Triples file as the files of :data:`PARTS`: qualified nodes become
    blank nodes, groups too by ``groups``; a blank node goes to its owner's file."""
    import pyoxigraph as ox

    blanks: dict[str, ox.BlankNode] = {}
    seen_groups: dict[str, int] = {}

    def blank(local: str) -> bool:
        if "-out" in local or "-req" in local:
            return True
        if not (local.startswith("g") and local[1:].isdigit()):
            return False
        number = seen_groups.setdefault(local, len(seen_groups))
        return groups == "blank" or (groups == "mixed" and number % 2 == 0)

    def term(node: object) -> object:
        if not isinstance(node, ox.NamedNode) or not node.value.startswith(CPD):
            return node
        local = node.value[len(CPD) :]
        if blank(local):
            return blanks.setdefault(local, ox.BlankNode())
        return node

    def part(local: str) -> str:
        if local.startswith("p"):  # providers and people
            return "people"
        if local.startswith("r"):  # roles and their requirements
            return "roles"
        if local.startswith("g"):
            return "offers" if blank(local) else "groups"
        return {"c": "competencies", "o": "offers"}[local[0]]

    parts: dict[str, list[ox.Triple]] = {name: [] for name in PARTS}
    for triple in ox.parse(path=str(source), format=ox.RdfFormat.N_TRIPLES):
        s, p, o = triple.subject, triple.predicate, triple.object
        assert isinstance(s, ox.NamedNode)
        parts[part(s.value[len(CPD) :])].append(ox.Triple(term(s), p, term(o)))  # type: ignore[arg-type]
    files = []
    for name, triples in parts.items():
        path = folder / PARTS[name]
        ox.serialize(triples, str(path), prefixes={"cp": CP, "cpd": CPD, "skos": SKOS})
        files.append(path)
    return files
