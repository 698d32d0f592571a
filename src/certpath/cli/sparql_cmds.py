"""SPARQL commands: query, queries, load (``serve`` is in :mod:`certpath.cli.serve_cmds`)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from certpath.cli.common import State, emit_json, pass_state


def _read_query(source: str, file: str | None) -> tuple[str, str | None]:
    """Return (text, name): the query text and, for a named query, its name."""
    from certpath.errors import InputError
    from certpath.sparql import library, named_query

    if file is not None:
        if file == "-":
            try:
                return sys.stdin.buffer.read().decode("utf-8-sig"), None
            except UnicodeDecodeError as exc:
                raise InputError(f"stdin: not UTF-8 text (byte {exc.start})") from None
        try:
            return Path(file).read_text(encoding="utf-8"), None
        except OSError as exc:
            raise InputError(f"{file}: cannot read: {exc.strerror}") from None
        except UnicodeDecodeError:
            raise InputError(f"{file}: not UTF-8 text") from None
    if source in library() or not any(ch in source for ch in " {\n?"):
        return named_query(source).text, source
    return source, None


@click.command("query")
@click.argument("source", required=False, metavar="(QUERY | NAME)")
@click.option("-f", "--file", "file", metavar="FILE", help="Read the query from FILE ('-': stdin).")
@click.option(
    "--param",
    "params",
    multiple=True,
    metavar="NAME=VALUE",
    help="Bind ?NAME to VALUE (repeatable): a CURIE (cpd:cspo) or <IRI> is an IRI, anything else "
    "a plain literal. Bound safely with VALUES, never spliced into the text.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "csv", "tsv", "json", "xml", "turtle", "jsonld"]),
    help="Result format. Default: table on a terminal; otherwise json for SELECT/ASK and turtle "
    "for CONSTRUCT/DESCRIBE.",
)
@click.option(
    "--limit",
    type=click.IntRange(min=1),
    default=100_000,
    show_default=True,
    help="Stop with exit code 5 when the result has more rows (triples) than this.",
)
@click.option(
    "--timeout",
    type=click.FloatRange(min=0, min_open=True),
    default=30.0,
    show_default=True,
    help="Stop with exit code 5 when the query runs longer than SECONDS.",
)
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
    owl:, xsd: and esco: are predeclared. Updates are refused, and so are SERVICE and FROM unless
    --allow-service. With --store sparql:URL the endpoint evaluates the query. Exit 2 for a
    syntax error or refused query, 4 for an unknown NAME, 5 when the query times out or exceeds
    --limit, 6 when a remote endpoint cannot answer.
    """
    from certpath.graph import parse_store_spec
    from certpath.sparql import (
        bind,
        check_params,
        check_query,
        named_query,
        parse_params,
        run_query,
    )

    if (source is None) == (file is None):
        raise click.UsageError("give a QUERY, a NAME or -f FILE (exactly one)")
    text, name = _read_query(source or "", file)
    checked = check_query(text, allow_service=allow_service)
    bindings = parse_params(params)
    if name is not None:
        check_params(named_query(name), bindings)
    chosen = fmt or _default_format(checked.form)
    kind, location = parse_store_spec(state.store) if state.store else ("memory", "")
    remote = kind == "sparql"
    if remote:  # the endpoint evaluates it, unless its graph lacks rule 1's direct triples
        from certpath.remote import remote_graph_is_complete, run_remote_query

        remote = remote_graph_is_complete(location, timeout=timeout)
        if not remote:
            click.echo(
                f"note: {location} lacks direct triples of vocabulary rule 1; answering from a "
                "copy of its graph with the rule applied",
                err=True,
            )
    if remote:
        result = run_remote_query(
            location, bind(checked, bindings), checked.form, limit=limit, timeout=timeout
        )
    else:
        result = run_query(state.kg, checked, bindings, limit=limit, timeout=timeout)
    data = result.serialize(chosen)
    if chosen in ("table", "csv"):  # for people and spreadsheets (certpath.sanitize)
        from certpath.sanitize import spreadsheet_csv, terminal_bytes

        data = terminal_bytes(data) if chosen == "table" else spreadsheet_csv(data)
    if chosen in ("json", "jsonld") and not data.endswith(b"\n"):
        data += b"\n"  # a JSON document on a line of its own, like every other command's
    sys.stdout.buffer.write(data)
    sys.stdout.flush()


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
@pass_state
def load_cmd(state: State, files: tuple[str, ...]) -> None:
    """Fill a persistent store (--store oxigraph:DIR) with the ontology and FILES.

    FILES are RDF files or folders, as for --data ('bundled' names the bundled data). The
    ontology is always loaded first. Later commands open the store in well under a second.
    """
    from certpath.errors import InputError
    from certpath.graph import (
        default_graph_size,
        load_into_store,
        ontology_files,
        open_oxigraph,
        parse_file,
        parse_store_spec,
        resolve_data_paths,
    )

    if state.store is None:
        raise InputError("load needs --store oxigraph:DIR (where to put the graph)")
    kind, location = parse_store_spec(state.store)
    if kind != "oxigraph":
        raise InputError(f"--store {state.store}: load fills only an 'oxigraph:DIR' store")
    if state.data:
        raise InputError("load takes FILES as arguments, not --data")
    paths = ontology_files() + resolve_data_paths(list(files))
    store = open_oxigraph(location, writable=True)
    from certpath.progress import task

    with task("Loading files", total=len(paths)) as advance:
        for path in paths:
            parse_file(store, path)
            advance(1)
    with task("Applying vocabulary rule 1 and indexing names"):
        load_into_store(store, [])  # vocabulary rule 1 and the name index, once for all files
    click.echo(f"{default_graph_size(store)} triples in {location}")
