"""Smaller models with the same best plan, and valid plans built greedily
(:mod:`certpath._milp`)."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping

from certpath._milp.model import (
    _INF,
    PlanModel,
    Prerequisite,
    _nonnegative,
    _Rules,
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
    if not dropped:
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
        include=model.include,
        months={o: model.months[o] for o in keep if o in model.months},
    )


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
    rules = _Rules(model)
    order, _ = rules.place(model.offers)
    rank = {o: i for i, o in enumerate(order)}

    def price(o: str) -> tuple[float, int, str]:
        return (_weight(model, key[0], o), rank[o], o)

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
        for need, options in rules.items.get(o, ()):
            below = {s for s in plan if rank[s] < rank[o]}
            met = sum(1 for opt in options if not opt.isdisjoint(below))
            if met >= need:
                continue
            picks = sorted(
                (
                    min((s for s in opt if s in rank and rank[s] < rank[o]), key=price)
                    for opt in options
                    if opt.isdisjoint(below) and any(s in rank and rank[s] < rank[o] for s in opt)
                ),
                key=price,
            )
            for s in picks[: need - met]:
                if s not in plan:
                    plan.add(s)
                    todo.append(s)
    keep = set(plan)
    for o in sorted(plan - set(seed) - set(model.include), key=price, reverse=True):
        trial = keep - {o}
        if all(not trial.isdisjoint(r) for r in model.requirements) and not rules.place(trial)[1]:
            keep = trial
    found = frozenset(keep)
    return found if valid(model, found, budgets) else None
