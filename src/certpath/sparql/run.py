"""Running a query with a real deadline and row cap.

With a *timeout*, a local query runs in a forked child process that is killed at the deadline; a
row cap stops a query that returns too much. Both end in :class:`QueryLimitError` (exit code 5),
never in a partial result. Where the query runs is the graph's business
(:meth:`certpath.graph.KnowledgeGraph.evaluate`): the embedded store here, or a remote endpoint.
"""

from __future__ import annotations

import os
import pickle
import select
import signal
import time
from collections.abc import Mapping
from typing import Any, Protocol

import pyoxigraph as ox

from certpath.errors import CertpathError, QueryFailed, QuerySyntaxError, QueryTimeout
from certpath.namespaces import PREFIXES
from certpath.sparql.binding import bind, param_term
from certpath.sparql.check import CheckedQuery, check_query, engine_syntax_message
from certpath.sparql.results import QueryResult, collect

#: Default wall-clock limit for one query, in seconds.
DEFAULT_TIMEOUT = 30.0
#: Default row cap (solutions for SELECT, triples for CONSTRUCT/DESCRIBE).
DEFAULT_LIMIT = 100_000


def _evaluate(store: ox.Store, text: str, form: str, limit: int | None) -> QueryResult:
    """Run *text* in this process, keeping at most *limit* rows (one more raises)."""
    try:
        return collect(form, store.query(text, prefixes=dict(PREFIXES)), limit)
    except SyntaxError as exc:
        raise QuerySyntaxError(engine_syntax_message(text, str(exc))) from None
    except OSError as exc:
        raise QueryFailed(f"query failed: {exc}") from None


def _in_child(store: ox.Store, text: str, form: str, limit: int | None, timeout: float) -> Any:
    """Run the query in a forked child that the parent kills at the deadline."""
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child process
        os.close(read_fd)
        try:
            payload: Any = ("ok", _evaluate(store, text, form, limit))
        except CertpathError as exc:
            payload = ("error", exc)
        except BaseException as exc:  # noqa: BLE001 - anything else is reported, not raised
            payload = ("error", QueryFailed(f"query failed: {exc}"))
        try:
            data = pickle.dumps(payload, protocol=pickle.HIGHEST_PROTOCOL)
            view = memoryview(len(data).to_bytes(8, "big") + data)
            while view:
                written = os.write(write_fd, view)
                view = view[written:]
        finally:
            os._exit(0)
    os.close(write_fd)
    # Length-prefixed: other threads' children may hold a copy of the write end, so EOF can come
    # late; the answer is complete when its announced length has arrived.
    received = bytearray()
    expected: int | None = None
    deadline = time.monotonic() + timeout
    try:
        while expected is None or len(received) < expected + 8:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                if pid:
                    os.kill(pid, signal.SIGKILL)
                raise QueryTimeout(f"timed out after {timeout:g} s")
            ready, _, _ = select.select([read_fd], [], [], min(remaining, 0.5))
            if not ready:
                if not pid:
                    break  # the child is gone and nothing more is coming
                if os.waitpid(pid, os.WNOHANG)[0] == pid:
                    pid = 0
                continue
            chunk = os.read(read_fd, 1 << 20)
            if not chunk:
                break
            received += chunk
            if expected is None and len(received) >= 8:
                expected = int.from_bytes(received[:8], "big")
    except BaseException:  # Ctrl-C, SIGTERM: the child (busy in Oxigraph) must not outlive us
        if pid:
            os.kill(pid, signal.SIGKILL)
        raise
    finally:
        os.close(read_fd)
        if pid:
            os.waitpid(pid, 0)
    if expected is None or len(received) < expected + 8:
        raise QueryFailed("query failed: the query process ended without an answer")
    status, value = pickle.loads(bytes(received[8:]))
    if status == "error":
        raise value
    return value


class Evaluator(Protocol):
    """Anything that evaluates a checked, bound query: a :class:`~certpath.graph.KnowledgeGraph`."""

    def evaluate(
        self, text: str, form: str, *, limit: int | None, timeout: float | None
    ) -> QueryResult:
        """Evaluate *text* (of the given form) within *limit* rows and *timeout* seconds."""
        ...


def run_query(
    store: Evaluator | ox.Store,
    query: str | CheckedQuery,
    params: Mapping[str, ox.NamedNode | ox.Literal | str] | None = None,
    *,
    limit: int | None = DEFAULT_LIMIT,
    timeout: float | None = DEFAULT_TIMEOUT,
    allow_service: bool = False,
) -> QueryResult:
    """Check, bind and run a query with a real deadline and row cap.

    Parameters
    ----------
    store : KnowledgeGraph or pyoxigraph.Store
        Where to run it: a graph evaluates it with its own store (in memory, an Oxigraph
        folder, or a remote endpoint that evaluates it itself); a bare store here.
    query : str or CheckedQuery
        The SPARQL text (prefixes ``cp:``, ``cpd:``, ``skos:``, ... predeclared).
    params : mapping, optional
        Variable bindings: RDF terms, or strings read by :func:`param_term`.
    limit : int or None
        Row cap; more rows raise :class:`QueryTruncated`. ``None``: no cap.
    timeout : float or None
        Seconds; a local query runs in a child process killed at the deadline
        (:class:`QueryTimeout`). ``None``: run in this process, without a deadline (a remote
        endpoint still gets :data:`DEFAULT_TIMEOUT`).
    allow_service : bool
        Permit ``SERVICE`` and ``FROM``.

    Returns
    -------
    QueryResult

    Examples
    --------
    >>> from certpath.graph import load
    >>> r = run_query(load(), "ASK { ?r a cp:Role }", timeout=None)
    >>> r.boolean
    True
    """
    checked = (
        query
        if isinstance(query, CheckedQuery)
        else check_query(query, allow_service=allow_service)
    )
    terms = {k: param_term(v) if isinstance(v, str) else v for k, v in (params or {}).items()}
    text = bind(checked, terms)
    if isinstance(store, ox.Store):
        return evaluate_local(store, text, checked.form, limit=limit, timeout=timeout)
    return store.evaluate(text, checked.form, limit=limit, timeout=timeout)


def evaluate_local(
    store: ox.Store, text: str, form: str, *, limit: int | None, timeout: float | None
) -> QueryResult:
    """Evaluate checked, bound *text* on an Oxigraph store: in a child killed at *timeout*."""
    if timeout is None or not hasattr(os, "fork"):
        return _evaluate(store, text, form, limit)
    result = _in_child(store, text, form, limit, timeout)
    assert isinstance(result, QueryResult)
    return result


__all__ = ["DEFAULT_LIMIT", "DEFAULT_TIMEOUT", "Evaluator", "evaluate_local", "run_query"]
