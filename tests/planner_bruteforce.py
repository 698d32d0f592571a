"""A brute-force learning-path solver written from the vocabulary's rules 2-5, for tests only.

It shares no code with :mod:`certpath.planner`: it enumerates every subset of the offers that may
be used, checks that some valid order exists by forward simulation (take any startable offer of
the subset until none is left; holdings only grow, so the choice never matters), checks the
requirements, and ranks the valid sets by the lexicographic key.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

ORDER = ("hours", "cost", "steps")


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


@dataclass
class Person:
    levels: dict[str, int]
    held: set[str]

    def gain(self, G: Any, offer: str) -> None:
        self.held.add(offer)
        for c, lv in taught(G, offer).items():
            self.levels[c] = max(self.levels.get(c, 0), lv)

    def copy(self) -> Person:
        return Person(dict(self.levels), set(self.held))


def person(G: Any, have: Mapping[str, int] | None, holds: Iterable[str]) -> Person:
    p = Person(dict(have or {}), set())
    for o in holds:
        if o in G:
            p.gain(G, o)
        else:
            p.held.add(o)
    return p


def has(G: Any, p: Person, c: str, level: int) -> bool:
    return any(p.levels.get(n, 0) >= level for n in narrower_or_self(G, c))


def item_ok(G: Any, p: Person, item: str) -> bool:
    k = kind(G, item)
    if k == "offer":
        return item in p.held
    if k == "competency":
        return has(G, p, item, 1)
    if k == "group":
        members = out(G, item, "member")
        need = int(G.nodes[item].get("min_count", 1))
        if not 1 <= need <= len(members):  # vocabulary rule 6: such a group can never be met
            return False
        ok = [m for m in members if kind(G, m) in ("offer", "competency") and item_ok(G, p, m)]
        return len(ok) >= need
    return False


def can_start(G: Any, p: Person, offer: str) -> bool:
    return all(item_ok(G, p, item) for item in out(G, offer, "prerequisite"))


def requirements(G: Any, role: str, with_recommended: bool) -> dict[str, int]:
    reqs: dict[str, int] = {}
    for _, c, k, d in G.out_edges(role, keys=True, data=True):
        if k == "requires" or (with_recommended and k == "recommends"):
            reqs[c] = max(reqs.get(c, 0), d.get("level", 1))
    return reqs


def order_of(G: Any, start: Person, subset: Iterable[str]) -> list[str] | None:
    """A valid order of ``subset`` (smallest startable IRI first), or None when none exists."""
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
    G: Any, have: Any, holds: Iterable[str], steps: list[str], reqs: dict[str, int]
) -> bool:
    """Every step startable in turn, no step repeated or already held, all requirements met."""
    p = person(G, have, holds)
    if len(set(steps)) != len(steps) or set(steps) & p.held:
        return False
    for o in steps:
        if not can_start(G, p, o):
            return False
        p.gain(G, o)
    return all(has(G, p, c, lv) for c, lv in reqs.items())


def totals(G: Any, subset: Iterable[str]) -> dict[str, Any]:
    offers = sorted(subset)
    currencies = {G.nodes[o].get("currency") for o in offers} - {None}
    return {
        "hours": sum(G.nodes[o].get("hours", 0.0) for o in offers),
        "cost": sum(G.nodes[o].get("cost", 0.0) for o in offers),
        "steps": len(offers),
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


def relevant(G: Any, start: Person, pool: set[str], seeds: set[str]) -> set[str]:
    """Seeds, and the pool offers that could meet a prerequisite (not met at the start) of a
    relevant offer, transitively."""

    def suppliers(item: str) -> set[str]:
        if item_ok(G, start, item):
            return set()
        if kind(G, item) == "offer":
            return {item}
        if kind(G, item) == "competency":
            narrow = narrower_or_self(G, item)
            return {o for o in pool if set(taught(G, o)) & narrow}
        if kind(G, item) == "group":
            return set().union(
                *[
                    suppliers(m)
                    for m in out(G, item, "member")
                    if kind(G, m) in ("offer", "competency")
                ]
            )
        return set()

    found = set(seeds) & pool
    todo = list(found)
    while todo:
        o = todo.pop()
        for item in out(G, o, "prerequisite"):
            for s in suppliers(item) & pool - found:
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
    start = person(G, have, holds)
    reqs = requirements(G, target, with_recommended)
    unmet = {c: lv for c, lv in reqs.items() if not has(G, start, c, lv)}
    must = set(include) - start.held
    pool = allowed_offers(G, start, exclude, delivery)
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
            if all(has(G, end, c, lv) for c, lv in unmet.items()):
                valid.append((frozenset(combo), order))
    if not valid:
        return Answer("noplan")
    # The offers that could be in a plan: startable ever, relevant to a requirement or include.
    ever = _ever_startable(G, start, pool)
    seeds = {
        o
        for o in ever
        for c2, needed in unmet.items()
        if any(lv >= needed and c in narrower_or_self(G, c2) for c, lv in taught(G, o).items())
    } | (must & ever)
    currencies = {G.nodes[o].get("currency") for o in relevant(G, start, ever, seeds)} - {None}
    mixed = len(currencies) > 1
    if mixed and (minimize == "cost" or budget_cost is not None):
        return Answer("mixed")
    key = tuple(
        m for m in (minimize, *[m for m in ORDER if m != minimize]) if not (mixed and m == "cost")
    )
    budgets = {"hours": budget_hours, "cost": budget_cost}

    def within(subset: frozenset[str], skip: str | None = None) -> bool:
        t = totals(G, subset)
        return all(b is None or m == skip or t[m] <= b for m, b in budgets.items())

    ranked = sorted(
        (tuple(totals(G, s)[m] for m in key) + (tuple(sorted(s)),), s, order)
        for s, order in valid
        if within(s)
    )
    answer = Answer("ok", key=key)
    for b_measure, b in budgets.items():
        if b is not None:
            others = [totals(G, s)[b_measure] for s, _ in valid if within(s, skip=b_measure)]
            answer.least[b_measure] = (
                min(others) if others else min(totals(G, s)[b_measure] for s, _ in valid)
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
