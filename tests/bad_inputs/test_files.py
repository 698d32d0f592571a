"""Input files that cannot be read as RDF: every format, hostile and clumsy (``--data FILE``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from bad_inputs.corpus import Case, parametrize, run_all, verify

PREFIXES = (
    "@prefix cp: <https://w3id.org/certpath/ontology#> .\n"
    "@prefix cpd: <https://w3id.org/certpath/data/> .\n"
    "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n"
)
ROLE_TTL = PREFIXES + 'cpd:x a cp:Role ; skos:prefLabel "X role"@en .\n'
RDF_XML = (
    '<?xml version="1.0"?>\n'
    '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"\n'
    '         xmlns:skos="http://www.w3.org/2004/02/skos/core#">\n'
    '<rdf:Description rdf:about="https://w3id.org/certpath/data/x">'
    "<skos:prefLabel>{label}</skos:prefLabel></rdf:Description>\n</rdf:RDF>\n"
)
XXE = (
    '<?xml version="1.0"?>\n'
    '<!DOCTYPE rdf:RDF [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
    + RDF_XML.split("\n", 1)[1].format(label="&xxe;")
)
XXE_PARAMETER = (
    '<?xml version="1.0"?>\n'
    '<!DOCTYPE rdf:RDF [<!ENTITY % remote SYSTEM "http://127.0.0.1:9/evil.dtd"> %remote;]>\n'
    + RDF_XML.split("\n", 1)[1].format(label="x")
)
LAUGHS_XML = (
    '<?xml version="1.0"?>\n<!DOCTYPE rdf:RDF [<!ENTITY a "lol">'
    + "".join(f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">' for i in range(8))
    + "]>\n"
    + RDF_XML.split("\n", 1)[1].format(label="&i;")
)


def jsonld(node: str) -> str:
    return '{"@context": {"cp": "https://w3id.org/certpath/ontology#"}, ' + node + "}"


def deep_json(levels: int) -> str:
    inner = '{"http://ex.org/p": ' * levels + "1" + "}" * levels
    return '{"@id": "http://ex.org/a", "http://ex.org/p": ' + inner + "}"


def no_passwd(_folder: Path, done: Any) -> None:
    assert b"root:" not in done.stdout + done.stderr


def stats(*files: str) -> tuple[str, ...]:
    args: list[str] = []
    for name in files:
        args += ["--data", name]
    return (*args, "stats")


CASES = [
    # ---- what already worked at 403bafe (kept working)
    Case("missing-file", stats("nope.ttl"), 2, "nope.ttl: no such file or folder"),
    Case("empty-file", stats("empty.ttl"), 2, "empty.ttl: file is empty", {"empty.ttl": ""}),
    Case("blank-file", stats("blank.nt"), 2, "blank.nt: file is empty", {"blank.nt": " \n\t\n"}),
    Case(
        "unknown-extension", stats("x.csv"), 2, "x.csv: unknown RDF format '.csv'", {"x.csv": "a"}
    ),
    Case(
        "folder-without-rdf", stats("dir"), 2, "dir: folder holds no RDF files", {"dir/a.txt": "x"}
    ),
    Case(
        "turtle-syntax",
        stats("bad.ttl"),
        2,
        "bad.ttl:4:",
        {"bad.ttl": PREFIXES + "cpd:x a cp:Role ;; skos:prefLabel .\n"},
    ),
    Case(
        "turtle-iri-with-space",
        stats("bad.ttl"),
        2,
        "bad.ttl:4:",
        {"bad.ttl": PREFIXES + "<http://ex.org/a b> a cp:Role .\n"},
    ),
    Case(
        "turtle-bad-language-tag",
        stats("bad.ttl"),
        2,
        "bad.ttl:4:",
        {"bad.ttl": PREFIXES + 'cpd:x skos:prefLabel "x"@-en- .\n'},
    ),
    Case(
        "turtle-binary-garbage", stats("bin.ttl"), 2, "bin.ttl:", {"bin.ttl": bytes(range(256)) * 4}
    ),
    Case(
        "turtle-invalid-utf8",
        stats("latin1.ttl"),
        2,
        "latin1.ttl:",
        {"latin1.ttl": (PREFIXES + 'cpd:x skos:prefLabel "caf\xe9" .\n').encode("latin-1")},
    ),
    Case(
        "ntriples-syntax",
        stats("bad.nt"),
        2,
        "bad.nt:1:",
        {"bad.nt": "<http://ex.org/a> <http://ex.org/p> .\n"},
    ),
    Case(
        "ntriples-prefix-not-allowed",
        stats("bad.nt"),
        2,
        "bad.nt:1:",
        {"bad.nt": PREFIXES},
    ),
    Case(
        "jsonld-not-json", stats("bad.jsonld"), 2, "bad.jsonld:", {"bad.jsonld": "{'single': 1,}"}
    ),
    Case(
        "jsonld-remote-context-not-fetched",
        stats("ctx.jsonld"),
        2,
        "ctx.jsonld: syntax error: No LoadDocumentCallback",
        {"ctx.jsonld": '{"@context": "http://127.0.0.1:9/ctx.jsonld", "@id": "http://ex.org/a"}'},
    ),
    Case(
        "rdfxml-syntax",
        stats("bad.rdf"),
        2,
        "bad.rdf:",
        {"bad.rdf": "<rdf:RDF><unclosed></rdf:RDF>"},
    ),
    Case("rdfxml-xxe-file", stats("xxe.rdf"), 2, "xxe.rdf:", {"xxe.rdf": XXE}, after=no_passwd),
    Case("rdfxml-xxe-parameter-entity", stats("p.rdf"), 2, "p.rdf:", {"p.rdf": XXE_PARAMETER}),
    Case("rdfxml-billion-laughs", stats("l.rdf"), 2, "l.rdf:", {"l.rdf": LAUGHS_XML}, timeout=20),
    Case(
        "turtle-deep-nesting",
        stats("deep.ttl"),
        0,
        "triples",
        {"deep.ttl": PREFIXES + "cpd:x cpd:p " + "[ cpd:p " * 20000 + "1" + " ]" * 20000 + " .\n"},
    ),
    # ---- issue 15, item 2: JSON-LD with an invalid IRI was dropped silently (exit 0, "valid")
    Case(
        "jsonld-invalid-iri-id",
        ("--data", "bad.jsonld", "validate"),
        2,
        "bad.jsonld:1: invalid IRI 'http://ex.org/a b'",
        {"bad.jsonld": jsonld('"@id": "http://ex.org/a b", "@type": "cp:Role"')},
    ),
    Case(
        "jsonld-invalid-iri-type",
        stats("bad.jsonld"),
        2,
        "bad.jsonld:1: invalid IRI 'http://ex.org/T x' in node 'http://ex.org/a'",
        {"bad.jsonld": jsonld('"@id": "http://ex.org/a", "@type": "http://ex.org/T x"')},
    ),
    Case(
        "jsonld-invalid-iri-object",
        stats("bad.jsonld"),
        2,
        "bad.jsonld:3: invalid IRI 'http://ex.org/b c' in node 'http://ex.org/a'",
        {
            "bad.jsonld": '{"@id": "http://ex.org/a",\n "http://ex.org/p":\n'
            ' {"@id": "http://ex.org/b c"}}'
        },
    ),
    Case(
        "jsonld-invalid-iri-property",
        stats("bad.jsonld"),
        2,
        "bad.jsonld:1: invalid IRI 'http://ex.org/p q' in node 'http://ex.org/a'",
        {"bad.jsonld": '{"@id": "http://ex.org/a", "http://ex.org/p q": "x"}'},
    ),
    Case(
        "jsonld-invalid-iri-relative",
        stats("bad.jsonld"),
        2,
        "bad.jsonld: invalid IRI 'file:///",
        {"bad.jsonld": '{"@id": "a b", "http://ex.org/p": "x"}'},
    ),
    Case(
        "jsonld-invalid-iri-compact",
        stats("bad.jsonld"),
        2,
        "bad.jsonld: invalid IRI 'http://ex.org/a b'",
        {"bad.jsonld": '{"@context": {"ex": "http://ex.org/"}, "@id": "ex:a b", "ex:p": "x"}'},
    ),
    Case(
        "jsonld-invalid-datatype",
        stats("bad.jsonld"),
        2,
        "bad.jsonld:1: invalid IRI 'http://ex.org/d t' in node 'http://ex.org/a'",
        {
            "bad.jsonld": '{"@id": "http://ex.org/a", "http://ex.org/p": '
            '{"@value": "x", "@type": "http://ex.org/d t"}}'
        },
    ),
    Case(
        "jsonld-invalid-language",
        stats("bad.jsonld"),
        2,
        "bad.jsonld:1: invalid language tag 'e n' in node 'http://ex.org/a'",
        {
            "bad.jsonld": '{"@id": "http://ex.org/a", "http://ex.org/p": '
            '{"@value": "x", "@language": "e n"}}'
        },
    ),
    # found while building the corpus: deep JSON-LD killed the process (Oxigraph stack overflow)
    Case(
        "jsonld-deep-nesting",
        stats("deep.jsonld"),
        2,
        "deep.jsonld: JSON nested more than 256",
        {"deep.jsonld": deep_json(20000)},
    ),
    Case(
        "jsonld-deep-unclosed",
        stats("open.jsonld"),
        2,
        "open.jsonld: JSON nested more than 256",
        {"open.jsonld": '{"@id": "http://ex.org/a", "http://ex.org/p": ' + "[" * 20000},
    ),
    Case("jsonld-nesting-allowed", stats("ok.jsonld"), 0, "triples", {"ok.jsonld": deep_json(200)}),
    # ---- issue 15, item 19: a UTF-8 byte-order mark at the start of a Turtle file
    Case(
        "turtle-bom-accepted",
        stats("bom.ttl"),
        0,
        "Classes:",
        {"bom.ttl": b"\xef\xbb\xbf" + ROLE_TTL.encode()},
    ),
    Case(
        "ntriples-bom-accepted",
        stats("bom.nt"),
        0,
        "Classes:",
        {"bom.nt": b"\xef\xbb\xbf<http://ex.org/a> <http://ex.org/p> <http://ex.org/b> .\n"},
    ),
    Case(
        "jsonld-bom-accepted",
        stats("bom.jsonld"),
        0,
        "Classes:",
        {
            "bom.jsonld": b"\xef\xbb\xbf"
            + jsonld('"@id": "http://ex.org/a", "@type": "cp:Role"').encode()
        },
    ),
    Case(
        "rdfxml-bom-accepted",
        stats("bom.rdf"),
        0,
        "Classes:",
        {"bom.rdf": b"\xef\xbb\xbf" + RDF_XML.format(label="x").encode()},
    ),
    Case(
        "turtle-utf16-named",
        stats("u16.ttl"),
        2,
        "u16.ttl: UTF-16 text (byte-order mark)",
        {"u16.ttl": ROLE_TTL.encode("utf-16")},
    ),
]


@pytest.fixture(scope="module")
def results(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    return run_all(CASES, tmp_path_factory.mktemp("files"))


@parametrize(CASES)
def test_case(case: Case, results: dict[str, Any]) -> None:
    verify(case, *results[case.id])
