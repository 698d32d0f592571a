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


@pytest.fixture(scope="session")
def tiny() -> KnowledgeGraph:
    """A small hand-written graph (tests/data/tiny.ttl)."""
    return load([DATA / "tiny.ttl"])
