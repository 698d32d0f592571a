"""Bad input to the planning commands: budgets that are no numbers, levels out of range (named
by entity and file), names of the wrong kind, prerequisites the vocabulary does not allow."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from corpus import Case, check  # noqa: E402

HEADER = """\
@prefix cp: <https://w3id.org/certpath/ontology#> .
@prefix cpd: <https://w3id.org/certpath/data/> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
cpd:x a cp:Competency ; skos:prefLabel "X"@en .
cpd:r a cp:Role ; skos:prefLabel "R"@en ; cp:requires cpd:x .
"""
OFFER = 'cpd:o a cp:Course ; skos:prefLabel "O"@en ; cp:durationHours 1.0 ; cp:teaches cpd:x'
SAFE = ("path", "--target", "SAFe POPM", "--have", "user story writing")

CASES = [
    Case("budget-hours-nan", (*SAFE, "--budget-hours", "nan"), 2, "--budget-hours nan: a budget"),
    Case("budget-cost-nan", (*SAFE, "--budget-cost", "nan"), 2, "--budget-cost nan: a budget"),
    Case("budget-hours-inf", (*SAFE, "--budget-hours", "inf"), 2, "--budget-hours inf: a budget"),
    Case("budget-cost-inf", (*SAFE, "--budget-cost", "inf"), 2, "--budget-cost inf: a budget"),
    Case(
        "level-6-names-entity-and-file",
        ("--data", "bad.ttl", "path", "--target", "r"),
        1,
        "cpd:r cp:qualifiedRequirement [...] cp:level: 6 is outside 1..5",
        files={
            "bad.ttl": HEADER
            + "cpd:r cp:qualifiedRequirement [ cp:competency cpd:x ; cp:level 6 ] .\n"
            + OFFER
            + " .\n"
        },
    ),
    Case(
        "target-suggests-roles-only",
        ("path", "--target", "cspo-x"),
        4,
        "no role named 'cspo-x'",
    ),
    Case(
        "prerequisite-undefined",
        ("--data", "bad.ttl", "path", "--target", "r"),
        1,
        "cpd:o cp:prerequisite cpd:ghost: nothing defines cpd:ghost",
        files={"bad.ttl": HEADER + OFFER + " ; cp:prerequisite cpd:ghost .\n"},
    ),
    Case(
        "prerequisite-literal",
        ("--data", "bad.ttl", "path", "--target", "r"),
        1,
        'cpd:o cp:prerequisite "CSPO": "CSPO" is a literal',
        files={"bad.ttl": HEADER + OFFER + ' ; cp:prerequisite "CSPO" .\n'},
    ),
    Case(
        "group-asks-more-than-it-has",
        ("--data", "bad.ttl", "path", "--target", "r"),
        3,
        "no learning path to R: O cannot be started (needs at least 2 of: X (cannot be met",
        files={
            "bad.ttl": HEADER
            + OFFER
            + " ; cp:prerequisite [ a cp:PrerequisiteGroup ; cp:minCount 2 ; cp:member cpd:x ] .\n"
        },
    ),
]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_planning_bad_input(case: Case, tmp_path: Path) -> None:
    done = check(case, tmp_path)
    if case.id == "level-6-names-entity-and-file":
        assert b"(in " in done.stderr and b"bad.ttl)" in done.stderr
    if case.id == "target-suggests-roles-only":
        suggestions = done.stderr.decode().split("did you mean", 1)[-1]
        assert "cpd:cspo" not in suggestions.replace("cpd:cspo-", "")  # an offer: no target
