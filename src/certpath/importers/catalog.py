"""Import an organisation's training catalog (CSV, one row per certification or course).

Columns (the template :func:`template` returns, ``certpath import catalog --template``;
``docs/importers.md`` explains each): ``id``, ``label``,
``type``, ``provider``, ``hours``, ``cost``, ``currency``, ``delivery_mode``, ``teaches``,
``prerequisites``, ``source_url``. Names in ``provider``, ``teaches`` and ``prerequisites``
resolve like ``certpath show`` does (:func:`certpath.resolve.resolve`) against the loaded graph;
a provider that is not there becomes a new ``cp:Provider``, an unknown competency is an error
unless *create_missing*. Every problem names the row and column; the rows are all checked before
anything is written, and what the catalog adds is validated with the shapes together with what
it references in the loaded data (:mod:`certpath.importers.catalog_check`).
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

import pyoxigraph as ox

from certpath.errors import (
    AmbiguousName,
    CertpathError,
    EntityNotFound,
    InputError,
    OutputError,
    ValidationError,
)
from certpath.graph import KnowledgeGraph
from certpath.namespaces import (
    CP,
    CPD_NS,
    DCTERMS_SOURCE,
    PREFIXES,
    RDF_TYPE,
    SKOS_PREFLABEL,
    XSD_NS,
)

#: The columns, in template order; ``id``, ``label`` and ``type`` must have a value.
COLUMNS = (
    "id",
    "label",
    "type",
    "provider",
    "hours",
    "cost",
    "currency",
    "delivery_mode",
    "teaches",
    "prerequisites",
    "source_url",
)
REQUIRED = ("id", "label", "type")
TYPES = {"certification": CP.Certification, "course": CP.Course}
DELIVERY_MODES = {
    "classroom": CP.Classroom,
    "live-online": CP.LiveOnline,
    "self-paced": CP.SelfPaced,
    "assessment-only": CP.AssessmentOnly,
}
_ID = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_LEVELLED = re.compile(r"(?P<name>.+?)\s*@\s*(?P<level>\S+)")


class CatalogError(CertpathError):
    """One or more rows of a catalog are wrong; :attr:`problems` holds one line per problem.

    The exit code is 4 when every problem is an unknown or ambiguous name, 2 otherwise.
    """

    def __init__(self, problems: list[str], *, names_only: bool) -> None:
        super().__init__(problems[0] if len(problems) == 1 else f"{len(problems)} problems")
        self.problems = problems
        self.exit_code = 4 if names_only else 2


@dataclass
class CatalogSummary:
    """What an import produced."""

    offers: int = 0
    new_providers: list[str] = field(default_factory=list)
    new_competencies: list[str] = field(default_factory=list)
    triples: int = 0
    #: Cells a spreadsheet would run as formulas (kept as text; see :func:`formula_warnings`).
    warnings: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, object]:
        """JSON-ready form."""
        return {
            "offers": self.offers,
            "new_providers": self.new_providers,
            "new_competencies": self.new_competencies,
            "triples": self.triples,
            "warnings": self.warnings,
        }


def template() -> str:
    """The catalog CSV template that ships with certpath: the header and two example rows.

    >>> template().splitlines()[0] == ",".join(COLUMNS)
    True
    """
    from importlib.resources import files

    return files("certpath.importers").joinpath("catalog-template.csv").read_text("utf-8")


def split_levels(cell: str) -> list[tuple[str, int | None, str]]:
    """Split a ``teaches`` cell into (name, level or None, raw level text).

    >>> split_levels("backlog ownership@3; PI Planning@2; Scrum fundamentals")
    [('backlog ownership', 3, '3'), ('PI Planning', 2, '2'), ('Scrum fundamentals', None, '')]
    """
    items: list[tuple[str, int | None, str]] = []
    for part in (p.strip() for p in cell.split(";")):
        if not part:
            continue
        match = _LEVELLED.fullmatch(part)
        if match is None:
            items.append((part, None, ""))
            continue
        raw = match.group("level")
        level = int(raw) if raw.isdigit() else None
        items.append((match.group("name"), level, raw))
    return items


class _Builder:
    """Turns rows into triples, collecting problems instead of stopping at the first."""

    def __init__(self, kg: KnowledgeGraph, path: Path, create_missing: bool) -> None:
        self.kg = kg
        self.path = path
        self.create_missing = create_missing
        self.triples: list[ox.Triple] = []
        self.problems: list[str] = []
        self.name_problems = 0
        self.summary = CatalogSummary()
        self.providers: dict[str, str] = {}
        self.competencies: dict[str, str] = {}
        self.offers: dict[str, str] = {}  # id and normalised label -> IRI, within the catalog

    def problem(self, line: int, column: str, message: str, *, name: bool = False) -> None:
        self.problems.append(f"{self.path}:{line}: column {column}: {message}")
        self.name_problems += name

    def add(self, s: str, p: str, o: ox.NamedNode | ox.Literal | ox.BlankNode) -> None:
        self.triples.append(ox.Triple(ox.NamedNode(s), ox.NamedNode(p), o))

    def resolve(self, line: int, column: str, name: str, kinds: list[str]) -> str | None:
        from certpath.resolve import resolve

        try:
            return resolve(self.kg, name, kinds=kinds)
        except (EntityNotFound, AmbiguousName) as exc:
            self.problem(line, column, str(exc), name=True)
            return None

    def provider(self, line: int, name: str) -> str | None:
        from certpath.resolve import normalize, slugify

        key = normalize(name)
        if key in self.providers:
            return self.providers[key]
        try:
            from certpath.resolve import resolve

            iri = resolve(self.kg, name, kinds=["provider"])
        except AmbiguousName as exc:
            self.problem(line, "provider", str(exc), name=True)
            return None
        except EntityNotFound:
            iri = CPD_NS + slugify(name)
            if self.kg.has_subject(iri):
                self.problem(line, "provider", f"'{name}' would be {iri}, which is not a provider")
                return None
            self.add(iri, RDF_TYPE, ox.NamedNode(CP.Provider))
            self.add(iri, SKOS_PREFLABEL, ox.Literal(name, language="en"))
            self.summary.new_providers.append(iri)
        self.providers[key] = iri
        return iri

    def competency(self, line: int, name: str) -> str | None:
        from certpath.resolve import normalize, resolve, slugify

        key = normalize(name)
        if key in self.competencies:
            return self.competencies[key]
        try:
            iri = resolve(self.kg, name, kinds=["competency"])
        except AmbiguousName as exc:
            self.problem(line, "teaches", str(exc), name=True)
            return None
        except EntityNotFound as exc:
            iri = CPD_NS + slugify(name)
            if not self.create_missing or self.kg.has_subject(iri) or not slugify(name):
                hint = "" if self.create_missing else " (or use --create-missing)"
                self.problem(line, "teaches", f"{exc}{hint}", name=True)
                return None
            self.add(iri, RDF_TYPE, ox.NamedNode(CP.Competency))
            self.add(iri, SKOS_PREFLABEL, ox.Literal(name, language="en"))
            self.summary.new_competencies.append(iri)
        self.competencies[key] = iri
        return iri


def _rows(path: Path) -> Iterator[tuple[int, dict[str, str]]]:
    import stat

    try:
        mode = path.stat().st_mode
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror}") from None
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode) or stat.S_ISSOCK(mode):
        # a device never ends (/dev/zero, /dev/urandom): reading it would fill the memory
        raise InputError(f"{path}: not a regular file; a catalog is a CSV file (or a pipe)")
    try:
        handle = path.open(encoding="utf-8-sig", newline="")
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror}") from None
    with handle:
        reader = csv.reader(handle)
        try:
            header = [h.strip() for h in next(reader, [])]
            if not header:
                raise InputError(f"{path}: file is empty")
            unknown = [h for h in header if h not in COLUMNS]
            lacking = [c for c in REQUIRED if c not in header]
            if unknown or lacking:
                parts = [f"unknown columns: {', '.join(unknown)}"] if unknown else []
                parts += [f"missing columns: {', '.join(lacking)}"] if lacking else []
                raise InputError(f"{path}:1: {'; '.join(parts)} (columns: {', '.join(COLUMNS)})")
            start = reader.line_num + 1
            for record in reader:
                if any(cell.strip() for cell in record):
                    if len(record) != len(header):
                        raise InputError(
                            f"{path}:{start}: expected {len(header)} fields, found {len(record)}"
                        )
                    row = {c: "" for c in COLUMNS}
                    row.update((h, cell.strip()) for h, cell in zip(header, record, strict=True))
                    yield start, row
                start = reader.line_num + 1
        except csv.Error as exc:
            raise InputError(f"{path}:{reader.line_num}: {exc}") from None
        except UnicodeDecodeError as exc:
            raise InputError(f"{path}: not UTF-8 text ({exc.reason})") from None


def _decimal(b: _Builder, line: int, column: str, text: str) -> Decimal | None:
    try:
        value = Decimal(text)
    except InvalidOperation:
        value = Decimal(-1)
    if not value.is_finite() or value < 0:
        b.problem(line, column, f"'{text}' is not a number >= 0")
        return None
    return value


def decimal_text(value: Decimal) -> str:
    """The canonical ``xsd:decimal`` form, with a point as in the bundled data.

    >>> decimal_text(Decimal("24")), decimal_text(Decimal("1.50")), decimal_text(Decimal("1E3"))
    ('24.0', '1.5', '1000.0')
    """
    text = format(value.normalize(), "f")
    return text if "." in text else text + ".0"


def _offer(b: _Builder, line: int, row: dict[str, str]) -> None:
    """Check one row and add its triples; problems go to *b*."""
    for column in REQUIRED:
        if not row[column]:
            b.problem(line, column, "empty; every row needs id, label and type")
    if not all(row[c] for c in REQUIRED):
        return
    if not _ID.fullmatch(row["id"]):
        b.problem(line, "id", f"'{row['id']}' is not a slug (lower-case letters, digits, '-')")
        return
    iri = CPD_NS + row["id"]
    if b.kg.has_subject(iri) or row["id"] in b.offers:
        b.problem(line, "id", f"'{row['id']}' is already defined ({iri})")
        return
    cls = TYPES.get(row["type"].lower())
    if cls is None:
        b.problem(line, "type", f"'{row['type']}' is not one of {', '.join(TYPES)}")
        return
    from certpath.resolve import normalize

    b.offers[row["id"]] = b.offers[normalize(row["label"])] = iri
    b.summary.offers += 1
    b.add(iri, RDF_TYPE, ox.NamedNode(cls))
    b.add(iri, SKOS_PREFLABEL, ox.Literal(row["label"], language="en"))
    if row["provider"]:
        provider = b.provider(line, row["provider"])
        if provider:
            b.add(iri, CP.offeredBy, ox.NamedNode(provider))
    _numbers(b, line, iri, row)
    for mode in (m.strip().lower() for m in row["delivery_mode"].split(";") if m.strip()):
        if mode not in DELIVERY_MODES:
            b.problem(line, "delivery_mode", f"'{mode}' is not one of {', '.join(DELIVERY_MODES)}")
        else:
            b.add(iri, CP.deliveryMode, ox.NamedNode(DELIVERY_MODES[mode]))
    _teaches(b, line, iri, row["teaches"])
    if row["source_url"]:
        if not re.fullmatch(r"https?://[^\s<>\"{}|^`\\]+", row["source_url"]):
            b.problem(line, "source_url", f"'{row['source_url']}' is not an http(s) URL")
        else:
            b.add(iri, DCTERMS_SOURCE, ox.NamedNode(row["source_url"]))


def _numbers(b: _Builder, line: int, iri: str, row: dict[str, str]) -> None:
    decimal = ox.NamedNode(XSD_NS + "decimal")
    if row["hours"]:
        hours = _decimal(b, line, "hours", row["hours"])
        if hours is not None:
            b.add(iri, CP.durationHours, ox.Literal(decimal_text(hours), datatype=decimal))
    if row["cost"]:
        cost = _decimal(b, line, "cost", row["cost"])
        if not row["currency"]:
            b.problem(line, "currency", "empty, but a cost needs an ISO 4217 currency (USD)")
        if cost is not None:
            b.add(iri, CP.cost, ox.Literal(decimal_text(cost), datatype=decimal))
    if row["currency"]:
        if not re.fullmatch(r"[A-Z]{3}", row["currency"]):
            b.problem(line, "currency", f"'{row['currency']}' is not an ISO 4217 code like USD")
        else:
            b.add(iri, CP.currency, ox.Literal(row["currency"]))


def _teaches(b: _Builder, line: int, iri: str, cell: str) -> None:
    for name, level, raw in split_levels(cell):
        if raw and (level is None or not 1 <= level <= 5):
            b.problem(line, "teaches", f"'{name}@{raw}': the level must be an integer 1..5")
            continue
        competency = b.competency(line, name)
        if competency is None:
            continue
        b.add(iri, CP.teaches, ox.NamedNode(competency))
        if level is not None:
            outcome = ox.BlankNode()
            b.triples.append(
                ox.Triple(ox.NamedNode(iri), ox.NamedNode(CP.qualifiedOutcome), outcome)
            )
            b.triples.append(ox.Triple(outcome, ox.NamedNode(RDF_TYPE), ox.NamedNode(CP.Outcome)))
            b.triples.append(
                ox.Triple(outcome, ox.NamedNode(CP.competency), ox.NamedNode(competency))
            )
            integer = ox.NamedNode(XSD_NS + "integer")
            b.triples.append(
                ox.Triple(outcome, ox.NamedNode(CP.level), ox.Literal(str(level), datatype=integer))
            )


def _prerequisites(b: _Builder, rows: list[tuple[int, dict[str, str]]]) -> None:
    """Prerequisites may name offers of the same catalog (by id or label), or loaded entities."""
    from certpath.resolve import normalize

    for line, row in rows:
        iri = b.offers.get(row["id"])
        if iri is None:
            continue
        for name in (n.strip() for n in row["prerequisites"].split(";") if n.strip()):
            target = b.offers.get(name) or b.offers.get(normalize(name))
            if target is None:
                target = b.resolve(line, "prerequisites", name, ["offer", "competency", "group"])
            if target is not None:
                b.add(iri, CP.prerequisite, ox.NamedNode(target))


def formula_warnings(path: Path, rows: list[tuple[int, dict[str, str]]]) -> list[str]:
    """One line per cell that a spreadsheet would run as a formula (``=``, ``+``, ``-``, ``@``).

    Such text is kept as it is (it may be a real name); ``certpath query --format csv`` shows it
    as text (:func:`certpath.sanitize.spreadsheet_csv`), but other tools may not.

    >>> for line in formula_warnings(Path("c.csv"), [(2, {"label": "=SUM(A1)", "cost": "5"})]):
    ...     print(line)
    c.csv:2: column label: '=SUM(A1)' starts like a spreadsheet formula
    """
    from certpath.sanitize import is_formula

    return [
        f"{path}:{line}: column {column}: '{cell}' starts like a spreadsheet formula"
        for line, row in rows
        for column, cell in row.items()
        if is_formula(cell)
    ]


def convert(kg: KnowledgeGraph, path: Path, *, create_missing: bool = False) -> _Builder:
    """Check every row of the catalog at *path* against *kg* and build its triples.

    Raises
    ------
    InputError
        The file cannot be read or its header is wrong.
    CatalogError
        Some rows are wrong; every problem is listed with its row (line) and column.
    """
    b = _Builder(kg, path, create_missing)
    rows = list(_rows(path))
    if not rows:
        raise InputError(f"{path}: no rows after the header")
    b.summary.warnings = formula_warnings(path, rows)
    for line, row in rows:
        _offer(b, line, row)
    _prerequisites(b, rows)
    if b.problems:
        raise CatalogError(b.problems, names_only=b.name_problems == len(b.problems))
    return b


def import_catalog(
    kg: KnowledgeGraph,
    path: Path,
    target: Path | str,
    *,
    create_missing: bool = False,
    force: bool = False,
) -> CatalogSummary:
    """Convert the catalog at *path* to Turtle at *target*, validated before it is written.

    Parameters
    ----------
    kg : KnowledgeGraph
        The loaded data names resolve against (bundled data, ESCO, earlier catalogs).
    path : Path
        The catalog CSV.
    target : Path or str
        A ``.ttl`` file, or ``-`` for standard output; written atomically
        (:mod:`certpath.output`), only when every row is right and the loaded data plus the
        catalog conform to the shapes.
    create_missing : bool
        Create a ``cp:Competency`` for each unknown competency name instead of failing.
    force : bool
        Replace *target* if it exists (a regular file only).

    Raises
    ------
    InputError, CatalogError
        Unreadable file or wrong rows (see :func:`convert`).
    ValidationError
        The catalog together with the loaded data breaks the shapes or graph-wide rules.
    OutputError
        *target* is not a ``.ttl`` file, exists (without *force*) or cannot be written.
    """
    from certpath.output import check_target, is_stdout, write_bytes

    check_target(target, force=force, stdout=True)  # refuse before the work, not after
    if not is_stdout(target) and Path(target).suffix.lower() != ".ttl":
        raise OutputError(f"{target}: the catalog is written as Turtle; name it FILE.ttl")
    built = convert(kg, path, create_missing=create_missing)
    prefixes = {p: PREFIXES[p] for p in ("cp", "cpd", "skos", "dcterms", "xsd", "escoskill")}
    first_seen: dict[object, int] = {}
    for triple in built.triples:
        first_seen.setdefault(triple.subject, len(first_seen))
    ordered = sorted(built.triples, key=lambda t: first_seen[t.subject])  # one block per subject
    data = ox.serialize(ordered, format=ox.RdfFormat.TURTLE, prefixes=prefixes)
    assert data is not None
    _validate(kg, data)
    write_bytes(data, target, force=force, stdout=True)
    built.summary.triples = len(built.triples)
    return built.summary


def _validate(kg: KnowledgeGraph, turtle: bytes) -> None:
    """Validate what the catalog adds with what it references (:mod:`.catalog_check`)."""
    from certpath.importers.catalog_check import validate_catalog
    from certpath.progress import task

    added = list(ox.parse(turtle, format=ox.RdfFormat.TURTLE))
    with task("Validating the catalog"):
        report = validate_catalog(kg, added)
    if not report.valid:
        first = report.violations[0].to_text()
        raise ValidationError(
            f"the catalog with the loaded data is invalid ({len(report.violations)} "
            f"violations); first: {first}",
            violations=list(report.violations),
        )


__all__ = [
    "COLUMNS",
    "CatalogError",
    "CatalogSummary",
    "convert",
    "formula_warnings",
    "import_catalog",
    "split_levels",
    "template",
]
