"""A planning question: the target and every option of the planner, in one frozen object."""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from certpath.errors import InputError

__all__ = ["MEASURES", "METHODS", "Question"]

#: What a shortest plan can minimise; ties go to the others in this order (months before
#: steps), then to the smallest sorted tuple of step keys (offer IRIs).
MEASURES: tuple[str, ...] = ("hours", "cost", "months", "steps")
#: How a plan is searched (all exact): ``"auto"`` enumerates small models and gives the others
#: to HiGHS (see :mod:`certpath._milp`).
METHODS: tuple[str, ...] = ("auto", "enumeration", "highs", "highs-ordered", "highs-unpruned")


def _frozen(mapping: Mapping[str, Any] | None) -> Mapping[str, Any]:
    return MappingProxyType(dict(mapping or {}))


@dataclass(frozen=True)
class Question:
    """Everything a shortest-path question asks, checked once.

    Parameters
    ----------
    target : str
        IRI of a role.
    have : mapping of str to int
        Competency IRI to the level the person has (1-5).
    holds : tuple of str
        Offer IRIs the person holds.
    experience : mapping of str to int
        Role IRI to the months the person has worked as that role.
    minimize : {"hours", "cost", "months", "steps"}
        The primary measure ("months": the fastest route).
    budgets : mapping of str to float
        Upper bounds by measure (``"hours"``, ``"cost"``), finite and >= 0.
    exclude : tuple of str
        Offer or provider IRIs never used.
    include : tuple of str
        Offer IRIs the plan must contain.
    delivery : tuple of str, optional
        Delivery-mode local names; None means any.
    with_recommended : bool
        Also meet the role's recommendations.
    alternatives : int
        How many next-best plans to add.
    time_limit : float, optional
        Seconds the exact search may take before it returns its best plan so far.
    method : {"auto", "enumeration", "highs", "highs-ordered", "highs-unpruned"}
        How the exact search runs (every method gives the same plans).

    Raises
    ------
    InputError
        An option outside its range (a budget that is negative, infinite or not a number, ...).

    Examples
    --------
    >>> q = Question("r", minimize="cost", budgets={"hours": 10})
    >>> q.key(mixed=False)
    ('cost', 'hours', 'months', 'steps')
    >>> Question("r", budgets={"hours": float("nan")})
    Traceback (most recent call last):
    ...
    certpath.errors.InputError: --budget-hours nan: a budget is a number >= 0
    """

    target: str
    have: Mapping[str, int] = field(default_factory=dict)
    holds: tuple[str, ...] = ()
    experience: Mapping[str, int] = field(default_factory=dict)
    minimize: str = "hours"
    budgets: Mapping[str, float] = field(default_factory=dict)
    exclude: tuple[str, ...] = ()
    include: tuple[str, ...] = ()
    delivery: tuple[str, ...] | None = None
    with_recommended: bool = False
    alternatives: int = 0
    time_limit: float | None = None
    method: str = "auto"

    def __post_init__(self) -> None:
        if self.minimize not in MEASURES:
            raise InputError(f"--minimize {self.minimize}: use one of {', '.join(MEASURES)}")
        if self.method not in METHODS:
            raise InputError(f"method {self.method!r}: use one of {', '.join(METHODS)}")
        if not isinstance(self.alternatives, int) or self.alternatives < 0:
            raise InputError(f"--alternatives {self.alternatives}: a whole number >= 0")
        budgets: dict[str, float] = {}
        for name, value in dict(self.budgets).items():
            if name not in ("hours", "cost"):
                raise InputError(f"budget {name!r}: only hours and cost can be budgeted")
            number = _number(value)
            if number is None or number < 0:
                raise InputError(f"--budget-{name} {value}: a budget is a number >= 0")
            budgets[name] = number
        if self.time_limit is not None:
            limit = _number(self.time_limit)
            if limit is None or limit <= 0:
                raise InputError(f"--time-limit {self.time_limit}: a number of seconds > 0")
            object.__setattr__(self, "time_limit", limit)
        have: dict[str, int] = {}
        for competency, level in dict(self.have).items():
            if isinstance(level, bool) or not isinstance(level, int) or not 1 <= level <= 5:
                raise InputError(
                    f"{competency}: a level is a whole number from 1 to 5, not {level!r}"
                )
            have[competency] = level
        experience: dict[str, int] = {}
        for role, months in dict(self.experience).items():
            if isinstance(months, bool) or not isinstance(months, int) or months < 0:
                raise InputError(
                    f"{role}: months of experience are a whole number >= 0, not {months!r}"
                )
            experience[role] = months
        object.__setattr__(self, "have", _frozen(have))
        object.__setattr__(self, "experience", _frozen(experience))
        object.__setattr__(self, "budgets", _frozen(budgets))
        object.__setattr__(self, "holds", tuple(dict.fromkeys(self.holds)))
        object.__setattr__(self, "exclude", tuple(dict.fromkeys(self.exclude)))
        object.__setattr__(self, "include", tuple(dict.fromkeys(self.include)))
        if self.delivery is not None:
            object.__setattr__(self, "delivery", tuple(sorted(set(self.delivery))))

    @classmethod
    def of(
        cls,
        target: str,
        *,
        have: Mapping[str, int] | None = None,
        holds: Iterable[str] = (),
        experience: Mapping[str, int] | None = None,
        minimize: str = "hours",
        budget_hours: float | None = None,
        budget_cost: float | None = None,
        exclude: Iterable[str] = (),
        include: Iterable[str] = (),
        delivery: Iterable[str] | None = None,
        with_recommended: bool = False,
        alternatives: int = 0,
        time_limit: float | None = None,
        method: str = "auto",
    ) -> Question:
        """Build a question from the keyword arguments of the public planning functions."""
        budgets = {
            name: value
            for name, value in (("hours", budget_hours), ("cost", budget_cost))
            if value is not None
        }
        return cls(
            target,
            have=dict(have or {}),
            holds=tuple(holds),
            experience=dict(experience or {}),
            minimize=minimize,
            budgets=budgets,
            exclude=tuple(exclude),
            include=tuple(include),
            delivery=None if delivery is None else tuple(delivery),
            with_recommended=with_recommended,
            alternatives=alternatives,
            time_limit=time_limit,
            method=method,
        )

    def replace(self, **changes: Any) -> Question:
        """A copy with *changes* applied (and checked)."""
        return dataclasses.replace(self, **changes)

    def key(self, *, mixed: bool) -> tuple[str, ...]:
        """The measures in tie-break order; money is left out when currencies are mixed."""
        order = (self.minimize, *(m for m in MEASURES if m != self.minimize))
        return tuple(m for m in order if not (mixed and m == "cost"))


def _number(value: Any) -> float | None:
    """*value* as a finite float, or None."""
    if isinstance(value, bool):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None
