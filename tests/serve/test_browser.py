"""The web UI in a real browser: Playwright driving Debian's chromium against a uvicorn server on
loopback (conftest.py). One browser for the module; each test opens its own context and fails on
any console error it did not expect. Screenshots land in build/screenshots/ as test artefacts.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.network

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run", "--disable-quic"]
SHOTS = Path(__file__).resolve().parents[2] / "build" / "screenshots"
WIDE = {"width": 1280, "height": 900}
NARROW = {"width": 375, "height": 812}
INGESTED = "The US Treasury said Iran funds Hezbollah through front companies."


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: the browser tests drive Debian's chromium; install it with "
                    "`bash scripts/install-system-packages.sh --test` (never `playwright install`)")
    from playwright.sync_api import sync_playwright

    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        opened = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            yield opened
        finally:
            opened.close()


class Tab:
    """A page in a fresh context, with the console errors and uncaught exceptions it saw."""

    def __init__(self, browser: Any, base: str, viewport: dict[str, int]) -> None:
        self.base = base
        self.context = browser.new_context(viewport=viewport, base_url=base)
        self.page = self.context.new_page()
        self.page.set_default_timeout(10_000)
        self.errors: list[str] = []
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))

    def _console(self, message: Any) -> None:
        if message.type == "error":
            self.errors.append(message.text)

    def open(self, path: str) -> Any:
        response = self.page.goto(path)
        assert response is not None and response.ok, f"{path}: {response and response.status}"
        return self.page

    def shot(self, name: str) -> None:
        self.page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


@pytest.fixture
def tab(browser: Any, ui_base: str) -> Iterator[Tab]:
    opened = Tab(browser, ui_base, WIDE)
    yield opened
    opened.context.close()
    assert opened.errors == [], "console errors"


def _graph_ready(page: Any) -> None:
    page.wait_for_function("() => window.claimgraphGraph && window.claimgraphGraph.nodes().length > 0 "
                           "&& document.getElementById('graph').dataset.ready === 'true'")


def test_overview(tab: Tab) -> None:
    page = tab.open("/")
    assert page.title() == "Overview · claimgraph"
    assert "Documents" in page.inner_text("#counts")
    assert "Varnia" in page.inner_text("#contested") and page.inner_text("#newest-claims")
    assert page.locator("#top-actors li").count() == 4  # the actors at an end of a link; speakers are not
    tab.shot("overview")


def test_clicking_an_edge_on_the_canvas_opens_its_evidence(tab: Tab, ui_corpus: Any) -> None:
    page = tab.open("/graph?entity=varnia")
    _graph_ready(page)
    drawn = page.evaluate("""() => {
        const cy = window.claimgraphGraph;
        return {nodes: cy.nodes().map(n => [n.id(), n.style('background-color')]),
                edges: cy.edges().map(e => [e.id(), e.style('line-color'), e.style('line-style')])};
    }""")
    assert sorted(node for node, _ in drawn["nodes"]) == ["red-lantern", "varnia"]
    assert drawn["edges"] == [["varnia|arms|red-lantern", "rgb(192,95,0)", "solid"]]  # contested's colour
    tab.shot("graph")
    point = page.evaluate("""() => {
        const cy = window.claimgraphGraph, box = cy.container().getBoundingClientRect();
        const mid = cy.edges()[0].renderedMidpoint();
        return {x: box.left + mid.x, y: box.top + mid.y};
    }""")
    page.mouse.click(point["x"], point["y"])
    page.wait_for_url(re.compile(r"/link\?a=varnia&b=red-lantern$"))
    supporting = page.inner_text("#evidence-for")
    assert "Kessa Times" in supporting and "Coastal Monitor" in supporting and ui_corpus.arms in supporting
    against = page.inner_text("#evidence-against")
    assert "Varnia Daily" in against and ui_corpus.deny in against
    assert page.locator("#evidence-for > .source-group > ol > li.evidence").count() == 2
    page.click("#evidence-for details.copies summary")  # the syndicated copy, folded under its origin
    assert "Harbour Wire" in page.inner_text("#evidence-for details.copies")
    tab.shot("link")


def test_a_dashed_edge_for_a_hedged_link_and_a_node_click(tab: Tab) -> None:
    page = tab.open("/graph?entity=grey-wolves")
    _graph_ready(page)
    assert page.evaluate("() => window.claimgraphGraph.edges()[0].style('line-style')") == "dashed"
    point = page.evaluate("""() => {
        const cy = window.claimgraphGraph, box = cy.container().getBoundingClientRect();
        const at = cy.getElementById('kessa-port').renderedPosition();
        return {x: box.left + at.x, y: box.top + at.y};
    }""")
    page.mouse.click(point["x"], point["y"])
    page.wait_for_url(re.compile(r"/entity/kessa-port$"))


def test_the_keyboard_route_through_the_list_of_edges(tab: Tab) -> None:
    page = tab.open("/graph?entity=varnia")
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.className") == "skip-link"
    assert page.evaluate("() => getComputedStyle(document.activeElement).outlineStyle") == "solid"
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("() => !!document.activeElement.closest('#edge-list')"):
            break
    else:
        pytest.fail("Tab never reached the list of edges")
    focused = page.evaluate("() => document.activeElement.getAttribute('href')")
    assert focused == "/link?a=varnia&b=red-lantern"
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/link\?a=varnia&b=red-lantern$"))
    assert page.locator("#evidence-against .evidence").count() == 1


def test_ingest_through_the_form(tab: Tab, ui_corpus: Any) -> None:
    page = tab.open("/ingest")
    page.fill("#i-text", INGESTED)
    page.fill("#i-title", "Treasury on Hezbollah")
    page.fill("#i-outlet", "Example Wire")
    page.fill("#i-token", "not the token")
    with page.expect_response(lambda r: r.url.endswith("/ingest") and r.request.method == "POST") as answer:
        page.click("form.ingest button[type=submit]")
    assert answer.value.status == 401 and "E410" in page.inner_text("#ingest-error")
    tab.errors.clear()  # the browser logs the 401 itself
    assert page.input_value("#i-text") == INGESTED and page.input_value("#i-token") == ""
    page.fill("#i-token", ui_corpus.token)
    page.click("form.ingest button[type=submit]")
    page.wait_for_selector("#ingest-report", timeout=60_000)  # the first ingest loads spaCy
    assert page.inner_text("#report-new") == "1" and page.inner_text("#report-failed") == "0"
    tab.shot("ingest")
    page.click("#report-document")
    assert page.inner_text("#document-title") == "Treasury on Hezbollah"
    assert page.locator("#document-text a.mention", has_text="Hezbollah").count() == 1
    tab.shot("document")


def test_markup_in_an_article_stays_text(tab: Tab, ui_corpus: Any) -> None:
    page = tab.open("/document/xss-1")
    assert page.evaluate("() => window.__pwned") is None
    assert page.inner_text("#document-title") == ui_corpus.xss_title
    text = page.inner_text("#document-text")
    assert ui_corpus.script in text and ui_corpus.img in text
    assert page.locator("#document-text img, #document-text script").count() == 0
    tab.shot("document-xss")
    # the policy itself: a script injected at run time is refused, and that is the only error
    page.evaluate("""() => { const s = document.createElement('script');
                             s.textContent = 'window.__pwned = 2'; document.body.appendChild(s); }""")
    page.wait_for_timeout(100)
    assert page.evaluate("() => window.__pwned") is None
    assert len(tab.errors) == 1 and "Content Security Policy" in tab.errors[0]
    tab.errors.clear()


NARROW_PAGES = {"overview": "/", "entity": "/entity/red-lantern", "link": "/link?a=varnia&b=red-lantern",
                "document": "/document/harbour-1", "search": "/search?q=Varnia", "ingest": "/ingest",
                "links": "/links", "graph": "/graph?entity=varnia"}


def test_narrow_screens_never_scroll_sideways(browser: Any, ui_base: str) -> None:
    narrow = Tab(browser, ui_base, NARROW)
    try:
        for name, path in NARROW_PAGES.items():
            page = narrow.open(path)
            width = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
            assert width[0] <= width[1], f"{path} is {width[0]} px wide at {width[1]} px"
            narrow.shot(f"{name}-375")
        assert narrow.errors == []
    finally:
        narrow.context.close()


def test_entity_briefing_and_search_pages(tab: Tab) -> None:
    page = tab.open("/entity/red-lantern")
    assert "2031-03" in page.inner_text("#timeline") and "Kessa Times" in page.inner_text("#sources")
    tab.shot("entity")
    page.click("text=Briefing")
    frame = page.frame_locator("#briefing")
    assert "Briefing: Red Lantern Front" in frame.locator("h1").inner_text()
    tab.shot("briefing")
    page.fill("#site-search", "denied")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/search\?q=denied$"))
    assert page.locator("#search-claims mark.hit").first.inner_text() == "denied"
    tab.shot("search")


def test_downloading_a_link_as_stix_from_its_page(tab: Tab) -> None:
    import stix2

    page = tab.open("/link?a=varnia&b=red-lantern")
    with page.expect_download() as waiting:
        page.click("p.downloads >> text=STIX 2.1")
    download = waiting.value
    assert download.suggested_filename == "claimgraph-varnia-red-lantern.stix.json"
    bundle = stix2.parse(Path(download.path()).read_text(encoding="utf-8"), allow_custom=True)
    kinds = {obj.type for obj in bundle.objects}
    assert {"relationship", "opinion", "report"} <= kinds  # affirmed, denied, where they were read
