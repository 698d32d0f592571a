"""``certpath import catalog``: a training catalog CSV to validated Turtle."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import rdflib
from click.testing import CliRunner
from rdflib.compare import isomorphic

from certpath.cli.main import cli
from certpath.importers.catalog import COLUMNS

DATA = Path(__file__).parent / "data" / "catalog"
TEMPLATE = Path(__file__).resolve().parents[1] / "src/certpath/importers/catalog-template.csv"
SAMPLE = Path(__file__).parent / "data" / "esco-sample"
HEADER = ",".join(COLUMNS)

EXPECTED_TEMPLATE_TTL = """
@prefix cp: <https://w3id.org/certpath/ontology#> .
@prefix cpd: <https://w3id.org/certpath/data/> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
cpd:acme-po-bootcamp a cp:Course ; skos:prefLabel "ACME Product Owner Bootcamp"@en ;
  cp:offeredBy cpd:acme-academy ; cp:durationHours 24.0 ; cp:cost 1200.0 ; cp:currency "USD" ;
  cp:deliveryMode cp:Classroom , cp:LiveOnline ;
  cp:teaches cpd:backlog-ownership , cpd:pi-planning , cpd:user-story-writing ;
  cp:qualifiedOutcome [ a cp:Outcome ; cp:competency cpd:backlog-ownership ; cp:level 3 ] ,
    [ a cp:Outcome ; cp:competency cpd:pi-planning ; cp:level 2 ] ;
  dcterms:source <https://academy.example.com/po-bootcamp> .
cpd:acme-academy a cp:Provider ; skos:prefLabel "ACME Academy"@en .
cpd:acme-po-advanced a cp:Certification ; skos:prefLabel "ACME Advanced Product Owner"@en ;
  cp:offeredBy cpd:acme-academy ; cp:durationHours 16.0 ; cp:cost 900.0 ; cp:currency "USD" ;
  cp:deliveryMode cp:LiveOnline ; cp:teaches cpd:backlog-refinement ;
  cp:qualifiedOutcome [ a cp:Outcome ; cp:competency cpd:backlog-refinement ; cp:level 4 ] ;
  cp:prerequisite cpd:acme-po-bootcamp ;
  dcterms:source <https://academy.example.com/po-advanced> .
"""


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


def write_csv(folder: Path, *rows: str) -> Path:
    path = folder / "catalog.csv"
    path.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    return path


def test_template_converts_to_the_expected_graph(tmp_path: Path) -> None:
    out = tmp_path / "catalog.ttl"
    code, stdout, stderr = run("import", "catalog", str(TEMPLATE), "-o", str(out))
    assert (code, stderr) == (0, "")
    assert stdout == (
        f"2 offers, 36 triples written to {out}\n"
        "  new provider: https://w3id.org/certpath/data/acme-academy\n"
    )
    expected = rdflib.Graph().parse(data=EXPECTED_TEMPLATE_TTL, format="turtle")
    assert isomorphic(rdflib.Graph().parse(out, format="turtle"), expected)


def test_template_is_the_test_copy() -> None:
    assert (DATA / "valid.csv").read_text() == TEMPLATE.read_text()


def test_output_loads_beside_bundled_data_and_validates(tmp_path: Path) -> None:
    out = tmp_path / "catalog.ttl"
    assert run("import", "catalog", str(TEMPLATE), "-o", str(out))[0] == 0
    code, stdout, _ = run("--data", "bundled", "--data", str(out), "validate")
    assert code == 0
    assert stdout.splitlines()[-1].startswith("valid: ")


def test_existing_provider_is_reused(tmp_path: Path) -> None:
    csv_file = write_csv(tmp_path, "po-course,PO course,course,scrum.org,8,100,USD,,,,")
    code, stdout, _ = run("import", "catalog", str(csv_file), "-o", str(tmp_path / "c.ttl"))
    assert code == 0
    assert stdout == f"1 offers, 6 triples written to {tmp_path / 'c.ttl'}\n"
    graph = rdflib.Graph().parse(tmp_path / "c.ttl")
    offered = {str(o) for o in graph.objects(predicate=rdflib.URIRef(
        "https://w3id.org/certpath/ontology#offeredBy"))}  # fmt: skip
    assert offered == {"https://w3id.org/certpath/data/scrum-org"}


def test_every_bad_row_and_column_is_named_and_nothing_is_written(tmp_path: Path) -> None:
    out = tmp_path / "out.ttl"
    code, stdout, stderr = run("import", "catalog", str(DATA / "bad-rows.csv"), "-o", str(out))
    f = DATA / "bad-rows.csv"
    assert code == 2
    assert stdout == ""
    assert stderr.splitlines() == [
        f"Error: {f}:3: column id: 'Bad Id' is not a slug (lower-case letters, digits, '-')",
        f"Error: {f}:4: column type: 'webinar' is not one of certification, course",
        f"Error: {f}:5: column hours: '-3' is not a number >= 0",
        f"Error: {f}:5: column cost: 'ten' is not a number >= 0",
        f"Error: {f}:5: column currency: 'usd' is not an ISO 4217 code like USD",
        f"Error: {f}:5: column delivery_mode: 'on-site' is not one of classroom, live-online, "
        "self-paced, assessment-only",
        f"Error: {f}:5: column teaches: 'Scrum fundamentals@7': the level must be an integer 1..5",
        f"Error: {f}:5: column source_url: 'ftp://x' is not an http(s) URL",
    ]
    assert list(tmp_path.iterdir()) == []


def test_unknown_competency_suggests_names_exit_4(tmp_path: Path) -> None:
    f = DATA / "unknown-names.csv"
    code, _, stderr = run("import", "catalog", str(f), "-o", str(tmp_path / "c.ttl"))
    assert code == 4
    assert stderr.splitlines()[0] == (
        f"Error: {f}:2: column teaches: no competency named 'Interaction desing'; did you mean "
        "Decision making (cpd:decision-making), AI solution scoping (cpd:ai-solution-scoping), "
        "Backlog ordering (cpd:backlog-ordering), Risk management (cpd:risk-management), "
        "Team coaching (cpd:team-coaching)? (or use --create-missing)"
    )
    assert len(stderr.splitlines()) == 2
    assert list(tmp_path.iterdir()) == []


def test_create_missing_makes_competencies(tmp_path: Path) -> None:
    out = tmp_path / "c.ttl"
    code, stdout, _ = run(
        "import", "catalog", str(DATA / "unknown-names.csv"), "-o", str(out),
        "--create-missing", "--format", "json",
    )  # fmt: skip
    assert code == 0
    assert json.loads(stdout) == {
        "output": str(out),
        "offers": 1,
        "new_providers": [],
        "new_competencies": [
            "https://w3id.org/certpath/data/interaction-desing",
            "https://w3id.org/certpath/data/backlog-refinment",
        ],
        "triples": 17,
        "warnings": [],
    }


def test_esco_labels_resolve_when_esco_is_loaded(tmp_path: Path) -> None:
    esco = tmp_path / "esco.nt"
    assert run("import", "esco", str(SAMPLE), "-o", str(esco))[0] == 0
    csv_file = write_csv(
        tmp_path, "sdlc-course,SDLC course,course,,,,,,application development life-cycle@2,,"
    )
    out = tmp_path / "c.ttl"
    code, _, stderr = run(
        "--data", "bundled", "--data", str(esco), "import", "catalog", str(csv_file), "-o", str(out)
    )
    assert code == 0, stderr
    assert "escoskill:09f2f811-a3fb-4de3-a70f-6420a6935575" in out.read_text()
    code, _, _ = run("import", "catalog", str(csv_file), "-o", str(tmp_path / "d.ttl"))
    assert code == 4  # without ESCO loaded the name is unknown


def test_shape_violation_exit_1(tmp_path: Path) -> None:
    csv_file = write_csv(tmp_path, "eur-course,EUR course,course,,,100,EUR,,,,")
    out = tmp_path / "c.ttl"
    code, _, stderr = run("import", "catalog", str(csv_file), "-o", str(out))
    assert code == 1
    assert stderr.startswith("Error: the catalog with the loaded data is invalid (1 violations); ")
    assert "prices are in several currencies" in stderr
    assert not out.exists()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "id,label,kind\nx,X,course\n",
            "{f}:1: unknown columns: kind; missing columns: type (columns: "
            + ", ".join(COLUMNS)
            + ")",
        ),
        (HEADER + "\nx,X,course\n", "{f}:2: expected 11 fields, found 3"),
        (HEADER + "\n", "{f}: no rows after the header"),
        ("", "{f}: file is empty"),
    ],
)
def test_unreadable_catalog_exit_2(tmp_path: Path, text: str, message: str) -> None:
    f = tmp_path / "catalog.csv"
    f.write_text(text, encoding="utf-8")
    code, _, stderr = run("import", "catalog", str(f), "-o", str(tmp_path / "c.ttl"))
    assert code == 2
    assert stderr == f"Error: {message.format(f=f)}\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["catalog.csv"]


def test_prerequisite_and_duplicate_id(tmp_path: Path) -> None:
    csv_file = write_csv(
        tmp_path,
        "a-course,A course,course,,,,,,,cspo,",
        "a-course,Again,course,,,,,,,,",
        "cspo,Clash,course,,,,,,,,",
    )
    code, _, stderr = run("import", "catalog", str(csv_file), "-o", str(tmp_path / "c.ttl"))
    assert code == 2
    assert stderr.splitlines() == [
        f"Error: {csv_file}:3: column id: 'a-course' is already defined "
        "(https://w3id.org/certpath/data/a-course)",
        f"Error: {csv_file}:4: column id: 'cspo' is already defined "
        "(https://w3id.org/certpath/data/cspo)",
    ]


def test_output_must_be_turtle(tmp_path: Path) -> None:
    code, _, stderr = run("import", "catalog", str(TEMPLATE), "-o", str(tmp_path / "c.nt"))
    assert code == 2
    assert (
        stderr
        == f"Error: {tmp_path / 'c.nt'}: the catalog is written as Turtle; name it FILE.ttl\n"
    )
