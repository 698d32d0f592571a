"""The planner page: one static HTML file, its script and style, and the choices it offers.

Everything the page loads comes from the package (``certpath/web/static``): no CDN, no inline
script (the Content-Security-Policy allows only ``/static/app.js``), no data in the HTML. The
script asks the API for everything and writes every label with ``textContent``, so data is always
shown as text.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

from certpath import __version__
from certpath.web.api import (
    LEVEL_NAMES,
    SEARCH_KINDS,
    delivery_modes,
    measures,
    takes_experience,
)

__all__ = ["asset", "index_html", "options"]

STATIC = Path(__file__).resolve().parent / "static"
_MEDIA = {
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".html": "text/html; charset=utf-8",
    ".png": "image/png",
    ".svg": "image/svg+xml",
}
#: Delivery modes as the page names them (``--delivery`` choices without the aliases).
DELIVERY_NAMES = {
    "classroom": "Classroom",
    "live-online": "Live online",
    "self-paced": "Self-paced",
    "assessment-only": "Assessment only",
}


@functools.cache
def _files() -> dict[str, tuple[str, bytes]]:
    return {
        path.name: (_MEDIA.get(path.suffix, "application/octet-stream"), path.read_bytes())
        for path in sorted(STATIC.iterdir())
        if path.is_file() and path.suffix in _MEDIA
    }


def asset(name: str) -> tuple[str, bytes] | None:
    """``(media type, bytes)`` of a file of the page, or ``None``.

    >>> asset("app.js")[0]
    'text/javascript; charset=utf-8'
    >>> asset("../jobs.py") is None
    True
    """
    return _files().get(name)


def index_html() -> bytes:
    """The page itself (static: the script fills it in)."""
    return _files()["index.html"][1]


def options() -> dict[str, Any]:
    """What the page offers: measures, level names, delivery modes, search kinds.

    >>> options()["levels"]["3"]
    'working'
    """
    choices = set(delivery_modes())
    found = measures()
    return {
        "version": __version__,
        "measures": list(found),
        "experience": takes_experience(),
        "levels": {str(level): name for level, name in LEVEL_NAMES.items()},
        "delivery": [
            {"value": value, "label": label}
            for value, label in DELIVERY_NAMES.items()
            if value in choices
        ],
        "search_kinds": list(SEARCH_KINDS),
    }
