"""The service layer (certpath.service): names in, self-describing results out, the same as the
CLI's JSON."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from certpath import service
from certpath.cli.main import cli
from certpath.errors import AmbiguousName, EntityNotFound, InputError, NoPlan
from certpath.graph import KnowledgeGraph

BA = ["user story writing", "backlog refinement"]


def _cli_json(*args: str) -> object:
    result = CliRunner().invoke(cli, list(args))
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_path_is_the_cli_json(bundled: KnowledgeGraph) -> None:
    plan = service.path(bundled, target="SAFe POPM", have=BA, minimize="cost", alternatives=1)
    cli_args = ["path", "--target", "SAFe POPM", "--minimize", "cost", "--alternatives", "1"]
    for name in BA:
        cli_args += ["--have", name]
    assert plan.to_dict() == _cli_json(*cli_args, "--format", "json")


def test_gaps_closest_career_are_the_cli_json(bundled: KnowledgeGraph) -> None:
    report = service.gaps(bundled, target="Product Owner", have=["user story writing@2"])
    assert report.to_dict() == _cli_json(
        "gaps", "--target", "Product Owner", "--have", "user story writing@2", "--format", "json"
    )
    ranking = service.closest(bundled, have=BA, top=3)
    assert ranking.to_dict() == _cli_json(
        "closest", "--have", BA[0], "--have", BA[1], "--top", "3", "--format", "json"
    )


def test_names_and_options_are_checked(bundled: KnowledgeGraph) -> None:
    with pytest.raises(EntityNotFound) as err:
        service.path(bundled, target="nope")
    assert "no role named 'nope'" in str(err.value)
    with pytest.raises(InputError, match="--delivery carrier-pigeon"):
        service.path(bundled, target="Product Owner", delivery=["carrier-pigeon"])
    with pytest.raises(InputError, match="--budget-hours nan"):
        service.path(bundled, target="Product Owner", budget_hours=float("nan"))
    with pytest.raises(InputError, match="--budget-cost inf"):
        service.path(bundled, target="Product Owner", budget_cost=float("inf"))
    with pytest.raises((EntityNotFound, AmbiguousName)):
        service.path(bundled, target="Product Owner", exclude=["nothing at all"])


def test_profile_file_and_options_add_up(bundled: KnowledgeGraph, tmp_path: Path) -> None:
    profile = tmp_path / "me.yaml"
    profile.write_text("have:\n  - user story writing@3\n", encoding="utf-8")
    who = service.person(bundled, have=["backlog refinement@2"], profile=profile)
    assert sorted(who.have.values()) == [2, 3]
    again = service.person(bundled, have=["user story writing@5"], profile=who)
    assert max(again.have.values()) == 5 and len(again.have) == 2


def test_no_plan_is_raised_with_reasons(bundled: KnowledgeGraph) -> None:
    with pytest.raises(NoPlan) as err:
        service.path(bundled, target="SAFe POPM", have=BA, budget_hours=1)
    assert err.value.reasons[0]["kind"] == "budget"
