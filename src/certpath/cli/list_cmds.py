"""Commands that list what the graph holds: roles, competencies, offers.

Three commands rather than one ``list KIND``: each has the filters of its kind only (an offer's
provider and price mean nothing for a role), so ``--help``, completion and errors stay exact.
They call :mod:`certpath.listing` and only format its :class:`~certpath.listing.Listing`.
"""

from __future__ import annotations

import csv
import io
import math
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

import click

from certpath.cli.common import State, emit_json, pass_state, raw_stream
from certpath.cli.completion import complete

if TYPE_CHECKING:
    from certpath.listing import Listing

F = TypeVar("F", bound=Callable[..., Any])

#: Rows shown on a terminal unless --limit says otherwise (a pipe gets every row).
TERMINAL_ROWS = 50
#: The widest a table cell is shown (the rest elided with "…"; JSON and CSV keep it all).
CELL_WIDTH = 48


def listing_options(function: F) -> F:
    """``--format table|json|csv`` and ``--limit N``, shared by the three commands."""
    function = click.option(
        "--limit",
        type=click.IntRange(min=0),
        default=None,
        help=f"At most N rows (0: every row). Default: every row on a pipe or in a file, "
        f"{TERMINAL_ROWS} on a terminal (a note on stderr says how many there are).",
    )(function)
    function = click.option(
        "--format",
        "fmt",
        type=click.Choice(["table", "json", "csv"]),
        default="table",
        show_default=True,
        help="table for people; json (one object per row: iri, curie, label, kind and the "
        "facts) for machines; csv for spreadsheets (formula-like cells made text).",
    )(function)
    return function


def _not_nan(ctx: click.Context, param: click.Parameter, value: float | None) -> float | None:
    """Refuse ``nan`` for a maximum (every comparison with it is false: a silent wrong list)."""
    if value is not None and math.isnan(value):
        from certpath.errors import InputError

        raise InputError(f"{param.opts[0]} nan: a maximum is a number >= 0")
    return value


def _limit(limit: int | None) -> int | None:
    if limit is None:
        return TERMINAL_ROWS if sys.stdout.isatty() else None
    return limit or None


def _print(listing: Listing, fmt: str) -> None:
    if fmt == "json":
        emit_json(listing.to_dict())
    elif fmt == "csv":
        header, rows = listing.table()
        raw_stream().write(_csv([header, *rows]))
    else:
        header, rows = listing.table()
        if rows:
            click.echo(_table(header, rows))
    if len(listing.rows) < listing.total:
        click.echo(
            f"note: {len(listing.rows):,} of {listing.total:,} {listing.kind} rows shown; "
            "--limit 0 shows all",
            err=True,
        )
    elif not listing.rows:
        click.echo(f"no {listing.kind} matches", err=True)


def _csv(rows: list[list[str]]) -> str:
    """CSV (RFC 4180, CRLF) safe for spreadsheets: a formula-like cell becomes text (OWASP)."""
    from certpath.sanitize import is_formula

    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerows([[f"'{c}" if is_formula(c) else c for c in row] for row in rows])
    return out.getvalue()


def _table(header: list[str], rows: list[list[str]]) -> str:
    """Columns aligned to their widest cell (at most CELL_WIDTH); numbers right-aligned."""
    cells = [[_fit(c) for c in row] for row in [header, *rows]]
    widths = [max(len(row[i]) for row in cells) for i in range(len(header))]
    numeric = [all(_is_number(row[i]) for row in rows) for i in range(len(header))]
    lines = []
    for row in cells:
        parts = [
            cell.rjust(w) if num else cell.ljust(w)
            for cell, w, num in zip(row, widths, numeric, strict=True)
        ]
        lines.append("  ".join(parts).rstrip())
    return "\n".join(lines)


def _fit(cell: str) -> str:
    return cell if len(cell) <= CELL_WIDTH else cell[: CELL_WIDTH - 1] + "…"


def _is_number(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return cell == ""
    return True


@click.command("roles")
@click.option(
    "--framework",
    multiple=True,
    metavar="FRAMEWORK",
    shell_complete=complete("framework"),
    help="Only roles of this framework, such as 'SAFe' (repeatable: any of them).",
)
@listing_options
@pass_state
def roles_cmd(state: State, framework: tuple[str, ...], fmt: str, limit: int | None) -> None:
    """Every role, sorted by label: how many competencies it requires and recommends, and its
    frameworks."""
    from certpath.listing import roles

    _print(roles(state.kg, framework=framework, limit=_limit(limit)), fmt)


@click.command("competencies")
@click.option(
    "--broader-of",
    metavar="COMPETENCY",
    shell_complete=complete("competency"),
    help="Only the competencies this one's skos:broader chain reaches (its ancestors).",
)
@click.option(
    "--narrower-of",
    metavar="COMPETENCY",
    shell_complete=complete("competency"),
    help="Only the competencies whose skos:broader chain reaches this one (its descendants, "
    "which meet its requirements).",
)
@click.option(
    "--framework",
    multiple=True,
    metavar="FRAMEWORK",
    shell_complete=complete("framework"),
    help="Only competencies a role or offer of this framework requires or teaches (repeatable).",
)
@listing_options
@pass_state
def competencies_cmd(
    state: State,
    broader_of: str | None,
    narrower_of: str | None,
    framework: tuple[str, ...],
    fmt: str,
    limit: int | None,
) -> None:
    """Every competency, sorted by label: its broader competencies, how many offers teach it and
    how many roles require it."""
    from certpath.listing import competencies

    listed = competencies(
        state.kg,
        broader_of=broader_of,
        narrower_of=narrower_of,
        framework=framework,
        limit=_limit(limit),
    )
    _print(listed, fmt)


@click.command("offers")
@click.option(
    "--provider",
    multiple=True,
    metavar="PROVIDER",
    shell_complete=complete("provider"),
    help="Only offers of this provider, such as 'Scrum Alliance' (repeatable: any of them).",
)
@click.option(
    "--framework",
    multiple=True,
    metavar="FRAMEWORK",
    shell_complete=complete("framework"),
    help="Only offers of this framework (repeatable: any of them).",
)
@click.option(
    "--delivery",
    multiple=True,
    type=click.Choice(["classroom", "live-online", "self-paced", "assessment-only"]),
    help="Only offers delivered this way (repeatable: any of them).",
)
@click.option(
    "--max-cost",
    type=click.FloatRange(min=0),
    callback=_not_nan,
    metavar="N",
    help="Only offers that cost at most N, in their own currency (an offer without a price is "
    "left out).",
)
@click.option(
    "--max-hours",
    type=click.FloatRange(min=0),
    callback=_not_nan,
    metavar="N",
    help="Only offers that take at most N hours (an offer without a duration is left out).",
)
@click.option(
    "--sort",
    type=click.Choice(["label", "cost", "hours"]),
    default="label",
    show_default=True,
    help="Order of the rows; missing values last, ties by label.",
)
@listing_options
@pass_state
def offers_cmd(
    state: State,
    provider: tuple[str, ...],
    framework: tuple[str, ...],
    delivery: tuple[str, ...],
    max_cost: float | None,
    max_hours: float | None,
    sort: str,
    fmt: str,
    limit: int | None,
) -> None:
    """Every certification and course, sorted by label (or --sort): type, provider, hours,
    cost, currency, delivery modes, frameworks and how many competencies it teaches."""
    from certpath.listing import offers

    listed = offers(
        state.kg,
        provider=provider,
        framework=framework,
        delivery=delivery,
        max_cost=max_cost,
        max_hours=max_hours,
        sort=sort,
        limit=_limit(limit),
    )
    _print(listed, fmt)
