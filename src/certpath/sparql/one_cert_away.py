"""``roles-one-cert-away`` answered in Python from the planner's index, on any store.

The named query's meaning is in ``queries/roles-one-cert-away.rq`` (its SPARQL text says the same
and runs with ``certpath query -f``): for person P, each role R and certification X where P does
not meet every essential requirement of R (rule 2), X is a certification P does not hold, and X
teaches every essential requirement P does not meet at its level, directly or through a narrower
competency; ``missing`` is how many requirements X closes. Comparing every role with every
certification is a few dictionary look-ups per requirement here (an index of who teaches what,
propagated up the hierarchy once per graph), where the SPARQL form costs seconds at ESCO scale.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import networkx as nx
import pyoxigraph as ox

from certpath.namespaces import CP
from certpath.sparql.results import QueryResult

_XSD_INTEGER = ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")


@dataclass
class _Index:
    """Per graph: roles' essential requirements, and who teaches what (up the hierarchy)."""

    G: nx.MultiDiGraph
    snapshot: Any
    essential: list[tuple[str, list[tuple[str, int]]]]  # role -> [(competency, level)]
    teachers: dict[str, dict[str, int]]  # competency -> certification -> best level taught
    _able: dict[tuple[str, int], frozenset[str]] = field(default_factory=dict)

    def able(self, competency: str, level: int) -> frozenset[str]:
        """The certifications that teach *competency* (or a narrower one) at *level* or above."""
        key = (competency, level)
        found = self._able.get(key)
        if found is None:
            best = self.teachers.get(competency, {})
            found = self._able[key] = frozenset(o for o, taught in best.items() if taught >= level)
        return found


def _index(kg: Any) -> _Index:
    cached: tuple[Any, _Index] | None = getattr(kg, "_one_cert_away", None)
    # the data changes through KnowledgeGraph.add_files (which bumps the generation); the
    # person's own triples are read afresh on every call
    key = getattr(kg, "generation", 0)
    if cached is not None and cached[0] == key:
        return cached[1]
    from certpath.planning.index import snapshot
    from certpath.projection import project

    G = project(kg)
    s = snapshot(G)
    certifications = {
        n
        for n, d in G.nodes(data=True)
        if d.get("kind") == "offer" and d.get("offer_type") == "certification"
    }
    teachers: dict[str, dict[str, int]] = {}
    for offer in sorted(certifications):
        for taught, level in s.teaches(offer).items():
            for broader in s.broad(taught):
                best = teachers.setdefault(broader, {})
                if best.get(offer, 0) < level:
                    best[offer] = level
    essential = []
    for role in sorted(n for n, d in G.nodes(data=True) if d.get("kind") == "role"):
        needs = [(c, _level(data)) for c, data in sorted(s.index.requires.get(role, {}).items())]
        essential.append((role, needs))
    found = _Index(G, s, essential, teachers)
    try:
        kg._one_cert_away = (key, found)
    except AttributeError:  # pragma: no cover - a graph that takes no attributes
        pass
    return found


def _level(data: Mapping[str, Any]) -> int:
    return int(data.get("level", 1) or 1)


def _person(kg: Any, iri: str) -> tuple[dict[str, int], list[str]]:
    """What the person *iri* has (competency -> level; 5 when unstated) and holds."""
    node = ox.NamedNode(iri)
    stated: dict[str, int] = {}
    for quad in kg.quads(node, ox.NamedNode(CP.qualifiedHolding), None):
        holding = quad.object
        if not isinstance(holding, ox.NamedNode | ox.BlankNode):
            continue
        competencies = [
            q.object.value
            for q in kg.quads(holding, ox.NamedNode(CP.competency), None)
            if isinstance(q.object, ox.NamedNode)
        ]
        levels = [q.object.value for q in kg.quads(holding, ox.NamedNode(CP.level), None)]
        for c in competencies:
            for level in levels:
                if str(level).isdigit():
                    stated[c] = max(stated.get(c, 0), int(level))
    have = {
        q.object.value: stated.get(q.object.value, 5)
        for q in kg.quads(node, ox.NamedNode(CP.hasCompetency), None)
        if isinstance(q.object, ox.NamedNode)
    }
    holds = sorted(
        q.object.value
        for q in kg.quads(node, ox.NamedNode(CP.holds), None)
        if isinstance(q.object, ox.NamedNode)
    )
    return have, holds


def roles_one_cert_away(
    kg: Any, person: str, *, max_missing: int | None = None, scope: str = "all"
) -> list[tuple[str, str, int]]:
    """(role, certification, missing) rows for *person*, sorted by role and certification.

    Examples
    --------
    >>> from certpath.graph import load
    >>> from certpath.namespaces import curie
    >>> rows = roles_one_cert_away(load(), "https://w3id.org/certpath/data/nobody-at-all")
    >>> [(curie(r), curie(c), n) for r, c, n in rows[:1]]
    [('cpd:business-analyst', 'cpd:cbap', 6)]
    """
    from certpath.planning.rules import person as person_of

    index = _index(kg)
    have, holds = _person(kg, person)
    held_offers = [o for o in holds if o in index.G]
    who = person_of(index.snapshot, {c: v for c, v in have.items() if c in index.G}, held_offers)
    reached = who.reach.get
    related_only = scope == "related"
    able = index.able
    rows: list[tuple[str, str, int]] = []
    for role, needs in index.essential:
        unmet = [(c, level) for c, level in needs if reached(c, 0) < level]
        if not unmet or (max_missing is not None and len(unmet) > max_missing):
            continue
        if related_only and not any(reached(c, 0) > 0 for c, _ in needs):
            continue
        closing = able(*unmet[0])
        for c, level in unmet[1:]:  # most roles are left with nothing after two or three
            if not closing:
                break
            closing = closing & able(c, level)
        for certification in sorted(closing - who.held):
            rows.append((role, certification, len(unmet)))
    return rows


def run(kg: Any, params: Mapping[str, ox.NamedNode | ox.Literal], limit: int | None) -> QueryResult:
    """The named query's result (the columns of its SPARQL text)."""
    from certpath.errors import QueryTruncated

    person = params["person"]
    max_missing = params.get("maxMissing")
    scope = params.get("scope")
    rows = roles_one_cert_away(
        kg,
        person.value,
        max_missing=None if max_missing is None else int(max_missing.value),
        scope="all" if scope is None else scope.value,
    )
    if limit is not None and len(rows) > limit:
        raise QueryTruncated(f"truncated at {limit} rows")
    result = QueryResult("select", ["role", "certification", "missing"])
    result.rows = [
        (ox.NamedNode(r), ox.NamedNode(c), ox.Literal(str(n), datatype=_XSD_INTEGER))
        for r, c, n in rows
    ]
    return result
