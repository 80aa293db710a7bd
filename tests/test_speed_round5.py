"""Fast paths of the fifth speed round (issue 14) against the straightforward code they replace.

Every report must stay byte-identical: `match._apply_synonyms`, which tries only the synonym rules
indexed under the text's tokens, must give the text the loop over every rule (`phrase in text`,
then `pattern.sub`) gives, and so must `normalize` as a whole.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from claimaudit import match

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
