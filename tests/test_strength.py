"""The asserted-strength reader: levels, negation, cues and their offsets, batch reading.

Levels follow the design scale (records.STRENGTH_NAMES): 0 no claim, 1 associative / hedged,
2 conditional causal, 3 direct causal, 4 absolute. None of these tests reads ../shared.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from claimaudit.records import Cue, StrengthReading
from claimaudit.strength import CUE_KINDS, assert_strength, read_many, read_strength

LEVELS = [
    # 0: no relationship / not a claim
    pytest.param("Is magnesium good for your spine?", 0, id="0-question-yes-no"),
    pytest.param("Does magnesium help with back pain?", 0, id="0-question-with-causal-verb"),
    pytest.param("Why is magnesium important?", 0, id="0-question-wh"),
    pytest.param("Consult your doctor before taking supplements.", 0, id="0-advice-consult"),
    pytest.param("Talk to your doctor about magnesium.", 0, id="0-advice-talk-to"),
    pytest.param("You should take magnesium with food.", 0, id="0-advice-you-should"),
    pytest.param("Take 300 mg of magnesium daily.", 0, id="0-advice-imperative"),
    pytest.param("Always follow recommended dosages.", 0, id="0-advice-always-imperative"),
    pytest.param("Scientific Evidence Linking Magnesium to Back Pain", 0, id="0-heading-title-case"),
    pytest.param("Magnesium is the fourth most abundant mineral in the human body.", 0, id="0-plain-fact"),
    pytest.param("Further studies are needed to confirm these findings.", 0, id="0-research-need"),
    pytest.param("", 0, id="0-empty"),
    # 1: associative / hedged
    pytest.param("Low magnesium is linked to migraines.", 1, id="1-linked-to"),
    pytest.param("Magnesium is associated with lower blood pressure.", 1, id="1-associated-with"),
    pytest.param("Magnesium is correlated with bone density in older women.", 1, id="1-correlated-with"),
    pytest.param("Some research suggests magnesium might be linked to better sleep.", 1, id="1-hedged-association"),
    pytest.param("Low magnesium levels are linked to muscle tightness, spasms, and nerve dysfunction.", 1,
                 id="1-linked-to-list"),
    # 2: conditional causal
    pytest.param("Magnesium supplementation may reduce chronic low back pain.", 2, id="2-may-reduce"),
    pytest.param("Magnesium can help ease muscle tension.", 2, id="2-can-help-ease"),
    pytest.param("Magnesium could ease anxiety.", 2, id="2-could-ease"),
    pytest.param("Magnesium might improve sleep quality.", 2, id="2-might-improve"),
    pytest.param("Magnesium may help relieve muscle cramps.", 2, id="2-may-help-relieve"),
    pytest.param("Magnesium appears to reduce migraine frequency.", 2, id="2-appears-to"),
    pytest.param("Magnesium is likely to improve sleep.", 2, id="2-likely-to"),
    pytest.param("Magnesium probably reduces inflammation.", 2, id="2-probably-causal"),
    pytest.param("Magnesium could potentially reduce blood pressure.", 2, id="2-could-potentially"),
    pytest.param("Some people may experience relief within weeks.", 2, id="2-may-experience-relief"),
    pytest.param("If you take magnesium every night, it may ease your cramps.", 2, id="2-if-clause-may"),
    # 3: direct causal
    pytest.param("Magnesium relieves muscle cramps.", 3, id="3-relieves"),
    pytest.param("Magnesium deficiency causes muscle spasms.", 3, id="3-causes"),
    pytest.param("Taking magnesium increases energy levels.", 3, id="3-increases"),
    pytest.param("Magnesium is effective for migraine prevention.", 3, id="3-effective-for"),
    pytest.param("It helps in the prevention of central sensitization.", 3, id="3-helps-prevention"),
    pytest.param("Magnesium helps regulate nerve function by blocking NMDA receptors.", 3, id="3-helps-regulate"),
    pytest.param("Magnesium clearly reduces muscle cramps.", 3, id="3-booster-stays-3"),
    pytest.param("Studies show that magnesium reduces migraine frequency.", 3, id="3-reported-finding"),
    # 4: absolute
    pytest.param("Researchers have proved that magnesium cures pain.", 4, id="4-proved-cures"),
    pytest.param("Different researchers have proved that magnesium is effective in curing pain", 4,
                 id="4-proved-effective-curing"),
    pytest.param("A deficiency can directly contribute to back pain", 4, id="4-directly-contribute"),
    pytest.param("In summary, the answer to 'is magnesium good for your spine?' is a resounding yes.", 4,
                 id="4-resounding-yes"),
    pytest.param("Does magnesium cure back pain? The answer is an emphatic yes.", 4, id="4-emphatic-yes"),
    pytest.param("Magnesium supplements cure insomnia.", 4, id="4-cure"),
    pytest.param("Magnesium is guaranteed to relieve your back pain.", 4, id="4-guaranteed"),
    pytest.param("Magnesium always relieves cramps.", 4, id="4-always"),
    pytest.param("Magnesium definitely helps with sleep.", 4, id="4-definitely"),
    pytest.param("It is proven to reduce back pain.", 4, id="4-proven-to"),
]


@pytest.mark.parametrize("text, level", LEVELS)
def test_level(text: str, level: int) -> None:
    assert read_strength(text).level == level


NEGATION = [
    pytest.param("Magnesium does not cause back pain.", True, id="does-not-cause"),
    pytest.param("Magnesium supplements do not reduce cramps.", True, id="do-not-reduce"),
    pytest.param("Magnesium does not reduce pain.", True, id="does-not-reduce"),
    pytest.param("There is no evidence that magnesium deficiency causes back pain.", True, id="no-evidence-that"),
    pytest.param("Low magnesium is not linked to migraines.", True, id="is-not-linked"),
    pytest.param("Magnesium isn't linked to heart disease.", True, id="contracted-isnt"),
    pytest.param("Magnesium supplements failed to reduce cramps in the trial.", True, id="failed-to"),
    pytest.param("Magnesium never causes side effects.", True, id="never"),
    pytest.param("Magnesium relieves muscle cramps.", False, id="plain-causal"),
    pytest.param("Not only does magnesium relax muscles, it also calms nerves.", False, id="not-only"),
    pytest.param("If you do not eat greens, magnesium supplements may help.", False, id="negation-in-if-clause"),
    # a negated verb of quantity states a shortfall: what a deficiency does, not a denial
    pytest.param("Low magnesium means your body is not producing enough energy.", False, id="not-verb-enough"),
    pytest.param("Magnesium does not reduce cramps enough to matter.", True, id="enough-not-on-the-verb"),
]


@pytest.mark.parametrize("text, negated", NEGATION)
def test_negation(text: str, negated: bool) -> None:
    assert read_strength(text).negated is negated


def test_negation_keeps_the_relation_level() -> None:
    """A denied relation keeps the level of the relation it denies."""
    assert read_strength("Magnesium supplements do not reduce cramps.").level == 3
    assert read_strength("Low magnesium is not linked to migraines.").level == 1


def _kinds(text: str) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for c in read_strength(text).cues:
        out.setdefault(c.kind, []).append(c.text.lower())
    return out


CUES = [
    pytest.param("Magnesium supplementation may reduce chronic low back pain.", "conditional", "may reduce",
                 id="conditional-may-reduce"),
    pytest.param("Magnesium can help ease muscle tension.", "conditional", "can help ease", id="conditional-can-help"),
    pytest.param("If you take magnesium daily, it may ease cramps.", "conditional", "if", id="conditional-if"),
    pytest.param("Low magnesium is linked to migraines.", "associative", "linked to", id="associative-linked-to"),
    pytest.param("Magnesium relieves muscle cramps.", "causal", "relieves", id="causal-relieves"),
    pytest.param("Magnesium does not cause back pain.", "negation", "does not", id="negation-does-not"),
    pytest.param("There is no evidence that magnesium causes pain.", "negation", "no evidence",
                 id="negation-no-evidence"),
    pytest.param("Is magnesium good for your spine?", "question", "?", id="question-mark"),
    pytest.param("Researchers have proved that magnesium cures pain.", "absolute", "proved", id="absolute-proved"),
    pytest.param("Researchers have proved that magnesium cures pain.", "absolute", "cures", id="absolute-cures"),
    pytest.param("A deficiency can directly contribute to back pain.", "absolute", "directly contribute to",
                 id="absolute-directly"),
    pytest.param("It is a resounding yes.", "absolute", "resounding yes", id="absolute-resounding-yes"),
    # Hedges and boosters are reported even where no causal relation is stated (level 0).
    pytest.param("Magnesium is probably the fourth most abundant mineral.", "hedge", "probably", id="hedge-probably"),
    pytest.param("Magnesium is potentially one of the most important minerals.", "hedge", "potentially",
                 id="hedge-potentially"),
    pytest.param("Magnesium is likely the most common supplement.", "hedge", "likely", id="hedge-likely"),
    pytest.param("There is some evidence that magnesium is linked to sleep.", "hedge", "some evidence",
                 id="hedge-some-evidence"),
    pytest.param("Some research suggests magnesium is linked to sleep.", "hedge", "suggests", id="hedge-suggests"),
    pytest.param("Magnesium is clearly the fourth most abundant mineral.", "booster", "clearly", id="booster-clearly"),
    pytest.param("Magnesium significantly reduces muscle cramps.", "booster", "significantly",
                 id="booster-significantly"),
    pytest.param("Magnesium is highly effective for back pain.", "booster", "highly", id="booster-highly-effective"),
    pytest.param("Magnesium is always present in bone.", "absolute", "always", id="absolute-always-no-relation"),
]


@pytest.mark.parametrize("text, kind, cue", CUES)
def test_cue(text: str, kind: str, cue: str) -> None:
    assert cue in _kinds(text).get(kind, []), read_strength(text).cues


@pytest.mark.parametrize("text", [
    pytest.param("Magnesium is probably the fourth most abundant mineral.", id="hedge"),
    pytest.param("Magnesium is clearly the fourth most abundant mineral.", id="booster"),
])
def test_level_zero_sentences_keep_their_cues(text: str) -> None:
    reading = read_strength(text)
    assert reading.level == 0
    assert reading.cues


def test_directly_without_a_relation_is_not_absolute() -> None:
    reading = read_strength("Magnesium oil applied directly to the skin can provide targeted relief.")
    assert reading.level == 3
    assert "absolute" not in {c.kind for c in reading.cues}


def test_cure_as_an_adjective_is_not_absolute() -> None:
    assert read_strength("Diets low in cured meats may reduce the risk.").level == 2


def test_returns_records() -> None:
    reading = read_strength("Magnesium may reduce cramps.")
    assert isinstance(reading, StrengthReading)
    assert all(isinstance(c, Cue) for c in reading.cues)
    assert all(c.kind in CUE_KINDS for c in reading.cues)


SENTENCES = [p.values[0] for p in LEVELS + NEGATION + CUES] + [
    "Ça réduit la douleur? İstanbul ﬁne — it doesn’t cause pain.",
    "  Leading spaces, trailing spaces.  ",
    "Magnesium\tmay\nreduce pain",
    "100% guaranteed!!!",
    "“Magnesium,” she said, “is linked to sleep.”",
]


def test_read_many_equals_read_strength() -> None:
    assert read_many(SENTENCES) == [read_strength(t) for t in SENTENCES]


def test_read_many_empty() -> None:
    assert read_many([]) == []


@pytest.mark.parametrize("text", SENTENCES)
def test_cue_offsets(text: str) -> None:
    for c in read_strength(text).cues:
        assert 0 <= c.start < c.end <= len(text)
        assert text[c.start:c.end] == c.text


def test_cues_in_text_order() -> None:
    cues = read_strength("Some research suggests magnesium might be linked to better sleep.").cues
    assert [c.start for c in cues] == sorted(c.start for c in cues)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=200))
def test_any_text(text: str) -> None:
    reading = read_strength(text)
    assert 0 <= reading.level <= 4
    for c in reading.cues:
        assert c.kind in CUE_KINDS
        assert text[c.start:c.end] == c.text


@settings(max_examples=100, deadline=None)
@given(st.lists(st.sampled_from(SENTENCES + ["may", "not", "reduce", "İ", "ß", "?"]), max_size=8))
def test_batch_is_order_independent(texts: list[str]) -> None:
    assert read_many(texts) == [read_strength(t) for t in texts]


# The encoder reader (``reader="encoder"``) reads the same cases; it learned research prose, and these are
# its known misses on consumer wording (strict: a retrained model that gets one right must update this).
_ENCODER_MISSES = {
    "0-plain-fact": "reads a superlative fact as associative (1)",
    "2-may-experience-relief": "reads 'may experience relief' as no relation (0)",
    "4-guaranteed": "reads 'is guaranteed to relieve' as no relation (0), so the absolute cue has no relation",
}


@pytest.mark.parametrize("text, level", [
    pytest.param(*p.values, id=p.id, marks=[pytest.mark.xfail(strict=True, reason=_ENCODER_MISSES[p.id])]
                 if p.id in _ENCODER_MISSES else []) for p in LEVELS
])
def test_level_encoder(text: str, level: int) -> None:
    assert read_strength(text, "encoder").level == level


@pytest.mark.parametrize("text, negated", NEGATION)
def test_negation_encoder(text: str, negated: bool) -> None:
    assert read_strength(text, "encoder").negated is negated


@pytest.mark.parametrize("text, level", [
    pytest.param("Serum magnesium was inversely associated with the risk of type 2 diabetes.", 1, id="1-inverse"),
    pytest.param("Higher intake predicted lower mortality in older adults.", 1, id="1-predicted"),
    pytest.param("Oral magnesium might be beneficial for nocturnal leg cramps in pregnancy.", 2, id="2-might-be"),
    pytest.param("These findings suggest that exercise may improve cognitive function.", 2, id="2-suggest-may"),
    pytest.param("Intravenous magnesium reduced the need for rescue analgesia after surgery.", 3, id="3-reduced"),
    pytest.param("Smoking cessation improves lung function.", 3, id="3-improves"),
    pytest.param("The median age of participants was 54 years.", 0, id="0-descriptive"),
    pytest.param("Do statins reduce the risk of dementia?", 0, id="0-question"),
])
def test_encoder_reads_research_prose(text: str, level: int) -> None:
    """Conclusion-style sentences like the ones it was trained on."""
    assert read_strength(text, "encoder").level == level


def test_unknown_reader_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown strength reader"):
        read_many(["Magnesium relieves cramps."], "bert")


def test_readers_share_the_rules() -> None:
    """Questions and advice are 0 and cues are the same whichever model sets the level."""
    for text in ("Does magnesium reduce back pain?", "Consult your doctor before taking supplements."):
        assert read_strength(text, "encoder").level == 0
    lex, enc = read_strength("Magnesium may reduce cramps.", "lexical"), read_strength("Magnesium may reduce cramps.", "encoder")
    assert lex.cues == enc.cues and lex.level == enc.level == 2


# A denial without "not": an adjective, or a benefit said to be next to nothing. The claims stage
# (`assert_strength`) reads it as negated, so a claim the evidence refutes is not flagged for
# agreeing with that evidence ("concluded that magnesium oxide is ineffective for leg cramps").
LEXICAL_DENIALS = [
    pytest.param("Researchers concluded that magnesium oxide is ineffective for nighttime leg cramps.", True,
                 id="ineffective"),
    pytest.param("A Cochrane review suggests limited benefit for cramps in older adults.", True, id="limited-benefit"),
    pytest.param("Magnesium had a negligible effect on nighttime leg cramps.", True, id="negligible-effect"),
    pytest.param("Magnesium showed little clinical benefit for cramps.", True, id="little-clinical-benefit"),
    pytest.param("Magnesium did little to relieve nighttime leg cramps.", True, id="did-little-to"),
    pytest.param("Magnesium supplements are useless for nighttime leg cramps.", True, id="useless"),
    pytest.param("Magnesium is of little use for leg cramps.", True, id="of-little-use"),
    pytest.param("Magnesium hardly helps leg cramps.", True, id="hardly"),
    pytest.param("Magnesium barely eases leg cramps.", True, id="barely"),
    pytest.param("It is a myth that magnesium relieves leg cramps.", True, id="a-myth-that"),
    pytest.param("A common misconception is that magnesium cures cramps.", True, id="misconception"),
    # how often is not a denial: "hypermagnesaemia rarely occurs" agrees with "hypermagnesaemia is rare"
    pytest.param("Hypermagnesaemia rarely occurs in people with healthy kidneys.", False, id="rarely"),
    # a little of something, side effects said to be few, and weak evidence are not denials of the effect
    pytest.param("Patients report minimal side effects from magnesium.", False, id="minimal-side-effects"),
    pytest.param("Limited research suggests magnesium may relieve leg cramps.", False, id="limited-research"),
    pytest.param("A little magnesium before bed relaxes the muscles.", False, id="a-little-magnesium"),
    pytest.param("Magnesium relieves leg cramps.", False, id="plain"),
]


@pytest.mark.parametrize("text, negated", LEXICAL_DENIALS)
def test_a_denial_need_not_say_not(text: str, negated: bool) -> None:
    assert assert_strength(text).negated is negated
