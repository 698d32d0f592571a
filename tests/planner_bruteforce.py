"""A brute-force learning-path solver written from the vocabulary's rules 2-7, for tests only.

It shares no code with :mod:`certpath.planning`: it enumerates every subset of the offers and
experience steps that may be used, checks that some valid order exists by forward simulation (take
any startable item of the subset until none is left; holdings only grow, so the choice never
matters), checks the requirements, and ranks the valid sets by the lexicographic key.

Experience (rule 7, as ``docs/vocabulary.md`` writes it down for certpath): the months the
graph's experience requirements ask for a role R are its thresholds; the experience step
``"R @<N, six digits>"`` takes the person's months as R to threshold N, from the threshold before
it (or from what they had), and can be taken once the person qualifies for R (R's requirements
met at their levels, R's own experience requirements met) and has reached the threshold before.
"""

from __future__ import annotations

import itertools
import weakref
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

#: The tie-break order of the measures (the minimised one first, then these).
ORDER = ("hours", "cost", "months", "steps")


def narrower_or_self(G: Any, c: str) -> set[str]:
    """``c`` and every competency with a chain of ``broader`` edges to ``c``."""
    found = {c}
    todo = [c]
    while todo:
        x = todo.pop()
        if x not in G:
            continue
        for u, _, key in G.in_edges(x, keys=True):
            if key == "broader" and u not in found:
                found.add(u)
                todo.append(u)
    return found


def taught(G: Any, offer: str) -> dict[str, int]:
    return {
        v: d.get("level", 1)
        for _, v, k, d in G.out_edges(offer, keys=True, data=True)
        if k == "teaches"
    }


def out(G: Any, node: str, relation: str) -> list[str]:
    return sorted(v for _, v, k in G.out_edges(node, keys=True) if k == relation)


def kind(G: Any, node: str) -> str | None:
    return G.nodes[node].get("kind") if node in G else None


def gate(G: Any, node: str) -> tuple[str, int]:
    """(role, months) of an experience requirement node."""
    (role,) = out(G, node, "role")
    return role, int(G.nodes[node]["months"])


_THRESHOLDS: weakref.WeakKeyDictionary[Any, tuple[tuple[int, int], dict[str, list[int]]]] = (
    weakref.WeakKeyDictionary()
)


def thresholds(G: Any, role: str) -> list[int]:
    """The months any gate of *G* asks for *role*, sorted (kept per graph: the brute force asks
    for them once per subset, and a scan of the whole graph each time made it quadratic)."""
    signature = (G.number_of_nodes(), G.number_of_edges())
    kept = _THRESHOLDS.get(G)
    if kept is None or kept[0] != signature:
        by_role: dict[str, set[int]] = {}
        for n in G:
            if kind(G, n) == "experience":
                r, months = gate(G, n)
                by_role.setdefault(r, set()).add(months)
        kept = (signature, {r: sorted(ms) for r, ms in by_role.items()})
        _THRESHOLDS[G] = kept
    return kept[1].get(role, [])


def step_name(role: str, months: int) -> str:
    return f"{role} @{months:06d}"


def is_step(name: str) -> bool:
    return " @" in name


def step_parts(name: str) -> tuple[str, int]:
    role, _, months = name.rpartition(" @")
    return role, int(months)


def before(G: Any, role: str, months: int) -> int:
    return max((t for t in thresholds(G, role) if t < months), default=0)


@dataclass
class Person:
    levels: dict[str, int]
    held: set[str]
    months: dict[str, int] = field(default_factory=dict)

    def gain(self, G: Any, item: str) -> None:
        self.held.add(item)
        if is_step(item):
            role, months = step_parts(item)
            self.months[role] = max(self.months.get(role, 0), months)
            return
        for c, lv in taught(G, item).items():
            self.levels[c] = max(self.levels.get(c, 0), lv)

    def copy(self) -> Person:
        return Person(dict(self.levels), set(self.held), dict(self.months))


def person(
    G: Any,
    have: Mapping[str, int] | None,
    holds: Iterable[str],
    experience: Mapping[str, int] | None = None,
) -> Person:
    p = Person(dict(have or {}), set(), dict(experience or {}))
    for o in holds:
        if o in G:
            p.gain(G, o)
        else:
            p.held.add(o)
    return p


def has(G: Any, p: Person, c: str, level: int) -> bool:
    return any(p.levels.get(n, 0) >= level for n in narrower_or_self(G, c))


def gate_ok(G: Any, p: Person, node: str) -> bool:
    role, months = gate(G, node)
    return p.months.get(role, 0) >= months


def item_ok(G: Any, p: Person, item: str) -> bool:
    k = kind(G, item)
    if k == "offer":
        return item in p.held
    if k == "competency":
        return has(G, p, item, 1)
    if k == "experience":
        return gate_ok(G, p, item)
    if k == "group":
        members = out(G, item, "member")
        need = int(G.nodes[item].get("min_count", 1))
        if not 1 <= need <= len(members):  # vocabulary rule 6: such a group can never be met
            return False
        ok = [m for m in members if kind(G, m) != "group" and item_ok(G, p, m)]
        return len(ok) >= need
    return False


def qualifies(G: Any, p: Person, role: str) -> bool:
    needs = requirements(G, role, False)
    return all(has(G, p, c, lv) for c, lv in needs.items()) and all(
        gate_ok(G, p, e) for e in out(G, role, "requiresExperience")
    )


def can_start(G: Any, p: Person, item: str) -> bool:
    if is_step(item):
        role, months = step_parts(item)
        return p.months.get(role, 0) >= before(G, role, months) and qualifies(G, p, role)
    return all(item_ok(G, p, x) for x in out(G, item, "prerequisite"))


def requirements(G: Any, role: str, with_recommended: bool) -> dict[str, int]:
    reqs: dict[str, int] = {}
    for _, c, k, d in G.out_edges(role, keys=True, data=True):
        if k == "requires" or (with_recommended and k == "recommends"):
            reqs[c] = max(reqs.get(c, 0), d.get("level", 1))
    return reqs


def done(G: Any, p: Person, role: str, reqs: dict[str, int]) -> bool:
    """Whether *p* meets every requirement of the target: competencies and experience."""
    return all(has(G, p, c, lv) for c, lv in reqs.items()) and all(
        gate_ok(G, p, e) for e in out(G, role, "requiresExperience")
    )


def order_of(G: Any, start: Person, subset: Iterable[str]) -> list[str] | None:
    """A valid order of ``subset`` (smallest startable name first), or None when none exists."""
    p = start.copy()
    left = sorted(subset)
    order: list[str] = []
    while left:
        ready = [o for o in left if can_start(G, p, o)]
        if not ready:
            return None
        left.remove(ready[0])
        order.append(ready[0])
        p.gain(G, ready[0])
    return order


def replay_ok(
    G: Any,
    have: Any,
    holds: Iterable[str],
    steps: list[str],
    reqs: dict[str, int],
    *,
    experience: Mapping[str, int] | None = None,
    target: str | None = None,
) -> bool:
    """Every step startable in turn, no step repeated or already held, all requirements met."""
    p = person(G, have, holds, experience)
    if len(set(steps)) != len(steps) or set(steps) & p.held:
        return False
    for o in steps:
        if not can_start(G, p, o):
            return False
        p.gain(G, o)
    if target is not None:
        return done(G, p, target, reqs)
    return all(has(G, p, c, lv) for c, lv in reqs.items())


def months_of(G: Any, start: Person, subset: Iterable[str]) -> int:
    """The months the experience steps of *subset* add to what *start* had."""
    total = 0
    for name in subset:
        if is_step(name):
            role, months = step_parts(name)
            total += months - max(start.months.get(role, 0), before(G, role, months))
    return total


def totals(G: Any, subset: Iterable[str], start: Person | None = None) -> dict[str, Any]:
    items = sorted(subset)
    offers = [o for o in items if not is_step(o)]
    currencies = {G.nodes[o].get("currency") for o in offers} - {None}
    return {
        "hours": sum(G.nodes[o].get("hours", 0.0) for o in offers),
        "cost": sum(G.nodes[o].get("cost", 0.0) for o in offers),
        "months": months_of(G, start or Person({}, set()), items),
        "steps": len(items),
        "currencies": currencies,
    }


def allowed_offers(G: Any, start: Person, exclude: Iterable[str], delivery: Any) -> list[str]:
    banned = set(exclude)
    found = []
    for o in sorted(n for n in G if kind(G, n) == "offer"):
        providers = set(out(G, o, "offeredBy")) | {G.nodes[o].get("provider")}
        modes = set(G.nodes[o].get("delivery", ()))
        if o in start.held or o in banned or providers & banned:
            continue
        if delivery is not None and not modes & set(delivery):
            continue
        found.append(o)
    return found


def experience_steps(G: Any, start: Person) -> list[str]:
    """Every experience step the person could take: a threshold above their months."""
    roles = {gate(G, n)[0] for n in G if kind(G, n) == "experience"}
    return sorted(
        step_name(r, t) for r in roles for t in thresholds(G, r) if t > start.months.get(r, 0)
    )


def relevant(G: Any, start: Person, pool: set[str], seeds: set[str]) -> set[str]:
    """Seeds, and the pool items that could meet a need (not met at the start) of a relevant
    item, transitively."""

    def suppliers(item: str) -> set[str]:
        if item_ok(G, start, item):
            return set()
        if kind(G, item) == "offer":
            return {item}
        if kind(G, item) == "competency":
            narrow = narrower_or_self(G, item)
            return {o for o in pool if not is_step(o) and set(taught(G, o)) & narrow}
        if kind(G, item) == "experience":
            return {step_name(*gate(G, item))}
        if kind(G, item) == "group":
            return set().union(
                *[suppliers(m) for m in out(G, item, "member") if kind(G, m) != "group"]
            )
        return set()

    def needs(item: str) -> set[str]:
        if not is_step(item):
            return set().union(*[suppliers(x) for x in out(G, item, "prerequisite")])
        role, months = step_parts(item)
        found: set[str] = set()
        for c, lv in requirements(G, role, False).items():
            if not has(G, start, c, lv):
                narrow = narrower_or_self(G, c)
                found |= {
                    o
                    for o in pool
                    if not is_step(o)
                    and any(t >= lv and x in narrow for x, t in taught(G, o).items())
                }
        for e in out(G, role, "requiresExperience"):
            found |= suppliers(e)
        earlier = before(G, role, months)
        if start.months.get(role, 0) < earlier:
            found.add(step_name(role, earlier))
        return found

    found = set(seeds) & pool
    todo = list(found)
    while todo:
        o = todo.pop()
        for s in needs(o) & pool - found:
            found.add(s)
            todo.append(s)
    return found


@dataclass
class Answer:
    status: str  # "ok", "noplan" (no plan at all), "budget" (none within budget), "mixed"
    plans: list[tuple[tuple[Any, ...], frozenset[str], list[str]]] = field(default_factory=list)
    least: dict[str, float] = field(default_factory=dict)
    key: tuple[str, ...] = ()


def brute_force(
    G: Any,
    target: str,
    *,
    have: Mapping[str, int] | None = None,
    holds: Iterable[str] = (),
    experience: Mapping[str, int] | None = None,
    minimize: str = "hours",
    budget_hours: float | None = None,
    budget_cost: float | None = None,
    exclude: Iterable[str] = (),
    include: Iterable[str] = (),
    delivery: Any = None,
    with_recommended: bool = False,
    alternatives: int = 0,
) -> Answer:
    holds = list(holds)
    start = person(G, have, holds, experience)
    reqs = requirements(G, target, with_recommended)
    must = set(include) - start.held
    pool = allowed_offers(G, start, exclude, delivery) + experience_steps(G, start)
    valid: list[tuple[frozenset[str], list[str]]] = []
    for size in range(len(pool) + 1):
        for combo in itertools.combinations(pool, size):
            if not must <= set(combo):
                continue
            order = order_of(G, start, combo)
            if order is None:
                continue
            end = start.copy()
            for o in order:
                end.gain(G, o)
            if done(G, end, target, reqs):
                valid.append((frozenset(combo), order))
    if not valid:
        return Answer("noplan")
    # The offers that could be in a plan: startable ever, relevant to a requirement or include.
    ever = _ever_startable(G, start, pool)
    unmet = {c: lv for c, lv in reqs.items() if not has(G, start, c, lv)}
    seeds = {
        o
        for o in ever
        if not is_step(o)
        for c2, needed in unmet.items()
        if any(lv >= needed and c in narrower_or_self(G, c2) for c, lv in taught(G, o).items())
    } | (must & ever)
    seeds |= {
        step_name(*gate(G, e))
        for e in out(G, target, "requiresExperience")
        if not gate_ok(G, start, e)
    } & ever
    near = relevant(G, start, ever, seeds)
    currencies = {G.nodes[o].get("currency") for o in near if not is_step(o)} - {None}
    mixed = len(currencies) > 1
    if mixed and (minimize == "cost" or budget_cost is not None):
        return Answer("mixed")
    key = tuple(
        m for m in (minimize, *[m for m in ORDER if m != minimize]) if not (mixed and m == "cost")
    )
    budgets = {"hours": budget_hours, "cost": budget_cost}

    def within(subset: frozenset[str], skip: str | None = None) -> bool:
        t = totals(G, subset, start)
        return all(b is None or m == skip or t[m] <= b for m, b in budgets.items())

    ranked = sorted(
        (tuple(totals(G, s, start)[m] for m in key) + (tuple(sorted(s)),), s, order)
        for s, order in valid
        if within(s)
    )
    answer = Answer("ok", key=key)
    for b_measure, b in budgets.items():
        if b is not None:
            others = [totals(G, s, start)[b_measure] for s, _ in valid if within(s, skip=b_measure)]
            answer.least[b_measure] = (
                min(others) if others else min(totals(G, s, start)[b_measure] for s, _ in valid)
            )
    if not ranked:
        answer.status = "budget"
        return answer
    for entry in ranked:
        if len(answer.plans) > alternatives:
            break
        if not any(entry[1] >= chosen for _, chosen, _ in answer.plans):
            answer.plans.append(entry)
    return answer


def _ever_startable(G: Any, start: Person, pool: list[str]) -> set[str]:
    p = start.copy()
    found: set[str] = set()
    changed = True
    while changed:
        changed = False
        for o in pool:
            if o not in found and can_start(G, p, o):
                found.add(o)
                p.gain(G, o)
                changed = True
    return found
