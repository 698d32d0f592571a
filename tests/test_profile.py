"""Tests of certpath.profile: reading profiles strictly, and dump_profile's round trip."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from certpath.errors import InputError
from certpath.graph import KnowledgeGraph, load
from certpath.profile import (
    DUMP_FORMATS,
    LEVEL_NAMES,
    MAX_YAML_NODES,
    Profile,
    dump_profile,
    parse_level,
    read_profile,
    split_months,
)
from certpath.resolve import KIND_CLASSES

SUFFIX = {"yaml": ".yaml", "json": ".json", "turtle": ".ttl"}
CPD = "https://w3id.org/certpath/data/"


def entities(kg: KnowledgeGraph, kind: str) -> list[str]:
    found = set()
    for cls in KIND_CLASSES[kind]:
        rows = kg.select(f"SELECT ?e WHERE {{ ?e a <{cls}> FILTER(isIRI(?e)) }}")
        found |= {row["e"].value for row in rows}  # type: ignore[union-attr]
    return sorted(found)


@pytest.fixture(scope="module")
def outsider(tmp_path_factory: pytest.TempPathFactory) -> KnowledgeGraph:
    """The bundled data plus entities whose IRIs no prefix shortens (written as full IRIs)."""
    path = tmp_path_factory.mktemp("outsider") / "outsider.ttl"
    path.write_text(
        "@prefix cp: <https://w3id.org/certpath/ontology#> .\n"
        "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n"
        '<http://example.org/skills/a%20b> a cp:Competency ; skos:prefLabel "Odd skill"@en .\n'
        '<urn:x:course> a cp:Course ; skos:prefLabel "URN course"@en .\n'
        '<urn:x:role> a cp:Role ; skos:prefLabel "URN role"@en .\n',
        encoding="utf-8",
    )
    return load(["bundled", path])


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data(), fmt=st.sampled_from(DUMP_FORMATS))
def test_dump_reads_back_to_the_same_profile(
    outsider: KnowledgeGraph, tmp_path: Path, data: st.DataObject, fmt: str
) -> None:
    competencies = entities(outsider, "competency")
    offers = entities(outsider, "offer")
    roles = entities(outsider, "role")
    have = data.draw(st.dictionaries(st.sampled_from(competencies), st.integers(1, 5)))
    holds = data.draw(st.sets(st.sampled_from(offers)))
    experience = data.draw(st.dictionaries(st.sampled_from(roles), st.integers(0, 240)))
    profile = Profile(have, holds, experience)
    path = tmp_path / f"me-{len(have)}-{len(holds)}-{len(experience)}{SUFFIX[fmt]}"
    path.write_text(dump_profile(profile, outsider, fmt), encoding="utf-8")
    assert read_profile(outsider, path) == profile


def test_dump_names_are_curies_or_iris(outsider: KnowledgeGraph) -> None:
    profile = Profile(
        {CPD + "pi-planning": 2, "http://example.org/skills/a%20b": 4}, {"urn:x:course"}
    )
    assert dump_profile(profile, outsider, "yaml") == (
        "have:\n  http://example.org/skills/a%20b: 4\n  cpd:pi-planning: 2\nholds:\n"
        "- urn:x:course\n"
    )
    turtle = dump_profile(profile, outsider, "turtle", person=CPD + "me")
    assert "cpd:me a cp:Person" in turtle and "cp:level 4" in turtle


def test_dump_refuses_an_unknown_format(bundled: KnowledgeGraph) -> None:
    with pytest.raises(InputError, match="unknown profile format 'xml'"):
        dump_profile(Profile(), bundled, "xml")


@pytest.mark.parametrize(
    ("value", "level"), [(1, 1), (5, 5), ("3", 3), (" expert ", 5), ("Working", 3)]
)
def test_levels(value: object, level: int) -> None:
    assert parse_level(value, where="x") == level


@pytest.mark.parametrize("value", [True, False, 0, 6, -1, 2.0, "three", "", None, [3]])
def test_not_levels(value: object) -> None:
    with pytest.raises(InputError, match="x: level .* is not a level; use 1 to 5 or a level name"):
        parse_level(value, where="x")


def test_level_names_are_the_vocabulary_scale() -> None:
    assert list(LEVEL_NAMES.items()) == [
        ("awareness", 1),
        ("foundational", 2),
        ("working", 3),
        ("practitioner", 4),
        ("expert", 5),
    ]


def test_aliases_within_the_cap_are_fine(bundled: KnowledgeGraph, tmp_path: Path) -> None:
    path = tmp_path / "me.yaml"
    path.write_text(
        "name: &n CSPO\nhave: [user story writing, backlog refinement@3]\nholds: [*n]\n"
    )
    assert read_profile(bundled, path) == Profile(
        {CPD + "user-story-writing": 5, CPD + "backlog-refinement": 3}, {CPD + "cspo"}
    )


def test_alias_expansion_is_capped(bundled: KnowledgeGraph, tmp_path: Path) -> None:
    items = ", ".join(["x"] * 100)
    path = tmp_path / "me.yaml"
    path.write_text(f"a: &a [{items}]\nb: &b [" + ", ".join(["*a"] * 101) + "]\nhave: *b\n")
    with pytest.raises(InputError, match=f"expand to more than {MAX_YAML_NODES:,} nodes"):
        read_profile(bundled, path)


def test_single_names_need_no_list(bundled: KnowledgeGraph, tmp_path: Path) -> None:
    path = tmp_path / "me.yaml"
    path.write_text("have: user story writing@practitioner\nholds: CSPO\nname: Ana\n")
    assert read_profile(bundled, path) == Profile({CPD + "user-story-writing": 4}, {CPD + "cspo"})


@pytest.mark.parametrize(
    ("text", "months"), [("Product Owner@18", 18), ("Product Owner@0", 0), ("PO@1200", 1200)]
)
def test_months_after_the_at(text: str, months: int) -> None:
    assert split_months(text)[1] == months


@pytest.mark.parametrize("text", ["PO@1201", "PO@99999999999999999999", "PO@١٢", "PO@-3", "PO@"])
def test_not_months_after_the_at(text: str) -> None:
    with pytest.raises(InputError, match="months"):
        split_months(text)


@pytest.mark.parametrize("value", ['"12"', "'12'", "twelve", "1.5", "true", "null", "-1", "1201"])
def test_months_in_a_yaml_mapping_are_numbers(
    bundled: KnowledgeGraph, tmp_path: Path, value: str
) -> None:
    path = tmp_path / "me.yaml"
    path.write_text(f"experience:\n  Product Owner: {value}\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"me\.yaml: experience 'Product Owner': .*months"):
        read_profile(bundled, path)
