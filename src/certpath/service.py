"""The questions people ask, by the names they type: what the CLI and the HTTP API both call.

Each function takes a :class:`~certpath.graph.KnowledgeGraph` and options named as the CLI's long
options (``budget_hours`` for ``--budget-hours``), resolves every name the way ``certpath show``
does (IRI, CURIE, slug, label or alias, case-insensitive), plans on the question's neighbourhood
(``path``, ``gaps``) or on the whole projection (``closest``, ``career``) and returns a result
whose ``to_dict()`` is the command's ``--format json``. So the CLI and the API give the same
answers by construction.

Errors are :mod:`certpath.errors` classes: ``EntityNotFound`` / ``AmbiguousName`` for names,
``InputError`` for options out of range (naming the option), ``NoPlan`` when no plan exists,
``ValidationError`` / ``MixedCurrencies`` for data that cannot be planned with.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import networkx as nx

from certpath.errors import InputError
from certpath.graph import KnowledgeGraph
from certpath.planning import (
    CareerPath,
    ClosestRoles,
    LearningPlan,
    Question,
    RoleGaps,
    career_path,
    closest_roles,
    plan,
    role_gaps,
)
from certpath.profile import Profile, build_profile
from certpath.resolve import resolve

__all__ = [
    "DELIVERY_MODES",
    "career",
    "closest",
    "gaps",
    "path",
    "path_question",
    "person",
]

#: ``--delivery`` choices and the delivery modes they name.
DELIVERY_MODES = {
    "classroom": "Classroom",
    "live-online": "LiveOnline",
    "self-paced": "SelfPaced",
    "assessment-only": "AssessmentOnly",
}
_DELIVERY_ALIASES = {
    **DELIVERY_MODES,
    "liveonline": "LiveOnline",
    "selfpaced": "SelfPaced",
    "assessmentonly": "AssessmentOnly",
}


def person(
    kg: KnowledgeGraph,
    *,
    have: Iterable[str] = (),
    holds: Iterable[str] = (),
    experience: Iterable[str] = (),
    profile: Profile | str | Path | None = None,
) -> Profile:
    """What the person has: a profile (a file, or one already read) plus ``have``/``holds``/
    ``experience``.

    ``have`` items are ``NAME[@LEVEL]`` (no level: 5, expert); ``holds`` items name offers;
    ``experience`` items are ``ROLE@MONTHS`` (months worked as that role).
    """
    if isinstance(profile, Profile):
        extra = build_profile(kg, have=have, holds=holds, experience=experience)
        merged = Profile(dict(profile.have), set(profile.holds), dict(profile.experience))
        for iri, level in extra.have.items():
            merged.add_competency(iri, level)
        for iri, months in extra.experience.items():
            merged.add_experience(iri, months)
        merged.holds |= extra.holds
        return merged
    return build_profile(kg, have=have, holds=holds, experience=experience, profile_file=profile)


def _delivery(names: Iterable[str]) -> tuple[str, ...] | None:
    modes = set()
    for name in names:
        mode = _DELIVERY_ALIASES.get(name.strip().lower())
        if mode is None:
            raise InputError(f"--delivery {name}: use one of {', '.join(DELIVERY_MODES)}")
        modes.add(mode)
    return tuple(sorted(modes)) or None


def path_question(
    kg: KnowledgeGraph,
    *,
    target: str,
    have: Sequence[str] = (),
    holds: Sequence[str] = (),
    experience: Sequence[str] = (),
    profile: Profile | str | Path | None = None,
    minimize: str = "hours",
    budget_hours: float | None = None,
    budget_cost: float | None = None,
    exclude: Sequence[str] = (),
    include: Sequence[str] = (),
    delivery: Sequence[str] = (),
    with_recommended: bool = False,
    alternatives: int = 0,
    time_limit: float | None = None,
    projection: nx.MultiDiGraph | None = None,
) -> tuple[Question, nx.MultiDiGraph]:
    """The :class:`~certpath.planning.Question` that :func:`path` answers, with the planning
    graph of its neighbourhood (for a picture of the plan), or *projection*, the whole projection
    of *kg*, when the caller keeps one (a server)."""
    role = resolve(kg, target, kinds=["role"])
    who = person(kg, have=have, holds=holds, experience=experience, profile=profile)
    question = Question.of(
        role,
        have=who.have,
        holds=sorted(who.holds),
        experience=who.experience,
        minimize=minimize,
        budget_hours=budget_hours,
        budget_cost=budget_cost,
        exclude=[resolve(kg, name, kinds=["offer", "provider"]) for name in exclude],
        include=[resolve(kg, name, kinds=["offer"]) for name in include],
        delivery=_delivery(delivery),
        with_recommended=with_recommended,
        alternatives=alternatives,
        time_limit=time_limit,
    )
    if projection is not None:
        return question, projection
    return question, _neighbourhood(kg, role, who, question.include)


def path(kg: KnowledgeGraph, **options: Any) -> LearningPlan:
    """The exact shortest learning path to the role named *target* (``certpath path``).

    Takes the keyword options of :func:`path_question`.

    Examples
    --------
    >>> from certpath.graph import load
    >>> plan = path(load(), target="SAFe POPM", have=["user story writing", "backlog refinement"])
    >>> plan.optimal
    True
    """
    question, graph = path_question(kg, **options)
    return plan(graph, question)


def _neighbourhood(
    kg: KnowledgeGraph, role: str, who: Profile, include: Sequence[str] = ()
) -> nx.MultiDiGraph:
    """The projection of the neighbourhood of a question about *role*: the answers of the whole
    projection, read with index look-ups."""
    from certpath.projection import project_neighbourhood

    return project_neighbourhood(kg, [role], have=who.have, holds=who.holds, include=include)


def gaps(
    kg: KnowledgeGraph,
    *,
    target: str,
    have: Sequence[str] = (),
    holds: Sequence[str] = (),
    experience: Sequence[str] = (),
    profile: Profile | str | Path | None = None,
    projection: nx.MultiDiGraph | None = None,
) -> RoleGaps:
    """Each requirement of the role named *target* against the person (``certpath gaps``).

    *projection* is the whole projection of *kg* when the caller keeps one (a server).

    >>> from certpath.graph import load
    >>> report = gaps(load(), target="Product Owner", have=["user story writing"])
    >>> report.met >= 1
    True
    """
    role = resolve(kg, target, kinds=["role"])
    who = person(kg, have=have, holds=holds, experience=experience, profile=profile)
    graph = projection if projection is not None else _neighbourhood(kg, role, who)
    return role_gaps(graph, role, have=who.have, holds=who.holds, experience=who.experience)


def _whole(kg: KnowledgeGraph, projection: nx.MultiDiGraph | None) -> nx.MultiDiGraph:
    if projection is not None:
        return projection
    from certpath.projection import project

    return project(kg)


def closest(
    kg: KnowledgeGraph,
    *,
    have: Sequence[str] = (),
    holds: Sequence[str] = (),
    experience: Sequence[str] = (),
    profile: Profile | str | Path | None = None,
    top: int | None = 10,
    minimize: str = "hours",
    projection: nx.MultiDiGraph | None = None,
) -> ClosestRoles:
    """Roles ranked by the exact cost of reaching them (``certpath closest``).

    *projection* is the whole projection of *kg* when the caller keeps one (a server).
    """
    who = person(kg, have=have, holds=holds, experience=experience, profile=profile)
    return closest_roles(
        _whole(kg, projection),
        have=who.have,
        holds=who.holds,
        experience=who.experience,
        top=top,
        minimize=minimize,
    )


def career(
    kg: KnowledgeGraph,
    *,
    source: str,
    target: str,
    have: Sequence[str] = (),
    holds: Sequence[str] = (),
    experience: Sequence[str] = (),
    profile: Profile | str | Path | None = None,
    minimize: str = "hours",
    projection: nx.MultiDiGraph | None = None,
) -> CareerPath:
    """The cheapest chain of roles from *source* to *target*, hop by hop (``certpath career``)."""
    who = person(kg, have=have, holds=holds, experience=experience, profile=profile)
    return career_path(
        _whole(kg, projection),
        resolve(kg, source, kinds=["role"]),
        resolve(kg, target, kinds=["role"]),
        have=who.have,
        holds=who.holds,
        experience=who.experience,
        minimize=minimize,
    )
