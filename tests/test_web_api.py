"""The JSON API of ``certpath serve`` answers what the CLI prints with ``--format json``.

A real server (in this process, on a free port, with its worker processes) is asked the same
questions as the CLI; the parsed JSON must be equal. Then the errors: 400 naming the parameter,
404 with suggestions, 200 with ``"feasible": false`` when no plan exists.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import click
import pytest
import yaml
from click.testing import CliRunner

from certpath.cli.main import cli
from certpath.graph import KnowledgeGraph
from certpath.namespaces import curie
from certpath.profile import read_profile
from certpath.resolve import label_of, resolve
from certpath.server import ServeOptions, running
from certpath.web.api import ENDPOINTS

CPD = "https://w3id.org/certpath/data/"
SAFE = ["--target", "SAFe POPM", "--have", "user story writing@3", "--have", "backlog refinement"]


@pytest.fixture(scope="module")
def server(bundled: KnowledgeGraph) -> Iterator[str]:
    with running(bundled, ServeOptions(port=0, timeout=20)) as handle:
        yield handle.url


def ask(
    server: str, path: str, params: Any = None, *, body: Any = None, raw: bytes | None = None
) -> tuple[int, Any]:
    """GET with *params* (a list of pairs or a dict), or POST *body* as JSON (or *raw* bytes)."""
    url = server.rstrip("/") + path
    if params is not None:
        url += "?" + urllib.parse.urlencode(params, doseq=True)
    data = raw if raw is not None else None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, method="POST" if data is not None else "GET")
    if body is not None:
        request.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(request, timeout=60) as answer:
            status, text = answer.status, answer.read()
    except urllib.error.HTTPError as exc:
        status, text = exc.code, exc.read()
    try:
        return status, json.loads(text)
    except json.JSONDecodeError:
        return status, text.decode()


def cli_json(*args: str) -> tuple[int, Any]:
    result = CliRunner().invoke(cli, [*args, "--format", "json"])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result.exit_code, json.loads(result.stdout) if result.stdout.strip() else None


def as_params(args: list[str]) -> list[tuple[str, str]]:
    """CLI options → API query parameters (the long option without dashes)."""
    pairs, i = [], 0
    while i < len(args):
        name = args[i].removeprefix("--")
        if i + 1 < len(args) and not args[i + 1].startswith("--"):
            pairs.append((name, args[i + 1]))
            i += 2
        else:
            pairs.append((name, "true"))
            i += 1
    return pairs


QUESTIONS = [
    ("path", "/api/plan", SAFE),
    ("path", "/api/plan", [*SAFE, "--minimize", "cost"]),
    ("path", "/api/plan", [*SAFE, "--minimize", "steps", "--alternatives", "2"]),
    ("path", "/api/plan", [*SAFE, "--exclude", "Scrum.org", "--with-recommended"]),
    ("path", "/api/plan", ["--target", "Product Owner", "--holds", "PSPO I", "--delivery",
                           "self-paced", "--delivery", "assessment-only"]),
    ("path", "/api/plan", ["--target", "Product Owner", "--budget-hours", "1"]),  # no plan
    ("path", "/api/plan", [*SAFE, "--budget-cost", "100"]),  # no plan
    ("gaps", "/api/gaps", SAFE),
    ("gaps", "/api/gaps", ["--target", "Scrum Master", "--holds", "CSPO"]),
    ("closest", "/api/closest", ["--have", "user story writing@3", "--top", "5"]),
    ("closest", "/api/closest", ["--holds", "cspo", "--minimize", "cost"]),
    ("career", "/api/career", ["--from", "Scrum Master", "--to", "SAFe POPM"]),
    ("career", "/api/career", ["--from", "Business Analyst", "--to", "Product Owner",
                               "--have", "backlog refinement@2", "--minimize", "steps"]),
]  # fmt: skip


@pytest.mark.parametrize(("command", "path", "args"), QUESTIONS)
def test_the_api_answers_what_the_cli_prints(
    server: str, command: str, path: str, args: list[str]
) -> None:
    code, expected = cli_json(command, *args)
    assert code in (0, 3)
    status, got = ask(server, path, as_params(args))
    assert (status, got) == (200, expected)
    if code == 3:
        assert got["feasible"] is False and got["reasons"]


def test_get_and_post_and_spellings_agree(server: str) -> None:
    _, expected = cli_json("path", *SAFE, "--budget-hours", "40")
    body = {"target": "SAFe POPM", "have": ["user story writing@3", "backlog refinement"],
            "budget_hours": 40}  # fmt: skip
    assert ask(server, "/api/plan", body=body) == (200, expected)
    params = [("target", "SAFe POPM"), ("have", "user story writing@3"),
              ("have", "backlog refinement"), ("budget-hours", "40")]  # fmt: skip
    assert ask(server, "/api/plan", params) == (200, expected)
    _, one = cli_json("gaps", "--target", "SAFe POPM", "--have", "user story writing@3")
    body = {"target": "SAFe POPM", "have": "user story writing@3"}  # a single string: a list of one
    assert ask(server, "/api/gaps", body=body) == (200, one)


def test_labels_are_added_only_when_asked(server: str, bundled: KnowledgeGraph) -> None:
    _, plain = ask(server, "/api/plan", as_params(SAFE))
    _, labelled = ask(server, "/api/plan", [*as_params(SAFE), ("labels", "true")])
    names = labelled.pop("labels")
    assert labelled == plain
    first = plain["steps"][0]
    assert names[first["provider"]] == label_of(bundled, first["provider"])
    assert names[first["iri"]] == first["label"]
    assert all(isinstance(v, str) for v in names.values())


def test_search_and_roles(server: str, bundled: KnowledgeGraph) -> None:
    _, expected = cli_json("search", "user sto", "--kind", "competency")
    assert ask(server, "/api/search", {"q": "user sto", "kind": "competency"}) == (200, expected)
    assert expected[0]["label"] == "User story writing"
    status, roles = ask(server, "/api/roles")
    labels = [r["label"] for r in roles["roles"]]
    assert status == 200 and labels == sorted(labels, key=str.casefold)
    safe = resolve(bundled, "SAFe POPM", kinds=["role"])
    assert {"iri": safe, "curie": curie(safe), "label": label_of(bundled, safe)} in roles["roles"]
    status, names = ask(server, "/api/names", [("name", "cpd:pspo-1"), ("name", "nothing here")])
    assert status == 200
    pspo = {"name": "cpd:pspo-1", "iri": CPD + "pspo-1", "curie": "cpd:pspo-1",
            "label": "Professional Scrum Product Owner I", "kind": "offer"}  # fmt: skip
    assert names["names"][0] == pspo
    assert "no entity named 'nothing here'" in names["names"][1]["error"]


@pytest.mark.parametrize(
    ("path", "params", "field", "text"),
    [
        ("/api/plan", {}, "target", "target: is required"),
        ("/api/plan", {"target": "po", "minimize": "fun"}, "minimize",
         "minimize: 'fun' is not one of hours, cost, months, steps"),
        ("/api/plan", {"target": "po", "budget_hours": "-1"}, "budget_hours",
         "budget_hours: -1 is below the minimum 0"),
        ("/api/plan", {"target": "po", "budget-cost": "lots"}, "budget_cost",
         "budget_cost: 'lots' is not a number"),
        ("/api/plan", {"target": "po", "alternatives": "21"}, "alternatives",
         "alternatives: 21 is above the maximum 20"),
        ("/api/plan", {"target": "po", "delivery": "by pigeon"}, "delivery",
         "delivery: 'by pigeon' is not one of classroom, live-online, self-paced"),
        ("/api/plan", {"target": "po", "colour": "red"}, "colour",
         "colour: unknown parameter of /api/plan (it takes target, have, holds"),
        ("/api/plan", {"target": "po", "with_recommended": "maybe"}, "with_recommended",
         "with_recommended: 'maybe' is not true or false"),
        ("/api/closest", {"top": "0"}, "top", "top: 0 is below the minimum 1"),
        ("/api/search", {}, "q", "q: is required"),
    ],
)  # fmt: skip
def test_bad_input_is_400_naming_the_field(
    server: str, path: str, params: dict[str, str], field: str, text: str
) -> None:
    status, got = ask(server, path, params)
    assert status == 400 and got["field"] == field, got
    assert got["error"].startswith(text)


def test_bad_values_found_by_the_service_are_400_too(server: str) -> None:
    status, got = ask(server, "/api/plan", {"target": "po", "have": "user story writing@9"})
    assert status == 400 and got["field"] == "have"
    assert got["error"].startswith("--have 'user story writing@9': the level after '@' must be 1")


@pytest.mark.parametrize(
    ("value", "status", "text"),
    [
        ("Product Owner@-3", 400, "--experience 'Product Owner@-3': months are a whole number"),
        ("Product Owner@1.5", 400, "--experience 'Product Owner@1.5': months are a whole number"),
        ("Product Owner", 400, "--experience 'Product Owner': write the role and the months"),
        ("Nobody at all@12", 404, "no role named 'Nobody at all'"),
        ("cspo@12", 404, "'cspo' is not a role"),
    ],
)
def test_bad_experience_is_an_error_naming_the_field(
    server: str, value: str, status: int, text: str
) -> None:
    got_status, got = ask(server, "/api/plan", {"target": "po", "experience": value})
    assert (got_status, got["field"]) == (status, "experience"), got
    assert got["error"].startswith(text)


@pytest.mark.parametrize(
    ("raw", "text"),
    [
        (b"[1, 2]", "the body must be a JSON object of parameters"),
        (b"{nope", "the body is not JSON"),
        (b'{"target": "\xff"}', "the body is not UTF-8"),
        (b'{"target": ["a", "b"]}', "target: takes one value, not a list"),
        (b'{"target": 3}', "target: 3 is not a string"),
        (b'{"target": "po", "top": 2.5}', "top: unknown parameter"),
    ],
)
def test_bad_json_bodies_are_400(server: str, raw: bytes, text: str) -> None:
    status, got = ask(server, "/api/plan", raw=raw)
    assert status == 400 and got["error"].startswith(text), got


def test_unknown_names_are_404_with_suggestions(server: str) -> None:
    status, got = ask(server, "/api/plan", {"target": "Product Ownr"})
    assert status == 404 and got["field"] == "target"
    assert got["error"].startswith("no role named 'Product Ownr'; did you mean")
    assert "Product Owner (cpd:product-owner)" in got["suggestions"]
    status, got = ask(server, "/api/gaps", {"target": "po", "holds": "Certified Nothing"})
    assert status == 404 and got["field"] == "holds" and "suggestions" in got
    status, got = ask(server, "/api/career", {"from": "Scrum Mastr", "to": "po"})
    assert status == 404 and got["field"] == "from"


def test_the_profile_goes_out_and_comes_back(
    server: str, tmp_path: Path, bundled: KnowledgeGraph
) -> None:
    have = [("have", "user story writing@3"), ("have", "backlog refinement"), ("holds", "PSPO I")]
    request = urllib.request.Request(server + "api/profile?" + urllib.parse.urlencode(have))
    with urllib.request.urlopen(request, timeout=30) as answer:
        assert (
            answer.headers["Content-Disposition"] == 'attachment; filename="certpath-profile.yaml"'
        )
        text = answer.read()
    yaml.safe_load(text)
    saved = tmp_path / "me.yaml"
    saved.write_bytes(text)
    profile = read_profile(bundled, saved)  # what --profile reads
    assert profile.have == {CPD + "user-story-writing": 3, CPD + "backlog-refinement": 5}
    assert profile.holds == {CPD + "pspo-1"}
    _, expected = cli_json("path", "--target", "SAFe POPM", "--profile", str(saved))
    _, by_names = ask(server, "/api/plan", [("target", "SAFe POPM"), *have])
    assert by_names == expected
    status, read = ask(server, "/api/profile", {"filename": "me.yaml"}, raw=text)
    assert status == 200
    assert [(c["curie"], c["level"]) for c in read["have"]] == [
        ("cpd:backlog-refinement", 5), ("cpd:user-story-writing", 3)]  # fmt: skip
    assert [o["label"] for o in read["holds"]] == ["Professional Scrum Product Owner I"]


def test_the_profile_keeps_experience_both_ways(
    server: str, tmp_path: Path, bundled: KnowledgeGraph
) -> None:
    asked = [("have", "backlog refinement@3"), ("experience", "Product Owner@18")]
    with urllib.request.urlopen(
        server + "api/profile?" + urllib.parse.urlencode(asked), timeout=30
    ) as answer:
        text = answer.read()
    assert yaml.safe_load(text)["experience"] == {"cpd:product-owner": 18}
    saved = tmp_path / "me.yaml"
    saved.write_bytes(text)
    assert read_profile(bundled, saved).experience == {CPD + "product-owner": 18}
    status, read = ask(server, "/api/profile", {"filename": "me.yaml"}, raw=text)
    assert status == 200
    assert read["experience"] == [{"iri": CPD + "product-owner", "curie": "cpd:product-owner",
                                   "label": "Product Owner", "months": 18}]  # fmt: skip


@pytest.mark.parametrize(
    ("filename", "raw", "status", "text"),
    [
        ("me.yaml", b"have: [nothing like this]\n", 404, "me.yaml: no competency named"),
        ("me.yaml", b"have: [a\n", 400, "me.yaml:2: not valid YAML"),
        ("me.exe", b"x", 400, "me.exe: unknown profile format"),
        ("me.yaml", b"\xff\xfe", 400, "me.yaml"),
    ],
)
def test_a_bad_profile_file_is_one_clear_error(
    server: str, filename: str, raw: bytes, status: int, text: str
) -> None:
    got_status, got = ask(server, "/api/profile", {"filename": filename}, raw=raw)
    assert got_status == status and got["error"].startswith(text), got
    assert "/tmp" not in got["error"]


def test_the_picture_is_what_path_html_writes(server: str, tmp_path: Path) -> None:
    out = tmp_path / "plan.html"
    result = CliRunner().invoke(cli, ["path", *SAFE, "--html", str(out)])
    assert result.exit_code == 0, result.output
    url = server + "picture/plan?" + urllib.parse.urlencode(as_params(SAFE))
    with urllib.request.urlopen(url, timeout=30) as answer:
        html = answer.read().decode()
        policy = answer.headers["Content-Security-Policy"]
    assert html == out.read_text(encoding="utf-8")
    assert policy.startswith("default-src 'none'; script-src 'sha256-")
    assert "frame-ancestors 'self'" in policy


def test_the_api_takes_every_option_of_its_command() -> None:
    ctx = click.Context(cli)
    # Files on the machine the CLI runs on; the page downloads and uploads a profile instead.
    skip = {"format", "html", "force", "profile", "save_profile", "help"}
    for endpoint in ENDPOINTS.values():
        if endpoint.command in ("(none)",):
            continue
        command = cli.get_command(ctx, endpoint.command)
        assert command is not None
        options = {
            name.removeprefix("--").replace("-", "_")
            for param in command.params
            for name in param.opts
            if name.startswith("--")
        } | {p.name for p in command.params if isinstance(p, click.Argument)}
        taken = {p.name for p in endpoint.params} | {"text"}
        assert options - skip - taken == set(), endpoint.name


def test_openapi_describes_every_question(server: str) -> None:
    status, doc = ask(server, "/api/openapi.json")
    assert status == 200 and doc["openapi"] == "3.1.0"
    for name, endpoint in ENDPOINTS.items():
        operation = doc["paths"][f"/api/{name}"]
        assert {p["name"] for p in operation["get"]["parameters"]} == {
            p.name for p in endpoint.params
        }
        assert "application/json" in operation["post"]["requestBody"]["content"]
    assert "http" not in json.dumps(doc).replace("https://w3id.org", "")  # nothing to fetch
