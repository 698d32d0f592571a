"""Planning results as text and Markdown for people: what the CLI prints and notebooks show.

Every function reads only the result it is given (results carry their labels), so a report
never goes back to the graph.
"""

from __future__ import annotations

from certpath.namespaces import curie
from certpath.planning.results import (
    CareerPath,
    ClosestRoles,
    Gate,
    LearningPlan,
    PlanStep,
    RoleGaps,
)

__all__ = [
    "career_text",
    "closest_text",
    "gaps_text",
    "hours_text",
    "money_text",
    "plan_markdown",
    "plan_text",
]


def money_text(amount: float | None, currency: str | None) -> str:
    """An amount for people: ``USD 1,195``; ``mixed currencies`` when it cannot be added up.

    >>> money_text(1195.0, "USD"), money_text(12.5, None), money_text(None, None)
    ('USD 1,195', '12.50', 'mixed currencies')
    """
    if amount is None:
        return "mixed currencies"
    text = f"{amount:,.2f}".removesuffix(".00")
    return f"{currency} {text}" if currency else text


def hours_text(hours: float) -> str:
    """Hours for people: ``30.5 h``."""
    return f"{hours:g} h"


def _count(number: int, word: str) -> str:
    return f"{number} {word}" if number == 1 else f"{number} {word}s"


def _name(label: str, iri: str) -> str:
    return f"{label} ({curie(iri)})"


def _unlock_text(plan: LearningPlan, step: PlanStep) -> str:
    if not step.unlocked_by:
        return "nothing needed (no prerequisites)"
    positions = {s.iri: n for n, s in enumerate(plan.steps, start=1)}
    parts = []
    for iri, label in zip(step.unlocked_by, step.unlocked_labels or step.unlocked_by, strict=False):
        where = f"step {positions[iri]}, " if iri in positions else "you have "
        parts.append(f"{where}{label}")
    return "; ".join(parts)


def _meets_text(step: PlanStep) -> str:
    parts = []
    for m in step.meets:
        if isinstance(m, Gate):
            parts.append(f"{m.months} months as {m.label or curie(m.role)}")
        else:
            parts.append(f"{m.label or curie(m.competency)} ≥{m.level}")
    return ", ".join(parts)


def _totals_text(
    steps: int, hours: float, cost: float | None, currency: str | None, months: int = 0
) -> str:
    text = f"{_count(steps, 'step')}, {hours_text(hours)}, {money_text(cost, currency)}"
    return text + (f", {_count(months, 'month')} of work experience" if months else "")


def _proof(plan: LearningPlan) -> str:
    if plan.optimal:
        return "optimal"
    if plan.gap is not None:
        return f"within {100 * plan.gap:.1f} % of the best possible (time limit reached)"
    if plan.bound is not None:
        return f"NOT proved optimal (time limit reached; no plan can be below {plan.bound:g})"
    return "NOT proved optimal (greedy)"


def plan_text(plan: LearningPlan) -> str:
    """The plan for people: steps, what each meets and what unlocks it, totals, milestones.

    Examples
    --------
    >>> import networkx as nx
    >>> from certpath.planning import shortest_learning_path
    >>> G = nx.MultiDiGraph()
    >>> G.add_node("r", kind="role", label="Scrum Master")
    >>> G.add_node("c", kind="competency", label="Facilitation")
    >>> G.add_node("a", kind="offer", label="Facilitation course", hours=8.0)
    >>> _ = G.add_edge("a", "c", key="teaches", level=2)
    >>> _ = G.add_edge("r", "c", key="requires", level=2)
    >>> print(plan_text(shortest_learning_path(G, "r")))
    Learning path to Scrum Master (r)
    minimising hours; optimal
    <BLANKLINE>
    1. Facilitation course (a)
       no provider · 8 h · 0 · delivery not stated
       meets: Facilitation ≥2
       unlocked by: nothing needed (no prerequisites)
    <BLANKLINE>
    After step 1 you qualify for: Scrum Master
    <BLANKLINE>
    Total: 1 step, 8 h, 0
    """
    lines = [
        f"Learning path to {_name(plan.target_label, plan.target)}",
        f"minimising {plan.minimize}; {_proof(plan)}",
        "",
    ]
    if not plan.steps:
        lines.append("Nothing to learn: every requirement is already met.")
    for number, step in enumerate(plan.steps, start=1):
        if step.kind == "experience":
            lines.append(f"{number}. {step.label}")
            lines.append(f"   work experience · {_count(step.months, 'month')} · no learning hours")
        else:
            provider = step.provider_label or step.provider or "no provider"
            modes = ", ".join(step.delivery) or "delivery not stated"
            lines.append(f"{number}. {_name(step.label, step.iri)}")
            lines.append(
                f"   {provider} · {hours_text(step.hours)} · "
                f"{money_text(step.cost, step.currency)} · {modes}"
            )
        if step.meets:
            lines.append(f"   meets: {_meets_text(step)}")
        lines.append(f"   unlocked by: {_unlock_text(plan, step)}")
    milestones: dict[int, list[str]] = {}
    for milestone in plan.milestones:
        milestones.setdefault(milestone.after_step, []).append(milestone.label or milestone.role)
    if milestones:
        lines.append("")
        for after, roles in sorted(milestones.items()):
            lines.append(f"After step {after + 1} you qualify for: {', '.join(sorted(roles))}")
    if plan.already_met:
        lines.append("")
        lines.append("Already met:")
        for met in plan.already_met:
            by = "" if met.met_by == met.competency else f" (through {met.met_by_label})"
            lines.append(f"  {met.label} ≥{met.level}{by}")
    lines.append("")
    lines.append(
        "Total: "
        + _totals_text(
            plan.total_steps, plan.total_hours, plan.total_cost, plan.currency, plan.total_months
        )
    )
    for number, alt in enumerate(plan.alternatives, start=1):
        lines.append(
            f"Alternative {number} (+{alt.difference:g} {plan.minimize}): "
            f"{', '.join(alt.labels or alt.steps)} — "
            + _totals_text(
                alt.total_steps, alt.total_hours, alt.total_cost, alt.currency, alt.total_months
            )
        )
    if plan.alternatives_note:
        lines.append(f"({plan.alternatives_note})")
    return "\n".join(lines)


def plan_markdown(plan: LearningPlan) -> str:
    """The plan as Markdown, for pasting into a ticket or a review.

    Parameters
    ----------
    plan : LearningPlan

    Returns
    -------
    str
        A heading, the totals, a table of the steps, what is already met, the alternatives.

    Examples
    --------
    >>> import networkx as nx
    >>> from certpath.planning import shortest_learning_path
    >>> G = nx.MultiDiGraph()
    >>> G.add_node("r", kind="role", label="Scrum Master")
    >>> G.add_node("a", kind="offer", label="Course", hours=8.0)
    >>> _ = G.add_edge("a", "c", key="teaches", level=2)
    >>> _ = G.add_edge("r", "c", key="requires", level=2)
    >>> print(plan_markdown(shortest_learning_path(G, "r")).splitlines()[2])
    Minimising **hours**: 1 step, 8 h, 0.
    """
    lines = [
        f"### Learning path to {plan.target_label}",
        "",
        f"Minimising **{plan.minimize}**"
        + ("" if plan.optimal else f" ({_proof(plan)})")
        + ": "
        + _totals_text(
            plan.total_steps, plan.total_hours, plan.total_cost, plan.currency, plan.total_months
        )
        + ".",
        "",
        "| # | Step | Provider | Hours | Cost | Meets | Unlocked by |",
        "|---|---|---|---:|---:|---|---|",
    ]
    for number, step in enumerate(plan.steps, start=1):
        named = step.label if step.kind == "experience" else f"{step.label} (`{curie(step.iri)}`)"
        cells = [
            str(number),
            named,
            step.provider_label or "",
            f"{step.hours:g}",
            money_text(step.cost, step.currency),
            _meets_text(step),
            _unlock_text(plan, step),
        ]
        lines.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    if plan.already_met:
        lines.append("")
        met = ", ".join(f"{m.label} ≥{m.level}" for m in plan.already_met)
        lines.append(f"Already met: {met}.")
    for number, alt in enumerate(plan.alternatives, start=1):
        lines.append(
            f"- Alternative {number} (+{alt.difference:g} {plan.minimize}): "
            f"{', '.join(alt.labels or alt.steps)}"
        )
    if plan.alternatives_note:
        lines.append(f"- ({plan.alternatives_note})")
    return "\n".join(lines)


def gaps_text(report: RoleGaps) -> str:
    """Each requirement of the role: met, partly met or missing, and what teaches it.

    Examples
    --------
    >>> import networkx as nx
    >>> from certpath.planning import role_gaps
    >>> G = nx.MultiDiGraph()
    >>> G.add_node("r", kind="role", label="Scrum Master")
    >>> G.add_node("c", kind="competency", label="Facilitation")
    >>> G.add_node("a", kind="offer", label="Course", hours=8.0)
    >>> _ = G.add_edge("a", "c", key="teaches", level=3)
    >>> _ = G.add_edge("r", "c", key="requires", level=3)
    >>> print(gaps_text(role_gaps(G, "r", have={"c": 2})))
    Scrum Master (r): 0 of 1 requirements met
      partial  Facilitation (needs 3, have 2) [essential] ← Course
    """
    lines = [
        f"{_name(report.target_label, report.target)}: {report.met} of {report.essential} "
        "requirements met"
    ]
    for gap in report:
        kind = "essential" if gap.essential else "recommended"
        line = (
            f"  {gap.status:<8} {gap.label} (needs {gap.required_level}, "
            f"have {gap.held_level}) [{kind}]"
        )
        if gap.status != "met" and gap.offers:
            line += " ← " + ", ".join((gap.offer_labels or gap.offers)[:5])
        elif gap.status != "met":
            line += " ← nothing in the graph teaches it at that level"
        lines.append(line)
    for need in report.experience:
        lines.append(
            f"  {need.status:<8} {need.label} (needs {need.months_needed} months, "
            f"have {need.months_held}) [experience]"
        )
    return "\n".join(lines)


def closest_text(ranking: ClosestRoles) -> str:
    """Roles ranked by the cost of reaching them, with the steps of each plan.

    Examples
    --------
    >>> import networkx as nx
    >>> from certpath.planning import closest_roles
    >>> G = nx.MultiDiGraph()
    >>> G.add_node("r", kind="role", label="Scrum Master")
    >>> G.add_node("a", kind="offer", label="Course", hours=8.0)
    >>> _ = G.add_edge("a", "c", key="teaches", level=1)
    >>> _ = G.add_edge("r", "c", key="requires", level=1)
    >>> print(closest_text(closest_roles(G)))
      1. Scrum Master (r): 8 hours; 0/1 met
          via Course
    """
    lines = []
    for rank, r in enumerate(ranking, start=1):
        cost = f"{r.cost:g} {ranking.minimize}" if r.feasible and r.cost is not None else "no plan"
        lines.append(f"{rank:>3}. {_name(r.label, r.role)}: {cost}; {r.met}/{r.total} met")
        if r.plan and r.plan.steps:
            lines.append("      via " + ", ".join(s.label for s in r.plan.steps))
    return "\n".join(lines)


def career_text(career: CareerPath) -> str:
    """The chain of roles and the steps of each hop.

    Examples
    --------
    >>> import networkx as nx
    >>> from certpath.planning import career_path
    >>> G = nx.MultiDiGraph()
    >>> G.add_nodes_from([("dev", {"label": "Dev"}), ("lead", {"label": "Lead"})], kind="role")
    >>> G.add_node("a", kind="offer", label="Leading teams", hours=3.0)
    >>> _ = G.add_edge("a", "c", key="teaches", level=2)
    >>> _ = G.add_edge("lead", "c", key="requires", level=2)
    >>> _ = G.add_edge("dev", "lead", key="leadsTo")
    >>> print(career_text(career_path(G, "dev", "lead")))
    Dev → Lead (3 hours in all)
      1. to Lead: Leading teams (3 h, 0)
    """
    labels = career.role_labels or career.roles
    lines = [f"{' → '.join(labels)} ({career.total:g} {career.minimize} in all)"]
    for number, (label, hop) in enumerate(zip(labels[1:], career.hops, strict=True), start=1):
        steps = ", ".join(s.label for s in hop.steps) or "nothing to learn"
        lines.append(
            f"  {number}. to {label}: {steps} "
            f"({hours_text(hop.total_hours)}, {money_text(hop.total_cost, hop.currency)})"
        )
    return "\n".join(lines)
