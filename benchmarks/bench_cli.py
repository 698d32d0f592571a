"""Benchmark the everyday CLI on ESCO plus the bundled data: catalog import, listing, completion.

Usage: ``.venv/bin/python benchmarks/bench_cli.py [ESCO_DIR] [--runs N] [--old REV]``. ESCO_DIR
defaults to ``../shared/data/esco-v1.1.1`` beside the repository. Prints medians over the runs:

* ``certpath --data bundled --data esco.nt import catalog one-row.csv`` (process start to exit)
  with this checkout and with ``--old`` (a commit whose importer validated the whole graph,
  checked out in a temporary ``git worktree`` first on ``PYTHONPATH``), alternated, with the
  ratio pair by pair; the same import with ESCO in an Oxigraph store (``--store``);
* the validation alone, in one process: the whole loaded graph plus the catalog through the
  shapes (what the importer did before) against :func:`validate_catalog` (what it does now);
* ``certpath roles|competencies|offers --format json`` (process start to exit) and the library
  calls alone (after loading);
* one shell completion (``_CERTPATH_COMPLETE=bash_complete``) of ``--target`` and ``--have``,
  the first (building the name index) and the following ones.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
OLD = "1eb366b"  # main before issue 17: the catalog went through SHACL with the whole graph
ROW = (
    "id,label,type,provider,hours,cost,currency,delivery_mode,teaches,prerequisites,source_url\n"
    "esco-pm-course,ESCO PM course,course,Scrum Alliance,10,500,USD,self-paced,"
    "ICT project management@2; backlog refinement@3,cspo,https://example.com/x\n"
)


def wall(args: list[str], env: dict[str, str] | None = None) -> float:
    """Seconds from process start to exit; the command must succeed."""
    start = time.perf_counter()
    subprocess.run(args, capture_output=True, check=True, env=env)
    return time.perf_counter() - start


def median(function: Callable[[], float], runs: int) -> float:
    return statistics.median(function() for _ in range(runs))


def ms(seconds: float) -> str:
    return f"{seconds * 1000:,.0f} ms"


def catalog_import(work: Path, esco_nt: Path, old: str | None, runs: int) -> None:
    catalog = work / "one-row.csv"
    catalog.write_text(ROW, encoding="utf-8")
    command = [
        str(BIN / "python"),
        "-m",
        "certpath",
        "--data",
        "bundled",
        "--data",
        str(esco_nt),
        "import",
        "catalog",
        str(catalog),
        "-o",
        str(work / "out.ttl"),
        "--force",
    ]
    new_times, old_times = [], []
    old_env = None
    if old:
        tree = work / "old"
        git = ["git", "-C", str(ROOT), "worktree"]
        subprocess.run([*git, "add", "-f", str(tree), old], check=True, capture_output=True)
        old_env = {**os.environ, "PYTHONPATH": str(tree / "src")}
    try:
        for _ in range(runs):
            new_times.append(wall(command))
            if old_env is not None:
                old_times.append(wall(command, old_env))
    finally:
        if old:
            subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force",
                            str(work / "old")], check=False, capture_output=True)  # fmt: skip
    after = ms(statistics.median(new_times))
    print(f"import catalog (1 row), --data bundled --data esco.nt: {after}")
    if old_times:
        ratios = [o / n for o, n in zip(old_times, new_times, strict=True)]
        print(f"  before ({old}): {ms(statistics.median(old_times))}; "
              f"before/after {statistics.median(ratios):.1f}x")  # fmt: skip
    store = work / "store"
    subprocess.run([str(BIN / "certpath"), "--store", f"oxigraph:{store}", "load", "bundled",
                    str(esco_nt)], check=True, capture_output=True)  # fmt: skip
    stored = [str(BIN / "python"), "-m", "certpath", "--store", f"oxigraph:{store}",
              *command[command.index("import"):]]  # fmt: skip
    print(f"  with ESCO in an Oxigraph store (--store): {ms(median(lambda: wall(stored), runs))}")


def validation_alone(esco_nt: Path, runs: int) -> None:
    import pyoxigraph as ox

    from certpath.graph import KnowledgeGraph, load
    from certpath.importers.catalog import convert
    from certpath.importers.catalog_check import validate_catalog
    from certpath.validate import validate

    kg = load(["bundled", str(esco_nt)])
    with tempfile.TemporaryDirectory() as folder:
        catalog = Path(folder) / "one-row.csv"
        catalog.write_text(ROW, encoding="utf-8")
        built = convert(kg, catalog)
    data = ox.serialize(built.triples, format=ox.RdfFormat.TURTLE)
    assert data is not None
    added = list(ox.parse(data, format=ox.RdfFormat.TURTLE))

    def scoped() -> float:
        start = time.perf_counter()
        assert validate_catalog(kg, added).valid
        return time.perf_counter() - start

    def whole() -> float:
        start = time.perf_counter()
        store = ox.Store()
        store.bulk_load(input=kg.store.dump(format=ox.RdfFormat.N_TRIPLES,
                                            from_graph=ox.DefaultGraph()),
                        format=ox.RdfFormat.N_TRIPLES)  # fmt: skip
        store.bulk_load(input=data, format=ox.RdfFormat.TURTLE)
        validate(KnowledgeGraph(store))
        return time.perf_counter() - start

    scoped()  # imports pyshacl
    print(f"validation alone: scoped {ms(median(scoped, runs))}; "
          f"whole graph {ms(whole())} (one run)")  # fmt: skip


def listing(esco_nt: Path, runs: int) -> None:
    from certpath import listing as lists
    from certpath.graph import load

    kg = load(["bundled", str(esco_nt)])
    for kind, function in (
        ("roles", lists.roles),
        ("competencies", lists.competencies),
        ("offers", lists.offers),
    ):

        def call(f: Callable[..., object] = function) -> float:
            start = time.perf_counter()
            f(kg)
            return time.perf_counter() - start

        command = [str(BIN / "certpath"), "--data", "bundled", "--data", str(esco_nt), kind,
                   "--format", "json"]  # fmt: skip
        print(f"certpath {kind}: {ms(median(lambda c=command: wall(c), runs))} "
              f"(library call after loading: {ms(median(call, runs))})")  # fmt: skip


def completion(work: Path, esco_nt: Path, runs: int) -> None:
    env = {**os.environ, "CERTPATH_CACHE_DIR": str(work / "cache")}
    for words, cword in (
        (f"certpath --data bundled --data {esco_nt} path --target ict\\ pro", "7"),
        (f"certpath --data bundled --data {esco_nt} path --have project\\ man", "7"),
    ):
        run_env = {**env, "COMP_WORDS": words, "COMP_CWORD": cword,
                   "_CERTPATH_COMPLETE": "bash_complete"}  # fmt: skip
        args = [str(BIN / "certpath")]
        first = wall(args, run_env)
        later = median(lambda a=args, e=run_env: wall(a, e), runs)
        shown = words.split(" path ")[1]
        print(f"completion of '{shown}': first {ms(first)} (builds the index), then {ms(later)}")
        for index in (work / "cache").glob("names-*.sqlite"):
            index.unlink()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "esco", nargs="?", type=Path, default=ROOT.parent / "shared/data/esco-v1.1.1"
    )
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--old", default=OLD, help="'none' to skip the old importer")
    options = parser.parse_args()
    archives = sorted(str(p) for p in options.esco.glob("*.zip"))
    if not archives:
        sys.exit(f"no ESCO archives in {options.esco}")
    with tempfile.TemporaryDirectory(prefix="certpath-bench-cli-") as folder:
        work = Path(folder)
        esco_nt = work / "esco.nt"
        subprocess.run([str(BIN / "certpath"), "import", "esco", *archives, "-o", str(esco_nt)],
                       check=True, capture_output=True)  # fmt: skip
        print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
        catalog_import(work, esco_nt, None if options.old == "none" else options.old, options.runs)
        validation_alone(esco_nt, options.runs)
        listing(esco_nt, options.runs)
        completion(work, esco_nt, options.runs)


if __name__ == "__main__":
    main()
