"""What planning answers: plans, steps, gaps, role rankings and careers, each describing itself.

Every result carries the labels a reader needs (of steps, providers, competencies, roles), so a
report never goes back to the graph, and has ``to_dict()``: the JSON that ``--format json`` and the
HTTP API print (the shapes documented in README.md; labels appear there where the contract has
them, the other labels are for reports and notebooks).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, overload

from certpath.errors import MixedCurrencies, NoPlan

__all__ = [
    "Alternative",
    "ExperienceGap",
    "Gate",
    "CareerPath",
    "ClosestRoles",
    "Gap",
    "LearningPlan",
    "MetRequirement",
    "Milestone",
    "PlanStep",
    "Requirement",
    "RoleDistance",
    "RoleGaps",
    "no_plan_to_dict",
]


@dataclass(frozen=True)
class Requirement:
    """A competency needed at a level."""

    competency: str
    level: int
    label: str = ""

    def to_dict(self) -> dict[str, Any]:
        """``{"competency", "level"}``."""
        return {"competency": self.competency, "level": self.level}


@dataclass(frozen=True)
class Gate:
    """An experience requirement: *months* working as *role* (``label`` names the role)."""

    role: str
    months: int
    label: str = ""

    def to_dict(self) -> dict[str, Any]:
        """``{"role", "months"}``."""
        return {"role": self.role, "months": self.months}


@dataclass(frozen=True)
class MetRequirement:
    """A requirement the person meets before any step, and what meets it."""

    competency: str
    level: int
    met_by: str
    label: str = ""
    met_by_label: str = ""

    def to_dict(self) -> dict[str, Any]:
        """``{"competency", "level", "met_by"}``."""
        return {"competency": self.competency, "level": self.level, "met_by": self.met_by}


@dataclass(frozen=True)
class Milestone:
    """Role ``role`` has every requirement met after step ``after_step`` (0-based)."""

    after_step: int
    role: str
    label: str = ""

    def to_dict(self) -> dict[str, Any]:
        """``{"after_step", "role"}``."""
        return {"after_step": self.after_step, "role": self.role}


@dataclass(frozen=True)
class PlanStep:
    """One step of a plan, with what it is first to meet and what unlocked it
    (``unlocked_labels`` names each entry of ``unlocked_by``).

    A step is an offer to complete (``kind == "offer"``), or an experience step
    (``kind == "experience"``): working as ``role`` for ``months`` months, no hours and no money;
    its ``iri`` is then the step's key (``"<role IRI> @<months reached>"``), not an entity.
    """

    iri: str
    label: str
    hours: float
    cost: float
    currency: str | None
    provider: str | None
    delivery: tuple[str, ...]
    meets: tuple[Requirement | Gate, ...]
    unlocked_by: tuple[str, ...]
    provider_label: str | None = None
    unlocked_labels: tuple[str, ...] = ()
    kind: str = "offer"
    role: str | None = None
    months: int = 0
    #: For an experience step: the months as ``role`` after it.
    months_after: int = 0

    def to_dict(self) -> dict[str, Any]:
        """The step as in ``path --format json``; an experience step names its ``role`` and
        ``months`` instead of an ``iri``, and ``unlocked_by`` names a step by its role."""
        unlocked = [_public(u) for u in self.unlocked_by]
        if self.kind == "experience":
            return {
                "kind": "experience",
                "role": self.role,
                "label": self.label,
                "months": self.months,
                "hours": self.hours,
                "cost": self.cost,
                "currency": None,
                "provider": None,
                "delivery": [],
                "meets": [m.to_dict() for m in self.meets],
                "unlocked_by": unlocked,
            }
        return {
            "kind": "offer",
            "iri": self.iri,
            "label": self.label,
            "hours": self.hours,
            "cost": self.cost,
            "currency": self.currency,
            "provider": self.provider,
            "delivery": list(self.delivery),
            "meets": [m.to_dict() for m in self.meets],
            "unlocked_by": unlocked,
        }


def _public(item: str) -> str:
    """An experience step's key as its role's IRI (what JSON shows); anything else unchanged."""
    return item.rpartition(" @")[0] if " @" in item else item


@dataclass(frozen=True)
class Alternative:
    """A next-best plan; ``difference`` is its excess over the best in the primary measure."""

    steps: tuple[str, ...]
    total_hours: float
    total_cost: float | None
    total_steps: int
    difference: float
    currency: str | None = None
    labels: tuple[str, ...] = ()
    total_months: int = 0

    def to_dict(self) -> dict[str, Any]:
        """``{"steps", "total", "difference"}`` (an experience step named by its role)."""
        return {
            "steps": [_public(step) for step in self.steps],
            "total": _total_dict(
                self.total_hours,
                self.total_cost,
                self.currency,
                self.total_steps,
                self.total_months,
            ),
            "difference": self.difference,
        }


@dataclass(frozen=True)
class LearningPlan:
    """A learning path to ``target``.

    ``optimal`` is False for the greedy heuristic and for a search stopped by a time limit; then
    ``bound`` is a proven lower bound of the primary measure and ``gap`` the relative distance of
    this plan to it (None when unknown).
    """

    target: str
    target_label: str
    minimize: str
    optimal: bool
    steps: tuple[PlanStep, ...]
    total_hours: float
    total_cost: float | None
    currency: str | None
    already_met: tuple[MetRequirement, ...] = ()
    milestones: tuple[Milestone, ...] = ()
    alternatives: tuple[Alternative, ...] = ()
    bound: float | None = None
    gap: float | None = None
    #: Why fewer alternatives than asked for came back (empty when all did).
    alternatives_note: str = ""
    #: Months of the experience steps: the calendar time the plan adds in roles.
    total_months: int = 0

    @property
    def total_steps(self) -> int:
        """The number of steps."""
        return len(self.steps)

    def total(self, measure: str) -> float:
        """The plan's total in ``measure`` (cost must be in one currency)."""
        if measure == "steps":
            return float(self.total_steps)
        if measure == "hours":
            return self.total_hours
        if measure == "months":
            return float(self.total_months)
        if self.total_cost is None:
            raise MixedCurrencies(f"the plan to {self.target_label} mixes currencies")
        return self.total_cost

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready data (plain ``dict``, ``list``, ``str``, ``int``, ``float``, ``None``)."""
        data: dict[str, Any] = {
            "target": {"iri": self.target, "label": self.target_label},
            "minimize": self.minimize,
            "optimal": self.optimal,
            "total": _total_dict(
                self.total_hours,
                self.total_cost,
                self.currency,
                self.total_steps,
                self.total_months,
            ),
            "steps": [s.to_dict() for s in self.steps],
            "already_met": [m.to_dict() for m in self.already_met],
            "milestones": [m.to_dict() for m in self.milestones],
            "alternatives": [a.to_dict() for a in self.alternatives],
        }
        if not self.optimal:  # what is proven about it: a lower bound of the measure, the gap
            data["bound"] = self.bound
            data["gap"] = self.gap
        return data


@dataclass(frozen=True)
class Gap:
    """How a person stands against one requirement of a role; ``offers`` (with
    ``offer_labels``) teach it at the level needed, fewest hours first."""

    competency: str
    label: str
    required_level: int
    held_level: int
    status: str
    essential: bool
    offers: tuple[str, ...]
    offer_labels: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """One entry of ``gaps --format json``."""
        return {
            "competency": self.competency,
            "label": self.label,
            "required_level": self.required_level,
            "held_level": self.held_level,
            "status": self.status,
            "essential": self.essential,
            "offers": list(self.offers),
        }


@dataclass(frozen=True)
class ExperienceGap:
    """How a person stands against one experience requirement of a role: months as ``role``
    held vs needed."""

    requirement: str
    role: str
    label: str
    months_needed: int
    months_held: int
    status: str

    def to_dict(self) -> dict[str, Any]:
        """One entry of the ``experience`` list of ``gaps --format json``."""
        return {
            "role": self.role,
            "label": self.label,
            "months_needed": self.months_needed,
            "months_held": self.months_held,
            "status": self.status,
        }


@dataclass(frozen=True)
class RoleGaps:
    """Every requirement of role ``target`` against what the person has."""

    target: str
    target_label: str
    gaps: tuple[Gap, ...]
    #: The role's experience requirements (``cp:requiresExperience``).
    experience: tuple[ExperienceGap, ...] = ()

    def __iter__(self) -> Iterator[Gap]:
        return iter(self.gaps)

    def __len__(self) -> int:
        return len(self.gaps)

    @overload
    def __getitem__(self, index: int) -> Gap: ...
    @overload
    def __getitem__(self, index: slice) -> tuple[Gap, ...]: ...
    def __getitem__(self, index: int | slice) -> Gap | tuple[Gap, ...]:
        return self.gaps[index]

    @property
    def met(self) -> int:
        """Essential requirements met (experience requirements included)."""
        met = sum(g.status == "met" for g in self.gaps if g.essential)
        return met + sum(g.status == "met" for g in self.experience)

    @property
    def essential(self) -> int:
        """Essential requirements in all (experience requirements included)."""
        return sum(g.essential for g in self.gaps) + len(self.experience)

    def to_dict(self) -> dict[str, Any]:
        """``gaps --format json``: ``{"target": {"iri", "label"}, "gaps": [...],
        "experience": [...]}``."""
        return {
            "target": {"iri": self.target, "label": self.target_label},
            "gaps": [g.to_dict() for g in self.gaps],
            "experience": [g.to_dict() for g in self.experience],
        }


@dataclass(frozen=True)
class RoleDistance:
    """A role and the exact cost (primary measure) of the shortest path to it."""

    role: str
    label: str
    feasible: bool
    cost: float | None
    met: int
    total: int
    plan: LearningPlan | None = field(default=None, compare=False)

    def to_dict(self) -> dict[str, Any]:
        """One entry of ``closest --format json``."""
        return {
            "iri": self.role,
            "label": self.label,
            "feasible": self.feasible,
            "cost": self.cost,
            "met": self.met,
            "total": self.total,
            "steps": [_public(s.iri) for s in self.plan.steps] if self.plan else None,
        }


@dataclass(frozen=True)
class ClosestRoles:
    """Roles ranked by the exact cost, in ``minimize``, of reaching them."""

    minimize: str
    roles: tuple[RoleDistance, ...]

    def __iter__(self) -> Iterator[RoleDistance]:
        return iter(self.roles)

    def __len__(self) -> int:
        return len(self.roles)

    @overload
    def __getitem__(self, index: int) -> RoleDistance: ...
    @overload
    def __getitem__(self, index: slice) -> tuple[RoleDistance, ...]: ...
    def __getitem__(self, index: int | slice) -> RoleDistance | tuple[RoleDistance, ...]:
        return self.roles[index]

    def to_dict(self) -> dict[str, Any]:
        """``closest --format json``: ``{"minimize", "roles": [...]}``."""
        return {"minimize": self.minimize, "roles": [r.to_dict() for r in self.roles]}


@dataclass(frozen=True)
class CareerPath:
    """A chain of roles over ``leadsTo`` and the plan of each hop, planned one after the other
    from what the person has gained so far (``role_labels`` names each of ``roles``)."""

    source: str
    target: str
    minimize: str
    roles: tuple[str, ...]
    hops: tuple[LearningPlan, ...]
    total: float
    role_labels: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """``career --format json``."""
        return {
            "source": self.source,
            "target": self.target,
            "minimize": self.minimize,
            "roles": list(self.roles),
            "total": self.total,
            "hops": [h.to_dict() for h in self.hops],
        }


def _total_dict(
    hours: float, cost: float | None, currency: str | None, steps: int, months: int
) -> dict[str, Any]:
    return {"hours": hours, "cost": cost, "currency": currency, "steps": steps, "months": months}


def no_plan_to_dict(err: NoPlan) -> dict[str, Any]:
    """Return ``{"feasible": False, "message": ..., "reasons": [...]}`` for a :class:`NoPlan`.

    >>> no_plan_to_dict(NoPlan("no learning path to X: ...", [{"kind": "untaught"}]))["feasible"]
    False
    """
    return {"feasible": False, "message": str(err), "reasons": [dict(r) for r in err.reasons]}
