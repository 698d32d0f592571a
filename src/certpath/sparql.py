"""SPARQL over the knowledge graph: checking, safe parameters, limits, results, the query library.

Everything the ``query``, ``queries`` and ``serve`` commands do goes through this module, and a
notebook can call the same functions::

    from certpath.graph import load
    from certpath.sparql import run_named
    rows = run_named(load(), "role-competencies", role="cpd:product-owner")

A query is checked before anything runs: a tokenizer that skips strings, IRIs and comments refuses
updates (``INSERT``, ``DELETE``, ``LOAD``, ...) always, and ``SERVICE`` and ``FROM`` (which could
reach the network) unless allowed. Parameters are bound with ``VALUES`` blocks built from RDF
terms (one in each group that uses the variable), never by splicing text. With a *timeout*, the
query runs in a forked child process that is killed at the deadline; a row cap stops a query
that returns too much. Both end in :class:`QueryLimitError` (exit code 5), never in a partial
result.
"""

from __future__ import annotations

import functools
import json
import os
import pickle
import re
import select
import signal
import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from certpath.errors import CertpathError, EntityNotFound, InputError
from certpath.namespaces import PREFIXES, XSD_NS, curie, expand_curie

#: Where the named queries live.
QUERY_DIR = Path(__file__).resolve().parent / "queries"
#: Default wall-clock limit for one query, in seconds.
DEFAULT_TIMEOUT = 30.0
#: Default row cap (solutions for SELECT, triples for CONSTRUCT/DESCRIBE).
DEFAULT_LIMIT = 100_000

#: Result formats by query form; ``table`` is for people.
SOLUTION_FORMATS = ("table", "csv", "tsv", "json", "xml")
GRAPH_FORMATS = ("table", "turtle", "jsonld")
ALL_FORMATS = ("table", "csv", "tsv", "json", "xml", "turtle", "jsonld")

#: Media types of the formats (the SPARQL 1.1 results formats and RDF syntaxes).
MEDIA_TYPES = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv; charset=utf-8",
    "tsv": "text/tab-separated-values; charset=utf-8",
    "turtle": "text/turtle; charset=utf-8",
    "jsonld": "application/ld+json",
    "table": "text/plain; charset=utf-8",
}

_RESULT_FORMATS = {
    "json": ox.QueryResultsFormat.JSON,
    "xml": ox.QueryResultsFormat.XML,
    "csv": ox.QueryResultsFormat.CSV,
    "tsv": ox.QueryResultsFormat.TSV,
}

_UPDATE_WORDS = frozenset("INSERT DELETE LOAD CLEAR DROP CREATE ADD MOVE COPY WITH USING".split())
_FORMS = ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")
_XSD_STRING = XSD_NS + "string"


class QueryRefused(CertpathError):
    """A query that must not run here: an update, or SERVICE/FROM without permission (exit 2)."""

    exit_code = 2

    def __init__(self, message: str, *, update: bool = False) -> None:
        super().__init__(message)
        self.update = update


class QuerySyntaxError(InputError):
    """A query that does not parse; the message gives line, column and token (exit 2)."""


class ParamError(InputError):
    """A ``--param`` that is malformed, unknown to the query, or missing (exit 2)."""


class FormatError(InputError):
    """A result format that does not fit the query form (exit 2)."""


class QueryLimitError(CertpathError):
    """A query stopped by the program: it timed out or returned too many rows (exit 5)."""

    exit_code = 5


class QueryTimeout(QueryLimitError):
    """The query ran past its deadline and was killed."""


class QueryTruncated(QueryLimitError):
    """The query returned more rows than the cap allows."""


class QueryFailed(CertpathError):
    """The engine failed while evaluating a query (exit 1)."""

    exit_code = 1


class UnknownQuery(EntityNotFound):
    """A name that is not in the query library (exit 4)."""


# ---------------------------------------------------------------- checking


_TOKEN = re.compile(
    r"""
    (?P<ws>\s+)
  | (?P<comment>\#[^\n]*)
  | (?P<string>'''(?:[^'\\]|\\.|'(?!''))*'''|\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
               |'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*")
  | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
  | (?P<var>[?$][A-Za-z0-9_\u00B7-\uFFFF]+)
  | (?P<pname>(?:[A-Za-z_][\w\-.]*)?:[^\s{}()<>,;"'\#\[\]]*)
  | (?P<word>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<other>.)
    """,
    re.VERBOSE | re.DOTALL,
)


@dataclass(frozen=True)
class Token:
    """One lexical token of a query: its kind, text and offset."""

    kind: str
    text: str
    start: int


def tokenize(text: str) -> Iterator[Token]:
    """Split SPARQL *text* into tokens, skipping whitespace and comments.

    Strings, IRIs, variables and prefixed names are single tokens, so a keyword inside them is
    never mistaken for one.

    >>> [t.text for t in tokenize('SELECT * { ?s cp:SERVICE "INSERT" } # DROP')]
    ['SELECT', '*', '{', '?s', 'cp:SERVICE', '"INSERT"', '}']
    """
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup or "other"
        if kind not in ("ws", "comment"):
            yield Token(kind, match.group(), match.start())


@dataclass(frozen=True)
class CheckedQuery:
    """A query that passed :func:`check_query`: its text, form and variables."""

    text: str
    form: str
    variables: frozenset[str]
    tokens: tuple[Token, ...] = field(repr=False, compare=False)


def check_query(text: str, *, allow_service: bool = False) -> CheckedQuery:
    """Check that *text* is a read-only, offline query, before anything runs.

    Parameters
    ----------
    text : str
        A SPARQL 1.1 query; the package prefixes (``cp:``, ``cpd:``, ``skos:``, ...) are
        predeclared.
    allow_service : bool
        Allow ``SERVICE`` and ``FROM``/``FROM NAMED``, which could reach the network.

    Returns
    -------
    CheckedQuery
        With ``form`` one of ``select``, ``ask``, ``construct``, ``describe``. Checks are cached
        by text: the library's queries are checked (and parsed) once per process.

    Raises
    ------
    QueryRefused
        An update, or SERVICE/FROM without *allow_service*.
    QuerySyntaxError
        A query that does not parse (line, column and offending token in the message).

    Examples
    --------
    >>> check_query("SELECT ?r WHERE { ?r a cp:Role }").form
    'select'
    >>> check_query("DROP ALL")
    Traceback (most recent call last):
    ...
    certpath.sparql.QueryRefused: updates are refused: the graph is read-only (found DROP)
    """
    if len(text) <= _CACHED_LENGTH:
        return _checked(text, allow_service)
    return _check(text, allow_service)


#: Checks of queries up to this many characters are cached (the library's are under 10,000);
#: a long one keeps every token, so a server's clients could otherwise fill the memory.
_CACHED_LENGTH = 20_000


@functools.lru_cache(maxsize=256)
def _checked(text: str, allow_service: bool) -> CheckedQuery:
    return _check(text, allow_service)


def _check(text: str, allow_service: bool) -> CheckedQuery:
    tokens = tuple(tokenize(text))
    words = [t for t in tokens if t.kind == "word"]
    for token in words:
        word = token.text.upper()
        if word in _UPDATE_WORDS:
            raise QueryRefused(
                f"updates are refused: the graph is read-only (found {word})", update=True
            )
    if not allow_service:
        for token in words:
            word = token.text.upper()
            if word == "SERVICE":
                raise QueryRefused(
                    "SERVICE is refused: a query must not reach the network "
                    "(use --allow-service to permit it)"
                )
            if word == "FROM":
                raise QueryRefused(
                    "FROM/FROM NAMED is refused: a query must not load graphs from the network "
                    "(use --allow-service to permit it)"
                )
    form = next((t.text.upper() for t in words if t.text.upper() not in ("BASE", "PREFIX")), "")
    _check_syntax(text)
    if form not in _FORMS:
        raise QuerySyntaxError(
            "syntax error: a query starts with SELECT, ASK, CONSTRUCT or DESCRIBE"
        )
    variables = frozenset(t.text[1:] for t in tokens if t.kind == "var")
    return CheckedQuery(text, form.lower(), variables, tokens)


_EMPTY = ox.Store()


def _check_syntax(text: str) -> None:
    try:
        result = _EMPTY.query(text, prefixes=dict(PREFIXES))
    except SyntaxError as exc:
        raise QuerySyntaxError(_syntax_message(text, str(exc))) from None
    except RuntimeError as exc:  # e.g. a function the engine does not know
        raise QueryRefused(f"query not supported: {str(exc).splitlines()[0]}") from None
    del result


def _syntax_message(text: str, engine_message: str) -> str:
    """Locate a syntax error and name the token there.

    rdflib's parser stops at the offending token more often than the engine; an unknown prefix is
    found by scanning the tokens.
    """
    detail = re.sub(r"^error at \d+:\d+: ", "", engine_message.replace("\n", " "))
    offset = None
    if "Prefix not found" in detail:
        declared = set(PREFIXES)
        tokens = list(tokenize(text))
        for i, token in enumerate(tokens):
            if token.kind == "pname" and i and tokens[i - 1].text.upper() == "PREFIX":
                declared.add(token.text.split(":", 1)[0])
            elif token.kind == "pname" and token.text.split(":", 1)[0] not in declared:
                offset = token.start
                detail = f"unknown prefix '{token.text.split(':', 1)[0]}:'"
                break
    if offset is None:
        offset = _rdflib_error_offset(text)
    if offset is None:
        found = re.match(r"error at (\d+):(\d+)", engine_message)
        if found is None:
            return f"syntax error: {detail[:160]}"
        lines = text.splitlines(keepends=True)
        line, column = int(found.group(1)), int(found.group(2))
        offset = sum(len(x) for x in lines[: line - 1]) + column - 1
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    first = next(tokenize(text[offset:]), None)
    found_text = f"'{first.text[:30]}'" if first else "end of query"
    if len(detail) > 120:
        detail = detail[:117] + "..."
    return f"syntax error at line {line}, column {column}: unexpected {found_text} ({detail})"


def _rdflib_error_offset(text: str) -> int | None:
    try:
        from rdflib.plugins.sparql.parser import parseQuery

        parseQuery(text)
    except Exception as exc:  # pyparsing's ParseException and friends
        loc = getattr(exc, "loc", None)
        return loc if isinstance(loc, int) else None
    return None


# ---------------------------------------------------------------- parameters


_VAR_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def param_term(value: str) -> ox.NamedNode | ox.Literal:
    """The RDF term a parameter value stands for: a CURIE or ``<IRI>`` is an IRI, else a literal.

    >>> param_term("cpd:cspo")
    <NamedNode value=https://w3id.org/certpath/data/cspo>
    >>> param_term("<http://example.org/x>")
    <NamedNode value=http://example.org/x>
    >>> param_term('x" || "1" = "1')
    <Literal value=x" || "1" = "1 datatype=<NamedNode value=http://www.w3.org/2001/XMLSchema#string>>
    """
    if value.startswith("<") and value.endswith(">"):
        try:
            return ox.NamedNode(value[1:-1])
        except ValueError:
            raise ParamError(f"parameter value {value}: not a valid IRI") from None
    iri = expand_curie(value)
    if iri is not None and re.fullmatch(r"[^\s<>\"{}|^`\\]*", iri):
        try:
            return ox.NamedNode(iri)
        except ValueError as exc:
            raise ParamError(f"parameter value {value}: not a valid IRI ({exc})") from None
    return ox.Literal(value)


def parse_params(items: Sequence[str]) -> dict[str, ox.NamedNode | ox.Literal]:
    """Parse ``NAME=VALUE`` strings (``--param``) into variable bindings.

    >>> parse_params(["role=cpd:cspo"])
    {'role': <NamedNode value=https://w3id.org/certpath/data/cspo>}
    """
    out: dict[str, ox.NamedNode | ox.Literal] = {}
    for item in items:
        name, sep, value = item.partition("=")
        name = name.strip().lstrip("?$")
        if not sep or not _VAR_NAME.fullmatch(name):
            raise ParamError(f"--param {item}: use NAME=VALUE, e.g. role=cpd:product-owner")
        if name in out:
            raise ParamError(f"--param {name} given twice")
        out[name] = param_term(value)
    return out


def bind(checked: CheckedQuery, bindings: Mapping[str, ox.NamedNode | ox.Literal]) -> str:
    """Return the query text with *bindings* as ``VALUES`` blocks, one in each group that uses them.

    A parameter pre-binds its variable everywhere in the query (the substitution semantics of
    SPARQL-dev SEP-0007): the outer ``WHERE`` group gets a ``VALUES`` block with every binding,
    so the variable is in the results, and so does every nested group (``OPTIONAL``, ``UNION``,
    ``MINUS``, ``EXISTS``, ``GRAPH``, a sub-select's ``WHERE``) that mentions a bound variable
    (for a sub-select: anywhere in it). That also lets the engine start each group from the
    bound value instead of evaluating it on its own over the whole graph. The blocks are built
    from RDF terms, whose serialisation escapes them, and placed by tokens (a ``{`` inside a
    comment, string or IRI is not a place to bind). ``SERVICE`` groups are left alone.

    Raises
    ------
    ParamError
        A parameter the query does not use, one the query assigns itself (``AS ?name``), one
        used in ``HAVING`` (where grouping hides a bound value), or a query without a group to
        bind in (``DESCRIBE <x>``, the short ``CONSTRUCT WHERE`` form).

    Examples
    --------
    >>> q = check_query('SELECT ?o WHERE { ?s ?p ?o } # WHERE {')
    >>> bind(q, {"o": ox.Literal('a" } ?x')})
    'SELECT ?o WHERE { VALUES (?o) { ("a\\\\" } ?x") } ?s ?p ?o } # WHERE {'
    >>> q = check_query('SELECT * WHERE { ?s ?p ?o OPTIONAL { ?o ?q ?r } }')
    >>> print(bind(q, {"r": ox.Literal("x")}))
    SELECT * WHERE { VALUES (?r) { ("x") } ?s ?p ?o OPTIONAL { VALUES (?r) { ("x") } ?o ?q ?r } }
    """
    if not bindings:
        return checked.text
    tokens = checked.tokens
    for name in bindings:
        if name not in checked.variables:
            raise ParamError(f"--param {name}: the query has no variable ?{name}")
    for i, token in enumerate(tokens[:-1]):
        word = token.text.upper() if token.kind == "word" else ""
        following = tokens[i + 1]
        if word == "AS" and following.kind == "var" and following.text[1:] in bindings:
            name = following.text[1:]
            raise ParamError(
                f"--param {name}: the query assigns ?{name} itself (AS ?{name}), so it cannot "
                "be a parameter"
            )
        if word == "HAVING":
            for name in _having_variables(tokens, i + 1) & set(bindings):
                raise ParamError(
                    f"--param {name}: ?{name} is used in HAVING, where grouping hides a bound "
                    "value; filter before grouping instead"
                )
    sites = _bind_sites(checked)
    if not sites or not sites[0].outer:
        raise ParamError("the query has no group pattern to bind parameters in")
    inserts: list[tuple[int, str]] = []
    for site in sites:
        if site.outer:
            names = list(bindings)
        else:
            used = {t.text[1:] for t in tokens[site.scan_from : site.scan_to] if t.kind == "var"}
            names = [name for name in bindings if name in used]
        if not names:
            continue
        variables = " ".join(f"?{name}" for name in names)
        values = " ".join(str(bindings[name]) for name in names)
        block = f" VALUES ({variables}) {{ ({values}) }}"
        opening, closing = tokens[site.open].start + 1, tokens[site.close].start
        if site.wrap:  # { SELECT ... } takes nothing beside the sub-select: nest it
            inserts += [(opening, block + " {"), (closing, "} ")]
        else:
            inserts.append((opening, block))
    text = checked.text
    for position, piece in sorted(inserts, reverse=True):
        text = text[:position] + piece + text[position:]
    return text


@dataclass(frozen=True)
class _Site:
    """A group that can take a ``VALUES`` block: its braces and where to look for variables."""

    open: int
    close: int
    scan_from: int
    scan_to: int
    outer: bool = False
    wrap: bool = False


def _bind_sites(checked: CheckedQuery) -> list[_Site]:
    """The groups of *checked* that can take a ``VALUES`` block, the outer ``WHERE`` group first.

    Left out: a ``CONSTRUCT`` template and the short ``CONSTRUCT WHERE`` form (triples only),
    ``VALUES`` data blocks, ``SERVICE`` groups and all they hold, and the braces around a nested
    sub-select (its own ``WHERE`` group is kept, and looks for variables in the whole
    sub-select). The outer group is the first one outside parentheses (an ``EXISTS`` in the
    select list comes before it); when it holds just a sub-select it is marked ``wrap``.
    """
    tokens = checked.tokens
    # stack entries: [open index, kind, paren depth at open, scan_from or -1]
    stack: list[list[Any]] = []
    sites: list[_Site] = []
    parens = 0
    top_level_groups = 0
    for i, token in enumerate(tokens):
        text = token.text
        if text == "(":
            parens += 1
        elif text == ")":
            parens -= 1
        elif text == "{":
            before = [t.text.upper() for t in tokens[max(0, i - 3) : i]]
            after = tokens[i + 1].text.upper() if i + 1 < len(tokens) else ""
            parent = stack[-1] if stack else None
            scan_from = -1
            if parent is not None and parent[1] in ("inert", "values"):
                kind = "inert"
            elif _is_values_block(tokens, i):
                kind = "values"
            elif "SERVICE" in before:
                kind = "inert"
            elif parent is None and parens == 0:
                top_level_groups += 1
                if checked.form == "construct" and top_level_groups == 1:
                    kind = "inert"  # the template, or the short form's triples
                    if before[-1:] == ["WHERE"]:
                        top_level_groups += 1  # short form: no WHERE group follows
                else:
                    kind = "outer-wrap" if after == "SELECT" else "outer"
            elif after == "SELECT":
                kind = "wrapper"
            else:
                kind = "group"
                if parent is not None and parent[1] == "wrapper" and parens == parent[2]:
                    scan_from = parent[0]  # a sub-select's WHERE: the whole sub-select counts
            stack.append([i, kind, parens, scan_from])
        elif text == "}" and stack:
            open_at, kind, _, scan_from = stack.pop()
            if kind in ("outer", "outer-wrap"):
                sites.append(_Site(open_at, i, open_at, i, outer=True, wrap=kind == "outer-wrap"))
            elif kind == "group":
                sites.append(_Site(open_at, i, open_at if scan_from < 0 else scan_from, i))
            elif kind == "wrapper":  # its WHERE group's scan runs to the end of the sub-select
                sites = [
                    _Site(s.open, s.close, s.scan_from, i) if s.scan_from == open_at else s
                    for s in sites
                ]
    sites.sort(key=lambda s: (not s.outer, s.open))
    return sites


def _having_variables(tokens: tuple[Token, ...], start: int) -> set[str]:
    """The variables of the ``HAVING`` clause whose constraints begin at token *start*."""
    names: set[str] = set()
    parens = 0
    for token in tokens[start:]:
        if token.text == "(":
            parens += 1
        elif token.text == ")":
            parens -= 1
        elif parens == 0 and (
            token.text in ("{", "}")
            or (
                token.kind == "word"
                and token.text.upper() in ("ORDER", "LIMIT", "OFFSET", "VALUES")
            )
        ):
            break
        elif token.kind == "var":
            names.add(token.text[1:])
    return names


def _is_values_block(tokens: tuple[Token, ...], i: int) -> bool:
    """Whether the ``{`` at *i* opens the data of ``VALUES ?x`` or ``VALUES (?x ?y)``."""
    j = i - 1
    if j >= 0 and tokens[j].text == ")":
        while j >= 0 and tokens[j].text != "(":
            j -= 1
        j -= 1
    elif j >= 0 and tokens[j].kind == "var":
        j -= 1
    return j >= 0 and tokens[j].kind == "word" and tokens[j].text.upper() == "VALUES"


# ---------------------------------------------------------------- running


Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple


@dataclass
class QueryResult:
    """The complete (never partial) result of a query.

    ``rows`` hold pyoxigraph terms (``None`` when unbound) for SELECT, ``boolean`` the answer of
    ASK, ``triples`` the graph of CONSTRUCT and DESCRIBE.
    """

    form: str
    variables: list[str] = field(default_factory=list)
    rows: list[tuple[Term | None, ...]] = field(default_factory=list)
    boolean: bool | None = None
    triples: list[ox.Triple] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.triples) if self.form in ("construct", "describe") else len(self.rows)

    def plain_rows(self) -> list[dict[str, Any]]:
        """SELECT rows as dicts of plain Python values (:func:`plain_value`)."""
        return [
            {name: plain_value(term) for name, term in zip(self.variables, row, strict=True)}
            for row in self.rows
        ]

    def serialize(self, fmt: str) -> bytes:
        """The result in *fmt* (see :data:`SOLUTION_FORMATS` and :data:`GRAPH_FORMATS`)."""
        graph = self.form in ("construct", "describe")
        allowed = GRAPH_FORMATS + ("ntriples",) if graph else SOLUTION_FORMATS
        if fmt not in allowed:
            kind = "CONSTRUCT/DESCRIBE" if graph else f"{self.form.upper()}"
            raise FormatError(
                f"--format {fmt} does not fit a {kind} query; use one of {', '.join(allowed)}"
            )
        if fmt == "table":
            return render_table(self).encode()
        if graph:
            rdf = {
                "turtle": ox.RdfFormat.TURTLE,
                "jsonld": ox.RdfFormat.JSON_LD,
                "ntriples": ox.RdfFormat.N_TRIPLES,
            }[fmt]
            prefixes = dict(PREFIXES) if fmt == "turtle" else None
            data = ox.serialize(self.sorted_triples(), format=rdf, prefixes=prefixes)
            assert data is not None
            return data if not data or data.endswith(b"\n") else data + b"\n"
        parsed = ox.parse_query_results(self._json(), format=ox.QueryResultsFormat.JSON)
        data = parsed.serialize(format=_RESULT_FORMATS[fmt])
        assert data is not None
        return data

    def sorted_triples(self) -> list[ox.Triple]:
        """The CONSTRUCT/DESCRIBE triples in a fixed order: the same bytes from any engine."""
        return sorted(self.triples, key=lambda t: (str(t.subject), str(t.predicate), str(t.object)))

    def _json(self) -> bytes:
        if self.form == "ask":
            return json.dumps({"head": {}, "boolean": bool(self.boolean)}).encode()
        bindings = [
            {name: _json_term(term) for name, term in zip(self.variables, row, strict=True) if term}
            for row in self.rows
        ]
        doc = {"head": {"vars": self.variables}, "results": {"bindings": bindings}}
        return json.dumps(doc, ensure_ascii=False).encode()


def _json_term(term: Term) -> dict[str, Any]:
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        out: dict[str, Any] = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype.value != _XSD_STRING:
            out["datatype"] = term.datatype.value
        return out
    return {
        "type": "triple",
        "value": {
            "subject": _json_term(term.subject),
            "predicate": _json_term(term.predicate),
            "object": _json_term(term.object),
        },
    }


def plain_value(term: Term | None) -> Any:
    """A term as a plain Python value: IRI string, int, float, bool or str; ``None`` if unbound.

    >>> plain_value(ox.Literal("3", datatype=ox.NamedNode(XSD_NS + "integer")))
    3
    >>> plain_value(ox.NamedNode("https://w3id.org/certpath/data/cspo"))
    'https://w3id.org/certpath/data/cspo'
    """
    if term is None:
        return None
    if isinstance(term, ox.Literal):
        kind = term.datatype.value[len(XSD_NS) :] if term.datatype.value.startswith(XSD_NS) else ""
        try:
            if kind in ("integer", "int", "long", "short", "nonNegativeInteger", "positiveInteger"):
                return int(term.value)
            if kind in ("decimal", "double", "float"):
                return float(term.value)
        except ValueError:
            return term.value
        if kind == "boolean":
            return term.value in ("true", "1")
        return term.value
    if isinstance(term, ox.NamedNode | ox.BlankNode):
        return term.value
    return str(term)


def _shown(term: Term | None) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        return curie(term.value)
    if isinstance(term, ox.Literal):
        return term.value.replace("\n", " ")
    return str(term)


def render_table(result: QueryResult) -> str:
    """Aligned columns for people, CURIEs instead of long IRIs.

    >>> r = QueryResult("select", ["r", "n"], [(ox.NamedNode(PREFIXES["cpd"] + "po"), None)])
    >>> print(render_table(r), end="")
    r       n
    ------  -
    cpd:po
    (1 row)
    """
    if result.form == "ask":
        return f"{'true' if result.boolean else 'false'}\n"
    if result.form in ("construct", "describe"):
        header = ["subject", "predicate", "object"]
        cells = [
            [_shown(t.subject), _shown(t.predicate), _shown(t.object)]
            for t in result.sorted_triples()
        ]
    else:
        header = list(result.variables)
        cells = [[_shown(term) for term in row] for row in result.rows]
    widths = [max([len(h)] + [len(row[i]) for row in cells]) for i, h in enumerate(header)]
    lines = [
        "  ".join(text.ljust(w) for text, w in zip(line, widths, strict=True)).rstrip()
        for line in [header, ["-" * w for w in widths], *cells]
    ]
    count = len(cells)
    lines.append(f"({count} {'row' if count == 1 else 'rows'})")
    return "\n".join(lines) + "\n"


def collect(form: str, answer: Any, limit: int | None) -> QueryResult:
    """Read a query's *answer* (solutions, a boolean or triples) into a complete result.

    Raises :class:`QueryTruncated` on the row after *limit* (``None``: no cap), so a result
    over the cap is never returned in part.
    """
    result = QueryResult(form)
    if isinstance(answer, ox.QueryBoolean):
        result.boolean = bool(answer)
    elif isinstance(answer, ox.QuerySolutions):
        result.variables = [v.value for v in answer.variables]
        width = range(len(result.variables))
        for solution in answer:
            if limit is not None and len(result.rows) >= limit:
                raise QueryTruncated(f"truncated at {limit} rows")
            result.rows.append(tuple(solution[i] for i in width))
    else:
        for triple in answer:
            if limit is not None and len(result.triples) >= limit:
                raise QueryTruncated(f"truncated at {limit} rows")
            result.triples.append(triple)
    return result


def _evaluate(store: ox.Store, text: str, form: str, limit: int | None) -> QueryResult:
    """Run *text* in this process, keeping at most *limit* rows (one more raises)."""
    try:
        return collect(form, store.query(text, prefixes=dict(PREFIXES)), limit)
    except SyntaxError as exc:
        raise QuerySyntaxError(_syntax_message(text, str(exc))) from None
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


def run_query(
    store: ox.Store | Any,
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
    store : pyoxigraph.Store or KnowledgeGraph
        Where to run it.
    query : str or CheckedQuery
        The SPARQL text (prefixes ``cp:``, ``cpd:``, ``skos:``, ... predeclared).
    params : mapping, optional
        Variable bindings: RDF terms, or strings read by :func:`param_term`.
    limit : int or None
        Row cap; more rows raise :class:`QueryTruncated`. ``None``: no cap.
    timeout : float or None
        Seconds; the query runs in a child process killed at the deadline
        (:class:`QueryTimeout`). ``None``: run in this process, without a deadline.
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
    store = getattr(store, "store", store)
    checked = (
        query
        if isinstance(query, CheckedQuery)
        else check_query(query, allow_service=allow_service)
    )
    terms = {k: param_term(v) if isinstance(v, str) else v for k, v in (params or {}).items()}
    text = bind(checked, terms)
    if timeout is None or not hasattr(os, "fork"):
        return _evaluate(store, text, checked.form, limit)
    result = _in_child(store, text, checked.form, limit, timeout)
    assert isinstance(result, QueryResult)
    return result


# ---------------------------------------------------------------- the query library


@dataclass(frozen=True)
class NamedQuery:
    """A query of the library: name, one-line description, parameters, example, text."""

    name: str
    description: str
    params: dict[str, str]
    required: tuple[str, ...]
    example: str
    text: str

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


def library() -> dict[str, NamedQuery]:
    """The named queries of ``certpath/queries/*.rq``, by name.

    >>> "role-competencies" in library()
    True
    """
    return {p.stem: _read_named(p) for p in sorted(QUERY_DIR.glob("*.rq"))}


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
    certpath.sparql.ParamError: --param maxMissing=ten: query roles-one-cert-away takes an integer
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
        Values for the query's parameters: a CURIE or ``<IRI>`` string is an IRI, any other string
        a literal.

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
    result = run_query(kg, query.text, params, limit=limit, timeout=timeout)
    if result.form == "ask":
        return [{"answer": result.boolean}]
    return result.plain_rows()


__all__ = [
    "CheckedQuery",
    "NamedQuery",
    "QueryLimitError",
    "QueryRefused",
    "QueryResult",
    "QuerySyntaxError",
    "QueryTimeout",
    "QueryTruncated",
    "bind",
    "check_query",
    "collect",
    "library",
    "named_query",
    "param_term",
    "parse_params",
    "plain_value",
    "render_table",
    "run_named",
    "run_query",
]
