"""The look-up commands end to end: validate, show, search, stats, and bad input at the CLI edge."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from certpath import __version__
from certpath.cli.main import COMMANDS, cli

HEADER = (
    "@prefix cp: <https://w3id.org/certpath/ontology#> .\n"
    "@prefix cpd: <https://w3id.org/certpath/data/> .\n"
    "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n"
    "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n"
)
TINY = str(Path(__file__).parent / "data" / "tiny.ttl")


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout, result.stderr


def test_version() -> None:
    assert run("--version") == (0, f"certpath, version {__version__}\n", "")


def test_python_dash_m() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "certpath", "--version"], capture_output=True, text=True, check=True
    )
    assert out.stdout == f"certpath, version {__version__}\n"


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_every_command_has_help(command: str) -> None:
    code, out, _ = run(command, "-h")
    assert code == 0
    assert "Usage: " in out and "--help" in out
    assert len(out.splitlines()) > 3


def test_validate_bundled() -> None:
    code, out, err = run("validate")
    assert code == 0, out
    assert out.startswith("valid: ") and out.endswith(" 0 violations, 0 warnings\n")
    assert err == ""


def test_validate_json() -> None:
    code, out, _ = run("validate", "--format", "json")
    data = json.loads(out)
    assert code == 0 and data["valid"] is True and data["violations"] == []


def test_stats_counts_what_was_loaded() -> None:
    code, out, _ = run("--data", TINY, "stats", "--format", "json")
    data = json.loads(out)
    assert code == 0
    assert data["classes"]["cp:Role"] == 2
    assert data["classes"]["cp:Competency"] == 4
    assert data["classes"]["cp:Certification"] == 1 and data["classes"]["cp:Course"] == 1
    assert data["properties"]["cp:requires"] == 4
    code, text, _ = run("--data", TINY, "stats")
    assert code == 0 and text.startswith(
        f"{data['triples']} triples, {data['entities']} entities\n"
    )


def test_show_by_slug_curie_iri_label_alias() -> None:
    expected = run("show", "cspo", "--format", "json")[1]
    for name in (
        "cpd:cspo",
        "https://w3id.org/certpath/data/cspo",
        "CSPO",
        "certified scrum product owner",
    ):
        assert run("show", name, "--format", "json")[1] == expected, name


def test_show_competency_lists_incoming_links() -> None:
    code, out, _ = run("show", "pi planning", "--format", "json")
    data = json.loads(out)
    assert code == 0 and data["curie"] == "cpd:pi-planning"
    roles = {e["curie"]: e["level"] for e in data["incoming"]["cp:requires"]}
    offers = {e["curie"]: e["level"] for e in data["incoming"]["cp:teaches"]}
    assert "cpd:safe-product-owner" in roles and "cpd:release-train-engineer" in roles
    assert "cpd:safe-popm-cert" in offers and offers["cpd:safe-rte"] == 4


def test_show_text_on_tiny_graph() -> None:
    code, out, _ = run("--data", TINY, "show", "backlog")
    assert code == 0
    assert out.splitlines()[0] == "Backlog management (cpd:backlog)"
    assert "  cp:requires ← Owner (cpd:owner) (level 2)" in out
    assert "  skos:broader ← Backlog ordering (cpd:ordering)" in out


def test_show_ambiguous_and_unknown(tmp_path: Path) -> None:
    path = tmp_path / "amb.ttl"
    path.write_text(
        HEADER
        + 'cpd:a a cp:Competency ; skos:prefLabel "Planning"@en .\n'
        + 'cpd:b a cp:Role ; skos:prefLabel "Planning"@en .\n',
        encoding="utf-8",
    )
    code, out, err = run("--data", str(path), "show", "planning")
    assert code == 4 and out == ""
    assert err == (
        "Error: 'planning' is ambiguous: it names cpd:a (Planning, competency); "
        "cpd:b (Planning, role). Use one of the CURIEs.\n"
    )
    code, out, err = run("show", "backlog ownershp")
    assert code == 4 and out == ""
    assert err.startswith(
        "Error: no entity named 'backlog ownershp'; did you mean Backlog ownership"
    )
    assert err.count("\n") == 1


def test_search_ranks_exact_first() -> None:
    code, out, _ = run("search", "PI Planning", "--format", "json")
    hits = json.loads(out)
    assert code == 0 and hits[0]["curie"] == "cpd:pi-planning" and hits[0]["score"] >= 1
    code, out, _ = run("search", "Program Increment Planning", "--limit", "1")
    assert out.split()[1] == "cpd:pi-planning"


def test_search_any_language() -> None:
    code, out, _ = run("--data", TINY, "search", "gestion du backlog", "--format", "json")
    assert json.loads(out)[0]["curie"] == "cpd:backlog"


BAD_INPUT = [
    ("missing.ttl", None, 2, "missing.ttl: no such file or folder"),
    ("empty.ttl", "", 2, "empty.ttl: file is empty"),
    ("broken.ttl", HEADER + "cpd:a a cp:Course\ncpd:b a cp:Course .\n", 2, "broken.ttl:6:"),
    ("data.yaml", "a: 1\n", 2, "unknown RDF format '.yaml'"),
    ("lang.ttl", HEADER + 'cpd:a a cp:Course ; skos:prefLabel "A"@-x- .\n', 2, "lang.ttl:5:"),
]


@pytest.mark.parametrize(("name", "content", "code", "message"), BAD_INPUT)
def test_unreadable_input_one_line_error(
    tmp_path: Path, name: str, content: str | None, code: int, message: str
) -> None:
    path = tmp_path / name
    if content is not None:
        path.write_text(content, encoding="utf-8")
    before = sorted(tmp_path.iterdir())
    for command in (["validate"], ["stats"], ["show", "x"]):
        exit_code, out, err = run("--data", str(path), *command)
        assert exit_code == code and out == ""
        assert err.startswith("Error: ") and message in err and err.count("\n") == 1, err
    assert sorted(tmp_path.iterdir()) == before  # nothing written


def test_folder_without_rdf(tmp_path: Path) -> None:
    (tmp_path / "readme.txt").write_text("hi", encoding="utf-8")
    code, _, err = run("--data", str(tmp_path), "validate")
    assert code == 2 and "folder holds no RDF files" in err


INVALID_DATA = [
    (
        'cpd:o a cp:Course ; skos:prefLabel "O"@en ; cp:durationHours "sixteen"^^xsd:decimal .\n',
        'cpd:o cp:durationHours: cp:durationHours must be one xsd:decimal >= 0 (value: "sixteen")',
    ),
    (
        'cpd:o a cp:Course ; skos:prefLabel "O"@en ; cp:durationHours -4.0 .\n',
        'cpd:o cp:durationHours: cp:durationHours must be one xsd:decimal >= 0 (value: "-4',
    ),
    (
        'cpd:a a cp:Course ; skos:prefLabel "A"@en ; cp:prerequisite cpd:b .\n'
        'cpd:b a cp:Course ; skos:prefLabel "B"@en ; cp:prerequisite cpd:a .\n',
        "cpd:a cp:prerequisite: prerequisite cycle: cpd:a → cpd:b → cpd:a",
    ),
    (
        'cpd:a a cp:Course ; skos:prefLabel "A"@en ; cp:teaches cpd:ghost .\n',
        "cpd:a cp:teaches: refers to cpd:ghost, which nothing defines (no rdf:type)",
    ),
]


@pytest.mark.parametrize(("body", "line"), INVALID_DATA)
def test_invalid_data_exit_1_lists_violation(tmp_path: Path, body: str, line: str) -> None:
    path = tmp_path / "case.ttl"
    path.write_text(HEADER + body, encoding="utf-8")
    code, out, err = run("--data", str(path), "validate")
    assert code == 1, out
    assert any(found.startswith(f"violation: {line}") for found in out.splitlines()), out
    assert out.splitlines()[-1].startswith("invalid: ")
    code, out, _ = run("--data", str(path), "validate", "--format", "json")
    data = json.loads(out)
    assert code == 1 and data["valid"] is False
    assert all({"focus", "path", "message"} <= set(v) for v in data["violations"])
