"""Exit codes and messages at the CLI edge: invalid data is 1, JSON errors, pipes, signals."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from bad_inputs.corpus import Case, only_files, parametrize, run_all, verify

#: The small hand-written graph of the tests: names here do not change with the bundled data.
TINY = str(Path(__file__).resolve().parents[1] / "data" / "tiny.ttl")
TWINS = (
    "@prefix cp: <https://w3id.org/certpath/ontology#> .\n"
    "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n"
    '<urn:x:a> a cp:Role ; skos:prefLabel "Twin"@en .\n'
    '<urn:x:b> a cp:Role ; skos:prefLabel "Twin"@en .\n'
)
HEADER = "id,label,type,provider,hours,cost,currency,delivery_mode,teaches,prerequisites,source_url"
CYCLE = (
    HEADER
    + "\na1,A one,course,Acme,10,100,USD,,user story writing@2,a2,"
    + "\na2,A two,course,Acme,10,100,USD,,backlog@2,a1,\n"
)
EURO = HEADER + "\na1,A one,course,Acme,10,100,EUR,,user story writing@2,,\n"
BOMB = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n ?o }"


def json_error(code: int, message: str, **more: Any) -> Any:
    """An ``after`` check: stdout is exactly one JSON error object with this code."""

    def check(_folder: Path, done: Any) -> None:
        data = json.loads(done.stdout)
        assert data["exit"] == code and data["error"].startswith(message), data
        for key, value in more.items():
            assert data[key] == value, data

    return check


def nothing_written(folder: Path, _done: Any) -> None:
    assert sorted(p.name for p in folder.iterdir()) == ["c.csv"]


CASES = [
    # ---- issue 15, item 17: catalog rule failures are invalid data (exit 1), as documented
    Case(
        "catalog-prerequisite-cycle",
        ("--data", TINY, "import", "catalog", "c.csv", "-o", "c.ttl"),
        1,
        "the catalog with the loaded data is invalid (1 violations); first: violation: cpd:a1 "
        "cp:prerequisite: prerequisite cycle: cpd:a1 → cpd:a2 → cpd:a1",
        {"c.csv": CYCLE},
        after=nothing_written,
    ),
    Case(
        "catalog-second-currency",
        ("--data", TINY, "import", "catalog", "c.csv", "-o", "c.ttl"),
        1,
        "the catalog with the loaded data is invalid (1 violations); first: violation: cpd:a1 "
        "cp:currency: prices are in several currencies (EUR: 1, USD:",
        {"c.csv": EURO},
        after=nothing_written,
    ),
    Case(
        "catalog-cycle-json",
        ("--data", TINY, "import", "catalog", "c.csv", "-o", "c.ttl", "--format", "json"),
        1,
        "the catalog with the loaded data is invalid",
        {"c.csv": CYCLE},
        after=json_error(1, "the catalog with the loaded data is invalid"),
    ),
    # ---- issue 15 / 17: errors also print {"error": ..., "exit": N} with --format json
    Case(
        "json-unknown-entity",
        ("show", "nope", "--format", "json"),
        4,
        "no entity named 'nope'",
        after=json_error(4, "no entity named 'nope'"),
    ),
    Case(
        "json-unknown-role",
        ("path", "--target", "nope", "--format", "json"),
        4,
        "no role named 'nope'",
        after=json_error(4, "no role named 'nope'"),
    ),
    Case(
        "json-ambiguous",
        ("--data", "twins.ttl", "gaps", "--target", "twin", "--format", "json"),
        4,
        "'twin' is ambiguous: it names urn:x:a (Twin, role); urn:x:b (Twin, role)",
        {"twins.ttl": TWINS},
        after=json_error(4, "'twin' is ambiguous", candidates=["urn:x:a", "urn:x:b"]),
    ),
    Case(
        "json-usage-error",
        ("show", "anything", "--bogus", "--format", "json"),
        2,
        "No such option '--bogus'",
        after=json_error(2, "No such option '--bogus'"),
    ),
    Case(
        "json-bad-profile",
        ("--data", TINY, "gaps", "--target", "owner", "--profile", "me.yaml", "--format", "json"),
        2,
        "me.yaml: unknown key 'skills'",
        {"me.yaml": "skills: []\n"},
        after=json_error(2, "me.yaml: unknown key 'skills'"),
    ),
    Case(
        "json-query-syntax",
        ("query", "SELECT * WHERE {", "--format", "json"),
        2,
        "syntax error",
        after=json_error(2, "syntax error"),
    ),
    Case(
        "json-catalog-rows",
        ("--data", TINY, "import", "catalog", "c.csv", "-o", "c.ttl", "--format", "json"),
        2,
        "c.csv:2: column type: 'webinar' is not one of certification, course",
        {"c.csv": HEADER + "\nw1,W,webinar,,,,,,,,\n"},
        after=json_error(
            2,
            "c.csv:2: column type",
            problems=["c.csv:2: column type: 'webinar' is not one of certification, course"],
        ),
    ),
    Case(
        "text-error-no-json",
        ("show", "nope"),
        4,
        "no entity named 'nope'",
        after=lambda _folder, done: assert_empty(done.stdout),
    ),
    Case("unknown-command", ("frobnicate",), 2, "No such command 'frobnicate'"),
    # the other documented codes, as they already were at 403bafe
    Case(
        "no-plan-budget",
        (
            "--data",
            TINY,
            "path",
            "--target",
            "scaled owner",
            "--have",
            "stories",
            "--budget-hours",
            "1",
        ),
        3,
        "no learning path to Scaled Owner: the hours budget 1 hours is too small",
    ),
    Case(
        "endpoint-unreachable",
        ("--store", "sparql:http://127.0.0.1:9/sparql", "stats"),
        6,
        "http://127.0.0.1:9/sparql: cannot reach the SPARQL endpoint",
    ),
    Case(
        "endpoint-unreachable-json",
        ("--store", "sparql:http://127.0.0.1:9/sparql", "show", "x", "--format", "json"),
        6,
        "http://127.0.0.1:9/sparql: cannot reach",
        after=json_error(6, "http://127.0.0.1:9"),
    ),
    # ---- item 13's twin on the command line (found by hostile2): an argument that is not
    # UTF-8 (a name, a query) gave a traceback in every name look-up, exit 1 for a query
    Case(
        "argument-not-utf8-show",
        ("--data", TINY, "show", "b\udcffx"),
        2,
        "argument b'b\\xffx' is not UTF-8 text",
    ),
    Case(
        "argument-not-utf8-target-json",
        ("--data", TINY, "path", "--target=\udcff", "--format", "json"),
        2,
        "argument b'--target=\\xff' is not UTF-8 text",
        after=json_error(2, "argument b'--target=\\xff'"),
    ),
    Case(
        "argument-not-utf8-query",
        ("--data", TINY, "query", 'SELECT * { ?s ?p "\udcff" }'),
        2,
        "argument b'SELECT * { ?s ?p \"\\xff\" }' is not UTF-8 text",
    ),
    # an empty path: --profile "" and --html "" were ignored (exit 0), --data "" loaded the
    # current folder
    *(
        Case(
            f"empty-path-{command[0]}-{option.strip('-')}",
            ("--data", TINY, *command, option, ""),
            2,
            f"Invalid value for {shown}: an empty path",
            after=only_files(),
        )
        for command, option, shown in [
            (("path", "--target", "owner"), "--profile", "'--profile'"),
            (("path", "--target", "owner"), "--html", "'--html'"),
            (("gaps", "--target", "owner"), "--save-profile", "'--save-profile'"),
            (("query",), "--file", "'-f' / '--file'"),
            (("render",), "--output", "'-o' / '--output'"),
            (("dump",), "-o", "'-o' / '--output'"),
        ]
    ),
    Case("empty-path-data", ("--data", "", "stats"), 2, "Invalid value for '--data': an empty"),
    Case(
        "file-name-not-utf8-is-a-file",
        ("--data", "b\udcffx.ttl", "stats"),
        0,
        "Classes:",
        {"b\udcffx.ttl": Path(TINY).read_bytes()},
    ),
]


def assert_empty(data: bytes) -> None:
    assert data == b""


@pytest.fixture(scope="module")
def results(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    return run_all(CASES, tmp_path_factory.mktemp("exit-codes"))


@parametrize(CASES)
def test_case(case: Case, results: dict[str, Any]) -> None:
    verify(case, *results[case.id])


# --------------------------------------------------------------------------- closed pipes (item 25)

PIPED = {
    "search": ["--data", TINY, "search", "backlog", "--limit", "50"],
    "show": ["--data", TINY, "show", "basic"],
    "stats": ["stats"],
    "path": ["--data", TINY, "path", "--target", "scaled owner", "--have", "stories"],
    "query-csv": ["query", "SELECT * WHERE { ?s ?p ?o }", "--format", "csv", "--limit", "100000"],
    "show-json": ["--data", TINY, "show", "owner", "--format", "json"],
    "dump-stdout": ["--data", TINY, "dump", "-o", "-"],
    "offers-csv": ["--data", TINY, "offers", "--format", "csv"],
}


@pytest.mark.skipif(shutil.which("bash") is None or shutil.which("head") is None, reason="bash")
@pytest.mark.parametrize("name", sorted(PIPED))
def test_closed_pipe_exits_0_quietly(tmp_path: Path, name: str) -> None:
    """Issue 15, item 25: ``| head -1`` exited 0 or 1 by timing (1 means invalid data).

    The reader here (``head -c 0``) goes away before certpath writes anything, so every write
    meets a closed pipe: the case that used to exit 1 (a reader that takes the first line of a
    small output, which fits in the pipe, is the case that always exited 0).
    """
    command = " ".join(f"'{a}'" for a in [sys.executable, "-m", "certpath", *PIPED[name]])
    script = f'{command} 2>err.txt | head -c 0; echo "${{PIPESTATUS[0]}}"'
    done = subprocess.run(
        ["bash", "-c", script], cwd=tmp_path, capture_output=True, timeout=120, check=False
    )
    assert done.stdout.decode().split() == ["0"], done
    assert (tmp_path / "err.txt").read_text() == ""


def test_closed_pipe_mid_output(tmp_path: Path) -> None:
    """The reader goes away after one line of a large result: exit 0, nothing on stderr."""
    process = subprocess.Popen(
        [sys.executable, "-m", "certpath", "query", "SELECT * WHERE { ?s ?p ?o }", "--format",
         "csv"],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )  # fmt: skip
    assert process.stdout is not None and process.stderr is not None
    process.stdout.readline()
    process.stdout.close()
    stderr = process.stderr.read()
    assert process.wait(timeout=60) == 0, stderr
    assert stderr == b""


# --------------------------------------------------------------------------- signals


def test_sigint_ends_by_sigint(tmp_path: Path) -> None:
    """Ctrl-C exited 1 ("Aborted!", 1 means invalid data); now the process ends by SIGINT, so a
    shell loop around it stops too (status 130)."""
    process = subprocess.Popen(
        [sys.executable, "-m", "certpath", "query", BOMB, "--timeout", "60"],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, "NO_COLOR": "1"},
    )
    time.sleep(1.0)  # well into the query
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == -signal.SIGINT, stderr
    lines = [line for line in stderr.decode().splitlines() if line]  # click ends the ^C line
    assert lines == ["Error: interrupted by SIGINT"]


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP])
def test_serve_ends_by_the_signal(tmp_path: Path, signum: int) -> None:
    """The endpoint stops cleanly on SIGTERM and SIGHUP, with the signal's own exit status (it
    treats Ctrl-C as the normal way to stop, exit 0)."""
    process = subprocess.Popen(
        [sys.executable, "-m", "certpath", "serve", "--port", "0"],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, "NO_COLOR": "1"},
    )
    assert process.stderr is not None
    assert b"SPARQL endpoint at" in process.stderr.readline()
    process.send_signal(signum)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == -signum, stderr
    assert b"Traceback" not in stderr


# --------------------------------------------------------------------------- stdout that fails
# Found by hostile2: standard output on a full device, or closed (`>&-`), gave a traceback
# (ENOSPC from the flush; AttributeError on None). Now one line, exit 2, as `ls` does; an error
# being reported keeps its own code. The full device is one of our own (1, 7), never /dev/full.


def _can_mknod() -> bool:
    import stat
    import tempfile

    folder = Path(tempfile.mkdtemp())
    try:
        os.mknod(folder / "probe", stat.S_IFCHR | 0o666, os.makedev(1, 7))
    except OSError:
        return False
    finally:
        shutil.rmtree(folder)
    return True


FAILING_STDOUT = {
    "stats": (["--data", TINY, "stats"], 2),
    "path-json": (["--data", TINY, "path", "--target", "owner", "--format", "json"], 2),
    "dump-stdout": (["--data", TINY, "dump", "-o", "-"], 2),
    "render-stdout": (["--data", TINY, "render", "--role", "owner", "-o", "-"], 2),
    "error-json-keeps-its-code": (["--data", TINY, "show", "nobody", "--format", "json"], 4),
}


@pytest.mark.skipif(not _can_mknod(), reason="mknod is not permitted here (needs CAP_MKNOD)")
@pytest.mark.parametrize("name", sorted(FAILING_STDOUT))
def test_stdout_on_a_full_device(tmp_path: Path, name: str) -> None:
    import stat

    args, code = FAILING_STDOUT[name]
    full = tmp_path / "full"
    os.mknod(full, stat.S_IFCHR | 0o666, os.makedev(1, 7))
    with full.open("wb") as out:
        done = subprocess.run(
            [sys.executable, "-m", "certpath", *args],
            cwd=tmp_path,
            stdout=out,
            stderr=subprocess.PIPE,
            env={**os.environ, "NO_COLOR": "1"},
            timeout=120,
            check=False,
        )
    stderr = done.stderr.decode()
    assert "Traceback" not in stderr and done.returncode == code, stderr
    assert stderr.splitlines()[-1] == "Error: stdout: cannot write: No space left on device"
    assert stat.S_ISCHR(os.lstat(full).st_mode)


@pytest.mark.parametrize("args", [["stats"], ["--data", TINY, "dump", "-o", "-"]], ids=str)
def test_stdout_closed(tmp_path: Path, args: list[str]) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "certpath", *args],
        cwd=tmp_path,
        stderr=subprocess.PIPE,
        env={**os.environ, "NO_COLOR": "1"},
        preexec_fn=lambda: os.close(1),  # noqa: PLW1509 (the child closes its stdout: `>&-`)
        timeout=120,
        check=False,
    )
    stderr = done.stderr.decode()
    assert "Traceback" not in stderr and done.returncode == 2, stderr
    assert stderr.splitlines() == ["Error: stdout: cannot write: Bad file descriptor"]
