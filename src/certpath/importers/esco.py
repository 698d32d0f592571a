"""Import the official ESCO CSV distribution into certpath RDF (N-Triples or Turtle).

The mapping (see ``docs/importers.md``):

* occupations (``occupations_en.csv``) become ``cp:Role``; skills and knowledge
  (``skills_en.csv``) and skill groups (``skillGroups_en.csv``) become ``cp:Competency``; the ESCO
  URIs are kept as the entities' IRIs. Skill groups are competencies because they sit in the
  ``skos:broader`` hierarchy that vocabulary rule 2 walks.
* essential occupation-skill links become ``cp:requires``, optional ones ``cp:recommends``
  (direct triples; level 1 is implied); the skill pillar's broader relations become
  ``skos:broader``.
* labels become ``skos:prefLabel`` / ``skos:altLabel`` / ``skos:hiddenLabel`` @en (alternative and
  hidden labels are newline-separated in the CSV); ESCO's description becomes
  ``skos:definition`` @en, its (rare) separate definition ``dcterms:description`` @en, its scope
  note ``skos:scopeNote`` @en; ``skos:inScheme`` and ``skos:notation`` (codes) are kept.
* skill type and reuse level are words in the CSV (``skill/competence``, ``sector-specific``);
  they are stored as ESCO's own IRIs in ``cp:skillType`` and ``cp:reuseLevel``.
* links and broader relations that name a concept the classification files lack are skipped and
  counted (v1.1.1: one occupation with 55 essential and 12 optional links, 7 broader relations).
* one dataset node records the release and ``dcterms:source`` of the import, instead of a
  ``dcterms:source`` on every entity; each occupation, skill and skill group points to it with
  ``void:inDataset`` (the ``entities-without-source`` query follows that link).

Rows are streamed: the converter keeps only the sets of known concept IRIs in memory.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from certpath.errors import InputError, OutputError
from certpath.namespaces import (
    CP,
    CPD_NS,
    DCTERMS_SOURCE,
    RDF_TYPE,
    SKOS_ALTLABEL,
    SKOS_BROADER,
    SKOS_DEFINITION,
    SKOS_HIDDENLABEL,
    SKOS_NS,
    SKOS_PREFLABEL,
)

ESCO = "http://data.europa.eu/esco/"
SKILL_TYPES = {
    "skill/competence": ESCO + "skill-type/skill",
    "knowledge": ESCO + "skill-type/knowledge",
}
REUSE_LEVELS = {
    word: ESCO + "skill-reuse-level/" + word
    for word in ("transversal", "cross-sector", "sector-specific", "occupation-specific")
}
DOWNLOAD_PAGE = "https://esco.ec.europa.eu/en/use-esco/download"
ATTRIBUTION = "This service uses the ESCO classification of the European Commission."
LICENSE = "http://creativecommons.org/licenses/by/4.0/"

_DCTERMS = "http://purl.org/dc/terms/"
_VOID_DATASET = "http://rdfs.org/ns/void#Dataset"
#: From a concept to the dataset node that records where the import came from.
VOID_IN_DATASET = "http://rdfs.org/ns/void#inDataset"
_SKOS_SCOPENOTE = SKOS_NS + "scopeNote"
_SKOS_INSCHEME = SKOS_NS + "inScheme"
_SKOS_NOTATION = SKOS_NS + "notation"

#: The CSV files read, by role, with the columns each must have.
FILES: dict[str, tuple[str, tuple[str, ...]]] = {
    "occupations": (
        "occupations_en.csv",
        ("conceptType", "conceptUri", "preferredLabel", "altLabels", "hiddenLabels", "status",
         "scopeNote", "definition", "inScheme", "description", "code"),
    ),
    "skills": (
        "skills_en.csv",
        ("conceptType", "conceptUri", "skillType", "reuseLevel", "preferredLabel", "altLabels",
         "hiddenLabels", "status", "scopeNote", "definition", "inScheme", "description"),
    ),
    "skill_groups": (
        "skillGroups_en.csv",
        ("conceptType", "conceptUri", "preferredLabel", "altLabels", "hiddenLabels", "status",
         "scopeNote", "inScheme", "description", "code"),
    ),
    "relations": (
        "occupationSkillRelations.csv",
        ("occupationUri", "relationType", "skillType", "skillUri"),
    ),
    "broader": (
        "broaderRelationsSkillPillar.csv",
        ("conceptType", "conceptUri", "broaderType", "broaderUri"),
    ),
}  # fmt: skip

_IRI = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:[^\x00-\x20<>\"{}|^`\\]*")
_RELEASE = re.compile(r"esco[-_ ]?(v\d+(?:\.\d+)*)", re.IGNORECASE)

Progress = Callable[[str], None]


@dataclass
class EscoSummary:
    """What one import read and wrote.

    The counts are of distinct source rows, so they match the ESCO release; ``skipped_*`` are
    the links among them that name a concept the classification files lack (not written).
    """

    release: str
    triples: int = 0
    occupations: int = 0
    skills: int = 0
    skill_groups: int = 0
    essential: int = 0
    optional: int = 0
    broader: int = 0
    skipped_essential: int = 0
    skipped_optional: int = 0
    skipped_broader: int = 0
    unknown_concepts: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, object]:
        """JSON-ready form."""
        return {
            "release": self.release,
            "triples": self.triples,
            "occupations": self.occupations,
            "skills": self.skills,
            "skill_groups": self.skill_groups,
            "essential_links": self.essential,
            "optional_links": self.optional,
            "broader_relations": self.broader,
            "skipped": {
                "essential_links": self.skipped_essential,
                "optional_links": self.skipped_optional,
                "broader_relations": self.skipped_broader,
                "unknown_concepts": self.unknown_concepts,
            },
        }


@dataclass
class _Member:
    """One CSV file of the input: inside a zip archive or in a folder."""

    name: str
    path: Path
    archive: zipfile.ZipFile | None = None

    @property
    def shown(self) -> str:
        return f"{self.path}!{self.name}" if self.archive else str(self.path)

    def open(self) -> IO[str]:
        try:
            raw = self.archive.open(self.name) if self.archive else self.path.open("rb")
        except (OSError, zipfile.BadZipFile, RuntimeError) as exc:
            raise InputError(f"{self.shown}: cannot read: {exc}") from None
        return io.TextIOWrapper(raw, encoding="utf-8-sig", newline="")


def find_files(sources: Sequence[Path]) -> dict[str, _Member]:
    """Locate the ESCO CSV files in *sources*: the two zip archives, or folders of the CSVs.

    Raises
    ------
    InputError
        A path that does not exist, a file that is not a zip archive, a needed CSV missing.
    """
    wanted = {name: role for role, (name, _) in FILES.items()}
    found: dict[str, _Member] = {}
    for source in sources:
        if source.is_dir():
            for path in sorted(source.iterdir()):
                if path.name in wanted and path.is_file():
                    found.setdefault(wanted[path.name], _Member(path.name, path))
        elif source.is_file():
            try:
                archive = zipfile.ZipFile(source)
            except (zipfile.BadZipFile, OSError) as exc:
                raise InputError(
                    f"{source}: not a zip archive ({exc}); give the ESCO CSV archives or a "
                    "folder of the extracted CSV files"
                ) from None
            for info in archive.infolist():
                base = info.filename.rsplit("/", 1)[-1]
                if base in wanted and not info.is_dir():
                    found.setdefault(wanted[base], _Member(info.filename, source, archive))
        else:
            raise InputError(f"{source}: no such file or folder")
    missing = [FILES[role][0] for role in FILES if role not in found]
    if missing:
        where = ", ".join(str(s) for s in sources)
        raise InputError(
            f"{where}: {', '.join(missing)} not found; ESCO needs the classification archive "
            "(...-en-csv.zip) and the relations archive (...-relations-csv.zip), or their CSVs"
        )
    return found


def read_rows(member: _Member, columns: Sequence[str]) -> Iterator[tuple[int, dict[str, str]]]:
    """Yield (line, row) for each record of *member*, after checking its header.

    The line is where the record starts (ESCO fields span lines). Errors name file and line.
    """
    with member.open() as text:
        reader = csv.reader(text)
        try:
            header = next(reader, None)
            if header is None:
                raise InputError(f"{member.shown}: file is empty")
            lacking = [c for c in columns if c not in header]
            if lacking:
                raise InputError(
                    f"{member.shown}:1: unexpected columns: {', '.join(lacking)} missing "
                    f"(found {', '.join(header)})"
                )
            index = [header.index(c) for c in columns]
            start = reader.line_num + 1
            for record in reader:
                if len(record) != len(header):
                    if not any(record):
                        start = reader.line_num + 1
                        continue
                    raise InputError(
                        f"{member.shown}:{start}: expected {len(header)} fields, "
                        f"found {len(record)}"
                    )
                yield start, {c: record[i] for c, i in zip(columns, index, strict=True)}
                start = reader.line_num + 1
        except csv.Error as exc:
            raise InputError(f"{member.shown}:{reader.line_num}: {exc}") from None
        except UnicodeDecodeError as exc:
            raise InputError(f"{member.shown}: not UTF-8 text ({exc.reason})") from None


def _literal(text: str, language: str | None = "en") -> str:
    r"""An N-Triples literal.

    >>> _literal('say "hi"\n')
    '"say \\"hi\\"\\n"@en'
    """
    escaped = (
        text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
    )
    return f'"{escaped}"@{language}' if language else f'"{escaped}"'


class _Writer:
    """Streams N-Triples lines and counts them."""

    def __init__(self, out: IO[str]) -> None:
        self.out = out
        self.count = 0

    def triple(self, s: str, p: str, o: str) -> None:
        self.out.write(f"<{s}> <{p}> {o} .\n")
        self.count += 1

    def iri(self, s: str, p: str, o: str) -> None:
        self.triple(s, p, f"<{o}>")


def _check_iri(value: str, where: str, column: str) -> str:
    value = value.strip()
    if not _IRI.fullmatch(value):
        raise InputError(f"{where}: column {column}: not an IRI: {value!r}")
    return value


def _lines(cell: str) -> list[str]:
    """Split a multi-valued ESCO cell (newline-separated), dropping blanks and duplicates.

    >>> _lines("a\\nb\\n\\na ")
    ['a', 'b']
    """
    return list(dict.fromkeys(part.strip() for part in cell.splitlines() if part.strip()))


def _schemes(cell: str) -> list[str]:
    return list(dict.fromkeys(p.strip() for p in re.split(r"[,\n]", cell) if p.strip()))


def _concept(w: _Writer, iri: str, row: dict[str, str], where: str, cls: str, dataset: str) -> None:
    """Type, dataset, labels, texts, schemes and code of one occupation, skill or skill group."""
    w.iri(iri, RDF_TYPE, cls)
    w.iri(iri, VOID_IN_DATASET, dataset)
    label = row["preferredLabel"].strip()
    if not label:
        raise InputError(f"{where}: column preferredLabel: empty")
    w.triple(iri, SKOS_PREFLABEL, _literal(label))
    for prop, column in ((SKOS_ALTLABEL, "altLabels"), (SKOS_HIDDENLABEL, "hiddenLabels")):
        for alias in _lines(row[column]):
            w.triple(iri, prop, _literal(alias))
    for prop, column in (
        (SKOS_DEFINITION, "description"),
        (_DCTERMS + "description", "definition"),
        (_SKOS_SCOPENOTE, "scopeNote"),
    ):
        text = row.get(column, "").strip()
        if text:
            w.triple(iri, prop, _literal(text))
    for scheme in _schemes(row["inScheme"]):
        w.iri(iri, _SKOS_INSCHEME, _check_iri(scheme, where, "inScheme"))
    if row.get("code", "").strip():
        w.triple(iri, _SKOS_NOTATION, _literal(row["code"].strip(), None))


def _skill_extras(w: _Writer, iri: str, row: dict[str, str], where: str) -> None:
    for column, table, prop in (
        ("skillType", SKILL_TYPES, CP.skillType),
        ("reuseLevel", REUSE_LEVELS, CP.reuseLevel),
    ):
        value = row[column].strip()
        if not value:
            continue
        mapped = table.get(value) or (value if value.startswith(ESCO) else None)
        if mapped is None:
            known = ", ".join(table)
            raise InputError(f"{where}: column {column}: unknown value {value!r} (known: {known})")
        w.iri(iri, prop, mapped)


def _relations(
    w: _Writer,
    files: dict[str, _Member],
    occupations: set[str],
    competencies: set[str],
    summary: EscoSummary,
    progress: Progress,
) -> None:
    member = files["relations"]
    progress(f"reading {member.shown}")
    seen: set[tuple[str, str]] = set()
    unknown: set[str] = set()
    for line, row in read_rows(member, FILES["relations"][1]):
        where = f"{member.shown}:{line}"
        occ = _check_iri(row["occupationUri"], where, "occupationUri")
        skill = _check_iri(row["skillUri"], where, "skillUri")
        kind = row["relationType"].strip()
        if kind not in ("essential", "optional"):
            raise InputError(
                f"{where}: column relationType: {kind!r} is neither 'essential' nor 'optional'"
            )
        if (occ, skill) in seen:
            continue
        seen.add((occ, skill))
        essential = kind == "essential"
        summary.essential += essential
        summary.optional += not essential
        if occ not in occupations or skill not in competencies:
            unknown.update(
                x for x in (occ, skill) if x not in occupations and x not in competencies
            )
            summary.skipped_essential += essential
            summary.skipped_optional += not essential
            continue
        w.iri(occ, CP.requires if essential else CP.recommends, skill)
    summary.unknown_concepts = sorted(unknown)


def _broader(
    w: _Writer, member: _Member, competencies: set[str], summary: EscoSummary, progress: Progress
) -> None:
    unknown = set(summary.unknown_concepts)
    progress(f"reading {member.shown}")
    seen: set[tuple[str, str]] = set()
    for line, row in read_rows(member, FILES["broader"][1]):
        where = f"{member.shown}:{line}"
        narrower = _check_iri(row["conceptUri"], where, "conceptUri")
        broader = _check_iri(row["broaderUri"], where, "broaderUri")
        if (narrower, broader) in seen:
            continue
        seen.add((narrower, broader))
        summary.broader += 1
        if narrower not in competencies or broader not in competencies:
            unknown.update(x for x in (narrower, broader) if x not in competencies)
            summary.skipped_broader += 1
            continue
        w.iri(narrower, SKOS_BROADER, broader)
    summary.unknown_concepts = sorted(unknown)


def release_of(sources: Sequence[Path]) -> str:
    """Guess the ESCO release from the archive or folder names; ``"unknown"`` when none says.

    >>> release_of([Path("esco-v1.1.1-classification-en-csv.zip")])
    'v1.1.1'
    >>> release_of([Path("downloads")])
    'unknown'
    """
    for source in sources:
        match = _RELEASE.search(source.name)
        if match:
            return match.group(1).lower()
    return "unknown"


def dataset_iri(release: str) -> str:
    """The IRI of the dataset node that records an import of *release*.

    >>> dataset_iri("v1.1.1")
    'https://w3id.org/certpath/data/esco-v1.1.1'
    """
    return f"{CPD_NS}esco-{release}"


def _dataset(w: _Writer, release: str) -> None:
    node = dataset_iri(release)
    w.iri(node, RDF_TYPE, _VOID_DATASET)
    w.triple(node, _DCTERMS + "title", _literal(f"ESCO {release} (English), imported by certpath"))
    w.triple(node, _DCTERMS + "hasVersion", _literal(release, None))
    w.iri(node, DCTERMS_SOURCE, DOWNLOAD_PAGE)
    w.iri(node, _DCTERMS + "license", LICENSE)
    w.triple(node, _DCTERMS + "rights", _literal(ATTRIBUTION))


def convert(
    sources: Sequence[Path],
    out: IO[str],
    *,
    release: str | None = None,
    progress: Progress | None = None,
) -> EscoSummary:
    """Stream the ESCO CSV distribution in *sources* as N-Triples into *out*.

    Parameters
    ----------
    sources : sequence of Path
        The classification and relations zip archives as published, or folders of their CSVs.
    out : text file
        Where the N-Triples lines go.
    release : str, optional
        The ESCO release (``"v1.1.1"``); guessed from the file names when not given.
    progress : callable, optional
        Called with one short line per stage.

    Returns
    -------
    EscoSummary

    Raises
    ------
    InputError
        Unreadable input: not a zip, a missing CSV, unexpected columns, a malformed row (the
        message names the file and line).
    """
    say = progress or (lambda _message: None)
    files = find_files(sources)
    summary = EscoSummary(release=release or release_of(sources))
    w = _Writer(out)
    _dataset(w, summary.release)
    occupations, competencies = _classification(w, files, summary, say)
    _relations(w, files, occupations, competencies, summary, say)
    _broader(w, files["broader"], competencies, summary, say)
    summary.triples = w.count
    return summary


def _classification(
    w: _Writer, files: dict[str, _Member], summary: EscoSummary, progress: Progress
) -> tuple[set[str], set[str]]:
    occupations: set[str] = set()
    competencies: set[str] = set()
    counts: dict[str, int] = {}
    for role in ("occupations", "skills", "skill_groups"):
        member = files[role]
        progress(f"reading {member.shown}")
        cls = CP.Role if role == "occupations" else CP.Competency
        target = occupations if role == "occupations" else competencies
        before = len(target)
        for line, row in read_rows(member, FILES[role][1]):
            where = f"{member.shown}:{line}"
            iri = _check_iri(row["conceptUri"], where, "conceptUri")
            if iri in target:
                continue
            target.add(iri)
            _concept(w, iri, row, where, cls, dataset_iri(summary.release))
            if role == "skills":
                _skill_extras(w, iri, row, where)
        counts[role] = len(target) - before
    summary.occupations = counts["occupations"]
    summary.skills = counts["skills"]
    summary.skill_groups = counts["skill_groups"]
    return occupations, competencies


#: Output formats by file extension.
OUTPUT_FORMATS = {".nt": "N-Triples", ".ttl": "Turtle"}


def write_file(
    sources: Sequence[Path],
    target: Path | str,
    *,
    release: str | None = None,
    progress: Progress | None = None,
    force: bool = False,
) -> EscoSummary:
    """Convert ESCO into *target*: ``.nt`` or ``.ttl`` by extension, ``-`` for N-Triples on stdout.

    The file is written atomically (:mod:`certpath.output`): an error, Ctrl-C, SIGTERM or SIGHUP
    leaves no file and no temporary file; an existing file is replaced only with *force*.

    Raises
    ------
    OutputError
        An output name with another extension, an existing file without *force*, a target that
        is not a regular file, or a folder that cannot be written (or a full disk).
    InputError
        Unreadable ESCO input (see :func:`convert`).
    """
    from certpath.output import atomic_path, check_target, is_stdout, open_output

    if is_stdout(target):
        with open_output(target) as out:
            return convert(sources, out, release=release, progress=progress)
    target = check_target(target, force=force)
    suffix = target.suffix.lower()
    if suffix not in OUTPUT_FORMATS:
        raise OutputError(f"{target}: unknown output format '{target.suffix}'; use .nt or .ttl")
    if suffix == ".nt":
        with open_output(target, force=force) as out:
            return convert(sources, out, release=release, progress=progress)
    with atomic_path(target, force=force) as tmp:
        nt_tmp = tmp.with_name(tmp.stem + ".nt.part")
        try:
            with nt_tmp.open("w", encoding="utf-8", newline="\n") as out:
                summary = convert(sources, out, release=release, progress=progress)
            (progress or (lambda _m: None))(f"writing Turtle to {target}")
            _to_turtle(nt_tmp, tmp)
        finally:
            nt_tmp.unlink(missing_ok=True)
    return summary


def _to_turtle(nt_file: Path, ttl_file: Path) -> None:
    import pyoxigraph as ox

    from certpath.namespaces import PREFIXES

    prefixes = {p: PREFIXES[p] for p in ("cp", "cpd", "skos", "dcterms", "escoocc", "escoskill")}
    triples = ox.parse(path=str(nt_file), format=ox.RdfFormat.N_TRIPLES)
    ox.serialize(triples, str(ttl_file), format=ox.RdfFormat.TURTLE, prefixes=prefixes)


#: The named graph of the ESCO import in a persistent store (a new import replaces it).
ESCO_GRAPH = "urn:x-certpath:esco"


def write_store(
    sources: Sequence[Path],
    location: str,
    *,
    release: str | None = None,
    progress: Progress | None = None,
) -> EscoSummary:
    """Convert ESCO and load it, with the ontology, into the Oxigraph store at *location*.

    The N-Triples are written to a temporary file first, so a conversion error leaves the store
    untouched; the temporary file is removed on errors, Ctrl-C, SIGTERM and SIGHUP too.
    """
    import tempfile

    from certpath.graph import load_into_store, ontology_files, open_oxigraph
    from certpath.output import signals_raise

    say = progress or (lambda _m: None)
    with signals_raise(), tempfile.TemporaryDirectory(prefix="certpath-esco-") as folder:
        nt_file = Path(folder) / "esco.nt"
        with nt_file.open("w", encoding="utf-8", newline="\n") as out:
            summary = convert(sources, out, release=release, progress=progress)
        say(f"loading into oxigraph:{location}")
        store = open_oxigraph(location, writable=True)
        load_into_store(store, [*ontology_files(), nt_file], graphs={nt_file: ESCO_GRAPH})
    return summary


__all__ = [
    "ATTRIBUTION",
    "FILES",
    "EscoSummary",
    "convert",
    "dataset_iri",
    "find_files",
    "release_of",
    "write_file",
    "write_store",
]
