"""Fast paths of the fifth speed round (issue 14) against the straightforward code they replace.

Every report must stay byte-identical: `match._apply_synonyms`, which tries only the synonym rules
indexed under the text's tokens, must give the text the loop over every rule (`phrase in text`,
then `pattern.sub`) gives, and so must `normalize` as a whole. In the claim rules, `claims._about_the_article`
(META's wordings searched where one of their opening words starts, its opening only at the start) must
answer as `META.search` does, `claims._recommends` (no wording tried when the text has none of their
words) as `RECOMMENDATION.search`, and `claims.topic_label` (no ":", no match) must match what
`TOPIC_LABEL.match` matches.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from claimaudit import claims, match
from claimaudit.regexes import fold, letter_runs

ROOT = Path(__file__).resolve().parent.parent


def _every_rule(text: str) -> str:
    """The straightforward synonym loop `normalize` ran before the first-token index."""
    for phrase, pattern, repl in match._synonym_rules():
        if phrase in text:
            text = pattern.sub(repl, text)
    return text


def _normalize_by_definition(text: str) -> str:
    text = text.lower().replace("’", "'").replace("‘", "'")
    text = _every_rule(text)
    words = match._STEMMER.stemWords([w for w in match._TOKEN.findall(text) if w not in match._STOP])
    return " ".join(w for w in words if w not in match._STOP)


def _phrases_and_replacements() -> list[str]:
    out = []
    for phrase, _, repl in match._synonym_rules():
        out += [phrase, repl, phrase.upper(), phrase.replace(" ", "-"), phrase + "s", "x" + phrase]
    return out


_PIECES = ["", " ", "-", "_", "'", "’", ",", ".", "a", "the", "é", "K", "\u212a", "ſ", "İ", "2",
           "low", "back", "magnesium", "pain", "levels", "of", "in", "not", "enough", "anti"]
_TEXTS = st.one_of(
    st.text(max_size=60),
    st.lists(st.sampled_from(_PIECES + _phrases_and_replacements()), max_size=16).map(" ".join),
    st.lists(st.sampled_from(_PIECES + _phrases_and_replacements()), max_size=16).map("".join),
)


@settings(max_examples=1500, deadline=None)
@given(_TEXTS)
def test_indexed_synonym_rules_change_texts_as_every_rule_does(text: str) -> None:
    lowered = text.lower().replace("’", "'").replace("‘", "'")
    assert match._apply_synonyms(lowered, match._tokens(lowered)) == _every_rule(lowered)


@settings(max_examples=500, deadline=None)
@given(_TEXTS)
def test_normalize_is_its_definition(text: str) -> None:
    match.normalize.cache_clear()
    assert match.normalize(text) == _normalize_by_definition(text)


@pytest.mark.parametrize("phrase", [p for p, _, _ in match._synonym_rules()])
def test_each_synonym_phrase_is_applied_as_every_rule_does(phrase: str) -> None:
    for text in (phrase, f"Low {phrase} levels.", f"{phrase}, {phrase}-like and {phrase}s",
                 f"not enough {phrase} (low back pain)"):
        lowered = text.lower()
        assert match._apply_synonyms(lowered, match._tokens(lowered)) == _every_rule(lowered)


def test_synonym_rules_on_the_seed_corpus() -> None:
    for p in sorted((ROOT / "corpus").glob("*.txt")):
        for line in p.read_text("utf-8").splitlines():
            lowered = line.lower().replace("’", "'").replace("‘", "'")
            assert match._apply_synonyms(lowered, match._tokens(lowered)) == _every_rule(lowered), line


# --- claims: the non-claim rules ----------------------------------------------------------------

_RULE_PIECES = [
    "", " ", "  ", ",", ", ", ".", ":", ": ", "**", "?", "\"", "“", "'", "’", "-", "_", "é", "K", "\u212a",
    "ſ", "İ", "\n", "\t", "3", "a", "A", "the", "The ", "it", "is ", "are ", "can ", "may ", "could ",
    "helps ", "empowers", "this article", "This Post", "in this guide", "In this section, we will explore",
    "below, we'll review", "here we answer", "we will delve", "as we delve", "let's take a look", "Lets look",
    "read on to", "keep reading", "here is a list", "here are a few", "the following section",
    "continues to seek out", "for more details", "you'll learn", "you’ll come away", "you will find out",
    "by the end of this article, you", "by the end you", "you will gain a clearer understanding",
    "you'll have a good understanding", "understanding ", "Understanding ", "knowing ", "Recognising ",
    "being aware of ", "in conclusion, ", "In Conclusion ", "crucial for understanding",
    "key to understanding", "vital in understanding", "understandings", "should be taken",
    "must be part", "ought to be used", "might be necessary", "may be an option", "is important to consult",
    "are best to choose", "can help you decide", ", consider ", ",talk to", ", speak with",
    "it's worth asking", "it is generally recommended to", "the safest way to", "the preferred option for",
    "Stay Hydrated", "Poor posture", "Leafy Greens", "magnesium", "Magnesium ", "athletes", "(", ")", "&", "/",
]
_RULE_TEXTS = st.one_of(
    st.text(max_size=60),
    st.lists(st.sampled_from(_RULE_PIECES), max_size=14).map("".join),
    st.lists(st.sampled_from(_RULE_PIECES), max_size=14).map(" ".join),
)


def _same_rule_answers(text: str) -> None:
    folded = fold(text)
    runs = letter_runs(folded)
    assert claims._about_the_article(text, folded, runs) == (claims.META.search(text) is not None), text
    assert claims._recommends(text, folded, runs) == (claims.RECOMMENDATION.search(text) is not None), text
    want = claims.TOPIC_LABEL.match(text)
    got = claims.topic_label(text)
    assert (got and got.span()) == (want and want.span()), text


@settings(max_examples=2000, deadline=None)
@given(_RULE_TEXTS)
def test_claim_rules_answer_as_their_patterns_do(text: str) -> None:
    _same_rule_answers(text)


@pytest.mark.parametrize("text", [
    "Understanding magnesium can help you sleep.", "\"Understanding magnesium can help.\"",
    " understanding it is key", "Understanding is key.", "In conclusion, knowing your levels helps.",
    "Being aware of the signs allows action", "recognizing  symptoms can help", "This article explains why.",
    "In this post, we'll explore magnesium.", "Stay Hydrated: Water helps.", "**Poor posture**: it hurts",
    "A B C D E F G: x", "Note:", "Leafy greens", "Here, we answer: why?", "You’ll learn how.",
    "It is crucial for understanding how it works.", "Doctors say it may be necessary to test.",
    "", " ", ":", "\u212aeep reading", "ſhould be taken",
])
def test_claim_rules_on_examples(text: str) -> None:
    _same_rule_answers(text)


def test_claim_rules_on_the_seed_corpus() -> None:
    for p in sorted((ROOT / "corpus").glob("*")):
        if p.is_file():
            for line in p.read_text("utf-8", errors="replace").splitlines():
                _same_rule_answers(line.strip())
