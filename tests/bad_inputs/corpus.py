"""The bad-input corpus: hostile or clumsy inputs run through the real CLI in a subprocess.

Each ``test_*.py`` file of this folder holds the cases of one area as :class:`Case` values, run
by :func:`check` through ``python -m certpath`` in a fresh folder (so signals, pipes, stdin and
exit codes are real). A case names the exact exit code and the first words of the one ``Error:``
line the user must see; no case may print a traceback. ``README.md`` lists the areas.

An area file runs its cases concurrently (:func:`run_all`, one subprocess per case, as many at
a time as there are cores) and checks each in its own test (:func:`verify`)::

    CASES = [Case("missing-file", ("--data", "nope.ttl", "stats"), 2, "nope.ttl: no such file")]

    @pytest.fixture(scope="module")
    def results(tmp_path_factory):
        return run_all(CASES, tmp_path_factory.mktemp("area"))

    @parametrize(CASES)
    def test_case(case, results):
        verify(case, *results[case.id])

A case whose exit code is 0 (input that must be accepted) prints no ``Error:`` line at all; its
``message`` is then a text that stdout must contain ("" for none).
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

#: Subprocesses run at once by :func:`run_all` (each is mostly one CPU-bound Python process).
WORKERS = max(2, min(8, os.cpu_count() or 2))


@dataclass(frozen=True)
class Case:
    """One bad input and what the user must get back."""

    id: str
    args: tuple[str, ...]
    exit_code: int
    #: The start of the error text after ``Error: `` (the whole message must be one line).
    #: For exit code 0: a text stdout must contain.
    message: str
    #: Files written into the case's folder before the run (name -> text or bytes).
    files: Mapping[str, str | bytes] = field(default_factory=dict)
    stdin: bytes | None = None
    #: Extra environment variables.
    env: Mapping[str, str] = field(default_factory=dict)
    #: More preparation of the folder than files: FIFOs, links, modes (called with the folder).
    setup: Callable[[Path], None] | None = None
    #: More checks after the run, called with the folder and the finished process (for
    #: example: nothing was written, a file was left as it was).
    after: Callable[[Path, subprocess.CompletedProcess[bytes]], None] | None = None
    #: Seconds before the run counts as hanging (a bomb must fail fast, not time out).
    timeout: float = 120


def run_certpath(
    args: Sequence[str],
    *,
    cwd: Path,
    stdin: bytes | None = None,
    env: Mapping[str, str] | None = None,
    timeout: float = 120,
) -> subprocess.CompletedProcess[bytes]:
    """Run ``python -m certpath ARGS`` in *cwd* and return the finished process."""
    environment = {**os.environ, "NO_COLOR": "1", **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "certpath", *args],
        cwd=cwd,
        input=stdin,
        env=environment,
        capture_output=True,
        timeout=timeout,
        check=False,
    )


def write_files(folder: Path, files: Mapping[str, str | bytes]) -> None:
    """Write each file of *files* (name -> content) into *folder*."""
    for name, content in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")


def prepare(case: Case, folder: Path) -> None:
    """Write the case's files into *folder* and run its setup."""
    folder.mkdir(parents=True, exist_ok=True)
    write_files(folder, case.files)
    if case.setup is not None:
        case.setup(folder)


def run_case(case: Case, folder: Path) -> subprocess.CompletedProcess[bytes]:
    """Prepare *folder* for *case* and run it."""
    prepare(case, folder)
    return run_certpath(case.args, cwd=folder, stdin=case.stdin, env=case.env, timeout=case.timeout)


def verify(case: Case, done: subprocess.CompletedProcess[bytes], folder: Path) -> None:
    """Assert what *case* promises about *done* (the run in *folder*)."""
    stderr = done.stderr.decode("utf-8", "replace")
    assert "Traceback" not in stderr, stderr
    assert done.returncode == case.exit_code, (done.returncode, stderr)
    errors = [line for line in stderr.splitlines() if line.startswith("Error: ")]
    if case.exit_code == 0:
        assert errors == [], stderr
        assert case.message in done.stdout.decode("utf-8", "replace"), done.stdout[:2000]
    else:
        assert len(errors) == 1, stderr
        assert errors[0].removeprefix("Error: ").startswith(case.message), (
            errors[0],
            case.message,
        )
    if case.after is not None:
        case.after(folder, done)


def check(case: Case, folder: Path) -> subprocess.CompletedProcess[bytes]:
    """Run *case* in *folder* and assert its exit code and its one-line error."""
    done = run_case(case, folder)
    verify(case, done, folder)
    return done


def run_all(
    cases: Sequence[Case], root: Path
) -> dict[str, tuple[subprocess.CompletedProcess[bytes], Path]]:
    """Run *cases* concurrently, each in ``root/ID``; return id -> (process, folder)."""
    ids = [case.id for case in cases]
    assert len(ids) == len(set(ids)), "case ids must be unique"

    def one(case: Case) -> tuple[str, tuple[subprocess.CompletedProcess[bytes], Path]]:
        folder = root / case.id
        return case.id, (run_case(case, folder), folder)

    with ThreadPoolExecutor(WORKERS) as pool:
        return dict(pool.map(one, cases))


def parametrize(cases: Sequence[Case]) -> Any:
    """``pytest.mark.parametrize("case", cases)`` with the case ids as test ids."""
    return pytest.mark.parametrize("case", cases, ids=[case.id for case in cases])


# --------------------------------------------------------------------------- checks for `after`


def unchanged(name: str, content: str | bytes) -> Callable[[Path, Any], None]:
    """An ``after`` check: the file *name* still holds *content*."""

    def check_unchanged(folder: Path, _done: Any) -> None:
        path = folder / name
        found = path.read_bytes() if isinstance(content, bytes) else path.read_text("utf-8")
        assert found == content, f"{name} was changed"

    return check_unchanged


def only_files(*names: str) -> Callable[[Path, Any], None]:
    """An ``after`` check: the folder holds exactly *names* (no output, no temporary file)."""

    def check_only(folder: Path, _done: Any) -> None:
        assert sorted(p.name for p in folder.iterdir()) == sorted(names)

    return check_only


def all_of(*checks: Callable[[Path, Any], None]) -> Callable[[Path, Any], None]:
    """An ``after`` check made of several."""

    def check_all(folder: Path, done: Any) -> None:
        for one in checks:
            one(folder, done)

    return check_all
