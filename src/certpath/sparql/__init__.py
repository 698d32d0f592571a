"""SPARQL over the knowledge graph: checking, safe parameters, limits, results, the query library.

Everything the ``query``, ``queries`` and ``serve`` commands do goes through this package, and a
notebook can call the same functions::

    from certpath.graph import load
    from certpath.sparql import run_named
    rows = run_named(load(), "role-competencies", role="cpd:product-owner")

One module per job: :mod:`~certpath.sparql.check` (a query is checked before anything runs: a
tokenizer refuses updates, and ``SERVICE``/``FROM`` unless allowed; a parser checks the syntax
without evaluating), :mod:`~certpath.sparql.binding` (parameters bound with ``VALUES`` blocks
built from RDF terms, never spliced as text), :mod:`~certpath.sparql.run` (a real deadline and
row cap: :class:`~certpath.errors.QueryLimitError`, exit code 5, never a partial result),
:mod:`~certpath.sparql.results` (formats) and :mod:`~certpath.sparql.library` (named queries).
The errors live in :mod:`certpath.errors` and are re-exported here.
"""

from __future__ import annotations

from certpath.errors import (
    FormatError,
    ParamError,
    QueryFailed,
    QueryLimitError,
    QueryRefused,
    QuerySyntaxError,
    QueryTimeout,
    QueryTruncated,
    UnknownQuery,
)
from certpath.sparql.binding import bind, param_term, parse_params
from certpath.sparql.check import CheckedQuery, Token, check_query, tokenize
from certpath.sparql.library import (
    QUERY_DIR,
    NamedQuery,
    check_params,
    library,
    named_query,
    resolve_params,
    run_library_query,
    run_named,
)
from certpath.sparql.results import (
    ALL_FORMATS,
    GRAPH_FORMATS,
    MEDIA_TYPES,
    SOLUTION_FORMATS,
    QueryResult,
    Term,
    collect,
    plain_value,
    render_table,
)
from certpath.sparql.run import DEFAULT_LIMIT, DEFAULT_TIMEOUT, evaluate_local, run_query

__all__ = [
    "ALL_FORMATS",
    "DEFAULT_LIMIT",
    "DEFAULT_TIMEOUT",
    "GRAPH_FORMATS",
    "MEDIA_TYPES",
    "QUERY_DIR",
    "SOLUTION_FORMATS",
    "CheckedQuery",
    "FormatError",
    "NamedQuery",
    "ParamError",
    "QueryFailed",
    "QueryLimitError",
    "QueryRefused",
    "QueryResult",
    "QuerySyntaxError",
    "QueryTimeout",
    "QueryTruncated",
    "Term",
    "Token",
    "UnknownQuery",
    "bind",
    "check_params",
    "check_query",
    "collect",
    "evaluate_local",
    "library",
    "named_query",
    "param_term",
    "parse_params",
    "plain_value",
    "render_table",
    "resolve_params",
    "run_library_query",
    "run_named",
    "run_query",
    "tokenize",
]
