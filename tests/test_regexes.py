"""The regex helpers: a Caseless search finds exactly what the case-insensitive pattern finds."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from claimaudit import claimness, claims, strength, verdict
from claimaudit.regexes import Caseless, fold, letter_runs, word_alternation

CASELESS = [v for m in (claims, strength, claimness, verdict) for v in vars(m).values()
            if isinstance(v, Caseless)] + list(strength._WORDING_PATTERNS) + [
            c for _, c, _ in verdict._STRONG_WORDING_SEARCH]

_PIECES = ["It ", "MAY ", "may ", "Can ", "help ", "cause ", "not ", "enough ", "This article ",
           "is ", "recommended ", "highly effective", "Studies FOUND ", "K", "ſ", "İ", "ß",
           "é", "’", "n’t ", "don't ", "", ", consider ", "which can lead ", "to ", "pain. ",
           "SAID ", "according to ", "Reports ", "cures ", "100% safe", "no side effects "]


def _spans(it) -> list[tuple[int, int]]:
    return [m.span() for m in it]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=12), st.text(max_size=8))
def test_caseless_search_equals_the_case_insensitive_search(pieces, noise) -> None:
    text = "".join(pieces) + noise
    for c in CASELESS:
        want = c.pattern.search(text)
        got = c.search(text, fold(text))
        assert (got and got.span()) == (want and want.span()), c.pattern.pattern[:50]
        got = c.search(text, fold(text), letter_runs(fold(text)))
        assert (got and got.span()) == (want and want.span()), c.pattern.pattern[:50]
        assert _spans(c.finditer(text, fold(text))) == _spans(c.pattern.finditer(text))


def test_caseless_on_the_seed_corpus(root: Path) -> None:
    lines = [ln for p in sorted((root / "corpus").glob("*.txt"))
             for ln in p.read_text("utf-8").splitlines() if ln.strip()]
    hits = 0
    for line in lines:
        for c in CASELESS:
            want = c.pattern.search(line)
            got = c.search(line, fold(line), letter_runs(fold(line)))
            assert (got and got.span()) == (want and want.span()), (line, c.pattern.pattern[:50])
            hits += want is not None
    assert hits > 100


@pytest.mark.parametrize("text, folded", [
    ("Magnesium MAY help.", "magnesium may help."),
    ("Doesn’t — “quoted”", "doesn’t — “quoted”"),   # non-ASCII punctuation is fine
    ("Café", None),                                  # a non-ASCII letter: search the text itself
    ("KELVIN \u212a", None),
])
def test_fold(text: str, folded: str | None) -> None:
    assert fold(text) == folded


def test_caseless_refuses_a_pattern_with_capitals() -> None:
    with pytest.raises(ValueError):
        Caseless(re.compile(r"by [A-Z][a-z]+", re.IGNORECASE))
    Caseless(re.compile(r"\bnot\b\W+\S", re.IGNORECASE))  # escapes are not capitals


def test_word_alternation_prefers_the_longest_word() -> None:
    rx = re.compile("(" + word_alternation(["mag", "magnes", "magnesium", "pain"]) + ")")
    assert rx.match("magnesium-rich").group(1) == "magnesium"
    assert rx.match("magnet").group(1) == "mag"
    assert rx.match("pai") is None


_NON_CLAIM_PIECES = [
    "This article ", "this post", "In this section", "we will explore ", "as we delve", "let's look",
    "lets take a look", "Read on to ", "keep reading", "here is a list", "here are a few",
    "the following list", "continues to seek out", "for more information", "should be taken",
    "must be part", "ought to be used", "might be necessary", "may be an option",
    "is important to consult", "are best to choose", "can help you decide", ", consider ",
    ",talk to", ", speak with", "the safest way to", "the preferred option for", "key to start",
]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(_PIECES + _NON_CLAIM_PIECES), max_size=12))
def test_non_claim_prefilters_find_what_the_patterns_find(pieces) -> None:
    text = "".join(pieces)
    for c in (claims._META, claims._RECOMMENDATION):
        want = c.pattern.search(text)
        got = c.search(text, fold(text), letter_runs(fold(text)))
        assert (got and got.span()) == (want and want.span()), (text, c.pattern.pattern[:40])


_WORDING_PIECES = _PIECES + [
    "could ", "might ", "also ", "potentially ", "reduce ", "lead ", "play a role", "is ",
    "often ", "prescribed", "advised ", "suggested", "shows ", "revealed no ", "mixed ",
    "very effective", "a major impact", "far-reaching", "the best remedy", "key factor",
    "fundamental for", "miracle", "game-changer", "game changer", "can perform ", "be used ",
    "which can help ", "that may ", "-", "_", "é", "3",
]


def _unfiltered_wording(text: str) -> list:
    return [p.pattern.search(text) for p in strength._WORDING_PATTERNS]


def _spans_or_none(matches) -> list:
    return [m and m.span() for m in matches]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(_WORDING_PIECES), max_size=14))
def test_wording_prefilter_finds_what_every_pattern_finds(pieces) -> None:
    text = "".join(pieces)
    assert _spans_or_none(strength._wording(text)) == _spans_or_none(_unfiltered_wording(text))


def test_wording_prefilter_on_the_seed_corpus(root: Path) -> None:
    lines = [ln for p in sorted((root / "corpus").glob("*.txt"))
             for ln in p.read_text("utf-8").splitlines() if ln.strip()]
    found = 0
    for line in lines:
        want = _spans_or_none(_unfiltered_wording(line))
        assert _spans_or_none(strength._wording(line)) == want, line
        found += sum(m is not None for m in want)
    assert found > 50
