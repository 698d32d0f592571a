"""The pictures in a real browser: Debian's Chromium driven by Playwright, network blocked.

Each page must load from its file with no other request, draw the expected nodes and edges, show a
legend and a tooltip on hover, never run script from the data, and not be blank. Screenshots of
the bundled examples are kept in a temporary folder (printed with ``-s``), not in git.
"""

from __future__ import annotations

import os
import shutil
import struct
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import networkx as nx
import pytest

from certpath import viz
from certpath.graph import KnowledgeGraph
from certpath.planner import shortest_learning_path
from certpath.projection import project

pytestmark = pytest.mark.slow

CHROMIUM = viz.CHROMIUM_PATH
ARGS = list(viz.CHROMIUM_ARGS)
CPD = "https://w3id.org/certpath/data/"
MARKER = "window.__certpath_pwned"


def _require_chromium() -> None:
    if shutil.which(CHROMIUM) or os.path.exists(CHROMIUM):
        return
    message = f"{CHROMIUM} is missing: install it with 'make browser' (apt-get install chromium)"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    _require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("screenshots")


def distinct_colours(png: bytes) -> int:
    """Count the distinct pixel colours of an 8-bit RGB or RGBA PNG (a tiny stdlib decoder)."""
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, header = 8, b"", b""
    while pos < len(png):
        (length,) = struct.unpack(">I", png[pos : pos + 4])
        kind, body = png[pos + 4 : pos + 8], png[pos + 8 : pos + 8 + length]
        header = body if kind == b"IHDR" else header
        idat += body if kind == b"IDAT" else b""
        pos += 12 + length
    width, height, depth, colour = struct.unpack(">IIBB", header[:10])
    assert depth == 8 and colour in (2, 6)
    bpp = 3 if colour == 2 else 4
    raw, stride, prev = zlib.decompress(idat), width * bpp, bytearray(width * bpp)
    seen: set[bytes] = set()
    for y in range(height):
        start = y * (stride + 1)
        kind, line = raw[start], bytearray(raw[start + 1 : start + 1 + stride])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b, c = prev[i], prev[i - bpp] if i >= bpp else 0
            if kind == 1:
                line[i] = (line[i] + a) & 255
            elif kind == 2:
                line[i] = (line[i] + b) & 255
            elif kind == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif kind == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        seen.update(bytes(line[i : i + bpp]) for i in range(0, stride, bpp))
        prev = line
    return len(seen)


def test_png_decoder_sees_one_colour_in_a_blank_image() -> None:
    row = b"\x00" + b"\xff\xff\xff" * 4
    body = zlib.compress(row * 3)

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + b"\0\0\0\0"

    ihdr = struct.pack(">IIBBBBB", 4, 3, 8, 2, 0, 0, 0)
    png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", body) + chunk(b"IEND", b"")
    assert distinct_colours(png) == 1


class Opened:
    """A page opened from its file, with what it tried to fetch and what it said."""

    def __init__(self, browser: Any, path: Path) -> None:
        self.page = browser.new_page(viewport={"width": 1280, "height": 800})
        self.blocked: list[str] = []
        self.dialogs: list[str] = []
        self.errors: list[str] = []
        self.page.route("**/*", self._route)
        self.page.on("dialog", self._dialog)
        self.page.on("pageerror", lambda exc: self.errors.append(str(exc)))
        self.page.goto(path.as_uri())
        self.page.wait_for_selector("body[data-ready=true]", timeout=30_000)

    def _route(self, route: Any) -> None:
        if route.request.url.startswith("file://"):
            route.continue_()
        else:
            self.blocked.append(route.request.url)
            route.abort()

    def _dialog(self, dialog: Any) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def counts(self) -> tuple[int, int]:
        found = self.page.evaluate(
            "[network.body.data.nodes.length, network.body.data.edges.length]"
        )
        return found[0], found[1]

    def hover(self, node: str) -> str:
        """Move the mouse onto *node* and return the tooltip's text."""
        point = self.page.evaluate(
            "id => network.canvasToDOM(network.getPositions([id])[id])", node
        )
        box = self.page.locator("#mynetwork").bounding_box()
        self.page.mouse.move(box["x"] + point["x"], box["y"] + point["y"])
        tooltip = self.page.locator("div.vis-tooltip")
        tooltip.wait_for(state="visible", timeout=5_000)
        text: str = tooltip.inner_text()
        return text


def check_page(browser: Any, path: Path, picture: viz.Picture, shot: Path) -> Opened:
    opened = Opened(browser, path)
    assert opened.counts() == (picture.nodes, picture.edges)
    assert opened.page.locator("#legend li").count() >= 2
    assert opened.page.locator("h1").inner_text() == picture.title
    png = opened.page.screenshot(path=str(shot))
    assert distinct_colours(png) > 20, f"{shot} looks blank"
    assert opened.blocked == [] and opened.errors == [] and opened.dialogs == []
    return opened


@pytest.fixture(scope="module")
def bundled_g(bundled: KnowledgeGraph) -> nx.MultiDiGraph:
    return project(bundled)


def test_bundled_examples(
    browser: Any, bundled: KnowledgeGraph, bundled_g: nx.MultiDiGraph, shots: Path
) -> None:
    sources = viz.source_links(bundled)
    cases = {
        "graph": viz.render_subgraph(bundled_g, sources=sources),
        "cspo": viz.render_subgraph(bundled_g, focus=CPD + "cspo", depth=1, sources=sources),
        "product-owner": viz.render_subgraph(bundled_g, role=CPD + "product-owner"),
    }
    for name, picture in cases.items():
        path = picture.write(shots / f"{name}.html")
        opened = check_page(browser, path, picture, shots / f"{name}.png")
        opened.page.close()
    opened = Opened(browser, shots / "cspo.html")
    text = opened.hover(CPD + "cspo")
    assert text.startswith("Certified Scrum Product Owner\ncertification · cpd:cspo\nhours: ")
    assert "provider: Scrum Alliance" in text
    opened.page.close()


def test_plan_page(browser: Any, bundled_g: nx.MultiDiGraph, shots: Path) -> None:
    have = {CPD + "pi-planning": 2}
    plan = shortest_learning_path(bundled_g, CPD + "safe-product-owner", have=have)
    picture = viz.render_plan(bundled_g, plan, have=have, path=shots / "plan.html")
    opened = check_page(browser, shots / "plan.html", picture, shots / "plan.png")
    first = plan.steps[0]
    text = opened.hover(first.iri)
    assert text.startswith(f"Step 1 of {len(plan.steps)}: {first.label}\n")
    opened.page.close()


def test_experience_plan_page(browser: Any, bundled_g: nx.MultiDiGraph, shots: Path) -> None:
    """The fastest route to CSP-PO: experience steps in their own shape, with their tooltip."""
    plan = shortest_learning_path(
        bundled_g, CPD + "product-owner", include=[CPD + "csp-po"], minimize="months"
    )
    work = [s for s in plan.steps if s.kind == "experience"]
    assert [s.months for s in work] == [12, 12]
    picture = viz.render_plan(bundled_g, plan, path=shots / "experience.html")
    opened = check_page(browser, shots / "experience.html", picture, shots / "experience.png")
    assert "24 months of work experience" in opened.page.locator("h1").inner_text()
    assert "Work experience: 24 months in all" in opened.page.locator("#subtitle").inner_text()
    legend = opened.page.locator('#legend li[data-kind="experience"]')
    assert " ".join(legend.inner_text().split()) == "Work experience (months as a role) (2)"
    shapes = opened.page.evaluate(
        "ids => ids.map(id => network.body.nodes[id].options.shape)", [s.iri for s in work]
    )
    assert shapes == ["triangleDown", "triangleDown"]
    text = opened.hover(work[0].iri)
    assert text.startswith("Step 2 of 5: Work as Product Owner for 12 months\n")
    assert "hours: 0 (no learning hours)" in text
    opened.page.close()


def test_injected_labels_never_run(browser: Any, shots: Path) -> None:
    G = nx.MultiDiGraph()
    payloads = [
        f"<img src=x onerror={MARKER}=1;alert(1)>",
        f"</script><script>{MARKER}=2;alert(2)</script>",
    ]
    G.add_node("r", kind="role", label=payloads[0])
    G.add_node("c", kind="competency", label=payloads[1])
    tooltip_attack = f'<a href="x">href</a><img src=x onerror="{MARKER}=3;alert(3)">'
    G.add_node("o", kind="offer", offer_type="course", label=tooltip_attack, hours=1.0)
    G.add_edge("r", "c", key="requires", level=2)
    G.add_edge("o", "c", key="teaches", level=3)
    picture = viz.render_subgraph(G, focus="c", path=shots / "hostile.html")
    opened = check_page(browser, shots / "hostile.html", picture, shots / "hostile.png")
    text = opened.hover("o")
    assert text.startswith(tooltip_attack + "\n")  # shown as text
    assert opened.page.locator("div.vis-tooltip img, div.vis-tooltip a").count() == 0
    labels = opened.page.evaluate("network.body.data.nodes.get().map(n => n.label).sort()")
    assert labels == sorted([*payloads, tooltip_attack])
    assert opened.page.evaluate(MARKER) is None
    assert opened.page.locator("img").count() == 0
    assert opened.dialogs == [] and opened.blocked == []
    print(f"\nscreenshots in {shots}")
    opened.page.close()
