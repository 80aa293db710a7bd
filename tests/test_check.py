"""`claimaudit check`: the editor's view, its formats, stdin, colour and exit codes."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from claimaudit.cli import main
from claimaudit.records import ReferenceClaim, Study
from claimaudit.terminal import reason_tail, render_concise, render_full

CONTRADICTED_LINE = ('corpus/colds.md:6:1: CA301 contradicted "Taking vitamin C every day '
                     'prevents colds." (VC-001, evidence strong)')
CONCISE_RE = re.compile(
    r'^(?P<path>[^:]+):(?P<line>\d+):(?P<col>\d+): (?P<rule>CA\d{3}) '
    r'(?P<verdict>overstated|contradicted|unverified) "(?P<text>[^\n]+)" \((?P<why>[^)]+)\)$')


@pytest.fixture()
def in_mini(mini: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """Run from the mini fixture (paths print as corpus/colds.md) with an empty configuration."""
    empty = tmp_path / "claimaudit.toml"
    empty.write_text("", encoding="utf-8")
    monkeypatch.setenv("CLAIMAUDIT_CONFIG", str(empty))
    monkeypatch.chdir(mini)
    return mini


def run(*args: str, input: str | bytes | None = None):  # noqa: A002 - click's name
    return CliRunner().invoke(main, ["check", *args], input=input)


def flat(text: str) -> str:
    """Collapse whitespace, so wrapped terminal text can be compared with one string."""
    return " ".join(text.split())


# --- on the mini fixture ------------------------------------------------------


def test_concise_golden_line_and_exit_1(in_mini: Path) -> None:
    result = run("corpus/colds.md", "--format", "concise")
    assert result.exit_code == 1, result.output
    lines = result.output.splitlines()
    assert CONTRADICTED_LINE in lines
    for line in lines:
        assert CONCISE_RE.match(line), line
    # The sentence under "<!-- claimaudit: ignore VC-001 -->" is suppressed: not listed.
    assert not [ln for ln in lines if "Daily vitamin C protects" in ln]
    assert result.stderr == ""


def test_concise_lists_the_same_claims_as_the_report(in_mini: Path) -> None:
    doc = json.loads(run("corpus/colds.md", "--format", "json").output)
    expected = [f"corpus/colds.md:{c['line']}:{c['column']}: {c['rule']} {c['verdict']}"
                for c in doc["articles"][0]["claims"]
                if c["verdict"] != "supported" and not c["suppressed"]]
    lines = run("corpus/colds.md", "--format", "concise", "--show-unverified").output.splitlines()
    assert [ln.split(' "')[0] for ln in lines] == expected


def test_full_shows_place_verdict_reference_studies_reason_and_suggestion(in_mini: Path) -> None:
    result = run("corpus/colds.md")
    assert result.exit_code == 1
    out = result.output
    assert "\x1b[" not in out  # piped: no colour
    assert ("corpus/colds.md:6:1  CONTRADICTED  CA301\n"
            "  │ Taking vitamin C every day prevents colds.\n") in out
    block = flat(out.split("corpus/colds.md:6:1")[1].split("\n\n")[0])
    # The reference text is looked up in the reference set (the report holds only the id).
    assert ('reference VC-001 "Regular vitamin C supplements prevent the common cold in the '
            'general population."') in block
    assert "evidence strong evidence against this claim (stance refutes)" in block
    assert ("studies • Hemilä H, Chalker E. Vitamin C for preventing and treating the common "
            "cold. Cochrane Database Syst Rev 2013;(1):CD000980 — Cochrane systematic review of "
            "placebo-controlled trials, n=11,306 [PMID 23440782]") in block
    assert "why The evidence points against this claim" in block
    assert ("suggest In the general population, regular vitamin C does not reduce how often "
            "people catch colds.") in block
    assert re.search(r"^1 article, \d+ claims: .* \(1 suppressed\)\. 1 unverified not shown "
                     r"\(--show-unverified lists them\)\.$", out, re.M)


def test_color_is_forced_with_flag_and_off_with_no_color(in_mini: Path) -> None:
    coloured = run("corpus/colds.md", "--color").output
    assert "\x1b[" in coloured
    assert "\x1b[1mcorpus/colds.md:6:1\x1b[0m" in coloured
    assert "\x1b[" not in run("corpus/colds.md", "--no-color").output


def test_json_is_the_report_contract(in_mini: Path) -> None:
    result = run("corpus/colds.md", "--format", "json")
    doc = json.loads(result.output)
    assert doc["schema"] == "claimaudit/report@1"
    assert [a["path"] for a in doc["articles"]] == ["corpus/colds.md"]
    assert doc["reference"]["paths"] == ["reference/vitamin-c.yaml"]
    assert result.exit_code == 1


# --- stdin ----------------------------------------------------------------------


def test_stdin_is_checked_as_one_article(in_mini: Path) -> None:
    result = run("-", "--format", "concise",
                 input="Taking vitamin C every day prevents colds.\n")
    assert result.exit_code == 1
    assert result.output == ('<stdin>:1:1: CA301 contradicted "Taking vitamin C every day '
                             'prevents colds." (VC-001, evidence strong)\n')


def test_stdin_filename_names_the_input(in_mini: Path) -> None:
    result = run("-", "--stdin-filename", "drafts/new.md", "--format", "concise",
                 input="Intro line here.\n\nTaking vitamin C every day prevents colds.\n")
    assert result.output.startswith("drafts/new.md:3:1: CA301 contradicted ")


def test_stdin_and_files_together(in_mini: Path) -> None:
    result = run("corpus/colds.md", "-", "--format", "json",
                 input="Taking vitamin C every day prevents colds.\n")
    assert [a["path"] for a in json.loads(result.output)["articles"]] == [
        "<stdin>", "corpus/colds.md"]


# --- exit codes -----------------------------------------------------------------

# fmt: off
CLEAN_INPUTS = [
    # description,                                 stdin text
    ("no claim at all",                            "Should you take vitamin C?\n"),
    ("only an unverified claim",                   "Zinc lozenges shorten colds in adults.\n"),
    ("contradicted claim suppressed inline",       "<!-- claimaudit: ignore VC-001 -->\n"
                                                   "Taking vitamin C every day prevents colds.\n"),
]
# fmt: on


@pytest.mark.parametrize(("description", "text"), CLEAN_INPUTS, ids=[c[0] for c in CLEAN_INPUTS])
def test_exit_0_when_nothing_overstated_or_contradicted(in_mini: Path, description: str,
                                                        text: str) -> None:
    result = run("-", input=text)
    assert result.exit_code == 0, result.output
    assert result.stderr == ""


def test_unverified_claims_are_listed_on_request_but_do_not_fail(in_mini: Path) -> None:
    result = run("-", "--format", "concise", "--show-unverified",
                 input="Zinc lozenges shorten colds in adults.\n")
    assert result.exit_code == 0
    assert result.output == ('<stdin>:1:1: CA401 unverified "Zinc lozenges shorten colds in '
                             'adults." (no matching reference claim)\n')
    hidden = run("-", "--format", "concise", input="Zinc lozenges shorten colds in adults.\n")
    assert (hidden.exit_code, hidden.output) == (0, "")


def test_nothing_to_review_message(in_mini: Path) -> None:
    result = run("-", input="Should you take vitamin C?\n")
    assert result.output == ("No claims found.\n"
                             "1 article, 0 claims: 0 overstated, 0 contradicted, 0 unverified, "
                             "0 supported.\n")


def test_configuration_ignore_list_applies(in_mini: Path, tmp_path: Path) -> None:
    config = tmp_path / "ignore.toml"
    config.write_text('ignore = ["VC-001"]\n', encoding="utf-8")
    result = run("-", "--config", str(config), input="Taking vitamin C every day prevents colds.\n")
    assert result.exit_code == 0, result.output
    assert "Nothing to review." in result.output


def _assert_input_error(result, message: str) -> None:
    assert result.exit_code == 2, result.output
    assert result.stderr.splitlines() == [message]
    assert "Traceback" not in result.output + result.stderr


def test_exit_2_on_missing_file(in_mini: Path) -> None:
    _assert_input_error(run("missing.md"),
                        "claimaudit: error: missing.md: no such file or directory")


def test_exit_2_on_binary_file(in_mini: Path, tmp_path: Path) -> None:
    png = tmp_path / "photo.md"
    png.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00binary")
    result = run(str(png))
    assert result.exit_code == 2
    assert len(result.stderr.splitlines()) == 1
    assert result.stderr.endswith("photo.md: not text: looks like a PNG image\n")


def test_exit_2_on_binary_stdin(in_mini: Path) -> None:
    _assert_input_error(run("-", input=b"\x89PNG\r\n\x1a\nxxxx"),
                        "claimaudit: error: <stdin>: not text: looks like a PNG image")


def test_exit_2_on_missing_reference(in_mini: Path) -> None:
    from claimaudit.packs import bundled_packs

    _assert_input_error(
        run("corpus/colds.md", "--reference", "nowhere"),
        "claimaudit: error: [CA-E1] nowhere: no such reference file or folder, nor a bundled "
        f"pack (bundled packs: {', '.join(bundled_packs())}); pass --reference PATH or a pack name"
        if bundled_packs() else
        "claimaudit: error: [CA-E1] nowhere: no such reference file or folder, nor a bundled "
        "pack; pass --reference PATH or a pack name")


def test_exit_2_on_broken_reference(in_mini: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("claims:\n  - id: VC-001\n    text: [unclosed\n", encoding="utf-8")
    result = run("corpus/colds.md", "--reference", str(bad))
    assert result.exit_code == 2
    assert len(result.stderr.splitlines()) == 1
    assert result.stderr.startswith("claimaudit: error: [CA-E1] ")
    assert "Traceback" not in result.stderr


def test_exit_2_without_input(in_mini: Path) -> None:
    _assert_input_error(
        run(), "claimaudit: error: nothing to check; pass files or folders, or - for standard "
               "input")


def test_exit_2_on_unknown_format(in_mini: Path) -> None:
    result = run("corpus/colds.md", "--format", "xml")
    assert result.exit_code == 2
    assert "Invalid value for '--format'" in result.stderr


# --- renderers on a synthetic report (exact output) -------------------------------

REF = ReferenceClaim(
    id="MG-020", text="Magnesium supplements may reduce chronic low back pain.", stance="supports",
    grade="limited", max_strength=2,
    studies=(Study(citation="Yousef AA, Al-deeb AE. Anaesthesia 2013", design="RCT", year=2013,
                   n=80),),
)
CLAIM = {
    "text": "Researchers have proved that magnesium cures back pain.",
    "start": 10, "end": 65, "line": 3, "column": 5, "verdict": "overstated", "rule": "CA201",
    "strength": 4, "negated": False, "cues": [], "reference_id": "MG-020", "score": 81.4,
    "evidence_grade": "limited",
    "reason": ('Matches MG-020 "Magnesium supplements may reduce chronic low back pain." '
               "(score 81); evidence limited, stance supports: Yousef AA 2013 (RCT, n=80). "
               "The claim is worded as 4 (absolute) (wording: 'proved', 'cures'); the evidence "
               "carries at most 2 (conditional causal)."),
    "suggestion": "Some research suggests that magnesium may reduce chronic low back pain.",
    "studies": [{"citation": "Yousef AA, Al-deeb AE. Anaesthesia 2013", "design": "RCT",
                 "year": 2013, "n": 80, "pmid": "23336985"}],
    "candidates": [{"reference_id": "MG-020", "score": 81.4}], "suppressed": False,
}


def synthetic_doc(*claims: dict) -> dict:
    counts = {"supported": 0, "overstated": 0, "contradicted": 0, "unverified": 0}
    for c in claims:
        if not c["suppressed"]:
            counts[c["verdict"]] += 1
    return {"articles": [{"path": "drafts/back-pain.md", "claims": list(claims),
                          "counts": counts}],
            "summary": {"articles": 1, "claims": sum(counts.values()), **counts}}


def test_render_concise_exact() -> None:
    supported = dict(CLAIM, verdict="supported", rule="CA001", line=1)
    suppressed = dict(CLAIM, suppressed=True, line=2)
    unverified = dict(CLAIM, verdict="unverified", rule="CA401", reference_id=None, line=9,
                      column=1, text="A very long sentence " * 10)
    doc = synthetic_doc(supported, suppressed, CLAIM, unverified)
    assert render_concise(doc) == (
        'drafts/back-pain.md:3:5: CA201 overstated "Researchers have proved that magnesium cures '
        'back pain." (MG-020, evidence limited)\n'
        'drafts/back-pain.md:9:1: CA401 unverified "' + ("A very long sentence " * 6)[:119].rstrip()
        + '…" (no matching reference claim)\n')
    assert render_concise(synthetic_doc(supported)) == ""


def test_render_full_exact() -> None:
    out = render_full(synthetic_doc(CLAIM), {"MG-020": REF}, color=False, width=88)
    assert out == (
        "drafts/back-pain.md:3:5  OVERSTATED  CA201\n"
        "  │ Researchers have proved that magnesium cures back pain.\n"
        '  reference MG-020 "Magnesium supplements may reduce chronic low back pain." (match\n'
        "            81/100)\n"
        "  evidence  limited, stance supports; allows wording up to strength 2 (conditional\n"
        "            causal), the claim is worded at 4 (absolute)\n"
        "  studies   • Yousef AA, Al-deeb AE. Anaesthesia 2013 — RCT, n=80 [PMID 23336985]\n"
        "              https://pubmed.ncbi.nlm.nih.gov/23336985/\n"
        "  why       The claim is worded as 4 (absolute) (wording: 'proved', 'cures'); the\n"
        "            evidence carries at most 2 (conditional causal).\n"
        "  suggest   Some research suggests that magnesium may reduce chronic low back pain.\n"
        "\n"
        "1 article, 1 claim: 1 overstated, 0 contradicted, 0 unverified, 0 supported.\n")


def test_render_full_without_the_reference_entry_still_shows_the_id() -> None:
    out = render_full(synthetic_doc(CLAIM), {}, color=False)
    assert "  reference MG-020 (match 81/100)\n" in out


def test_reason_tail_keeps_unusual_reasons_whole() -> None:
    assert reason_tail("Something else entirely.", []) == "Something else entirely."
    assert reason_tail(CLAIM["reason"], CLAIM["studies"]).startswith("The claim is worded as 4")
