"""Names for people: resolve an IRI, CURIE, slug, label or alias to one entity, and rank matches.

Resolution order, first tier that matches wins: full IRI, CURIE, bundled-data slug (``cspo`` is
``cpd:cspo``), English-or-any ``skos:prefLabel``, then aliases (``skos:altLabel``,
``skos:hiddenLabel``, ``rdfs:label``), then the name turned into a slug (``"pi planning"`` is
``cpd:pi-planning``). Labels compare case-insensitively with white space folded. Several entities
in the winning tier make the name ambiguous; none anywhere gives the closest names as suggestions.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass

import pyoxigraph as ox

from certpath.errors import AmbiguousName, EntityNotFound
from certpath.graph import KnowledgeGraph
from certpath.namespaces import (
    CP,
    CP_NS,
    CPD_NS,
    RDFS_LABEL,
    SKOS_ALTLABEL,
    SKOS_HIDDENLABEL,
    SKOS_PREFLABEL,
    curie,
    expand_curie,
)

LABEL_PROPERTIES = (SKOS_PREFLABEL, SKOS_ALTLABEL, SKOS_HIDDENLABEL, RDFS_LABEL)

#: Entity kinds by the classes whose instances they are.
KIND_CLASSES: dict[str, frozenset[str]] = {
    "role": frozenset({CP.Role}),
    "competency": frozenset({CP.Competency}),
    "offer": frozenset({CP.LearningOpportunity, CP.Certification, CP.Course}),
    "provider": frozenset({CP.Provider}),
    "framework": frozenset({CP.Framework}),
    "group": frozenset({CP.PrerequisiteGroup}),
    "experience": frozenset({CP.ExperienceRequirement}),
    "person": frozenset({CP.Person}),
}


def normalize(text: str) -> str:
    """Fold case and white space, for comparing names.

    >>> normalize("  PI   Planning ")
    'pi planning'
    """
    return " ".join(text.casefold().split())


def slugify(text: str) -> str:
    """Turn a name into a bundled-data slug.

    >>> slugify("PI Planning")
    'pi-planning'
    """
    return re.sub(r"[^a-z0-9]+", "-", text.casefold()).strip("-")


def kind_of(kg: KnowledgeGraph, iri: str) -> str | None:
    """Return the entity kind of *iri* (``"role"``, ``"offer"``, ...) or ``None``."""
    types = kg.types(iri)
    for kind, classes in KIND_CLASSES.items():
        if types & classes:
            return kind
    return None


def label_of(kg: KnowledgeGraph, iri: str) -> str:
    """Return the name to show for *iri*: English prefLabel, any prefLabel, rdfs:label, or CURIE."""
    for prop in (SKOS_PREFLABEL, RDFS_LABEL):
        labels = [o for o in kg.objects(iri, prop) if isinstance(o, ox.Literal)]
        english = [o.value for o in labels if (o.language or "").startswith("en")]
        if english or labels:
            return min(english) if english else min(o.value for o in labels)
    return curie(iri)


def _matches_kind(kg: KnowledgeGraph, iri: str, kinds: Iterable[str] | None) -> bool:
    if kinds is None:
        return True
    return kind_of(kg, iri) in set(kinds)


def _describe(kg: KnowledgeGraph, iri: str) -> str:
    kind = kind_of(kg, iri) or "entity"
    return f"{curie(iri)} ({label_of(kg, iri)}, {kind})"


def _label_hits(kg: KnowledgeGraph, name: str) -> tuple[set[str], set[str]]:
    """Entities whose prefLabel, and whose other labels, equal *name* (case-insensitively)."""
    preferred: set[str] = set()
    aliases: set[str] = set()
    if kg.label_index():
        preferred, aliases = kg.label_keys(" ".join(name.lower().split()))
    else:  # a read-only store filled without certpath: scan the labels
        query = """
        SELECT DISTINCT ?s ?p WHERE {
          VALUES ?p { skos:prefLabel skos:altLabel skos:hiddenLabel rdfs:label }
          ?s ?p ?l . FILTER(isIRI(?s) && LCASE(STR(?l)) = ?needle)
        }"""
        for row in kg.select(query, needle=ox.Literal(normalize(name))):
            found = preferred if row["p"].value == SKOS_PREFLABEL else aliases
            found.add(row["s"].value)
    # ontology terms resolve by CURIE, not by their labels
    return {i for i in preferred if not i.startswith(CP_NS)}, {
        i for i in aliases if not i.startswith(CP_NS)
    }


def resolve(kg: KnowledgeGraph, name: str, *, kinds: Iterable[str] | None = None) -> str:
    """Return the IRI of the one entity *name* denotes.

    Parameters
    ----------
    kg : KnowledgeGraph
    name : str
        IRI, CURIE, slug, label or alias, case-insensitive.
    kinds : iterable of str, optional
        Only entities of these kinds (keys of :data:`KIND_CLASSES`) count.

    Raises
    ------
    AmbiguousName
        Several entities match equally well; the message lists them.
    EntityNotFound
        Nothing matches; the message suggests the closest names.

    Examples
    --------
    >>> from certpath.graph import load
    >>> resolve(load(), "cspo")
    'https://w3id.org/certpath/data/cspo'
    """
    kinds = None if kinds is None else list(kinds)
    text = name.strip()
    if not text:
        raise EntityNotFound("empty name: give an IRI, CURIE, slug, label or alias")
    direct = [text if "://" in text or text.startswith("urn:") else None, expand_curie(text)]
    direct.append(CPD_NS + text if re.fullmatch(r"[A-Za-z0-9._-]+", text) else None)
    tiers: list[set[str]] = [{iri} for iri in direct if iri and kg.has_subject(iri)]
    tiers.extend(_label_hits(kg, text))
    slug = CPD_NS + slugify(text)
    tiers.append({slug} if slugify(text) and kg.has_subject(slug) else set())
    wrong_kind: set[str] = set()
    for tier in tiers:
        fitting = sorted(iri for iri in tier if _matches_kind(kg, iri, kinds))
        wrong_kind |= set(tier) - set(fitting)
        if len(fitting) == 1:
            return fitting[0]
        if len(fitting) > 1:
            listed = "; ".join(_describe(kg, iri) for iri in fitting)
            raise AmbiguousName(
                f"'{name}' is ambiguous: it names {listed}. Use one of the CURIEs.",
                candidates=fitting,
            )
    wanted = " or ".join(kinds) if kinds else "entity"
    if wrong_kind:
        found = "; ".join(_describe(kg, iri) for iri in sorted(wrong_kind))
        article = "an" if wanted[0] in "aeiou" else "a"
        raise EntityNotFound(f"'{name}' is not {article} {wanted}: it names {found}")
    suggestions = suggest(kg, text, kinds=kinds)
    hint = f"; did you mean {', '.join(suggestions)}?" if suggestions else ""
    raise EntityNotFound(f"no {wanted} named '{name}'{hint}", suggestions=suggestions)


@dataclass(frozen=True)
class SearchHit:
    """One ranked match of :func:`search`."""

    iri: str
    label: str
    kind: str | None
    matched: str
    language: str | None
    score: float

    def to_dict(self) -> dict[str, object]:
        """JSON-ready form."""
        return {
            "iri": self.iri,
            "curie": curie(self.iri),
            "label": self.label,
            "kind": self.kind,
            "matched": self.matched,
            "language": self.language,
            "score": round(self.score, 3),
        }


def _all_labels(kg: KnowledgeGraph) -> list[tuple[str, str, str, str | None]]:
    """(entity, property, label, language) for every data entity's labels."""
    query = """
    SELECT ?s ?p ?l WHERE {
      VALUES ?p { skos:prefLabel skos:altLabel skos:hiddenLabel rdfs:label }
      ?s ?p ?l . FILTER(isIRI(?s) && isLiteral(?l))
    }"""
    return [
        (row["s"].value, row["p"].value, row["l"].value, row["l"].language)
        for row in kg.select(query)
        if not row["s"].value.startswith(CP_NS)
    ]


def _score(query: str, label: str) -> float:
    """How well *label* answers *query* (both normalized), 0 when it does not."""
    if label == query:
        return 1.0
    if label.startswith(query):
        return 0.9
    if re.search(r"(^|\W)" + re.escape(query), label):
        return 0.8
    if query in label:
        return 0.7
    words = query.split()
    if len(words) > 1 and all(w in label for w in words):
        return 0.6
    ratio = difflib.SequenceMatcher(None, query, label).ratio()
    return 0.5 * ratio if ratio >= 0.6 else 0.0


def search(
    kg: KnowledgeGraph, text: str, *, limit: int = 10, kinds: Iterable[str] | None = None
) -> list[SearchHit]:
    """Rank entities whose labels or aliases (any language) match *text*.

    Exact matches rank first, then prefixes, word starts, substrings, all words, and close
    spellings; a preferred label outranks an alias at the same level; ties go by label, then IRI.

    Examples
    --------
    >>> from certpath.graph import load
    >>> search(load(), "PI Planning", limit=1)[0].label
    'PI Planning'
    """
    query = normalize(text)
    kinds = None if kinds is None else set(kinds)
    best: dict[str, tuple[float, str, str | None]] = {}
    for iri, prop, label, lang in _all_labels(kg):
        score = _score(query, normalize(label))
        if not score:
            continue
        score += 0.05 if prop == SKOS_PREFLABEL else 0.0
        if score > best.get(iri, (0.0, "", None))[0]:
            best[iri] = (score, label, lang)
    hits = []
    for iri, (score, matched, lang) in best.items():
        kind = kind_of(kg, iri)
        if kinds is None or kind in kinds:
            hits.append(SearchHit(iri, label_of(kg, iri), kind, matched, lang, score))
    hits.sort(key=lambda h: (-h.score, h.label.casefold(), h.iri))
    return hits[:limit]


def suggest(
    kg: KnowledgeGraph, text: str, *, kinds: Iterable[str] | None = None, limit: int = 5
) -> list[str]:
    """The closest names to *text*, shown as ``label (curie)``."""
    hits = search(kg, text, limit=limit, kinds=kinds)
    if not hits:
        slugs = {slugify(label): iri for iri, _, label, _ in _all_labels(kg)}
        close = difflib.get_close_matches(slugify(text), list(slugs), n=limit * 10, cutoff=0.5)
        fitting = [s for s in close if _matches_kind(kg, slugs[s], kinds)][:limit]
        return [f"{label_of(kg, slugs[s])} ({curie(slugs[s])})" for s in fitting]
    return [f"{h.label} ({curie(h.iri)})" for h in hits]
