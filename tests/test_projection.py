"""The projection: schema, strict numbers, and neighbourhood == whole graph for planning."""

from __future__ import annotations

import importlib.util
import random
from pathlib import Path
from typing import Any

import networkx as nx
import pytest

from certpath.errors import NoPlan, ValidationError
from certpath.graph import KnowledgeGraph, load
from certpath.planner import role_gaps, shortest_learning_path
from certpath.projection import project, project_neighbourhood

CPD = "https://w3id.org/certpath/data/"
HEADER = (
    "@prefix cp: <https://w3id.org/certpath/ontology#> .\n"
    "@prefix cpd: <https://w3id.org/certpath/data/> .\n"
    "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n"
)


def test_schema_on_tiny_graph(tiny: KnowledgeGraph) -> None:
    G = project(tiny)
    basic = G.nodes[CPD + "basic"]
    assert basic == {
        "kind": "offer",
        "offer_type": "certification",
        "label": "Basic Owner",
        "hours": 16.0,
        "cost": 1000.0,
        "currency": "USD",
        "provider": CPD + "acme",
        "delivery": ("Classroom",),
        "validity_months": 24,
    }
    assert G.edges[CPD + "owner", CPD + "backlog", "requires"] == {"level": 2}
    assert G.edges[CPD + "owner", CPD + "stories", "requires"] == {"level": 1}
    assert G.has_edge(CPD + "owner", CPD + "pi", "recommends")
    assert G.edges[CPD + "basic", CPD + "ordering", "teaches"] == {"level": 3}
    assert G.has_edge(CPD + "ordering", CPD + "backlog", "broader")
    assert G.has_edge(CPD + "scaled", CPD + "either", "prerequisite")
    assert G.nodes[CPD + "either"] == {"kind": "group", "label": "Basic or stories", "min_count": 1}
    assert G.has_edge(CPD + "either", CPD + "stories", "member")
    assert G.has_edge(CPD + "owner", CPD + "scaled-owner", "leadsTo")


@pytest.mark.parametrize(
    ("triple", "message"),
    [
        (
            'cp:durationHours "sixteen"^^xsd:decimal',
            "cpd:o cp:durationHours: 'sixteen' is not a decimal",
        ),
        ("cp:cost -5.0", "cpd:o cp:cost: '-5' is not a decimal number >= 0"),
        ("cp:validityMonths 1.5", "cpd:o cp:validityMonths: '1.5' is not a whole number"),
    ],
)
def test_bad_numbers_are_one_line_errors(tmp_path: Path, triple: str, message: str) -> None:
    path = tmp_path / "bad.ttl"
    path.write_text(HEADER + f"cpd:o a cp:Course ; {triple} .\n", encoding="utf-8")
    with pytest.raises(ValidationError, match=message):
        project(load([path]))


def _answer(
    G: nx.MultiDiGraph, role: str, have: dict[str, int], holds: set[str], measure: str
) -> Any:
    try:
        plan = shortest_learning_path(
            G, role, have=have, holds=holds, minimize=measure, alternatives=2
        )
    except NoPlan as exc:
        return ("no plan", str(exc), exc.reasons)
    return plan.to_dict()


def _questions(
    G: nx.MultiDiGraph, count: int, seed: int
) -> list[tuple[str, dict[str, int], set[str]]]:
    rng = random.Random(seed)
    kinds: dict[str, list[str]] = {}
    for node, data in sorted(G.nodes(data=True)):
        kinds.setdefault(data["kind"], []).append(node)
    questions = []
    for _ in range(count):
        have = {c: rng.randint(1, 5) for c in rng.sample(kinds["competency"], rng.randint(0, 4))}
        holds = set(rng.sample(kinds["offer"], rng.randint(0, 2)))
        questions.append((rng.choice(kinds["role"]), have, holds))
    return questions


def _check_same_answers(kg: KnowledgeGraph, count: int, seed: int) -> int:
    whole = project(kg)
    compared = 0
    for role, have, holds in _questions(whole, count, seed):
        part = project_neighbourhood(kg, [role], have=have, holds=holds)
        assert part.number_of_nodes() <= whole.number_of_nodes()
        for measure in ("hours", "cost", "steps"):
            assert _answer(part, role, have, holds, measure) == _answer(
                whole, role, have, holds, measure
            )
            compared += 1
        assert role_gaps(part, role, have=have, holds=holds) == role_gaps(
            whole, role, have=have, holds=holds
        )
    return compared


def test_neighbourhood_gives_the_same_plans_on_bundled_data(bundled: KnowledgeGraph) -> None:
    assert _check_same_answers(bundled, 60, seed=3) == 180


def test_neighbourhood_gives_the_same_plans_on_a_synthetic_graph(tmp_path: Path) -> None:
    spec = importlib.util.spec_from_file_location(
        "synthetic", Path(__file__).parents[1] / "benchmarks" / "synthetic.py"
    )
    assert spec and spec.loader
    synthetic = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(synthetic)
    path = synthetic.generate(tmp_path / "g.nt", roles=25, competencies=160, offers=90, seed=7)
    kg = load([path])
    assert _check_same_answers(kg, 25, seed=5) == 75
