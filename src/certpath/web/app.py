"""The ASGI application of ``certpath serve`` (Starlette): the page, the JSON API, SPARQL.

Routes
------
``/``
    The planner page (a GET with ``query=`` or ``update=``, and any POST, is SPARQL, as before).
``/sparql``, ``/query``
    The read-only SPARQL 1.1 Protocol endpoint (:mod:`certpath.web.endpoint`).
``/api/roles``, ``/api/search``, ``/api/plan``, ``/api/gaps``, ``/api/closest``, ``/api/career``
    The CLI's questions and their ``--format json`` answers (:mod:`certpath.web.api`).
``/api/options``, ``/api/profile``, ``/api/openapi.json``
    What the page needs: measures and level names; a profile file in and out; the API described.
``/picture/plan``
    The plan of ``/api/plan`` as the picture ``certpath path --html`` draws.
``/static/...``
    The page's script and style, from the package.

The server never computes: every query and question runs in a worker process
(:mod:`certpath.web.workers`) with the ``--timeout`` deadline, and the answer is kept for the
next time the same is asked (:mod:`certpath.web.cache`). Request bodies are capped
(413) and must arrive within the body timeout (408, or 400 when shorter than their
Content-Length). Responses never depend on anything outside the package: the page loads no CDN
and its Content-Security-Policy allows only its own script and style files.
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass
from typing import Any

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from certpath.web.api import ENDPOINTS, NAMES, PROFILE, Endpoint, parse_params
from certpath.web.cache import AnswerCache, job_key
from certpath.web.endpoint import HttpProblem, parse_form, sparql_request
from certpath.web.workers import JobFailed, JobTimeout, WorkerPool

__all__ = ["PAGE_CSP", "Settings", "create_app"]

#: The page's Content-Security-Policy: its own script and style files, requests to itself only.
PAGE_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; frame-src 'self'; form-action 'self'; base-uri 'none'; "
    "frame-ancestors 'none'"
)
_DATA_CSP = "default-src 'none'; frame-ancestors 'none'"
_TEXT = "text/plain; charset=utf-8"
_MACHINE_PATHS = ("/sparql", "/query", "/api/")


@dataclass(frozen=True)
class Settings:
    """What ``certpath serve`` was told.

    Attributes
    ----------
    timeout : float
        Seconds a query or question may run (then 503).
    limit : int
        Rows a query may return (then 503; never a truncated 200).
    cors : str or None
        Origin allowed to call ``/sparql`` and ``/api`` from a browser (``*``: any).
    max_body : int
        Largest request body in bytes (then 413).
    body_timeout : float
        Seconds a request body may take to arrive (then 408, or 400 if it stopped short).
    hosts : tuple of str
        Host header values accepted (``*``: any); others get 400, which stops DNS rebinding.
    cache_bytes : int
        Answers kept for repeated questions (:mod:`certpath.web.cache`), in bytes; 0: none.
    """

    timeout: float = 30.0
    limit: int = 100_000
    cors: str | None = None
    max_body: int = 1 << 20
    body_timeout: float = 10.0
    hosts: tuple[str, ...] = ("127.0.0.1", "localhost", "::1", "[::1]")
    cache_bytes: int = 64 << 20


def _problem_response(request: Request, problem: HttpProblem) -> Response:
    headers = {"Connection": "close"} if problem.close else {}
    if request.url.path.startswith("/api/"):
        body: dict[str, Any] = {"error": problem.message}
        if problem.field:
            body["field"] = problem.field
        return JSONResponse(body, problem.status, headers=headers)
    return Response(f"{problem.message}\n", problem.status, media_type=_TEXT, headers=headers)


async def read_body(request: Request, settings: Settings) -> bytes:
    """The whole request body, within the size cap and the body timeout.

    Raises
    ------
    HttpProblem
        413 over :attr:`Settings.max_body`; 400 when it stopped short of its Content-Length;
        408 when a body without a length did not arrive in time.
    """
    declared = request.headers.get("content-length")
    expected = int(declared) if declared and declared.isdigit() else None
    if expected is not None and expected > settings.max_body:
        raise HttpProblem(
            413,
            f"the request body is {expected:,} bytes; at most {settings.max_body:,} are accepted",
            close=True,
        )
    received = bytearray()
    loop = asyncio.get_running_loop()
    deadline = loop.time() + settings.body_timeout
    while True:
        try:
            message = await asyncio.wait_for(request.receive(), max(0.0, deadline - loop.time()))
        except TimeoutError:
            if expected is not None:
                raise HttpProblem(
                    400,
                    f"the request body stopped after {len(received):,} of the {expected:,} bytes "
                    f"its Content-Length announces (waited {settings.body_timeout:g} s)",
                    close=True,
                ) from None
            raise HttpProblem(
                408,
                f"the request body did not arrive within {settings.body_timeout:g} s",
                close=True,
            ) from None
        if message["type"] == "http.disconnect":
            raise HttpProblem(400, "the client went away before sending the whole body", close=True)
        received += message.get("body", b"")
        if len(received) > settings.max_body:
            raise HttpProblem(
                413, f"the request body is over {settings.max_body:,} bytes", close=True
            )
        if not message.get("more_body", False):
            return bytes(received)


class _Headers:
    """Pure ASGI middleware: security headers on every answer, CORS on the machine paths."""

    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app, self.settings = app, settings

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope["path"]
        machine = path == "/" or path.startswith(_MACHINE_PATHS)
        cors = self.settings.cors if machine else None
        if scope["method"] == "OPTIONS" and machine:
            headers = [(b"content-length", b"0")]
            if cors:
                headers += [
                    (b"access-control-allow-origin", cors.encode("latin-1")),
                    (b"vary", b"Origin"),
                    (b"access-control-allow-methods", b"GET, POST, OPTIONS"),
                    (b"access-control-allow-headers", b"Content-Type, Accept"),
                ]
            await send({"type": "http.response.start", "status": 204, "headers": headers})
            await send({"type": "http.response.body", "body": b""})
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                names = {name.lower() for name, _ in headers}
                extra = [
                    (b"x-content-type-options", b"nosniff"),
                    (b"referrer-policy", b"no-referrer"),
                ]
                if b"content-security-policy" not in names:
                    policy = PAGE_CSP if path == "/" else _DATA_CSP
                    extra.append((b"content-security-policy", policy.encode("ascii")))
                if cors:
                    extra += [
                        (b"access-control-allow-origin", cors.encode("latin-1")),
                        (b"vary", b"Origin"),
                    ]
                message = {**message, "headers": headers + extra}
            await send(message)

        await self.app(scope, receive, with_headers)


def create_app(pool: WorkerPool, settings: Settings | None = None) -> ASGIApp:
    """The application, answering through *pool*'s workers (see the module docstring).

    Parameters
    ----------
    pool : WorkerPool
        Started, with :class:`certpath.web.jobs.Backend` as its job.
    settings : Settings, optional
    """
    settings = settings or Settings()
    from certpath.web import page

    cache = AnswerCache(settings.cache_bytes) if settings.cache_bytes else None

    async def run(job: tuple[Any, ...]) -> tuple[int, str, bytes, dict[str, str]]:
        key = job_key(job) if cache is not None else None
        if key is not None and cache is not None:
            kept = cache.get(key)
            if kept is not None:
                return kept
        try:
            answer: tuple[int, str, bytes, dict[str, str]] = await pool.run(
                job, timeout=settings.timeout
            )
        except JobTimeout as exc:
            raise HttpProblem(503, str(exc)) from None
        except JobFailed as exc:
            raise HttpProblem(500, f"internal error: {exc}") from None
        if key is not None and cache is not None:
            cache.put(key, answer)
        return answer

    def respond(answer: tuple[int, str, bytes, dict[str, str]]) -> Response:
        status, media, body, headers = answer
        return Response(body, status, headers=headers, media_type=media)

    async def sparql(request: Request) -> Response:
        if request.method not in ("GET", "HEAD", "POST"):
            raise HttpProblem(405, f"method {request.method} is not allowed; use GET or POST")
        body = b""
        media = ""
        if request.method == "POST":
            body = await read_body(request, settings)
            media = (request.headers.get("content-type") or "").split(";")[0].strip().lower()
        text = sparql_request(request.method, request.scope["query_string"], media, body)
        return respond(await run(("sparql", text, request.headers.get("accept"), settings.limit)))

    async def home(request: Request) -> Response:
        if request.method == "POST":
            return await sparql(request)
        raw = request.scope["query_string"]
        if raw and {"query", "update"} & set(parse_form(raw, "query string")):
            return await sparql(request)
        return Response(page.index_html(), media_type="text/html; charset=utf-8")

    async def params_of(request: Request, name: str) -> dict[str, Any]:
        endpoint: Endpoint = ENDPOINTS[name] if name in ENDPOINTS else NAMES
        if request.method == "POST":
            body = await read_body(request, settings)
            try:
                data = json.loads(body.decode("utf-8")) if body.strip() else {}
            except UnicodeDecodeError:
                raise HttpProblem(400, "the body is not UTF-8") from None
            except json.JSONDecodeError as exc:
                raise HttpProblem(400, f"the body is not JSON: {exc}") from None
            if not isinstance(data, dict):
                raise HttpProblem(400, "the body must be a JSON object of parameters")
            return parse_params(endpoint, data, from_json=True)
        form = parse_form(request.scope["query_string"], "query string")
        return parse_params(endpoint, form, from_json=False)

    def question(name: str) -> Any:
        async def answer(request: Request) -> Response:
            params = await params_of(request, name)
            return respond(await run(("api", name, params)))

        return answer

    async def picture(request: Request) -> Response:
        return respond(await run(("picture", await params_of(request, "plan"))))

    async def profile(request: Request) -> Response:
        if request.method == "POST":
            form = parse_form(request.scope["query_string"], "query string")
            filename = (form.get("filename") or ["profile.yaml"])[0]
            data = await read_body(request, settings)
            return respond(await run(("profile-read", filename, data)))
        form = parse_form(request.scope["query_string"], "query string")
        return respond(await run(("profile-write", parse_params(PROFILE, form, from_json=False))))

    async def options(request: Request) -> Response:
        return JSONResponse(page.options())

    async def openapi(request: Request) -> Response:
        from certpath.web.openapi import describe

        return JSONResponse(describe())

    async def static(request: Request) -> Response:
        found = page.asset(request.path_params["name"])
        if found is None:
            raise HttpProblem(404, f"no such file {request.url.path}")
        media, body = found
        return Response(body, media_type=media, headers={"Cache-Control": "no-cache"})

    async def not_found(request: Request, exc: Exception) -> Response:
        path = request.url.path
        if path.startswith("/api/"):
            known = ", ".join(f"/api/{n}" for n in ENDPOINTS)
            problem = HttpProblem(404, f"no such path {path}; the API has {known}")
        else:
            problem = HttpProblem(404, f"no such path {path}; the endpoint is /sparql")
        return _problem_response(request, problem)

    async def not_allowed(request: Request, exc: Exception) -> Response:
        problem = HttpProblem(405, f"method {request.method} is not allowed on {request.url.path}")
        return _problem_response(request, problem)

    async def problem(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, HttpProblem)
        return _problem_response(request, exc)

    both = ["GET", "POST"]
    routes = [
        Route("/", home, methods=both),
        Route("/sparql", sparql, methods=both),
        Route("/query", sparql, methods=both),
        Route("/api/options", options, methods=["GET"]),
        Route("/api/openapi.json", openapi, methods=["GET"]),
        Route("/api/profile", profile, methods=both),
        Route("/api/names", question("names"), methods=both),
        *(Route(f"/api/{name}", question(name), methods=both) for name in ENDPOINTS),
        Route("/picture/plan", picture, methods=["GET"]),
        Route("/static/{name}", static, methods=["GET"]),
    ]
    hosts = list(settings.hosts)
    app = Starlette(
        routes=routes,
        middleware=[
            Middleware(_Headers, settings=settings),
            Middleware(TrustedHostMiddleware, allowed_hosts=hosts),
        ],
        exception_handlers={404: not_found, 405: not_allowed, HttpProblem: problem},
    )
    return _FastGet(app, settings, run)


#: Paths whose GET :class:`_FastGet` answers itself.
_FAST = {"/sparql": "sparql", "/query": "sparql"} | {f"/api/{name}": name for name in ENDPOINTS}


class _FastGet:
    """GET (and HEAD) of ``/sparql`` and ``/api/<question>``, answered without Starlette.

    These are what clients send most; building Starlette's request, route and response objects
    for them took a third of the server's time per query. Same checks (Host header, strict UTF-8,
    the parameters), same headers, same answers; everything else goes to the Starlette app.
    """

    def __init__(self, app: ASGIApp, settings: Settings, run: Any) -> None:
        self.app, self.settings, self.run = app, settings, run
        self.any_host = "*" in settings.hosts
        self.hosts = {h.lower() for h in settings.hosts}
        headers = [(b"x-content-type-options", b"nosniff"), (b"referrer-policy", b"no-referrer")]
        headers.append((b"content-security-policy", _DATA_CSP.encode("ascii")))
        if settings.cors:
            origin = settings.cors.encode("latin-1")
            headers += [(b"access-control-allow-origin", origin), (b"vary", b"Origin")]
        self.headers = headers

    def _host_ok(self, scope: Scope) -> bool:
        if self.any_host:
            return True
        for name, value in scope["headers"]:
            if name == b"host":
                host = value.decode("latin-1").lower()
                host = host[: host.find("]") + 1] if host.startswith("[") else host.split(":")[0]
                return host in self.hosts
        return False

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        question = _FAST.get(scope.get("path", "")) if scope["type"] == "http" else None
        if question is None or scope["method"] not in ("GET", "HEAD") or not self._host_ok(scope):
            await self.app(scope, receive, send)
            return
        query_string: bytes = scope["query_string"]
        media = _TEXT if question == "sparql" else "application/json"
        try:
            if question == "sparql":
                accept = next((v.decode("latin-1") for n, v in scope["headers"] if n == b"accept"),
                              None)  # fmt: skip
                text = sparql_request("GET", query_string, "", b"")
                job: tuple[Any, ...] = ("sparql", text, accept, self.settings.limit)
            else:
                endpoint = ENDPOINTS[question]
                form = parse_form(query_string, "query string")
                job = ("api", question, parse_params(endpoint, form, from_json=False))
            status, media, body, extra = await self.run(job)
        except HttpProblem as problem:
            status, extra = problem.status, {}
            if question == "sparql":
                body = f"{problem.message}\n".encode()
            else:
                error = {"error": problem.message}
                if problem.field:
                    error["field"] = problem.field
                body = json.dumps(error, ensure_ascii=False, separators=(",", ":")).encode()
        headers = [
            (b"content-type", media.encode("latin-1")),
            (b"content-length", str(len(body)).encode("ascii")),
            *self.headers,
            *((k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in extra.items()),
        ]
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send(
            {"type": "http.response.body", "body": b"" if scope["method"] == "HEAD" else body}
        )
