"""What users see first (issue 18): findings-first audit output, check's selection flags,
CA403 for unsupported strong wording, NO_COLOR/COLUMNS, one way of counting suppressed
claims, lazy imports, --csv-bom, and the HTML index and titles."""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from claimaudit import cli
from claimaudit.cli import ExitCode, main
from claimaudit.claims import read_claims
from claimaudit.ingest import article_from_text
from claimaudit.segment import segment
from claimaudit.terminal import color_enabled, finding_line, problem_summary, terminal_width
from claimaudit.verdict import RULES, strong_wording

CONTRADICTED = "Taking vitamin C every day prevents colds."  # VC-001 refutes it (mini fixture)
STRONG = "Zinc lozenges are guaranteed to end a cold overnight."  # matches nothing in the mini set
PLAIN = "Zinc lozenges shorten colds in adults."  # matches nothing, plain wording


@pytest.fixture()
def in_mini(mini: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """Run from the mini fixture with an empty configuration and no colour/width settings."""
    empty = tmp_path / "claimaudit.toml"
    empty.write_text("", encoding="utf-8")
    monkeypatch.setenv("CLAIMAUDIT_CONFIG", str(empty))
    for var in ("NO_COLOR", "COLUMNS"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.chdir(mini)
    return mini


def check(*args: str, input: str | None = None):  # noqa: A002 - click's name
    return CliRunner().invoke(main, ["check", *args], input=input)


def audit(tmp_path: Path, *args: str):
    return CliRunner().invoke(main, ["audit", *args, "--out", str(tmp_path / "out"), "--jobs", "1"])


# --- CA403: unverified, worded as a cure, guarantee, proof or blanket safety ---------------


def _claim(text: str):
    claims = [c for c in read_claims(segment(article_from_text(text + "\n", kind="txt")), "")
              if c.is_claim]
    assert len(claims) == 1, text
    return claims[0]


# fmt: off
STRONG_CASES = [
    # sentence,                                                            family (None: not CA403)
    ("Magnesium cures sciatica in days.",                                   "cure"),
    ("Magnesium supplements are safe for people with kidney disease.",      "blanket safety"),
    ("Turmeric is guaranteed to end joint pain.",                           "guarantee"),
    ("Scientists have proven that zinc stops colds.",                       "proof"),
    ("This oil is completely safe for children.",                           "blanket safety"),
    ("Ginger has no side effects.",                                         "blanket safety"),
    ("Zinc heals stomach ulcers.",                                          "cure"),
    ("Magnesium always relieves headaches.",                                "absolute"),
    ("Magnesium is definitely the best remedy for cramps.",                 "absolute"),
    ("Zinc lozenges are 100% safe.",                                        "guarantee"),
    # hedged, limited, denied or plain: not CA403
    ("Magnesium may be safe for most adults.",                              None),
    ("Magnesium may cure sciatica.",                                        None),
    ("Magnesium is not a cure for sciatica.",                               None),
    ("There is no proof that magnesium cures sciatica.",                    None),
    ("There is no evidence that ginger has no side effects.",               None),
    ("Magnesium supplements are generally safe at recommended doses.",      None),
    ("Magnesium is safe for most people with healthy kidneys.",             None),
    ("Some studies suggest turmeric might ease joint pain.",                None),
    ("Magnesium is linked to better sleep.",                                None),
    ("Zinc lozenges shorten colds in adults.",                                None),
    # words of the lexicon in another sense, and level-4 intensifiers: not CA403
    ("This was a proof-of-concept study of zinc in colds.",                 None),
    ("The institute studies the causes, treatments and cures of disease.",  None),
    ("The team worked to eliminate the noise in the data.",                 None),
    ("The engineered protein is a harmless fragment of the toxin.",         None),
    ("Magnesium completely relaxes tight muscles.",                         None),
    ("Zinc is a game changer for colds.",                                   None),
]
# fmt: on


@pytest.mark.parametrize(("text", "family"), STRONG_CASES, ids=[c[0] for c in STRONG_CASES])
def test_strong_wording(text: str, family: str | None) -> None:
    assert strong_wording(_claim(text)) == family


def test_ca403_is_a_documented_unverified_rule(root: Path) -> None:
    rule = RULES["CA403"]
    assert (rule.verdict, rule.name) == ("unverified", "unsupported-strong-claim")
    assert "| unverified | CA403 |" in (root / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize(("text", "rule"), [(STRONG, "CA403"), (PLAIN, "CA401")])
def test_unverified_strong_claim_gets_ca403_and_keeps_its_verdict(in_mini: Path, text: str,
                                                                  rule: str) -> None:
    doc = json.loads(check("-", "--format", "json", input=text + "\n").output)
    (claim,) = doc["articles"][0]["claims"]
    assert (claim["verdict"], claim["rule"]) == ("unverified", rule)


def test_a_matched_claim_is_judged_on_its_evidence_not_ca403(in_mini: Path) -> None:
    # Absolute wording of a claim the reference set has evidence on stays CA201/CA301.
    doc = json.loads(check("-", "--format", "json",
                           input="Vitamin C is proven to shorten colds.\n").output)
    (claim,) = doc["articles"][0]["claims"]
    assert claim["rule"] == "CA201"


# --- check: the same selection flags as audit ---------------------------------------------

DRAFT = f"{CONTRADICTED}\n\n{STRONG}\n\n{PLAIN}\n"


# fmt: off
CHECK_SELECTION = [
    # description,                       options,                                     rules listed,                exit
    ("default: problems and CA403",       [],                                          ["CA301", "CA403"],          ExitCode.FINDINGS),
    ("--show-unverified adds CA401",      ["--show-unverified"],                       ["CA301", "CA403", "CA401"], ExitCode.FINDINGS),
    ("--select CA403",                    ["--select", "CA403"],                       ["CA403"],                   ExitCode.CLEAN),
    ("--select a prefix",                 ["--select", "CA3"],                         ["CA301"],                   ExitCode.FINDINGS),
    ("--select a reference id",           ["--select", "VC-001"],                      ["CA301"],                   ExitCode.FINDINGS),
    ("--ignore a reference id",           ["--ignore", "VC-001"],                      ["CA403"],                   ExitCode.CLEAN),
    ("--ignore CA403",                    ["--ignore", "CA403"],                       ["CA301"],                   ExitCode.FINDINGS),
    ("--fail-on CA403 with it ignored",   ["--ignore", "VC-001", "--fail-on", "CA403"], ["CA403"],                  ExitCode.FINDINGS),
    ("--fail-on none",                    ["--fail-on", "none"],                       ["CA301", "CA403"],          ExitCode.CLEAN),
    ("--exit-zero",                       ["--exit-zero"],                             ["CA301", "CA403"],          ExitCode.CLEAN),
    ("--min-score 100 matches nothing",   ["--min-score", "100", "--show-unverified"], ["CA401", "CA403", "CA401"], ExitCode.CLEAN),
]
# fmt: on


@pytest.mark.parametrize(("description", "options", "rules", "code"), CHECK_SELECTION,
                         ids=[c[0] for c in CHECK_SELECTION])
def test_check_selection_flags(in_mini: Path, description: str, options: list[str],
                               rules: list[str], code: ExitCode) -> None:
    result = check("-", "--format", "concise", *options, input=DRAFT)
    listed = [line.split(" ")[1] for line in result.output.splitlines()]
    assert sorted(listed) == sorted(rules), result.output
    assert result.exit_code == code, result.output


def test_check_and_audit_share_the_selection_options() -> None:
    def names(command) -> set[str]:  # noqa: ANN001
        return {o for p in command.params for o in p.opts}

    shared = {"--select", "--ignore", "--fail-on", "--exit-zero", "--min-score", "--show-unverified",
              "--color", "--config", "--reference"}
    assert shared <= names(cli.check_cmd)
    assert shared <= names(cli.audit_cmd)
    help_of = {cmd.name: {p.name: p.help for p in cmd.params} for cmd in (cli.check_cmd, cli.audit_cmd)}
    for option in ("select", "ignore", "fail_on", "min_score", "show_unverified"):
        assert help_of["check"][option] == help_of["audit"][option]  # one definition


def test_fail_on_rule_code_in_configuration(in_mini: Path, tmp_path: Path) -> None:
    config = tmp_path / "strict.toml"
    config.write_text('fail-on = ["overstated", "contradicted", "CA403"]\n', encoding="utf-8")
    result = check("-", "--config", str(config), input=STRONG + "\n")
    assert result.exit_code == ExitCode.FINDINGS
    assert check("-", input=STRONG + "\n").exit_code == ExitCode.CLEAN  # a warning by default


def test_bad_fail_on_code_is_exit_2(in_mini: Path) -> None:
    result = check("-", "--fail-on", "CA999", input=PLAIN + "\n")
    assert result.exit_code == ExitCode.BAD_INPUT
    assert "unknown rule code 'CA999'" in result.stderr


# --- audit: findings first, one summary line ------------------------------------------------


def _write_corpus(folder: Path, n: int) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        (folder / f"a{i:02d}.md").write_text(f"# Draft {i}\n\n{DRAFT}", encoding="utf-8")
    return folder


def test_audit_prints_findings_then_reports_then_one_summary_line(in_mini: Path,
                                                                  tmp_path: Path) -> None:
    corpus = _write_corpus(tmp_path / "drafts", 2)
    result = audit(tmp_path, str(corpus), "--reference", "reference", "--format", "json,csv,html")
    assert result.exit_code == ExitCode.FINDINGS
    lines = result.stderr.splitlines()
    findings = [ln for ln in lines if re.match(r"^\S+:\d+:\d+: CA\d{3} ", ln)]
    assert [ln.split(" ")[1] for ln in findings] == ["CA301", "CA403"] * 2
    assert lines[:len(findings)] == findings  # findings first
    assert not [ln for ln in lines if ln.startswith("wrote ")]
    reports = [ln for ln in lines if ln.startswith("Reports in ")]
    assert reports == [f"Reports in {tmp_path / 'out'}/: audit.json, claims.csv, index.html, "
                       "2 article pages"]
    assert lines[-1] == ("Found 4 problems (2 contradicted, 2 unsupported strong) in 2 articles; "
                         "2 claims unverified")
    assert "CA401" not in result.stderr  # plain unverified: counted, not listed


@pytest.mark.parametrize(("articles", "small_batch", "options", "table"), [
    (2, 10, [], True),                   # a small batch shows the table
    (3, 2, [], False),                   # a large one does not ...
    (3, 2, ["--statistics"], True),      # ... unless asked for
])
def test_audit_table_only_for_small_batches_or_statistics(
        in_mini: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, articles: int,
        small_batch: int, options: list[str], table: bool) -> None:
    monkeypatch.setattr(cli, "SMALL_BATCH", small_batch)
    corpus = _write_corpus(tmp_path / "drafts", articles)
    result = audit(tmp_path, str(corpus), "--reference", "reference", *options)
    has_table = any(ln.startswith("article ") and "suppressed" in ln
                    for ln in result.stderr.splitlines())
    assert has_table is table
    assert result.stderr.splitlines()[-1].startswith("Found ")


def test_audit_quiet_prints_nothing(in_mini: Path, tmp_path: Path) -> None:
    result = audit(tmp_path, "corpus", "--reference", "reference", "-q")
    assert (result.exit_code, result.stderr) == (ExitCode.FINDINGS, "")


def test_audit_select_and_show_unverified(in_mini: Path, tmp_path: Path) -> None:
    corpus = _write_corpus(tmp_path / "drafts", 1)
    selected = audit(tmp_path, str(corpus), "--reference", "reference", "--select", "CA403")
    assert selected.exit_code == ExitCode.CLEAN  # the contradicted claim is not selected
    assert [ln.split(" ")[1] for ln in selected.stderr.splitlines()
            if re.match(r"^\S+:\d+:\d+: ", ln)] == ["CA403"]
    everything = audit(tmp_path, str(corpus), "--reference", "reference", "--show-unverified")
    assert [ln.split(" ")[1] for ln in everything.stderr.splitlines()
            if re.match(r"^\S+:\d+:\d+: ", ln)] == ["CA301", "CA403", "CA401"]


def test_problem_summary_without_problems() -> None:
    doc = {"summary": {"articles": 3, "claims": 4, "supported": 3, "overstated": 0,
                       "contradicted": 0, "unverified": 1},
           "articles": [{"claims": [{"verdict": "overstated", "rule": "CA201", "suppressed": True}]}],
           "errors": [{"path": "x.pdf", "error": "not text"}]}
    assert problem_summary(doc) == ("No problems found in 3 articles; 1 claim unverified; "
                                    "1 suppressed; 1 file could not be read")


# --- NO_COLOR and COLUMNS -------------------------------------------------------------------


class _Stream:
    def __init__(self, tty: bool) -> None:
        self.tty = tty

    def isatty(self) -> bool:
        return self.tty


@pytest.mark.parametrize(("flag", "no_color", "tty", "expected"), [
    (None, "", True, True),
    (None, "", False, False),
    (None, "1", True, False),      # NO_COLOR turns colour off on a terminal
    (True, "1", False, True),      # --color beats NO_COLOR
    (False, "", True, False),
])
def test_color_enabled(monkeypatch: pytest.MonkeyPatch, flag: bool | None, no_color: str,
                       tty: bool, expected: bool) -> None:
    monkeypatch.setenv("NO_COLOR", no_color)
    assert color_enabled(flag, _Stream(tty)) is expected


@pytest.mark.parametrize(("columns", "tty", "expected"), [
    ("72", False, 72), ("", False, None), ("abc", False, None), ("0", False, None)])
def test_terminal_width_honours_columns(monkeypatch: pytest.MonkeyPatch, columns: str, tty: bool,
                                        expected: int | None) -> None:
    monkeypatch.setenv("COLUMNS", columns)
    assert terminal_width(_Stream(tty), None) == expected


def test_check_no_color_env_and_columns(in_mini: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    assert "\x1b[" not in check("corpus/colds.md").output
    assert "\x1b[" in check("corpus/colds.md", "--color").output
    monkeypatch.setenv("COLUMNS", "60")
    assert max(len(ln) for ln in check("corpus/colds.md").output.splitlines()
               if not ln.startswith(("corpus/", "1 article"))) <= 60


@pytest.mark.parametrize("width", [60, 80, 120])
def test_finding_lines_fit_columns_and_keep_the_location(width: int) -> None:
    article = {"path": "drafts/a-rather-long-folder-name/article.md"}
    claim = {"line": 12, "column": 3, "rule": "CA201", "verdict": "overstated",
             "reference_id": "MG-038", "evidence_grade": "limited", "text": "word " * 60}
    line = finding_line(article, claim, width=width)
    assert line.startswith("drafts/a-rather-long-folder-name/article.md:12:3: CA201 overstated \"")
    assert len(line) <= max(width, len(line.split('"')[0]) + 40 + 2 + len(" (MG-038, evidence limited)"))
    assert line.endswith('…" (MG-038, evidence limited)')


def test_audit_colour_and_no_color(in_mini: Path, tmp_path: Path,
                                   monkeypatch: pytest.MonkeyPatch) -> None:
    coloured = audit(tmp_path, "corpus", "--reference", "reference", "--color")
    assert "\x1b[" in coloured.stderr
    monkeypatch.setenv("NO_COLOR", "1")
    assert "\x1b[" not in audit(tmp_path, "corpus", "--reference", "reference").stderr


# --- suppressed claims: counted one way everywhere ----------------------------------------------


def test_suppressed_claims_counted_the_same_in_terminal_index_and_page(in_mini: Path,
                                                                       tmp_path: Path) -> None:
    from claimaudit.html_report import page_name

    result = audit(tmp_path, "corpus", "--reference", "reference", "--format", "json,html")
    doc = json.loads((tmp_path / "out" / "audit.json").read_text(encoding="utf-8"))
    (article,) = doc["articles"]
    claims = doc["summary"]["claims"]
    suppressed = sum(c["suppressed"] for c in article["claims"])
    assert suppressed == 1 and claims == len(article["claims"]) - 1
    # terminal: the table's row and the summary line
    row = next(ln for ln in result.stderr.splitlines() if ln.startswith("corpus/colds.md "))
    assert row.split()[1:] == [str(claims), *(str(article["counts"][v]) for v in
                               ("supported", "overstated", "contradicted", "unverified")), "1"]
    assert result.stderr.splitlines()[-1].endswith("; 1 suppressed")
    header = result.stderr.splitlines()[[i for i, ln in enumerate(result.stderr.splitlines())
                                         if ln.startswith("article ")][0]]
    assert header.split() == ["article", "claims", "supported", "overstated", "contradicted",
                              "unverified", "suppressed"]  # no ambiguous "supp"
    # index
    index = (tmp_path / "out" / "index.html").read_text(encoding="utf-8")
    cells = re.findall(r'<td class="num[^"]*"(?: data-col="suppressed")?>(\d+)</td>', index)
    assert cells[1] == str(claims) and cells[-1] == "1"
    assert f"{claims} claims (+1 suppressed)" not in index  # the stat shows claims, then the note
    assert re.search(rf'<div class="stat">{claims}</div><div class="lab">claims \(\+1 suppressed\)',
                     index)
    # the article's page
    page = (tmp_path / "out" / page_name("corpus/colds.md")).read_text(encoding="utf-8")
    assert f"{article['sentence_count']} sentences · {claims} claims · 1 suppressed" in page
    chips = dict(re.findall(r'data-filter="(\w+)" checked>.*?<b>(\d+)</b>', page))
    assert {v: int(n) for v, n in chips.items() if v != "suppressed"} == article["counts"]
    assert chips["suppressed"] == "1"


# --- lazy imports -------------------------------------------------------------------------------


def test_importing_the_cli_loads_no_heavy_library() -> None:
    code = ("import sys, claimaudit.cli; "
            "print(','.join(sorted({m.split('.')[0] for m in sys.modules} & "
            "{'sklearn', 'pandas', 'numpy', 'scipy', 'jinja2', 'yaml', 'rapidfuzz', 'spacy', "
            "'Stemmer', 'tqdm', 'orjson'})))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_version_option(in_mini: Path) -> None:
    from claimaudit import __version__

    result = CliRunner().invoke(main, ["--version"])
    assert result.output == f"claimaudit, version {__version__}\n"


def test_the_package_api_is_still_there() -> None:
    import claimaudit

    assert claimaudit.audit.__module__ == "claimaudit.pipeline"
    assert claimaudit.Settings().ignore == ()
    with pytest.raises(AttributeError):
        claimaudit.nonexistent  # noqa: B018


# --- CSV for Excel ---------------------------------------------------------------------------------


def test_csv_bom(in_mini: Path, tmp_path: Path) -> None:
    plain = CliRunner().invoke(main, ["audit", "corpus", "-r", "reference", "--out",
                                      str(tmp_path / "plain"), "--format", "csv", "-q"])
    bom = CliRunner().invoke(main, ["audit", "corpus", "-r", "reference", "--out",
                                    str(tmp_path / "bom"), "--format", "csv", "-q", "--csv-bom"])
    assert plain.exit_code == bom.exit_code == ExitCode.FINDINGS
    plain_bytes = (tmp_path / "plain" / "claims.csv").read_bytes()
    bom_bytes = (tmp_path / "bom" / "claims.csv").read_bytes()
    assert not plain_bytes.startswith(b"\xef\xbb\xbf")
    assert bom_bytes == b"\xef\xbb\xbf" + plain_bytes
    rows = list(csv.DictReader(io.StringIO(bom_bytes.decode("utf-8-sig"))))
    assert rows and "path" in rows[0]  # the first column's name is not "\ufeffpath"


def test_write_reports_csv_bom_matches_the_streamed_file(in_mini: Path, tmp_path: Path) -> None:
    from claimaudit.pipeline import audit as run_audit
    from claimaudit.report import report_dict, write_reports

    doc = report_dict(run_audit(["corpus"], "reference"))
    (path,) = write_reports(doc, tmp_path / "api", ("csv",), csv_bom=True)
    CliRunner().invoke(main, ["audit", "corpus", "-r", "reference", "--out", str(tmp_path / "cli"),
                              "--format", "csv", "-q", "--csv-bom", "--no-cache"])
    assert path.read_bytes() == (tmp_path / "cli" / "claims.csv").read_bytes()


# --- HTML: the index table is not clipped; .html titles lose "# " ------------------------------------


def test_index_table_scrolls_instead_of_clipping() -> None:
    from importlib import resources

    css = resources.files("claimaudit").joinpath("templates/report.css").read_text(encoding="utf-8")
    rule = re.search(r"\.table-card \{([^}]*)\}", css).group(1)
    assert "overflow-x: auto" in rule and "overflow: hidden" not in rule
    assert re.search(r"table\.articles \.path \{[^}]*overflow-wrap: anywhere", css)


@pytest.mark.parametrize(("source", "kind", "title"), [
    ("<html><body><h1>Magnesium and cramps</h1><p>Some text here today.</p></body></html>",
     "html", "Magnesium and cramps"),
    ("<html><body><h2>Second-level title</h2><p>Text.</p></body></html>", "html",
     "Second-level title"),
    ("# Markdown title\n\nText here.\n", "md", "Markdown title"),
    ("#hashtag is not a heading in this text\n", "md", "#hashtag is not a heading in this text"),
    ("A plain first line of text.\n", "txt", "A plain first line of text."),
])
def test_article_title_has_no_heading_marks(source: str, kind: str, title: str) -> None:
    assert article_from_text(source, kind=kind).title == title


def test_audit_output_is_the_same_from_the_short_and_the_full_document(in_mini: Path,
                                                                      tmp_path: Path) -> None:
    """`audit` keeps only short entries in memory unless a format needs the whole report
    (html, sarif ...); what it prints and its exit code must not depend on that."""
    corpus = _write_corpus(tmp_path / "drafts", 2)
    (corpus / "quiet.md").write_text(f"<!-- claimaudit: ignore VC-001 -->\n{CONTRADICTED}\n\n{PLAIN}\n",
                                     encoding="utf-8")

    def run(formats: str, *options: str):
        result = CliRunner().invoke(main, ["audit", str(corpus), "-r", "reference", "--format",
                                           formats, "--out", str(tmp_path / formats), "--jobs",
                                           "1", *options])
        return result.exit_code, [ln for ln in result.stderr.splitlines()
                                  if not ln.startswith("Reports in ")]

    for options in ([], ["--fail-on", "unverified"], ["--fail-on", "CA401"], ["--select", "CA401"],
                    ["--show-unverified"]):
        short, full = run("json", *options), run("json,html", *options)
        assert short == full, options
    assert run("json", "--select", "CA401")[0] == ExitCode.CLEAN
    assert run("json", "--select", "CA401", "--fail-on", "CA401")[0] == ExitCode.FINDINGS
    assert run("json")[1][-1].endswith("; 1 suppressed")
