"""Checking a query before anything runs: tokens, refused keywords, a parser, the functions.

A tokenizer that skips strings, IRIs and comments refuses updates always, and ``SERVICE`` and
``FROM`` (which could reach the network) unless allowed; rdflib's SPARQL 1.1 parser then checks
the syntax without evaluating anything, and the functions the query calls must be ones the
engine has.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from certpath.errors import QueryRefused, QuerySyntaxError
from certpath.namespaces import PREFIXES, XSD_NS

_UPDATE_WORDS = frozenset("INSERT DELETE LOAD CLEAR DROP CREATE ADD MOVE COPY WITH USING".split())
_FORMS = ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")


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


def check_query(text: str, *, allow_service: bool = False, trusted: bool = False) -> CheckedQuery:
    """Check that *text* is a read-only, offline query, before anything runs.

    The check parses the query (rdflib's SPARQL 1.1 grammar) and never evaluates it, so a
    ``SERVICE`` endpoint is not called and nothing is read.

    Parameters
    ----------
    text : str
        A SPARQL 1.1 query; the package prefixes (``cp:``, ``cpd:``, ``skos:``, ...) are
        predeclared.
    allow_service : bool
        Allow ``SERVICE`` and ``FROM``/``FROM NAMED``, which could reach the network.
    trusted : bool
        The text is a query of the library (parsed by the test suite), so only its keywords are
        checked: its form, refused words and variables, without the parser's cost.

    Returns
    -------
    CheckedQuery
        With ``form`` one of ``select``, ``ask``, ``construct``, ``describe``. Checks are cached
        by text: the library's queries are checked (and parsed) once per process.

    Raises
    ------
    QueryRefused
        An update, SERVICE/FROM without *allow_service*, or a function the engine does not
        know.
    QuerySyntaxError
        A query that does not parse (line, column and offending token in the message).

    Examples
    --------
    >>> check_query("SELECT ?r WHERE { ?r a cp:Role }").form
    'select'
    >>> check_query("DROP ALL")
    Traceback (most recent call last):
    ...
    certpath.errors.QueryRefused: updates are refused: the graph is read-only (found DROP)
    """
    if len(text) <= _CACHED_LENGTH:
        return _checked(text, allow_service, not trusted)
    return _check(text, allow_service, not trusted)


#: Checks of queries up to this many characters are cached (the library's are under 10,000);
#: a long one keeps every token, so a server's clients could otherwise fill the memory.
_CACHED_LENGTH = 20_000


@functools.lru_cache(maxsize=256)
def _checked(text: str, allow_service: bool, parse: bool) -> CheckedQuery:
    return _check(text, allow_service, parse)


def _check(text: str, allow_service: bool, parse: bool = True) -> CheckedQuery:
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
    if form not in _FORMS:
        raise QuerySyntaxError(
            "syntax error: a query starts with SELECT, ASK, CONSTRUCT or DESCRIBE"
        )
    if parse:
        _check_syntax(text, tokens)
    variables = frozenset(t.text[1:] for t in tokens if t.kind == "var")
    return CheckedQuery(text, form.lower(), variables, tokens)


#: The XSD constructor functions Oxigraph evaluates (``xsd:integer(?x)``); any other function
#: IRI is refused before the query runs (``tests/test_sparql.py`` checks this list against the
#: engine).
ENGINE_FUNCTIONS = frozenset(
    XSD_NS + name
    for name in (
        "boolean double float decimal integer string date time dateTime duration "
        "yearMonthDuration dayTimeDuration gYear gYearMonth gMonth gMonthDay gDay"
    ).split()
)


def _check_syntax(text: str, tokens: tuple[Token, ...]) -> None:
    """Parse *text* (never evaluate it): syntax, prefixes, and the functions it calls."""
    declared = _declared_prefixes(tokens)
    for token in tokens:
        if token.kind == "pname" and token.text.split(":", 1)[0] not in declared:
            prefix = token.text.split(":", 1)[0]
            raise QuerySyntaxError(_located(text, token.start, f"unknown prefix '{prefix}:'"))
    from pyparsing import ParseBaseException
    from rdflib.plugins.sparql.parser import parseQuery

    try:
        tree = parseQuery(text)
    except ParseBaseException as exc:
        expected = re.match(r"Expected (.*?), found", str(exc.msg) + ", found")
        wanted = expected.group(1) if expected else ""
        # the grammar's own rule names ("SelectQuery") say nothing to a user: only keywords
        detail = f"expected {wanted}" if re.fullmatch(r"[a-z ]+|['\"][^'\"]+['\"]", wanted) else ""
        raise QuerySyntaxError(_located(text, int(exc.loc), detail)) from None
    except RecursionError:
        raise QuerySyntaxError("syntax error: the query is nested too deeply") from None
    for iri in sorted(_function_iris(tree, declared)):
        if iri not in ENGINE_FUNCTIONS:
            raise QueryRefused(
                f"query not supported: the function <{iri}> is not one the engine has"
            )


def _declared_prefixes(tokens: tuple[Token, ...]) -> dict[str, str]:
    declared = dict(PREFIXES)
    for i, token in enumerate(tokens[:-1]):
        if token.kind == "pname" and i and tokens[i - 1].text.upper() == "PREFIX":
            following = tokens[i + 1]
            if following.kind == "iri":
                declared[token.text.split(":", 1)[0]] = following.text[1:-1]
    return declared


def _function_iris(tree: Any, prefixes: Mapping[str, str]) -> set[str]:
    """The IRIs of the functions called in rdflib's parse *tree*."""
    from rdflib.plugins.sparql.parserutils import CompValue

    found: set[str] = set()
    stack = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, CompValue):
            if node.name == "Function":
                iri = node.get("iri")
                if isinstance(iri, CompValue) and iri.name == "pname":
                    base = prefixes.get(str(iri.get("prefix") or ""), "")
                    found.add(base + str(iri.get("localname") or ""))
                elif iri is not None:
                    found.add(str(iri))
            stack.extend(node.values())
        elif isinstance(node, list | tuple):
            stack.extend(node)
        elif hasattr(node, "as_list") and not isinstance(node, str):
            stack.extend(list(node))
    return found


def _located(text: str, offset: int, detail: str) -> str:
    """``syntax error at line L, column C: unexpected 'TOKEN' (detail)`` for *offset*."""
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    first = next(tokenize(text[offset:]), None)
    found_text = f"'{first.text[:30]}'" if first else "end of query"
    if len(detail) > 120:
        detail = detail[:117] + "..."
    said = f" ({detail})" if detail else ""
    return f"syntax error at line {line}, column {column}: unexpected {found_text}{said}"


def engine_syntax_message(text: str, engine_message: str) -> str:
    """The one-line error for a query the engine itself could not parse (*engine_message*)."""
    detail = re.sub(r"^error at \d+:\d+: ", "", engine_message.replace("\n", " "))
    found = re.match(r"error at (\d+):(\d+)", engine_message)
    if found is None:
        return f"syntax error: {detail[:160]}"
    lines = text.splitlines(keepends=True)
    line, column = int(found.group(1)), int(found.group(2))
    return _located(text, sum(len(x) for x in lines[: line - 1]) + column - 1, detail)
