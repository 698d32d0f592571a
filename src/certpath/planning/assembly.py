"""From chosen offer sets to a :class:`~certpath.planning.results.LearningPlan` that explains
itself: the steps in prerequisite order, what each meets and what unlocked it, the roles reached
on the way, the requirements already met, totals and alternatives, every entity labelled."""

from __future__ import annotations

import math
from collections.abc import Iterable

from certpath.planning.index import Snapshot
from certpath.planning.reduction import Reduced, currencies
from certpath.planning.results import (
    Alternative,
    LearningPlan,
    MetRequirement,
    Milestone,
    PlanStep,
    Requirement,
)
from certpath.planning.rules import first_source, meets, startable, unlocked_by

__all__ = ["assemble", "order", "totals"]


def order(s: Snapshot, r: Reduced, chosen: Iterable[str]) -> list[str]:
    """*chosen* in prerequisite order, the smallest startable IRI first."""
    state = r.base.copy()
    left = sorted(chosen)
    found: list[str] = []
    while left:
        nxt = next((o for o in left if startable(s, state, o)), None)
        if nxt is None:
            raise AssertionError(f"the solver chose offers that cannot be ordered: {left}")
        left.remove(nxt)
        found.append(nxt)
        state.take(s, nxt)
    return found


def totals(s: Snapshot, offers: Iterable[str]) -> tuple[float, float | None, str | None]:
    """Hours, money (None when currencies are mixed) and currency of *offers*."""
    chosen = sorted(offers)
    hours = math.fsum(s.hours(o) for o in chosen)
    found = currencies(s, chosen)
    if len(found) > 1:
        return hours, None, None
    return hours, math.fsum(s.cost(o) for o in chosen), (found[0] if found else None)


def primary(s: Snapshot, minimize: str, offers: Iterable[str]) -> float:
    """The total of *minimize* over *offers*."""
    chosen = sorted(offers)
    if minimize == "steps":
        return float(len(chosen))
    value = s.hours if minimize == "hours" else s.cost
    return math.fsum(value(o) for o in chosen)


def _steps(s: Snapshot, r: Reduced, steps: list[str]) -> tuple[PlanStep, ...]:
    q = r.question
    state = r.base.copy()
    left = list(r.unmet)
    found: list[PlanStep] = []
    for i, o in enumerate(steps):
        state.take(s, o)
        meets_now = [(c, lv) for c, lv in left if meets(state, c, lv)]
        left = [(c, lv) for c, lv in left if not meets(state, c, lv)]
        unlocked = unlocked_by(s, r.base, q.have, q.holds, steps[:i], o)
        provider = s.attr(o, "provider")
        found.append(
            PlanStep(
                iri=o,
                label=s.label(o),
                hours=s.hours(o),
                cost=s.cost(o),
                currency=s.currency(o),
                provider=None if provider is None else str(provider),
                delivery=s.delivery(o),
                meets=tuple(Requirement(c, lv, s.label(c)) for c, lv in meets_now),
                unlocked_by=unlocked,
                provider_label=None if provider is None else s.label(str(provider)),
                unlocked_labels=tuple(s.label(u) for u in unlocked),
            )
        )
    return tuple(found)


def _milestones(s: Snapshot, r: Reduced, steps: list[str]) -> tuple[Milestone, ...]:
    """Roles not met before the plan whose every requirement is met after some step (the first).

    Such a role has a requirement a step meets, so only roles requiring a competency some step
    teaches (or a broader one) are looked at.
    """
    first: dict[tuple[str, int], int] = {}  # (competency, level) -> first step reaching it
    reached: set[str] = set()
    for i, o in enumerate(steps):
        for n, level in s.teaches(o).items():
            for c in s.broad(n):
                reached.add(c)
                for lv in range(1, level + 1):
                    first.setdefault((c, lv), i)
    roles: set[str] = set()
    for c in reached:
        roles.update(s.index.required_by.get(c, ()))
    found: list[Milestone] = []
    for role in sorted(roles):
        after = -1
        for c, lv in s.requirements(role).items():
            if meets(r.base, c, lv):
                continue
            step = first.get((c, lv))
            if step is None:
                break
            after = max(after, step)
        else:
            if after >= 0:
                found.append(Milestone(after, role, s.label(role)))
    return tuple(sorted(found, key=lambda m: (m.after_step, m.role)))


def _already_met(s: Snapshot, r: Reduced) -> tuple[MetRequirement, ...]:
    q = r.question
    found = []
    for c, level in sorted(r.requirements.items()):
        if meets(r.base, c, level):
            by = first_source(s, q.have, q.holds, [], c, level) or c
            found.append(MetRequirement(c, level, by, s.label(c), s.label(by)))
    return tuple(found)


def assemble(
    s: Snapshot,
    r: Reduced,
    plans: list[frozenset[str]],
    *,
    optimal: bool,
    bound: float | None = None,
    gap: float | None = None,
) -> LearningPlan:
    """The plan for the best set of *plans*, with the others as alternatives."""
    q = r.question
    best = order(s, r, plans[0])
    hours, cost, currency = totals(s, best)
    best_total = primary(s, q.minimize, best)
    alternatives = []
    for alt in plans[1:]:
        alt_order = order(s, r, alt)
        a_hours, a_cost, a_currency = totals(s, alt_order)
        alternatives.append(
            Alternative(
                tuple(alt_order),
                a_hours,
                a_cost,
                len(alt_order),
                primary(s, q.minimize, alt_order) - best_total,
                a_currency,
                tuple(s.label(o) for o in alt_order),
            )
        )
    note = ""
    if len(alternatives) < q.alternatives:
        verb = "exists" if len(alternatives) == 1 else "exist"
        note = (
            f"only {len(alternatives)} of the {q.alternatives} alternatives asked for {verb}: "
            "every other plan holds all the offers of a plan already shown"
            if best
            else "every requirement is already met: there is nothing to choose between"
        )
    return LearningPlan(
        target=q.target,
        target_label=s.label(q.target),
        minimize=q.minimize,
        optimal=optimal,
        steps=_steps(s, r, best),
        total_hours=hours,
        total_cost=cost,
        currency=currency,
        already_met=_already_met(s, r),
        milestones=_milestones(s, r, best),
        alternatives=tuple(alternatives),
        bound=bound,
        gap=gap,
        alternatives_note=note,
    )
