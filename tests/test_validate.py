"""Validation: one valid and one invalid example per SHACL shape, and the graph-wide checks."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from certpath.graph import KnowledgeGraph, load, shapes_file
from certpath.validate import validate

SHAPES_DIR = Path(__file__).parent / "data" / "shapes"
HEADER = (
    "@prefix cp: <https://w3id.org/certpath/ontology#> .\n"
    "@prefix cpd: <https://w3id.org/certpath/data/> .\n"
    "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n"
)


def shape_names() -> list[str]:
    store = ox.Store()
    store.load(path=str(shapes_file()), format=ox.RdfFormat.TURTLE)
    query = (
        "SELECT ?s WHERE { ?s a <http://www.w3.org/ns/shacl#NodeShape> . "
        "FILTER(STRSTARTS(STR(?s), 'https://w3id.org/certpath/shapes#')) }"
    )
    return sorted(row["s"].value.rsplit("#", 1)[1] for row in store.query(query))  # type: ignore[union-attr]


SHAPES = shape_names()
EXAMPLES = sorted(SHAPES_DIR.glob("*-invalid-*.ttl"))


def test_every_shape_has_examples() -> None:
    assert SHAPES, "no shapes found"
    assert EXAMPLES, "no invalid examples found"
    for shape in SHAPES:
        assert (SHAPES_DIR / f"{shape}-valid.ttl").is_file(), shape
        assert list(SHAPES_DIR.glob(f"{shape}-invalid-*.ttl")), shape


@pytest.mark.parametrize("shape", SHAPES)
def test_valid_example_conforms(shape: str) -> None:
    report = validate(load([SHAPES_DIR / f"{shape}-valid.ttl"]))
    assert report.violations == []


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
def test_invalid_example_is_caught_by_its_shape(example: Path) -> None:
    shape = example.stem.split("-invalid-")[0]
    report = validate(load([example]))
    assert not report.valid
    sources = {v.source for v in report.violations}
    assert f"cps:{shape}" in sources, [v.to_text() for v in report.violations]
    for violation in report.violations:
        assert violation.focus and violation.message


def test_bundled_data_is_valid(bundled: KnowledgeGraph) -> None:
    report = validate(bundled)
    assert report.valid, [v.to_text() for v in report.violations]
    assert report.warnings == []


def check(tmp_path: Path, body: str) -> list[str]:
    path = tmp_path / "case.ttl"
    path.write_text(HEADER + body, encoding="utf-8")
    report = validate(load([path]))
    return [v.to_text() for v in report.violations + report.warnings]


def test_prerequisite_cycle_reported_in_order(tmp_path: Path) -> None:
    found = check(
        tmp_path,
        'cpd:a a cp:Course ; skos:prefLabel "A"@en ; cp:prerequisite cpd:b .\n'
        'cpd:b a cp:Course ; skos:prefLabel "B"@en ; cp:prerequisite cpd:c .\n'
        'cpd:c a cp:Course ; skos:prefLabel "C"@en ; cp:prerequisite cpd:a .\n',
    )
    assert (
        "violation: cpd:a cp:prerequisite: prerequisite cycle: cpd:a → cpd:b → cpd:c → cpd:a"
        in found
    )


def test_broader_cycle(tmp_path: Path) -> None:
    found = check(
        tmp_path,
        'cpd:a a cp:Competency ; skos:prefLabel "A"@en ; skos:broader cpd:b .\n'
        'cpd:b a cp:Competency ; skos:prefLabel "B"@en ; skos:broader cpd:a .\n',
    )
    assert "violation: cpd:a skos:broader: broader cycle: cpd:a → cpd:b → cpd:a" in found


def test_dangling_reference(tmp_path: Path) -> None:
    found = check(tmp_path, 'cpd:r a cp:Role ; skos:prefLabel "R"@en ; cp:requires cpd:ghost .\n')
    assert (
        "violation: cpd:r cp:requires: refers to cpd:ghost, which nothing defines (no rdf:type)"
        " (value: cpd:ghost)" in found
    )
    assert sum("cpd:ghost" in line and line.startswith("violation") for line in found) == 1


def test_mixed_currencies(tmp_path: Path) -> None:
    found = check(
        tmp_path,
        'cpd:a a cp:Course ; skos:prefLabel "A"@en ; cp:cost 1.0 ; cp:currency "USD" .\n'
        'cpd:b a cp:Course ; skos:prefLabel "B"@en ; cp:cost 1.0 ; cp:currency "EUR" .\n',
    )
    assert any("several currencies (EUR: 1, USD: 1)" in line for line in found)


def test_untaught_requirement_is_a_warning(tmp_path: Path) -> None:
    path = tmp_path / "w.ttl"
    path.write_text(
        HEADER
        + 'cpd:c a cp:Competency ; skos:prefLabel "C"@en .\n'
        + 'cpd:n a cp:Competency ; skos:prefLabel "N"@en ; skos:broader cpd:c .\n'
        + 'cpd:r a cp:Role ; skos:prefLabel "R"@en ;\n'
        + "  cp:qualifiedRequirement [ cp:competency cpd:c ; cp:level 3 ] .\n"
        + 'cpd:o a cp:Course ; skos:prefLabel "O"@en ;\n'
        + "  cp:qualifiedOutcome [ cp:competency cpd:n ; cp:level 2 ] .\n",
        encoding="utf-8",
    )
    report = validate(load([path]))
    assert report.valid
    assert [w.to_text() for w in report.warnings] == [
        "warning: cpd:r cp:requires: needs cpd:c at level 3, but no learning opportunity "
        "teaches it above level 2 (value: cpd:c)"
    ]
