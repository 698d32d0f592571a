"""A read-only SPARQL 1.1 Protocol endpoint: a small stdlib HTTP front over pyoxigraph's engine.

Each query is checked (no updates, no SERVICE, no FROM), run in a child process with a deadline
and a row cap (:func:`certpath.sparql.run_query`), serialised completely, and only then answered
with its headers: a query over a limit gets 503, never a 200 with a truncated body.

Status codes: 200 result, 400 bad or missing query, 403 update or SERVICE/FROM, 404 unknown path,
405 method, 406 no acceptable format, 415 unsupported content type, 503 over the time or row limit.
"""

from __future__ import annotations

import sys
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pyoxigraph as ox

from certpath.errors import CertpathError
from certpath.sparql import (
    MEDIA_TYPES,
    QueryLimitError,
    QueryRefused,
    QuerySyntaxError,
    check_query,
    run_query,
)

#: Media types a client may ask for, and the format each one means.
ACCEPTED: dict[str, str] = {
    "application/sparql-results+json": "json",
    "application/json": "json",
    "application/sparql-results+xml": "xml",
    "application/xml": "xml",
    "text/xml": "xml",
    "text/csv": "csv",
    "text/tab-separated-values": "tsv",
    "text/turtle": "turtle",
    "application/x-turtle": "turtle",
    "application/n-triples": "ntriples",
    "application/ld+json": "jsonld",
}
_FOR_FORM = {
    "select": ("json", "xml", "csv", "tsv"),
    "ask": ("json", "xml", "csv", "tsv"),
    "construct": ("turtle", "ntriples", "jsonld"),
    "describe": ("turtle", "ntriples", "jsonld"),
}
PATHS = ("/", "/sparql", "/query")


def negotiate(accept: str | None, form: str) -> str | None:
    """Pick a result format for *form* from an Accept header; ``None`` when nothing fits.

    >>> negotiate(None, "select")
    'json'
    >>> negotiate("text/csv;q=0.5, application/sparql-results+xml", "select")
    'xml'
    >>> negotiate("text/turtle", "select") is None
    True
    """
    allowed = _FOR_FORM[form]
    if not accept:
        return allowed[0]
    choices: list[tuple[float, int, str]] = []
    for index, part in enumerate(accept.split(",")):
        media, *options = (item.strip() for item in part.split(";"))
        quality = 1.0
        for option in options:
            key, _, value = option.partition("=")
            if key.strip() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if quality <= 0:
            continue
        media = media.lower()
        if media in ("*/*", "application/*", "text/*"):
            fmt: str | None = allowed[0]
        else:
            fmt = ACCEPTED.get(media)
        if fmt in allowed:
            choices.append((-quality, index, fmt))
    return min(choices)[2] if choices else None


class SparqlServer(ThreadingHTTPServer):
    """The HTTP server: holds the store and the limits."""

    daemon_threads = True

    def __init__(
        self,
        address: tuple[str, int],
        store: ox.Store,
        *,
        timeout: float,
        limit: int,
        cors: str | None = None,
    ) -> None:
        super().__init__(address, SparqlHandler)
        self.store = store
        self.query_timeout = timeout
        self.row_limit = limit
        self.cors = cors
        self.slots = threading.BoundedSemaphore(8)


class SparqlHandler(BaseHTTPRequestHandler):
    """GET and POST per the SPARQL 1.1 Protocol; OPTIONS for CORS preflight."""

    server: SparqlServer
    protocol_version = "HTTP/1.1"
    server_version = "certpath-sparql"

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
        sys.stderr.write(f"{self.address_string()} {format % args}\n")

    def do_GET(self) -> None:  # noqa: N802 - stdlib naming
        url = urllib.parse.urlsplit(self.path)
        if url.path not in PATHS:
            self._send(404, f"no such path {url.path}; the endpoint is /sparql\n")
            return
        form = urllib.parse.parse_qs(url.query)
        if "update" in form:
            self._send(403, "updates are refused: the endpoint is read-only\n")
            return
        queries = form.get("query", [])
        if len(queries) != 1:
            self._send(400, "give exactly one 'query' parameter\n")
            return
        self._answer(queries[0])

    def do_POST(self) -> None:  # noqa: N802 - stdlib naming
        url = urllib.parse.urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length > 0 else b""
        if url.path not in PATHS:
            self._send(404, f"no such path {url.path}; the endpoint is /sparql\n")
            return
        media = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        if media == "application/sparql-update":
            self._send(403, "updates are refused: the endpoint is read-only\n")
            return
        if media == "application/sparql-query":
            self._answer(body.decode("utf-8", errors="replace"))
            return
        if media == "application/x-www-form-urlencoded":
            form = urllib.parse.parse_qs(body.decode("utf-8", errors="replace"))
            if "update" in form:
                self._send(403, "updates are refused: the endpoint is read-only\n")
                return
            queries = form.get("query", [])
            if len(queries) != 1:
                self._send(400, "give exactly one 'query' parameter\n")
                return
            self._answer(queries[0])
            return
        self._send(415, f"unsupported content type '{media}'; use application/sparql-query\n")

    def do_OPTIONS(self) -> None:  # noqa: N802 - stdlib naming
        self.send_response(204)
        self._cors_headers()
        if self.server.cors:
            self.send_header("Access-Control-Allow-Methods", "GET, POST, OPTIONS")
            self.send_header("Access-Control-Allow-Headers", "Content-Type, Accept")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def _answer(self, text: str) -> None:
        try:
            checked = check_query(text)
        except QueryRefused as exc:
            self._send(403, f"{exc}\n")
            return
        except QuerySyntaxError as exc:
            self._send(400, f"{exc}\n")
            return
        fmt = negotiate(self.headers.get("Accept"), checked.form)
        if fmt is None:
            offered = ", ".join(m for m, f in ACCEPTED.items() if f in _FOR_FORM[checked.form])
            self._send(
                406, f"no acceptable format for a {checked.form.upper()} query; offer {offered}\n"
            )
            return
        try:
            with self.server.slots:
                result = run_query(
                    self.server.store,
                    checked,
                    limit=self.server.row_limit,
                    timeout=self.server.query_timeout,
                )
            data = result.serialize(fmt)
        except QueryLimitError as exc:
            self._send(503, f"{exc}\n")
            return
        except QuerySyntaxError as exc:
            self._send(400, f"{exc}\n")
            return
        except CertpathError as exc:
            self._send(500, f"{exc}\n")
            return
        self._send(200, data, MEDIA_TYPES.get(fmt, "application/n-triples"))

    def _cors_headers(self) -> None:
        if self.server.cors:
            self.send_header("Access-Control-Allow-Origin", self.server.cors)
            self.send_header("Vary", "Origin")

    def _send(
        self, status: int, body: str | bytes, media: str = "text/plain; charset=utf-8"
    ) -> None:
        data = body.encode("utf-8") if isinstance(body, str) else body
        self.send_response(status)
        self.send_header("Content-Type", media)
        self.send_header("Content-Length", str(len(data)))
        self._cors_headers()
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)


def make_server(
    store: ox.Store,
    *,
    host: str = "127.0.0.1",
    port: int = 7878,
    timeout: float = 30.0,
    limit: int = 100_000,
    cors: str | None = None,
) -> SparqlServer:
    """Create (not start) the endpoint server; ``port=0`` picks a free port."""
    return SparqlServer((host, port), store, timeout=timeout, limit=limit, cors=cors)


def serve(
    store: ox.Store,
    *,
    host: str = "127.0.0.1",
    port: int = 7878,
    timeout: float = 30.0,
    limit: int = 100_000,
    cors: str | None = None,
) -> None:
    """Serve *store* until interrupted; prints the endpoint URL on stderr."""
    try:
        server = make_server(store, host=host, port=port, timeout=timeout, limit=limit, cors=cors)
    except OSError as exc:
        from certpath.errors import InputError

        raise InputError(f"cannot listen on {host}:{port}: {exc.strerror}") from None
    bound_host, bound_port = server.server_address[:2]
    sys.stderr.write(f"SPARQL endpoint at http://{bound_host!s}:{bound_port}/sparql\n")
    sys.stderr.flush()
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
