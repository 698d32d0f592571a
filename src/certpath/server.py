"""``certpath serve``: the planner page, the JSON API and the SPARQL endpoint on one local server.

The application is :mod:`certpath.web` (Starlette); it runs on uvicorn with httptools, which
keeps a deep listen backlog and parses HTTP in C. Two protections uvicorn lacks are added here,
through its documented ``http=`` protocol class:

* a **header timeout**: a connection that has not sent a request's headers within
  :data:`HEADER_TIMEOUT` seconds gets ``408`` and is closed (uvicorn waits forever);
* a **short body**: a client that ends its side of the connection before sending the
  Content-Length it announced gets ``400`` at once (uvicorn closes without an answer).

A bad Content-Length is answered ``400`` by the parser, and the application caps bodies (413) and
gives them :attr:`certpath.web.app.Settings.body_timeout` seconds to arrive.

Queries and questions run in worker processes forked, before the server starts, from one process
that holds the loaded graph (:mod:`certpath.web.workers`); a job past ``--timeout`` gets 503 and
its worker is killed. It binds ``127.0.0.1`` unless told otherwise, and answers only requests whose
Host header names that address, so a web page elsewhere cannot reach it by DNS rebinding.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from certpath.errors import InputError, Interrupted
from certpath.graph import KnowledgeGraph

__all__ = ["HEADER_TIMEOUT", "RunningServer", "ServeOptions", "running", "serve"]

#: Seconds a client has to send a request's headers.
HEADER_TIMEOUT = 10.0
#: Pending connections the kernel queues before refusing (the stdlib server had 5).
BACKLOG = 2048


@dataclass(frozen=True)
class ServeOptions:
    """The options of ``certpath serve`` (see its ``--help``)."""

    host: str = "127.0.0.1"
    port: int = 7878
    timeout: float = 30.0
    limit: int = 100_000
    cors: str | None = None
    workers: int = 4
    max_workers: int = 16
    max_body: int = 1 << 20
    body_timeout: float = 10.0
    header_timeout: float = HEADER_TIMEOUT
    access_log: bool = False
    cache_mb: int = 64


def _protocol_class(header_timeout: float) -> type[asyncio.Protocol]:
    """uvicorn's httptools protocol with a header timeout and an answer to short bodies."""
    from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

    class Protocol(HttpToolsProtocol):
        _header_timer: asyncio.TimerHandle | None = None

        def _arm(self) -> None:
            if self._header_timer is None:
                self._header_timer = self.loop.call_later(header_timeout, self._headers_late)

        def _disarm(self) -> None:
            if self._header_timer is not None:
                self._header_timer.cancel()
                self._header_timer = None

        def _headers_late(self) -> None:
            self._header_timer = None
            if self.transport.is_closing():
                return
            message = f"request headers not received within {header_timeout:g} s\n".encode()
            self.transport.write(
                b"HTTP/1.1 408 Request Timeout\r\ncontent-type: text/plain; charset=utf-8\r\n"
                b"content-length: " + str(len(message)).encode() + b"\r\n"
                b"connection: close\r\n\r\n" + message
            )
            self.transport.close()

        def connection_made(self, transport: Any) -> None:
            super().connection_made(transport)
            self._arm()

        def connection_lost(self, exc: Exception | None) -> None:
            self._disarm()
            super().connection_lost(exc)

        def on_message_begin(self) -> None:
            super().on_message_begin()
            self._arm()

        def on_headers_complete(self) -> None:
            self._disarm()
            super().on_headers_complete()

        def eof_received(self) -> None:
            cycle = self.cycle
            if (
                cycle is not None
                and cycle.more_body
                and not cycle.response_started
                and self._header_timer is None
            ):
                self.send_400_response("request body shorter than its Content-Length")
                return
            super().eof_received()

    return Protocol


def _listen(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host.strip("[]"), port))
        sock.listen(BACKLOG)
    except OSError as exc:
        sock.close()
        raise InputError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    sock.setblocking(False)
    return sock


def _hosts(options: ServeOptions) -> tuple[str, ...]:
    if options.host in ("0.0.0.0", "::", "[::]", ""):
        return ("*",)
    names = {"127.0.0.1", "localhost", "::1", "[::1]", options.host, options.host.strip("[]")}
    return tuple(sorted(names))


class RunningServer:
    """A server started by :func:`running`: its address, and :meth:`close`."""

    def __init__(self, server: Any, thread: threading.Thread, pool: Any, url: str) -> None:
        self._server, self._thread, self._pool = server, thread, pool
        #: The page's URL, e.g. ``http://127.0.0.1:7878/``.
        self.url = url
        #: The SPARQL endpoint's URL.
        self.sparql = url + "sparql"

    def close(self) -> None:
        """Stop answering, end the worker processes."""
        self._server.should_exit = True
        self._thread.join(timeout=10)
        self._pool.close()


def _prepare(kg: KnowledgeGraph, options: ServeOptions) -> tuple[Any, Any, socket.socket, str]:
    import uvicorn

    from certpath.web.app import Settings, create_app
    from certpath.web.jobs import Backend
    from certpath.web.workers import WorkerPool

    sock = _listen(options.host, options.port)
    port = sock.getsockname()[1]
    backend = Backend(kg)
    backend.warm()
    pool = WorkerPool(backend, size=options.workers, max_size=options.max_workers)
    try:
        pool.start()
    except BaseException:
        sock.close()
        raise
    settings = Settings(
        timeout=options.timeout,
        limit=options.limit,
        cors=options.cors,
        max_body=options.max_body,
        body_timeout=options.body_timeout,
        hosts=_hosts(options),
        cache_bytes=options.cache_mb << 20,
    )
    config = uvicorn.Config(
        create_app(pool, settings),
        http=_protocol_class(options.header_timeout),
        loop="uvloop" if _has_uvloop() else "asyncio",
        lifespan="off",
        log_level="warning",
        access_log=options.access_log,
        timeout_keep_alive=5,
        server_header=False,
        backlog=BACKLOG,
    )
    shown = options.host if ":" not in options.host else f"[{options.host.strip('[]')}]"
    return uvicorn.Server(config), pool, sock, f"http://{shown}:{port}/"


def _has_uvloop() -> bool:
    try:
        import uvloop  # noqa: F401
    except ImportError:  # pragma: no cover - uvloop is a dependency on Linux and macOS
        return False
    return True


def serve(kg: KnowledgeGraph, options: ServeOptions | None = None) -> None:
    """Serve *kg* until interrupted; prints the page's and the endpoint's URLs on stderr.

    Raises
    ------
    InputError
        The address cannot be listened on (in use, not local, no permission).
    """
    options = options or ServeOptions()
    server, pool, sock, url = _prepare(kg, options)
    sys.stderr.write(f"certpath at {url} (SPARQL endpoint at {url}sparql); Ctrl-C stops it\n")
    sys.stderr.flush()
    try:
        server.run(sockets=[sock])
    except KeyboardInterrupt as exc:  # pragma: no cover - uvicorn handles SIGINT itself
        if isinstance(exc, Interrupted):
            raise  # SIGTERM/SIGHUP: the CLI edge ends the process by that signal
    finally:
        pool.close()
        sock.close()


@contextlib.contextmanager
def running(kg: KnowledgeGraph, options: ServeOptions | None = None) -> Iterator[RunningServer]:
    """Serve *kg* in a background thread while the ``with`` block runs (notebooks, tests).

    ``port=0`` (the default here) picks a free port.

    Examples
    --------
    >>> import json, urllib.request
    >>> from certpath.graph import load
    >>> with running(load()) as server:
    ...     with urllib.request.urlopen(server.url + "api/roles") as answer:
    ...         roles = json.load(answer)["roles"]
    >>> "Product Owner" in [role["label"] for role in roles]
    True
    """
    options = options or ServeOptions(port=0)
    server, pool, sock, url = _prepare(kg, options)
    thread = threading.Thread(
        target=server.run, kwargs={"sockets": [sock]}, name="certpath-server", daemon=True
    )
    thread.start()
    started = threading.Event()
    for _ in range(200):
        if server.started:
            started.set()
            break
        threading.Event().wait(0.025)
    handle = RunningServer(server, thread, pool, url)
    try:
        if not started.is_set():
            raise InputError(f"the server at {url} did not start")
        yield handle
    finally:
        handle.close()
        sock.close()
