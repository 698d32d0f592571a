"""From a reduced question to offer sets: the 0/1 model for :mod:`certpath._milp`, the exact
search, the greedy baseline and the least budgets that would do."""

from __future__ import annotations

from collections.abc import Mapping

from certpath import _milp
from certpath.errors import MixedCurrencies, SolveTimeLimit
from certpath.planning import experience as xp
from certpath.planning.index import Snapshot
from certpath.planning.reduction import Reduced, currencies, no_plan
from certpath.planning.rules import meets, prerequisite_options, startable

__all__ = ["budget_reasons", "greedy", "least", "model", "solve"]


def model(s: Snapshot, r: Reduced) -> _milp.PlanModel:
    """The reduced question as a 0/1 program input: its offers and experience steps (no hours,
    no money, their months), what each still needs, the target's requirements and gates.

    Supplier sets are intersected with the candidates once per distinct set, not once per item
    that needs it, so building the model stays linear in its size.
    """
    cands = r.candidates
    kept: dict[frozenset[str], frozenset[str]] = {}

    def inside(suppliers: frozenset[str]) -> frozenset[str]:
        found = kept.get(suppliers)
        if found is None:
            found = kept[suppliers] = suppliers & cands
        return found

    prerequisites: dict[str, tuple[_milp.Prerequisite, ...]] = {}
    for item in sorted(cands):
        prerequisites[item] = tuple(
            _milp.Prerequisite(need, tuple(tuple(sorted(inside(x) - {item})) for x in opts))
            for need, opts in prerequisite_options(s, r.base, item)
        )
    steps = [o for o in cands if xp.is_step(o)]
    offers = [o for o in cands if not xp.is_step(o)]
    requirements = [tuple(sorted(s.satisfiers(c, lv) & cands)) for c, lv in r.unmet]
    requirements += [(step,) if step in cands else () for _, step in r.gates]
    return _milp.PlanModel(
        offers=tuple(sorted(cands)),
        hours={**{o: s.hours(o) for o in offers}, **dict.fromkeys(steps, 0.0)},
        cost={**{o: s.cost(o) for o in offers}, **dict.fromkeys(steps, 0.0)},
        requirements=tuple(requirements),
        prerequisites=prerequisites,
        include=tuple(sorted(r.include)),
        months={step: float(xp.step_months(s, r.base, step)) for step in steps},
    )


def check_currencies(s: Snapshot, r: Reduced) -> bool:
    """Whether the candidates mix currencies; raises when money must be added up across them."""
    found = currencies(s, (o for o in r.candidates if not xp.is_step(o)))
    mixed = len(found) > 1
    q = r.question
    if mixed and (q.minimize == "cost" or "cost" in q.budgets):
        raise MixedCurrencies(
            f"offers that could lead to {s.label(q.target)} are priced in several currencies "
            f"({', '.join(found)}); add up money within one currency (exclude offers, or "
            "minimize hours or steps)"
        )
    return mixed


def solve(s: Snapshot, r: Reduced, plan_model: _milp.PlanModel, mixed: bool) -> _milp.Solution:
    """The best plan and the next-best ones (as offer sets), exactly, or, when the question's
    time limit stops the search first, the best plan found with its proven bound.

    Raises
    ------
    NoPlan
        No plan fits the budgets (the reasons give the least budgets that would).
    SolveTimeLimit
        The time limit ran out before any plan within the budgets was found.
    SolverError
        Every solver method failed (never expected).
    """
    q = r.question
    found = _milp.solve(
        plan_model,
        q.key(mixed=mixed),
        q.budgets,
        1 + q.alternatives,
        method=q.method,
        time_limit=q.time_limit,
    )
    if found.plans:
        return found
    if found.optimal:
        raise no_plan(s, q.target, budget_reasons(plan_model, q.budgets, method=q.method))
    if not q.budgets:  # the structure check proved a plan exists: the greedy one is valid
        return _milp.Solution(
            (greedy(s, r, plan_model, q.minimize),), optimal=False, bound=found.bound
        )
    raise SolveTimeLimit(
        f"no plan to {s.label(q.target)} within the budgets was found in the time limit of "
        f"{q.time_limit:g} s; give it more time (--time-limit) or drop a budget"
    )


def budget_reasons(
    plan_model: _milp.PlanModel, budgets: Mapping[str, float], *, method: str = "auto"
) -> list[dict[str, object]]:
    """For each budget: the least that would do, keeping the other budgets (or, when they alone
    already rule every plan out, dropping them too)."""
    reasons: list[dict[str, object]] = []
    for name, budget in sorted(budgets.items()):
        others = {m: b for m, b in budgets.items() if m != name}
        found = _milp.minimum(plan_model, name, others, method=method)
        if found is None:
            found = _milp.minimum(plan_model, name, {}, method=method)
        if found is not None and found > budget:
            reasons.append({"kind": "budget", "measure": name, "budget": budget, "least": found})
    return reasons


def least(s: Snapshot, r: Reduced, minimize: str, at_most: float | None = None) -> float | None:
    """The exact least total of *minimize* over the plans of *r* (None: no plan, or, with
    *at_most*, none whose total is at most that, within the solver's tolerance)."""
    budgets = {} if at_most is None else {minimize: at_most}
    return _milp.minimum(model(s, r), minimize, budgets, method=r.question.method)


# --------------------------------------------------------------------------- greedy baseline


def greedy(s: Snapshot, r: Reduced, plan_model: _milp.PlanModel, minimize: str) -> frozenset[str]:
    """A valid plan found greedily: repeatedly the startable candidate that meets the most
    missing requirements per unit of *minimize* (else the cheapest startable one), then every
    step the plan does not need is dropped, last first."""
    state = r.base.copy()
    taken: list[str] = []
    left = list(r.unmet)
    gates = {step for _, step in r.gates}
    wanted = set(r.include)
    weight = {o: _milp.measure(plan_model, minimize, [o]) for o in plan_model.offers}
    while left or (wanted | gates) - state.held:
        ready = [o for o in plan_model.offers if o not in state.held and startable(s, state, o)]
        if not ready:  # cannot happen after the structure check
            raise AssertionError("greedy search is stuck after the structure check")
        scored = [(_gain(s, left, wanted | gates, o), o) for o in ready]
        useful = [(g / max(weight[o], 1e-9), -weight[o], o) for g, o in scored if g > 0]
        pick = (
            min(useful, key=lambda t: (-t[0], -t[1], t[2]))[2]
            if useful
            else min(ready, key=lambda o: (weight[o], o))
        )
        taken.append(pick)
        state.take(s, pick)
        left = [(c, lv) for c, lv in left if not meets(state, c, lv)]
    return _prune(s, r, taken)


def _gain(s: Snapshot, left: list[tuple[str, int]], wanted: set[str], offer: str) -> int:
    """How many missing requirements (and wanted offers) taking *offer* now would meet."""
    if xp.is_step(offer):
        return int(offer in wanted)
    taught = [(s.broad(n), t) for n, t in s.teaches(offer).items()]
    met = sum(1 for c, lv in left if any(t >= lv and c in up for up, t in taught))
    return met + (offer in wanted)


def _prune(s: Snapshot, r: Reduced, taken: list[str]) -> frozenset[str]:
    keep = list(taken)
    for o in reversed(taken):
        if o in r.include:
            continue
        trial = [x for x in keep if x != o]
        if valid(s, r, trial):
            keep = trial
    return frozenset(keep)


def valid(s: Snapshot, r: Reduced, items: list[str]) -> bool:
    """Whether *items*, in this order, can each be taken and then meet what *r* asks."""
    state = r.base.copy()
    for o in items:
        if not startable(s, state, o):
            return False
        state.take(s, o)
    return all(meets(state, c, lv) for c, lv in r.unmet) and all(
        step in state.held for _, step in r.gates
    )
