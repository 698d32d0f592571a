"""Batched reads of a SPARQL endpoint: entities with the blank nodes they reach, in one answer.

Blank nodes cannot be named across queries, so an entity's triples always come with the closure
of the blank nodes it reaches (and of the objects of the closure links: qualified nodes written
as IRIs), in the same answer (:func:`read_closure`). :class:`RemoteSource` is the
:class:`~certpath.neighbourhood.TripleSource` of a remote graph: a whole frontier of the
neighbourhood walk per query, only the properties planning reads, batches halved when the server
caps an answer.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import pyoxigraph as ox

from certpath.errors import QueryTruncated
from certpath.namespaces import CP, SKOS_BROADER
from certpath.neighbourhood import CLOSURE_LINKS, HOPS, PLANNING_PREDICATES

if TYPE_CHECKING:
    from certpath.remote import Endpoint
    from certpath.remote_graph import RemoteGraph
    from certpath.sparql.results import QueryResult

__all__ = [
    "BATCH",
    "DEPTH",
    "RemoteSource",
    "closure_query",
    "owners",
    "owners_query",
    "read_closure",
    "values",
]

#: Values per batched look-up (VALUES blocks); halved when an answer hits the server's cap.
BATCH = 400
#: Blank nodes deep below an entity fetched in one answer (deeper ones cost another answer).
DEPTH = 3
#: Reachable competencies up to which the milestone roles are found by one query.
MILESTONE_ONE_QUERY = 500
#: Reachable competencies (and candidate roles) per query beyond that.
MILESTONE_BATCH = 2000

Subject = ox.NamedNode | ox.BlankNode
Triple = tuple[Any, Any, Any]


def values(variable: str, iris: Iterable[str]) -> str:
    """A ``VALUES`` block binding ``?variable`` to *iris* (IRIs only: never user text)."""
    return f"VALUES ?{variable} {{ " + " ".join(f"<{iri}>" for iri in iris) + " }"


def _in(predicates: Iterable[str]) -> str:
    return ", ".join(f"<{p}>" for p in sorted(predicates))


def closure_query(roots: str, depth: int, predicates: frozenset[str] | None = None) -> str:
    """Triples of the entities bound to ``?root`` (by *roots*) and of every node below them that
    belongs to their description: blank nodes, and objects of the closure links.

    With *predicates*, an IRI root contributes only triples of those predicates (and what is
    below them); a blank root, and every node below a root, contributes all of its triples.
    A row's subject is its deepest bound ``?bN`` (else ``?root``): no ``BIND``, which Virtuoso's
    compiler fails on in this shape ("sparp_gp_deprecate").

    >>> "?b2" in closure_query("VALUES ?root { <urn:x> }", 2)
    True
    """
    links = _in(CLOSURE_LINKS)
    only = f"(isBlank(?root) || ?{{p}} IN ({_in(predicates)}))" if predicates else ""
    root = f"{{ ?root ?p ?o {'FILTER' + only.format(p='p') if only else ''} }}"
    branches = [root]
    for level in range(1, depth + 1):
        steps = []
        for i in range(1, level + 1):
            above = "root" if i == 1 else f"b{i - 1}"
            test = f"(isBlank(?b{i}) || ?p{i} IN ({links}))"
            if i == 1 and only:
                test = f"{test} && {only.format(p='p1')}"
            steps.append(f"?{above} ?p{i} ?b{i} . FILTER({test})")
        branches.append(f"{{ {' '.join(steps)} ?b{level} ?p ?o }}")
    chain = " ".join(f"?b{i}" for i in range(1, depth + 1))
    return f"SELECT ?root {chain} ?p ?o WHERE {{ {roots} {' UNION '.join(branches)} }}"


def read_closure(
    endpoint: Endpoint,
    roots: str,
    *,
    predicates: frozenset[str] | None = None,
    known: Iterable[str] = (),
    depth: int = DEPTH,
) -> tuple[set[Triple], set[Subject]]:
    """The triples of the roots that *roots* binds (see :func:`closure_query`), and the roots.

    Nodes nested deeper than *depth* are asked again, deeper; an IRI in *known* is not
    expected to be expanded here (it was read before).
    """
    result = endpoint.select(closure_query(roots, depth, predicates))
    triples, found = _triples(result)
    subjects = {s for s, _, _ in triples}
    skip = set(known)
    unexpanded = any(
        (isinstance(o, ox.BlankNode) or (isinstance(o, ox.NamedNode) and p.value in CLOSURE_LINKS))
        and o not in subjects
        and not (isinstance(o, ox.NamedNode) and o.value in skip)
        for _, p, o in triples
    )
    if unexpanded and depth < 4 * DEPTH:  # nested deeper than this answer reached
        return read_closure(endpoint, roots, predicates=predicates, known=skip, depth=depth * 2)
    return triples, found


def _triples(result: QueryResult) -> tuple[set[Triple], set[Subject]]:
    triples: set[Triple] = set()
    found: set[Subject] = set()
    for row in result.rows:
        root, *chain, p, o = row
        if not isinstance(root, ox.NamedNode | ox.BlankNode) or p is None or o is None:
            continue
        found.add(root)
        subject = next((b for b in reversed(chain) if b is not None), root)
        triples.add((subject, p, o))
    return triples, found


#: The unit kind of :meth:`RemoteSource.fetch` for an IRI read with its broader ancestors.
_ABOVE = "^"


def owner_chains(start: str, depth: int) -> str:
    """UNION branches binding ``?uN`` up from the blank node *start* to the first IRI."""
    branches = []
    for level in range(1, depth + 1):
        steps = " ".join(
            f"?u{i} ?q{i} ?u{i - 1} . FILTER(isBlank(?u{i - 1}))" if i > 1 else f"?u1 ?q1 {start} ."
            for i in range(1, level + 1)
        )
        branches.append(f"{{ {steps} FILTER(isIRI(?u{level})) }}")
    return " UNION ".join(branches)


def owners(result: QueryResult) -> list[str]:
    """The owner IRIs of an answer of :func:`owners_query`: the IRI among each row's terms."""
    found = {term.value for row in result.rows for term in row if isinstance(term, ox.NamedNode)}
    return sorted(found)


def owners_query(predicate: str, depth: int, values: str = "", target: str = "?x") -> str:
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
        f"FILTER(isBlank(?b)) {{ {owner_chains('?b', depth)} }} }} }}"
    )


def _split(units: list[tuple[str, str]], size: int) -> list[list[tuple[str, str]]]:
    return [units[i : i + size] for i in range(0, len(units), size)]


def _chain(start: str, end: str, hops: int, name: str, up: bool) -> str:
    """``skos:broader`` triples linking *start* to *end* in *hops* steps, downwards (*end*
    narrower than *start*) or upwards (*end* broader)."""
    nodes = [start, *(f"?{name}{k}" for k in range(1, hops)), end]
    link = f"<{SKOS_BROADER}>"
    return " ".join(
        f"{nodes[k]} {link} {nodes[k + 1]} ." if up else f"{nodes[k + 1]} {link} {nodes[k]} ."
        for k in range(hops)
    )


def _roots(units: list[tuple[str, str]]) -> str:
    """The subquery binding ``?root`` for the units of one request (see ``fetch``)."""
    direct = [iri for p, iri in units if p in ("", _ABOVE)]
    branches = []
    if direct:  # with a triple: Virtuoso drops a UNION with a branch of VALUES alone
        branches.append(f"{{ {values('root', direct)} ?root ?any ?thing }}")
    by_link: dict[str, list[str]] = {}
    for p, o in units:
        if p:
            by_link.setdefault(p, []).append(o)
    for i, (p, objects) in enumerate(sorted(by_link.items())):
        if p == _ABOVE:
            ways = [_chain(f"?t{i}", "?root", k, f"y{i}_", up=True) for k in range(1, HOPS + 2)]
        else:
            ways = [f"?root <{p}> ?t{i} ."]
            ways += [
                f"{_chain(f'?t{i}', f'?x{i}_{k}', k, f'x{i}_', up=False)} ?root <{p}> ?x{i}_{k} ."
                for k in range(1, HOPS + 1)
            ]
        union = " UNION ".join(f"{{ {way} }}" for way in ways)
        branches.append(f"{{ {values(f't{i}', objects)} {union} }}")
    return f"{{ SELECT DISTINCT ?root WHERE {{ {' UNION '.join(branches)} }} }}"


class RemoteSource:
    """The neighbourhood walk's reads from a :class:`~certpath.remote_graph.RemoteGraph`: one
    query per frontier (per :data:`BATCH` values), planning properties only."""

    def __init__(self, graph: RemoteGraph) -> None:
        self.graph = graph
        self.sources = graph.sources
        #: Queries sent so far (the benchmark reports round trips per question).
        self.requests = 0
        #: Values per request; lowered for the rest of the walk when the server caps an answer.
        self.batch = BATCH

    @property
    def endpoint(self) -> Endpoint:
        return self.graph.endpoint

    def fetch(
        self,
        iris: Sequence[str],
        links: Mapping[str, Sequence[str]],
        ancestors: Sequence[str] = (),
    ) -> list[ox.Quad]:
        """See :meth:`certpath.neighbourhood.TripleSource.fetch`."""
        self.graph._discover()
        units = [("", iri) for iri in iris]
        units += [(p, o) for p, objects in links.items() for o in objects]
        units += [(_ABOVE, a) for a in ancestors]
        triples: set[Triple] = set()
        while units:
            chunk, units = units[: self.batch], units[self.batch :]
            triples |= self._fetch(chunk)
        return [ox.Quad(s, p, o) for s, p, o in triples]

    def _fetch(self, units: list[tuple[str, str]]) -> set[Triple]:
        try:
            self.requests += 1
            triples, _ = read_closure(self.endpoint, _roots(units), predicates=PLANNING_PREDICATES)
            return triples
        except QueryTruncated:
            if len(units) == 1:
                raise
            half = len(units) // 2
            self.batch = min(self.batch, half)  # the server caps answers: smaller batches
            return self._fetch(units[:half]) | self._fetch(units[half:])

    def everything(self, predicate: str) -> list[ox.Quad]:
        """See :meth:`certpath.neighbourhood.TripleSource.everything`."""
        self.requests += 1
        return self.graph.everything(predicate)

    def milestone_candidates(self, reachable: Sequence[str], roles: Sequence[str]) -> list[str]:
        """See :meth:`certpath.neighbourhood.TripleSource.milestone_candidates`: counted by the
        endpoint, only the roles found travel. A small question is one query; a large one
        counts the reachable requirements of each role by parts, then keeps the roles whose
        count is all they require (a query Virtuoso estimates at an hour as one piece)."""
        self.graph._discover()
        if len(reachable) <= MILESTONE_ONE_QUERY:
            self.requests += 1
            result = self.endpoint.select(_milestone_query(reachable, roles))
            return sorted({_text(r) for (r,) in result.rows if isinstance(r, ox.NamedNode)})
        hits: dict[str, int] = {}
        for start in range(0, len(reachable), MILESTONE_BATCH):
            self._count_hits(list(reachable[start : start + MILESTONE_BATCH]), hits)
        if roles:
            self.requests += 1
            query = _GATED.format(roles=values("w", roles))
            for (r,) in self.endpoint.select(query).rows:
                if isinstance(r, ox.NamedNode):
                    hits.setdefault(r.value, 0)
        candidates = sorted(hits)
        found: list[str] = []
        for start in range(0, len(candidates), MILESTONE_BATCH):
            batch = candidates[start : start + MILESTONE_BATCH]
            pairs = " ".join(f"(<{r}> {hits[r]})" for r in batch)
            self.requests += 1
            rows = self.endpoint.select(_ALL_MET.format(pairs=pairs)).rows
            found += [r.value for (r,) in rows if isinstance(r, ox.NamedNode)]
        return sorted(found)

    def _count_hits(self, part: list[str], hits: dict[str, int]) -> None:
        """Add, per role, how many competencies of *part* it requires (parts are disjoint)."""
        try:
            self.requests += 1
            rows = self.endpoint.select(_HITS.format(reach=values("c", part))).rows
        except QueryTruncated:
            if len(part) == 1:
                raise
            self._count_hits(part[: len(part) // 2], hits)
            self._count_hits(part[len(part) // 2 :], hits)
            return
        for r, n in rows:
            if isinstance(r, ox.NamedNode):
                hits[r.value] = hits.get(r.value, 0) + int(_text(n))


def _text(term: object) -> str:
    return term.value if isinstance(term, ox.NamedNode | ox.Literal) else ""


_CANDIDATES = (
    "SELECT DISTINCT ?r WHERE {{ {{ {reach} ?r <" + CP.requires + "> ?c }} UNION "
    "{{ {roles} ?g <" + CP.role + "> ?w . ?r <" + CP.requiresExperience + "> ?g }} "
    "FILTER(isIRI(?r)) }}"
)
_HITS = (
    "SELECT ?r (COUNT(DISTINCT ?c) AS ?n) WHERE {{ {reach} ?r <" + CP.requires + "> ?c "
    "FILTER(isIRI(?r)) }} GROUP BY ?r"
)
_GATED = (
    "SELECT DISTINCT ?r WHERE {{ {roles} ?g <" + CP.role + "> ?w . "
    "?r <" + CP.requiresExperience + "> ?g FILTER(isIRI(?r)) }}"
)
_ALL_MET = (
    "SELECT ?r WHERE {{ VALUES (?r ?hit) {{ {pairs} }} "
    "OPTIONAL {{ ?r <" + CP.requires + "> ?x FILTER(!isLiteral(?x)) }} }} "
    "GROUP BY ?r ?hit HAVING (COUNT(DISTINCT ?x) = ?hit)"
)


def _milestone_query(reachable: Sequence[str], roles: Sequence[str]) -> str:
    """One query: the candidates (they require a reachable competency, or have a gate about a
    role of *roles*) whose every requirement is reachable; ``?ok`` marks a reachable one."""
    candidates = _CANDIDATES.format(reach=values("c", reachable), roles=values("w", roles))
    return (
        "SELECT ?r WHERE { { SELECT ?r (COUNT(?x) AS ?all) (COUNT(?ok) AS ?met) WHERE { "
        f"{{ SELECT DISTINCT ?r ?x ?ok WHERE {{ {{ {candidates} }} "
        f"OPTIONAL {{ ?r <{CP.requires}> ?x FILTER(!isLiteral(?x)) "
        f"OPTIONAL {{ {values('x', reachable)} VALUES ?ok {{ 1 }} }} }} }} }} "
        "} GROUP BY ?r } FILTER(?all = ?met) }"
    )
