"""The query library on the bundled data: every named query with its expected rows."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from certpath.cli.main import cli
from certpath.graph import KnowledgeGraph, load
from certpath.namespaces import curie
from certpath.planner import role_gaps
from certpath.projection import project
from certpath.sparql import (
    ParamError,
    UnknownQuery,
    library,
    named_query,
    run_named,
    run_query,
)

#: (query, parameters, columns shown, expected rows with IRIs as CURIEs), on bundled + Alice.
CASES: list[tuple[str, dict[str, str], list[str], list[tuple[Any, ...]]]] = [
    (
        "role-competencies",
        {"role": "cpd:safe-product-owner"},
        ["competency", "need", "level"],
        [
            ("cpd:backlog-ordering", "essential", 3),
            ("cpd:backlog-ownership", "essential", 3),
            ("cpd:backlog-refinement", "essential", 3),
            ("cpd:scrum-fundamentals", "essential", 3),
            ("cpd:user-story-writing", "essential", 3),
            ("cpd:art-backlog-management", "essential", 2),
            ("cpd:cross-team-coordination", "essential", 2),
            ("cpd:dependency-management", "essential", 2),
            ("cpd:feature-preparation", "essential", 2),
            ("cpd:pi-planning", "essential", 2),
            ("cpd:product-goal-setting", "essential", 2),
            ("cpd:value-thinking", "essential", 2),
            ("cpd:working-with-product-management", "essential", 2),
            ("cpd:stakeholder-tradeoffs", "recommended", 2),
        ],
    ),
    (
        "offers-teaching",
        {"competency": "cpd:backlog-refinement"},
        ["offer", "taught", "level", "cost", "currency", "hours"],
        [
            ("cpd:pspo-1", "cpd:backlog-refinement", 3, 200.0, "USD", 13.0),
            ("cpd:better-user-stories", "cpd:backlog-refinement", 2, 395.0, "USD", 12.0),
            ("cpd:iiba-aac", "cpd:backlog-refinement", 3, 405.0, "USD", 30.0),
            ("cpd:iiba-cpoa", "cpd:backlog-refinement", 3, 405.0, "USD", 30.0),
            ("cpd:ccba", "cpd:backlog-refinement", 2, 550.0, "USD", 40.0),
            ("cpd:cbap", "cpd:backlog-refinement", 2, 550.0, "USD", 60.0),
            ("cpd:safe-popm-cert", "cpd:feature-preparation", 3, 995.0, "USD", 17.5),
            ("cpd:cspo", "cpd:backlog-refinement", 3, 1000.0, "USD", 16.0),
            ("cpd:csm", "cpd:backlog-refinement", 2, 1000.0, "USD", 17.0),
            ("cpd:a-cspo", "cpd:backlog-refinement", 4, 1200.0, "USD", 16.0),
            ("cpd:icp-apo", "cpd:backlog-refinement", 3, 1200.0, "USD", 21.0),
            ("cpd:safe-apm", "cpd:feature-preparation", 2, 1295.0, "USD", 26.0),
        ],
    ),
    (
        "competencies-lacking",
        {"person": "cpd:alice", "role": "cpd:safe-product-owner"},
        ["competency", "level"],
        [
            ("cpd:art-backlog-management", 2),
            ("cpd:cross-team-coordination", 2),
            ("cpd:dependency-management", 2),
            ("cpd:feature-preparation", 2),
            ("cpd:pi-planning", 2),
            ("cpd:working-with-product-management", 2),
        ],
    ),
    ("competencies-lacking", {"person": "cpd:alice", "role": "cpd:product-owner"}, ["level"], []),
    (
        "roles-one-cert-away",
        {"person": "cpd:alice"},
        ["role", "certification", "missing"],
        [
            ("cpd:agile-coach", "cpd:icp-acc", 3),
            ("cpd:ai-product-owner", "cpd:pspo-ai-essentials", 6),
            ("cpd:business-analyst", "cpd:cbap", 2),
            ("cpd:business-analyst", "cpd:ccba", 2),
            ("cpd:business-analyst", "cpd:ecba", 2),
            ("cpd:project-professional", "cpd:pmi-acp", 5),
            ("cpd:release-train-engineer", "cpd:safe-rte", 6),
            ("cpd:safe-product-owner", "cpd:safe-popm-cert", 6),
            ("cpd:scrum-master", "cpd:a-csm", 3),
            ("cpd:scrum-master", "cpd:csm", 3),
            ("cpd:scrum-master", "cpd:icp-acc", 3),
            ("cpd:scrum-master", "cpd:psm-1", 3),
            ("cpd:scrum-master", "cpd:safe-rte", 3),
        ],
    ),
    (
        "prerequisite-chain",
        {"offer": "cpd:csp-po"},
        ["prerequisite", "kind", "minCount"],
        [
            ("cpd:a-cspo", "cp:Certification", None),
            ("cpd:cspo", "cp:Certification", None),
            ("cpd:po-experience-12-months", "cp:ExperienceRequirement", None),
            ("cpd:po-experience-24-months", "cp:ExperienceRequirement", None),
        ],
    ),
    (
        "prerequisite-chain",
        {"offer": "cpd:ai-for-product-owners"},
        ["prerequisite", "kind", "minCount"],
        [
            ("cpd:backlog-ownership", "cp:Competency", None),
            ("cpd:cspo", "cp:Certification", None),
            ("cpd:cspo-or-pspo-1", "cp:PrerequisiteGroup", 1),
            ("cpd:pspo-1", "cp:Certification", None),
            ("cpd:scrum-fundamentals", "cp:Competency", None),
        ],
    ),
    (
        "offers-by-provider",
        {"provider": "cpd:scrum-org"},
        ["offer", "cost", "currency", "hours"],
        [
            ("cpd:learn-scrum-basics", 0.0, "USD", 4.0),
            ("cpd:psm-1", 200.0, "USD", 13.0),
            ("cpd:pspo-1", 200.0, "USD", 13.0),
            ("cpd:pspo-ai-essentials", 200.0, "USD", 8.0),
            ("cpd:pspo-2", 250.0, "USD", 26.0),
            ("cpd:pspo-3", 500.0, "USD", 40.0),
            ("cpd:pspo-a", 1200.0, "USD", 16.0),
        ],
    ),
    (
        "coverage-matrix",
        {"role": "cpd:safe-product-owner"},
        ["competency", "need", "level", "offers"],
        [
            ("cpd:art-backlog-management", "essential", 2, 3),
            ("cpd:backlog-ordering", "essential", 3, 6),
            ("cpd:backlog-ownership", "essential", 3, 5),
            ("cpd:backlog-refinement", "essential", 3, 7),
            ("cpd:cross-team-coordination", "essential", 2, 5),
            ("cpd:dependency-management", "essential", 2, 3),
            ("cpd:feature-preparation", "essential", 2, 2),
            ("cpd:pi-planning", "essential", 2, 3),
            ("cpd:product-goal-setting", "essential", 2, 8),
            ("cpd:scrum-fundamentals", "essential", 3, 8),
            ("cpd:user-story-writing", "essential", 3, 6),
            ("cpd:value-thinking", "essential", 2, 15),
            ("cpd:working-with-product-management", "essential", 2, 1),
            ("cpd:stakeholder-tradeoffs", "recommended", 2, 13),
        ],
    ),
    (
        "esco-alignments",
        {"entity": "cpd:product-manager"},
        ["relation", "esco"],
        [
            ("skos:closeMatch", "escoocc:9f508305-80ce-4111-8722-f2c9b4a44890"),
            ("skos:closeMatch", "escoocc:a79170ad-0b7b-4697-864f-1748359aa10a"),
        ],
    ),
    ("entities-without-source", {}, ["entity", "type"], []),
]

#: Parametrizes a test over :data:`CASES` (name, params, columns, expected).
each_case = pytest.mark.parametrize(
    ("name", "params", "columns", "expected"),
    CASES,
    ids=[f"{c[0]}-{'-'.join(c[1].values()) or 'all'}" for c in CASES],
)


def shown(rows: list[dict[str, Any]], columns: list[str]) -> list[tuple[Any, ...]]:
    """Rows as tuples of *columns*, IRIs as CURIEs."""
    return [
        tuple(
            curie(r[c]) if isinstance(r[c], str) and r[c].startswith("http") else r[c]
            for c in columns
        )
        for r in rows
    ]


@pytest.fixture(scope="session")
def kg(alice_file: Path) -> KnowledgeGraph:
    return load(["bundled", alice_file])


@each_case
def test_named_query_rows(
    kg: KnowledgeGraph,
    name: str,
    params: dict[str, str],
    columns: list[str],
    expected: list[tuple[Any, ...]],
) -> None:
    assert shown(run_named(kg, name, **params), columns) == expected


def test_every_query_is_tested_and_documented() -> None:
    queries = library()
    assert len(queries) >= 9
    assert {c[0] for c in CASES} == set(queries)
    for query in queries.values():
        assert query.description.endswith("."), query.name
        assert query.example.startswith("certpath"), query.name
        for param in query.params:
            assert f"?{param}" in query.text, (query.name, param)


def test_data_quality_query_finds_an_entity_without_source(tmp_path: Path) -> None:
    extra = tmp_path / "nosource.ttl"
    extra.write_text(
        "@prefix cp: <https://w3id.org/certpath/ontology#> .\n"
        "<https://w3id.org/certpath/data/mystery> a cp:Role .\n",
        encoding="utf-8",
    )
    rows = run_named(load(["bundled", extra]), "entities-without-source")
    assert shown(rows, ["entity", "type"]) == [("cpd:mystery", "cp:Role")]


def test_required_and_unknown_params(kg: KnowledgeGraph) -> None:
    with pytest.raises(ParamError, match="needs --param person"):
        run_named(kg, "competencies-lacking", role="cpd:product-owner")
    with pytest.raises(ParamError, match="has no parameter 'rol'"):
        run_named(kg, "role-competencies", rol="cpd:product-owner")
    with pytest.raises(UnknownQuery, match="did you mean role-competencies"):
        run_named(kg, "role-competences")


def test_cli_named_query_with_params(alice_file: Path) -> None:
    result = CliRunner().invoke(
        cli,
        [
            "--data", "bundled", "--data", str(alice_file), "query", "competencies-lacking",
            "--param", "person=cpd:alice", "--param", "role=cpd:safe-product-owner",
            "--format", "csv",
        ],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    lines = result.stdout_bytes.decode().split("\r\n")
    assert lines[0] == "competency,label,level"
    assert (
        lines[1] == "https://w3id.org/certpath/data/art-backlog-management,ART backlog management,2"
    )
    assert len(lines) == 8 and lines[-1] == ""


def test_cli_queries_lists_the_library() -> None:
    result = CliRunner().invoke(cli, ["queries"])
    assert result.exit_code == 0
    first = result.stdout.splitlines()[0]
    assert first.split()[0] == "competencies-lacking"
    assert "--param person=...  the person, e.g. cpd:alice (required)" in result.stdout
    listed = json.loads(CliRunner().invoke(cli, ["queries", "--format", "json"]).stdout)
    assert [q["name"] for q in listed] == sorted(library())
    role = next(q for q in listed if q["name"] == "role-competencies")
    assert role["parameters"] == [
        {
            "name": "role",
            "description": "the role, e.g. cpd:product-owner (all roles when not given)",
            "required": False,
        }
    ]


# ---------------------------------------------------------------- roles-one-cert-away, exactly


@pytest.fixture(scope="module")
def scratch() -> Iterator[tuple[KnowledgeGraph, Any]]:
    """A bundled graph of this module's own (people are added and removed) and its projection."""
    kg = load()
    yield kg, project(kg)


def expected_one_cert_away(
    G: Any,
    have: dict[str, int],
    holds: list[str],
    *,
    max_missing: int,
    scope: str,
) -> list[tuple[str, str, int]]:
    """The query's answer computed from :func:`planner.role_gaps` (rule 2 in Python)."""
    rows = []
    for role in sorted(n for n, d in G.nodes(data=True) if d.get("kind") == "role"):
        gaps = [g for g in role_gaps(G, role, have=have, holds=holds) if g.essential]
        unmet = [g for g in gaps if g.status != "met"]
        related = any(g.held_level > 0 for g in gaps)
        if not unmet or len(unmet) > max_missing or (scope == "related" and not related):
            continue
        closing = set.intersection(*(set(g.offers) for g in unmet))
        for offer in sorted(closing):
            if G.nodes[offer].get("offer_type") == "certification":
                rows.append((curie(role), curie(offer), len(unmet)))
    return sorted(rows)


def _person_turtle(have: dict[str, int], holds: list[str]) -> str:
    lines = ["cpd:someone a cp:Person"]
    for c, level in sorted(have.items()):
        lines.append(f"  cp:hasCompetency <{c}>")
        lines.append(f"  cp:qualifiedHolding [ cp:competency <{c}> ; cp:level {level} ]")
    lines += [f"  cp:holds <{o}>" for o in holds]
    return (
        "@prefix cp: <https://w3id.org/certpath/ontology#> .\n"
        "@prefix cpd: <https://w3id.org/certpath/data/> .\n" + " ;\n".join(lines) + " .\n"
    )


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_roles_one_cert_away_matches_role_gaps(
    scratch: tuple[KnowledgeGraph, Any], data: st.DataObject
) -> None:
    kg, G = scratch
    competencies = sorted(n for n, d in G.nodes(data=True) if d.get("kind") == "competency")
    offers = sorted(n for n, d in G.nodes(data=True) if d.get("kind") == "offer")
    chosen = data.draw(st.lists(st.sampled_from(competencies), unique=True, max_size=6))
    have = {c: data.draw(st.integers(1, 5)) for c in chosen}
    holds = data.draw(st.lists(st.sampled_from(offers), unique=True, max_size=3))
    max_missing = data.draw(st.one_of(st.none(), st.integers(1, 12)))
    scope = data.draw(st.sampled_from([None, "related", "all"]))
    bounds = {"maxMissing": str(max_missing)} if max_missing is not None else {}
    if scope is not None:
        bounds["scope"] = scope
    person = ox.Store()
    person.load(_person_turtle(have, holds).encode(), format=ox.RdfFormat.TURTLE)
    quads = list(person)
    kg.store.extend(quads)
    try:
        rows = run_named(kg, "roles-one-cert-away", person="cpd:someone", **bounds)
        text = named_query("roles-one-cert-away").text  # the SPARQL text means the same
        sparql = run_query(kg, text, {"person": "cpd:someone", **bounds}, timeout=None)
    finally:
        for quad in quads:
            kg.store.remove(quad)
    got = sorted(shown(rows, ["role", "certification", "missing"]))
    expected = expected_one_cert_away(
        G, have, holds, max_missing=max_missing or 10**6, scope=scope or "all"
    )
    assert got == expected
    assert sorted(shown(sparql.plain_rows(), ["role", "certification", "missing"])) == expected


def test_roles_one_cert_away_bounds(tmp_path: Path) -> None:
    bob = tmp_path / "bob.ttl"
    bob.write_text(
        "@prefix cp: <https://w3id.org/certpath/ontology#> .\n"
        "@prefix cpd: <https://w3id.org/certpath/data/> .\n"
        "cpd:bob a cp:Person ;\n"
        "    cp:hasCompetency cpd:user-story-writing , cpd:backlog-refinement .\n",
        encoding="utf-8",
    )
    columns = ["role", "certification", "missing"]
    small = load(["bundled", bob])
    complete = shown(run_named(small, "roles-one-cert-away", person="cpd:bob"), columns)
    assert {r[0] for r in complete} == {
        "cpd:business-analyst",
        "cpd:product-owner",
        "cpd:project-professional",
        "cpd:release-train-engineer",
        "cpd:scrum-master",
    }
    assert ("cpd:product-owner", "cpd:cspo", 8) in complete
    # 500 more roles (with nothing to learn): the default bounds apply
    many = tmp_path / "many-roles.ttl"
    many.write_text(
        "@prefix cp: <https://w3id.org/certpath/ontology#> .\n"
        + "".join(f"<https://example.org/role{i}> a cp:Role .\n" for i in range(500)),
        encoding="utf-8",
    )
    large = load(["bundled", bob, many])

    def answer(**bounds: str) -> list[tuple[Any, ...]]:
        return shown(run_named(large, "roles-one-cert-away", person="cpd:bob", **bounds), columns)

    assert answer() == complete  # one meaning whatever the graph's size: the complete answer
    related = answer(scope="related", maxMissing="5")
    assert {r[0] for r in related} == {"cpd:business-analyst"}  # related, at most 5 missing
    wider = answer(scope="related", maxMissing="8")
    assert ("cpd:product-owner", "cpd:cspo", 8) in wider
    assert "cpd:scrum-master" not in {r[0] for r in wider}  # bob has nothing it needs
    assert answer(maxMissing="8", scope="all") == complete
    for value in ("many", " 1", "99999999999999999999"):
        with pytest.raises(ParamError, match="takes an integer"):
            answer(maxMissing=value)
    with pytest.raises(ParamError, match="takes one of related, all"):
        answer(scope="everything")
