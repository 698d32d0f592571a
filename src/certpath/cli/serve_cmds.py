"""``certpath serve``: the planner page, the JSON API and the SPARQL endpoint on one server."""

from __future__ import annotations

import click

from certpath.cli.common import State, finite_seconds, pass_state


@click.command("serve")
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to listen on; 0.0.0.0 opens it to the network (then any Host header is taken).",
)
@click.option(
    "--port",
    default=7878,
    show_default=True,
    type=click.IntRange(0, 65535),
    help="Port to listen on (0: any free port, printed at start).",
)
@click.option(
    "--timeout",
    type=click.FloatRange(min=0, min_open=True),
    callback=finite_seconds,
    default=30.0,
    show_default=True,
    help="Seconds a query or question may run (HTTP 503 when exceeded).",
)
@click.option(
    "--limit",
    type=click.IntRange(min=1),
    default=100_000,
    show_default=True,
    help="Row cap per query (HTTP 503 when exceeded; never a truncated 200).",
)
@click.option(
    "--cors",
    metavar="ORIGIN",
    help="Allow browser requests to /sparql and /api from ORIGIN ('*': any).",
)
@click.option(
    "--workers",
    type=click.IntRange(min=1, max=64),
    default=4,
    show_default=True,
    help="Worker processes kept ready; more start while all are busy, up to --max-workers.",
)
@click.option(
    "--max-workers",
    type=click.IntRange(min=1, max=256),
    default=16,
    show_default=True,
    help="At most this many queries and questions run at once; others wait.",
)
@click.option(
    "--cache",
    "cache_mb",
    type=click.IntRange(min=0),
    default=64,
    show_default=True,
    metavar="MB",
    help="Keep answers to repeated queries and questions, up to MB megabytes (0: keep none); "
    "the graph does not change while the server runs.",
)
@click.option("--access-log", is_flag=True, help="Log every request on stderr.")
@pass_state
def serve_cmd(
    state: State,
    host: str,
    port: int,
    timeout: float,
    limit: int,
    cors: str | None,
    workers: int,
    max_workers: int,
    cache_mb: int,
    access_log: bool,
) -> None:
    """Serve the planner page at /, its JSON API at /api and a SPARQL endpoint at /sparql.

    Open the printed address in a browser to plan a path without the terminal: the page works
    offline and keeps the whole question in its URL. /api/plan, /api/gaps, /api/closest and
    /api/career answer what path, gaps, closest and career print with --format json (options
    named as the long options, GET or a JSON POST); /api/openapi.json describes them.

    /sparql is a read-only SPARQL 1.1 Protocol endpoint: GET ?query=..., POST form or
    application/sparql-query; results as JSON (default), XML, CSV, TSV or Turtle by Accept
    header. Updates get 403, SERVICE 403, bad syntax 400, an unknown format 406, a query over
    the time or row limit 503; a body over 1 MiB 413.
    """
    from certpath.errors import InputError
    from certpath.server import ServeOptions, serve

    if workers > max_workers:
        raise InputError(f"--workers {workers} is more than --max-workers {max_workers}")
    options = ServeOptions(
        host=host,
        port=port,
        timeout=timeout,
        limit=limit,
        cors=cors,
        workers=workers,
        max_workers=max_workers,
        cache_mb=cache_mb,
        access_log=access_log,
    )
    serve(state.kg, options)
