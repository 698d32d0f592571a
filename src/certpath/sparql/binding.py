"""Parameters: values read as RDF terms and bound by ``VALUES`` blocks, never spliced as text.

A parameter pre-binds its variable in every group of the query that uses it (SEP-0007); the
blocks are built from Oxigraph terms, whose serialisation escapes them, and placed by tokens.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pyoxigraph as ox

from certpath.errors import ParamError
from certpath.namespaces import expand_curie
from certpath.sparql.check import CheckedQuery, Token, check_query

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


__all__ = ["bind", "check_query", "param_term", "parse_params"]
