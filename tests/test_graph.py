"""Loading: bundled data, --data semantics, and every kind of unreadable input."""

from __future__ import annotations

from pathlib import Path

import pytest

from certpath.errors import InputError
from certpath.graph import KnowledgeGraph, bind_values, bundled_data_dir, load, resolve_data_paths
from certpath.namespaces import CP, CPD_NS

TURTLE_HEADER = (
    "@prefix cp: <https://w3id.org/certpath/ontology#> .\n"
    "@prefix cpd: <https://w3id.org/certpath/data/> .\n"
    "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n"
)


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_bundled_by_default(bundled: KnowledgeGraph) -> None:
    assert bundled.has_subject(CPD_NS + "cspo")
    assert CP.Certification in bundled.types(CPD_NS + "cspo")
    assert bundled.has_subject(CP.Role)  # the ontology is always loaded


def test_data_replaces_bundled_and_bundled_adds(tmp_path: Path) -> None:
    mine = write(
        tmp_path / "mine.ttl", TURTLE_HEADER + 'cpd:x a cp:Competency ; skos:prefLabel "X"@en .\n'
    )
    only_mine = load([mine])
    assert only_mine.has_subject(CPD_NS + "x")
    assert not only_mine.has_subject(CPD_NS + "cspo")
    both = load(["bundled", mine])
    assert both.has_subject(CPD_NS + "x") and both.has_subject(CPD_NS + "cspo")


def test_folder_loads_its_rdf_files_in_order(tmp_path: Path) -> None:
    write(tmp_path / "b.ttl", TURTLE_HEADER + "cpd:b a cp:Competency .\n")
    write(
        tmp_path / "a.nt",
        f"<{CPD_NS}a> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <{CP.Competency}> .\n",
    )
    write(tmp_path / "notes.txt", "not rdf")
    assert [p.name for p in resolve_data_paths([tmp_path])] == ["a.nt", "b.ttl"]
    kg = load([tmp_path])
    assert kg.has_subject(CPD_NS + "a") and kg.has_subject(CPD_NS + "b")


def test_formats_by_extension(tmp_path: Path) -> None:
    jsonld = write(
        tmp_path / "x.jsonld",
        '{"@id": "https://w3id.org/certpath/data/j", "@type": "https://w3id.org/certpath/ontology#Competency"}',
    )
    rdfxml = write(
        tmp_path / "x.rdf",
        '<?xml version="1.0"?><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
        '<rdf:Description rdf:about="https://w3id.org/certpath/data/r">'
        '<rdf:type rdf:resource="https://w3id.org/certpath/ontology#Competency"/>'
        "</rdf:Description></rdf:RDF>",
    )
    kg = load([jsonld, rdfxml])
    assert kg.has_subject(CPD_NS + "j") and kg.has_subject(CPD_NS + "r")


def test_qualified_form_adds_direct_triples(tmp_path: Path) -> None:
    path = write(
        tmp_path / "q.ttl",
        TURTLE_HEADER
        + "cpd:r a cp:Role ; cp:qualifiedRequirement [ cp:competency cpd:c ; cp:level 2 ] ;\n"
        + "  cp:recommends cpd:d ; cp:qualifiedRequirement [ cp:competency cpd:d ; cp:level 3 ] .\n"
        + "cpd:o a cp:Course ; cp:qualifiedOutcome [ cp:competency cpd:c ] .\n",
    )
    kg = load([path])
    assert [o.value for o in kg.objects(CPD_NS + "r", CP.requires)] == [CPD_NS + "c"]
    assert [o.value for o in kg.objects(CPD_NS + "o", CP.teaches)] == [CPD_NS + "c"]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("empty.ttl", "", "empty.ttl: file is empty"),
        ("bad.ttl", TURTLE_HEADER + "cpd:a cpd:b cpd:c\ncpd:d cpd:e cpd:f .\n", "bad.ttl:5:"),
        ("lang.ttl", TURTLE_HEADER + 'cpd:a skos:prefLabel "x"@-- .\n', "lang.ttl:4:"),
        ("data.csv", "a,b\n", "unknown RDF format '.csv'; use Turtle (.ttl)"),
    ],
)
def test_unreadable_input_names_file_and_line(
    tmp_path: Path, name: str, content: str, message: str
) -> None:
    path = write(tmp_path / name, content)
    with pytest.raises(InputError) as info:
        load([path])
    assert message in str(info.value)
    assert "\n" not in str(info.value)


def test_missing_file_and_empty_folder(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="nope.ttl: no such file or folder"):
        load([tmp_path / "nope.ttl"])
    (tmp_path / "empty").mkdir()
    with pytest.raises(InputError, match="folder holds no RDF files"):
        load([tmp_path / "empty"])


def test_bundled_folder_exists() -> None:
    assert sorted(p.name for p in bundled_data_dir().glob("*.ttl"))


def test_bind_values_cannot_change_the_query(bundled: KnowledgeGraph) -> None:
    hostile = 'x" || "1" = "1'
    from pyoxigraph import Literal

    rows = list(
        bundled.select(
            "SELECT ?s WHERE { ?s skos:prefLabel ?l FILTER(STR(?l) = ?v) }", v=Literal(hostile)
        )
    )
    assert rows == []
    assert "VALUES (?v)" in bind_values("SELECT * WHERE { ?s ?p ?v }", {"v": Literal(hostile)})
