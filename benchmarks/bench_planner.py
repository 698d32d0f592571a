"""Planner benchmark on ESCO-scale synthetic graphs, against issue 11's targets.

Run it from the repository root::

    .venv/bin/python benchmarks/bench_planner.py                  # both shapes, old planner too
    .venv/bin/python benchmarks/bench_planner.py --quick          # small graphs (smoke, ~1 min)
    .venv/bin/python benchmarks/bench_planner.py --shape realistic --groups iri --old none

For each shape (``--shape realistic|chain-heavy|tiered``, default the first two) it writes the
graph with ``synthetic.generate_files`` (3,000 roles, 14,000 competencies, 10,000 offers in five
files and four RDF formats, groups as blank nodes and IRIs), then starts two worker processes
that load it through ``certpath.graph.load`` and ``certpath.projection.project`` (the real path):
this checkout's planner and the one at ``--old`` (default ``403bafe``, checked out into a
temporary ``git worktree`` outside the repository and put first on ``PYTHONPATH``). The same
questions go to both in turn (A B A B ...), so every ratio is paired and measured in one run:

* ``path`` (exact) per question: p50 / p90 / p99; every answer of this checkout is checked for
  validity against the graph (each step startable by the vocabulary's rules 2-3 after the
  steps before it, every requirement met after the last) and, on a sample, its total against
  the old planner's when both are exact;
* greedy (how much dearer, mean and max) and ``closest --top 10`` for a few people;
* on the chain-heavy shape every question is bounded: ``time_limit`` when the planner takes one
  (else a hard deadline per question in the parent, which stops that worker), and the number
  that hit it is reported.

Then one-shot ``certpath path`` processes (start to exit, median of ``--cli-runs``) on the
bundled data and on ESCO + bundled in an Oxigraph store (built with ``certpath import esco``
when ``../shared/data/esco-v1.1.1`` exists), against ``python -c pass`` and the old checkout,
and the top-level imports by ``python -X importtime``. Prints the issue's table per shape and
the details as markdown; ``--json`` writes every figure. Exit 1 when an answer is invalid.
Questions: a random role, a person holding a third of its requirements at their level.
"""

from __future__ import annotations

import argparse
import contextlib
import inspect
import json
import math
import os
import random
import select
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))
ESCO = ROOT.parent / "shared" / "data" / "esco-v1.1.1"
CLI_ARGS = ["path", "--target", "SAFe POPM", "--have", "user story writing", "--have",
            "backlog refinement", "--format", "json"]  # fmt: skip
ESCO_ARGS = ["path", "--target", "cpd:safe-popm", "--have", "cpd:user-story-writing", "--format",
             "json"]  # fmt: skip
FULL = {"roles": 3000, "competencies": 14000, "offers": 10000}
QUICK = {"roles": 300, "competencies": 1400, "offers": 1000}
TARGETS = {"realistic": (10.0, 100.0, 1.0), "chain-heavy": (1000.0, None, None)}


# --------------------------------------------------------------------------- the worker


def worker(files: list[str]) -> None:
    """Load the graph, then answer one JSON request per stdin line with one JSON line."""
    from certpath import planner
    from certpath.errors import CertpathError, NoPlan
    from certpath.graph import load
    from certpath.projection import project

    start = time.perf_counter()
    kg = load([Path(f) for f in files])
    loaded = time.perf_counter() - start
    G = project(kg)
    projected = time.perf_counter() - start - loaded
    del kg
    index = getattr(planner, "_index", None)
    if index is not None:
        index(G)  # built once per graph, as a long-running process would
    takes_limit = "time_limit" in inspect.signature(planner.shortest_learning_path).parameters
    import highspy  # noqa: F401  (imported by the first solve; not part of a question)

    reply({"load_s": loaded, "project_s": projected, "time_limit": takes_limit})
    for line in sys.stdin:
        q = json.loads(line)
        person = {"have": q["have"], "holds": q["holds"]}
        t0 = time.perf_counter()
        try:
            if q["op"] == "closest":
                found = planner.closest_roles(G, top=10, **person)
                out: dict[str, Any] = {"roles": [d.role for d in found]}
            elif q["op"] == "verify":
                out = verify(G, q)
            else:
                fn = planner.greedy_learning_path if q["op"] == "greedy" else None
                fn = fn or planner.shortest_learning_path
                extra = {"time_limit": q["time_limit"]} if takes_limit and q["op"] == "path" else {}
                plan = fn(G, q["role"], minimize="hours", **person, **extra)
                out = {
                    "status": "plan",
                    "steps": [s.iri for s in plan.steps],
                    "hours": plan.total_hours,
                    "optimal": plan.optimal,
                    "bound": getattr(plan, "bound", None),
                }
        except NoPlan:
            out = {"status": "no_plan"}
        except CertpathError as exc:
            out = {"status": "error", "message": str(exc)}
        out["s"] = time.perf_counter() - t0
        reply(out)


def verify(G: Any, q: dict[str, Any]) -> dict[str, Any]:
    """The question's 0/1 model solved by the eager formulation (``highs-ordered``), an exact
    method independent of the lazy cuts: its hours and the candidate count (this checkout)."""
    from certpath import _milp
    from certpath.planning.index import snapshot
    from certpath.planning.question import Question
    from certpath.planning.reduction import reduce, structure_reasons
    from certpath.planning.solving import model

    s = snapshot(G)
    r = reduce(s, Question(q["role"], have=q["have"], holds=q["holds"]))
    if structure_reasons(s, r):
        return {"status": "no_plan"}
    m = model(s, r)
    found = _milp.solve(m, ("hours", "cost", "steps"), {}, method="highs-ordered")
    hours = _milp.measure(m, "hours", found.plans[0]) if found.plans else None
    return {"status": "plan" if found.plans else "no_plan", "hours": hours,
            "candidates": len(m.offers)}  # fmt: skip


def reply(data: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(data) + "\n")
    sys.stdout.flush()


class Worker:
    """A worker process for one checkout (``src``: its source folder, first on PYTHONPATH)."""

    def __init__(self, name: str, src: Path, files: list[Path]) -> None:
        self.name = name
        env = {**os.environ, "PYTHONPATH": str(src)}
        self.proc = subprocess.Popen(
            [sys.executable, __file__, "--worker", *map(str, files)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            env=env,
            cwd=str(src.parent),
        )
        self.ready: dict[str, Any] | None = None
        self.dead = False

    def wait_ready(self, timeout: float = 600.0) -> dict[str, Any]:
        self.ready = self._read(timeout)
        return self.ready or {}

    def ask(self, request: dict[str, Any], timeout: float) -> dict[str, Any] | None:
        """The answer, or None when the worker is stopped (or was, at an earlier deadline)."""
        if self.dead:
            return None
        assert self.proc.stdin is not None
        self.proc.stdin.write(json.dumps(request) + "\n")
        self.proc.stdin.flush()
        return self._read(timeout)

    def _read(self, timeout: float) -> dict[str, Any] | None:
        assert self.proc.stdout is not None
        ready, _, _ = select.select([self.proc.stdout], [], [], timeout)
        line = self.proc.stdout.readline() if ready else ""
        if not line:
            self.stop()
            return None
        answer: dict[str, Any] = json.loads(line)
        return answer

    def stop(self) -> None:
        self.dead = True
        with contextlib.suppress(ProcessLookupError):
            self.proc.kill()
        self.proc.wait()


@contextlib.contextmanager
def old_checkout(commit: str) -> Iterator[Path | None]:
    """The ``src`` folder of ``commit`` in a temporary worktree outside the repository."""
    if commit == "none":
        yield None
        return
    folder = Path(tempfile.mkdtemp(prefix="certpath-old-"))
    tree = folder / "tree"
    subprocess.run(
        ["git", "-C", str(ROOT), "worktree", "add", "--detach", str(tree), commit],
        check=True,
        capture_output=True,
    )
    try:
        yield tree / "src"
    finally:
        subprocess.run(
            ["git", "-C", str(ROOT), "worktree", "remove", "--force", str(tree)],
            capture_output=True,
        )
        shutil.rmtree(folder, ignore_errors=True)


# --------------------------------------------------------------------------- questions, checks


def make_questions(G: Any, count: int, seed: int) -> list[dict[str, Any]]:
    """Random roles; the person holds a third of the role's requirements at their level."""
    rng = random.Random(seed)
    roles = sorted(n for n, d in G.nodes(data=True) if d["kind"] == "role")
    found = []
    for _ in range(count):
        role = rng.choice(roles)
        edges = G.out_edges(role, keys=True, data=True)
        reqs = sorted((v, d.get("level", 1)) for _, v, k, d in edges if k == "requires")
        have = dict(rng.sample(reqs, len(reqs) // 3))
        found.append({"role": role, "have": have, "holds": []})
    return found


def check_plan(G: Any, q: dict[str, Any], steps: list[str]) -> str:
    """Why the plan breaks the vocabulary's rules 2-4 (empty when it is valid); independent of
    the planner's code."""
    broader: dict[str, list[str]] = {}
    for u, v, k in G.edges(keys=True):
        if k == "broader":
            broader.setdefault(u, []).append(v)
    reach: dict[str, int] = {}

    def gain(c: str, level: int) -> None:
        todo = [c]
        while todo:
            n = todo.pop()
            if reach.get(n, 0) < level:
                reach[n] = level
                todo.extend(broader.get(n, ()))

    for c, level in q["have"].items():
        gain(c, int(level))
    held = set(q["holds"])

    def met(item: str) -> bool:
        kind = G.nodes[item].get("kind")
        if kind == "offer":
            return item in held
        if kind == "competency":
            return reach.get(item, 0) >= 1
        if kind == "group":
            members = [v for _, v, k in G.out_edges(item, keys=True) if k == "member"]
            return sum(1 for m in members if met(m)) >= int(G.nodes[item].get("min_count", 1))
        return False

    for i, o in enumerate(steps):
        prereqs = [v for _, v, k in G.out_edges(o, keys=True) if k == "prerequisite"]
        if not all(met(p) for p in prereqs):
            return f"step {i + 1} ({o}) is not startable"
        held.add(o)
        for _, c, k, d in G.out_edges(o, keys=True, data=True):
            if k == "teaches":
                gain(c, int(d.get("level", 1)))
    for _, c, k, d in G.out_edges(q["role"], keys=True, data=True):
        if k == "requires" and reach.get(c, 0) < int(d.get("level", 1)):
            return f"requirement {c} not met"
    return ""


# --------------------------------------------------------------------------- one shape


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[max(1, math.ceil(p / 100.0 * len(ordered))) - 1] if ordered else math.nan


def run_shape(shape: str, args: argparse.Namespace, old_src: Path | None) -> dict[str, Any]:
    from synthetic import generate_files

    from certpath.graph import load
    from certpath.projection import project

    sizes = QUICK if args.quick else FULL
    chain = shape == "chain-heavy"
    n_questions = args.questions or (
        (3 if args.quick else 20) if chain else (30 if args.quick else 200)
    )
    limit = args.time_limit
    out: dict[str, Any] = {"shape": shape, "groups": args.groups, **sizes}
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        files = generate_files(Path(tmp), shape=shape, groups=args.groups, seed=args.seed, **sizes)
        out["generate_s"] = time.perf_counter() - start
        print(f"[{shape}] generated in {out['generate_s']:.1f} s; loading", file=sys.stderr)
        workers = {"new": Worker("new", ROOT / "src", files)}
        if old_src is not None:
            workers["old"] = Worker("old", old_src, files)
        G = project(load(files))
        qs = make_questions(G, n_questions, args.seed)
        for name, w in workers.items():
            out[f"{name}_ready"] = w.wait_ready()
        rows: list[dict[str, Any]] = []
        for i, q in enumerate(qs):
            row: dict[str, Any] = {"question": q}
            for op in ("path", "greedy"):
                for name, w in workers.items():
                    deadline = (limit + 60.0) if out[f"{name}_ready"].get("time_limit") else limit
                    answer = w.ask({"op": op, **q, "time_limit": limit}, deadline if chain else 600)
                    row[f"{name}_{op}"] = answer
            new = row["new_path"]
            if new and new.get("status") == "plan":
                row["invalid"] = check_plan(G, q, new["steps"])
            if i < args.verify and not chain:
                row["verify"] = workers["new"].ask({"op": "verify", **q}, 600)
            rows.append(row)
            print(f"  [{shape}] question {i + 1}/{len(qs)}: " + ", ".join(
                f"{k} {v['s'] * 1000:.0f} ms" for k, v in row.items() if isinstance(v, dict)
                and "s" in v), file=sys.stderr)  # fmt: skip
        closest: dict[str, list[float]] = {name: [] for name in workers}
        if not chain:
            for q in make_questions(G, args.persons, args.seed + 1):
                for name, w in workers.items():
                    answer = w.ask({"op": "closest", **q}, 600)
                    if answer:
                        closest[name].append(answer["s"])
        for w in workers.values():
            w.stop()
    out["rows"] = rows
    out["closest_s"] = closest
    out["questions"] = n_questions
    out["time_limit"] = limit
    return out


def summarise(r: dict[str, Any]) -> dict[str, Any]:
    """Percentiles, ratios and checks of one shape's rows."""
    rows = r["rows"]
    s: dict[str, Any] = {}
    for name in ("new", "old"):
        times = [row[f"{name}_path"]["s"] for row in rows if row.get(f"{name}_path")]
        s[name] = {
            "answered": len(times),
            "p50": percentile(times, 50),
            "p90": percentile(times, 90),
            "p99": percentile(times, 99),
            "closest": statistics.median(r["closest_s"].get(name) or [math.nan]),
            "not_optimal": sum(
                1 for row in rows if (row.get(f"{name}_path") or {}).get("optimal") is False
            ),
            "plans": sum(
                1 for row in rows if (row.get(f"{name}_path") or {}).get("status") == "plan"
            ),
        }
    paired = [
        row["old_path"]["s"] / row["new_path"]["s"]
        for row in rows
        if row.get("old_path") and row.get("new_path")
    ]
    s["ratio_median"] = statistics.median(paired) if paired else math.nan
    s["paired"] = len(paired)
    dearer = []
    for row in rows:
        e, g = row.get("new_path") or {}, row.get("new_greedy") or {}
        if e.get("status") == "plan" and g.get("status") == "plan" and e.get("optimal"):
            dearer.append((g["hours"] - e["hours"]) / e["hours"] * 100.0 if e["hours"] else 0.0)
    s["greedy_mean_pct"] = statistics.fmean(dearer) if dearer else math.nan
    s["greedy_max_pct"] = max(dearer) if dearer else math.nan
    s["greedy_cheaper"] = sum(1 for d in dearer if d < -1e-6)
    s["invalid"] = [row["invalid"] for row in rows if row.get("invalid")]
    s["invalid"] += [f"not optimal: {row['question']['role']}" for row in rows
                     if (row.get("verify") or {}).get("status") == "plan"
                     and abs(row["verify"]["hours"] - (row.get("new_path") or {}).get(
                         "hours", math.inf)) > 1e-6]  # fmt: skip
    s["errors"] = sum(1 for row in rows if (row.get("new_path") or {}).get("status") == "error")
    agree = differ = 0
    for row in rows:
        e, o = row.get("new_path") or {}, row.get("old_path") or {}
        if e.get("optimal") and o.get("optimal") and "hours" in e and "hours" in o:
            same = abs(e["hours"] - o["hours"]) <= 1e-6 * max(1.0, e["hours"])
            agree += same
            differ += not same
    s["same_hours_as_old"] = (agree, differ)
    checked = [row for row in rows if (row.get("verify") or {}).get("status") == "plan"]
    s["verified"] = len(checked)
    s["verify_differs"] = sum(
        1
        for row in checked
        if abs(row["verify"]["hours"] - (row["new_path"] or {}).get("hours", math.inf)) > 1e-6
    )
    sizes = [row["verify"]["candidates"] for row in checked]
    s["candidates"] = (
        f"median {statistics.median(sizes):.0f} [{min(sizes)}-{max(sizes)}]" if sizes else "n/a"
    )
    return s


# --------------------------------------------------------------------------- one-shot CLI


def one_run(cmd: list[str], env: dict[str, str] | None) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, capture_output=True, env=env)
    return time.perf_counter() - start


def section_cli(
    args: argparse.Namespace, old_src: Path | None, store: Path | None
) -> dict[str, Any]:
    """One-shot ``certpath path`` against ``python -c pass`` and the old checkout, interleaved."""
    py = sys.executable
    new_env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    cases = {"bundled": CLI_ARGS}
    if store is not None:
        cases["esco-store"] = ["--store", f"oxigraph:{store}", *ESCO_ARGS]
    out: dict[str, Any] = {}
    for name, cli in cases.items():
        cmds = {
            "new": ([py, "-m", "certpath", *cli], new_env),
            "python": ([py, "-c", "pass"], None),
        }
        if old_src is not None:
            cmds["old"] = ([py, "-m", "certpath", *cli], {**os.environ, "PYTHONPATH": str(old_src)})
        times: dict[str, list[float]] = {k: [] for k in cmds}
        for cmd, env in cmds.values():
            one_run(cmd, env)  # warm the file cache
        for _ in range(args.cli_runs):  # interleaved, one run each in turn
            for k, (cmd, env) in cmds.items():
                times[k].append(one_run(cmd, env))
        out[name] = {k: statistics.median(v) for k, v in times.items()}
    imports = subprocess.run([py, "-X", "importtime", "-m", "certpath", *CLI_ARGS],
                             capture_output=True, text=True, env=new_env).stderr  # fmt: skip
    top: list[tuple[str, float]] = []
    for line in imports.splitlines():
        parts = line.split("|")
        if len(parts) == 3 and parts[0].startswith("import time:") and "self" not in parts[0]:
            name = parts[2].rstrip()
            if name.startswith(" ") and not name.startswith("  "):
                top.append((name.strip(), int(parts[1]) / 1e6))
    top.sort(key=lambda t: -t[1])
    out["imports_total_s"] = sum(v for _, v in top)
    out["imports_top"] = top[:8]
    return out


def esco_store(folder: Path) -> Path | None:
    zips = sorted(ESCO.glob("*.zip"))
    if not zips:
        return None
    store = folder / "store"
    subprocess.run([str(Path(sys.executable).parent / "certpath"), "import", "esco",
                    *map(str, zips), "--store", f"oxigraph:{store}"], check=True,
                   capture_output=True)  # fmt: skip
    return store


# --------------------------------------------------------------------------- report


def ms(seconds: float) -> str:
    if math.isnan(seconds):
        return "n/a"
    v = seconds * 1000.0
    return f"{v:,.1f}" if v < 100 else f"{v:,.0f}"


def report(shapes: list[dict[str, Any]], cli: dict[str, Any] | None, old: str) -> str:
    lines = [
        "| graph shape | candidates per question | `path` p50 / p90 / p99 | vs "
        f"{old} (paired median) | `closest --top 10` | greedy dearer, mean / max |",
        "|---|---|---|---|---|---|",
    ]
    for r in shapes:
        s = r["summary"]
        n, o = s["new"], s["old"]
        lines.append(
            f"| {r['shape']} ({r['groups']} groups, {r['questions']} questions) | "
            f"{s['candidates']} | "
            f"**{ms(n['p50'])} / {ms(n['p90'])} / {ms(n['p99'])} ms** "
            f"(old: {ms(o['p50'])} / {ms(o['p90'])} / {ms(o['p99'])}) | "
            f"{s['ratio_median']:.1f}x faster over {s['paired']} | "
            f"{n['closest']:.2f} s (old {o['closest']:.2f} s) | "
            f"{s['greedy_mean_pct']:.1f} % / {s['greedy_max_pct']:.1f} % |"
        )
    for r in shapes:
        s = r["summary"]
        lines += [
            "",
            f"**{r['shape']}**: load {r['new_ready'].get('load_s', math.nan):.1f} s, project "
            f"{r['new_ready'].get('project_s', math.nan):.1f} s; plans {s['new']['plans']} of "
            f"{r['questions']}; invalid {len(s['invalid'])}; errors {s['errors']}; "
            f"not optimal (time limit {r['time_limit']:g} s) {s['new']['not_optimal']}; "
            f"old answered {s['old']['answered']}; same hours as old where both exact "
            f"{s['same_hours_as_old'][0]}, different {s['same_hours_as_old'][1]} "
            "(the old planner ignores blank-node groups); greedy cheaper than exact "
            f"{s['greedy_cheaper']}x; optimality re-checked by the eager formulation on "
            f"{s['verified']} questions, different {s['verify_differs']}.",
        ]
    if cli:
        lines += ["", "| one-shot `certpath path` (median) | this checkout | `python -c pass` "
                  f"| {old} |", "|---|---|---|---|"]  # fmt: skip
        for name in ("bundled", "esco-store"):
            if name in cli:
                c = cli[name]
                lines.append(
                    f"| {name} | {ms(c['new'])} ms | {ms(c['python'])} ms "
                    f"({c['new'] / c['python']:.1f}x) | {ms(c.get('old', math.nan))} ms "
                    f"({c.get('old', math.nan) / c['new']:.2f}x this) |"
                )
        lines.append(
            "\nImports (`-X importtime`, top level): "
            + ", ".join(f"{n} {v * 1000:.0f} ms" for n, v in cli["imports_top"][:6])
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shape", action="append", choices=["realistic", "chain-heavy", "tiered"])
    parser.add_argument("--groups", default="mixed", choices=["mixed", "blank", "iri"])
    parser.add_argument("--quick", action="store_true", help="300 roles, few questions")
    parser.add_argument("--questions", type=int)
    parser.add_argument("--persons", type=int, default=3, help="people for closest (3)")
    parser.add_argument("--time-limit", type=float, default=10.0, help="chain-heavy, s (10)")
    parser.add_argument("--old", default="403bafe", help="commit to compare with ('none': skip)")
    parser.add_argument("--cli-runs", type=int, default=15)
    parser.add_argument("--no-cli", action="store_true")
    parser.add_argument("--verify", type=int, default=30, help="questions re-solved (30)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--json", type=Path)
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args, rest = parser.parse_known_args()
    if args.worker:
        worker(rest)
        return
    shapes = args.shape or ["realistic", "chain-heavy"]
    results = []
    with old_checkout(args.old) as old_src, tempfile.TemporaryDirectory() as tmp:
        for shape in shapes:
            r = run_shape(shape, args, old_src)
            r["summary"] = summarise(r)
            results.append(r)
        cli = None
        if not args.no_cli:
            print("one-shot CLI", file=sys.stderr)
            cli = section_cli(args, old_src, None if args.quick else esco_store(Path(tmp)))
    print(report(results, cli, args.old))
    if args.json:
        args.json.write_text(json.dumps({"shapes": results, "cli": cli}, indent=1, default=str))
    sys.exit(1 if any(r["summary"]["invalid"] or r["summary"]["errors"] for r in results) else 0)


if __name__ == "__main__":
    main()
