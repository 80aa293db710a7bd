"""The curator's views (`reference show`, `reference coverage`) and study links everywhere."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from claimaudit.cli import main
from claimaudit.curation import coverage, unverified_claims
from claimaudit.html_report import claim_details
from claimaudit.report import markdown_flagged, study_links

VITC = Path(__file__).parent / "fixtures" / "packs" / "vitc"


def invoke(*args: str):
    return CliRunner().invoke(main, list(args))


# --- links ---------------------------------------------------------------------------


@pytest.mark.parametrize("study,links", [
    ({"pmid": "23440782", "doi": "10.1002/14651858.CD000980.pub4", "url": "https://example.org/x"},
     [("PubMed 23440782", "https://pubmed.ncbi.nlm.nih.gov/23440782/"),
      ("doi:10.1002/14651858.CD000980.pub4", "https://doi.org/10.1002/14651858.CD000980.pub4")]),
    ({"doi": "10.1016/S0140-6736(20)30000-1"},
     [("doi:10.1016/S0140-6736(20)30000-1", "https://doi.org/10.1016/S0140-6736%2820%2930000-1")]),
    ({"pmid": "PMID 123", "url": "https://example.org/a(b)"}, [("source", "https://example.org/a%28b%29")]),
    ({"url": "https://example.org/a b"}, []),
    ({"url": "javascript:alert(1)"}, []),
    ({"url": "http://example.org/page?id=3"}, [("source", "http://example.org/page?id=3")]),
    ({"pmid": None, "doi": None}, []),
])
def test_study_links(study: dict, links: list) -> None:
    assert study_links(study) == links


def test_markdown_summary_lists_study_links() -> None:
    article = {"path": "a.md", "claims": [{
        "verdict": "contradicted", "suppressed": False, "rule": "CA301", "reference_id": "VC-001",
        "evidence_grade": "strong", "line": 3, "text": "Vitamin C prevents colds.", "reason": "R.",
        "suggestion": "", "studies": [{"citation": "Hemilä H | Chalker E. Cochrane 2013",
                                       "pmid": "23440782"}, {"citation": "No link"}]}]}
    lines = markdown_flagged(article)
    assert lines[-2:] == [
        "  - Study: Hemilä H \\| Chalker E. Cochrane 2013 "
        "([PubMed 23440782](https://pubmed.ncbi.nlm.nih.gov/23440782/))",
        "  - Study: No link",
    ]


def test_html_details_carry_only_http_links() -> None:
    claim = {"verdict": "supported", "text": "x", "studies": [
        {"citation": "A", "doi": "10.5555/x"}, {"citation": "B", "url": "javascript:alert(1)"}]}
    studies = claim_details(claim, {})["studies"]
    assert studies[0]["links"] == [{"label": "doi:10.5555/x", "href": "https://doi.org/10.5555/x"}]
    assert "links" not in studies[1]


# --- reference show ----------------------------------------------------------------------


@pytest.fixture
def audited(tmp_path: Path, monkeypatch) -> Path:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "drafts").mkdir()
    (tmp_path / "drafts" / "a.md").write_text(
        "Vitamin C prevents colds.\n\nVitamin C may slightly shorten colds.\n", encoding="utf-8")
    result = invoke("audit", "drafts", "--reference", str(VITC), "--out", "reports", "-q", "--exit-zero")
    assert result.exit_code == 0, result.output
    return tmp_path


def test_show_entry_with_studies_links_and_matches(audited: Path) -> None:
    result = invoke("reference", "show", "vc-001", "--reference", str(VITC))
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert out.startswith("VC-001  Regular vitamin C supplements prevent the common cold in the "
                          "general population.\n")
    assert f"  entry     {VITC / 'colds.yaml'}:2 (pack vitc)\n" in out
    assert "  grade     strong; allows wording up to 0 (no claim)\n" in out
    assert "https://pubmed.ncbi.nlm.nih.gov/23440782/" in out
    assert "https://doi.org/10.1002/14651858.CD000980.pub4" in out
    assert "journal; verified: PubMed abstract of PMID 23440782" in out
    assert "  matched   1 sentence(s) in reports/audit.json:\n" in out
    assert "drafts/a.md:1:1  contradicted  Vitamin C prevents colds." in out


def test_show_json(audited: Path) -> None:
    data = json.loads(invoke("reference", "show", "VC-002", "-r", str(VITC), "--format", "json").stdout)
    assert (data["id"], data["pack"], data["grade"], data["max_strength"], data["allowed_strength"]) == (
        "VC-002", "vitc", "moderate", 2, 3)
    assert data["matched"] == [{"path": "drafts/a.md", "line": 3, "column": 1, "verdict": "supported",
                                "rule": "CA001", "suppressed": False,
                                "text": "Vitamin C may slightly shorten colds."}]
    assert data["studies"][0]["links"][0]["href"] == "https://pubmed.ncbi.nlm.nih.gov/23440782/"


def test_show_without_a_report(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = invoke("reference", "show", "VC-002", "-r", str(VITC))
    assert result.exit_code == 0
    assert "  matched   no report (run claimaudit audit, or pass --report PATH)\n" in result.stdout


@pytest.mark.parametrize("args,message", [
    (["VC-003"], "claimaudit: error: no entry 'VC-003' in the reference set (2 claims); did you mean "
                 "VC-002, VC-001?"),
    (["VC-001", "--report", "missing.json"], "claimaudit: error: missing.json: no such file"),
])
def test_show_errors_exit_2(tmp_path: Path, monkeypatch, args: list[str], message: str) -> None:
    monkeypatch.chdir(tmp_path)
    result = invoke("reference", "show", *args, "-r", str(VITC))
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [message]


# --- reference coverage ------------------------------------------------------------------


def claim(text: str, line: int, verdict: str = "unverified", closest: str | None = None,
          suppressed: bool = False) -> dict:
    return {"text": text, "line": line, "column": 1, "verdict": verdict, "suppressed": suppressed,
            "rule": "CA401" if verdict == "unverified" else "CA001", "fingerprint": f"{line}-{text}",
            "candidates": [{"reference_id": closest, "score": 30.0}] if closest else []}


def report(articles: dict[str, list[dict]]) -> dict:
    return {"schema": "claimaudit/report@1", "tool_version": "0", "settings": {},
            "reference": {"paths": [], "claims": 0, "sha256": "x"},
            "articles": [{"path": p, "claims": cs} for p, cs in articles.items()],
            "errors": [], "summary": {}}


DOC = report({
    "a.md": [claim("Vitamin D prevents the flu.", 1, closest="VD-010"),
             claim("Zinc lozenges shorten colds.", 2),
             claim("Vitamin D supplements prevent flu infections.", 3, closest="VD-010"),
             claim("Vitamin D prevents the flu.", 4, verdict="supported")],
    "b.md": [claim("Vitamin D prevents the flu.", 1, closest="VD-011"),
             claim("Taking vitamin D prevents the flu.", 2, suppressed=True),
             claim("Zinc lozenges shorten colds.", 5)],
    "c.md": [claim("Sunlight makes vitamin D in the skin.", 7)],
})


def test_coverage_groups_and_ranks() -> None:
    groups = coverage(DOC, threshold=0.3)
    assert [(g.text, g.count, len(g.articles)) for g in groups] == [
        ("Vitamin D prevents the flu.", 3, 2),
        ("Zinc lozenges shorten colds.", 2, 2),
        ("Sunlight makes vitamin D in the skin.", 1, 1),
    ]
    first = groups[0].as_dict(examples=2)
    assert first["examples"] == [  # one per article first, in path order
        {"path": "a.md", "line": 1, "column": 1, "text": "Vitamin D prevents the flu."},
        {"path": "b.md", "line": 1, "column": 1, "text": "Vitamin D prevents the flu."},
    ]
    assert first["closest"] == [{"reference_id": "VD-010", "count": 2},
                                {"reference_id": "VD-011", "count": 1}]


def test_a_high_threshold_keeps_paraphrases_apart() -> None:
    texts = [g.text for g in coverage(DOC, threshold=0.95)]
    assert "Vitamin D supplements prevent flu infections." in texts


def test_coverage_match_filter() -> None:
    assert [g.text for g in coverage(DOC, pattern="zinc")] == ["Zinc lozenges shorten colds."]


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 10_000), threshold=st.sampled_from([0.1, 0.3, 0.6, 0.9]))
def test_coverage_accounts_for_every_claim_in_any_order(seed: int, threshold: float) -> None:
    """Every unverified claim is in exactly one group, and article order changes nothing."""
    items = list(DOC["articles"])
    random.Random(seed).shuffle(items)
    shuffled = {**DOC, "articles": items}
    groups = coverage(shuffled, threshold)
    assert sum(g.count for g in groups) == len(unverified_claims(DOC)) == 6
    assert [g.as_dict(9) for g in groups] == [g.as_dict(9) for g in coverage(DOC, threshold)]


def test_coverage_cli_text_and_json(tmp_path: Path) -> None:
    path = tmp_path / "audit.json"
    path.write_text(json.dumps(report({"a.md": DOC["articles"][0]["claims"],
                                       "b.md": DOC["articles"][1]["claims"]}) | {
        "schema": "claimaudit/report@1"}), encoding="utf-8")
    result = invoke("reference", "coverage", str(path), "--top", "1", "--examples", "1")
    assert result.exit_code == 0, result.output
    assert result.stdout == (
        "5 unverified claims in 2 groups; the 1 commonest:\n\n"
        "1. 3x in 2 article(s): Vitamin D prevents the flu.\n"
        "   closest entries: VD-010 (2), VD-011 (1)\n"
        "   - a.md:1:1  Vitamin D prevents the flu.\n")
    data = json.loads(invoke("reference", "coverage", str(path), "--format", "json").stdout)
    assert (data["unverified"], data["groups"], [g["count"] for g in data["top"]]) == (5, 2, [3, 2])


def test_coverage_bad_input_exits_2(tmp_path: Path) -> None:
    result = invoke("reference", "coverage", str(tmp_path / "none.json"))
    assert result.exit_code == 2
    assert result.stderr.strip().endswith("none.json: no such file")
    path = tmp_path / "audit.json"
    path.write_text(json.dumps(DOC), encoding="utf-8")
    result = invoke("reference", "coverage", str(path), "--match", "(")
    assert result.exit_code == 2
    assert "--match '(': not a regular expression" in result.stderr


def test_check_output_puts_each_link_on_its_own_unwrapped_line() -> None:
    from claimaudit.terminal import render_claim

    long_doi = "10.5555/" + "x" * 90
    claim = {"verdict": "overstated", "rule": "CA201", "line": 1, "column": 1, "text": "X.",
             "reference_id": "VC-001", "score": 80.0, "evidence_grade": "strong", "strength": 3,
             "reason": "", "suggestion": "",
             "studies": [{"citation": "Example A.", "design": "RCT", "pmid": "1", "doi": long_doi}]}
    lines = render_claim({"path": "a.md"}, claim, {}, color=False, width=60)
    assert lines[-3:] == ["  studies   • Example A. — RCT [PMID 1]",
                          " " * 14 + "https://pubmed.ncbi.nlm.nih.gov/1/",
                          " " * 14 + "https://doi.org/" + long_doi]
