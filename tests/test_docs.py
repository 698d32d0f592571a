"""Documentation stays in step with the CLI: every command is documented and has help."""

from __future__ import annotations

import re
from pathlib import Path

import click
import pytest

from certpath.cli.main import COMMANDS, SHORT_HELP, cli

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
DOCS = README + "".join(p.read_text(encoding="utf-8") for p in (ROOT / "docs").glob("*.md"))


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_command_in_readme_with_help(name: str) -> None:
    assert re.search(rf"certpath (\[[^\]]*\] )?(--[a-z]+ \S+ )*{name}\b", README), name
    assert SHORT_HELP.get(name), name
    command = cli.get_command(click.Context(cli), name)
    assert command is not None and (command.help or "").strip(), name


def _options(command: click.Command) -> list[tuple[str, str]]:
    found = []
    if isinstance(command, click.Group):
        for sub in command.commands.values():
            found.extend(_options(sub))
    for param in command.params:
        if isinstance(param, click.Option):
            found.extend((command.name or "", opt) for opt in param.opts if opt.startswith("--"))
    return found


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_every_option_documented(name: str) -> None:
    command = cli.get_command(click.Context(cli), name)
    assert command is not None
    missing = [opt for _, opt in _options(command) if opt not in DOCS and opt != "--help"]
    assert missing == [], f"{name}: undocumented options {missing}"


def test_exit_codes_documented() -> None:
    for code in range(7):
        assert re.search(rf"^\| {code} \|", README, re.MULTILINE), code
