"""Commands that plan: path, gaps, closest, career.

Each command passes its options to :mod:`certpath.service` and prints the result it gets back:
``to_dict()`` for ``--format json``, :mod:`certpath.planning.report` for people.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

import click

from certpath.cli.common import (
    EXIT_NO_PLAN,
    State,
    emit_json,
    format_option,
    not_blank,
    not_empty_path,
    pass_state,
)
from certpath.cli.completion import complete
from certpath.errors import NoPlan

if TYPE_CHECKING:
    from certpath.profile import Profile

F = TypeVar("F", bound=Callable[..., Any])

#: ``path --time-limit`` by default, in seconds (the library has no limit unless given one).
DEFAULT_TIME_LIMIT = 10.0

#: ``--delivery`` choices (the service maps them to delivery modes).
DELIVERY_CHOICES = ("classroom", "live-online", "self-paced", "assessment-only")


def person_options(function: F) -> F:
    """``--have``, ``--holds``, ``--experience``, ``--profile`` (what the person can do, holds
    and has worked now) and ``--save-profile``."""
    function = click.option(
        "--save-profile",
        "save_profile",
        callback=not_empty_path,
        type=click.Path(dir_okay=False),
        metavar="FILE",
        help="Also write what --have, --holds, --experience and --profile give, as a profile "
        "--profile reads (.yaml/.yml, .json or .ttl by the suffix), before answering; an "
        "existing file is replaced only with --force.",
    )(function)
    function = click.option(
        "--profile",
        "profile_file",
        callback=not_empty_path,
        type=click.Path(dir_okay=False),
        help="A profile file (YAML/JSON with 'have:', 'holds:' and 'experience:', or Turtle "
        "with a cp:Person).",
    )(function)
    function = click.option(
        "--experience",
        multiple=True,
        callback=not_blank,
        metavar="ROLE@MONTHS",
        shell_complete=complete("role"),
        help="Months the person has worked as a role, such as 'Product Owner@18' (repeatable).",
    )(function)
    function = click.option(
        "--holds",
        multiple=True,
        callback=not_blank,
        metavar="OFFER",
        shell_complete=complete("offer"),
        help="A certification or course the person completed (repeatable).",
    )(function)
    function = click.option(
        "--have",
        multiple=True,
        callback=not_blank,
        metavar="COMPETENCY[@LEVEL]",
        shell_complete=complete("competency", levels=True),
        help="A competency the person has, at a level 1-5; without '@LEVEL' it counts as 5 "
        "(expert). Repeatable.",
    )(function)
    return function


def minimize_option(function: F) -> F:
    """``--minimize hours|cost|steps``."""
    return click.option(
        "--minimize",
        type=click.Choice(["hours", "cost", "months", "steps"]),
        default="hours",
        show_default=True,
        help="What a shortest path minimises (months: the fastest route, in months of work "
        "experience); ties go to the others in the order hours, cost, months, steps, then IRI.",
    )(function)


def _person(
    state: State,
    have: tuple[str, ...],
    holds: tuple[str, ...],
    experience: tuple[str, ...],
    profile_file: str | None,
    save_profile: str | None,
    force: bool,
) -> Profile:
    """What the person has (names resolved once), saved to *save_profile* when asked."""
    from certpath.profile import write_profile
    from certpath.service import person

    who = person(state.kg, have=have, holds=holds, experience=experience, profile=profile_file)
    if save_profile:
        write_profile(who, state.kg, save_profile, force=force)
        click.echo(f"wrote {save_profile}", err=True)
    return who


def force_flag(function: F) -> F:
    """``--force``: replace existing output files (--save-profile, --html)."""
    return click.option(
        "--force", is_flag=True, help="Replace an existing --save-profile (or --html) file."
    )(function)


def _no_plan(exc: NoPlan, fmt: str) -> None:
    """Exit 3: the reasons as JSON on stdout when asked, the message on stderr."""
    from certpath.planning import no_plan_to_dict

    if fmt == "json":
        emit_json(no_plan_to_dict(exc))
    click.echo(f"Error: {exc}", err=True)
    raise SystemExit(EXIT_NO_PLAN) from None


@click.command("path")
@click.option(
    "--target",
    callback=not_blank,
    required=True,
    metavar="ROLE",
    shell_complete=complete("role"),
    help="The role to reach.",
)
@person_options
@minimize_option
@click.option("--budget-hours", type=click.FloatRange(min=0), help="At most this many hours.")
@click.option("--budget-cost", type=click.FloatRange(min=0), help="At most this much money.")
@click.option(
    "--exclude",
    multiple=True,
    metavar="OFFER|PROVIDER",
    shell_complete=complete("offer", "provider"),
    help="Never use this offer, or any offer of this provider (repeatable).",
)
@click.option(
    "--include",
    multiple=True,
    metavar="OFFER",
    shell_complete=complete("offer"),
    help="Always use this offer (repeatable).",
)
@click.option(
    "--delivery",
    multiple=True,
    type=click.Choice(DELIVERY_CHOICES, case_sensitive=False),
    help="Only offers delivered this way (repeatable).",
)
@click.option("--with-recommended", is_flag=True, help="Also meet the role's recommendations.")
@click.option(
    "--alternatives",
    type=click.IntRange(min=0, max=20),
    default=0,
    show_default=True,
    help="Also show the K next-best plans that differ in at least one offer (fewer when fewer "
    "exist; the output says so).",
)
@click.option(
    "--time-limit",
    type=click.FloatRange(min=0, min_open=True),
    default=DEFAULT_TIME_LIMIT,
    show_default=True,
    metavar="SECONDS",
    help="Stop the exact search after this long and print the best plan found, marked not "
    "proved optimal, with how far from the best possible it can be at most.",
)
@format_option("text", "json", "markdown")
@click.option(
    "--html",
    "html",
    type=click.Path(dir_okay=False),
    callback=not_empty_path,
    help="Also draw the plan here.",
)
@force_flag
@pass_state
def path_cmd(
    state: State,
    target: str,
    have: tuple[str, ...],
    holds: tuple[str, ...],
    experience: tuple[str, ...],
    profile_file: str | None,
    save_profile: str | None,
    minimize: str,
    budget_hours: float | None,
    budget_cost: float | None,
    exclude: tuple[str, ...],
    include: tuple[str, ...],
    delivery: tuple[str, ...],
    with_recommended: bool,
    alternatives: int,
    time_limit: float,
    fmt: str,
    html: str | None,
    force: bool,
) -> None:
    """The exact cheapest learning path from what the person has to the --target role.

    Prints the steps in order with what each meets and what unlocks it, the totals, the roles
    reached on the way and the requirements already met. Exit 3 when no plan is possible, with
    the cause: requirements nothing teaches, offers blocked by prerequisites, or the least budget
    that would suffice. When --time-limit stops the search, the best plan found is printed (exit
    0) with "optimal": false, the proven bound and the gap, and a note on stderr; exit 5 when no
    plan within the budgets was found in time.
    """
    from certpath.planning import plan, plan_markdown, plan_text
    from certpath.service import path_question

    if html:
        from certpath.viz import check_output

        check_output(html, force=force)  # refuse before planning, not after
    who = _person(state, have, holds, experience, profile_file, save_profile, force)
    question, graph = path_question(
        state.kg,
        target=target,
        profile=who,
        minimize=minimize,
        budget_hours=budget_hours,
        budget_cost=budget_cost,
        exclude=exclude,
        include=include,
        delivery=delivery,
        with_recommended=with_recommended,
        alternatives=alternatives,
        time_limit=time_limit,
    )
    try:
        found = plan(graph, question)
    except NoPlan as exc:
        _no_plan(exc, fmt)
        return
    if not found.optimal:
        how = (
            f"within {100 * found.gap:.1f} % of the best possible"
            if found.gap is not None
            else "not proved optimal (no bound was proven in time)"
        )
        click.echo(
            f"note: the time limit of {time_limit:g} s stopped the search; the plan is {how}",
            err=True,
        )
    if html:
        from certpath.viz import render_plan, source_links

        render_plan(
            graph,
            found,
            have=question.have,
            holds=question.holds,
            experience=question.experience,
            sources=source_links(state.kg),
            path=html,
            force=force,
        )
        click.echo(f"wrote {html}", err=True)
    if fmt == "json":
        emit_json(found.to_dict())
    elif fmt == "markdown":
        click.echo(plan_markdown(found))
    else:
        click.echo(plan_text(found))


@click.command("gaps")
@click.option(
    "--target",
    callback=not_blank,
    required=True,
    metavar="ROLE",
    shell_complete=complete("role"),
    help="The role to compare against.",
)
@person_options
@format_option("text", "json")
@force_flag
@pass_state
def gaps_cmd(
    state: State,
    target: str,
    have: tuple[str, ...],
    holds: tuple[str, ...],
    experience: tuple[str, ...],
    profile_file: str | None,
    save_profile: str | None,
    fmt: str,
    force: bool,
) -> None:
    """Each requirement of the --target role: met, partly met (level held vs needed) or missing,
    essential or recommended, and the offers that teach each missing one."""
    from certpath.planning import gaps_text
    from certpath.service import gaps

    who = _person(state, have, holds, experience, profile_file, save_profile, force)
    report = gaps(state.kg, target=target, profile=who)
    if fmt == "json":
        emit_json(report.to_dict())
    else:
        click.echo(gaps_text(report))


@click.command("closest")
@person_options
@click.option(
    "--top",
    type=click.IntRange(min=1),
    default=10,
    show_default=True,
    help="How many roles to list.",
)
@minimize_option
@format_option("text", "json")
@force_flag
@pass_state
def closest_cmd(
    state: State,
    have: tuple[str, ...],
    holds: tuple[str, ...],
    experience: tuple[str, ...],
    profile_file: str | None,
    save_profile: str | None,
    top: int,
    minimize: str,
    fmt: str,
    force: bool,
) -> None:
    """Roles ranked by the exact cost of their shortest path from the person's profile."""
    from certpath.planning import closest_text
    from certpath.service import closest

    who = _person(state, have, holds, experience, profile_file, save_profile, force)
    ranking = closest(
        state.kg,
        profile=who,
        top=top,
        minimize=minimize,
        projection=state.projection,
    )
    if fmt == "json":
        emit_json(ranking.to_dict())
    else:
        click.echo(closest_text(ranking))


@click.command("career")
@click.option(
    "--from",
    "source",
    callback=not_blank,
    required=True,
    metavar="ROLE",
    shell_complete=complete("role"),
    help="The role held now.",
)
@click.option(
    "--to",
    "target",
    callback=not_blank,
    required=True,
    metavar="ROLE",
    shell_complete=complete("role"),
    help="The role to reach.",
)
@person_options
@minimize_option
@format_option("text", "json")
@force_flag
@pass_state
def career_cmd(
    state: State,
    source: str,
    target: str,
    have: tuple[str, ...],
    holds: tuple[str, ...],
    experience: tuple[str, ...],
    profile_file: str | None,
    save_profile: str | None,
    minimize: str,
    fmt: str,
    force: bool,
) -> None:
    """The cheapest chain of roles over cp:leadsTo from --from to --to, with the learning steps
    of each hop.

    The person starts with what --from requires (plus --have, --holds, --profile). Each hop is
    the exact shortest plan to the next role for the person as the earlier hops left them:
    offers taken on an earlier hop are held, so nothing is bought twice. A hop's cost is that
    plan's total in --minimize; the chain with the least sum wins (then fewer hops).
    """
    from certpath.planning import career_text
    from certpath.service import career

    who = _person(state, have, holds, experience, profile_file, save_profile, force)
    try:
        chain = career(
            state.kg,
            source=source,
            target=target,
            profile=who,
            minimize=minimize,
            projection=state.projection,
        )
    except NoPlan as exc:
        _no_plan(exc, fmt)
        return
    if fmt == "json":
        emit_json(chain.to_dict())
    else:
        click.echo(career_text(chain))
