"""What the commands share: the loaded graph, output options, and the CLI edge.

The edge (:func:`run_edge`, used by :class:`certpath.cli.main.LazyGroup`) is where library
errors become one ``Error:`` line and an exit code (README "Exit codes"), and where the process
meets its streams and signals:

- text printed for people (stdout and stderr) shows control characters as visible escapes
  (:func:`certpath.sanitize.terminal_text`); JSON and data formats are written unescaped;
- with ``--format json`` an error also prints ``{"error": ..., "exit": N}`` on stdout;
- a closed pipe (``certpath ... | head -1``) ends quietly with :data:`EXIT_PIPE` (0);
- standard output that cannot be written (a full disk, a closed descriptor: ``>&-``) is one
  ``Error: stdout: cannot write: ...`` line and exit 2, as ``ls`` does;
- Ctrl-C, SIGTERM and SIGHUP remove temporary files, then end the process by the same signal
  (the shell sees 128 + the signal number: 130, 143, 129).
"""

from __future__ import annotations

import errno
import io
import json
import os
import signal
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, NoReturn, TextIO, TypeVar, cast

import click

from certpath.errors import CertpathError, Interrupted
from certpath.sanitize import terminal_text

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
#: Standard output was closed by its reader (``| head -1``): success, quietly. Output that fits
#: in the pipe's buffer is written before the reader closes, and such a run cannot know; any
#: other code would depend on timing.
EXIT_PIPE = EXIT_OK


class CliError(click.ClickException):
    """A library error shown as one ``Error:`` line, with the error's own exit code.

    *details* (names suggested, candidates, problems) go into the JSON form of the error.
    """

    def __init__(self, message: str, exit_code: int, details: dict[str, Any] | None = None) -> None:
        super().__init__(terminal_text(message, one_line=True))
        self.exit_code = exit_code  # type: ignore[misc]  # click declares it per class
        self.details = details or {}


@dataclass
class State:
    """Per-invocation state: the ``--data``/``--store`` choice and what was loaded from it."""

    data: tuple[str, ...] = ()
    store: str | None = None
    quiet: bool = False
    _kg: KnowledgeGraph | None = None
    _projection: nx.MultiDiGraph | None = None

    @property
    def kg(self) -> KnowledgeGraph:
        """The knowledge graph, loaded on first use."""
        if self._kg is None:
            from certpath.progress import task
            from certpath.stores import open_graph

            with task("Loading the graph"):
                self._kg = open_graph(list(self.data) or None, store=self.store)
        return self._kg

    @property
    def projection(self) -> nx.MultiDiGraph:
        """The whole NetworkX projection of :attr:`kg`, built on first use."""
        if self._projection is None:
            from certpath.progress import task
            from certpath.projection import project

            kg = self.kg
            with task("Building the planning graph"):
                self._projection = project(kg)
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


def output_option(help_text: str, *, required: bool = False) -> Callable[[F], F]:
    """``-o/--output FILE`` (``-`` for standard output), for commands that write a file."""
    return click.option(
        "-o",
        "--output",
        required=required,
        metavar="FILE",
        callback=not_empty_path,
        help=help_text + " '-' writes to standard output.",
    )


def force_option(what: str = "the output file") -> Callable[[F], F]:
    """``--force``: replace an existing regular file (never a folder, link, FIFO or device)."""
    return click.option(
        "--force",
        is_flag=True,
        help=f"Replace {what} if it exists (only a regular file is ever replaced).",
    )


def not_blank(ctx: click.Context, param: click.Parameter, value: Any) -> Any:
    """Option callback: refuse an empty or blank name, naming the option (a usage error, exit 2).

    A blank name would reach name look-up as "empty name", which cannot say which option held it.
    """
    values = value if isinstance(value, tuple) else (value,)
    if any(isinstance(one, str) and not one.strip() for one in values):
        raise click.BadParameter("an empty name; give an IRI, CURIE, slug, label or alias")
    return value


def not_empty_path(ctx: click.Context, param: click.Parameter, value: Any) -> Any:
    """Option callback: refuse an empty path (``--profile ""`` was ignored, ``--data ""`` loaded
    the current folder), naming the option (a usage error, exit 2)."""
    values = value if isinstance(value, tuple) else (value,)
    if any(isinstance(one, str) and one == "" for one in values):
        raise click.BadParameter("an empty path; give a file name")
    return value


def finite_seconds(ctx: click.Context, param: click.Parameter, value: Any) -> Any:
    """Option callback: refuse ``nan`` and ``inf`` seconds (no operation runs unbounded; nan
    gave a traceback), naming the option (a usage error, exit 2)."""
    import math

    if isinstance(value, float) and not math.isfinite(value):
        raise click.BadParameter(f"{value} is not a number of seconds; give one > 0")
    return value


def emit_json(data: Any) -> None:
    """Print *data* as indented JSON on stdout (unescaped: JSON escapes what it must)."""
    click.echo(json.dumps(data, indent=2, ensure_ascii=False, sort_keys=False), file=raw_stream())


def raw_stream(*, err: bool = False) -> TextIO:
    """The real stdout (or stderr) under the escaping wrapper of the CLI edge.

    For JSON and for the progress line's own terminal codes; everything else goes through
    ``click.echo``, which escapes control characters of the data.
    """
    stream = sys.stderr if err else sys.stdout
    unescaped: TextIO = getattr(stream, "unescaped", stream)
    return unescaped


def stderr_is_terminal() -> bool:
    """Whether progress and colour may be shown on stderr."""
    return sys.stderr.isatty() and not os.environ.get("NO_COLOR")


def progress_wanted(quiet: bool = False) -> bool:
    """Whether to show progress (:mod:`certpath.progress`): stderr is a terminal, ``NO_COLOR``
    is unset and ``--quiet`` was not given."""
    return not quiet and stderr_is_terminal()


class PipeClosed(BaseException):
    """Standard output's reader went away; raised past click, which would exit 1 for it."""


def translate_errors(function: Callable[[], Any]) -> Any:
    """Run *function*, turning library errors into :class:`CliError` with their exit codes."""
    try:
        return function()
    except OSError as exc:
        if exc.errno == errno.EPIPE:
            raise PipeClosed() from None
        raise
    except CertpathError as exc:
        details = {
            key: list(getattr(exc, key))
            for key in ("suggestions", "candidates", "problems")
            if getattr(exc, key, None)
        }
        raise CliError(str(exc), exc.exit_code, details) from None


class EscapingStream(io.TextIOBase):
    """A text stream that shows control characters as visible escapes before writing them.

    The CLI edge puts one over stdout and one over stderr while a command runs, so that no label
    from the data can move the cursor, retitle the window or clear the screen.
    :attr:`unescaped` is the stream underneath (for JSON); :attr:`buffer` is its binary one.
    """

    def __init__(self, stream: TextIO) -> None:
        super().__init__()
        self.unescaped = stream

    def write(self, text: str) -> int:
        self.unescaped.write(terminal_text(text))
        return len(text)

    def flush(self) -> None:
        self.unescaped.flush()

    def isatty(self) -> bool:
        return self.unescaped.isatty()

    def fileno(self) -> int:
        return self.unescaped.fileno()

    def writable(self) -> bool:
        return True

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return self.unescaped.encoding

    @property
    def errors(self) -> str | None:  # type: ignore[override]
        return self.unescaped.errors

    @property
    def buffer(self) -> Any:
        return self.unescaped.buffer


def wants_json(args: Sequence[str]) -> bool:
    """Whether the command line asks for ``--format json`` (errors then print JSON too).

    >>> wants_json(["show", "cspo", "--format", "json"]), wants_json(["show", "--format=json"])
    (True, True)
    >>> wants_json(["show", "cspo"])
    False
    """
    words = list(args)
    if "--" in words:
        words = words[: words.index("--")]
    pairs = zip(words, [*words[1:], ""], strict=True)
    return "--format=json" in words or any(a == "--format" and b == "json" for a, b in pairs)


def run_edge(call: Callable[[], Any], args: Sequence[str]) -> NoReturn:
    """Run a command line (*call*, click in non-standalone mode) and exit as README says.

    See the module docstring: errors, escaping, JSON errors, closed pipes and signals.
    """
    from certpath.output import end_by_signal, signals_raise

    closed = cast(TextIO, _ClosedStream())
    stdout, stderr = sys.stdout or closed, sys.stderr or closed
    sys.stdout, sys.stderr = EscapingStream(stdout), EscapingStream(stderr)
    code: int = EXIT_OK
    signum: int | None = None
    finished = False  # the command ran to its end (a closed pipe then keeps its exit code)
    try:
        with signals_raise():
            try:
                result = call()
                code = result if isinstance(result, int) else EXIT_OK
            except SystemExit as exc:
                code = _exit_code(exc.code)
            except click.exceptions.Exit as exc:
                code = exc.exit_code
            except click.ClickException as exc:
                code = exc.exit_code
                exc.show()  # first: the error is told even when stdout cannot take the JSON
                if wants_json(args):
                    _json_error(exc)
            except click.Abort as exc:  # click's form of a KeyboardInterrupt
                signum = _signal_of(exc.__cause__ or exc.__context__)
                if signum is None:
                    click.echo("Error: aborted", err=True)
                    code = EXIT_USAGE
            except KeyboardInterrupt as exc:  # Ctrl-C, or Interrupted (SIGTERM, SIGHUP)
                signum = _signal_of(exc)
            except PipeClosed:
                raise BrokenPipeError(errno.EPIPE, "closed pipe") from None
            finished = True
            sys.stdout.flush()
    except OSError as exc:  # a closed pipe: the reader has what it wanted
        if exc.errno == errno.EPIPE:
            _silence(stdout)
            code = code if finished else EXIT_PIPE
        elif exc.filename is None and exc.errno in _STREAM_FAILURES:
            _silence(stdout)  # what is buffered cannot be written either
            _say(stderr, f"Error: stdout: cannot write: {exc.strerror or exc}")
            code = code or EXIT_USAGE  # an error being reported keeps its own code
        else:
            raise
    except KeyboardInterrupt as exc:
        signum = _signal_of(exc)
    finally:
        sys.stdout, sys.stderr = stdout, stderr
    if signum is not None:
        _say_interrupted(signum)
        end_by_signal(signum)
    sys.exit(code)


#: Errors of a write to standard output itself (files certpath writes are named by their own
#: errors, :mod:`certpath.output`): a full disk or quota, an I/O error, a closed descriptor.
_STREAM_FAILURES = frozenset(
    {errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EIO, errno.EBADF, errno.EINVAL}
)


class _ClosedStream(io.TextIOBase):
    """Stands for a standard stream the process was started without (``>&-``)."""

    def write(self, text: str) -> int:
        raise OSError(errno.EBADF, os.strerror(errno.EBADF))

    def fileno(self) -> int:
        raise io.UnsupportedOperation("closed")

    @property
    def buffer(self) -> Any:
        return self  # binary writes fail the same way

    def flush(self) -> None:
        pass


def _say(stream: TextIO, line: str) -> None:
    try:
        stream.write(line + "\n")
        stream.flush()
    except (OSError, ValueError):
        pass


def _signal_of(exc: BaseException | None) -> int | None:
    """The signal behind an interruption: SIGTERM or SIGHUP (Interrupted), else SIGINT."""
    if isinstance(exc, Interrupted):
        return exc.signum
    if isinstance(exc, KeyboardInterrupt):
        return signal.SIGINT
    return None


def _exit_code(value: object) -> int:
    if value is None:
        return EXIT_OK
    if isinstance(value, int):
        return value
    click.echo(str(value), err=True)
    return EXIT_INVALID


def _json_error(exc: click.ClickException) -> None:
    data = {"error": exc.format_message(), "exit": exc.exit_code}
    data.update(getattr(exc, "details", {}))
    emit_json(data)


def _say_interrupted(signum: int) -> None:
    try:
        name = signal.Signals(signum).name
        click.echo(f"Error: interrupted by {name}", err=True)
    except (OSError, ValueError):
        pass


def _silence(stream: TextIO) -> None:
    """Point *stream*'s descriptor at /dev/null, so the exit flush cannot fail again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, stream.fileno())
        os.close(devnull)
    except (OSError, ValueError, io.UnsupportedOperation):
        pass
