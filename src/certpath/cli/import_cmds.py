"""``certpath import``: convert ESCO or a training catalog CSV into certpath RDF."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import click

from certpath.cli.common import State, emit_json, format_option, pass_state, stderr_is_terminal


@click.group("import")
def import_group() -> None:
    """Convert ESCO or a training catalog CSV into certpath RDF."""


def _progress() -> tuple[Callable[[str], None], Callable[[], None]]:
    """A progress line updated in place on a terminal; plain lines on stderr otherwise."""
    if stderr_is_terminal():

        def say(message: str) -> None:
            click.echo(f"\r\x1b[K{message} ...", err=True, nl=False)

        return say, lambda: click.echo("\r\x1b[K", err=True, nl=False)
    return (lambda message: click.echo(message, err=True)), (lambda: None)


@import_group.command("esco")
@click.argument("sources", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Write N-Triples (.nt) or Turtle (.ttl) here, by extension.",
)
@click.option(
    "--store",
    "store",
    metavar="oxigraph:DIR",
    help="Load into this Oxigraph store (created if absent), with the ontology.",
)
@click.option("--release", help="The ESCO release, e.g. v1.1.1 (default: from the file names).")
@format_option("text", "json")
def esco_cmd(
    sources: tuple[Path, ...], output: Path | None, store: str | None, release: str | None, fmt: str
) -> None:
    """Convert ESCO from SOURCES: the classification (...-en-csv.zip) and relations
    (...-relations-csv.zip) archives as published, or folders of their extracted CSV files.

    Occupations become cp:Role, skills, knowledge and skill groups cp:Competency; essential links
    cp:requires, optional ones cp:recommends. Exit 2 when the input cannot be read.
    This service uses the ESCO classification of the European Commission.
    """
    from certpath.importers import esco
    from certpath.stores import parse_store_spec

    if (output is None) == (store is None):
        raise click.UsageError("give exactly one of -o FILE (.nt or .ttl) and --store oxigraph:DIR")
    say, done = _progress()
    if store is not None:
        kind, location = parse_store_spec(store)
        if kind != "oxigraph":
            raise click.UsageError(f"--store {store}: import writes only to 'oxigraph:DIR'")
        summary = esco.write_store(list(sources), location, release=release, progress=say)
        target = f"oxigraph:{location}"
    else:
        assert output is not None
        summary = esco.write_file(list(sources), output, release=release, progress=say)
        target = str(output)
    done()
    if fmt == "json":
        emit_json({"output": target, **summary.to_dict(), "attribution": esco.ATTRIBUTION})
        return
    _esco_text(summary, target)


def _esco_text(summary: object, target: str) -> None:
    from certpath.importers.esco import ATTRIBUTION, EscoSummary

    assert isinstance(summary, EscoSummary)
    s = summary
    click.echo(f"ESCO {s.release}: {s.triples:,} triples written to {target}")
    click.echo(f"  {s.occupations:>7,} occupations (cp:Role)")
    click.echo(f"  {s.skills:>7,} skills and knowledge (cp:Competency)")
    click.echo(f"  {s.skill_groups:>7,} skill groups (cp:Competency)")
    click.echo(f"  {s.essential:>7,} essential links (cp:requires)")
    click.echo(f"  {s.optional:>7,} optional links (cp:recommends)")
    click.echo(f"  {s.broader:>7,} broader relations (skos:broader)")
    if s.skipped_essential or s.skipped_optional or s.skipped_broader:
        click.echo(
            f"  skipped: {s.skipped_essential:,} essential and {s.skipped_optional:,} optional "
            f"links, {s.skipped_broader:,} broader relations: they name "
            f"{len(s.unknown_concepts):,} concepts the classification files lack"
        )
    click.echo(ATTRIBUTION)


@import_group.command("catalog")
@click.argument("catalog", type=click.Path(path_type=Path, dir_okay=False))
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(path_type=Path, dir_okay=False),
    help="The Turtle file to write (FILE.ttl).",
)
@click.option(
    "--create-missing",
    is_flag=True,
    help="Create a cp:Competency for each unknown competency name instead of failing.",
)
@format_option("text", "json")
@pass_state
def catalog_cmd(state: State, catalog: Path, output: Path, create_missing: bool, fmt: str) -> None:
    """Convert a training CATALOG (CSV, docs/catalog-template.csv) into certpath Turtle.

    Names of providers, competencies and prerequisites resolve against the loaded data (--data,
    ESCO included when given). Every row is checked and the result is validated with the shapes
    before anything is written. Exit 2 for wrong rows, 4 when only names are unknown, 1 when the
    shapes fail.
    """
    from certpath.cli.common import CliError
    from certpath.importers.catalog import CatalogError, import_catalog

    try:
        summary = import_catalog(state.kg, catalog, output, create_missing=create_missing)
    except CatalogError as exc:
        for problem in exc.problems[:-1]:
            click.echo(f"Error: {problem}", err=True)
        raise CliError(exc.problems[-1], exc.exit_code) from None
    if fmt == "json":
        emit_json({"output": str(output), **summary.to_dict()})
        return
    click.echo(f"{summary.offers} offers, {summary.triples} triples written to {output}")
    for iri in summary.new_providers:
        click.echo(f"  new provider: {iri}")
    for iri in summary.new_competencies:
        click.echo(f"  new competency: {iri}")
