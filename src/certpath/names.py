"""The names people type, indexed on disk: what shell completion offers.

Completing ``--target Pro<TAB>`` must not load the graph at every key press (ESCO plus the
bundled data take seconds to load). :func:`complete` answers from an SQLite file in the user's
cache folder (:func:`cache_dir`) holding, per entity, its labels (``skos:prefLabel``), aliases
(``skos:altLabel``, ``rdfs:label``), its slug (``cspo`` for ``cpd:cspo``) and its CURIE, each
with the entity's kind. The file is keyed by what the graph is read from:

- ``--data`` files (or the bundled data): their resolved paths, sizes and modification times,
  with the ontology's and the certpath version, so an edited file gives a new index;
- ``--store oxigraph:DIR``: the store folder's files, sizes and modification times;
- ``--store sparql:URL``: the URL, for an hour (an endpoint says nothing about changes).

The first completion after a change builds the index (one load of the graph); later ones read
it in milliseconds. Hidden labels (``skos:hiddenLabel``: old names kept for resolving) are not
offered. Matching is by prefix, case-insensitively; CURIEs are offered once the text has a ``:``.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
import time
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from certpath import __version__

if TYPE_CHECKING:
    from certpath.graph import KnowledgeGraph

__all__ = ["KINDS", "build", "cache_dir", "complete", "index_file", "names_of"]

#: Kinds of entity offered.
KINDS = ("role", "competency", "offer", "provider", "framework")
#: Index files kept in the cache folder (the least recently used are removed).
KEEP = 8
#: Format of the index file; a new one is built when this changes.
SCHEMA = 1
#: How long an endpoint's names are trusted, in seconds.
REMOTE_TTL = 3600

# What an entry is: the entity's label first, then aliases, slugs, CURIEs.
_LABEL, _ALIAS, _SLUG, _CURIE = range(4)


def cache_dir() -> Path:
    """Where the indexes live: ``$CERTPATH_CACHE_DIR``, else ``$XDG_CACHE_HOME/certpath``, else
    ``~/.cache/certpath``."""
    explicit = os.environ.get("CERTPATH_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "certpath"


def _stat_key(paths: Iterable[Path]) -> list[str]:
    parts = []
    for path in paths:
        info = path.stat()
        parts.append(f"{path.resolve()}\0{info.st_size}\0{info.st_mtime_ns}")
    return parts


def index_file(data: Sequence[str] | None = None, store: str | None = None) -> Path:
    """The index file for the graph that ``--data`` *data* or ``--store`` *store* opens.

    Raises
    ------
    InputError
        *data* names a file or folder that does not exist (as loading would).
    """
    from certpath.graph import ontology_files, resolve_data_paths

    parts = [f"certpath {__version__}", f"schema {SCHEMA}"]
    kind, _, location = (store or "memory").partition(":")
    if kind == "oxigraph":
        folder = Path(location)
        files = sorted(p for p in folder.iterdir() if p.is_file()) if folder.is_dir() else []
        parts += [f"oxigraph {folder.resolve()}", *_stat_key(files)]
    elif kind == "sparql":
        parts += [f"sparql {location}", f"hour {int(time.time() // REMOTE_TTL)}"]
    else:
        parts += _stat_key([*ontology_files(), *resolve_data_paths(list(data or []) or None)])
    digest = hashlib.sha256("\n".join(parts).encode("utf-8", "surrogateescape")).hexdigest()
    return cache_dir() / f"names-{digest[:24]}.sqlite"


def names_of(kg: KnowledgeGraph) -> list[tuple[str, str, str, int]]:
    """Every (kind, name, label, tier) of *kg*'s entities of :data:`KINDS`; tier 0 is the
    label, 1 an alias, 2 the slug, 3 the CURIE.

    >>> from certpath.graph import load
    >>> ("offer", "cspo", "Certified Scrum Product Owner", 2) in names_of(load())
    True
    """
    import pyoxigraph as ox

    from certpath.listing import instances, labels_of
    from certpath.namespaces import CPD_NS, RDFS_LABEL, SKOS_ALTLABEL, SKOS_PREFLABEL, curie

    kinds: dict[str, str] = {}
    for kind in KINDS:
        for iri in instances(kg, kind):
            kinds.setdefault(iri, kind)
    labels = labels_of(kg, set(kinds))
    rows: set[tuple[str, str, str, int]] = set()
    for iri, kind in kinds.items():
        label = labels[iri]
        rows.add((kind, label, label, _LABEL))
        rows.add((kind, curie(iri), label, _CURIE))
        if iri.startswith(CPD_NS):
            rows.add((kind, iri[len(CPD_NS) :], label, _SLUG))
    for prop in (SKOS_PREFLABEL, SKOS_ALTLABEL, RDFS_LABEL):
        for quad in kg.quads(None, ox.NamedNode(prop), None):
            subject, name_term = quad.subject, quad.object
            if not isinstance(subject, ox.NamedNode) or not isinstance(name_term, ox.Literal):
                continue
            iri = subject.value
            if iri in kinds:
                name = " ".join(name_term.value.split())
                if name and name != labels[iri]:
                    rows.add((kinds[iri], name, labels[iri], _ALIAS))
    return sorted(rows)


def build(kg: KnowledgeGraph, path: Path) -> Path:
    """Write the name index of *kg* to *path* (atomically: a reader never sees half of it)."""
    from certpath.output import atomic_path

    path.parent.mkdir(parents=True, exist_ok=True)
    with atomic_path(path, force=True) as temp:
        connection = sqlite3.connect(temp)
        try:
            connection.executescript(
                "CREATE TABLE names (kind TEXT, key TEXT, name TEXT, label TEXT, tier INTEGER);"
            )
            connection.executemany(
                "INSERT INTO names VALUES (?, ?, ?, ?, ?)",
                ((k, n.casefold(), n, lab, t) for k, n, lab, t in names_of(kg)),
            )
            connection.execute("CREATE INDEX by_key ON names (key, kind)")
            connection.commit()
        finally:
            connection.close()
    _prune(path.parent, keep=path)
    return path


def _prune(folder: Path, *, keep: Path) -> None:
    """Remove all but the :data:`KEEP` most recently used indexes."""
    found = sorted(folder.glob("names-*.sqlite"), key=lambda p: p.stat().st_mtime, reverse=True)
    for old in [p for p in found if p != keep][KEEP - 1 :]:
        old.unlink(missing_ok=True)


def complete(
    prefix: str,
    kinds: Sequence[str] | None = None,
    *,
    data: Sequence[str] | None = None,
    store: str | None = None,
    limit: int = 200,
) -> list[tuple[str, str]]:
    """Names of *kinds* (None: every kind) that start with *prefix*, as (name, description).

    The description is the entity's kind, and its label when the name is an alias, slug or
    CURIE. Builds the index on first use for this graph (see the module docstring).

    >>> import tempfile
    >>> os.environ["CERTPATH_CACHE_DIR"] = tempfile.mkdtemp()
    >>> complete("cspo", ["offer"])[:1]
    [('CSPO', 'offer: Certified Scrum Product Owner')]
    """
    path = index_file(data, store)
    if not path.is_file():
        from certpath.stores import open_graph

        build(open_graph(list(data or []) or None, store=store), path)
    else:
        os.utime(path)  # recently used: kept by _prune
    key = " ".join(prefix.casefold().split()) if prefix.strip() else prefix.casefold()
    wanted = list(kinds or KINDS)
    marks = ",".join("?" * len(wanted))
    tiers = [_LABEL, _ALIAS, _SLUG] + ([_CURIE] if ":" in prefix else [])
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        rows = connection.execute(
            f"SELECT name, kind, label, tier FROM names WHERE key >= ? AND key < ? "
            f"AND kind IN ({marks}) AND tier IN ({','.join('?' * len(tiers))}) "
            "ORDER BY tier, key, name LIMIT ?",
            [key, key + "\U0010ffff", *wanted, *tiers, limit * 4],
        ).fetchall()
    finally:
        connection.close()
    found: dict[str, tuple[str, str]] = {}
    for name, kind, label, tier in rows:
        described = kind if tier == _LABEL else f"{kind}: {label}"
        found.setdefault(name.casefold(), (name, described))
    return sorted(found.values(), key=lambda item: item[0].casefold())[:limit]
