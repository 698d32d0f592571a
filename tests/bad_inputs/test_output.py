"""Output files: never replaced by accident, never half-written, nothing left behind.

``render -o``, ``path --html``, ``import esco -o`` and ``import catalog -o`` all write through
``certpath.output``. The signal tests send SIGTERM, SIGHUP and SIGINT to a real ``import esco
-o`` while it writes; the full-disk and read-only tests run the CLI on a small tmpfs mounted in a
private mount namespace (``unshare``; skipped where the kernel or the user may not do that).
"""

from __future__ import annotations

import os
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import pytest

from bad_inputs.corpus import (
    Case,
    all_of,
    check,
    only_files,
    parametrize,
    run_all,
    unchanged,
    verify,
)

TESTS = Path(__file__).resolve().parents[1]
SAMPLE = str(TESTS / "data" / "esco-sample")
#: The small hand-written graph of the tests: names here do not change with the bundled data.
TINY = str(TESTS / "data" / "tiny.ttl")
CATALOG = (
    "id,label,type,provider,hours,cost,currency,delivery_mode,teaches,prerequisites,source_url\n"
    "acme-one,Acme one,course,Acme Training,8,100,USD,classroom,user story writing@2,,\n"
    "acme-two,Acme two,certification,Acme Training,4,50,USD,,backlog@3,acme-one,\n"
)
OLD = "previous content\n"
#: A question with a one-step plan in tiny.ttl.
PLAN = (
    "--data",
    TINY,
    "path",
    "--target",
    "scaled owner",
    "--have",
    "stories",
    "--have",
    "backlog",
)


def fifo(name: str) -> Any:
    return lambda folder: os.mkfifo(folder / name)


def symlink(name: str, target: str) -> Any:
    return lambda folder: (folder / name).symlink_to(target)


def still_fifo(name: str) -> Any:
    def check(folder: Path, _done: Any) -> None:
        assert (folder / name).is_fifo(), f"{name} was replaced"
        assert not [p for p in folder.iterdir() if ".part" in p.name]

    return check


def still_link(name: str, target: str) -> Any:
    def check(folder: Path, _done: Any) -> None:
        assert (folder / name).is_symlink() and os.readlink(folder / name) == target

    return check


def replaced(name: str) -> Any:
    def check(folder: Path, _done: Any) -> None:
        assert (folder / name).read_text(encoding="utf-8") != OLD

    return check


def stdout_only(*names: str) -> Any:
    """Data on stdout, no file named '-' and nothing else written."""
    return only_files(*names)


CASES = [
    # ---- what already worked at 403bafe (kept working)
    Case(
        "render-existing-needs-force",
        ("render", "-o", "page.html"),
        2,
        "page.html already exists; use --force to replace it",
        {"page.html": OLD},
        after=unchanged("page.html", OLD),
    ),
    Case(
        "render-missing-folder",
        ("render", "-o", "nope/page.html"),
        2,
        "nope/page.html: folder nope does not exist",
        after=only_files(),
    ),
    Case(
        "render-onto-folder",
        ("render", "-o", "dir", "--force"),
        2,
        "dir: is a folder",
        {"dir/keep": "x"},
        after=unchanged("dir/keep", "x"),
    ),
    Case(
        "path-html-existing-needs-force",
        (*PLAN, "--html", "p.html"),
        2,
        "p.html already exists; use --force",
        {"p.html": OLD},
        after=unchanged("p.html", OLD),
    ),
    Case(
        "catalog-output-not-turtle",
        ("--data", TINY, "import", "catalog", "c.csv", "-o", "c.nt"),
        2,
        "c.nt: the catalog is written as Turtle",
        {"c.csv": CATALOG},
        after=only_files("c.csv"),
    ),
    Case(
        "esco-output-unknown-format",
        ("import", "esco", SAMPLE, "-o", "e.json"),
        2,
        "e.json: unknown output format '.json'",
        after=only_files(),
    ),
    # ---- issue 15, item 4: the importers overwrote an existing file silently
    Case(
        "catalog-existing-needs-force",
        ("--data", TINY, "import", "catalog", "c.csv", "-o", "out.ttl"),
        2,
        "out.ttl already exists; use --force to replace it",
        {"c.csv": CATALOG, "out.ttl": OLD},
        after=unchanged("out.ttl", OLD),
    ),
    Case(
        "esco-existing-needs-force",
        ("import", "esco", SAMPLE, "-o", "out.nt"),
        2,
        "out.nt already exists; use --force to replace it",
        {"out.nt": OLD},
        after=unchanged("out.nt", OLD),
    ),
    Case(
        "catalog-force-replaces",
        ("--data", TINY, "import", "catalog", "c.csv", "-o", "out.ttl", "--force"),
        0,
        "triples written to out.ttl",
        {"c.csv": CATALOG, "out.ttl": OLD},
        after=all_of(replaced("out.ttl"), only_files("c.csv", "out.ttl")),
    ),
    Case(
        "esco-force-replaces",
        ("import", "esco", SAMPLE, "-o", "out.ttl", "--force"),
        0,
        "triples written to out.ttl",
        {"out.ttl": OLD},
        after=all_of(replaced("out.ttl"), only_files("out.ttl")),
    ),
    # ---- issue 15, item 5: --force replaced FIFOs, device nodes and symbolic links
    Case(
        "render-force-fifo",
        ("render", "-o", "ff", "--force"),
        2,
        "ff: is a FIFO (named pipe), not a regular file",
        setup=fifo("ff"),
        after=still_fifo("ff"),
    ),
    Case(
        "render-fifo-without-force",
        ("render", "-o", "ff"),
        2,
        "ff: is a FIFO",
        setup=fifo("ff"),
        after=still_fifo("ff"),
    ),
    Case(
        "esco-force-fifo",
        ("import", "esco", SAMPLE, "-o", "ff.nt", "--force"),
        2,
        "ff.nt: is a FIFO",
        setup=fifo("ff.nt"),
        after=still_fifo("ff.nt"),
    ),
    Case(
        "catalog-force-fifo",
        ("--data", TINY, "import", "catalog", "c.csv", "-o", "ff.ttl", "--force"),
        2,
        "ff.ttl: is a FIFO",
        {"c.csv": CATALOG},
        setup=fifo("ff.ttl"),
        after=still_fifo("ff.ttl"),
    ),
    Case(
        "path-html-force-fifo",
        (*PLAN, "--html", "ff.html", "--force"),
        2,
        "ff.html: is a FIFO",
        setup=fifo("ff.html"),
        after=still_fifo("ff.html"),
    ),
    Case(
        "render-force-symlink",
        ("render", "-o", "link.html", "--force"),
        2,
        "link.html: is a symbolic link, not a regular file",
        {"real.html": OLD},
        setup=symlink("link.html", "real.html"),
        after=all_of(unchanged("real.html", OLD), still_link("link.html", "real.html")),
    ),
    Case(
        "render-force-dangling-symlink",
        ("render", "-o", "link.html", "--force"),
        2,
        "link.html: is a symbolic link",
        setup=symlink("link.html", "/tmp/certpath-nowhere.html"),
        after=still_link("link.html", "/tmp/certpath-nowhere.html"),
    ),
    Case(
        "esco-force-symlink",
        ("import", "esco", SAMPLE, "-o", "link.nt", "--force"),
        2,
        "link.nt: is a symbolic link",
        {"real.nt": OLD},
        setup=symlink("link.nt", "real.nt"),
        after=unchanged("real.nt", OLD),
    ),
    # ---- issue 15, item 7: '-' was a file named '-'; now stdout where it makes sense
    Case(
        "render-to-stdout",
        ("--data", TINY, "render", "-o", "-", "--focus", "basic"),
        0,
        "<!DOCTYPE html>",
        after=stdout_only(),
    ),
    Case(
        "esco-to-stdout",
        ("import", "esco", SAMPLE, "-o", "-"),
        0,
        "<http://data.europa.eu/esco/occupation/",
        after=stdout_only(),
    ),
    Case(
        "catalog-to-stdout",
        ("--data", TINY, "import", "catalog", "c.csv", "-o", "-"),
        0,
        "@prefix cp:",
        {"c.csv": CATALOG},
        after=stdout_only("c.csv"),
    ),
    Case(
        "path-html-not-stdout",
        (*PLAN, "--html", "-"),
        2,
        "-: standard output is not available for this file",
        after=stdout_only(),
    ),
    Case(
        "esco-stdout-json-summary",
        ("import", "esco", SAMPLE, "-o", "-", "--format", "json"),
        2,
        "-o - writes the data to stdout, so --format json cannot go there",
        after=stdout_only(),
    ),
    Case(
        "file-named-dash",
        ("--data", TINY, "render", "-o", "./-", "--focus", "basic"),
        0,
        "wrote ./-:",
        after=only_files("-"),
    ),
    # ---- issue 15, item 14: unwritable targets gave a traceback
    Case(
        "render-proc",
        ("render", "-o", "/proc/x.html"),
        2,
        "/proc/x.html: cannot create a file in /proc",
    ),
    Case(
        "render-sys",
        ("render", "-o", "/sys/x.html"),
        2,
        "/sys/x.html: cannot create a file in /sys",
    ),
    Case(
        "esco-proc",
        ("import", "esco", SAMPLE, "-o", "/proc/x.nt"),
        2,
        "/proc/x.nt: cannot create a file in /proc",
    ),
    # ---- items 5, 7, 14 for `dump -o` (found after the fixes above): --force replaced a
    # symbolic link (also a dangling one) with a regular file, `-o -` was refused as a format,
    # a missing folder and /proc gave an OS error text
    Case(
        "dump-force-symlink",
        ("--data", TINY, "dump", "-o", "link.nt", "--force"),
        2,
        "link.nt: is a symbolic link, not a regular file",
        {"target.nt": OLD},
        setup=symlink("link.nt", "target.nt"),
        after=all_of(still_link("link.nt", "target.nt"), unchanged("target.nt", OLD)),
    ),
    Case(
        "dump-force-dangling-symlink",
        ("--data", TINY, "dump", "-o", "link.nt", "--force"),
        2,
        "link.nt: is a symbolic link",
        setup=symlink("link.nt", "nowhere.nt"),
        after=all_of(still_link("link.nt", "nowhere.nt"), only_files("link.nt")),
    ),
    Case(
        "dump-force-fifo",
        ("--data", TINY, "dump", "-o", "pipe.nt", "--force"),
        2,
        "pipe.nt: is a FIFO (named pipe), not a regular file",
        setup=fifo("pipe.nt"),
        after=still_fifo("pipe.nt"),
    ),
    Case(
        "dump-existing-needs-force",
        ("--data", TINY, "dump", "-o", "out.ttl"),
        2,
        "out.ttl already exists; use --force to replace it",
        {"out.ttl": OLD},
        after=unchanged("out.ttl", OLD),
    ),
    Case(
        "dump-force-replaces-a-file",
        ("--data", TINY, "dump", "-o", "out.ttl", "--force"),
        0,
        "",
        {"out.ttl": OLD},
        after=all_of(replaced("out.ttl"), only_files("out.ttl")),
    ),
    Case(
        "dump-stdout",
        ("--data", TINY, "dump", "-o", "-"),
        0,
        "<https://w3id.org/certpath/data/scaled-owner> ",
        after=stdout_only(),
    ),
    Case(
        "dump-file-named-dash",
        ("--data", TINY, "dump", "-o", "./-"),
        2,
        "-: dump writes N-Triples (.nt) or Turtle (.ttl); '-' writes N-Triples to stdout",
        after=only_files(),
    ),
    Case(
        "dump-missing-folder",
        ("--data", TINY, "dump", "-o", "nope/out.nt"),
        2,
        "nope/out.nt: folder nope does not exist",
        after=only_files(),
    ),
    Case(
        "dump-proc",
        ("--data", TINY, "dump", "-o", "/proc/x.nt"),
        2,
        "/proc/x.nt: cannot create a file in /proc",
    ),
    Case(
        "dump-onto-folder",
        ("--data", TINY, "dump", "-o", "dir", "--force"),
        2,
        "Invalid value for '-o' / '--output': File 'dir' is a directory",
        {"dir/keep": "x"},
        after=unchanged("dir/keep", "x"),
    ),
    # --save-profile writes through certpath.output too (kept)
    Case(
        "save-profile-force-symlink",
        (*PLAN, "--save-profile", "me.yaml", "--force"),
        2,
        "me.yaml: is a symbolic link",
        {"target.yaml": OLD},
        setup=symlink("me.yaml", "target.yaml"),
        after=all_of(still_link("me.yaml", "target.yaml"), unchanged("target.yaml", OLD)),
    ),
    Case(
        "save-profile-existing-needs-force",
        (*PLAN, "--save-profile", "me.json"),
        2,
        "me.json already exists; use --force",
        {"me.json": OLD},
        after=unchanged("me.json", OLD),
    ),
]


@pytest.fixture(scope="module")
def results(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    return run_all(CASES, tmp_path_factory.mktemp("output"))


@parametrize(CASES)
def test_case(case: Case, results: dict[str, Any]) -> None:
    verify(case, *results[case.id])


# --------------------------------------------------------------------------- device nodes (item 5)
# A device node of our own in the case's folder, never a system one: code that replaced device
# nodes (as certpath did) must not be able to replace /dev/null while the corpus runs.


def _can_mknod() -> bool:
    folder = Path(tempfile.mkdtemp())
    try:
        os.mknod(folder / "probe", stat.S_IFCHR | 0o666, os.makedev(1, 3))
    except OSError:
        return False
    finally:
        shutil.rmtree(folder)
    return True


def device(name: str) -> Any:
    """A character device like /dev/null (1, 3), made in the case's folder."""
    return lambda folder: os.mknod(folder / name, stat.S_IFCHR | 0o666, os.makedev(1, 3))


def still_device(name: str) -> Any:
    def check_device(folder: Path, _done: Any) -> None:
        assert stat.S_ISCHR(os.lstat(folder / name).st_mode), f"{name} was replaced"

    return check_device


DEVICE_CASES = [
    Case(
        "render-force-device",
        ("render", "-o", "null.html", "--force"),
        2,
        "null.html: is a character device, not a regular file",
        setup=device("null.html"),
        after=still_device("null.html"),
    ),
    Case(
        "esco-force-device",
        ("import", "esco", SAMPLE, "-o", "full.nt", "--force"),
        2,
        "full.nt: is a character device",
        setup=device("full.nt"),
        after=still_device("full.nt"),
    ),
    Case(
        "catalog-force-device",
        ("--data", TINY, "import", "catalog", "c.csv", "-o", "null.ttl", "--force"),
        2,
        "null.ttl: is a character device",
        {"c.csv": CATALOG},
        setup=device("null.ttl"),
        after=still_device("null.ttl"),
    ),
    Case(
        "path-html-force-device",
        (*PLAN, "--html", "null.html", "--force"),
        2,
        "null.html: is a character device",
        setup=device("null.html"),
        after=still_device("null.html"),
    ),
    Case(
        "dump-force-device",
        ("--data", TINY, "dump", "-o", "null.nt", "--force"),
        2,
        "null.nt: is a character device",
        setup=device("null.nt"),
        after=still_device("null.nt"),
    ),
    Case(
        "save-profile-force-device",
        (*PLAN, "--save-profile", "null.yaml", "--force"),
        2,
        "null.yaml: is a character device",
        setup=device("null.yaml"),
        after=still_device("null.yaml"),
    ),
    # reading a device that never ends (a /dev/zero of our own: 1, 5): refused or capped
    Case(
        "catalog-from-zero-device",
        ("--data", TINY, "import", "catalog", "zero.csv", "-o", "-"),
        2,
        "zero.csv: not a regular file; a catalog is a CSV file",
        setup=lambda folder: os.mknod(folder / "zero.csv", stat.S_IFCHR | 0o666, os.makedev(1, 5)),
        timeout=30,
    ),
    Case(
        "query-from-zero-device",
        ("query", "-f", "zero.rq"),
        2,
        "zero.rq: larger than 1 MB",
        setup=lambda folder: os.mknod(folder / "zero.rq", stat.S_IFCHR | 0o666, os.makedev(1, 5)),
        timeout=30,
    ),
]


@pytest.mark.skipif(not _can_mknod(), reason="mknod is not permitted here (needs CAP_MKNOD)")
@parametrize(DEVICE_CASES)
def test_device_node(case: Case, tmp_path: Path) -> None:
    check(case, tmp_path)


# --------------------------------------------------------------------------- signals (item 6)


def big_esco(folder: Path, skills: int = 150_000) -> Path:
    """The ESCO sample with many more skills, so that writing takes a while."""
    source = folder / "esco"
    shutil.copytree(SAMPLE, source)
    with (source / "skills_en.csv").open("a", encoding="utf-8") as out:
        for i in range(skills):
            out.write(
                f"KnowledgeSkillCompetence,http://data.europa.eu/esco/skill/gen-{i},knowledge,"
                f"sector-specific,Generated skill {i},,,released,2022-07-05T14:33:28.658Z,,,,\n"
            )
    return source


def start(args: list[str], cwd: Path, env: dict[str, str] | None = None) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "certpath", *args],
        cwd=cwd,
        env={**os.environ, "NO_COLOR": "1", **(env or {})},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def wait_for(condition: Any, process: subprocess.Popen[bytes], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline, "the run never got there"
        time.sleep(0.005)


@pytest.fixture(scope="module")
def esco_source(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return big_esco(tmp_path_factory.mktemp("big-esco"))


@pytest.mark.parametrize(
    ("signum", "suffix"),
    [
        (signal.SIGTERM, ".nt"),
        (signal.SIGHUP, ".nt"),
        (signal.SIGINT, ".nt"),
        (signal.SIGTERM, ".ttl"),
    ],
    ids=["sigterm-nt", "sighup-nt", "sigint-nt", "sigterm-ttl"],
)
def test_signal_while_writing_leaves_nothing(
    tmp_path: Path, esco_source: Path, signum: int, suffix: str
) -> None:
    """Issue 15, item 6: a .part file of up to 46 MB was left behind on SIGTERM and SIGHUP."""
    out = tmp_path / "out"
    out.mkdir()
    process = start(["import", "esco", str(esco_source), "-o", f"out{suffix}"], out)
    wait_for(lambda: any(".part" in p.name for p in out.iterdir()), process)
    process.send_signal(signum)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == -signum, stderr  # ended by the signal: shell status 128 + N
    assert (
        stderr.decode().splitlines()[-1] == f"Error: interrupted by {signal.Signals(signum).name}"
    )
    assert b"Traceback" not in stderr
    assert list(out.iterdir()) == []


def test_signal_while_loading_a_store_leaves_no_temporary_folder(
    tmp_path: Path, esco_source: Path
) -> None:
    """``import esco --store`` converts into a temporary folder first: SIGTERM removes it."""
    temp = tmp_path / "tmp"
    temp.mkdir()
    process = start(
        ["import", "esco", str(esco_source), "--store", f"oxigraph:{tmp_path / 'store'}"],
        tmp_path,
        {"TMPDIR": str(temp)},
    )
    wait_for(lambda: any(temp.rglob("esco.nt")), process)
    process.send_signal(signal.SIGTERM)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == -signal.SIGTERM, stderr
    assert list(temp.iterdir()) == []


# --------------------------------------------------------------------------- full disk (item 15)


def _namespace_command() -> list[str] | None:
    """A prefix that runs a shell in a private mount namespace where it may mount a tmpfs."""
    unshare = shutil.which("unshare")
    if unshare is None:
        return None
    for prefix in ([unshare, "-m"], [unshare, "-rm"]):
        probe = subprocess.run(
            [*prefix, "sh", "-c", "d=$(mktemp -d) && mount -t tmpfs -o size=8k tmpfs $d"],
            capture_output=True,
            check=False,
        )
        if probe.returncode == 0:
            return prefix
    return None


NAMESPACE = _namespace_command()
needs_tmpfs = pytest.mark.skipif(
    NAMESPACE is None, reason="cannot mount a tmpfs in a private mount namespace (unshare -m/-rm)"
)


def on_small_disk(
    tmp_path: Path, args: list[str], options: str = "size=8k"
) -> tuple[int, str, str]:
    """Run certpath ARGS in a folder that is a tiny tmpfs; return (exit code, stderr, ls -A)."""
    assert NAMESPACE is not None
    disk = tmp_path / "disk"
    disk.mkdir()
    script = (
        f'mount -t tmpfs -o {options} tmpfs "$1" || exit 99; cd "$1"; shift; '
        '"$@"; code=$?; echo "files:$(ls -A)"; exit $code'
    )
    done = subprocess.run(
        [*NAMESPACE, "sh", "-c", script, "sh", str(disk), sys.executable, "-m", "certpath", *args],
        capture_output=True,
        env={**os.environ, "NO_COLOR": "1"},
        timeout=120,
        check=False,
    )
    listing = done.stdout.decode().rsplit("files:", 1)[-1].strip()
    return done.returncode, done.stderr.decode(), listing


@pytest.fixture(scope="module")
def big_catalog(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A catalog whose Turtle does not fit on the small disk."""
    path = tmp_path_factory.mktemp("catalog") / "big.csv"
    rows = [CATALOG.splitlines()[0]] + [
        f"c{i},Course number {i},course,Acme Training,10,100,USD,,backlog@3,," for i in range(150)
    ]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


@needs_tmpfs
@pytest.mark.parametrize(
    "args",
    [
        ["import", "esco", SAMPLE, "-o", "out.nt"],
        ["import", "esco", SAMPLE, "-o", "out.ttl"],
        ["render", "-o", "graph.html"],
        ["--data", TINY, "import", "catalog", "BIG", "-o", "c.ttl"],
    ],
    ids=["esco-nt", "esco-ttl", "render", "catalog"],
)
def test_full_disk(tmp_path: Path, big_catalog: Path, args: list[str]) -> None:
    """Issue 15, item 15: ENOSPC gave a traceback; now one line, nothing left behind."""
    args = [str(big_catalog) if arg == "BIG" else arg for arg in args]
    code, stderr, listing = on_small_disk(tmp_path, args)
    errors = [line for line in stderr.splitlines() if line.startswith("Error: ")]
    assert code == 2, stderr
    assert errors == [
        f"Error: {args[args.index('-o') + 1]}: cannot write: no space left on the device; "
        "nothing was written"
    ], stderr
    assert "Traceback" not in stderr and listing == ""


@needs_tmpfs
def test_read_only_folder(tmp_path: Path) -> None:
    """A read-only file system (works for root too, unlike chmod)."""
    code, stderr, listing = on_small_disk(tmp_path, ["render", "-o", "graph.html"], "ro,size=8k")
    assert code == 2 and stderr.strip() == "Error: graph.html: folder . is not writable", stderr
    assert listing == ""


@needs_tmpfs
def test_full_disk_dump(tmp_path: Path) -> None:
    """``dump -o`` on a full disk: one line naming the file, nothing left behind."""
    code, stderr, listing = on_small_disk(tmp_path, ["--data", TINY, "dump", "-o", "out.nt"])
    errors = [line for line in stderr.splitlines() if line.startswith("Error: ")]
    assert code == 2 and len(errors) == 1, stderr
    assert errors[0].startswith("Error: out.nt: cannot write: No space left on device"), stderr
    assert "Traceback" not in stderr and listing == ""
