"""SPARQL and store commands: query, queries, load, dump (``serve`` is in
:mod:`certpath.cli.serve_cmds`)."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from certpath.cli.common import (
    State,
    emit_json,
    finite_seconds,
    format_option,
    not_empty_path,
    pass_state,
)
from certpath.sparql.results import ALL_FORMATS

F = TypeVar("F", bound=Callable[..., Any])


#: A query text larger than this is refused (a query is text a person wrote, never data).
MAX_QUERY_BYTES = 1_000_000


def _read_query(source: str, file: str | None) -> tuple[str, str | None]:
    """Return (text, name): the query text and, for a named query, its name.

    A file or stdin is read as UTF-8 (a byte-order mark is skipped) up to
    :data:`MAX_QUERY_BYTES`: a FIFO or a process substitution works, a device never reads on.
    """
    from certpath.errors import InputError
    from certpath.sparql import library, named_query

    if file is not None:
        name = "stdin" if file == "-" else file
        try:
            if file == "-":
                data = sys.stdin.buffer.read(MAX_QUERY_BYTES + 1)
            else:
                with Path(file).open("rb") as handle:
                    data = handle.read(MAX_QUERY_BYTES + 1)
        except OSError as exc:
            raise InputError(f"{file}: cannot read: {exc.strerror}") from None
        if len(data) > MAX_QUERY_BYTES:
            raise InputError(f"{name}: larger than 1 MB; a query is text, not data")
        try:
            return data.decode("utf-8-sig"), None
        except UnicodeDecodeError as exc:
            raise InputError(f"{name}: not UTF-8 text (byte {exc.start})") from None
    if source in library() or not any(ch in source for ch in " {\n?"):
        return named_query(source).text, source
    return source, None


def limit_options(on_exceed: str = "Stop with exit code 5") -> Callable[[F], F]:
    """``--limit`` and ``--timeout``, with :data:`~certpath.sparql.DEFAULT_LIMIT` and
    :data:`~certpath.sparql.DEFAULT_TIMEOUT` as defaults; *on_exceed* says what happens."""
    from certpath.sparql.run import DEFAULT_LIMIT, DEFAULT_TIMEOUT

    def decorate(function: F) -> F:
        function = click.option(
            "--timeout",
            type=click.FloatRange(min=0, min_open=True),
            callback=finite_seconds,
            default=DEFAULT_TIMEOUT,
            show_default=True,
            metavar="SECONDS",
            help=f"{on_exceed} when a query runs longer than SECONDS.",
        )(function)
        return click.option(
            "--limit",
            type=click.IntRange(min=1),
            default=DEFAULT_LIMIT,
            show_default=True,
            help=f"{on_exceed} when a result has more rows (triples) than this.",
        )(function)

    return decorate


@click.command("query")
@click.argument("source", required=False, metavar="(QUERY | NAME)")
@click.option(
    "-f",
    "--file",
    "file",
    metavar="FILE",
    callback=not_empty_path,
    help="Read the query from FILE ('-': stdin).",
)
@click.option(
    "--param",
    "params",
    multiple=True,
    metavar="NAME=VALUE",
    help="Bind ?NAME to VALUE (repeatable): a CURIE (cpd:cspo) or <IRI> is an IRI; for a named "
    "query's entity parameter any other value is a name resolved like every command's (slug, "
    "label); otherwise a plain literal. Bound safely with VALUES, never spliced into the text.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(list(ALL_FORMATS)),
    help="Result format. Default: table on a terminal; otherwise json for SELECT/ASK and turtle "
    "for CONSTRUCT/DESCRIBE.",
)
@limit_options()
@click.option(
    "--allow-service",
    is_flag=True,
    help="Permit SERVICE and FROM/FROM NAMED (network access from the query).",
)
@pass_state
def query_cmd(
    state: State,
    source: str | None,
    file: str | None,
    params: tuple[str, ...],
    fmt: str | None,
    limit: int,
    timeout: float,
    allow_service: bool,
) -> None:
    """Run a read-only SPARQL query: QUERY text, -f FILE, or the NAME of a library query.

    SELECT, ASK, CONSTRUCT and DESCRIBE; prefixes cp:, cpd:, skos:, schema:, dcterms:, rdfs:,
    owl:, xsd: and esco: are predeclared. The query is parsed before anything runs; updates are
    refused, and so are SERVICE and FROM unless --allow-service. With --store sparql:URL the
    endpoint evaluates the query. Exit 2 for a syntax error or refused query, 4 for an unknown
    NAME or an entity parameter that names nothing, 5 when the query times out or exceeds
    --limit, 6 when a remote endpoint cannot answer.
    """
    from certpath.sparql import (
        check_params,
        check_query,
        named_query,
        parse_params,
        resolve_params,
        run_library_query,
        run_query,
    )

    if (source is None) == (file is None):
        raise click.UsageError("give a QUERY, a NAME or -f FILE (exactly one)")
    text, name = _read_query(source or "", file)
    checked = check_query(text, allow_service=allow_service, trusted=name is not None)
    bindings = parse_params(params)
    chosen = fmt or _default_format(checked.form)
    if fmt is not None and fmt != "table":
        _check_format(checked.form, fmt)
    kg = state.kg
    if getattr(kg, "remote", False) and not kg.rule_1_holds(timeout=timeout):  # type: ignore[attr-defined]
        click.echo(
            f"note: {kg.location.removeprefix('sparql:')} lacks direct triples of vocabulary "
            "rule 1; answering from a copy of its graph with the rule applied",
            err=True,
        )
    if name is not None:
        query = named_query(name)
        check_params(query, bindings)
        bindings = resolve_params(kg, query, bindings)
        result = run_library_query(kg, query, bindings, limit=limit, timeout=timeout)
    else:
        result = run_query(kg, checked, bindings, limit=limit, timeout=timeout)
    data = result.serialize(chosen)
    if chosen in ("table", "csv"):  # for people and spreadsheets (certpath.sanitize)
        from certpath.sanitize import spreadsheet_csv, terminal_bytes

        data = terminal_bytes(data) if chosen == "table" else spreadsheet_csv(data)
    if chosen in ("json", "jsonld") and not data.endswith(b"\n"):
        data += b"\n"  # a JSON document on a line of its own, like every other command's
    sys.stdout.buffer.write(data)
    sys.stdout.flush()


def _check_format(form: str, fmt: str) -> None:
    """Refuse a format that does not fit the query form, before the query runs."""
    from certpath.sparql import QueryResult

    QueryResult(form).serialize(fmt)


def _default_format(form: str) -> str:
    if sys.stdout.isatty():
        return "table"
    return "json" if form in ("select", "ask") else "turtle"


@click.command("queries")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="text for people; json: the name, description, parameters and an example of each.",
)
def queries_cmd(fmt: str) -> None:
    """List the named queries: name, what it answers, its parameters."""
    from certpath.sparql import library

    queries = list(library().values())
    if fmt == "json":
        emit_json([q.to_dict() for q in queries])
        return
    width = max(len(q.name) for q in queries)
    for q in queries:
        click.echo(f"{q.name.ljust(width)}  {q.description}")
        for param, desc in q.params.items():
            click.echo(f"{'':{width}}    --param {param}=...  {desc}")


@click.command("load")
@click.argument("files", nargs=-1, required=True, metavar="FILES...")
@format_option("text", "json")
@pass_state
def load_cmd(state: State, files: tuple[str, ...], fmt: str) -> None:
    """Load the ontology and FILES into a persistent store: --store oxigraph:DIR or sparql:URL.

    FILES are RDF files or folders, as for --data ('bundled' names the bundled data). Each file
    goes into a named graph of its own, so loading a file again replaces what it contributed
    (an edited file's old triples go, blank nodes are never duplicated), and every file is
    parsed before anything is written: a file that fails leaves the store as it was. An
    endpoint is written with SPARQL 1.1 Update, with the credentials of CERTPATH_SPARQL_USER and
    CERTPATH_SPARQL_PASSWORD (CERTPATH_SPARQL_UPDATE_URL when updates go elsewhere).
    """
    from certpath.errors import InputError
    from certpath.stores import load_files

    if state.store is None:
        raise InputError(
            "load needs a persistent store: certpath --store oxigraph:DIR load FILES... "
            "(or --store sparql:URL)"
        )
    if state.data:
        raise InputError("load takes FILES as arguments, not --data")
    from certpath.progress import task

    with task("Loading files") as advance:

        def report(i: int, count: int, path: Path) -> None:
            advance(1)

        summary = load_files(state.store, list(files), progress=report)
    if fmt == "json":
        emit_json(summary.to_dict())
        return
    location = state.store.split(":", 1)[1]
    click.echo(f"{summary.triples} triples in {location}")


@click.command("dump")
@click.option(
    "-o",
    "--output",
    "output",
    required=True,
    type=click.Path(dir_okay=False),
    callback=not_empty_path,
    help="Where to write: .nt (N-Triples) or .ttl (Turtle); '-' writes N-Triples to stdout.",
)
@click.option("--force", is_flag=True, help="Replace an existing file.")
@pass_state
def dump_cmd(state: State, output: str, force: bool) -> None:
    """Copy every triple of the graph (a remote store too, on purpose) into an RDF file.

    The file is written as every certpath file is (``certpath.output``): atomically, only over a
    regular file, replaced only with --force, nothing left behind on an error or a signal.
    """
    import shutil
    import tempfile

    from certpath.errors import InputError, OutputError
    from certpath.output import atomic_path, check_target, is_stdout, open_output
    from certpath.stores import dump

    if is_stdout(output):
        with tempfile.TemporaryDirectory(prefix="certpath-dump-") as folder:
            written = Path(folder) / "dump.nt"
            count = dump(state.kg, written)
            with open_output(output, binary=True) as out, written.open("rb") as data:
                shutil.copyfileobj(data, out)
        click.echo(f"{count} triples written to stdout", err=True)
        return
    target = check_target(output, force=force)
    if target.suffix.lower() not in (".nt", ".ttl"):
        raise OutputError(
            f"{target}: dump writes N-Triples (.nt) or Turtle (.ttl); '-' writes N-Triples to "
            "stdout"
        )
    with atomic_path(target, force=force) as temp:
        inner = temp.with_name(temp.name + target.suffix)  # dump picks the format by suffix
        try:
            count = dump(state.kg, inner)
            inner.replace(temp)
        except InputError as exc:  # a write failure, named by the temporary file
            raise OutputError(str(exc).replace(str(inner), str(target))) from None
        finally:
            inner.unlink(missing_ok=True)
    click.echo(f"{count} triples written to {target}", err=True)
