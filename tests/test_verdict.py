"""Verdict rules: each (stance, strength, negation, scope) case gives one verdict and rule."""

from __future__ import annotations

from dataclasses import replace

import pytest

from claimaudit.records import Candidate, Claim, Match, ReferenceClaim, Sentence, Study
from claimaudit.verdict import RULES, decide, suggest

STUDY = Study(citation="Doe J, Roe R. A trial. J Example 2020", design="RCT", year=2020, n=80,
              finding="Pain fell more with X than placebo.")


def ref(stance: str, max_strength: int, overreach: tuple[str, ...] = (), wording: str = "") -> ReferenceClaim:
    return ReferenceClaim(id="XX-001", text="X reduces neuropathic back pain.", stance=stance,
                          grade="limited", max_strength=max_strength, studies=(STUDY,),
                          overreach=overreach, supported_wording=wording)


def claim(text: str, strength: int, negated: bool = False) -> Claim:
    s = Sentence(text=text, start=0, end=len(text), line=1, column=1, end_line=1,
                 end_column=len(text) + 1, block="paragraph", index=0)
    return Claim(sentence=s, is_claim=True, kind="claim", strength=strength, negated=negated,
                 match_text=text)


MATCHED = Match(candidates=(Candidate("XX-001", 80.0),), best=Candidate("XX-001", 80.0))
UNMATCHED = Match(candidates=(Candidate("XX-001", 30.0),), best=None)

# fmt: off
CASES = [
    # description,                                             stance,        max, strength, negated, overreach,        expected,       rule
    ("hedged wording within limited evidence -> supported",    "supports",     2,  2,        False,   (),               "supported",    "CA001"),
    ("causal verb beyond max strength -> overstated",          "supports",     2,  3,        False,   (),               "overstated",   "CA201"),
    ("absolute wording over one trial -> overstated",          "supports",     2,  4,        False,   (),               "overstated",   "CA201"),
    ("negating a supported claim -> contradicted",             "supports",     2,  3,        True,    (),               "contradicted", "CA302"),
    ("asserting a refuted claim, hedged -> contradicted",      "refutes",      0,  1,        False,   (),               "contradicted", "CA301"),
    ("denying a refuted claim -> supported",                   "refutes",      0,  3,        True,    (),               "supported",    "CA002"),
    ("denying an unshown effect -> supported",                 "insufficient", 1,  3,        True,    (),               "supported",    "CA002"),
    ("insufficient evidence, plain assertion -> overstated",   "insufficient", 1,  3,        False,   (),               "overstated",   "CA201"),
    ("mixed evidence, hedged -> supported",                    "mixed",        1,  1,        False,   (),               "supported",    "CA001"),
    ("overreach term beyond studied outcome -> overstated",    "supports",     3,  2,        False,   ("all back pain",), "overstated",   "CA202"),
]
# fmt: on


@pytest.mark.parametrize(("description", "stance", "max_strength", "strength", "negated", "overreach",
                          "expected", "rule"), CASES, ids=[c[0] for c in CASES])
def test_verdict_rules(description, stance, max_strength, strength, negated, overreach, expected, rule) -> None:
    text = ("X reduces all back pain." if overreach else
            "X does not reduce back pain." if negated else "X reduces back pain.")
    f = decide(claim(text, strength, negated), MATCHED, ref(stance, max_strength, overreach))
    assert (f.verdict, f.rule) == (expected, rule), description
    assert f.reference_id == "XX-001" and f.evidence_grade == "limited"
    assert "XX-001" in f.reason and "Doe J" in f.reason
    assert RULES[f.rule].verdict == f.verdict
    if f.verdict in ("overstated", "contradicted"):
        assert f.suggestion, "flagged findings carry a rewording"
    else:
        assert f.suggestion == ""


def test_unmatched_claim_is_unverified_with_candidates() -> None:
    f = decide(claim("Y helps sleep.", 3), UNMATCHED, None)
    assert (f.verdict, f.rule, f.reference_id) == ("unverified", "CA401", None)
    assert "XX-001 (30)" in f.reason


def test_reason_names_cues_and_strengths() -> None:
    f = decide(claim("X reduces back pain.", 3), MATCHED, ref("supports", 2))
    assert "worded as 3 (direct causal)" in f.reason
    assert "at most 2 (conditional causal)" in f.reason


# fmt: off
SUGGEST_CASES = [
    ("curated wording wins",          "supports", 2, "One small trial found X may reduce pain.", "One small trial found X may reduce pain."),
    ("hedged template at strength 2", "supports", 2, "",  "Some research suggests that x reduces neuropathic back pain (limited evidence)."),
    ("refuted claim template",        "refutes",  0, "",  "The best available evidence does not support the claim that x reduces neuropathic back pain."),
    ("strong evidence keeps wording", "supports", 3, "",  "X reduces neuropathic back pain."),
]
# fmt: on


@pytest.mark.parametrize(("description", "stance", "max_strength", "wording", "expected"), SUGGEST_CASES,
                         ids=[c[0] for c in SUGGEST_CASES])
def test_suggestion(description, stance, max_strength, wording, expected) -> None:
    assert suggest(ref(stance, max_strength, wording=wording)) == expected


def test_rule_codes_are_unique_and_documented() -> None:
    names = [r.name for r in RULES.values()]
    assert len(names) == len(set(names))
    for code, r in RULES.items():
        assert code == r.code and r.summary and r.example


# A negation only the sentence-wide fallback reads (it may deny something else in the sentence)
# does not make a supported claim contradicted; a negation of the claim's own relation does.
NEGATIONS = [
    ("Low magnesium may not show any signs, but symptoms include fatigue.", "supported", "CA001"),
    ("X is not the only option, and it reduces back pain.", "supported", "CA001"),
    ("X does not reduce back pain.", "contradicted", "CA302"),
    ("X never reduces back pain.", "contradicted", "CA302"),
]


@pytest.mark.parametrize(("text", "expected", "rule"), NEGATIONS, ids=[n[0] for n in NEGATIONS])
def test_only_a_scoped_negation_contradicts_a_supported_claim(text: str, expected: str, rule: str) -> None:
    from claimaudit.strength import assert_strength, read_strength

    reading = assert_strength(text)
    assert reading.negated  # the claim as the claims stage reads it
    assert read_strength(text).negated is (expected == "contradicted")
    f = decide(claim(text, 1, negated=True), MATCHED, ref("supports", 3))
    assert (f.verdict, f.rule) == (expected, rule)
    # the same negation still spares a claim the evidence refutes its flag
    assert decide(claim(text, 1, negated=True), MATCHED, ref("refutes", 0)).verdict == "supported"


def test_a_reference_text_negated_only_in_a_subordinate_clause_is_not_a_denial() -> None:
    """'..., because impaired kidneys cannot clear it': the reference text's main relation is
    asserted, so a claim that asserts it too is not contradicted for a polarity mismatch."""
    from dataclasses import replace

    from claimaudit.strength import assert_strength, read_strength

    text = "Kidney disease raises the risk of hypermagnesaemia, because impaired kidneys cannot clear magnesium."
    assert assert_strength(text).negated and not read_strength(text).negated
    reference = replace(ref("supports", 3), text=text)
    sentence = "People with kidney problems should use magnesium cautiously to avoid hypermagnesemia."
    assert not assert_strength(sentence).negated
    matched = Match(candidates=(Candidate("XX-001", 90.0, matched_text=text),),
                    best=Candidate("XX-001", 90.0, matched_text=text))
    assert decide(claim(sentence, 3), matched, reference).verdict == "supported"
    # a reference text that denies its main relation still disagrees with a claim asserting it
    denied = replace(reference, text="X does not reduce back pain.")
    assert decide(claim("X reduces back pain.", 3), Match(
        candidates=(Candidate("XX-001", 90.0),), best=Candidate("XX-001", 90.0)), denied).rule == "CA302"


# A sentence that says the evidence is mixed, inconclusive or only from animals agrees with evidence
# that does not carry the claim, whatever words of the claim it repeats (CA003).
DOUBTS = [
    ("Research on X for back pain has been mixed.", True),
    ("Studies of X for back pain have come to conflicting conclusions.", True),
    ("The findings on X and back pain are surprisingly inconsistent, depending on the pain.", True),
    ("X reduced back pain, but the experiment has been carried out on rats only.", True),
    ("X has only been tested in mice.", True),
    ("X reduces back pain, with inconclusive results in two trials.", True),
    ("Although X is popular for back pain, the research on it is mixed.", True),
    # evidence said to be thin
    ("The level of evidence for the efficacy of X in reducing back pain is globally modest.", True),
    ("X may ease back pain, but more research is needed.", True),
    ("Preliminary research suggests X eases back pain.", True),
    ("Additional clinical trials are needed to confirm that X reduces back pain.", True),
    ("Although the evidence is limited, research now proves that X reduces back pain.", False),
    ("X reduces back pain.", False),
    # a doubt that is denied, or conceded before the sentence asserts the claim, is not its word
    ("The evidence is not mixed: X reduces back pain.", False),
    ("There are no conflicting results: X reduces back pain.", False),
    ("X reduces back pain not only in rats but also in people.", False),
    ("Although early findings were mixed, research now proves that X reduces back pain.", False),
    ("Old studies gave conflicting results, but today we know that X reduces back pain.", False),
    ("The results were inconclusive; however, X reduces back pain.", False),
    ("A mixed diet of nuts and greens reduces back pain.", False),  # "mixed" of something else
    ("X reduces back pain in rats and in people.", False),
]


@pytest.mark.parametrize(("text", "doubts"), DOUBTS, ids=[d[0] for d in DOUBTS])
@pytest.mark.parametrize("stance", ["supports", "mixed", "insufficient", "refutes"])
def test_a_sentence_that_doubts_the_evidence_is_supported(text: str, doubts: bool, stance: str) -> None:
    f = decide(claim(text, 3), MATCHED, ref(stance, 1))
    assert (f.rule == "CA003") is doubts
    if doubts:
        assert f.verdict == "supported" and RULES["CA003"].verdict == "supported"
        assert "mixed or limited" in f.reason and f.suggestion == ""


# A reference claim that records a harm (`harm: true`: a side effect, a toxicity, a risk) is denied by
# a claim that calls its subject safe without limit, however hedged (CA303). A safety statement
# limited to some people or doses, or one that denies safety, does not deny the harm.
def harm_ref(harm: bool = True) -> ReferenceClaim:
    return ReferenceClaim(id="XX-001", text="Kidney disease raises the risk of X toxicity.", stance="supports",
                          grade="strong", max_strength=3, studies=(STUDY,), harm=harm,
                          supported_wording="People with kidney disease should ask a doctor before taking X.")


def read(text: str) -> Claim:
    from claimaudit.strength import assert_strength

    r = assert_strength(text)
    return replace(claim(text, r.level, r.negated), cues=r.cues)


SAFETY = [
    ("X is safe for people with kidney disease.", True),
    ("People with kidney disease can safely take X.", True),
    ("X may be completely safe for people with kidney disease.", True),
    ("X has no side effects, even in kidney disease.", True),
    ("X is not safe for people with kidney disease.", False),
    ("X is safe for most people at recommended doses.", False),
    ("This is the maximum amount of X considered safe for the majority of healthy people.", False),
    ("X is safe up to 350 mg a day, even in kidney disease.", False),
    ("X is safe at 1,000 IU a day for people with kidney disease.", False),
    ("X is safe at any dose.", True),
    ("Kidney disease raises the risk of X toxicity.", False),
    ("There is no evidence that X is safe for people with kidney disease.", False),
    ("Even people with kidney damage do not have to worry about an overdose of X.", True),
    ("With X there is no need to worry about side effects.", True),
    ("People with kidney disease should worry about X toxicity.", False),
    ("People on dialysis do not have to worry about their X levels if a doctor monitors them.", False),
]


@pytest.mark.parametrize(("text", "denies"), SAFETY, ids=[s[0] for s in SAFETY])
def test_calling_a_recorded_harm_safe_is_contradicted(text: str, denies: bool) -> None:
    f = decide(read(text), MATCHED, harm_ref())
    assert (f.rule == "CA303") is denies, (f.rule, f.reason)
    if denies:
        assert f.verdict == "contradicted" == RULES["CA303"].verdict
        assert "records a harm" in f.reason and f.suggestion.startswith("People with kidney disease")


def test_a_safety_claim_on_an_entry_without_harm_is_judged_as_worded() -> None:
    f = decide(read("X is safe for people with kidney disease."), MATCHED, harm_ref(harm=False))
    assert (f.verdict, f.rule) == ("supported", "CA001")


@pytest.mark.parametrize("text", [
    "Researchers concluded that magnesium oxide is ineffective for nighttime leg cramps.",
    "Magnesium had a negligible effect on nighttime leg cramps.",
])
def test_a_sentence_agreeing_with_refuting_evidence_is_supported(root, text: str) -> None:
    """End to end, bundled reference: MG-046 (magnesium relieves ordinary cramps) is refuted, and a
    sentence that denies it agrees with the evidence (CA002), whatever word denies it."""
    from claimaudit.ingest import article_from_text
    from claimaudit.pipeline import Auditor
    from claimaudit.reference import load_reference

    auditor = Auditor(load_reference([root / "reference"]))
    (f,) = auditor.audit_article(article_from_text(text + "\n", path="a.txt")).findings
    assert (f.reference_id, f.verdict, f.rule) == ("MG-046", "supported", "CA002")
