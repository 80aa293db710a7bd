"""Subject scope: a reference claim only matches in articles about its subject or sentences naming it.

The bundled reference set is about magnesium. Health news on other subjects
shares its key terms (kidney disease, blood tests, bone mineral density); the
audit must not judge those sentences against magnesium evidence.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from claimaudit.ingest import article_from_text
from claimaudit.pipeline import Auditor
from claimaudit.reference import load_reference

KIDNEY = "People with kidney problems are particularly vulnerable to magnesium deficiency."
KIDNEY_NO_SUBJECT = "People with kidney problems are particularly vulnerable to deficiency."
OFF_TOPIC = [
    "A new blood test accurately reflects total iron stores, the researchers reported.",
    "Kidney disease raises the risk of complications because the kidneys cannot clear excess fluid.",
    "Increases in bone mineral density were greater with the new drug than with placebo.",
]


@pytest.fixture(scope="module")
def auditor(root: Path) -> Auditor:
    return Auditor(load_reference([root / "reference"]))


def _verdicts(auditor: Auditor, text: str) -> dict[str, str]:
    report = auditor.audit_article(article_from_text(text, path="a.txt"))
    return {f.claim.sentence.text: f.verdict for f in report.findings}


@pytest.mark.parametrize("sentence", OFF_TOPIC)
def test_off_topic_news_is_not_judged_against_magnesium_evidence(auditor, sentence) -> None:
    story = f"Hospital news\n\n{sentence} The trial enrolled 400 adults.\n"
    assert _verdicts(auditor, story)[sentence] == "unverified"


@pytest.mark.parametrize("sentence", OFF_TOPIC)
def test_the_same_sentences_are_judged_in_an_article_about_magnesium(auditor, sentence) -> None:
    article = ("Magnesium and health\n\nMagnesium is a mineral. Magnesium is in nuts. "
               f"Many adults take magnesium.\n\n{sentence}\n")
    mentions = auditor.matcher.subject_mentions(article)
    assert auditor.matcher.about(mentions) == {"magnesium"}
    # In scope now: the matcher considers the reference claims (a verdict or near candidates).
    report = auditor.audit_article(article_from_text(article, path="a.txt"))
    (finding,) = [f for f in report.findings if f.claim.sentence.text == sentence]
    assert finding.candidates


def test_a_sentence_naming_the_subject_is_judged_in_any_article(auditor) -> None:
    story = f"Hospital news\n\n{KIDNEY} The trial enrolled 400 adults.\n"
    assert _verdicts(auditor, story)[KIDNEY] != "unverified"
    story_without = f"Hospital news\n\n{KIDNEY_NO_SUBJECT} The trial enrolled 400 adults.\n"
    assert _verdicts(auditor, story_without)[KIDNEY_NO_SUBJECT] == "unverified"


def test_about_needs_enough_mentions(auditor) -> None:
    m = auditor.matcher
    assert m.about(m.subject_mentions("Magnesium. Magnesium.")) == frozenset()
    assert m.about(m.subject_mentions("Magnesium, hypomagnesemia and Epsom salts.")) == {"magnesium"}
    assert m.subject_mentions("The 200 mg tablet; bone mineral density.") == dict.fromkeys(m.subjects, 0)


def test_a_reference_set_without_subjects_keeps_every_claim_in_scope(mini: Path, tmp_path) -> None:
    text = (mini / "reference" / "vitamin-c.yaml").read_text("utf-8")
    start, end = text.index("subject:"), text.index("claims:")
    (tmp_path / "vc.yaml").write_text(text[:start] + text[end:], "utf-8")
    auditor = Auditor(load_reference([tmp_path / "vc.yaml"]))
    assert auditor.matcher.subjects == ()
    sentence = "Regular ascorbic acid supplements prevent the common cold."
    story = f"News\n\n{sentence}\n"
    assert _verdicts(auditor, story)[sentence] != "unverified"


def test_a_short_draft_is_about_the_subject_it_names_once(auditor) -> None:
    draft = ("Magnesium and your back\n\n"
             "It also relieves muscle cramps, according to many sites.\n")
    verdicts = _verdicts(auditor, draft)
    assert verdicts["It also relieves muscle cramps, according to many sites."] != "unverified"
    m = auditor.matcher
    assert m.about({"magnesium": 1}, words=20) == {"magnesium"}
    assert m.about({"magnesium": 1}, words=600) == frozenset()
    assert m.about({"magnesium": 0}, words=20) == frozenset()


@pytest.mark.parametrize(("mentions", "words", "about"), [
    (3, 375, True),     # three mentions in 375 words: once in 125
    (3, 376, False),    # a little longer: named in passing
    (4, 704, False),    # a story on calcium supplements that names vitamin D four times
    (8, 342, True),     # a short story about the subject
    (20, 2500, True),   # a long page that keeps naming it
    (2, 200, False),    # too few mentions, however short the article past a draft
    (3, None, True),    # no word count (a caller without the article): the count alone
])
def test_about_needs_enough_mentions_for_the_articles_length(auditor, mentions, words, about) -> None:
    """An article is about a subject it names at least 3 times and at least once in 125 words;
    one that names it in passing (a calcium story's "with or without vitamin D") is not, so its
    pronouns and "the supplements" are not read as that subject."""
    m = auditor.matcher
    assert (m.about({"magnesium": mentions}, words=words) == {"magnesium"}) is about


def _story_naming_magnesium_in_passing(filler: int) -> str:
    """A story about calcium that names magnesium three times; `filler` neutral sentences of 10
    words each set its length."""
    body = " ".join(["The researchers followed the women for several years after enrolment."] * filler)
    return ("Calcium supplements and your heart\n\n"
            "Many older women take calcium supplements, some with magnesium or vitamin K. "
            "Calcium, unlike magnesium, is stored in bone. "
            f"{body}\n\n"
            "These supplements relieve muscle cramps, the company says.\n\n"
            "The trial did not test magnesium.\n")


def test_the_supplements_of_a_story_naming_the_subject_in_passing_are_not_the_subject(auditor) -> None:
    sentence = "These supplements relieve muscle cramps, the company says."
    short, long_ = _story_naming_magnesium_in_passing(4), _story_naming_magnesium_in_passing(60)
    m = auditor.matcher
    assert m.about(m.subject_mentions(short), len(short.split())) == {"magnesium"}
    assert m.about(m.subject_mentions(long_), len(long_.split())) == frozenset()
    # About magnesium, "these supplements" are magnesium's and the sentence is judged; named in
    # passing, they are calcium's and nothing applies.
    assert _verdicts(auditor, short)[sentence] != "unverified"
    assert _verdicts(auditor, long_)[sentence] == "unverified"


LACK = "A lack of physical activity can weaken the muscles that support the spine, leading to back pain."


@pytest.mark.parametrize("label", ["Sedentary lifestyle: ", "**Sedentary lifestyle**: "])
def test_a_labelled_unit_starts_a_topic_of_its_own(auditor, label) -> None:
    """The unit before a labelled one ("Stress: ...") does not bring its subject into scope, nor
    does a list's lead-in: the label says what the unit is about."""
    def candidates(text: str, sentence: str) -> tuple:
        report = auditor.audit_article(article_from_text(text, path="a.txt"))
        (finding,) = [f for f in report.findings if f.claim.sentence.prose.endswith(sentence)]
        return finding.candidates

    intro = ("Magnesium and back pain\n\nMagnesium is a mineral. Magnesium is in nuts. Many adults take "
             "magnesium.\n\n")
    after = "Low magnesium levels can leave the back muscles tense and tired."
    # Unlabelled, the sentence goes on from one that names magnesium: it is in scope.
    assert candidates(f"{intro}{after}\n\n{LACK}\n", LACK)
    assert not candidates(f"{intro}{after}\n\n{label}{LACK}\n", LACK)
    lead = "Ways magnesium supplements help your back:"
    assert not candidates(f"{intro}{lead}\n\n- {label}{LACK}\n- Less cramping.\n", LACK)


@pytest.mark.parametrize(("heading", "in_scope"), [
    ("How much magnesium do you need", True),
    ("Magnesium-rich foods", True),
    ("Other causes of back pain", False),
    ("How much protein do you need", False),
])
def test_a_heading_that_names_a_subject_puts_its_section_in_scope(auditor, heading, in_scope) -> None:
    """A sentence that names no subject, after one that names none either, is about the subject
    its section heading names ("Women aged 19-30 commonly see 310 mg" under "How much magnesium do
    you need"); under a heading about something else it stays out of every subject's scope."""
    sentence = "Women aged 19 to 30 commonly see 310 mg listed, and women 31 and older see 320 mg."
    text = ("# Magnesium and your back\n\nMagnesium is a mineral. Magnesium is in nuts. Many adults take "
            f"magnesium.\n\n## {heading}\n\nValues vary by age and sex. {sentence}\n")
    report = auditor.audit_article(article_from_text(text, path="a.md"))
    (finding,) = [f for f in report.findings if f.claim.sentence.prose == sentence]
    assert finding.claim.sentence.heading == heading
    assert bool(finding.candidates) is in_scope
    if in_scope:
        assert finding.reference_id == "MG-024" and finding.verdict == "supported"


@pytest.mark.parametrize(("title", "in_scope"), [("Magnesium Citrate", True), ("Calcium Citrate", False)])
def test_a_numbered_title_puts_its_section_in_scope(auditor, title: str, in_scope: bool) -> None:
    """"1. Magnesium Citrate" over what a page says of citrate is a section's title: the lines
    under it are about what it names, as under a heading (segment._numbered_title)."""
    sentence = "Effective for constipation relief by drawing water into the intestines."
    text = ("Magnesium supplements compared\n\nMagnesium is a mineral. Magnesium is in nuts. Many adults "
            f"take magnesium.\n\nWhich form to choose\n\nForms differ.\n\n1. {title}\n\nPros:\n{sentence}\n")
    report = auditor.audit_article(article_from_text(text, path="a.txt"))
    (finding,) = [f for f in report.findings if f.claim.sentence.prose == sentence]
    assert finding.claim.sentence.heading == f"Which form to choose\n{title}"
    assert bool(finding.candidates) is in_scope
    if in_scope:
        assert finding.reference_id == "MG-029" and finding.verdict == "supported"


@pytest.mark.parametrize(("filler", "in_scope"), [(2, True), (60, False)])
def test_a_heading_brings_only_a_subject_the_article_is_about(auditor, filler, in_scope) -> None:
    """A title that names magnesium in a story about calcium (magnesium named three times in
    600 words) does not put the story's sentences in magnesium's scope."""
    sentence = "Women aged 19 to 30 commonly see 310 mg listed, and women 31 and older see 320 mg."
    body = " ".join(["The researchers followed the women for several years after enrolment."] * filler)
    text = ("# Calcium, magnesium and your bones\n\nMany older women take calcium, some with magnesium. "
            f"Calcium, unlike magnesium, is stored in bone. {body}\n\nValues vary by age. {sentence}\n")
    report = auditor.audit_article(article_from_text(text, path="a.md"))
    (finding,) = [f for f in report.findings if f.claim.sentence.prose == sentence]
    assert bool(finding.candidates) is in_scope


# A subject's symbol (`symbols: [Mg]`) is matched as written ("Mg" names magnesium in scientific
# writing); "mg" and "400 Mg" are milligrams.
@pytest.mark.parametrize(("text", "names"), [
    ("The level of evidence for the efficacy of Mg in reducing pain is modest.", True),
    ("Mg²⁺ blocks NMDA receptors.", True),
    ("Serum Mg2+ was low in half of the patients.", True),
    ("Low Mg, high pain?", True),
    ("Take 400 Mg a day for back pain.", False),
    ("Each tablet holds 250 mg.", False),
    ("MgO is poorly absorbed.", False),  # another symbol: magnesium oxide is named by its own words
    ("Dr. Mgbeokwere studied back pain.", False),
])
def test_a_symbol_names_its_subject_as_written(auditor, text: str, names: bool) -> None:
    assert ("magnesium" in auditor.matcher.named(text)) is names
    assert (auditor.matcher.subject_mentions(text)["magnesium"] >= 1) is names


def test_a_symbol_keeps_its_case_and_counts_toward_key_terms(auditor) -> None:
    from claimaudit.reference import parse_reference_text

    (claim,) = parse_reference_text(
        "subject: {name: magnesium, terms: [magnesium, Mineral], symbols: [Mg]}\nclaims:\n  - id: XX-001\n    text: t\n"
        "    stance: supports\n    grade: strong\n    max_strength: 3\n    studies:\n"
        "      - {citation: C, design: D}\n", "ref.yaml")
    assert claim.subject_terms == ("magnesium", "mineral", "Mg")  # terms lower case, symbols as written
    assert auditor.matcher.with_symbol_names("the efficacy of Mg in pain") == "the efficacy of Mg magnesium in pain"
    assert auditor.matcher.with_symbol_names("250 mg a day") == "250 mg a day"


LEAD_IN = "Here are the reasons behind using magnesium for back pain:"


def _item(auditor: Auditor, item: str):
    """The claim and the match of a list item under LEAD_IN in an article about magnesium."""
    text = ("Magnesium and your back\n\nMagnesium is a mineral. Magnesium is in nuts and seeds.\n\n"
            f"{LEAD_IN}\n\n- {item}\n")
    sentences, claims, about = auditor.read(article_from_text(text, path="a.md", kind="md"))
    (claim,) = [c for c in claims if c.is_claim and c.sentence.block == "list-item"]
    return claim


@pytest.mark.parametrize(("item", "own_terms"), [
    # The item names its subject (resolved "It"): a flag stands on what the item asserts.
    ("It helps the body to manufacture ATP, its fuel.", False),
    ("It eases stiffness in the lower back.", True),
    # No subject of its own: the item continues its lead-in, which supplies the key terms.
    ("Relieves tension in tired muscles.", True),
])
def test_a_list_items_flag_needs_its_own_key_terms_when_it_names_its_subject(auditor, item, own_terms) -> None:
    claim = _item(auditor, item)
    assert claim.match_text.startswith(LEAD_IN)
    # MG-042: "Magnesium is good for the spine and helps manage back pain" (key terms: magnesium; back).
    assert auditor.matcher.has_key_terms(claim.match_text, "MG-042")
    assert auditor._item_has_key_terms(claim, "MG-042") is own_terms


def test_an_item_held_back_for_its_lead_ins_key_terms_says_so(auditor) -> None:
    claim = _item(auditor, "It helps the body to manufacture ATP, its fuel.")
    (match,) = auditor.matcher.match_many([claim.match_text], frozenset({"magnesium"}),
                                          [claim.sentence.text], [""])
    # The lead-in makes MG-042 ("... helps manage back pain") the closest claim, well above the flag
    # score; the item itself says nothing of back pain, so it is not flagged on it.
    first = match.candidates[0]
    assert first.reference_id == "MG-042" and first.score >= auditor.matcher.model.flag_score
    finding = auditor._judge(claim, match)
    assert finding.verdict == "unverified"
    assert "MG-042 (score 84) would flag it as overstated, but only the list's lead-in has all its key terms" \
        in finding.reason.replace(f"{first.score:.0f}", "84")


# `subject: none`: a claim about back pain alone, in the magnesium pack (MG-011, back-pain.yaml).
PREVALENCE = "Back pain is a widespread problem that affects millions of people worldwide."


def test_a_file_can_declare_that_its_claims_have_no_subject(root: Path, tmp_path) -> None:
    (claim,) = [c for c in load_reference([root / "reference"]).claims if c.id == "MG-011"]
    assert claim.subject == "" and claim.pack == "magnesium"
    (other,) = [c for c in load_reference([root / "reference"]).claims if c.id == "MG-012"]
    assert other.subject == "magnesium"  # the pack's subject still applies to the other files


def test_a_claim_without_a_subject_is_matched_before_the_subject_is_named(auditor) -> None:
    # the opening of an article on magnesium, before magnesium is named (seed article 003's shape)
    article = (f"Introduction\n\n{PREVALENCE} Many are turning to magnesium for relief. Magnesium is a "
               "mineral found in nuts. Magnesium supplements are popular.\n")
    report = auditor.audit_article(article_from_text(article, path="a.txt"))
    (finding,) = [f for f in report.findings if f.claim.sentence.text == PREVALENCE]
    assert (finding.verdict, finding.reference_id) == ("supported", "MG-011")
    # and in a news story on back pain that never names magnesium
    story = f"Spine news\n\n{PREVALENCE} The trial enrolled 400 adults.\n"
    report = auditor.audit_article(article_from_text(story, path="b.txt"))
    (finding,) = [f for f in report.findings if f.claim.sentence.text == PREVALENCE]
    assert finding.reference_id == "MG-011"


@pytest.mark.parametrize("sentence", [
    "Poor sleep can make back pain worse, creating a cycle of discomfort.",  # back pain, nothing on how common
    "Stress is one of the most common reasons people feel tense.",  # how common, not back pain
])
def test_a_claim_without_a_subject_needs_all_its_key_terms(auditor, sentence) -> None:
    m = auditor.matcher
    # after a sentence naming magnesium: magnesium's claims are in scope, MG-011 is not
    previous = "Magnesium relaxes muscles."
    assert "" not in m._scope(sentence, frozenset({"magnesium"}), previous)
    assert "" in m._scope(PREVALENCE, frozenset({"magnesium"}), previous)
    # and in a story that names no subject, nothing is in scope (nothing is embedded)
    assert not m.in_scope(sentence, frozenset())
    assert m.in_scope(PREVALENCE, frozenset())
    match = m.match_many([sentence], frozenset({"magnesium"}), previous=[previous])[0]
    assert "MG-011" not in [c.reference_id for c in match.candidates]


@pytest.mark.parametrize("sentence, has", [
    # an adverb of degree or time inside a key-term phrase ("is common") does not hide it
    ("Out of the blue, magnesium deficiency is suddenly extremely common.", True),
    ("Magnesium deficiency is increasingly common.", True),
    ("Magnesium deficiency is common.", True),
    # a word that is an adverb only in lower case: "NOW Foods" is a brand
    ("Magnesium deficiency, NOW Foods says, is Still Common.", False),
    ("Magnesium deficiency has many signs.", False),
])
def test_adverbs_inside_a_key_term_phrase(auditor, sentence: str, has: bool) -> None:
    # MG-014b: magnesium deficiency is common (its key terms: the deficiency, and "is common", ...)
    assert auditor.matcher.has_key_terms(sentence, "MG-014b") is has
