"""Claim detection: what is a check-worthy claim, and what is furniture, advice or a question."""

from __future__ import annotations

import pytest

from claimaudit.claims import TOPIC_LABEL, match_text, non_claim_reason, read_claims
from claimaudit.ingest import article_from_text
from claimaudit.segment import segment
from claimaudit.strength import asserted_level
from claimaudit.records import Cue, Sentence, StrengthReading


def unit(text: str, block: str = "paragraph", lead_in: str = "") -> Sentence:
    return Sentence(text=text, start=0, end=len(text), line=1, column=1, end_line=1,
                    end_column=len(text) + 1, block=block, index=0, lead_in=lead_in)


# fmt: off
NON_CLAIMS = [
    # description,                       text,                                                      block,        reason
    ("heading",                          "Benefits of Zinc",                                        "heading",    "heading"),
    ("navigation",                       "Skip to main content",                                    "paragraph",  "boilerplate"),
    ("reading time",                     "6 min read",                                              "paragraph",  "boilerplate"),
    ("newsletter prompt",                "Sign up for our weekly newsletter!",                      "paragraph",  "boilerplate"),
    ("comment prompt",                   "Leave a Reply",                                           "paragraph",  "boilerplate"),
    ("related-article link",             "[Also Read: Ten Foods for Better Sleep]",                 "paragraph",  "boilerplate"),
    ("disclaimer",                       "This article is for informational purposes only.",        "paragraph",  "boilerplate"),
    ("question",                         "Can zinc shorten a cold?",                                "paragraph",  "question"),
    ("quoted question at the end",       "Many readers ask: \"does it work?\"",                     "paragraph",  "question"),
    ("lead-in to a list",                "Good sources of zinc include:",                           "paragraph",  "lead-in"),
    ("imperative advice",                "Consult your doctor before starting supplements.",        "paragraph",  "advice"),
    ("important-to advice",              "It is important to talk to a pharmacist first.",          "paragraph",  "advice"),
    ("you-can advice",                   "You can also add seeds to your breakfast.",               "paragraph",  "advice"),
    ("might be necessary",               "For severe cases, supplements might be necessary.",       "paragraph",  "advice"),
    ("should be combined",               "Zinc should be combined with a balanced diet.",           "paragraph",  "advice"),
    ("crucial to choose",                "It is crucial to choose a well-absorbed form of zinc.",   "paragraph",  "advice"),
    ("professionals can help decide",    "A pharmacist can help determine the right dose.",         "paragraph",  "advice"),
    ("trailing consider",                "For more on diet, consider a dietitian.",                 "paragraph",  "advice"),
    ("the best way to",                  "For most people, the best way to get zinc is through food.", "paragraph", "advice"),
    ("seeking advice",                   "Seeking professional advice is paramount.",               "paragraph",  "advice"),
    ("research exists, no finding",      "Several studies have explored the link between zinc and acne.", "paragraph", "research-activity"),
    ("what a trial tests",               "Another trial is testing whether zinc will prevent colds in children.", "paragraph", "research-activity"),
    ("what a trial was designed to test", "A third trial, designed to test whether zinc slows hair loss in 172 patients, is under way.", "paragraph", "research-activity"),
    ("to see if, then the design",       "To see if zinc helps, researchers gave 100 adults zinc or placebo.", "paragraph", "research-activity"),
    ("looked at whether",                "The researchers looked at whether zinc intake was linked to acne.", "paragraph", "research-activity"),
    ("about the article",                "In this article we will explore the benefits of zinc.",   "paragraph",  "about-the-article"),
    ("nominal list fragment",            "Oysters and red meat",                                    "list-item",  "fragment"),
    ("too short",                        "Yes, definitely.",                                        "paragraph",  "fragment"),
    ("subtitle without a verb",          "Understanding the vital link",                            "paragraph",  "fragment"),
    ("abstract: methods",                "METHODS: This randomized trial enrolled 120 adults who took zinc or placebo.", "paragraph", "research-activity"),
    ("abstract: objective",              "Objective: To assess whether zinc shortens colds in children.", "paragraph", "research-activity"),
    ("abstract: materials and methods",  "Materials and Methods: Zinc levels were measured in 80 patients.", "paragraph", "research-activity"),
    ("citation: author list, et al.",    "Smith J, Lee K, Park HS, et al. Zinc lozenges for the common cold.", "paragraph", "boilerplate"),
    ("citation: editors",                "Brown A, Chen L, editors.",                               "paragraph",  "boilerplate"),
    ("citation mark: [Internet]",        "Zinc in Human Health [Internet].",                        "paragraph",  "reference-list"),
    ("citation mark: doi",               "Zinc and colds. J Nutr. 2019;12:3. doi: 10.1000/xyz123.", "paragraph",  "reference-list"),
    ("pointer to another section",       "For more details about zinc and drugs, see the Interactions section.", "paragraph", "about-the-article"),
    ("what the article does next",       "Below, we explain how zinc is absorbed and how to take it.", "paragraph", "about-the-article"),
    ("what the reader will learn",       "You’ll learn which foods are richest in zinc.",           "paragraph",  "about-the-article"),
    ("what the reader will know at the end", "By the end, you will have a clearer understanding of whether zinc helps.", "paragraph", "about-the-article"),
    ("the reader's understanding",       "You'll gain a better understanding of how zinc works.",   "paragraph",  "about-the-article"),
    ("the value of knowing something",   "Understanding the signs of low zinc can help people spot a deficiency.", "paragraph", "about-the-article"),
    ("the value of knowing, concluded",  "In conclusion, understanding the role of zinc in healing is crucial.", "paragraph", "about-the-article"),
    ("what knowing needs",               "This distinction is crucial for understanding its benefits.", "paragraph", "about-the-article"),
    ("if-clause, then an imperative",    "If you get cramps at night, take zinc in the evening.",   "paragraph",  "advice"),
    ("it's recommended to",              "To avoid nausea, it’s recommended to start with a low dose of zinc.", "paragraph", "advice"),
    ("title: indirect question",         "How Zinc Affects Wound Healing and Immunity",             "paragraph",  "heading"),
    ("title with its site name",         "Does Zinc Shorten Colds? | Health Facts",                 "paragraph",  "heading"),
    ("title: a guide",                   "A Practical Guide to Using Zinc for Colds and Immunity",  "paragraph",  "heading"),
    ("worth talking to a doctor",        "If this sounds familiar, it’s worth talking to your doctor about zinc.", "paragraph", "advice"),
    ("table cell without a verb",        "Absorption High (chelated)",                              "table-row",  "fragment"),
    ("a professional can determine",     "A healthcare provider can determine whether you need zinc.", "paragraph", "advice"),
    ("your doctor can advise",           "Your doctor can advise you on a dose that suits you.",    "paragraph",  "advice"),
    ("the best approach may",            "The best approach may involve diet and a zinc supplement.", "paragraph", "advice"),
    ("may be worth asking",              "If colds linger, it may be worth asking a pharmacist about zinc.", "paragraph", "advice"),
    ("knowing, after a connective",      "Additionally, understanding how zinc works can give valuable insights.", "paragraph", "about-the-article"),
    ("instruction, verb outside ADVICE", "Use a humidifier and zinc lozenges at the first sign of a cold.", "paragraph", "advice"),
    ("instruction with a preposition",   "Engage in light exercise while taking zinc.",              "paragraph",  "advice"),
    ("instruction with a pronoun",       "Ensure you are getting enough zinc from food.",           "paragraph",  "advice"),
    ("labelled instruction",             "Food First: Incorporate more oysters and beans into your meals.", "list-item", "advice"),
    ("caption without a full stop",      "Zinc in common foods per serving",                        "paragraph",  "fragment"),
    ("copyright, not at the start",      "This book is copyright.",                                 "paragraph",  "boilerplate"),
    ("reproduction notice",              "Apart from fair dealing for private study, no part may be reproduced without permission.", "paragraph", "boilerplate"),
    ("rights reserved, after the owner", "Zinc Council 2021. All rights reserved.",                 "paragraph",  "boilerplate"),
    ("conditional, then what to do",     "If you take antibiotics, zinc should be taken two hours apart from them.", "paragraph", "advice"),
    ("a recommendation on its own",      "Zinc lozenges should be taken at the first sign of a cold.", "paragraph", "advice"),
    ("symptom item, -ing noun",          "Tingling or numbness in the limbs",                       "list-item",  "fragment"),
    ("search box control",               "Close this search box.",                                  "paragraph",  "boilerplate"),
    ("menu control",                     "Toggle navigation",                                       "paragraph",  "boilerplate"),
    ("here's a look at",                 "Here’s a practical look at how zinc can help with colds.", "paragraph", "about-the-article"),
    ("here is an overview of",           "Here is a short overview of zinc and immunity.",          "paragraph",  "about-the-article"),
    ("here's what you need to know",     "Here's what you need to know about zinc and colds.",      "paragraph",  "about-the-article"),
    ("here is what, curly apostrophe",   "Here’s what the research says about zinc.",               "paragraph",  "about-the-article"),
    ("what the reader will also learn",  "You'll also learn which foods are richest in zinc.",      "paragraph",  "about-the-article"),
    ("title: topic, dash, how",          "Zinc for colds—how it works and how to choose a lozenge", "paragraph",  "heading"),
    # An instruction after an opening phrase or clause.
    ("when-clause, then an imperative",  "When choosing a lozenge, look for zinc acetate or gluconate.", "paragraph", "advice"),
    ("phrase, then an imperative",       "For best results, take it with a meal.",                  "paragraph",  "advice"),
    ("connective, then an imperative",   "However, consult your doctor before taking zinc for long.", "paragraph", "advice"),
    ("where to read more",               "For more on zinc and colds, visit the National Institutes of Health.", "paragraph", "advice"),
    ("phrase, then an instruction verb", "During a cold, use a zinc lozenge every two hours.",     "paragraph",  "advice"),
]
CLAIMS = [
    ("plain fact",                       "Zinc is an essential trace mineral.",                     "paragraph"),
    ("hedged effect",                    "Zinc lozenges may shorten colds in adults.",              "paragraph"),
    ("list item with a verb",            "Reduces the length of colds",                             "list-item"),
    ("answer starting with yes",         "Yes, high doses can cause nausea and stomach cramps.",    "faq"),
    ("research with a finding",          "Several studies have examined zinc and found it shortens colds.", "paragraph"),
    ("tested whether, then the finding", "Researchers tested whether zinc shortens colds and found that it does.", "paragraph"),
    ("here's how, then the claim",       "Here's how it works: zinc blocks the virus from multiplying.", "paragraph"),
    ("a claim, then here's how",         "Zinc shortens colds, and here's how.",                    "paragraph"),
    # "how" and "why" carry the claim they announce: "here's how zinc shortens colds" says zinc does
    ("here's how, with the claim in it", "Here's how zinc shortens colds.",                         "paragraph"),
    ("here's why, with the claim in it", "Here’s why zinc matters for your immune system.",         "paragraph"),
    ("a claim, then what is tested next", "Zinc shortens colds, and trials are now testing whether it prevents them.", "paragraph"),
    ("a test's use is a claim",          "A blood test can determine whether you are low in zinc.",  "paragraph"),
    ("what a doctor does is a claim",    "A doctor can order a blood test to check zinc levels.",    "paragraph"),
    ("what doctors recommend is practice", "Doctors may recommend zinc lozenges for colds.",         "paragraph"),
    ("unclear whether is about evidence", "It is unclear whether zinc helps with acne.",              "paragraph"),
    ("labelled bullet",                  "Immune Support: Zinc helps immune cells develop.",        "list-item"),
    ("abstract: results are findings",   "RESULTS: Zinc shortened colds by two days compared with placebo.", "paragraph"),
    ("abstract: conclusion",             "Conclusion: Zinc lozenges may shorten colds in adults.",  "paragraph"),
    ("if-clause, then a finding",        "If you take zinc early, colds tend to be shorter.",       "paragraph"),
    ("recommended intake is a fact",     "The recommended intake of zinc is 11 mg for men.",         "paragraph"),
    ("how-clause in a full sentence",    "How zinc shortens colds is not known.",                   "paragraph"),
    ("a finding about understanding",    "Zinc improves understanding of spoken words in older adults.", "paragraph"),
    ("the end of a treatment",           "By the end of the trial, zinc had shortened colds.",      "paragraph"),
    ("unpunctuated headline claim",      "Zinc Lozenges May Shorten Colds in Adults",               "paragraph"),
    # A full sentence is a sentence even when its verb is not in the verb list.
    ("verb outside the verb list",       "Zinc also influences wound healing.",                     "paragraph"),
    # A verb of doing that is the sentence's subject, or an item that continues its lead-in.
    ("instruction verb as a noun",       "Use of zinc lozenges is common in winter.",                "paragraph"),
    ("instruction verb as a subject",    "Focus is harder when zinc runs low.",                      "paragraph"),
    ("instruction verb, then a noun",    "Use in children may cause nausea.",                        "paragraph"),
    ("an adjective, not a verb",         "Select patients with low zinc may benefit from lozenges.",  "paragraph"),
    ("an idiom, then the claim",         "Put another way, zinc shortened colds by a third.",         "paragraph"),
    ("curly contraction",                "It’s more common than you think.",                        "paragraph"),
    ("dash-labelled sentence",           "Nuts & Seeds – Cashews and pumpkin seeds pack plenty of zinc.", "paragraph"),
    ("reproduced, in a claim",           "The finding was reproduced in two later trials of zinc.",  "paragraph"),
    ("reserved, in a claim",             "Zinc stores are reserved for growth in children.",         "paragraph"),
    ("a statement, then what to do",     "Zinc can interact with some antibiotics, and should be taken two hours apart from them.", "paragraph"),
    ("a finding, then a recommendation", "The review found two drugs that are probably effective and should be considered for colds.", "paragraph"),
    # After an opening clause only an imperative verb makes an instruction; "you may have" does not.
    ("opening clause, then you-may",     "If you take diuretics, you may have low zinc levels.",    "paragraph"),
    ("opening clause, then a statement", "When zinc levels drop, wounds heal more slowly.",         "paragraph"),
    ("opening phrase, then a noun",      "In one trial, use of zinc shortened colds.",              "paragraph"),
    # "Follow-up" and "let's say" are not imperatives.
    ("follow-up, a noun",                "Follow-up visits showed fewer colds in the zinc group.",  "paragraph"),
    ("let's say, an aside",              "When a cold starts, let's say on a Monday, zinc may shorten it.", "paragraph"),
    ("labelled item, verb 'accompany'",  "Headaches: Tension headaches often accompany a cold.",    "list-item"),
    ("labelled item, verb 'involve'",    "Lozenges: This treatment involves dissolving zinc in the mouth.", "list-item"),
    ("item with 'arose'",                "Nausea arose in a third of zinc users",                   "list-item"),
    ("here's a fact",                    "Here’s a fact: zinc shortens colds.",                     "paragraph"),
    ("what you will see is a claim",     "You'll see fewer colds if you take zinc daily.",          "paragraph"),
    ("closing a wound",                  "Close wounds heal faster when zinc levels are normal.",   "paragraph"),
    ("a dash, then the claim",           "Zinc—how much you take matters—can cause nausea.",        "paragraph"),
]
# fmt: on


@pytest.mark.parametrize(("description", "text", "block", "reason"), NON_CLAIMS,
                         ids=[c[0] for c in NON_CLAIMS])
def test_not_a_claim(description, text, block, reason) -> None:
    assert non_claim_reason(unit(text, block)) == reason, f"False claim: {text!r}"


@pytest.mark.parametrize(("description", "text", "block"), CLAIMS, ids=[c[0] for c in CLAIMS])
def test_is_a_claim(description, text, block) -> None:
    assert non_claim_reason(unit(text, block)) is None, f"Missed claim: {text!r}"


def test_reference_list_units_are_not_claims() -> None:
    assert non_claim_reason(unit("Smith J. Zinc and colds. 2019."), in_reference_list=True) == "reference-list"


# fmt: off
MATCH_TEXT = [
    ("pronoun subject resolved",   "It shortens colds.",               "paragraph", "",                    "zinc shortens colds."),
    ("'this mineral' resolved",    "This mineral supports immunity.",  "paragraph", "",                    "zinc supports immunity."),
    ("list item gets its lead-in", "Nausea",                           "list-item", "Side effects include:", "Side effects include: Nausea"),
    ("other subjects untouched",   "Colds last a week.",               "paragraph", "",                    "Colds last a week."),
    ("implied subject gets topic",  "A deficiency causes hair loss.",   "paragraph", "",                    "A deficiency causes hair loss. [zinc]"),
    ("subject already named",      "Zinc shortens colds.",             "paragraph", "",                    "Zinc shortens colds."),
    ("labelled item: no lead-in",  "Rest: Sleep helps muscles heal.",  "list-item", "Tips for zinc users:", "Rest: Sleep helps muscles heal."),
]
# fmt: on


@pytest.mark.parametrize(("text", "labelled"), [
    ("**Sedentary lifestyle**: A lack of exercise weakens the back.", True),
    ("Stress and anxiety: High stress tightens muscles.", True),
    ("Heat and Cold Therapy: Applying a heating pad can help.", True),
    ("Zinc shortens colds: the trials agree.", True),  # a short clause reads as a label too
    ("In a trial of 200 adults with colds, the result was clear: zinc helped.", False),
    ("Zinc shortens colds.", False),
    ("A ratio of 2:1 is typical.", False),  # a colon inside a word is no label
])
def test_topic_label(text: str, labelled: bool) -> None:
    assert bool(TOPIC_LABEL.match(text)) is labelled


def test_a_demonstrative_after_a_unit_about_the_topic_implies_it() -> None:
    assert match_text(unit("This stiffness is worse in the morning."), "zinc") == (
        "This stiffness is worse in the morning. [zinc]")


@pytest.mark.parametrize("text", ["These include smoking and alcohol.",
                                  "However, the study was done in rats only."])
def test_demonstrative_gets_previous_sentence(text: str) -> None:
    got = match_text(unit(text), "zinc", "Some habits lower zinc levels.")
    assert got == f"Some habits lower zinc levels. {text}"


@pytest.mark.parametrize(("text", "expected"), [
    ("It shortens colds.", "It shortens colds."),                   # "it" is what the unit before was about
    ("Its role is unclear.", "Its role is unclear."),
    ("This mineral supports immunity.", "zinc supports immunity."),  # unambiguous: still the topic
    ("A deficiency causes hair loss.", "A deficiency causes hair loss. [zinc]"),
    ("This stiffness is worse in the morning.", "This stiffness is worse in the morning."),
    ("These contractions strike without warning.", "These contractions strike without warning."),
])
def test_it_is_not_the_topic_after_a_unit_about_something_else(text: str, expected: str) -> None:
    assert match_text(unit(text), "zinc", it_is_topic=False) == expected


ABOUT_IT = [
    # units, then: is the last one's "It" read as the topic?
    (["Back pain is one of the most common complaints.", "It keeps many people in bed."], False),
    (["Zinc is a trace mineral.", "It shortens colds."], True),
    (["Zinc is a trace mineral.", "It shortens colds.", "It also helps wounds heal."], True),  # a chain
    (["## Zinc and your immune system", "It shortens colds."], True),  # a heading that names it
    (["## Why colds last", "It is a virus that spreads in winter."], False),
    (["It shortens colds."], True),  # the first unit: the article's title or opening is about its topic
]


@pytest.mark.parametrize(("lines", "is_topic"), ABOUT_IT, ids=[" / ".join(c[0]) for c in ABOUT_IT])
def test_read_claims_resolves_it_only_after_a_unit_about_the_topic(lines, is_topic) -> None:
    text = "\n\n".join(lines) + "\n"
    claims = read_claims(segment(article_from_text(text, kind="md", path="a.md")), "zinc")
    last = [c for c in claims if c.is_claim][-1]
    assert last.match_text.lower().startswith("zinc") is is_topic, last.match_text


@pytest.mark.parametrize(("description", "text", "block", "lead_in", "expected"), MATCH_TEXT,
                         ids=[c[0] for c in MATCH_TEXT])
def test_match_text(description, text, block, lead_in, expected) -> None:
    assert match_text(unit(text, block, lead_in), "zinc") == expected


def _reading(level: int, *kinds: str) -> StrengthReading:
    return StrengthReading(level=level, negated=False, cues=tuple(Cue(k, k, 0, 1) for k in kinds))


# fmt: off
ASSERTED = [
    ("reader's causal level kept",          _reading(3, "causal"),   3),
    ("reader's hedged level kept",          _reading(2, "conditional"), 2),
    ("plain statement of fact reads as 3",  _reading(0),             3),
    ("hedged plain statement reads as 1",   _reading(0, "hedge"),    1),
    ("absolute plain statement reads as 4", _reading(0, "absolute"), 4),
]
# fmt: on


@pytest.mark.parametrize(("description", "reading", "expected"), ASSERTED, ids=[c[0] for c in ASSERTED])
def test_asserted_strength(description, reading, expected) -> None:
    assert asserted_level(reading) == expected


# fmt: off
AUDIT_STRENGTH = [
    # description,                                   sentence,                                                   expected
    ("plain fact reads direct",                      "Zinc is a trace mineral.",                                 3),
    ("'can help' is conditional",                    "Zinc can help shorten colds.",                             2),
    ("'can cause' stays direct",                     "Too much zinc can cause nausea.",                          3),
    ("'can' + verb of doing is possible, not causal", "A doctor can order a blood test for zinc.",             2),
    ("'may' + verb is conditional",                  "Zinc may shorten colds.",                                  2),
    ("strong evaluation adds a level",               "Zinc is highly effective against colds.",                  4),
    ("what people do with it is practice",           "Many individuals consider zinc for their colds.",          1),
    ("what patients use is practice",                "Some patients use zinc lozenges.",                         1),
    ("what people do, then an effect",               "Many people take zinc and find relief from colds.",        3),
    ("what most people get is a fact",               "Most people get enough zinc from food.",                   3),
    ("research found, not hedged, is direct",        "Studies found that zinc shortens colds by two days.",      3),
    ("one trial's finding is what it found (2)",     "A trial found that zinc shortened colds by two days.",     2),
    ("a finding in one dated study",                 "Zinc shortened colds in a 2012 study.",                    2),
    ("the researchers' finding",                     "The researchers found that zinc shortened colds.",         2),
    ("one study, worded as proof, stays absolute",   "A study proved that zinc cures colds.",                    4),
    ("one study, strong evaluation on top",          "A trial showed zinc is highly effective against colds.",   3),
    ("research in general is not one study",         "Research shows that zinc shortens colds.",                 3),
    ("what one trial's participants reported",       "People who took zinc reported that their colds cleared faster.", 2),
    ("a trial arm named, no report: direct",         "Zinc reduced cold symptoms in the treatment group.",       3),
    ("'is recommended for' describes practice",      "Zinc is often recommended for colds.",                     1),
]
# fmt: on


@pytest.mark.parametrize(("description", "text", "expected"), AUDIT_STRENGTH,
                         ids=[c[0] for c in AUDIT_STRENGTH])
def test_audit_strength_on_consumer_prose(description, text, expected) -> None:
    from claimaudit.claims import read_claims

    (c,) = read_claims([unit(text)], "zinc")
    assert c.is_claim and c.strength == expected, f"{description}: {text!r} read as {c.strength}"


def test_audit_cues_name_the_wording_that_raised_strength() -> None:
    from claimaudit.claims import read_claims

    (c,) = read_claims([unit("Zinc plays a significant role in immunity.")], "zinc")
    assert ("booster", "significant role") in [(cue.kind, cue.text) for cue in c.cues]
    (c,) = read_claims([unit("Zinc is highly effective against colds.")], "zinc")
    assert any(cue.kind == "booster" and "highly" in cue.text for cue in c.cues)


@pytest.mark.parametrize(("sentence", "clause"), [
    ("Zinc is cheap, and it may shorten colds.", "it may shorten colds."),            # inside the sentence
    ("Zinc is cheap, and it may shorten colds.", "zinc may shorten colds. [zinc]"),   # pronoun resolved
])
def test_with_reading_keeps_cue_offsets_in_the_sentence(sentence: str, clause: str) -> None:
    from claimaudit.claims import read_claims, with_reading
    from claimaudit.strength import assert_strength

    (c,) = read_claims([unit(sentence)], "zinc")
    got = with_reading(c, assert_strength(clause), clause)
    assert got.strength == 2 and got.cues
    assert all(sentence[cue.start:cue.end] == cue.text for cue in got.cues), got.cues


# Web pages write contractions with either apostrophe; the non-claim wordings are written with "'".
# fmt: off
APOSTROPHES = [
    # description,                 text (with '),                                                  reason
    ("advice with it's",           "It's crucial to consult with a healthcare professional first.", "advice"),
    ("let's opening",              "Let's take a look at the best forms of zinc.",                 "advice"),
    ("don't opening",              "Don't take zinc on an empty stomach.",                         "advice"),
    ("it's recommended to",        "For most adults it's recommended to get zinc from food.",       "advice"),
    ("we'll explore",              "In this article, we'll explore how zinc works.",                "about-the-article"),
]
# fmt: on


@pytest.mark.parametrize(("description", "text", "reason"), APOSTROPHES, ids=[c[0] for c in APOSTROPHES])
def test_curly_apostrophes_read_as_straight(description, text, reason) -> None:
    curly = text.replace("'", "’")
    assert non_claim_reason(unit(text)) == reason
    assert non_claim_reason(unit(curly)) == reason, f"{curly!r} read differently from {text!r}"


def test_an_anaphor_with_a_curly_apostrophe_implies_the_topic() -> None:
    for apostrophe in "'’":
        text = f"Heavy sweating drains the body{apostrophe}s stores."
        assert match_text(unit(text), "zinc") == f"{text} [zinc]"


def test_curly_apostrophe_in_a_practice_wording_reads_as_straight() -> None:
    (straight,) = read_claims([unit("Zinc's often recommended for colds.")], "zinc")
    (curly,) = read_claims([unit("Zinc’s often recommended for colds.")], "zinc")
    assert straight.strength == curly.strength == 1


def test_an_item_that_continues_its_lead_in_is_not_an_instruction() -> None:
    item = unit("Reduce the length of colds", "list-item", lead_in="Zinc lozenges may:")
    assert non_claim_reason(item) is None
    assert non_claim_reason(unit("Reduce the length of colds", "paragraph")) == "advice"
