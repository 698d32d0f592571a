"""Profile files (``--profile FILE``): levels, keys, sizes and bombs, in YAML, JSON and Turtle."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from bad_inputs.corpus import Case, parametrize, run_all, verify

TTL = (
    "@prefix cp: <https://w3id.org/certpath/ontology#> .\n"
    "@prefix cpd: <https://w3id.org/certpath/data/> .\n"
)
LAUGHS = (
    "".join(
        f"l{i}: &l{i} [" + ", ".join([f"*l{i - 1}" if i else '"lol"'] * 9) + "]\n" for i in range(9)
    )
    + "have: *l8\n"
)


#: The small hand-written graph of the tests: names here do not change with the bundled data.
TINY = str(Path(__file__).resolve().parents[1] / "data" / "tiny.ttl")


def path(profile: str, *more: str) -> tuple[str, ...]:
    return ("--data", TINY, "path", "--target", "scaled owner", "--profile", profile, *more)


def yaml_level(level: str) -> dict[str, str]:
    return {"me.yaml": f"have:\n  user story writing: {level}\n  backlog: 5\n"}


CASES = [
    # ---- what already worked at 403bafe (kept working)
    Case("missing-profile", path("nope.yaml"), 2, "nope.yaml: no such profile file"),
    Case(
        "unknown-profile-format",
        path("me.txt"),
        2,
        "me.txt: unknown profile format '.txt'",
        {"me.txt": "have: []"},
    ),
    Case("yaml-syntax", path("me.yaml"), 2, "me.yaml:2: not valid YAML", {"me.yaml": "have: [x\n"}),
    Case(
        "yaml-python-tag",
        path("me.yaml"),
        2,
        "me.yaml:1: not valid YAML",
        {"me.yaml": "have: !!python/object/apply:os.system ['touch owned']\n"},
    ),
    Case("json-syntax", path("me.json"), 2, "me.json:1: not valid JSON", {"me.json": "{have: []}"}),
    Case(
        "not-a-mapping",
        path("me.yaml"),
        2,
        "me.yaml: a profile is a mapping",
        {"me.yaml": "- user story writing\n"},
    ),
    Case(
        "unknown-competency",
        path("me.yaml"),
        4,
        "me.yaml: no competency named 'underwater basket",
        {"me.yaml": "have: [underwater basket weaving]\n"},
    ),
    Case(
        "unknown-offer",
        path("me.yaml"),
        4,
        "me.yaml: no offer named 'no such course'",
        {"me.yaml": "holds: [no such course]\n"},
    ),
    Case(
        "have-at-level-6",
        path("me.yaml"),
        2,
        "me.yaml: have 'user story writing@6': the level after '@' must be 1 to 5",
        {"me.yaml": "have: [user story writing@6]\n"},
    ),
    Case(
        "turtle-two-people",
        path("me.ttl"),
        2,
        "me.ttl: a profile file holds exactly one cp:Person",
        {"me.ttl": TTL + "<urn:a> a cp:Person . <urn:b> a cp:Person .\n"},
    ),
    Case(
        "turtle-syntax",
        path("me.ttl"),
        2,
        "me.ttl:4:1: syntax error",
        {"me.ttl": TTL + "<urn:a> a cp:Person ;;\n"},
    ),
    Case(
        "turtle-level-out-of-range",
        path("me.ttl"),
        2,
        "me.ttl: cp:level of https://w3id.org/certpath/data/backlog: level 9",
        {
            "me.ttl": TTL + "[] a cp:Person ; cp:qualifiedHolding "
            "[ cp:competency cpd:backlog ; cp:level 9 ] .\n"
        },
    ),
    # ---- issue 15, item 3: YAML true/yes counted as level 1
    Case(
        "yaml-level-true",
        path("me.yaml"),
        2,
        "me.yaml: have 'user story writing': level true is not a level; use 1 to 5",
        yaml_level("true"),
    ),
    Case(
        "yaml-level-yes",
        path("me.yaml"),
        2,
        "me.yaml: have 'user story writing': level true",
        yaml_level("yes"),
    ),
    Case(
        "yaml-level-off",
        path("me.yaml"),
        2,
        "me.yaml: have 'user story writing': level false",
        yaml_level("off"),
    ),
    Case(
        "yaml-level-float",
        path("me.yaml"),
        2,
        "me.yaml: have 'user story writing': level 3.5",
        yaml_level("3.5"),
    ),
    Case(
        "yaml-level-zero",
        path("me.yaml"),
        2,
        "me.yaml: have 'user story writing': level 0",
        yaml_level("0"),
    ),
    Case(
        "yaml-level-word",
        path("me.yaml"),
        2,
        "me.yaml: have 'user story writing': level 'three'",
        yaml_level("three"),
    ),
    Case(
        "json-level-true",
        path("me.json"),
        2,
        "me.json: have 'user story writing': level true",
        {"me.json": '{"have": {"user story writing": true}}'},
    ),
    Case(
        "yaml-level-after-at-true",
        path("me.yaml"),
        2,
        "me.yaml: have 'user story writing@true': the level after '@' must be 1 to 5",
        {"me.yaml": "have: [user story writing@true]\n"},
    ),
    Case(
        "have-option-level-yes",
        ("--data", TINY, "path", "--target", "owner", "--have", "user story writing@yes"),
        2,
        "--have 'user story writing@yes': the level after '@' must be 1 to 5",
    ),
    Case(
        "yaml-name-not-text",
        path("me.yaml"),
        2,
        "me.yaml: have entry 1: True is not a name",
        {"me.yaml": "have: [yes]\n"},
    ),
    Case(
        "yaml-level-names-accepted",
        path("me.yaml", "--format", "json"),
        0,
        '"total"',
        {"me.yaml": "have:\n  user story writing: expert\n  backlog: working\n"},
    ),
    # ---- issue 15, item 8: a billion laughs, a 100 MB profile (1.5 GB after 25 s; 326 s)
    Case(
        "yaml-billion-laughs",
        path("me.yaml"),
        2,
        "me.yaml:5: YAML aliases expand to more than 10,000 nodes",
        {"me.yaml": LAUGHS},
        timeout=60,
    ),
    Case(
        "profile-too-large",
        path("me.yaml"),
        2,
        "me.yaml: larger than 1 MB",
        {"me.yaml": "have:\n" + "  - user story writing\n" * 60_000},
        timeout=60,
    ),
    Case(
        "turtle-profile-too-large",
        path("me.ttl"),
        2,
        "me.ttl: larger than 1 MB",
        {"me.ttl": TTL + "# padding\n" * 120_000},
        timeout=60,
    ),
    Case(
        "yaml-deep-nesting",
        path("me.yaml"),
        2,
        "me.yaml: more than 10,000 YAML collections",
        {"me.yaml": "have: " + "[" * 50_000 + "]" * 50_000 + "\n"},
        timeout=60,
    ),
    Case(
        "yaml-deep-block-nesting",
        path("me.yaml"),
        2,
        "me.yaml: not a profile: YAML nested too deeply",
        {"me.yaml": "have:\n" + "".join(" " * i + "- \n" for i in range(1, 1200))},
        timeout=60,
    ),
    Case(
        "json-deep-nesting",
        path("me.json"),
        2,
        "me.json: not a profile: JSON nested too deeply",
        {"me.json": '{"have": ' + "[" * 50_000 + "]" * 50_000 + "}"},
        timeout=60,
    ),
    Case(
        "profile-fifo",
        path("me.yaml"),
        2,
        "me.yaml: not a regular file",
        setup=lambda folder: os.mkfifo(folder / "me.yaml"),
        timeout=60,
    ),
    Case("profile-device", path("/dev/zero"), 2, "/dev/zero: unknown profile format"),
    Case(
        "profile-device-yaml",
        path("zero.yaml"),
        2,
        "zero.yaml: not a regular file",
        setup=lambda folder: (folder / "zero.yaml").symlink_to("/dev/zero"),
        timeout=60,
    ),
    # ---- issue 15, item 12: a Turtle profile with cp:level "three" (ValueError)
    Case(
        "turtle-level-three",
        path("me.ttl"),
        2,
        'me.ttl: cp:level of https://w3id.org/certpath/data/backlog: "three" is not '
        "an integer 1 to 5",
        {
            "me.ttl": TTL + "<urn:me> a cp:Person ; cp:qualifiedHolding "
            '[ cp:competency cpd:backlog ; cp:level "three" ] .\n'
        },
    ),
    Case(
        "turtle-level-string-digit",
        path("me.ttl"),
        2,
        'me.ttl: cp:level of https://w3id.org/certpath/data/backlog: "3" is not',
        {
            "me.ttl": TTL + "<urn:me> a cp:Person ; cp:qualifiedHolding "
            '[ cp:competency cpd:backlog ; cp:level "3" ] .\n'
        },
    ),
    Case(
        "turtle-holding-without-competency",
        path("me.ttl"),
        2,
        "me.ttl: a cp:qualifiedHolding has 0 cp:competency IRIs",
        {"me.ttl": TTL + "<urn:me> a cp:Person ; cp:qualifiedHolding [ cp:level 3 ] .\n"},
    ),
    # rule 6 (a node may be a blank node): a blank-node person gave a traceback
    Case(
        "turtle-blank-node-person",
        path("me.ttl", "--format", "json"),
        0,
        '"total"',
        {
            "me.ttl": TTL + "[] a cp:Person ; cp:hasCompetency cpd:stories ;\n"
            "  cp:qualifiedHolding [ cp:competency cpd:backlog ; "
            "cp:level 5 ] .\n"
        },
    ),
    Case(
        "jsonld-profile-invalid-iri",
        path("me.jsonld"),
        2,
        "me.jsonld:1: invalid IRI 'urn:m e'",
        {"me.jsonld": '{"@id": "urn:m e", "@type": "https://w3id.org/certpath/ontology#Person"}'},
    ),
    # ---- issue 15, item 20: an unknown key was not named
    Case(
        "yaml-unknown-key",
        path("me.yaml"),
        2,
        "me.yaml: unknown key 'skills'; a profile has 'have', 'holds', 'experience', 'name'",
        {"me.yaml": "skills: [user story writing]\n"},
    ),
    Case(
        "json-unknown-keys",
        path("me.json"),
        2,
        "me.json: unknown key 'Have', 'hold'",
        {"me.json": '{"Have": [], "hold": []}'},
    ),
    # ---- found by hostile2: a name from a profile did not name the file (it may come from
    # --have as well); a literal object was dropped silently; two levels on one holding, one
    # kept silently
    Case(
        "yaml-unknown-role-names-file",
        path("me.yaml"),
        4,
        "me.yaml: no role named 'nobody'",
        {"me.yaml": "experience:\n  nobody: 3\n"},
    ),
    Case(
        "turtle-unknown-competency-names-file",
        path("me.ttl"),
        4,
        "me.ttl: no competency named 'https://w3id.org/certpath/data/nope'",
        {"me.ttl": TTL + "<urn:me> a cp:Person ; cp:hasCompetency cpd:nope .\n"},
    ),
    Case(
        "turtle-wrong-kind-names-file",
        path("me.ttl"),
        4,
        "me.ttl: 'https://w3id.org/certpath/data/stories' is not an offer",
        {"me.ttl": TTL + "<urn:me> a cp:Person ; cp:holds cpd:stories .\n"},
    ),
    Case(
        "turtle-has-competency-literal",
        path("me.ttl"),
        2,
        'me.ttl: cp:hasCompetency "stories": the object must be the entity\'s IRI',
        {"me.ttl": TTL + '<urn:me> a cp:Person ; cp:hasCompetency "stories" .\n'},
    ),
    Case(
        "turtle-holds-blank-node",
        path("me.ttl"),
        2,
        "me.ttl: cp:holds a blank node: the object must be the entity's IRI",
        {"me.ttl": TTL + "<urn:me> a cp:Person ; cp:holds [ a cp:Course ] .\n"},
    ),
    Case(
        "turtle-two-levels",
        path("me.ttl"),
        2,
        "me.ttl: cp:level of https://w3id.org/certpath/data/backlog: 2 levels given",
        {
            "me.ttl": TTL + "<urn:me> a cp:Person ; cp:qualifiedHolding "
            "[ cp:competency cpd:backlog ; cp:level 2, 3 ] .\n"
        },
    ),
    # experience (planning era, kept): months are a whole number >= 0, a role, one each
    Case(
        "yaml-experience-twelve",
        path("me.yaml"),
        2,
        "me.yaml: experience 'owner': months are a whole number >= 0, not 'twelve'",
        {"me.yaml": 'experience:\n  owner: "twelve"\n'},
    ),
    Case(
        "json-experience-negative",
        path("me.json"),
        2,
        "me.json: experience 'owner': months are a whole number >= 0, not -3",
        {"me.json": '{"experience": {"owner": -3}}'},
    ),
    Case(
        "yaml-experience-fraction",
        path("me.yaml"),
        2,
        "me.yaml: experience 'owner': months are a whole number >= 0, not 1.5",
        {"me.yaml": "experience:\n  owner: 1.5\n"},
    ),
    Case(
        "yaml-experience-true",
        path("me.yaml"),
        2,
        "me.yaml: experience 'owner': months are a whole number >= 0, not True",
        {"me.yaml": "experience:\n  owner: yes\n"},
    ),
    Case(
        "yaml-experience-list-without-months",
        path("me.yaml"),
        2,
        "me.yaml: experience 'owner': write the role and the months",
        {"me.yaml": "experience: [owner]\n"},
    ),
    Case(
        "turtle-experience-twelve",
        path("me.ttl"),
        2,
        'me.ttl: cp:months of https://w3id.org/certpath/data/owner: "twelve" is not a whole',
        {
            "me.ttl": TTL + "<urn:me> a cp:Person ; cp:hasExperience "
            '[ cp:role cpd:owner ; cp:months "twelve" ] .\n'
        },
    ),
    Case(
        "turtle-experience-two-months",
        path("me.ttl"),
        2,
        "me.ttl: a cp:hasExperience names exactly one cp:role and one cp:months",
        {
            "me.ttl": TTL + "<urn:me> a cp:Person ; cp:hasExperience "
            "[ cp:role cpd:owner ; cp:months 3, 4 ] .\n"
        },
    ),
    Case(
        "turtle-experience-of-a-competency",
        path("me.ttl"),
        4,
        "me.ttl: 'https://w3id.org/certpath/data/stories' is not a role",
        {
            "me.ttl": TTL + "<urn:me> a cp:Person ; cp:hasExperience "
            "[ cp:role cpd:stories ; cp:months 3 ] .\n"
        },
    ),
]


@pytest.fixture(scope="module")
def results(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    return run_all(CASES, tmp_path_factory.mktemp("profiles"))


@parametrize(CASES)
def test_case(case: Case, results: dict[str, Any]) -> None:
    verify(case, *results[case.id])
