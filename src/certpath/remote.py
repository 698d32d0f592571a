"""A remote SPARQL 1.1 endpoint as a store.

``certpath query`` sends its (checked, bound) query to the endpoint, which evaluates it
(:func:`run_remote_query`). The other commands read a copy of the graph made with one CONSTRUCT
query (:func:`mirror_endpoint`), so ``path``, ``show`` ... ask the server exactly one question,
however many nodes they visit. A server that is down or answers with something that is not RDF
or SPARQL results is a :class:`StoreUnavailable` (exit 6) naming the URL.
"""

from __future__ import annotations

import io
import os
import time
import urllib.error
import urllib.parse
import urllib.request
from typing import IO, TYPE_CHECKING

import pyoxigraph as ox

from certpath.errors import CertpathError

if TYPE_CHECKING:
    from certpath.sparql import QueryResult

#: The one query sent to the endpoint.
MIRROR_QUERY = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"
#: Seconds the whole transfer may take (environment variable ``CERTPATH_SPARQL_TIMEOUT``).
DEFAULT_TIMEOUT = 60.0


def _default_timeout() -> float:
    try:
        return float(os.environ.get("CERTPATH_SPARQL_TIMEOUT", DEFAULT_TIMEOUT))
    except ValueError:
        return DEFAULT_TIMEOUT


_RDF_TYPES = {
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "text/plain": ox.RdfFormat.N_TRIPLES,
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/x-turtle": ox.RdfFormat.TURTLE,
}


class StoreUnavailable(CertpathError):
    """A store that cannot be reached or read: down, too slow, or answering garbage (exit 6)."""

    exit_code = 6


def fetch_graph(url: str, *, timeout: float = DEFAULT_TIMEOUT) -> tuple[bytes, ox.RdfFormat]:
    """Send :data:`MIRROR_QUERY` to *url* (POST, SPARQL 1.1 Protocol) and return the RDF bytes.

    Raises
    ------
    StoreUnavailable
        Connection refused, HTTP error status, no complete answer within *timeout* seconds, or a
        content type that is not N-Triples or Turtle.
    """
    scheme = urllib.parse.urlsplit(url).scheme
    if scheme not in ("http", "https"):
        raise StoreUnavailable(f"--store sparql:{url}: use an http:// or https:// endpoint URL")
    request = urllib.request.Request(
        url,
        data=urllib.parse.urlencode({"query": MIRROR_QUERY}).encode(),
        headers={
            "Accept": "application/n-triples, text/turtle;q=0.9",
            "Content-Type": "application/x-www-form-urlencoded",
            "User-Agent": "certpath",
        },
        method="POST",
    )
    deadline = time.monotonic() + timeout
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            media = response.headers.get_content_type()
            fmt = _RDF_TYPES.get(media)
            if fmt is None:
                raise StoreUnavailable(
                    f"{url}: the endpoint answered '{media}', not RDF (N-Triples or Turtle)"
                )
            chunks = []
            while chunk := response.read(1 << 20):
                chunks.append(chunk)
                if time.monotonic() > deadline:
                    raise StoreUnavailable(f"{url}: no complete answer within {timeout:g} s")
            return b"".join(chunks), fmt
    except urllib.error.HTTPError as exc:
        raise StoreUnavailable(
            f"{url}: the endpoint answered HTTP {exc.code} {exc.reason}"
        ) from None
    except urllib.error.URLError as exc:
        reason = exc.reason
        if isinstance(reason, TimeoutError):
            raise StoreUnavailable(f"{url}: no answer within {timeout:g} s") from None
        text = getattr(reason, "strerror", None) or str(reason)
        raise StoreUnavailable(f"{url}: cannot reach the SPARQL endpoint: {text}") from None
    except TimeoutError:
        raise StoreUnavailable(f"{url}: no answer within {timeout:g} s") from None
    except OSError as exc:
        text = exc.strerror or str(exc)
        raise StoreUnavailable(f"{url}: cannot read from the SPARQL endpoint: {text}") from None


def mirror_endpoint(url: str, *, timeout: float | None = None) -> ox.Store:
    """Copy the default graph of the SPARQL endpoint *url* into an in-memory store.

    One CONSTRUCT query, then vocabulary rule 1 (direct triples for qualified links) is applied to
    the copy, as for local files, so answers are identical to the embedded store's.

    Raises
    ------
    StoreUnavailable
        The endpoint is down, slow or returns something that does not parse (exit 6).
    """
    data, fmt = fetch_graph(url, timeout=_default_timeout() if timeout is None else timeout)
    store = ox.Store()
    try:
        store.bulk_load(input=data, format=fmt)
    except (SyntaxError, ValueError) as exc:
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise StoreUnavailable(
            f"{url}: the endpoint returned RDF that does not parse: {first}"
        ) from None
    from certpath.graph import load_into_store

    load_into_store(store, [])
    return store


_RESULTS_TYPES = {
    "application/sparql-results+json": ox.QueryResultsFormat.JSON,
    "application/json": ox.QueryResultsFormat.JSON,
    "application/sparql-results+xml": ox.QueryResultsFormat.XML,
    "text/tab-separated-values": ox.QueryResultsFormat.TSV,
}


def run_remote_query(
    url: str, text: str, form: str, *, limit: int | None, timeout: float
) -> QueryResult:
    """Have the endpoint *url* evaluate *text* (already checked and bound) and read its answer.

    The package prefixes are declared in front of the query. The answer is read as it streams
    in: more than *limit* rows (or triples) stop the transfer, and so does the deadline.

    Raises
    ------
    QueryTimeout
        No complete answer within *timeout* seconds, or the endpoint says it gave up (503, 504).
    QueryTruncated
        More than *limit* rows.
    QueryFailed
        The endpoint refused the query (HTTP 400, 403, ...).
    StoreUnavailable
        The endpoint cannot be reached, fails (5xx) or answers in a format that is not SPARQL
        results (SELECT, ASK) or RDF (CONSTRUCT, DESCRIBE).
    """
    from certpath.namespaces import sparql_prologue
    from certpath.sparql import QueryFailed, QueryTimeout, collect

    graph = form in ("construct", "describe")
    accept = (
        "application/n-triples, text/turtle;q=0.9"
        if graph
        else "application/sparql-results+json, application/sparql-results+xml;q=0.9"
    )
    request = urllib.request.Request(
        url,
        data=urllib.parse.urlencode({"query": sparql_prologue() + text}).encode(),
        headers={
            "Accept": accept,
            "Content-Type": "application/x-www-form-urlencoded",
            "User-Agent": "certpath",
        },
        method="POST",
    )
    deadline = time.monotonic() + timeout
    timed_out = QueryTimeout(f"timed out after {timeout:g} s (waiting for {url})")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            media = response.headers.get_content_type()
            stream = io.BufferedReader(_Deadline(response, deadline, timed_out))
            if graph:
                fmt = _RDF_TYPES.get(media)
                if fmt is None:
                    raise StoreUnavailable(f"{url}: the endpoint answered '{media}', not RDF")
                return collect(form, (quad.triple for quad in ox.parse(stream, format=fmt)), limit)
            results_format = _RESULTS_TYPES.get(media)
            if results_format is None:
                raise StoreUnavailable(
                    f"{url}: the endpoint answered '{media}', not SPARQL query results"
                )
            return collect(form, ox.parse_query_results(stream, format=results_format), limit)
    except urllib.error.HTTPError as exc:
        detail = exc.read(300).decode("utf-8", "replace").strip().splitlines()
        said = f": {detail[0]}" if detail else ""
        if exc.code in (503, 504):
            raise QueryTimeout(f"{url}: the endpoint gave up (HTTP {exc.code}){said}") from None
        if exc.code < 500:
            raise QueryFailed(
                f"{url}: the endpoint refused the query (HTTP {exc.code}){said}"
            ) from None
        raise StoreUnavailable(
            f"{url}: the endpoint answered HTTP {exc.code} {exc.reason}"
        ) from None
    except (SyntaxError, ValueError) as exc:
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise StoreUnavailable(f"{url}: the endpoint's answer does not parse: {first}") from None
    except urllib.error.URLError as exc:
        if isinstance(exc.reason, TimeoutError):
            raise timed_out from None
        text_ = getattr(exc.reason, "strerror", None) or str(exc.reason)
        raise StoreUnavailable(f"{url}: cannot reach the SPARQL endpoint: {text_}") from None
    except TimeoutError:
        raise timed_out from None
    except OSError as exc:
        if time.monotonic() > deadline or isinstance(exc.__context__, TimeoutError):
            raise timed_out from None
        raise StoreUnavailable(
            f"{url}: cannot read from the SPARQL endpoint: {exc.strerror or exc}"
        ) from None


class _Deadline(io.RawIOBase):
    """A binary reader that raises *error* once *deadline* (``time.monotonic``) has passed."""

    def __init__(self, inner: IO[bytes], deadline: float, error: Exception) -> None:
        super().__init__()
        self.inner, self.deadline, self.error = inner, deadline, error

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        if time.monotonic() > self.deadline:
            raise self.error
        data = self.inner.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)
