"""Shared stores at scale: planning against a SPARQL endpoint without copying it.

Two set-ups, each measured against the copy-everything approach in the same run:

* **Virtuoso** (Debian's ``virtuoso-opensource``, started here on loopback ports with a throw-away
  database) holding the synthetic graph of ``synthetic.py`` at ``--scale`` times ESCO's size
  (10: 30,000 roles, 140,000 competencies, 100,000 offers, about 7.7 M triples), loaded with
  ``certpath --store sparql:URL load``; cold ``path``, ``gaps`` and ``query role-competencies``
  (medians of ``--runs`` fresh processes, with their peak memory).
* **Oxigraph server** holding ESCO (``../shared/data/esco-v1.1.1``, converted by ``certpath import
  esco``) plus the bundled data: cold ``path``; the baseline is the release before this one, which
  copied the whole graph with one CONSTRUCT (``--old SRC``: its ``src`` folder).

Run: ``.venv/bin/python benchmarks/bench_stores.py [--scale 10] [--runs 3] [--old /path/src]``.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "benchmarks"))

from servers import Server, oxigraph_server, virtuoso_server  # noqa: E402
from synthetic import generate  # noqa: E402

ESCO = ROOT.parent / "shared" / "data" / "esco-v1.1.1"
#: Seconds one measured command may take before it is killed (reported with exit -9).
COMMAND_TIMEOUT = 600.0
ESCO_ROLE = "http://data.europa.eu/esco/occupation/a79170ad-0b7b-4697-864f-1748359aa10a"


def run(
    args: list[str], env: dict[str, str] | None = None, src: str | None = None
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
    timer = threading.Timer(COMMAND_TIMEOUT, process.kill)  # a bound on every measured command
    timer.start()
    err = process.stderr.read().decode("utf-8", "replace")
    _, status, usage = os.wait4(process.pid, 0)
    timer.cancel()
    seconds = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    return seconds, usage.ru_maxrss / 1024, process.returncode, err


def median(args: list[str], runs: int, **options: object) -> tuple[float, float, int, str]:
    results = [run(args, **options) for _ in range(runs)]  # type: ignore[arg-type]
    code, err = results[-1][2], results[-1][3]
    return (
        statistics.median(r[0] for r in results),
        max(r[1] for r in results),
        code,
        err.strip().splitlines()[-1] if err.strip() else "",
    )


def virtuoso(scale: int, runs: int, folder: Path) -> list[dict[str, object]]:
    data = folder / f"synthetic-x{scale}.nt"
    started = time.perf_counter()
    generate(data, roles=3000 * scale, competencies=14000 * scale, offers=10000 * scale)
    print(f"generated {data.name} in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    rows: list[dict[str, object]] = []
    with virtuoso_server(folder / "virtuoso", max_rows=10000, buffers=340000) as server:
        rows.append(_load(server, data))
        store = ["--store", server.store]
        person = folder / "person.ttl"
        person.write_text(
            "@prefix cp: <https://w3id.org/certpath/ontology#> .\n"
            "@prefix cpd: <https://w3id.org/certpath/data/> .\n"
            "cpd:bench-person a cp:Person ; cp:holds cpd:o5 ; cp:hasCompetency cpd:c3 .\n",
            encoding="utf-8",
        )
        questions = {
            "path": ["path", "--target", "cpd:r17", "--holds", "cpd:o5", "--format", "json"],
            "gaps": ["gaps", "--target", "cpd:r17", "--have", "cpd:c3", "--format", "json"],
            "query role-competencies": ["query", "role-competencies", "--param", "role=cpd:r17"],
            "stats": ["stats", "--format", "json"],
        }
        for name, args in questions.items():
            seconds, peak, code, err = median([*store, *args], runs)
            rows.append({"store": f"Virtuoso x{scale}", "question": name, "seconds": seconds,
                         "peak_mb": peak, "exit": code, "note": err if code else ""})  # fmt: skip
        seconds, peak, code, err = run([*store, "dump", "-o", str(folder / "copy.nt")])
        note = err.strip()[-200:]
        rows.append({"store": f"Virtuoso x{scale}", "question": "copy everything (dump)",
                     "seconds": seconds, "peak_mb": peak, "exit": code, "note": note})  # fmt: skip
    return rows


def _load(server: Server, *files: Path | str) -> dict[str, object]:
    seconds, peak, code, err = run(
        ["--store", server.store, "load", *map(str, files)], env=server.env()
    )
    if code:
        raise SystemExit(f"load failed: {err}")
    return {"store": server.kind, "question": "load", "seconds": seconds, "peak_mb": peak,
            "exit": code, "note": ""}  # fmt: skip


def oxigraph_esco(runs: int, folder: Path, old: str | None) -> list[dict[str, object]]:
    archives = sorted(str(p) for p in ESCO.glob("*.zip"))
    if not archives:
        print(f"no ESCO archives in {ESCO}: skipping the Oxigraph/ESCO part", file=sys.stderr)
        return []
    esco = folder / "esco.nt"
    subprocess.run([sys.executable, "-m", "certpath", "import", "esco", *archives, "-o", str(esco)],
                   check=True, capture_output=True)  # fmt: skip
    question = ["path", "--target", "cpd:safe-product-owner", "--format", "json"]
    rows: list[dict[str, object]] = []
    with oxigraph_server(folder / "oxigraph") as server:
        rows.append({**_load(server, "bundled", esco), "store": "Oxigraph ESCO+bundled"})
        for name, args in (
            ("path", question),
            (
                "query role-competencies",
                ["query", "role-competencies", "--param", "role=cpd:product-owner"],
            ),
        ):
            seconds, peak, code, err = median(["--store", server.store, *args], runs)
            rows.append({"store": "Oxigraph ESCO+bundled", "question": name, "seconds": seconds,
                         "peak_mb": peak, "exit": code, "note": err if code else ""})  # fmt: skip
    if old:  # the previous release on the same files, as it was used: `oxigraph load`, read-only
        copy = folder / "oxigraph-old"
        binary = str(Path(sys.executable).with_name("oxigraph"))
        files = [ROOT / "ontology" / "certpath.ttl", *sorted((ROOT / "data").glob("*.ttl")), esco]
        for path in files:
            subprocess.run([binary, "load", "--location", str(copy), "--file", str(path)],
                           check=True, capture_output=True)  # fmt: skip
        with oxigraph_server(copy, read_only=True) as server:
            seconds, peak, code, err = median(["--store", server.store, *question], runs, src=old)
            rows.append({"store": "Oxigraph ESCO+bundled",
                         "question": "path, copy everything (previous release)",
                         "seconds": seconds, "peak_mb": peak, "exit": code,
                         "note": err if code else ""})  # fmt: skip
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=10)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument(
        "--old", help="src folder of the previous release (copy-everything baseline)"
    )
    parser.add_argument("--skip-virtuoso", action="store_true")
    parser.add_argument("--skip-esco", action="store_true")
    parser.add_argument("--command-timeout", type=float, default=COMMAND_TIMEOUT)
    options = parser.parse_args()
    globals()["COMMAND_TIMEOUT"] = options.command_timeout
    with tempfile.TemporaryDirectory(prefix="certpath-bench-stores-") as tmp:
        folder = Path(tmp)
        rows = [] if options.skip_virtuoso else virtuoso(options.scale, options.runs, folder)
        if not options.skip_esco:
            rows += oxigraph_esco(options.runs, folder, options.old)
    print("| store | question | seconds (median) | peak MB | exit | note |")
    print("|---|---|---:|---:|---:|---|")
    for row in rows:
        print(f"| {row['store']} | {row['question']} | {row['seconds']:.2f} | {row['peak_mb']:.0f} "
              f"| {row['exit']} | {row['note']} |")  # fmt: skip
    print(json.dumps(rows), file=sys.stderr)


if __name__ == "__main__":
    main()
