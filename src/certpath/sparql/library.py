"""The query library: the named queries of ``certpath/queries/*.rq`` and how to run them.

Each file starts with a comment: what it answers, its parameters (``?name description``; an
integer or ``(one of: a, b)`` parameter is checked), an example.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from certpath.errors import ParamError, UnknownQuery
from certpath.namespaces import curie  # noqa: F401 - used by the doctests
from certpath.sparql.binding import param_term
from certpath.sparql.check import check_query
from certpath.sparql.results import QueryResult
from certpath.sparql.run import DEFAULT_LIMIT, run_query

#: Where the named queries live.
QUERY_DIR = Path(__file__).resolve().parent.parent / "queries"


@dataclass(frozen=True)
class NamedQuery:
    """A query of the library: name, one-line description, parameters, example, text."""

    name: str
    description: str
    params: dict[str, str]
    required: tuple[str, ...]
    example: str
    text: str

    def entity_kinds(self, param: str) -> list[str] | None:
        """The entity kinds parameter *param* names (``[]``: any entity), ``None`` if no entity.

        A parameter names an entity when its header example is a ``cpd:`` CURIE; its kind is the
        parameter's name when that is an entity kind (``role``, ``person``, ``offer`` ...).
        """
        description = self.params.get(param, "")
        if "e.g. cpd:" not in description:
            return None
        return [param] if param in _ENTITY_KINDS else []

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready description (without the text)."""
        return {
            "name": self.name,
            "description": self.description,
            "parameters": [
                {"name": n, "description": d, "required": n in self.required}
                for n, d in self.params.items()
            ],
            "example": self.example,
        }


def _read_named(path: Path) -> NamedQuery:
    text = path.read_text(encoding="utf-8")
    header = []
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        header.append(line[1:].strip())
    description = header[0] if header else ""
    params: dict[str, str] = {}
    required: list[str] = []
    example = ""
    section = ""
    for line in header[1:]:
        if line.endswith(":") and line[:-1] in ("Parameters", "Example"):
            section = line[:-1]
        elif section == "Parameters" and line.startswith("?"):
            name, _, desc = line[1:].partition(" ")
            params[name] = desc.strip()
            if "(required)" in desc:
                required.append(name)
        elif section == "Example" and line and not example:
            example = line
    return NamedQuery(path.stem, description, params, tuple(required), example, text)


@functools.lru_cache(maxsize=1)
def _library() -> dict[str, NamedQuery]:
    return {p.stem: _read_named(p) for p in sorted(QUERY_DIR.glob("*.rq"))}


def library() -> dict[str, NamedQuery]:
    """The named queries of ``certpath/queries/*.rq``, by name.

    >>> "role-competencies" in library()
    True
    """
    return dict(_library())


def named_query(name: str) -> NamedQuery:
    """Return the named query *name*; :class:`UnknownQuery` (exit 4) names the closest ones."""
    queries = library()
    if name not in queries:
        import difflib

        close = difflib.get_close_matches(name, list(queries), n=3, cutoff=0.5)
        hint = f"; did you mean {', '.join(close)}?" if close else "; see 'certpath queries'"
        raise UnknownQuery(f"no named query '{name}'{hint}", close)
    return queries[name]


_ONE_OF = re.compile(r"\(one of: ([^)]*)\)")


def check_params(query: NamedQuery, params: Mapping[str, object]) -> None:
    """Raise :class:`ParamError` for a missing, unknown or ill-typed parameter of *query*.

    A parameter whose header description says ``(an integer ...)`` takes an integer, one that
    says ``(one of: a, b)`` one of those words.

    >>> q = named_query("roles-one-cert-away")
    >>> check_params(q, {"person": "cpd:alice", "maxMissing": "ten"})
    Traceback (most recent call last):
    ...
    certpath.errors.ParamError: --param maxMissing=ten: query roles-one-cert-away takes an integer
    """
    missing = [p for p in query.required if p not in params]
    if missing:
        raise ParamError(f"query {query.name} needs --param {missing[0]}=VALUE")
    for key, value in params.items():
        if key not in query.params:
            known = ", ".join(query.params) or "none"
            raise ParamError(f"query {query.name} has no parameter '{key}' (parameters: {known})")
        text = value.value if isinstance(value, (ox.NamedNode, ox.Literal)) else str(value)
        description = query.params[key]
        if "(an integer" in description and not re.fullmatch(r"[+-]?[0-9]{1,15}", text):
            raise ParamError(f"--param {key}={text}: query {query.name} takes an integer")
        choices = _ONE_OF.search(description)
        if choices:
            allowed = [c.strip() for c in choices.group(1).split(",")]
            if text not in allowed:
                raise ParamError(
                    f"--param {key}={text}: query {query.name} takes one of {', '.join(allowed)}"
                )


def run_named(
    kg: Any,
    name: str,
    *,
    limit: int | None = DEFAULT_LIMIT,
    timeout: float | None = None,
    **params: str | ox.NamedNode | ox.Literal,
) -> list[dict[str, Any]]:
    """Run the named query *name* and return its rows as plain dicts.

    Parameters
    ----------
    kg : KnowledgeGraph or pyoxigraph.Store
    name : str
        A query of :func:`library`.
    limit, timeout
        As in :func:`run_query` (by default no deadline: the query runs in this process).
    **params
        Values for the query's parameters: a CURIE or ``<IRI>`` string is an IRI; for a
        parameter that names an entity any other string is a name resolved as the CLI resolves
        names (slug, label or alias), else a literal.

    Returns
    -------
    list of dict
        One dict per row, variable name to :func:`plain_value` (full IRIs, numbers, strings).

    Examples
    --------
    >>> from certpath.graph import load
    >>> rows = run_named(load(), "role-competencies", role="cpd:scrum-master")
    >>> [(curie(r["competency"]), r["need"], r["level"]) for r in rows]
    [('cpd:scrum-fundamentals', 'essential', 3), ('cpd:facilitation', 'essential', 2), \
('cpd:impediment-removal', 'essential', 2), ('cpd:team-coaching', 'essential', 2), \
('cpd:backlog-refinement', 'recommended', 2), ('cpd:sprint-review-learning', 'recommended', 2)]
    """
    query = named_query(name)
    check_params(query, params)
    bindings = resolve_params(kg, query, params)
    result = run_library_query(kg, query, bindings, limit=limit, timeout=timeout)
    if result.form == "ask":
        return [{"answer": result.boolean}]
    return result.plain_rows()


def run_library_query(
    kg: Any,
    query: NamedQuery,
    bindings: Mapping[str, ox.NamedNode | ox.Literal],
    *,
    limit: int | None = DEFAULT_LIMIT,
    timeout: float | None = None,
) -> QueryResult:
    """Run the named *query* with checked, resolved *bindings*: the one place that decides how.

    ``roles-one-cert-away`` is answered in Python from the planner's index
    (:mod:`certpath.sparql.one_cert_away`, the same meaning on every store); the others are
    evaluated by the graph's engine (embedded, or the remote endpoint).
    """
    if query.name == "roles-one-cert-away" and not isinstance(kg, ox.Store):
        from certpath.sparql.one_cert_away import run

        return run(kg, bindings, limit)
    return run_query(
        kg, check_query(query.text, trusted=True), bindings, limit=limit, timeout=timeout
    )


_ENTITY_KINDS = ("role", "person", "competency", "offer", "provider", "framework", "group")


def resolve_params(
    kg: Any, query: NamedQuery, params: Mapping[str, str | ox.NamedNode | ox.Literal]
) -> dict[str, ox.NamedNode | ox.Literal]:
    """Bindings for *params* of *query*, names of entities resolved like the CLI's.

    A value for a parameter that names an entity (:meth:`NamedQuery.entity_kinds`) that is not a
    CURIE or ``<IRI>`` (``safe-product-owner``, ``"SAFe Product Owner"``) is resolved by
    :func:`certpath.resolve.resolve`, so it means what it means for every other command; a name
    that matches nothing is an :class:`~certpath.errors.EntityNotFound` with suggestions.

    >>> from certpath.graph import load
    >>> resolve_params(load(), named_query("role-competencies"), {"role": "SAFe Product Owner"})
    {'role': <NamedNode value=https://w3id.org/certpath/data/safe-product-owner>}
    """
    out: dict[str, ox.NamedNode | ox.Literal] = {}
    for key, value in params.items():
        term = param_term(value) if isinstance(value, str) else value
        kinds = query.entity_kinds(key)
        if isinstance(term, ox.Literal) and kinds is not None and not isinstance(kg, ox.Store):
            from certpath.resolve import resolve

            term = ox.NamedNode(resolve(kg, term.value, kinds=kinds or None))
        out[key] = term
    return out


__all__ = [
    "QUERY_DIR",
    "NamedQuery",
    "check_params",
    "library",
    "named_query",
    "resolve_params",
    "run_library_query",
    "run_named",
]
