"""The neighbourhood of a planning question: the few triples a plan can depend on.

For a question about target roles it holds the roles and their requirements (and, for experience
requirements, the roles worked in, as if they were targets); every competency narrower than one
that is needed; every offer that teaches one of them, with its providers, what it teaches and its
prerequisite closure (offers, groups, competencies, experience requirements, recursively); what
the person has and holds; and, so that milestones stay exact, every role that needs a competency
(or a broader one) that the person has or could learn there.

The walk goes breadth first and asks its :class:`TripleSource` for a whole frontier at once, so
a remote store answers a question in a handful of round trips. A source only ever receives IRIs:
blank nodes come back inside the description of the entity that points to them (their closure),
so nothing has to name a blank node across two requests. What the walk gathers is copied into a
small in-memory store for :func:`certpath.projection.project`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Protocol

import pyoxigraph as ox

from certpath.graph import KnowledgeGraph
from certpath.namespaces import CP, RDF_TYPE, RDFS_SUBCLASSOF, SKOS_BROADER

__all__ = ["CLOSURE_LINKS", "StoreSource", "TripleSource", "neighbourhood"]

Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple

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


class TripleSource(Protocol):
    """Where a neighbourhood is read from: a local store, or a remote SPARQL endpoint."""

    def describe(self, iris: Sequence[str]) -> Iterable[ox.Quad | ox.Triple]:
        """The triples whose subject is one of *iris*, plus, recursively, those of every blank
        node (and object of a :data:`CLOSURE_LINKS` link) they reach."""
        ...

    def describe_subjects(
        self, predicate: str, objects: Sequence[str]
    ) -> Iterable[ox.Quad | ox.Triple]:
        """:meth:`describe` of every subject (IRI or blank) with a *predicate* link to one of
        *objects*."""
        ...

    def everything(self, predicate: str) -> Iterable[ox.Quad | ox.Triple]:
        """Every triple with *predicate*."""
        ...


class StoreSource:
    """A :class:`TripleSource` over a :class:`~certpath.graph.KnowledgeGraph`: index look-ups."""

    def __init__(self, kg: KnowledgeGraph) -> None:
        self.kg = kg
        #: Where the triples came from (error messages name the file).
        self.sources = kg.sources

    def _closure(self, roots: Iterable[ox.NamedNode | ox.BlankNode]) -> list[ox.Quad]:
        found: list[ox.Quad] = []
        stack = list(roots)
        seen: set[ox.NamedNode | ox.BlankNode] = set()
        while stack:
            node = stack.pop()
            if node in seen:
                continue
            seen.add(node)
            for quad in self.kg.quads(node):
                found.append(quad)
                obj = quad.object
                if isinstance(obj, ox.BlankNode) or (
                    isinstance(obj, ox.NamedNode) and quad.predicate.value in CLOSURE_LINKS
                ):
                    stack.append(obj)
        return found

    def describe(self, iris: Sequence[str]) -> list[ox.Quad]:
        return self._closure(ox.NamedNode(i) for i in iris)

    def describe_subjects(self, predicate: str, objects: Sequence[str]) -> list[ox.Quad]:
        link = ox.NamedNode(predicate)
        subjects = {
            q.subject
            for o in objects
            for q in self.kg.quads(None, link, ox.NamedNode(o))
            if isinstance(q.subject, ox.NamedNode | ox.BlankNode)
        }
        return self._closure(subjects)

    def everything(self, predicate: str) -> list[ox.Quad]:
        return list(self.kg.quads(None, ox.NamedNode(predicate), None))


class _Walk:
    """A breadth-first walk that copies what it reads into a small store and classifies it."""

    def __init__(self, source: TripleSource) -> None:
        self.source = source
        self.small = ox.Store()
        self.described: set[str] = set()
        self.kinds: dict[str, set[str]] = {}  # class IRI -> its superclasses (and itself)

    def add(self, quads: Iterable[ox.Quad | ox.Triple]) -> None:
        self.small.extend(
            ox.Quad(q.subject, q.predicate, q.object, ox.DefaultGraph()) for q in quads
        )

    def describe(self, iris: Iterable[str]) -> None:
        new = sorted(set(iris) - self.described)
        if new:
            self.described.update(new)
            self.add(self.source.describe(new))

    def out(self, subject: ox.NamedNode | ox.BlankNode, prop: str) -> list[Term]:
        quads = self.small.quads_for_pattern(subject, ox.NamedNode(prop), None, ox.DefaultGraph())
        return [q.object for q in quads]

    def subjects(self, prop: str, objects: Iterable[str]) -> set[ox.NamedNode | ox.BlankNode]:
        found: set[ox.NamedNode | ox.BlankNode] = set()
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
    roles: set[str] = set()  # roles whose requirements are needed (targets, experience roles)
    needed: set[str] = set()  # competencies whose teachers and narrower ones are needed
    offers: set[str] = set()
    items: list[Term] = []  # prerequisite items still to classify
    role_queue: set[str] = set(targets)
    needed_queue: set[str] = set()
    offer_queue: set[str] = set(holds) | set(include)
    done_roles: set[str] = set()
    done_needed: set[str] = set()
    blank_offers: list[ox.BlankNode] = []
    while role_queue or needed_queue or offer_queue or items or blank_offers:
        walk.describe(role_queue | needed_queue | offer_queue)
        new_roles = sorted(role_queue - done_roles)
        if new_roles:  # every gate about these roles: their months are the steps' thresholds
            walk.add(source.describe_subjects(CP.role, new_roles))
        for role in new_roles:
            done_roles.add(role)
            node = ox.NamedNode(role)
            for prop in (CP.requires, CP.recommends):
                needed_queue.update(_iris(walk.out(node, prop)))
            items.extend(walk.out(node, CP.requiresExperience))
        roles |= role_queue
        role_queue = set()
        new_needed = needed_queue - done_needed
        done_needed |= new_needed
        needed |= new_needed
        needed_queue = set()
        if new_needed:
            batch = sorted(new_needed)
            walk.add(source.describe_subjects(SKOS_BROADER, batch))
            walk.add(source.describe_subjects(CP.teaches, batch))
            for narrower in walk.subjects(SKOS_BROADER, batch):
                if isinstance(narrower, ox.NamedNode):
                    needed_queue.add(narrower.value)
            for teacher in walk.subjects(CP.teaches, batch):
                if isinstance(teacher, ox.NamedNode):
                    offer_queue.add(teacher.value)
                else:
                    blank_offers.append(teacher)
        fresh = sorted(offer_queue - offers)
        offers.update(fresh)
        offer_queue = set()
        subjects: list[ox.NamedNode | ox.BlankNode] = [ox.NamedNode(o) for o in fresh]
        subjects += blank_offers
        blank_offers = []
        for offer in subjects:
            walk.describe(_iris(walk.out(offer, CP.offeredBy)) | _iris(walk.out(offer, CP.teaches)))
            items.extend(walk.out(offer, CP.prerequisite))
        walk.describe(_iris(items))
        pending, items = items, []
        for item in pending:
            if not isinstance(item, ox.NamedNode | ox.BlankNode):
                continue  # a literal: kept with its offer, refused by the planner
            if walk.is_a(item, CP.PrerequisiteGroup):
                members = walk.out(item, CP.member)
                walk.describe(_iris(members))
                items.extend(m for m in members if not walk.is_a(m, CP.PrerequisiteGroup))
            elif walk.is_a(item, CP.ExperienceRequirement):
                for worked in walk.out(item, CP.role):
                    if isinstance(worked, ox.NamedNode) and worked.value not in done_roles:
                        role_queue.add(worked.value)
            elif walk.is_a(item, CP.Competency):
                if isinstance(item, ox.NamedNode) and item.value not in done_needed:
                    needed_queue.add(item.value)
            elif walk.is_a(item, CP.LearningOpportunity):
                if isinstance(item, ox.NamedNode) and item.value not in offers:
                    offer_queue.add(item.value)
    _milestone_roles(walk, source, offers, set(have), roles)
    return KnowledgeGraph(walk.small, list(getattr(source, "sources", [])))


def _milestone_roles(
    walk: _Walk, source: TripleSource, offers: set[str], have: set[str], roles: set[str]
) -> None:
    """Roles that need a competency (or a broader one) the person has or could learn here."""
    reachable = set(have)
    for offer in offers:
        reachable |= _iris(walk.out(ox.NamedNode(offer), CP.teaches))
    seen = set(reachable)
    frontier = set(reachable)
    while frontier:  # broader ancestors: a narrower competency meets a broader requirement
        walk.describe(frontier)
        nxt = set()
        for competency in frontier:
            nxt |= _iris(walk.out(ox.NamedNode(competency), SKOS_BROADER))
        frontier = nxt - seen
        seen |= frontier
    batch = sorted(seen)
    if batch:
        walk.add(source.describe_subjects(CP.requires, batch))
    found = walk.subjects(CP.requires, batch)
    needed: set[str] = set()
    for role in found:
        if isinstance(role, ox.NamedNode) and role.value in roles:
            continue
        for prop in (CP.requires, CP.recommends):
            needed |= _iris(walk.out(role, prop))
        for gate in walk.out(role, CP.requiresExperience):  # months as a role: name that role
            if isinstance(gate, ox.NamedNode | ox.BlankNode):
                needed |= _iris(walk.out(gate, CP.role))
    walk.describe(needed)
