"""``certpath serve`` under load, against a real Oxigraph server on the same data, in the same run.

Three measurements (targets from issue 14 in brackets):

1. SPARQL: C clients, each with one keep-alive connection, send Q queries each (a mix of five
   realistic SELECT/ASK queries) to ``certpath serve`` and to ``oxigraph serve-read-only`` loaded
   with the same triples. Throughput and latency percentiles per server. [certpath throughput
   >= 50 % of Oxigraph's; certpath p99 <= 100 ms]
2. ``/api/plan``: C clients ask Q plans each (eight different questions on the bundled data).
   [p99 <= 100 ms]
3. Isolation: eight queries that run until ``--timeout`` (a cross product with ORDER BY) are
   started; while they run, plain ASK queries are sent one after the other. [each <= 100 ms]

Loads 1 and 2 run twice: with the same queries over and over ("repeated": certpath answers them
from its kept answers, :mod:`certpath.web.cache`), and with every request made new ("distinct":
a SPARQL comment, or three more competencies for the person, so a worker answers every one).
Oxigraph keeps no answers, so "distinct" compares the engines' paths, "repeated" what a client
sees.

Rounds alternate the servers and the table shows medians over rounds. Clients are processes
(not threads), so the client side is the same for both servers. The machine is shared: compare
the ratios, not the absolute figures.

Run: ``.venv/bin/python benchmarks/bench_server.py [--rounds 5] [--clients 20] [--queries 50]``.
"""

from __future__ import annotations

import argparse
import http.client
import json
import math
import multiprocessing
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

BIN = Path(sys.executable).parent
CP = "https://w3id.org/certpath/ontology#"
CPD = "https://w3id.org/certpath/data/"
PREFIXES = (
    f"PREFIX cp: <{CP}> PREFIX cpd: <{CPD}> PREFIX skos: <http://www.w3.org/2004/02/skos/core#> "
)
QUERIES = [
    PREFIXES + "SELECT ?offer ?cost WHERE { ?offer cp:offeredBy cpd:scrum-org ; cp:cost ?cost } "
    "ORDER BY ?cost ?offer",
    PREFIXES + "SELECT ?r ?l WHERE { ?r a cp:Role ; skos:prefLabel ?l } ORDER BY ?l",
    PREFIXES + "ASK { ?s a cp:Role }",
    PREFIXES + "SELECT ?c ?level WHERE { cpd:product-owner cp:qualifiedRequirement ?q . "
    "?q cp:competency ?c . OPTIONAL { ?q cp:level ?level } } ORDER BY ?c",
    PREFIXES + "SELECT ?o (COUNT(?c) AS ?n) WHERE { ?o cp:teaches ?c } GROUP BY ?o ORDER BY ?o",
]
SLOW = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i } ORDER BY ?a ?d ?g"
PLANS = [
    {"target": "SAFe POPM", "have": ["user story writing@3", "backlog refinement"]},
    {"target": "SAFe POPM", "have": ["user story writing@3", "backlog refinement"],
     "minimize": "cost"},
    {"target": "Product Owner"},
    {"target": "Product Owner", "holds": ["PSPO I"], "minimize": "steps"},
    {"target": "Product Manager", "minimize": "cost"},
    {"target": "Scrum Master", "have": ["scrum fundamentals@2"]},
    {"target": "Business Analyst", "alternatives": "2"},
    {"target": "AI-enabled Product Owner", "holds": ["CSPO"], "with_recommended": "true"},
]  # fmt: skip


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_until_up(port: int, path: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"server on {port} exited with {process.returncode}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", path + "?" + urllib.parse.urlencode({"query": "ASK {}"}))
            if conn.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"no server on {port}")


@contextmanager
def server(command: list[str], port: int, path: str) -> Iterator[None]:
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_until_up(port, path, process)
        yield
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()


#: Competencies a distinct plan question adds to the person, at levels 1-5.
EXTRA = ["ai-judgement", "stakeholder-preparation", "acceptance-checks", "decision-making",
         "customer-feedback-clustering", "sprint-review-learning", "learning-from-users",
         "outcome-orientation", "stakeholder-tradeoffs", "research-summaries-ai"]  # fmt: skip


def distinct(path: str, salt: int, client: int, request: int) -> str:
    """*path* made different from every other request of the run: a SPARQL comment (the same
    query), or a person with three more competencies (a new plan question)."""
    if "/api/plan?" in path:
        n = (salt * 20 + client) * 1000 + request
        extra = [(n // 50**k) % 50 for k in range(3)]
        have = [f"cpd:{EXTRA[e % 10]}@{e // 10 + 1}" for e in extra]
        return path + "&" + urllib.parse.urlencode({"have": have}, doseq=True)
    return path + urllib.parse.quote(f"\n# test {salt}, client {client}, request {request}")


def _client(args: tuple[int, list[str], int, float, int, int]) -> tuple[list[float], float, int]:
    """One client: its own connection, *count* requests; latencies, end time, failures.

    *salt* 0 repeats the paths; another number makes each request new (:func:`distinct`)."""
    port, paths, count, start_at, index, salt = args
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    latencies, failures = [], 0
    while time.time() < start_at:
        time.sleep(0.001)
    for i in range(count):
        path = paths[(i + index) % len(paths)]
        if salt:
            path = distinct(path, salt, index, i)
        started = time.perf_counter()
        conn.request("GET", path, headers={"Accept": "application/json"})
        answer = conn.getresponse()
        answer.read()
        latencies.append(time.perf_counter() - started)
        failures += answer.status != 200
    return latencies, time.time(), failures


_TESTS = iter(range(1, 1_000_000))


def load_test(pool: multiprocessing.pool.Pool, port: int, paths: list[str], clients: int,
              count: int, unique: bool = False) -> dict[str, float]:  # fmt: skip
    start_at = time.time() + 0.5
    salt = next(_TESTS) if unique else 0
    jobs = [(port, paths, count, start_at, i, salt) for i in range(clients)]
    results = pool.map(_client, jobs)
    latencies = sorted(x for lat, _, _ in results for x in lat)
    elapsed = max(end for _, end, _ in results) - start_at
    return {
        "rate": len(latencies) / elapsed,
        "p50": percentile(latencies, 50),
        "p99": percentile(latencies, 99),
        "max": latencies[-1],
        "failures": sum(f for _, _, f in results),
    }


def percentile(values: list[float], pct: float) -> float:
    return values[max(0, math.ceil(len(values) * pct / 100) - 1)]


def isolation(port: int, path: str, slow: int = 8, plain: int = 20) -> dict[str, float]:
    """Plain ASK latencies while *slow* queries that never finish in time run."""
    slow_path = path + "?" + urllib.parse.urlencode({"query": SLOW})
    statuses: list[int] = []

    def run_slow() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        conn.request("GET", slow_path)
        answer = conn.getresponse()
        answer.read()
        statuses.append(answer.status)

    threads = [threading.Thread(target=run_slow) for _ in range(slow)]
    for thread in threads:
        thread.start()
    time.sleep(1.0)
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    latencies = []
    for n in range(plain):  # each one new, so no kept answer serves it
        ask = (
            path
            + "?"
            + urllib.parse.urlencode({"query": f"ASK {{ ?s ?p ?o }} # {time.time()} {n}"})
        )
        started = time.perf_counter()
        conn.request("GET", ask)
        answer = conn.getresponse()
        answer.read()
        assert answer.status == 200
        latencies.append(time.perf_counter() - started)
        time.sleep(0.05)
    still_running = sum(t.is_alive() for t in threads)
    for thread in threads:
        thread.join()
    latencies.sort()
    return {"p50": percentile(latencies, 50), "max": latencies[-1], "running": still_running,
            "slow_503": statuses.count(503)}  # fmt: skip


def oxigraph_store(folder: Path) -> Path:
    """The bundled graph, exactly as certpath loads it, in an Oxigraph store folder."""
    import pyoxigraph as ox

    from certpath.graph import load

    dump = folder / "graph.nq"
    load().store.dump(str(dump), format=ox.RdfFormat.N_QUADS)
    location = folder / "oxigraph"
    command = [str(BIN / "oxigraph"), "load", "--location", str(location), "--file", str(dump)]
    subprocess.run(command, check=True, capture_output=True)
    return location


def ms(seconds: float) -> str:
    return f"{seconds * 1000:,.0f} ms" if seconds >= 0.01 else f"{seconds * 1000:.1f} ms"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--queries", type=int, default=50, help="requests per client")
    parser.add_argument("--json", type=Path, help="also write the raw figures here")
    parser.add_argument("--serve", default="", metavar="OPTIONS",
                        help="more options for certpath serve, e.g. '--workers 4'")  # fmt: skip
    args = parser.parse_args(argv)
    if not (BIN / "oxigraph").exists() and not shutil.which("oxigraph"):
        print("Error: the oxigraph server is missing (pip install oxigraph)", file=sys.stderr)
        return 2
    sparql = ["/sparql?" + urllib.parse.urlencode({"query": q}) for q in QUERIES]
    ox_paths = [p.replace("/sparql?", "/query?", 1) for p in sparql]
    plans = ["/api/plan?" + urllib.parse.urlencode(q, doseq=True) for q in PLANS]
    names = ("certpath", "oxigraph", "plan")
    figures: dict[str, list[dict[str, float]]] = {
        f"{name}-{mode}": [] for name in names for mode in ("repeated", "distinct")
    }
    isolated: list[dict[str, float]] = []
    with tempfile.TemporaryDirectory(prefix="bench-server-") as tmp:
        location = oxigraph_store(Path(tmp))
        cp_port, ox_port = free_port(), free_port()
        certpath = [str(BIN / "certpath"), "serve", "--port", str(cp_port), "--timeout", "5",
                    *args.serve.split()]  # fmt: skip
        oxigraph = [str(BIN / "oxigraph"), "serve-read-only", "--location", str(location),
                    "--bind", f"127.0.0.1:{ox_port}"]  # fmt: skip
        ctx = multiprocessing.get_context("fork")
        with (
            server(certpath, cp_port, "/sparql"),
            server(oxigraph, ox_port, "/query"),
            ctx.Pool(args.clients) as pool,
        ):
            load_test(pool, cp_port, sparql + plans, args.clients, 10)  # warm both up
            load_test(pool, ox_port, ox_paths, args.clients, 10)
            for round_ in range(args.rounds):
                order = [("certpath", cp_port, sparql), ("oxigraph", ox_port, ox_paths)]
                if round_ % 2:
                    order.reverse()
                order.append(("plan", cp_port, plans))
                for mode in ("repeated", "distinct"):
                    for name, port, paths in order:
                        figures[f"{name}-{mode}"].append(
                            load_test(
                                pool,
                                port,
                                paths,
                                args.clients,
                                args.queries,
                                unique=mode == "distinct",
                            )  # fmt: skip
                        )
                last = {k: v[-1] for k, v in figures.items()}
                print(f"round {round_ + 1}: " + ", ".join(
                    f"{k} {v['rate']:,.0f}/s p99 {ms(v['p99'])}" for k, v in last.items()),
                    file=sys.stderr)  # fmt: skip
            for _ in range(min(args.rounds, 3)):
                isolated.append(isolation(cp_port, "/sparql"))

    def med(name: str, key: str) -> float:
        return statistics.median(f[key] for f in figures[name])

    def ratio(mode: str) -> float:
        pairs = zip(figures[f"certpath-{mode}"], figures[f"oxigraph-{mode}"], strict=True)
        return statistics.median(c["rate"] / o["rate"] for c, o in pairs)

    print(f"\n{args.clients} clients x {args.queries} requests, median of {args.rounds} rounds "
          f"(load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)\n")  # fmt: skip
    print("| server | requests | requests/s | p50 | p99 | max | failures |")
    print("|---|---|---:|---:|---:|---:|---:|")
    titles = {"certpath": "certpath serve /sparql", "oxigraph": "oxigraph serve-read-only",
              "plan": "certpath serve /api/plan"}  # fmt: skip
    kinds = {"repeated": "the same 5 queries (8 questions)", "distinct": "each one new"}
    for mode in ("repeated", "distinct"):
        for name in names:
            key = f"{name}-{mode}"
            print(f"| {titles[name]} | {kinds[mode]} | {med(key, 'rate'):,.0f} | "
                  f"{ms(med(key, 'p50'))} | {ms(med(key, 'p99'))} | {ms(med(key, 'max'))} | "
                  f"{sum(f['failures'] for f in figures[key]):.0f} |")  # fmt: skip
    print(
        f"\nSPARQL throughput, certpath / Oxigraph (median of per-round ratios): repeated "
        f"queries {ratio('repeated'):.0%}, each one new {ratio('distinct'):.0%} (target >= 50 %)"
    )
    print(
        f"certpath SPARQL p99: repeated {ms(med('certpath-repeated', 'p99'))}, each one new "
        f"{ms(med('certpath-distinct', 'p99'))} (target <= 100 ms)"
    )
    print(
        f"/api/plan p99: repeated {ms(med('plan-repeated', 'p99'))}, each one new "
        f"{ms(med('plan-distinct', 'p99'))} (target <= 100 ms)"
    )
    worst = max(i["max"] for i in isolated)
    typical = statistics.median(i["p50"] for i in isolated)
    print(f"plain ASK (each one new) while 8 slow queries run: median {ms(typical)}"
          f", worst {ms(worst)} (target <= 100 ms); slow ones ended 503 at --timeout: "
          f"{sum(i['slow_503'] for i in isolated)} of {8 * len(isolated)}")  # fmt: skip
    if args.json:
        args.json.write_text(json.dumps({"figures": figures, "isolation": isolated}, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
