"""What the planner reads from a planning graph, and how long it may keep it.

A :class:`PlanningIndex` holds the graph's *structure*: which node teaches, requires, needs or
groups which, and the ``broader`` hierarchy both ways. Building it costs a pass over every edge
(about a second at ESCO scale), so it is kept in the graph's own NetworkX cache
(``G.__networkx_cache__``), which every structural change (``add_edge``, ``remove_node``,
``add_node(n, **attrs)``, ``set_node_attributes``, ...) clears. Attribute values (kind, hours,
cost, currency, provider, delivery, min_count, months, levels on edges) are not copied: a
:class:`Snapshot`, made afresh for every call, reads them live from the graph's own attribute
dictionaries and remembers what it derives only until the call returns. So an edit in place
(``G.nodes[o]["hours"] = 3``, ``G.edges[o, c, "teaches"]["level"] = 4``) is seen by the next
question, and a subgraph view (which has no cache of its own) is indexed anew for each call.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import networkx as nx

__all__ = ["PlanningIndex", "Snapshot", "clear_cache", "planning_index", "snapshot"]

#: The key of the planning index in ``G.__networkx_cache__``.
CACHE_KEY = "certpath.planning.index"

Edges = dict[str, dict[str, Mapping[str, Any]]]


class PlanningIndex:
    """The relations of a planning graph (``docs/graph-projection.md``), by relation name.

    ``teaches[o][c]``, ``taught_by[c][o]``, ``requires[r][c]`` and ``recommends[r][c]`` hold the
    graph's own edge attribute dictionaries (levels are read from them when asked).
    """

    def __init__(self, G: nx.MultiDiGraph) -> None:
        self.graph = G
        self.attrs: Mapping[str, Mapping[str, Any]] = getattr(G, "_node", None) or G.nodes
        self.teaches: Edges = {}
        self.taught_by: Edges = {}
        self.requires: Edges = {}
        self.recommends: Edges = {}
        self.prereqs: dict[str, list[str]] = {}
        self.members: dict[str, list[str]] = {}
        self.experience: dict[str, list[str]] = {}  # role -> its experience requirements
        self.role_of: dict[str, list[str]] = {}  # experience requirement -> its role
        self.about_role: dict[str, list[str]] = {}  # role -> experience requirements about it
        self.up: dict[str, list[str]] = {}  # competency -> its broader competencies
        self.down: dict[str, list[str]] = {}  # competency -> its narrower competencies
        self.leads_to: list[tuple[str, str]] = []
        self.offered_by: dict[str, list[str]] = {}
        lists = {
            "prerequisite": self.prereqs,
            "member": self.members,
            "requiresExperience": self.experience,
            "role": self.role_of,
            "offeredBy": self.offered_by,
        }
        for u, v, key, data in G.edges(keys=True, data=True):
            if key == "teaches":
                self.teaches.setdefault(u, {})[v] = data
                self.taught_by.setdefault(v, {})[u] = data
            elif key == "requires":
                self.requires.setdefault(u, {})[v] = data
            elif key == "recommends":
                self.recommends.setdefault(u, {})[v] = data
            elif key == "broader":
                self.up.setdefault(u, []).append(v)
                self.down.setdefault(v, []).append(u)
            elif key == "leadsTo":
                self.leads_to.append((u, v))
            elif key in lists:
                lists[key].setdefault(u, []).append(v)
        for requirement, roles in self.role_of.items():
            for role in roles:
                self.about_role.setdefault(role, []).append(requirement)
        for table in (*lists.values(), self.up, self.down, self.about_role):
            for items in table.values():
                items.sort()
        self.leads_to.sort()
        self._narrow: dict[str, frozenset[str]] = {}
        self._broad: dict[str, frozenset[str]] = {}
        required_by: dict[str, list[str]] = {}
        for role in sorted(self.requires):
            for competency in self.requires[role]:
                required_by.setdefault(competency, []).append(role)
        self.required_by = required_by

    def narrow(self, c: str) -> frozenset[str]:
        """``c`` and every competency that reaches it over ``broader`` edges."""
        found = self._narrow.get(c)
        if found is None:
            found = self._narrow[c] = _reach(self.down, c)
        return found

    def broad(self, c: str) -> frozenset[str]:
        """``c`` and every competency it reaches over ``broader`` edges."""
        found = self._broad.get(c)
        if found is None:
            found = self._broad[c] = _reach(self.up, c)
        return found


def _reach(adjacency: Mapping[str, list[str]], start: str) -> frozenset[str]:
    """``start`` and every node reachable from it in ``adjacency``."""
    found = {start}
    todo = [start]
    while todo:
        for n in adjacency.get(todo.pop(), ()):
            if n not in found:
                found.add(n)
                todo.append(n)
    return frozenset(found)


def planning_index(G: nx.MultiDiGraph) -> PlanningIndex:
    """The planning index of *G*, from *G*'s NetworkX cache when its structure is unchanged.

    Examples
    --------
    >>> G = nx.MultiDiGraph()
    >>> _ = G.add_edge("o", "c", key="teaches", level=2)
    >>> planning_index(G) is planning_index(G)
    True
    >>> _ = G.add_edge("r", "c", key="requires")
    >>> "r" in planning_index(G).requires
    True
    """
    cache = getattr(G, "__networkx_cache__", None)
    if not isinstance(cache, dict) or hasattr(G, "_graph"):  # a view: no cache of its own
        return PlanningIndex(G)
    index = cache.get(CACHE_KEY)
    if not isinstance(index, PlanningIndex) or index.graph is not G:
        index = cache[CACHE_KEY] = PlanningIndex(G)
    return index


def clear_cache(G: nx.MultiDiGraph | None = None) -> None:
    """Drop *G*'s cached planning index (None: nothing to do).

    Never needed for correctness: structural edits clear the cache and attributes are read live.
    Kept so that code written for earlier releases, which had to call it after editing a graph
    in place, keeps working.
    """
    cache = getattr(G, "__networkx_cache__", None)
    if isinstance(cache, dict):
        cache.pop(CACHE_KEY, None)


class Snapshot:
    """A planning index plus the graph's attribute values, read live, for one call.

    What it derives from attributes (levels taught, offers that meet a requirement, the list of
    offers and roles) is remembered for the lifetime of the snapshot only.
    """

    def __init__(self, index: PlanningIndex) -> None:
        self.index = index
        self.attrs = index.attrs
        self._taught: dict[str, dict[str, int]] = {}
        self._satisfiers: dict[tuple[str, int], frozenset[str]] = {}
        self._kinds: dict[str, list[str]] = {}
        self._required: dict[str, dict[str, int]] = {}
        #: What other modules derive for the lifetime of the snapshot (by their own keys).
        self.memo: dict[object, object] = {}

    # ----------------------------------------------------------------- node attributes

    def kind(self, node: str) -> str | None:
        """The node's ``kind`` (None when it is not in the graph)."""
        data = self.attrs.get(node)
        return None if data is None else data.get("kind")

    def label(self, node: str) -> str:
        """The node's label (its last IRI segment when it has none; itself when unknown)."""
        data = self.attrs.get(node)
        if data is None:
            return node
        return str(data.get("label") or node.rsplit("/", 1)[-1])

    def attr(self, node: str, name: str, default: Any = None) -> Any:
        """One attribute of a node, read from the graph now."""
        data = self.attrs.get(node)
        return default if data is None else data.get(name, default)

    def hours(self, offer: str) -> float:
        """The offer's hours (0 when not stated)."""
        return float(self.attr(offer, "hours", 0.0) or 0.0)

    def cost(self, offer: str) -> float:
        """The offer's price (0 when not stated)."""
        return float(self.attr(offer, "cost", 0.0) or 0.0)

    def currency(self, offer: str) -> str | None:
        """The offer's currency, or None."""
        value = self.attr(offer, "currency")
        return None if value is None else str(value)

    def delivery(self, offer: str) -> tuple[str, ...]:
        """The offer's delivery modes."""
        return tuple(self.attr(offer, "delivery", ()) or ())

    def providers(self, offer: str) -> set[str]:
        """Providers of the offer: its ``offeredBy`` edges and its ``provider`` attribute."""
        found = set(self.index.offered_by.get(offer, ()))
        provider = self.attr(offer, "provider")
        if provider:
            found.add(str(provider))
        return found

    def of_kind(self, kind: str) -> list[str]:
        """Every node of *kind*, sorted (do not modify)."""
        found = self._kinds.get(kind)
        if found is None:
            found = self._kinds[kind] = sorted(
                n for n, d in self.attrs.items() if d.get("kind") == kind
            )
        return found

    # ----------------------------------------------------------------- relations with levels

    def teaches(self, offer: str) -> dict[str, int]:
        """Competency -> level that *offer* teaches."""
        found = self._taught.get(offer)
        if found is None:
            found = self._taught[offer] = {
                c: _level(data) for c, data in self.index.teaches.get(offer, {}).items()
            }
        return found

    def requirements(self, role: str, with_recommended: bool = False) -> dict[str, int]:
        """Competency -> level that *role* requires (and recommends, if asked); do not modify."""
        found = self._required.get(role)
        if found is None:
            found = self._required[role] = {
                c: _level(data) for c, data in self.index.requires.get(role, {}).items()
            }
        if with_recommended:
            found = dict(found)
            for c, data in self.index.recommends.get(role, {}).items():
                found[c] = max(_level(data), found.get(c, 0))
        return found

    def recommendations(self, role: str) -> dict[str, int]:
        """Competency -> level that *role* recommends."""
        return {c: _level(data) for c, data in self.index.recommends.get(role, {}).items()}

    def satisfiers(self, c: str, level: int) -> frozenset[str]:
        """Offers that teach ``c`` or a narrower competency at ``level`` or above."""
        key = (c, level)
        found = self._satisfiers.get(key)
        if found is None:
            taught_by = self.index.taught_by
            found = self._satisfiers[key] = frozenset(
                o
                for n in self.index.narrow(c)
                for o, data in taught_by.get(n, {}).items()
                if int(data.get("level", 1)) >= level  # _level, inlined: the hot loop of closest
            )
        return found

    def narrow(self, c: str) -> frozenset[str]:
        """``c`` and every competency narrower than it."""
        return self.index.narrow(c)

    def broad(self, c: str) -> frozenset[str]:
        """``c`` and every competency broader than it."""
        return self.index.broad(c)

    def prerequisites(self, offer: str) -> list[str]:
        """The offer's prerequisite items (offers, competencies, groups, experience)."""
        return self.index.prereqs.get(offer, [])

    def members(self, group: str) -> list[str]:
        """The members of a group."""
        return self.index.members.get(group, [])


def _level(data: Mapping[str, Any]) -> int:
    return int(data.get("level", 1))


def snapshot(G: nx.MultiDiGraph) -> Snapshot:
    """A :class:`Snapshot` of *G* for one call."""
    return Snapshot(planning_index(G))
