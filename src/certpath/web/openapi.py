"""The API described as OpenAPI 3.1, built from the same parameter table the server checks with.

Served as JSON at ``/api/openapi.json``; nothing renders it (no documentation page that would load
scripts from the network): read it, or give it to a client generator.
"""

from __future__ import annotations

from typing import Any

from certpath import __version__
from certpath.web.api import ENDPOINTS, NAMES, PROFILE, Endpoint, Param

__all__ = ["describe"]

_ERROR = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {"type": "string", "description": "One line naming what is wrong."},
        "field": {"type": "string", "description": "The parameter at fault, when known."},
        "suggestions": {"type": "array", "items": {"type": "string"}},
        "candidates": {"type": "array", "items": {"type": "string"}},
    },
}
_NO_PLAN = {
    "type": "object",
    "required": ["feasible", "message", "reasons"],
    "properties": {
        "feasible": {"const": False},
        "message": {"type": "string"},
        "reasons": {"type": "array", "items": {"type": "object"}},
    },
}


def _schema(param: Param) -> dict[str, Any]:
    base: dict[str, Any]
    if param.kind in ("names", "choices"):
        item: dict[str, Any] = {"type": "string"}
        if param.kind == "choices":
            item["enum"] = list(param.allowed())
        return {"type": "array", "items": item}
    if param.kind == "number":
        base = {"type": "number"}
    elif param.kind == "integer":
        base = {"type": "integer"}
    elif param.kind == "flag":
        base = {"type": "boolean"}
    elif param.kind == "choice":
        base = {"type": "string", "enum": list(param.allowed())}
    else:
        base = {"type": "string", "minLength": 1}
    if param.minimum is not None:
        base["minimum"] = param.minimum
    if param.maximum is not None:
        base["maximum"] = param.maximum
    if param.default not in (None, ()):
        base["default"] = param.default
    return base


def _errors(*statuses: int) -> dict[str, Any]:
    text = {
        400: "A parameter is unknown, missing or of the wrong kind (the message names it).",
        404: "A name denotes no entity (with suggestions) or several (with candidates).",
        413: "The body is over the size cap.",
        422: "The graph's data cannot answer it (invalid data, mixed currencies).",
        503: "The question ran past the server's --timeout.",
    }
    json_error = {"application/json": {"schema": _ERROR}}
    return {str(s): {"description": text[s], "content": json_error} for s in statuses}


def _operation(endpoint: Endpoint, ok: dict[str, Any]) -> dict[str, Any]:
    parameters = [
        {
            "name": param.name,
            "in": "query",
            "required": param.required,
            "description": param.help + (" Also spelt with dashes." if "_" in param.name else ""),
            "schema": _schema(param),
            **({"explode": True, "style": "form"} if param.kind in ("names", "choices") else {}),
        }
        for param in endpoint.params
    ]
    body = {
        "type": "object",
        "additionalProperties": False,
        "required": [p.name for p in endpoint.params if p.required],
        "properties": {
            p.name: (
                {"oneOf": [_schema(p), {"type": "string"}]}
                if p.kind in ("names", "choices")
                else _schema(p)
            )
            for p in endpoint.params
        },
    }
    responses = {"200": ok, **_errors(400, 404, 413, 422, 503)}
    get = {
        "summary": endpoint.summary,
        "operationId": f"{endpoint.name}Get",
        "parameters": parameters,
        "responses": responses,
    }
    post = {
        "summary": endpoint.summary + " The parameters as a JSON object.",
        "operationId": f"{endpoint.name}Post",
        "requestBody": {"content": {"application/json": {"schema": body}}},
        "responses": responses,
    }
    return {"get": get, "post": post}


def describe() -> dict[str, Any]:
    """The OpenAPI 3.1 document of ``/api``.

    >>> doc = describe()
    >>> doc["openapi"], sorted(doc["paths"])[:3]
    ('3.1.0', ['/api/career', '/api/closest', '/api/gaps'])
    """
    answers = {
        "plan": "What certpath path --format json prints; or, when no plan exists, "
        '{"feasible": false, "message", "reasons"} (still 200).',
        "gaps": "What certpath gaps --format json prints.",
        "closest": "What certpath closest --format json prints.",
        "career": "What certpath career --format json prints.",
        "search": "What certpath search --format json prints: hits, best first.",
        "roles": '{"roles": [{"iri", "curie", "label"}]}, by label.',
        "names": '{"names": [{"name", "iri", "curie", "label", "kind"} or {"name", "error"}]}.',
    }
    paths: dict[str, Any] = {}
    for endpoint in (*ENDPOINTS.values(), NAMES):
        schema: dict[str, Any] = {"type": "object"}
        if endpoint.name == "plan":
            schema = {"oneOf": [{"type": "object"}, _NO_PLAN]}
        elif endpoint.name == "search":
            schema = {"type": "array", "items": {"type": "object"}}
        ok = {
            "description": answers[endpoint.name],
            "content": {"application/json": {"schema": schema}},
        }
        paths[f"/api/{endpoint.name}"] = _operation(endpoint, ok)
    profile = _operation(
        PROFILE,
        {
            "description": "The YAML profile file (as an attachment).",
            "content": {"application/yaml": {"schema": {"type": "string"}}},
        },
    )
    profile["post"] = {
        "summary": "Read a profile file (YAML, JSON or Turtle, as --profile reads it).",
        "operationId": "profileRead",
        "parameters": [
            {
                "name": "filename",
                "in": "query",
                "description": "The file's name; its extension tells the format.",
                "schema": {"type": "string", "default": "profile.yaml"},
            }
        ],
        "requestBody": {"content": {"application/octet-stream": {"schema": {"type": "string"}}}},
        "responses": {
            "200": {
                "description": '{"have": [{"iri", "curie", "label", "level"}], "holds": [...]}',
                "content": {"application/json": {"schema": {"type": "object"}}},
            },
            **_errors(400, 404, 413),
        },
    }
    paths["/api/profile"] = profile
    paths["/api/options"] = {
        "get": {
            "summary": "What the page offers: measures, level names, delivery modes.",
            "operationId": "options",
            "responses": {"200": {"description": "The choices."}},
        }
    }
    paths["/sparql"] = {
        "get": {
            "summary": "Read-only SPARQL 1.1 Protocol endpoint (also POST, and /query).",
            "operationId": "sparql",
            "parameters": [
                {"name": "query", "in": "query", "required": True, "schema": {"type": "string"}}
            ],  # fmt: skip
            "responses": {
                "200": {"description": "The complete result, in the format the Accept asks."},
                "400": {"description": "A syntax error, or no query."},
                "403": {"description": "An update, SERVICE or FROM."},
                "406": {"description": "No acceptable result format."},
                "503": {"description": "Over --timeout or --limit (never a truncated 200)."},
            },
        }
    }
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "certpath",
            "version": __version__,
            "description": "The questions of the certpath CLI, answered with the JSON of "
            "--format json. Parameters are the long options without dashes.",
        },
        "paths": dict(sorted(paths.items())),
    }
