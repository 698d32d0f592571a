"""How each class and relation looks: shapes, colours, dashes, and the legend built from them."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Style:
    """A node style: vis-network shape, fill and border colours, the legend's name."""

    shape: str
    fill: str
    border: str
    name: str


#: Drawing class (:func:`certpath.selection.node_class`) → style.
STYLES: dict[str, Style] = {
    "role": Style("star", "#f6b26b", "#b45f06", "Role"),
    "competency": Style("ellipse", "#9fc5f8", "#3d78c9", "Competency"),
    "certification": Style("diamond", "#e06666", "#990000", "Certification"),
    "course": Style("square", "#93c47d", "#38761d", "Course"),
    "provider": Style("box", "#d9d2e9", "#674ea7", "Provider"),
    "group": Style("hexagon", "#ffe599", "#bf9000", "Prerequisite group (k of n)"),
    "framework": Style("triangle", "#d0e0e3", "#45818e", "Framework"),
    "experience": Style("triangleDown", "#ead1dc", "#a64d79", "Work experience (months as a role)"),
    "other": Style("dot", "#cccccc", "#666666", "Undefined reference"),
}
#: Border of what the person has (plan pictures).
HAVE_BORDER = "#0b8043"
#: What the person has or already meets, in the legend of a plan.
HAVE = Style("ellipse", "#9fc5f8", HAVE_BORDER, "What you have or already meet (✓)")
#: A competency still missing, or held below the level needed.
MISSING = Style("ellipse", "#f4cccc", "#cc0000", "Missing competency")

#: Relation → (colour, dashed). Prerequisites and other soft or k-of-n links are dashed.
EDGES: dict[str, tuple[str, bool]] = {
    "requires": ("#3d78c9", False),
    "recommends": ("#9fc5f8", True),
    "teaches": ("#38761d", False),
    "broader": ("#999999", False),
    "prerequisite": ("#cc0000", True),
    "member": ("#bf9000", True),
    "leadsTo": ("#b45f06", False),
    "offeredBy": ("#674ea7", False),
    "framework": ("#45818e", False),
    "meets": ("#38761d", True),
    "needed": ("#3d78c9", False),
    "missing": ("#cc0000", True),
    "requiresExperience": ("#a64d79", False),
    "role": ("#a64d79", True),
    "workAs": ("#a64d79", False),
}

SHAPE_SVG = {
    "star": '<polygon points="9,1 11.4,6.3 17,6.8 12.7,10.5 14,16 9,13 4,16 5.3,10.5 1,6.8 '
    '6.6,6.3"/>',
    "ellipse": '<ellipse cx="9" cy="9" rx="8" ry="5.5"/>',
    "diamond": '<polygon points="9,1 17,9 9,17 1,9"/>',
    "square": '<rect x="2.5" y="2.5" width="13" height="13"/>',
    "box": '<rect x="1" y="4" width="16" height="10" rx="2"/>',
    "hexagon": '<polygon points="5,2 13,2 17,9 13,16 5,16 1,9"/>',
    "triangle": '<polygon points="9,2 17,16 1,16"/>',
    "triangleDown": '<polygon points="1,2 17,2 9,16"/>',
    "dot": '<circle cx="9" cy="9" r="6"/>',
}


def legend(
    counts: Mapping[str, int], extra: Iterable[tuple[str, Style, str, bool]] = ()
) -> list[dict[str, Any]]:
    """Legend entries for the classes drawn (with counts), then *extra* (kind, style, border,
    dashed) entries without counts."""
    from markupsafe import Markup

    items: list[dict[str, Any]] = [
        {
            "kind": cls,
            "name": style.name,
            "svg": Markup(SHAPE_SVG[style.shape]),
            "fill": style.fill,
            "border": style.border,
            "stroke": 1.2,
            "dashed": False,
            "count": counts[cls],
        }
        for cls, style in STYLES.items()
        if counts.get(cls)
    ]
    for kind, style, border, dashed in extra:
        items.append(
            {
                "kind": kind,
                "name": style.name,
                "svg": Markup(SHAPE_SVG[style.shape]),
                "fill": style.fill,
                "border": border,
                "stroke": 2.5,
                "dashed": dashed,
                "count": None,
            }
        )
    return items


def relations(edges: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Legend entries for the relations the *edges* use, sorted by name."""
    used = sorted({str(e["relation"]) for e in edges})
    return [
        {
            "relation": r,
            "text": r,
            "colour": EDGES.get(r, ("#666666", False))[0],
            "dashed": EDGES.get(r, ("#666666", False))[1],
        }
        for r in used
    ]
