"""Every persona of data/personas.yaml gets the plan a coach would give, as ``certpath path``.

The questions are answered in-process by ``certpath.service.path`` (what the ``path`` command
calls) on the session's bundled graph; one persona is also asked through ``python -m certpath``
in subprocesses, to show that both give the same plans.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from certpath.graph import KnowledgeGraph

sys.path.insert(0, str(Path(__file__).parent))

from personas import (  # noqa: E402
    MEASURES,
    Answer,
    Persona,
    Step,
    ask_cli,  # noqa: E402
    load_personas,
)
from personas import ask as ask_in_process  # noqa: E402

PEOPLE = load_personas()
CASES = [(p, m) for p in PEOPLE for m in p.expected]
CPD = "https://w3id.org/certpath/data/"


@pytest.fixture(scope="module")
def answers(bundled: KnowledgeGraph) -> dict[tuple[str, str], Answer]:
    """All persona questions, asked once on the bundled graph."""
    return {(p.id, m): ask_in_process(p, m, bundled) for p, m in CASES}


@pytest.mark.parametrize(("persona", "minimize"), CASES, ids=[f"{p.id}-{m}" for p, m in CASES])
def test_persona_plan(
    persona: Persona, minimize: str, answers: dict[tuple[str, str], Answer]
) -> None:
    answer = answers[(persona.id, minimize)]
    assert answer.code == 0, answer.stderr
    expected = [str(s) for s in persona.expected[minimize]]
    assert [str(s) for s in answer.steps] == expected, (
        f"{persona.id} --minimize {minimize}: the plan changed; review it with "
        "`python tests/personas.py` and update data/personas.yaml if a coach would sign it"
    )


def test_the_cli_gives_the_same_plans(answers: dict[tuple[str, str], Answer]) -> None:
    """The real CLI in subprocesses, for the persona with experience steps and an include."""
    persona = next(p for p in PEOPLE if p.id == "ba-fastest-to-csp-po")
    for measure in persona.expected:
        assert ask_cli(persona, measure) == answers[(persona.id, measure)]


def test_the_table_covers_the_seed_audience() -> None:
    ids = {p.id for p in PEOPLE}
    assert len(PEOPLE) >= 12
    assert len(ids) == len(PEOPLE)
    assert all(p.why.strip() and p.who.strip() for p in PEOPLE)
    # The seed's route: CSPO or PSPO first for role clarity, then POPM in SAFe, no A-CSPO detour.
    route = next(p for p in PEOPLE if p.id == "ba-to-safe-product-owner")
    for measure in MEASURES:
        plan = [s.offer for s in route.expected[measure]]
        assert plan[-1] == "safe-popm-cert"
        assert "cspo" in plan or "pspo-1" in plan
        assert "a-cspo" not in plan


def test_nobody_gets_a_cspo_without_the_months_as_product_owner() -> None:
    """A-CSPO and CSP-PO ask for 12 and 24 months as Product Owner (data/experience.ttl): a plan
    with them has the months from the persona or from experience steps before them."""
    needs = {"a-cspo": 12, "csp-po": 24}
    seen = 0
    for persona in PEOPLE:
        for measure, plan in persona.expected.items():
            months = dict(persona.experience).get("Product Owner", 0)
            for step in plan:
                if step.experience == "product-owner":
                    months += step.months
                elif step.offer in needs:
                    seen += 1
                    assert months >= needs[step.offer], (persona.id, measure, step.offer)
    assert seen >= 4  # the table does ask for them


def test_the_fastest_route_to_csp_po_for_a_business_analyst(
    answers: dict[tuple[str, str], Answer],
) -> None:
    answer = answers[("ba-fastest-to-csp-po", "months")]
    assert [str(s) for s in answer.steps] == [
        "cspo", "product-owner@12", "a-cspo", "product-owner@12", "csp-po"]  # fmt: skip
    assert answer.total == {"hours": 48.0, "cost": 3700.0, "currency": "USD", "steps": 5,
                            "months": 24}  # fmt: skip


def test_loader_reads_experience_include_and_experience_steps(tmp_path: Path) -> None:
    table = tmp_path / "personas.yaml"
    table.write_text(
        "personas:\n"
        "  - id: ba-to-csp-po\n"
        "    who: BA\n"
        "    target: Product Owner\n"
        "    experience: {Product Owner: 6}\n"
        "    include: [csp-po]\n"
        "    expected:\n"
        "      hours: [cspo, {experience: product-owner, months: 18}, a-cspo]\n"
        "      cost: []\n"
        "      months: [cspo]\n"
        "    why: experience steps\n",
        encoding="utf-8",
    )
    (persona,) = load_personas(table)
    assert persona.experience == (("Product Owner", 6),)
    assert persona.include == ("csp-po",)
    assert persona.expected["hours"][1] == Step(experience="product-owner", months=18)
    assert list(persona.expected) == ["hours", "cost", "months"]
    assert persona.args("hours")[-4:] == [
        "--experience", "Product Owner@6", "--include", "csp-po"]  # fmt: skip
    assert persona.options("months")["include"] == ("csp-po",)


@pytest.mark.parametrize(
    "bad",
    [
        "expected: {hours: [cspo]}",
        "expected: {hours: [], cost: [], fun: []}",
        "expected: {hours: [{experience: product-owner, months: 0}], cost: []}",
        "expected: {hours: [], cost: []}\n    experience: {Product Owner: '12'}",
        "expected: {hours: [], cost: []}\n    include: csp-po",
    ],
)
def test_loader_rejects_malformed_rows(tmp_path: Path, bad: str) -> None:
    table = tmp_path / "personas.yaml"
    table.write_text(
        f"personas:\n  - id: x\n    who: w\n    target: t\n    why: y\n    {bad}\n",
        encoding="utf-8",
    )
    with pytest.raises(ValueError, match="persona 'x'"):
        load_personas(table)


def test_an_error_is_an_answer_with_the_cli_exit_code(bundled: KnowledgeGraph) -> None:
    nobody = Persona("x", "w", "no such role at all", (), (), (), {}, "y")
    answer = ask_in_process(nobody, "hours", bundled)
    assert (answer.code, answer.steps) == (4, ())
    assert answer.stderr.startswith("Error: no role named 'no such role at all'")
