"""The planner page in a real browser: Debian's Chromium driven by Playwright, on a real server.

A person builds a question with the mouse and keyboard, then with the keyboard alone, and must see
what the CLI prints for the same question; the URL carries the question to a new page and back;
the profile goes out as a file and comes back in; nothing is fetched from anywhere but the
server; labels from a hostile data set stay text; axe-core finds no serious or critical
accessibility violation. Screenshots are kept in a temporary folder (printed with ``-s``).
"""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from certpath.graph import KnowledgeGraph, load
from certpath.namespaces import curie
from certpath.profile import read_profile
from certpath.resolve import label_of, resolve
from certpath.server import ServeOptions, running
from certpath.viz import CHROMIUM_ARGS, CHROMIUM_PATH

pytestmark = pytest.mark.slow

CPD = "https://w3id.org/certpath/data/"
MARKER = "__certpath_pwned"


def _require_chromium() -> None:
    if shutil.which(CHROMIUM_PATH) or os.path.exists(CHROMIUM_PATH):
        return
    message = (
        f"{CHROMIUM_PATH} is missing: install it with 'make browser' (apt-get install chromium)"
    )
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    _require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM_PATH, args=list(CHROMIUM_ARGS))
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def server(bundled: KnowledgeGraph) -> Iterator[str]:
    with running(bundled, ServeOptions(port=0, timeout=30)) as handle:
        yield handle.url


class Role:
    """The role "SAFe POPM" names in the bundled data (whatever its label now)."""

    def __init__(self, kg: KnowledgeGraph, name: str) -> None:
        self.iri = resolve(kg, name, kinds=["role"])
        self.curie = curie(self.iri)
        self.label = label_of(kg, self.iri)


@pytest.fixture(scope="module")
def safe(bundled: KnowledgeGraph) -> Role:
    return Role(bundled, "SAFe POPM")


@pytest.fixture(scope="module")
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("page-screenshots")
    print(f"\nscreenshots in {folder}")
    return folder


class Tab:
    """A browser tab on the server, recording what it fetched elsewhere and what went wrong."""

    def __init__(self, browser: Any, server: str, path: str = "") -> None:
        self.server = server.rstrip("/")
        self.context = browser.new_context(viewport={"width": 1280, "height": 900},
                                           accept_downloads=True)  # fmt: skip
        self.page = self.context.new_page()
        self.outside: list[str] = []
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        self.page.route("**/*", self._route)
        self.page.on("pageerror", lambda exc: self.errors.append(str(exc)))
        self.page.on("console", self._console)
        self.page.on("dialog", self._dialog)
        if path is not None:
            self.open(path)

    def _route(self, route: Any) -> None:
        if route.request.url.startswith(self.server + "/"):
            route.continue_()
        else:
            self.outside.append(route.request.url)
            route.abort()

    def _console(self, message: Any) -> None:
        if message.type == "error":
            self.errors.append(message.text)

    def _dialog(self, dialog: Any) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def open(self, path: str) -> None:
        self.page.goto(self.server + "/" + path.lstrip("/"))
        self.page.wait_for_selector("body[data-ready=true]", timeout=30_000)
        self.settle()

    def until(self, expression: str, timeout: float = 30) -> None:
        """Poll *expression* until true (from outside: the page's CSP forbids Playwright's eval)."""
        deadline = time.monotonic() + timeout
        while not self.page.evaluate(expression):
            if time.monotonic() > deadline:
                raise AssertionError(f"never true: {expression}")
            time.sleep(0.05)

    def settle(self) -> None:
        """Wait for the latest question's answer."""
        self.until("document.body.dataset.busy === 'false' && !!document.body.dataset.answered")

    def changed(self, action: Any) -> None:
        """Do *action* and wait for the answer it asks for."""
        before = self.page.evaluate("document.body.dataset.answered || '0'")
        action()
        answered = "document.body.dataset.answered"
        self.until(f"{answered} !== '{before}' && document.body.dataset.busy === 'false'")

    def steps(self) -> list[str]:
        return [
            t.strip()
            for t in self.page.locator("#steps tbody tr td:nth-child(2)").all_inner_texts()
        ]

    def totals(self) -> str:
        text: str = self.page.inner_text("#totals")
        return text

    def pick(self, input_id: str, typed: str, option: str, *, keyboard: bool = False) -> None:
        """Type into a type-ahead and pick *option* (the mouse, or the keyboard only)."""
        if keyboard:
            self.page.keyboard.type(typed, delay=20)
        else:
            self.page.click(f"#{input_id}")
            self.page.type(f"#{input_id}", typed, delay=20)
        listbox = self.page.get_attribute(f"#{input_id}", "aria-controls")
        found = self.page.locator(f"#{listbox} [role=option]", has_text=option).first
        found.wait_for(timeout=10_000)
        if keyboard:
            options = self.page.locator(f"#{listbox} [role=option]").all_inner_texts()
            index = next(i for i, text in enumerate(options) if text.startswith(option))
            for _ in range(index):
                self.page.keyboard.press("ArrowDown")
            self.page.keyboard.press("Enter")
        else:
            found.click()
        assert self.page.input_value(f"#{input_id}") == option

    def tab_to(self, element_id: str, *, limit: int = 60) -> None:
        """Press Tab until *element_id* has the focus (keyboard only)."""
        for _ in range(limit):
            if (
                self.page.evaluate("document.activeElement && document.activeElement.id")
                == element_id
            ):
                return
            self.page.keyboard.press("Tab")
        raise AssertionError(f"Tab never reached #{element_id}")

    def close(self) -> None:
        assert self.outside == [], f"requests left the server: {self.outside}"
        assert self.errors == [], self.errors
        self.context.close()


def cli(*args: str) -> str:
    from click.testing import CliRunner

    from certpath.cli.main import cli as certpath

    result = CliRunner().invoke(certpath, list(args))
    assert result.exit_code == 0, result.output
    return result.stdout


def cli_plan(*args: str) -> tuple[list[str], str]:
    """The step labels and the Total line ``certpath path`` prints for *args*."""
    import json

    data = json.loads(cli("path", *args, "--format", "json"))
    total = next(line for line in cli("path", *args).splitlines() if line.startswith("Total: "))
    return [step["label"] for step in data["steps"]], total


SAFE_ARGS = ("--target", "SAFe POPM", "--have", "user story writing@3", "--have",
             "backlog refinement")  # fmt: skip


def test_a_person_plans_with_the_mouse_and_gets_what_the_cli_says(
    browser: Any, server: str, shots: Path, tmp_path: Path, bundled: KnowledgeGraph, safe: Role
) -> None:
    tab = Tab(browser, server)
    page = tab.page
    # found by their labels and roles, as a person (or a screen reader) finds them
    page.get_by_label("Competency").type("user sto", delay=20)
    page.get_by_role("option", name="User story writing").click()
    page.get_by_label("Level").select_option("3")
    add = page.get_by_role("button", name="Add competency")
    tab.changed(add.click)
    tab.pick("competency-input", "backlog refinement", "Backlog refinement")
    tab.changed(add.click)
    assert page.locator("#have-list li").all_inner_texts() == [
        "User story writing — level 3 (working)\n×",
        "Backlog refinement — level 5 (expert)\n×",
    ]
    tab.changed(lambda: page.get_by_label("Role").select_option(label=safe.label))
    steps, total = cli_plan(*SAFE_ARGS)
    assert (tab.steps(), tab.totals()) == (steps, total)
    timeline = page.locator("#timeline li .what").all_inner_texts()
    assert timeline == ["What you have", *steps, safe.label]
    assert page.locator("#gaps tbody tr").count() >= 10
    page.locator("#picture").scroll_into_view_if_needed()
    frame = page.frame_locator("#picture")
    frame.locator("body[data-ready=true]").wait_for(timeout=30_000)
    page.screenshot(path=str(shots / "plan-hours.png"), full_page=True)

    tab.changed(lambda: page.get_by_label("cost").check())
    assert "minimising cost" in page.inner_text("#status")
    assert (tab.steps(), tab.totals()) == cli_plan(*SAFE_ARGS, "--minimize", "cost")
    cost_url = page.url
    assert "minimize=cost" in cost_url and "have=cpd%3Auser-story-writing%403" in cost_url

    # another role: back and forth between the measures, as in the CLI
    other = Role(bundled, "Product Owner")
    tab.changed(lambda: page.select_option("#target", label=other.label))
    by_cost = cli_plan("--target", other.curie, *SAFE_ARGS[2:], "--minimize", "cost")
    by_hours = cli_plan("--target", other.curie, *SAFE_ARGS[2:])
    assert (tab.steps(), tab.totals()) == by_cost
    tab.changed(lambda: page.check("#minimize-hours"))
    assert (tab.steps(), tab.totals()) == by_hours

    # back, back: the previous questions, answered again
    tab.changed(lambda: page.evaluate("history.back()"))
    assert page.is_checked("#minimize-cost") and (tab.steps(), tab.totals()) == by_cost
    tab.changed(lambda: page.evaluate("history.back()"))
    assert page.url == cost_url and page.input_value("#target") == safe.curie

    # the URL in a new tab: the same question, the same plan
    other = Tab(browser, server, cost_url.removeprefix(server.rstrip("/")))
    assert (other.steps(), other.totals()) == cli_plan(*SAFE_ARGS, "--minimize", "cost")
    assert (
        other.page.locator("#have-list li").all_inner_texts()
        == page.locator("#have-list li").all_inner_texts()
    )
    other.close()

    # the profile out as a file ...
    with page.expect_download() as download:
        page.get_by_role("link", name="Download my profile").click()
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    assert saved.name == "certpath-profile.yaml"
    assert read_profile(bundled, saved).have == {CPD + "user-story-writing": 3,
                                                  CPD + "backlog-refinement": 5}  # fmt: skip
    # ... and back into a fresh page
    fresh = Tab(browser, server)
    fresh.changed(lambda: fresh.page.get_by_label("Load a profile").set_input_files(str(saved)))
    assert "Loaded certpath-profile.yaml: 2 competencies, 0 held." in fresh.page.inner_text(
        "#profile-status"
    )
    fresh.changed(lambda: fresh.page.select_option("#target", label=safe.label))
    assert (fresh.steps(), fresh.totals()) == cli_plan(*SAFE_ARGS)
    fresh.close()
    tab.close()


def test_changing_the_measure_changes_the_plan(
    browser: Any, server: str, bundled: KnowledgeGraph
) -> None:
    from certpath import service

    person = ["user story writing@3", "backlog refinement"]
    roles = sorted(row["r"].value for row in bundled.select("SELECT ?r WHERE { ?r a cp:Role }"))
    differs = None
    for iri in roles:
        try:
            hours = service.path(bundled, target=iri, have=person)
            cost = service.path(bundled, target=iri, have=person, minimize="cost")
        except Exception:  # noqa: BLE001 - a role with no plan is no example
            continue
        if [s.iri for s in hours.steps] != [s.iri for s in cost.steps]:
            differs = Role(bundled, iri)
            break
    if differs is None:
        pytest.skip("no role of the bundled data has different plans by hours and by cost")
    tab = Tab(browser, server, f"?target={differs.curie}&have=cpd:user-story-writing@3"
                               "&have=cpd:backlog-refinement")  # fmt: skip
    args = ("--target", differs.curie, "--have", person[0], "--have", person[1])
    by_hours = (tab.steps(), tab.totals())
    assert by_hours == cli_plan(*args)
    tab.changed(lambda: tab.page.get_by_label("cost").check())
    assert (tab.steps(), tab.totals()) == cli_plan(*args, "--minimize", "cost") != by_hours
    tab.close()


def cli_unlocked(*args: str) -> list[str]:
    """The "unlocked by:" text of each step ``certpath path`` prints for *args*."""
    prefix = "   unlocked by: "
    return [line.removeprefix(prefix) for line in cli("path", *args).splitlines()
            if line.startswith(prefix)]  # fmt: skip


CSP_PO_ARGS = ("--target", "Product Owner", "--include", "csp-po", "--minimize", "months")


def test_the_fastest_route_with_experience_steps_and_months(
    browser: Any, server: str, shots: Path
) -> None:
    """A Business Analyst's fastest route to CSP-PO: experience steps, months, as the CLI says."""
    tab = Tab(browser, server, "?target=cpd:product-owner&minimize=months")
    page = tab.page
    tab.pick("include-input", "CSP-PO", "Certified Scrum Professional - Product Owner")
    tab.changed(lambda: page.get_by_role("button", name="Include", exact=True).click())
    assert page.locator("#include-list li").all_inner_texts() == [
        "With Certified Scrum Professional - Product Owner\n×"]  # fmt: skip
    assert "include=cpd%3Acsp-po" in page.url or "include=cpd:csp-po" in page.url
    assert page.is_checked("#minimize-months")
    assert page.get_by_label("months (the fastest route)").is_checked()
    assert "minimising months (the fastest route)" in page.inner_text("#status")
    steps, total = cli_plan(*CSP_PO_ARGS)
    assert steps[1] == "Work as Product Owner for 12 months"
    assert total == "Total: 5 steps, 48 h, USD 3,700, 24 months of work experience"
    assert (tab.steps(), tab.totals()) == (steps, total)
    unlocked = page.locator("#steps tbody tr td:nth-child(8)").all_inner_texts()
    assert unlocked == cli_unlocked(*CSP_PO_ARGS)
    assert unlocked[2] == (
        "step 1, Certified Scrum Product Owner; step 2, 12 months as Product Owner"
    )
    rows = page.locator("#steps tbody tr[data-kind=experience]")
    assert rows.count() == 2
    assert rows.first.locator("td").nth(2).inner_text() == "work experience · 12 months"
    assert page.locator("#timeline li.experience .how").all_inner_texts() == [
        "12 months of work, no learning hours"] * 2  # fmt: skip
    page.locator("#picture").scroll_into_view_if_needed()
    frame = page.frame_locator("#picture")
    frame.locator("body[data-ready=true]").wait_for(timeout=30_000)
    assert "24 months of work experience" in frame.locator("h1").inner_text()
    assert frame.locator('#legend li[data-kind="experience"]').count() == 1
    page.screenshot(path=str(shots / "plan-months.png"), full_page=True)

    # twelve months as a Product Owner already: the first experience step goes
    page.get_by_label("Months as").select_option(label="Product Owner")
    page.get_by_label("Months", exact=True).fill("12")
    tab.changed(lambda: page.get_by_role("button", name="Add experience").click())
    assert page.locator("#experience-list li").all_inner_texts() == [
        "12 months as Product Owner\n×"]  # fmt: skip
    more = (*CSP_PO_ARGS, "--experience", "Product Owner@12")
    assert (tab.steps(), tab.totals()) == cli_plan(*more)
    assert page.locator("#steps tbody tr td:nth-child(8)").all_inner_texts() == cli_unlocked(*more)
    assert "you have 12 months as Product Owner" in page.inner_text("#steps tbody")
    page.locator("#picture").scroll_into_view_if_needed()  # a new frame: drawn once visible
    frame = page.frame_locator("#picture")
    frame.locator("body[data-ready=true]").wait_for(timeout=30_000)
    assert frame.locator("h1").inner_text().endswith(", 12 months of work experience")

    # a role that asks for months itself: its gaps list them, held against needed
    tab.changed(lambda: page.select_option("#target", label="Chief Product Owner"))
    row = page.locator("#gaps tbody tr[data-kind=experience] td").all_inner_texts()
    assert row == ["36 months as Product Owner", "partial", "12 months", "36 months",
                   "experience", "work as Product Owner"]  # fmt: skip
    assert tab.errors == [] and tab.outside == []
    tab.close()


def test_the_same_with_the_keyboard_alone(
    browser: Any, server: str, shots: Path, safe: Role
) -> None:
    tab = Tab(browser, server)
    page, keys = tab.page, tab.page.keyboard
    tab.tab_to("competency-input")
    tab.pick("competency-input", "user sto", "User story writing", keyboard=True)
    keys.press("Tab")  # the level picker
    assert page.evaluate("document.activeElement.id") == "competency-level"
    keys.press("ArrowUp")
    keys.press("ArrowUp")
    assert page.input_value("#competency-level") == "3"
    keys.press("Tab")  # Add
    tab.changed(lambda: keys.press("Enter"))
    assert page.evaluate("document.activeElement.id") == "competency-input"
    keys.type("backlog refinement")
    keys.press("Enter")  # at once, before the matches came: Enter picks the best match
    tab.until("document.getElementById('competency-input').value === 'Backlog refinement'")
    tab.changed(lambda: keys.press("Enter"))  # Enter again adds it, at level 5
    tab.tab_to("target")
    tab.changed(lambda: keys.type(safe.label))  # a select picks the option typed
    assert page.input_value("#target") == safe.curie
    assert (tab.steps(), tab.totals()) == cli_plan(*SAFE_ARGS)
    keys.press("Tab")  # into the minimise radio group: the checked one, hours
    assert page.evaluate("document.activeElement.id") == "minimize-hours"
    tab.changed(lambda: keys.press("ArrowRight"))
    assert page.is_checked("#minimize-cost")
    assert (tab.steps(), tab.totals()) == cli_plan(*SAFE_ARGS, "--minimize", "cost")
    # remove a competency with the keyboard: its button says what it removes
    remove = page.get_by_role("button", name="Remove Backlog refinement")
    remove.focus()
    tab.changed(lambda: keys.press("Enter"))
    assert page.locator("#have-list li").count() == 1
    # plan a close role from the list, by keyboard
    button = page.locator("#closest button").first
    name = button.inner_text().removeprefix("Plan ")
    button.focus()
    tab.changed(lambda: keys.press("Enter"))
    assert page.inner_text("#status").startswith(f"Path to {name}")
    page.screenshot(path=str(shots / "keyboard.png"), full_page=True)
    tab.close()


def test_every_control_has_a_label_and_axe_finds_nothing_serious(
    browser: Any, server: str, safe: Role
) -> None:
    from axe_playwright_python.sync_playwright import Axe

    question = f"?target={safe.curie}&have=cpd:user-story-writing@3&holds=cspo"
    question += "&experience=cpd:product-owner@6"  # the experience fieldset and its chip
    tab = Tab(browser, server, question + "&exclude=cpd:scrum-alliance&minimize=cost")
    page = tab.page
    unlabelled = page.evaluate(
        """[...document.querySelectorAll('input, select, textarea')]
           .filter(e => !(e.labels && e.labels.length) && !e.getAttribute('aria-label'))
           .map(e => e.id || e.name)"""
    )
    assert unlabelled == []
    page.fill("#competency-input", "")
    page.type("#competency-input", "backlog", delay=20)
    page.locator("#competency-options [role=option]").first.wait_for()
    results = Axe().run(page)
    serious = [
        (v["id"], v["impact"], [n["target"] for n in v["nodes"]])
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert serious == [], results.generate_report()
    assert results.response["passes"], "axe ran no check"
    tab.close()


HOSTILE = Path(__file__).parent / "data" / "hostile.ttl"


def test_labels_from_hostile_data_stay_text(browser: Any, tmp_path: Path, shots: Path) -> None:
    with running(load([HOSTILE]), ServeOptions(port=0, timeout=30)) as handle:
        tab = Tab(browser, handle.url)
        page = tab.page
        role = page.locator("#target option").nth(1).inner_text()
        assert role == "<img src=x onerror=window.__certpath_pwned=1;alert(1)>"
        course = (
            '<a href="javascript:alert(3)">href</a><img src=x onerror=window.__certpath_pwned=3>'
        )
        tab.pick("holds-input", "href", course)  # the type-ahead's options are text too
        page.fill("#holds-input", "")
        tab.changed(lambda: page.select_option("#target", index=1))
        assert tab.steps() == [course]
        row = page.locator("#steps tbody tr").first.locator("td").all_inner_texts()
        assert row[2] == '" onmouseover="window.__certpath_pwned=4'
        assert row[6] == "</script><script>window.__certpath_pwned=2;alert(2)</script> ≥2"
        page.locator("#picture").scroll_into_view_if_needed()
        frame = page.frame_locator("#picture")
        frame.locator("body[data-ready=true]").wait_for(timeout=30_000)
        for target in page.locator("#steps tbody td, #timeline li, #gaps td").all():
            target.hover()
        page.screenshot(path=str(shots / "hostile.png"), full_page=True)
        assert page.evaluate(f"window.{MARKER}") is None
        assert page.frames[1].evaluate(f"window.{MARKER}") is None
        assert page.locator("main img, main a[href^=javascript]").count() == 0
        assert tab.dialogs == []
        tab.close()
