"""The rules (certpath.planning.rules): what a prerequisite may be, groups that cannot be met,
experience gates; the planner refuses what the vocabulary does not allow instead of dropping it."""

from __future__ import annotations

import sys
from pathlib import Path

import networkx as nx
import pytest
from click.testing import CliRunner

sys.path.insert(0, str(Path(__file__).parent))

from planning_graphs import group, offer, role  # noqa: E402

from certpath.cli.main import cli  # noqa: E402
from certpath.errors import NoPlan, ValidationError  # noqa: E402
from certpath.graph import load  # noqa: E402
from certpath.planning import shortest_learning_path  # noqa: E402
from certpath.projection import project  # noqa: E402
from certpath.validate import validate  # noqa: E402

HEADER = """\
@prefix cp: <https://w3id.org/certpath/ontology#> .
@prefix cpd: <https://w3id.org/certpath/data/> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
cpd:x a cp:Competency ; skos:prefLabel "X"@en .
cpd:y a cp:Competency ; skos:prefLabel "Y"@en .
cpd:a a cp:Course ; skos:prefLabel "A"@en ; cp:durationHours 1.0 ; cp:teaches cpd:y .
cpd:b a cp:Course ; skos:prefLabel "B"@en ; cp:durationHours 1.0 ; cp:teaches cpd:y .
cpd:acme a cp:Provider ; skos:prefLabel "Acme"@en .
cpd:r a cp:Role ; skos:prefLabel "R"@en ; cp:requires cpd:x .
"""

#: Prerequisite objects the vocabulary does not allow, and what the planner's error names.
BAD_OBJECTS = {
    "undefined IRI": ("cpd:ghost", "cpd:ot cp:prerequisite cpd:ghost: nothing defines cpd:ghost"),
    "a provider": ("cpd:acme", "cpd:ot cp:prerequisite cpd:acme: cpd:acme is a provider"),
    "a literal": ('"CSPO"', 'cpd:ot cp:prerequisite "CSPO": "CSPO" is a literal'),
    "an untyped blank node": (
        "[ cp:minCount 1 ; cp:member cpd:a ]",
        "cpd:ot cp:prerequisite [",
    ),
    "a nested group": (
        "[ a cp:PrerequisiteGroup ; cp:minCount 1 ; cp:member "
        "[ a cp:PrerequisiteGroup ; cp:minCount 1 ; cp:member cpd:a ] ]",
        "cp:member [",
    ),
    "a member that is a provider": (
        "[ a cp:PrerequisiteGroup ; cp:minCount 1 ; cp:member cpd:a, cpd:acme ]",
        "cp:member cpd:acme: cpd:acme is a provider",
    ),
}


def _file(tmp_path: Path, prerequisite: str) -> Path:
    path = tmp_path / "data.ttl"
    path.write_text(
        HEADER
        + 'cpd:ot a cp:Certification ; skos:prefLabel "OT"@en ; cp:durationHours 2.0 ;\n'
        + f"    cp:teaches cpd:x ; cp:prerequisite {prerequisite} .\n",
        encoding="utf-8",
    )
    return path


@pytest.mark.parametrize("case", sorted(BAD_OBJECTS))
def test_a_prerequisite_the_vocabulary_does_not_allow_is_refused(tmp_path: Path, case: str) -> None:
    obj, message = BAD_OBJECTS[case]
    path = _file(tmp_path, obj)
    kg = load([path])
    assert not validate(kg).valid
    with pytest.raises(ValidationError) as err:
        shortest_learning_path(project(kg), "https://w3id.org/certpath/data/r")
    assert message in str(err.value) and "\n" not in str(err.value)
    result = CliRunner().invoke(cli, ["--data", str(path), "path", "--target", "r"])
    assert result.exit_code == 1, result.output
    assert result.stderr.startswith("Error: ") and message in result.stderr
    assert CliRunner().invoke(cli, ["--data", str(path), "validate"]).exit_code == 1


@pytest.mark.parametrize("form", ["blank", "iri"])
@pytest.mark.parametrize("count", [0, 3])
def test_a_group_asking_for_0_or_more_than_its_members_cannot_be_met(
    tmp_path: Path, form: str, count: int
) -> None:
    group_text = f"a cp:PrerequisiteGroup ; cp:minCount {count} ; cp:member cpd:a , cpd:b"
    if form == "blank":
        path = _file(tmp_path, f"[ {group_text} ]")
    else:
        path = _file(tmp_path, "cpd:g")
        path.write_text(path.read_text() + f"cpd:g {group_text} .\n", encoding="utf-8")
    kg = load([path])
    report = validate(kg)
    assert not report.valid
    assert any(
        "cp:minCount" in v.message or "cp:minCount" in (v.path or "") for v in report.violations
    )
    with pytest.raises(NoPlan) as err:
        shortest_learning_path(project(kg), "https://w3id.org/certpath/data/r")
    assert "cannot be met" in str(err.value)
    assert err.value.reasons[0]["kind"] == "blocked"
    result = CliRunner().invoke(cli, ["--data", str(path), "path", "--target", "r"])
    assert result.exit_code == 3 and "cannot be met" in result.stderr


@pytest.mark.parametrize("form", ["blank", "iri"])
def test_a_one_of_two_group_is_planned_in_either_form(tmp_path: Path, form: str) -> None:
    """The issue's example: ``ot`` is not first, one member comes before it."""
    group_text = "a cp:PrerequisiteGroup ; cp:minCount 1 ; cp:member cpd:a , cpd:b"
    if form == "blank":
        path = _file(tmp_path, f"[ {group_text} ]")
    else:
        path = _file(tmp_path, "cpd:g")
        path.write_text(path.read_text() + f"cpd:g {group_text} .\n", encoding="utf-8")
    kg = load([path])
    assert validate(kg).valid
    plan = shortest_learning_path(project(kg), "https://w3id.org/certpath/data/r")
    assert [s.label for s in plan.steps] == ["A", "OT"]
    assert plan.steps[1].unlocked_by == ("https://w3id.org/certpath/data/a",)


def test_nested_group_in_a_networkx_graph_is_refused() -> None:
    G = nx.MultiDiGraph()
    offer(G, "m", teaches={"y": 1})
    group(G, "inner", ("m",), 1)
    group(G, "outer", ("inner",), 1)
    offer(G, "final", teaches={"x": 1}, prereqs=("outer",))
    role(G, "r", {"x": 1})
    with pytest.raises(ValidationError, match="outer cp:member inner: inner is a group"):
        shortest_learning_path(G, "r")
