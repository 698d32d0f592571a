"""Debian's Chromium and the flags that let it render a page headless and offline here.

Without the background-networking flags it floods a closed network with connections. Used by the
browser tests, the README screenshots and ``benchmarks/``; certpath itself never starts a browser.
"""

from __future__ import annotations

CHROMIUM_PATH = "/usr/bin/chromium"
CHROMIUM_ARGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)
