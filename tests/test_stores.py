"""Stores: a persistent Oxigraph store filled by `certpath load`, and a real Oxigraph server
(`oxigraph serve-read-only`) used through `--store sparql:URL`, giving the embedded answers."""

from __future__ import annotations

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
from certpath.remote import StoreUnavailable, mirror_endpoint
from certpath.sparql import bind, check_query, named_query, parse_params, run_named

OXIGRAPH = str(Path(sys.executable).with_name("oxigraph"))


def invoke(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture(scope="module")
def oxigraph_url(tmp_path_factory: pytest.TempPathFactory, alice_file: Path) -> Iterator[str]:
    """A real Oxigraph server holding the ontology, the bundled data and Alice."""
    location = tmp_path_factory.mktemp("oxigraph-server")
    files = ontology_files() + sorted(bundled_data_dir().glob("*.ttl")) + [alice_file]
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
    yield url
    process.terminate()
    process.wait(timeout=10)


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
    args = ["path", "--target", "cpd:safe-popm", "--holds", "cpd:pspo-1", "--format", "json"]
    local = invoke("--data", "bundled", "--data", str(alice_file), *args)
    remote = invoke("--store", f"sparql:{oxigraph_url}", *args)
    assert local[0] == remote[0] == 0, local[2]
    assert remote[1] == local[1] and json.loads(local[1])


def test_query_cli_identical_bytes_on_the_server(oxigraph_url: str) -> None:
    args = ["query", "offers-by-provider", "--format", "csv"]
    assert invoke("--store", f"sparql:{oxigraph_url}", *args) == invoke(*args)


def test_load_then_open_persistent_store(tmp_path: Path) -> None:
    location = tmp_path / "store"
    code, out, err = invoke("--store", f"oxigraph:{location}", "load", "bundled")
    assert code == 0, err
    assert err.splitlines()[0] == f"loaded {ontology_files()[0]}"
    assert len(err.splitlines()) == 1 + len(list(bundled_data_dir().glob("*.ttl")))
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
    """A real HTTP server that answers badly: garbage, HTML, an error, or too slowly."""

    def do_POST(self) -> None:  # noqa: N802
        self.rfile.read(int(self.headers["Content-Length"]))
        kind = self.path.strip("/")
        if kind == "slow":
            time.sleep(3)
        status = 500 if kind == "error" else 200
        media = "text/html" if kind == "html" else "application/n-triples"
        body = b"<html>oops</html>" if kind == "html" else b"<not n-triples at all"
        try:
            self.send_response(status)
            self.send_header("Content-Type", media)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        except BrokenPipeError:  # the client gave up waiting, as it should
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
