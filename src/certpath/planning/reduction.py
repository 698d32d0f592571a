"""A question reduced to the offers that matter, and why no plan exists when none does.

The candidates are the offers that teach a missing requirement (or are included) and,
transitively, the offers that could supply their prerequisites not met yet, minus the offers that
can never be started (holdings only grow, so a fixpoint finds them). When a requirement has no
allowed teacher, or every teacher is blocked, the reasons are reported whatever the budget.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from certpath.errors import EntityNotFound, NoPlan
from certpath.planning import experience as xp
from certpath.planning.index import Snapshot
from certpath.planning.question import Question
from certpath.planning.rules import (
    Person,
    experience_met,
    group_need,
    item_met,
    meets,
    person,
    startable,
    step_suppliers,
)

__all__ = ["Allowed", "Reduced", "describe_reason", "no_plan", "reduce", "structure_reasons"]


class Allowed:
    """Which offers a question may use: not held, not excluded (by IRI or provider), delivered
    in one of the modes asked for; decided per offer when first asked."""

    def __init__(self, s: Snapshot, question: Question, held: set[str]) -> None:
        self.s = s
        self.held = held
        self.banned = set(question.exclude)
        self.modes = None if question.delivery is None else set(question.delivery)
        self._seen: dict[str, bool] = {}

    def __call__(self, offer: str) -> bool:
        if xp.is_step(offer):
            return True  # working in a role is never excluded or filtered
        found = self._seen.get(offer)
        if found is None:
            s = self.s
            found = self._seen[offer] = (
                s.kind(offer) == "offer"
                and offer not in self.held
                and offer not in self.banned
                and not (self.banned and s.providers(offer) & self.banned)
                and (self.modes is None or bool(set(s.delivery(offer)) & self.modes))
            )
        return found


@dataclass
class Reduced:
    """A planning question reduced to the offers that matter."""

    question: Question
    base: Person
    requirements: dict[str, int]
    unmet: list[tuple[str, int]]
    #: The target's experience requirements not met yet, as the steps that meet them.
    gates: list[tuple[str, str]]
    allowed: Allowed
    startable: set[str]
    candidates: set[str]
    final: Person
    include: list[str]


def _closure(
    s: Snapshot,
    base: Person,
    seeds: Iterable[str],
    pool: Allowed | set[str],
    needs: dict[str, set[str]],
) -> set[str]:
    """*seeds* in *pool* and, transitively, the offers and experience steps in *pool* that
    supply what they still need in *base*. *needs* remembers each item's suppliers (the items
    that could meet what it still needs in *base*) across calls."""

    def inside(o: str) -> bool:
        return o in pool if isinstance(pool, set) else pool(o)

    found = {o for o in seeds if inside(o)}
    todo = sorted(found)
    while todo:
        item = todo.pop()
        supply = needs.get(item)
        if supply is None:
            supply = needs[item] = step_suppliers(s, base, item)
        new = sorted(o for o in supply if o not in found and inside(o))
        found.update(new)
        todo.extend(new)
    return found


def _fixpoint(
    s: Snapshot, base: Person, pool: set[str], needs: dict[str, set[str]]
) -> tuple[set[str], Person]:
    """Items of *pool* that can ever be taken (holdings only grow), and the final state, with
    every level and month each of them gives.

    An item still waiting can only become startable once one of its suppliers (*needs*, as
    :func:`_closure` found them) is taken, so only those items are tried again: the work is
    linear in the size of the suppliers' lists, not quadratic in the pool. The result does not
    depend on the order items are taken in.
    """
    state = base.copy()
    taken: set[str] = set()
    watch: dict[str, list[str]] = {}
    for o in sorted(pool):
        for supplier in needs[o] if o in needs else step_suppliers(s, base, o):
            if supplier in pool:
                watch.setdefault(supplier, []).append(o)
    todo = sorted(pool, reverse=True)
    queued = set(todo)
    while todo:
        o = todo.pop()
        queued.discard(o)
        if o in taken or not startable(s, state, o):
            continue
        state.take(s, o)
        taken.add(o)
        for waiting in watch.get(o, ()):
            if waiting not in taken and waiting not in queued:
                queued.add(waiting)
                todo.append(waiting)
    return taken, state


def reduce(s: Snapshot, question: Question, base: Person | None = None) -> Reduced:
    """Reduce *question* to the offers that matter.

    Raises
    ------
    EntityNotFound
        An included IRI that is not an offer.
    ValidationError
        A prerequisite that points to something the vocabulary does not allow.
    """
    if base is None:
        base = person(s, question.have, question.holds, question.experience)
    reqs = s.requirements(question.target, question.with_recommended)
    unmet = sorted((c, lv) for c, lv in reqs.items() if not meets(base, c, lv))
    gates = [
        (requirement, xp.step_key(*xp.gate(s, requirement)))
        for requirement in s.index.experience.get(question.target, ())
        if not experience_met(s, base, requirement)
    ]
    wanted = [o for o in question.include if o not in base.held]
    for o in wanted:
        if s.kind(o) != "offer":
            raise EntityNotFound(f"no offer {o!r} in the graph to include")
    allowed = Allowed(s, question, base.held)
    seeds = {o for c, lv in unmet for o in s.satisfiers(c, lv)} | set(wanted)
    seeds |= {step for _, step in gates}
    needs: dict[str, set[str]] = {}
    wide = _closure(s, base, seeds, allowed, needs)
    can_start, final = _fixpoint(s, base, wide, needs)
    candidates = _closure(s, base, seeds, can_start, needs)
    return Reduced(
        question, base, reqs, unmet, gates, allowed, can_start, candidates, final, wanted
    )


def _missing(s: Snapshot, final: Person, offer: str) -> list[str]:
    return [p for p in s.prerequisites(offer) if not item_met(s, final, offer, p)]


def _experience_reason(
    s: Snapshot, r: Reduced, requirement: str, needed_by: str
) -> dict[str, object]:
    """Why gate *requirement* (needed by *needed_by*) can never be met inside a plan."""
    role, months = xp.gate(s, requirement)
    missing: list[dict[str, object]] = [
        {"competency": c, "level": level}
        for c, level in sorted(s.requirements(role).items())
        if not meets(r.final, c, level)
    ]
    missing += [
        {"requirement": e}
        for e in s.index.experience.get(role, ())
        if not experience_met(s, r.final, e)
    ]
    return {
        "kind": "experience",
        "requirement": requirement,
        "role": role,
        "months": months,
        "needed_by": needed_by,
        "missing": missing,
    }


def _gates_among(s: Snapshot, r: Reduced, offer: str, items: list[str]) -> list[str]:
    """The experience requirements among *items* (direct or in a group) whose steps can never
    be taken."""
    found = []
    for item in items:
        kind = s.kind(item)
        members = s.members(item) if kind == "group" else [item]
        for m in members:
            if s.kind(m) == "experience" and xp.step_key(*xp.gate(s, m)) not in r.startable:
                found.append(m)
    return found


def structure_reasons(s: Snapshot, r: Reduced) -> list[dict[str, object]]:
    """Why no plan exists whatever the budget (empty when some plan exists). Gates that can
    never be met come first (kind ``experience``)."""
    gates: dict[str, dict[str, object]] = {}
    reasons: list[dict[str, object]] = []
    for requirement, step in r.gates:
        if step not in r.startable:
            gates.setdefault(requirement, _experience_reason(s, r, requirement, r.question.target))
    for c, level in r.unmet:
        teachers = sorted(o for o in s.satisfiers(c, level) if r.allowed(o))
        if not teachers:
            reasons.append({"kind": "untaught", "competency": c, "level": level})
        elif not set(teachers) & r.startable:
            for o in teachers:
                missing = _missing(s, r.final, o)
                for gate in _gates_among(s, r, o, missing):
                    gates.setdefault(gate, _experience_reason(s, r, gate, o))
                reasons.append(
                    {"kind": "blocked", "offer": o, "prerequisites": missing, "competency": c}
                )
    for o in r.include:
        if o not in r.startable:
            missing = _missing(s, r.final, o)
            for gate in _gates_among(s, r, o, missing):
                gates.setdefault(gate, _experience_reason(s, r, gate, o))
            reasons.append(
                {"kind": "include", "offer": o, "prerequisites": missing, "allowed": r.allowed(o)}
            )
    return [*gates.values(), *reasons]


def _item_text(s: Snapshot, item: str) -> str:
    text = s.label(item)
    if s.kind(item) == "group" and group_need(s, item) is None:
        need = s.attr(item, "min_count", 1)
        text += (
            f" (cannot be met: it asks for {need} of its {len(s.members(item))} members; "
            "a group needs 1 <= cp:minCount <= its number of members)"
        )
    return text


def describe_reason(s: Snapshot, reason: Mapping[str, object]) -> str:
    """One reason of :func:`structure_reasons` (or a budget reason) in words."""
    kind = reason["kind"]
    if kind == "untaught":
        return (
            f"nothing allowed teaches {s.label(str(reason['competency']))} "
            f"at level {reason['level']} or above"
        )
    if kind == "blocked":
        prerequisites = reason["prerequisites"]
        assert isinstance(prerequisites, list)
        names = ", ".join(_item_text(s, str(p)) for p in prerequisites)
        return f"{s.label(str(reason['offer']))} cannot be started (needs {names})"
    if kind == "experience":
        missing = reason["missing"]
        assert isinstance(missing, list)
        needs = ", ".join(_need_text(s, m) for m in missing) or "nothing the plan can give"
        return (
            f"{s.label(str(reason['requirement']))} (needed by "
            f"{s.label(str(reason['needed_by']))}) can never be met: nothing allowed lets you "
            f"qualify as {s.label(str(reason['role']))} (it needs {needs})"
        )
    if kind == "include":
        if not reason["allowed"]:
            return f"included offer {s.label(str(reason['offer']))} is excluded or filtered out"
        return f"included offer {s.label(str(reason['offer']))} can never be started"
    unit = " hours" if reason["measure"] == "hours" else ""
    return (
        f"the {reason['measure']} budget {_num(reason['budget'])}{unit} is too small "
        f"(least {_num(reason['least'])}{unit})"
    )


def _need_text(s: Snapshot, need: Mapping[str, object]) -> str:
    if "competency" in need:
        return f"{s.label(str(need['competency']))} ≥{need['level']}"
    return s.label(str(need["requirement"]))


def _num(value: object) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def no_plan(s: Snapshot, target: str, reasons: list[dict[str, object]]) -> NoPlan:
    """The :class:`NoPlan` error for *reasons* (the first one in words, and how many more)."""
    more = f" (and {len(reasons) - 1} more)" if len(reasons) > 1 else ""
    message = f"no learning path to {s.label(target)}: {describe_reason(s, reasons[0])}{more}"
    return NoPlan(message, reasons)


def currencies(s: Snapshot, offers: Iterable[str]) -> list[str]:
    """The currencies of *offers*' prices, sorted."""
    return sorted({c for o in offers if (c := s.currency(o)) is not None})
