"""Pictures: ``certpath render`` draws a neighbourhood, a role or the graph as an HTML page."""

from __future__ import annotations

import click

from certpath.cli.common import State, force_option, not_blank, output_option, pass_state
from certpath.cli.completion import complete

#: Mirrors :data:`certpath.viz.CLASSES` (checked by a test) so that ``--help`` imports no pyvis.
CLASS_CHOICES = (
    "role",
    "competency",
    "certification",
    "course",
    "provider",
    "group",
    "framework",
    "experience",
)


@click.command("render")
@output_option("HTML file to write (one self-contained page; opens offline).", required=True)
@click.option(
    "--focus",
    callback=not_blank,
    metavar="ENTITY",
    shell_complete=complete(),
    help="Draw the neighbourhood of this entity.",
)
@click.option(
    "--depth",
    type=click.IntRange(min=0),
    help="Undirected hops from --focus (default 1).",
)
@click.option(
    "--role",
    callback=not_blank,
    metavar="ROLE",
    shell_complete=complete("role"),
    help="Draw this role, what it needs and every offer that teaches it.",
)
@click.option(
    "--class",
    "classes",
    multiple=True,
    type=click.Choice(CLASS_CHOICES),
    help="Only nodes of this class (repeatable); the focus or role is always drawn.",
)
@force_option()
@pass_state
def render_cmd(
    state: State,
    output: str,
    focus: str | None,
    depth: int | None,
    role: str | None,
    classes: tuple[str, ...],
    force: bool,
) -> None:
    """Draw the graph, or part of it, as one self-contained HTML page (no network needed).

    With --focus, the entity and everything within --depth hops of it; with --role, the role,
    the competencies it needs and every offer that teaches them; otherwise the whole graph.
    Pictures above 300 nodes are drawn without physics; above 2,000 nodes they are refused.
    The page is written atomically and replaced only with --force; '-o -' writes it to stdout.
    """
    from certpath import viz
    from certpath.output import check_target, is_stdout, write_text
    from certpath.resolve import resolve

    if focus is not None and role is not None:
        raise click.UsageError("--focus and --role exclude each other: draw one or the other")
    if depth is not None and focus is None:
        raise click.UsageError("--depth needs --focus ENTITY")
    check_target(output, force=force, stdout=True)  # refuse before drawing, not after
    picture = viz.render_subgraph(
        state.projection,
        focus=resolve(state.kg, focus) if focus is not None else None,
        depth=1 if depth is None else depth,
        role=resolve(state.kg, role, kinds=["role"]) if role is not None else None,
        classes=classes or None,
        sources=viz.source_links(state.kg),
    )
    if not picture.physics:
        click.echo(
            f"note: {picture.nodes:,} nodes is more than {viz.PHYSICS_LIMIT}: physics is off "
            "and nodes are placed in bands by class; --focus/--depth draws a smaller picture",
            err=True,
        )
    write_text(picture.html, output, force=force, stdout=True)
    where = "stdout" if is_stdout(output) else output
    click.echo(
        f"wrote {where}: {picture.title} ({picture.nodes} nodes, {picture.edges} edges)",
        err=is_stdout(output),
    )
