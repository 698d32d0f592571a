"""From chosen offer sets to a :class:`~certpath.planning.results.LearningPlan` that explains
itself: the steps in prerequisite order, what each meets and what unlocked it, the roles reached
on the way, the requirements already met, totals and alternatives, every entity labelled."""

from __future__ import annotations

import heapq
import math
from collections.abc import Iterable

from certpath.planning import experience as xp
from certpath.planning.index import Snapshot
from certpath.planning.reduction import Reduced, currencies
from certpath.planning.results import (
    Alternative,
    Gate,
    LearningPlan,
    MetRequirement,
    Milestone,
    PlanStep,
    Requirement,
)
from certpath.planning.rules import (
    Person,
    first_source,
    meets,
    startable,
    step_suppliers,
    unlocked_by,
)

__all__ = ["assemble", "order", "totals"]


def order(s: Snapshot, r: Reduced, chosen: Iterable[str]) -> list[str]:
    """*chosen* in prerequisite order, the smallest startable IRI first.

    An item that cannot be started yet is tried again only once one of its suppliers (what
    could meet what it still needs, :func:`~certpath.planning.rules.step_suppliers`) is taken,
    and the startable ones wait in a heap by IRI: linear in the plan's rules, not quadratic in
    its length (plans of thousands of steps come back from a stopped search).
    """
    state = r.base.copy()
    items = set(chosen)
    watch: dict[str, list[str]] = {}
    ready: list[str] = []
    for o in sorted(items):
        if startable(s, state, o):
            ready.append(o)
            continue
        for supplier in step_suppliers(s, r.base, o) & items:
            watch.setdefault(supplier, []).append(o)
    heapq.heapify(ready)
    found: list[str] = []
    queued = set(ready)
    while ready:
        nxt = heapq.heappop(ready)
        found.append(nxt)
        state.take(s, nxt)
        for o in watch.get(nxt, ()):
            if o not in queued and startable(s, state, o):
                queued.add(o)
                heapq.heappush(ready, o)
    if len(found) < len(items):
        left = sorted(items - set(found))
        raise AssertionError(f"the solver chose offers that cannot be ordered: {left}")
    return found


def totals(
    s: Snapshot, r: Reduced, items: Iterable[str]
) -> tuple[float, float | None, str | None, int]:
    """Hours, money (None when currencies are mixed), currency and months of *items*."""
    chosen = sorted(items)
    offers = [o for o in chosen if not xp.is_step(o)]
    hours = math.fsum(s.hours(o) for o in offers)
    months = sum(xp.step_months(s, r.base, o) for o in chosen if xp.is_step(o))
    found = currencies(s, offers)
    if len(found) > 1:
        return hours, None, None, months
    return hours, math.fsum(s.cost(o) for o in offers), (found[0] if found else None), months


def primary(s: Snapshot, r: Reduced, minimize: str, items: Iterable[str]) -> float:
    """The total of *minimize* over *items*."""
    chosen = sorted(items)
    if minimize == "steps":
        return float(len(chosen))
    if minimize == "months":
        return float(sum(xp.step_months(s, r.base, o) for o in chosen if xp.is_step(o)))
    value = s.hours if minimize == "hours" else s.cost
    return math.fsum(value(o) for o in chosen if not xp.is_step(o))


def _step_label(s: Snapshot, r: Reduced, item: str) -> str:
    """An offer's label, or "Work as R for M months" for an experience step."""
    if not xp.is_step(item):
        return s.label(item)
    role, after = xp.step_role(item)
    months = xp.step_months(s, r.base, item)
    if months == after:
        return f"Work as {s.label(role)} for {months} months"
    return f"Work as {s.label(role)} for {months} more months ({after} in all)"


def _experience_step(
    s: Snapshot, r: Reduced, key: str, meets_now: list[Gate], unlocked: tuple[str, ...]
) -> PlanStep:
    role, after = xp.step_role(key)
    return PlanStep(
        iri=key,
        label=_step_label(s, r, key),
        hours=0.0,
        cost=0.0,
        currency=None,
        provider=None,
        delivery=(),
        meets=tuple(meets_now),
        unlocked_by=unlocked,
        unlocked_labels=tuple(_source_label(s, r.base, u) for u in unlocked),
        kind="experience",
        role=role,
        months=xp.step_months(s, r.base, key),
        months_after=after,
    )


def _source_label(s: Snapshot, base: Person, item: str) -> str:
    """What an ``unlocked_by`` entry says for people."""
    if xp.is_step(item):
        role, after = xp.step_role(item)
        return f"{after} months as {s.label(role)}"
    if s.kind(item) == "role":  # an experience gate met by what the person had
        return f"{int(base.months.get(item, 0))} months as {s.label(item)}"
    return s.label(item)


def _steps(s: Snapshot, r: Reduced, steps: list[str]) -> tuple[PlanStep, ...]:
    q = r.question
    state = r.base.copy()
    left = list(r.unmet)
    gates = [xp.gate(s, requirement) for requirement, _ in r.gates]
    found: list[PlanStep] = []
    for i, o in enumerate(steps):
        unlocked = unlocked_by(s, r.base, q.have, q.holds, steps[:i], o, after=state)
        state.take(s, o)
        meets_now = [(c, lv) for c, lv in left if meets(state, c, lv)]
        left = [(c, lv) for c, lv in left if not meets(state, c, lv)]
        gates_now = [(g, m) for g, m in gates if state.months.get(g, 0.0) >= m]
        gates = [(g, m) for g, m in gates if state.months.get(g, 0.0) < m]
        if xp.is_step(o):
            found.append(
                _experience_step(s, r, o, [Gate(g, m, s.label(g)) for g, m in gates_now], unlocked)
            )
            continue
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
                unlocked_labels=tuple(_source_label(s, r.base, u) for u in unlocked),
            )
        )
    return tuple(found)


def _milestones(s: Snapshot, r: Reduced, steps: list[str]) -> tuple[Milestone, ...]:
    """Roles not met before the plan whose every requirement (experience included) is met after
    some step (the first).

    Such a role needs a competency some step teaches (or a broader one), or months as a role the
    plan works in, so only those roles are looked at; the plan is replayed step by step.
    """
    reached: set[str] = set()
    worked: set[str] = set()
    for o in steps:
        if xp.is_step(o):
            worked.add(xp.step_role(o)[0])
            continue
        for n in s.teaches(o):
            reached |= s.broad(n)
    roles: set[str] = set()
    for c in reached:
        roles.update(s.index.required_by.get(c, ()))
    for role in worked:
        for requirement in s.index.about_role.get(role, ()):
            roles.update(r2 for r2, gates in s.index.experience.items() if requirement in gates)
    # Qualifying only grows along the plan: a role not qualified for after the last step is no
    # milestone, so the replay below looks only at the roles reached at the end.
    end = r.base.copy()
    for o in steps:
        end.take(s, o)
    candidates = sorted(
        role for role in roles if xp.qualified(s, end, role) and not xp.qualified(s, r.base, role)
    )
    found: list[Milestone] = []
    state = r.base.copy()
    for i, o in enumerate(steps):
        state.take(s, o)
        still = []
        for role in candidates:
            if xp.qualified(s, state, role):
                found.append(Milestone(i, role, s.label(role)))
            else:
                still.append(role)
        candidates = still
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
    hours, cost, currency, months = totals(s, r, best)
    best_total = primary(s, r, q.minimize, best)
    alternatives = []
    for alt in plans[1:]:
        alt_order = order(s, r, alt)
        a_hours, a_cost, a_currency, a_months = totals(s, r, alt_order)
        alternatives.append(
            Alternative(
                tuple(alt_order),
                a_hours,
                a_cost,
                len(alt_order),
                primary(s, r, q.minimize, alt_order) - best_total,
                a_currency,
                tuple(
                    _source_label(s, r.base, o) if xp.is_step(o) else s.label(o) for o in alt_order
                ),
                a_months,
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
        total_months=months,
    )
