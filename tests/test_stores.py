"""Stores: a persistent Oxigraph store filled by `certpath load`, and a real Oxigraph server
(`oxigraph serve-read-only`) used through `--store sparql:URL`, giving the embedded answers."""

from __future__ import annotations

import contextlib
import json
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from test_queries import each_case, shown
from test_server import free_port

from certpath.cli.main import cli
from certpath.graph import KnowledgeGraph, bundled_data_dir, ontology_files
from certpath.namespaces import sparql_prologue
from certpath.remote import RULE_1_GAP, StoreUnavailable, mirror_endpoint
from certpath.sparql import bind, check_query, named_query, parse_params, run_named

OXIGRAPH = str(Path(sys.executable).with_name("oxigraph"))


def invoke(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


@contextlib.contextmanager
def serve_files(location: Path, files: list[Path]) -> Iterator[str]:
    """A real Oxigraph server (read-only) holding *files*; yields its query URL."""
    for path in files:
        subprocess.run(
            [OXIGRAPH, "load", "--location", str(location), "--file", str(path)],
            check=True,
            capture_output=True,
        )
    port = free_port()
    process = subprocess.Popen(
        [OXIGRAPH, "serve-read-only", "--location", str(location), "--bind", f"127.0.0.1:{port}"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}/query"
    deadline = time.monotonic() + 20
    while True:
        try:
            urllib.request.urlopen(url + "?query=ASK%7B%7D", timeout=1).close()
            break
        except OSError:
            if time.monotonic() > deadline or process.poll() is not None:
                process.kill()
                raise
            time.sleep(0.1)
    try:
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture(scope="module")
def oxigraph_url(tmp_path_factory: pytest.TempPathFactory, alice_file: Path) -> Iterator[str]:
    """A real Oxigraph server holding the ontology, the bundled data and Alice."""
    location = tmp_path_factory.mktemp("oxigraph-server")
    files = ontology_files() + sorted(bundled_data_dir().glob("*.ttl")) + [alice_file]
    with serve_files(location, files) as url:
        yield url


@pytest.fixture(scope="module")
def mirrored(oxigraph_url: str) -> KnowledgeGraph:
    """The server's graph copied with one CONSTRUCT, as ``--store sparql:URL`` does."""
    return KnowledgeGraph(mirror_endpoint(oxigraph_url))


@each_case
def test_named_queries_through_the_mirror(
    mirrored: KnowledgeGraph,
    name: str,
    params: dict[str, str],
    columns: list[str],
    expected: list[tuple[Any, ...]],
) -> None:
    assert shown(run_named(mirrored, name, **params), columns) == expected


@each_case
def test_named_queries_on_the_oxigraph_server_itself(
    oxigraph_url: str,
    name: str,
    params: dict[str, str],
    columns: list[str],
    expected: list[tuple[Any, ...]],
) -> None:
    """The library's text, with the bound VALUES block, runs unchanged on the server's engine."""
    text = bind(
        check_query(named_query(name).text), parse_params([f"{k}={v}" for k, v in params.items()])
    )
    body = urllib.parse.urlencode({"query": sparql_prologue() + text}).encode()
    request = urllib.request.Request(
        oxigraph_url, data=body, headers={"Accept": "application/sparql-results+json"}
    )
    with urllib.request.urlopen(request, timeout=20) as response:
        doc = json.load(response)
    import pyoxigraph as ox

    from certpath.sparql import plain_value

    results = ox.parse_query_results(json.dumps(doc).encode(), format=ox.QueryResultsFormat.JSON)
    assert isinstance(results, ox.QuerySolutions)
    names = [v.value for v in results.variables]
    rows = [{n: plain_value(s[n]) for n in names} for s in results]
    assert shown(rows, columns) == expected


COMMANDS = [["stats", "--format", "json"], ["show", "cpd:cspo", "--format", "json"],
            ["search", "backlog", "--format", "json"]]  # fmt: skip


@pytest.mark.parametrize("command", COMMANDS)
def test_commands_give_identical_answers_on_the_server(
    oxigraph_url: str, alice_file: Path, command: list[str]
) -> None:
    local = invoke("--data", "bundled", "--data", str(alice_file), *command)
    remote = invoke("--store", f"sparql:{oxigraph_url}", *command)
    assert local[0] == remote[0] == 0
    remote_doc, local_doc = json.loads(remote[1]), json.loads(local[1])
    if command[0] == "stats":  # where the data came from differs by nature
        assert remote_doc.pop("sources") == []
        local_doc.pop("sources")
    assert remote_doc == local_doc


def test_path_gives_identical_answer_on_the_server(oxigraph_url: str, alice_file: Path) -> None:
    args = [
        "path",
        "--target",
        "cpd:safe-product-owner",
        "--holds",
        "cpd:pspo-1",
        "--format",
        "json",
    ]
    local = invoke("--data", "bundled", "--data", str(alice_file), *args)
    remote = invoke("--store", f"sparql:{oxigraph_url}", *args)
    assert local[0] == remote[0] == 0, local[2]
    assert remote[1] == local[1] and json.loads(local[1])


def test_query_cli_identical_bytes_on_the_server(oxigraph_url: str, alice_file: Path) -> None:
    args = ["query", "offers-by-provider", "--format", "csv"]
    assert invoke("--store", f"sparql:{oxigraph_url}", *args) == invoke(*args)
    for fmt in ("json", "xml", "tsv"):
        args = ["query", "roles-one-cert-away", "--param", "person=cpd:alice", "--format", fmt]
        remote = invoke("--store", f"sparql:{oxigraph_url}", *args)
        assert remote == invoke("--data", "bundled", "--data", str(alice_file), *args)
        assert remote[0] == 0 and "safe-popm-cert" in remote[1]
    args = ["query", "CONSTRUCT WHERE { cpd:cspo cp:teaches ?c }", "--format", "turtle"]
    assert invoke("--store", f"sparql:{oxigraph_url}", *args) == invoke(*args)


def test_query_limits_on_the_server(oxigraph_url: str) -> None:
    store = f"sparql:{oxigraph_url}"
    assert invoke("--store", store, "query", "SELECT * { ?s ?p ?o }", "--limit", "5") == (
        5, "", "Error: truncated at 5 rows\n"
    )  # fmt: skip
    started = time.monotonic()
    code, out, err = invoke(
        "--store", store, "query", "SELECT (COUNT(*) AS ?n) { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }",
        "--timeout", "1",
    )  # fmt: skip
    assert (code, out) == (5, "")
    assert err == f"Error: timed out after 1 s (waiting for {oxigraph_url})\n"
    assert time.monotonic() - started < 5


def test_load_then_open_persistent_store(tmp_path: Path) -> None:
    location = tmp_path / "store"
    code, out, err = invoke("--store", f"oxigraph:{location}", "load", "bundled")
    assert code == 0, err
    assert err == ""  # progress only on a terminal
    local = invoke("stats", "--format", "json")
    started = time.monotonic()
    stored = invoke("--store", f"oxigraph:{location}", "stats", "--format", "json")
    assert time.monotonic() - started < 1.0
    assert out == f"{json.loads(local[1])['triples']} triples in {location}\n"
    stored_doc, local_doc = json.loads(stored[1]), json.loads(local[1])
    assert stored_doc.pop("sources") == []
    local_doc.pop("sources")
    assert stored_doc == local_doc
    args = ["query", "coverage-matrix", "--param", "role=cpd:product-owner", "--format", "tsv"]
    assert invoke("--store", f"oxigraph:{location}", *args) == invoke(*args)


def test_load_needs_an_oxigraph_store() -> None:
    assert invoke("load", "bundled") == (
        2, "", "Error: load needs --store oxigraph:DIR (where to put the graph)\n"
    )  # fmt: skip
    code, _, err = invoke("--store", "oxigraph:/nonexistent/x", "stats")
    assert code == 2 and "no Oxigraph store there" in err


def test_endpoint_down_is_exit_6() -> None:
    url = f"http://127.0.0.1:{free_port()}/sparql"
    code, out, err = invoke("--store", f"sparql:{url}", "stats")
    assert (code, out) == (6, "")
    assert (
        err.startswith(f"Error: {url}: cannot reach the SPARQL endpoint") and err.count("\n") == 1
    )


class _Bad(BaseHTTPRequestHandler):
    """A real HTTP server that answers badly: garbage, HTML, errors, too slowly, broken off..."""

    received: list[str] = []

    def do_POST(self) -> None:  # noqa: N802
        form = urllib.parse.parse_qs(self.rfile.read(int(self.headers["Content-Length"])).decode())
        self.received.append(form["query"][0])
        kind = self.path.strip("/")
        try:
            if kind.startswith("drip"):  # a byte at a time, forever (headers or body)
                self.wfile.write(b"HTTP/1.1 200 OK\r\n")
                if kind == "drip-body":
                    self.wfile.write(b"Content-Type: application/sparql-results+json\r\n\r\n")
                for _ in range(600):
                    self.wfile.write(b" ")
                    self.wfile.flush()
                    time.sleep(0.05)
                return
            if kind == "slow":
                time.sleep(3)
            status = {"error": 500, "refuse": 400, "busy": 503, "redirect": 307}.get(kind, 200)
            media = "text/html" if kind == "html" else "application/n-triples"
            body = b"<html>oops</html>" if kind == "html" else b"<not n-triples at all"
            if kind == "refuse":
                body = b"Parser error: unsupported\nmore"
            if kind in ("boolean", "short", "chunked"):
                media = "application/sparql-results+json"
                body = b'{"head":{},"boolean":false}'
            self.send_response(status)
            self.send_header("Content-Type", media)
            if kind == "redirect":
                self.send_header("Location", "http://127.0.0.1:9/elsewhere")
            if kind == "chunked":
                self.send_header("Transfer-Encoding", "chunked")
                self.end_headers()
                self.wfile.write(b'5\r\n{"hea\r\nzz\r\n')
                return
            length = len(body) + (1000 if kind == "short" else 0)
            self.send_header("Content-Length", str(length))
            self.end_headers()
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):  # the client gave up, as it should
            pass

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def bad_server() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Bad)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize(
    ("kind", "message"),
    [
        ("garbage", "the endpoint returned RDF that does not parse"),
        ("html", "the endpoint answered 'text/html', not RDF"),
        ("error", "the endpoint answered HTTP 500"),
        ("slow", "no answer within 1 s"),
        ("drip-headers", "no answer within 1 s"),
    ],
)
def test_bad_endpoints_are_store_unavailable(bad_server: str, kind: str, message: str) -> None:
    url = f"{bad_server}/{kind}"
    with pytest.raises(StoreUnavailable, match=message):
        mirror_endpoint(url, timeout=1)


def test_bad_endpoint_cli_line(bad_server: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CERTPATH_SPARQL_TIMEOUT", "1")
    code, _, err = invoke("--store", f"sparql:{bad_server}/slow", "search", "backlog")
    assert (code, err) == (6, f"Error: {bad_server}/slow: no answer within 1 s\n")


@pytest.mark.parametrize(
    ("kind", "code", "message"),
    [
        ("html", 6, "{url}: the endpoint answered 'text/html', not SPARQL query results"),
        ("garbage", 6, "{url}: the endpoint answered 'application/n-triples', not SPARQL query "
         "results"),
        ("error", 6, "{url}: the endpoint answered HTTP 500 Internal Server Error"),
        ("refuse", 1, "{url}: the endpoint refused the query (HTTP 400): Parser error: "
         "unsupported"),
        ("busy", 5, "{url}: the endpoint gave up (HTTP 503): <not n-triples at all"),
        ("slow", 5, "timed out after 1 s (waiting for {url})"),
        ("drip-headers", 5, "timed out after 1 s (waiting for {url})"),
        ("drip-body", 5, "timed out after 1 s (waiting for {url})"),
        ("chunked", 6, "{url}: the endpoint's answer is broken (IncompleteRead)"),
        ("boolean", 6, "{url}: the endpoint answered a boolean to a SELECT query"),
        ("short", 6, "{url}: the endpoint's answer broke off"),
        ("redirect", 6, "{url}: the endpoint redirects (HTTP 307) to http://127.0.0.1:9/elsewhere; "
         "give that URL"),
    ],
)  # fmt: skip
def test_query_on_a_bad_endpoint(bad_server: str, kind: str, code: int, message: str) -> None:
    url = f"{bad_server}/{kind}"
    started = time.monotonic()
    got = invoke("--store", f"sparql:{url}", "query", "SELECT * { ?s ?p ?o }", "--timeout", "1")
    assert got == (code, "", f"Error: {message.format(url=url)}\n")
    assert time.monotonic() - started < 2.5  # a byte at a time does not hold it up


@pytest.mark.parametrize("location", ["file:///etc/hostname", "http://[::1", "localhost:7878/x"])
def test_only_http_endpoints(location: str) -> None:
    got = invoke("--store", f"sparql:{location}", "query", "ASK { ?s ?p ?o }")
    assert got == (6, "", f"Error: --store sparql:{location}: use an http:// or https:// "
                          "endpoint URL\n")  # fmt: skip


def test_query_goes_to_the_endpoint_checked_and_bound(bad_server: str) -> None:
    _Bad.received.clear()
    url = f"{bad_server}/boolean"
    invoke("--store", f"sparql:{url}", "query", "role-competencies", "--param", "role=cpd:cspo")
    check, sent = _Bad.received  # rule 1 is checked, then the query itself: no copy of the graph
    assert check == sparql_prologue() + RULE_1_GAP
    assert sent.startswith(sparql_prologue())
    assert "VALUES (?role) { (<https://w3id.org/certpath/data/cspo>) }" in sent
    code, _, err = invoke("--store", f"sparql:{url}", "query", "DROP ALL")
    assert code == 2 and len(_Bad.received) == 2  # refused before anything is sent


def test_query_applies_rule_1_when_the_endpoint_lacks_it(tmp_path: Path) -> None:
    partial = tmp_path / "partial.ttl"
    partial.write_text(
        "@prefix cp: <https://w3id.org/certpath/ontology#> .\n"
        "@prefix cpd: <https://w3id.org/certpath/data/> .\n"
        "cpd:r1 a cp:Role ; cp:qualifiedRequirement [ cp:competency cpd:c1 ; cp:level 2 ] .\n"
        "cpd:c1 a cp:Competency .\n",
        encoding="utf-8",
    )
    with serve_files(tmp_path / "db", [*ontology_files(), partial]) as url:
        code, out, err = invoke(
            "--store", f"sparql:{url}", "query", "SELECT ?c { cpd:r1 cp:requires ?c }",
            "--format", "csv",
        )  # fmt: skip
    assert (code, out) == (0, "c\nhttps://w3id.org/certpath/data/c1\n")
    assert err == (
        f"note: {url} lacks direct triples of vocabulary rule 1; answering from a copy of its "
        "graph with the rule applied\n"
    )
