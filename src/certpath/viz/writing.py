"""Writing a page: through :mod:`certpath.output` (atomically, into a folder that exists, only
over a regular file and only with ``force``)."""

from __future__ import annotations

import os
from pathlib import Path


def check_output(path: str | os.PathLike[str], *, force: bool = False) -> Path:
    """Check that a page may be written to *path*, before any work is done.

    The rules are :func:`certpath.output.check_target`'s (``-`` is refused: a page never goes
    to standard output from here).

    Raises
    ------
    OutputError
        The folder does not exist or is not writable, *path* is a folder, symbolic link or other
        file that is not a regular one, or the file exists and *force* is False.
    """
    from certpath.output import check_target

    return check_target(path, force=force)


def write_html(html: str, path: str | os.PathLike[str], *, force: bool = False) -> Path:
    """Write *html* to *path* atomically (:func:`certpath.output.write_text`).

    An existing file is replaced only with *force*; readers never see a half-written page.

    Raises
    ------
    OutputError
        As :func:`check_output`, or when writing fails (nothing is left behind).

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
    from certpath.output import write_text

    return write_text(html, path, force=force)
