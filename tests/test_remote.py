"""The HTTP side of remote stores: a real HTTP server that answers badly (garbage, HTML, errors,
redirects, a byte at a time, broken off) gives one Error line with the documented exit code, within
the deadline; only http(s) locations; what is sent is checked and bound first."""

from __future__ import annotations

import threading
import time
import urllib.parse
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from click.testing import CliRunner

from certpath.cli.main import cli
from certpath.errors import QueryTimeout, StoreUnavailable
from certpath.namespaces import sparql_prologue
from certpath.remote import Endpoint, relabel_blank_nodes
from certpath.remote_graph import RULE_1_GAP, RemoteGraph


def invoke(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_endpoint_down_is_exit_6() -> None:
    from servers import free_port

    url = f"http://127.0.0.1:{free_port()}/sparql"
    code, out, err = invoke("--store", f"sparql:{url}", "stats")
    assert (code, out) == (6, "")
    assert (
        err.startswith(f"Error: {url}: cannot reach the SPARQL endpoint") and err.count("\n") == 1
    )


def test_blank_nodes_get_labels_of_their_own_answer() -> None:
    node = b'{"type": "bnode", "value": "nodeID://b1"}'
    json_answer = b'{"s": ' + node + b', "o": ' + node + b"}"
    first, second = (relabel_blank_nodes(json_answer, "application/json") for _ in range(2))
    assert first.count(b"nodeID") == 0 and first != second  # valid, and never shared
    assert first.count(first.split(b'"value": "')[1].split(b'"')[0]) == 2  # one node, one label
    text = relabel_blank_nodes(b"_:x <urn:p> _:y .\n_:y <urn:p> _:x .\n", "application/n-triples")
    assert len(set(text.replace(b" <urn:p> ", b" ").split())) == 3


class _Bad(BaseHTTPRequestHandler):
    """A real HTTP server that answers badly: garbage, HTML, errors, too slowly, broken off..."""

    received: list[str] = []

    def do_POST(self) -> None:  # noqa: N802
        form = urllib.parse.parse_qs(self.rfile.read(int(self.headers["Content-Length"])).decode())
        self.received.append(form["query"][0])
        kind = self.path.strip("/")
        if "urn:x-certpath:file" in form["query"][0]:  # which sources certpath loaded: none
            body = b'{"head":{"vars":["g"]},"results":{"bindings":[]}}'
            self.send_response(200)
            self.send_header("Content-Type", "application/sparql-results+json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
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
    ("kind", "error", "message"),
    [
        # a copy first counts the triples (a SELECT), so a bad answer is found there
        ("garbage", StoreUnavailable, "'application/n-triples', not SPARQL query results"),
        ("html", StoreUnavailable, "the endpoint answered 'text/html', not SPARQL"),
        ("error", StoreUnavailable, "the endpoint answered HTTP 500"),
        ("slow", QueryTimeout, "timed out after 1 s"),
        ("drip-headers", QueryTimeout, "timed out after 1 s"),
    ],
)
def test_bad_endpoints_fail_a_copy(
    bad_server: str, kind: str, error: type[Exception], message: str
) -> None:
    url = f"{bad_server}/{kind}"
    with pytest.raises(error, match=message):
        RemoteGraph(Endpoint(url, timeout=1)).copy()


def test_bad_endpoint_cli_line(bad_server: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CERTPATH_SPARQL_TIMEOUT", "1")
    code, _, err = invoke("--store", f"sparql:{bad_server}/slow", "search", "backlog")
    assert (code, err) == (5, f"Error: timed out after 1 s (waiting for {bad_server}/slow)\n")


@pytest.mark.parametrize(
    ("kind", "code", "message"),
    [
        ("html", 6, "{url}: the endpoint answered 'text/html', not SPARQL query results"),
        ("garbage", 6, "{url}: the endpoint answered 'application/n-triples', not SPARQL query "
         "results"),
        ("error", 6, "{url}: the endpoint answered HTTP 500 Internal Server Error: <not n-triples "
         "at all"),
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
    sources, check, sent = _Bad.received  # the sources, rule 1, then the query: no copy
    assert "urn:x-certpath:sources" not in sources and "urn:x-certpath:file" in sources
    assert check == sparql_prologue() + RULE_1_GAP
    assert sent.startswith(sparql_prologue())
    assert "VALUES (?role) { (<https://w3id.org/certpath/data/cspo>) }" in sent
    code, _, err = invoke("--store", f"sparql:{url}", "query", "DROP ALL")
    assert code == 2 and len(_Bad.received) == 3  # refused before anything is sent
