"""Career paths (certpath.planning.career): hop by hop, gains carried, nothing bought twice."""

from __future__ import annotations

import sys
from pathlib import Path

import networkx as nx
import pytest

sys.path.insert(0, str(Path(__file__).parent))

from planning_graphs import offer, role  # noqa: E402

from certpath.errors import EntityNotFound, NoPlan  # noqa: E402
from certpath.graph import KnowledgeGraph  # noqa: E402
from certpath.planning import career_path  # noqa: E402
from certpath.projection import project  # noqa: E402
from certpath.resolve import resolve  # noqa: E402


def test_career_path_picks_cheaper_chain() -> None:
    G = nx.MultiDiGraph()
    role(G, "dev", {"code": 3})
    role(G, "lead", {"code": 3, "people": 2})
    role(G, "po", {"product": 2})
    role(G, "head", {"people": 3, "product": 2})
    for u, v in [("dev", "lead"), ("dev", "po"), ("lead", "head"), ("po", "head")]:
        G.add_edge(u, v, key="leadsTo")
    offer(G, "people2", hours=4, teaches={"people": 2})
    offer(G, "people3", hours=6, teaches={"people": 3})
    offer(G, "product-course", hours=30, teaches={"product": 2})
    path = career_path(G, "dev", "head")
    # dev -> lead (4 h) -> head (6 + 30 h) = 40 h; dev -> po (30 h) -> head (6 h) = 36 h.
    assert path.roles == ("dev", "po", "head")
    assert [[s.iri for s in h.steps] for h in path.hops] == [["product-course"], ["people3"]]
    assert path.total == 36.0
    G.add_edge("dev", "head", key="leadsTo")  # direct hop: 6 + 30 = 36 h as well, one hop
    assert career_path(G, "dev", "head").total == 36.0
    with pytest.raises(EntityNotFound):
        career_path(G, "dev", "nowhere")
    with pytest.raises(NoPlan) as err:
        career_path(G, "head", "dev")
    assert err.value.reasons[0]["kind"] == "route"


def test_what_a_hop_gains_carries_into_the_next() -> None:
    """b needs x; c needs x and y; X teaches both. Bought on the way to b, X is held after it."""
    G = nx.MultiDiGraph()
    role(G, "a", {})
    role(G, "b", {"x": 1})
    role(G, "c", {"x": 1, "y": 1})
    offer(G, "X", hours=10, teaches={"x": 2, "y": 1})
    offer(G, "Y", hours=12, teaches={"y": 1})
    G.add_edge("a", "b", key="leadsTo")
    G.add_edge("b", "c", key="leadsTo")
    path = career_path(G, "a", "c")
    assert path.roles == ("a", "b", "c")
    assert [[s.iri for s in h.steps] for h in path.hops] == [["X"], []]
    assert path.total == 10.0
    assert path.role_labels == ("A", "B", "C")


def test_no_offer_is_bought_twice_on_the_bundled_data(bundled: KnowledgeGraph) -> None:
    G = project(bundled)
    roles = sorted(n for n, d in G.nodes(data=True) if d["kind"] == "role")
    chains = 0
    for source in roles:
        for target in roles:
            if source == target:
                continue
            try:
                path = career_path(G, source, target)
            except NoPlan:
                continue
            chains += len(path.hops) > 1
            bought = [s.iri for hop in path.hops for s in hop.steps]
            assert len(bought) == len(set(bought)), (source, target, bought)
    assert chains > 0


def test_scrum_master_to_safe_buys_each_offer_once(bundled: KnowledgeGraph) -> None:
    G = project(bundled)
    sm = resolve(bundled, "Scrum Master", kinds=["role"])
    safe = resolve(bundled, "SAFe Product Owner", kinds=["role"])
    path = career_path(G, sm, safe)
    bought = [s.iri for hop in path.hops for s in hop.steps]
    assert len(bought) == len(set(bought))
    assert path.total == pytest.approx(sum(h.total_hours for h in path.hops))
