"""`claimaudit diff`: new, resolved and changed findings between two reports, and the exit code.

The reports here are synthetic `claimaudit/report@1` documents, so each case
states exactly which claims differ; tests/test_git_workflow.py runs the same
gate on real audits.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from claimaudit.cli import ExitCode, main
from claimaudit.diff import ReportError, diff_reports, load_report, render_markdown, render_text
from claimaudit.report import fingerprint

PATH = "docs/colds.md"
OVER = "Scientists have proven that vitamin C always cures colds."
CONTRA = "Taking vitamin C every day prevents colds."
OK = "Vitamin C may slightly shorten the duration of a cold."
UNVER = "Zinc lozenges shorten colds in adults."


def claim(text: str, verdict: str, line: int, *, rule: str | None = None, ref: str | None = "VC-002",
          suppressed: bool = False, column: int = 1, path: str = PATH) -> dict[str, Any]:
    """Return one claim entry as report_dict writes it."""
    rule = rule or {"supported": "CA001", "overstated": "CA201", "contradicted": "CA301",
                    "unverified": "CA401"}[verdict]
    if verdict == "unverified":
        ref = None
    return {
        "text": text, "start": line * 100, "end": line * 100 + len(text), "line": line,
        "column": column, "end_line": line, "end_column": column + len(text),
        "block": "paragraph", "verdict": verdict, "rule": rule, "strength": 3, "negated": False,
        "cues": [], "reference_id": ref, "score": None if ref is None else 80.0,
        "evidence_grade": None if ref is None else "moderate",
        "reason": f"Reason for {verdict}.", "suggestion": "Say less." if verdict in (
            "overstated", "contradicted") else "",
        "studies": [], "candidates": [], "suppressed": suppressed,
        "fingerprint": fingerprint(path, text, ref),
    }


def report(*claims: dict[str, Any], path: str = PATH, errors: list | None = None) -> dict:
    """Return a report document with one article holding `claims`."""
    return {
        "schema": "claimaudit/report@1", "tool_version": "0.1.0", "settings": {},
        "reference": {"paths": [], "claims": 2, "sha256": "x"},
        "articles": [{"path": path, "sha256": "x", "title": "", "encoding": "utf-8", "kind": "md",
                      "offsets": "source", "sentence_count": len(claims), "claims": list(claims),
                      "non_claims": [], "unused_suppressions": [], "counts": {}}],
        "errors": errors or [],
        "summary": {},
    }


BASE = report(claim(OK, "supported", 3), claim(UNVER, "unverified", 9))


# fmt: off
DIFF_CASES = [
    # id,                                 head,                                                              new, resolved, changed, failing
    ("same report -> empty",              BASE,                                                              0, 0, 0, 0),
    ("claim moved down 10 lines -> empty", report(claim(OK, "supported", 13), claim(UNVER, "unverified", 19)), 0, 0, 0, 0),
    ("new overstated -> fails",           report(claim(OK, "supported", 3), claim(OVER, "overstated", 5),
                                                 claim(UNVER, "unverified", 9)),                              1, 0, 0, 1),
    ("new contradicted -> fails",         report(claim(OK, "supported", 3), claim(CONTRA, "contradicted", 5, ref="VC-001"),
                                                 claim(UNVER, "unverified", 9)),                              1, 0, 0, 1),
    ("new unverified -> listed, passes",  report(claim(OK, "supported", 3), claim(UNVER, "unverified", 9),
                                                 claim("Elderberry helps too.", "unverified", 11)),           1, 0, 0, 0),
    ("new suppressed overstated -> nothing", report(claim(OK, "supported", 3), claim(OVER, "overstated", 5, suppressed=True),
                                                 claim(UNVER, "unverified", 9)),                              0, 0, 0, 0),
    ("new supported claim -> nothing",    report(claim(OK, "supported", 3), claim(UNVER, "unverified", 9),
                                                 claim("Vitamin C is in oranges.", "supported", 12, ref="VC-003")), 0, 0, 0, 0),
    ("unverified removed -> resolved",    report(claim(OK, "supported", 3)),                                  0, 1, 0, 0),
    ("supported -> overstated -> changed, fails", report(claim(OK, "overstated", 3), claim(UNVER, "unverified", 9)), 0, 0, 1, 1),
    ("unverified newly suppressed -> resolved", report(claim(OK, "supported", 3), claim(UNVER, "unverified", 9, suppressed=True)),
                                                                                                              0, 1, 0, 0),
]
# fmt: on


@pytest.mark.parametrize(("head", "new", "resolved", "changed", "failing"),
                         [c[1:] for c in DIFF_CASES], ids=[c[0] for c in DIFF_CASES])
def test_diff_counts(head: dict, new: int, resolved: int, changed: int, failing: int) -> None:
    d = diff_reports(BASE, head)
    n = d.counts()
    assert (n["new"], n["resolved"], n["changed"], n["failing"]) == (new, resolved, changed, failing)


def test_changed_finding_keeps_both_verdicts() -> None:
    d = diff_reports(BASE, report(claim(OK, "overstated", 3), claim(UNVER, "unverified", 9)))
    [c] = d.of_kind("changed")
    assert (c.base_verdict, c.verdict, c.failing, c.text) == ("supported", "overstated", True, OK)


def test_improvement_is_changed_but_not_failing() -> None:
    base = report(claim(OK, "overstated", 3))
    d = diff_reports(base, report(claim(OK, "supported", 3)))
    [c] = d.changes
    assert (c.kind, c.base_verdict, c.verdict, c.failing) == ("changed", "overstated", "supported",
                                                              False)


def test_no_longer_suppressed_is_new() -> None:
    base = report(claim(OVER, "overstated", 5, suppressed=True))
    d = diff_reports(base, report(claim(OVER, "overstated", 5)))
    [c] = d.changes
    assert (c.kind, c.note, c.failing) == ("new", "no longer suppressed", True)


def test_article_the_head_could_not_read_is_not_resolved() -> None:
    base = report(claim(OVER, "overstated", 5))
    head = report(errors=[{"path": PATH, "error": "permission denied"}])
    head["articles"] = []
    d = diff_reports(base, head)
    assert d.changes == ()
    assert d.head_errors == ((PATH, "permission denied"),)
    assert "could not audit docs/colds.md: permission denied" in render_text(d)


def test_groups_by_article_in_path_order() -> None:
    a = report(claim(OVER, "overstated", 5, path="b.md"), path="b.md")
    a["articles"] += report(claim(CONTRA, "contradicted", 2, ref="VC-001", path="a.md"),
                            path="a.md")["articles"]
    d = diff_reports(report(path="a.md"), a)
    assert [p for p, _ in d.by_article()] == ["a.md", "b.md"]


def test_text_output_exact() -> None:
    head = report(claim(OK, "supported", 3), claim(OVER, "overstated", 5, column=4))
    d = diff_reports(BASE, head, base_name="base.json", head_name="head.json")
    assert render_text(d) == (
        "claimaudit diff base.json head.json: 1 new, 1 resolved, 0 changed "
        "(1 at or above fail-on: overstated, contradicted)\n"
        "\n"
        "docs/colds.md\n"
        f'  +! 5:4  CA201 overstated [VC-002]  "{OVER}"\n'
        f'  -  9:1  CA401 unverified  "{UNVER}"\n'
    )


def test_markdown_output_is_a_pr_comment() -> None:
    head = report(claim(OK, "supported", 3), claim(OVER, "overstated", 5),
                  claim(UNVER, "unverified", 9))
    md = render_markdown(diff_reports(BASE, head))
    assert md.splitlines()[:5] == [
        "### claimaudit: 1 new problem",
        "",
        "**1 new** · 0 resolved · 0 changed · 1 unchanged (fails on: overstated, contradicted)",
        "",
        "#### `docs/colds.md`",
    ]
    assert ("- **new** (fails) · line 5 · `CA201` overstated, VC-002, evidence moderate: "
            "Scientists have proven that vitamin C always cures colds.") in md
    assert "  - Suggested wording: Say less." in md


def test_markdown_escapes_sentence() -> None:
    text = "Vitamin C *always* cures <colds> | 100%."
    md = render_markdown(diff_reports(report(), report(claim(text, "overstated", 2))))
    assert r"Vitamin C \*always\* cures \<colds\> \| 100%." in md


def test_markdown_when_nothing_changed() -> None:
    md = render_markdown(diff_reports(BASE, BASE))
    assert md.startswith("### claimaudit: no new problems\n")


# --- the command --------------------------------------------------------------


def write(tmp_path: Path, name: str, doc: Any) -> str:
    """Write a report (or any JSON value) and return its path."""
    path = tmp_path / name
    path.write_text(json.dumps(doc), encoding="utf-8")
    return str(path)


def run(*args: str) -> Any:
    """Run the CLI and return click's Result (stdout and stderr kept apart)."""
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


NEW_OVER = report(claim(OK, "supported", 3), claim(OVER, "overstated", 5),
                  claim(UNVER, "unverified", 9))
NEW_UNVER = report(claim(OK, "supported", 3), claim(UNVER, "unverified", 9),
                   claim("Elderberry helps too.", "unverified", 11))

# fmt: off
EXIT_CASES = [
    # id,                                        head,      options,                               exit
    ("itself -> 0",                              BASE,      [],                                    ExitCode.CLEAN),
    ("new overstated, default fail-on -> 1",     NEW_OVER,  [],                                    ExitCode.FINDINGS),
    ("new overstated, --fail-on contradicted -> 0", NEW_OVER, ["--fail-on", "contradicted"],       ExitCode.CLEAN),
    ("new overstated, --exit-zero -> 0",         NEW_OVER,  ["--exit-zero"],                       ExitCode.CLEAN),
    ("new unverified, default fail-on -> 0",     NEW_UNVER, [],                                    ExitCode.CLEAN),
    ("new unverified, --fail-on unverified -> 1", NEW_UNVER, ["--fail-on", "unverified"],          ExitCode.FINDINGS),
    ("new overstated, --fail-on none -> 0",      NEW_OVER,  ["--fail-on", "none"],                 ExitCode.CLEAN),
]
# fmt: on


@pytest.mark.parametrize(("head", "options", "code"), [c[1:] for c in EXIT_CASES],
                         ids=[c[0] for c in EXIT_CASES])
def test_diff_exit_code(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, head: dict,
                        options: list[str], code: int) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("CLAIMAUDIT_CONFIG", raising=False)
    result = run("diff", write(tmp_path, "base.json", BASE), write(tmp_path, "head.json", head),
                 *options)
    assert result.exit_code == code, result.output


def test_diff_itself_prints_nothing_new(tmp_path: Path) -> None:
    path = write(tmp_path, "a.json", NEW_OVER)
    result = run("diff", path, path)
    assert result.exit_code == 0
    assert result.stdout == f"claimaudit diff {path} {path}: 0 new, 0 resolved, 0 changed\n"


def test_diff_fail_on_from_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("CLAIMAUDIT_CONFIG", raising=False)
    (tmp_path / "claimaudit.toml").write_text('fail-on = ["contradicted"]\n', encoding="utf-8")
    args = ("diff", write(tmp_path, "base.json", BASE), write(tmp_path, "head.json", NEW_OVER))
    assert run(*args).exit_code == ExitCode.CLEAN
    assert run(*args, "--fail-on", "overstated").exit_code == ExitCode.FINDINGS


def test_diff_json_format(tmp_path: Path) -> None:
    result = run("diff", write(tmp_path, "b.json", BASE), write(tmp_path, "h.json", NEW_OVER),
                 "--format", "json")
    doc = json.loads(result.stdout)
    assert doc["schema"] == "claimaudit/diff@1"
    assert doc["summary"] == {"new": 1, "resolved": 0, "changed": 0, "unchanged": 1, "failing": 1}
    [article] = doc["articles"]
    assert article["path"] == PATH
    [new] = article["new"]
    assert (new["text"], new["verdict"], new["rule"], new["line"], new["failing"]) == (
        OVER, "overstated", "CA201", 5, True)
    assert new["fingerprint"] == fingerprint(PATH, OVER, "VC-002")


def _dup() -> dict:
    doc = report(claim(OK, "supported", 3))
    doc["articles"][0]["claims"].append(dict(doc["articles"][0]["claims"][0], line=4))
    return doc


# fmt: off
BAD_INPUT = [
    # id,                       file content (None: no file),                  message after "claimaudit: error: <file>"
    ("missing file",            None,                                          ": no such file"),
    ("not JSON",                "{not json",                                   ":1: not JSON (Expecting property name enclosed in double quotes)"),
    ("JSON list",               "[]",                                          ": not a claimaudit report (expected a JSON object)"),
    ("other schema",            json.dumps({"schema": "sarif"}),               ": not a claimaudit report (schema is 'sarif', expected 'claimaudit/report@1')"),
    ("articles not a list",     json.dumps({"schema": "claimaudit/report@1", "articles": {}}),
                                                                               ": wrong schema: 'articles' must be a list"),
    ("claim without fingerprint", json.dumps(report({k: v for k, v in claim(OK, "supported", 3).items() if k != "fingerprint"})),
                                                                               ": wrong schema: docs/colds.md claims[0] has no 'fingerprint'"),
    ("unknown verdict",         json.dumps(report(dict(claim(OK, "supported", 3), verdict="great"))),
                                                                               ": wrong schema: docs/colds.md claims[0] has unknown verdict 'great'"),
    ("duplicate fingerprint",   json.dumps(_dup()),
                                                                               f": wrong schema: fingerprint {fingerprint(PATH, OK, 'VC-002')} occurs twice"),
]
# fmt: on


@pytest.mark.parametrize(("content", "message"), [c[1:] for c in BAD_INPUT],
                         ids=[c[0] for c in BAD_INPUT])
@pytest.mark.parametrize("side", ["base", "head"])
def test_diff_bad_input_exits_2(tmp_path: Path, side: str, content: str | None,
                                message: str) -> None:
    good = write(tmp_path, "good.json", BASE)
    bad = tmp_path / "bad.json"
    if content is not None:
        bad.write_text(content, encoding="utf-8")
    args = ("diff", str(bad), good) if side == "base" else ("diff", good, str(bad))
    result = run(*args)
    assert result.exit_code == ExitCode.BAD_INPUT
    assert result.stdout == ""
    assert result.stderr == f"claimaudit: error: {bad}{message}\n"


def test_load_report_reads_a_real_shape(tmp_path: Path) -> None:
    assert load_report(write(tmp_path, "r.json", BASE))["articles"][0]["path"] == PATH
    with pytest.raises(ReportError, match="is a directory"):
        load_report(tmp_path)
