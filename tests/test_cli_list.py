"""The listing commands end to end: roles, competencies, offers in table, JSON and CSV."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from certpath.cli.main import cli
from certpath.graph import KnowledgeGraph
from certpath.listing import competencies, instances


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_offers_table_exact() -> None:
    code, out, err = run("offers", "--max-cost", "0")
    assert (code, err) == (0, "")
    assert out.splitlines() == [
        "label                                    curie                   type    provider   hours"
        "  cost  currency  delivery   frameworks  teaches",
        "Scrum Guide and Scrum Open (self-study)  cpd:learn-scrum-basics  course  Scrum.org      4"
        "     0  USD       SelfPaced  Scrum             1",
    ]


def test_json_rows_describe_themselves(bundled: KnowledgeGraph) -> None:
    code, out, _ = run("competencies", "--format", "json")
    rows = json.loads(out)
    assert code == 0 and len(rows) == len(instances(bundled, "competency"))
    assert rows == competencies(bundled).to_dict()
    assert all(list(r)[:4] == ["iri", "curie", "label", "kind"] for r in rows)


def test_every_row_on_a_pipe() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "certpath", "competencies", "--format", "csv"],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    rows = list(csv.reader(io.StringIO(done.stdout)))
    assert rows[0] == ["label", "curie", "broader", "taught_by", "required_by"]
    assert len(rows) - 1 == 37 and done.stderr == ""


def test_limit_says_how_many_there_are() -> None:
    code, out, err = run("roles", "--limit", "2", "--format", "csv")
    assert code == 0 and len(out.splitlines()) == 3
    assert err == "note: 2 of 12 role rows shown; --limit 0 shows all\n"


def test_csv_makes_formula_cells_text(tmp_path: Path) -> None:
    data = tmp_path / "evil.ttl"
    data.write_text(
        "@prefix cp: <https://w3id.org/certpath/ontology#> .\n"
        "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n"
        '<https://ex.org/r> a cp:Role ; skos:prefLabel "=HYPERLINK(\\"http://x\\")"@en .\n',
        encoding="utf-8",
    )
    code, out, _ = run("--data", str(data), "roles", "--format", "csv")
    assert code == 0
    assert list(csv.reader(io.StringIO(out)))[1][0] == '\'=HYPERLINK("http://x")'


def test_table_escapes_control_characters(tmp_path: Path) -> None:
    data = tmp_path / "esc.ttl"
    data.write_text(
        "@prefix cp: <https://w3id.org/certpath/ontology#> .\n"
        "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n"
        '<https://ex.org/r> a cp:Role ; skos:prefLabel "a\\u001b[2Jb"@en .\n',
        encoding="utf-8",
    )
    done = subprocess.run(
        [sys.executable, "-m", "certpath", "--data", str(data), "roles"],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert "\x1b" not in done.stdout  # click drops the sequence on a pipe; a terminal sees \x1b
    assert done.stdout.splitlines()[1].startswith("a")


def test_unknown_filter_value_exits_4_with_json_error() -> None:
    code, out, err = run("offers", "--provider", "nobody", "--format", "json")
    assert code == 4
    assert json.loads(out)["error"].startswith("no provider named 'nobody'")
    assert err.startswith("Error: no provider named 'nobody'")


def test_nothing_matches_says_so() -> None:
    code, out, err = run("offers", "--max-hours", "0")
    assert (code, out, err) == (0, "", "no offer matches\n")
