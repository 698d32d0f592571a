"""The ``certpath`` group: global options, command families, one error line and exit code."""

from __future__ import annotations

import importlib
import sys
from collections.abc import Sequence
from typing import Any

import click

from certpath import __version__
from certpath.cli.common import (
    State,
    not_empty_path,
    progress_wanted,
    raw_stream,
    run_edge,
    translate_errors,
)

#: Command families, imported only when one of their commands runs (a one-shot CLI starts fast).
COMMANDS: dict[str, tuple[str, str]] = {
    "validate": ("certpath.cli.graph_cmds", "validate_cmd"),
    "show": ("certpath.cli.graph_cmds", "show_cmd"),
    "search": ("certpath.cli.graph_cmds", "search_cmd"),
    "stats": ("certpath.cli.graph_cmds", "stats_cmd"),
    "path": ("certpath.cli.plan_cmds", "path_cmd"),
    "gaps": ("certpath.cli.plan_cmds", "gaps_cmd"),
    "closest": ("certpath.cli.plan_cmds", "closest_cmd"),
    "career": ("certpath.cli.plan_cmds", "career_cmd"),
    "query": ("certpath.cli.sparql_cmds", "query_cmd"),
    "queries": ("certpath.cli.sparql_cmds", "queries_cmd"),
    "serve": ("certpath.cli.serve_cmds", "serve_cmd"),
    "load": ("certpath.cli.sparql_cmds", "load_cmd"),
    "dump": ("certpath.cli.sparql_cmds", "dump_cmd"),
    "render": ("certpath.cli.render_cmds", "render_cmd"),
    "import": ("certpath.cli.import_cmds", "import_group"),
    "roles": ("certpath.cli.list_cmds", "roles_cmd"),
    "competencies": ("certpath.cli.list_cmds", "competencies_cmd"),
    "offers": ("certpath.cli.list_cmds", "offers_cmd"),
}

#: One-line help per command, so ``certpath --help`` needs no imports.
SHORT_HELP = {
    "validate": "Check the graph against the shapes and graph-wide rules.",
    "show": "Everything about one entity, incoming links too.",
    "search": "Rank entities whose labels or aliases match TEXT.",
    "stats": "Counts by class and property of what was loaded.",
    "path": "The exact cheapest learning path to a role.",
    "gaps": "What a person has and lacks for a role.",
    "closest": "Roles ranked by the cost of reaching them.",
    "career": "The cheapest chain of roles from one to another.",
    "query": "Run a SPARQL query (text, file or named) against the graph.",
    "queries": "List the named queries of the query library.",
    "serve": "Serve the graph as a read-only SPARQL 1.1 endpoint.",
    "load": "Load RDF files into a persistent store (one named graph per file).",
    "dump": "Copy every triple of the store into an RDF file.",
    "render": "Draw a neighbourhood, a role or the graph as an offline HTML page.",
    "import": "Convert ESCO or a training catalog CSV into certpath RDF.",
    "roles": "List the roles, with filters (table, JSON or CSV).",
    "competencies": "List the competencies, with filters (table, JSON or CSV).",
    "offers": "List the certifications and courses, with filters (table, JSON or CSV).",
}


class LazyGroup(click.Group):
    """A group that imports a command's module only when the command is used."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in COMMANDS:
            return None
        module_name, attribute = COMMANDS[cmd_name]
        command = getattr(importlib.import_module(module_name), attribute)
        assert isinstance(command, click.Command)
        return command

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [(name, SHORT_HELP.get(name, "")) for name in self.list_commands(ctx)]
        with formatter.section("Commands"):
            formatter.write_dl(rows)

    def invoke(self, ctx: click.Context) -> Any:
        return translate_errors(lambda: super(LazyGroup, self).invoke(ctx))

    def main(
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        """Run the command line; in standalone mode through the CLI edge (:func:`run_edge`)."""
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, False, **extra)
        argv = list(sys.argv[1:] if args is None else args)

        def run() -> Any:
            _refuse_undecodable(argv)
            return super(LazyGroup, self).main(argv, prog_name, complete_var, False, **extra)

        run_edge(run, argv)


def _refuse_undecodable(argv: Sequence[str]) -> None:
    """Refuse an argument that is not UTF-8 (Python keeps its bytes as lone surrogates, which
    no name, query or label can hold), unless it names an existing file: file names are bytes.

    >>> _refuse_undecodable(["show", "cspo"])
    >>> _refuse_undecodable(["show", "b\\udcffx"])
    Traceback (most recent call last):
    ...
    click.exceptions.UsageError: argument b'b\\xffx' is not UTF-8 text
    """
    import os

    for arg in argv:
        value = arg.split("=", 1)[1] if arg.startswith("--") and "=" in arg else arg
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            if not os.path.lexists(value):
                raise click.UsageError(f"argument {os.fsencode(arg)!r} is not UTF-8 text") from None


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="certpath")
@click.option(
    "--data",
    "data",
    multiple=True,
    callback=not_empty_path,
    metavar="PATH",
    help="RDF file or folder to load instead of the bundled data (repeatable; 'bundled' names "
    "the bundled set, so '--data bundled --data mine.ttl' adds to it).",
)
@click.option(
    "--store",
    metavar="SPEC",
    help="Where the graph lives: 'memory' (default, fed by --data), 'oxigraph:DIR' (a persistent "
    "store filled by 'certpath load') or 'sparql:URL' (a SPARQL 1.1 endpoint, read without "
    "copying it).",
)
@click.option(
    "-q",
    "--quiet",
    is_flag=True,
    help="Show no progress display on stderr (it is shown only on a terminal, and never with "
    "NO_COLOR set).",
)
@click.pass_context
def cli(ctx: click.Context, data: tuple[str, ...], store: str | None, quiet: bool) -> None:
    """certpath: roles, competencies and certifications, and the exact shortest learning path
    from what you can do today to the role you want.

    Exit codes: 0 ok (also when the reader of stdout stops early, as '| head -1' does),
    1 invalid data, 2 usage error or unreadable input, 3 no plan possible, 4 unknown or
    ambiguous name, 5 query timed out or truncated, 6 store unavailable, 7 solver failure;
    Ctrl-C, SIGTERM and SIGHUP end the process by that signal (shell status 130, 143, 129)
    after removing temporary files. With --format json an error also prints
    {"error": ..., "exit": N} on stdout.
    """
    from certpath.progress import display

    ctx.obj = State(data=data, store=store, quiet=quiet)
    ctx.with_resource(display(raw_stream(err=True), enabled=progress_wanted(quiet)))


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="certpath")
