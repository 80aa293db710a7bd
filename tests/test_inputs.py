"""Issue 18, inputs handled the way writers write them: Markdown parsed by markdown-it-py,
discovery (exclude globs, .gitignore, never the report folder), broken configuration
files found by discovery, misspelled and trailing suppression comments, `audit` without
a path, report file modes, .html findings located in the page source."""

from __future__ import annotations

import json
import os
import re
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner

from claimaudit.cli import ExitCode, main
from claimaudit.ingest import article_from_text
from claimaudit.pipeline import audit
from claimaudit.reference import load_reference
from claimaudit.segment import segment

CLAIM = "Taking vitamin C every day prevents colds."  # contradicted by VC-001 (mini fixture)


@pytest.fixture()
def in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, mini: Path) -> Path:
    """Run from tmp_path (no configuration above it), with the mini reference set copied in."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("CLAIMAUDIT_CONFIG", raising=False)
    (tmp_path / "reference").mkdir()
    (tmp_path / "reference" / "vitamin-c.yaml").write_bytes(
        (mini / "reference" / "vitamin-c.yaml").read_bytes())
    return tmp_path


def write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def invoke(*args: str):
    return CliRunner().invoke(main, list(args))


# --- Markdown: what is article text ----------------------------------------------

# fmt: off
NOT_TEXT = [
    ("fenced code",      f"Intro.\n\n```yaml\nclaim: {CLAIM}\n```\n"),
    ("tilde fence",      f"Intro.\n\n~~~\n{CLAIM}\n~~~\n"),
    ("indented code",    f"Intro.\n\n    {CLAIM}\n"),
    ("inline code",      f"Intro: `{CLAIM}` is an example.\n"),
    ("front matter",     f"---\ntitle: Colds\nsummary: {CLAIM}\n---\n# Colds\n\nIntro.\n"),
    ("HTML comment",     f"Intro.\n\n<!-- {CLAIM} -->\n"),
    ("inline comment",   f"Intro. <!-- {CLAIM} --> More.\n"),
    ("image alt text",   f"Intro.\n\n![{CLAIM}](colds.png)\n"),
    ("comment over lines in an HTML block", f"<div>\n<!-- {CLAIM}\n-->\nIntro.\n</div>\n"),
    ("script in an HTML block", f"<div>\n<script>var s = '{CLAIM}';</script>\n</div>\n"),
]
# fmt: on


@pytest.mark.parametrize("doc", [c[1] for c in NOT_TEXT], ids=[c[0] for c in NOT_TEXT])
def test_markdown_code_front_matter_and_comments_are_not_article_text(doc: str) -> None:
    article = article_from_text(doc, kind="md")
    units = segment(article)
    assert all("vitamin" not in u.prose for u in units), units
    assert all(article.text[u.start:u.end] == u.text for u in units)


# (document, the claim's source text, its line and column)
# fmt: off
TEXT = [
    ("plain",          f"# Colds\n\n{CLAIM}\n",                                   CLAIM, 3, 1),
    ("block quote",    "> Taking vitamin C\n> every day prevents colds.\n",
     "Taking vitamin C\n> every day prevents colds.", 1, 3),
    ("nested quote",   f"> > {CLAIM}\n",                                          CLAIM, 1, 5),
    ("list item",      f"Intro:\n\n- {CLAIM}\n- Zinc lozenges are popular.\n",   CLAIM, 3, 3),
    ("ordered item",   f"1. First.\n2. {CLAIM}\n",                                CLAIM, 2, 4),
    ("item in quote",  f"> - {CLAIM}\n",                                          CLAIM, 1, 5),
    ("wrapped",        "Taking vitamin C every\nday prevents colds.\n",
     "Taking vitamin C every\nday prevents colds.", 1, 1),
    ("emphasis",       "Taking vitamin C **every day** prevents colds.\n",
     "Taking vitamin C **every day** prevents colds.", 1, 1),
    ("emphasis around", f"_{CLAIM}_\n",                                           f"_{CLAIM}_", 1, 1),
    ("link",           "Taking [vitamin C](https://example.org/c \"C\") every day prevents colds.\n",
     "Taking [vitamin C](https://example.org/c \"C\") every day prevents colds.", 1, 1),
    ("reference link", "Taking [vitamin C][vc] every day prevents colds.\n\n[vc]: https://example.org\n",
     "Taking [vitamin C][vc] every day prevents colds.", 1, 1),
    ("escape",         "Taking vitamin C every day prevents colds\\.\n",
     "Taking vitamin C every day prevents colds\\.", 1, 1),
    ("after a comment", f"<!-- draft -->\n{CLAIM}\n",                            CLAIM, 2, 1),
    ("CRLF",           f"Intro.\r\n\r\n> {CLAIM}\r\n",                            CLAIM, 3, 3),
    ("HTML in a quote", f"> <p>{CLAIM}</p>\n",                                   CLAIM, 1, 6),
    ("inline tags in a list item", f"- one\n- <span>{CLAIM}</span>\n",
     f"<span>{CLAIM}</span>", 2, 3),
    ("HTML block in a list item", f"- one\n- <div>{CLAIM}</div>\n",           CLAIM, 2, 8),
]
# fmt: on


@pytest.mark.parametrize(("doc", "source", "line", "column"), [c[1:] for c in TEXT],
                         ids=[c[0] for c in TEXT])
def test_markdown_claims_keep_exact_offsets_and_leave_markup_out(
        tmp_path: Path, mini: Path, doc: str, source: str, line: int, column: int) -> None:
    (tmp_path / "a.md").write_bytes(doc.encode("utf-8"))
    report = audit([tmp_path / "a.md"], load_reference([mini / "reference"]))
    (art,) = report.articles
    text = doc.replace("\r\n", "\n")
    flagged = [f for f in art.findings if f.verdict == "contradicted"]
    assert len(flagged) == 1, [f.claim.sentence for f in art.findings]
    s = flagged[0].claim.sentence
    assert text[s.start:s.end] == s.text == source
    assert (s.line, s.column) == (line, column)
    assert s.prose == CLAIM  # what was read and matched: no markup, one space between words
    assert flagged[0].reference_id == "VC-001"


def test_markdown_fingerprint_ignores_emphasis(tmp_path: Path, mini: Path) -> None:
    """Bolding a word is not a new finding in `diff` (the fingerprint hashes the prose)."""
    from claimaudit.report import report_dict

    ref = load_reference([mini / "reference"])
    prints = []
    for doc in (f"{CLAIM}\n", "Taking vitamin C **every day** prevents colds.\n"):
        (tmp_path / "a.md").write_text(doc, encoding="utf-8")
        (c,) = [c for c in report_dict(audit([tmp_path / "a.md"], ref))["articles"][0]["claims"]
                if c["verdict"] == "contradicted"]
        prints.append(c["fingerprint"])
    assert prints[0] == prints[1]


def test_markdown_title_skips_front_matter_and_markup() -> None:
    assert article_from_text("---\nlayout: post\n---\n# Vitamin *C* and colds\n", kind="md").title == \
        "Vitamin C and colds"
    assert article_from_text("---\ntitle: \"Colds, explained\"\n---\nText here.\n", kind="md").title == \
        "Colds, explained"


def test_reference_readme_yaml_example_is_not_audited(root: Path) -> None:
    """`pre-commit run --all-files` read reference/README.md's YAML example as claims (issue 18)."""
    path = root / "reference" / "README.md"
    text = path.read_text(encoding="utf-8")
    fences = [(m.start(), m.end()) for m in re.finditer(r"^```.*?^```", text, re.M | re.S)]
    assert fences, "the README is expected to hold a fenced example"
    report = audit([path], load_reference([root / "reference"]))
    (art,) = report.articles
    units = [f.claim.sentence for f in art.findings] + list(art.skipped)
    assert units
    for u in units:
        assert not any(a <= u.start < b for a, b in fences), u
    assert not [f for f in art.findings if f.verdict == "contradicted" and "text:" in f.claim.sentence.text]


# --- suppression comments ----------------------------------------------------------

# (article, which claims end up suppressed, by their first word)
# fmt: off
SUPPRESSIONS = [
    ("comment above covers the next claim",
     f"<!-- claimaudit: ignore VC-001 -->\n{CLAIM}\nDaily vitamin C prevents colds.\n", {"Taking"}),
    ("trailing comment covers its own line",
     f"Daily vitamin C prevents colds.\n{CLAIM} <!-- claimaudit: ignore VC-001 -->\n"
     "Vitamin C prevents colds in everyone.\n", {"Taking"}),
    ("trailing comment, two claims on the line",
     f"Daily vitamin C prevents colds. {CLAIM} <!-- claimaudit: ignore -->\n\nVitamin C prevents colds.\n",
     {"Daily", "Taking"}),
    ("trailing comment after a wrapped sentence",
     "Taking vitamin C every\nday prevents colds. <!-- claimaudit: ignore VC-001 -->\n\nDaily vitamin C prevents colds.\n",
     {"Taking"}),
    ("trailing comment in a list item",
     f"- {CLAIM} <!-- claimaudit: ignore VC-001 -->\n- Daily vitamin C prevents colds.\n", {"Taking"}),
    ("two comments on their own line",
     f"<!-- a note --> <!-- claimaudit: ignore VC-001 -->\n{CLAIM}\n", {"Taking"}),
    ("example in a code fence suppresses nothing",
     f"```\n<!-- claimaudit: ignore VC-001 -->\n```\n\n{CLAIM}\n", set()),
]
# fmt: on


@pytest.mark.parametrize("kind", ["md", "txt"])
@pytest.mark.parametrize(("doc", "suppressed"), [c[1:] for c in SUPPRESSIONS],
                         ids=[c[0] for c in SUPPRESSIONS])
def test_suppression_comments(tmp_path: Path, mini: Path, kind: str, doc: str,
                              suppressed: set) -> None:
    if kind == "txt" and ("```" in doc or "every\nday" in doc):
        pytest.skip("a .txt article has no code blocks, and each of its lines is a unit")
    path = tmp_path / f"a.{kind}"
    path.write_text(doc, encoding="utf-8")
    (art,) = audit([path], load_reference([mini / "reference"])).articles
    got = {f.claim.sentence.prose.split()[0] for f in art.findings if f.suppressed}
    assert got == suppressed
    assert all(f.verdict == "contradicted" for f in art.findings if f.suppressed)


def test_suppression_comment_inside_a_quote(tmp_path: Path, mini: Path) -> None:
    path = tmp_path / "a.md"
    path.write_text(f"> <!-- claimaudit: ignore VC-001 -->\n> {CLAIM}\n", encoding="utf-8")
    (art,) = audit([path], load_reference([mini / "reference"])).articles
    assert [(f.verdict, f.suppressed) for f in art.findings] == [("contradicted", True)]
    assert not art.unused_suppressions


# (comment, warning or None)
# fmt: off
DIRECTIVES = [
    ("<!-- claimaudit: ignroe VC-001 -->", "unknown claimaudit directive 'ignroe', ignored: <!-- claimaudit: ignroe VC-001 -->; did you mean 'ignore'?"),
    ("<!-- claimaudit: disabel -->",       "unknown claimaudit directive 'disabel', ignored: <!-- claimaudit: disabel -->; did you mean 'disable'?"),
    ("<!-- claimaudit: skip VC-001 -->",   "unknown claimaudit directive 'skip', ignored: <!-- claimaudit: skip VC-001 --> (use ignore, disable, enable)"),
    ("<!-- claimaudit ignore VC-001 -->",  "claimaudit directive without its colon, ignored: <!-- claimaudit ignore VC-001 --> (write 'claimaudit: ignore')"),
    ("<!-- ClaimAudit: Ignore VC-001 -->", None),
    ("<!-- claimaudit: enable -->",        None),
    ("<!-- see the claimaudit docs -->",   None),
]
# fmt: on


@pytest.mark.parametrize(("comment", "warning"), DIRECTIVES, ids=[c[0] for c in DIRECTIVES])
@pytest.mark.parametrize("kind", ["md", "txt", "html"])
def test_misspelled_directives_are_warned_about(comment: str, warning: str | None, kind: str) -> None:
    doc = f"Intro.\n\n{comment}\n{CLAIM}\n"
    if kind == "html":
        doc = f"<p>Intro.</p>\n{comment}\n<p>{CLAIM}</p>"
    article = article_from_text(doc, kind=kind)
    assert [w for _, w in article.warnings] == ([warning] if warning else [])
    for offset, _ in article.warnings:
        assert article.text.startswith("<!--", offset)


@pytest.mark.parametrize("command", ["audit", "check"])
def test_misspelled_directive_is_one_stderr_line_with_file_and_line(in_tmp: Path, command: str) -> None:
    write(in_tmp, {"docs/a.md": f"# Colds\n\nIntro.\n<!-- claimaudit: ignroe VC-001 -->\n{CLAIM}\n"})
    args = [command, "docs/", "--exit-zero"] if command == "audit" else [command, "docs/a.md"]
    for _ in range(2):  # the second audit reads the article from the cache: still warned
        result = invoke(*args)
        lines = [ln for ln in result.stderr.splitlines() if "warning" in ln]
        assert lines == ["claimaudit: warning: docs/a.md:4:1: unknown claimaudit directive 'ignroe', "
                         "ignored: <!-- claimaudit: ignroe VC-001 -->; did you mean 'ignore'?"]
    assert result.exit_code == (ExitCode.CLEAN if command == "audit" else ExitCode.FINDINGS)


# --- discovery -----------------------------------------------------------------------

ARTICLES = ["docs/a.md", "docs/drafts/b.md", "docs/build/c.md", "docs/notes.txt", "site/p.html",
            "node_modules/pkg/readme.md", "dist/d.md"]


def _audited(root: Path, *args: str) -> list[str]:
    result = invoke("audit", *args, "--exit-zero", "--out", "out", "--jobs", "1")
    assert result.exit_code == 0, result.output
    return [a["path"] for a in json.loads((root / "out" / "audit.json").read_text())["articles"]]


# (config, extra files, audited paths)
# fmt: off
EXCLUDES = [
    ("defaults skip build, dist, node_modules", "",
     {}, ["docs/a.md", "docs/drafts/b.md", "docs/notes.txt", "site/p.html"]),
    ("exclude replaces the defaults", 'exclude = ["drafts"]\n',
     {}, ["dist/d.md", "docs/a.md", "docs/build/c.md", "docs/notes.txt", "node_modules/pkg/readme.md", "site/p.html"]),
    ("extend-exclude adds to them", 'extend-exclude = ["*.txt", "site/"]\n',
     {}, ["docs/a.md", "docs/drafts/b.md"]),
    ("anchored glob", 'extend-exclude = ["/docs/drafts/"]\n',
     {}, ["docs/a.md", "docs/notes.txt", "site/p.html"]),
    ("gitignore respected", "",
     {".gitignore": "drafts/\n*.html\n"}, ["docs/a.md", "docs/notes.txt"]),
    ("nested gitignore and negation", "",
     {".gitignore": "*.md\n", "docs/.gitignore": "!a.md\n"}, ["docs/a.md", "docs/notes.txt", "site/p.html"]),
    ("respect-gitignore = false", "respect-gitignore = false\n",
     {".gitignore": "docs/\n"}, ["docs/a.md", "docs/drafts/b.md", "docs/notes.txt", "site/p.html"]),
]
# fmt: on


@pytest.mark.parametrize(("config", "extra", "expected"), [c[1:] for c in EXCLUDES],
                         ids=[c[0] for c in EXCLUDES])
def test_discovery_excludes(in_tmp: Path, config: str, extra: dict, expected: list) -> None:
    write(in_tmp, {p: f"{CLAIM}\n" for p in ARTICLES})
    write(in_tmp, {"claimaudit.toml": config, **extra})
    (in_tmp / ".git").mkdir()
    assert _audited(in_tmp, ".") == expected


def test_gitignore_above_the_audited_folder_counts_up_to_the_repository(in_tmp: Path) -> None:
    write(in_tmp, {p: f"{CLAIM}\n" for p in ARTICLES})
    write(in_tmp, {".gitignore": "drafts/\n"})
    (in_tmp / ".git").mkdir()
    assert _audited(in_tmp, "docs") == ["docs/a.md", "docs/notes.txt"]


def test_a_file_named_on_the_command_line_is_audited_even_if_excluded(in_tmp: Path) -> None:
    write(in_tmp, {"docs/drafts/b.md": f"{CLAIM}\n", "claimaudit.toml": 'extend-exclude = ["drafts"]\n'})
    assert _audited(in_tmp, "docs/drafts/b.md") == ["docs/drafts/b.md"]
    assert _audited(in_tmp, "docs") == []


@pytest.mark.parametrize("formats", ["json,csv,markdown", "json,html"])
def test_self_audit_never_reads_the_report_folder(in_tmp: Path, formats: str) -> None:
    """`claimaudit audit . --out reports` twice must not audit reports/summary.md (issue 18)."""
    write(in_tmp, {"docs/a.md": f"# Colds\n\n{CLAIM}\n"})
    for _ in range(2):
        result = invoke("audit", ".", "--out", "reports", "--format", formats, "--exit-zero",
                        "--jobs", "1")
        assert result.exit_code == 0, result.output
        doc = json.loads((in_tmp / "reports" / "audit.json").read_text())
        assert [a["path"] for a in doc["articles"]] == ["docs/a.md"]
    md = sorted(p.name for p in (in_tmp / "reports").glob("*.md"))
    assert md == (["summary.md"] if "markdown" in formats else [])
    assert (in_tmp / "reports" / "index.html").exists() == ("html" in formats)


def test_broken_excludes_are_config_errors(in_tmp: Path) -> None:
    write(in_tmp, {"claimaudit.toml": 'exclude = "drafts"\nextend-exclude = [3]\n', "a.md": "x\n"})
    result = invoke("audit", ".")
    assert result.exit_code == ExitCode.BAD_INPUT
    assert result.stderr == ("claimaudit: error: claimaudit.toml: extend-exclude: must be a list of "
                             "non-empty strings, got [3]\n")


# --- broken configuration files found by discovery ------------------------------------

# (file, content, message after "claimaudit: error: ")
# fmt: off
BROKEN = [
    ("pyproject.toml", "[project]\nname = 'x'\nversion = \n",
     "pyproject.toml:3:11: invalid TOML: Invalid value"),
    ("pyproject.toml", "[tool.claimaudit]\nignore = [\"VC-001\"\n",
     "pyproject.toml:2: invalid TOML: Unclosed array"),
    ("pyproject.toml", "[tool.claimaudit\n",
     "pyproject.toml:1:17: invalid TOML: Expected ']' at the end of a table declaration"),
    ("claimaudit.toml", "fail-on = [\n",
     "claimaudit.toml:1: invalid TOML: Invalid value"),
    ("claimaudit.toml", "min-score = 40\nmin-score = 50\n",
     "claimaudit.toml:2:15: invalid TOML: Cannot overwrite a value"),
]
# fmt: on


@pytest.mark.parametrize("how", ["discovery", "--config"])
@pytest.mark.parametrize(("name", "content", "message"), BROKEN, ids=[c[2] for c in BROKEN])
def test_broken_config_file_is_exit_2_with_file_and_line(in_tmp: Path, name: str, content: str,
                                                         message: str, how: str) -> None:
    write(in_tmp, {name: content, "docs/a.md": f"{CLAIM}\n"})
    extra = ["--config", name] if how == "--config" else []
    for command in (["audit", "docs"], ["check", "docs/a.md"], ["show-config", "docs"]):
        result = invoke(*command, *extra)
        assert result.exit_code == ExitCode.BAD_INPUT, (command, result.output)
        assert result.stderr.startswith(f"claimaudit: error: {message}")
        assert result.stderr.count("\n") == 1
    assert not (in_tmp / "reports").exists()


def test_broken_pyproject_in_a_parent_folder_is_not_skipped(in_tmp: Path) -> None:
    write(in_tmp, {"pyproject.toml": "[tool.claimaudit]\nignore = [\n", "docs/sub/a.md": f"{CLAIM}\n"})
    result = invoke("audit", "docs/sub")
    assert result.exit_code == ExitCode.BAD_INPUT
    assert result.stderr.startswith("claimaudit: error: pyproject.toml:2: invalid TOML")


# --- audit without a path, empty folders ---------------------------------------------


def test_audit_without_a_path_is_an_error(in_tmp: Path) -> None:
    write(in_tmp, {"corpus/a.txt": f"{CLAIM}\n"})
    result = invoke("audit")
    assert result.exit_code == ExitCode.BAD_INPUT
    assert result.stderr == ("claimaudit: error: nothing to audit; pass files or folders, "
                             "e.g. claimaudit audit corpus/\n")
    assert not (in_tmp / "reports").exists()


def test_readme_set_up_command_names_the_corpus(root: Path) -> None:
    """The README's first command must keep working now that `audit` needs a path."""
    readme = (root / "README.md").read_text(encoding="utf-8")
    first = re.search(r"```\n(.*?)\n```", readme, re.S).group(1)
    assert re.search(r"\.venv/bin/claimaudit audit corpus/ ", first), first
    commands = [m.group(1) for line in readme.splitlines() if "`" not in line
                for m in re.finditer(r"(?:^|[\s/])claimaudit audit (\S+)", line)]
    assert len(commands) > 5
    assert all(not c.startswith("-") for c in commands), commands


@pytest.mark.parametrize("command", ["audit", "check"])
def test_empty_folder_warns(in_tmp: Path, command: str) -> None:
    (in_tmp / "empty" / "sub").mkdir(parents=True)
    (in_tmp / "empty" / "notes.rst").write_text("Not an article.\n", encoding="utf-8")
    result = invoke(command, "empty")
    assert result.exit_code == ExitCode.CLEAN
    assert "claimaudit: warning: no article (.txt, .md, .html) found in empty\n" in result.stderr


# --- report files respect the umask -------------------------------------------------


@pytest.fixture()
def umask():
    old = os.umask(0o022)
    os.umask(old)
    yield
    os.umask(old)


@pytest.mark.parametrize("mask", [0o022, 0o002, 0o077, 0o027])
def test_report_files_respect_the_umask(in_tmp: Path, umask, mask: int) -> None:
    write(in_tmp, {"docs/a.md": f"# Colds\n\n{CLAIM}\n"})
    os.umask(mask)
    result = invoke("audit", "docs", "--out", "out", "--exit-zero", "--jobs", "1",
                    "--format", "json,csv,markdown,html,sarif,junit,github,concise")
    assert result.exit_code == 0, result.output
    files = [p for p in (in_tmp / "out").iterdir() if p.is_file()]
    assert len(files) >= 9
    for p in files:
        assert stat.S_IMODE(p.stat().st_mode) == 0o666 & ~mask, p.name


@pytest.mark.parametrize("mask", [0o022, 0o077])
def test_write_atomic_respects_the_umask(tmp_path: Path, umask, mask: int) -> None:
    from claimaudit.report import write_atomic

    os.umask(mask)
    write_atomic(tmp_path / "x.txt", "hello")
    assert stat.S_IMODE((tmp_path / "x.txt").stat().st_mode) == 0o666 & ~mask
    assert (tmp_path / "x.txt").read_text() == "hello"


# --- .html findings in SARIF and GitHub output --------------------------------------


def test_html_article_sarif_and_github_locate_and_quote_the_sentence(in_tmp: Path) -> None:
    page = ("<!doctype html>\n<html><head><title>Colds</title></head>\n<body>\n<nav>Home</nav>\n"
            f"<article>\n  <h1>Colds</h1>\n  <p>Intro.</p>\n  <p>{CLAIM}</p>\n</article>\n</body></html>\n")
    write(in_tmp, {"site/colds.html": page})
    col = page.split("\n")[7].index(CLAIM) + 1
    sarif = json.loads(invoke("audit", "site", "--format", "sarif", "--exit-zero").stdout)
    (result,) = [r for r in sarif["runs"][0]["results"] if r["ruleId"] == "CA301"]
    assert result["locations"][0]["physicalLocation"]["region"] == {
        "startLine": 8, "startColumn": col, "endLine": 8, "endColumn": col + len(CLAIM)}
    assert result["message"]["text"].startswith(f'"{CLAIM}" contradicted: ')
    github = invoke("audit", "site", "--format", "github", "--exit-zero").stdout
    assert (f"::error file=site/colds.html,line=8,col={col},endLine=8,endColumn={col + len(CLAIM)},"
            f"title=claimaudit (CA301)::\"{CLAIM}\" contradicted: ") in github


def test_a_folder_named_explicitly_is_audited_even_when_gitignore_ignores_it(tmp_path: Path) -> None:
    """`claimaudit audit drafts` audits drafts/ although the repository's .gitignore lists it;
    files that a .gitignore inside the folder ignores are still skipped."""
    from claimaudit.pipeline import Discovery, discover

    (tmp_path / ".git").mkdir()
    (tmp_path / ".gitignore").write_text("drafts/\n", encoding="utf-8")
    drafts = tmp_path / "drafts"
    drafts.mkdir()
    (drafts / "a.txt").write_text("Magnesium helps muscles.\n", encoding="utf-8")
    (drafts / "b.txt").write_text("Magnesium helps nerves.\n", encoding="utf-8")
    (drafts / ".gitignore").write_text("b.txt\n", encoding="utf-8")
    files, errors = discover([drafts], Discovery(base=str(tmp_path)))
    assert [Path(f).name for f, _ in files] == ["a.txt"] and not errors
    outer, _ = discover([tmp_path], Discovery(base=str(tmp_path)))
    assert outer == []
