"""``certpath import esco``: the shipped sample as folder and as archives, errors, full ESCO."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from click.testing import CliRunner
from rdflib.compare import isomorphic

from certpath.cli.main import cli
from certpath.graph import load
from certpath.namespaces import CP, SKOS_BROADER
from certpath.sparql import run_named
from certpath.validate import validate

SAMPLE = Path(__file__).parent / "data" / "esco-sample"
FULL = Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "esco-v1.1.1"
ESCO = "http://data.europa.eu/esco/"
PRODUCT_MANAGER = ESCO + "occupation/a79170ad-0b7b-4697-864f-1748359aa10a"
UNKNOWN_OCCUPATION = ESCO + "occupation/a9e54177-a185-404d-b6e6-15663d31137e"
SDLC = ESCO + "skill/09f2f811-a3fb-4de3-a70f-6420a6935575"
CLASSIFICATION = ("occupations_en.csv", "skills_en.csv", "skillGroups_en.csv")
RELATIONS = ("occupationSkillRelations.csv", "broaderRelationsSkillPillar.csv")

SAMPLE_SUMMARY = """\
ESCO v1.1.1: 330 triples written to {target}
        2 occupations (cp:Role)
       12 skills and knowledge (cp:Competency)
       17 skill groups (cp:Competency)
        7 essential links (cp:requires)
        5 optional links (cp:recommends)
       29 broader relations (skos:broader)
  skipped: 1 essential and 1 optional links, 1 broader relations: they name 3 concepts the \
classification files lack
This service uses the ESCO classification of the European Commission.
"""


def make_archives(folder: Path, names: dict[str, tuple[str, ...]] | None = None) -> list[Path]:
    """Zip the sample CSVs the way ESCO publishes them: two archives."""
    names = names or {
        "esco-v1.1.1-classification-en-csv.zip": CLASSIFICATION,
        "esco-v1.1.1-relations-csv.zip": RELATIONS,
    }
    archives = []
    for archive_name, members in names.items():
        path = folder / archive_name
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
            for member in members:
                archive.write(SAMPLE / member, member)
        archives.append(path)
    return archives


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture(scope="module")
def sample_nt(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("esco") / "esco.nt"
    code, _, stderr = run("import", "esco", str(SAMPLE), "--release", "v1.1.1", "-o", str(out))
    assert code == 0, stderr
    return out


def test_folder_to_ntriples_prints_exact_summary(tmp_path: Path) -> None:
    out = tmp_path / "esco.nt"
    code, stdout, stderr = run("import", "esco", str(SAMPLE), "--release", "v1.1.1", "-o", str(out))
    assert code == 0
    assert stdout == SAMPLE_SUMMARY.format(target=out)
    assert stderr == ""  # not a terminal: no progress
    assert sorted(p.name for p in tmp_path.iterdir()) == ["esco.nt"]


def test_archives_give_the_same_graph_as_the_folder(tmp_path: Path, sample_nt: Path) -> None:
    archives = make_archives(tmp_path)
    out = tmp_path / "esco.ttl"
    code, stdout, _ = run("import", "esco", *map(str, archives), "-o", str(out))
    assert code == 0
    assert stdout == SAMPLE_SUMMARY.format(target=out)  # release v1.1.1 from the archive names
    assert isomorphic(
        rdflib.Graph().parse(out, format="turtle"), rdflib.Graph().parse(sample_nt, format="nt")
    )


def test_archive_members_in_a_subfolder_are_found(tmp_path: Path) -> None:
    archive = tmp_path / "esco.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for member in CLASSIFICATION + RELATIONS:
            zf.write(SAMPLE / member, f"esco/{member}")
    code, _, stderr = run("import", "esco", str(archive), "-o", str(tmp_path / "x.nt"))
    assert code == 0, stderr


def test_mapping(sample_nt: Path) -> None:
    kg = load([sample_nt])
    assert kg.types(PRODUCT_MANAGER) == {CP.Role}
    assert kg.types(SDLC) == {CP.Competency}
    requires = {c for r, c in kg.pairs(CP.requires) if r == PRODUCT_MANAGER}
    recommends = {c for r, c in kg.pairs(CP.recommends) if r == PRODUCT_MANAGER}
    assert (len(requires), len(recommends)) == (3, 2)
    assert SDLC in requires
    assert [o.value for o in kg.objects(SDLC, CP.skillType)] == [ESCO + "skill-type/knowledge"]
    assert [o.value for o in kg.objects(SDLC, CP.reuseLevel)] == [
        ESCO + "skill-reuse-level/cross-sector"
    ]
    assert (SDLC, ESCO + "isced-f/0613") in kg.pairs(SKOS_BROADER)
    assert kg.types(ESCO + "isced-f/0613") == {CP.Competency}  # skill groups are competencies
    assert not kg.has_subject(UNKNOWN_OCCUPATION)  # its links are skipped
    labels = {
        (o.value, o.language)
        for o in kg.objects(SDLC, "http://www.w3.org/2004/02/skos/core#altLabel")
    }
    assert ("application development life-cycle", "en") in labels


def test_dataset_node_carries_the_source(sample_nt: Path) -> None:
    kg = load([sample_nt])
    node = "https://w3id.org/certpath/data/esco-v1.1.1"
    source = kg.objects(node, "http://purl.org/dc/terms/source")
    assert [o.value for o in source] == ["https://esco.ec.europa.eu/en/use-esco/download"]
    assert not kg.objects(SDLC, "http://purl.org/dc/terms/source")


def test_esco_concepts_are_sourced_through_their_dataset(sample_nt: Path) -> None:
    kg = load(["bundled", sample_nt])
    assert [o.value for o in kg.objects(SDLC, "http://rdfs.org/ns/void#inDataset")] == [
        "https://w3id.org/certpath/data/esco-v1.1.1"
    ]
    assert run_named(kg, "entities-without-source") == []  # ESCO entities count as sourced


def test_sample_with_bundled_data_is_valid(sample_nt: Path) -> None:
    report = validate(load(["bundled", sample_nt]))
    assert report.valid, [v.to_text() for v in report.violations]


def test_json_summary(tmp_path: Path) -> None:
    code, stdout, _ = run(
        "import", "esco", str(SAMPLE), "-o", str(tmp_path / "e.nt"), "--format", "json"
    )
    assert code == 0
    data = json.loads(stdout)
    assert data["release"] == "unknown"
    assert (data["occupations"], data["essential_links"], data["optional_links"]) == (2, 7, 5)
    assert data["skipped"]["unknown_concepts"][0] == UNKNOWN_OCCUPATION


def test_store_gets_ontology_and_esco(tmp_path: Path) -> None:
    store_dir = tmp_path / "store"
    code, stdout, _ = run("import", "esco", str(SAMPLE), "--store", f"oxigraph:{store_dir}")
    assert code == 0
    assert stdout.splitlines()[0] == f"ESCO unknown: 330 triples written to oxigraph:{store_dir}"
    store = ox.Store.read_only(str(store_dir))
    assert (
        ox.Quad(
            ox.NamedNode(CP.Role),
            ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
            ox.NamedNode("http://www.w3.org/2002/07/owl#Class"),
        )
        in store
    )
    code, stdout, _ = run("--store", f"oxigraph:{store_dir}", "show", "ICT product manager")
    assert code == 0
    assert stdout.startswith("ICT product manager (escoocc:a79170ad-0b7b-4697-864f-1748359aa10a)")


def test_esco_beside_bundled_data_resolves_alignments(sample_nt: Path) -> None:
    code, stdout, _ = run("--data", "bundled", "--data", str(sample_nt), "show", "product-owner")
    assert code == 0
    assert (
        "  skos:broadMatch: ICT product manager (escoocc:a79170ad-0b7b-4697-864f-1748359aa10a)"
        in stdout.splitlines()
    )
    code, stdout, _ = run(
        "--data", "bundled", "--data", str(sample_nt), "show", "ict product manager"
    )
    assert code == 0
    assert (
        "  cp:requires: systems development life-cycle "
        "(escoskill:09f2f811-a3fb-4de3-a70f-6420a6935575) (level 1)" in stdout.splitlines()
    )


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (
            lambda d: (d / "esco.zip").write_text("not a zip"),
            "{d}/esco.zip: not a zip archive (File is not a zip file); give the ESCO CSV "
            "archives or a folder of the extracted CSV files",
        ),
        (
            lambda d: make_archives(d, {"esco.zip": CLASSIFICATION + RELATIONS[:1]}),
            "{d}/esco.zip: broaderRelationsSkillPillar.csv not found; ESCO needs the "
            "classification archive (...-en-csv.zip) and the relations archive "
            "(...-relations-csv.zip), or their CSVs",
        ),
    ],
)
def test_unreadable_archives_exit_2(tmp_path: Path, make: object, message: str) -> None:
    make(tmp_path)  # type: ignore[operator]
    out = tmp_path / "out.nt"
    code, _, stderr = run("import", "esco", str(tmp_path / "esco.zip"), "-o", str(out))
    assert code == 2
    assert stderr == f"Error: {message.format(d=tmp_path)}\n"
    assert not out.exists()


def _copy_sample(folder: Path) -> Path:
    folder.mkdir()
    for name in CLASSIFICATION + RELATIONS:
        (folder / name).write_bytes((SAMPLE / name).read_bytes())
    return folder


@pytest.mark.parametrize(
    ("name", "edit", "message"),
    [
        (
            "occupationSkillRelations.csv",
            lambda t: t.replace("relationType", "relation", 1),
            "occupationSkillRelations.csv:1: unexpected columns: relationType missing "
            "(found occupationUri, relation, skillType, skillUri)",
        ),
        (
            "occupationSkillRelations.csv",
            lambda t: t.replace(",essential,", ",essential,extra,", 2),
            "occupationSkillRelations.csv:2: expected 4 fields, found 5",
        ),
        (
            "occupationSkillRelations.csv",
            lambda t: t.replace(",optional,", ",maybe,", 1),
            "occupationSkillRelations.csv:5: column relationType: 'maybe' is neither "
            "'essential' nor 'optional'",
        ),
        (
            "broaderRelationsSkillPillar.csv",
            lambda t: t.replace("http://data.europa.eu/esco/isced-f/031,", "not an iri,", 1),
            "broaderRelationsSkillPillar.csv:3: column conceptUri: not an IRI: 'not an iri'",
        ),
        (
            "skills_en.csv",
            lambda t: t.replace(",knowledge,", ",wisdom,", 1),
            "skills_en.csv:2: column skillType: unknown value 'wisdom' (known: "
            "skill/competence, knowledge)",
        ),
    ],
)
def test_bad_csv_names_file_and_line(tmp_path: Path, name: str, edit: object, message: str) -> None:
    folder = _copy_sample(tmp_path / "esco")
    text = (folder / name).read_text(encoding="utf-8")
    (folder / name).write_text(edit(text), encoding="utf-8")  # type: ignore[operator]
    out = tmp_path / "out.nt"
    out.write_text("previous\n")
    code, _, stderr = run("import", "esco", str(folder), "-o", str(out), "--force")
    assert code == 2
    assert stderr.splitlines()[-1] == f"Error: {folder / message}"
    assert out.read_text() == "previous\n"  # untouched: atomic
    assert sorted(p.name for p in tmp_path.iterdir()) == ["esco", "out.nt"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ([], "Error: give exactly one of -o FILE (.nt or .ttl) and --store oxigraph:DIR"),
        (["-o", "x.json"], "Error: x.json: unknown output format '.json'; use .nt or .ttl"),
        (["--store", "sparql:http://x"], "Error: --store sparql:http://x: import writes only to "
         "'oxigraph:DIR'"),
    ],
)  # fmt: skip
def test_usage_errors_exit_2(args: list[str], message: str) -> None:
    code, _, stderr = run("import", "esco", str(SAMPLE), *args)
    assert code == 2
    assert stderr.splitlines()[-1] == message


@pytest.mark.slow
@pytest.mark.skipif(not FULL.is_dir(), reason=f"full ESCO v1.1.1 archives not present at {FULL}")
def test_full_esco_counts(tmp_path: Path) -> None:
    out = tmp_path / "esco.nt"
    code, stdout, stderr = run(
        "import", "esco", *map(str, sorted(FULL.glob("*.zip"))), "-o", str(out), "--format", "json"
    )
    assert code == 0, stderr
    data = json.loads(stdout)
    assert data["release"] == "v1.1.1"
    assert (data["occupations"], data["skills"], data["skill_groups"]) == (3007, 13896, 640)
    assert (data["essential_links"], data["optional_links"]) == (64946, 58909)
    assert data["broader_relations"] == 20656
    assert data["skipped"]["essential_links"] == 55
    assert data["skipped"]["optional_links"] == 12
    assert data["skipped"]["broader_relations"] == 7
    assert data["skipped"]["unknown_concepts"][0] == UNKNOWN_OCCUPATION
    store = ox.Store()
    store.bulk_load(path=str(out), format=ox.RdfFormat.N_TRIPLES)
    assert len(store) == data["triples"]
    requires = store.quads_for_pattern(None, ox.NamedNode(CP.requires), None)
    assert sum(1 for _ in requires) == 64946 - 55
    code, stdout, _ = run("--data", "bundled", "--data", str(out), "show", "cpd:business-analyst")
    assert code == 0
    assert (
        "  skos:closeMatch: ICT business analyst (escoocc:fe0fa514-b48d-4a53-9757-a283c0baacf0)"
        in stdout.splitlines()
    )
    code, stdout, _ = run("--data", "bundled", "--data", str(out), "show", "ICT product manager")
    assert code == 0
    assert stdout.startswith("ICT product manager (escoocc:a79170ad-0b7b-4697-864f-1748359aa10a)")


def test_gaps_and_path_towards_an_esco_occupation(sample_nt: Path) -> None:
    data = ["--data", "bundled", "--data", str(sample_nt)]
    code, stdout, _ = run(*data, "gaps", "--target", "ICT product manager", "--format", "json")
    assert code == 0
    gaps = json.loads(stdout)["gaps"]
    assert gaps and all(g["status"] == "missing" for g in gaps if g["essential"])
    life_cycle = "http://data.europa.eu/esco/skill/09f2f811-a3fb-4de3-a70f-6420a6935575"
    assert any(g["competency"] == life_cycle and g["offers"] == [] for g in gaps)
    code, stdout, stderr = run(*data, "path", "--target", "ICT product manager", "--format", "json")
    assert code == 3
    reasons = json.loads(stdout)["reasons"]
    untaught = {r["competency"] for r in reasons if r["kind"] == "untaught"}
    essential = {g["competency"] for g in gaps if g["essential"] and not g["offers"]}
    assert untaught == essential
    assert stderr.startswith("Error: no learning path to ICT product manager")
