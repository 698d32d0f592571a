"""What the commands share: the loaded graph, output options, errors at the CLI edge."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

import click

from certpath.errors import CertpathError

if TYPE_CHECKING:
    import networkx as nx

    from certpath.graph import KnowledgeGraph

F = TypeVar("F", bound=Callable[..., Any])

#: Exit codes, documented in README.md ("Exit codes").
EXIT_OK = 0
EXIT_INVALID = 1
EXIT_USAGE = 2
EXIT_NO_PLAN = 3
EXIT_NOT_FOUND = 4
EXIT_QUERY_LIMIT = 5
EXIT_STORE = 6


class CliError(click.ClickException):
    """A library error shown as one ``Error:`` line, with the error's own exit code."""

    def __init__(self, message: str, exit_code: int) -> None:
        super().__init__(message)
        self.exit_code = exit_code  # type: ignore[misc]  # click declares it per class


@dataclass
class State:
    """Per-invocation state: the ``--data``/``--store`` choice and what was loaded from it."""

    data: tuple[str, ...] = ()
    store: str | None = None
    _kg: KnowledgeGraph | None = None
    _projection: nx.MultiDiGraph | None = None

    @property
    def kg(self) -> KnowledgeGraph:
        """The knowledge graph, loaded on first use."""
        if self._kg is None:
            from certpath.stores import open_graph

            self._kg = open_graph(list(self.data) or None, store=self.store)
        return self._kg

    @property
    def projection(self) -> nx.MultiDiGraph:
        """The whole NetworkX projection of :attr:`kg`, built on first use."""
        if self._projection is None:
            from certpath.projection import project

            self._projection = project(self.kg)
        return self._projection


pass_state = click.make_pass_decorator(State, ensure=True)


def format_option(*choices: str, default: str = "text") -> Callable[[F], F]:
    """The ``--format`` option shared by every command that prints results."""
    return click.option(
        "--format",
        "fmt",
        type=click.Choice(choices),
        default=default,
        show_default=True,
        help="Output format: 'json' for machines.",
    )


def emit_json(data: Any) -> None:
    """Print *data* as indented JSON on stdout."""
    click.echo(json.dumps(data, indent=2, ensure_ascii=False, sort_keys=False))


def stderr_is_terminal() -> bool:
    """Whether progress and colour may be shown on stderr."""
    return sys.stderr.isatty() and not os.environ.get("NO_COLOR")


def translate_errors(function: Callable[[], Any]) -> Any:
    """Run *function*, turning library errors into :class:`CliError` with their exit codes."""
    try:
        return function()
    except CertpathError as exc:
        raise CliError(str(exc), exc.exit_code) from None
