"""Shared stores at scale: planning against a SPARQL endpoint without copying it.

Two set-ups, each measured against the copy-everything approach in the same run:

* **Virtuoso** (Debian's ``virtuoso-opensource``, started here on loopback ports with a throw-away
  database) holding the synthetic graph of ``synthetic.py`` at ``--scale`` times ESCO's size
  (10: 30,000 roles, 140,000 competencies, 100,000 offers, about 7.7 M triples), loaded with
  ``certpath --store sparql:URL load``; cold ``path``, ``gaps``, ``query role-competencies`` and
  ``stats`` (medians of ``--runs`` fresh processes, with their peak memory); the copy is ``dump``.
* **Oxigraph server** holding ESCO (``../shared/data/esco-v1.1.1``, converted by ``certpath import
  esco``) plus the bundled data: cold ``path`` and ``query role-competencies``; the baselines are
  the release that copied the whole graph with one CONSTRUCT (``--old SRC``: its ``src`` folder)
  and, optionally, the previous neighbourhood walk (``--walk SRC``), on the same server.

Every planning question is also run once in this process with its HTTP requests counted (the
round trips a question costs), for this checkout and each baseline.

Run: ``.venv/bin/python benchmarks/bench_stores.py [--scale 10] [--runs 3] [--old SRC] [--walk SRC]
[--reuse DIR]``; ``--reuse`` keeps the generated data and the databases in DIR, so a second run
skips generating and loading.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "benchmarks"))

from servers import Server, oxigraph_server, virtuoso_server  # noqa: E402
from synthetic import generate  # noqa: E402

ESCO = ROOT.parent / "shared" / "data" / "esco-v1.1.1"
#: Seconds one measured command may take before it is killed (reported with exit -9).
COMMAND_TIMEOUT = 600.0
#: Seconds a load may take (10x ESCO into Virtuoso: tens of minutes on two cores).
LOAD_TIMEOUT = 7200.0

#: Runs ``certpath ARGS`` in this interpreter, counting HTTP requests (any release's code).
COUNTING = """
import sys, urllib.request
count = [0]
opened = urllib.request.OpenerDirector.open
def counted(self, *args, **kwargs):
    count[0] += 1
    return opened(self, *args, **kwargs)
urllib.request.OpenerDirector.open = counted
from certpath.cli.main import cli
try:
    cli.main(sys.argv[1:], prog_name="certpath")
except SystemExit:
    pass
finally:
    print(f"HTTP-REQUESTS {count[0]}", file=sys.stderr)
"""

Row = dict[str, object]


def run(
    args: list[str],
    env: dict[str, str] | None = None,
    src: str | None = None,
    timeout: float | None = None,
) -> tuple[float, float, int, str]:
    """Run ``python -m certpath ARGS`` in a fresh process: seconds, peak MB, exit code, stderr."""
    environment = {**os.environ, **(env or {})}
    if src:
        environment["PYTHONPATH"] = src
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-m", "certpath", *args],
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    assert process.stderr is not None
    timer = threading.Timer(
        timeout or COMMAND_TIMEOUT, process.kill
    )  # a bound on every measured command
    timer.start()
    err = process.stderr.read().decode("utf-8", "replace")
    _, status, usage = os.wait4(process.pid, 0)
    timer.cancel()
    seconds = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    return seconds, usage.ru_maxrss / 1024, process.returncode, err


def requests(args: list[str], src: str | None = None) -> int | None:
    """HTTP requests that ``certpath ARGS`` sends (None when it did not finish in time)."""
    environment = {**os.environ, **({"PYTHONPATH": src} if src else {})}
    try:
        done = subprocess.run(
            [sys.executable, "-c", COUNTING, *args],
            env=environment,
            capture_output=True,
            text=True,
            timeout=COMMAND_TIMEOUT,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return None
    for line in done.stderr.splitlines():
        if line.startswith("HTTP-REQUESTS "):
            return int(line.split()[1])
    return None


def measure(
    store: str, label: str, question: str, args: list[str], runs: int, src: str | None = None
) -> Row:
    """Median seconds of *runs* cold processes, their peak memory, and the requests of one."""
    results = [run(args, src=src) for _ in range(runs)]
    code, err = results[-1][2], results[-1][3].strip()
    trips = requests(args, src) if question in ("path", "gaps") else None
    return {
        "store": store,
        "question": question,
        "how": label,
        "seconds": statistics.median(r[0] for r in results),
        "runs": [round(r[0], 2) for r in results],
        "peak_mb": max(r[1] for r in results),
        "exit": code,
        "requests": trips,
        "note": err.splitlines()[-1][:160] if code and err else "",
    }


@contextlib.contextmanager
def folder_for(reuse: str | None) -> Iterator[Path]:
    if reuse:
        path = Path(reuse)
        path.mkdir(parents=True, exist_ok=True)
        yield path
    else:
        with tempfile.TemporaryDirectory(prefix="certpath-bench-stores-") as tmp:
            yield Path(tmp)


def _load(server: Server, marker: Path, *files: Path | str) -> Row | None:
    if marker.exists():
        return None  # loaded by an earlier run (--reuse)
    seconds, peak, code, err = run(
        ["--store", server.store, "load", *map(str, files)], env=server.env(), timeout=LOAD_TIMEOUT
    )
    if code:
        raise SystemExit(f"load failed (exit {code}): {err}")
    marker.write_text(f"{seconds:.1f} s, {peak:.0f} MB\n", encoding="utf-8")
    return {"store": server.kind, "question": "load", "how": "certpath load",
            "seconds": seconds, "peak_mb": peak, "exit": code, "requests": None,
            "note": ""}  # fmt: skip


def virtuoso(scale: int, runs: int, folder: Path, walk: str | None) -> list[Row]:
    data = folder / f"synthetic-x{scale}.nt"
    if not data.exists():
        started = time.perf_counter()
        generate(data, roles=3000 * scale, competencies=14000 * scale, offers=10000 * scale)
        print(f"generated {data.name} in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    rows: list[Row] = []
    database = folder / f"virtuoso-x{scale}"
    marker = folder / f"virtuoso-x{scale}.loaded"
    name = f"Virtuoso x{scale}"
    if not marker.exists() and database.exists():  # a load that did not finish: start afresh
        shutil.rmtree(database)
    with virtuoso_server(database, max_rows=10000, buffers=340000, reuse=True) as server:
        loaded = _load(server, marker, data)
        if loaded:
            rows.append({**loaded, "store": name})
        store = ["--store", server.store]
        questions = {
            "path": ["path", "--target", "cpd:r17", "--holds", "cpd:o5", "--format", "json"],
            "gaps": ["gaps", "--target", "cpd:r17", "--have", "cpd:c3", "--format", "json"],
            "query role-competencies": ["query", "role-competencies", "--param", "role=cpd:r17"],
            "stats": ["stats", "--format", "json"],
        }
        for question, args in questions.items():
            rows.append(measure(name, "this checkout", question, [*store, *args], runs))
            if walk and question in ("path", "gaps"):
                rows.append(measure(name, "previous walk", question, [*store, *args], 1, walk))
        copy = [*store, "dump", "-o", str(folder / "copy.nt")]
        rows.append(measure(name, "copy everything (dump)", "dump", copy, 1))
        (folder / "copy.nt").unlink(missing_ok=True)
    return rows


def oxigraph_esco(runs: int, folder: Path, old: str | None, walk: str | None) -> list[Row]:
    archives = sorted(str(p) for p in ESCO.glob("*.zip"))
    if not archives:
        print(f"no ESCO archives in {ESCO}: skipping the Oxigraph/ESCO part", file=sys.stderr)
        return []
    esco = folder / "esco.nt"
    if not esco.exists():
        subprocess.run([sys.executable, "-m", "certpath", "import", "esco", *archives, "-o",
                        str(esco)], check=True, capture_output=True)  # fmt: skip
    question = ["path", "--target", "cpd:safe-product-owner", "--format", "json"]
    gaps = ["gaps", "--target", "cpd:safe-product-owner", "--format", "json"]
    name = "Oxigraph ESCO+bundled"
    rows: list[Row] = []
    with oxigraph_server(folder / "oxigraph") as server:
        loaded = _load(server, folder / "oxigraph.loaded", "bundled", esco)
        if loaded:
            rows.append({**loaded, "store": name})
        store = ["--store", server.store]
        rows.append(measure(name, "this checkout", "path", [*store, *question], runs))
        rows.append(measure(name, "this checkout", "gaps", [*store, *gaps], runs))
        role = ["query", "role-competencies", "--param", "role=cpd:product-owner"]
        rows.append(measure(name, "this checkout", "query role-competencies", [*store, *role],
                            runs))  # fmt: skip
        if walk:
            rows.append(measure(name, "previous walk", "path", [*store, *question], runs, walk))
    if old:  # the copy-everything release on the same files, as it was used: a read-only server
        copy = folder / "oxigraph-old"
        if not copy.exists():
            binary = str(Path(sys.executable).with_name("oxigraph"))
            files = [ROOT / "ontology" / "certpath.ttl", *sorted((ROOT / "data").glob("*.ttl")),
                     esco]  # fmt: skip
            for path in files:
                subprocess.run([binary, "load", "--location", str(copy), "--file", str(path)],
                               check=True, capture_output=True)  # fmt: skip
        with oxigraph_server(copy, read_only=True) as server:
            args = ["--store", server.store, *question]
            rows.append(measure(name, "copy everything (previous release)", "path", args, runs,
                                old))  # fmt: skip
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=10)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--old", help="src folder of the copy-everything release (403bafe)")
    parser.add_argument("--walk", help="src folder of the previous neighbourhood walk")
    parser.add_argument("--reuse", metavar="DIR", help="keep data and databases in DIR")
    parser.add_argument("--skip-virtuoso", action="store_true")
    parser.add_argument("--skip-esco", action="store_true")
    parser.add_argument("--command-timeout", type=float, default=COMMAND_TIMEOUT)
    options = parser.parse_args()
    globals()["COMMAND_TIMEOUT"] = options.command_timeout
    with folder_for(options.reuse) as folder:
        rows: list[Row] = []
        if not options.skip_esco:
            rows += oxigraph_esco(options.runs, folder, options.old, options.walk)
        if not options.skip_virtuoso:
            rows += virtuoso(options.scale, options.runs, folder, options.walk)
    print("| store | question | how | seconds (median) | peak MB | HTTP requests | exit | note |")
    print("|---|---|---|---:|---:|---:|---:|---|")
    for row in rows:
        print(f"| {row['store']} | {row['question']} | {row['how']} | {row['seconds']:.2f} "
              f"| {row['peak_mb']:.0f} | {row['requests'] if row['requests'] is not None else ''} "
              f"| {row['exit']} | {row['note']} |")  # fmt: skip
    print(json.dumps(rows), file=sys.stderr)


if __name__ == "__main__":
    main()
