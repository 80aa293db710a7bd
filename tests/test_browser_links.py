"""Study links in the HTML details panel, in a real browser (skipped without Debian's chromium)."""

from __future__ import annotations

from test_browser import CHROMIUM, Page, article_of, browser, site  # noqa: F401 - fixtures

import pytest

from claimaudit.html_report import page_name

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed"),
]


def test_details_panel_links_each_study_to_pubmed_and_doi(browser, site) -> None:  # noqa: F811
    out, doc = site
    article = article_of(doc, "colds.md")
    tab = Page(browser, (out / page_name(article["path"])).as_uri())
    i = next(i for i, c in enumerate(article["claims"]) if c["studies"])
    tab.page.locator("mark.claim").nth(i).click()
    links = tab.page.locator("#details ul.d-studies a")
    got = [(links.nth(k).inner_text(), links.nth(k).get_attribute("href"),
            links.nth(k).get_attribute("rel")) for k in range(links.count())]
    assert got == [
        ("PubMed 23440782", "https://pubmed.ncbi.nlm.nih.gov/23440782/", "noopener noreferrer"),
        ("doi:10.1002/14651858.CD000980.pub4", "https://doi.org/10.1002/14651858.CD000980.pub4",
         "noopener noreferrer"),
    ]
    assert tab.errors == []
    tab.page.close()
