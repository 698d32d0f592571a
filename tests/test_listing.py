"""Tests of certpath.listing: every entity of a kind, its facts, the filters, the order."""

from __future__ import annotations

import pytest
from conftest import DATA

from certpath.errors import EntityNotFound, InputError
from certpath.graph import KnowledgeGraph, load
from certpath.listing import competencies, instances, labels_of, offers, roles
from certpath.resolve import kind_of, label_of


def test_roles_are_every_role_sorted_by_label(bundled: KnowledgeGraph) -> None:
    listed = roles(bundled)
    assert listed.total == len(listed.rows) == len(instances(bundled, "role")) == 12
    keys = [(r.label.casefold(), r.iri) for r in listed.rows]
    assert keys == sorted(keys)
    assert all(kind_of(bundled, r.iri) == "role" for r in listed.rows)


def test_labels_are_those_every_command_shows(bundled: KnowledgeGraph) -> None:
    iris = instances(bundled, "competency") | instances(bundled, "offer")
    assert labels_of(bundled, iris) == {iri: label_of(bundled, iri) for iri in iris}


def test_role_row_is_self_describing(bundled: KnowledgeGraph) -> None:
    (row,) = [r for r in roles(bundled).rows if r.iri.endswith("/safe-product-owner")]
    data = row.to_dict()
    assert list(data)[:4] == ["iri", "curie", "label", "kind"]
    assert data["curie"] == "cpd:safe-product-owner" and data["kind"] == "role"
    requires = {
        o.value for o in bundled.objects(row.iri, "https://w3id.org/certpath/ontology#requires")
    }
    assert data["requires"] == len(requires)
    assert data["frameworks"] == [
        {"iri": "https://w3id.org/certpath/data/safe", "curie": "cpd:safe",
         "label": "Scaled Agile Framework"}
    ]  # fmt: skip


def test_roles_of_a_framework(bundled: KnowledgeGraph) -> None:
    listed = roles(bundled, framework=["SAFe"])
    assert [r.label for r in listed.rows] == [
        "Release Train Engineer", "SAFe Product Manager", "SAFe Product Owner"
    ]  # fmt: skip
    assert listed.filters == {"framework": ["https://w3id.org/certpath/data/safe"]}


def test_offer_filters(bundled: KnowledgeGraph) -> None:
    free = offers(bundled, max_cost=0)
    assert [r.to_dict()["curie"] for r in free.rows] == ["cpd:learn-scrum-basics"]
    short = offers(bundled, max_hours=8, sort="hours")
    hours = [r.facts["hours"] for r in short.rows]
    assert hours == sorted(hours) and max(hours) <= 8 and len(hours) == 3
    exam_only = offers(bundled, delivery=["assessment-only"])
    assert exam_only.total == 11
    assert all("AssessmentOnly" in r.facts["delivery"] for r in exam_only.rows)
    alliance = offers(bundled, provider=["Scrum Alliance"], sort="cost")
    assert {r.facts["provider"].label for r in alliance.rows} == {"Scrum Alliance"}
    costs = [r.facts["cost"] for r in alliance.rows]
    assert costs == sorted(costs)
    both = offers(bundled, provider=["Scrum Alliance", "Scrum.org"])
    assert both.total == alliance.total + offers(bundled, provider=["scrum.org"]).total
    scrum = offers(bundled, framework=["Scrum"], delivery=["self-paced"])
    assert all(
        "SelfPaced" in r.facts["delivery"] and "Scrum" in [f.label for f in r.facts["frameworks"]]
        for r in scrum.rows
    )


def test_offer_row_facts(bundled: KnowledgeGraph) -> None:
    (row,) = [r for r in offers(bundled).rows if r.iri.endswith("/cspo")]
    data = row.to_dict()
    assert data | {"teaches": 0} == {
        "iri": "https://w3id.org/certpath/data/cspo", "curie": "cpd:cspo",
        "label": "Certified Scrum Product Owner", "kind": "offer", "type": "certification",
        "provider": {"iri": "https://w3id.org/certpath/data/scrum-alliance",
                     "curie": "cpd:scrum-alliance", "label": "Scrum Alliance"},
        "hours": 16.0, "cost": 1000.0, "currency": "USD", "delivery": ["Classroom", "LiveOnline"],
        "frameworks": [{"iri": "https://w3id.org/certpath/data/scrum", "curie": "cpd:scrum",
                        "label": "Scrum"}],
        "teaches": 0,
    }  # fmt: skip
    assert data["teaches"] == len(
        bundled.objects(row.iri, "https://w3id.org/certpath/ontology#teaches")
    )


def test_broader_and_narrower(bundled: KnowledgeGraph) -> None:
    down = competencies(bundled, narrower_of="cross-team coordination")
    assert [r.label for r in down.rows] == ["Dependency management", "PI Planning"]
    up = competencies(bundled, broader_of="PI Planning")
    assert [r.label for r in up.rows] == ["Cross-team coordination"]
    (pi,) = [r for r in competencies(bundled).rows if r.label == "PI Planning"]
    assert [b.label for b in pi.facts["broader"]] == ["Cross-team coordination"]


def test_competencies_of_a_framework_are_what_its_roles_and_offers_need_or_teach(
    bundled: KnowledgeGraph,
) -> None:
    safe = {r.iri for r in competencies(bundled, framework=["SAFe"]).rows}
    popm = "https://w3id.org/certpath/data/safe-popm-cert"
    taught = {o.value for o in bundled.objects(popm, "https://w3id.org/certpath/ontology#teaches")}
    assert taught <= safe and len(safe) < len(instances(bundled, "competency"))


def test_limit_keeps_the_total(bundled: KnowledgeGraph) -> None:
    listed = competencies(bundled, limit=5)
    assert len(listed.rows) == 5 and listed.total == len(instances(bundled, "competency"))
    with pytest.raises(InputError, match="--limit -1"):
        competencies(bundled, limit=-1)


def test_bad_filters_name_what_is_wrong(bundled: KnowledgeGraph) -> None:
    with pytest.raises(EntityNotFound, match="no provider named 'nobody'"):
        offers(bundled, provider=["nobody"])
    with pytest.raises(EntityNotFound, match="is not a framework"):
        roles(bundled, framework=["CSPO"])
    with pytest.raises(InputError, match="--delivery by-owl"):
        offers(bundled, delivery=["by-owl"])
    with pytest.raises(InputError, match="--sort price"):
        offers(bundled, sort="price")


def test_blank_node_entities_are_not_listed(tmp_path) -> None:  # type: ignore[no-untyped-def]
    data = tmp_path / "blank.ttl"
    data.write_text(
        "@prefix cp: <https://w3id.org/certpath/ontology#> .\n"
        "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n"
        '<https://ex.org/r> a cp:Role ; skos:prefLabel "Named"@en .\n'
        '[] a cp:Role ; skos:prefLabel "Anonymous"@en .\n',
        encoding="utf-8",
    )
    assert [r.label for r in roles(load([data])).rows] == ["Named"]


def test_tiny_graph_offers_without_facts() -> None:
    kg = load([DATA / "tiny.ttl"])
    listed = offers(kg)
    assert listed.total == len(instances(kg, "offer")) > 0
    assert offers(kg, max_cost=1e12).total <= listed.total
