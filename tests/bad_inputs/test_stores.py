"""Bad inputs for stores and SPARQL (issue 15 items 1, 16, 21, 22, 23, 24), through the real CLI.

Each failed before the fix: ``load`` only ever added (an edited file's old triples stayed, a
second load duplicated every blank node, a failing file left the files before it loaded); the
syntax check evaluated the query (calling a SERVICE endpoint); the missing-store advice was not
valid syntax; CONSTRUCT with ``--format csv`` suggested a format ``--format`` rejects; a copy
that hit an endpoint's row cap said "HTTP 503" without the server's reason; a bare slug as a
parameter silently matched nothing.
"""

from __future__ import annotations

import socket
import threading
import urllib.parse
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from bad_inputs.corpus import Case, check, run_certpath

ROLE = """@prefix cp: <https://w3id.org/certpath/ontology#> .
@prefix cpd: <https://w3id.org/certpath/data/> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
cpd:my-role a cp:Role ; skos:prefLabel "My role"@en ;
  cp:qualifiedRequirement [ cp:competency cpd:backlog-refinement ; cp:level LEVEL ] .
"""
BROKEN = "@prefix cp: <https://w3id.org/certpath/ontology#> .\ncp:x cp:y .\n"

CASES = [
    Case(  # item 21: the advice shows valid syntax (--store goes before the command)
        "missing-store-advice",
        ("--store", "oxigraph:nowhere", "stats"),
        2,
        "--store oxigraph:nowhere: no Oxigraph store there; fill one with "
        "'certpath --store oxigraph:nowhere load FILES...'",
    ),
    Case(
        "load-without-store",
        ("load", "bundled"),
        2,
        "load needs a persistent store: certpath --store oxigraph:DIR load FILES...",
    ),
    Case(  # item 22: only formats --format accepts
        "construct-as-csv",
        ("query", "CONSTRUCT WHERE { ?s ?p ?o }", "--format", "csv"),
        2,
        "--format csv does not fit a CONSTRUCT/DESCRIBE query; use one of table, turtle, jsonld",
    ),
    Case(
        "ask-as-turtle",
        ("query", "ASK { ?s ?p ?o }", "--format", "turtle"),
        2,
        "--format turtle does not fit an ASK query; use one of table, csv, tsv, json, xml",
    ),
    Case(  # item 24: a name that resolves to nothing is refused with the CLI's own message
        "param-names-no-role",
        ("query", "role-competencies", "--param", "role=no-such-role"),
        4,
        "no role named 'no-such-role'",
    ),
    Case(  # item 16: parsed, never evaluated: a syntax error is found without running anything
        "service-syntax-error",
        ("query", "--allow-service", "ASK { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p } }"),
        2,
        "syntax error at line 1, column",
    ),
    Case(  # item 16: an unknown function is refused before anything runs
        "unknown-function",
        ("query", "SELECT (<http://example.org/f>(1) AS ?x) {}"),
        2,
        "query not supported: the function <http://example.org/f>",
    ),
    Case(  # item 1: a failing file changes nothing (its line named)
        "load-broken-file",
        ("--store", "oxigraph:db", "load", "role.ttl", "broken.ttl"),
        2,
        "broken.ttl:2:",
        files={"role.ttl": ROLE.replace("LEVEL", "2"), "broken.ttl": BROKEN},
    ),
]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_case(case: Case, tmp_path: Path) -> None:
    check(case, tmp_path)


def _ok(args: list[str], folder: Path) -> str:
    done = run_certpath(args, cwd=folder)
    assert done.returncode == 0, done.stderr.decode()
    return done.stdout.decode()


def test_load_replaces_what_a_file_contributed(tmp_path: Path) -> None:
    """Item 1: an edited file replaces its old triples (a lowered level stays lowered), a second
    load of the same file duplicates nothing, a failing load leaves the store as it was."""
    role = tmp_path / "role.ttl"
    role.write_text(ROLE.replace("LEVEL", "5"), encoding="utf-8")
    store = ["--store", "oxigraph:db"]
    _ok([*store, "load", "bundled", "role.ttl"], tmp_path)
    outcomes = "SELECT (COUNT(*) AS ?n) { ?o a cp:Outcome }"
    count = _ok([*store, "query", outcomes, "--format", "csv"], tmp_path)
    role.write_text(ROLE.replace("LEVEL", "2"), encoding="utf-8")
    _ok([*store, "load", "bundled", "role.ttl"], tmp_path)  # the same files again, one edited
    assert _ok([*store, "query", outcomes, "--format", "csv"], tmp_path) == count
    levels = "SELECT ?l { cpd:my-role cp:qualifiedRequirement/cp:level ?l }"
    assert _ok([*store, "query", levels, "--format", "csv"], tmp_path).split() == ["l", "2"]
    path = ["path", "--target", "cpd:my-role", "--format", "json"]
    assert _ok([*store, *path], tmp_path) == _ok(
        ["--data", "bundled", "--data", "role.ttl", *path], tmp_path
    )
    (tmp_path / "broken.ttl").write_text(BROKEN, encoding="utf-8")
    role.write_text(ROLE.replace("LEVEL", "4"), encoding="utf-8")
    failed = run_certpath([*store, "load", "role.ttl", "broken.ttl"], cwd=tmp_path)
    assert failed.returncode == 2
    assert _ok([*store, "query", levels, "--format", "csv"], tmp_path).split() == ["l", "2"]


def test_a_slug_parameter_resolves_like_every_command(tmp_path: Path) -> None:
    """Item 24: ``--param role=safe-product-owner`` (a slug), a label or an alias means the role,
    as ``--target`` does."""
    args = ["query", "role-competencies", "--format", "csv", "--param"]
    slug = _ok([*args, "role=safe-product-owner"], tmp_path)
    assert (
        slug
        == _ok([*args, "role=cpd:safe-product-owner"], tmp_path)
        == _ok([*args, "role=SAFe Product Owner"], tmp_path)
        == _ok([*args, "role=safe-popm"], tmp_path)  # the role's former slug, an alias now
    )
    assert slug.count("\n") > 2


class _Counting(BaseHTTPRequestHandler):
    """An endpoint that counts the requests it gets, and answers a copy with its row cap."""

    requests: list[str] = []

    def do_GET(self) -> None:  # noqa: N802
        self._answer(urllib.parse.parse_qs(urllib.parse.urlsplit(self.path).query))

    def do_POST(self) -> None:  # noqa: N802
        body = self.rfile.read(int(self.headers["Content-Length"])).decode()
        self._answer(urllib.parse.parse_qs(body))

    def _answer(self, form: dict[str, list[str]]) -> None:
        query = form.get("query", [""])[0]
        self.requests.append(query)
        if "CONSTRUCT" in query:  # a copy of the whole store: over the server's row cap
            body = b"Result set too large: more than 10000 rows (raise ResultSetMaxRows)"
            self.send_response(503)
            self.send_header("Content-Type", "text/plain")
        else:
            body = b'{"head":{"vars":["g"]},"results":{"bindings":[]}}'
            if query.lstrip().upper().startswith("ASK") or "ASK" in query.split("{")[0]:
                body = b'{"head":{},"boolean":false}'
            self.send_response(200)
            self.send_header("Content-Type", "application/sparql-results+json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def endpoint() -> Iterator[str]:
    _Counting.requests = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Counting)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/sparql"
    server.shutdown()
    server.server_close()


def test_the_syntax_check_never_calls_a_service(endpoint: str, tmp_path: Path) -> None:
    """Item 16: with --allow-service the SERVICE endpoint is called once, by the query itself;
    with nothing listening the answer is one Error line, never a traceback."""
    query = f"SELECT * {{ SERVICE <{endpoint}> {{ ?s ?p ?o }} }}"
    done = run_certpath(["query", "--allow-service", query, "--format", "csv"], cwd=tmp_path)
    assert "Traceback" not in done.stderr.decode()
    assert len(_Counting.requests) == 1, _Counting.requests
    with socket.socket() as s:  # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    down = f"ASK {{ SERVICE <http://127.0.0.1:{port}/sparql> {{ ?s ?p ?o }} }}"
    check(
        Case(
            "service-down",
            ("query", "--allow-service", down),
            1,
            "query failed: Connection refused",
        ),
        tmp_path,
    )


def test_a_capped_copy_gives_the_servers_reason(endpoint: str, tmp_path: Path) -> None:
    """Item 23: a copy that hits the endpoint's row cap says why, as ``query`` does."""
    check(
        Case(
            "capped-copy",
            ("--store", f"sparql:{endpoint}", "dump", "-o", "copy.nt"),
            5,
            f"{endpoint}: the endpoint gave up (HTTP 503): Result set too large: more than 10000 "
            "rows (raise ResultSetMaxRows)",
        ),
        tmp_path,
    )
    assert not (tmp_path / "copy.nt").exists()


def test_construct_as_csv_suggests_only_formats_format_accepts(tmp_path: Path) -> None:
    """Item 22: the whole suggestion is formats --format takes (it listed ntriples)."""
    done = run_certpath(["query", "CONSTRUCT WHERE { ?s ?p ?o }", "--format", "csv"], cwd=tmp_path)
    assert done.returncode == 2
    assert done.stderr.decode().splitlines() == [
        "Error: --format csv does not fit a CONSTRUCT/DESCRIBE query; use one of table, turtle, "
        "jsonld"
    ]


def test_sigterm_during_load_leaves_the_store_as_it_was(tmp_path: Path) -> None:
    """Item 1 with a signal (second pass, kept): SIGTERM while ``load`` reads a large file ends
    the process by SIGTERM and leaves the store holding what it held, no temporary folder."""
    import os
    import signal
    import subprocess
    import sys
    import time

    tiny = Path(__file__).resolve().parents[1] / "data" / "tiny.ttl"
    store = ["--store", "oxigraph:db"]
    before = _ok([*store, "load", str(tiny)], tmp_path)
    with (tmp_path / "big.nt").open("w", encoding="utf-8") as out:
        for i in range(150_000):
            out.write(
                f"<https://w3id.org/certpath/data/gen-{i}> "
                "<http://www.w3.org/2004/02/skos/core#prefLabel> "
                f'"Generated {i}"@en .\n'
            )
    temp = tmp_path / "tmp"
    temp.mkdir()
    process = subprocess.Popen(
        [sys.executable, "-m", "certpath", *store, "load", "big.nt"],
        cwd=tmp_path,
        env={**os.environ, "NO_COLOR": "1", "TMPDIR": str(temp)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    time.sleep(2.5)
    assert process.poll() is None, process.communicate()
    process.send_signal(signal.SIGTERM)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == -signal.SIGTERM, stderr
    assert stderr.decode().splitlines()[-1] == "Error: interrupted by SIGTERM"
    assert _ok([*store, "stats"], tmp_path).split()[0] == before.split()[0]
    assert list(temp.iterdir()) == []
