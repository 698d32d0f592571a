"""A learning plan as a picture, left to right at fixed positions.

Columns: what the person has (✓, green border), each step in order with the competencies it is
first to meet beside it, then the target role and what is still missing (red, dashed border). A
competency held below the level needed is never drawn as "have": it is drawn where it is needed
(beside the step that meets it, or as missing) with both levels.
"""

from __future__ import annotations

import math
import os
from collections.abc import Iterable, Mapping
from typing import Any

import networkx as nx

from certpath.namespaces import curie
from certpath.selection import node_class, node_label
from certpath.viz.page import Picture, render_page
from certpath.viz.styles import HAVE, HAVE_BORDER, MISSING, STYLES, legend
from certpath.viz.tooltips import listed, money, number
from certpath.viz.visdata import options, vis_edge, vis_node

_COLUMN = 260.0
_ROW = 110.0


def _requirement(item: Any) -> tuple[str, int]:
    """(competency, level) from an IRI, a pair, or an object with ``competency`` and a level."""
    if isinstance(item, str):
        return item, 1
    if isinstance(item, tuple):
        return str(item[0]), int(item[1]) if len(item) > 1 else 1
    level = getattr(item, "required_level", None) or getattr(item, "level", None) or 1
    return str(item.competency), int(level)


def _step_tooltip(
    G: nx.MultiDiGraph, position: int, total: int, step: Any, sources: Mapping[str, str]
) -> str:
    cls = node_class(G, step.iri) if step.iri in G else "course"
    lines = [
        f"Step {position} of {total}: {step.label}",
        f"{STYLES[cls].name.lower()} · {curie(step.iri)}",
        f"hours: {number(float(step.hours or 0.0))}",
        f"cost: {money(step.cost, step.currency)}",
    ]
    if step.provider:
        lines.append(f"provider: {node_label(G, step.provider)}")
    if getattr(step, "delivery", ()):
        lines.append(f"delivery: {', '.join(step.delivery)}")
    meets = [_requirement(m) for m in step.meets]
    if meets:
        lines += ["meets:", *listed([f"{node_label(G, c)} (level {lv})" for c, lv in meets])]
    if step.unlocked_by:
        lines += ["after:", *listed([node_label(G, u) for u in step.unlocked_by])]
    if step.iri in sources:
        lines.append(f"source: {sources[step.iri]}")
    return "\n".join(lines)


class _PlanDrawing:
    """Nodes, positions and edges of a plan picture, filled column by column.

    ``below`` maps each competency the person holds below a level the picture needs to the level
    held: such a competency is never placed as "have".
    """

    def __init__(
        self, G: nx.MultiDiGraph, sources: Mapping[str, str], below: Mapping[str, int]
    ) -> None:
        self.G, self.sources, self.below = G, sources, below
        self.nodes: dict[str, dict[str, Any]] = {}
        self.edges: list[dict[str, Any]] = []
        self.rows: dict[int, int] = {}

    def place(self, iri: str, column: int, attrs: dict[str, Any], offset: float = 0.0) -> None:
        if iri in self.nodes:
            return
        row = self.rows.get(column, 0)
        self.rows[column] = row + 1
        x = _COLUMN * column + offset
        self.nodes[iri] = {"id": iri, **attrs, "x": x, "y": _ROW * row}

    def have(self, iri: str, note: str) -> None:
        if iri in self.below:
            return  # drawn where it is needed, with both levels
        style = STYLES[node_class(self.G, iri)]
        attrs = vis_node(self.G, iri, self.sources, style=style, border=HAVE_BORDER)
        attrs["label"] = f"✓ {attrs['label']}"
        attrs["title"] += f"\n{note}"
        self.place(iri, 0, attrs)

    def edge(self, u: str, v: str, relation: str, label: str) -> None:
        self.edges.append({"from": u, "to": v, **vis_edge(relation, label)})


def _plan_title(plan: Any) -> str:
    n = len(plan.steps)
    target = getattr(plan, "target_label", None) or curie(plan.target)
    if not n:
        return f"Learning plan to {target}: nothing left to learn"
    hours = math.fsum(float(s.hours or 0.0) for s in plan.steps)
    currencies = sorted({s.currency for s in plan.steps if s.currency})
    cost = math.fsum(float(s.cost or 0.0) for s in plan.steps)
    amount = ""
    if len(currencies) == 1 or (not currencies and cost):
        amount = ", " + money(cost, currencies[0] if currencies else None)
    return f"Learning plan to {target}: {n} step{'s' if n > 1 else ''}, {number(hours)} h{amount}"


def _held_below(
    have: Mapping[str, int], steps: list[Any], missing: list[tuple[str, int, int]]
) -> dict[str, int]:
    """Competency → level held, for each one held below a level a step meets or still missing."""
    needed: dict[str, int] = {}
    for step in steps:
        for c, level in (_requirement(m) for m in step.meets):
            needed[c] = max(level, needed.get(c, 0))
    held = dict(have)
    for c, level, at in missing:
        needed[c] = max(level, needed.get(c, 0))
        if at:
            held[c] = max(at, held.get(c, 0))
    return {c: lv for c, lv in held.items() if 0 < lv < needed.get(c, 0)}


def render_plan(
    G: nx.MultiDiGraph,
    plan: Any,
    *,
    have: Mapping[str, int] | None = None,
    holds: Iterable[str] = (),
    missing: Iterable[Any] = (),
    sources: Mapping[str, str] | None = None,
    path: str | os.PathLike[str] | None = None,
    force: bool = False,
) -> Picture:
    """Draw a learning plan left to right: what the person has, the numbered steps, what each
    step teaches, the target role, and what is still missing.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        The projection the plan was made from (labels, shapes, tooltips).
    plan : certpath.planner.LearningPlan
        Read by attribute: ``target``, ``target_label``, ``steps`` (each with ``iri``, ``label``,
        ``hours``, ``cost``, ``currency``, ``provider``, ``meets``, ``unlocked_by``) and
        ``already_met`` (each with ``competency``, ``level``, ``met_by``).
    have : mapping of str to int, optional
        Competencies the person has, IRI → level. One held below a level that a step meets or
        that is still missing is drawn there with both levels, not as "have".
    holds : iterable of str
        Offers the person holds.
    missing : iterable
        Competencies still missing after the plan: IRIs, ``(iri, level)`` pairs, or objects with
        ``competency`` and ``required_level`` or ``level`` (a :class:`certpath.planner.Gap`, whose
        ``held_level`` is shown too). They are drawn with a red dashed border next to the target.
    sources : mapping of str to str, optional
        Entity IRI → source link for tooltips (:func:`certpath.viz.source_links`).
    path : path-like, optional
        Also write the page there (:func:`certpath.viz.write_html`); *force* replaces an
        existing file.

    Returns
    -------
    Picture
        Drawn at fixed positions (``physics`` is False): the same plan gives the same page.

    Examples
    --------
    >>> from types import SimpleNamespace as NS
    >>> G = nx.MultiDiGraph()
    >>> G.add_node("r", kind="role", label="Owner")
    >>> G.add_node("c", kind="competency", label="Backlog")
    >>> G.add_node("o", kind="offer", offer_type="course", label="Basics", hours=8.0)
    >>> step = NS(iri="o", label="Basics", hours=8.0, cost=0.0, currency=None, provider=None,
    ...           delivery=(), meets=(("c", 2),), unlocked_by=())
    >>> plan = NS(target="r", target_label="Owner", steps=(step,), already_met=())
    >>> picture = render_plan(G, plan)
    >>> picture.title, picture.nodes, picture.edges
    ('Learning plan to Owner: 1 step, 8 h', 3, 2)
    """
    sources = sources or {}
    have = dict(have or {})
    steps = list(plan.steps)
    still_missing = sorted(
        {(*_requirement(m), int(getattr(m, "held_level", 0) or 0)) for m in missing}
    )
    drawing = _PlanDrawing(G, sources, _held_below(have, steps, still_missing))
    for iri in sorted(have):
        drawing.have(iri, f"you have it at level {have[iri]}")
    for iri in sorted(set(holds)):
        drawing.have(iri, "you hold it")
    for met in getattr(plan, "already_met", ()):
        c, level = _requirement(met)
        drawing.have(c, f"already met at level {level}")
        by = getattr(met, "met_by", c)
        if by != c:
            drawing.have(by, "you have it")
            drawing.edge(by, c, "meets", "meets")
    step_iris = {s.iri for s in steps}
    for step in steps:
        for u in step.unlocked_by:
            if u not in step_iris:
                drawing.have(u, "you have it")
    _draw_steps(drawing, plan, steps)
    _draw_missing(drawing, plan.target, len(steps) + 1, still_missing)
    for met in getattr(plan, "already_met", ()):
        c, level = _requirement(met)
        drawing.edge(c, plan.target, "needed", f"needed L{level}")
    return _plan_picture(
        drawing,
        plan,
        missing_count=sum(1 for n in drawing.nodes.values() if n["kind"] == "missing"),
        path=path,
        force=force,
    )


def _draw_steps(drawing: _PlanDrawing, plan: Any, steps: list[Any]) -> None:
    G, total = drawing.G, len(steps)
    target_column = total + 1
    attrs = vis_node(G, plan.target, drawing.sources, emphasis=True)
    if plan.target not in G:
        attrs.update(label=getattr(plan, "target_label", curie(plan.target)), kind="role")
    drawing.place(plan.target, target_column, attrs)
    for position, step in enumerate(steps, start=1):
        cls = node_class(G, step.iri) if step.iri in G else "course"
        node = vis_node(G, step.iri, drawing.sources, style=STYLES[cls])
        node.update(
            label=f"{position}. {step.label}",
            title=_step_tooltip(G, position, total, step, drawing.sources),
            kind=cls,
        )
        drawing.place(step.iri, position, node)
        for u in step.unlocked_by:
            drawing.edge(u, step.iri, "prerequisite", "prerequisite")
        for c, level in sorted(_requirement(m) for m in step.meets):
            node = {**vis_node(G, c, drawing.sources), "kind": "competency"}
            if c in drawing.below:
                held = drawing.below[c]
                node["label"] = f"{node['label']} (have L{held}, need L{level})"
                node["title"] += f"\nyou have it at level {held}; needed at level {level}"
            drawing.place(c, position, node, offset=_COLUMN * 0.4)
            taught = G.get_edge_data(step.iri, c, key="teaches") if step.iri in G else None
            if taught is not None:
                drawing.edge(step.iri, c, "teaches", f"teaches L{taught.get('level', 1)}")
            else:
                drawing.edge(step.iri, c, "meets", f"meets L{level}")
            drawing.edge(c, plan.target, "needed", f"needed L{level}")


def _draw_missing(
    drawing: _PlanDrawing, target: str, column: int, missing: list[tuple[str, int, int]]
) -> None:
    for c, level, _ in missing:
        node = vis_node(drawing.G, c, drawing.sources, style=MISSING)
        name = node_label(drawing.G, c)
        title = node["title"]
        if c in drawing.below:
            held = drawing.below[c]
            name = f"{name} (have L{held}, need L{level})"
            title += f"\nyou have it at level {held}"
        node.update(
            label=f"missing: {name}",
            title=f"{title}\nstill missing: needed at level {level}",
            kind="missing",
            shapeProperties={"borderDashes": [6, 4]},
            borderWidth=3,
        )
        drawing.nodes.pop(c, None)  # missing wins over a step's drawing of the same competency
        drawing.place(c, column, node)
        drawing.edge(c, target, "missing", f"missing L{level}")


def _plan_picture(
    drawing: _PlanDrawing,
    plan: Any,
    *,
    missing_count: int,
    path: str | os.PathLike[str] | None,
    force: bool,
) -> Picture:
    title = _plan_title(plan)
    nodes = [drawing.nodes[k] for k in sorted(drawing.nodes)]
    edges = sorted(
        {(e["from"], e["to"], e["relation"]): e for e in drawing.edges}.values(),
        key=lambda e: (e["from"], e["to"], e["relation"]),
    )
    counts: dict[str, int] = {}
    for node in nodes:
        counts[node["kind"]] = counts.get(node["kind"], 0) + 1
    extra = [("have", HAVE, HAVE_BORDER, False)]
    if missing_count:
        extra.append(("missing", MISSING, MISSING.border, True))
    subtitle = "Left to right: what you have, each step in order, what it teaches, the target role."
    if missing_count:
        subtitle += (
            f" Still missing: {missing_count} competenc{'y' if missing_count == 1 else 'ies'}."
        )
    html = render_page(
        title=title,
        subtitle=subtitle,
        nodes=nodes,
        edges=edges,
        options=options(physics=False, curved=True),
        legend=legend(counts, extra),
        notes=["Dashed red arrows are prerequisites: what a step needs before it can start."],
    )
    picture = Picture(html, title, len(nodes), len(edges), False)
    if path is not None:
        picture.write(path, force=force)
    return picture
