"""Render the README's learning plan and screenshot it into ``docs/images/path.png``.

The plan is the one of::

    certpath path --target "SAFe POPM" --have "user story writing" --have "backlog refinement" \\
        --html plan.html

made through the library, drawn with :func:`certpath.viz.render_plan`, opened from disk in
Debian's Chromium driven by Playwright (every request other than the file is blocked), and shot
at 1400x800 once the layout has settled. Run it with ``make screenshot``, i.e.
``.venv/bin/python docs/screenshot.py [--output FILE]``.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path
from typing import Any

from certpath.graph import load
from certpath.planner import shortest_learning_path
from certpath.projection import project
from certpath.resolve import resolve
from certpath.viz import CHROMIUM_ARGS, CHROMIUM_PATH, render_plan, source_links

HERE = Path(__file__).resolve().parent
OUTPUT = HERE / "images" / "path.png"
CHROMIUM = CHROMIUM_PATH
ARGS = list(CHROMIUM_ARGS)
VIEWPORT = {"width": 1400, "height": 800}
TARGET = "SAFe POPM"
HAVE = ["user story writing", "backlog refinement"]


def plan_page(folder: Path) -> Path:
    """Write the README's plan as an HTML page in *folder* and return its path."""
    kg = load()
    G = project(kg)
    role = resolve(kg, TARGET, kinds=["role"])
    have = {resolve(kg, name, kinds=["competency"]): 5 for name in HAVE}  # --have X = level 5
    plan = shortest_learning_path(G, role, have=have)
    page = folder / "plan.html"
    render_plan(G, plan, have=have, sources=source_links(kg), path=page)
    return page


def shoot(page: Path, output: Path) -> list[str]:
    """Screenshot *page* into *output*; return the requests that were blocked."""
    from playwright.sync_api import sync_playwright

    blocked: list[str] = []

    def route(request_route: Any) -> None:
        if request_route.request.url.startswith("file://"):
            request_route.continue_()
        else:
            blocked.append(request_route.request.url)
            request_route.abort()

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            tab = browser.new_page(viewport=VIEWPORT)
            tab.route("**/*", route)
            tab.goto(page.as_uri(), wait_until="networkidle")
            tab.wait_for_selector("body[data-ready=true]", timeout=30_000)
            tab.wait_for_load_state("networkidle")
            tab.wait_for_timeout(300)  # one more frame after the final fit
            output.parent.mkdir(parents=True, exist_ok=True)
            tab.screenshot(path=str(output))
        finally:
            browser.close()
    return blocked


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, default=OUTPUT, help=f"default: {OUTPUT}")
    args = parser.parse_args(argv)
    if not Path(CHROMIUM).exists():
        print(f"Error: {CHROMIUM} is missing; install it with 'make browser'", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as folder:
        blocked = shoot(plan_page(Path(folder)), args.output)
    if blocked:
        print(f"Error: the page tried to fetch {blocked}", file=sys.stderr)
        return 1
    print(f"wrote {args.output}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
