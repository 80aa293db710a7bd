"""Refresh reports/screenshot.png: the HTML report of the seed corpus in headless chromium.

Audits corpus/ against reference/ into a temporary folder (json + html), opens
the page of the article with the most overstated and contradicted claims over
file://, clicks its first flagged claim so the details panel is filled, and
saves a screenshot. Uses Debian's chromium through playwright (no browser
download, no network).

    .venv/bin/python benchmarks/screenshot.py [--article corpus/004_6110d0dbfab306eb.txt]
        [--out reports/screenshot.png]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

from click.testing import CliRunner

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run"]


def build_report(out: Path) -> dict:
    """Audit the seed corpus with the bundled reference set; return audit.json."""
    from claimaudit.cli import main

    result = CliRunner().invoke(main, [
        "audit", "corpus", "--reference", "reference", "--out", str(out),
        "--format", "json,html", "--quiet"])
    if result.exit_code not in (0, 1):
        sys.exit(f"audit failed ({result.exit_code}): {result.output}")
    return json.loads((out / "audit.json").read_text(encoding="utf-8"))


def pick_article(doc: dict, wanted: str | None) -> dict:
    """Return the named article, else the one with the most claims to fix."""
    if wanted:
        return next(a for a in doc["articles"] if a["path"] == wanted)
    return max(doc["articles"],
               key=lambda a: (a["counts"]["overstated"] + a["counts"]["contradicted"],
                              len(a["claims"])))


def shoot(page_path: Path, claim_index: int | None, target: Path) -> None:
    """Open a report page, select one claim and save a screenshot of the viewport."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        errors: list[str] = []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.goto(page_path.as_uri())
        if claim_index is not None:
            mark = page.locator("mark.claim").nth(claim_index)
            mark.evaluate("m => m.scrollIntoView({block: 'center'})")
            mark.click()
        target.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(target))
        browser.close()
    if errors:
        sys.exit(f"console errors: {errors}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--article", help="article path as in the report (default: most flagged)")
    parser.add_argument("--out", default=str(ROOT / "reports" / "screenshot.png"))
    args = parser.parse_args()

    import os

    from claimaudit.html_report import page_name

    os.chdir(ROOT)
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        doc = build_report(out)
        article = pick_article(doc, args.article)
        flagged = [i for i, c in enumerate(article["claims"])
                   if c["verdict"] in ("overstated", "contradicted") and not c["suppressed"]]
        shoot(out / page_name(article["path"]), flagged[0] if flagged else None, Path(args.out))
    print(f"wrote {args.out} ({article['path']})")


if __name__ == "__main__":
    main()
