"""What the server's worker processes do: answer one job on the loaded graph, never raise.

A job is a tuple whose first item names it: ``("sparql", text, accept, limit)``,
``("api", name, params)``, ``("picture", params)``, ``("profile-read", filename, data)`` or
``("profile-write", params)``. The answer is ``(status, media type, body bytes, headers)``. The
questions go through :mod:`certpath.service`, the same entry points the CLI calls, and their JSON is
the result's ``to_dict()``: what ``--format json`` prints.
"""

from __future__ import annotations

import functools
import json
import tempfile
import traceback
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from certpath.errors import (
    AmbiguousName,
    CertpathError,
    EntityNotFound,
    InputError,
    MixedCurrencies,
    NoPlan,
    ValidationError,
)
from certpath.graph import KnowledgeGraph
from certpath.namespaces import curie

__all__ = ["Answer", "Backend"]

#: ``(status, media type, body, extra headers)``.
Answer = tuple[int, str, bytes, dict[str, str]]

JSON_MEDIA = "application/json"
_HTML = "text/html; charset=utf-8"
_YAML = "application/yaml; charset=utf-8"
_PROFILE_SUFFIXES = (".yaml", ".yml", ".json", ".ttl", ".nt", ".jsonld", ".rdf")


def _json(status: int, data: Any) -> Answer:
    body = json.dumps(data, indent=2, ensure_ascii=False).encode("utf-8") + b"\n"
    return status, JSON_MEDIA, body, {}


def _iris(data: Any) -> Iterable[str]:
    """Every string in *data* that is an IRI."""
    if isinstance(data, dict):
        for value in data.values():
            yield from _iris(value)
    elif isinstance(data, list):
        for value in data:
            yield from _iris(value)
    elif isinstance(data, str) and (data.startswith(("http://", "https://", "urn:"))):
        yield data


def _field_of(message: str, params: dict[str, Any]) -> str | None:
    """The parameter whose value a not-found or bad-value message quotes."""
    for name, value in params.items():
        values = value if isinstance(value, tuple) else (value,)
        for item in values:
            if not isinstance(item, str):
                continue
            for text in (item, item.rpartition("@")[0]):
                if text and f"'{text.strip()}'" in message:
                    return name
    return None


def _dump_profile(person: Any) -> str:
    """The YAML profile ``--profile`` reads: competencies with levels, offers held, months
    worked as each role; CURIEs name everything (a label may be ambiguous in a large graph).
    """
    import yaml

    data: dict[str, Any] = {
        "have": [f"{curie(iri)}@{level}" for iri, level in sorted(person.have.items())],
        "holds": [curie(iri) for iri in sorted(person.holds)],
    }
    if person.experience:
        data["experience"] = {curie(r): m for r, m in sorted(person.experience.items())}
    header = "# certpath profile: certpath path --profile FILE reads it\n"
    return header + yaml.safe_dump(data, sort_keys=False, allow_unicode=True)


class Backend:
    """The graph and what is built from it once, in the zygote, before workers are forked.

    Parameters
    ----------
    kg : KnowledgeGraph
    """

    def __init__(self, kg: KnowledgeGraph) -> None:
        self.kg = kg

    def warm(self) -> None:
        """Build and import what answers need, once, before workers are forked from here.

        A fresh worker would otherwise spend its first answers importing (rdflib's SPARQL
        parser, which locates syntax errors, takes ~0.7 s) and building the planner's index.
        """
        from certpath.web.endpoint import answer_query

        self.projection()
        self.sources()
        roles = self.roles()
        answer_query(self.kg.store, "ASK { ?s ?p ?o }", None, 1)
        answer_query(self.kg.store, "SELECT * WHERE { ?s ?p ?o } LIMT 1", None, 1)
        if roles:
            person = {"have": (), "holds": (), "experience": ()}
            self.api("gaps", {"target": roles[0]["iri"], **person})
            plan: dict[str, Any] = {"minimize": "hours", "budget_hours": None, "budget_cost": None}
            plan |= {"exclude": (), "include": (), "delivery": (), "alternatives": 1}
            plan |= {"with_recommended": True}
            for role in roles[:3]:
                self.api("plan", {"target": role["iri"], **person, **plan})
            self.api("closest", {**person, "top": 1, "minimize": "hours"})

    def __call__(self, job: tuple[Any, ...]) -> Answer:
        kind = job[0]
        try:
            if kind == "sparql":
                from certpath.web.endpoint import answer_query

                status, media, body = answer_query(self.kg.store, job[1], job[2], job[3])
                return status, media, body, {}
            if kind == "api":
                return self.api(job[1], job[2])
            if kind == "picture":
                return self.picture(job[1])
            if kind == "profile-read":
                return self.read_profile(job[1], job[2])
            if kind == "profile-write":
                return self.write_profile(job[1])
            return _json(400, {"error": f"unknown job {kind!r}"})
        except BaseException as exc:  # noqa: BLE001 - a worker answers, it never raises
            detail = traceback.format_exception_only(type(exc), exc)[-1].strip()
            if kind == "sparql":
                return 500, "text/plain; charset=utf-8", f"internal error: {detail}\n".encode(), {}
            return _json(500, {"error": f"internal error: {detail}"})

    # ---------------------------------------------------------------- cached

    @functools.cache  # noqa: B019 - one Backend per server process tree
    def projection(self) -> Any:
        """The whole projection (pictures read labels and tooltips from it)."""
        from certpath.projection import project

        return project(self.kg)

    @functools.cache  # noqa: B019
    def sources(self) -> dict[str, str]:
        """Entity → source link, for tooltips."""
        from certpath.viz import source_links

        return source_links(self.kg)

    @functools.cache  # noqa: B019
    def roles(self) -> list[dict[str, str]]:
        """Every role, by label."""
        from certpath.resolve import label_of

        rows = self.kg.select("SELECT DISTINCT ?r WHERE { ?r a cp:Role FILTER(isIRI(?r)) }")
        roles = [
            {"iri": row["r"].value, "curie": curie(row["r"].value), "label": ""} for row in rows
        ]
        for role in roles:
            role["label"] = label_of(self.kg, role["iri"])
        return sorted(roles, key=lambda r: (r["label"].casefold(), r["iri"]))

    @functools.lru_cache(maxsize=4096)  # noqa: B019
    def label(self, iri: str) -> str:
        """The label of *iri* (its CURIE when it has none)."""
        from certpath.resolve import label_of

        return label_of(self.kg, iri)

    def name(self, text: str, kinds: tuple[str, ...]) -> dict[str, Any]:
        """What *text* denotes (as the CLI resolves it), or why it denotes nothing."""
        from certpath.resolve import kind_of, resolve

        try:
            iri = resolve(self.kg, text, kinds=kinds or None)
        except (EntityNotFound, AmbiguousName) as exc:
            found: dict[str, Any] = {"name": text, "error": str(exc)}
            found["suggestions"] = list(getattr(exc, "suggestions", []))
            return found
        return {
            "name": text,
            "iri": iri,
            "curie": curie(iri),
            "label": self.label(iri),
            "kind": kind_of(self.kg, iri),
        }

    # ---------------------------------------------------------------- questions

    def api(self, name: str, params: dict[str, Any]) -> Answer:
        """Answer ``/api/<name>``: the CLI's JSON, or an error with its status."""
        params = dict(params)
        labels = bool(params.pop("labels", False))
        if name == "roles":
            return _json(200, {"roles": self.roles()})
        if name == "search":
            from certpath.resolve import search

            kinds = params["kind"] or None
            hits = search(self.kg, params["q"], limit=params["limit"], kinds=kinds)
            return _json(200, [hit.to_dict() for hit in hits])
        if name == "names":
            return _json(200, {"names": [self.name(n, params["kind"]) for n in params["name"]]})
        try:
            data = self.ask(name, params)
        except NoPlan as exc:
            from certpath.planning import no_plan_to_dict

            return _json(200, no_plan_to_dict(exc))
        except (EntityNotFound, AmbiguousName) as exc:
            error: dict[str, Any] = {"error": str(exc)}
            where = _field_of(str(exc), params)
            if where:
                error["field"] = where
            error["suggestions"] = list(getattr(exc, "suggestions", []))
            if isinstance(exc, AmbiguousName):
                error["candidates"] = list(exc.candidates)
            return _json(404, error)
        except InputError as exc:
            bad: dict[str, Any] = {"error": str(exc)}
            where = _field_of(str(exc), params)
            if where:
                bad["field"] = where
            return _json(400, bad)
        except (ValidationError, MixedCurrencies) as exc:
            return _json(422, {"error": str(exc)})
        except CertpathError as exc:
            return _json(500, {"error": str(exc)})
        if labels:
            data["labels"] = {iri: self.label(iri) for iri in sorted(set(_iris(data)))}
        return _json(200, data)

    def ask(self, name: str, params: dict[str, Any]) -> dict[str, Any]:
        """Answer question *name* through :mod:`certpath.service`: the result's ``to_dict()``."""
        from certpath import service

        who = self._person_options(params)
        whole = self.projection()
        if name == "plan":
            data: dict[str, Any] = self.plan(params)[0].to_dict()
            return data
        if name == "gaps":
            return service.gaps(self.kg, target=params["target"], projection=whole, **who).to_dict()
        if name == "closest":
            ranked = service.closest(
                self.kg, top=params["top"], minimize=params["minimize"], projection=whole, **who
            )
            return ranked.to_dict()
        if name == "career":
            chain = service.career(
                self.kg,
                source=params["from"],
                target=params["to"],
                minimize=params["minimize"],
                projection=whole,
                **who,
            )
            return chain.to_dict()
        raise InputError(f"unknown question {name}")

    @staticmethod
    def _person_options(params: dict[str, Any]) -> dict[str, Any]:
        """``have``, ``holds`` (and ``experience``, once the planner takes it) for the service."""
        from certpath.web.api import takes_experience

        who: dict[str, Any] = {"have": tuple(params["have"]), "holds": tuple(params["holds"])}
        if params.get("experience"):
            if not takes_experience():
                raise InputError("experience: this planner does not plan with experience yet")
            who["experience"] = tuple(params["experience"])
        return who

    def plan(self, params: dict[str, Any], *, whole: bool = True) -> tuple[Any, Any, Any]:
        """``(plan, question, graph)`` for ``/api/plan``: what ``certpath path`` computes.

        With *whole*, on the kept projection (the same answers, without projecting the
        question's neighbourhood again); without, on that neighbourhood, as ``path --html``.
        """
        from certpath import service
        from certpath.planning import plan

        options = {k: v for k, v in params.items() if k not in ("have", "holds", "experience")}
        question, graph = service.path_question(
            self.kg,
            projection=self.projection() if whole else None,
            **options,
            **self._person_options(params),
        )
        return plan(graph, question), question, graph

    # ---------------------------------------------------------------- pages and files

    def picture(self, params: dict[str, Any]) -> Answer:
        """The plan of ``/api/plan`` drawn as ``certpath path --html`` draws it."""
        from certpath.viz import render_plan
        from certpath.viz.page import picture_csp

        params = dict(params)
        params.pop("labels", None)
        try:
            found, question, graph = self.plan(params, whole=False)
        except CertpathError as exc:
            return 422, "text/plain; charset=utf-8", f"{exc}\n".encode(), {}
        picture = render_plan(
            graph,
            found,
            have=question.have,
            holds=question.holds,
            experience=question.experience,
            sources=self.sources(),
        )
        headers = {"Content-Security-Policy": picture_csp() + "; frame-ancestors 'self'"}
        return 200, _HTML, picture.html.encode("utf-8"), headers

    def person(
        self, have: Iterable[str], holds: Iterable[str], experience: Iterable[str] = ()
    ) -> Any:
        """The profile of ``have`` and ``holds`` names and ``experience`` (``ROLE@MONTHS``)."""
        from certpath.service import person

        return person(self.kg, have=tuple(have), holds=tuple(holds), experience=tuple(experience))

    def read_profile(self, filename: str, data: bytes) -> Answer:
        """Read an uploaded profile file (as ``--profile`` reads it): what it has and holds."""
        from certpath.profile import read_profile

        name = Path(filename or "profile.yaml").name
        if Path(name).suffix.lower() not in _PROFILE_SUFFIXES:
            shown = ", ".join(_PROFILE_SUFFIXES)
            return _json(400, {"error": f"{name}: unknown profile format; use {shown}"})
        with tempfile.TemporaryDirectory(prefix="certpath-profile-") as folder:
            path = Path(folder) / name
            path.write_bytes(data)
            try:
                profile = read_profile(self.kg, path)
            except (EntityNotFound, AmbiguousName) as exc:
                message = str(exc).replace(str(path), name)
                return _json(
                    404, {"error": message, "suggestions": list(getattr(exc, "suggestions", []))}
                )
            except CertpathError as exc:
                return _json(400, {"error": str(exc).replace(str(path), name)})
            except UnicodeDecodeError:
                return _json(400, {"error": f"{name}: not UTF-8 text"})
        have = [
            {"iri": iri, "curie": curie(iri), "label": self.label(iri), "level": level}
            for iri, level in sorted(profile.have.items())
        ]
        holds = [
            {"iri": iri, "curie": curie(iri), "label": self.label(iri)}
            for iri in sorted(profile.holds)
        ]
        experience = [
            {"iri": iri, "curie": curie(iri), "label": self.label(iri), "months": months}
            for iri, months in sorted(profile.experience.items())
        ]
        return _json(200, {"have": have, "holds": holds, "experience": experience})

    def write_profile(self, params: dict[str, Any]) -> Answer:
        """The profile of ``have``, ``holds`` and ``experience`` as the YAML file ``--profile``
        reads."""
        try:
            person = self.person(params["have"], params["holds"], params.get("experience", ()))
        except (EntityNotFound, AmbiguousName) as exc:
            return _json(
                404, {"error": str(exc), "suggestions": list(getattr(exc, "suggestions", []))}
            )
        except CertpathError as exc:
            return _json(400, {"error": str(exc)})
        text = _dump_profile(person)
        disposition = 'attachment; filename="certpath-profile.yaml"'
        return 200, _YAML, text.encode("utf-8"), {"Content-Disposition": disposition}
