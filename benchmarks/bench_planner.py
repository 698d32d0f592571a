"""Planner benchmark on an ESCO-scale synthetic graph, against the issue's targets.

Run it from the repository root::

    .venv/bin/python benchmarks/bench_planner.py               # 3,000 roles, 200 questions
    .venv/bin/python benchmarks/bench_planner.py --quick       # 300 roles, 50 questions (smoke)
    .venv/bin/python benchmarks/bench_planner.py --json out.json --profile

It generates the graph with ``benchmarks/synthetic.py`` (3,000 roles, 14,000 competencies,
10,000 offers) and measures, printing a markdown table to stdout:

* ``load`` and ``project`` separately (median of ``--repeat`` runs);
* ``shortest_learning_path`` over random (person, role) questions: p50 / p99, every plan exact;
  in the same run the greedy planner (how much dearer its plans are) and a naive whole-graph
  NetworkX Dijkstra (time per question, and how often its "distance" is the right answer);
* ``closest_roles(top=10)`` over all roles, median over a few persons;
* a one-shot ``certpath path`` on the bundled data, process start to exit (median, p90), and
  the top-level imports by ``python -X importtime``;
* peak RSS of a child process that loads the graph, projects it and builds the planner index
  (RSS, not tracemalloc: Oxigraph allocates in Rust, where tracemalloc does not see).

Each planner call runs under a deadline (``--timeout``); a call that overruns counts as that
many seconds (so percentiles over it are lower bounds, shown as ``>=``). The question loop
stops after ``--budget`` seconds. The exit status is 1 when a target is missed (or a plan is
not exact), so the script can flag a regression. ``--profile`` adds cProfile's top functions
for one question and for ``project``.
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import io
import json
import math
import os
import pstats
import random
import resource
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import networkx as nx  # noqa: E402
from synthetic import generate  # noqa: E402

from certpath import planner  # noqa: E402
from certpath.errors import NoPlan  # noqa: E402
from certpath.graph import load  # noqa: E402
from certpath.projection import project  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
CLI_ARGS = [
    "path",
    "--target",
    "SAFe POPM",
    "--have",
    "user story writing",
    "--have",
    "backlog refinement",
    "--format",
    "json",
]

#: The issue's targets: name -> (limit, unit).
TARGETS = {
    "path_p50": (20.0, "ms"),
    "path_p99": (200.0, "ms"),
    "closest_median": (3.0, "s"),
    "cli_median": (400.0, "ms"),
}

FULL = {"roles": 3000, "competencies": 14000, "offers": 10000, "questions": 200}
QUICK = {"roles": 300, "competencies": 1400, "offers": 1000, "questions": 50}


# --------------------------------------------------------------------------- timing helpers


class Overrun(Exception):
    """A planner call ran past its deadline."""


@contextlib.contextmanager
def deadline(seconds: float) -> Iterator[None]:
    """Raise :class:`Overrun` in the block after *seconds* of wall time (SIGALRM).

    The signal is handled between Python bytecodes, so a HiGHS solve in C finishes first; the
    planner returns to Python between solves, which keeps the overrun to one solve.
    """

    def handler(signum: int, frame: object) -> None:
        raise Overrun

    previous = signal.signal(signal.SIGALRM, handler)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0.0)
        signal.signal(signal.SIGALRM, previous)


@dataclass
class Outcome:
    """One timed call: seconds, and the plan (None for no plan or an overrun)."""

    seconds: float
    plan: Any = None
    no_plan: bool = False
    overrun: bool = False
    error: str = ""


def timed_call(fn: Callable[[], Any], timeout: float) -> Outcome:
    """Run *fn* under a deadline; an overrun counts as *timeout* seconds."""
    start = time.perf_counter()
    try:
        with deadline(timeout):
            result = fn()
    except Overrun:
        return Outcome(timeout, overrun=True)
    except NoPlan:
        return Outcome(time.perf_counter() - start, no_plan=True)
    except RuntimeError as exc:
        # HiGHS reports kSolveError when the deadline's signal lands inside a solve.
        if time.perf_counter() - start >= 0.95 * timeout:
            return Outcome(timeout, overrun=True)
        return Outcome(time.perf_counter() - start, error=str(exc))
    return Outcome(time.perf_counter() - start, plan=result)


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile *p* (0-100) of *values*."""
    ordered = sorted(values)
    rank = max(1, math.ceil(p / 100.0 * len(ordered)))
    return ordered[rank - 1]


@dataclass
class Stat:
    """A censored sample: values in seconds, the cap an overrun was counted at."""

    values: list[float] = field(default_factory=list)
    cap: float = math.inf

    def at(self, p: float) -> float:
        return percentile(self.values, p) if self.values else math.nan

    def censored(self, p: float) -> bool:
        return bool(self.values) and self.at(p) >= self.cap

    def median(self) -> float:
        return statistics.median(self.values) if self.values else math.nan


def fmt(seconds: float, unit: str, censored: bool = False) -> str:
    """Seconds shown in *unit* (``ms`` or ``s``), with ``>=`` for a lower bound."""
    if math.isnan(seconds):
        return "n/a"
    value = seconds * 1000.0 if unit == "ms" else seconds
    text = f"{value:,.1f} {unit}" if value < 100 else f"{value:,.0f} {unit}"
    return (">= " if censored else "") + text


def spread(values: list[float]) -> str:
    """``median [min-max]`` in seconds, for repeated runs."""
    return f"{statistics.median(values):.2f} s [{min(values):.2f}-{max(values):.2f}]"


# --------------------------------------------------------------------------- the questions


@dataclass
class Question:
    """A random person (competencies at levels, maybe one held offer) and a target role."""

    role: str
    have: dict[str, int]
    holds: list[str]


def questions(G: Any, count: int, seed: int) -> list[Question]:
    """Return *count* random questions over the projected graph *G*."""
    rng = random.Random(seed)
    roles = sorted(n for n, d in G.nodes(data=True) if d["kind"] == "role")
    comps = sorted(n for n, d in G.nodes(data=True) if d["kind"] == "competency")
    offers = sorted(n for n, d in G.nodes(data=True) if d["kind"] == "offer")
    found = []
    for _ in range(count):
        have = {c: rng.randint(1, 5) for c in rng.sample(comps, rng.randint(1, 5))}
        holds = [rng.choice(offers)] if rng.random() < 0.5 else []
        found.append(Question(rng.choice(roles), have, holds))
    return found


# --------------------------------------------------------------------------- naive baseline


def dijkstra_graph(G: Any) -> Any:
    """The whole projection as a weighted DiGraph in the learning direction (the naive model).

    Entering an offer costs its hours, everything else is free: person -> what they have;
    a free "anyone" node -> offers without prerequisites; prerequisite -> the offer needing it;
    offer -> what it teaches -> broader competencies -> roles requiring them; member -> group.
    """
    hours = {n: float(d.get("hours") or 0.0) for n, d in G.nodes(data=True) if d["kind"] == "offer"}
    H = nx.DiGraph()
    H.add_nodes_from(G.nodes)
    has_prerequisite = set()
    for u, v, key in G.edges(keys=True):
        if key in ("requires", "recommends", "member"):
            H.add_edge(v, u, weight=0.0)
        elif key == "prerequisite":
            H.add_edge(v, u, weight=hours[u])
            has_prerequisite.add(u)
        else:  # teaches, broader, leadsTo, offeredBy, framework: as projected
            H.add_edge(u, v, weight=hours.get(v, 0.0))
    H.add_edges_from(
        ("@anyone", o, {"weight": h}) for o, h in hours.items() if o not in has_prerequisite
    )
    return H


def dijkstra_question(H: Any, q: Question) -> float:
    """Whole-graph single-source Dijkstra from the person; their "distance" to the role."""
    H.add_edge("@person", "@anyone", weight=0.0)
    H.add_edges_from(("@person", n, {"weight": 0.0}) for n in [*q.have, *q.holds])
    try:
        dist, _ = nx.single_source_dijkstra(H, "@person")
    finally:
        H.remove_node("@person")
    return float(dist.get(q.role, math.inf))


# --------------------------------------------------------------------------- sections


def section_load(path: Path, repeat: int) -> tuple[Any, dict[str, Any]]:
    """Time ``load`` and ``project`` separately, *repeat* times; return the last graph."""
    loads, projects = [], []
    G = None
    for _ in range(repeat):
        G = None
        start = time.perf_counter()
        kg = load([path])
        loads.append(time.perf_counter() - start)
        start = time.perf_counter()
        G = project(kg)
        projects.append(time.perf_counter() - start)
        triples = len(kg)
        del kg
    start = time.perf_counter()
    planner._index(G)  # built once per graph and cached: the questions below reuse it
    index = time.perf_counter() - start
    return G, {
        "load_s": loads,
        "project_s": projects,
        "index_s": index,
        "triples": triples,
        "nodes": G.number_of_nodes(),
        "edges": G.number_of_edges(),
    }


def section_questions(
    G: Any, qs: list[Question], timeout: float, budget: float, repeat: int
) -> dict[str, Any]:
    """Exact, greedy and naive Dijkstra on each question, until *budget* seconds are spent."""
    exact, greedy = Stat(cap=timeout), Stat(cap=timeout)
    naive: list[float] = []
    rows: list[dict[str, Any]] = []
    start = time.perf_counter()
    import highspy  # noqa: F401 - imported by the first solve; its import is not a question

    start_h = time.perf_counter()
    H = dijkstra_graph(G)
    build_h = time.perf_counter() - start_h
    for q in qs:
        if time.perf_counter() - start > budget:
            break

        def ask(fn: Callable[..., Any], q: Question = q) -> Callable[[], Any]:
            return lambda: fn(G, q.role, have=q.have, holds=q.holds, minimize="hours")

        e = timed_call(ask(planner.shortest_learning_path), timeout)
        g = timed_call(ask(planner.greedy_learning_path), timeout)
        t0 = time.perf_counter()
        distance = dijkstra_question(H, q)
        naive.append(time.perf_counter() - t0)
        print(
            f"  question {len(rows) + 1}: exact {e.seconds:.3f} s {_summary(e)['status']}, "
            f"greedy {g.seconds:.3f} s, dijkstra {naive[-1]:.3f} s",
            file=sys.stderr,
        )
        exact.values.append(e.seconds)
        greedy.values.append(g.seconds)
        rows.append(
            {
                "role": q.role,
                "have": q.have,
                "holds": q.holds,
                "exact_s": e.seconds,
                "exact": _summary(e),
                "greedy_s": g.seconds,
                "greedy": _summary(g),
                "dijkstra_s": naive[-1],
                "dijkstra_distance": distance,
            }
        )
    noise = _retime(G, qs, rows, timeout, repeat)
    return {
        "exact": exact,
        "greedy": greedy,
        "dijkstra_s": naive,
        "dijkstra_build_s": build_h,
        "rows": rows,
        "noise": noise,
        "elapsed_s": time.perf_counter() - start,
    }


def _summary(o: Outcome) -> dict[str, Any]:
    if o.error:
        return {"status": "error", "message": o.error}
    if o.overrun:
        return {"status": "overrun"}
    if o.no_plan:
        return {"status": "no_plan"}
    return {
        "status": "plan",
        "optimal": o.plan.optimal,
        "hours": o.plan.total_hours,
        "steps": len(o.plan.steps),
    }


def _retime(
    G: Any, qs: list[Question], rows: list[dict[str, Any]], timeout: float, repeat: int
) -> dict[str, Any]:
    """Ask up to 10 answered questions *repeat* more times: the machine's noise per question."""
    picked = [(q, r) for q, r in zip(qs, rows, strict=False) if r["exact"]["status"] != "overrun"]
    ratios = []
    for q, row in picked[:10]:
        times = [row["exact_s"]]
        for _ in range(repeat):
            o = timed_call(
                lambda q=q: planner.shortest_learning_path(
                    G, q.role, have=q.have, holds=q.holds, minimize="hours"
                ),
                timeout,
            )
            times.append(o.seconds)
        ratios.append((max(times) - min(times)) / statistics.median(times))
    return {
        "questions": len(ratios),
        "runs_each": repeat + 1,
        "median_rel_spread": statistics.median(ratios) if ratios else math.nan,
        "max_rel_spread": max(ratios) if ratios else math.nan,
    }


def compare(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Greedy against exact, and the naive distance against exact, where both have a plan."""
    both = [r for r in rows if r["exact"]["status"] == "plan" and r["greedy"]["status"] == "plan"]
    excess = []
    worse = 0
    better = 0  # greedy cheaper than "exact": an exactness bug
    for r in both:
        e, g = r["exact"]["hours"], r["greedy"]["hours"]
        excess.append(0.0 if e == g else (g - e) / e * 100.0 if e > 0 else math.inf)
        worse += g > e + 1e-6 * max(1.0, e)
        better += g < e - 1e-6 * max(1.0, e)
    feasible = [r for r in rows if r["exact"]["status"] == "plan"]
    naive_right = sum(
        1 for r in feasible if abs(r["dijkstra_distance"] - r["exact"]["hours"]) < 1e-6
    )
    return {
        "compared": len(both),
        "greedy_excess_mean_pct": statistics.fmean(excess) if excess else math.nan,
        "greedy_excess_max_pct": max(excess) if excess else math.nan,
        "greedy_worse": worse,
        "greedy_better": better,
        "not_optimal": sum(1 for r in feasible if r["exact"]["optimal"] is not True),
        "feasible": len(feasible),
        "no_plan": sum(1 for r in rows if r["exact"]["status"] == "no_plan"),
        "overrun": sum(1 for r in rows if r["exact"]["status"] == "overrun"),
        "errors": sum(1 for r in rows if "error" in (r["exact"]["status"], r["greedy"]["status"])),
        "greedy_overrun": sum(1 for r in rows if r["greedy"]["status"] == "overrun"),
        "naive_right": naive_right,
        "mean_steps": statistics.fmean(r["exact"]["steps"] for r in feasible) if feasible else 0,
    }


def section_closest(G: Any, persons: list[Question], timeout: float) -> Stat:
    """``closest_roles(top=10)`` over all roles for each person."""
    stat = Stat(cap=timeout)
    for q in persons:
        o = timed_call(lambda q=q: planner.closest_roles(G, have=q.have, holds=q.holds), timeout)
        stat.values.append(o.seconds)
    return stat


def section_cli(runs: int) -> dict[str, Any]:
    """One-shot ``certpath path`` on the bundled data, process start to exit; import times."""
    exe = str(BIN / "certpath")
    subprocess.run([exe, *CLI_ARGS], capture_output=True, check=True)  # warm the file cache
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        proc = subprocess.run([exe, *CLI_ARGS], capture_output=True, text=True, check=True)
        times.append(time.perf_counter() - start)
    answer = json.loads(proc.stdout)
    imports = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "certpath", *CLI_ARGS],
        capture_output=True,
        text=True,
        check=True,
    ).stderr
    top: list[tuple[str, float]] = []
    for line in imports.splitlines():
        parts = line.split("|")
        if len(parts) != 3 or not parts[0].startswith("import time:") or "self" in parts[0]:
            continue
        name = parts[2].rstrip()
        if name.startswith(" ") and not name.startswith("  "):  # top level: one space
            top.append((name.strip(), int(parts[1]) / 1e6))
    top.sort(key=lambda t: -t[1])
    return {
        "runs_s": times,
        "optimal": answer.get("optimal"),
        "imports_total_s": sum(s for _, s in top),
        "imports_top": top[:8],
    }


def section_memory(path: Path) -> dict[str, float]:
    """Peak RSS of a child that loads, projects and indexes the graph (MiB)."""
    proc = subprocess.run(
        [sys.executable, __file__, "--memory-probe", str(path)],
        capture_output=True,
        text=True,
        check=True,
    )
    result: dict[str, float] = json.loads(proc.stdout)
    return result


def memory_probe(path: Path) -> None:
    """The child of :func:`section_memory`: print baseline and peak RSS as JSON."""
    baseline = _status_mib("VmRSS")
    G = project(load([path]))
    ix = planner._index(G)
    peak = _status_mib("VmHWM")  # reset by exec, unlike ru_maxrss (which a fork carries over)
    print(json.dumps({"baseline_mib": baseline, "peak_mib": peak, "nodes": len(ix.kind)}))


def _status_mib(field_name: str) -> float:
    """A ``/proc/self/status`` memory field in MiB (Linux); ru_maxrss elsewhere."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(field_name + ":"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def profile_one(G: Any, kg_path: Path, q: Question, timeout: float) -> str:
    """cProfile's top functions for one exact question and for ``project``."""
    out = io.StringIO()
    for title, fn in (
        (
            f"shortest_learning_path to {q.role}",
            lambda: planner.shortest_learning_path(G, q.role, have=q.have, holds=q.holds),
        ),
        ("project(load(...))", lambda: project(load([kg_path]))),
    ):
        prof = cProfile.Profile()
        prof.enable()
        timed_call(fn, timeout * 10)
        prof.disable()
        out.write(f"\n### cProfile: {title}\n\n```\n")
        stats = pstats.Stats(prof, stream=out)
        stats.sort_stats("cumulative").print_stats(r"certpath|highspy|networkx", 18)
        out.write("```\n")
    return out.getvalue()


# --------------------------------------------------------------------------- report


def report(r: dict[str, Any]) -> tuple[str, list[str]]:
    """The markdown table, and the names of the missed targets."""
    missed = []
    q, c = r["questions"], r["compare"]
    exact, greedy, closest = q["exact"], q["greedy"], r["closest"]
    cli = r["cli"]["runs_s"]
    checks = {
        "path_p50": (exact.at(50), exact.censored(50)),
        "path_p99": (exact.at(99), exact.censored(99)),
        "closest_median": (closest.median(), closest.median() >= closest.cap),
        "cli_median": (statistics.median(cli), False),
    }
    status = {}
    for name, (value, _) in checks.items():
        limit, unit = TARGETS[name]
        ok = (value * 1000.0 if unit == "ms" else value) <= limit
        status[name] = "met" if ok else "**MISSED**"
        if not ok:
            missed.append(name)
    if c["not_optimal"] or c["greedy_better"] or c["errors"]:
        missed.append("exact")
    naive = statistics.median(q["dijkstra_s"]) if q["dijkstra_s"] else math.nan
    g = r["graph"]
    mem = r["memory"]
    lines = [
        f"## Planner benchmark ({r['scale']}: {g['roles']:,} roles, {g['competencies']:,} "
        f"competencies, {g['offers']:,} offers)",
        "",
        "| measure | value | target | status |",
        "|---|---|---|---|",
        f"| generate graph (synthetic.py) | {r['generate_s']:.2f} s, {g['triples']:,} triples "
        f"| | |",
        f"| `load` (median [min-max] of {len(r['load']['load_s'])}) | "
        f"{spread(r['load']['load_s'])} | | |",
        f"| `project` | {spread(r['load']['project_s'])}, {g['nodes']:,} nodes, "
        f"{g['edges']:,} edges | | |",
        f"| planner index (`_index(G)`, built once per graph, cached) | "
        f"{r['load']['index_s']:.2f} s | | |",
        f"| peak RSS: load + project + index | {mem['peak_mib']:,.0f} MiB "
        f"(+{mem['peak_mib'] - mem['baseline_mib']:,.0f} over {mem['baseline_mib']:.0f} after "
        "imports) | | |",
        f"| `path` exact p50 ({len(exact.values)} questions) | "
        f"{fmt(exact.at(50), 'ms', exact.censored(50))} | <= 20 ms | {status['path_p50']} |",
        f"| `path` exact p99 | {fmt(exact.at(99), 'ms', exact.censored(99))} | <= 200 ms "
        f"| {status['path_p99']} |",
        f"| answers: plan / no plan / overrun ({q['timeout']:g} s) | {c['feasible']} / "
        f"{c['no_plan']} / {c['overrun']} (mean {c['mean_steps']:.1f} steps) | | |",
        f"| exact every time (`optimal`, greedy never cheaper) | "
        f"{c['feasible'] - c['not_optimal']}/{c['feasible']}, greedy cheaper "
        f"{c['greedy_better']}x, errors {c['errors']} | all "
        f"| {'met' if 'exact' not in missed else '**MISSED**'} |",
        f"| greedy p50 / p99 | {fmt(greedy.at(50), 'ms', greedy.censored(50))} / "
        f"{fmt(greedy.at(99), 'ms', greedy.censored(99))} ({c['greedy_overrun']} overruns) "
        "| | |",
        f"| greedy excess over exact, mean / max | {c['greedy_excess_mean_pct']:.1f} % / "
        f"{c['greedy_excess_max_pct']:.1f} %; worse in {c['greedy_worse']}/{c['compared']} "
        "| | |",
        f"| naive whole-graph Dijkstra, median per question | {fmt(naive, 'ms')} "
        f"(Dijkstra / exact p50 = {naive / exact.at(50):.1f}x; its distance is the exact "
        f"hours in {c['naive_right']}/{c['feasible']}) | | |",
        f"| `closest --top 10` over all roles, median of {len(closest.values)} | "
        f"{fmt(closest.median(), 's', closest.median() >= closest.cap)} "
        f"[{fmt(min(closest.values), 's')}-{fmt(max(closest.values), 's')}] | <= 3 s "
        f"| {status['closest_median']} |",
        f"| one-shot `certpath path` (bundled), median / p90 of {len(cli)} | "
        f"{fmt(statistics.median(cli), 'ms')} / {fmt(percentile(cli, 90), 'ms')} | <= 400 ms "
        f"| {status['cli_median']} |",
        f"| of which imports (`-X importtime`, top level) | "
        f"{fmt(r['cli']['imports_total_s'], 'ms')}: "
        + ", ".join(f"{n} {s * 1000:.0f}" for n, s in r["cli"]["imports_top"][:5])
        + " ms | | |",
        "",
        f"Noise: load average {r['loadavg'][0]:.2f} at start, {r['loadavg'][1]:.2f} at end "
        f"({os.cpu_count()} cores); {q['noise']['questions']} questions asked "
        f"{q['noise']['runs_each']}x: (max-min)/median {q['noise']['median_rel_spread']:.0%} "
        f"median, {q['noise']['max_rel_spread']:.0%} max; CLI p10-p90 "
        f"{fmt(percentile(cli, 10), 'ms')}-{fmt(percentile(cli, 90), 'ms')}.",
        "",
        "Targets missed: " + (", ".join(missed) if missed else "none"),
    ]
    return "\n".join(lines), missed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="300 roles, 50 questions")
    parser.add_argument("--questions", type=int, help="number of (person, role) questions")
    parser.add_argument("--persons", type=int, help="persons for closest (3; quick: 2)")
    parser.add_argument(
        "--closest-timeout", type=float, default=30.0, help="per closest call, s (30)"
    )
    parser.add_argument("--repeat", type=int, default=3, help="runs of load/project (3)")
    parser.add_argument("--cli-runs", type=int, default=15, help="CLI runs (15)")
    parser.add_argument("--timeout", type=float, default=2.0, help="per planner call, s (2)")
    parser.add_argument("--budget", type=float, default=300.0, help="question loop, s (300)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--json", type=Path, help="also write the figures as JSON here")
    parser.add_argument("--profile", action="store_true", help="cProfile one question")
    parser.add_argument("--memory-probe", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.memory_probe:
        memory_probe(args.memory_probe)
        return
    scale = dict(QUICK if args.quick else FULL)
    if args.questions:
        scale["questions"] = args.questions
    r: dict[str, Any] = {"scale": "quick" if args.quick else "full"}
    load_start = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder, "synthetic.nt")
        start = time.perf_counter()
        generate(
            path,
            roles=scale["roles"],
            competencies=scale["competencies"],
            offers=scale["offers"],
            seed=args.seed,
        )
        r["generate_s"] = time.perf_counter() - start
        print(f"generated in {r['generate_s']:.1f} s; loading", file=sys.stderr)
        G, r["load"] = section_load(path, args.repeat)
        r["graph"] = {**scale, **{k: r["load"][k] for k in ("triples", "nodes", "edges")}}
        r["memory"] = section_memory(path)
        qs = questions(G, scale["questions"], args.seed)
        r["questions"] = section_questions(G, qs, args.timeout, args.budget, args.repeat)
        r["questions"]["timeout"] = args.timeout
        r["compare"] = compare(r["questions"]["rows"])
        print("closest_roles", file=sys.stderr)
        persons = questions(G, args.persons or (2 if args.quick else 3), args.seed + 1)
        r["closest"] = section_closest(G, persons, args.closest_timeout)
        print("one-shot CLI", file=sys.stderr)
        r["cli"] = section_cli(args.cli_runs)
        r["loadavg"] = (load_start, os.getloadavg()[0])
        table, missed = report(r)
        print(table)
        if args.profile:
            asked = zip(qs, r["questions"]["rows"], strict=False)
            slowest = max(asked, key=lambda pair: pair[1]["exact_s"])[0]
            print(profile_one(G, path, slowest, args.timeout))
    if args.json:
        data = {
            **{k: v for k, v in r.items() if k not in ("questions", "closest")},
            "questions": {
                k: (v.values if isinstance(v, Stat) else v) for k, v in r["questions"].items()
            },
            "closest_s": r["closest"].values,
            "summary": {
                "path_p50_s": r["questions"]["exact"].at(50),
                "path_p99_s": r["questions"]["exact"].at(99),
                "path_p50_lower_bound": r["questions"]["exact"].censored(50),
                "path_p99_lower_bound": r["questions"]["exact"].censored(99),
                "closest_lower_bound": r["closest"].median() >= r["closest"].cap,
                "closest_median_s": r["closest"].median(),
                "cli_median_s": statistics.median(r["cli"]["runs_s"]),
                "cli_p90_s": percentile(r["cli"]["runs_s"], 90),
                "peak_rss_mib": r["memory"]["peak_mib"],
            },
            "missed": missed,
        }
        args.json.write_text(json.dumps(data, indent=2, default=str) + "\n", encoding="utf-8")
    sys.exit(1 if missed else 0)


if __name__ == "__main__":
    main()
