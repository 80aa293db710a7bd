"""The terminal examples in the README and docs/ are real output, and stay so.

Each fenced block that starts with `$ claimaudit check ...` or `$ claimaudit audit ...`
is run on the bundled corpus and reference set (from a scratch folder that links to
them, so no report lands in the repository), and must match:

- `check` (full format): every claim block shown is the real block for that location,
  and the summary line is the real last line;
- `check --format concise`: every line shown is a real line;
- `audit`: the pieces between "…" lines appear in the real output in order, and the
  last one ends it.

After a deliberate change of the output, refresh the examples with
`CLAIMAUDIT_UPDATE_DOCS=1 .venv/bin/python -m pytest -q tests/test_docs_examples.py`
and review the diff. The README's `show-config` example is run on the README's own
configuration example and must equal the real output exactly.
"""

from __future__ import annotations

import os
import re
import shlex
from pathlib import Path

import pytest
from click.testing import CliRunner

from claimaudit.cli import main
from scores import same_up_to_scores

ROOT = Path(__file__).resolve().parents[1]
DOCS = [ROOT / "README.md", ROOT / "docs" / "editorial-review.md", ROOT / "docs" / "ci.md"]
UPDATE = os.environ.get("CLAIMAUDIT_UPDATE_DOCS") == "1"

BLOCK_RE = re.compile(r"```\n\$ (claimaudit (?:check|audit) [^\n]*)\n(.*?)```", re.S)
LOCATION_RE = re.compile(r"^(\S+?:\d+:\d+):?\s")
ELLIPSIS = "…"


def _blocks() -> list[tuple[Path, str]]:
    found = []
    for doc in DOCS:
        for m in BLOCK_RE.finditer(doc.read_text(encoding="utf-8")):
            found.append((doc, m.group(1)))
    return found


BLOCKS = _blocks()


@pytest.fixture()
def scratch(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A folder with `corpus` and `reference` linked in; plain output (no COLUMNS, no config)."""
    for name in ("corpus", "reference"):
        (tmp_path / name).symlink_to(ROOT / name, target_is_directory=True)
    for var in ("CLAIMAUDIT_CONFIG", "COLUMNS", "NO_COLOR"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def run_example(command: str) -> str:
    """Run a documented command; return what a terminal shows (stdout and stderr)."""
    args = shlex.split(command)[1:]
    result = CliRunner().invoke(main, [*args, "--no-color"])
    assert result.exit_code in (0, 1), result.output + result.stderr
    return result.stdout + result.stderr


def _location(chunk: str) -> str | None:
    m = LOCATION_RE.match(chunk)
    return m.group(1) if m else None


def expected_check_full(shown: str, real: str) -> str:
    """Return `shown` with each claim block and the summary replaced by the real ones."""
    real_blocks = {_location(b): b for b in real.rstrip("\n").split("\n\n") if _location(b)}
    summary = real.rstrip("\n").splitlines()[-1]
    out = []
    for item in shown.rstrip("\n").split("\n\n"):
        lines = item.split("\n")
        if _location(item):
            out.append(real_blocks.get(_location(item), f"(no longer reported: {lines[0]})"))
        else:  # "…" and the summary line
            out.append("\n".join(summary if ln != ELLIPSIS else ln for ln in lines))
    return "\n\n".join(out) + "\n"


def expected_concise(shown: str, real: str) -> str:
    real_lines = {_location(ln): ln for ln in real.splitlines() if _location(ln)}
    return "".join(real_lines.get(_location(ln), f"(no longer reported: {ln})") + "\n"
                   if ln != ELLIPSIS else ln + "\n" for ln in shown.splitlines())


def expected_audit(shown: str, real: str) -> str:
    """The first three findings, "…", then everything after the findings (table, reports, summary)."""
    lines = real.rstrip("\n").splitlines()
    findings = [ln for ln in lines if _location(ln)]
    rest = lines[len(findings):]
    if rest and rest[0] == "":
        rest = rest[1:]
    head = findings[:3] + ([ELLIPSIS] if len(findings) > 3 else [])
    return "\n".join(head + rest) + "\n"


def expected_for(command: str, shown: str, real: str) -> str:
    if " audit " in f" {command} ":
        return expected_audit(shown, real)
    if "--format concise" in command:
        return expected_concise(shown, real)
    return expected_check_full(shown, real)


@pytest.mark.parametrize(("doc", "command"), BLOCKS,
                         ids=[f"{d.name}:{c}" for d, c in BLOCKS])
def test_documented_terminal_output_is_real(scratch: Path, doc: Path, command: str) -> None:
    text = doc.read_text(encoding="utf-8")
    block = next(m for m in BLOCK_RE.finditer(text) if m.group(1) == command)
    shown = block.group(2)
    expected = expected_for(command, shown, run_example(command))
    if UPDATE and shown != expected:
        doc.write_text(text[:block.start(2)] + expected + text[block.end(2):], encoding="utf-8")
        return
    assert same_up_to_scores(shown, expected), (f"{doc.name}: the example of `{command}` no longer matches the "
                               "real output; rerun with CLAIMAUDIT_UPDATE_DOCS=1 and review")


def test_the_readme_shows_an_audit_and_a_check() -> None:
    commands = [c for d, c in BLOCKS if d.name == "README.md"]
    assert any(c.startswith("claimaudit audit ") for c in commands)
    assert any(c.startswith("claimaudit check ") for c in commands)


# --- show-config ---------------------------------------------------------------------

CONFIG_RE = re.compile(r"```toml\n(\[tool\.claimaudit\]\n.*?)```", re.S)
SHOW_CONFIG_RE = re.compile(r"```\n\$ claimaudit show-config docs/\n(.*?)```", re.S)


@pytest.mark.parametrize("doc", [ROOT / "README.md", ROOT / "docs" / "ci.md"], ids=lambda p: p.name)
def test_show_config_example_is_the_real_output_of_the_config_example(
        doc: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    text = doc.read_text(encoding="utf-8")
    config = CONFIG_RE.search(text)
    shown = SHOW_CONFIG_RE.search(text)
    assert config and shown, f"{doc.name}: configuration or show-config example not found"
    (tmp_path / "pyproject.toml").write_text(config.group(1), encoding="utf-8")
    (tmp_path / "docs").mkdir()
    monkeypatch.delenv("CLAIMAUDIT_CONFIG", raising=False)
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["show-config", "docs/"])
    assert result.exit_code == 0, result.output
    assert shown.group(1) == result.output
    # The example shows the built-in default threshold, not a stale one.
    from claimaudit.match import MatchSettings

    assert f"min-score = {MatchSettings().min_score:g}" in config.group(1)


# --- the GitHub workflow example ---------------------------------------------------------

WORKFLOW_RE = re.compile(r"```yaml\n(name: claims\n.*?)```", re.S)
SAME_REPO = "github.event.pull_request.head.repo.full_name == github.repository"
MARKER = "<!-- claimaudit-diff -->"


def _workflow(doc: Path) -> dict:
    import yaml

    m = WORKFLOW_RE.search(doc.read_text(encoding="utf-8"))
    assert m, f"{doc.name}: no workflow example"
    return yaml.safe_load(m.group(1))


def _posts(step: dict) -> bool:
    """A step that needs a token that can write: a comment or a SARIF upload."""
    run = step.get("run", "")
    return "gh pr comment" in run or "gh api" in run or "upload-sarif" in step.get("uses", "")


def test_workflow_example_is_the_same_in_readme_and_docs() -> None:
    assert _workflow(ROOT / "README.md") == _workflow(ROOT / "docs" / "ci.md")


def test_workflow_skips_writing_steps_for_forks_and_keeps_the_rest() -> None:
    steps = _workflow(ROOT / "docs" / "ci.md")["jobs"]["claimaudit"]["steps"]
    posting = [s for s in steps if _posts(s)]
    assert len(posting) == 2  # the comment and the SARIF upload
    for step in posting:
        assert SAME_REPO in step.get("if", ""), step["name"]
    for step in steps:
        if not _posts(step):  # the audits, the job summary and the gate run for forks too
            assert SAME_REPO not in str(step.get("if", "")), step["name"]
    assert steps[-1]["run"].startswith("claimaudit diff ")  # the gate, last


def test_workflow_updates_one_comment_found_by_its_marker() -> None:
    steps = _workflow(ROOT / "docs" / "ci.md")["jobs"]["claimaudit"]["steps"]
    (comment,) = [s for s in steps if "gh pr comment" in s.get("run", "")]
    run = comment["run"]
    assert MARKER in run
    assert "startswith(" in run and "--method PATCH" in run  # find the old comment, edit it
    assert run.index("--method PATCH") < run.index("gh pr comment")  # a new one only when none


@pytest.mark.parametrize("doc", [ROOT / "README.md", ROOT / "docs" / "ci.md"], ids=lambda p: p.name)
def test_workflow_run_scripts_are_valid_shell(doc: Path, tmp_path: Path) -> None:
    import shutil
    import subprocess

    bash = shutil.which("bash")
    if bash is None:
        pytest.skip("no bash")
    for step in _workflow(doc)["jobs"]["claimaudit"]["steps"]:
        if "run" not in step:
            continue
        script = re.sub(r"\$\{\{.*?\}\}", "EXPR", step["run"])  # GitHub expressions, not shell
        path = tmp_path / "step.sh"
        path.write_text(script, encoding="utf-8")
        result = subprocess.run([bash, "-n", str(path)], capture_output=True, text=True)
        assert result.returncode == 0, f"{step.get('name')}: {result.stderr}"
