"""Stand-ins for ``certpath.service`` and ``profile.dump_profile`` until they are on main.

They do what ``certpath path|gaps|closest|career`` do today (``cli/plan_cmds.py``), step for
step, so the API answers what the CLI prints; the API test compares the two. This module goes
away once the service layer exists: :meth:`certpath.web.jobs.Backend._service` then calls it.
"""

from __future__ import annotations

from typing import Any

from certpath.errors import InputError
from certpath.namespaces import curie


def _plan(backend: Any, params: dict[str, Any]) -> Any:
    from certpath.cli.plan_cmds import DELIVERY_MODES
    from certpath.planner import shortest_learning_path
    from certpath.resolve import resolve

    kg = backend.kg
    role = resolve(kg, params["target"], kinds=["role"])
    person = backend.person(params["have"], params["holds"])
    excluded = [resolve(kg, name, kinds=["offer", "provider"]) for name in params["exclude"]]
    included = [resolve(kg, name, kinds=["offer"]) for name in params["include"]]
    modes = sorted({DELIVERY_MODES[m.lower()] for m in params["delivery"]}) or None
    graph = backend.projection()  # the CLI's neighbourhood gives the same answers, slower
    return shortest_learning_path(
        graph,
        role,
        have=person.have,
        holds=person.holds,
        minimize=params["minimize"],
        budget_hours=params["budget_hours"],
        budget_cost=params["budget_cost"],
        exclude=excluded,
        include=included,
        delivery=modes,
        with_recommended=params["with_recommended"],
        alternatives=params["alternatives"],
    )


def _gaps(backend: Any, params: dict[str, Any]) -> dict[str, Any]:
    from certpath.planner import role_gaps
    from certpath.resolve import resolve

    kg = backend.kg
    role = resolve(kg, params["target"], kinds=["role"])
    person = backend.person(params["have"], params["holds"])
    graph = backend.projection()
    gaps = role_gaps(graph, role, have=person.have, holds=person.holds)
    label = graph.nodes[role].get("label", curie(role)) if role in graph else curie(role)
    return {
        "target": {"iri": role, "label": label},
        "gaps": [
            {
                "competency": g.competency,
                "label": g.label,
                "required_level": g.required_level,
                "held_level": g.held_level,
                "status": g.status,
                "essential": g.essential,
                "offers": list(g.offers),
            }
            for g in gaps
        ],
    }


def _closest(backend: Any, params: dict[str, Any]) -> dict[str, Any]:
    from certpath.planner import closest_roles

    person = backend.person(params["have"], params["holds"])
    ranked = closest_roles(
        backend.projection(),
        have=person.have,
        holds=person.holds,
        top=params["top"],
        minimize=params["minimize"],
    )
    return {
        "minimize": params["minimize"],
        "roles": [
            {
                "iri": r.role,
                "label": r.label,
                "feasible": r.feasible,
                "cost": r.cost,
                "met": r.met,
                "total": r.total,
                "steps": [s.iri for s in r.plan.steps] if r.plan else None,
            }
            for r in ranked
        ],
    }


def _career(backend: Any, params: dict[str, Any]) -> Any:
    from certpath.planner import career_path
    from certpath.resolve import resolve

    kg = backend.kg
    person = backend.person(params["have"], params["holds"])
    return career_path(
        backend.projection(),
        resolve(kg, params["from"], kinds=["role"]),
        resolve(kg, params["to"], kinds=["role"]),
        have=person.have,
        holds=person.holds,
        minimize=params["minimize"],
    )


def answer(backend: Any, name: str, params: dict[str, Any]) -> Any:
    """Answer question *name* as the CLI does: a result object or its JSON."""
    if params.get("experience"):
        raise InputError("experience: this planner does not know experience yet")
    if name in ("plan", "plan-object"):
        return _plan(backend, params)
    if name == "gaps":
        return _gaps(backend, params)
    if name == "closest":
        return _closest(backend, params)
    if name == "career":
        return _career(backend, params)
    raise InputError(f"unknown question {name}")


def dump_profile(person: Any, backend: Any) -> str:
    """The YAML profile ``--profile`` reads: competencies with levels, offers held."""
    import yaml

    data = {
        "have": [f"{curie(iri)}@{level}" for iri, level in sorted(person.have.items())],
        "holds": [curie(iri) for iri in sorted(person.holds)],
    }
    header = "# certpath profile: read it with certpath path --profile FILE\n"
    return header + yaml.safe_dump(data, sort_keys=False, allow_unicode=True)
