"""A person's profile: what they can do (competencies at levels) and what they hold (offers).

A profile comes from ``--have NAME[@LEVEL]`` and ``--holds NAME`` options, or from a file that a
person keeps and reuses across targets:

- YAML or JSON (``.yaml``, ``.yml``, ``.json``)::

      have:
        - user story writing          # no level: 5 (expert)
        - backlog refinement@3
      holds:
        - CSPO

  ``have`` may also be a mapping ``{name: level}``.
- Turtle (``.ttl``): one ``cp:Person`` with ``cp:hasCompetency`` (level 5),
  ``cp:qualifiedHolding [ cp:competency ...; cp:level N ]`` and ``cp:holds``.

Names resolve like ``certpath show`` (IRI, CURIE, slug, label, alias).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from certpath.errors import InputError
from certpath.graph import KnowledgeGraph
from certpath.resolve import resolve

#: A competency given without a level counts as expert (vocabulary rule 2).
DEFAULT_LEVEL = 5


@dataclass
class Profile:
    """Competency IRI → level, and the IRIs of the learning opportunities held."""

    have: dict[str, int] = field(default_factory=dict)
    holds: set[str] = field(default_factory=set)

    def add_competency(self, iri: str, level: int) -> None:
        """Record *iri* at *level*, keeping the higher level when given twice."""
        self.have[iri] = max(level, self.have.get(iri, 0))


def split_level(text: str, *, origin: str = "--have") -> tuple[str, int]:
    """Split ``NAME@LEVEL`` into the name and the level (5 when absent).

    >>> split_level("backlog refinement@3")
    ('backlog refinement', 3)
    >>> split_level("PI Planning")
    ('PI Planning', 5)
    """
    name, sep, level = text.rpartition("@")
    if not sep:
        return text.strip(), DEFAULT_LEVEL
    if level.strip() not in {"1", "2", "3", "4", "5"}:
        raise InputError(f"{origin} '{text}': the level after '@' must be 1 to 5")
    return name.strip(), int(level)


def build_profile(
    kg: KnowledgeGraph,
    *,
    have: Iterable[str] = (),
    holds: Iterable[str] = (),
    profile_file: str | Path | None = None,
) -> Profile:
    """Resolve a profile file plus ``--have``/``--holds`` values against *kg*.

    Raises
    ------
    InputError
        A profile file that cannot be read or has the wrong shape; a bad level.
    EntityNotFound, AmbiguousName
        A name that does not denote exactly one competency or learning opportunity.
    """
    profile = read_profile(kg, profile_file) if profile_file else Profile()
    for text in have:
        name, level = split_level(text)
        profile.add_competency(resolve(kg, name, kinds=["competency"]), level)
    for name in holds:
        profile.holds.add(resolve(kg, name, kinds=["offer"]))
    return profile


def read_profile(kg: KnowledgeGraph, path: str | Path) -> Profile:
    """Read a YAML, JSON or Turtle profile (see the module docstring)."""
    path = Path(path)
    if not path.is_file():
        raise InputError(f"{path}: no such profile file")
    suffix = path.suffix.lower()
    if suffix in (".ttl", ".nt", ".jsonld", ".rdf"):
        return _rdf_profile(kg, path)
    if suffix not in (".yaml", ".yml", ".json"):
        raise InputError(f"{path}: unknown profile format '{suffix}'; use .yaml, .json or .ttl")
    text = path.read_text(encoding="utf-8")
    try:
        if suffix == ".json":
            data = json.loads(text)
        else:
            import yaml

            data = yaml.safe_load(text)
    except (json.JSONDecodeError, ValueError) as exc:
        raise InputError(f"{path}: not valid JSON: {exc}") from None
    except Exception as exc:  # yaml.YAMLError without importing yaml at module level
        mark = getattr(exc, "problem_mark", None)
        where = f":{mark.line + 1}" if mark is not None else ""
        raise InputError(f"{path}{where}: not valid YAML: {getattr(exc, 'problem', exc)}") from None
    return _mapping_profile(kg, path, data)


def _mapping_profile(kg: KnowledgeGraph, path: Path, data: Any) -> Profile:
    if data is None:
        data = {}
    if not isinstance(data, Mapping) or set(data) - {"have", "holds", "name"}:
        raise InputError(f"{path}: a profile is a mapping with 'have' and 'holds' lists")
    profile = Profile()
    have = data.get("have") or []
    items: list[tuple[str, int]] = []
    if isinstance(have, Mapping):
        for name, level in have.items():
            if level is None:
                level = DEFAULT_LEVEL
            if not isinstance(level, int) or not 1 <= level <= 5:
                raise InputError(f"{path}: have '{name}': the level must be 1 to 5")
            items.append((str(name), level))
    elif isinstance(have, list):
        items = [split_level(str(entry), origin=f"{path}: have") for entry in have]
    else:
        raise InputError(f"{path}: 'have' must be a list or a mapping of names to levels")
    for name, level in items:
        profile.add_competency(resolve(kg, name, kinds=["competency"]), level)
    holds = data.get("holds") or []
    if not isinstance(holds, list):
        raise InputError(f"{path}: 'holds' must be a list of names")
    for name in holds:
        profile.holds.add(resolve(kg, str(name), kinds=["offer"]))
    return profile


def _rdf_profile(kg: KnowledgeGraph, path: Path) -> Profile:
    import pyoxigraph as ox

    from certpath.graph import bind_values, parse_file
    from certpath.namespaces import sparql_prologue

    store = ox.Store()
    parse_file(store, path)
    people = sorted(
        {row["p"].value for row in store.query(sparql_prologue() + "SELECT ?p { ?p a cp:Person }")}  # type: ignore[union-attr]
    )
    if len(people) != 1:
        raise InputError(
            f"{path}: a profile file holds exactly one cp:Person ({len(people)} found)"
        )
    query = """
    SELECT ?c (MAX(?lv) AS ?level) WHERE {
      { ?p cp:hasCompetency ?c BIND(5 AS ?lv) FILTER NOT EXISTS { ?p cp:qualifiedHolding ?h .
          ?h cp:competency ?c } }
      UNION { ?p cp:qualifiedHolding ?h . ?h cp:competency ?c .
              OPTIONAL { ?h cp:level ?l } BIND(COALESCE(?l, 5) AS ?lv) }
    } GROUP BY ?c"""
    profile = Profile()
    person = ox.NamedNode(people[0])
    bound = sparql_prologue() + bind_values(query, {"p": person})
    for row in store.query(bound):  # type: ignore[union-attr]
        level = int(row["level"].value)
        if not 1 <= level <= 5:
            raise InputError(f"{path}: {row['c'].value}: the level must be 1 to 5")
        profile.add_competency(resolve(kg, row["c"].value, kinds=["competency"]), level)
    for quad in store.quads_for_pattern(person, ox.NamedNode(_HOLDS), None):
        if isinstance(quad.object, ox.NamedNode):
            profile.holds.add(resolve(kg, quad.object.value, kinds=["offer"]))
    return profile


_HOLDS = "https://w3id.org/certpath/ontology#holds"
