"""Answers kept for repeated questions: the graph does not change while the server runs.

A query or question asked again with the same text, parameters and Accept header gets the same
answer, so the server keeps answers (least recently used first out, up to a total size) and
sends a kept one without asking a worker. Answers that depend on the moment (503: over the time
limit; 500) are never kept.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Hashable
from typing import Any

__all__ = ["AnswerCache", "job_key"]

#: Statuses whose answer depends only on the question and the graph.
_KEPT = frozenset({200, 400, 403, 404, 406, 422})


def job_key(job: tuple[Any, ...]) -> Hashable | None:
    """A key for a job whose answer can be kept, or ``None``.

    >>> job_key(("sparql", "ASK {}", None, 10))
    ('sparql', 'ASK {}', None, 10)
    >>> job_key(("api", "plan", {"target": "po", "have": ("a@3",)}))
    ('api', 'plan', (('have', ('a@3',)), ('target', 'po')))
    >>> job_key(("profile-read", "me.yaml", b"..."))
    """
    kind = job[0]
    if kind == "sparql":
        return job
    if kind in ("api", "picture", "profile-write"):
        params = job[-1]
        return (*job[:-1], tuple(sorted(params.items())))
    return None


class AnswerCache:
    """At most *max_bytes* of answer bodies, least recently used dropped first.

    >>> cache = AnswerCache(10_000)
    >>> cache.put("k", (200, "text/plain", b"hello", {}))
    >>> cache.get("k")
    (200, 'text/plain', b'hello', {})
    >>> cache.put("slow", (503, "text/plain", b"timed out", {}))
    >>> cache.get("slow") is None, cache.hits, cache.misses
    (True, 1, 1)
    """

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self.size = 0
        self.hits = self.misses = 0
        self._answers: OrderedDict[Hashable, tuple[int, str, bytes, dict[str, str]]] = OrderedDict()

    def get(self, key: Hashable) -> tuple[int, str, bytes, dict[str, str]] | None:
        """The kept answer for *key*, or ``None``."""
        answer = self._answers.get(key)
        if answer is None:
            self.misses += 1
            return None
        self._answers.move_to_end(key)
        self.hits += 1
        return answer

    def put(self, key: Hashable, answer: tuple[int, str, bytes, dict[str, str]]) -> None:
        """Keep *answer* if its status allows and it is at most an eighth of the cache."""
        size = len(answer[2]) + 200
        if answer[0] not in _KEPT or size > self.max_bytes // 8 or key in self._answers:
            return
        self._answers[key] = answer
        self.size += size
        while self.size > self.max_bytes:
            _, dropped = self._answers.popitem(last=False)
            self.size -= len(dropped[2]) + 200
