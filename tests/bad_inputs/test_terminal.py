"""Labels that try to drive the terminal (escape sequences, carriage returns, bidi overrides).

Text for people shows every such character as a visible escape (``\\x1b``); JSON and the data
formats keep the data as it is. Most cases run with pipes (where click already strips CSI
sequences such as ``ESC[2J``, but not ``ESC]0;`` titles); the pty test runs on a terminal.
"""

from __future__ import annotations

import json
import os
import pty
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from bad_inputs.corpus import Case, parametrize, run_all, verify

#: What a label may carry to attack a terminal: OSC title, clear screen, CR, C1 CSI, RLO.
EVIL = "Evil \x1b]0;pwned\x07 \x1b[2J\rcert \x9b31m \u202egnp.exe"
ESCAPED = "Evil \\x1b]0;pwned\\x07 \\x1b[2J\\rcert \\x9b31m \\u202egnp.exe"
RAW = ("\x1b", "\x07", "\r", "\x9b", "\u202e")


def turtle_string(text: str) -> str:
    return "".join(c if c.isalnum() or c in " .;" else f"\\u{ord(c):04X}" for c in text)


EVIL_TTL = f"""\
@prefix cp: <https://w3id.org/certpath/ontology#> .
@prefix cpd: <https://w3id.org/certpath/data/> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
cpd:evil a cp:Certification ; skos:prefLabel "{turtle_string(EVIL)}"@en ;
  cp:teaches cpd:evil-skill ; cp:durationHours 1.0 ; cp:cost 1.0 ; cp:currency "USD" .
cpd:evil-skill a cp:Competency ; skos:prefLabel "{turtle_string(EVIL)} skill"@en .
cpd:evil-role a cp:Role ; skos:prefLabel "{turtle_string(EVIL)} role"@en ;
  cp:requires cpd:evil-skill .
"""
SCRIPT_TTL = """\
@prefix cp: <https://w3id.org/certpath/ontology#> .
@prefix cpd: <https://w3id.org/certpath/data/> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
cpd:xss a cp:Course ;
  skos:prefLabel "<script>alert(1)</script><img src=x onerror=alert(2)> href"@en .
"""
#: The small hand-written graph of the tests, plus the evil labels.
TINY = str(Path(__file__).resolve().parents[1] / "data" / "tiny.ttl")
DATA = ("--data", TINY, "--data", "evil.ttl")
FILES = {"evil.ttl": EVIL_TTL}


def escaped_on(stream: str) -> Any:
    """An ``after`` check: no raw control character on *stream*, and the escaped label there."""

    def check(_folder: Path, done: Any) -> None:
        text = getattr(done, stream).decode("utf-8")
        assert not [c for c in RAW if c in text], text[:500]
        assert ESCAPED.replace("\\x1b[2J", "") in text.replace("\\x1b[2J", ""), text[:500]

    return check


def json_keeps_label(_folder: Path, done: Any) -> None:
    assert json.loads(done.stdout)["label"] == EVIL


def no_script(folder: Path, _done: Any) -> None:
    page = (folder / "page.html").read_text(encoding="utf-8")
    assert "<script>alert" not in page and "<img src=x" not in page
    assert "innerHTML" not in page


CASES = [
    # ---- issue 15, item 9: labels reached the terminal raw through show, path, search
    Case("show", (*DATA, "show", "cpd:evil"), 0, "(cpd:evil)", FILES, after=escaped_on("stdout")),
    Case("search", (*DATA, "search", "evil"), 0, "cpd:evil", FILES, after=escaped_on("stdout")),
    Case(
        "path",
        (*DATA, "path", "--target", "cpd:evil-role"),
        0,
        "1. ",
        FILES,
        after=escaped_on("stdout"),
    ),
    Case(
        "path-markdown",
        (*DATA, "path", "--target", "cpd:evil-role", "--format", "markdown"),
        0,
        "### Learning path",
        FILES,
        after=escaped_on("stdout"),
    ),
    Case(
        "gaps",
        (*DATA, "gaps", "--target", "cpd:evil-role"),
        0,
        "requirements met",
        FILES,
        after=escaped_on("stdout"),
    ),
    Case(
        "closest", (*DATA, "closest", "--top", "50"), 0, "role", FILES, after=escaped_on("stdout")
    ),
    Case(
        "query-table",
        (*DATA, "query", "SELECT ?l WHERE { cpd:evil skos:prefLabel ?l }", "--format", "table"),
        0,
        "Evil",
        FILES,
        after=escaped_on("stdout"),
    ),
    Case(
        "error-line",
        (*DATA, "path", "--target", "cpd:evil"),
        4,
        "'cpd:evil' is not a role: it names cpd:evil (Evil \\x1b]0;pwned\\x07",
        FILES,
    ),
    Case(
        "name-in-error",
        ("show", EVIL),
        4,
        "no entity named 'Evil \\x1b]0;pwned\\x07",
        after=escaped_on("stderr"),
    ),
    # JSON keeps the data (json escapes what it must); so do the data formats
    Case(
        "show-json",
        (*DATA, "show", "cpd:evil", "--format", "json"),
        0,
        '"label"',
        FILES,
        after=json_keeps_label,
    ),
    # ---- what already worked at 403bafe: script in labels never runs in the page
    Case(
        "script-in-label",
        (
            "--data",
            "xss.ttl",
            "render",
            "-o",
            "page.html",
            "--focus",
            "cpd:xss",
        ),
        0,
        "wrote page.html",
        {"xss.ttl": SCRIPT_TTL},
        after=no_script,
    ),
]


@pytest.fixture(scope="module")
def results(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    return run_all(CASES, tmp_path_factory.mktemp("terminal"))


@parametrize(CASES)
def test_case(case: Case, results: dict[str, Any]) -> None:
    verify(case, *results[case.id])


def on_terminal(args: list[str], cwd: Path) -> tuple[int, bytes]:
    """Run certpath with stdout on a pseudo-terminal; return (exit code, what it printed)."""
    leader, follower = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "certpath", *args],
        cwd=cwd,
        stdout=follower,
        stderr=subprocess.PIPE,
        env={**os.environ, "NO_COLOR": "1"},
    )
    os.close(follower)
    printed = b""
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the other end closed
            break
        if not chunk:
            break
        printed += chunk
    os.close(leader)
    process.communicate(timeout=60)
    return process.returncode, printed


@pytest.mark.parametrize(
    "args",
    [
        ["show", "cpd:evil"],
        ["search", "evil"],
        ["path", "--target", "cpd:evil-role"],
        ["query", "SELECT ?l WHERE { ?s skos:prefLabel ?l FILTER(?s = cpd:evil) }"],
    ],
    ids=["show", "search", "path", "query-default-table"],
)
def test_on_a_terminal(tmp_path: Path, args: list[str]) -> None:
    """On a real terminal click does not strip ``ESC[2J``: certpath escapes it."""
    (tmp_path / "evil.ttl").write_text(EVIL_TTL, encoding="utf-8")
    code, printed = on_terminal([*DATA, *args], tmp_path)
    text = printed.decode("utf-8")
    assert code == 0, text
    assert not [c for c in ("\x1b", "\x07", "\x9b", "\u202e") if c in text], text
    assert "\\x1b]0;pwned\\x07 \\x1b[2J\\rcert \\x9b31m \\u202egnp.exe" in text
