"""Shared fixtures: the bundled graph parsed once per session, paths to test data."""

from __future__ import annotations

from pathlib import Path

import pytest

from certpath.graph import KnowledgeGraph, load

TESTS = Path(__file__).resolve().parent
DATA = TESTS / "data"


@pytest.fixture(scope="session")
def bundled() -> KnowledgeGraph:
    """The ontology plus the bundled Product Owner data (do not modify it in a test)."""
    return load()


#: A person for the person-centred queries: holds PSPO I and writes user stories (level 5).
ALICE_TTL = """\
@prefix cp: <https://w3id.org/certpath/ontology#> .
@prefix cpd: <https://w3id.org/certpath/data/> .
cpd:alice a cp:Person ; cp:holds cpd:pspo-1 ; cp:hasCompetency cpd:user-story-writing .
"""


@pytest.fixture(scope="session")
def alice_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Alice's profile as a Turtle file, for the person-centred queries."""
    path = tmp_path_factory.mktemp("people") / "alice.ttl"
    path.write_text(ALICE_TTL, encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def tiny() -> KnowledgeGraph:
    """A small hand-written graph (tests/data/tiny.ttl)."""
    return load([DATA / "tiny.ttl"])
