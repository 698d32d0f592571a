"""The knowledge graph: one interface over every store, and loading RDF into a local one.

:class:`KnowledgeGraph` is what the CLI and the library read: triple patterns (:meth:`quads`),
SPARQL (:meth:`select`, :meth:`evaluate`) and the batched look-ups of a neighbourhood
(:meth:`triple_source`). Here it reads an Oxigraph store: in
memory (the default; it parses about ten times faster than rdflib and imports in milliseconds,
which keeps a one-shot ``certpath path`` fast) or an on-disk folder; :mod:`certpath.remote`
gives the same interface over a SPARQL endpoint, and :mod:`certpath.stores` opens either.

A persistent store keeps **one named graph per source file** (so loading a file again replaces
what it contributed) and, for readers, the merge of all of them in its default graph with
vocabulary rule 1 applied; see :func:`load_into_store`.
"""

from __future__ import annotations

import datetime
import hashlib
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyoxigraph as ox

from certpath.errors import InputError
from certpath.namespaces import RDF_TYPE, sparql_prologue
from certpath.parsing import FORMAT_NAMES, FORMATS, parse_file  # re-exported: parsing lives there

if TYPE_CHECKING:
    from certpath.sparql.results import QueryResult

Subject = ox.NamedNode | ox.BlankNode
Object = ox.NamedNode | ox.BlankNode | ox.Literal

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
#: (template, pattern) of each direct triple derived from a qualified link.
RULE_1 = (
    (
        "{ ?role cp:requires ?c }",
        "{ ?role cp:qualifiedRequirement ?q . ?q cp:competency ?c . "
        "OPTIONAL { ?role cp:recommends ?rec . FILTER(?rec = ?c) } FILTER(!BOUND(?rec)) }",
    ),
    ("{ ?lo cp:teaches ?c }", "{ ?lo cp:qualifiedOutcome ?o . ?o cp:competency ?c }"),
    ("{ ?p cp:hasCompetency ?c }", "{ ?p cp:qualifiedHolding ?h . ?h cp:competency ?c }"),
)
DIRECT_FROM_QUALIFIED = " ;\n".join(f"INSERT {t} WHERE {w}" for t, w in RULE_1)


#: Named graph holding the name look-up index (see :meth:`KnowledgeGraph.label_index`).
LABEL_INDEX = ox.NamedNode("urn:x-certpath:label-index")
PREF_KEY = ox.NamedNode("urn:x-certpath:prefKey")
ALIAS_KEY = ox.NamedNode("urn:x-certpath:aliasKey")
#: Named graph listing the sources of a persistent store (one named graph each).
SOURCES_GRAPH = ox.NamedNode("urn:x-certpath:sources")
SOURCE_FILE = ox.NamedNode("urn:x-certpath:file")
SOURCE_DIGEST = ox.NamedNode("urn:x-certpath:sha256")
SOURCE_LOADED = ox.NamedNode("urn:x-certpath:loaded")
SOURCE_TRIPLES = ox.NamedNode("urn:x-certpath:triples")
#: Where a store's data went that was there before certpath kept one graph per source.
UNATTRIBUTED = ox.NamedNode("urn:x-certpath:source/unattributed")

LABEL_INDEX_PATTERN = f"""
  VALUES (?p ?key) {{ (skos:prefLabel {PREF_KEY}) (skos:altLabel {ALIAS_KEY})
                      (skos:hiddenLabel {ALIAS_KEY}) (rdfs:label {ALIAS_KEY}) }}
  ?s ?p ?l . FILTER(isIRI(?s) && isLiteral(?l))
  BIND(REPLACE(REPLACE(LCASE(STR(?l)), "^\\\\s+|\\\\s+$", ""), "\\\\s+", " ") AS ?k)
"""
_BUILD_LABEL_INDEX = f"""
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
INSERT {{ GRAPH {LABEL_INDEX} {{ ?s ?key ?k }} }}
WHERE {{ {LABEL_INDEX_PATTERN} }} ;
INSERT DATA {{ GRAPH {LABEL_INDEX} {{ {LABEL_INDEX} {PREF_KEY} "built" }} }}
"""


@dataclass
class KnowledgeGraph:
    """Ontology plus data, read through one interface whatever the store.

    This class reads an Oxigraph store (in memory or a folder): ``store`` is that store and
    ``sources`` the files it was loaded from. :class:`certpath.remote.RemoteGraph` answers the
    same methods from a SPARQL endpoint.
    """

    store: ox.Store
    sources: list[Path] = field(default_factory=list)

    #: Where the graph lives, for messages: ``memory``, ``oxigraph:DIR`` or ``sparql:URL``.
    location: str = "memory"
    #: Bumped whenever the data changes, so indexes derived from it know they are stale.
    generation: int = 0

    def __len__(self) -> int:
        """Triples in the default graph (the name index in its own graph does not count)."""
        return default_graph_size(self.store)

    @property
    def remote(self) -> bool:
        """Whether reads go over the network (then read by batches, never triple by triple)."""
        return False

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

    def evaluate(
        self, text: str, form: str, *, limit: int | None, timeout: float | None
    ) -> QueryResult:
        """Evaluate a checked, bound query of *form* with a row cap and a deadline.

        The one place that decides where a query runs: here the embedded engine (in a child
        process killed at *timeout*); a remote graph sends it to its endpoint.
        """
        from certpath.sparql.run import evaluate_local

        return evaluate_local(self.store, text, form, limit=limit, timeout=timeout)

    def quads(
        self,
        subject: Subject | None = None,
        predicate: ox.NamedNode | None = None,
        obj: Object | None = None,
    ) -> Iterator[ox.Quad]:
        """The data's triples matching a pattern (None: any), as Oxigraph quads.

        Every module reads triples through this method (or :meth:`select`), never through the
        store directly, so that where the data lives is decided here.
        """
        return iter(self.store.quads_for_pattern(subject, predicate, obj, ox.DefaultGraph()))

    def triple_source(self) -> Any:
        """What the neighbourhood walk reads by batches (a ``neighbourhood.TripleSource``):
        index look-ups here; a remote graph answers with batched queries."""
        from certpath.neighbourhood import StoreSource

        return StoreSource(self)

    def objects(self, subject: str, predicate: str) -> list[Any]:
        """Return the objects of (*subject*, *predicate*, ?) in the default graph."""
        quads = self.quads(ox.NamedNode(subject), ox.NamedNode(predicate), None)
        return [q.object for q in quads]

    def pairs(self, predicate: str) -> list[tuple[str, str]]:
        """Return (subject, object) IRI pairs of *predicate*, skipping blank nodes and literals."""
        return [
            (q.subject.value, q.object.value)
            for q in self.quads(None, ox.NamedNode(predicate), None)
            if isinstance(q.subject, ox.NamedNode) and isinstance(q.object, ox.NamedNode)
        ]

    def types(self, iri: str) -> set[str]:
        """Return the rdf:type IRIs of *iri*."""
        return {o.value for o in self.objects(iri, RDF_TYPE) if isinstance(o, ox.NamedNode)}

    def has_subject(self, iri: str) -> bool:
        """Whether *iri* is the subject of any triple (never, for text that is not an IRI)."""
        try:
            node = ox.NamedNode(iri)
        except ValueError:
            return False
        return next(self.quads(node, None, None), None) is not None

    def add_files(self, files: Iterable[Path]) -> None:
        """Parse more files into the store and re-apply vocabulary rule 1."""
        self.generation += 1  # what was derived from the data (indexes) is stale
        for path in files:
            parse_file(self.store, path)
            self.sources.append(path)
        self.store.update(sparql_prologue() + DIRECT_FROM_QUALIFIED)
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

    def label_keys(self, key: str) -> tuple[set[str], set[str]]:
        """Entities whose prefLabel, and whose other labels, fold to *key* (name index look-up).

        ``None``-free: an empty pair when nothing matches. Requires :meth:`label_index`.
        """
        preferred: set[str] = set()
        aliases: set[str] = set()
        needle = ox.Literal(key)
        for kind, found in ((PREF_KEY, preferred), (ALIAS_KEY, aliases)):
            for quad in self.store.quads_for_pattern(None, kind, needle, LABEL_INDEX):
                if isinstance(quad.subject, ox.NamedNode):
                    found.add(quad.subject.value)
        return preferred, aliases


def bind_values(sparql: str, bindings: Mapping[str, ox.NamedNode | ox.Literal]) -> str:
    """Bind variables safely by ``VALUES`` blocks inside the groups of the query that use them.

    The one binding mechanism of the package (:func:`certpath.sparql.bind`), placed by tokens.

    >>> print(bind_values("SELECT ?s WHERE { ?s ?p ?o }", {"o": ox.Literal("x")}))
    SELECT ?s WHERE { VALUES (?o) { ("x") } ?s ?p ?o }
    """
    if not bindings:
        return sparql
    from certpath.sparql.binding import bind
    from certpath.sparql.check import check_query

    return bind(check_query(sparql, trusted=True), bindings)


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


def open_oxigraph(location: str, *, writable: bool = False) -> ox.Store:
    """Open an on-disk Oxigraph store; read-only unless *writable* (which creates it)."""
    path = Path(location)
    if not writable and not (path / "CURRENT").is_file():
        raise InputError(
            f"--store oxigraph:{location}: no Oxigraph store there; fill one with "
            f"'certpath --store oxigraph:{location} load FILES...'"
        )
    try:
        return ox.Store(str(path)) if writable else ox.Store.read_only(str(path))
    except OSError as exc:
        raise InputError(f"--store oxigraph:{location}: cannot open store: {exc}") from None


def default_graph_size(store: ox.Store) -> int:
    """Number of triples in *store*'s default graph."""
    if not _has_named_graphs(store):
        return len(store)
    rows = store.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    assert isinstance(rows, ox.QuerySolutions)
    return int(next(iter(rows))["n"].value)


def _has_named_graphs(store: ox.Store) -> bool:
    return next(iter(store.named_graphs()), None) is not None


def source_graph(path: Path) -> ox.NamedNode:
    """The named graph that holds what the file *path* contributed to a persistent store.

    The bundled files and the ontology have names that do not depend on where certpath is
    installed; any other file is named by its absolute ``file:`` URI, so loading the same file
    again (edited or not) replaces its graph.

    >>> source_graph(ontology_files()[0]).value
    'urn:x-certpath:ontology/certpath.ttl'
    >>> source_graph(Path("/data/roles.ttl")).value
    'file:///data/roles.ttl'
    """
    resolved = path.resolve()
    if resolved.parent == bundled_data_dir().resolve():
        return ox.NamedNode(f"urn:x-certpath:bundled/{resolved.name}")
    if resolved.parent == (_RESOURCES / "ontology").resolve():
        return ox.NamedNode(f"urn:x-certpath:ontology/{resolved.name}")
    return ox.NamedNode(resolved.as_uri())


@dataclass(frozen=True)
class Source:
    """One parsed source file, ready to be written to a store as its own named graph."""

    path: Path
    graph: ox.NamedNode
    triples: list[ox.Triple]
    digest: str

    def registry_quads(self, when: str) -> list[ox.Quad]:
        """The quads that record this source in :data:`SOURCES_GRAPH`."""
        return [
            ox.Quad(self.graph, SOURCE_FILE, ox.Literal(str(self.path)), SOURCES_GRAPH),
            ox.Quad(self.graph, SOURCE_DIGEST, ox.Literal(self.digest), SOURCES_GRAPH),
            ox.Quad(self.graph, SOURCE_LOADED, ox.Literal(when), SOURCES_GRAPH),
            ox.Quad(
                self.graph,
                SOURCE_TRIPLES,
                ox.Literal(str(len(self.triples)), datatype=_XSD_INTEGER),
                SOURCES_GRAPH,
            ),
        ]


_XSD_INTEGER = ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")


def read_sources(files: Iterable[Path], graphs: Mapping[Path, str] | None = None) -> list[Source]:
    """Parse every file (all of them before anything is written: a bad file changes nothing).

    *graphs* names the graph of a file whose path says nothing (a temporary file).

    Raises
    ------
    InputError
        The first file that cannot be read or parsed, named with its line.
    """
    sources: list[Source] = []
    for path in dict.fromkeys(files):
        scratch = ox.Store()
        parse_file(scratch, path)
        name = (graphs or {}).get(path)
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        triples = [q.triple for q in scratch.quads_for_pattern(None, None, None, ox.DefaultGraph())]
        graph = ox.NamedNode(name) if name else source_graph(path)
        sources.append(Source(path, graph, triples, digest))
    return sources


def load_into_store(
    store: ox.Store,
    files: Iterable[Path],
    *,
    graphs: Mapping[Path, str] | None = None,
    parsed: Sequence[Source] | None = None,
) -> list[Source]:
    """Load *files* into a persistent store, each file replacing its own named graph.

    Every file is parsed first, so a file that fails leaves the store as it was. Each source's
    named graph (:func:`source_graph`) is then replaced by the file's triples, so loading an
    edited file replaces what it contributed and loading the same file twice changes nothing
    (blank nodes are not duplicated). Readers see the default graph: rebuilt as the merge of
    every source graph, with vocabulary rule 1 applied and the name index rebuilt, so that every
    reader (planning, validate, show, queries, name look-up) sees exactly the loaded files.

    Returns
    -------
    list of Source
        The sources written, in order (*parsed*: sources already read by :func:`read_sources`).

    Raises
    ------
    InputError
        A file that cannot be read or parsed (nothing was written).
    """
    sources = list(parsed) if parsed is not None else read_sources(files, graphs)
    if not sources and not _has_named_graphs(store):  # a store filled by another tool
        store.update(sparql_prologue() + DIRECT_FROM_QUALIFIED)
        store.clear_graph(LABEL_INDEX)
        store.update(_BUILD_LABEL_INDEX)
        store.flush()
        return []
    if not store.contains_named_graph(SOURCES_GRAPH) and len(store):
        # data loaded before certpath kept a graph per source: keep it, in a graph of its own
        store.bulk_extend(
            ox.Quad(q.subject, q.predicate, q.object, UNATTRIBUTED)
            for q in store.quads_for_pattern(None, None, None, ox.DefaultGraph())
        )
        store.add(ox.Quad(UNATTRIBUTED, SOURCE_FILE, ox.Literal("(unattributed)"), SOURCES_GRAPH))
    when = datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds")
    for source in sources:
        if store.contains_named_graph(source.graph):
            store.remove_graph(source.graph)
        for quad in list(store.quads_for_pattern(source.graph, None, None, SOURCES_GRAPH)):
            store.remove(quad)
        store.extend(
            ox.Quad(t.subject, t.predicate, t.object, source.graph) for t in source.triples
        )
        store.extend(source.registry_quads(when))
    rebuild_default_graph(store)
    return sources


def source_graphs(store: ox.Store) -> list[ox.NamedNode]:
    """The source graphs a persistent store records, sorted."""
    found = {
        q.subject
        for q in store.quads_for_pattern(None, SOURCE_FILE, None, SOURCES_GRAPH)
        if isinstance(q.subject, ox.NamedNode)
    }
    return sorted(found, key=lambda n: n.value)


def rebuild_default_graph(store: ox.Store) -> None:
    """Make the default graph the merge of the source graphs, with rule 1 and the name index."""
    store.clear_graph(ox.DefaultGraph())
    store.clear_graph(LABEL_INDEX)
    for graph in source_graphs(store):
        store.bulk_extend(
            ox.Quad(q.subject, q.predicate, q.object, ox.DefaultGraph())
            for q in store.quads_for_pattern(None, None, None, graph)
        )
    store.update(sparql_prologue() + DIRECT_FROM_QUALIFIED)
    store.update(_BUILD_LABEL_INDEX)
    store.flush()


__all__ = [
    "BUNDLED",
    "FORMATS",
    "FORMAT_NAMES",
    "KnowledgeGraph",
    "Source",
    "bundled_data_dir",
    "load",
    "load_into_store",
    "ontology_files",
    "open_oxigraph",
    "parse_file",
    "read_sources",
    "resolve_data_paths",
    "shapes_file",
    "source_graph",
]
