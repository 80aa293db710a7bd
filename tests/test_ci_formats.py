"""CI output formats: SARIF 2.1.0 (validated against the official schema), GitHub, JUnit, concise.

Renderer tests use a synthetic report; the command tests at the end audit the
mini fixture (vitamin C and colds) through the CLI.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from click.testing import CliRunner

from claimaudit.ci_formats import (
    render_concise_with_unused,
    render_github,
    render_junit,
    render_sarif,
    sarif_dict,
    with_suppression_positions,
)
from claimaudit.cli import ExitCode, main
from claimaudit.report import fingerprint
from claimaudit.verdict import RULES

SCHEMA_FILE = Path(__file__).parent / "data" / "sarif-schema-2.1.0.json"

ARTICLE_TEXT = (
    "# Vitamin C and colds\n"                                          # line 1
    "\n"
    "Vitamin C may slightly shorten the duration of a cold.\n"         # line 3: supported
    "\n"
    "Intro. Scientists have proven that vitamin C always cures colds.\n"  # line 5: overstated
    "\n"
    "<!-- claimaudit: ignore VC-009 -->\n"                             # line 7: unused
    "Taking vitamin C every day prevents colds.\n"                     # line 8: contradicted
    "\n"
    "Zinc lozenges are popular in winter.\n"                           # line 10: unverified
    "Echinacea, 100% natural: it cures colds.\n"                       # line 11: suppressed
)


def claim(text: str, verdict: str, rule: str, ref: str | None, *, suppressed: bool = False,
          path: str = "docs/colds.md") -> dict[str, Any]:
    """Return a claim entry located at `text` inside ARTICLE_TEXT."""
    start = ARTICLE_TEXT.index(text)
    line = ARTICLE_TEXT.count("\n", 0, start) + 1
    column = start - (ARTICLE_TEXT.rfind("\n", 0, start) + 1) + 1
    return {
        "text": text, "start": start, "end": start + len(text), "line": line, "column": column,
        "end_line": line, "end_column": column + len(text), "block": "paragraph",
        "verdict": verdict, "rule": rule, "strength": 3, "negated": False, "cues": [],
        "reference_id": ref, "score": None if ref is None else 81.0,
        "evidence_grade": None if ref is None else "strong",
        "reason": f"Reason: {verdict}.",
        "suggestion": "Regular vitamin C may slightly shorten colds." if verdict in (
            "overstated", "contradicted") else "",
        "studies": [], "candidates": [], "suppressed": suppressed,
        "fingerprint": fingerprint(path, text, ref),
    }


def article(path: str, claims: list[dict], kind: str = "md", unused: list | None = None) -> dict:
    """Return an article entry of a report document."""
    return {"path": path, "sha256": "0" * 64, "title": "Vitamin C and colds", "encoding": "utf-8",
            "kind": kind, "offsets": "extracted-text" if kind == "html" else "source",
            "sentence_count": len(claims) + 1, "claims": claims, "non_claims": [],
            "unused_suppressions": unused or [], "counts": {}}


def report_doc(errors: list | None = None) -> dict[str, Any]:
    """Return a report with one of each verdict, an unused suppression and an HTML article."""
    md = article("docs/colds.md", [
        claim("Vitamin C may slightly shorten the duration of a cold.", "supported", "CA001",
              "VC-002"),
        claim("Scientists have proven that vitamin C always cures colds.", "overstated",
              "CA201", "VC-002"),
        claim("Taking vitamin C every day prevents colds.", "contradicted", "CA301", "VC-001"),
        claim("Zinc lozenges are popular in winter.", "unverified", "CA401", None),
        claim("Echinacea, 100% natural: it cures colds.", "overstated", "CA201", "EC-001",
              suppressed=True),
    ], unused=[{"offset": ARTICLE_TEXT.index("<!--"), "directive": "ignore"}])
    html = article("site/page, one.html", [
        claim("Taking vitamin C every day prevents colds.", "contradicted", "CA301", "VC-001",
              path="site/page, one.html"),
    ], kind="html")
    return {
        "schema": "claimaudit/report@1", "tool_version": "0.1.0", "settings": {},
        "reference": {"paths": ["reference/vitamin-c.yaml"], "claims": 2, "sha256": "ab" * 32},
        "articles": [md, html],
        "errors": errors or [],
        "summary": {},
    }


@pytest.fixture
def doc() -> dict[str, Any]:
    """The synthetic report with unused suppressions located in ARTICLE_TEXT."""
    return with_suppression_positions(
        report_doc(), lambda path: ARTICLE_TEXT if path == "docs/colds.md" else None)


def validate_sarif(log: dict[str, Any]) -> None:
    """Validate a SARIF log against the vendored OASIS SARIF 2.1.0 schema (no network)."""
    schema = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    validator = jsonschema.Draft4Validator(schema,
                                           format_checker=jsonschema.Draft4Validator.FORMAT_CHECKER)
    errors = sorted(validator.iter_errors(log), key=lambda e: list(e.absolute_path))
    assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors[:5])


# --- suppression positions ----------------------------------------------------


def test_unused_suppression_gets_line_column_and_comment(doc: dict) -> None:
    [entry] = doc["articles"][0]["unused_suppressions"]
    assert entry == {"offset": ARTICLE_TEXT.index("<!--"), "directive": "ignore", "line": 7,
                     "column": 1, "end_line": 7, "end_column": 35,
                     "comment": "<!-- claimaudit: ignore VC-009 -->"}


def test_ignoring_ca900_hides_unused_suppressions() -> None:
    located = with_suppression_positions(report_doc(), lambda p: ARTICLE_TEXT,
                                         lambda p: frozenset({"CA900"}))
    assert located["articles"][0]["unused_suppressions"][0]["suppressed"] is True
    assert "CA900" not in render_github(located) + render_concise_with_unused(located)


def test_renderers_do_not_change_the_report(doc: dict) -> None:
    before = json.dumps(doc, sort_keys=True)
    render_sarif(doc), render_github(doc), render_junit(doc), render_concise_with_unused(doc)
    assert json.dumps(doc, sort_keys=True) == before


# --- SARIF --------------------------------------------------------------------


def test_sarif_validates_against_the_official_schema(doc: dict) -> None:
    validate_sarif(json.loads(render_sarif(doc)))


def test_sarif_with_input_errors_validates() -> None:
    located = with_suppression_positions(
        report_doc(errors=[{"path": "docs/scan.pdf", "error": "not text: a PDF document"}]),
        lambda p: ARTICLE_TEXT)
    log = sarif_dict(located)
    validate_sarif(log)
    [note] = log["runs"][0]["invocations"][0]["toolExecutionNotifications"]
    assert note["message"]["text"] == "docs/scan.pdf: not text: a PDF document"


def test_schema_file_is_the_oasis_one() -> None:
    schema = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    assert schema["id"].startswith("https://docs.oasis-open.org/sarif/sarif/v2.1.0/")
    assert schema["title"] == "Static Analysis Results Format (SARIF) Version 2.1.0 JSON Schema"


def test_schema_rejects_a_broken_log(doc: dict) -> None:
    log = sarif_dict(doc)
    log["runs"][0]["results"][0]["level"] = "fatal"
    with pytest.raises(AssertionError):
        validate_sarif(log)


def test_sarif_results_levels_and_rules(doc: dict) -> None:
    run = sarif_dict(doc)["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == list(RULES)
    got = [(r["ruleId"], r["level"], rules[r["ruleIndex"]]["id"]) for r in run["results"]]
    assert got == [
        ("CA201", "warning", "CA201"),  # line 5, overstated
        ("CA900", "note", "CA900"),  # line 7, unused suppression
        ("CA301", "error", "CA301"),  # line 8, contradicted
        ("CA401", "note", "CA401"),  # line 10, unverified
        ("CA301", "error", "CA301"),  # the HTML article
    ]
    assert run["columnKind"] == "unicodeCodePoints"


def test_sarif_region_is_exact(doc: dict) -> None:
    result = sarif_dict(doc)["runs"][0]["results"][0]
    text = "Scientists have proven that vitamin C always cures colds."
    start = ARTICLE_TEXT.index(text)
    assert result["locations"] == [{"physicalLocation": {
        "artifactLocation": {"uri": "docs/colds.md"},
        "region": {"startLine": 5, "startColumn": 8, "endLine": 5, "endColumn": 8 + len(text),
                   "charOffset": start, "charLength": len(text)},
    }}]
    assert ARTICLE_TEXT.splitlines()[4][7:7 + len(text)] == text
    assert result["partialFingerprints"] == {
        "claimauditFingerprint/v1": fingerprint("docs/colds.md", text, "VC-002")}
    assert result["message"]["text"] == (
        "overstated: Reason: overstated. Suggested wording: Regular vitamin C may slightly "
        "shorten colds.")


def test_sarif_html_article_without_its_source_points_at_the_file_only(doc: dict) -> None:
    result = sarif_dict(doc)["runs"][0]["results"][-1]
    assert result["locations"] == [{"physicalLocation": {
        "artifactLocation": {"uri": "site/page,%20one.html"}}}]
    assert result["properties"]["extractedTextLine"] == 8
    assert result["message"]["text"].startswith('"Taking vitamin C every day prevents colds." ')


# (page source, sentence, its (line, column, end line, end column) in the source)
# fmt: off
HTML_SOURCES = [
    ("plain paragraph",
     "<html><body>\n<h1>Colds</h1>\n<p>Taking vitamin C every day prevents colds.</p>\n</body></html>\n",
     "Taking vitamin C every day prevents colds.", (3, 4, 3, 46)),
    ("entity and inline tags inside the sentence",
     "<p>\n  Taking <b>vitamin&nbsp;C</b> every day prevents colds.\n</p>",
     "Taking vitamin C every day prevents colds.", (2, 3, 2, 57)),
    ("after a script and a comment, CRLF line ends",
     "<script>var a = '<p>x</p>';</script>\r\n<!-- note -->\r\n<div><p>Taking vitamin C every day "
     "prevents colds.</p></div>\r\n",
     "Taking vitamin C every day prevents colds.", (3, 9, 3, 51)),
]
# fmt: on


@pytest.mark.parametrize(("page", "sentence", "where"), [c[1:] for c in HTML_SOURCES],
                         ids=[c[0] for c in HTML_SOURCES])
def test_html_findings_point_at_the_page_source(tmp_path: Path, monkeypatch, page: str,
                                                sentence: str, where: tuple) -> None:
    from claimaudit.ci_formats import with_html_source_positions
    from claimaudit.ingest import article_from_text

    monkeypatch.chdir(tmp_path)
    (tmp_path / "page.html").write_bytes(page.encode("utf-8"))
    text = article_from_text(page, kind="html").text
    start = text.index(sentence)
    c = claim(sentence, "contradicted", "CA301", "VC-001", path="page.html")
    c.update(start=start, end=start + len(sentence))
    d = report_doc()
    d["articles"] = [article("page.html", [c], kind="html")]
    located = with_html_source_positions(d)
    line, col, end_line, end_col = where
    assert located["articles"][0]["claims"][0]["source"] == {
        "line": line, "column": col, "end_line": end_line, "end_column": end_col}
    region = sarif_dict(located)["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]
    assert region == {"startLine": line, "startColumn": col, "endLine": end_line, "endColumn": end_col}
    gh = render_github(located).splitlines()[0]
    assert gh.startswith(f"::error file=page.html,line={line},col={col},endLine={end_line},"
                         f"endColumn={end_col},title=claimaudit (CA301)::\"{sentence}\" contradicted")
    source = page.replace("\r\n", "\n").split("\n")
    if line == end_line:  # the region holds the sentence's first and last words as written
        quoted = source[line - 1][col - 1:end_col - 1]
        assert quoted.startswith("Taking") and quoted.endswith("colds.")


def test_html_source_positions_skip_a_page_changed_since_the_audit(tmp_path: Path, monkeypatch) -> None:
    from claimaudit.ci_formats import with_html_source_positions

    monkeypatch.chdir(tmp_path)
    (tmp_path / "page.html").write_text("<p>Something else entirely now.</p>", encoding="utf-8")
    c = claim("Taking vitamin C every day prevents colds.", "contradicted", "CA301", "VC-001",
              path="page.html")
    d = report_doc()
    d["articles"] = [article("page.html", [c], kind="html")]
    assert "source" not in with_html_source_positions(d)["articles"][0]["claims"][0]


def test_sarif_leaves_out_supported_and_suppressed(doc: dict) -> None:
    texts = [r["properties"].get("claim") for r in sarif_dict(doc)["runs"][0]["results"]]
    assert "Vitamin C may slightly shorten the duration of a cold." not in texts
    assert "Echinacea, 100% natural: it cures colds." not in texts


# --- GitHub -------------------------------------------------------------------

# fmt: off
GITHUB_LINES = [
    ("overstated -> warning",
     "::warning file=docs/colds.md,line=5,col=8,endLine=5,endColumn=65,title=claimaudit (CA201)::"
     "overstated: Reason: overstated. Suggested wording: Regular vitamin C may slightly shorten colds."),
    ("unused suppression -> notice CA900",
     "::notice file=docs/colds.md,line=7,col=1,endLine=7,endColumn=35,title=claimaudit (CA900)::"
     "unused-suppression: <!-- claimaudit: ignore VC-009 --> suppresses nothing; remove it"),
    ("contradicted -> error",
     "::error file=docs/colds.md,line=8,col=1,endLine=8,endColumn=43,title=claimaudit (CA301)::"
     "contradicted: Reason: contradicted. Suggested wording: Regular vitamin C may slightly shorten colds."),
    ("unverified -> notice",
     "::notice file=docs/colds.md,line=10,col=1,endLine=10,endColumn=37,title=claimaudit (CA401)::"
     "unverified: Reason: unverified."),
    ("html without its source: file only, sentence quoted, comma escaped in the property",
     "::error file=site/page%2C one.html,title=claimaudit (CA301)::"
     "\"Taking vitamin C every day prevents colds.\" "
     "contradicted: Reason: contradicted. Suggested wording: Regular vitamin C may slightly shorten colds."),
]
# fmt: on


def test_github_lines_in_order(doc: dict) -> None:
    assert render_github(doc).splitlines() == [line for _, line in GITHUB_LINES]


@pytest.mark.parametrize("line", [c[1] for c in GITHUB_LINES], ids=[c[0] for c in GITHUB_LINES])
def test_github_line(doc: dict, line: str) -> None:
    assert line in render_github(doc).splitlines()


# fmt: off
GITHUB_ESCAPES = [
    # id,                           reason,                          expected message part
    ("percent escaped",             "Up 100% of the time.",          "Up 100%25 of the time."),
    ("newline folded into a space", "Line one\nline two.",           "Line one line two."),
    ("colon kept in the message",   "Note: small trial.",            "Note: small trial."),
]
# fmt: on


@pytest.mark.parametrize(("reason", "expected"), [c[1:] for c in GITHUB_ESCAPES],
                         ids=[c[0] for c in GITHUB_ESCAPES])
def test_github_message_escaping(reason: str, expected: str) -> None:
    d = report_doc()
    d["articles"] = [d["articles"][0]]
    d["articles"][0]["unused_suppressions"] = []
    d["articles"][0]["claims"] = [dict(d["articles"][0]["claims"][3], reason=reason)]
    [line] = render_github(d).splitlines()
    assert line.endswith("::unverified: " + expected)


def test_github_input_error_line() -> None:
    d = report_doc(errors=[{"path": "docs/a,b.md", "error": "not text: contains NUL bytes"}])
    assert render_github(d).splitlines()[-1] == (
        "::error file=docs/a%2Cb.md,title=claimaudit (input error)::not text: contains NUL bytes")


# --- concise ------------------------------------------------------------------


def test_concise_lines_with_unused_suppression(doc: dict) -> None:
    assert render_concise_with_unused(doc).splitlines() == [
        'docs/colds.md:5:8: CA201 overstated "Scientists have proven that vitamin C always cures '
        'colds." (VC-002, evidence strong)',
        "docs/colds.md:7:1: CA900 unused-suppression: <!-- claimaudit: ignore VC-009 --> "
        "suppresses nothing; remove it",
        'docs/colds.md:8:1: CA301 contradicted "Taking vitamin C every day prevents colds." '
        "(VC-001, evidence strong)",
        'docs/colds.md:10:1: CA401 unverified "Zinc lozenges are popular in winter." '
        "(no matching reference claim)",
        'site/page, one.html:8:1: CA301 contradicted "Taking vitamin C every day prevents '
        'colds." (VC-001, evidence strong)',
    ]


# --- JUnit --------------------------------------------------------------------


def test_junit_suites_cases_and_failures(doc: dict) -> None:
    xml = render_junit(doc)
    assert xml.startswith('<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="claimaudit"')
    root = ET.fromstring(xml)
    assert (root.get("tests"), root.get("failures"), root.get("skipped")) == ("6", "3", "1")
    suites = root.findall("testsuite")
    assert [s.get("name") for s in suites] == ["docs/colds.md", "site/page, one.html"]
    cases = suites[0].findall("testcase")
    outcome = [(c.get("line"), c.find("failure").get("type") if c.find("failure") is not None
                else "skipped" if c.find("skipped") is not None else "pass") for c in cases]
    assert outcome == [("3", "pass"), ("5", "CA201"), ("8", "CA301"), ("10", "pass"),
                       ("11", "skipped")]
    failure = cases[1].find("failure")
    assert failure.get("message") == "CA201 overstated"
    assert failure.text.splitlines() == [
        "docs/colds.md:5:8: Scientists have proven that vitamin C always cures colds.",
        "Why: Reason: overstated.",
        "Suggested wording: Regular vitamin C may slightly shorten colds.",
    ]


def test_junit_input_errors_are_errors() -> None:
    d = report_doc(errors=[{"path": "docs/scan.pdf", "error": "not text: a PDF document"}])
    root = ET.fromstring(render_junit(d))
    assert root.get("errors") == "1"
    suite = root.findall("testsuite")[-1]
    assert suite.get("name") == "input errors"
    assert suite.find("testcase/error").get("message") == "not text: a PDF document"


# --- through the command line (mini fixture) ------------------------------------


def audit(mini: Path, tmp_path: Path, *args: str) -> Any:
    """Run `claimaudit audit` on the mini fixture from a clean folder (no config above)."""
    return CliRunner().invoke(
        main, ["audit", str(mini / "corpus"), "--reference", str(mini / "reference"), *args],
        catch_exceptions=False)


@pytest.fixture
def in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Run from an empty folder with no CLAIMAUDIT_CONFIG."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("CLAIMAUDIT_CONFIG", raising=False)
    return tmp_path


def test_audit_sarif_to_stdout_validates(mini: Path, in_tmp: Path) -> None:
    result = audit(mini, in_tmp, "--format", "sarif")
    log = json.loads(result.stdout)  # stdout holds only the SARIF log
    validate_sarif(log)
    assert "total" in result.stderr  # the summary table went to stderr
    assert not (in_tmp / "reports").exists()  # a stream format alone writes no files
    results = log["runs"][0]["results"]
    assert {r["ruleId"] for r in results} >= {"CA301"}
    for r in results:
        region = r["locations"][0]["physicalLocation"]["region"]
        assert region["startLine"] >= 1 and region["endColumn"] >= 1


def test_audit_json_to_reports_and_sarif_to_stdout(mini: Path, in_tmp: Path) -> None:
    result = audit(mini, in_tmp, "--format", "json,sarif")
    assert json.loads(result.stdout)["version"] == "2.1.0"
    assert sorted(p.name for p in (in_tmp / "reports").iterdir()
                  if p.name != ".cache") == ["audit.json"]  # .cache: the article cache


def test_audit_explicit_out_takes_the_stream_formats_too(mini: Path, in_tmp: Path) -> None:
    result = audit(mini, in_tmp, "--format", "json,sarif", "--out", "out")
    assert result.stdout == ""
    assert sorted(p.name for p in (in_tmp / "out").iterdir()
                  if p.name != ".cache") == ["audit.json", "audit.sarif"]
    validate_sarif(json.loads((in_tmp / "out" / "audit.sarif").read_text(encoding="utf-8")))
    assert "Reports in out/: audit.json, audit.sarif" in result.stderr


def test_audit_stream_formats_default_out_goes_to_stdout(mini: Path, in_tmp: Path) -> None:
    result = audit(mini, in_tmp, "--format", "json,github")
    assert (in_tmp / "reports" / "audit.json").is_file()
    assert result.stdout.startswith("::")
    assert not (in_tmp / "reports" / "github-annotations.txt").exists()


def test_audit_two_stream_formats_need_out(mini: Path, in_tmp: Path) -> None:
    result = audit(mini, in_tmp, "--format", "sarif,github")
    assert result.exit_code == ExitCode.BAD_INPUT
    assert "give --out DIR" in result.stderr
    result = audit(mini, in_tmp, "--format", "sarif,github,junit,concise", "--out", "ci")
    assert result.stdout == ""
    assert sorted(p.name for p in (in_tmp / "ci").iterdir() if p.name != ".cache") == [
        "audit.sarif", "concise.txt", "github-annotations.txt", "junit.xml"]
    ET.fromstring((in_tmp / "ci" / "junit.xml").read_text(encoding="utf-8"))


def test_audit_concise_reports_the_unused_suppression(mini: Path, in_tmp: Path) -> None:
    corpus = in_tmp / "corpus"
    corpus.mkdir()
    (corpus / "note.md").write_text(
        "# Note\n\n<!-- claimaudit: ignore VC-001 -->\nVitamin C may slightly shorten the "
        "duration of a cold.\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["audit", "corpus", "--reference",
                                       str(mini / "reference"), "--format", "concise"])
    assert result.stdout == ("corpus/note.md:3:1: CA900 unused-suppression: <!-- claimaudit: "
                             "ignore VC-001 --> suppresses nothing; remove it\n")
    assert result.exit_code == ExitCode.CLEAN
    quiet = CliRunner().invoke(main, ["audit", "corpus", "--reference", str(mini / "reference"),
                                      "--format", "concise", "--ignore", "CA900"])
    assert quiet.stdout == ""


SUPPRESSIONS = """\
# Colds

<!-- claimaudit: disable CA301 -->
Taking vitamin C every day prevents colds.

Daily vitamin C protects you against catching a cold.
<!-- claimaudit: enable CA301 -->

Vitamin C supplementation prevents colds.

<!-- claimaudit: disable CA201 -->
Zinc lozenges are popular in winter.
<!-- claimaudit: enable CA201 -->

<!-- claimaudit: ignore -->
Vitamin C is proven to shorten colds.
"""


def test_inline_suppression_end_to_end(mini: Path, in_tmp: Path) -> None:
    """disable/enable covers a region, ignore the next claim; an unused one is CA900."""
    (in_tmp / "s.md").write_text(SUPPRESSIONS, encoding="utf-8")
    args = ["audit", "s.md", "--reference", str(mini / "reference"), "--quiet", "--format"]
    concise = CliRunner().invoke(main, [*args, "concise"])
    assert concise.exit_code == ExitCode.FINDINGS  # line 9 is not covered
    assert concise.stdout.splitlines() == [
        's.md:9:1: CA301 contradicted "Vitamin C supplementation prevents colds." '
        "(VC-001, evidence strong)",
        "s.md:11:1: CA900 unused-suppression: <!-- claimaudit: disable CA201 --> suppresses "
        "nothing; remove it",
        's.md:12:1: CA401 unverified "Zinc lozenges are popular in winter." '
        "(no matching reference claim)",
    ]
    sarif = json.loads(CliRunner().invoke(main, [*args, "sarif"]).stdout)
    validate_sarif(sarif)
    assert [(r["ruleId"], r["locations"][0]["physicalLocation"]["region"]["startLine"])
            for r in sarif["runs"][0]["results"]] == [("CA301", 9), ("CA900", 11), ("CA401", 12)]
    github = CliRunner().invoke(main, [*args, "github"]).stdout.splitlines()
    assert github[1] == ("::notice file=s.md,line=11,col=1,endLine=11,endColumn=35,"
                         "title=claimaudit (CA900)::unused-suppression: <!-- claimaudit: "
                         "disable CA201 --> suppresses nothing; remove it")
    junit = ET.fromstring(CliRunner().invoke(main, [*args, "junit"]).stdout)
    assert (junit.get("tests"), junit.get("failures"), junit.get("skipped")) == ("5", "1", "3")
