"""A learning plan as a picture, left to right at fixed positions.

Columns: what the person has (✓, green border), each step in order with the competencies it is
first to meet beside it, then the target role and what is still missing (red, dashed border). A
competency held below the level needed is never drawn as "have": it is drawn where it is needed
(beside the step that meets it, or as missing) with both levels.

An experience step ("work as Product Owner for 12 months") is drawn in its own shape (▼, the
"experience" style), with an edge from the role it is work in ("work as"; the role is drawn below
the step unless it is the target) and prerequisite edges to the offers it unlocks. Months the
person has already worked are drawn as "have" (``✓ 24 months as Product Owner``). The title and
subtitle give the plan's months.
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


def _gate(item: Any) -> tuple[str, int] | None:
    """(role, months) of an experience gate a step meets (an object with ``role`` and ``months``),
    else None."""
    if isinstance(item, str | tuple):
        return None
    role, months = getattr(item, "role", None), getattr(item, "months", None)
    if role is None or months is None:
        return None
    return str(role), int(months)


def _competencies(step: Any) -> list[tuple[str, int]]:
    """The (competency, level) requirements *step* is first to meet (gates left out)."""
    return [_requirement(m) for m in step.meets if _gate(m) is None]


def _is_experience(step: Any) -> bool:
    return getattr(step, "kind", "offer") == "experience"


def held_key(role: str) -> str:
    """The node id of the months the person has already worked as *role* (never an IRI: it holds
    a space).

    >>> held_key("https://w3id.org/certpath/data/product-owner")
    'https://w3id.org/certpath/data/product-owner @have'
    """
    return f"{role} @have"


def experience_label(G: nx.MultiDiGraph, step: Any) -> str:
    """The picture's name of an experience step: ``Work as Product Owner (12 months)``, or
    ``(12 more months, 24 in all)`` when it continues months worked before.

    >>> from types import SimpleNamespace as NS
    >>> G = nx.MultiDiGraph()
    >>> G.add_node("po", kind="role", label="Product Owner")
    >>> experience_label(G, NS(role="po", months=12, months_after=24))
    'Work as Product Owner (12 more months, 24 in all)'
    """
    role, months = node_label(G, str(step.role)), int(step.months)
    after = int(getattr(step, "months_after", 0) or months)
    unit = "month" if months == 1 else "months"
    if after > months:
        return f"Work as {role} ({months} more {unit}, {after} in all)"
    return f"Work as {role} ({months} {unit})"


def _months(value: int) -> str:
    return f"{value} month{'' if value == 1 else 's'}"


def _requirement(item: Any) -> tuple[str, int]:
    """(competency, level) from an IRI, a pair, or an object with ``competency`` and a level."""
    if isinstance(item, str):
        return item, 1
    if isinstance(item, tuple):
        return str(item[0]), int(item[1]) if len(item) > 1 else 1
    level = getattr(item, "required_level", None) or getattr(item, "level", None) or 1
    return str(item.competency), int(level)


def _experience_tooltip(G: nx.MultiDiGraph, position: int, total: int, step: Any) -> str:
    role = str(step.role)
    months, after = int(step.months), int(getattr(step, "months_after", 0) or step.months)
    in_all = f" ({after} in all as {node_label(G, role)})" if after > months else ""
    lines = [
        f"Step {position} of {total}: {step.label}",
        f"work experience · as {node_label(G, role)} ({curie(role)})",
        f"months: {months}{in_all}",
        "hours: 0 (no learning hours)",
        "cost: none",
    ]
    gates = [g for g in (_gate(m) for m in step.meets) if g is not None]
    if gates:
        lines += ["meets:", *listed([f"{_months(m)} as {node_label(G, r)}" for r, m in gates])]
    if step.unlocked_by:
        lines += ["after:", *listed(_unlocked_names(G, step))]
    return "\n".join(lines)


def _unlocked_names(G: nx.MultiDiGraph, step: Any) -> list[str]:
    """What unlocked *step*, by the plan's labels (``12 months as Product Owner`` for months
    worked or an experience step), else by the graph's."""
    labels = list(getattr(step, "unlocked_labels", ()) or ())
    return [
        labels[i] if i < len(labels) and labels[i] else node_label(G, u)
        for i, u in enumerate(step.unlocked_by)
    ]


def _step_tooltip(
    G: nx.MultiDiGraph, position: int, total: int, step: Any, sources: Mapping[str, str]
) -> str:
    if _is_experience(step):
        return _experience_tooltip(G, position, total, step)
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
    meets = _competencies(step)
    if meets:
        lines += ["meets:", *listed([f"{node_label(G, c)} (level {lv})" for c, lv in meets])]
    if step.unlocked_by:
        lines += ["after:", *listed(_unlocked_names(G, step))]
    if step.iri in sources:
        lines.append(f"source: {sources[step.iri]}")
    return "\n".join(lines)


def _is_role(G: nx.MultiDiGraph, node: str) -> bool:
    """A role in ``unlocked_by``: months the person has worked as it (a held experience)."""
    return node in G and node_class(G, node) == "role"


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

    def worked(self, role: str, months: int) -> str:
        """Draw the months the person has worked as *role* as "have"; return the node's id."""
        key = held_key(role)
        name = f"{_months(months)} as {node_label(self.G, role)}"
        attrs = vis_node(self.G, role, self.sources, style=STYLES["experience"], border=HAVE_BORDER)
        attrs.update(
            label=f"✓ {name}",
            title=f"{name}\nwork experience · as {curie(role)}\nyou have worked {_months(months)} "
            f"as {node_label(self.G, role)}",
            kind="experience",
        )
        self.place(key, 0, attrs)
        return key

    def edge(self, u: str, v: str, relation: str, label: str, title: str | None = None) -> None:
        self.edges.append({"from": u, "to": v, **vis_edge(relation, label, title)})


def plan_months(plan: Any) -> int:
    """The plan's months of work experience: ``total_months``, else the sum over its experience
    steps."""
    total = getattr(plan, "total_months", None)
    if total is not None:
        return int(total)
    return sum(int(getattr(s, "months", 0) or 0) for s in plan.steps if _is_experience(s))


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
    months = plan_months(plan)
    work = f", {_months(months)} of work experience" if months else ""
    steps = f"{n} step{'s' if n > 1 else ''}"
    return f"Learning plan to {target}: {steps}, {number(hours)} h{amount}{work}"


def _held_below(
    have: Mapping[str, int], steps: list[Any], missing: list[tuple[str, int, int]]
) -> dict[str, int]:
    """Competency → level held, for each one held below a level a step meets or still missing."""
    needed: dict[str, int] = {}
    for step in steps:
        for c, level in _competencies(step):
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
    experience: Mapping[str, int] | None = None,
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
        ``hours``, ``cost``, ``currency``, ``provider``, ``meets``, ``unlocked_by``; an experience
        step has ``kind == "experience"``, ``role``, ``months`` and ``months_after``),
        ``already_met`` (each with ``competency``, ``level``, ``met_by``) and ``total_months``.
    have : mapping of str to int, optional
        Competencies the person has, IRI → level. One held below a level that a step meets or
        that is still missing is drawn there with both levels, not as "have".
    holds : iterable of str
        Offers the person holds.
    experience : mapping of str to int, optional
        Months the person has worked as each role, role IRI → months: drawn as "have"
        (``✓ 24 months as Product Owner``), with an edge to each step those months unlock.
    missing : iterable
        Competencies still missing after the plan: IRIs, ``(iri, level)`` pairs, or objects with
        ``competency`` and ``required_level`` or ``level`` (a :class:`certpath.planner.Gap`, whose
        ``held_level`` is shown too); and experience still missing, objects with ``role``,
        ``months_needed`` and ``months_held`` (a :class:`certpath.planning.ExperienceGap`). They
        are drawn with a red dashed border next to the target.
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
    worked = {str(r): int(m) for r, m in (experience or {}).items() if m}
    steps = list(plan.steps)
    missing = list(missing)
    missing_months = sorted(
        (str(m.role), int(m.months_needed), int(getattr(m, "months_held", 0) or 0))
        for m in missing
        if getattr(m, "months_needed", None) is not None
    )
    still_missing = sorted(
        {
            (*_requirement(m), int(getattr(m, "held_level", 0) or 0))
            for m in missing
            if getattr(m, "months_needed", None) is None
        }
    )
    drawing = _PlanDrawing(G, sources, _held_below(have, steps, still_missing))
    for iri in sorted(have):
        drawing.have(iri, f"you have it at level {have[iri]}")
    for iri in sorted(set(holds)):
        drawing.have(iri, "you hold it")
    for role in sorted(worked):
        drawing.worked(role, worked[role])
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
            if u in step_iris:
                continue
            if _is_role(G, u):  # months already worked as u
                drawing.worked(u, worked.get(u) or _held_months(step, u))
            else:
                drawing.have(u, "you have it")
    _draw_steps(drawing, plan, steps)
    _draw_missing(drawing, plan.target, len(steps) + 1, still_missing)
    _draw_missing_months(drawing, plan.target, len(steps) + 1, missing_months)
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


def _held_months(step: Any, role: str) -> int:
    """The months as *role* that the label of *step*'s ``unlocked_by`` entry states (``24 months
    as Product Owner``), 0 when it states none."""
    labels = list(getattr(step, "unlocked_labels", ()) or ())
    for u, label in zip(step.unlocked_by, labels, strict=False):
        first = str(label).split(" ", 1)[0]
        if u == role and first.isdigit():
            return int(first)
    return 0


def _draw_steps(drawing: _PlanDrawing, plan: Any, steps: list[Any]) -> None:
    G, total = drawing.G, len(steps)
    target_column = total + 1
    attrs = vis_node(G, plan.target, drawing.sources, emphasis=True)
    if plan.target not in G:
        attrs.update(label=getattr(plan, "target_label", curie(plan.target)), kind="role")
    drawing.place(plan.target, target_column, attrs)
    step_iris = {s.iri for s in steps}
    for position, step in enumerate(steps, start=1):
        if _is_experience(step):
            _draw_experience_step(drawing, plan, position, step)
        else:
            cls = node_class(G, step.iri) if step.iri in G else "course"
            node = vis_node(G, step.iri, drawing.sources, style=STYLES[cls])
            node.update(
                label=f"{position}. {step.label}",
                title=_step_tooltip(G, position, total, step, drawing.sources),
                kind=cls,
            )
            drawing.place(step.iri, position, node)
        for u in step.unlocked_by:
            source = held_key(u) if u not in step_iris and _is_role(G, u) else u
            drawing.edge(source, step.iri, "prerequisite", "prerequisite")
        for c, level in sorted(_competencies(step)):
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


def _draw_experience_step(drawing: _PlanDrawing, plan: Any, position: int, step: Any) -> None:
    """Step *position*, "work as R": its own shape, the role R below it (unless R is the target)
    with a "work as" edge, and a "meets" edge to the target for each of the target's gates it
    meets."""
    G, role = drawing.G, str(step.role)
    style = STYLES["experience"]
    node = vis_node(G, role, drawing.sources, style=style)
    node.update(
        label=f"{position}. {experience_label(G, step)}",
        title=_experience_tooltip(G, position, len(plan.steps), step),
        kind="experience",
    )
    drawing.place(step.iri, position, node)
    if role not in drawing.nodes:
        drawing.place(role, position, vis_node(G, role, drawing.sources))
    # vis-network 9.1.2 draws the label of a curved edge that runs right to left (from the
    # target back to the step) at a wrong place, far left of the picture: such an edge keeps
    # its text as a tooltip only.
    backwards = drawing.nodes[role]["x"] > drawing.nodes[step.iri]["x"]
    title = f"work as {node_label(G, role)}"
    drawing.edge(role, step.iri, "workAs", "" if backwards else "work as", title)
    for gate in (_gate(m) for m in step.meets):
        if gate is not None:
            worked, months = gate
            name = f"{_months(months)} as {node_label(G, worked)}"
            drawing.edge(step.iri, plan.target, "meets", f"meets {name}")


def _draw_missing_months(
    drawing: _PlanDrawing, target: str, column: int, missing: list[tuple[str, int, int]]
) -> None:
    for role, needed, held in missing:
        name = f"{_months(needed)} as {node_label(drawing.G, role)}"
        node = vis_node(drawing.G, role, drawing.sources, style=MISSING)
        node.update(
            label=f"missing: {name}" + (f" (have {held})" if held else ""),
            title=f"{name}\nwork experience · as {curie(role)}\nstill missing: you have worked "
            f"{_months(held)} as {node_label(drawing.G, role)}",
            kind="missing",
            shape=STYLES["experience"].shape,
            shapeProperties={"borderDashes": [6, 4]},
            borderWidth=3,
        )
        key = f"{role} @missing"
        drawing.place(key, column, node)
        drawing.edge(key, target, "missing", f"missing {name}")


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
    months = plan_months(plan)
    if months:
        worked = sum(1 for s in plan.steps if _is_experience(s))
        subtitle += (
            f" Work experience: {_months(months)} in all, in {worked} experience "
            f"step{'s' if worked != 1 else ''} (no learning hours, no money)."
        )
    if missing_count:
        subtitle += (
            f" Still missing: {missing_count} competenc{'y' if missing_count == 1 else 'ies'}."
        )
    notes = ["Dashed red arrows are prerequisites: what a step needs before it can start."]
    if counts.get("experience"):
        notes.append(
            "An experience step (▼) is time working in a role, taken once you qualify for it; "
            "it unlocks what asks for those months."
        )
    html = render_page(
        title=title,
        subtitle=subtitle,
        nodes=nodes,
        edges=edges,
        options=options(physics=False, curved=True),
        legend=legend(counts, extra),
        notes=notes,
    )
    picture = Picture(html, title, len(nodes), len(edges), False)
    if path is not None:
        picture.write(path, force=force)
    return picture
