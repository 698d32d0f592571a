"""Closest roles (certpath.planning.closest): exact ranking against brute force, pruning."""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path
from typing import Any

import networkx as nx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).parent))

import planner_bruteforce as bf  # noqa: E402
from planning_graphs import (  # noqa: E402
    SOLVERS,
    Form,
    loaded,
    offer,
    planning_graphs,
    role,
    strip,
    to_iris,
)

from certpath.planning import closest_roles  # noqa: E402


@pytest.mark.parametrize("method", SOLVERS)
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    planning_graphs(),
    st.sampled_from(["hours", "months", "steps"]),
    st.sampled_from([1, 2, None]),
    st.sampled_from([None, Form("blank", "blank", ("turtle", "json-ld")), Form("iri", "iri")]),
)
def test_closest_roles_match_bruteforce(
    method: str, g: Any, minimize: str, top: int | None, form: Form | None
) -> None:
    _check_closest_roles(g, minimize, top, form, method)


def _check_closest_roles(
    g: Any, minimize: str, top: int | None, form: Form | None, method: str
) -> None:
    G, have, holds = g
    worked = G.graph.get("experience", {})
    exact = {}
    for r in sorted(n for n, d in G.nodes(data=True) if d["kind"] == "role"):
        ans = bf.brute_force(G, r, have=have, holds=holds, experience=worked, minimize=minimize)
        exact[r] = ans.plans[0][0][0] if ans.status == "ok" else None
    ranked = [
        r
        for r, _ in sorted(
            ((r, c) for r, c in exact.items() if c is not None), key=lambda rc: (rc[1], rc[0])
        )
    ] + sorted(r for r, c in exact.items() if c is None)
    if form is None:
        got = closest_roles(
            G,
            have=have,
            holds=holds,
            experience=worked,
            top=top,
            minimize=minimize,
            method=method,
        )
    else:
        with tempfile.TemporaryDirectory() as folder:
            H = loaded(G, Path(folder), form)
        person = to_iris({"have": have, "holds": holds, "experience": worked})
        got = closest_roles(
            H,
            have=person["have"],
            holds=person["holds"],
            experience=person["experience"],
            top=top,
            minimize=minimize,
            method=method,
        )
    assert [strip(d.role) for d in got] == ranked[:top]
    for d in got:
        name = strip(d.role)
        assert d.feasible == (exact[name] is not None)
        assert d.cost == (None if exact[name] is None else pytest.approx(exact[name]))
        reqs = bf.requirements(G, name, False)
        start = bf.person(G, have, holds, worked)
        gates = bf.out(G, name, "requiresExperience")
        assert (d.met, d.total) == (
            sum(bf.has(G, start, c, lv) for c, lv in reqs.items())
            + sum(bf.gate_ok(G, start, e) for e in gates),
            len(reqs) + len(gates),
        )


def test_closest_roles_prunes_but_stays_exact() -> None:
    G = nx.MultiDiGraph()
    offer(G, "a", hours=1, teaches={"x": 1})
    offer(G, "b", hours=5, teaches={"y": 1}, prereqs=("a",))
    role(G, "rx", {"x": 1})
    role(G, "ry", {"y": 1})
    role(G, "rz", {"z": 1})
    got = closest_roles(G, top=None)
    assert [(d.role, d.cost, d.feasible) for d in got] == [
        ("rx", 1.0, True),
        ("ry", 6.0, True),
        ("rz", None, False),
    ]
    assert [d.role for d in closest_roles(G, top=1)] == ["rx"]


def test_closest_to_dict_is_the_cli_json() -> None:
    G = nx.MultiDiGraph()
    offer(G, "a", hours=1, teaches={"x": 1})
    role(G, "rx", {"x": 1})
    ranking = closest_roles(G)
    assert ranking.to_dict() == {
        "minimize": "hours",
        "roles": [
            {
                "iri": "rx",
                "label": "RX",
                "feasible": True,
                "cost": 1.0,
                "met": 0,
                "total": 1,
                "steps": ["a"],
            }
        ],
    }
    assert len(ranking) == 1 and ranking[0].role == "rx"
