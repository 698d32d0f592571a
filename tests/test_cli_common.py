"""Tests of the CLI edge (certpath.cli.common) in-process, as notebooks and CliRunner see it."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from certpath.cli.common import EscapingStream, wants_json
from certpath.cli.main import cli

TINY = str(Path(__file__).resolve().parent / "data" / "tiny.ttl")
EVIL = (
    "@prefix cp: <https://w3id.org/certpath/ontology#> .\n"
    "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n"
    '<urn:x:evil> a cp:Course ; skos:prefLabel "A\\u001B]0;t\\u0007B"@en .\n'
)


def test_text_output_is_escaped_and_json_is_not(tmp_path: Path) -> None:
    evil = tmp_path / "evil.ttl"
    evil.write_text(EVIL, encoding="utf-8")
    runner = CliRunner()
    text = runner.invoke(cli, ["--data", str(evil), "show", "urn:x:evil"])
    assert text.exit_code == 0 and text.stdout.startswith("A\\x1b]0;t\\x07B (urn:x:evil)\n")
    data = runner.invoke(cli, ["--data", str(evil), "show", "urn:x:evil", "--format", "json"])
    assert json.loads(data.stdout)["label"] == "A\x1b]0;t\x07B"


def test_errors_print_json_with_format_json() -> None:
    result = CliRunner().invoke(cli, ["--data", TINY, "show", "nope", "--format", "json"])
    assert result.exit_code == 4
    assert json.loads(result.stdout)["exit"] == 4
    assert result.stderr.startswith("Error: no entity named 'nope'")
    plain = CliRunner().invoke(cli, ["--data", TINY, "show", "nope"])
    assert plain.exit_code == 4 and plain.stdout == ""


def test_one_line_errors_escape_newlines() -> None:
    result = CliRunner().invoke(cli, ["--data", TINY, "show", "two\nlines"])
    assert result.stderr.splitlines() == [result.stderr.strip()]
    assert "two\\nlines" in result.stderr


def test_wants_json_stops_at_double_dash() -> None:
    assert not wants_json(["search", "--", "--format", "json"])
    assert wants_json(["import", "esco", "x", "--format", "json", "-o", "y.nt"])


def test_escaping_stream_keeps_newlines_and_tabs(tmp_path: Path) -> None:
    target = (tmp_path / "out.txt").open("w", encoding="utf-8")
    stream = EscapingStream(target)
    stream.write("a\tb\nc\x1b[2J\r\n")
    stream.flush()
    target.close()
    assert (tmp_path / "out.txt").read_text(encoding="utf-8") == "a\tb\nc\\x1b[2J\\r\n"
