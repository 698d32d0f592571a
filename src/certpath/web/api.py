"""The JSON API's questions and their parameters: one table read by the parser and the OpenAPI.

Every question takes the options of its CLI command, named as the long option without dashes
(``budget_hours``; ``budget-hours`` is accepted too), from a GET query string or a JSON POST body.
A list (``have``, ``holds``, ``exclude``, ...) is a repeated query parameter, or a JSON list (a
single string counts as a list of one). Values are checked here, in the server, before any work:
a bad one is a 400 whose message names the parameter. Names are resolved by the service layer in
a worker (:mod:`certpath.web.jobs`).
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from certpath.web.endpoint import HttpProblem

__all__ = ["ENDPOINTS", "LEVEL_NAMES", "NAMES", "PROFILE", "Endpoint", "Param", "parse_params"]

#: Proficiency levels as the vocabulary names them (``cp:level``).
LEVEL_NAMES: dict[int, str] = {
    1: "awareness",
    2: "foundational",
    3: "working",
    4: "practitioner",
    5: "expert",
}

#: ``--kind`` of ``certpath search``.
SEARCH_KINDS = ("role", "competency", "offer", "provider", "framework", "group")


def measures() -> tuple[str, ...]:
    """What a plan can minimise (``--minimize``), as the planner knows them."""
    from certpath.planning import MEASURES

    return tuple(MEASURES)


def delivery_modes() -> tuple[str, ...]:
    """The choices of ``--delivery``."""
    from certpath.service import DELIVERY_MODES

    return tuple(DELIVERY_MODES)


def takes_experience() -> bool:
    """Whether the service layer plans with experience (``--experience ROLE@MONTHS``)."""
    import inspect

    from certpath import service

    return "experience" in inspect.signature(service.path_question).parameters


@dataclass(frozen=True)
class Param:
    """One parameter: its name, what values it takes, what it means.

    ``kind`` is ``text``, ``names`` (a list of strings), ``number``, ``integer``, ``flag``,
    ``choice`` or ``choices`` (a list of choices). ``choices`` names a function giving them when
    they come from the library (``measures``, ``delivery_modes``).
    """

    name: str
    kind: str
    help: str
    required: bool = False
    choices: tuple[str, ...] | str = ()
    minimum: float | None = None
    maximum: float | None = None
    default: Any = None

    def allowed(self) -> tuple[str, ...]:
        """The choices, resolved."""
        if isinstance(self.choices, str):
            found: tuple[str, ...] = {"measures": measures, "delivery_modes": delivery_modes}[
                self.choices
            ]()
            return found
        return self.choices


@dataclass(frozen=True)
class Endpoint:
    """A question of the API: ``/api/<name>``, what it answers, its parameters."""

    name: str
    summary: str
    command: str
    params: tuple[Param, ...] = field(default_factory=tuple)

    def param(self, name: str) -> Param | None:
        """The parameter *name* (dashes read as underscores)."""
        key = name.replace("-", "_")
        return next((p for p in self.params if p.name == key), None)


_HAVE = Param(
    "have",
    "names",
    "A competency the person has, NAME[@LEVEL] with a level 1-5 (no level: 5). Repeatable.",
)
_HOLDS = Param("holds", "names", "A certification or course the person completed. Repeatable.")
_EXPERIENCE = Param("experience", "names", "Months worked in a role, ROLE@MONTHS. Repeatable.")
_MINIMIZE = Param(
    "minimize",
    "choice",
    "What a shortest path minimises; ties go to the other measures, then IRI.",
    choices="measures",
    default="hours",
)
_PERSON = (_HAVE, _HOLDS, _EXPERIENCE)
_LABELS = Param(
    "labels",
    "flag",
    'Add a top-level "labels" object: the label of every IRI in the answer (for pages).',
    default=False,
)

ENDPOINTS: dict[str, Endpoint] = {
    e.name: e
    for e in (
        Endpoint("roles", "Every role: IRI, CURIE and label, by label.", "(none)"),
        Endpoint(
            "search",
            "Rank entities whose labels or aliases match q (as certpath search --format json).",
            "search",
            (
                Param("q", "text", "The text to match (certpath search TEXT).", required=True),
                Param("kind", "choices", "Only entities of this kind.", choices=SEARCH_KINDS),
                Param("limit", "integer", "At most this many hits.", minimum=1, default=10),
            ),
        ),
        Endpoint(
            "plan",
            "The exact cheapest learning path to a role (certpath path --format json).",
            "path",
            (
                Param("target", "text", "The role to reach.", required=True),
                *_PERSON,
                _MINIMIZE,
                Param("budget_hours", "number", "At most this many hours.", minimum=0),
                Param("budget_cost", "number", "At most this much money.", minimum=0),
                Param(
                    "exclude",
                    "names",
                    "Never use this offer, or any offer of this provider. Repeatable.",
                ),
                Param("include", "names", "Always use this offer. Repeatable."),
                Param(
                    "delivery",
                    "choices",
                    "Only offers delivered this way. Repeatable.",
                    choices="delivery_modes",
                ),
                Param(
                    "with_recommended",
                    "flag",
                    "Also meet the role's recommendations.",
                    default=False,
                ),
                Param(
                    "alternatives",
                    "integer",
                    "Also the K next-best plans that differ in at least one offer.",
                    minimum=0,
                    maximum=20,
                    default=0,
                ),
                Param(
                    "time_limit",
                    "number",
                    "Seconds the exact search may take; then the best plan found comes back "
                    'with "optimal": false, its bound and gap.',
                    minimum=0,
                    default=10.0,
                ),
                _LABELS,
            ),
        ),
        Endpoint(
            "gaps",
            "Each requirement of a role: met, partly met or missing (certpath gaps --format json).",
            "gaps",
            (
                Param("target", "text", "The role to compare against.", required=True),
                *_PERSON,
                _LABELS,
            ),
        ),
        Endpoint(
            "closest",
            "Roles ranked by the cost of reaching them (certpath closest --format json).",
            "closest",
            (
                *_PERSON,
                Param("top", "integer", "How many roles.", minimum=1, maximum=1000, default=10),
                _MINIMIZE,
                _LABELS,
            ),
        ),
        Endpoint(
            "career",
            "The cheapest chain of roles from one to another (certpath career --format json).",
            "career",
            (
                Param("from", "text", "The role held now.", required=True),
                Param("to", "text", "The role to reach.", required=True),
                *_PERSON,
                _MINIMIZE,
                _LABELS,
            ),
        ),
    )
}

#: ``GET /api/profile``: the YAML profile of these parameters (``POST`` reads one).
PROFILE = Endpoint(
    "profile",
    "The profile of have/holds/experience as the YAML file --profile reads (POST a file: what it "
    "holds).",
    "--profile",
    (_HAVE, _HOLDS, _EXPERIENCE),
)

#: ``/api/names``: what names denote, resolved as the CLI resolves them (for the page's chips).
NAMES = Endpoint(
    "names",
    "What each name denotes, resolved as the CLI resolves --have, --holds and --target.",
    "(name resolution)",
    (
        Param("name", "names", "An IRI, CURIE, slug, label or alias. Repeatable.", required=True),
        Param("kind", "choices", "Only entities of these kinds.", choices=SEARCH_KINDS),
    ),
)


def _problem(endpoint: Endpoint, name: str, message: str) -> HttpProblem:
    return HttpProblem(400, f"{name}: {message}", field=name)


def _flag(endpoint: Endpoint, param: Param, value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("", "1", "true", "yes", "on"):
        return True
    if isinstance(value, str) and value.strip().lower() in ("0", "false", "no", "off"):
        return False
    raise _problem(endpoint, param.name, f"'{value}' is not true or false")


def _number(endpoint: Endpoint, param: Param, value: Any) -> float | int:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise _problem(endpoint, param.name, f"{json.dumps(value)} is not a number")
    try:
        number = float(value) if param.kind == "number" else int(str(value).strip())
    except ValueError:
        kind = "a number" if param.kind == "number" else "a whole number"
        raise _problem(endpoint, param.name, f"'{value}' is not {kind}") from None
    if isinstance(value, float) and param.kind == "integer" and not value.is_integer():
        raise _problem(endpoint, param.name, f"'{value}' is not a whole number")
    if not math.isfinite(number):
        raise _problem(endpoint, param.name, f"'{value}' is not a finite number")
    if param.minimum is not None and number < param.minimum:
        raise _problem(endpoint, param.name, f"{value} is below the minimum {param.minimum:g}")
    if param.maximum is not None and number > param.maximum:
        raise _problem(endpoint, param.name, f"{value} is above the maximum {param.maximum:g}")
    return number


def _choice(endpoint: Endpoint, param: Param, value: Any) -> str:
    allowed = param.allowed()
    text = value.strip().lower() if isinstance(value, str) else value
    if text not in allowed:
        shown = json.dumps(value) if not isinstance(value, str) else f"'{value}'"
        raise _problem(endpoint, param.name, f"{shown} is not one of {', '.join(allowed)}")
    return str(text)


def _text(endpoint: Endpoint, param: Param, value: Any) -> str:
    if not isinstance(value, str):
        raise _problem(endpoint, param.name, f"{json.dumps(value)} is not a string")
    if not value.strip():
        raise _problem(endpoint, param.name, "is empty")
    return value


def _value(endpoint: Endpoint, param: Param, values: list[Any]) -> Any:
    if param.kind in ("names", "choices"):
        read = _choice if param.kind == "choices" else _text
        return tuple(read(endpoint, param, v) for v in values)
    if len(values) != 1:
        raise _problem(endpoint, param.name, f"give it once, not {len(values)} times")
    value = values[0]
    if param.kind == "flag":
        return _flag(endpoint, param, value)
    if param.kind in ("number", "integer"):
        return _number(endpoint, param, value)
    if param.kind == "choice":
        return _choice(endpoint, param, value)
    return _text(endpoint, param, value)


def parse_params(
    endpoint: Endpoint, source: Mapping[str, Any], *, from_json: bool
) -> dict[str, Any]:
    """Check the parameters of a question; return them by name, with defaults filled in.

    Parameters
    ----------
    endpoint : Endpoint
    source : mapping
        A query string's names to lists of strings, or a JSON object's members.
    from_json : bool
        Whether *source* is a JSON object (one value per name; a list where a list is taken).

    Raises
    ------
    HttpProblem
        400, naming the parameter: unknown, missing, repeated, or a value of the wrong kind.

    Examples
    --------
    >>> plan = ENDPOINTS["plan"]
    >>> got = parse_params(plan, {"target": ["SAFe POPM"], "budget-hours": ["40"]}, from_json=False)
    >>> got["target"], got["budget_hours"], got["have"], got["minimize"]
    ('SAFe POPM', 40.0, (), 'hours')
    >>> parse_params(plan, {"target": "po", "have": "user stories@3"}, from_json=True)["have"]
    ('user stories@3',)
    >>> parse_params(plan, {"target": "po", "budget_cost": -1}, from_json=True)
    Traceback (most recent call last):
    ...
    certpath.web.endpoint.HttpProblem: budget_cost: -1 is below the minimum 0
    """
    found: dict[str, Any] = {}
    for name, raw in source.items():
        param = endpoint.param(name)
        if param is None:
            known = ", ".join(p.name for p in endpoint.params) or "none"
            raise _problem(
                endpoint, name, f"unknown parameter of /api/{endpoint.name} (it takes {known})"
            )
        if param.name in found:
            raise _problem(endpoint, param.name, "given twice (as - and _)")
        if from_json:
            values = list(raw) if isinstance(raw, list) else [raw]
            if param.kind not in ("names", "choices") and isinstance(raw, list):
                raise _problem(endpoint, param.name, "takes one value, not a list")
        else:
            values = list(raw)
        found[param.name] = _value(endpoint, param, values)
    for param in endpoint.params:
        if param.name in found:
            continue
        if param.required:
            raise _problem(endpoint, param.name, "is required")
        found[param.name] = () if param.kind in ("names", "choices") else param.default
    return found
