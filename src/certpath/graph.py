"""Loading RDF into a store: the only module that knows storage backends.

The default store is an in-memory Oxigraph store (``pyoxigraph``): it parses about ten times faster
than rdflib and imports in milliseconds, which keeps a one-shot ``certpath path`` fast. Everything
else reads the graph through :class:`KnowledgeGraph` (triple patterns and SPARQL).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from certpath.errors import InputError
from certpath.namespaces import RDF_TYPE, sparql_prologue
from certpath.parsing import FORMAT_NAMES, FORMATS, parse_file  # re-exported: parsing lives there

BUNDLED = "bundled"
_RESOURCES = Path(__file__).resolve().parent / "_bundled"


def bundled_data_dir() -> Path:
    """Return the folder of the curated data that ships with certpath."""
    return _RESOURCES / "data"


def ontology_files() -> list[Path]:
    """Return the ontology file (always loaded); the shapes are loaded only to validate."""
    return [_RESOURCES / "ontology" / "certpath.ttl"]


def shapes_file() -> Path:
    """Return the SHACL shapes file."""
    return _RESOURCES / "ontology" / "shapes.ttl"


def resolve_data_paths(values: Sequence[str | Path] | None) -> list[Path]:
    """Turn ``--data`` values into the RDF files to load, in a stable order.

    ``None`` or an empty list means the bundled data; the value ``"bundled"`` names it among others.
    A folder contributes its RDF files (by extension, sorted by name, not recursive).

    Raises
    ------
    InputError
        A path that does not exist, a folder with no RDF files, a file of unknown format.
    """
    if not values:
        values = [BUNDLED]
    files: list[Path] = []
    for value in values:
        path = bundled_data_dir() if str(value) == BUNDLED else Path(value)
        if path.is_dir():
            found = sorted(p for p in path.iterdir() if p.suffix.lower() in FORMATS and p.is_file())
            if not found:
                raise InputError(f"{path}: folder holds no RDF files ({FORMAT_NAMES})")
            files.extend(found)
        elif path.is_file():
            if path.suffix.lower() not in FORMATS:
                raise InputError(f"{path}: unknown RDF format '{path.suffix}'; use {FORMAT_NAMES}")
            files.append(path)
        else:
            raise InputError(f"{path}: no such file or folder")
    return list(dict.fromkeys(files))


# Vocabulary rule 1: the qualified form only adds detail, so its direct triple is always there.
_DIRECT_FROM_QUALIFIED = """
INSERT { ?role cp:requires ?c }
WHERE { ?role cp:qualifiedRequirement ?q . ?q cp:competency ?c .
        OPTIONAL { ?role cp:recommends ?rec . FILTER(?rec = ?c) } FILTER(!BOUND(?rec)) } ;
INSERT { ?lo cp:teaches ?c } WHERE { ?lo cp:qualifiedOutcome ?o . ?o cp:competency ?c } ;
INSERT { ?p cp:hasCompetency ?c } WHERE { ?p cp:qualifiedHolding ?h . ?h cp:competency ?c }
"""


#: Named graph holding the name look-up index (see :meth:`KnowledgeGraph.label_index`).
LABEL_INDEX = ox.NamedNode("urn:x-certpath:label-index")
PREF_KEY = ox.NamedNode("urn:x-certpath:prefKey")
ALIAS_KEY = ox.NamedNode("urn:x-certpath:aliasKey")

_BUILD_LABEL_INDEX = f"""
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
INSERT {{ GRAPH {LABEL_INDEX} {{ ?s ?key ?k }} }}
WHERE {{
  VALUES (?p ?key) {{ (skos:prefLabel {PREF_KEY}) (skos:altLabel {ALIAS_KEY})
                      (skos:hiddenLabel {ALIAS_KEY}) (rdfs:label {ALIAS_KEY}) }}
  ?s ?p ?l . FILTER(isIRI(?s) && isLiteral(?l))
  BIND(REPLACE(REPLACE(LCASE(STR(?l)), "^\\\\s+|\\\\s+$", ""), "\\\\s+", " ") AS ?k)
}} ;
INSERT DATA {{ GRAPH {LABEL_INDEX} {{ {LABEL_INDEX} {PREF_KEY} "built" }} }}
"""


@dataclass
class KnowledgeGraph:
    """Ontology plus data in one store, and the files they came from."""

    store: ox.Store
    sources: list[Path] = field(default_factory=list)

    def __len__(self) -> int:
        """Triples in the default graph (the name index in its own graph does not count)."""
        return default_graph_size(self.store)

    def query(self, sparql: str, **bindings: ox.NamedNode | ox.Literal) -> object:
        """Run SPARQL with the package prefixes predeclared; values only through *bindings*.

        Bindings become a ``VALUES`` block at the top of the query's first group, built from
        Oxigraph terms (whose serialisation escapes them), so a value can never change the query.
        """
        return self.store.query(sparql_prologue() + bind_values(sparql, bindings))

    def select(
        self, sparql: str, **bindings: ox.NamedNode | ox.Literal
    ) -> Iterator[ox.QuerySolution]:
        """Run a SELECT query and iterate over its solutions."""
        result = self.query(sparql, **bindings)
        assert isinstance(result, ox.QuerySolutions)
        return iter(result)

    def quads(
        self,
        subject: ox.NamedNode | ox.BlankNode | None = None,
        predicate: ox.NamedNode | None = None,
        obj: ox.NamedNode | ox.BlankNode | ox.Literal | None = None,
    ) -> Iterator[ox.Quad]:
        """The data's triples matching a pattern (None: any), as Oxigraph quads.

        Every module reads triples through this method (or :meth:`select`), never through the
        store directly, so that where the data lives (the default graph today) is decided here.
        """
        return iter(self.store.quads_for_pattern(subject, predicate, obj, ox.DefaultGraph()))

    def objects(self, subject: str, predicate: str) -> list[Any]:
        """Return the objects of (*subject*, *predicate*, ?) in the default graph."""
        quads = self.store.quads_for_pattern(
            ox.NamedNode(subject), ox.NamedNode(predicate), None, ox.DefaultGraph()
        )
        return [q.object for q in quads]

    def pairs(self, predicate: str) -> list[tuple[str, str]]:
        """Return (subject, object) IRI pairs of *predicate*, skipping blank nodes and literals."""
        quads = self.store.quads_for_pattern(None, ox.NamedNode(predicate), None, ox.DefaultGraph())
        return [
            (q.subject.value, q.object.value)
            for q in quads
            if isinstance(q.subject, ox.NamedNode) and isinstance(q.object, ox.NamedNode)
        ]

    def types(self, iri: str) -> set[str]:
        """Return the rdf:type IRIs of *iri*."""
        return {o.value for o in self.objects(iri, RDF_TYPE) if isinstance(o, ox.NamedNode)}

    def has_subject(self, iri: str) -> bool:
        """Whether *iri* is the subject of any triple."""
        quads = self.store.quads_for_pattern(ox.NamedNode(iri), None, None, ox.DefaultGraph())
        return next(iter(quads), None) is not None

    def add_files(self, files: Iterable[Path]) -> None:
        """Parse more files into the store and re-apply vocabulary rule 1."""
        for path in files:
            parse_file(self.store, path)
            self.sources.append(path)
        self.store.update(sparql_prologue() + _DIRECT_FROM_QUALIFIED)
        self.store.clear_graph(LABEL_INDEX)  # stale once data changes; rebuilt on demand

    def label_index(self) -> bool:
        """Make sure the name look-up index exists; False when the store is read-only without it.

        The index lives in its own named graph (never in the default graph that queries see):
        ``<entity> certpath:prefKey|aliasKey "lower-cased label"``, so resolving a name is an
        index look-up rather than a scan of every label.
        """
        marker = self.store.quads_for_pattern(LABEL_INDEX, None, None, LABEL_INDEX)
        if next(iter(marker), None) is not None:
            return True
        from certpath.progress import task

        try:
            with task("Indexing names"):
                self.store.update(_BUILD_LABEL_INDEX)
        except OSError:
            return False
        return True


def bind_values(sparql: str, bindings: Mapping[str, ox.NamedNode | ox.Literal]) -> str:
    """Bind variables safely by ``VALUES`` blocks inside the groups of the query that use them.

    The one binding mechanism of the package (:func:`certpath.sparql.bind`), placed by tokens.

    >>> print(bind_values("SELECT ?s WHERE { ?s ?p ?o }", {"o": ox.Literal("x")}))
    SELECT ?s WHERE { VALUES (?o) { ("x") } ?s ?p ?o }
    """
    if not bindings:
        return sparql
    from certpath.sparql import bind, check_query

    return bind(check_query(sparql), bindings)


def load(data: Sequence[str | Path] | None = None) -> KnowledgeGraph:
    """Load the ontology plus *data* (default: the bundled Product Owner graph) into one store.

    Parameters
    ----------
    data : sequence of paths, optional
        Files or folders of RDF (Turtle, N-Triples, JSON-LD, RDF/XML by extension). The value
        ``"bundled"`` names the bundled data, so ``["bundled", "mine.ttl"]`` adds to it.

    Returns
    -------
    KnowledgeGraph

    Raises
    ------
    InputError
        Missing, empty, unreadable or malformed input; the message names the file (and line).

    Examples
    --------
    >>> kg = load()
    >>> len(kg) > 100
    True
    """
    files = resolve_data_paths(data)
    kg = KnowledgeGraph(ox.Store())
    for path in ontology_files():
        parse_file(kg.store, path)
    kg.add_files(files)
    return kg


__all__ = [
    "BUNDLED",
    "FORMATS",
    "FORMAT_NAMES",
    "KnowledgeGraph",
    "bundled_data_dir",
    "load",
    "ontology_files",
    "parse_file",
    "resolve_data_paths",
    "shapes_file",
]


def parse_store_spec(spec: str) -> tuple[str, str]:
    """Split ``--store`` into (kind, location): ``memory``, ``oxigraph:DIR`` or ``sparql:URL``.

    >>> parse_store_spec("oxigraph:/tmp/x")
    ('oxigraph', '/tmp/x')
    """
    kind, sep, location = spec.partition(":")
    if spec == "memory":
        return "memory", ""
    if not sep or kind not in ("oxigraph", "sparql") or not location:
        raise InputError(
            f"--store {spec}: use 'memory', 'oxigraph:DIR' (an Oxigraph store folder) or "
            "'sparql:URL' (a SPARQL 1.1 endpoint)"
        )
    return kind, location


def open_oxigraph(location: str, *, writable: bool = False) -> ox.Store:
    """Open an on-disk Oxigraph store; read-only unless *writable* (which creates it)."""
    path = Path(location)
    if not writable and not (path / "CURRENT").is_file():
        raise InputError(
            f"--store oxigraph:{location}: no Oxigraph store there; fill one with "
            f"'certpath load --store oxigraph:{location} FILES...'"
        )
    try:
        return ox.Store(str(path)) if writable else ox.Store.read_only(str(path))
    except OSError as exc:
        raise InputError(f"--store oxigraph:{location}: cannot open store: {exc}") from None


def default_graph_size(store: ox.Store) -> int:
    """Number of triples in *store*'s default graph."""
    if next(iter(store.quads_for_pattern(None, None, None, LABEL_INDEX)), None) is None:
        return len(store)
    rows = store.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    assert isinstance(rows, ox.QuerySolutions)
    return int(next(iter(rows))["n"].value)


def load_into_store(store: ox.Store, files: Iterable[Path]) -> None:
    """Parse *files* into a (persistent) store, apply vocabulary rule 1, rebuild the name index."""
    for path in files:
        parse_file(store, path)
    store.update(sparql_prologue() + _DIRECT_FROM_QUALIFIED)
    store.clear_graph(LABEL_INDEX)
    store.update(_BUILD_LABEL_INDEX)
    store.flush()


def open_graph(
    data: Sequence[str | Path] | None = None, *, store: str | None = None
) -> KnowledgeGraph:
    """Open the graph the CLI works on: *data* files in memory, or a named *store*.

    ``oxigraph:DIR`` opens a persistent store (read-only; the ontology was loaded into it by
    ``certpath load``); ``sparql:URL`` mirrors a remote endpoint's graph with one CONSTRUCT query.

    Raises
    ------
    InputError
        A store specification that cannot be used, or *data* given together with a store.
    """
    if store is None or store == "memory":
        return load(data)
    kind, location = parse_store_spec(store)
    if data:
        raise InputError("--data and --store exclude each other: the store already holds the data")
    if kind == "oxigraph":
        return KnowledgeGraph(open_oxigraph(location))
    from certpath.remote import mirror_endpoint

    return KnowledgeGraph(mirror_endpoint(location))
