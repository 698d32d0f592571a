"""Tests of certpath.names: the cached name index behind shell completion."""

from __future__ import annotations

import os
import sqlite3
import time
from pathlib import Path

import pytest

from certpath import names
from certpath.graph import bundled_data_dir


@pytest.fixture(autouse=True)
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("CERTPATH_CACHE_DIR", str(folder))
    return folder


def test_labels_aliases_slugs_of_the_kind_asked() -> None:
    found = dict(names.complete("pspo", ["offer"]))
    assert found["pspo-1"] == "offer: Professional Scrum Product Owner I"
    assert all(d.startswith("offer") for d in found.values())
    roles = dict(names.complete("product o", ["role"]))
    assert roles["Product Owner"] == "role"
    assert not names.complete("product o", ["provider"])


def test_curies_once_there_is_a_colon() -> None:
    assert ("cpd:cspo", "offer: Certified Scrum Product Owner") in names.complete("cpd:csp")
    assert all(":" not in name for name, _ in names.complete("csp"))


def test_hidden_labels_are_not_offered() -> None:
    # roles.ttl keeps the old slug "safe-popm" as a hidden label of SAFe Product Owner
    assert "safe-popm" not in {name for name, _ in names.complete("safe-p", ["role"])}
    assert ("SAFe Product Owner", "role") in names.complete("safe p", ["role"])


def test_index_is_built_once_and_rebuilt_when_the_data_changes(tmp_path: Path, cache: Path) -> None:
    data = tmp_path / "mine.ttl"
    data.write_text(
        "@prefix cp: <https://w3id.org/certpath/ontology#> .\n"
        "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n"
        '<https://ex.org/r> a cp:Role ; skos:prefLabel "Zebra keeper"@en .\n',
        encoding="utf-8",
    )
    assert names.complete("zeb", data=[str(data)]) == [("Zebra keeper", "role")]
    first = names.index_file([str(data)])
    built = first.stat().st_mtime_ns
    assert names.complete("zeb", data=[str(data)]) == [("Zebra keeper", "role")]
    assert sqlite3.connect(first).execute("SELECT count(*) FROM names").fetchone()[0] > 0
    time.sleep(0.01)
    data.write_text(data.read_text().replace("Zebra", "Zebu"), encoding="utf-8")
    os.utime(data, ns=(built + 10**9, built + 10**9))
    assert names.index_file([str(data)]) != first
    assert names.complete("zeb", data=[str(data)]) == [("Zebu keeper", "role")]


def test_index_key_follows_bundled_and_data_files() -> None:
    bundled = names.index_file(None)
    assert names.index_file(["bundled"]) == bundled
    assert names.index_file([str(bundled_data_dir())]) == bundled
    assert names.index_file(None, "sparql:http://127.0.0.1:1/sparql") != bundled


def test_old_indexes_are_pruned(tmp_path: Path, cache: Path) -> None:
    for i in range(names.KEEP + 3):
        f = tmp_path / f"d{i}.ttl"
        f.write_text(
            "@prefix cp: <https://w3id.org/certpath/ontology#> .\n"
            f"<https://ex.org/r{i}> a cp:Role .\n",
            encoding="utf-8",
        )
        names.complete("x", data=[str(f)])
    assert len(list(cache.glob("names-*.sqlite"))) == names.KEEP
    assert not list(cache.glob(".*.part"))
