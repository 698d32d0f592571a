"""A knowledge graph read from a SPARQL endpoint, by batches, without copying it.

:class:`RemoteGraph` answers the :class:`~certpath.graph.KnowledgeGraph` interface with SPARQL
queries sent to the endpoint: aggregates and named queries are evaluated there, and triple look-ups
fetch what they need in batches of entities (one ``VALUES`` block each). Blank nodes cannot be
named across queries, so an entity's triples always come with the closure of the blank nodes it
reaches, in the same answer, and every triple that involves a blank node is read through the
entity that owns it. What was read is kept (in memory, for the command) so an entity is fetched
once.

A store filled by ``certpath --store sparql:URL load`` records its sources (one named graph each)
in the graph ``urn:x-certpath:sources``, with the graph that holds their merge (vocabulary rule 1
applied, ``urn:x-certpath:merged/...``): queries read that graph as their default graph, never
the server's own system graphs.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import pyoxigraph as ox

from certpath.errors import QueryTruncated, StoreUnavailable
from certpath.graph import (
    LABEL_INDEX,
    SOURCE_FILE,
    SOURCES_GRAPH,
    KnowledgeGraph,
    Object,
    Subject,
    bind_values,
)
from certpath.namespaces import CP, SKOS_BROADER, sparql_prologue
from certpath.remote import Endpoint
from certpath.sparql.results import QueryResult

#: Entities per batched look-up (a VALUES block); halved when an answer hits the server's cap.
BATCH = 400
#: Blank nodes deep below an entity fetched in one answer (deeper ones cost another answer).
DEPTH = 3

#: ASK: does some qualified link lack its direct triple (vocabulary rule 1)?
RULE_1_GAP = """ASK {
  { ?s cp:qualifiedRequirement ?q . ?q cp:competency ?c .
    FILTER NOT EXISTS { ?s cp:requires ?c } FILTER NOT EXISTS { ?s cp:recommends ?c } }
  UNION
  { ?s cp:qualifiedOutcome ?q . ?q cp:competency ?c . FILTER NOT EXISTS { ?s cp:teaches ?c } }
  UNION
  { ?s cp:qualifiedHolding ?q . ?q cp:competency ?c . FILTER NOT EXISTS { ?s cp:hasCompetency ?c } }
}"""


def _closure_query(roots: str, depth: int) -> str:
    """Triples of the entities bound to ``?root`` (by *roots*) and of every node below them that
    belongs to their description: blank nodes, and objects of the closure links.

    A row's subject is its deepest bound ``?bN`` (else ``?root``): no ``BIND``, which Virtuoso's
    compiler fails on in this shape ("sparp_gp_deprecate").
    """
    from certpath.neighbourhood import CLOSURE_LINKS

    links = ", ".join(f"<{link}>" for link in sorted(CLOSURE_LINKS))
    branches = ["{ ?root ?p ?o }"]
    for level in range(1, depth + 1):
        steps = " ".join(
            f"?{'root' if i == 1 else f'b{i - 1}'} ?p{i} ?b{i} . "
            f"FILTER(isBlank(?b{i}) || ?p{i} IN ({links}))"
            for i in range(1, level + 1)
        )
        branches.append(f"{{ {steps} ?b{level} ?p ?o }}")
    chain = " ".join(f"?b{i}" for i in range(1, depth + 1))
    return f"SELECT ?root {chain} ?p ?o WHERE {{ {roots} {' UNION '.join(branches)} }}"


#: Links whose objects a neighbourhood walk describes next (read ahead by :meth:`describe`).
_READ_AHEAD = frozenset(
    {CP.offeredBy, CP.teaches, CP.prerequisite, CP.member, CP.requires, CP.recommends,
     CP.role, SKOS_BROADER}
)  # fmt: skip


def _values(variable: str, iris: Sequence[str]) -> str:
    return f"VALUES ?{variable} {{ " + " ".join(f"<{iri}>" for iri in iris) + " }"


def _owner_chains(start: str, depth: int) -> str:
    """UNION branches binding ``?uN`` up from the blank node *start* to the first IRI."""
    branches = []
    for level in range(1, depth + 1):
        steps = " ".join(
            f"?u{i} ?q{i} ?u{i - 1} . FILTER(isBlank(?u{i - 1}))" if i > 1 else f"?u1 ?q1 {start} ."
            for i in range(1, level + 1)
        )
        branches.append(f"{{ {steps} FILTER(isIRI(?u{level})) }}")
    return " UNION ".join(branches)


def _owners(result: QueryResult) -> list[str]:
    """The owner IRIs of an answer of :func:`_owners_query`: the IRI among each row's terms."""
    found = {term.value for row in result.rows for term in row if isinstance(term, ox.NamedNode)}
    return sorted(found)


def _owners_query(predicate: str, depth: int, values: str = "", target: str = "?x") -> str:
    """The entities (IRIs) that own a blank node with a triple of *predicate* (to *target*).

    An IRI whose *predicate* points at a blank node owns it; a blank node subject of
    *predicate* is owned by the first IRI above it.
    """
    ups = " ".join(f"?u{i}" for i in range(1, depth + 1))
    link = f"?b <{predicate}> {target}" if predicate else f"?b ?any {target}"
    direct = (
        f"{{ ?owner <{predicate}> ?x . FILTER(isIRI(?owner) && isBlank(?x)) }} UNION "
        if target == "?x"
        else ""
    )
    return (
        f"SELECT DISTINCT ?owner {ups} WHERE {{ {values} {direct}{{ {link} . "
        f"FILTER(isBlank(?b)) {{ {_owner_chains('?b', depth)} }} }} }}"
    )


@dataclass
class Registry:
    """A store's registry: its sources, the graph each is in, the merge and the name index."""

    graphs: dict[str, str]
    sources: list[str]
    merged: str | None
    index: str | None


class _RemoteStore:
    """What a module that still reads ``kg.store`` gets: look-ups answered through the graph."""

    def __init__(self, graph: RemoteGraph) -> None:
        self._graph = graph

    def quads_for_pattern(
        self, subject: Any = None, predicate: Any = None, obj: Any = None, graph: Any = None
    ) -> Iterator[ox.Quad]:
        if isinstance(graph, ox.NamedNode) and graph == LABEL_INDEX:
            return iter(())  # names are looked up with KnowledgeGraph.label_keys
        return self._graph.quads(subject, predicate, obj)

    def query(self, text: str, **options: Any) -> Any:
        return self._graph._raw_query(text)

    def evaluate(
        self, text: str, form: str, *, limit: int | None, timeout: float | None
    ) -> QueryResult:
        """A query run on ``kg.store`` (``serve`` over an endpoint) goes to the endpoint."""
        return self._graph.evaluate(text, form, limit=limit, timeout=timeout)

    def dump(self, *args: Any, **kwargs: Any) -> Any:
        raise StoreUnavailable(self._graph.whole_graph_message("reading every triple"))


class RemoteGraph(KnowledgeGraph):
    """The knowledge graph of a SPARQL endpoint, read by batched queries (never copied whole)."""

    def __init__(self, endpoint: Endpoint) -> None:
        self.endpoint = endpoint
        self.sources = []
        self.location = f"sparql:{endpoint.url}"
        self._cache = ox.Store()  # triples of the described entities, blank-node closure included
        self._described: set[str] = set()
        self._by_predicate: dict[str, list[ox.Quad]] = {}
        self._into: dict[tuple[str | None, str], list[ox.Quad]] = {}  # (predicate, object)
        self._certpath: bool | None = None
        self._sources: list[str] = []
        self._index: str | None = None
        self._rule_1: bool | None = None

    # -------------------------------------------------------------- what the store holds

    def registry(self, timeout: float | None = None) -> Registry:
        """What the store's registry says now (one query): sources, their graphs, the merge."""
        from certpath.stores import IN_GRAPH, INDEX_NOW, MERGED_NOW, STORE_NODE

        rows = self.endpoint.run(
            f"SELECT ?s ?p ?o WHERE {{ ?s ?p ?o VALUES ?p {{ <{SOURCE_FILE.value}> {IN_GRAPH} "
            f"{MERGED_NOW} {INDEX_NOW} }} }}",
            "select",
            limit=None,
            timeout=timeout,
            dataset=(SOURCES_GRAPH.value,),
        ).rows
        found = Registry({}, [], None, None)
        for s, p, o in rows:
            if not isinstance(s, ox.NamedNode) or not isinstance(p, ox.NamedNode):
                continue
            if p == SOURCE_FILE:
                found.sources.append(s.value)
            elif p == IN_GRAPH and isinstance(o, ox.NamedNode):
                found.graphs[s.value] = o.value
            elif s == STORE_NODE and p == MERGED_NOW and isinstance(o, ox.NamedNode):
                found.merged = o.value
            elif s == STORE_NODE and p == INDEX_NOW and isinstance(o, ox.NamedNode):
                found.index = o.value
        found.sources.sort()
        return found

    def _discover(self, timeout: float | None = None) -> None:
        """Find the graphs certpath loaded (one query); without them, the endpoint's default."""
        if self._certpath is not None:
            return
        state = self.registry(timeout)
        self._sources = state.sources
        self._index = state.index
        self._certpath = state.merged is not None
        if state.merged is not None and self.endpoint.dataset is None:
            self.endpoint.dataset = (state.merged,)

    @property
    def store(self) -> Any:
        """Look-ups for modules that read ``kg.store`` (no copy is made)."""
        return _RemoteStore(self)

    @store.setter
    def store(self, value: Any) -> None:
        raise AttributeError("a remote graph has no local store")

    @property
    def remote(self) -> bool:
        """Always: reads go over the network."""
        return True

    @property
    def filled_by_certpath(self) -> bool:
        """Whether ``certpath load`` filled this store (its sources are recorded)."""
        self._discover()
        return bool(self._certpath)

    def whole_graph_message(self, what: str) -> str:
        """The error for an operation that would need a copy of the whole store."""
        return (
            f"{self.endpoint.url}: {what} would copy the whole store; "
            f"'certpath --store {self.location} dump -o FILE' makes that copy on purpose"
        )

    def __len__(self) -> int:
        """Triples in the store's data graphs (one COUNT query)."""
        self._discover()
        result = self.endpoint.select("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
        count = result.rows[0][0] if result.rows else None
        return int(count.value) if isinstance(count, ox.Literal) else 0

    # -------------------------------------------------------------- SPARQL

    def _raw_query(self, text: str) -> Any:
        """A query with the package prefixes: solutions, a boolean or triples, like Oxigraph's."""
        self._discover()
        from certpath.sparql.check import check_query

        checked = check_query(text, trusted=True)
        result = self.endpoint.run(sparql_prologue() + text, checked.form, limit=None)
        if result.form == "ask":
            return bool(result.boolean)
        if result.form in ("construct", "describe"):
            return iter(result.triples)
        return _Solutions(result)

    def query(self, sparql: str, **bindings: ox.NamedNode | ox.Literal) -> object:
        """Run SPARQL on the endpoint with the package prefixes; values only through *bindings*."""
        return self._raw_query(bind_values(sparql, bindings))

    def select(
        self, sparql: str, **bindings: ox.NamedNode | ox.Literal
    ) -> Iterator[ox.QuerySolution]:
        """Run a SELECT query on the endpoint and iterate over its solutions."""
        result = self.query(sparql, **bindings)
        assert isinstance(result, _Solutions)
        return iter(result)

    def evaluate(
        self, text: str, form: str, *, limit: int | None, timeout: float | None
    ) -> QueryResult:
        """The endpoint evaluates the query (it has the direct triples of rule 1, else a copy)."""
        seconds = timeout if timeout is not None else self.endpoint.timeout
        self._discover(seconds)
        if not self.rule_1_holds(timeout=seconds):
            from certpath.sparql.run import evaluate_local

            copy = self.copy(timeout=seconds)
            return evaluate_local(copy.store, text, form, limit=limit, timeout=timeout)
        return self.endpoint.run(sparql_prologue() + text, form, limit=limit, timeout=seconds)

    def rule_1_holds(self, *, timeout: float | None = None) -> bool:
        """Whether the graph has the direct triple of every qualified link (vocabulary rule 1).

        Known for a store certpath filled (it derives them at load); otherwise one ASK.
        """
        self._discover(timeout)
        if self._certpath:
            return True
        if self._rule_1 is None:
            gap = self.endpoint.run(
                sparql_prologue() + RULE_1_GAP, "ask", limit=None, timeout=timeout
            )
            self._rule_1 = not gap.boolean
        return self._rule_1

    def copy(self, *, timeout: float | None = None) -> KnowledgeGraph:
        """Copy the whole graph into memory with vocabulary rule 1 applied (one CONSTRUCT).

        Only for what needs every triple (``dump``, a store lacking rule 1's triples).
        """
        from certpath.graph import DIRECT_FROM_QUALIFIED

        self._discover()
        expected = len(self)
        result = self.endpoint.run(
            "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", "construct", limit=None, timeout=timeout
        )
        if len(result.triples) < expected:  # Virtuoso cuts a CONSTRUCT without saying so
            raise QueryTruncated(
                f"{self.endpoint.url}: the endpoint sent {len(result.triples)} of its "
                f"{expected} triples (a row cap: for Virtuoso raise ResultSetMaxRows in "
                "[SPARQL]); certpath never uses a partial copy"
            )
        store = ox.Store()
        store.bulk_extend(ox.Quad(t.subject, t.predicate, t.object) for t in result.triples)
        store.update(sparql_prologue() + DIRECT_FROM_QUALIFIED)
        return KnowledgeGraph(store, location=self.location)

    # -------------------------------------------------------------- names

    def label_index(self) -> bool:
        """The name index exists on a store certpath filled; else names are found by a scan."""
        return self.filled_by_certpath

    def label_keys(self, key: str) -> tuple[set[str], set[str]]:
        """Entities whose prefLabel, and whose other labels, fold to *key* (one query)."""
        from certpath.graph import ALIAS_KEY, PREF_KEY

        result = self.endpoint.select(
            bind_values(
                "SELECT ?s ?k WHERE { ?s ?k ?key FILTER(isIRI(?s)) }", {"key": ox.Literal(key)}
            ),
            dataset=(self._index or LABEL_INDEX.value,),
        )
        preferred: set[str] = set()
        aliases: set[str] = set()
        for subject, kind in result.rows:
            if isinstance(subject, ox.NamedNode) and isinstance(kind, ox.NamedNode):
                if kind == PREF_KEY:
                    preferred.add(subject.value)
                elif kind == ALIAS_KEY:
                    aliases.add(subject.value)
        return preferred, aliases

    # -------------------------------------------------------------- batched look-ups
    # The TripleSource protocol of certpath.neighbourhood: one round trip per batch.

    def triple_source(self) -> RemoteGraph:
        """This graph answers the neighbourhood walk's batched look-ups itself."""
        return self

    def _closure(self, roots: Iterable[Subject]) -> list[ox.Quad]:
        """The cached description of *roots* (blank nodes and closure links followed)."""
        from certpath.neighbourhood import CLOSURE_LINKS

        out: list[ox.Quad] = []
        seen: set[Subject] = set()
        stack = list(roots)
        while stack:
            node = stack.pop()
            if node in seen:
                continue
            seen.add(node)
            for quad in self._cache.quads_for_pattern(node, None, None, ox.DefaultGraph()):
                out.append(quad)
                obj = quad.object
                if isinstance(obj, ox.BlankNode) or (
                    isinstance(obj, ox.NamedNode) and quad.predicate.value in CLOSURE_LINKS
                ):
                    stack.append(obj)
        return out

    def describe(self, iris: Iterable[str]) -> list[ox.Quad]:
        """The triples of *iris* and of the nodes in their description, fetched in batches.

        An entity is fetched once per command, so its blank nodes are the same objects every
        time it is described.
        """
        wanted = list(dict.fromkeys(iris))
        missing = [iri for iri in wanted if iri not in self._described]
        for start in range(0, len(missing), BATCH):
            self._describe_batch(missing[start : start + BATCH])
        if missing:
            self._read_ahead(missing)
        return self._closure(ox.NamedNode(iri) for iri in wanted)

    def _read_ahead(self, iris: list[str]) -> None:
        """Describe, in the same few round trips, what a walk asks for next: the entities the
        just-described ones link to by a planning link (providers, what they teach, require or
        need first, broader competencies), instead of one round trip per entity later."""
        found: set[str] = set()
        for quad in self._closure(ox.NamedNode(iri) for iri in iris):
            obj = quad.object
            if (
                isinstance(obj, ox.NamedNode)
                and quad.predicate.value in _READ_AHEAD
                and obj.value not in self._described
            ):
                found.add(obj.value)
        ahead = sorted(found)
        for start in range(0, len(ahead), BATCH):
            self._describe_batch(ahead[start : start + BATCH])

    def _describe_batch(self, iris: list[str]) -> None:
        try:
            self._fetch(_values("root", iris))
        except QueryTruncated:
            if len(iris) == 1:
                raise
            self._describe_batch(iris[: len(iris) // 2])
            self._describe_batch(iris[len(iris) // 2 :])

    def describe_subjects(self, predicate: str, objects: Sequence[str]) -> list[ox.Quad]:
        """The description of every subject (IRI or blank) linked by *predicate* to *objects*."""
        wanted = list(dict.fromkeys(objects))
        roots: list[Subject] = []
        for start in range(0, len(wanted), BATCH):
            roots += self._subjects_of(predicate, wanted[start : start + BATCH])
        return self._closure(roots)

    def _subjects_of(self, predicate: str, objects: list[str]) -> list[Subject]:
        try:
            return self._fetch(f"{_values('target', objects)} ?root <{predicate}> ?target .")
        except QueryTruncated:
            if len(objects) == 1:
                raise
            half = len(objects) // 2
            return self._subjects_of(predicate, objects[:half]) + self._subjects_of(
                predicate, objects[half:]
            )

    def _fetch(self, roots: str, depth: int = DEPTH) -> list[Subject]:
        """Fetch the descriptions of the roots that *roots* binds into the cache: the roots.

        Nodes nested deeper than *depth* are asked again, deeper. A root already described keeps
        its cached triples (and blank nodes).
        """
        from certpath.neighbourhood import CLOSURE_LINKS

        self._discover()
        result = self.endpoint.select(_closure_query(roots, depth))
        triples: set[tuple[Any, Any, Any]] = set()
        found: set[Subject] = set()
        for row in result.rows:
            root, *chain, p, o = row
            if not isinstance(root, ox.NamedNode | ox.BlankNode) or p is None or o is None:
                continue
            found.add(root)
            subject = next((b for b in reversed(chain) if b is not None), root)
            triples.add((subject, p, o))
        subjects = {s for s, _, _ in triples}
        unexpanded = any(
            (
                isinstance(o, ox.BlankNode)
                or (isinstance(o, ox.NamedNode) and p.value in CLOSURE_LINKS)
            )
            and o not in subjects
            and not (isinstance(o, ox.NamedNode) and o.value in self._described)
            for _, p, o in triples
        )
        if unexpanded and depth < 4 * DEPTH:  # nested deeper than this answer reached
            return self._fetch(roots, depth * 2)
        self._cache.extend(
            ox.Quad(s, p, o)
            for s, p, o in triples
            if not (isinstance(s, ox.NamedNode) and s.value in self._described)
        )
        self._described.update(s.value for s in subjects | found if isinstance(s, ox.NamedNode))
        return sorted(found, key=str)

    def _subjects_batch(self, predicate: str | None, objects: list[str]) -> None:
        self._discover()
        values = "VALUES ?o { " + " ".join(f"<{o}>" for o in objects) + " }"
        prop = f"<{predicate}>" if predicate else "?p"
        result = self.endpoint.select(
            f"SELECT ?s ?p ?o WHERE {{ {values} ?s {prop} ?o }}"
            if predicate is None
            else f"SELECT ?s ?o WHERE {{ {values} ?s {prop} ?o }}"
        )
        found: dict[str, list[ox.Quad]] = {o: [] for o in objects}
        blank = False
        for row in result.rows:
            subject, link, obj = (row[0], ox.NamedNode(predicate), row[1]) if predicate else row
            if isinstance(subject, ox.BlankNode):
                blank = True  # read it through the entity that owns it, below
            elif isinstance(obj, ox.NamedNode) and isinstance(link, ox.NamedNode):
                found[obj.value].append(ox.Quad(subject, link, obj))  # type: ignore[arg-type]
        if blank:
            self._blank_subjects(predicate, objects, found)
        for o, quads in found.items():
            self._into[(predicate, o)] = quads

    def _blank_subjects(
        self, predicate: str | None, objects: list[str], found: dict[str, list[ox.Quad]]
    ) -> None:
        """Triples ``_:b predicate o``: their owners described, the triples taken from them."""
        values = "VALUES ?target { " + " ".join(f"<{o}>" for o in objects) + " }"
        result = self.endpoint.select(_owners_query(predicate or "", DEPTH, values, "?target"))
        owners = _owners(result)
        targets = {ox.NamedNode(o) for o in objects}
        for quad in self.describe(owners):
            if (
                isinstance(quad.subject, ox.BlankNode)
                and quad.object in targets
                and (predicate is None or quad.predicate.value == predicate)
            ):
                found[quad.object.value].append(quad)  # type: ignore[union-attr]

    def everything(self, predicate: str) -> list[ox.Quad]:
        """Every triple of *predicate*; those of blank nodes read through their owners."""
        if predicate in self._by_predicate:
            return self._by_predicate[predicate]
        self._discover()
        prop = ox.NamedNode(predicate)
        result = self.endpoint.select(
            f"SELECT ?s ?o WHERE {{ ?s <{predicate}> ?o FILTER(!isBlank(?s) && !isBlank(?o)) }}"
        )
        quads = [ox.Quad(s, prop, o) for s, o in result.rows]  # type: ignore[arg-type]
        owners = _owners(self.endpoint.select(_owners_query(predicate, DEPTH)))
        for quad in self.describe(owners):
            if quad.predicate == prop and (
                isinstance(quad.subject, ox.BlankNode) or isinstance(quad.object, ox.BlankNode)
            ):
                quads.append(quad)
        self._by_predicate[predicate] = quads
        return quads

    def quads(
        self,
        subject: Subject | None = None,
        predicate: ox.NamedNode | None = None,
        obj: Object | None = None,
    ) -> Iterator[ox.Quad]:
        """Triples matching a pattern, read by the batched look-ups above.

        A pattern with a subject reads that entity (with its blank nodes); one with an object
        IRI the subjects pointing at it; one with only a predicate every triple of it. A pattern
        with none of them would read the whole store and is refused.
        """
        if isinstance(subject, ox.NamedNode):
            self.describe([subject.value])
        if subject is not None:
            return iter(self._cache.quads_for_pattern(subject, predicate, obj, ox.DefaultGraph()))
        if isinstance(obj, ox.NamedNode):
            key = predicate.value if predicate is not None else None
            if (key, obj.value) not in self._into:
                self._subjects_batch(key, [obj.value])
            return iter(self._into[(key, obj.value)])
        if predicate is not None:
            quads = self.everything(predicate.value)
            return iter(q for q in quads if obj is None or q.object == obj)
        raise StoreUnavailable(self.whole_graph_message("reading every triple"))


class _Solutions:
    """Solutions of a remote SELECT, iterated like Oxigraph's ``QuerySolutions``."""

    def __init__(self, result: QueryResult) -> None:
        self._result = result
        self.variables = [ox.Variable(name) for name in result.variables]

    def __iter__(self) -> Iterator[Any]:
        names = self._result.variables
        for row in self._result.rows:
            yield _Solution(names, row)


class _Solution:
    """One solution: by variable name or position, like ``QuerySolution``."""

    def __init__(self, names: list[str], row: tuple[Any, ...]) -> None:
        self._names = names
        self._row = row

    def __getitem__(self, key: int | str | ox.Variable) -> Any:
        if isinstance(key, int):
            return self._row[key]
        name = key.value if isinstance(key, ox.Variable) else key
        return self._row[self._names.index(name)]

    def __iter__(self) -> Iterator[Any]:
        return iter(self._row)


__all__ = ["RULE_1_GAP", "Registry", "RemoteGraph"]
