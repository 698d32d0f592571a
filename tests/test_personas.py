"""Every persona of data/personas.yaml gets the plan a coach would give, from the real CLI."""

from __future__ import annotations

import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from personas import MEASURES, Answer, Persona, Step, load_personas  # noqa: E402
from personas import ask as ask_cli  # noqa: E402

PEOPLE = load_personas()
CASES = [(p, m) for p in PEOPLE for m in MEASURES]


@pytest.fixture(scope="module")
def answers() -> dict[tuple[str, str], Answer]:
    """All persona questions, asked once through ``python -m certpath`` (a few in parallel)."""
    with ThreadPoolExecutor(max_workers=4) as pool:
        found = pool.map(lambda case: ask_cli(*case), CASES)
        return {(p.id, m): a for (p, m), a in zip(CASES, found, strict=True)}


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


def test_loader_reads_experience_and_experience_steps(tmp_path: Path) -> None:
    table = tmp_path / "personas.yaml"
    table.write_text(
        "personas:\n"
        "  - id: ba-to-csp-po\n"
        "    who: BA\n"
        "    target: CSP-PO\n"
        "    experience: {Product Owner: 6}\n"
        "    expected:\n"
        "      hours: [cspo, {experience: product-owner, months: 18}, a-cspo]\n"
        "      cost: []\n"
        "    why: experience steps\n",
        encoding="utf-8",
    )
    (persona,) = load_personas(table)
    assert persona.experience == (("Product Owner", 6),)
    assert persona.expected["hours"][1] == Step(experience="product-owner", months=18)
    assert persona.args("hours")[-2:] == ["--experience", "Product Owner@6"]


@pytest.mark.parametrize(
    "bad",
    [
        "expected: {hours: [cspo]}",
        "expected: {hours: [{experience: product-owner, months: 0}], cost: []}",
        "expected: {hours: [], cost: []}\n    experience: {Product Owner: '12'}",
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
