"""HTML report: one mark per claim, escaping of article text, safe file names, the index."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner

from claimaudit.cli import main
from claimaudit.html_report import (
    INDEX_NAME,
    page_name,
    render_article,
    script_json,
    segments,
    write_html,
)
from claimaudit.records import ReferenceClaim, Study

XSS_ARTICLE = (
    "# Vitamin C <script>alert(1)</script> special\n"
    "\n"
    "Vitamin C cures colds <img src=x onerror=alert(1)> overnight. Zinc is popular.\n"
    "Plain closing line with \"quotes\" & ampersands.\n"
)
REF = ReferenceClaim(
    id="VC-001", text="Regular vitamin C supplements prevent the common cold <b>in general</b>.",
    stance="refutes", grade="strong", max_strength=0,
    studies=(Study(citation="Hemilä H, Chalker E. Cochrane 2013", design="systematic review",
                   year=2013, n=11306),),
)


def claim_entry(text: str, article: str, verdict: str, **extra) -> dict:
    """Return a report-contract claim for the first occurrence of `text` in `article`."""
    start = article.index(text)
    line = article.count("\n", 0, start) + 1
    column = start - (article.rfind("\n", 0, start) + 1) + 1
    entry = {
        "text": text, "start": start, "end": start + len(text), "line": line, "column": column,
        "verdict": verdict, "rule": {"supported": "CA001", "overstated": "CA201",
                                     "contradicted": "CA301", "unverified": "CA401"}[verdict],
        "strength": 3, "negated": False, "cues": [], "reference_id": None, "score": None,
        "evidence_grade": None, "reason": "No reference claim matches well enough.",
        "suggestion": "", "studies": [], "candidates": [], "suppressed": False,
    }
    entry.update(extra)
    return entry


def make_doc(path: str, article: str, claims: list[dict]) -> dict:
    """Return a minimal `claimaudit/report@1` document with one article."""
    counts = {v: 0 for v in ("supported", "overstated", "contradicted", "unverified")}
    for c in claims:
        if not c["suppressed"]:
            counts[c["verdict"]] += 1
    return {
        "schema": "claimaudit/report@1", "tool_version": "0.1.0", "settings": {},
        "reference": {"paths": ["ref.yaml"], "claims": 1, "sha256": "0" * 64},
        "articles": [{"path": path, "sha256": "0" * 64, "title": article.split("\n")[0],
                      "encoding": "utf-8", "kind": "md", "offsets": "source",
                      "sentence_count": 4, "claims": claims, "non_claims": [],
                      "unused_suppressions": [], "counts": counts}],
        "errors": [],
        "summary": {"articles": 1, "claims": sum(counts.values()), **counts, "errors": 0},
    }


def xss_doc() -> dict:
    hostile = "Vitamin C cures colds <img src=x onerror=alert(1)> overnight."
    claims = [
        claim_entry(hostile, XSS_ARTICLE, "contradicted", reference_id="VC-001", score=71.0,
                    evidence_grade="strong",
                    reason='Matches VC-001 "</script><script>alert(2)</script>" & more.',
                    suggestion="Say <em>nothing</em> of the sort.",
                    studies=[{"citation": "Hemilä H, Chalker E. Cochrane 2013",
                              "design": "systematic review", "n": 11306}]),
        claim_entry("Zinc is popular.", XSS_ARTICLE, "unverified"),
    ]
    return make_doc("drafts/xss.md", XSS_ARTICLE, claims)


class _Tags(HTMLParser):
    """Collect start tags (name, attrs) and the text of every <script>."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):  # noqa: ANN001
        self.tags.append((tag, dict(attrs)))
        self._in_script = tag == "script"
        if self._in_script:
            self.scripts.append("")

    def handle_endtag(self, tag):  # noqa: ANN001
        if tag == "script":
            self._in_script = False

    def handle_data(self, data):  # noqa: ANN001
        if self._in_script:
            self.scripts[-1] += data


def csp_of(html: str) -> str:
    """Return the page's Content-Security-Policy (from its meta element)."""
    return next(a["content"] for t, a in parse(html).tags
                if t == "meta" and a.get("http-equiv") == "Content-Security-Policy")


def parse(html: str) -> _Tags:
    p = _Tags()
    p.feed(html)
    return p


# --- article pages ----------------------------------------------------------


def test_article_text_and_report_data_are_escaped() -> None:
    html = render_article(xss_doc(), xss_doc()["articles"][0], XSS_ARTICLE, {"VC-001": REF})
    tags = parse(html)
    # Exactly our two scripts: the JSON blob and the page script; no <img> at all.
    assert [a.get("type") for t, a in tags.tags if t == "script"] == ["application/json", None]
    assert not [t for t, _ in tags.tags if t == "img"]
    assert not any(k.startswith("on") for _, attrs in tags.tags for k in attrs)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "alert(2)" not in tags.scripts[1]
    # The JSON blob cannot close its element, and still decodes to the original data.
    blob = tags.scripts[0]
    assert "</" not in blob and "<" not in blob
    details = json.loads(blob)
    assert details[0]["reason"] == 'Matches VC-001 "</script><script>alert(2)</script>" & more.'
    assert details[0]["reference_text"] == REF.text
    assert details[0]["suggestion"] == "Say <em>nothing</em> of the sort."


def test_script_json_escapes_markup_characters() -> None:
    assert str(script_json({"a": "</script><!--&"})) == (
        '{"a": "\\u003c/script\\u003e\\u003c!--\\u0026"}')


def test_content_security_policy_allows_only_the_page_script() -> None:
    html = render_article(xss_doc(), xss_doc()["articles"][0], XSS_ARTICLE)
    csp = csp_of(html)
    assert "default-src 'none'" in csp
    assert re.search(r"script-src 'sha256-[A-Za-z0-9+/=]{44}';", csp)
    assert "http" not in csp and "unsafe-eval" not in csp


def test_one_mark_per_claim_with_verdict_and_exact_text() -> None:
    doc = xss_doc()
    html = render_article(doc, doc["articles"][0], XSS_ARTICLE)
    marks = [a for t, a in parse(html).tags if t == "mark"]
    assert [(m["class"], m["data-verdict"], m["data-i"]) for m in marks] == [
        ("claim", "contradicted", "0"), ("claim", "unverified", "1")]
    assert ('<mark class="claim" id="c1" data-i="1" data-verdict="unverified" data-rule="CA401" '
            'data-suppressed="false" tabindex="0" title="unverified: No reference claim matches '
            'well enough.">Zinc is popular.</mark>') in html


def test_segments_rebuild_the_text_and_cut_at_offsets() -> None:
    text = "Aa. Bb. Cc."
    claims = [{"start": 4, "end": 7}, {"start": 8, "end": 11}]
    pieces = segments(text, claims)
    assert "".join(p["text"] for p in pieces) == text
    assert [(p["text"], p["claim"]) for p in pieces] == [
        ("Aa. ", None), ("Bb.", 0), (" ", None), ("Cc.", 1)]


def test_overlapping_claims_still_get_one_piece_each() -> None:
    pieces = segments("abcdefgh", [{"start": 0, "end": 5}, {"start": 3, "end": 8}])
    assert [(p["text"], p["claim"]) for p in pieces] == [("abcde", 0), ("fgh", 1)]


def test_changed_article_falls_back_to_a_claim_list(tmp_path: Path) -> None:
    doc = xss_doc()
    html = render_article(doc, doc["articles"][0], "Completely different text now.")
    assert "no longer matches the report" in html
    assert html.count('<mark class="claim"') == 2


def test_missing_article_text_is_reported_on_the_page(tmp_path: Path) -> None:
    doc = xss_doc()  # drafts/xss.md does not exist: write_html re-reads and fails
    written = write_html(doc, tmp_path)
    page = written[0].read_text(encoding="utf-8")
    assert "could not be read again (drafts/xss.md)" in page
    assert page.count('<mark class="claim"') == 2


# --- file names -------------------------------------------------------------

# fmt: off
NAME_CASES = [
    # description,                 article path,                  expected name prefix
    ("relative path",              "corpus/000_b75.txt",          "corpus_000_b75.txt-"),
    ("parent escape",              "../../etc/passwd",            "etc_passwd-"),
    ("absolute path",              "/etc/cron.d/evil.md",         "etc_cron.d_evil.md-"),
    ("windows path",               "C:\\Users\\x\\a.md",          "C_Users_x_a.md-"),
    ("only dots",                  "..",                          "article-"),
    ("hidden file",                ".secret.md",                  "secret.md-"),
    ("spaces and unicode",         "drafts/Über uns <b>.md",      "drafts_ber_uns_b_.md-"),
]
# fmt: on


@pytest.mark.parametrize(("description", "path", "prefix"), NAME_CASES,
                         ids=[c[0] for c in NAME_CASES])
def test_page_names_are_safe(description: str, path: str, prefix: str) -> None:
    name = page_name(path)
    assert name.startswith(prefix)
    assert re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]*-[0-9a-f]{10}\.html", name), name
    assert not name.startswith(".")


def test_paths_that_sanitize_alike_get_different_names() -> None:
    assert page_name("a/b.md") != page_name("a_b.md")
    # The same stem, told apart by the first 10 hex digits of the SHA-256 of the full path.
    assert page_name("a/b.md") == "a_b.md-5a05f1b231.html"
    assert page_name("a_b.md") == "a_b.md-0ec49a6ca2.html"


def test_write_html_stays_inside_out(tmp_path: Path) -> None:
    out = tmp_path / "out"
    doc = xss_doc()
    doc["articles"][0]["path"] = "../../outside.md"
    written = write_html(doc, out, texts={"../../outside.md": XSS_ARTICLE})
    assert [p.parent for p in written] == [out, out]
    assert written[-1].name == INDEX_NAME
    assert sorted(p.name for p in tmp_path.rglob("*.html")) == sorted(p.name for p in written)
    assert {p.parent for p in tmp_path.rglob("*") if p.is_file()} == {out}


# --- index ------------------------------------------------------------------


def test_index_links_each_article_and_draws_the_counts(tmp_path: Path) -> None:
    doc = xss_doc()
    written = write_html(doc, tmp_path, texts={"drafts/xss.md": XSS_ARTICLE})
    index = (tmp_path / INDEX_NAME).read_text(encoding="utf-8")
    tags = parse(index)
    links = [a["href"] for t, a in tags.tags if t == "a"]
    assert links == [written[0].name]
    assert not [t for t, _ in tags.tags if t == "script"]
    assert "script-src 'none'" in csp_of(index)
    assert '<svg id="chart"' in index
    # One bar per verdict in the chart, with the totals as labels.
    chart = index.split('<svg id="chart"')[1].split("</svg>")[0]
    assert re.findall(r"<title>(\w+): (\d+)</title>", chart) == [
        ("Supported", "0"), ("Overstated", "0"), ("Contradicted", "1"), ("Unverified", "1")]
    assert "Vitamin C &lt;script&gt;" in index  # the title is the article's first line, escaped
    assert "http://" not in index and "https://" not in index


# --- through the CLI ----------------------------------------------------------


def test_audit_writes_html_pages_with_one_mark_per_claim(mini: Path, tmp_path: Path) -> None:
    out = tmp_path / "reports"
    result = CliRunner().invoke(main, [
        "audit", str(mini / "corpus"), "--reference", str(mini / "reference"),
        "--out", str(out), "--format", "json,html", "--quiet"])
    assert result.exit_code == 1, result.output  # the mini corpus has contradicted claims
    doc = json.loads((out / "audit.json").read_text(encoding="utf-8"))
    assert sorted(p.name for p in out.iterdir() if p.name != ".cache") == sorted(
        ["audit.json", INDEX_NAME] + [page_name(a["path"]) for a in doc["articles"]])
    for article in doc["articles"]:
        html = (out / page_name(article["path"])).read_text(encoding="utf-8")
        marks = [a for t, a in parse(html).tags if t == "mark" and a.get("class") == "claim"]
        assert [m["data-verdict"] for m in marks] == [c["verdict"] for c in article["claims"]]
        assert "no longer matches" not in html and "could not be read" not in html


def test_html_article_offsets_refer_to_extracted_text(tmp_path: Path, mini: Path) -> None:
    page = tmp_path / "page.html"
    page.write_text(
        "<html><body><nav>Home</nav><h1>Colds</h1>"
        "<p>Taking vitamin C every day prevents colds.<script>alert(1)</script></p>"
        "<p>Zinc lozenges shorten colds in adults.</p></body></html>", encoding="utf-8")
    out = tmp_path / "out"
    result = CliRunner().invoke(main, [
        "audit", str(page), "--reference", str(mini / "reference"), "--out", str(out),
        "--format", "json,html", "--quiet"])
    assert result.exit_code in (0, 1), result.output
    doc = json.loads((out / "audit.json").read_text(encoding="utf-8"))
    article = doc["articles"][0]
    html = (out / page_name(article["path"])).read_text(encoding="utf-8")
    assert html.count('<mark class="claim"') == len(article["claims"]) >= 1
    assert ">Taking vitamin C every day prevents colds.</mark>" in html
    assert "alert(1)" not in html  # the page's own script was dropped by extraction
