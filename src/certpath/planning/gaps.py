"""Role gaps: how a person stands against each requirement of a role."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import networkx as nx

from certpath.planning import experience as xp
from certpath.planning.index import snapshot
from certpath.planning.paths import check_role
from certpath.planning.results import ExperienceGap, Gap, RoleGaps
from certpath.planning.rules import person

__all__ = ["role_gaps"]


def role_gaps(
    G: nx.MultiDiGraph,
    target: str,
    *,
    have: Mapping[str, int] | None = None,
    holds: Iterable[str] = (),
    experience: Mapping[str, int] | None = None,
) -> RoleGaps:
    """Return how the person stands against each requirement of role *target*.

    Essential (``requires``) requirements come first, then recommended ones, each by IRI. A
    gap's ``offers`` are the offers not held that teach the competency (or a narrower one) at
    the required level or above, fewest hours first, then by IRI. The result is a sequence of
    :class:`~certpath.planning.results.Gap`.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        The planning graph.
    target : str
        IRI of a role.
    have : mapping of str to int, optional
        Competency IRI to the level the person has.
    holds : iterable of str
        Offer IRIs the person holds.
    experience : mapping of str to int, optional
        Role IRI to the months the person has worked as that role.

    Returns
    -------
    RoleGaps
        The target with every gap (also iterable as a list of gaps).

    Raises
    ------
    EntityNotFound
        *target* is not a role.

    Examples
    --------
    >>> G = nx.MultiDiGraph()
    >>> G.add_node("r", kind="role")
    >>> G.add_node("c", kind="competency", label="Facilitation")
    >>> _ = G.add_edge("r", "c", key="requires", level=3)
    >>> [(g.status, g.held_level) for g in role_gaps(G, "r", have={"c": 2})]
    [('partial', 2)]
    """
    s = snapshot(G)
    check_role(s, target)
    base = person(s, have, holds, experience)
    gaps: list[Gap] = []
    for essential, table in ((True, s.requirements(target)), (False, s.recommendations(target))):
        for c, level in sorted(table.items()):
            held = base.reach.get(c, 0)
            status = "met" if held >= level else "partial" if held > 0 else "missing"
            offers = sorted(s.satisfiers(c, level) - base.held, key=lambda o: (s.hours(o), o))
            gaps.append(
                Gap(
                    c,
                    s.label(c),
                    level,
                    held,
                    status,
                    essential,
                    tuple(offers),
                    tuple(s.label(o) for o in offers),
                )
            )
    found: list[ExperienceGap] = []
    for requirement in s.index.experience.get(target, ()):
        role, months = xp.gate(s, requirement)
        held = int(base.months.get(role, 0))
        status = "met" if held >= months else "partial" if held > 0 else "missing"
        found.append(ExperienceGap(requirement, role, s.label(requirement), months, held, status))
    return RoleGaps(target, s.label(target), tuple(gaps), tuple(found))
