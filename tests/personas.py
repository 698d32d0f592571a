"""The persona table (``data/personas.yaml``): load it, plan each persona with the real CLI.

Each persona is a person from the seed's audience with what they can do (``have``), what they hold
(``holds``), optionally how many months they have worked in a role (``experience``), a ``target``
role and the plan a coach would give for ``--minimize hours`` and ``--minimize cost``. A plan is a
list of steps: an offer slug (``cspo``) or an experience step ``{experience: ROLE, months: N}``.

Run this module to print the current plans next to the expected ones (to review a data change)::

    .venv/bin/python tests/personas.py [--persona ID]

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
MEASURES = ("hours", "cost")
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
        if not isinstance(expected, Mapping) or set(expected) != set(MEASURES):
            raise ValueError(f"{where}: expected needs exactly {', '.join(MEASURES)}")
        plans = {
            m: tuple(_step(s, f"{where} expected.{m}") for s in expected[m] or []) for m in MEASURES
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


def ask(persona: Persona, minimize: str) -> Answer:
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


def report(people: Sequence[Persona], out: Any = sys.stdout) -> int:
    """Print current and expected plans side by side; return the number of differences."""
    differences = 0
    for persona in people:
        print(f"{persona.id}: {persona.who} -> {persona.target}", file=out)
        for measure in MEASURES:
            answer = ask(persona, measure)
            expected = persona.expected[measure]
            same = answer.code == 0 and answer.steps == expected
            differences += not same
            current = _fmt(answer.steps) if answer.code == 0 else f"exit {answer.code}"
            print(f"  {measure:5} {'ok  ' if same else 'DIFF'} now:      {current}", file=out)
            print(f"  {'':5}      totals:   {_total(answer.total)}", file=out)
            if not same:
                print(f"  {'':5}      expected: {_fmt(expected)}", file=out)
    print(f"{differences} difference(s)", file=out)
    return differences


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--persona", action="append", help="only these persona ids")
    args = parser.parse_args(argv)
    people = load_personas()
    if args.persona:
        people = [p for p in people if p.id in set(args.persona)]
    return 1 if report(people) else 0


if __name__ == "__main__":
    raise SystemExit(main())
