"""Commands that read the graph: validate, show, search, stats."""

from __future__ import annotations

from typing import Any

import click

from certpath.cli.common import (
    EXIT_INVALID,
    State,
    emit_json,
    format_option,
    not_blank,
    pass_state,
)
from certpath.cli.completion import complete
from certpath.namespaces import curie


@click.command("validate")
@format_option("text", "json")
@pass_state
def validate_cmd(state: State, fmt: str) -> None:
    """Check the loaded graph: SHACL shapes, prerequisite cycles, undefined references, mixed
    currencies, and (as warnings) requirements nothing teaches.

    Exit 0 when valid, 1 with every violation listed, 2 when the input cannot be read.
    """
    from certpath.progress import task
    from certpath.validate import validate

    kg = state.kg
    with task("Validating: SHACL shapes and graph-wide rules"):
        report = validate(kg)
    if fmt == "json":
        emit_json(report.to_dict())
    else:
        for finding in report.violations + report.warnings:
            click.echo(finding.to_text())
        verdict = "valid" if report.valid else "invalid"
        click.echo(
            f"{verdict}: {report.triples} triples, {len(report.violations)} violations, "
            f"{len(report.warnings)} warnings"
        )
    if not report.valid:
        raise SystemExit(EXIT_INVALID)


@click.command("show")
@click.argument("entity", callback=not_blank, shell_complete=complete())
@format_option("text", "json")
@pass_state
def show_cmd(state: State, entity: str, fmt: str) -> None:
    """Everything about ENTITY: an IRI, CURIE (cpd:cspo), slug (cspo), label or alias."""
    from certpath.describe import describe
    from certpath.resolve import resolve

    info = describe(state.kg, resolve(state.kg, entity))
    if fmt == "json":
        emit_json(info)
        return
    click.echo(f"{info['label']} ({info['curie']})")
    click.echo(f"  kind: {info['kind'] or 'other'}; types: {', '.join(info['types']) or '-'}")
    click.echo(f"  iri: {info['iri']}")
    if info["definition"]:
        click.echo(f"  definition: {info['definition']}")
    for label in info["labels"]:
        lang = f"@{label['language']}" if label["language"] else ""
        click.echo(f"  {label['property']}: {label['value']}{lang}")
    if info["properties"]:
        click.echo("Properties:")
        for prop, values in info["properties"].items():
            if prop.startswith("cp:qualified") or prop == "skos:definition":
                continue  # shown through the levels of the direct links
            for value in sorted(values, key=_value_text):
                click.echo(f"  {prop}: {_value_text(value)}")
    if info["incoming"]:
        click.echo("Referenced by:")
        for prop, subjects in info["incoming"].items():
            for subject in subjects:
                click.echo(f"  {prop} ← {_value_text(subject)}")


def _value_text(value: dict[str, Any]) -> str:
    """One value of :func:`certpath.describe.describe` as text."""
    if "node" in value:
        inner = value["node"]
        if "cp:competency" in inner:
            levels = inner.get("cp:level") or [{"value": "1"}]
            competency = ", ".join(_value_text(v) for v in inner["cp:competency"])
            return f"{competency} at level {levels[0].get('value', '1')}"
        parts = [
            f"{k} {', '.join(_value_text(v) for v in values)}"
            for k, values in inner.items()
            if k != "rdf:type"
        ]
        named = f"{value['label']} ({value['curie']}) " if "iri" in value else ""
        return named + "[" + "; ".join(parts) + "]"
    if "iri" in value:
        level = f" (level {value['level']})" if "level" in value else ""
        label = value["label"]
        shown = value["curie"] if label == value["curie"] else f"{label} ({value['curie']})"
        return shown + level
    suffix = f"@{value['language']}" if "language" in value else ""
    return f"{value['value']}{suffix}"


@click.command("search")
@click.argument("text")
@click.option(
    "--limit",
    default=10,
    show_default=True,
    type=click.IntRange(min=1),
    help="At most this many matches, best first.",
)
@click.option(
    "--kind",
    "kinds",
    multiple=True,
    type=click.Choice(["role", "competency", "offer", "provider", "framework", "group"]),
    help="Only entities of this kind (repeatable).",
)
@format_option("text", "json")
@pass_state
def search_cmd(state: State, text: str, limit: int, kinds: tuple[str, ...], fmt: str) -> None:
    """Rank entities whose labels or aliases (any language) match TEXT."""
    from certpath.resolve import search

    if not text.strip():
        raise click.BadParameter(
            "an empty text matches every label; give a word", param_hint="TEXT"
        )
    hits = search(state.kg, text, limit=limit, kinds=kinds or None)
    if fmt == "json":
        emit_json([hit.to_dict() for hit in hits])
        return
    if not hits:
        click.echo(f"no match for '{text}'", err=True)
    for hit in hits:
        via = "" if hit.matched == hit.label else f"  [matched '{hit.matched}']"
        click.echo(f"{hit.score:.2f}  {curie(hit.iri)}  {hit.label} ({hit.kind}){via}")


@click.command("stats")
@format_option("text", "json")
@pass_state
def stats_cmd(state: State, fmt: str) -> None:
    """Counts by class and by property of what was loaded."""
    from certpath.describe import stats

    info = stats(state.kg)
    if fmt == "json":
        emit_json(info)
        return
    click.echo(f"{info['triples']} triples, {info['entities']} entities")
    click.echo("Classes:")
    for name, count in info["classes"].items():
        click.echo(f"  {count:>8}  {name}")
    click.echo("Properties:")
    for name, count in info["properties"].items():
        click.echo(f"  {count:>8}  {name}")
