"""Writing output: the one way certpath writes a file, or standard output.

Every command that writes a file (``render -o``, ``path --html``, ``import esco -o``,
``import catalog -o``) goes through this module, so the rules hold everywhere:

- **Atomic.** The data goes to a temporary ``.NAME.XXXXXXXX.part`` in the target's folder, is
  synced to disk, then renamed over the target: nobody ever sees half a file.
- **Nothing left behind.** An error (a full disk, a read-only folder), Ctrl-C, SIGTERM or SIGHUP
  removes the temporary file and leaves the target as it was. SIGTERM and SIGHUP are turned into
  :class:`certpath.errors.Interrupted` while a file is being written (see :func:`signals_raise`).
- **Never replaced by accident.** An existing file is replaced only with ``force``; only regular
  files are ever replaced or written through: a folder, symbolic link, FIFO, device node or
  socket is refused (:class:`certpath.errors.OutputError`, exit 2), with or without ``force``.
- **``-`` is standard output** where the caller allows it (``stdout=True``); there is no
  temporary file then, and a reader may see the data as it comes.

The mode of a new file follows the umask (like any file a shell creates); a replaced file keeps
its mode.
"""

from __future__ import annotations

import errno
import io
import os
import signal
import stat
import sys
import threading
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from types import FrameType
from typing import IO, Any, Literal, cast, overload

from certpath.errors import Interrupted, OutputError

#: The name that means standard output where a command allows it.
STDOUT = "-"
#: Signals that remove temporary files before the process ends (SIGINT raises KeyboardInterrupt).
CLEANUP_SIGNALS = tuple(
    getattr(signal, name) for name in ("SIGTERM", "SIGHUP") if hasattr(signal, name)
)

_FILE_KINDS = (
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISLNK, "a symbolic link"),
    (stat.S_ISFIFO, "a FIFO (named pipe)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


def is_stdout(path: str | os.PathLike[str]) -> bool:
    """Whether *path* names standard output: the string ``-`` (``./-`` or ``Path("-")`` is a file).

    >>> is_stdout("-"), is_stdout("./-"), is_stdout(Path("-")), is_stdout("out.html")
    (True, False, False, False)
    """
    return isinstance(path, str) and path == STDOUT


def check_target(
    path: str | os.PathLike[str], *, force: bool = False, stdout: bool = False
) -> Path:
    """Check that *path* may be written, before any work is done; return it as a Path.

    Parameters
    ----------
    path : path-like
        The file to write, or ``-`` for standard output when *stdout* is True.
    force : bool
        Allow replacing an existing regular file.
    stdout : bool
        Whether ``-`` means standard output here; when False, ``-`` is refused.

    Raises
    ------
    OutputError
        ``-`` where standard output is not allowed; a folder, symbolic link, FIFO, device node or
        socket (with or without *force*); an existing file without *force*; a folder that does
        not exist or is not writable.

    Examples
    --------
    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> check_target(folder / "new.html") == folder / "new.html"
    True
    >>> check_target(folder)
    Traceback (most recent call last):
    ...
    certpath.errors.OutputError: ...: is a folder, not a file; give a file name inside it
    """
    if is_stdout(path):
        if stdout:
            return Path(STDOUT)
        raise OutputError("-: standard output is not available for this file; give a file name")
    target = Path(path)
    kind = _special_kind(target)
    if kind == "a folder":
        raise OutputError(f"{target}: is a folder, not a file; give a file name inside it")
    if kind is not None:
        raise OutputError(
            f"{target}: is {kind}, not a regular file; certpath writes only to regular files "
            "or new paths (even with --force)"
        )
    folder = target.parent
    if not folder.is_dir():
        what = "is not a folder" if folder.exists() else "does not exist"
        raise OutputError(f"{target}: folder {folder} {what}")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise OutputError(f"{target}: folder {folder} is not writable")
    if target.exists() and not force:
        raise OutputError(f"{target} already exists; use --force to replace it")
    return target


def _special_kind(target: Path) -> str | None:
    """What *target* is when it exists and is not a regular file; None otherwise."""
    try:
        mode = os.lstat(target).st_mode
    except OSError:
        return None
    for test, kind in _FILE_KINDS:
        if test(mode):
            return kind
    return None


@contextmanager
def atomic_path(path: str | os.PathLike[str], *, force: bool = False) -> Iterator[Path]:
    """Yield a temporary path beside *path*; rename it over *path* when the block succeeds.

    The block writes the temporary file (and closes it). On any error or signal the temporary
    file is removed and *path* is left as it was. For writers that take a file name (Oxigraph's
    serializer); :func:`atomic_file` yields an open file instead.

    Raises
    ------
    OutputError
        As :func:`check_target`; or writing failed (disk full, read-only file system): the
        message names the target and the reason.

    Examples
    --------
    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> with atomic_path(folder / "out.txt") as tmp:
    ...     _ = tmp.write_text("done")
    >>> (folder / "out.txt").read_text(), sorted(p.name for p in folder.iterdir())
    ('done', ['out.txt'])
    """
    target = check_target(path, force=force)
    temp = target.parent / f".{target.name}.{os.urandom(4).hex()}.part"
    with signals_raise():
        try:
            _create_temp(temp, target)
            yield temp
            _sync(temp)
            _commit(temp, target, force=force)
        except FileExistsError:
            raise OutputError(f"{target}: cannot create {temp.name}: it exists") from None
        except OSError as exc:
            temp.unlink(missing_ok=True)
            if exc.filename not in (None, str(temp), str(target)):
                raise  # not ours: an input file the block was reading
            raise OutputError(_write_failure(target, exc)) from None
        except BaseException:
            temp.unlink(missing_ok=True)  # also when a signal came while it was being created
            raise


@overload
def atomic_file(
    path: str | os.PathLike[str], *, force: bool = ..., binary: Literal[False] = ...
) -> AbstractContextManager[IO[str]]: ...
@overload
def atomic_file(
    path: str | os.PathLike[str], *, force: bool = ..., binary: Literal[True]
) -> AbstractContextManager[IO[bytes]]: ...
def atomic_file(path: str | os.PathLike[str], *, force: bool = False, binary: bool = False) -> Any:
    """Like :func:`atomic_path`, but yield the temporary file opened for writing.

    Text is UTF-8 with ``\\n`` line ends.

    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> with atomic_file(folder / "a.txt") as out:
    ...     _ = out.write("one\\n")
    >>> (folder / "a.txt").read_text()
    'one\\n'
    """
    return cast(Any, _open_temp(path, force=force, binary=binary))


@contextmanager
def _open_temp(
    path: str | os.PathLike[str], *, force: bool, binary: bool
) -> Iterator[IO[str] | IO[bytes]]:
    with atomic_path(path, force=force) as temp:
        handle: IO[str] | IO[bytes]
        if binary:
            handle = temp.open("wb")
        else:
            handle = temp.open("w", encoding="utf-8", newline="\n")
        with handle:
            yield handle


@overload
def open_output(
    path: str | os.PathLike[str], *, force: bool = ..., binary: Literal[False] = ...
) -> AbstractContextManager[IO[str]]: ...
@overload
def open_output(
    path: str | os.PathLike[str], *, force: bool = ..., binary: Literal[True]
) -> AbstractContextManager[IO[bytes]]: ...
def open_output(path: str | os.PathLike[str], *, force: bool = False, binary: bool = False) -> Any:
    """Open *path* for writing as :func:`atomic_file` does, or standard output for ``-``.

    Standard output is flushed, never closed, and its data are not escaped (they are data, not
    text for a terminal).
    """
    opened = (
        _stdout(binary=binary) if is_stdout(path) else _open_temp(path, force=force, binary=binary)
    )
    return cast(Any, opened)


@contextmanager
def _stdout(*, binary: bool) -> Iterator[IO[str] | IO[bytes]]:
    sys.stdout.flush()
    raw = getattr(sys.stdout, "unescaped", sys.stdout)
    buffer: IO[bytes] = raw.buffer
    if binary:
        yield buffer
        buffer.flush()
        return
    text = io.TextIOWrapper(buffer, encoding="utf-8", newline="\n", write_through=False)
    try:
        yield text
        text.flush()
    finally:
        text.detach()  # leave standard output open


def write_bytes(
    data: bytes, path: str | os.PathLike[str], *, force: bool = False, stdout: bool = False
) -> Path:
    """Write *data* to *path* atomically (or to standard output for ``-`` when *stdout*).

    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> write_bytes(b"<p>hi</p>", folder / "a.html").read_bytes()
    b'<p>hi</p>'
    >>> write_bytes(b"again", folder / "a.html")
    Traceback (most recent call last):
    ...
    certpath.errors.OutputError: ...a.html already exists; use --force to replace it
    """
    target = check_target(path, force=force, stdout=stdout)
    with open_output(path, force=force, binary=True) as out:
        out.write(data)
    return target


def write_text(
    text: str, path: str | os.PathLike[str], *, force: bool = False, stdout: bool = False
) -> Path:
    """Write *text* (UTF-8, ``\\n`` line ends) like :func:`write_bytes`."""
    return write_bytes(text.encode("utf-8"), path, force=force, stdout=stdout)


# --------------------------------------------------------------------------- internals


def _create_temp(temp: Path, target: Path) -> None:
    """Create the empty file *temp* beside *target* (mode from the umask, or *target*'s)."""
    try:
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    except FileExistsError:
        raise
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise OutputError(f"{target}: cannot create a file in {target.parent}: {reason}") from None
    try:
        if target.is_file():
            os.fchmod(fd, stat.S_IMODE(os.stat(target).st_mode))
    finally:
        os.close(fd)


def _sync(temp: Path) -> None:
    """Flush the written data to disk, so a crash after the rename cannot leave an empty file."""
    fd = os.open(temp, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _commit(temp: Path, target: Path, *, force: bool) -> None:
    """Move *temp* to *target*: over a regular file with *force*, else only if none exists."""
    kind = _special_kind(target)  # checked again: it may have appeared meanwhile
    if kind is not None:
        raise OutputError(f"{target}: is {kind}, not a regular file; nothing was written")
    if force:
        os.replace(temp, target)
        return
    try:
        os.link(temp, target)  # fails if target exists: no window for a race
    except FileExistsError:
        raise OutputError(f"{target} already exists; use --force to replace it") from None
    except OSError as exc:
        if exc.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EXDEV):
            raise
        if target.exists():  # no hard links on this file system: check, then rename
            raise OutputError(f"{target} already exists; use --force to replace it") from None
        os.replace(temp, target)
    else:
        temp.unlink()


def _write_failure(target: Path, exc: OSError) -> str:
    reason = exc.strerror or str(exc)
    if exc.errno == errno.ENOSPC:
        return f"{target}: cannot write: no space left on the device; nothing was written"
    return f"{target}: cannot write: {reason}; nothing was written"


# --------------------------------------------------------------------------- signals

_raised = threading.Event()


def _raise_interrupted(signum: int, _frame: FrameType | None) -> None:
    if _raised.is_set():
        return  # one is on its way out already; let the cleanup finish
    _raised.set()
    raise Interrupted(signum)


@contextmanager
def signals_raise() -> Iterator[None]:
    """While active, SIGTERM and SIGHUP raise :class:`Interrupted` instead of killing at once.

    Cleanup code (``finally``, context managers) then runs as it does for Ctrl-C. Signals the
    program ignores or handles itself keep their handlers; outside the main thread (where Python
    cannot set handlers) this does nothing. Nested uses are fine.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    installed = []
    for signum in CLEANUP_SIGNALS:
        if signal.getsignal(signum) is signal.SIG_DFL:
            signal.signal(signum, _raise_interrupted)
            installed.append(signum)
    try:
        yield
    finally:
        for signum in installed:
            signal.signal(signum, signal.SIG_DFL)
        if installed:
            _raised.clear()


def end_by_signal(signum: int) -> None:
    """End the process by *signum* with its default action (the shell sees 128 + *signum*).

    Called by the CLI edge after cleanup, so that a parent (a shell loop, ``timeout``, a
    service manager) learns that certpath was interrupted rather than that it failed.
    """
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):
            pass
    signal.signal(signum, signal.SIG_DFL)
    os.kill(os.getpid(), signum)
    raise SystemExit(128 + signum)  # where the signal does not end the process (Windows)


__all__ = [
    "CLEANUP_SIGNALS",
    "STDOUT",
    "atomic_file",
    "atomic_path",
    "check_target",
    "end_by_signal",
    "is_stdout",
    "open_output",
    "signals_raise",
    "write_bytes",
    "write_text",
]
