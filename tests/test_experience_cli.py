"""Hostile experience input at the CLI (issue 13): one ``Error:`` line, a documented exit code.

``--experience ROLE@MONTHS`` and a profile's ``experience:`` (YAML, JSON) or ``cp:hasExperience``
(Turtle), for ``path`` and ``gaps``; never a traceback, never a plan from a misread value. The
same values in ``/api/plan`` are tested in ``tests/test_web_api.py``.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from certpath.cli.main import cli

TTL = """\
@prefix cp: <https://w3id.org/certpath/ontology#> .
@prefix cpd: <https://w3id.org/certpath/data/> .
[] a cp:Person ; cp:hasExperience [ {body} ] .
"""

OPTION_CASES = [
    ("Product Owner@-3", 2, "Error: --experience 'Product Owner@-3': months are a whole number"),
    ("Product Owner@1.5", 2, "Error: --experience 'Product Owner@1.5': months are a whole number"),
    ("Product Owner@abc", 2, "not 'abc'"),
    ("Product Owner@", 2, "months are a whole number >= 0, not ''"),
    ("Product Owner", 2, "write the role and the months worked in it, such as 'Product Owner@18'"),
    ("@12", 2, "write the role and the months worked in it"),
    ("Nobody at all@12", 4, "Error: no role named 'Nobody at all'"),
    ("cspo@12", 4, "Error: 'cspo' is not a role: it names cpd:cspo"),
]

PROFILE_CASES = [
    ("me.yaml", "experience: {Product Owner: twelve}\n", 2, "months are a whole number"),
    ("me.yaml", "experience: {Product Owner: '1.5'}\n", 2, "not '1.5'"),
    ("me.yaml", "experience: {Product Owner: -3}\n", 2, "not -3"),
    ("me.yaml", "experience: {Product Owner: 1.5}\n", 2, "not 1.5"),
    ("me.yaml", "experience: {Product Owner: 12.0}\n", 2, "not 12.0"),
    ("me.yaml", "experience: {Product Owner: true}\n", 2, "not True"),
    ("me.yaml", "experience: {Product Owner: null}\n", 2, "not None"),
    ("me.yaml", "experience: 12\n", 2, "'experience' must be a mapping of roles to months"),
    ("me.yaml", "experience: {Nobody: 12}\n", 4, "no role named 'Nobody'"),
    ("me.json", '{"experience": {"Product Owner": "twelve"}}\n', 2, "months are a whole number"),
    ("me.ttl", TTL.format(body='cp:role cpd:product-owner ; cp:months "twelve"'), 2,
     '"twelve" is not a whole number of months'),
    ("me.ttl", TTL.format(body="cp:role cpd:product-owner ; cp:months -4"), 2,
     "months are a whole number >= 0, not -4"),
    ("me.ttl", TTL.format(body="cp:months 12"), 2,
     "a cp:hasExperience names exactly one cp:role and one cp:months (0 roles, 1 months given)"),
    ("me.ttl", TTL.format(body="cp:role cpd:cspo ; cp:months 12"), 4, "is not a role"),
]  # fmt: skip


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout, result.stderr


def one_error_line(stderr: str, text: str) -> None:
    lines = stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), stderr
    assert text in lines[0], stderr
    assert "Traceback" not in stderr


@pytest.mark.parametrize("command", ["path", "gaps"])
@pytest.mark.parametrize(("value", "code", "text"), OPTION_CASES, ids=[c[0] for c in OPTION_CASES])
def test_a_bad_experience_option(command: str, value: str, code: int, text: str) -> None:
    exit_code, stdout, stderr = run(command, "--target", "Product Owner", "--experience", value)
    assert (exit_code, stdout) == (code, "")
    one_error_line(stderr, text)


@pytest.mark.parametrize(("value", "code", "text"), OPTION_CASES[:2] + OPTION_CASES[-2:])
def test_a_bad_experience_option_in_json(value: str, code: int, text: str) -> None:
    args = ("path", "--target", "Product Owner", "--experience", value, "--format", "json")
    exit_code, stdout, stderr = run(*args)
    assert exit_code == code
    answer = json.loads(stdout)
    assert answer["exit"] == code and text.removeprefix("Error: ") in answer["error"]
    one_error_line(stderr, text)


@pytest.mark.parametrize(
    ("name", "text", "code", "error"),
    PROFILE_CASES,
    ids=[f"{c[0]}-{c[1][:40]}" for c in PROFILE_CASES],
)
def test_a_bad_experience_in_a_profile(
    tmp_path: Path, name: str, text: str, code: int, error: str
) -> None:
    profile = tmp_path / name
    profile.write_text(text, encoding="utf-8")
    exit_code, stdout, stderr = run("path", "--target", "Product Owner", "--profile", str(profile))
    assert (exit_code, stdout) == (code, "")
    one_error_line(stderr, error)


def test_good_experience_is_read_the_same_every_way(tmp_path: Path) -> None:
    """Months as an option, in YAML, JSON and Turtle: the same plan (no experience step)."""
    ttl = tmp_path / "me.ttl"
    ttl.write_text(TTL.format(body="cp:role cpd:product-owner ; cp:months 12"), encoding="utf-8")
    yml = tmp_path / "me.yaml"
    yml.write_text("experience: {Product Owner: 12}\n", encoding="utf-8")
    jsn = tmp_path / "me.json"
    jsn.write_text('{"experience": {"cpd:product-owner": 12}}\n', encoding="utf-8")
    base = ("path", "--target", "Product Owner", "--holds", "cspo", "--include", "a-cspo")
    answers = {
        run(*base, *how, "--format", "json")[1]
        for how in (
            ("--experience", "Product Owner@12"),
            ("--profile", str(ttl)),
            ("--profile", str(yml)),
            ("--profile", str(jsn)),
        )
    }
    assert len(answers) == 1
    (answer,) = answers
    plan = json.loads(answer)
    assert [s["kind"] for s in plan["steps"]] == ["offer"] and plan["total"]["months"] == 0
