"""Tests of certpath.parsing: what certpath accepts and refuses beyond Oxigraph's defaults."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from certpath import graph, parsing
from certpath.errors import InputError
from certpath.parsing import MAX_ENTITY_EXPANSION, MAX_JSON_DEPTH, parse_bytes, parse_file

TTL = b"<http://ex.org/a> <http://ex.org/p> <http://ex.org/b> .\n"
RDF_XML = (
    b'<?xml version="1.0"?>\n<!DOCTYPE rdf:RDF [ENTITIES]>\n'
    b'<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
    b'<rdf:Description rdf:about="http://ex.org/a"><rdf:value>BODY</rdf:value>'
    b"</rdf:Description></rdf:RDF>\n"
)


def parse(data: bytes, name: str) -> ox.Store:
    store = ox.Store()
    parse_bytes(store, data, parsing.rdf_format(Path(name)), source=Path(name))
    return store


def test_graph_re_exports_parsing() -> None:
    assert graph.parse_file is parse_file and graph.FORMATS is parsing.FORMATS


@pytest.mark.parametrize("name", ["a.ttl", "a.nt", "a.jsonld", "a.rdf"])
def test_utf8_bom_is_accepted(name: str) -> None:
    data = {
        ".jsonld": b'{"@id": "http://ex.org/a", "http://ex.org/p": {"@id": "http://ex.org/b"}}',
        ".rdf": RDF_XML.replace(b"<!DOCTYPE rdf:RDF [ENTITIES]>\n", b"").replace(b"BODY", b"x"),
    }.get(Path(name).suffix, TTL)
    assert len(parse(b"\xef\xbb\xbf" + data, name)) == 1


def test_utf16_is_named() -> None:
    with pytest.raises(InputError, match=r"a.ttl: UTF-16 text \(byte-order mark\)"):
        parse(TTL.decode().encode("utf-16"), "a.ttl")


@pytest.mark.parametrize(
    ("document", "message"),
    [
        (
            '{"@id": "http://ex.org/a b", "http://ex.org/p": "x"}',
            "1: invalid IRI 'http://ex.org/a b'",
        ),
        (
            '{"@id": "http://ex.org/a",\n"@type": "http://ex.org/T x"}',
            "2: invalid IRI 'http://ex.org/T x' in node 'http://ex.org/a'",
        ),
        (
            '{"@id": "http://ex.org/a", "http://ex.org/p": {"@value": "x", "@language": "e n"}}',
            "1: invalid language tag 'e n' in node 'http://ex.org/a'",
        ),
    ],
)
def test_json_ld_invalid_iris_are_errors(document: str, message: str) -> None:
    with pytest.raises(InputError, match=f"^a.jsonld:{message}"):
        parse(document.encode(), "a.jsonld")


def test_json_ld_keeps_what_is_valid() -> None:
    store = parse(
        b'[{"@id": "_:x", "http://ex.org/p": "1"}, {"@id": "http://ex.org/a", '
        b'"http://ex.org/p": [{"@value": "x", "@language": "en"}, {"@id": "_:x"}]}]',
        "a.jsonld",
    )
    assert len(store) == 3


def test_json_ld_depth() -> None:
    def nested(levels: int) -> bytes:
        return (
            b'{"@id": "http://ex.org/a", "http://ex.org/p": ' + b"[" * levels + b"]" * levels + b"}"
        )

    assert len(parse(nested(MAX_JSON_DEPTH - 1), "a.jsonld")) == 0
    with pytest.raises(InputError, match=f"nested more than {MAX_JSON_DEPTH} levels"):
        parse(nested(MAX_JSON_DEPTH + 1), "a.jsonld")
    brackets_in_strings = b'{"@id": "http://ex.org/a", "http://ex.org/p": "' + b"[" * 1000 + b'"}'
    assert len(parse(brackets_in_strings, "a.jsonld")) == 1


def test_xml_entities() -> None:
    abbreviation = RDF_XML.replace(b"ENTITIES", b'<!ENTITY ex "http://ex.org/">')
    assert len(parse(abbreviation.replace(b"BODY", b"&ex;"), "a.rdf")) == 1
    big = b"x" * 1000
    bomb = RDF_XML.replace(
        b"ENTITIES", b'<!ENTITY a "' + big + b'"><!ENTITY b "' + b"&a;" * 1000 + b'">'
    ).replace(b"BODY", b"&b;" * 11)
    with pytest.raises(InputError, match=f"expand to more than {MAX_ENTITY_EXPANSION:,} bytes"):
        parse(bomb, "a.rdf")


def test_external_entities_are_not_resolved(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP SECRET")
    xxe = RDF_XML.replace(
        b"ENTITIES", b'<!ENTITY xxe SYSTEM "' + secret.as_uri().encode() + b'">'
    ).replace(b"BODY", b"&xxe;")
    with pytest.raises(InputError) as raised:
        parse(xxe, "a.rdf")
    assert "TOP SECRET" not in str(raised.value)
