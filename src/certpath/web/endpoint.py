"""The SPARQL 1.1 Protocol endpoint: reading a request, and answering it in a worker.

:func:`sparql_request` runs in the server: it reads the query from a GET query string, a form
POST or a direct POST (``application/sparql-query``) and refuses updates, with every byte decoded
strictly as UTF-8. :func:`answer_query` runs in a worker process: it checks the query (no updates,
no SERVICE, no FROM), picks the result format from the Accept header, runs it with the row cap
(:func:`certpath.sparql.run_query`) and serialises it completely, so a query over a limit gets
503, never a 200 with a truncated body.

Status codes: 200 result, 400 bad or missing query (or bytes that are not UTF-8), 403 update or
SERVICE/FROM, 404 unknown path, 405 method, 406 no acceptable format, 408/400 a body that does not
arrive, 413 a body over the cap, 415 unsupported content type, 503 over the time or row limit.
"""

from __future__ import annotations

import urllib.parse
from typing import Any

from certpath.errors import CertpathError

__all__ = ["ACCEPTED", "HttpProblem", "answer_query", "negotiate", "parse_form", "sparql_request"]

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
_TEXT = "text/plain; charset=utf-8"


class HttpProblem(Exception):
    """A request answered with an error status and a one-line message."""

    def __init__(
        self, status: int, message: str, *, close: bool = False, field: str | None = None
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        #: The API parameter at fault, if any.
        self.field = field
        #: Close the connection after answering (the rest of the request may still be coming).
        self.close = close


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


def _utf8(data: bytes, where: str) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise HttpProblem(
            400, f"the {where} is not UTF-8 (byte {exc.start}: {data[exc.start]:#04x})"
        ) from None


def parse_form(data: bytes, where: str) -> dict[str, list[str]]:
    """Decode ``a=1&b=2`` (a query string or a form body), every value strictly UTF-8.

    >>> parse_form(b"query=ASK%7B%7D&x=%C3%A9", "query string")
    {'query': ['ASK{}'], 'x': ['é']}
    >>> parse_form(b"query=%FF", "query string")
    Traceback (most recent call last):
    ...
    certpath.web.endpoint.HttpProblem: the query string is not UTF-8 (percent-encoded byte 0xff)
    """
    text = _utf8(data, where)
    try:
        pairs = urllib.parse.parse_qsl(text, keep_blank_values=True, errors="strict")
    except UnicodeDecodeError as exc:
        byte = exc.object[exc.start]
        raise HttpProblem(
            400, f"the {where} is not UTF-8 (percent-encoded byte {byte:#04x})"
        ) from None
    found: dict[str, list[str]] = {}
    for name, value in pairs:
        found.setdefault(name, []).append(value)
    return found


def _one_query(form: dict[str, list[str]]) -> str:
    if "update" in form:
        raise HttpProblem(403, "updates are refused: the endpoint is read-only")
    queries = form.get("query", [])
    if len(queries) != 1:
        raise HttpProblem(400, "give exactly one 'query' parameter")
    return queries[0]


def sparql_request(method: str, query_string: bytes, media: str, body: bytes) -> str:
    """The query text of a SPARQL Protocol request (GET, form POST or direct POST).

    Parameters
    ----------
    method : str
        ``GET``, ``HEAD`` or ``POST``.
    query_string : bytes
        The raw query string (percent-encoded).
    media : str
        The Content-Type of a POST, without parameters, lower case.
    body : bytes
        The POST body (complete).

    Raises
    ------
    HttpProblem
        400 no or several queries, bytes that are not UTF-8; 403 an update; 415 another media type.

    Examples
    --------
    >>> sparql_request("GET", b"query=ASK%20%7B%7D", "", b"")
    'ASK {}'
    >>> sparql_request("POST", b"", "application/sparql-query", b"ASK {}")
    'ASK {}'
    """
    if method in ("GET", "HEAD"):
        return _one_query(parse_form(query_string, "query string"))
    if media == "application/sparql-update":
        raise HttpProblem(403, "updates are refused: the endpoint is read-only")
    if media == "application/sparql-query":
        return _utf8(body, "query")
    if media == "application/x-www-form-urlencoded":
        return _one_query(parse_form(body, "form body"))
    raise HttpProblem(415, f"unsupported content type '{media}'; use application/sparql-query")


class _Capped:
    """A sink for TSV results that refuses the row after *limit* (one row is one line)."""

    def __init__(self, limit: int) -> None:
        self.data = bytearray()
        self.lines = 0
        self.limit = limit

    def write(self, chunk: bytes) -> int:
        self.data += chunk
        self.lines += chunk.count(b"\n")
        if self.lines > self.limit + 1:  # the header, then the rows
            raise OverflowError(self.limit)
        return len(chunk)

    def flush(self) -> None:
        """Nothing to flush: the rows are kept in memory."""


def _solutions(store: Any, text: str, fmt: str, limit: int) -> bytes:
    """A SELECT or ASK result in *fmt*, all in the engine: TSV with a row cap, then *fmt*.

    TSV writes each solution on one line (newlines in literals are escaped), so counting lines
    counts rows without reading each one in Python; the complete TSV is then re-read and written
    in the format asked. :class:`certpath.sparql.QueryTruncated` past *limit* rows.
    """
    import pyoxigraph as ox

    from certpath.namespaces import PREFIXES
    from certpath.sparql import QueryFailed, QueryTruncated

    formats = {
        "json": ox.QueryResultsFormat.JSON,
        "xml": ox.QueryResultsFormat.XML,
        "csv": ox.QueryResultsFormat.CSV,
        "tsv": ox.QueryResultsFormat.TSV,
    }
    try:
        answer = store.query(text, prefixes=dict(PREFIXES))
        if isinstance(answer, ox.QueryBoolean):
            data = answer.serialize(format=formats[fmt])
            assert data is not None
            return data
        sink = _Capped(limit)
        answer.serialize(sink, format=ox.QueryResultsFormat.TSV)
    except OverflowError:
        raise QueryTruncated(f"truncated at {limit} rows") from None
    except OSError as exc:
        raise QueryFailed(f"query failed: {exc}") from None
    if fmt == "tsv":
        return bytes(sink.data)
    parsed = ox.parse_query_results(bytes(sink.data), format=ox.QueryResultsFormat.TSV)
    result = parsed.serialize(format=formats[fmt])
    assert result is not None
    return result


def answer_query(store: Any, text: str, accept: str | None, limit: int) -> tuple[int, str, bytes]:
    """Check, run and serialise one query (in a worker): ``(status, media type, body)``.

    SELECT and ASK are evaluated and written by the engine (:func:`_solutions`); CONSTRUCT and
    DESCRIBE go through :func:`certpath.sparql.run_query`, which sorts the triples.

    Examples
    --------
    >>> from certpath.graph import load
    >>> status, media, body = answer_query(load().store, "ASK { ?r a cp:Role }", None, 10)
    >>> status, media, body
    (200, 'application/sparql-results+json', b'{"head":{},"boolean":true}')
    >>> answer_query(load().store, "DROP ALL", None, 10)[0]
    403
    >>> answer_query(load().store, "SELECT ?r { ?r a cp:Role }", "text/csv", 2)[2]
    b'truncated at 2 rows\\n'
    """
    from certpath.sparql import (
        MEDIA_TYPES,
        QueryLimitError,
        QueryRefused,
        QuerySyntaxError,
        check_query,
        run_query,
    )

    try:
        checked = check_query(text)
    except QueryRefused as exc:
        return 403, _TEXT, f"{exc}\n".encode()
    except QuerySyntaxError as exc:
        return 400, _TEXT, f"{exc}\n".encode()
    fmt = negotiate(accept, checked.form)
    if fmt is None:
        offered = ", ".join(m for m, f in ACCEPTED.items() if f in _FOR_FORM[checked.form])
        message = f"no acceptable format for a {checked.form.upper()} query; offer {offered}\n"
        return 406, _TEXT, message.encode()
    try:
        if checked.form in ("select", "ask"):
            data = _solutions(store, checked.text, fmt, limit)
        else:
            data = run_query(store, checked, limit=limit, timeout=None).serialize(fmt)
    except QueryLimitError as exc:
        return 503, _TEXT, f"{exc}\n".encode()
    except QuerySyntaxError as exc:
        return 400, _TEXT, f"{exc}\n".encode()
    except CertpathError as exc:
        return 500, _TEXT, f"{exc}\n".encode()
    return 200, MEDIA_TYPES.get(fmt, "application/n-triples"), data
