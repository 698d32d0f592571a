"""Progress on standard error for work that can take more than about a second.

Library code announces its long steps with :func:`task` (a phase, optionally with a size in
bytes or items, advanced as the work goes) and :func:`reading` (bytes a parser reads). Nothing is
shown, and nothing is imported, unless a display is active: the CLI starts one
(:func:`display`) only when standard error is a terminal, ``NO_COLOR`` is unset and
``--quiet`` was not given, so progress never goes into a pipe or a log, and a notebook or a
test sees nothing.

The display is `rich <https://rich.readthedocs.io>`_'s progress bar: a spinner and the elapsed
time for a phase without a size (SHACL validation, building an index), a bar with bytes and an
estimate for a file. It appears only once the work has run for :data:`DELAY` seconds (quick
commands never flash), refreshes from its own thread (so a long call still shows time passing),
and disappears when the work ends, leaving the terminal as it was.

>>> with task("Nothing is shown without a display", total=3) as advance:
...     advance(3)
>>> active()
False
"""

from __future__ import annotations

import io
import threading
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from contextvars import ContextVar
from typing import IO, Any

#: Seconds a command runs before the display appears.
DELAY = 0.5
#: Files smaller than this are read without a bar of their own.
MIN_BYTES = 1_000_000

_display: ContextVar[_Display | None] = ContextVar("certpath_progress", default=None)


def _nothing(_: int = 1) -> None:
    """Advance nothing (no display)."""


class _Task:
    """One step of work: counted here, shown once the display has started."""

    def __init__(self, description: str, total: int | None, unit: str) -> None:
        self.description = description
        self.total = total
        self.unit = unit
        self.completed = 0
        self.shown: Any = None  # rich's task id once shown


class _Display:
    """A rich ``Progress`` on a stream, started (and rich imported) only after :data:`DELAY`
    seconds of work, so that a quick command neither shows nor imports anything."""

    def __init__(self, stream: IO[str]) -> None:
        self.stream = stream
        self.lock = threading.Lock()
        self.tasks: list[_Task] = []
        self.progress: Any = None
        self.stopped = False
        self.timer = threading.Timer(DELAY, self.start)
        self.timer.daemon = True
        self.timer.start()

    def start(self) -> None:
        with self.lock:
            if self.stopped or self.progress is not None:
                return
            self.progress = _rich_progress(self.stream)
            for item in self.tasks:
                self._show(item)
            self.progress.start()

    def _show(self, item: _Task) -> None:
        item.shown = self.progress.add_task(
            _shown(item.description), total=item.total, completed=item.completed, unit=item.unit
        )

    def stop(self) -> None:
        self.timer.cancel()
        with self.lock:
            self.stopped = True
            if self.progress is not None:
                self.progress.stop()

    def advance(self, item: _Task, amount: int) -> None:
        with self.lock:
            item.completed += amount
            if item.shown is not None:
                self.progress.advance(item.shown, amount)

    @contextmanager
    def task(
        self, description: str, total: int | None, unit: str
    ) -> Iterator[Callable[[int], None]]:
        item = _Task(description, total, unit)
        with self.lock:
            self.tasks.append(item)
            if self.progress is not None:
                self._show(item)

        def advance(amount: int = 1) -> None:
            self.advance(item, amount)

        try:
            yield advance
        finally:
            with self.lock:
                self.tasks.remove(item)
                if item.shown is not None:
                    self.progress.remove_task(item.shown)


def _rich_progress(stream: IO[str]) -> Any:
    """rich's Progress on *stream*: spinner, description, bar, amount, elapsed time."""
    from rich.console import Console
    from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    console = Console(file=stream, highlight=False, emoji=False, markup=False)
    return Progress(
        SpinnerColumn(),
        TextColumn("{task.description}", markup=False),
        BarColumn(),
        _amount_column(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
        refresh_per_second=8,
    )


def _amount_column() -> Any:
    """A rich column: bytes done of the total for a file, items for a count, nothing for a
    phase."""
    from rich.filesize import decimal
    from rich.progress import ProgressColumn, Task
    from rich.text import Text

    class AmountColumn(ProgressColumn):
        def render(self, task: Task) -> Text:
            if task.total is None:
                return Text("")
            if task.fields.get("unit") == "bytes":
                return Text(f"{decimal(int(task.completed))}/{decimal(int(task.total))}")
            return Text(f"{int(task.completed):,}/{int(task.total):,}")

    return AmountColumn()


def _shown(description: str) -> str:
    """*description* safe for a terminal (file names may hold control characters)."""
    from certpath.sanitize import terminal_text

    return terminal_text(description, one_line=True)


def active() -> bool:
    """Whether a display is active (so that work may report its progress)."""
    return _display.get() is not None


@contextmanager
def display(stream: IO[str], *, enabled: bool = True) -> Iterator[None]:
    """Show the progress of the work done in the block on *stream* (a terminal), when *enabled*.

    The CLI decides *enabled* (a terminal, no ``NO_COLOR``, no ``--quiet``); the display is
    removed when the block ends, whatever the reason.
    """
    if not enabled or _display.get() is not None:
        yield
        return
    shown = _Display(stream)
    token = _display.set(shown)
    try:
        yield
    finally:
        _display.reset(token)
        shown.stop()


@contextmanager
def task(
    description: str, *, total: int | None = None, unit: str = "items"
) -> Iterator[Callable[[int], None]]:
    """Announce a step of work; yield ``advance(amount=1)`` to report how far it got.

    *total* is the size of the work in *unit* (``"items"`` or ``"bytes"``), or None for a
    phase shown with a spinner and its elapsed time. Without a display this does nothing (and
    costs nothing).
    """
    shown = _display.get()
    if shown is None:
        yield _nothing
        return
    with shown.task(description, total, unit) as advance:
        yield advance


@contextmanager
def phases() -> Iterator[Callable[[str], None]]:
    """Yield ``say(description)``: each call ends the phase before it and starts a new one (for
    work that reports what it is doing as messages, like the ESCO importer).

    >>> with phases() as say:
    ...     say("reading occupations_en.csv")
    ...     say("reading skills_en.csv")
    """
    with ExitStack() as stack:
        current: list[ExitStack] = []

        def say(description: str) -> None:
            if current:
                current.pop().close()
            step = stack.enter_context(ExitStack())
            step.enter_context(task(description))
            current.append(step)

        yield say


class _CountingReader(io.BytesIO):
    """Bytes read by a parser, each read reported to the display."""

    def __init__(self, data: bytes, advance: Callable[[int], None]) -> None:
        super().__init__(data)
        self._advance = advance

    def read(self, size: int | None = -1) -> bytes:
        chunk = super().read(size)
        self._advance(len(chunk))
        return chunk

    def readinto(self, buffer: Any) -> int:
        count = super().readinto(buffer)
        self._advance(count)
        return count


@contextmanager
def reading(data: bytes, description: str) -> Iterator[bytes | IO[bytes]]:
    """Yield *data* for a parser: as it is without a display (or when small), else as a file
    that reports the bytes read, so a large file gets a bar with its size and an estimate.

    >>> with reading(b"<a> <b> <c> .", "Reading x.nt") as source:
    ...     source
    b'<a> <b> <c> .'
    """
    if _display.get() is None or len(data) < MIN_BYTES:
        yield data
        return
    with task(description, total=len(data), unit="bytes") as advance:
        yield _CountingReader(data, advance)


__all__ = ["DELAY", "MIN_BYTES", "active", "display", "phases", "reading", "task"]
