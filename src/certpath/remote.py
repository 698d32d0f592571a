"""A SPARQL 1.1 endpoint over HTTP: queries, updates, and the quirks of real servers.

:class:`Endpoint` sends a query (always a form POST: Virtuoso hangs on a direct POST,
openlink/virtuoso-opensource#842) and reads the whole answer within a hard deadline: a worker
thread is abandoned and its socket shut at the deadline, so a server that sends its headers or
its answer a byte at a time cannot hold a command. An answer is complete or an error, never
partial: more than the caller's row cap is :class:`~certpath.errors.QueryTruncated`, and so is
an answer the server cut itself (Virtuoso's ``X-SPARQL-MaxRows`` header, its ``ResultSetMaxRows``
of 10,000 rows) or marked incomplete (Virtuoso's "anytime" answers, ``X-SQL-State``). Blank
nodes are relabelled per answer (Virtuoso's ``nodeID://`` labels are not valid blank node
labels, and other servers reuse labels between answers), so a blank node is never taken for
another one of a different answer.

Writes (the Graph Store Protocol where the server has it, else SPARQL 1.1 Update) authenticate
with the credentials of the environment variables ``CERTPATH_SPARQL_USER`` and
``CERTPATH_SPARQL_PASSWORD`` (HTTP Digest or Basic, as the server asks), never from the command
line and never logged. Every failure is one line naming the URL.
"""

from __future__ import annotations

import contextlib
import http.client
import itertools
import os
import re
import socket
import threading
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

import pyoxigraph as ox

from certpath.errors import (
    QueryFailed,
    QueryTimeout,
    QueryTruncated,
    StoreRefused,
    StoreUnavailable,
)
from certpath.sparql.results import QueryResult, collect

#: Seconds a command waits for one answer of an endpoint (``CERTPATH_SPARQL_TIMEOUT``).
DEFAULT_TIMEOUT = 60.0
#: Environment variables of the credentials for writing (never given on the command line).
USER_VARIABLE = "CERTPATH_SPARQL_USER"
PASSWORD_VARIABLE = "CERTPATH_SPARQL_PASSWORD"
#: Environment variable of the update URL, when it is not the query URL (or ``/query`` ->
#: ``/update``, as Oxigraph's server has it).
UPDATE_URL_VARIABLE = "CERTPATH_SPARQL_UPDATE_URL"
#: Environment variable of the Graph Store Protocol URL that ``load`` uploads files to (empty:
#: upload with SPARQL Update instead); by default derived from the update URL.
STORE_URL_VARIABLE = "CERTPATH_SPARQL_STORE_URL"
#: Most bytes read for one answer: a bound on memory whatever the server sends.
MAX_ANSWER_BYTES = 512 * 1024 * 1024


def default_timeout() -> float:
    """The endpoint timeout: ``CERTPATH_SPARQL_TIMEOUT`` seconds, else :data:`DEFAULT_TIMEOUT`."""
    try:
        value = float(os.environ.get("CERTPATH_SPARQL_TIMEOUT", DEFAULT_TIMEOUT))
    except ValueError:
        return DEFAULT_TIMEOUT
    return value if value > 0 else DEFAULT_TIMEOUT


_RDF_TYPES = {
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "text/plain": ox.RdfFormat.N_TRIPLES,
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/x-turtle": ox.RdfFormat.TURTLE,
}
_RESULTS_TYPES = {
    "application/sparql-results+json": ox.QueryResultsFormat.JSON,
    "application/json": ox.QueryResultsFormat.JSON,
    "application/sparql-results+xml": ox.QueryResultsFormat.XML,
    "text/tab-separated-values": ox.QueryResultsFormat.TSV,
}
_RESULTS_ACCEPT = "application/sparql-results+json, application/sparql-results+xml;q=0.9"
_RDF_ACCEPT = "application/n-triples, text/turtle;q=0.9"

# Blank node labels in an answer: JSON ("type": "bnode", "value": "..."), XML (<bnode>...</bnode>)
# and N-Triples/Turtle/TSV (_:label).
_JSON_BNODE = re.compile(rb'("type"\s*:\s*"bnode"\s*,\s*"value"\s*:\s*")([^"]*)(")')
_XML_BNODE = re.compile(rb"(<bnode>)([^<]*)(</bnode>)")
_TEXT_BNODE = re.compile(rb"(_:)([^\s,;.)\]]*(?:\.[^\s,;.)\]]+)*)()")
_ANSWERS = itertools.count()


def relabel_blank_nodes(data: bytes, media: str) -> bytes:
    """Give the blank nodes of one answer labels of their own (valid, and unique to it).

    >>> node = b'{"type": "bnode", "value": "nodeID://b1"}'
    >>> answer = relabel_blank_nodes(node, "application/json")
    >>> b"nodeID" in answer, answer.startswith(b'{"type": "bnode", "value": "a')
    (False, True)
    """
    pattern = {
        "application/sparql-results+json": _JSON_BNODE,
        "application/json": _JSON_BNODE,
        "application/sparql-results+xml": _XML_BNODE,
    }.get(media, _TEXT_BNODE)
    answer = next(_ANSWERS)
    labels: dict[bytes, bytes] = {}

    def label(match: re.Match[bytes]) -> bytes:
        new = labels.setdefault(match.group(2), f"a{answer}n{len(labels)}".encode())
        return match.group(1) + new + match.group(3)

    if b"bnode" not in data and b"_:" not in data:
        return data
    return pattern.sub(label, data)


@dataclass
class Endpoint:
    """A SPARQL 1.1 Protocol endpoint: where to send queries, over which graphs.

    ``dataset`` lists the graphs a query reads as its default graph (``default-graph-uri``;
    ``None``: the endpoint's own default). A URL that names its own ``default-graph-uri``
    keeps it.
    """

    url: str
    timeout: float = field(default_factory=default_timeout)
    dataset: tuple[str, ...] | None = None
    #: The ``Server`` header of the last answer (``Virtuoso/07.20...``), for its quirks.
    software: str = ""

    @property
    def is_virtuoso(self) -> bool:
        """Whether the endpoint said it is Virtuoso."""
        return self.software.startswith("Virtuoso")

    def __post_init__(self) -> None:
        check_url(self.url)

    @property
    def update_url(self) -> str:
        """Where updates go: ``CERTPATH_SPARQL_UPDATE_URL``, else the query URL (``/query``
        becomes ``/update``, Oxigraph's server layout)."""
        chosen = os.environ.get(UPDATE_URL_VARIABLE)
        if chosen:
            check_url(chosen)
            return chosen
        parts = urllib.parse.urlsplit(self.url)
        if parts.path.endswith("/query"):
            return urllib.parse.urlunsplit(parts._replace(path=parts.path[:-6] + "/update"))
        return self.url

    @property
    def store_url(self) -> str | None:
        """Where ``load`` uploads files (SPARQL 1.1 Graph Store Protocol), or None for SPARQL
        Update: ``CERTPATH_SPARQL_STORE_URL`` when set (empty: none), else Virtuoso's
        ``/sparql-graph-crud-auth`` beside ``/sparql-auth``, Oxigraph's ``/store`` beside
        ``/update``."""
        chosen = os.environ.get(STORE_URL_VARIABLE)
        if chosen is not None:
            if chosen:
                check_url(chosen)
            return chosen or None
        parts = urllib.parse.urlsplit(self.update_url)
        for update, store in (("/sparql-auth", "/sparql-graph-crud-auth"), ("/update", "/store")):
            if parts.path.endswith(update):
                path = parts.path[: -len(update)] + store
                return urllib.parse.urlunsplit(parts._replace(path=path, query=""))
        return None

    def post_graph(self, graph: str, data: bytes, *, timeout: float | None = None) -> None:
        """Add N-Triples *data* to the named *graph* (Graph Store Protocol POST)."""
        base = self.store_url
        assert base is not None
        url = f"{base}?{urllib.parse.urlencode({'graph': graph})}"
        seconds = self.timeout if timeout is None else timeout
        timed_out = QueryTimeout(f"timed out after {seconds:g} s (waiting for {base})")

        def exchange(box: dict[str, Any]) -> None:
            request = urllib.request.Request(
                url,
                data=data,
                headers={"Content-Type": "application/n-triples", "User-Agent": "certpath"},
                method="POST",
            )
            with self._open(request, seconds) as response:
                box["response"] = response
                _read(response, base)

        _within(seconds, lambda box: self._guard(exchange, box, timed_out, url=base), timed_out)

    def _names_dataset(self) -> bool:
        query = urllib.parse.parse_qs(urllib.parse.urlsplit(self.url).query)
        return "default-graph-uri" in query or "named-graph-uri" in query

    # -------------------------------------------------------------- queries

    def run(
        self,
        text: str,
        form: str,
        *,
        limit: int | None,
        timeout: float | None = None,
        dataset: Sequence[str] | None = None,
    ) -> QueryResult:
        """Have the endpoint evaluate *text* (complete SPARQL, checked and bound).

        Raises
        ------
        QueryTimeout
            No complete answer within *timeout* seconds, the endpoint gave up (503, 504), or it
            marked its answer incomplete.
        QueryTruncated
            More than *limit* rows, or the endpoint cut the answer at its own cap.
        QueryFailed
            The endpoint refused the query (HTTP 4xx), with its reason.
        StoreUnavailable
            The endpoint cannot be reached, fails (5xx), redirects, breaks off its answer or
            answers with something that is not SPARQL results (SELECT, ASK) or RDF (CONSTRUCT,
            DESCRIBE) of the right kind.
        """
        seconds = self.timeout if timeout is None else timeout
        timed_out = QueryTimeout(f"timed out after {seconds:g} s (waiting for {self.url})")
        graphs = self.dataset if dataset is None else tuple(dataset)
        fields = [("query", text)]
        if graphs is not None and not self._names_dataset():
            fields += [("default-graph-uri", g) for g in graphs]
        graph_form = form in ("construct", "describe")

        def exchange(box: dict[str, Any]) -> QueryResult:
            request = self._request(
                self.url, fields, _RDF_ACCEPT if graph_form else _RESULTS_ACCEPT
            )
            with self._open(request, seconds) as response:
                box["response"] = response
                self.software = response.headers.get("Server", "") or ""
                media = response.headers.get_content_type()
                self._check_complete(response.headers, limit)
                data = _read(response, self.url)
                return self._parse(data, media, form, limit)

        return _within(seconds, lambda box: self._guard(exchange, box, timed_out), timed_out)

    def ask(self, text: str, *, dataset: Sequence[str] | None = None) -> bool:
        """The answer of an ASK query."""
        return bool(self.run(text, "ask", limit=None, dataset=dataset).boolean)

    def select(
        self, text: str, *, limit: int | None = None, dataset: Sequence[str] | None = None
    ) -> QueryResult:
        """The complete solutions of a SELECT query."""
        return self.run(text, "select", limit=limit, dataset=dataset)

    def _check_complete(self, headers: Any, limit: int | None) -> None:
        capped = headers.get("X-SPARQL-MaxRows")
        if capped:
            raise QueryTruncated(
                f"{self.url}: the endpoint cut its answer at {capped.strip()} rows "
                "(X-SPARQL-MaxRows; for Virtuoso raise ResultSetMaxRows in [SPARQL]); "
                "certpath never uses a partial answer"
            )
        state = headers.get("X-SQL-State")
        if state and state.strip() not in ("00000", "OK"):
            said = (headers.get("X-SQL-Message") or state).strip()
            raise QueryTimeout(f"{self.url}: the endpoint's answer is incomplete: {said}")

    def _parse(self, data: bytes, media: str, form: str, limit: int | None) -> QueryResult:
        if form in ("construct", "describe"):
            fmt = _RDF_TYPES.get(media)
            if fmt is None:
                raise StoreUnavailable(f"{self.url}: the endpoint answered '{media}', not RDF")
            triples = ox.parse(relabel_blank_nodes(data, media), format=fmt)
            return collect(form, (quad.triple for quad in triples), limit)
        results_format = _RESULTS_TYPES.get(media)
        if results_format is None:
            raise StoreUnavailable(
                f"{self.url}: the endpoint answered '{media}', not SPARQL query results"
            )
        answer = ox.parse_query_results(relabel_blank_nodes(data, media), format=results_format)
        if isinstance(answer, ox.QueryBoolean) != (form == "ask"):
            kind = "a boolean" if isinstance(answer, ox.QueryBoolean) else "solutions"
            raise StoreUnavailable(
                f"{self.url}: the endpoint answered {kind} to a {form.upper()} query"
            )
        return collect(form, answer, limit)

    # -------------------------------------------------------------- updates

    def update(self, text: str, *, timeout: float | None = None) -> None:
        """Send a SPARQL 1.1 Update (authenticated when credentials are set).

        Raises
        ------
        StoreRefused
            The endpoint wants credentials (none set, or wrong ones) or refuses writes.
        QueryFailed
            The endpoint refused the update (HTTP 400), with its reason.
        StoreUnavailable, QueryTimeout
            As for :meth:`run`.
        """
        url = self.update_url
        seconds = self.timeout if timeout is None else timeout
        timed_out = QueryTimeout(f"timed out after {seconds:g} s (waiting for {url})")

        def exchange(box: dict[str, Any]) -> None:
            request = self._request(url, [("update", text)], "*/*")
            with self._open(request, seconds) as response:
                box["response"] = response
                _read(response, url)

        _within(seconds, lambda box: self._guard(exchange, box, timed_out, url=url), timed_out)

    # -------------------------------------------------------------- HTTP

    def _request(
        self, url: str, fields: list[tuple[str, str]], accept: str
    ) -> urllib.request.Request:
        return urllib.request.Request(
            url,
            data=urllib.parse.urlencode(fields).encode(),
            headers={
                "Accept": accept,
                "Content-Type": "application/x-www-form-urlencoded",
                "User-Agent": "certpath",
            },
            method="POST",
        )

    def _open(self, request: urllib.request.Request, timeout: float) -> Any:
        return _opener(request.full_url).open(request, timeout=timeout)

    def _guard(
        self,
        work: Callable[[dict[str, Any]], T],
        box: dict[str, Any],
        timed_out: Exception,
        *,
        url: str | None = None,
    ) -> T:
        """Run one exchange, turning HTTP and transport failures into one-line errors."""
        url = url or self.url
        try:
            return work(box)
        except urllib.error.HTTPError as exc:
            raise _status_error(url, exc) from None
        except (SyntaxError, ValueError) as exc:
            first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            raise StoreUnavailable(
                f"{url}: the endpoint's answer does not parse: {first}"
            ) from None
        except (urllib.error.URLError, http.client.HTTPException, OSError) as exc:
            raise _transport_error(url, exc, timed_out) from None


def _said(exc: urllib.error.HTTPError) -> str:
    """The first line of an error answer's body (the server's reason), or nothing."""
    try:
        body = exc.read(2000).decode("utf-8", "replace")
    except (OSError, http.client.HTTPException):
        return ""
    lines = [line.strip() for line in re.sub(r"<[^>]+>", " ", body).splitlines() if line.strip()]
    return f": {lines[0][:300]}" if lines else ""


def _status_error(url: str, exc: urllib.error.HTTPError) -> Exception:
    said = _said(exc)
    if exc.code in (401, 403):
        who = "set CERTPATH_SPARQL_USER and CERTPATH_SPARQL_PASSWORD"
        if os.environ.get(USER_VARIABLE):
            who = "check CERTPATH_SPARQL_USER and CERTPATH_SPARQL_PASSWORD"
        return StoreRefused(f"{url}: the endpoint refused access (HTTP {exc.code}); {who}{said}")
    if exc.code in (503, 504):
        return QueryTimeout(f"{url}: the endpoint gave up (HTTP {exc.code}){said}")
    if 300 <= exc.code < 400:
        where = exc.headers.get("Location", "elsewhere")
        return StoreUnavailable(
            f"{url}: the endpoint redirects (HTTP {exc.code}) to {where}; give that URL"
        )
    if exc.code < 500:
        return QueryFailed(f"{url}: the endpoint refused the query (HTTP {exc.code}){said}")
    if _OVER_LIMIT.search(said):  # Virtuoso says 500 for a query over its time limits
        return QueryTimeout(f"{url}: the endpoint gave up (HTTP {exc.code}){said}")
    return StoreUnavailable(f"{url}: the endpoint answered HTTP {exc.code} {exc.reason}{said}")


#: What a server's 500 says when the query was over its time limits, not the server broken:
#: Virtuoso's estimate ("The estimated execution time ... exceeds the limit") and its
#: transaction timeout (SR171).
_OVER_LIMIT = re.compile(r"estimated execution time|exceeds the limit|SR171|timed out", re.I)


def _read(response: Any, url: str) -> bytes:
    """The whole body of *response* (at most :data:`MAX_ANSWER_BYTES`), or an error."""
    data = response.read(MAX_ANSWER_BYTES + 1)
    if len(data) > MAX_ANSWER_BYTES:
        raise QueryTruncated(f"{url}: the answer is larger than {MAX_ANSWER_BYTES >> 20} MiB")
    if response.length:  # Content-Length not reached: the answer broke off
        raise StoreUnavailable(f"{url}: the endpoint's answer broke off")
    return bytes(data)


def _opener(url: str) -> urllib.request.OpenerDirector:
    """An opener that answers Digest or Basic challenges with the environment's credentials."""
    user, password = os.environ.get(USER_VARIABLE), os.environ.get(PASSWORD_VARIABLE)
    handlers: list[urllib.request.BaseHandler] = [_NoRedirect()]
    if user and password is not None:
        manager = urllib.request.HTTPPasswordMgrWithDefaultRealm()
        manager.add_password(None, url, user, password)
        handlers += [
            urllib.request.HTTPDigestAuthHandler(manager),
            urllib.request.HTTPBasicAuthHandler(manager),
        ]
    return urllib.request.build_opener(*handlers)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """Redirects are reported, not followed (a POST must not be replayed elsewhere)."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def _transport_error(url: str, exc: Exception, timed_out: Exception) -> Exception:
    """The error to raise for a failed connection or a broken answer (*timed_out* for a timeout)."""
    if isinstance(exc, http.client.HTTPException):
        return StoreUnavailable(f"{url}: the endpoint's answer is broken ({type(exc).__name__})")
    reason = exc.reason if isinstance(exc, urllib.error.URLError) else exc
    if isinstance(reason, TimeoutError):
        return timed_out
    if isinstance(exc, urllib.error.URLError):
        text = getattr(reason, "strerror", None) or str(reason)
        return StoreUnavailable(f"{url}: cannot reach the SPARQL endpoint: {text}")
    text = getattr(exc, "strerror", None) or str(exc)
    return StoreUnavailable(f"{url}: cannot read from the SPARQL endpoint: {text}")


T = TypeVar("T")


def _within(timeout: float, work: Callable[[dict[str, Any]], T], timed_out: Exception) -> T:
    """Run ``work(box)`` in a worker thread and give up after *timeout* seconds.

    *work* puts its HTTP response in ``box["response"]``; at the deadline that response's socket
    is shut (not the response closed: the reading thread holds its lock), so a server that sends
    its headers or its answer a byte at a time cannot hold the caller, and *timed_out* is raised.
    """
    box: dict[str, Any] = {}

    def run() -> None:
        try:
            box["result"] = work(box)
        except BaseException as exc:  # noqa: BLE001 - handed to the caller's thread
            # Without its frames: pyoxigraph objects in them must not die in another thread.
            exc.__traceback__, exc.__context__ = None, None
            box["error"] = exc

    worker = threading.Thread(target=run, name="certpath-sparql", daemon=True)
    worker.start()
    worker.join(timeout)
    if worker.is_alive():
        raw = getattr(getattr(box.get("response"), "fp", None), "raw", None)
        with contextlib.suppress(Exception):
            raw._sock.shutdown(socket.SHUT_RDWR)  # type: ignore[union-attr]
        raise timed_out
    if "error" in box:
        raise box["error"]
    result: T = box["result"]
    return result


def check_url(url: str) -> None:
    """Refuse a ``sparql:`` location that is not an http(s) URL urllib can use."""
    try:
        parts = urllib.parse.urlsplit(url)
        ok = parts.scheme in ("http", "https") and bool(parts.hostname)
    except ValueError:
        ok = False
    if not ok:
        raise StoreUnavailable(f"--store sparql:{url}: use an http:// or https:// endpoint URL")


__all__ = [
    "DEFAULT_TIMEOUT",
    "PASSWORD_VARIABLE",
    "STORE_URL_VARIABLE",
    "UPDATE_URL_VARIABLE",
    "USER_VARIABLE",
    "Endpoint",
    "check_url",
    "default_timeout",
    "relabel_blank_nodes",
]
