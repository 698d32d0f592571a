"""Writing a page: atomically, into a folder that exists, never over a file without ``force``."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from certpath.errors import OutputError


def check_output(path: str | os.PathLike[str], *, force: bool = False) -> Path:
    """Check that a page may be written to *path*, before any work is done.

    Raises
    ------
    OutputError
        The folder does not exist or is not writable, *path* is a folder, or the file exists
        and *force* is False.
    """
    target = Path(path)
    folder = target.parent
    if target.is_dir():
        raise OutputError(
            f"{target}: is a folder; give a file name such as {target / 'graph.html'}"
        )
    if not folder.is_dir():
        raise OutputError(f"{target}: folder {folder} does not exist")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise OutputError(f"{target}: folder {folder} is not writable")
    if target.exists() and not force:
        raise OutputError(f"{target} already exists; use --force to replace it")
    return target


def write_html(html: str, path: str | os.PathLike[str], *, force: bool = False) -> Path:
    """Write *html* to *path* atomically: a temporary file in the same folder, then a rename.

    An existing file is replaced only with *force*; readers never see a half-written page.

    Raises
    ------
    OutputError
        As :func:`check_output`, or when writing fails (the temporary file is removed).

    Examples
    --------
    >>> import pathlib, tempfile
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> write_html("<p>hi</p>", folder / "a.html").read_text()
    '<p>hi</p>'
    >>> write_html("<p>again</p>", folder / "a.html")
    Traceback (most recent call last):
    ...
    certpath.errors.OutputError: ...a.html already exists; use --force to replace it
    """
    target = check_output(path, force=force)
    fd, temp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(html)
        os.chmod(temp, 0o644)
        if force:
            os.replace(temp, target)
        else:
            _link_new(temp, target)
    except OSError as exc:
        Path(temp).unlink(missing_ok=True)
        raise OutputError(f"{target}: cannot write: {exc.strerror or exc}") from None
    return target


def _link_new(temp: str, target: Path) -> None:
    """Move *temp* to *target* only if *target* does not exist (atomically where links work)."""
    try:
        os.link(temp, target)
    except FileExistsError:
        Path(temp).unlink(missing_ok=True)
        raise OutputError(f"{target} already exists; use --force to replace it") from None
    except OSError:  # no hard links on this file system: check, then rename
        if target.exists():
            Path(temp).unlink(missing_ok=True)
            raise OutputError(f"{target} already exists; use --force to replace it") from None
        os.replace(temp, target)
    else:
        Path(temp).unlink()
