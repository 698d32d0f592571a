"""Smaller models with the same best plan, and valid plans built greedily
(:mod:`certpath._milp`)."""

from __future__ import annotations

import heapq
import math
from collections.abc import Iterable, Mapping

from certpath._milp.model import (
    _INF,
    PlanModel,
    Prerequisite,
    _nonnegative,
    _rules_of,
    _tolerance,
    _values,
    _weight,
    valid,
)


def _undominated(model: PlanModel, key: tuple[str, ...]) -> PlanModel:
    """``model`` without the offers no best plan can hold (for the single best plan, or the
    least total of one measure).

    Offer ``a`` (not included) is dominated by ``b`` when ``b`` has no prerequisite left, sits in
    every requirement and every prerequisite option ``a`` sits in, costs no more in hours, money
    and months, and is better in the tie-break: ``b`` sorts before ``a``, or it is cheaper in a
    measure of ``key`` by more than the tolerance any total could have. Then any plan holding
    ``a`` is beaten by the same plan with ``b`` in its place (``b`` first), or without ``a`` when
    it holds ``b`` too (one step less). Dominance is transitive and acyclic, so removing every
    dominated offer at once keeps the best plan. An offer in no requirement and no option is
    never needed.
    """
    if not _nonnegative(model):
        return model
    rows: list[frozenset[str]] = [frozenset(r) for r in model.requirements]
    for items in model.prerequisites.values():
        for item in items:
            rows.extend(frozenset(option) for option in item.options)
    where: dict[str, list[int]] = {}
    for i, members in enumerate(rows):
        for o in members:
            where.setdefault(o, []).append(i)
    free = {o for o in model.offers if not any(i.need > 0 for i in model.prerequisites.get(o, ()))}
    included = set(model.include)
    names = ("hours", "cost", "months")
    table = {name: _values(model, name) for name in names}
    margin = {
        name: _tolerance(math.fsum(abs(v) for v in table[name].values()))
        for name in names
        if name in key
    }
    dropped: set[str] = set()
    for a in model.offers:
        if a in included:
            continue
        mine = sorted(where.get(a, ()), key=lambda i: len(rows[i]))
        if not mine:
            dropped.add(a)
            continue
        others = rows[mine[0]] & free
        for i in mine[1:]:
            if not others:
                break
            others = others & rows[i]
        va = [table[name].get(a, 0.0) for name in names]
        for b in sorted(others):
            vb = [table[name].get(b, 0.0) for name in names]
            if b == a or any(x > y for x, y in zip(vb, va, strict=True)):
                continue
            if b < a or any(
                y - x > margin.get(name, _INF) for name, x, y in zip(names, vb, va, strict=True)
            ):
                dropped.add(a)
                break
    return _without(model, dropped)


def _without(model: PlanModel, dropped: set[str], include: Iterable[str] = ()) -> PlanModel:
    """``model`` without the ``dropped`` offers, with ``include`` added to its included ones."""
    include = tuple(sorted(set(model.include) | set(include)))
    if not dropped and include == tuple(sorted(model.include)):
        return model
    keep = tuple(o for o in model.offers if o not in dropped)

    def prune(offers: Iterable[str]) -> tuple[str, ...]:
        return tuple(o for o in offers if o not in dropped)

    return PlanModel(
        offers=keep,
        hours={o: model.hours[o] for o in keep},
        cost={o: model.cost[o] for o in keep},
        requirements=tuple(prune(r) for r in model.requirements),
        prerequisites={
            o: tuple(
                Prerequisite(item.need, tuple(prune(opt) for opt in item.options))
                for item in model.prerequisites.get(o, ())
            )
            for o in keep
        },
        include=include,
        months={o: model.months[o] for o in keep if o in model.months},
    )


def _forced(model: PlanModel) -> set[str]:
    """Offers every feasible set holds: the included ones, the only satisfier of a requirement,
    and, transitively, the only supplier of an option that a forced offer needs all of."""
    rules = _rules_of(model)
    forced = set(model.include)
    forced.update(r[0] for r in model.requirements if len(r) == 1)
    todo = sorted(forced)
    while todo:
        o = todo.pop()
        for need, options in rules.items.get(o, ()):
            if need < len(options):
                continue
            for opt in options:
                if len(opt) == 1:
                    (s,) = opt
                    if s not in forced:
                        forced.add(s)
                        todo.append(s)
    return forced


def _chains(model: PlanModel, weight: Mapping[str, float]) -> dict[str, float]:
    """Offer -> a lower bound of the weight of the offer plus every offer placed before it, in
    any feasible set that holds it (inf: it can never be placed).

    Each of its prerequisites needs a supplier placed before it, and what is placed before
    that supplier comes before the offer too (so never holds the offer itself): the bound is the
    offer's weight plus, over its prerequisites, the largest of the least bound of a supplier.
    The least such values are found like shortest paths (Knuth's generalisation of Dijkstra's
    algorithm to AND/OR graphs): offers are settled cheapest first, and an offer gets its value
    once each of its prerequisites has a settled supplier (the first settled is the cheapest).
    """
    rules = _rules_of(model)
    known = set(weight)
    waiting: dict[str, int] = {}
    watch: dict[str, list[tuple[str, int]]] = {}
    heap: list[tuple[float, str]] = []
    for o in model.offers:
        items = rules.items.get(o, ())
        if not items:
            heap.append((weight[o], o))
            continue
        waiting[o] = len(items)
        for i, (_, options) in enumerate(items):
            for s in frozenset().union(*options) & known:
                watch.setdefault(s, []).append((o, i))
    heapq.heapify(heap)
    extra: dict[str, float] = {}
    met: set[tuple[str, int]] = set()
    bound = dict.fromkeys(model.offers, _INF)
    while heap:
        value, s = heapq.heappop(heap)
        if bound[s] != _INF:
            continue
        bound[s] = value
        for o, i in watch.get(s, ()):
            if (o, i) in met or bound[o] != _INF:
                continue
            met.add((o, i))
            extra[o] = max(extra.get(o, 0.0), value)
            waiting[o] -= 1
            if waiting[o] == 0:
                heapq.heappush(heap, (weight[o] + extra[o], o))
    return bound


def limits(
    model: PlanModel,
    key: tuple[str, ...],
    budgets: Mapping[str, float],
    count: int,
) -> dict[str, float]:
    """The totals no answer exceeds, per measure: each budget plus its tolerance, and for the
    single best plan (``count == 1``) the first measure of ``key`` of a valid plan found
    greedily (:func:`_feasible`) plus the tolerance, which every co-optimal set is within."""
    found = {name: ub + _tolerance(ub) for name, ub in budgets.items()}
    if count == 1 and _nonnegative(model):
        plan = _feasible(model, key, budgets)
        if plan is not None:
            value = math.fsum(_weight(model, key[0], o) for o in plan)
            found[key[0]] = min(found.get(key[0], _INF), value + _tolerance(value))
    return found


def lower_bound(model: PlanModel, name: str) -> float:
    """A lower bound of measure ``name`` over the feasible sets of ``model`` (inf: none).

    Every set holds the forced offers (:func:`_forced`) and, for each requirement, a member
    with what is placed before it, whose other offers weigh at least its chain bound
    (:func:`_chains`, the forced ones counted as 0): the forced total plus the largest, over the
    requirements, of the least chain bound of a member.
    """
    if not _nonnegative(model):
        return 0.0
    forced = _forced(model)
    weight = {o: 0.0 if o in forced else _weight(model, name, o) for o in model.offers}
    chain = _chains(model, weight)
    deepest = max(
        (min((chain.get(o, _INF) for o in r), default=_INF) for r in model.requirements),
        default=0.0,
    )
    return math.fsum(_weight(model, name, o) for o in forced if o in weight) + deepest


def _bounded(model: PlanModel, limits: Mapping[str, float]) -> PlanModel:
    """``model`` without the offers no answer can hold, by lower bounds, and with the offers
    every feasible set holds fixed (:func:`_forced`).

    *limits* (:func:`limits`) bound the totals of every answer. An offer is left out when the
    forced offers' total plus its chain bound (:func:`_chains`, the forced offers counted as 0
    there) exceeds a limit by more than rounding: then every set holding it breaks a budget or
    is strictly worse than the greedy plan in the first measure, so no answer (of any
    tie-break) holds it. Offers that tie with the limit are kept. Repeated while it leaves
    offers out (the greedy plan's offers always stay, so the limits stay valid).
    """
    if not _nonnegative(model):
        return model
    forced = _forced(model)
    model = _without(model, set(), forced)
    while limits:
        dropped: set[str] = set()
        for name, limit in sorted(limits.items()):
            weight = {o: 0.0 if o in forced else _weight(model, name, o) for o in model.offers}
            base = math.fsum(_weight(model, name, o) for o in forced if o in weight)
            slack = limit + 1e-9 * max(1.0, abs(limit))
            for o, value in _chains(model, weight).items():
                if o not in forced and base + value > slack:
                    dropped.add(o)
        if not dropped:
            break
        model = _without(model, dropped)
        forced = _forced(model)
        model = _without(model, set(), forced)
    return model


def _feasible(
    model: PlanModel,
    key: tuple[str, ...],
    budgets: Mapping[str, float],
    seed: Iterable[str] = (),
) -> frozenset[str] | None:
    """A valid plan built greedily around ``seed`` (None when none is found within budgets).

    The offers that can ever be placed are ranked by a placing order of all of them; the seed
    (what a stopped solver had) plus the cheapest satisfier of each requirement it misses are
    then closed downwards: an offer whose prerequisites its lower-ranked companions do not meet
    gets the cheapest lower-ranked suppliers of each option it still needs. Every offer is then
    met by lower-ranked ones, so the set can be placed; unneeded offers are dropped last.
    """
    rules = _rules_of(model)
    order, _ = rules.place(model.offers)
    rank = {o: i for i, o in enumerate(order)}
    weight = {o: _weight(model, key[0], o) for o in model.offers}
    chain = _chains(model, weight)

    def price(o: str) -> tuple[float, float, int, str]:
        # What the offer and its cheapest way in cost, then the offer alone: on long chains
        # the offer alone picks suppliers whose own chains run hundreds of offers deep.
        return (chain[o], weight[o], rank[o], o)

    if any(o not in rank for o in model.include):
        return None
    plan = {o for o in seed if o in rank} | set(model.include)
    for r in model.requirements:
        if plan.isdisjoint(r):
            ok = [o for o in r if o in rank]
            if not ok:
                return None
            plan.add(min(ok, key=price))
    todo = sorted(plan, key=lambda o: -rank[o])
    while todo:
        o = todo.pop()
        ro = rank[o]
        for need, options in rules.items.get(o, ()):
            # An option is met when the plan holds a lower-ranked supplier (``opt & plan``
            # iterates the smaller set: plans are far smaller than the options of long chains).
            unmet = [opt for opt in options if not any(rank[s] < ro for s in opt & plan)]
            met = len(options) - len(unmet)
            if met >= need:
                continue
            picks = sorted(
                (
                    min((s for s in opt if s in rank and rank[s] < ro), key=price)
                    for opt in unmet
                    if any(s in rank and rank[s] < ro for s in opt)
                ),
                key=price,
            )
            for s in picks[: need - met]:
                if s not in plan:
                    plan.add(s)
                    todo.append(s)
    keep = _needed(model, plan, rank, seed)
    if len(keep) > DROP_MAX:  # each trial below places the whole set again
        found = frozenset(keep)
        return found if valid(model, found, budgets) else None
    for o in sorted(keep - set(seed) - set(model.include), key=price, reverse=True):
        trial = keep - {o}
        if all(not trial.isdisjoint(r) for r in model.requirements) and not rules.place(trial)[1]:
            keep = trial
    found = frozenset(keep)
    return found if valid(model, found, budgets) else None


#: :func:`_feasible` tries to drop each offer of a plan of at most this many offers one by one.
DROP_MAX = 150


def _needed(
    model: PlanModel, plan: set[str], rank: Mapping[str, int], seed: Iterable[str]
) -> set[str]:
    """The offers of ``plan`` (each met by lower-ranked ones) that one pass from the last
    finds needed: the seed, the included offers, the lowest-ranked member of each requirement,
    and for each needed offer the lowest-ranked supplier of the first options it needs. Each
    needed offer is met by needed lower-ranked ones, so the result can still be placed."""
    rules = _rules_of(model)
    needed = {o for o in seed if o in plan} | set(model.include)
    for r in model.requirements:
        if needed.isdisjoint(r):
            members = [o for o in r if o in plan]
            if members:
                needed.add(min(members, key=lambda o: rank[o]))
    todo = sorted(needed, key=lambda o: rank[o])
    while todo:
        o = todo.pop()  # the highest-ranked first: its suppliers rank lower
        ro = rank[o]
        for need, options in rules.items.get(o, ()):
            met = 0
            picks: list[str] = []
            for opt in options:
                below = [s for s in opt & plan if rank[s] < ro]
                if not below:
                    continue
                if not needed.isdisjoint(below):
                    met += 1
                else:
                    picks.append(min(below, key=lambda s: rank[s]))
            for s in sorted(picks, key=lambda s: rank[s])[: max(0, need - met)]:
                if s not in needed:
                    needed.add(s)
                    todo.append(s)
            todo.sort(key=lambda s: rank[s])
    return needed
