"""The CI gate end to end, in a real git repository built in tmp_path.

The steps follow docs/ci.md: audit the base branch (from a `git worktree`, as
the GitHub Actions example does) and the change from the repository root, then
`claimaudit diff`. The articles use the mini fixture's reference set (vitamin C
and colds): VC-001 says regular vitamin C does *not* prevent colds (stance
refutes), so "Taking vitamin C every day prevents colds." is contradicted;
VC-002 (vitamin C slightly shortens colds, moderate evidence, wording up to
"may") makes "Vitamin C is proven to shorten colds." overstated and "... may
slightly shorten colds." supported.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from claimaudit.cli import ExitCode, main

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="needs git")

ARTICLE = """\
# Vitamin C and colds

Vitamin C may slightly shorten the duration of a cold.

## Prevention

Most colds get better on their own within about a week.

## Winter

Zinc lozenges shorten colds in adults.
"""
ADDED = "Taking vitamin C every day prevents colds."
FIXED = "Taking vitamin C every day may slightly shorten colds."

# fmt: off
NEW_SENTENCES = [
    # id,                       added sentence,                           verdict,        rule,    reference, fixed wording
    ("contradicted sentence",   ADDED,                                    "contradicted", "CA301", "VC-001",  FIXED),
    ("overstated sentence",     "Vitamin C is proven to shorten colds.",  "overstated",   "CA201", "VC-002",
                                "Vitamin C may slightly shorten colds."),
]
# fmt: on


def git(repo: Path, *args: str) -> str:
    """Run git in `repo` with a private configuration; return its stdout."""
    env = {**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1",
           "GIT_AUTHOR_NAME": "Test", "GIT_AUTHOR_EMAIL": "test@example.invalid",
           "GIT_COMMITTER_NAME": "Test", "GIT_COMMITTER_EMAIL": "test@example.invalid"}
    done = subprocess.run(["git", *args], cwd=repo, env=env, check=True, capture_output=True,
                          text=True)
    return done.stdout


def commit(repo: Path, article: str, message: str) -> None:
    """Write the article and commit it."""
    (repo / "docs" / "colds.md").write_text(article, encoding="utf-8")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", message)


def audit_to(cwd: Path, out: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Audit docs/ from `cwd` (as CI does from a checkout root); return the audit.json path."""
    monkeypatch.chdir(cwd)
    result = CliRunner().invoke(main, ["audit", "docs", "--format", "json", "--out", str(out),
                                       "--exit-zero", "--quiet"], catch_exceptions=False)
    assert result.exit_code == ExitCode.CLEAN, result.stderr
    return out / "audit.json"


def diff(base: Path, head: Path) -> tuple[int, dict[str, Any]]:
    """Run `claimaudit diff --format json`; return the exit code and the diff document."""
    result = CliRunner().invoke(main, ["diff", str(base), str(head), "--format", "json"],
                                catch_exceptions=False)
    return result.exit_code, json.loads(result.stdout)


def listed(doc: dict[str, Any], kind: str) -> list[tuple[str, str, str]]:
    """Return (path, verdict, text) of every change of one kind."""
    return [(a["path"], c["verdict"], c["text"]) for a in doc["articles"] for c in a[kind]]


@pytest.fixture
def repo(tmp_path: Path, mini: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A git repository with one article, the mini reference set and a claimaudit.toml."""
    monkeypatch.delenv("CLAIMAUDIT_CONFIG", raising=False)
    root = tmp_path / "repo"
    (root / "docs").mkdir(parents=True)
    shutil.copytree(mini / "reference", root / "reference")
    (root / "claimaudit.toml").write_text('reference = ["reference"]\n', encoding="utf-8")
    git(root, "init", "-q", "-b", "main")
    commit(root, ARTICLE, "Article")
    return root


@pytest.mark.parametrize(("added", "verdict", "rule", "reference", "fixed"),
                         [c[1:] for c in NEW_SENTENCES], ids=[c[0] for c in NEW_SENTENCES])
def test_new_claim_fails_moving_it_does_not_fixing_it_resolves(
        repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, added: str, verdict: str,
        rule: str, reference: str, fixed: str) -> None:
    # Base: main, audited from a worktree as the workflow does.
    git(repo, "worktree", "add", "-q", "--detach", str(tmp_path / "base"), "main")
    base = audit_to(tmp_path / "base", tmp_path / "reports" / "base", monkeypatch)

    # 1. A change adds the sentence to the Prevention paragraph.
    git(repo, "switch", "-q", "-c", "change")
    changed = ARTICLE.replace("within about a week.", f"within about a week. {added}")
    commit(repo, changed, "Add a prevention claim")
    head = audit_to(repo, tmp_path / "reports" / "head", monkeypatch)

    code, doc = diff(base, head)
    assert code == ExitCode.FINDINGS
    assert listed(doc, "new") == [("docs/colds.md", verdict, added)]
    assert listed(doc, "resolved") == [] and listed(doc, "changed") == []
    assert doc["summary"]["failing"] == 1
    [new] = doc["articles"][0]["new"]
    assert (new["line"], new["rule"], new["reference_id"]) == (7, rule, reference)

    # 2. Moving paragraphs (the Winter section to the top, blank lines added) changes nothing.
    head_doc = json.loads(head.read_text(encoding="utf-8"))
    intro, prevention, winter = changed.split("\n## ")
    moved = f"{intro}\n## {winter}\n\n\n## {prevention}"
    assert sorted(moved.split()) == sorted(changed.split())
    commit(repo, moved, "Reorder sections")
    reordered = audit_to(repo, tmp_path / "reports" / "moved", monkeypatch)
    moved_doc = json.loads(reordered.read_text(encoding="utf-8"))

    def line_of(d: dict, text: str) -> int:
        return next(c["line"] for a in d["articles"] for c in a["claims"] if c["text"] == text)

    assert line_of(moved_doc, added) != line_of(head_doc, added)  # the line did move
    code, doc = diff(head, reordered)
    assert code == ExitCode.CLEAN
    assert doc["summary"]["unchanged"] >= 1
    assert (doc["summary"]["new"], doc["summary"]["resolved"], doc["summary"]["changed"]) == (
        0, 0, 0)

    # 3. Fixing the sentence resolves the finding.
    commit(repo, moved.replace(added, fixed), "Say what the evidence says")
    fixed = audit_to(repo, tmp_path / "reports" / "fixed", monkeypatch)
    code, doc = diff(reordered, fixed)
    assert code == ExitCode.CLEAN
    assert listed(doc, "resolved") == [("docs/colds.md", verdict, added)]
    assert listed(doc, "new") == [] and listed(doc, "changed") == []

    # And against the base, the fixed change brings in nothing new.
    code, doc = diff(base, fixed)
    assert code == ExitCode.CLEAN
    assert listed(doc, "new") == []


def test_report_diffed_with_itself_is_empty(repo: Path, tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    commit(repo, ARTICLE + f"\n{ADDED}\n", "Add a claim")
    report = audit_to(repo, tmp_path / "r", monkeypatch)
    code, doc = diff(report, report)
    assert code == ExitCode.CLEAN
    assert (doc["summary"]["new"], doc["summary"]["resolved"], doc["summary"]["changed"]) == (
        0, 0, 0)


def test_suppressed_new_claim_is_not_a_new_problem(repo: Path, tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    base = audit_to(repo, tmp_path / "base", monkeypatch)
    commit(repo, ARTICLE + f"\n<!-- claimaudit: ignore VC-001 -->\n{ADDED}\n", "Suppressed")
    head = audit_to(repo, tmp_path / "head", monkeypatch)
    head_doc = json.loads(head.read_text(encoding="utf-8"))
    [added] = [c for a in head_doc["articles"] for c in a["claims"] if c["text"] == ADDED]
    assert added["suppressed"] is True
    code, doc = diff(base, head)
    assert code == ExitCode.CLEAN
    assert listed(doc, "new") == []


def test_sarif_and_github_annotate_the_new_sentence(repo: Path, tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    commit(repo, ARTICLE.replace("within about a week.", f"within about a week. {ADDED}"),
           "Add a claim")
    monkeypatch.chdir(repo)
    result = CliRunner().invoke(main, ["audit", "docs", "--format", "github", "--quiet"])
    assert result.exit_code == ExitCode.FINDINGS
    line7 = (repo / "docs" / "colds.md").read_text(encoding="utf-8").splitlines()[6]
    col = line7.index(ADDED) + 1
    expected = (f"::error file=docs/colds.md,line=7,col={col},endLine=7,"
                f"endColumn={col + len(ADDED)},title=claimaudit (CA301)::contradicted: ")
    assert any(line.startswith(expected) for line in result.stdout.splitlines()), result.stdout
