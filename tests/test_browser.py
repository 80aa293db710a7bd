"""The HTML report in a real browser: Debian's chromium, headless, over file://.

Skipped (not failed) when /usr/bin/chromium or the playwright package is absent.
Playwright drives the system chromium (`executable_path`); it never downloads a
browser. No network: every page is a local file with a CSP of default-src 'none'.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from claimaudit.cli import main
from claimaudit.html_report import INDEX_NAME, page_name

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run"]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed"),
]

HOSTILE = (
    "# Colds <script>alert(1)</script>\n"
    "\n"
    "Taking vitamin C every day prevents colds. <img src=x onerror=alert(1)> is not an image.\n"
    "Zinc lozenges are popular in winter <script>alert(2)</script>.\n"
)


@pytest.fixture(scope="module")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture(scope="module")
def site(mini: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    """Audit the mini corpus plus a hostile article; return (out folder, audit.json)."""
    work = tmp_path_factory.mktemp("browser")
    corpus = work / "corpus"
    corpus.mkdir()
    (corpus / "colds.md").write_text((mini / "corpus" / "colds.md").read_text(encoding="utf-8"),
                                     encoding="utf-8")
    (corpus / "hostile.md").write_text(HOSTILE, encoding="utf-8")
    (work / "claimaudit.toml").write_text("", encoding="utf-8")
    out = work / "reports"
    result = CliRunner().invoke(main, [
        "audit", str(corpus), "--reference", str(mini / "reference"), "--out", str(out),
        "--format", "json,html", "--quiet", "--config", str(work / "claimaudit.toml")])
    assert result.exit_code in (0, 1), result.output
    return out, json.loads((out / "audit.json").read_text(encoding="utf-8"))


class Page:
    """A browser tab that records console errors, page errors and dialogs."""

    def __init__(self, browser, url: str) -> None:  # noqa: ANN001
        self.page = browser.new_page(viewport={"width": 1400, "height": 900})
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("dialog", self._dialog)
        self.page.goto(url)

    def _dialog(self, dialog) -> None:  # noqa: ANN001
        self.dialogs.append(dialog.message)
        dialog.dismiss()


def article_of(doc: dict, name: str) -> dict:
    return next(a for a in doc["articles"] if a["path"].endswith(name))


def test_every_claim_is_highlighted_and_a_click_shows_its_reason(browser, site, tmp_path: Path
                                                                 ) -> None:
    out, doc = site
    article = article_of(doc, "colds.md")
    tab = Page(browser, (out / page_name(article["path"])).as_uri())
    page = tab.page
    marks = page.locator("mark.claim")
    assert marks.count() == len(article["claims"]) > 0
    assert [marks.nth(i).get_attribute("data-verdict") for i in range(marks.count())] == [
        c["verdict"] for c in article["claims"]]

    i, claim = next((i, c) for i, c in enumerate(article["claims"])
                    if c["verdict"] in ("overstated", "contradicted") and not c["suppressed"])
    marks.nth(i).click()
    details = page.locator("#details")
    assert details.locator(".d-reason").inner_text() == claim["reason"]
    assert claim["text"] in details.inner_text()
    assert claim["suggestion"] in details.inner_text()
    assert "active" in (marks.nth(i).get_attribute("class") or "")
    page.screenshot(path=str(tmp_path / "screenshot.png"))
    assert (tmp_path / "screenshot.png").stat().st_size > 10_000
    assert tab.errors == []
    page.close()


def test_verdict_filter_turns_highlights_off_and_on(browser, site) -> None:
    out, doc = site
    article = article_of(doc, "colds.md")
    page = Page(browser, (out / page_name(article["path"])).as_uri()).page
    verdict = next(c["verdict"] for c in article["claims"] if not c["suppressed"])
    mark = page.locator(f'mark.claim[data-verdict="{verdict}"][data-suppressed="false"]').first

    def background() -> str:
        return mark.evaluate("m => getComputedStyle(m).backgroundColor")

    shown = background()
    assert shown != "rgba(0, 0, 0, 0)"
    page.locator(f'input[data-filter="{verdict}"]').uncheck()
    assert background() == "rgba(0, 0, 0, 0)"
    page.locator(f'input[data-filter="{verdict}"]').check()
    assert background() == shown
    page.close()


def test_article_markup_is_shown_as_text_and_never_runs(browser, site) -> None:
    out, doc = site
    article = article_of(doc, "hostile.md")
    tab = Page(browser, (out / page_name(article["path"])).as_uri())
    page = tab.page
    text = page.locator("#article-text")
    assert "<script>alert(1)</script>" in text.inner_text()
    assert "<img src=x onerror=alert(1)>" in text.inner_text()
    assert text.locator("script, img").count() == 0
    assert page.locator("mark.claim").count() == len(article["claims"])
    for i in range(page.locator("mark.claim").count()):
        page.locator("mark.claim").nth(i).click()
    assert tab.dialogs == []
    assert tab.errors == []
    page.close()


def test_index_links_every_article_and_has_no_errors(browser, site) -> None:
    out, doc = site
    tab = Page(browser, (out / INDEX_NAME).as_uri())
    page = tab.page
    links = page.locator("table.articles a")
    assert links.count() == len(doc["articles"])
    assert page.locator("#chart rect").count() >= 4
    links.first.click()
    page.wait_for_load_state()
    assert page.url.endswith(page_name(doc["articles"][0]["path"]))
    assert page.locator("mark.claim").count() == len(doc["articles"][0]["claims"])
    assert tab.errors == []
    page.close()


@pytest.mark.parametrize("width", [1366, 1024, 768, 390])
def test_index_table_is_never_clipped(browser, site, width: int) -> None:
    """At common widths every column can be reached: the table scrolls inside its card."""
    out, _ = site
    page = browser.new_page(viewport={"width": width, "height": 800})
    page.goto((out / INDEX_NAME).as_uri())
    geometry = page.evaluate("""() => {
        const card = document.querySelector('.table-card');
        card.scrollLeft = card.scrollWidth;
        const last = document.querySelector('table.articles th:last-child').getBoundingClientRect();
        const box = card.getBoundingClientRect();
        return {lastRight: last.right, boxRight: box.right,
                overflowX: getComputedStyle(card).overflowX};
    }""")
    assert geometry["overflowX"] in ("auto", "scroll")
    assert geometry["lastRight"] <= geometry["boxRight"] + 1
    page.close()
