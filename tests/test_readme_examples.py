"""The README's worked examples print what the CLI prints (on the bundled data).

Each ```text block that starts with ``$ certpath ...`` (a command, ``\\`` continues it) is run
in-process with click's CliRunner and its output compared line by line. A README line that ends
in ``, ...`` stands for a longer line that starts with the text before ``...`` (a long ``meets:``
list shortened for reading).
"""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
from click.testing import CliRunner

from certpath.cli.main import cli

README = Path(__file__).resolve().parents[1] / "README.md"


def examples(text: str) -> list[tuple[str, list[str]]]:
    """(command line, expected output lines) of each ``$ certpath`` block of *text*.

    >>> examples("```text\\n$ certpath a \\\\\\n    b\\nout\\n```\\n")
    [('certpath a b', ['out'])]
    """
    found = []
    for block in re.findall(r"^```text\n(.*?)^```$", text, re.MULTILINE | re.DOTALL):
        lines = block.splitlines()
        if not lines or not lines[0].startswith("$ certpath "):
            continue
        command = lines.pop(0)[2:]
        while command.endswith("\\"):
            command = command[:-1].rstrip() + " " + lines.pop(0).strip()
        found.append((command, lines))
    return found


def same(expected: str, actual: str) -> bool:
    """Whether README line *expected* stands for *actual* (``, ...`` shortens a line).

    >>> same("meets: a, ...", "meets: a, b, c"), same("meets: a, ...", "meets: b, c")
    (True, False)
    """
    if expected.endswith(", ..."):
        return actual.startswith(expected[:-3]) and len(actual) > len(expected) - 3
    return expected == actual


EXAMPLES = examples(README.read_text(encoding="utf-8"))


def test_the_readme_has_worked_examples() -> None:
    commands = [command for command, _ in EXAMPLES]
    assert len(commands) >= 2
    assert any("--minimize months" in c and "csp-po" in c for c in commands)


@pytest.mark.parametrize(("command", "expected"), EXAMPLES, ids=[c for c, _ in EXAMPLES])
def test_a_readme_example_prints_what_the_cli_prints(command: str, expected: list[str]) -> None:
    args = shlex.split(command)[1:]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    actual = result.stdout.splitlines()
    assert len(actual) == len(expected), "\n".join(actual)
    wrong = [(e, a) for e, a in zip(expected, actual, strict=True) if not same(e, a)]
    assert wrong == [], "\n".join(actual)
