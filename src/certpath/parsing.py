"""Parsing RDF files into a store: formats by extension, and errors that name file and line.

The one place that turns bytes into triples (:func:`parse_file`, :func:`parse_bytes`); what
certpath accepts beyond the parsers' defaults, and what it refuses that they let through:

- a UTF-8 byte-order mark at the start of a Turtle, N-Triples or JSON-LD file is accepted (as
  rdflib and most editors do); UTF-16 text is named as such;
- a JSON-LD node, property or type whose IRI is not valid (``"http://ex.org/a b"``) is an error
  like Turtle's, naming the file, line and node: the JSON-LD algorithms would drop it silently;
- JSON-LD nested deeper than :data:`MAX_JSON_DEPTH` is refused before Oxigraph's parser sees
  it (deeper nesting overflows its stack and kills the process);
- RDF/XML whose internal entities would expand to more than :data:`MAX_ENTITY_EXPANSION` bytes
  ("billion laughs") is refused before Oxigraph's parser expands them all in memory;
- JSON-LD remote contexts are never fetched, and RDF/XML external entities never resolved
  (Oxigraph does neither): such files fail with the parser's message.
"""

from __future__ import annotations

import itertools
import json
import re
from pathlib import Path

import pyoxigraph as ox

from certpath.errors import InputError
from certpath.progress import reading

#: RDF formats by file extension; the only ones ``--data`` accepts.
FORMATS: dict[str, ox.RdfFormat] = {
    ".ttl": ox.RdfFormat.TURTLE,
    ".turtle": ox.RdfFormat.TURTLE,
    ".nt": ox.RdfFormat.N_TRIPLES,
    ".jsonld": ox.RdfFormat.JSON_LD,
    ".json": ox.RdfFormat.JSON_LD,
    ".rdf": ox.RdfFormat.RDF_XML,
    ".owl": ox.RdfFormat.RDF_XML,
    ".xml": ox.RdfFormat.RDF_XML,
}
FORMAT_NAMES = (
    "Turtle (.ttl), N-Triples (.nt), JSON-LD (.jsonld, .json), RDF/XML (.rdf, .owl, .xml)"
)

NEWLINE = b"\n"
_UTF8_BOM = b"\xef\xbb\xbf"
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
#: Formats whose parser rejects a byte-order mark (Oxigraph's RDF/XML parser skips it itself).
_BOM_STRIPPED = (ox.RdfFormat.TURTLE, ox.RdfFormat.N_TRIPLES, ox.RdfFormat.JSON_LD)


def rdf_format(path: Path) -> ox.RdfFormat:
    """The RDF format of *path*, by extension.

    >>> rdf_format(Path("a.TTL")) == ox.RdfFormat.TURTLE
    True
    """
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise InputError(f"{path}: unknown RDF format '{path.suffix}'; use {FORMAT_NAMES}")
    return fmt


def parse_file(store: ox.Store, path: Path) -> None:
    """Parse one RDF file into *store*'s default graph, with errors naming the file and line.

    Raises
    ------
    InputError
        Unknown extension, unreadable or empty file, a syntax error, an invalid IRI.
    """
    fmt = rdf_format(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror}") from None
    parse_bytes(store, data, fmt, source=path)


def parse_bytes(store: ox.Store, data: bytes, fmt: ox.RdfFormat, *, source: Path) -> None:
    """Parse *data* (the content of *source*) in *fmt* into *store*'s default graph.

    Relative IRIs resolve against *source*'s ``file:`` IRI. Blank nodes get fresh names, so two
    files never share one by accident.

    >>> store = ox.Store()
    >>> parse_bytes(store, b'\\xef\\xbb\\xbf<http://ex.org/a> a <http://ex.org/T> .',
    ...             ox.RdfFormat.TURTLE, source=Path("bom.ttl"))
    >>> len(store)
    1
    >>> parse_bytes(store, b'{"@id": "http://ex.org/a b", "@type": "http://ex.org/T"}',
    ...             ox.RdfFormat.JSON_LD, source=Path("bad.jsonld"))
    Traceback (most recent call last):
    ...
    certpath.errors.InputError: bad.jsonld:1: invalid IRI 'http://ex.org/a b': Invalid IRI ...
    """
    if data.startswith(_UTF16_BOMS):
        raise InputError(f"{source}: UTF-16 text (byte-order mark); save the file as UTF-8")
    if fmt in _BOM_STRIPPED and data.startswith(_UTF8_BOM):
        data = data[len(_UTF8_BOM) :]
    if not data.strip():
        raise InputError(f"{source}: file is empty")
    base_iri = source.resolve().as_uri()
    try:
        if fmt == ox.RdfFormat.JSON_LD:
            store.bulk_extend(_checked_json_ld(data, base_iri, source))
        else:
            if fmt == ox.RdfFormat.RDF_XML and b"<!ENTITY" in data:
                _check_entities(data, source)
            with reading(data, f"Reading {source.name}") as stream:  # a bar on a terminal
                store.bulk_load(input=stream, format=fmt, base_iri=base_iri)
    except SyntaxError as exc:
        raise InputError(_syntax_message(source, exc)) from None
    except (ValueError, OSError) as exc:
        raise InputError(f"{source}: {exc}") from None


def _checked_json_ld(data: bytes, base_iri: str, source: Path) -> list[ox.Quad]:
    """Parse JSON-LD keeping what the algorithms would drop, then refuse any invalid IRI."""
    _check_depth(data, source)
    quads = list(
        ox.parse(data, format=ox.RdfFormat.JSON_LD, base_iri=base_iri, lenient=True,
                 rename_blank_nodes=True)
    )  # fmt: skip
    problem = _first_invalid(quads)
    if problem is not None:
        quad, bad, kind, detail = problem
        subject = str(getattr(quad.subject, "value", quad.subject))
        node = "" if bad == subject else f" in node '{subject}'"
        raise InputError(f"{source}{_line_of(data, bad)}: {kind} '{bad}'{node}: {detail}")
    return quads


#: Deepest JSON nesting read: Oxigraph's JSON-LD parser overflows its stack (the process dies
#: with a segmentation fault) somewhere between 1,000 and 5,000 levels.
MAX_JSON_DEPTH = 256
_NOT_BRACKETS = bytes(b for b in range(256) if b not in b"[]{}")
_BRACKET_STEP = bytes.maketrans(b"[{]}", b"\x02\x02\x00\x00")


def _check_depth(data: bytes, source: Path) -> None:
    """Refuse JSON nested deeper than :data:`MAX_JSON_DEPTH` before the parser sees it.

    Only byte operations: the brackets outside strings, then innermost pairs removed once per
    level (a JSON-LD document is a few levels deep, so this takes a few passes).

    >>> _check_depth(b'{"a": [1, {"b": "}}}"}]}', Path("x.jsonld"))
    >>> _check_depth(b"[" * 300 + b"]" * 300, Path("x.jsonld"))
    Traceback (most recent call last):
    ...
    certpath.errors.InputError: x.jsonld: JSON nested more than 256 levels deep; ...
    """
    unescaped = data.replace(b"\\\\", b"").replace(b'\\"', b"")
    brackets = b"".join(unescaped.split(b'"')[::2]).translate(None, _NOT_BRACKETS)
    levels = 0
    while brackets and levels <= MAX_JSON_DEPTH:
        inner = brackets.replace(b"{}", b"").replace(b"[]", b"")
        if inner == brackets:  # unbalanced: bound the rest by its running depth
            steps = brackets.translate(_BRACKET_STEP)
            levels += max(0, *itertools.accumulate(b - 1 for b in steps))
            break
        brackets, levels = inner, levels + 1
    if levels > MAX_JSON_DEPTH:
        raise InputError(
            f"{source}: JSON nested more than {MAX_JSON_DEPTH} levels deep; certpath reads "
            "JSON-LD data only up to that depth"
        )


#: The most bytes the internal entities of an RDF/XML file may expand to, in all.
MAX_ENTITY_EXPANSION = 10_000_000
_ENTITY = re.compile(rb"""<!ENTITY\s+(%\s*)?([^\s"'%;]+)\s+(?:"([^"]*)"|'([^']*)')\s*>""")
_REFERENCE = re.compile(rb"[&%]([A-Za-z_:][-\w.:]*);")


def _check_entities(data: bytes, source: Path) -> None:
    """Refuse RDF/XML whose entities would expand past :data:`MAX_ENTITY_EXPANSION` bytes.

    Namespace abbreviations (``<!ENTITY owl "http://www.w3.org/2002/07/owl#">``) are fine.

    >>> laughs = b'<!DOCTYPE r [<!ENTITY a "lol">' + b"".join(
    ...     b'<!ENTITY %c "%s">' % (98 + i, b"&%c;" % (97 + i) * 10) for i in range(8)
    ... ) + b']><r>&i;</r>'
    >>> _check_entities(laughs, Path("l.rdf"))
    Traceback (most recent call last):
    ...
    certpath.errors.InputError: l.rdf: the XML entities expand to more than 10,000,000 bytes ...
    """
    values = {m.group(2): m.group(3) or m.group(4) or b"" for m in _ENTITY.finditer(data)}
    sizes: dict[bytes, int] = {}

    def size(name: bytes, depth: int = 0) -> int:
        if name not in values or depth > 64:
            return len(name) + 2  # a character or predefined entity, or left to the parser
        if name not in sizes:
            sizes[name] = MAX_ENTITY_EXPANSION + 1  # refers to itself: the parser refuses it
            text = values[name]
            total = len(_REFERENCE.sub(b"", text))
            for ref in _REFERENCE.findall(text):
                total += size(ref, depth + 1)
                if total > MAX_ENTITY_EXPANSION:
                    break
            sizes[name] = total
        return sizes[name]

    total = 0
    for ref in _REFERENCE.findall(data):  # the declarations' own references too: a bound
        total += size(ref)
        if total > MAX_ENTITY_EXPANSION:
            raise InputError(
                f"{source}: the XML entities expand to more than {MAX_ENTITY_EXPANSION:,} bytes "
                "(an entity expansion bomb); certpath refuses them"
            )


def _first_invalid(quads: list[ox.Quad]) -> tuple[ox.Quad, str, str, str] | None:
    """The first quad a strict parser would refuse: (quad, value, what it is, what is wrong).

    Each distinct IRI and language tag is checked once (predicates, types, datatypes repeat).
    """
    named, literal = ox.NamedNode, ox.Literal
    good: set[str] = set()
    for quad in quads:
        for term in (quad.subject, quad.predicate, quad.object, quad.graph_name):
            kind = type(term)
            if kind is literal:
                language = term.language  # type: ignore[union-attr]
                if language and language not in good:
                    try:
                        literal("x", language=language)
                    except ValueError as exc:
                        return quad, language, "invalid language tag", str(exc)
                    good.add(language)
                iri = term.datatype.value  # type: ignore[union-attr]
            elif kind is named:
                iri = term.value  # type: ignore[union-attr]
            else:
                continue
            if iri not in good:
                try:
                    named(iri)
                except ValueError as exc:
                    return quad, iri, "invalid IRI", str(exc)
                good.add(iri)
    return None


def _line_of(data: bytes, value: str) -> str:
    """``:LINE`` of the first place *value* is written in the JSON text, or ``""``."""
    for written in (json.dumps(value, ensure_ascii=False)[1:-1], value):
        at = data.find(written.encode("utf-8"))
        if at >= 0:
            return f":{data.count(NEWLINE, 0, at) + 1}"
    return ""


def _syntax_message(path: Path, exc: SyntaxError) -> str:
    text = str(exc.msg if exc.msg else exc).replace("\n", " ")
    if exc.lineno:
        if text.startswith("Parser error at line"):
            text = text.split(": ", 1)[-1]
        return f"{path}:{exc.lineno}:{exc.offset or 0}: syntax error: {text}"
    return f"{path}: syntax error: {text}"


__all__ = ["FORMATS", "FORMAT_NAMES", "parse_bytes", "parse_file", "rdf_format"]
