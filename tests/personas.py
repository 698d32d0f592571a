"""The persona table (``data/personas.yaml``): load it, plan each persona as ``certpath path``.

Each persona is a person from the seed's audience with what they can do (``have``), what they hold
(``holds``), optionally how many months they have worked in a role (``experience``) and offers the
plan must contain (``include``), a ``target`` role and the plan a coach would give for
``--minimize hours`` and ``--minimize cost`` (and, where time matters, ``--minimize months``). A
plan is a list of steps: an offer slug (``cspo``) or an experience step
``{experience: ROLE, months: N}``.

A question is answered in-process by :func:`certpath.service.path`, the function the CLI's
``path`` command calls (same name resolution, same ``--time-limit`` default, same JSON), on one
loaded graph; :func:`ask_cli` asks the real CLI in a subprocess (the test does it for one persona
to show both agree). Run this module to print the current plans next to the expected ones (to
review a data change)::

    .venv/bin/python tests/personas.py [--persona ID] [--cli]

The test (``tests/test_personas.py``) fails when any plan differs from the table.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

TABLE = Path(__file__).resolve().parents[1] / "data" / "personas.yaml"
#: Every persona has a plan for these measures ...
MEASURES = ("hours", "cost")
#: ... and may have one for these.
OPTIONAL_MEASURES = ("months", "steps")
#: ``certpath path --time-limit`` default, so that in-process answers are the CLI's.
TIME_LIMIT = 10.0
CPD = "https://w3id.org/certpath/data/"


@dataclass(frozen=True)
class Step:
    """One step of a plan: an offer (``experience`` empty) or "work as ROLE for MONTHS"."""

    offer: str = ""
    experience: str = ""
    months: int = 0

    def __str__(self) -> str:
        return f"{self.experience}@{self.months}" if self.experience else self.offer


@dataclass(frozen=True)
class Persona:
    """One row of the persona table."""

    id: str
    who: str
    target: str
    have: tuple[str, ...]
    holds: tuple[str, ...]
    experience: tuple[tuple[str, int], ...]
    expected: Mapping[str, tuple[Step, ...]]
    why: str
    include: tuple[str, ...] = ()

    def options(self, minimize: str) -> dict[str, Any]:
        """The keyword options of :func:`certpath.service.path` that ask this question.

        >>> p = Persona("x", "someone", "Product Owner", (), ("cspo",), (("Product Owner", 6),),
        ...             {}, "", ("a-cspo",))
        >>> p.options("months")  # doctest: +NORMALIZE_WHITESPACE
        {'target': 'Product Owner', 'minimize': 'months', 'have': (), 'holds': ('cspo',),
         'experience': ('Product Owner@6',), 'include': ('a-cspo',), 'time_limit': 10.0}
        """
        return {
            "target": self.target,
            "minimize": minimize,
            "have": self.have,
            "holds": self.holds,
            "experience": tuple(f"{role}@{months}" for role, months in self.experience),
            "include": self.include,
            "time_limit": TIME_LIMIT,
        }

    def args(self, minimize: str) -> list[str]:
        """The ``certpath path`` arguments that ask this persona's question.

        >>> p = Persona("x", "someone", "Product Owner", ("user story writing",), ("cspo",),
        ...             (("Product Owner", 18),), {}, "")
        >>> p.args("cost")  # doctest: +NORMALIZE_WHITESPACE
        ['path', '--target', 'Product Owner', '--minimize', 'cost', '--format', 'json',
         '--have', 'user story writing', '--holds', 'cspo', '--experience', 'Product Owner@18']
        """
        args = ["path", "--target", self.target, "--minimize", minimize, "--format", "json"]
        for name in self.have:
            args += ["--have", name]
        for offer in self.holds:
            args += ["--holds", offer]
        for role, months in self.experience:
            args += ["--experience", f"{role}@{months}"]
        for offer in self.include:
            args += ["--include", offer]
        return args


def _step(entry: Any, where: str) -> Step:
    if isinstance(entry, str) and entry:
        return Step(offer=entry)
    if isinstance(entry, Mapping) and set(entry) == {"experience", "months"}:
        months = entry["months"]
        if isinstance(entry["experience"], str) and isinstance(months, int) and months >= 1:
            return Step(experience=entry["experience"], months=months)
    raise ValueError(f"{where}: a step is an offer slug or {{experience: ROLE, months: N >= 1}}")


def _strings(value: Any, where: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, list) and all(isinstance(v, str) and v for v in value):
        return tuple(value)
    raise ValueError(f"{where}: expected a list of names")


def _experience(value: Any, where: str) -> tuple[tuple[str, int], ...]:
    if value is None:
        return ()
    if isinstance(value, Mapping) and all(
        isinstance(k, str) and isinstance(v, int) and not isinstance(v, bool) and v >= 1
        for k, v in value.items()
    ):
        return tuple(sorted(value.items()))
    raise ValueError(f"{where}: experience is a mapping role -> whole months >= 1")


def load_personas(path: Path = TABLE) -> list[Persona]:
    """Read the persona table; every malformed row is a ``ValueError`` naming it.

    >>> people = load_personas()
    >>> len(people) >= 12 and len({p.id for p in people}) == len(people)
    True
    """
    rows = yaml.safe_load(path.read_text(encoding="utf-8"))["personas"]
    people = []
    for i, row in enumerate(rows):
        where = f"{path.name} persona {row.get('id', i)!r}"
        expected = row["expected"]
        if (
            not isinstance(expected, Mapping)
            or not set(MEASURES) <= set(expected)
            or not set(expected) <= {*MEASURES, *OPTIONAL_MEASURES}
        ):
            raise ValueError(
                f"{where}: expected needs {', '.join(MEASURES)} "
                f"(and may have {', '.join(OPTIONAL_MEASURES)})"
            )
        plans = {
            m: tuple(_step(s, f"{where} expected.{m}") for s in expected[m] or [])
            for m in (*MEASURES, *OPTIONAL_MEASURES)
            if m in expected
        }
        people.append(
            Persona(
                id=str(row["id"]),
                who=str(row["who"]),
                target=str(row["target"]),
                have=_strings(row.get("have"), f"{where} have"),
                holds=_strings(row.get("holds"), f"{where} holds"),
                experience=_experience(row.get("experience"), f"{where} experience"),
                expected=plans,
                why=str(row["why"]),
                include=_strings(row.get("include"), f"{where} include"),
            )
        )
    return people


def slug(iri: str) -> str:
    """The bundled-data slug of an IRI (``cpd:`` prefix dropped).

    >>> slug("https://w3id.org/certpath/data/pspo-1")
    'pspo-1'
    """
    return iri.removeprefix(CPD)


def plan_steps(result: Mapping[str, Any]) -> tuple[Step, ...]:
    """The steps of a ``path --format json`` answer (a step without ``kind`` is an offer).

    >>> plan_steps({"steps": [{"iri": CPD + "cspo"},  # doctest: +NORMALIZE_WHITESPACE
    ...     {"kind": "experience", "role": CPD + "product-owner", "months": 12}]})
    (Step(offer='cspo', experience='', months=0),
     Step(offer='', experience='product-owner', months=12))
    """
    steps = []
    for step in result.get("steps", []):
        if step.get("kind", "offer") == "experience":
            steps.append(Step(experience=slug(step["role"]), months=int(step["months"])))
        else:
            steps.append(Step(offer=slug(step["iri"])))
    return tuple(steps)


@dataclass(frozen=True)
class Answer:
    """What the CLI said for one persona and measure."""

    code: int
    steps: tuple[Step, ...]
    total: Mapping[str, Any]
    stderr: str


def ask(persona: Persona, minimize: str, kg: Any = None) -> Answer:
    """Answer *persona*'s question as ``certpath path --format json`` does, in-process, on *kg*
    (the bundled graph, loaded once, when None). Exit codes are the CLI's for its errors."""
    from certpath import service
    from certpath.errors import CertpathError

    if kg is None:
        kg = _bundled()
    try:
        result = service.path(kg, **persona.options(minimize)).to_dict()
    except CertpathError as exc:
        return Answer(exit_code(exc), (), {}, f"Error: {exc}")
    return Answer(0, plan_steps(result), result.get("total", {}), "")


def exit_code(exc: Exception) -> int:
    """The CLI's exit code for a library error (README "Exit codes")."""
    return int(getattr(exc, "exit_code", 1))


_LOADED: list[Any] = []


def _bundled() -> Any:
    if not _LOADED:
        from certpath.graph import load

        _LOADED.append(load())
    return _LOADED[0]


def ask_cli(persona: Persona, minimize: str) -> Answer:
    """Run ``certpath path`` for *persona* in a subprocess (the real CLI, bundled data)."""
    proc = subprocess.run(
        [sys.executable, "-m", "certpath", *persona.args(minimize)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    if proc.returncode != 0:
        return Answer(proc.returncode, (), {}, proc.stderr.strip())
    result = json.loads(proc.stdout)
    return Answer(0, plan_steps(result), result.get("total", {}), proc.stderr.strip())


def _fmt(steps: Iterable[Step]) -> str:
    return " -> ".join(str(s) for s in steps) or "(nothing to do)"


def _total(total: Mapping[str, Any]) -> str:
    if not total:
        return ""
    text = f"{total.get('hours', 0):g} h, {total.get('currency') or ''} {total.get('cost', 0):,.0f}"
    return text + (f", {total['months']} months" if total.get("months") else "")


def report(people: Sequence[Persona], out: Any = sys.stdout, *, cli: bool = False) -> int:
    """Print current and expected plans side by side; return the number of differences."""
    differences = 0
    for persona in people:
        print(f"{persona.id}: {persona.who} -> {persona.target}", file=out)
        for measure in persona.expected:
            answer = ask_cli(persona, measure) if cli else ask(persona, measure)
            expected = persona.expected[measure]
            same = answer.code == 0 and answer.steps == expected
            differences += not same
            current = _fmt(answer.steps) if answer.code == 0 else f"exit {answer.code}"
            print(f"  {measure:6} {'ok  ' if same else 'DIFF'} now:      {current}", file=out)
            print(f"  {'':6}      totals:   {_total(answer.total)}", file=out)
            if not same:
                print(f"  {'':6}      expected: {_fmt(expected)}", file=out)
    print(f"{differences} difference(s)", file=out)
    return differences


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--persona", action="append", help="only these persona ids")
    parser.add_argument("--cli", action="store_true", help="ask the CLI in subprocesses")
    args = parser.parse_args(argv)
    people = load_personas()
    if args.persona:
        people = [p for p in people if p.id in set(args.persona)]
    return 1 if report(people, cli=args.cli) else 0


if __name__ == "__main__":
    raise SystemExit(main())
