"""The one place that knows how a requirement or a prerequisite is met (vocabulary rules 2, 3, 6).

* A requirement (C, L) is met when the person holds C, or a competency narrower than C, at a
  level >= L (:class:`Person` keeps, per competency, the highest level held of it or of a
  narrower one, so the test is one look-up).
* A prerequisite item of an offer is met by holding it (an offer), by rule 2 at level 1 (a
  competency), by enough months as its role (an experience requirement), or, for a group, when at
  least ``min_count`` of its members are met. A group whose ``min_count`` is below 1 or above its
  number of members can never be met.
* Anything else in a prerequisite or a group (an undefined IRI, a provider, a literal, a nested
  group) is invalid data: :class:`~certpath.errors.ValidationError` naming the offer and the
  object, never a rule quietly dropped.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from certpath.errors import ValidationError
from certpath.namespaces import curie
from certpath.planning import experience as xp
from certpath.planning.index import Snapshot

__all__ = [
    "MEMBER_KINDS",
    "PREREQUISITE_KINDS",
    "Person",
    "group_need",
    "item_met",
    "meets",
    "node_name",
    "options",
    "person",
    "prerequisite_options",
    "startable",
    "step_suppliers",
    "suppliers",
    "first_source",
    "unlocked_by",
]

#: What a ``prerequisite`` edge may point to.
PREREQUISITE_KINDS = frozenset({"offer", "competency", "group", "experience"})
#: What a ``member`` edge may point to.
MEMBER_KINDS = frozenset({"offer", "competency", "experience"})


@dataclass
class Person:
    """What a person holds: per competency C the highest level held of C or of a narrower
    competency (``reach``), the offers held, and months worked per role."""

    reach: dict[str, int]
    held: set[str]
    months: dict[str, float] = field(default_factory=dict)

    def copy(self) -> Person:
        """An independent copy."""
        return Person(dict(self.reach), set(self.held), dict(self.months))

    def gain(self, s: Snapshot, c: str, level: int) -> None:
        """Hold competency *c* at *level* (and so every broader one)."""
        reach = self.reach
        if reach.get(c, 0) >= level:  # then so is every broader one
            return
        for b in s.broad(c):
            if reach.get(b, 0) < level:
                reach[b] = level

    def take(self, s: Snapshot, item: str) -> None:
        """Complete an offer (hold it and what it teaches) or an experience step (reach its
        months as its role)."""
        self.held.add(item)
        if xp.is_step(item):
            role, months = xp.step_role(item)
            self.months[role] = max(self.months.get(role, 0.0), float(months))
            return
        for c, level in s.teaches(item).items():
            if self.reach.get(c, 0) < level:
                self.gain(s, c, level)


def person(
    s: Snapshot,
    have: Mapping[str, int] | None,
    holds: Iterable[str],
    experience: Mapping[str, float] | None = None,
) -> Person:
    """The person who has *have* (competency -> level), holds *holds* and has worked
    *experience* (role -> months)."""
    found = Person({}, set(), dict(experience or {}))
    for c, level in (have or {}).items():
        found.gain(s, c, int(level))
    for offer in holds:
        found.take(s, offer)
    return found


def meets(p: Person, c: str, level: int) -> bool:
    """Whether requirement (*c*, *level*) is met (rule 2)."""
    return p.reach.get(c, 0) >= level


def node_name(s: Snapshot, node: str) -> str:
    """A node for people: its CURIE, or ``[its label]`` for a node written as a blank node."""
    if node.startswith("_:"):
        return f"[{s.label(node)}]"
    if node.startswith('"'):
        return node
    return curie(node)


def _kind(s: Snapshot, owner: str, item: str, *, member: bool) -> str:
    kind = s.kind(item)
    allowed = MEMBER_KINDS if member else PREREQUISITE_KINDS
    if kind not in allowed:
        link = "cp:member" if member else "cp:prerequisite"
        what = (
            "a learning opportunity, competency or experience requirement"
            if member
            else "a learning opportunity, competency, prerequisite group or experience requirement"
        )
        name = node_name(s, item)
        if item.startswith('"'):
            found = f"{name} is a literal"
        elif kind in (None, "unknown"):
            found = f"nothing defines {name} (it has no rdf:type)"
        else:
            found = f"{name} is a {kind}"
        raise ValidationError(
            f"{node_name(s, owner)} {link} {name}: {found}; it must be {what} "
            "(certpath validate lists every such link)"
        )
    return kind


def group_need(s: Snapshot, group: str) -> int | None:
    """How many members of *group* must be met; None when no number of them would do
    (``min_count`` below 1 or above the number of members: invalid data)."""
    need = s.attr(group, "min_count", 1)
    count = len(s.members(group))
    if not isinstance(need, int) or need < 1 or need > count:
        return None
    return need


def experience_met(s: Snapshot, p: Person, requirement: str) -> bool:
    """Whether the person has worked long enough as the requirement's role (rule 7)."""
    role, months = xp.gate(s, requirement)
    return p.months.get(role, 0.0) >= months


def _leaf_met(s: Snapshot, p: Person, kind: str, item: str) -> bool:
    if kind == "offer":
        return item in p.held
    if kind == "competency":
        return meets(p, item, 1)
    return experience_met(s, p, item)


def item_met(s: Snapshot, p: Person, owner: str, item: str) -> bool:
    """Whether prerequisite *item* of offer *owner* is met for person *p* (rule 3)."""
    kind = _kind(s, owner, item, member=False)
    if kind != "group":
        return _leaf_met(s, p, kind, item)
    need = group_need(s, item)
    if need is None:
        return False
    met = 0
    for m in s.members(item):
        if _leaf_met(s, p, _kind(s, item, m, member=True), m):
            met += 1
            if met >= need:
                return True
    return False


def startable(s: Snapshot, p: Person, item: str) -> bool:
    """Whether an offer can be started (every prerequisite met) or an experience step taken
    (the person qualifies for its role and has reached the threshold before it)."""
    if xp.is_step(item):
        role, months = xp.step_role(item)
        return p.months.get(role, 0.0) >= xp.previous_threshold(s, role, months) and xp.qualified(
            s, p, role
        )
    return all(item_met(s, p, item, prerequisite) for prerequisite in s.prerequisites(item))


def _leaf_suppliers(s: Snapshot, kind: str, item: str) -> frozenset[str]:
    if kind == "offer":
        return frozenset((item,))
    if kind == "competency":
        return s.satisfiers(item, 1)
    return frozenset((xp.step_key(*xp.gate(s, item)),))  # the step that reaches its months


def suppliers(s: Snapshot, p: Person, owner: str, item: str) -> set[str]:
    """Offers that could meet prerequisite *item* of *owner* where *p* does not meet it."""
    if item_met(s, p, owner, item):
        return set()
    kind = _kind(s, owner, item, member=False)
    if kind != "group":
        return set(_leaf_suppliers(s, kind, item))
    if group_need(s, item) is None:
        return set()
    found: set[str] = set()
    for m in s.members(item):
        kind_m = _kind(s, item, m, member=True)
        if not _leaf_met(s, p, kind_m, m):
            found |= _leaf_suppliers(s, kind_m, m)
    return found


def options(s: Snapshot, p: Person, owner: str, item: str) -> tuple[int, list[frozenset[str]]]:
    """Prerequisite *item* of *owner*, not met by *p*, as (need, options): at least ``need`` of
    the options must be met, an option by any one of its supplier offers (taken before)."""
    kind = _kind(s, owner, item, member=False)
    if kind != "group":
        return 1, [_leaf_suppliers(s, kind, item)]
    need = group_need(s, item)
    if need is None:
        return 1, [frozenset()]
    found: list[frozenset[str]] = []
    for m in s.members(item):
        kind_m = _kind(s, item, m, member=True)
        if _leaf_met(s, p, kind_m, m):
            need -= 1
        else:
            found.append(_leaf_suppliers(s, kind_m, m))
    return max(need, 0), found


def _step_needs(s: Snapshot, p: Person, key: str) -> list[frozenset[str]]:
    """What experience step *key* still needs for *p*, each as the items that would give it:
    the role's requirements at their levels, the role's gates, the step before it."""
    role, months = xp.step_role(key)
    found: list[frozenset[str]] = []
    for c, level in sorted(s.requirements(role).items()):
        if not meets(p, c, level):
            found.append(s.satisfiers(c, level))
    for requirement in s.index.experience.get(role, ()):
        if not experience_met(s, p, requirement):
            found.append(frozenset((xp.step_key(*xp.gate(s, requirement)),)))
    before = xp.previous_threshold(s, role, months)
    if p.months.get(role, 0.0) < before:
        found.append(frozenset((xp.step_key(role, before),)))
    return found


def step_suppliers(s: Snapshot, p: Person, item: str) -> set[str]:
    """Offers and steps that could meet what offer or experience step *item* still needs."""
    if xp.is_step(item):
        return set().union(*_step_needs(s, p, item))
    found: set[str] = set()
    for prerequisite in s.prerequisites(item):
        found |= suppliers(s, p, item, prerequisite)
    return found


def prerequisite_options(
    s: Snapshot, p: Person, item: str
) -> list[tuple[int, list[frozenset[str]]]]:
    """What offer or experience step *item* still needs for *p*, as (need, options) pairs for
    the 0/1 model: at least ``need`` options met, an option by any one of its items."""
    if xp.is_step(item):
        return [(1, [need]) for need in _step_needs(s, p, item)]
    return [
        options(s, p, item, prerequisite)
        for prerequisite in s.prerequisites(item)
        if not item_met(s, p, item, prerequisite)
    ]


def first_source(
    s: Snapshot,
    have: Mapping[str, int],
    holds: Iterable[str],
    before: Iterable[str],
    c: str,
    level: int,
) -> str | None:
    """The first thing that meets (*c*, *level*): a competency the person has (*c* itself
    first, then the smallest narrower one), else a held offer, else the earliest of *before*."""
    narrow = s.narrow(c)
    mine = sorted(n for n in narrow if int(have.get(n, 0)) >= level)
    if c in mine:
        return c
    if mine:
        return mine[0]
    for group in (sorted(holds), [b for b in before if not xp.is_step(b)]):
        for o in group:
            taught = s.teaches(o)
            if any(taught.get(n, 0) >= level for n in narrow):
                return o
    return None


def _gate_source(s: Snapshot, before: list[str], requirement: str) -> str:
    """What met gate *requirement*: the step of *before* that reached its months, else its role
    (the person had the months)."""
    role, months = xp.gate(s, requirement)
    key = xp.step_key(role, months)
    return key if key in before else role


def unlocked_by(
    s: Snapshot,
    start: Person,
    have: Mapping[str, int],
    holds: Iterable[str],
    before: list[str],
    item: str,
    after: Person | None = None,
) -> tuple[str, ...]:
    """What meets *item*'s prerequisites after the steps *before*: offers held or taken, the
    first source of each competency (:func:`first_source`), for an experience requirement the
    step that reached its months (or its role, when the person had them); for an experience
    step, what made the person qualify for its role and the step before it. *after*, when
    given, is *start* after the steps *before* (saves replaying them; it is not changed)."""
    if after is None:
        after = start.copy()
        for o in before:
            after.take(s, o)
    p = after
    holds = sorted(holds)
    found: list[str] = []
    if xp.is_step(item):
        role, months = xp.step_role(item)
        earlier = xp.step_key(role, xp.previous_threshold(s, role, months))
        if earlier in before:  # the person qualified for the role before that step already
            return (earlier,)
        for c, level in sorted(s.requirements(role).items()):
            source = first_source(s, have, holds, before, c, level)
            if source is not None:
                found.append(source)
        for requirement in s.index.experience.get(role, ()):
            found.append(_gate_source(s, before, requirement))
        return tuple(sorted(set(found)))
    for prerequisite in s.prerequisites(item):
        kind = _kind(s, item, prerequisite, member=False)
        if kind == "group":
            items = [(m, _kind(s, prerequisite, m, member=True)) for m in s.members(prerequisite)]
        else:
            items = [(prerequisite, kind)]
        for m, kind_m in items:
            if kind_m == "offer" and m in p.held:
                found.append(m)
            elif kind_m == "competency":
                source = first_source(s, have, holds, before, m, 1)
                if source is not None:
                    found.append(source)
            elif kind_m == "experience" and experience_met(s, p, m):
                found.append(_gate_source(s, before, m))
    return tuple(sorted(set(found)))  # by IRI: the same whether groups are blank or named
