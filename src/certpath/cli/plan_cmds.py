"""Commands that plan: path, gaps, closest, career."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

import click

from certpath.cli.common import EXIT_NO_PLAN, State, emit_json, format_option, pass_state
from certpath.errors import NoPlan
from certpath.namespaces import curie

if TYPE_CHECKING:
    from certpath.planner import LearningPlan
    from certpath.profile import Profile

F = TypeVar("F", bound=Callable[..., Any])

DELIVERY_MODES = {
    "classroom": "Classroom",
    "live-online": "LiveOnline",
    "liveonline": "LiveOnline",
    "self-paced": "SelfPaced",
    "selfpaced": "SelfPaced",
    "assessment-only": "AssessmentOnly",
    "assessmentonly": "AssessmentOnly",
}


def person_options(function: F) -> F:
    """``--have``, ``--holds`` and ``--profile``: what the person can do and holds now."""
    function = click.option(
        "--profile",
        "profile_file",
        type=click.Path(dir_okay=False),
        help="A profile file (YAML/JSON with 'have:' and 'holds:', or Turtle with a cp:Person).",
    )(function)
    function = click.option(
        "--holds",
        multiple=True,
        metavar="OFFER",
        help="A certification or course the person completed (repeatable).",
    )(function)
    function = click.option(
        "--have",
        multiple=True,
        metavar="COMPETENCY[@LEVEL]",
        help="A competency the person has, at a level 1-5 (no level: 5). Repeatable.",
    )(function)
    return function


def minimize_option(function: F) -> F:
    """``--minimize hours|cost|steps``."""
    return click.option(
        "--minimize",
        type=click.Choice(["hours", "cost", "steps"]),
        default="hours",
        show_default=True,
        help="What a shortest path minimises; ties go to the other two measures, then IRI.",
    )(function)


def _profile(
    state: State, have: tuple[str, ...], holds: tuple[str, ...], path: str | None
) -> Profile:
    from certpath.profile import build_profile

    return build_profile(state.kg, have=have, holds=holds, profile_file=path)


def _role(state: State, name: str) -> str:
    from certpath.resolve import resolve

    return resolve(state.kg, name, kinds=["role"])


def _planning_graph(state: State, role: str, person: Profile) -> Any:
    """Only the neighbourhood of the question: fast on large and persistent stores, same answers."""
    from certpath.projection import project_neighbourhood

    graph = project_neighbourhood(state.kg, [role], have=person.have, holds=person.holds)
    state.planning_graph = graph
    return graph


def _label(state: State, iri: str) -> str:
    graph = state.planning_graph if state.planning_graph is not None else state.projection
    data = graph.nodes.get(iri, {})
    if not data:
        from certpath.resolve import label_of

        return label_of(state.kg, iri)
    return str(data.get("label", curie(iri)))


def _money(amount: float | None, currency: str | None) -> str:
    if amount is None:
        return "mixed currencies"
    text = f"{amount:,.2f}".removesuffix(".00")
    return f"{currency} {text}" if currency else text


def _hours(hours: float) -> str:
    return f"{hours:g} h"


@click.command("path")
@click.option("--target", required=True, metavar="ROLE", help="The role to reach.")
@person_options
@minimize_option
@click.option("--budget-hours", type=click.FloatRange(min=0), help="At most this many hours.")
@click.option("--budget-cost", type=click.FloatRange(min=0), help="At most this much money.")
@click.option(
    "--exclude",
    multiple=True,
    metavar="OFFER|PROVIDER",
    help="Never use this offer, or any offer of this provider (repeatable).",
)
@click.option("--include", multiple=True, metavar="OFFER", help="Always use this offer.")
@click.option(
    "--delivery",
    multiple=True,
    type=click.Choice(sorted(DELIVERY_MODES), case_sensitive=False),
    help="Only offers delivered this way (repeatable).",
)
@click.option("--with-recommended", is_flag=True, help="Also meet the role's recommendations.")
@click.option(
    "--alternatives",
    type=click.IntRange(min=0, max=20),
    default=0,
    show_default=True,
    help="Also show the K next-best plans that differ in at least one offer.",
)
@format_option("text", "json", "markdown")
@click.option("--html", "html", type=click.Path(dir_okay=False), help="Also draw the plan here.")
@click.option("--force", is_flag=True, help="Replace an existing --html file.")
@pass_state
def path_cmd(
    state: State,
    target: str,
    have: tuple[str, ...],
    holds: tuple[str, ...],
    profile_file: str | None,
    minimize: str,
    budget_hours: float | None,
    budget_cost: float | None,
    exclude: tuple[str, ...],
    include: tuple[str, ...],
    delivery: tuple[str, ...],
    with_recommended: bool,
    alternatives: int,
    fmt: str,
    html: str | None,
    force: bool,
) -> None:
    """The exact cheapest learning path from what the person has to the --target role.

    Prints the steps in order with what each meets and what unlocks it, the totals, the roles
    reached on the way and the requirements already met. Exit 3 when no plan is possible, with
    the cause: requirements nothing teaches, offers blocked by prerequisites, or the least budget
    that would suffice.
    """
    from certpath.planner import no_plan_to_dict, shortest_learning_path
    from certpath.resolve import resolve

    role = _role(state, target)
    person = _profile(state, have, holds, profile_file)
    excluded = [resolve(state.kg, name, kinds=["offer", "provider"]) for name in exclude]
    included = [resolve(state.kg, name, kinds=["offer"]) for name in include]
    modes = sorted({DELIVERY_MODES[m.lower()] for m in delivery}) or None
    if html:
        from certpath.viz import check_output

        check_output(html, force=force)  # refuse before planning, not after
    try:
        plan = shortest_learning_path(
            _planning_graph(state, role, person),
            role,
            have=person.have,
            holds=person.holds,
            minimize=minimize,
            budget_hours=budget_hours,
            budget_cost=budget_cost,
            exclude=excluded,
            include=included,
            delivery=modes,
            with_recommended=with_recommended,
            alternatives=alternatives,
        )
    except NoPlan as exc:
        if fmt == "json":
            emit_json(no_plan_to_dict(exc))
        click.echo(f"Error: {exc}", err=True)
        raise SystemExit(EXIT_NO_PLAN) from None
    if html:
        from certpath.viz import render_plan, source_links

        render_plan(
            state.planning_graph,
            plan,
            have=person.have,
            holds=person.holds,
            sources=source_links(state.kg),
            path=html,
            force=force,
        )
        click.echo(f"wrote {html}", err=True)
    if fmt == "json":
        emit_json(plan.to_dict())
    elif fmt == "markdown":
        click.echo(plan_markdown(state, plan, person))
    else:
        click.echo(plan_text(state, plan, person))


def _step_line(state: State, plan: LearningPlan, index: int) -> list[str]:
    step = plan.steps[index]
    provider = _label(state, step.provider) if step.provider else "no provider"
    modes = ", ".join(step.delivery) or "delivery not stated"
    lines = [
        f"{index + 1}. {step.label} ({curie(step.iri)})",
        f"   {provider} · {_hours(step.hours)} · {_money(step.cost, step.currency)} · {modes}",
    ]
    if step.meets:
        meets = ", ".join(f"{_label(state, m.competency)} ≥{m.level}" for m in step.meets)
        lines.append(f"   meets: {meets}")
    lines.append(f"   unlocked by: {_unlock_text(state, plan, step.unlocked_by)}")
    return lines


def _unlock_text(state: State, plan: LearningPlan, unlocked_by: tuple[str, ...]) -> str:
    if not unlocked_by:
        return "nothing needed (no prerequisites)"
    positions = {step.iri: n for n, step in enumerate(plan.steps, start=1)}
    parts = []
    for iri in unlocked_by:
        where = f"step {positions[iri]}, " if iri in positions else "you have "
        parts.append(f"{where}{_label(state, iri)}")
    return "; ".join(parts)


def plan_text(state: State, plan: LearningPlan, person: Profile) -> str:
    """The plan for people: steps, what each meets and what unlocks it, totals, milestones."""
    proof = "optimal" if plan.optimal else "NOT proved optimal (greedy fallback)"
    lines = [
        f"Learning path to {plan.target_label} ({curie(plan.target)})",
        f"minimising {plan.minimize}; {proof}",
        "",
    ]
    if not plan.steps:
        lines.append("Nothing to learn: every requirement is already met.")
    for index in range(len(plan.steps)):
        lines.extend(_step_line(state, plan, index))
    milestones: dict[int, list[str]] = {}
    for milestone in plan.milestones:
        milestones.setdefault(milestone.after_step, []).append(_label(state, milestone.role))
    if milestones:
        lines.append("")
        for after, roles in sorted(milestones.items()):
            lines.append(f"After step {after + 1} you qualify for: {', '.join(sorted(roles))}")
    if plan.already_met:
        lines.append("")
        lines.append("Already met:")
        for met in plan.already_met:
            by = "" if met.met_by == met.competency else f" (through {_label(state, met.met_by)})"
            lines.append(f"  {_label(state, met.competency)} ≥{met.level}{by}")
    lines.append("")
    lines.append(
        f"Total: {plan.total_steps} steps, {_hours(plan.total_hours)}, "
        f"{_money(plan.total_cost, plan.currency)}"
    )
    for number, alt in enumerate(plan.alternatives, start=1):
        names = ", ".join(_label(state, iri) for iri in alt.steps)
        lines.append(
            f"Alternative {number} (+{alt.difference:g} {plan.minimize}): {names} — "
            f"{alt.total_steps} steps, {_hours(alt.total_hours)}, "
            f"{_money(alt.total_cost, alt.currency)}"
        )
    return "\n".join(lines)


def plan_markdown(state: State, plan: LearningPlan, person: Profile) -> str:
    """The plan as Markdown, for pasting into a ticket or a review."""
    lines = [
        f"### Learning path to {plan.target_label}",
        "",
        f"Minimising **{plan.minimize}**"
        + ("" if plan.optimal else " (not proved optimal)")
        + f": {plan.total_steps} steps, {_hours(plan.total_hours)}, "
        f"{_money(plan.total_cost, plan.currency)}.",
        "",
        "| # | Step | Provider | Hours | Cost | Meets | Unlocked by |",
        "|---|---|---|---:|---:|---|---|",
    ]
    for number, step in enumerate(plan.steps, start=1):
        provider = _label(state, step.provider) if step.provider else ""
        meets = ", ".join(f"{_label(state, m.competency)} ≥{m.level}" for m in step.meets)
        cells = [
            str(number),
            f"{step.label} (`{curie(step.iri)}`)",
            provider,
            f"{step.hours:g}",
            _money(step.cost, step.currency),
            meets,
            _unlock_text(state, plan, step.unlocked_by),
        ]
        lines.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    if plan.already_met:
        lines.append("")
        met = ", ".join(f"{_label(state, m.competency)} ≥{m.level}" for m in plan.already_met)
        lines.append(f"Already met: {met}.")
    for number, alt in enumerate(plan.alternatives, start=1):
        names = ", ".join(_label(state, iri) for iri in alt.steps)
        lines.append(f"- Alternative {number} (+{alt.difference:g} {plan.minimize}): {names}")
    return "\n".join(lines)


@click.command("gaps")
@click.option("--target", required=True, metavar="ROLE", help="The role to compare against.")
@person_options
@format_option("text", "json")
@pass_state
def gaps_cmd(
    state: State,
    target: str,
    have: tuple[str, ...],
    holds: tuple[str, ...],
    profile_file: str | None,
    fmt: str,
) -> None:
    """Each requirement of the --target role: met, partly met (level held vs needed) or missing,
    essential or recommended, and the offers that teach each missing one."""
    from certpath.planner import role_gaps

    role = _role(state, target)
    person = _profile(state, have, holds, profile_file)
    graph = _planning_graph(state, role, person)
    gaps = role_gaps(graph, role, have=person.have, holds=person.holds)
    if fmt == "json":
        emit_json(
            {
                "target": {"iri": role, "label": _label(state, role)},
                "gaps": [
                    {
                        "competency": g.competency,
                        "label": g.label,
                        "required_level": g.required_level,
                        "held_level": g.held_level,
                        "status": g.status,
                        "essential": g.essential,
                        "offers": list(g.offers),
                    }
                    for g in gaps
                ],
            }
        )
        return
    met = sum(g.status == "met" for g in gaps if g.essential)
    essential = sum(g.essential for g in gaps)
    click.echo(f"{_label(state, role)} ({curie(role)}): {met} of {essential} requirements met")
    for gap in gaps:
        kind = "essential" if gap.essential else "recommended"
        line = (
            f"  {gap.status:<8} {gap.label} (needs {gap.required_level}, "
            f"have {gap.held_level}) [{kind}]"
        )
        if gap.status != "met" and gap.offers:
            line += " ← " + ", ".join(_label(state, o) for o in gap.offers[:5])
        elif gap.status != "met":
            line += " ← nothing in the graph teaches it at that level"
        click.echo(line)


@click.command("closest")
@person_options
@click.option("--top", type=click.IntRange(min=1), default=10, show_default=True)
@minimize_option
@format_option("text", "json")
@pass_state
def closest_cmd(
    state: State,
    have: tuple[str, ...],
    holds: tuple[str, ...],
    profile_file: str | None,
    top: int,
    minimize: str,
    fmt: str,
) -> None:
    """Roles ranked by the exact cost of their shortest path from the person's profile."""
    from certpath.planner import closest_roles

    person = _profile(state, have, holds, profile_file)
    ranked = closest_roles(
        state.projection, have=person.have, holds=person.holds, top=top, minimize=minimize
    )
    if fmt == "json":
        emit_json(
            {
                "minimize": minimize,
                "roles": [
                    {
                        "iri": r.role,
                        "label": r.label,
                        "feasible": r.feasible,
                        "cost": r.cost,
                        "met": r.met,
                        "total": r.total,
                        "steps": [s.iri for s in r.plan.steps] if r.plan else None,
                    }
                    for r in ranked
                ],
            }
        )
        return
    for rank, r in enumerate(ranked, start=1):
        cost = f"{r.cost:g} {minimize}" if r.feasible and r.cost is not None else "no plan"
        steps = ", ".join(s.label for s in r.plan.steps) if r.plan else ""
        click.echo(f"{rank:>3}. {r.label} ({curie(r.role)}): {cost}; {r.met}/{r.total} met")
        if steps:
            click.echo(f"      via {steps}")


@click.command("career")
@click.option("--from", "source", required=True, metavar="ROLE", help="The role held now.")
@click.option("--to", "target", required=True, metavar="ROLE", help="The role to reach.")
@person_options
@minimize_option
@format_option("text", "json")
@pass_state
def career_cmd(
    state: State,
    source: str,
    target: str,
    have: tuple[str, ...],
    holds: tuple[str, ...],
    profile_file: str | None,
    minimize: str,
    fmt: str,
) -> None:
    """The cheapest chain of roles over cp:leadsTo, each hop weighted by its exact path cost,
    with the learning steps of each hop."""
    from certpath.planner import career_path

    person = _profile(state, have, holds, profile_file)
    career = career_path(
        state.projection,
        _role(state, source),
        _role(state, target),
        have=person.have,
        holds=person.holds,
        minimize=minimize,
    )
    if fmt == "json":
        emit_json(career.to_dict())
        return
    chain = " → ".join(_label(state, r) for r in career.roles)
    click.echo(f"{chain} ({career.total:g} {minimize} in all)")
    for hop_number, (role, hop) in enumerate(
        zip(career.roles[1:], career.hops, strict=True), start=1
    ):
        steps = ", ".join(s.label for s in hop.steps) or "nothing to learn"
        click.echo(
            f"  {hop_number}. to {_label(state, role)}: {steps} "
            f"({_hours(hop.total_hours)}, {_money(hop.total_cost, hop.currency)})"
        )
