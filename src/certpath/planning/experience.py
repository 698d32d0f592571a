"""Experience gates and experience steps (vocabulary rule 7).

A gate (R, N), a ``cp:ExperienceRequirement`` with ``cp:role R`` and ``cp:months N``, is met when
the person's months as R reach N. The months the graph's gates ask for R (say 12, 24 and 36 as
Product Owner) are the *thresholds* of R. An experience step, "work as R", takes the person from
the months they have as R to the next threshold: from 0 to 12 months, then 12 more to 24, so a
plan reads CSPO → work as Product Owner for 12 months → A-CSPO → 12 more months → CSP-PO. A step
can be taken once the person qualifies for R (every ``cp:requires`` of R met at its level and R's
own gates met) and has reached the threshold before it; it costs no hours and no money, and adds
its months to the plan's months. An experience step is planned like an offer: its key is
``"<role IRI> @<threshold, six digits>"`` (no IRI holds a space), so it sorts beside its role.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from certpath.errors import ValidationError
from certpath.planning.index import Snapshot

if TYPE_CHECKING:
    from certpath.planning.rules import Person

__all__ = [
    "gate",
    "is_step",
    "previous_threshold",
    "qualified",
    "step_key",
    "step_months",
    "step_role",
    "thresholds",
]

_MARK = " @"


def step_key(role: str, months: int) -> str:
    """The key of the experience step that brings the months as *role* to *months*.

    >>> step_key("https://w3id.org/certpath/data/product-owner", 12)
    'https://w3id.org/certpath/data/product-owner @000012'
    """
    return f"{role}{_MARK}{months:06d}"


def is_step(item: str) -> bool:
    """Whether *item* is an experience step's key (offer IRIs and node keys hold no space)."""
    return _MARK in item


def step_role(key: str) -> tuple[str, int]:
    """The role and the threshold of an experience step.

    >>> step_role("https://w3id.org/certpath/data/product-owner @000012")
    ('https://w3id.org/certpath/data/product-owner', 12)
    """
    role, _, months = key.rpartition(_MARK)
    return role, int(months)


def gate(s: Snapshot, requirement: str) -> tuple[str, int]:
    """The (role, months) of an experience requirement node.

    Raises
    ------
    ValidationError
        It names no role, several, or something that is not a role.
    """
    found = s.memo.get(("gate", requirement))
    if found is None:
        roles = s.index.role_of.get(requirement, [])
        if len(roles) != 1 or s.kind(roles[0]) != "role":
            from certpath.planning.rules import node_name

            given = (
                f"{len(roles)} given" if len(roles) != 1 else f"{node_name(s, roles[0])} is none"
            )
            raise ValidationError(
                f"{node_name(s, requirement)} cp:role: an experience requirement names exactly "
                f"one cp:Role ({given})"
            )
        found = s.memo[("gate", requirement)] = (roles[0], int(s.attr(requirement, "months", 1)))
    assert isinstance(found, tuple)
    return found


def thresholds(s: Snapshot, role: str) -> tuple[int, ...]:
    """The months the graph's gates ask for *role*, ascending."""
    found = s.memo.get(("thresholds", role))
    if found is None:
        found = s.memo[("thresholds", role)] = tuple(
            sorted({int(s.attr(e, "months", 1)) for e in s.index.about_role.get(role, ())})
        )
    assert isinstance(found, tuple)
    return found


def previous_threshold(s: Snapshot, role: str, months: int) -> int:
    """The largest threshold of *role* below *months* (0 when none)."""
    return max((t for t in thresholds(s, role) if t < months), default=0)


def step_months(s: Snapshot, start: Person, key: str) -> int:
    """How many months the step *key* adds for a person who starts with *start*'s months."""
    role, months = step_role(key)
    had = start.months.get(role, 0.0)
    return int(months - max(had, previous_threshold(s, role, months)))


def qualified(s: Snapshot, p: Person, role: str) -> bool:
    """Whether *p* qualifies for *role*: its requirements met at their levels, its gates met."""
    for c, level in s.requirements(role).items():
        if p.reach.get(c, 0) < level:
            return False
    for requirement in s.index.experience.get(role, ()):
        worked, months = gate(s, requirement)
        if p.months.get(worked, 0.0) < months:
            return False
    return True
