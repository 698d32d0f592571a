"""A remote SPARQL 1.1 endpoint as a store: the graph is mirrored with one CONSTRUCT query.

Every command then reads the in-memory mirror, so ``path``, ``show``, ``query`` ... ask the server
exactly one question, however many nodes they visit. A server that is down, too slow or answers
with something that is not RDF is a :class:`StoreUnavailable` (exit 6) naming the URL.
"""

from __future__ import annotations

import os
import time
import urllib.error
import urllib.parse
import urllib.request

import pyoxigraph as ox

from certpath.errors import CertpathError

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
