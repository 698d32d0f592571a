"""``certpath import``: convert ESCO or a training catalog CSV into certpath RDF."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from certpath.importers.esco import EscoSummary

from certpath.cli.common import (
    State,
    emit_json,
    force_option,
    format_option,
    output_option,
    pass_state,
    raw_stream,
)


@click.group("import")
def import_group() -> None:
    """Convert ESCO or a training catalog CSV into certpath RDF."""


def _check_stdout(output: str | None, fmt: str) -> bool:
    """Whether the data go to stdout (``-o -``); the summary then goes to stderr, as text."""
    if output != "-":
        return False
    if fmt == "json":
        raise click.UsageError("-o - writes the data to stdout, so --format json cannot go there")
    return True


@import_group.command("esco")
@click.argument("sources", nargs=-1, required=True, type=click.Path(path_type=Path))
@output_option("Write N-Triples (.nt) or Turtle (.ttl) here, by extension; N-Triples for '-'.")
@force_option()
@click.option(
    "--store",
    "store",
    metavar="oxigraph:DIR",
    help="Load into this Oxigraph store (created if absent), with the ontology.",
)
@click.option("--release", help="The ESCO release, e.g. v1.1.1 (default: from the file names).")
@format_option("text", "json")
def esco_cmd(
    sources: tuple[Path, ...],
    output: str | None,
    force: bool,
    store: str | None,
    release: str | None,
    fmt: str,
) -> None:
    """Convert ESCO from SOURCES: the classification (...-en-csv.zip) and relations
    (...-relations-csv.zip) archives as published, or folders of their extracted CSV files.

    Occupations become cp:Role, skills, knowledge and skill groups cp:Competency; essential links
    cp:requires, optional ones cp:recommends. The file is written atomically and replaced only
    with --force; '-o -' writes N-Triples to stdout (the summary then goes to stderr). Exit 2
    when the input cannot be read or the output cannot be written.
    This service uses the ESCO classification of the European Commission.
    """
    from certpath.importers import esco
    from certpath.progress import phases

    if (output is None) == (store is None):
        raise click.UsageError("give exactly one of -o FILE (.nt or .ttl) and --store oxigraph:DIR")
    to_stdout = _check_stdout(output, fmt)
    with phases() as say:  # a progress display on a terminal; nothing otherwise
        summary, target = _esco(sources, output, store, release, force, say)
    if fmt == "json":
        emit_json({"output": target, **summary.to_dict(), "attribution": esco.ATTRIBUTION})
        return
    _esco_text(summary, target, err=to_stdout)


def _esco(
    sources: tuple[Path, ...],
    output: str | None,
    store: str | None,
    release: str | None,
    force: bool,
    say: Callable[[str], None],
) -> tuple[EscoSummary, str]:
    """Run the ESCO import into a store or a file; (summary, where it went)."""
    from certpath.importers import esco
    from certpath.stores import parse_store_spec

    if store is not None:
        kind, location = parse_store_spec(store)
        if kind != "oxigraph":
            raise click.UsageError(f"--store {store}: import writes only to 'oxigraph:DIR'")
        summary = esco.write_store(list(sources), location, release=release, progress=say)
        target = f"oxigraph:{location}"
    else:
        assert output is not None
        summary = esco.write_file(list(sources), output, release=release, progress=say, force=force)
        target = "stdout" if output == "-" else output
    return summary, target


def _esco_text(s: EscoSummary, target: str, *, err: bool) -> None:
    from certpath.importers.esco import ATTRIBUTION

    lines = [
        f"ESCO {s.release}: {s.triples:,} triples written to {target}",
        f"  {s.occupations:>7,} occupations (cp:Role)",
        f"  {s.skills:>7,} skills and knowledge (cp:Competency)",
        f"  {s.skill_groups:>7,} skill groups (cp:Competency)",
        f"  {s.essential:>7,} essential links (cp:requires)",
        f"  {s.optional:>7,} optional links (cp:recommends)",
        f"  {s.broader:>7,} broader relations (skos:broader)",
    ]
    if s.skipped_essential or s.skipped_optional or s.skipped_broader:
        lines.append(
            f"  skipped: {s.skipped_essential:,} essential and {s.skipped_optional:,} optional "
            f"links, {s.skipped_broader:,} broader relations: they name "
            f"{len(s.unknown_concepts):,} concepts the classification files lack"
        )
    lines.append(ATTRIBUTION)
    click.echo("\n".join(lines), err=err)


@import_group.command("catalog")
@click.argument("catalog", type=click.Path(path_type=Path, dir_okay=False), required=False)
@output_option("The Turtle file to write (FILE.ttl).")
@force_option()
@click.option(
    "--create-missing",
    is_flag=True,
    help="Create a cp:Competency for each unknown competency name instead of failing.",
)
@click.option(
    "--template",
    is_flag=True,
    help="Print the catalog CSV template (the header and two example rows) and exit.",
)
@format_option("text", "json")
@pass_state
def catalog_cmd(
    state: State,
    catalog: Path | None,
    output: str | None,
    force: bool,
    create_missing: bool,
    template: bool,
    fmt: str,
) -> None:
    """Convert a training CATALOG (CSV; 'certpath import catalog --template' prints a template)
    into certpath Turtle.

    Names of providers, competencies and prerequisites resolve against the loaded data (--data,
    ESCO included when given). Every row is checked and the result is validated with the shapes
    before anything is written (atomically; an existing file is replaced only with --force; '-o -'
    writes the Turtle to stdout and the summary to stderr). A cell that starts like a
    spreadsheet formula (= + - @) is kept, with a warning. Exit 2 for wrong rows or an output that
    cannot be written, 4 when only names are unknown, 1 when the shapes or graph-wide rules fail
    (a prerequisite cycle, a second currency). What the catalog adds is validated together with
    what it references, not the whole loaded graph (ESCO included, that takes a second or two).
    """
    if template:
        from certpath.importers.catalog import template as catalog_template

        raw_stream().write(catalog_template())
        return
    if catalog is None or output is None:
        raise click.UsageError("give a CATALOG and -o FILE.ttl (or --template)")
    from certpath.cli.common import CliError
    from certpath.importers.catalog import CatalogError, import_catalog

    to_stdout = _check_stdout(output, fmt)
    try:
        summary = import_catalog(
            state.kg, catalog, output, create_missing=create_missing, force=force
        )
    except CatalogError as exc:
        for problem in exc.problems[:-1]:
            click.echo(f"Error: {problem}", err=True)
        raise CliError(exc.problems[-1], exc.exit_code, {"problems": exc.problems}) from None
    for warning in summary.warnings:
        click.echo(f"warning: {warning}", err=True)
    if fmt == "json":
        emit_json({"output": str(output), **summary.to_dict()})
        return
    target = "stdout" if to_stdout else output
    lines = [f"{summary.offers} offers, {summary.triples} triples written to {target}"]
    lines += [f"  new provider: {iri}" for iri in summary.new_providers]
    lines += [f"  new competency: {iri}" for iri in summary.new_competencies]
    click.echo("\n".join(lines), err=to_stdout)
