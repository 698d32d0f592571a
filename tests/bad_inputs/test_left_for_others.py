"""Bad input whose fix lies in modules another owner holds: strict xfails, one per defect.

Found by the second hostile pass (helper "hostile2"). Each case says what the user must get; the
``reason`` names the module and what it does today. Strict: when the owner fixes it the case
passes, the xfail fails, and the case moves to its area file as a plain case.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from bad_inputs.corpus import Case, run_case, run_certpath, verify

TINY = str(Path(__file__).resolve().parents[1] / "data" / "tiny.ttl")
PREFIXES = (
    "@prefix cp: <https://w3id.org/certpath/ontology#> .\n"
    "@prefix cpd: <https://w3id.org/certpath/data/> .\n"
    "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n"
)
EMPTY_GROUP = (
    PREFIXES
    + 'cpd:x a cp:Competency ; skos:prefLabel "X"@en .\n'
    + 'cpd:o a cp:Course ; skos:prefLabel "O"@en ; cp:teaches cpd:x ;\n'
    + "  cp:prerequisite [ a cp:PrerequisiteGroup ; cp:minCount 1 ] .\n"
)


LEVEL_6 = (
    PREFIXES
    + 'cpd:x a cp:Competency ; skos:prefLabel "X"@en .\n'
    + 'cpd:r a cp:Role ; skos:prefLabel "R"@en ;\n'
    + "  cp:qualifiedRequirement [ cp:competency cpd:x ; cp:level 6 ] .\n"
    + 'cpd:o a cp:Course ; skos:prefLabel "O"@en ; cp:durationHours 1.0 ; cp:teaches cpd:x .\n'
)


def fifo(name: str) -> object:
    return lambda folder: os.mkfifo(folder / name)


def loaded(name: str) -> object:
    """Load *name* (a file of the case) into an Oxigraph store ``db`` in the case's folder."""

    def load(folder: Path) -> None:
        done = run_certpath(["--store", "oxigraph:db", "load", name], cwd=folder)
        assert done.returncode == 0, done.stderr

    return load


LEFT = [
    (
        Case(
            "store-level-6-names-the-file",
            ("--store", "oxigraph:db", "path", "--target", "r"),
            1,
            "cpd:r cp:qualifiedRequirement [...] cp:level: 6 is outside 1..5 "
            "(levels run from 1 to 5) (in ",
            {"r.ttl": LEVEL_6},
            setup=loaded("r.ttl"),
        ),
        "projection.py (no owner named): _where finds the file by re-parsing kg.sources, which a "
        "persistent store has not; item 18 holds with --data only (the store's named graph per "
        "file, urn:x-certpath:sources, says which file)",
    ),
    (
        Case(
            "data-fifo-is-not-missing",
            ("--data", "pipe.ttl", "stats"),
            2,
            "pipe.ttl: not a regular file",
            setup=fifo("pipe.ttl"),
            timeout=30,
        ),
        "graph.py (scale): data_files says 'pipe.ttl: no such file or folder' for a FIFO "
        "(or a device node) that exists",
    ),
    (
        Case(
            "load-fifo-is-not-missing",
            ("--store", "oxigraph:store", "load", "pipe.ttl"),
            2,
            "pipe.ttl: not a regular file",
            setup=fifo("pipe.ttl"),
            timeout=30,
        ),
        "graph.py (scale): the same message through 'load'",
    ),
    (
        Case(
            "store-spec-file-url-is-usage",
            ("--store", "sparql:file:///etc/passwd", "stats"),
            2,
            "--store sparql:file:///etc/passwd: use an http:// or https:// endpoint URL",
        ),
        "remote.py (scale): a --store spec that is not http(s) raises StoreUnavailable (exit 6, "
        "'cannot be reached'); it is a usage error like '--store nonsense' (exit 2)",
    ),
    (
        Case(
            "param-empty-value-names-option",
            ("--data", TINY, "query", "role-competencies", "--param", "role="),
            2,
            "--param role=",
        ),
        "sparql/library.py (scale): an empty entity parameter reaches resolve: exit 4 'empty "
        "name: give an IRI, ...' without naming --param role",
    ),
]


@pytest.mark.parametrize(
    "case",
    [
        pytest.param(case, id=case.id, marks=pytest.mark.xfail(strict=True, reason=reason))
        for case, reason in LEFT
    ],
)
def test_left_for_other_owners(case: Case, tmp_path: Path) -> None:
    done = run_case(case, tmp_path)
    verify(case, done, tmp_path)


def test_validate_reports_a_group_without_members(tmp_path: Path) -> None:
    """A group with no cp:member is a finding without a property path beside ones with a path:
    sorting them was a TypeError traceback (fixed in validate.py)."""
    case = Case("validate-group-without-members", ("--data", "g.ttl", "validate"), 1, "",
                {"g.ttl": EMPTY_GROUP})  # fmt: skip
    done = run_case(case, tmp_path)
    stderr = done.stderr.decode()
    assert "Traceback" not in stderr and done.returncode == 1, stderr
    assert b"cp:member" in done.stdout or b"cp:minCount" in done.stdout, done.stdout
