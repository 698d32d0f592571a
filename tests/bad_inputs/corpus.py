"""The bad-input corpus: hostile or clumsy inputs run through the real CLI in a subprocess.

Each ``test_*.py`` file of this folder holds the cases of one area as :class:`Case` values, run
by :func:`check` through ``python -m certpath`` in a fresh folder (so signals, pipes, stdin and
exit codes are real). A case names the exact exit code and the first words of the one ``Error:``
line the user must see; no case may print a traceback. ``README.md`` lists the areas.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class Case:
    """One bad input and what the user must get back."""

    id: str
    args: tuple[str, ...]
    exit_code: int
    #: The start of the error text after ``Error: `` (the whole message must be one line).
    message: str
    #: Files written into the case's folder before the run (name -> text or bytes).
    files: Mapping[str, str | bytes] = field(default_factory=dict)
    stdin: bytes | None = None
    #: Extra environment variables.
    env: Mapping[str, str] = field(default_factory=dict)


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


def check(case: Case, folder: Path) -> subprocess.CompletedProcess[bytes]:
    """Run *case* in *folder* and assert its exit code and its one-line error."""
    write_files(folder, case.files)
    done = run_certpath(case.args, cwd=folder, stdin=case.stdin, env=case.env)
    stderr = done.stderr.decode("utf-8", "replace")
    assert "Traceback" not in stderr, stderr
    assert done.returncode == case.exit_code, (done.returncode, stderr)
    errors = [line for line in stderr.splitlines() if line.startswith("Error: ")]
    assert len(errors) == 1, stderr
    assert errors[0].removeprefix("Error: ").startswith(case.message), (errors[0], case.message)
    return done
