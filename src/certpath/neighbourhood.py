"""The neighbourhood of a planning question: the few triples a plan can depend on.

For a question about target roles it holds the roles and their requirements (and, for experience
requirements, the roles worked in, as if they were targets); every competency narrower than one
that is needed; every offer that teaches one of them, with its providers, what it teaches and its
prerequisite closure (offers, groups, competencies, experience requirements, recursively); what
the person has and holds, with every competency broader than what they have or could learn here;
and, so that milestones stay exact, every role that could be met after some step: one whose
requirements are all among those competencies (a role needing anything else can never be met by
a plan read from here), and one with an experience gate about a role worked in here.

Of each entity the walk reads only the properties planning reads (:data:`PLANNING_PREDICATES`:
no alternative labels, descriptions or sources), and of each blank node every triple (its key is
a digest of what it says, so it must be whole). It goes breadth first and asks its
:class:`TripleSource` for a whole frontier at once (the entities to read and the subjects that
link to the competencies needed so far, in one request), so a remote store answers a question in
a handful of round trips. A source only ever receives IRIs: blank nodes come back inside the
description of the entity that points to them, or as subjects of a link, in the same answer.
What the walk gathers is copied into a small in-memory store for
:func:`certpath.projection.project`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Protocol

import pyoxigraph as ox

from certpath.graph import KnowledgeGraph
from certpath.namespaces import (
    CP,
    RDF_TYPE,
    RDFS_LABEL,
    RDFS_SUBCLASSOF,
    SKOS_BROADER,
    SKOS_PREFLABEL,
)

__all__ = [
    "CLOSURE_LINKS",
    "HOPS",
    "PLANNING_PREDICATES",
    "StoreSource",
    "TripleSource",
    "neighbourhood",
]

Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple
Node = ox.NamedNode | ox.BlankNode

#: Links whose objects belong to their subject's description even when they have an IRI
#: (qualified nodes); blank objects of any link always do.
CLOSURE_LINKS = frozenset(
    {
        CP.qualifiedRequirement,
        CP.qualifiedOutcome,
        CP.qualifiedHolding,
        CP.requiresExperience,
        CP.hasExperience,
    }
)

#: The properties of an entity (an IRI) that planning reads (``certpath.projection``): its
#: kind and label, the links and numbers of roles, competencies, offers, groups and experience
#: requirements. Blank nodes, and the objects of :data:`CLOSURE_LINKS`, are read whole.
PLANNING_PREDICATES = frozenset(
    {
        RDF_TYPE,
        SKOS_PREFLABEL,
        RDFS_LABEL,
        SKOS_BROADER,
        CP.requires,
        CP.recommends,
        CP.qualifiedRequirement,
        CP.requiresExperience,
        CP.durationHours,
        CP.cost,
        CP.currency,
        CP.validityMonths,
        CP.offeredBy,
        CP.deliveryMode,
        CP.teaches,
        CP.qualifiedOutcome,
        CP.prerequisite,
        CP.minCount,
        CP.member,
        CP.months,
        CP.role,
        CP.leadsTo,
        CP.framework,
    }
)


#: ``skos:broader`` links a request follows below the competencies it names (and one more above
#: them), in the same answer: hierarchies cost a round trip per four levels, not per level.
HOPS = 3


class TripleSource(Protocol):
    """Where a neighbourhood is read from: a local store, or a remote SPARQL endpoint."""

    def fetch(
        self,
        iris: Sequence[str],
        links: Mapping[str, Sequence[str]],
        ancestors: Sequence[str] = (),
    ) -> Iterable[ox.Quad | ox.Triple]:
        """What one request reads (:data:`PLANNING_PREDICATES` of each IRI, every triple of
        each blank node and of what it reaches, recursively, see :data:`CLOSURE_LINKS`):

        * *iris*;
        * every subject (IRI or blank) with a ``links[p]`` link to one of its objects, or to a
          node narrower than one of them by at most :data:`HOPS` ``skos:broader`` links;
        * *ancestors*, and every node broader than one of them by at most ``HOPS + 1`` links.
        """
        ...

    def everything(self, predicate: str) -> Iterable[ox.Quad | ox.Triple]:
        """Every triple with *predicate*."""
        ...

    def milestone_candidates(self, reachable: Sequence[str], roles: Sequence[str]) -> list[str]:
        """The IRIs that require a competency of *reachable*, or have an experience gate
        (``cp:requiresExperience``) about one of *roles*, and require nothing outside
        *reachable* (literal objects aside), sorted."""
        ...


class StoreSource:
    """A :class:`TripleSource` over a :class:`~certpath.graph.KnowledgeGraph`: index look-ups."""

    def __init__(self, kg: KnowledgeGraph) -> None:
        self.kg = kg
        #: Where the triples came from (error messages name the file).
        self.sources = kg.sources

    def fetch(
        self,
        iris: Sequence[str],
        links: Mapping[str, Sequence[str]],
        ancestors: Sequence[str] = (),
    ) -> list[ox.Quad]:
        roots: set[Node] = {ox.NamedNode(i) for i in (*iris, *ancestors)}
        for predicate, objects in links.items():
            link = ox.NamedNode(predicate)
            below = _hops(self.kg, [ox.NamedNode(o) for o in objects], HOPS, down=True)
            for o in below:
                for q in self.kg.quads(None, link, o):
                    if isinstance(q.subject, ox.NamedNode | ox.BlankNode):
                        roots.add(q.subject)
        roots |= _hops(self.kg, [ox.NamedNode(a) for a in ancestors], HOPS + 1, down=False)
        return _described(self.kg, roots)

    def everything(self, predicate: str) -> list[ox.Quad]:
        return list(self.kg.quads(None, ox.NamedNode(predicate), None))

    def milestone_candidates(self, reachable: Sequence[str], roles: Sequence[str]) -> list[str]:
        reach = set(reachable)
        requires = ox.NamedNode(CP.requires)
        found: set[ox.NamedNode] = set()
        for c in reachable:
            found.update(
                q.subject
                for q in self.kg.quads(None, requires, ox.NamedNode(c))
                if isinstance(q.subject, ox.NamedNode)
            )
        gated = ox.NamedNode(CP.requiresExperience)
        for w in roles:
            for gate in self.kg.quads(None, ox.NamedNode(CP.role), ox.NamedNode(w)):
                if isinstance(gate.subject, ox.NamedNode | ox.BlankNode):
                    found.update(
                        q.subject
                        for q in self.kg.quads(None, gated, gate.subject)
                        if isinstance(q.subject, ox.NamedNode)
                    )
        return sorted(
            r.value
            for r in found
            if all(
                isinstance(q.object, ox.Literal)
                or (isinstance(q.object, ox.NamedNode) and q.object.value in reach)
                for q in self.kg.quads(r, requires, None)
            )
        )


def _hops(kg: KnowledgeGraph, start: Iterable[Node], hops: int, *, down: bool) -> set[Node]:
    """*start* and every node narrower (*down*) or broader than one of them by at most *hops*
    ``skos:broader`` links."""
    broader = ox.NamedNode(SKOS_BROADER)
    found: set[Node] = set(start)
    frontier = set(found)
    for _ in range(hops):
        nxt: set[Node] = set()
        for node in frontier:
            quads = kg.quads(None, broader, node) if down else kg.quads(node, broader, None)
            for q in quads:
                other = q.subject if down else q.object
                if isinstance(other, ox.NamedNode | ox.BlankNode) and other not in found:
                    nxt.add(other)
        found |= nxt
        frontier = nxt
    return found


def _described(kg: KnowledgeGraph, roots: Iterable[Node]) -> list[ox.Quad]:
    """The planning triples of the IRIs among *roots*, every triple of the blank ones, and the
    whole closure below them (blank nodes, objects of closure links)."""
    found: list[ox.Quad] = []
    seen: set[Node] = set()
    stack: list[tuple[Node, bool]] = [(r, True) for r in roots]
    while stack:
        node, root = stack.pop()
        if node in seen:
            continue
        seen.add(node)
        partial = root and isinstance(node, ox.NamedNode)
        for quad in kg.quads(node):
            if partial and quad.predicate.value not in PLANNING_PREDICATES:
                continue
            found.append(quad)
            obj = quad.object
            if isinstance(obj, ox.BlankNode) or (
                isinstance(obj, ox.NamedNode) and quad.predicate.value in CLOSURE_LINKS
            ):
                stack.append((obj, False))
    return found


class _Walk:
    """A breadth-first walk that copies what it reads into a small store and classifies it."""

    def __init__(self, source: TripleSource) -> None:
        self.source = source
        self.small = ox.Store()
        self.fetched: set[str] = set()  # IRIs whose planning triples are in the small store
        self.kinds: dict[str, set[str]] = {}  # class IRI -> its superclasses (and itself)
        self.rounds = 0  # requests to the source (fetch, milestone candidates)

    def add(self, quads: Iterable[ox.Quad | ox.Triple]) -> None:
        self.small.extend(
            ox.Quad(q.subject, q.predicate, q.object, ox.DefaultGraph()) for q in quads
        )

    def fetch(
        self,
        iris: Iterable[str],
        links: Mapping[str, Iterable[str]] | None = None,
        ancestors: Iterable[str] = (),
    ) -> None:
        new = sorted(set(iris) - self.fetched)
        asked = {p: sorted(set(o)) for p, o in (links or {}).items() if o}
        above = sorted(set(ancestors) - self.fetched)
        if new or asked or above:
            self.fetched.update(new)
            self.rounds += 1
            quads = list(self.source.fetch(new, asked, above))
            self.add(quads)
            # An IRI subject of an answer was read with (at least) its planning triples.
            self.fetched.update(
                q.subject.value for q in quads if isinstance(q.subject, ox.NamedNode)
            )
            self.fetched.update(above)

    def below(self, competency: str, hops: int) -> set[str]:
        """*competency* and the IRIs narrower than it by at most *hops* links, read here."""
        found, frontier = {competency}, {competency}
        for _ in range(hops):
            frontier = _iris(self.subjects(SKOS_BROADER, frontier)) - found
            found |= frontier
        return found

    def known(self, node: Term) -> bool:
        """Whether *node*'s triples are here (a blank node comes with its owner's answer)."""
        return isinstance(node, ox.BlankNode) or (
            isinstance(node, ox.NamedNode) and node.value in self.fetched
        )

    def out(self, subject: Node, prop: str) -> list[Term]:
        quads = self.small.quads_for_pattern(subject, ox.NamedNode(prop), None, ox.DefaultGraph())
        return [q.object for q in quads]

    def subjects(self, prop: str, objects: Iterable[str]) -> set[Node]:
        found: set[Node] = set()
        for o in objects:
            for q in self.small.quads_for_pattern(
                None, ox.NamedNode(prop), ox.NamedNode(o), ox.DefaultGraph()
            ):
                if isinstance(q.subject, ox.NamedNode | ox.BlankNode):
                    found.add(q.subject)
        return found

    def is_a(self, node: Term, cls: str) -> bool:
        if not isinstance(node, ox.NamedNode | ox.BlankNode):
            return False
        for t in self.out(node, RDF_TYPE):
            if isinstance(t, ox.NamedNode) and cls in self._supers(t.value):
                return True
        return False

    def _supers(self, cls: str) -> set[str]:
        found = self.kinds.get(cls)
        if found is None:
            found, todo = {cls}, [cls]
            while todo:
                for parent in self.out(ox.NamedNode(todo.pop()), RDFS_SUBCLASSOF):
                    if isinstance(parent, ox.NamedNode) and parent.value not in found:
                        found.add(parent.value)
                        todo.append(parent.value)
            self.kinds[cls] = found
        return found


def _iris(terms: Iterable[Term]) -> set[str]:
    return {t.value for t in terms if isinstance(t, ox.NamedNode)}


class _Question:
    """The walk's bookkeeping: what is known to be needed, and what has been looked at."""

    def __init__(self, walk: _Walk) -> None:
        self.walk = walk
        self.roles: set[str] = set()  # roles whose requirements are needed
        self.needed: set[str] = set()  # competencies whose teachers and narrower ones are needed
        self.offers: set[Node] = set()
        self.reach: set[str] = set()  # what the person has or could learn, and broader ones
        self.items: list[Term] = []  # prerequisite items still to classify
        self.other: set[str] = set()  # entities read for their kind and label (providers)
        self.linked: set[str] = set()  # roles and competencies whose in-links were read
        self.asked: set[str] = set()  # competencies whose in-links the last round asked for
        self.done_roles: set[str] = set()  # what has been looked at, by kind
        self.done_needed: set[str] = set()
        self.done_offers: set[Node] = set()
        self.done_reach: set[str] = set()

    def request(self) -> tuple[set[str], dict[str, set[str]], set[str]]:
        """What the next round asks for: entities not read yet, in-links not asked for yet,
        and what the person could reach with the competencies above it."""
        walk = self.walk
        iris = {
            i
            for i in self.roles | self.needed | self.other | _iris(self.items)
            if i not in walk.fetched
        }
        iris |= {o.value for o in self.offers if isinstance(o, ox.NamedNode)} - walk.fetched
        links: dict[str, set[str]] = {CP.role: set(), SKOS_BROADER: set(), CP.teaches: set()}
        for role in self.roles - self.linked:  # every gate about it: the steps' thresholds
            links[CP.role].add(role)
        for competency in self.needed - self.linked:
            links[SKOS_BROADER].add(competency)
            links[CP.teaches].add(competency)
        self.linked |= self.roles
        self.asked = self.needed - self.linked
        above = {c for c in self.reach if c not in walk.fetched}
        return iris - above, links, above

    def answered(self) -> None:
        """After a round: the competencies whose narrower ones and teachers it read (those
        asked for, and what lies at most :data:`HOPS` links below them)."""
        for competency in self.asked:
            self.linked |= self.walk.below(competency, HOPS)
        self.asked = set()

    def _size(self) -> tuple[int, ...]:
        return (len(self.roles), len(self.needed), len(self.offers), len(self.reach),
                len(self.items), len(self.other), len(self.done_roles), len(self.done_needed),
                len(self.done_offers), len(self.done_reach))  # fmt: skip

    def settle(self) -> None:
        """Classify everything whose triples are here, until nothing new comes up."""
        while True:
            before = self._size()
            self._step(self.walk)
            if self._size() == before:
                return

    def _step(self, walk: _Walk) -> None:
        for role in sorted(self.roles - self.done_roles):
            node = ox.NamedNode(role)
            if walk.known(node):
                self.done_roles.add(role)
                for prop in (CP.requires, CP.recommends):
                    self.needed |= _iris(walk.out(node, prop))
                self.items.extend(walk.out(node, CP.requiresExperience))
        for competency in sorted(self.needed - self.done_needed):
            if competency in walk.fetched and competency in self.linked:
                self.done_needed.add(competency)
                for narrower in walk.subjects(SKOS_BROADER, [competency]):
                    if isinstance(narrower, ox.NamedNode):
                        self.needed.add(narrower.value)
                self.offers |= walk.subjects(CP.teaches, [competency])
        for offer in sorted(self.offers - self.done_offers, key=str):
            if walk.known(offer):
                self.done_offers.add(offer)
                self.other |= _iris(walk.out(offer, CP.offeredBy))
                self.reach |= _iris(walk.out(offer, CP.teaches))
                self.items.extend(walk.out(offer, CP.prerequisite))
        for competency in sorted(self.reach - self.done_reach):  # narrower meets broader
            if competency in walk.fetched:
                self.done_reach.add(competency)
                self.reach |= _iris(walk.out(ox.NamedNode(competency), SKOS_BROADER))
        pending, self.items = self.items, []
        for item in pending:
            if not isinstance(item, ox.NamedNode | ox.BlankNode):
                continue  # a literal: kept with its offer, refused by the planner
            if not walk.known(item):
                self.items.append(item)  # read in the next round
            elif walk.is_a(item, CP.PrerequisiteGroup):
                self.items.extend(walk.out(item, CP.member))
            elif walk.is_a(item, CP.ExperienceRequirement):
                self.roles |= _iris(walk.out(item, CP.role))
            elif walk.is_a(item, CP.Competency):
                if isinstance(item, ox.NamedNode):
                    self.needed.add(item.value)
            elif walk.is_a(item, CP.LearningOpportunity):
                self.offers.add(item)


def neighbourhood(
    source: TripleSource,
    targets: Iterable[str],
    *,
    have: Iterable[str] = (),
    holds: Iterable[str] = (),
    include: Iterable[str] = (),
) -> KnowledgeGraph:
    """The neighbourhood of a question about *targets* (module docstring), in a small graph;
    *include* names offers the plan must hold (read with their prerequisite closure).

    Examples
    --------
    >>> from certpath.graph import load
    >>> role = "https://w3id.org/certpath/data/safe-product-owner"
    >>> small = neighbourhood(StoreSource(load()), [role])
    >>> 0 < len(small) < len(load())
    True
    """
    walk = _Walk(source)
    walk.add(source.everything(RDFS_SUBCLASSOF))
    question = _Question(walk)
    question.roles |= set(targets)
    question.offers |= {ox.NamedNode(o) for o in (*holds, *include)}
    question.reach |= set(have)
    while True:
        question.settle()
        iris, links, above = question.request()
        if not iris and not any(links.values()) and not above:
            break
        walk.fetch(iris, links, above)
        question.answered()
    _milestone_roles(walk, question)
    return KnowledgeGraph(walk.small, list(getattr(source, "sources", [])))


def _milestone_roles(walk: _Walk, question: _Question) -> None:
    """Read the roles a plan from here could meet (module docstring), with their gates' roles."""
    walk.rounds += 1
    found = walk.source.milestone_candidates(sorted(question.reach), sorted(question.roles))
    roles = [r for r in found if r not in question.roles]
    walk.fetch(roles)
    named: set[str] = set()
    for role in roles:  # months as a role: that role is named (its kind is checked)
        for gate in walk.out(ox.NamedNode(role), CP.requiresExperience):
            if isinstance(gate, ox.NamedNode | ox.BlankNode):
                named |= _iris(walk.out(gate, CP.role))
    walk.fetch(named)
