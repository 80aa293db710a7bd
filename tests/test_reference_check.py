"""The reference linter: `claimaudit reference check` and its checks (refcheck.py)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from claimaudit.cli import main
from claimaudit.records import ReferenceClaim, ReferenceSet, Study
from claimaudit.refcheck import (
    allowed_strength,
    check_reference,
    claim_problems,
    duplicate_problems,
    load_keyed_studies,
    source_type,
    study_problems,
    variant_problems,
)
from claimaudit.reference import load_reference

FIXTURES = Path(__file__).parent / "fixtures"
CLEAN = FIXTURES / "packs" / "vitc"
LINE = re.compile(r"^(?P<path>[^:]+):(?P<line>\d+): (?P<code>RC\d{3}) (?P<entry>\S+) (?P<message>.+)$")

# Defects written in today's inline form (studies as mappings under each claim). The studies are
# synthetic test records, named as such; 10.5555 is Crossref's prefix for example DOIs.
SEEDED = """\
claims:
  - id: VC-101
    topic: seeded defect
    text: Vitamin C cures scurvy-related gum bleeding.
    variants:
      - vitamin C stops bleeding gums caused by scurvy
      - scurvy gum bleeding goes away with vitamin C
      - taking vitamin C heals bleeding gums in scurvy
    key_terms:
      - [vitamin c, ascorbic]
      - [gum, bleed]
    stance: supports
    grade: strong
    max_strength: 3
    supported_wording: In one case report, vitamin C was followed by healing of bleeding gums.
    studies:
      - citation: "Synthetic case report for tests. Example J 2020;1:1-2"
        design: case report
        year: 2020
        n: 1
        finding: "Synthetic record: one patient improved."
        pmid: null
        doi: 10.5555/claimaudit-test-1
  - id: VC-102
    topic: seeded defect
    text: Vitamin C causes kidney stones in healthy adults.
    variants:
      - taking vitamin C gives healthy people kidney stones
      - vitamin C supplements lead to kidney stones
      - kidney stones are caused by vitamin C pills
    key_terms:
      - [vitamin c, ascorbic]
      - [kidney stone]
    stance: refutes
    grade: insufficient
    max_strength: 0
    supported_wording: Whether vitamin C supplements cause kidney stones in healthy adults is uncertain.
    studies: []
  - id: VC-103
    topic: seeded defect
    text: Vitamin C shortens colds in marathon runners.
    variants:
      - marathon runners get shorter colds with vitamin C
      - vitamin C makes colds shorter for people who run marathons
      - colds in marathon runners are shorter with vitamin C
    key_terms:
      - [vitamin c, ascorbic]
      - [marathon, runner]
      - [cold]
    stance: supports
    grade: limited
    max_strength: 2
    supported_wording: In marathon runners, vitamin C may shorten colds.
    studies:
      - citation: "Synthetic trial record for tests. Example J 2021;2:3-4"
        design: meta-analysis of RCTs
        year: 2021
        n: 500
        finding: "Synthetic record."
        pmid: "PMID: 12345"
        doi: null
"""


def run(*args: str):
    return CliRunner().invoke(main, ["reference", "check", *args])


def parsed(output: str) -> list[dict[str, str]]:
    rows = []
    for line in output.splitlines():
        m = LINE.match(line)
        assert m, f"not a finding line: {line!r}"
        rows.append(m.groupdict())
    return rows


def test_clean_pack_exits_0() -> None:
    result = run(str(CLEAN))
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert result.stderr == "2 claims, 1 study records: 0 error(s), 0 warning(s)\n"


def test_seeded_inline_defects_exit_1_and_name_each_entry(tmp_path: Path) -> None:
    pack = tmp_path / "vitc"
    shutil.copytree(CLEAN, pack)
    (pack / "seeded.yaml").write_text(SEEDED, encoding="utf-8")
    result = run(str(pack))
    assert result.exit_code == 1, result.output
    rows = parsed(result.stdout)
    assert {(r["code"], r["entry"]) for r in rows} == {
        ("RC301", "VC-101"), ("RC302", "VC-102"), ("RC102", "VC-103")}
    by_code = {r["code"]: r for r in rows}
    seeded = (pack / "seeded.yaml").read_text("utf-8").splitlines()
    # Claim problems point at the entry's line; study problems at the study's line.
    assert seeded[int(by_code["RC301"]["line"]) - 1] == "  - id: VC-101"
    assert seeded[int(by_code["RC302"]["line"]) - 1] == "  - id: VC-102"
    assert seeded[int(by_code["RC102"]["line"]) - 1].strip().startswith("- citation: \"Synthetic trial")
    assert "case reports, animal or in-vitro work" in by_code["RC301"]["message"]
    assert "'PMID: 12345' is malformed" in by_code["RC102"]["message"]


def test_seeded_defects_in_a_copy_of_the_bundled_set(root: Path, tmp_path: Path) -> None:
    """The issue's acceptance check: a copy of the real set plus the seeded entries exits 1 naming each."""
    ref = tmp_path / "reference"
    shutil.copytree(root / "reference", ref, ignore=shutil.ignore_patterns("__pycache__"))
    seeded = SEEDED.replace("VC-1", "MG-9").replace("Vitamin C", "Magnesium").replace(
        "vitamin C", "magnesium").replace("[vitamin c, ascorbic]", "[magnesium]")
    (ref / "magnesium" / "zz-seeded.yaml").write_text(seeded, encoding="utf-8")
    result = run(str(ref), "--no-variants")
    assert result.exit_code == 1
    found = {(r["code"], r["entry"]) for r in parsed(result.stdout)}
    assert {("RC301", "MG-901"), ("RC302", "MG-902"), ("RC102", "MG-903")} <= found


def test_broken_yaml_exits_2_with_one_line(tmp_path: Path) -> None:
    pack = tmp_path / "vitc"
    shutil.copytree(CLEAN, pack)
    (pack / "colds.yaml").write_text("claims:\n  - id: VC-001\n    text: [unclosed\n", encoding="utf-8")
    result = run(str(pack))
    assert result.exit_code == 2
    assert result.stdout == ""
    (line,) = result.stderr.splitlines()
    assert re.match(r"claimaudit: error: \[CA-E1\] .*colds\.yaml:\d+: YAML error", line)


def test_unknown_study_key_exits_2(tmp_path: Path) -> None:
    pack = tmp_path / "vitc"
    shutil.copytree(CLEAN, pack)
    colds = pack / "colds.yaml"
    colds.write_text(colds.read_text("utf-8").replace("studies: [hemila-2013-colds]\n  - id: VC-002",
                                                      "studies: [hemila-2031-colds]\n  - id: VC-002"),
                     encoding="utf-8")
    result = run(str(pack))
    assert result.exit_code == 2
    assert "cites study 'hemila-2031-colds'" in result.stderr


def test_warnings_pass_unless_strict(tmp_path: Path) -> None:
    pack = tmp_path / "vitc"
    shutil.copytree(CLEAN, pack)
    studies = pack / "studies.yaml"
    studies.write_text(studies.read_text("utf-8").replace(
        "verified: true\n    verification: \"PubMed abstract of PMID 23440782 (as for tests/fixtures/mini)\"",
        "verified: false\n    verification: \"the abstract could not be opened\""), encoding="utf-8")
    result = run(str(pack))
    assert result.exit_code == 0
    (row,) = parsed(result.stdout)
    assert (row["code"], row["entry"]) == ("RC901", "hemila-2013-colds")
    assert row["message"].startswith("warning: study 'hemila-2013-colds' is marked verified: false "
                                     "(the abstract could not be opened)")
    assert run(str(pack), "--strict").exit_code == 1


def test_default_set_is_the_configured_one(tmp_path: Path, monkeypatch) -> None:
    shutil.copytree(CLEAN, tmp_path / "refs" / "vitc")
    (tmp_path / "claimaudit.toml").write_text('reference = ["refs"]\n', encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = run()
    assert result.exit_code == 0, result.output
    assert result.stderr.startswith("2 claims")


# --- the checks one by one ------------------------------------------------------


def study(**kw) -> Study:
    base = {"citation": "Example A. Example J 2020;1:2-3", "design": "meta-analysis of RCTs",
            "year": 2020, "n": 300, "source": "ref.yaml:10"}
    base.update(kw)
    return Study(**base)


def claim(**kw) -> ReferenceClaim:
    base = {"id": "XX-001", "text": "Example text.", "stance": "supports", "grade": "moderate",
            "max_strength": 2, "studies": (study(pmid="123"),), "source": "ref.yaml:5"}
    base.update(kw)
    return ReferenceClaim(**base)


def refset(*claims: ReferenceClaim) -> ReferenceSet:
    return ReferenceSet(claims=claims, paths=("ref.yaml",), sha256="x")


@pytest.mark.parametrize("design,citation,declared,expected", [
    ("Cochrane systematic review of RCTs", "Garrison SR, et al. Cochrane Database Syst Rev 2020;9:CD009402", None, "journal"),
    ("evidence-based clinical guideline", "Holland S, et al. Neurology 2012;78:1346-53 (AAN/AHS guideline)", None, "journal"),
    ("authoritative fact sheet (WHO)", "World Health Organization. Low back pain fact sheet, 2023", None, "official"),
    ("WHO guideline", "World Health Organization. Guideline on chronic primary low back pain, 2023", None, "official"),
    ("national dietary survey report", "Moshfegh et al. What We Eat in America. USDA ARS, 2005", None, "official"),
    ("narrative review chapter", "In: Vink R, Nechifor M (eds). Magnesium in the CNS. University of Adelaide Press 2011", None, "book"),
    ("curated pathway database entry", "Reactome pathway database, entry R-HSA-438066", None, "web"),
    ("pharmacist Q&A web page", "PharmacistAnswers.com, Q&A page", None, "web"),
    ("narrative review", "Pickering G, et al. Nutrients 2020", None, "journal"),
    ("animal study (rats)", "Bertinato 2014, Magnes Res (rat study)", None, "journal"),
    ("narrative review", "Pickering G, et al. Nutrients 2020", "web", "web"),  # declared wins
])
def test_source_type_inference(design: str, citation: str, declared: str | None, expected: str) -> None:
    assert source_type(Study(citation=citation, design=design, source_type=declared)) == expected


@pytest.mark.parametrize("fields,codes", [
    ({"pmid": "33089493"}, []),
    ({"doi": "10.1002/14651858.CD009402.pub3"}, []),
    ({}, ["RC101"]),
    ({"source_type": "official"}, []),
    ({"pmid": "PMID33089493"}, ["RC102"]),
    ({"pmid": "0123"}, ["RC102"]),
    ({"pmid": "3308949312"}, ["RC102"]),
    ({"doi": "https://doi.org/10.1002/x"}, ["RC103"]),
    ({"doi": "doi:10.1002/x"}, ["RC103"]),
    ({"doi": "10.12/x"}, ["RC103"]),
    ({"url": "https://pubmed.ncbi.nlm.nih.gov/1864954/"}, ["RC101", "RC104"]),
    ({"url": "http://ncbi.nlm.nih.gov/pubmed/11794633", "doi": "10.1684/mrh.2001.0001"}, ["RC104"]),
    ({"url": "http://doi.org/10.1684/Mrh.2014.0374", "pmid": "1"}, ["RC104"]),
    ({"pmid": "1", "verified": False, "verification": "not found"}, ["RC901"]),
    ({"verified": False, "verification": "no PubMed record found"}, ["RC901"]),
    ({"verified": True, "verification": "read at the publisher"}, ["RC101"]),
    ({"pmid": "1", "verified": True}, []),
])
def test_study_checks(fields: dict, codes: list[str]) -> None:
    got = [p.code for p in study_problems(refset(claim(studies=(study(**fields),))))]
    assert sorted(got) == sorted(codes)


def test_keyed_study_is_checked_once_at_its_definition() -> None:
    keyed = study(key="example-2020-x", source="studies.yaml:3")
    ref = refset(claim(id="XX-001", studies=(keyed,)), claim(id="XX-002", studies=(keyed,)))
    (p,) = study_problems(ref)
    assert (p.path, p.line, p.code, p.entry) == ("studies.yaml", 3, "RC101", "example-2020-x")


def test_unused_study_key_is_a_warning() -> None:
    used = study(key="used-2020", pmid="1", source="studies.yaml:3")
    unused = study(key="unused-2020", pmid="2", source="studies.yaml:12")
    (p,) = study_problems(refset(claim(studies=(used,))), [used, unused])
    assert (p.code, p.entry, p.line, p.severity) == ("RC902", "unused-2020", 12, "warning")


def test_conflicting_copies_of_one_study() -> None:
    a = study(pmid="1", finding="A.", source="a.yaml:10")
    b = study(pmid="1", finding="B.", url="https://example.org/", source="b.yaml:20")
    same = study(pmid="1", finding="A.", source="c.yaml:30")
    other_citation_same_doi = study(citation="Another way to cite it", doi="10.1000/x", source="d.yaml:1")
    with_doi = study(pmid="1", finding="A.", doi="10.1000/x", source="e.yaml:1")
    ref = refset(claim(id="XX-001", studies=(a,)), claim(id="XX-002", studies=(b,)),
                 claim(id="XX-003", studies=(same,)), claim(id="XX-004", studies=(other_citation_same_doi,)),
                 claim(id="XX-005", studies=(with_doi,)))
    got = {(p.entry, re.search(r"\) in (.+); define", p.message).group(1))
           for p in duplicate_problems(ref)}
    # The first copy (by place) is the reference; identical copies are not reported; a DOI links
    # a differently cited copy to the same study.
    assert got == {("XX-002", "finding, url"), ("XX-004", "citation, finding, pmid, doi"),
                   ("XX-005", "doi")}


def test_copies_in_different_packs_are_not_compared() -> None:
    a = study(pmid="1", finding="A.", source="mg/a.yaml:10")
    b = study(pmid="1", finding="B.", source="vd/b.yaml:20")
    c = study(pmid="1", finding="C.", source="vd/c.yaml:30")
    ref = refset(claim(id="MG-001", pack="magnesium", studies=(a,)),
                 claim(id="VD-001", pack="vitamin-d", studies=(b,)),
                 claim(id="VD-002", pack="vitamin-d", studies=(c,)))
    assert [(p.code, p.entry) for p in duplicate_problems(ref)] == [("RC201", "VD-002")]


def test_two_keys_for_one_study() -> None:
    a = study(key="a-2020", pmid="5", source="studies.yaml:2")
    b = study(key="b-2020", pmid="5", source="studies.yaml:9")
    (p,) = duplicate_problems(refset(claim(id="XX-001", studies=(a,)), claim(id="XX-002", studies=(b,))))
    assert (p.code, p.entry, p.line) == ("RC202", "b-2020", 9)


@pytest.mark.parametrize("designs_n,flagged", [
    ([("case report", 1)], True),
    ([("case series", 12), ("animal study (rats)", 40)], True),
    ([("in vitro study of cell cultures", None)], True),
    ([("double-blind randomised placebo-controlled trial", 60)], True),
    ([("randomized crossover trial", None), ("animal study (mice)", 30)], True),
    ([("double-blind randomised placebo-controlled trial", 400)], False),
    ([("RCT", 60), ("RCT", 80)], False),
    ([("meta-analysis of 12 RCTs", 60)], False),
    ([("prospective cohort", 4778)], False),
])
def test_strong_grade_needs_more_than_weak_evidence(designs_n, flagged: bool) -> None:
    studies = tuple(study(design=d, n=n, pmid="1") for d, n in designs_n)
    codes = [p.code for p in claim_problems(claim(grade="strong", max_strength=3, studies=studies))]
    assert ("RC301" in codes) is flagged
    weaker = [p.code for p in claim_problems(claim(grade="limited", studies=studies))]
    assert "RC301" not in weaker


@pytest.mark.parametrize("grade,stance,cap", [
    ("strong", "supports", 3), ("moderate", "supports", 3), ("limited", "supports", 2),
    ("insufficient", "supports", 1), ("strong", "mixed", 2), ("limited", "mixed", 2),
    ("insufficient", "insufficient", 1), ("moderate", "insufficient", 2), ("strong", "refutes", 0),
])
def test_max_strength_caps(grade: str, stance: str, cap: int) -> None:
    assert allowed_strength(grade, stance) == cap
    for ms in range(5):
        codes = [p.code for p in claim_problems(claim(grade=grade, stance=stance, max_strength=ms))]
        assert ("RC303" in codes) is (ms > cap), (grade, stance, ms)


def test_refutes_needs_a_study() -> None:
    codes = [p.code for p in claim_problems(claim(stance="refutes", grade="insufficient",
                                                  max_strength=0, studies=()))]
    assert codes == ["RC302"]


@pytest.mark.parametrize("note,max_strength,flagged", [
    ("max_strength 1: hedged wording only.", 1, False),
    ("max_strength 2: conditional wording. ... max_strength 1: 'may play a role' is fair.", 2, True),
    ("max_strength 1: hedged wording only.", 2, True),
    ("Lowered max_strength 3 -> 2 after re-grading; max_strength 2 fits.", 2, False),
    ("No cap named here.", 2, False),
])
def test_note_naming_another_cap_is_a_warning(note: str, max_strength: int, flagged: bool) -> None:
    codes = [p.code for p in claim_problems(claim(note=note, max_strength=max_strength))]
    assert ("RC903" in codes) is flagged


def test_variants_must_match_their_own_entry() -> None:
    ref = load_reference([CLEAN])
    vc1, vc2 = ref.claims
    bad = ReferenceClaim(**{**vc2.__dict__, "variants": vc2.variants + (
        "vitamin C reduces colds",                  # no term of the third key-term group
        "vitamin C prevents colds in most people",  # VC-001's claim, not VC-002's
    )})
    problems = list(variant_problems(ReferenceSet(claims=(vc1, bad), paths=ref.paths,
                                                  sha256=ref.sha256, packs=ref.packs)))
    got = {(p.code, p.entry, p.message) for p in problems}
    assert got == {
        ("RC401", "VC-002", "variant 'vitamin C reduces colds' has no term of its key_terms group "
                            "[shorten, shorter, duration, how long, last, faster, ...]"),
        ("RC401", "VC-002", "variant 'vitamin C prevents colds in most people' matches VC-001 instead"),
    }


def test_a_variant_not_read_as_a_claim_is_a_warning_and_still_matched() -> None:
    ref = load_reference([CLEAN])
    vc1, vc2 = ref.claims
    question = ReferenceClaim(**{**vc2.__dict__, "variants": (
        "you should take vitamin C to make colds shorter",)})
    problems = list(variant_problems(ReferenceSet(claims=(vc1, question), paths=ref.paths,
                                                  sha256=ref.sha256, packs=ref.packs)))
    assert [(p.code, p.entry) for p in problems] == [("RC904", "VC-002")]
    assert "is not read as a claim (advice)" in problems[0].message


def test_check_reference_sorts_and_loads_keyed_studies() -> None:
    ref = load_reference([CLEAN])
    keyed = load_keyed_studies(ref)
    assert [s.key for s in keyed] == ["hemila-2013-colds"]
    assert check_reference(ref, keyed) == []
