"""Shell completion of entity names (click's completion, fed by :mod:`certpath.names`).

``complete("role")`` is a ``shell_complete`` callback for an option or argument that takes a
role's name. It reads ``--data`` and ``--store`` from the command line being completed, answers
from the cached name index (never a load of the graph, except the first time after the data
changed) and never fails: a completion that cannot be had offers nothing.

Names with spaces are offered as they are to zsh and fish (which quote them), and with their
spaces escaped to bash (whose completion inserts the text as it is). ``--have NAME@`` completes
the levels 1-5 and their names.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable

import click
from click.shell_completion import CompletionItem

Completer = Callable[[click.Context, click.Parameter, str], list[CompletionItem]]

#: The environment variable click sets while it completes (``bash_complete``, ``zsh_complete``).
COMPLETE_VAR = "_CERTPATH_COMPLETE"
#: ``--have NAME@`` completes these (profile.LEVEL_NAMES, without importing it).
_LEVELS: tuple[str, ...] = ("1", "2", "3", "4", "5", "awareness", "foundational", "working")
_LEVELS += ("practitioner", "expert")


def _graph_options(ctx: click.Context) -> tuple[list[str], str | None]:
    root = ctx.find_root()
    data = list(root.params.get("data") or ())
    store = root.params.get("store")
    return data, store if isinstance(store, str) else None


def _shell_value(name: str) -> str:
    """*name* as the shell should insert it: bash inserts completions verbatim."""
    if os.environ.get(COMPLETE_VAR, "").startswith("bash"):
        return re.sub(r"([\s'\"\\()&;|<>$`!*?\[\]#~{}])", r"\\\1", name)
    return name


def complete(*kinds: str, levels: bool = False) -> Completer:
    """A click ``shell_complete`` callback offering names of entities of *kinds* (none given:
    every kind); with *levels*, ``NAME@`` completes the levels after the ``@``."""

    def callback(
        ctx: click.Context, param: click.Parameter, incomplete: str
    ) -> list[CompletionItem]:
        try:
            return _items(ctx, incomplete, kinds, levels)
        except Exception:  # a completion must never print a traceback
            return []

    return callback


def _items(
    ctx: click.Context, incomplete: str, kinds: tuple[str, ...], levels: bool
) -> list[CompletionItem]:
    from certpath.names import complete as names

    if levels and "@" in incomplete:
        name, _, level = incomplete.rpartition("@")
        return [
            CompletionItem(_shell_value(f"{name}@{lv}"), help="level")
            for lv in _LEVELS
            if lv.startswith(level.casefold())
        ]
    data, store = _graph_options(ctx)
    return [
        CompletionItem(_shell_value(name), help=description)
        for name, description in names(incomplete, kinds or None, data=data, store=store)
    ]
