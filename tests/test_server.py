"""`certpath serve`: a real server on a free port, driven by SPARQLWrapper, curl and raw sockets.

The SPARQL endpoint keeps every behaviour of the stdlib server it replaced (GET, form and direct
POST, content negotiation, 400/403/406/503, never a truncated 200, --timeout, --limit, --cors) and
adds the protections it lacked: a body cap (413), header and body timeouts, strict UTF-8, short
bodies and bad Content-Length answered 400, Host headers checked.
"""

from __future__ import annotations

import json
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from SPARQLWrapper import CSV, JSON, TURTLE, XML, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import QueryBadFormed

from certpath.graph import KnowledgeGraph
from certpath.server import ServeOptions, running

CERTPATH = str(Path(sys.executable).with_name("certpath"))
EXPLODING = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i } ORDER BY ?a ?d ?g"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for(url: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}")
        try:
            with urllib.request.urlopen(url + "?query=ASK%7B%7D", timeout=1):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"no server at {url}")


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """``certpath serve`` in a subprocess: (endpoint URL, its stderr file)."""
    port = free_port()
    log = tmp_path_factory.mktemp("serve") / "stderr.txt"
    with log.open("wb") as stderr:
        process = subprocess.Popen(
            [CERTPATH, "serve", "--port", str(port), "--timeout", "1", "--limit", "1000",
             "--cors", "https://notebook.example", "--max-workers", "12"],
            stdout=subprocess.DEVNULL,
            stderr=stderr,
        )  # fmt: skip
    url = f"http://127.0.0.1:{port}/sparql"
    try:
        wait_for(url, process)
        yield url, log
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture(scope="module")
def endpoint(served: tuple[str, Path]) -> str:
    return served[0]


def wrapper(endpoint: str, query: str, fmt: str = JSON, method: str = "GET") -> SPARQLWrapper:
    sparql = SPARQLWrapper(endpoint)
    sparql.setQuery(query)
    sparql.setReturnFormat(fmt)
    sparql.setMethod(method)
    return sparql


QUERY = """PREFIX cp: <https://w3id.org/certpath/ontology#>
SELECT ?offer ?cost WHERE { ?offer cp:offeredBy <https://w3id.org/certpath/data/scrum-org> ;
cp:cost ?cost } ORDER BY ?cost ?offer"""


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_sparqlwrapper_select_json(endpoint: str, method: str) -> None:
    result = wrapper(endpoint, QUERY, JSON, method).queryAndConvert()
    assert isinstance(result, dict)
    rows = [(b["offer"]["value"].rsplit("/", 1)[1], b["cost"]["value"])
            for b in result["results"]["bindings"]]  # fmt: skip
    assert rows == [("learn-scrum-basics", "0"), ("psm-1", "200"), ("pspo-1", "200"),
                    ("pspo-ai-essentials", "200"), ("pspo-2", "250"), ("pspo-3", "500"),
                    ("pspo-a", "1200")]  # fmt: skip


def test_sparqlwrapper_xml_csv_ask_construct(endpoint: str) -> None:
    xml = wrapper(endpoint, QUERY, XML).query()
    assert xml.response.headers["Content-Type"] == "application/sparql-results+xml"
    csv = wrapper(endpoint, QUERY, CSV).queryAndConvert()
    assert isinstance(csv, bytes)
    assert csv.split(b"\r\n")[:2] == [
        b"offer,cost",
        b"https://w3id.org/certpath/data/learn-scrum-basics,0",
    ]
    ask = wrapper(endpoint, "ASK { ?s a <https://w3id.org/certpath/ontology#Role> }").query()
    assert ask.convert() == {"head": {}, "boolean": True}
    graph = wrapper(
        endpoint,
        "CONSTRUCT { ?o ?p ?v } WHERE { ?o ?p ?v "
        "FILTER(?o = <https://w3id.org/certpath/data/scrum-org>) }",
        TURTLE,
    ).queryAndConvert()
    assert isinstance(graph, bytes) and b"Scrum.org" in graph


def test_sparqlwrapper_bad_query_is_400(endpoint: str) -> None:
    with pytest.raises(QueryBadFormed):
        wrapper(endpoint, "SELECT * WHERE { ?s ?p ?o } LIMT 3").query()


def curl(*args: str) -> tuple[int, dict[str, str], bytes]:
    """Run curl; return (status, headers, body)."""
    out = subprocess.run(
        ["curl", "-s", "-i", "--max-time", "20", *args], capture_output=True, check=True
    ).stdout
    head, _, body = out.partition(b"\r\n\r\n")
    lines = head.decode().split("\r\n")
    headers = {k.lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:])}
    return int(lines[0].split()[1]), headers, body


needs_curl = pytest.mark.skipif(shutil.which("curl") is None, reason="curl not installed")


@needs_curl
def test_curl_content_negotiation(endpoint: str) -> None:
    status, headers, body = curl("--data-urlencode", f"query={QUERY}", endpoint)
    assert status == 200
    assert headers["content-type"] == "application/sparql-results+json"
    assert json.loads(body)["head"]["vars"] == ["offer", "cost"]
    status, headers, body = curl("-H", "Accept: text/tab-separated-values", "-G",
                                 "--data-urlencode", f"query={QUERY}", endpoint)  # fmt: skip
    assert status == 200 and body.startswith(b"?offer\t?cost\n<https://w3id.org/certpath/data/")
    status, _, body = curl("-H", "Content-Type: application/sparql-query",
                           "-H", "Accept: text/csv", "--data-binary", QUERY, endpoint)  # fmt: skip
    assert status == 200 and body.startswith(b"offer,cost\r\n")
    status, _, _ = curl("-H", "Accept: image/png", "-G", "--data-urlencode", f"query={QUERY}",
                        endpoint)  # fmt: skip
    assert status == 406


@needs_curl
@pytest.mark.parametrize(
    ("args", "status", "text"),
    [
        (["--data-urlencode", "update=DROP ALL"], 403, b"read-only"),
        (["-H", "Content-Type: application/sparql-update", "--data-binary", "CLEAR ALL"], 403,
         b"read-only"),
        (["--data-urlencode", "query=DROP ALL"], 403, b"updates are refused"),
        (["--data-urlencode", "query=SELECT * { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }"],
         403, b"SERVICE is refused"),
        (["--data-urlencode", "query=SELECT * WHERE { ?s ?p ?o } LIMT 3"], 400, b"'LIMT'"),
        (["--data-urlencode", f"query={EXPLODING}"], 503, b"timed out after 1 s"),
        (["--data-urlencode", "query=SELECT * WHERE { ?a ?b ?c . ?d ?e ?f }"], 503,
         b"truncated at 1000 rows"),
        (["-X", "GET"], 400, b"exactly one 'query'"),
    ],
)  # fmt: skip
def test_curl_errors_have_the_right_status(
    endpoint: str, args: list[str], status: int, text: bytes
) -> None:
    started = time.monotonic()
    got, _, body = curl(*args, endpoint)
    assert (got, text in body) == (status, True), body
    assert time.monotonic() - started < 10


@needs_curl
def test_cors_only_for_the_given_origin(endpoint: str) -> None:
    _, headers, _ = curl("-G", "--data-urlencode", "query=ASK {}", endpoint)
    assert headers["access-control-allow-origin"] == "https://notebook.example"
    status, headers, _ = curl("-X", "OPTIONS", endpoint)
    assert status == 204 and "POST" in headers["access-control-allow-methods"]


# --------------------------------------------------------------------------- the new protections


def raw(url: str, data: bytes, *, half_close: bool = False, wait: float = 15) -> tuple[int, bytes]:
    """Send *data* on a fresh connection; return the status and the whole reply."""
    parts = urllib.parse.urlsplit(url)
    with socket.create_connection((parts.hostname, parts.port), timeout=wait) as sock:
        sock.sendall(data)
        if half_close:
            sock.shutdown(socket.SHUT_WR)
        reply = b""
        while True:
            try:
                chunk = sock.recv(65536)
            except TimeoutError:
                break
            if not chunk:
                break
            reply += chunk
            head, sep, body = reply.partition(b"\r\n\r\n")
            found = re.search(rb"(?im)^content-length:\s*(\d+)", head)
            if sep and found and len(body) >= int(found.group(1)):
                break
    status = int(reply.split(b" ", 2)[1]) if reply.startswith(b"HTTP/") else 0
    return status, reply


def request(path: str, *lines: str, body: bytes = b"", method: str = "POST") -> bytes:
    head = [f"{method} {path} HTTP/1.1", "Host: 127.0.0.1", *lines]
    return ("\r\n".join(head) + "\r\n\r\n").encode() + body


@pytest.fixture(scope="module")
def quick(bundled: KnowledgeGraph) -> Iterator[str]:
    """An in-process server with one-second header, body and query timeouts."""
    options = ServeOptions(port=0, timeout=1, header_timeout=1, body_timeout=1, max_body=1000)
    with running(bundled, options) as server:
        yield server.sparql


def test_no_cors_by_default_and_only_local_host_names(quick: str) -> None:
    assert quick.startswith("http://127.0.0.1:")
    with urllib.request.urlopen(quick + "?query=ASK%7B%7D", timeout=10) as answer:
        assert answer.headers["Access-Control-Allow-Origin"] is None
        assert json.load(answer) == {"head": {}, "boolean": True}
    get = "query=ASK%7B%7D"
    assert raw(quick, request(f"/sparql?{get}", method="GET"))[0] == 200
    port = urllib.parse.urlsplit(quick).port
    local = request(f"/sparql?{get}", method="GET").replace(
        b"127.0.0.1", f"localhost:{port}".encode()
    )
    assert raw(quick, local)[0] == 200
    evil = request(f"/sparql?{get}", method="GET").replace(b"127.0.0.1", b"evil.example")
    assert raw(quick, evil)[:1] == (400,)  # a page elsewhere cannot rebind its name to us


def test_a_body_over_the_cap_is_413_before_it_is_read(endpoint: str) -> None:
    started = time.monotonic()
    status, reply = raw(
        endpoint,
        request("/sparql", "Content-Type: application/sparql-query", "Content-Length: 2000000"),
    )
    assert (status, b"at most 1,048,576 are accepted" in reply) == (413, True), reply
    assert time.monotonic() - started < 5
    chunked = request("/sparql", "Content-Type: application/sparql-query",
                      "Transfer-Encoding: chunked")  # fmt: skip
    chunk = b"100000\r\n" + b" " * 0x100000 + b"\r\n"
    status, reply = raw(endpoint, chunked + chunk + chunk + b"0\r\n\r\n")
    assert (status, b"over 1,048,576 bytes" in reply) == (413, True), reply[:300]


@pytest.mark.parametrize(
    "data",
    [
        request("/sparql?query=ASK%7B%7D%FF", method="GET"),
        request("/sparql", "Content-Type: application/sparql-query", "Content-Length: 7",
                body=b"ASK {\xff}"),
        request("/sparql", "Content-Type: application/x-www-form-urlencoded",
                "Content-Length: 12", body=b"query=ASK%FF"),
    ],
)  # fmt: skip
def test_bytes_that_are_not_utf8_are_400(endpoint: str, data: bytes) -> None:
    status, reply = raw(endpoint, data)
    assert (status, b"is not UTF-8" in reply) == (400, True), reply


@pytest.mark.parametrize(
    "lengths",
    [["Content-Length: abc"], ["Content-Length: -5"], ["Content-Length: 5", "Content-Length: 7"],
     ["Content-Length: 99999999999999999999999"]],
)  # fmt: skip
def test_a_bad_content_length_is_400_without_a_traceback(
    served: tuple[str, Path], lengths: list[str]
) -> None:
    endpoint, log = served
    status, _ = raw(endpoint, request("/sparql", "Content-Type: application/sparql-query",
                                      *lengths, body=b"ASK {}"))  # fmt: skip
    assert status == 400
    with urllib.request.urlopen(endpoint + "?query=ASK%7B%7D", timeout=10) as answer:
        assert answer.status == 200
    assert b"Traceback" not in log.read_bytes()


def test_a_body_shorter_than_its_length_is_400(endpoint: str) -> None:
    started = time.monotonic()
    data = request("/sparql", "Content-Type: application/sparql-query", "Content-Length: 100",
                   body=b"ASK {}")  # fmt: skip
    status, reply = raw(endpoint, data, half_close=True)
    assert (status, b"shorter than its Content-Length" in reply) == (400, True), reply
    assert time.monotonic() - started < 5  # answered at once, not at the body timeout


def test_a_body_that_stops_is_400_after_the_body_timeout(quick: str) -> None:
    data = request("/sparql", "Content-Type: application/sparql-query", "Content-Length: 100",
                   body=b"ASK {}")  # fmt: skip
    status, reply = raw(quick, data)
    assert status == 400
    assert b"stopped after 6 of the 100 bytes its Content-Length announces" in reply


def test_headers_that_never_end_get_408(quick: str) -> None:
    status, reply = raw(quick, b"GET /sparql?query=ASK%7B%7D HTTP/1.1\r\nHost: 127.0.0.1\r\n")
    assert (status, b"headers not received within 1 s" in reply) == (408, True), reply
    assert raw(quick, b"")[0] == 408  # a connection that says nothing is not kept either


def test_a_query_past_the_deadline_is_503_and_the_server_goes_on(quick: str) -> None:
    for _ in range(3):
        path = "/sparql?" + urllib.parse.urlencode({"query": EXPLODING})
        status, reply = raw(quick, request(path, method="GET"))
        assert (status, b"timed out after 1 s" in reply) == (503, True), reply
    with urllib.request.urlopen(quick + "?query=ASK%7B%7D", timeout=10) as answer:
        assert json.load(answer)["boolean"] is True


def test_a_plain_query_is_answered_while_slow_ones_run(endpoint: str) -> None:
    slow = endpoint + "?" + urllib.parse.urlencode({"query": EXPLODING})
    finished: list[tuple[str, float, int]] = []

    def fetch(name: str, url: str) -> None:
        try:
            with urllib.request.urlopen(url, timeout=20) as answer:
                finished.append((name, time.monotonic(), answer.status))
        except urllib.error.HTTPError as exc:
            finished.append((name, time.monotonic(), exc.code))

    threads = [threading.Thread(target=fetch, args=("slow", slow)) for _ in range(8)]
    for thread in threads:
        thread.start()
    time.sleep(0.3)  # the eight are running now
    fetch("plain", endpoint + "?query=ASK%7B%7D")
    for thread in threads:
        thread.join()
    order = [(name, status) for name, _, status in sorted(finished, key=lambda f: f[1])]
    assert order == [("plain", 200)] + [("slow", 503)] * 8


def test_many_clients_at_once_all_get_the_same_answer(endpoint: str) -> None:
    url = endpoint + "?" + urllib.parse.urlencode({"query": QUERY})
    with urllib.request.urlopen(url, timeout=20) as answer:
        expected = answer.read()
    bodies: list[bytes] = []

    def client() -> None:
        for _ in range(5):
            with urllib.request.urlopen(url, timeout=20) as answer:
                bodies.append(answer.read())

    threads = [threading.Thread(target=client) for _ in range(40)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert bodies == [expected] * 200


def test_the_page_the_methods_and_unknown_paths(endpoint: str) -> None:
    root = endpoint.removesuffix("sparql")
    with urllib.request.urlopen(root, timeout=10) as answer:
        policy = answer.headers["Content-Security-Policy"]
        assert answer.headers["Content-Type"] == "text/html; charset=utf-8"
    assert "script-src 'self';" in policy and "unsafe" not in policy
    with urllib.request.urlopen(root + "?query=ASK%7B%7D", timeout=10) as answer:
        assert json.load(answer)["boolean"] is True  # SPARQL at / still works, as before
    with urllib.request.urlopen(
        urllib.request.Request(endpoint + "?query=ASK%7B%7D", method="HEAD"), timeout=10
    ) as answer:
        assert (answer.status, answer.read()) == (200, b"")  # fmt: skip
    for method, path, status, text in [
        ("PUT", "/sparql", 405, b"method PUT is not allowed"),
        ("GET", "/nothing", 404, b"no such path /nothing; the endpoint is /sparql"),
        (
            "GET",
            "/api/nothing",
            404,
            b'{"error":"no such path /api/nothing; the API has /api/roles',
        ),
    ]:
        got, reply = raw(endpoint, request(path, "Content-Length: 0", method=method))
        assert (got, text in reply) == (status, True), reply


def test_serve_refuses_an_address_in_use(endpoint: str) -> None:
    port = str(urllib.parse.urlsplit(endpoint).port)
    result = subprocess.run([CERTPATH, "serve", "--port", port], capture_output=True, text=True,
                            timeout=60)  # fmt: skip
    assert result.returncode == 2
    assert result.stderr.splitlines()[-1] == (
        f"Error: cannot listen on 127.0.0.1:{port}: Address already in use"
    )


@pytest.mark.parametrize(
    ("accept", "fmt"),
    [("application/sparql-results+json", "json"), ("application/sparql-results+xml", "xml"),
     ("text/csv", "csv"), ("text/tab-separated-values", "tsv")],
)  # fmt: skip
def test_the_endpoint_answers_what_certpath_query_prints(
    endpoint: str, accept: str, fmt: str
) -> None:
    from click.testing import CliRunner

    from certpath.cli.main import cli

    for query in (QUERY, "ASK { ?s a <https://w3id.org/certpath/ontology#Role> }"):
        request = urllib.request.Request(
            endpoint + "?" + urllib.parse.urlencode({"query": query}), headers={"Accept": accept}
        )
        with urllib.request.urlopen(request, timeout=20) as answer:
            body = answer.read()
        printed = CliRunner().invoke(cli, ["query", query, "--format", fmt]).stdout_bytes
        # The CLI ends JSON with a newline for the terminal; HTTP bodies are the engine's bytes.
        assert body + (b"\n" if fmt == "json" else b"") == printed


def test_the_row_cap_is_exact(endpoint: str) -> None:
    def status(limit: int) -> int:
        query = f"SELECT * WHERE {{ ?s ?p ?o }} LIMIT {limit}"
        try:
            with urllib.request.urlopen(
                endpoint + "?" + urllib.parse.urlencode({"query": query}), timeout=20
            ) as answer:
                rows = json.load(answer)["results"]["bindings"]
                assert len(rows) == limit
                return int(answer.status)
        except urllib.error.HTTPError as exc:
            assert b"truncated at 1000 rows" in exc.read()
            return exc.code

    assert (status(999), status(1000), status(1001)) == (200, 200, 503)
