"""Lists of what the graph holds: roles, competencies, offers, each with the facts people filter by.

:func:`roles`, :func:`competencies` and :func:`offers` read the graph through
:class:`~certpath.graph.KnowledgeGraph` triple patterns, one pass per property over the whole
graph (never one look-up per entity), so a list of all 14,536 ESCO competencies takes well under
a second. Filters take names the way every command does (IRI, CURIE, slug, label or alias).
Rows are sorted by label (case-insensitively), then IRI; offers may be sorted by cost or hours.
Only entities with an IRI are listed (a blank node has no name to type).

A :class:`Listing` describes itself: :meth:`Listing.to_dict` gives JSON-ready rows with their
``iri``, ``curie``, ``label``, ``kind`` and facts (references as ``{"iri", "curie", "label"}``);
:meth:`Listing.table` the rows as text cells, for tables and CSV.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

import pyoxigraph as ox

from certpath.errors import InputError
from certpath.graph import KnowledgeGraph
from certpath.namespaces import CP, CP_NS, RDF_TYPE, RDFS_LABEL, SKOS_BROADER, SKOS_PREFLABEL, curie
from certpath.resolve import KIND_CLASSES, resolve

__all__ = [
    "DELIVERY_MODES",
    "KINDS",
    "OFFER_SORTS",
    "Listing",
    "Row",
    "competencies",
    "instances",
    "labels_of",
    "offers",
    "roles",
]

#: What can be listed.
KINDS = ("role", "competency", "offer")
#: ``--delivery`` names and the delivery modes (``cp:Classroom`` ...) they stand for.
DELIVERY_MODES = {
    "classroom": "Classroom",
    "live-online": "LiveOnline",
    "self-paced": "SelfPaced",
    "assessment-only": "AssessmentOnly",
}
#: How offers may be sorted (missing values last).
OFFER_SORTS = ("label", "cost", "hours")


@dataclass(frozen=True)
class Ref:
    """A named entity a row refers to (a provider, a framework, a broader competency)."""

    iri: str
    label: str

    def to_dict(self) -> dict[str, str]:
        """JSON-ready form."""
        return {"iri": self.iri, "curie": curie(self.iri), "label": self.label}


@dataclass(frozen=True)
class Row:
    """One listed entity: its IRI, label, kind and facts (numbers, texts, :class:`Ref` s)."""

    iri: str
    label: str
    kind: str
    facts: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form: ``iri``, ``curie``, ``label``, ``kind``, then the facts."""
        data: dict[str, Any] = {
            "iri": self.iri,
            "curie": curie(self.iri),
            "label": self.label,
            "kind": self.kind,
        }
        for name, value in self.facts.items():
            data[name] = _json_value(value)
        return data


def _json_value(value: Any) -> Any:
    if isinstance(value, Ref):
        return value.to_dict()
    if isinstance(value, list | tuple):
        return [_json_value(v) for v in value]
    return value


def _cell(value: Any) -> str:
    """A fact as the text of one table or CSV cell."""
    if value is None:
        return ""
    if isinstance(value, Ref):
        return value.label
    if isinstance(value, list | tuple):
        return "; ".join(_cell(v) for v in value)
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


@dataclass(frozen=True)
class Listing:
    """Rows of one kind, sorted, after filters; *total* counts them before *limit*."""

    kind: str
    rows: tuple[Row, ...]
    columns: tuple[str, ...]
    total: int
    filters: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> list[dict[str, Any]]:
        """The rows as JSON-ready dicts (what ``--format json`` prints)."""
        return [row.to_dict() for row in self.rows]

    def table(self) -> tuple[list[str], list[list[str]]]:
        """The header and the rows as text cells: label, CURIE, then one cell per fact."""
        header = ["label", "curie", *self.columns]
        cells = [
            [row.label, curie(row.iri), *(_cell(row.facts.get(c)) for c in self.columns)]
            for row in self.rows
        ]
        return header, cells


# --------------------------------------------------------------------------- reading the graph


def instances(kg: KnowledgeGraph, kind: str) -> set[str]:
    """IRIs of the entities of *kind* (a key of :data:`certpath.resolve.KIND_CLASSES`; ontology
    terms excluded), by one triple pattern per class."""
    found: set[str] = set()
    for cls in KIND_CLASSES[kind]:
        for quad in kg.quads(None, ox.NamedNode(RDF_TYPE), ox.NamedNode(cls)):
            if isinstance(quad.subject, ox.NamedNode) and not quad.subject.value.startswith(CP_NS):
                found.add(quad.subject.value)
    return found


def _by_subject(kg: KnowledgeGraph, predicate: str, subjects: set[str]) -> dict[str, list[Any]]:
    """Objects of *predicate* for each of *subjects* (one pass over the property)."""
    found: dict[str, list[Any]] = defaultdict(list)
    for quad in kg.quads(None, ox.NamedNode(predicate), None):
        subject = quad.subject
        if isinstance(subject, ox.NamedNode) and subject.value in subjects:
            found[subject.value].append(quad.object)
    return found


_COUNT_BY_SUBJECT = "SELECT ?x (COUNT(DISTINCT ?y) AS ?n) WHERE { ?x ?p ?y } GROUP BY ?x"
_COUNT_BY_OBJECT = "SELECT ?x (COUNT(DISTINCT ?y) AS ?n) WHERE { ?y ?p ?x } GROUP BY ?x"


def _counts(kg: KnowledgeGraph, predicate: str, *, by: str) -> dict[str, int]:
    """How many distinct objects (``by="subject"``) or subjects (``by="object"``) each IRI has
    over *predicate*: counted by the store's SPARQL engine, twice as fast as a Python loop."""
    query = _COUNT_BY_SUBJECT if by == "subject" else _COUNT_BY_OBJECT
    return {
        row["x"].value: int(row["n"].value)
        for row in kg.select(query, p=ox.NamedNode(predicate))
        if isinstance(row["x"], ox.NamedNode)
    }


def labels_of(kg: KnowledgeGraph, iris: set[str]) -> dict[str, str]:
    """The name to show for each of *iris*, as :func:`certpath.resolve.label_of` gives it:
    English prefLabel, any prefLabel, then rdfs:label (the smallest of each), else the CURIE."""
    shown: dict[str, str] = {}
    for prop in (SKOS_PREFLABEL, RDFS_LABEL):
        english: dict[str, str] = {}
        other: dict[str, str] = {}
        for quad in kg.quads(None, ox.NamedNode(prop), None):
            subject, label = quad.subject, quad.object
            if not isinstance(subject, ox.NamedNode) or not isinstance(label, ox.Literal):
                continue
            iri = subject.value
            if iri not in iris or iri in shown:
                continue
            pick = english if (label.language or "").startswith("en") else other
            if iri not in pick or label.value < pick[iri]:
                pick[iri] = label.value
        for iri in set(english) | set(other):
            shown[iri] = english.get(iri) or other[iri]
    return {iri: shown.get(iri) or curie(iri) for iri in iris}


def _number(term: Any) -> float | None:
    if not isinstance(term, ox.Literal):
        return None
    try:
        return float(Decimal(term.value))
    except (InvalidOperation, ValueError):
        return None  # ill-typed: validate reports it


def _refs(values: Iterable[Any], labels: dict[str, str]) -> list[Ref]:
    iris = sorted({v.value for v in values if isinstance(v, ox.NamedNode)})
    return sorted((Ref(i, labels[i] if i in labels else curie(i)) for i in iris), key=_ref_key)


def _ref_key(ref: Ref) -> tuple[str, str]:
    return ref.label.casefold(), ref.iri


def _resolve_all(kg: KnowledgeGraph, names: Sequence[str], kind: str) -> set[str]:
    return {resolve(kg, name, kinds=[kind]) for name in names}


def _finish(
    kind: str,
    rows: list[Row],
    columns: Sequence[str],
    filters: dict[str, Any],
    limit: int | None,
    sort: str = "label",
) -> Listing:
    if sort == "label":
        rows.sort(key=lambda r: (r.label.casefold(), r.iri))
    else:
        rows.sort(
            key=lambda r: (
                r.facts.get(sort) is None,
                r.facts.get(sort) or 0.0,
                r.label.casefold(),
                r.iri,
            )
        )
    if limit is not None and limit < 0:
        raise InputError(f"--limit {limit}: give a number >= 0 (0: every row)")
    shown = rows[:limit] if limit else rows
    used = {k: v for k, v in filters.items() if v not in (None, [], ())}
    return Listing(kind, tuple(shown), tuple(columns), len(rows), used)


# --------------------------------------------------------------------------- the three lists


def roles(
    kg: KnowledgeGraph, *, framework: Sequence[str] = (), limit: int | None = None
) -> Listing:
    """Every role, with how many competencies it requires and recommends and its frameworks.

    Parameters
    ----------
    kg : KnowledgeGraph
    framework : sequence of str
        Only roles of one of these frameworks (names as ``certpath show`` takes them).
    limit : int, optional
        At most this many rows (``None`` or 0: all); :attr:`Listing.total` counts them all.

    Examples
    --------
    >>> from certpath.graph import load
    >>> listed = roles(load(), framework=["SAFe"])
    >>> [row.label for row in listed.rows]
    ['Release Train Engineer', 'SAFe Product Manager', 'SAFe Product Owner']
    """
    wanted = _resolve_all(kg, framework, "framework")
    iris = instances(kg, "role")
    frameworks = _by_subject(kg, CP.framework, iris)
    if wanted:
        iris = {i for i in iris if wanted & {f.value for f in frameworks.get(i, [])}}
    requires = _counts(kg, CP.requires, by="subject")
    recommends = _counts(kg, CP.recommends, by="subject")
    referenced = {f.value for values in frameworks.values() for f in values}
    labels = labels_of(kg, iris | referenced)
    rows = [
        Row(
            iri,
            labels[iri],
            "role",
            {
                "requires": requires.get(iri, 0),
                "recommends": recommends.get(iri, 0),
                "frameworks": _refs(frameworks.get(iri, []), labels),
            },
        )
        for iri in iris
    ]
    columns = ("requires", "recommends", "frameworks")
    return _finish("role", rows, columns, {"framework": sorted(wanted)}, limit)


def _closure(edges: dict[str, set[str]], start: str) -> set[str]:
    """Everything reachable from *start* over *edges* (not *start* itself, unless on a cycle)."""
    seen: set[str] = set()
    stack = [start]
    while stack:
        for nxt in edges.get(stack.pop(), ()):
            if nxt not in seen:
                seen.add(nxt)
                stack.append(nxt)
    return seen


def competencies(
    kg: KnowledgeGraph,
    *,
    broader_of: str | None = None,
    narrower_of: str | None = None,
    framework: Sequence[str] = (),
    limit: int | None = None,
) -> Listing:
    """Every competency, with its broader competencies and how many offers teach it and roles
    require it.

    Parameters
    ----------
    broader_of : str, optional
        Only the competencies a competency's ``skos:broader`` chain reaches (its ancestors).
    narrower_of : str, optional
        Only the competencies whose ``skos:broader`` chain reaches this one (its descendants,
        which meet its requirements by vocabulary rule 2).
    framework : sequence of str
        Only competencies that a role or an offer of one of these frameworks requires or teaches
        (competencies have no framework of their own).
    limit : int, optional
        At most this many rows (``None`` or 0: all).

    Examples
    --------
    >>> from certpath.graph import load
    >>> listed = competencies(load(), narrower_of="cross-team coordination")
    >>> [row.label for row in listed.rows]
    ['Dependency management', 'PI Planning']
    """
    iris = instances(kg, "competency")
    up: dict[str, set[str]] = defaultdict(set)
    down: dict[str, set[str]] = defaultdict(set)
    for narrower, broader in kg.pairs(SKOS_BROADER):
        up[narrower].add(broader)
        down[broader].add(narrower)
    filters: dict[str, Any] = {}
    if broader_of is not None:
        start = resolve(kg, broader_of, kinds=["competency"])
        iris &= _closure(up, start)
        filters["broader_of"] = start
    if narrower_of is not None:
        start = resolve(kg, narrower_of, kinds=["competency"])
        iris &= _closure(down, start)
        filters["narrower_of"] = start
    wanted = _resolve_all(kg, framework, "framework")
    if wanted:
        iris &= _framework_competencies(kg, wanted)
        filters["framework"] = sorted(wanted)
    taught = _counts(kg, CP.teaches, by="object")
    required = _counts(kg, CP.requires, by="object")
    broader_iris = {b for i in iris for b in up.get(i, ())}
    labels = labels_of(kg, iris | broader_iris)
    rows = [
        Row(
            iri,
            labels[iri],
            "competency",
            {
                "broader": _refs((ox.NamedNode(b) for b in up.get(iri, ())), labels),
                "taught_by": taught.get(iri, 0),
                "required_by": required.get(iri, 0),
            },
        )
        for iri in iris
    ]
    return _finish("competency", rows, ("broader", "taught_by", "required_by"), filters, limit)


def _framework_competencies(kg: KnowledgeGraph, frameworks: set[str]) -> set[str]:
    members = {s for s, f in kg.pairs(CP.framework) if f in frameworks}
    found: set[str] = set()
    for predicate in (CP.requires, CP.recommends, CP.teaches):
        found |= {c for s, c in kg.pairs(predicate) if s in members}
    return found


def offers(
    kg: KnowledgeGraph,
    *,
    provider: Sequence[str] = (),
    framework: Sequence[str] = (),
    delivery: Sequence[str] = (),
    max_cost: float | None = None,
    max_hours: float | None = None,
    sort: str = "label",
    limit: int | None = None,
) -> Listing:
    """Every certification and course, with its provider, hours, cost, delivery modes,
    frameworks and how many competencies it teaches.

    Parameters
    ----------
    provider, framework : sequence of str
        Only offers of one of these providers, or of one of these frameworks.
    delivery : sequence of str
        Only offers delivered in one of these ways (keys of :data:`DELIVERY_MODES`).
    max_cost, max_hours : float, optional
        Only offers that cost at most this much (in their own currency) or take at most this
        many hours; an offer without a stated cost or duration does not pass such a filter.
    sort : {"label", "cost", "hours"}
        Order of the rows (missing values last; ties by label, then IRI).
    limit : int, optional
        At most this many rows (``None`` or 0: all).

    Examples
    --------
    >>> from certpath.graph import load
    >>> listed = offers(load(), provider=["Scrum Alliance"], sort="cost")
    >>> row = listed.rows[0].to_dict()
    >>> row["kind"], row["type"], row["provider"]["label"]
    ('offer', 'certification', 'Scrum Alliance')
    """
    if sort not in OFFER_SORTS:
        raise InputError(f"--sort {sort}: use one of {', '.join(OFFER_SORTS)}")
    modes = _delivery_modes(delivery)
    providers = _resolve_all(kg, provider, "provider")
    frameworks_wanted = _resolve_all(kg, framework, "framework")
    iris = instances(kg, "offer")
    facts = {
        name: _by_subject(kg, predicate, iris)
        for name, predicate in (
            ("provider", CP.offeredBy),
            ("hours", CP.durationHours),
            ("cost", CP.cost),
            ("currency", CP.currency),
            ("delivery", CP.deliveryMode),
            ("frameworks", CP.framework),
            ("teaches", CP.teaches),
            ("type", RDF_TYPE),
        )
    }
    referenced = {
        v.value
        for name in ("provider", "frameworks")
        for values in facts[name].values()
        for v in values
        if isinstance(v, ox.NamedNode)
    }
    labels = labels_of(kg, iris | referenced)
    rows = []
    for iri in iris:
        row = _offer_row(iri, labels, facts)
        if _offer_passes(row, providers, frameworks_wanted, modes, max_cost, max_hours):
            rows.append(row)
    filters = {
        "provider": sorted(providers),
        "framework": sorted(frameworks_wanted),
        "delivery": sorted(modes),
        "max_cost": max_cost,
        "max_hours": max_hours,
    }
    columns = (
        "type",
        "provider",
        "hours",
        "cost",
        "currency",
        "delivery",
        "frameworks",
        "teaches",
    )
    return _finish("offer", rows, columns, filters, limit, sort=sort)


def _delivery_modes(names: Sequence[str]) -> set[str]:
    modes = set()
    for name in names:
        key = name.strip().lower()
        mode = DELIVERY_MODES.get(key) or {m.lower(): m for m in DELIVERY_MODES.values()}.get(key)
        if mode is None:
            raise InputError(f"--delivery {name}: use one of {', '.join(DELIVERY_MODES)}")
        modes.add(mode)
    return modes


def _offer_row(iri: str, labels: dict[str, str], facts: dict[str, dict[str, list[Any]]]) -> Row:
    def first(name: str) -> Any:
        values = facts[name].get(iri, [])
        return min(values, key=str) if values else None

    types = {t.value for t in facts["type"].get(iri, []) if isinstance(t, ox.NamedNode)}
    kind = "certification" if CP.Certification in types else "course" if CP.Course in types else ""
    modes = sorted(
        d.value.removeprefix(CP_NS)
        for d in facts["delivery"].get(iri, [])
        if isinstance(d, ox.NamedNode)
    )
    providers = _refs(facts["provider"].get(iri, []), labels)
    currency = first("currency")
    return Row(
        iri,
        labels[iri],
        "offer",
        {
            "type": kind or None,
            "provider": providers[0] if len(providers) == 1 else providers or None,
            "hours": _number(first("hours")),
            "cost": _number(first("cost")),
            "currency": currency.value if isinstance(currency, ox.Literal) else None,
            "delivery": modes,
            "frameworks": _refs(facts["frameworks"].get(iri, []), labels),
            "teaches": len(set(facts["teaches"].get(iri, []))),
        },
    )


def _offer_passes(
    row: Row,
    providers: set[str],
    frameworks: set[str],
    modes: set[str],
    max_cost: float | None,
    max_hours: float | None,
) -> bool:
    facts = row.facts
    given = facts["provider"]
    given_providers = {p.iri for p in (given if isinstance(given, list) else [given]) if p}
    if providers and not providers & given_providers:
        return False
    if frameworks and not frameworks & {f.iri for f in facts["frameworks"]}:
        return False
    if modes and not modes & set(facts["delivery"]):
        return False
    if max_cost is not None and (facts["cost"] is None or facts["cost"] > max_cost):
        return False
    return max_hours is None or (facts["hours"] is not None and facts["hours"] <= max_hours)
