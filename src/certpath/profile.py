"""A person's profile: what they can do (competencies at levels), what they hold (offers) and
how long they have worked in roles (months).

A profile comes from ``--have NAME[@LEVEL]``, ``--holds NAME`` and ``--experience ROLE@MONTHS``
options, or from a file that a person keeps and reuses across targets:

- YAML or JSON (``.yaml``, ``.yml``, ``.json``)::

      have:
        - user story writing          # no level: 5 (expert)
        - backlog refinement@3
        - PI Planning@working         # a level name: 3
      holds:
        - CSPO
      experience:
        Product Owner: 18             # months worked as that role

  ``have`` may also be a mapping ``{name: level}``, ``experience`` a list of ``ROLE@MONTHS``.
  The keys are ``have``, ``holds``, ``experience`` and ``name`` (ignored; for the person's own
  use); any other key is an error that names it.
- RDF (``.ttl``, ``.nt``, ``.jsonld``, ``.rdf``): one ``cp:Person`` (an IRI or a blank node) with
  ``cp:hasCompetency`` (level 5), ``cp:qualifiedHolding [ cp:competency ...; cp:level N ]``,
  ``cp:holds`` and ``cp:hasExperience [ cp:role ...; cp:months N ]``.

A level is an integer 1 to 5 or its name (:data:`LEVEL_NAMES`: 1 awareness, 2 foundational,
3 working, 4 practitioner, 5 expert); ``true``, ``yes``, ``3.5`` or ``"three"`` are errors. Months
are a whole number >= 0 and at most :data:`MAX_MONTHS` (``-3``, ``1.5``, ``"twelve"``, and in a
YAML/JSON mapping the quoted ``"12"``, are errors). Names resolve like
``certpath show`` (IRI, CURIE, slug, label, alias).

Limits, so that a hostile file fails fast: a profile file is at most :data:`MAX_PROFILE_BYTES`,
and YAML aliases may expand to at most :data:`MAX_YAML_NODES` nodes ("billion laughs").

:func:`dump_profile` writes a profile in a form :func:`read_profile` reads back to the same
:class:`Profile` (YAML, JSON or Turtle; names as CURIEs, or full IRIs where no prefix fits).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from certpath.errors import AmbiguousName, EntityNotFound, InputError
from certpath.graph import KnowledgeGraph
from certpath.resolve import resolve

#: A competency given without a level counts as expert (vocabulary rule 2).
DEFAULT_LEVEL = 5
#: The proficiency levels by name (docs/vocabulary.md, ``cp:level``).
LEVEL_NAMES = {"awareness": 1, "foundational": 2, "working": 3, "practitioner": 4, "expert": 5}
#: The largest profile file read (a profile is a short list of names).
MAX_PROFILE_BYTES = 1_000_000
#: The most YAML nodes a profile may expand to, aliases counted as often as they are used.
MAX_YAML_NODES = 10_000
#: Profile file formats by extension: a mapping (YAML, JSON) or RDF.
MAPPING_SUFFIXES = (".yaml", ".yml", ".json")
RDF_SUFFIXES = (".ttl", ".nt", ".jsonld", ".rdf")
#: What :func:`dump_profile` writes.
DUMP_FORMATS = ("yaml", "json", "turtle")

_LEVEL_HELP = "use 1 to 5 or a level name (" + ", ".join(LEVEL_NAMES) + ")"


@dataclass
class Profile:
    """Competency IRI → level, and the IRIs of the learning opportunities held.

    New parts of a profile are new fields here, a reader in :data:`_KEYS` (and the RDF reader),
    and a writer in :func:`_profile_data` / :func:`_profile_triples`.
    """

    have: dict[str, int] = field(default_factory=dict)
    holds: set[str] = field(default_factory=set)
    #: Role IRI -> months the person has worked as that role.
    experience: dict[str, int] = field(default_factory=dict)

    def add_competency(self, iri: str, level: int) -> None:
        """Record *iri* at *level*, keeping the higher level when given twice."""
        self.have[iri] = max(level, self.have.get(iri, 0))

    def add_experience(self, role: str, months: int) -> None:
        """Record *months* as *role*, keeping the larger number when given twice."""
        self.experience[role] = max(months, self.experience.get(role, 0))


def parse_level(value: object, *, where: str) -> int:
    """A level 1..5 from an integer, a digit or a level name; anything else is an error.

    >>> parse_level(3, where="x"), parse_level("working", where="x"), parse_level("4", where="x")
    (3, 3, 4)
    >>> parse_level(True, where="me.yaml: have 'x'")
    Traceback (most recent call last):
    ...
    certpath.errors.InputError: me.yaml: have 'x': level true is not a level; use 1 to 5 ...
    """
    if isinstance(value, bool):  # YAML's true/yes/on; bool is an int in Python
        shown = "true" if value else "false"
    elif isinstance(value, int):
        if 1 <= value <= 5:
            return value
        shown = str(value)
    elif isinstance(value, str):
        text = value.strip().casefold()
        if text in {"1", "2", "3", "4", "5"}:
            return int(text)
        if text in LEVEL_NAMES:
            return LEVEL_NAMES[text]
        shown = repr(value)
    else:
        shown = repr(value)
    raise InputError(f"{where}: level {shown} is not a level; {_LEVEL_HELP}")


def split_level(text: str, *, origin: str = "--have") -> tuple[str, int]:
    """Split ``NAME@LEVEL`` into the name and the level (5 when absent).

    >>> split_level("backlog refinement@3")
    ('backlog refinement', 3)
    >>> split_level("PI Planning"), split_level("PI Planning@expert")
    (('PI Planning', 5), ('PI Planning', 5))
    """
    name, sep, level = text.rpartition("@")
    if not sep:
        return text.strip(), DEFAULT_LEVEL
    if not name.strip():
        raise InputError(
            f"{origin} '{text}': no name before '@'; write it as 'backlog refinement@3'"
        )
    try:
        return name.strip(), parse_level(level, where=origin)
    except InputError:
        raise InputError(
            f"{origin} '{text}': the level after '@' must be 1 to 5 or a level name "
            f"({', '.join(LEVEL_NAMES)})"
        ) from None


#: Months of experience a person can state (a hundred years): more is a typing error.
MAX_MONTHS = 1200


def parse_months(value: object, *, where: str, text: bool = True) -> int:
    """Months of experience: a whole number >= 0 and at most :data:`MAX_MONTHS`, as an integer
    or (when *text*, as after ``ROLE@``) its ASCII digits; anything else is an error naming
    *where*.

    A profile's mapping gives numbers as numbers, so there (``text=False``) the string ``"12"``
    is refused like ``"twelve"``: a quoted number in YAML or JSON is usually a mistake.

    >>> parse_months(18, where="x"), parse_months(" 6 ", where="x")
    (18, 6)
    >>> parse_months("1.5", where="--experience 'PO@1.5'")
    Traceback (most recent call last):
    ...
    certpath.errors.InputError: --experience 'PO@1.5': months are a whole number >= 0, not '1.5'
    >>> parse_months("12", where="me.yaml", text=False)
    Traceback (most recent call last):
    ...
    certpath.errors.InputError: me.yaml: months are a whole number, not the text '12' (write 12)
    """
    number: int | None = None
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        number = value
    elif isinstance(value, str) and re.fullmatch(r"[0-9]+", value.strip()):
        if not text:
            raise InputError(
                f"{where}: months are a whole number, not the text {value!r} "
                f"(write {int(value.strip())})"
            )
        number = int(value.strip())
    if number is None:
        raise InputError(f"{where}: months are a whole number >= 0, not {value!r}")
    if number > MAX_MONTHS:
        raise InputError(f"{where}: {number} months is more than {MAX_MONTHS} (a hundred years)")
    return number


def split_months(text: str, *, origin: str = "--experience") -> tuple[str, int]:
    """Split ``ROLE@MONTHS`` into the role's name and the months.

    >>> split_months("Product Owner@18")
    ('Product Owner', 18)
    """
    name, sep, months = text.rpartition("@")
    if not sep or not name.strip():
        raise InputError(
            f"{origin} '{text}': write the role and the months worked in it, such as "
            "'Product Owner@18'"
        )
    return name.strip(), parse_months(months, where=f"{origin} '{text}'")


def build_profile(
    kg: KnowledgeGraph,
    *,
    have: Iterable[str] = (),
    holds: Iterable[str] = (),
    experience: Iterable[str] = (),
    profile_file: str | Path | None = None,
) -> Profile:
    """Resolve a profile file plus ``--have``/``--holds``/``--experience`` values against *kg*.

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
    for text in experience:
        name, months = split_months(text)
        profile.add_experience(resolve(kg, name, kinds=["role"]), months)
    return profile


def read_profile(kg: KnowledgeGraph, path: str | Path) -> Profile:
    """Read a YAML, JSON or RDF profile (see the module docstring).

    Raises
    ------
    InputError
        Not a regular file, too large, not UTF-8, bad syntax, an unknown key, a bad level.
    EntityNotFound, AmbiguousName
        A name that does not denote exactly one competency or learning opportunity.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in MAPPING_SUFFIXES + RDF_SUFFIXES:
        raise InputError(
            f"{path}: unknown profile format '{path.suffix}'; use .yaml, .json or .ttl"
        )
    data = _read_capped(path)
    try:
        if suffix in RDF_SUFFIXES:
            return _rdf_profile(kg, path, data)
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise InputError(f"{path}: not UTF-8 text (byte {exc.start})") from None
        content = _load_json(path, text) if suffix == ".json" else _load_yaml(path, text)
        return _mapping_profile(kg, path, content)
    except EntityNotFound as exc:  # name the file: the same name may come from --have too
        raise type(exc)(f"{path}: {exc}", exc.suggestions) from None
    except AmbiguousName as exc:
        raise AmbiguousName(f"{path}: {exc}", exc.candidates) from None


def _read_capped(path: Path) -> bytes:
    if not path.exists():
        raise InputError(f"{path}: no such profile file")
    if not path.is_file():
        raise InputError(f"{path}: not a regular file; a profile is a .yaml, .json or .ttl file")
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_PROFILE_BYTES + 1)
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror}") from None
    if len(data) > MAX_PROFILE_BYTES:
        raise InputError(
            f"{path}: larger than {MAX_PROFILE_BYTES // 1_000_000} MB; a profile is a short "
            "list of names"
        )
    return data


def _load_json(path: Path, text: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"{path}:{exc.lineno}: not valid JSON: {exc.msg}") from None
    except RecursionError:
        raise InputError(f"{path}: not a profile: JSON nested too deeply") from None


def _load_yaml(path: Path, text: str) -> Any:
    import yaml

    if text.count("[") + text.count("{") > MAX_YAML_NODES:  # each is a node: fail before parsing
        raise InputError(
            f"{path}: more than {MAX_YAML_NODES:,} YAML collections; a profile is a short list "
            "of names"
        )
    loader = _bounded_loader(path)(text)
    try:
        return loader.get_single_data()
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f":{mark.line + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc).replace("\n", " ")
        raise InputError(f"{path}{where}: not valid YAML: {problem}") from None
    except RecursionError:
        raise InputError(f"{path}: not a profile: YAML nested too deeply") from None
    finally:
        loader.dispose()


def _bounded_loader(path: Path) -> Any:
    """A ``yaml.SafeLoader`` that refuses a document expanding to over MAX_YAML_NODES nodes."""
    import yaml

    class BoundedLoader(yaml.SafeLoader):
        weights: dict[int, int]

        def compose_node(self, parent: Any, index: Any) -> Any:
            node = super().compose_node(parent, index)
            if not hasattr(self, "weights"):
                self.weights = {}
            if id(node) not in self.weights:  # an alias returns its anchor's node, weighed
                self.weights[id(node)] = 1 + sum(self.weights.get(id(n), 1) for n in _kids(node))
            if self.weights[id(node)] > MAX_YAML_NODES:
                mark = getattr(node, "start_mark", None)
                line = f":{mark.line + 1}" if mark is not None else ""
                raise InputError(
                    f"{path}{line}: YAML aliases expand to more than {MAX_YAML_NODES:,} nodes; "
                    "a profile is a short list of names"
                )
            return node

    return BoundedLoader


def _kids(node: Any) -> list[Any]:
    import yaml

    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    return []


def _mapping_profile(kg: KnowledgeGraph, path: Path, data: Any) -> Profile:
    if data is None:
        data = {}
    if not isinstance(data, Mapping):
        raise InputError(f"{path}: a profile is a mapping with 'have' and 'holds' lists")
    unknown = [str(key) for key in data if key not in _KEYS]
    if unknown:
        raise InputError(
            f"{path}: unknown key {', '.join(repr(k) for k in unknown)}; a profile has "
            + ", ".join(repr(k) for k in _KEYS)
        )
    profile = Profile()
    for key, reader in _KEYS.items():
        if data.get(key) is not None:
            reader(kg, path, data[key], profile)
    return profile


def _read_have(kg: KnowledgeGraph, path: Path, have: Any, profile: Profile) -> None:
    items: list[tuple[str, int]] = []
    if isinstance(have, str):
        have = [have]
    if isinstance(have, Mapping):
        for name, level in have.items():
            where = f"{path}: have {_name_text(path, 'have', name)!r}"
            level = DEFAULT_LEVEL if level is None else parse_level(level, where=where)
            items.append((_name_text(path, "have", name), level))
    elif isinstance(have, list):
        for number, entry in enumerate(have, start=1):
            text = _name_text(path, f"have entry {number}", entry)
            items.append(split_level(text, origin=f"{path}: have"))
    else:
        raise InputError(f"{path}: 'have' must be a list or a mapping of names to levels")
    for name, level in items:
        profile.add_competency(resolve(kg, name, kinds=["competency"]), level)


def _read_holds(kg: KnowledgeGraph, path: Path, holds: Any, profile: Profile) -> None:
    if isinstance(holds, str):
        holds = [holds]
    if not isinstance(holds, list):
        raise InputError(f"{path}: 'holds' must be a list of names")
    for number, entry in enumerate(holds, start=1):
        name = _name_text(path, f"holds entry {number}", entry)
        profile.holds.add(resolve(kg, name, kinds=["offer"]))


def _read_experience(kg: KnowledgeGraph, path: Path, data: Any, profile: Profile) -> None:
    """``experience:`` a mapping role -> months (or a list of ``ROLE@MONTHS``)."""
    items: list[tuple[str, int]] = []
    if isinstance(data, str):
        data = [data]
    if isinstance(data, Mapping):
        for name, months in data.items():
            role = _name_text(path, "experience", name)
            where = f"{path}: experience {role!r}"
            items.append((role, parse_months(months, where=where, text=False)))
    elif isinstance(data, list):
        for number, entry in enumerate(data, start=1):
            text = _name_text(path, f"experience entry {number}", entry)
            items.append(split_months(text, origin=f"{path}: experience"))
    else:
        raise InputError(f"{path}: 'experience' must be a mapping of roles to months")
    for name, months in items:
        profile.add_experience(resolve(kg, name, kinds=["role"]), months)


def _read_name(kg: KnowledgeGraph, path: Path, name: Any, profile: Profile) -> None:
    """``name:`` is the person's own note; only its type is checked."""
    if not isinstance(name, str):
        raise InputError(f"{path}: 'name' must be text")


def _name_text(path: Path, where: str, value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise InputError(
            f"{path}: {where}: {value!r} is not a name; write the name as text (quote it in YAML)"
        )
    return value


#: The keys of a YAML/JSON profile and their readers, in reading order.
_KEYS: dict[str, Callable[[KnowledgeGraph, Path, Any, Profile], None]] = {
    "have": _read_have,
    "holds": _read_holds,
    "experience": _read_experience,
    "name": _read_name,
}


# --------------------------------------------------------------------------- RDF profiles

_CP = "https://w3id.org/certpath/ontology#"
_RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
_XSD = "http://www.w3.org/2001/XMLSchema#"
_INTEGER_TYPES = {
    _XSD + name
    for name in (
        "integer", "int", "long", "short", "byte", "nonNegativeInteger", "positiveInteger",
        "unsignedLong", "unsignedInt", "unsignedShort", "unsignedByte",
    )
}  # fmt: skip


def _rdf_profile(kg: KnowledgeGraph, path: Path, data: bytes) -> Profile:
    import pyoxigraph as ox

    from certpath.parsing import parse_bytes, rdf_format

    store = ox.Store()
    parse_bytes(store, data, rdf_format(path), source=path)
    people = list(
        {q.subject for q in store.quads_for_pattern(None, ox.NamedNode(_RDF_TYPE), _cp("Person"))}
    )
    if len(people) != 1:
        raise InputError(
            f"{path}: a profile file holds exactly one cp:Person ({len(people)} found)"
        )
    person = people[0]
    levels: dict[str, int] = {}
    for quad in store.quads_for_pattern(person, _cp("qualifiedHolding"), None):
        competency, level = _holding(store, path, quad.object)
        levels[competency] = max(level, levels.get(competency, 0))
    for quad in store.quads_for_pattern(person, _cp("hasCompetency"), None):
        iri = _named(path, "cp:hasCompetency", quad.object)
        if iri not in levels:
            levels[iri] = DEFAULT_LEVEL
    profile = Profile()
    for iri, level in sorted(levels.items()):
        profile.add_competency(resolve(kg, iri, kinds=["competency"]), level)
    for quad in store.quads_for_pattern(person, _cp("holds"), None):
        iri = _named(path, "cp:holds", quad.object)
        profile.holds.add(resolve(kg, iri, kinds=["offer"]))
    for quad in store.quads_for_pattern(person, _cp("hasExperience"), None):
        role, months = _worked(store, path, quad.object)
        profile.add_experience(resolve(kg, role, kinds=["role"]), months)
    return profile


def _worked(store: Any, path: Path, node: Any) -> tuple[str, int]:
    """(role IRI, months) of one ``cp:hasExperience`` node, checked."""
    import pyoxigraph as ox

    roles = [
        q.object.value
        for q in store.quads_for_pattern(node, _cp("role"), None)
        if isinstance(q.object, ox.NamedNode)
    ]
    months = [q.object for q in store.quads_for_pattern(node, _cp("months"), None)]
    if len(roles) != 1 or len(months) != 1:
        raise InputError(
            f"{path}: a cp:hasExperience names exactly one cp:role and one cp:months "
            f"({len(roles)} roles, {len(months)} months given)"
        )
    value = months[0]
    where = f"{path}: cp:months of {roles[0]}"
    if not isinstance(value, ox.Literal) or value.datatype.value not in _INTEGER_TYPES:
        shown = f'"{value.value}"' if isinstance(value, ox.Literal) else str(value)
        raise InputError(f"{where}: {shown} is not a whole number of months (write cp:months 18)")
    return roles[0], parse_months(int(value.value), where=where)


def _named(path: Path, prop: str, term: Any) -> str:
    """The IRI *term* names; a literal or blank node cannot name an entity of the data."""
    import pyoxigraph as ox

    if isinstance(term, ox.NamedNode):
        return term.value
    shown = f'"{term.value}"' if isinstance(term, ox.Literal) else "a blank node"
    raise InputError(
        f"{path}: {prop} {shown}: the object must be the entity's IRI (write {prop} cpd:slug)"
    )


def _cp(name: str) -> Any:
    import pyoxigraph as ox

    return ox.NamedNode(_CP + name)


def _holding(store: Any, path: Path, node: Any) -> tuple[str, int]:
    """(competency IRI, level) of one ``cp:qualifiedHolding`` node, checked."""
    import pyoxigraph as ox

    competencies = [
        q.object.value
        for q in store.quads_for_pattern(node, _cp("competency"), None)
        if isinstance(q.object, ox.NamedNode)
    ]
    if len(competencies) != 1:
        raise InputError(
            f"{path}: a cp:qualifiedHolding has {len(competencies)} cp:competency IRIs; "
            "it needs exactly one"
        )
    level = DEFAULT_LEVEL
    values = list(store.quads_for_pattern(node, _cp("level"), None))
    where = f"{path}: cp:level of {competencies[0]}"
    if len(values) > 1:
        raise InputError(f"{where}: {len(values)} levels given; a holding has one cp:level")
    for quad in values:
        value = quad.object
        if not isinstance(value, ox.Literal) or value.datatype.value not in _INTEGER_TYPES:
            shown = f'"{value.value}"' if isinstance(value, ox.Literal) else str(value)
            raise InputError(f"{where}: {shown} is not an integer 1 to 5 (write cp:level 3)")
        level = parse_level(int(value.value), where=where)
    return competencies[0], level


# --------------------------------------------------------------------------- writing


def dump_profile(
    profile: Profile, kg: KnowledgeGraph, fmt: str = "yaml", *, person: str | None = None
) -> str:
    """*profile* as a file :func:`read_profile` reads back to the same :class:`Profile`.

    Parameters
    ----------
    profile : Profile
    kg : KnowledgeGraph
        The graph the profile was resolved against: names are written as CURIEs that resolve
        back to the same entity in it (full IRIs where no prefix fits).
    fmt : {"yaml", "json", "turtle"}
        YAML (``.yaml``) by default; JSON (``.json``); Turtle (``.ttl``) with one ``cp:Person``.
    person : str, optional
        The IRI of the person in Turtle (default: a blank node).

    Examples
    --------
    >>> from certpath.graph import load
    >>> kg = load()
    >>> me = Profile({"https://w3id.org/certpath/data/backlog-refinement": 3},
    ...              {"https://w3id.org/certpath/data/cspo"})
    >>> print(dump_profile(me, kg), end="")
    have:
      cpd:backlog-refinement: 3
    holds:
    - cpd:cspo
    """
    if fmt == "yaml":
        import yaml

        text: str = yaml.safe_dump(
            _profile_data(profile, kg), sort_keys=False, allow_unicode=True, width=1000
        )
        return text
    if fmt == "json":
        return json.dumps(_profile_data(profile, kg), indent=2, ensure_ascii=False) + "\n"
    if fmt == "turtle":
        return _profile_turtle(profile, person)
    raise InputError(f"unknown profile format '{fmt}'; use {', '.join(DUMP_FORMATS)}")


def _profile_data(profile: Profile, kg: KnowledgeGraph) -> dict[str, Any]:
    data: dict[str, Any] = {
        "have": {
            _name(kg, iri, "competency"): level for iri, level in sorted(profile.have.items())
        },
        "holds": [_name(kg, iri, "offer") for iri in sorted(profile.holds)],
    }
    if profile.experience:
        data["experience"] = {
            _name(kg, iri, "role"): months for iri, months in sorted(profile.experience.items())
        }
    return data


def _name(kg: KnowledgeGraph, iri: str, kind: str) -> str:
    """The CURIE of *iri* when it resolves back to *iri*; the IRI otherwise."""
    from certpath.errors import AmbiguousName, EntityNotFound
    from certpath.namespaces import curie

    short = curie(iri)
    if short != iri:
        try:
            if resolve(kg, short, kinds=[kind]) == iri:
                return short
        except (EntityNotFound, AmbiguousName):
            pass
    return iri


def _profile_turtle(profile: Profile, person: str | None) -> str:
    import pyoxigraph as ox

    from certpath.namespaces import PREFIXES

    me: ox.NamedNode | ox.BlankNode = ox.NamedNode(person) if person else ox.BlankNode()
    triples = [ox.Triple(me, ox.NamedNode(_RDF_TYPE), _cp("Person"))]
    integer = ox.NamedNode(_XSD + "integer")
    for iri, level in sorted(profile.have.items()):
        holding = ox.BlankNode()
        triples += [
            ox.Triple(me, _cp("hasCompetency"), ox.NamedNode(iri)),
            ox.Triple(me, _cp("qualifiedHolding"), holding),
            ox.Triple(holding, _cp("competency"), ox.NamedNode(iri)),
            ox.Triple(holding, _cp("level"), ox.Literal(str(level), datatype=integer)),
        ]
    triples += [ox.Triple(me, _cp("holds"), ox.NamedNode(iri)) for iri in sorted(profile.holds)]
    for iri, months in sorted(profile.experience.items()):
        worked = ox.BlankNode()
        triples += [
            ox.Triple(me, _cp("hasExperience"), worked),
            ox.Triple(worked, _cp("role"), ox.NamedNode(iri)),
            ox.Triple(worked, _cp("months"), ox.Literal(str(months), datatype=integer)),
        ]
    prefixes = {p: PREFIXES[p] for p in ("cp", "cpd", "escoskill", "xsd")}
    data = ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=prefixes)
    assert data is not None
    return data.decode("utf-8")


#: The format :func:`write_profile` writes, by the file's suffix (what :func:`read_profile` reads).
SAVE_FORMATS = {".yaml": "yaml", ".yml": "yaml", ".json": "json", ".ttl": "turtle"}


def write_profile(
    profile: Profile, kg: KnowledgeGraph, path: str | Path, *, force: bool = False
) -> Path:
    """Write *profile* to *path* in the format its suffix names (``.yaml``/``.yml``, ``.json``,
    ``.ttl``), atomically (:mod:`certpath.output`), so that ``--profile`` reads it back the same.

    Raises
    ------
    InputError
        Another suffix (the message lists the ones that work).
    OutputError
        *path* exists (without *force*), is not a regular file, or cannot be written.

    Examples
    --------
    >>> import tempfile
    >>> from certpath.graph import load
    >>> kg = load()
    >>> me = build_profile(kg, have=["backlog refinement@3"], holds=["CSPO"])
    >>> saved = write_profile(me, kg, Path(tempfile.mkdtemp()) / "me.json")
    >>> read_profile(kg, saved) == me
    True
    """
    from certpath.output import write_text

    target = Path(path)
    fmt = SAVE_FORMATS.get(target.suffix.lower())
    if fmt is None:
        raise InputError(
            f"{target}: a profile is saved as .yaml, .yml, .json or .ttl (by the file's suffix)"
        )
    text = dump_profile(profile, kg, fmt)
    return write_text(text if text.endswith("\n") else text + "\n", target, force=force)


__all__ = [
    "DEFAULT_LEVEL",
    "DUMP_FORMATS",
    "LEVEL_NAMES",
    "MAX_PROFILE_BYTES",
    "MAX_YAML_NODES",
    "Profile",
    "build_profile",
    "dump_profile",
    "parse_level",
    "parse_months",
    "read_profile",
    "SAVE_FORMATS",
    "split_level",
    "split_months",
    "write_profile",
]
