"""Stores: where the graph lives (``--store``), opening it, and loading files into it.

Three kinds, one interface (:class:`~certpath.graph.KnowledgeGraph`):

* ``memory`` (default): the ontology and ``--data`` files parsed into an in-memory store.
* ``oxigraph:DIR``: a persistent Oxigraph store folder.
* ``sparql:URL``: a SPARQL 1.1 endpoint (Oxigraph server, Virtuoso, Fuseki, ...), read by
  batched queries (:class:`~certpath.remote_graph.RemoteGraph`), never copied whole unless asked
  (:func:`dump`).

Both persistent kinds keep one named graph per source file, so :func:`load_files` replaces what a
file contributed, is idempotent, and changes nothing when a file fails.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from certpath.errors import InputError
from certpath.graph import (
    LABEL_INDEX,
    LABEL_INDEX_PATTERN,
    PREF_KEY,
    RULE_1,
    SOURCES_GRAPH,
    KnowledgeGraph,
    Source,
    default_graph_size,
    load,
    load_into_store,
    ontology_files,
    open_oxigraph,
    read_sources,
    resolve_data_paths,
)
from certpath.namespaces import sparql_prologue

#: Triples per update request when writing to an endpoint (a blank node's triples stay together;
#: Virtuoso 7.2 fails on 3,000: "SQL text has exceeded 10000 lines", "memory exhausted").
UPLOAD_CHUNK = 1000
#: Triples per Graph Store Protocol request (N-Triples; a blank node's triples stay together).
STORE_CHUNK = 100_000


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


def open_graph(
    data: Sequence[str | Path] | None = None, *, store: str | None = None
) -> KnowledgeGraph:
    """Open the graph the CLI works on: *data* files in memory, or a named *store*.

    ``oxigraph:DIR`` opens a persistent store read-only; ``sparql:URL`` reads an endpoint by
    batched queries (nothing is copied).

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
        return KnowledgeGraph(open_oxigraph(location), location=store)
    from certpath.remote import Endpoint
    from certpath.remote_graph import RemoteGraph

    return RemoteGraph(Endpoint(location))


@dataclass(frozen=True)
class LoadSummary:
    """What a load wrote: the store, the sources (file and named graph) and the triples now."""

    store: str
    sources: list[tuple[str, str, int]]
    triples: int

    def to_dict(self) -> dict[str, object]:
        """JSON-ready form."""
        return {
            "store": self.store,
            "sources": [{"file": f, "graph": g, "triples": n} for f, g, n in self.sources],
            "triples": self.triples,
        }


Progress = Callable[[int, int, Path], None]


def load_files(
    spec: str, files: Sequence[str | Path], *, progress: Progress | None = None
) -> LoadSummary:
    """Load the ontology and *files* into the persistent store *spec*, one graph per file.

    Every file is parsed before anything is written (a bad file changes nothing); each file then
    replaces its own named graph, so loading an edited file replaces what it contributed and
    loading the same file twice changes nothing. ``oxigraph:DIR`` is created when missing;
    ``sparql:URL`` is written with SPARQL 1.1 Update (credentials from the environment, see
    :mod:`certpath.remote`).

    Raises
    ------
    InputError
        No persistent store given, or a file that cannot be read or parsed.
    StoreUnavailable, StoreRefused
        The endpoint cannot be reached or refuses the write.
    """
    kind, location = parse_store_spec(spec)
    if kind == "memory":
        raise InputError(
            f"--store {spec}: load fills a persistent store: 'oxigraph:DIR' or 'sparql:URL'"
        )
    paths = ontology_files() + resolve_data_paths(list(files))
    sources = read_sources(paths)
    if progress is not None:
        for i, source in enumerate(sources, 1):
            progress(i, len(sources), source.path)
    if kind == "oxigraph":
        store = open_oxigraph(location, writable=True)
        written = load_into_store(store, [s.path for s in sources], parsed=sources)
        triples = default_graph_size(store)
    else:
        from certpath.remote import Endpoint

        endpoint = Endpoint(location)
        written = write_endpoint(endpoint, sources)
        from certpath.remote_graph import RemoteGraph

        triples = len(RemoteGraph(Endpoint(location)))
    return LoadSummary(
        spec, [(str(s.path), s.graph.value, len(s.triples)) for s in written], triples
    )


def _chunks(triples: list[ox.Triple], size: int) -> Iterable[list[ox.Triple]]:
    """Split *triples* into chunks of about *size*, keeping each blank node's triples together.

    A blank node is only itself within one update request, so every triple that mentions it (and
    every blank node linked to it) goes in the same chunk.
    """
    parent: dict[ox.BlankNode, ox.BlankNode] = {}

    def find(node: ox.BlankNode) -> ox.BlankNode:
        while parent.setdefault(node, node) != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    for t in triples:
        if isinstance(t.subject, ox.BlankNode) and isinstance(t.object, ox.BlankNode):
            parent[find(t.subject)] = find(t.object)
    groups: dict[ox.BlankNode | None, list[ox.Triple]] = {}
    for t in triples:
        node = t.subject if isinstance(t.subject, ox.BlankNode) else t.object
        key = find(node) if isinstance(node, ox.BlankNode) else None
        groups.setdefault(key, []).append(t)
    chunk: list[ox.Triple] = []
    for key, group in groups.items():
        pieces = (
            [group[i : i + size] for i in range(0, len(group), size)] if key is None else [group]
        )
        for piece in pieces:
            if chunk and len(chunk) + len(piece) > size:
                yield chunk
                chunk = []
            chunk.extend(piece)
    if chunk:
        yield chunk


def _insert(graph: str, triples: list[ox.Triple]) -> str:
    # INSERT ... WHERE {} rather than INSERT DATA: Virtuoso refuses blank nodes in INSERT DATA.
    body = " .\n".join(f"{t.subject} {t.predicate} {t.object}" for t in triples)
    return f"INSERT {{ GRAPH <{graph}> {{\n{body} .\n}} }} WHERE {{}}"


#: Registry terms of an endpoint store: the graph a source's triples are in now, and the
#: graphs readers see now (the merge, the name index).
IN_GRAPH = ox.NamedNode("urn:x-certpath:inGraph")
STORE_NODE = ox.NamedNode("urn:x-certpath:store")
MERGED_NOW = ox.NamedNode("urn:x-certpath:mergedGraph")
INDEX_NOW = ox.NamedNode("urn:x-certpath:indexGraph")


def write_endpoint(endpoint: object, sources: list[Source]) -> list[Source]:
    """Write *sources* to an endpoint: uploaded into new graphs, then switched in at once.

    Each source is uploaded into a graph of its own with a new name (Graph Store Protocol POSTs
    of N-Triples where the endpoint has it, else SPARQL Update requests), and so are the graph
    readers see (the merge of all the store's sources, with vocabulary rule 1 applied, computed
    here when this load holds every source of the store, else by the server) and the name index.
    Only then does one small update point the store's registry at the new graphs; the old ones
    are dropped afterwards. If anything fails before the switch, the new graphs are dropped and
    the store is as it was.
    """
    from certpath.remote import Endpoint
    from certpath.remote_graph import RemoteGraph

    assert isinstance(endpoint, Endpoint)
    existing = RemoteGraph(Endpoint(endpoint.url))
    state = existing.registry()
    endpoint.software = existing.endpoint.software
    token = uuid.uuid4().hex
    new_graphs = {s.graph.value: f"urn:x-certpath:graph/{token}/{i}" for i, s in enumerate(sources)}
    merged = f"urn:x-certpath:merged/{token}"
    index = f"urn:x-certpath:label-index/{token}"
    current = {**state.graphs, **new_graphs}  # source -> graph holding it, after this load
    written = [*new_graphs.values(), merged, index]
    try:
        for source in sources:
            _upload(endpoint, new_graphs[source.graph.value], source.triples)
        if set(state.graphs) <= set(new_graphs):  # every source is here: merge it here
            merge, names = _merge_locally(sources)
            _upload(endpoint, merged, merge)
            _upload(endpoint, index, names)
        else:
            _merge_on_server(endpoint, sorted(current.values()), merged, index)
        when = _now()
        registry = [
            f"{STORE_NODE} {MERGED_NOW} <{merged}> .",
            f"{STORE_NODE} {INDEX_NOW} <{index}> .",
        ]
        for source in sources:
            quads = source.registry_quads(when)
            registry += [f"{q.subject} {q.predicate} {q.object} ." for q in quads]
            registry.append(f"{source.graph} {IN_GRAPH} <{new_graphs[source.graph.value]}> .")
        graph = SOURCES_GRAPH
        replaced = " ".join(f"{s.graph}" for s in sources)
        endpoint.update(  # the switch: one small request
            f"DELETE {{ GRAPH {graph} {{ ?s ?p ?o }} }} WHERE {{ GRAPH {graph} {{ ?s ?p ?o "
            f"VALUES ?s {{ {STORE_NODE} {replaced} }} }} }} ;\n"
            f"INSERT DATA {{ GRAPH {graph} {{ {' '.join(registry)} }} }}"
        )
    except BaseException:
        _drop(endpoint, written)
        raise
    old = [state.graphs[s.graph.value] for s in sources if s.graph.value in state.graphs]
    old += [g for g in (state.merged, state.index) if g]
    _drop(endpoint, old)
    return sources


def _upload(endpoint: Any, graph: str, triples: list[ox.Triple]) -> None:
    if endpoint.store_url:  # the Graph Store Protocol: N-Triples, tens of times faster
        for chunk in _chunks(triples, STORE_CHUNK):
            endpoint.post_graph(graph, ox.serialize(chunk, format=ox.RdfFormat.N_TRIPLES) or b"")
    else:
        for chunk in _chunks(triples, UPLOAD_CHUNK):
            endpoint.update(_insert(graph, chunk))


def _merge_locally(sources: list[Source]) -> tuple[list[ox.Triple], list[ox.Triple]]:
    """The merge of *sources* with rule 1 applied, and its name index, computed in memory."""
    from certpath.graph import _BUILD_LABEL_INDEX, DIRECT_FROM_QUALIFIED

    store = ox.Store()
    for source in sources:
        store.bulk_extend(ox.Quad(t.subject, t.predicate, t.object) for t in source.triples)
    store.update(sparql_prologue() + DIRECT_FROM_QUALIFIED)
    store.update(_BUILD_LABEL_INDEX)
    merged = [q.triple for q in store.quads_for_pattern(None, None, None, ox.DefaultGraph())]
    names = [q.triple for q in store.quads_for_pattern(None, None, None, LABEL_INDEX)]
    return merged, names


def _merge_on_server(endpoint: Any, graphs: list[str], merged: str, index: str) -> None:
    """Build the merge and the name index on the server (the load holds only some sources)."""
    using = " ".join(f"USING <{g}>" for g in graphs)
    operations = [f"INSERT {{ GRAPH <{merged}> {{ ?s ?p ?o }} }} {using} WHERE {{ ?s ?p ?o }}"]
    for template, pattern in RULE_1:
        operations.append(
            f"INSERT {{ GRAPH <{merged}> {template} }} USING <{merged}> WHERE {pattern}"
        )
    operations += [
        f"INSERT {{ GRAPH <{index}> {{ ?s ?key ?k }} }} USING <{merged}> "
        f"WHERE {{ {LABEL_INDEX_PATTERN} }}",
        f"INSERT DATA {{ GRAPH <{index}> {{ {LABEL_INDEX} {PREF_KEY} 'built' }} }}",
    ]
    _run(endpoint, operations)


def _run(endpoint: Any, operations: list[str]) -> None:
    if endpoint.is_virtuoso:
        # Virtuoso aborts a request whose transaction log grows past TransactionAfterImageLimit
        # (50 MB by default: well below ESCO's size), so large copies run without that log, one
        # operation per request (several in one request with the log off lose their order).
        for operation in operations:
            endpoint.update("DEFINE sql:log-enable 3\n" + sparql_prologue() + operation)
    else:
        endpoint.update(sparql_prologue() + " ;\n".join(operations))


def _drop(endpoint: Any, graphs: list[str]) -> None:
    """Drop *graphs* (best effort: what is left is never read)."""
    try:
        _run(endpoint, [f"DROP SILENT GRAPH <{g}>" for g in graphs])
    except Exception:  # noqa: BLE001 - the first error is the one to report
        pass


def _now() -> str:
    import datetime

    return datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds")


def dump(kg: KnowledgeGraph, path: Path) -> int:
    """Write every triple of *kg* to *path* (N-Triples ``.nt`` or Turtle ``.ttl``); the count.

    The one operation that copies a whole remote store, on purpose. The file is written next to
    its place and renamed into it, so a failure leaves no half-written file.
    """
    from certpath.remote_graph import RemoteGraph

    fmt = {".nt": ox.RdfFormat.N_TRIPLES, ".ttl": ox.RdfFormat.TURTLE}.get(path.suffix.lower())
    if fmt is None:
        raise InputError(f"{path}: dump writes N-Triples (.nt) or Turtle (.ttl)")
    graph = kg.copy() if isinstance(kg, RemoteGraph) else kg
    part = path.with_name(f".{path.name}.{uuid.uuid4().hex[:8]}.part")
    try:
        graph.store.dump(str(part), format=fmt, from_graph=ox.DefaultGraph())
        part.replace(path)
    except OSError as exc:
        part.unlink(missing_ok=True)
        raise InputError(f"{path}: cannot write: {exc.strerror or exc}") from None
    return len(graph)


__all__ = [
    "LoadSummary",
    "dump",
    "load_files",
    "open_graph",
    "parse_store_spec",
    "write_endpoint",
]
