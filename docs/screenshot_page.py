"""Screenshot the planner page of ``certpath serve`` into ``docs/images/browser.png``.

The question is the README's (a Business Analyst who writes user stories at level 3 and refines a
backlog, aiming at SAFe POPM), asked through the page's URL on a server started in this process,
in Debian's Chromium driven by Playwright; any request that does not go to the server is blocked
and reported. Run it with ``make screenshot``, i.e. ``.venv/bin/python docs/screenshot_page.py``.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

from certpath.graph import load
from certpath.namespaces import curie
from certpath.resolve import resolve
from certpath.server import ServeOptions, running
from certpath.viz import CHROMIUM_ARGS, CHROMIUM_PATH

HERE = Path(__file__).resolve().parent
OUTPUT = HERE / "images" / "browser.png"
TARGET = "SAFe POPM"
HAVE = "&have=cpd:user-story-writing@3&have=cpd:backlog-refinement@5"
VIEWPORT = {"width": 1400, "height": 1000}


def until(page: Any, expression: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while not page.evaluate(expression):
        if time.monotonic() > deadline:
            raise SystemExit(f"Error: the page never showed its answer ({expression})")
        time.sleep(0.05)


def shoot(url: str, output: Path) -> list[str]:
    """Screenshot the page at *url* into *output*; return the requests that were blocked."""
    from playwright.sync_api import sync_playwright

    blocked: list[str] = []
    origin = url.split("/?")[0]

    def route(request_route: Any) -> None:
        if request_route.request.url.startswith(origin + "/"):
            request_route.continue_()
        else:
            blocked.append(request_route.request.url)
            request_route.abort()

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM_PATH, args=list(CHROMIUM_ARGS))
        try:
            tab = browser.new_page(viewport=VIEWPORT)
            tab.route("**/*", route)
            tab.goto(url)
            until(tab, "document.body.dataset.ready === 'true' && !!document.body.dataset.answered")
            until(tab, "document.body.dataset.busy === 'false'")
            tab.locator("#picture").scroll_into_view_if_needed()
            tab.frame_locator("#picture").locator("body[data-ready=true]").wait_for()
            tab.evaluate("window.scrollTo(0, 0)")
            tab.wait_for_timeout(300)
            output.parent.mkdir(parents=True, exist_ok=True)
            tab.screenshot(path=str(output))
        finally:
            browser.close()
    return blocked


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, default=OUTPUT, help=f"default: {OUTPUT}")
    args = parser.parse_args(argv)
    if not Path(CHROMIUM_PATH).exists():
        print(f"Error: {CHROMIUM_PATH} is missing; install it with 'make browser'", file=sys.stderr)
        return 2
    kg = load()
    question = f"?target={curie(resolve(kg, TARGET, kinds=['role']))}{HAVE}"
    with running(kg, ServeOptions(port=0)) as server:
        blocked = shoot(server.url + question, args.output)
    if blocked:
        print(f"Error: the page tried to fetch {blocked}", file=sys.stderr)
        return 1
    print(f"wrote {args.output}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
