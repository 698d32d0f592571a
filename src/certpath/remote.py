"""A remote SPARQL 1.1 endpoint as a store.

``certpath query`` sends its (checked, bound) query to the endpoint, which evaluates it
(:func:`run_remote_query`). The other commands read a copy of the graph made with one CONSTRUCT
query (:func:`mirror_endpoint`), so ``path``, ``show`` ... ask the server exactly one question,
however many nodes they visit. A server that is down or answers with something that is not RDF
or SPARQL results is a :class:`StoreUnavailable` (exit 6) naming the URL.
"""

from __future__ import annotations

import contextlib
import http.client
import os
import socket
import threading
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

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
        Connection refused, HTTP error status, no complete answer within *timeout* seconds (also
        from a server that sends a byte at a time), or a content type that is not N-Triples or
        Turtle.
    """
    _check_url(url)
    too_slow = StoreUnavailable(f"{url}: no answer within {timeout:g} s")

    def fetch(box: dict[str, Any]) -> tuple[bytes, ox.RdfFormat]:
        request = _post(url, MIRROR_QUERY, "application/n-triples, text/turtle;q=0.9")
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
                box["response"] = response
                media = response.headers.get_content_type()
                fmt = _RDF_TYPES.get(media)
                if fmt is None:
                    raise StoreUnavailable(
                        f"{url}: the endpoint answered '{media}', not RDF (N-Triples or Turtle)"
                    )
                data = response.read()
                if response.length:
                    raise StoreUnavailable(f"{url}: the endpoint's answer broke off")
                return data, fmt
        except urllib.error.HTTPError as exc:
            raise StoreUnavailable(
                f"{url}: the endpoint answered HTTP {exc.code} {exc.reason}"
            ) from None
        except (urllib.error.URLError, http.client.HTTPException, OSError) as exc:
            raise _transport_error(url, exc, too_slow) from None

    return _within(timeout, fetch, too_slow)


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
    in: more than *limit* rows (or triples) stop the transfer. The whole exchange runs in a
    worker thread that is abandoned (its connection closed) at the deadline, so a server that
    sends its headers or its answer a byte at a time cannot hold the command past *timeout*.

    Raises
    ------
    QueryTimeout
        No complete answer within *timeout* seconds, or the endpoint says it gave up (503, 504).
    QueryTruncated
        More than *limit* rows.
    QueryFailed
        The endpoint refused the query (HTTP 4xx).
    StoreUnavailable
        The endpoint cannot be reached, fails (5xx), redirects, breaks off its answer or
        answers with something that is not SPARQL results (SELECT, ASK) or RDF (CONSTRUCT,
        DESCRIBE) of the right kind.
    """
    from certpath.sparql import QueryTimeout

    _check_url(url)
    timed_out = QueryTimeout(f"timed out after {timeout:g} s (waiting for {url})")

    def exchange(box: dict[str, Any]) -> QueryResult:
        return _exchange(url, text, form, limit, timeout, box, timed_out)

    return _within(timeout, exchange, timed_out)


def remote_graph_is_complete(url: str, *, timeout: float) -> bool:
    """Whether the endpoint's graph already has the direct triples of vocabulary rule 1.

    One ASK query. When a qualified link lacks its direct triple, ``query`` answers from a copy
    of the graph with the rule applied instead (as the other commands do), so that SPARQL over
    the direct properties always works.
    """
    answer = run_remote_query(url, RULE_1_GAP, "ask", limit=None, timeout=timeout)
    return not answer.boolean


#: ASK: does some qualified link lack its direct triple (vocabulary rule 1)?
RULE_1_GAP = """ASK {
  { ?s cp:qualifiedRequirement ?q . ?q cp:competency ?c .
    FILTER NOT EXISTS { ?s cp:requires ?c } FILTER NOT EXISTS { ?s cp:recommends ?c } }
  UNION
  { ?s cp:qualifiedOutcome ?q . ?q cp:competency ?c . FILTER NOT EXISTS { ?s cp:teaches ?c } }
  UNION
  { ?s cp:qualifiedHolding ?q . ?q cp:competency ?c . FILTER NOT EXISTS { ?s cp:hasCompetency ?c } }
}"""


def _exchange(
    url: str,
    text: str,
    form: str,
    limit: int | None,
    timeout: float,
    box: dict[str, Any],
    timed_out: Exception,
) -> QueryResult:
    from certpath.namespaces import sparql_prologue
    from certpath.sparql import QueryFailed, QueryTimeout, collect

    graph = form in ("construct", "describe")
    accept = (
        "application/n-triples, text/turtle;q=0.9"
        if graph
        else "application/sparql-results+json, application/sparql-results+xml;q=0.9"
    )
    request = _post(url, sparql_prologue() + text, accept)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            box["response"] = response
            media = response.headers.get_content_type()
            if graph:
                fmt = _RDF_TYPES.get(media)
                if fmt is None:
                    raise StoreUnavailable(f"{url}: the endpoint answered '{media}', not RDF")
                quads = ox.parse(response, format=fmt)
                result = collect(form, (quad.triple for quad in quads), limit)
            else:
                results_format = _RESULTS_TYPES.get(media)
                if results_format is None:
                    raise StoreUnavailable(
                        f"{url}: the endpoint answered '{media}', not SPARQL query results"
                    )
                answer = ox.parse_query_results(response, format=results_format)
                if isinstance(answer, ox.QueryBoolean) != (form == "ask"):
                    kind = "a boolean" if isinstance(answer, ox.QueryBoolean) else "solutions"
                    raise StoreUnavailable(
                        f"{url}: the endpoint answered {kind} to a {form.upper()} query"
                    )
                result = collect(form, answer, limit)
            if response.length:  # Content-Length not reached: the answer broke off
                raise StoreUnavailable(f"{url}: the endpoint's answer broke off")
            return result
    except urllib.error.HTTPError as exc:
        detail = exc.read(300).decode("utf-8", "replace").strip().splitlines()
        said = f": {detail[0]}" if detail else ""
        if exc.code in (503, 504):
            raise QueryTimeout(f"{url}: the endpoint gave up (HTTP {exc.code}){said}") from None
        if 300 <= exc.code < 400:
            where = exc.headers.get("Location", "elsewhere")
            raise StoreUnavailable(
                f"{url}: the endpoint redirects (HTTP {exc.code}) to {where}; give that URL"
            ) from None
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
    except (urllib.error.URLError, http.client.HTTPException, OSError) as exc:
        raise _transport_error(url, exc, timed_out) from None


def _post(url: str, query: str, accept: str) -> urllib.request.Request:
    """A SPARQL 1.1 Protocol query request (POST, form-encoded)."""
    return urllib.request.Request(
        url,
        data=urllib.parse.urlencode({"query": query}).encode(),
        headers={
            "Accept": accept,
            "Content-Type": "application/x-www-form-urlencoded",
            "User-Agent": "certpath",
        },
        method="POST",
    )


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


def _check_url(url: str) -> None:
    """Refuse a ``sparql:`` location that is not an http(s) URL urllib can use."""
    try:
        parts = urllib.parse.urlsplit(url)
        ok = parts.scheme in ("http", "https") and bool(parts.hostname)
    except ValueError:
        ok = False
    if not ok:
        raise StoreUnavailable(f"--store sparql:{url}: use an http:// or https:// endpoint URL")
