"""Worker processes for the server: every query and question runs in one, killed at its deadline.

A thread cannot be stopped, and one SPARQL query can run for hours and fill the memory, so the
server answers nothing itself: it hands each job to a worker process and waits for the answer
until the deadline, then kills that worker and starts another. Starting a process per job (what
``certpath query --timeout`` does) costs a fork each time; these workers are kept and reused.

Workers are forked from a *zygote*: a process forked once, before the server starts any thread
or event loop, that holds the loaded graph and forks a fresh worker whenever the server asks
(passing the worker's socket back over a Unix socket). So no worker is ever forked from a
multi-threaded process, workers never inherit the server's listening socket, and each starts
with the graph and its caches already in memory (shared copy-on-write).

The pool keeps ``size`` workers ready. When every worker is busy with a job that has run for
``grow_after`` seconds, a new job gets a new worker, up to ``max_size``, so a quick job is not
stuck behind slow ones; a job that runs past ``slow_after`` seconds has its worker's priority
lowered (``nice``), so quick jobs run first, and that worker retires afterwards; if no worker is
idle then, a spare one is started, so the next quick job does not wait for a fork. Extra workers
retire once idle for ``idle_seconds``. A worker also stops itself (``SIGALRM``) a few
seconds past its job's deadline, should the server be gone.

Jobs and answers cross the socket as pickles; only the server's own workers write to it.
"""

from __future__ import annotations

import asyncio
import contextlib
import math
import os
import pickle
import signal
import socket
import struct
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from certpath.errors import CertpathError

__all__ = ["JobFailed", "JobTimeout", "WorkerPool"]

_HEADER = struct.Struct("!Q")
#: Seconds past a job's deadline after which a worker kills itself (the server normally does).
_BACKSTOP = 5
#: How much lower a worker's scheduling priority becomes once its job is slow (``nice``).
_NICENESS = 10


class JobTimeout(CertpathError):
    """A job ran past its deadline; its worker was killed (exit 5, HTTP 503)."""

    exit_code = 5


class JobFailed(CertpathError):
    """A worker ended without an answer (crashed, out of memory, killed from outside)."""

    exit_code = 1


def _send(sock: socket.socket, value: Any) -> None:
    data = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    sock.sendall(_HEADER.pack(len(data)) + data)


def _recv_exactly(sock: socket.socket, size: int) -> bytes | None:
    chunks, left = [], size
    while left:
        chunk = sock.recv(min(left, 1 << 20))
        if not chunk:
            return None
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def _recv(sock: socket.socket) -> Any:
    header = _recv_exactly(sock, _HEADER.size)
    if header is None:
        raise EOFError
    body = _recv_exactly(sock, _HEADER.unpack(header)[0])
    if body is None:
        raise EOFError
    return pickle.loads(body)


def _worker_main(sock: socket.socket, job: Callable[[Any], Any]) -> None:  # pragma: no cover
    """A worker: answer jobs one at a time until the server closes the socket."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C stops the server, which stops us
    signal.signal(signal.SIGALRM, signal.SIG_DFL)
    while True:
        try:
            deadline, payload = _recv(sock)
        except (EOFError, OSError):
            return
        signal.alarm(max(1, math.ceil(deadline)) + _BACKSTOP if deadline else 0)
        try:
            answer: Any = ("ok", job(payload))
        except BaseException as exc:  # noqa: BLE001 - reported to the server, never raised here
            answer = ("error", f"{type(exc).__name__}: {exc}")
        signal.alarm(0)
        try:
            _send(sock, answer)
        except OSError:
            return


def _zygote_main(control: socket.socket, job: Callable[[Any], Any]) -> None:  # pragma: no cover
    """The zygote: fork a worker for every byte the server sends; pass back its pid and socket."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # workers are reaped automatically
    while True:
        try:
            request = control.recv(1)
        except OSError:
            return
        if not request:
            return
        ours, theirs = socket.socketpair()
        pid = os.fork()
        if pid == 0:
            control.close()
            ours.close()
            try:
                _worker_main(theirs, job)
            finally:
                os._exit(0)
        theirs.close()
        try:
            socket.send_fds(control, [_HEADER.pack(pid)], [ours.fileno()])
        except OSError:
            return
        finally:
            ours.close()


@dataclass
class _Worker:
    pid: int
    sock: socket.socket
    idle_since: float = field(default_factory=time.monotonic)
    #: When its job started (``loop.time()``), while it has one.
    started: float | None = None
    #: Its priority was lowered for a slow job: retire it after that job.
    demoted: bool = False

    def kill(self) -> None:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.kill(self.pid, signal.SIGKILL)
        self.sock.close()


class WorkerPool:
    """Processes that run ``job(payload)`` with a deadline each (see the module docstring).

    Parameters
    ----------
    job : callable
        Runs in a worker: takes a payload, returns a picklable answer. Whatever it raises comes
        back as :class:`JobFailed` with the exception's text; it should return its own errors.
    size : int
        Workers kept ready.
    max_size : int
        At most this many workers at once; more jobs wait for one to be free.
    idle_seconds : float
        Workers above *size* retire after being idle this long.
    grow_after : float
        When every worker's job has run this long, a new job gets a new worker (below
        *max_size*): short jobs are served by the workers there are, slow ones hold up no one.
    slow_after : float
        A job running this long is slow: its worker runs at a lower priority from then on.

    Examples
    --------
    >>> import asyncio
    >>> pool = WorkerPool(lambda n: n * n, size=1, max_size=2)
    >>> pool.start()
    >>> asyncio.run(pool.run(7, timeout=5))
    49
    >>> pool.close()
    """

    def __init__(
        self,
        job: Callable[[Any], Any],
        *,
        size: int = 2,
        max_size: int = 16,
        idle_seconds: float = 30.0,
        grow_after: float = 0.02,
        slow_after: float = 0.5,
    ) -> None:
        if not 1 <= size <= max_size:
            raise ValueError("need 1 <= size <= max_size")
        self.job, self.size, self.max_size, self.idle_seconds = job, size, max_size, idle_seconds
        self.grow_after, self.slow_after = grow_after, slow_after
        self._spawning = threading.Lock()
        self._busy: dict[int, float] = {}
        self._replacing = 0
        self._control: socket.socket | None = None
        self._zygote = 0
        self._idle: list[_Worker] = []
        self._count = 0
        self._freed: asyncio.Condition | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    # ---------------------------------------------------------------- lifecycle

    def start(self) -> None:
        """Fork the zygote and the first workers. Call it before starting threads or a loop."""
        if self._control is not None:
            return
        ours, theirs = socket.socketpair()
        pid = os.fork()
        if pid == 0:  # pragma: no cover - the zygote
            ours.close()
            try:
                _zygote_main(theirs, self.job)
            finally:
                os._exit(0)
        theirs.close()
        ours.settimeout(30)
        self._control, self._zygote = ours, pid
        for _ in range(self.size):
            self._idle.append(self._spawn())
            self._count += 1

    def close(self) -> None:
        """Stop every worker and the zygote."""
        for worker in self._idle:
            worker.kill()
        self._idle.clear()
        if self._control is not None:
            self._control.close()
            self._control = None
        if self._zygote:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self._zygote, signal.SIGKILL)
            with contextlib.suppress(ChildProcessError):
                os.waitpid(self._zygote, 0)
            self._zygote = 0

    def _spawn(self) -> _Worker:
        if self._control is None:
            raise JobFailed("the worker pool is not running")
        try:
            self._control.sendall(b"w")
            data, fds, _, _ = socket.recv_fds(self._control, _HEADER.size, 1)
        except OSError as exc:
            raise JobFailed(f"cannot start a worker process: {exc}") from None
        if len(data) != _HEADER.size or len(fds) != 1:
            raise JobFailed("cannot start a worker process: the zygote is gone")
        sock = socket.socket(fileno=fds[0])
        sock.setblocking(False)
        return _Worker(_HEADER.unpack(data)[0], sock)

    @property
    def workers(self) -> int:
        """Workers alive now (idle or busy)."""
        return self._count

    # ---------------------------------------------------------------- running jobs

    def _all_busy_are_slow(self, now: float) -> bool:
        """Whether every job running has run for *grow_after* seconds (or none runs)."""
        return all(now - started >= self.grow_after for started in self._busy.values())

    async def _acquire(self) -> _Worker:
        loop = asyncio.get_running_loop()
        if self._freed is None or self._loop is not loop:  # one condition per event loop
            self._freed, self._loop = asyncio.Condition(), loop
        async with self._freed:
            while True:
                now = loop.time()
                if self._idle:
                    worker = self._idle.pop()
                    worker.started = now
                    self._busy[worker.pid] = now
                    return worker
                if self._count < self.max_size and self._all_busy_are_slow(now):
                    self._count += 1  # reserved: the new worker is this job's
                    break
                wait = None
                if self._count < self.max_size:
                    wait = max(self._busy.values(), default=now) + self.grow_after - now
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._freed.wait(), wait)
        try:
            worker = await loop.run_in_executor(None, self._spawn_locked)
        except BaseException:
            self._count -= 1
            raise
        worker.started = loop.time()
        self._busy[worker.pid] = worker.started
        return worker

    def _spawn_locked(self) -> _Worker:
        with self._spawning:
            return self._spawn()

    async def _release(self, worker: _Worker, *, keep: bool) -> None:
        assert self._freed is not None
        async with self._freed:
            self._busy.pop(worker.pid, None)
            worker.started = None
            if keep and not worker.demoted:
                worker.idle_since = time.monotonic()
                self._idle.append(worker)
            else:
                worker.kill()
                self._count -= 1
            self._retire()
            self._freed.notify()
        if self._count < self.size:  # keep *size* ready: replace a killed worker now
            self._count += 1
            asyncio.ensure_future(self._replace())

    async def _replace(self) -> None:
        loop = asyncio.get_running_loop()
        self._replacing += 1
        try:
            worker = await loop.run_in_executor(None, self._spawn_locked)
        except BaseException:
            self._count -= 1
            return
        finally:
            self._replacing -= 1
        assert self._freed is not None
        async with self._freed:
            self._idle.append(worker)
            self._freed.notify()

    def _retire(self) -> None:
        now = time.monotonic()
        while len(self._idle) > self.size and now - self._idle[0].idle_since > self.idle_seconds:
            self._idle.pop(0).kill()
            self._count -= 1

    async def run(self, payload: Any, *, timeout: float) -> Any:
        """Run the job on *payload* in a worker; its answer, or an error at *timeout* seconds.

        A job still running after *slow_after* seconds has its worker's priority lowered, so
        quick jobs in other workers go first; that worker retires after the job.

        Raises
        ------
        JobTimeout
            The job ran past *timeout*; its worker was killed.
        JobFailed
            The job raised, or its worker ended without an answer.
        """
        worker = await self._acquire()
        data = pickle.dumps((timeout, payload), protocol=pickle.HIGHEST_PROTOCOL)
        exchange = asyncio.ensure_future(self._exchange(worker.sock, data))
        try:
            done, _ = await asyncio.wait({exchange}, timeout=min(timeout, self.slow_after))
            if not done and timeout > self.slow_after:
                worker.demoted = True
                with contextlib.suppress(OSError):
                    os.setpriority(os.PRIO_PROCESS, worker.pid, _NICENESS)
                if not self._idle and self._count < self.max_size and not self._replacing:
                    self._count += 1  # a spare, so the next quick job does not wait for a fork
                    asyncio.ensure_future(self._replace())
                done, _ = await asyncio.wait({exchange}, timeout=timeout - self.slow_after)
            if not done:
                raise JobTimeout(f"timed out after {timeout:g} s")
            answer = exchange.result()
        except BaseException as exc:
            exchange.cancel()
            await asyncio.shield(self._release(worker, keep=False))
            if isinstance(exc, EOFError | OSError):
                raise JobFailed("the worker process ended without an answer") from None
            raise
        await self._release(worker, keep=True)
        status, value = answer
        if status == "error":
            raise JobFailed(str(value))
        return value

    @classmethod
    async def _exchange(cls, sock: socket.socket, data: bytes) -> Any:
        loop = asyncio.get_running_loop()
        await loop.sock_sendall(sock, _HEADER.pack(len(data)) + data)
        return await cls._read(sock)

    @staticmethod
    async def _read(sock: socket.socket) -> Any:
        loop = asyncio.get_running_loop()
        buffer = bytearray()
        while len(buffer) < _HEADER.size:
            chunk = await loop.sock_recv(sock, 1 << 16)
            if not chunk:
                raise EOFError
            buffer += chunk
        size = _HEADER.unpack_from(buffer)[0] + _HEADER.size
        while len(buffer) < size:
            chunk = await loop.sock_recv(sock, min(size - len(buffer), 1 << 20))
            if not chunk:
                raise EOFError
            buffer += chunk
        return pickle.loads(memoryview(buffer)[_HEADER.size :])
