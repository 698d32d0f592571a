"""Query results: complete (never partial) results, their formats, a table for people.

The W3C results formats are written by Oxigraph itself, so a result reads the same, byte for
byte, whichever engine produced it (the embedded store or a remote endpoint).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import pyoxigraph as ox

from certpath.errors import FormatError, QueryTruncated
from certpath.namespaces import PREFIXES, XSD_NS, curie

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
_XSD_STRING = XSD_NS + "string"

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
        if fmt not in allowed:  # name only what --format accepts (ntriples is for HTTP)
            kind = "a CONSTRUCT/DESCRIBE" if graph else f"an {self.form.upper()}"
            if self.form == "select":
                kind = "a SELECT"
            shown = GRAPH_FORMATS if graph else SOLUTION_FORMATS
            raise FormatError(
                f"--format {fmt} does not fit {kind} query; use one of {', '.join(shown)}"
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


__all__ = [
    "ALL_FORMATS",
    "GRAPH_FORMATS",
    "MEDIA_TYPES",
    "SOLUTION_FORMATS",
    "QueryResult",
    "Term",
    "collect",
    "plain_value",
    "render_table",
]
