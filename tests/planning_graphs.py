"""Random planning graphs for the planner's property tests, and an RDF writer that writes one
graph in every form the vocabulary allows (rule 6).

A graph is first drawn as a NetworkX planning graph (the brute force of
``planner_bruteforce.py`` reads that); :func:`write_rdf` then writes the same graph as RDF files:
k-of-n groups as blank nodes or with IRIs, qualified requirements and outcomes likewise, split
over several files, each in Turtle, N-Triples, JSON-LD or RDF/XML. :func:`loaded` reads those
files back through the real loader and projection, so a property test plans on exactly what a
user's files would give.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import networkx as nx
import rdflib
from hypothesis import strategies as st
from rdflib.namespace import RDF, SKOS, XSD

from certpath.graph import load
from certpath.namespaces import CP_NS
from certpath.projection import project, project_neighbourhood

MODES = ("Classroom", "SelfPaced", "LiveOnline")
EX = "http://example.org/t/"
CP = rdflib.Namespace(CP_NS)
FORMATS = {"turtle": ".ttl", "nt": ".nt", "json-ld": ".jsonld", "xml": ".rdf"}

#: Every exact search method of the planner (``method=``): the property tests run each.
SOLVERS = ("enumeration", "highs", "highs-ordered", "highs-unpruned", "auto")


# --------------------------------------------------------------------------- graph builders


def offer(
    G: Any,
    iri: str,
    hours: float = 1.0,
    cost: float = 0.0,
    currency: str | None = "EUR",
    teaches: dict[str, int] | None = None,
    prereqs: tuple[str, ...] = (),
    provider: str | None = None,
    delivery: tuple[str, ...] = ("SelfPaced",),
) -> None:
    G.add_node(
        iri,
        kind="offer",
        label=iri.upper(),
        hours=float(hours),
        cost=float(cost),
        currency=currency if cost else None,
        provider=provider,
        delivery=delivery,
    )
    if provider:
        G.add_node(provider, kind="provider", label=provider)
        G.add_edge(iri, provider, key="offeredBy")
    for c, lv in (teaches or {}).items():
        G.add_node(c, kind="competency", label=c)
        G.add_edge(iri, c, key="teaches", level=lv)
    for p in prereqs:
        G.add_edge(iri, p, key="prerequisite")


def role(
    G: Any, iri: str, requires: dict[str, int], recommends: dict[str, int] | None = None
) -> None:
    G.add_node(iri, kind="role", label=iri.upper())
    for c, lv in requires.items():
        G.add_node(c, kind="competency", label=c)
        G.add_edge(iri, c, key="requires", level=lv)
    for c, lv in (recommends or {}).items():
        G.add_node(c, kind="competency", label=c)
        G.add_edge(iri, c, key="recommends", level=lv)


def group(G: Any, iri: str, members: tuple[str, ...], k: int) -> None:
    G.add_node(iri, kind="group", label=iri, min_count=k)
    for m in members:
        G.add_edge(iri, m, key="member")


def gate(G: Any, role: str, months: int) -> str:
    """The experience requirement "*months* months as *role*" (one node per role and months)."""
    name = f"e-{role}-{months}"
    G.add_node(name, kind="experience", label=f"{months} months as {role}", months=months)
    G.add_edge(name, role, key="role")
    return name


@st.composite
def planning_graphs(draw: Any, ties: bool = False, experience: bool = True) -> Any:
    """Small random planning graphs covering every construct of the vocabulary.

    With ``ties`` every offer takes 1 hour and costs 10 EUR, so the IRI tie-break decides.
    Groups may ask for 0 or more members than they have (such a group can never be met). With
    ``experience``, roles w0 and w1 are worked in: offers, group members and roles may need months
    in them (rule 7), w1 may need months in w0, a role's requirement may be untaught (a gate that
    can never be met), and the person may have worked in them already.
    """
    n_comp = draw(st.sampled_from([1, 2, 3, 3, 4, 4, 5, 6]))
    n_off = draw(st.sampled_from([1, 3, 5, 6, 7, 8, 8]))
    comps = [f"c{i}" for i in range(n_comp)]
    offers = [f"o{i}" for i in range(n_off)]
    G = nx.MultiDiGraph()
    for c in comps:
        G.add_node(c, kind="competency", label=c)
    for i in range(1, n_comp):  # broader edges point to a lower index: acyclic
        for j in draw(st.sets(st.integers(0, i - 1), max_size=2)):
            G.add_edge(comps[i], comps[j], key="broader")
    gates: list[tuple[str, int]] = []
    if experience and draw(st.integers(0, 3)) > 0:
        for w in ("w0", "w1"):
            needs = draw(st.dictionaries(st.sampled_from(comps), st.integers(1, 3), max_size=2))
            if draw(st.integers(0, 5)) == 0:
                needs["untaught"] = 1
            role(G, w, needs)
        if draw(st.booleans()):
            G.add_edge(
                "w1", gate(G, "w0", draw(st.sampled_from([6, 12]))), key="requiresExperience"
            )
        gates = [(w, m) for w in ("w0", "w1") for m in (6, 12, 24)]
    gate_items = st.sampled_from(gates) if gates else st.nothing()

    def maybe_gate() -> list[str]:
        if gates and draw(st.integers(0, 3)) == 0:
            return [gate(G, *draw(gate_items))]
        return []

    groups = [f"g{i}" for i in range(draw(st.sampled_from([0, 1, 2, 2])))]
    items = st.sampled_from(offers + comps) if offers else st.sampled_from(comps)
    for g in groups:
        members = draw(st.lists(items, min_size=1, max_size=3, unique=True)) + maybe_gate()
        k = draw(st.sampled_from([0, 1, 1, 2, 2, 2, 3, 4]))
        group(G, g, tuple(members), k)
    level = st.sampled_from([1, 2, 3, 3, 4, 4, 5, 5])
    for o in offers:
        cost = draw(st.sampled_from([10] if ties else [0, 10, 20]))
        n_pre = min(draw(st.sampled_from([0, 0, 0, 1, 1, 2])), len(offers + comps + groups) - 1)
        offer(
            G,
            o,
            hours=draw(st.sampled_from([1] if ties else [0, 1, 2, 3, 5])),
            cost=cost,
            currency=draw(st.sampled_from(["EUR"] if ties else ["EUR"] * 5 + ["USD"])),
            teaches=draw(st.dictionaries(st.sampled_from(comps), level, min_size=1, max_size=3)),
            prereqs=tuple(
                draw(
                    st.lists(
                        st.sampled_from([x for x in offers + comps + groups * 4 if x != o]),
                        min_size=n_pre,
                        max_size=n_pre,
                        unique=True,
                    )
                )
            )
            + tuple(maybe_gate()),
            provider=draw(st.sampled_from(["p0", "p1"])),
            delivery=tuple(draw(st.sets(st.sampled_from(MODES[:2]), min_size=1))),
        )
    for r in ("r0", "r1", "r2"):
        requires = draw(
            st.dictionaries(st.sampled_from(comps), st.integers(1, 3), min_size=1, max_size=3)
        )
        # A role cannot both require and recommend one competency at different levels in RDF:
        # one cp:qualifiedRequirement node would have to say which link it details.
        recommends = draw(st.dictionaries(st.sampled_from(comps), st.integers(1, 3), max_size=2))
        role(G, r, requires, {c: lv for c, lv in recommends.items() if c not in requires})
        for e in maybe_gate():
            G.add_edge(r, e, key="requiresExperience")
    G.add_edge("r1", "r0", key="leadsTo")
    G.add_edge("r2", "r1", key="leadsTo")
    G.add_edge("r2", "r0", key="leadsTo")
    have = draw(st.dictionaries(st.sampled_from(comps), st.integers(1, 3), max_size=2))
    holds = [draw(st.sampled_from(offers))] if draw(st.integers(0, 3)) == 3 else []
    worked = (
        draw(st.dictionaries(st.sampled_from(["w0", "w1"]), st.sampled_from([3, 6, 12, 30])))
        if gates
        else {}
    )
    G.graph["experience"] = worked  # the person's months, read by questions()
    return G, have, holds


@st.composite
def questions(draw: Any, ties: bool = False) -> tuple[Any, dict[str, Any]]:
    G, have, holds = draw(planning_graphs(ties))
    offers = sorted(n for n, d in G.nodes(data=True) if d["kind"] == "offer")
    kwargs: dict[str, Any] = {
        "have": have,
        "holds": holds,
        "experience": G.graph.get("experience", {}),
        "minimize": draw(st.sampled_from(["hours", "cost", "months", "steps"])),
        "with_recommended": draw(st.booleans()),
        "alternatives": draw(st.sampled_from([0, 1, 3])),
        "budget_hours": draw(st.sampled_from([None, None, None, 0, 2, 4, 7])),
        "budget_cost": draw(st.sampled_from([None, None, None, None, 0, 10, 30])),
        "delivery": draw(st.sampled_from([None, None, None, ["SelfPaced"]])),
    }
    pool = offers + ["p0", "p1"]
    kwargs["exclude"] = [draw(st.sampled_from(pool))] if draw(st.integers(0, 3)) == 3 else []
    kwargs["include"] = [draw(st.sampled_from(offers))] if draw(st.integers(0, 4)) == 4 else []
    return G, kwargs


# --------------------------------------------------------------------------- RDF forms


@dataclass(frozen=True)
class Form:
    """How a graph is written: groups and qualified nodes blank or named, the files' formats,
    and whether the planner reads the whole projection or the question's neighbourhood."""

    groups: str = "blank"  # "blank" | "iri"
    qualified: str = "blank"  # "blank" | "iri"
    formats: tuple[str, ...] = ("turtle",)  # one per file, cycled over the files
    neighbourhood: bool = False

    def __str__(self) -> str:
        where = "neighbourhood" if self.neighbourhood else "whole"
        return f"groups={self.groups} qualified={self.qualified} {'+'.join(self.formats)} {where}"


forms = st.builds(
    Form,
    groups=st.sampled_from(["blank", "iri"]),
    qualified=st.sampled_from(["blank", "iri"]),
    formats=st.lists(st.sampled_from(sorted(FORMATS)), min_size=1, max_size=3).map(tuple),
    neighbourhood=st.booleans(),
)


def iri(name: str) -> str:
    """The IRI a test graph gives node *name*."""
    return EX + name


def _ref(name: str) -> rdflib.URIRef:
    return rdflib.URIRef(iri(name))


def _group_triples(
    graph: rdflib.Graph, G: Any, name: str, node: rdflib.term.Node, form: Form
) -> None:
    graph.add((node, RDF.type, CP.PrerequisiteGroup))
    graph.add((node, CP.minCount, rdflib.Literal(int(G.nodes[name]["min_count"]))))
    for _, member, key in G.out_edges(name, keys=True):
        if key == "member":
            graph.add((node, CP.member, _object(graph, G, form, member)))


def _gate_triples(
    graph: rdflib.Graph, G: Any, name: str, node: rdflib.term.Node, form: Form
) -> None:
    graph.add((node, RDF.type, CP.ExperienceRequirement))
    graph.add((node, CP.months, rdflib.Literal(int(G.nodes[name]["months"]))))
    for _, worked, key in G.out_edges(name, keys=True):
        if key == "role":
            graph.add((node, CP.role, _ref(worked)))


def _object(graph: rdflib.Graph, G: Any, form: Form, name: str) -> rdflib.term.Node:
    """How *name* is written where it is referenced: in the blank form groups and experience
    requirements inline (with their content), anything else by IRI."""
    kind = G.nodes[name]["kind"]
    if form.groups == "blank" and kind in ("group", "experience"):
        node = rdflib.BNode()
        (_group_triples if kind == "group" else _gate_triples)(graph, G, name, node, form)
        return node
    return _ref(name)


def _qualified(
    graph: rdflib.Graph, form: Form, owner: str, link: rdflib.URIRef, c: str, level: int
) -> None:
    node: rdflib.term.Node
    if form.qualified == "blank":
        node = rdflib.BNode()
    else:
        node = rdflib.URIRef(iri(f"{owner}-{link.split('#')[-1]}-{c}"))
    graph.add((_ref(owner), link, node))
    graph.add((node, CP.competency, _ref(c)))
    graph.add((node, CP.level, rdflib.Literal(level)))


def _decimal(value: float) -> rdflib.Literal:
    return rdflib.Literal(str(value), datatype=XSD.decimal)


def write_rdf(G: Any, folder: Path, form: Form) -> list[Path]:
    """Write planning graph *G* as RDF files in *folder*, in *form*; return the files.

    Offers (with their blank groups), roles, and the rest (competencies, providers, named
    groups) go to three files; the formats of *form* are used in turn.
    """
    offers, roles, rest = rdflib.Graph(), rdflib.Graph(), rdflib.Graph()
    for name, data in sorted(G.nodes(data=True)):
        kind = data["kind"]
        subject = _ref(name)
        if kind == "competency":
            rest.add((subject, RDF.type, CP.Competency))
            rest.add((subject, SKOS.prefLabel, rdflib.Literal(data.get("label", name), lang="en")))
        elif kind == "provider":
            rest.add((subject, RDF.type, CP.Provider))
            rest.add((subject, SKOS.prefLabel, rdflib.Literal(name, lang="en")))
        elif kind in ("group", "experience") and (form.groups == "iri" or not G.in_degree(name)):
            # A blank one is written inline where it is used; one that nothing uses still stands
            # on its own (a gate's months are thresholds of its role even where nothing asks it).
            node = subject if form.groups == "iri" else rdflib.BNode()
            (_group_triples if kind == "group" else _gate_triples)(rest, G, name, node, form)
        elif kind == "role":
            roles.add((subject, RDF.type, CP.Role))
            roles.add((subject, SKOS.prefLabel, rdflib.Literal(data.get("label", name), lang="en")))
        elif kind == "offer":
            offers.add((subject, RDF.type, CP.Certification if name[-1] in "02468" else CP.Course))
            offers.add((subject, SKOS.prefLabel, rdflib.Literal(data["label"], lang="en")))
            offers.add(
                (
                    subject,
                    CP.durationHours,
                    rdflib.Literal(str(data["hours"]), datatype=XSD.decimal),
                )
            )
            if data.get("cost"):
                offers.add(
                    (subject, CP.cost, rdflib.Literal(str(data["cost"]), datatype=XSD.decimal))
                )
                offers.add((subject, CP.currency, rdflib.Literal(data["currency"])))
            for mode in data.get("delivery", ()):
                offers.add((subject, CP.deliveryMode, CP[mode]))
    for u, v, key, data in sorted(G.edges(keys=True, data=True), key=lambda e: e[:3]):
        level = int(data.get("level", 1))
        if key == "broader":
            rest.add((_ref(u), SKOS.broader, _ref(v)))
        elif key in ("requires", "recommends"):
            roles.add((_ref(u), CP[key], _ref(v)))
            _qualified(roles, form, u, CP.qualifiedRequirement, v, level)
        elif key == "teaches":
            offers.add((_ref(u), CP.teaches, _ref(v)))
            _qualified(offers, form, u, CP.qualifiedOutcome, v, level)
        elif key == "leadsTo":
            roles.add((_ref(u), CP.leadsTo, _ref(v)))
        elif key == "offeredBy":
            offers.add((_ref(u), CP.offeredBy, _ref(v)))
        elif key == "prerequisite":
            offers.add((_ref(u), CP.prerequisite, _object(offers, G, form, v)))
        elif key == "requiresExperience":
            roles.add((_ref(u), CP.requiresExperience, _object(roles, G, form, v)))
    files = []
    for i, (name, graph) in enumerate((("offers", offers), ("roles", roles), ("rest", rest))):
        if not len(graph):
            continue
        fmt = form.formats[i % len(form.formats)]
        path = folder / f"{name}{FORMATS[fmt]}"
        path.write_bytes(graph.serialize(format=fmt, encoding="utf-8"))
        files.append(path)
    return files


def loaded(
    G: Any, folder: Path, form: Form, targets: Iterable[str] = (), **person: Any
) -> nx.MultiDiGraph:
    """*G* written in *form*, loaded and projected back (names become :func:`iri`\\ s)."""
    kg = load(write_rdf(G, folder, form))
    if form.neighbourhood:
        have = [iri(c) for c in person.get("have", {})]
        holds = [iri(o) for o in person.get("holds", ())]
        include = [iri(o) for o in person.get("include", ())]
        targets = [iri(t) for t in targets]
        return project_neighbourhood(kg, targets, have=have, holds=holds, include=include)
    return project(kg)


def to_iris(kwargs: dict[str, Any]) -> dict[str, Any]:
    """Planner keyword arguments with every node name turned into its IRI."""
    out = dict(kwargs)
    out["have"] = {iri(c): lv for c, lv in kwargs.get("have", {}).items()}
    out["experience"] = {iri(r): m for r, m in kwargs.get("experience", {}).items()}
    for key in ("holds", "exclude", "include"):
        out[key] = [iri(x) for x in kwargs.get(key, [])]
    return out


def strip(value: str) -> str:
    """An IRI of a test graph back to its node name."""
    return value.removeprefix(EX)
