"""One strength scale, shown one way (issues 14 and 18).

- Every output of an audit (the reason, the evidence line of `check`, the CSV `strength` column,
  JSON, SARIF and the HTML details) shows the level and name of the one reading the verdict used.
- Weaker wording never gets a harsher verdict than stronger wording of the same claim: a property of
  `verdict.decide` over the strength scale, a property of the strength stage over generated wordings,
  and a table of wording pairs audited end to end.
"""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from claimaudit.cli import main
from claimaudit.html_report import claim_details
from claimaudit.ingest import article_from_text
from claimaudit.pipeline import Auditor
from claimaudit.records import (STANCES, STRENGTH_NAMES, Candidate, Claim, Match, ReferenceClaim,
                                Sentence, Study)
from claimaudit.reference import load_reference
from claimaudit.strength import assert_strength
from claimaudit.terminal import render_claim
from claimaudit.verdict import decide

# --- one reading, shown the same way everywhere -------------------------------------------------


@pytest.fixture(scope="module")
def corpus_audit(root: Path, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("scale")
    result = CliRunner().invoke(main, ["audit", str(root / "corpus"), "--reference", str(root / "reference"),
                                       "--out", str(out), "--format", "json,csv,html,sarif", "--exit-zero",
                                       "-q"])
    assert result.exit_code == 0, result.output
    return out


_WORDED = re.compile(r"[Ww]orded as (\d) \(([^)]*)\)")
_EVIDENCE_AT = re.compile(r"worded at (?:strength )?(\d) \(([^)]*)\)")


def _html_claims(out: Path) -> dict[tuple[str, int, int], dict]:
    """The details panel data of every claim on the HTML article pages, by (text, line, column)."""
    found = {}
    for page in out.glob("*.html"):
        m = re.search(r'<script type="application/json" id="claims-data">(.*?)</script>',
                      page.read_text("utf-8"), re.S)
        if m:
            for d in json.loads(m.group(1)):
                found[(d["text"], d["line"], d["column"])] = d
    return found


def test_every_output_shows_the_reading_the_verdict_used(root: Path, corpus_audit: Path) -> None:
    """For every claim of the bundled corpus audit: JSON == CSV == SARIF == HTML == the number and name
    in the reason == the evidence line of `check`; and some of them were judged on one clause, whose
    reading differs from the whole sentence's (the case that used to disagree)."""
    out = corpus_audit
    doc = json.loads((out / "audit.json").read_text("utf-8"))
    with (out / "claims.csv").open(encoding="utf-8-sig", newline="") as fh:
        rows = {(r["path"], int(r["start"])): r for r in csv.DictReader(fh)}
    sarif = json.loads((out / "audit.sarif").read_text("utf-8"))
    sarif_strength = {
        (r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
         r["locations"][0]["physicalLocation"]["region"]["charOffset"]): r["properties"]["strength"]
        for r in sarif["runs"][0]["results"]}
    html = _html_claims(out)
    refs = {r.id: r for r in load_reference([root / "reference"]).claims}
    judged = on_clause = in_sarif = 0
    for article in doc["articles"]:
        for claim in article["claims"]:
            level = claim["strength"]
            name = STRENGTH_NAMES[level]
            row = rows[(article["path"], claim["start"])]
            assert int(row["strength"]) == level and row["negated"] == str(claim["negated"])
            details = html[(claim["text"], claim["line"], claim["column"])]
            assert (details["strength"], details["strength_name"]) == (level, name)
            key = (article["path"], claim["start"])
            if key in sarif_strength:
                in_sarif += 1
                assert sarif_strength[key] == level, claim["text"]
            said = _WORDED.search(claim["reason"])
            if said is None:
                continue
            judged += 1
            assert (int(said.group(1)), said.group(2)) == (level, name), claim["reason"]
            lines = render_claim(article, claim, refs, color=False, width=10_000)
            (evidence,) = [ln for ln in lines if ln.lstrip().startswith("evidence")]
            (why,) = [ln for ln in lines if ln.lstrip().startswith("why")]
            shown = _EVIDENCE_AT.search(evidence)
            assert shown and (int(shown.group(1)), shown.group(2)) == (level, name), evidence
            assert f"orded as {level} ({name})" in why, why
            if assert_strength(claim["text"]).level != level:
                on_clause += 1
    assert judged > 100 and in_sarif > 50
    assert on_clause > 0, "no finding judged on a clause: the test no longer covers that path"


# --- verdict.decide: a weaker claim never gets a harsher verdict ---------------------------------

# Severity of a verdict on one reference claim and one match. A claim's polarity is drawn once for
# both wordings, so a wording's strength is the only difference.
_SEVERITY = {"supported": 0, "overstated": 1, "contradicted": 2}
_STUDY = Study(citation="Doe J. A trial. J Example 2020", design="RCT", year=2020, n=80,
               finding="Pain fell more with X than placebo.")
_TEXTS = ("X eases back pain.", "X eases all back pain.", "X helps with chronic back pain in adults.")


def _claim(text: str, strength: int, negated: bool) -> Claim:
    s = Sentence(text=text, start=0, end=len(text), line=1, column=1, end_line=1,
                 end_column=len(text) + 1, block="paragraph", index=0)
    return Claim(sentence=s, is_claim=True, kind="claim", strength=strength, negated=negated, match_text=text)


@settings(max_examples=400, deadline=None)
@given(weaker=st.integers(0, 4), stronger=st.integers(0, 4), stance=st.sampled_from(STANCES),
       max_strength=st.integers(0, 3), negated=st.booleans(), text=st.sampled_from(_TEXTS),
       overreach=st.sampled_from(((), ("all back pain",), ("chronic",))),
       score=st.floats(36, 100))
def test_decide_never_judges_weaker_wording_more_harshly(weaker, stronger, stance, max_strength, negated,
                                                         text, overreach, score) -> None:
    weaker, stronger = sorted((weaker, stronger))
    ref = ReferenceClaim(id="XX-001", text="X eases back pain.", stance=stance, grade="limited",
                         max_strength=max_strength, studies=(_STUDY,), overreach=overreach)
    cand = Candidate("XX-001", score)
    match = Match(candidates=(cand,), best=cand)
    weak = decide(_claim(text, weaker, negated), match, ref)
    strong = decide(_claim(text, stronger, negated), match, ref)
    assert _SEVERITY[weak.verdict] <= _SEVERITY[strong.verdict], (weak.reason, strong.reason)
    assert (weak.claim.strength, strong.claim.strength) == (weaker, stronger)  # each shows its own level
    if not negated:
        # Among non-negated claims strength decides between supported and overstated only.
        assert {weak.verdict, strong.verdict} <= ({"contradicted"} if stance == "refutes"
                                                  else {"supported", "overstated"})


# --- the strength stage: hedging a wording never raises its level --------------------------------

_SUBJECTS = ("Magnesium", "Taking zinc", "Vitamin D", "Regular exercise", "This supplement", "Fish oil")
# (base form, third person, rest of the verb phrase)
_VERBS = (("reduce", "reduces", ""), ("relieve", "relieves", ""), ("ease", "eases", ""),
          ("improve", "improves", ""), ("prevent", "prevents", ""), ("lower", "lowers", ""),
          ("raise", "raises", ""), ("treat", "treats", ""), ("cause", "causes", ""),
          ("worsen", "worsens", ""), ("boost", "boosts", ""), ("protect", "protects", " against"),
          ("help", "helps", " with"), ("shorten", "shortens", ""), ("strengthen", "strengthens", ""),
          ("promote", "promotes", ""), ("trigger", "triggers", ""), ("alleviate", "alleviates", ""))
_OBJECTS = ("back pain", "muscle cramps", "sleep", "inflammation", "migraine attacks", "blood pressure",
            "symptoms of anxiety", "levels of stress hormones", "bone density", "recovery after exercise",
            "the duration of colds")
_HEDGES = ("may {}", "might {}", "could {}", "can help {}", "may help {}", "appears to {}",
           "could potentially {}", "may also {}")


@settings(max_examples=300, deadline=None)
@given(subject=st.sampled_from(_SUBJECTS), verb=st.sampled_from(_VERBS), obj=st.sampled_from(_OBJECTS),
       hedge=st.sampled_from(_HEDGES), absolute=st.sampled_from(("always", "definitely")))
def test_hedged_wording_never_reads_stronger_than_plain_or_absolute(subject, verb, obj, hedge, absolute) -> None:
    base, third, rest = verb
    hedged = f"{subject} {hedge.format(base)}{rest} {obj}."
    plain = f"{subject} {third}{rest} {obj}."
    certain = f"{subject} {absolute} {third}{rest} {obj}."
    levels = [assert_strength(t).level for t in (hedged, plain, certain)]
    assert levels == sorted(levels), list(zip(levels, (hedged, plain, certain)))


# Found by the property above with "the risk of ..." as the object: the plain wording read 1 (the reader
# took "risk of" as associative wording and knew no causal "cuts"), the hedged one 2, so the plain claim
# passed where the hedged one was flagged ("Vitamin D supplements cut the risk of dying from cancer").
# "cut", "slash" and "halve" are causal verbs now.
@pytest.mark.parametrize(("hedged", "plain"), [
    ("Magnesium can help cut the risk of falls.", "Magnesium cuts the risk of falls."),
    ("Vitamin D may help cut the risk of dying from cancer.", "Vitamin D supplements cut the risk of dying from cancer."),
    ("A daily pill could slash the risk of stroke.", "A daily pill slashes the risk of stroke."),
    ("Exercise may halve the risk of falls.", "Exercise halves the risk of falls."),
])
def test_a_risk_cut_reads_as_strongly_as_its_hedged_form(hedged: str, plain: str) -> None:
    assert assert_strength(hedged).level <= assert_strength(plain).level == 3


# Still open: for "helps with" the reader's model says 1 against 2 for "may help with".
@pytest.mark.xfail(strict=True, reason="'helps with the risk of' reads as associative (1)")
def test_known_inversion_with_helps_with_risk_of() -> None:
    assert (assert_strength("Magnesium may help with the risk of falls.").level
            <= assert_strength("Magnesium helps with the risk of falls.").level)


# --- wording pairs audited end to end -------------------------------------------------------------


@pytest.fixture(scope="module")
def auditor(root: Path) -> Auditor:
    return Auditor(load_reference([root / "reference"]))


_SEVERITY_ALL = {"supported": 0, "overstated": 1, "contradicted": 2}

# fmt: off
PAIRS = [
    # weaker wording,                                      stronger wording,                                 reference claim
    ("Magnesium might ease back pain.",                   "Magnesium relieves back pain.",                  "MG-042"),
    ("Magnesium can help with back pain.",                "Magnesium definitely relieves back pain.",       "MG-042"),
    # The issue's own example: the matcher once sent the first to MG-038 (chronic pain, max 1), fixed by
    # shortlisting by embedding and by TF-IDF separately.
    pytest.param("Magnesium may reduce back pain.",       "Magnesium can help with back pain.",             "MG-042",
                 id="may-reduce-vs-can-help-back-pain"),
    ("Magnesium is associated with fewer migraine attacks.", "Taking magnesium prevents migraine attacks.", "MG-045"),
    ("Magnesium may help prevent migraine attacks.",      "Taking magnesium always prevents migraine attacks.", "MG-045"),
    ("Magnesium is linked to better sleep.",              "Magnesium may improve sleep.",                   "MG-051"),
    ("Magnesium can help you sleep better.",              "Magnesium is proven to improve sleep.",          "MG-051"),
    ("Magnesium may lower inflammation.",                 "Magnesium lowers inflammation.",                 "MG-009"),
    ("Magnesium is associated with lower inflammation.",  "Magnesium can help lower inflammation.",         "MG-009"),
    ("Magnesium might ease muscle cramps.",               "Magnesium cures muscle cramps.",                 "MG-046"),
    ("Magnesium may ease menstrual pain.",                "Magnesium relieves menstrual pain.",             "MG-044"),
    ("Magnesium supplements may relax muscle tension.",   "Magnesium completely relaxes muscle tension.",   "MG-046b"),
]
# fmt: on


@pytest.mark.parametrize(("weaker", "stronger", "ref_id"), PAIRS)
def test_weaker_wording_is_not_judged_more_harshly(auditor: Auditor, weaker: str, stronger: str,
                                                   ref_id: str) -> None:
    """Both wordings match the same reference claim, the weaker reads no stronger, and its verdict is
    no more severe."""
    (weak,) = auditor.audit_article(article_from_text(weaker)).findings
    (strong,) = auditor.audit_article(article_from_text(stronger)).findings
    assert (weak.reference_id, strong.reference_id) == (ref_id, ref_id), (weak.reason, strong.reason)
    assert weak.claim.strength <= strong.claim.strength
    assert _SEVERITY_ALL[weak.verdict] <= _SEVERITY_ALL[strong.verdict], (weak.reason, strong.reason)
