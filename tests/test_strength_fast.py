"""The strength reader's fast paths against the straightforward ones they replace (issue 14, speed).

Every report must stay byte-identical: `_model_levels` (integer n-gram codes matched in one numpy
pass) must pick the same class as `_model_levels_by_lists` (a dict lookup of each `feature_lists`
key), and `token_spans` must give the offsets `_TOKEN_RE.finditer` gives.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from claimaudit import strength
from claimaudit.ingest import read_article
from claimaudit.segment import segment
from claimaudit.strength import _SMALL_BATCH, _TOKEN_RE, analyse, token_spans

ROOT = Path(__file__).resolve().parent.parent

# Written for these tests: cue words of every kind, phrases, negations, questions, advice,
# headings, runs of unknown words, numbers, punctuation, non-ASCII and empty text.
SENTENCES = [
    "Magnesium may reduce muscle cramps in older adults.",
    "Vitamin D does not prevent colds, a 2019 trial found.",
    "Zinc lozenges cure the common cold!",
    "Is turmeric linked to lower inflammation?",
    "Consult your doctor before taking iron.",
    "Evidence Linking Fish Oil To Heart Health",
    "Higher intake was associated with fewer fractures than placebo.",
    "The researchers found that sleep improved, which could lead to better mood.",
    "It is possible that probiotics help ease bloating, but further studies are needed.",
    "Exercise directly contributes to weight loss and clearly lowers blood pressure.",
    "Coffee doesn't cause cancer; it isn't harmful either.",
    "Ginger can help relieve nausea, and it's 100% effective for some people.",
    "qwerty zxcv blorp frobnicate 42 17% — “quoted” (bracketed) [x].",
    "Naïve café-goers said the İstanbul study was well-established proof.",
    "",
    "...",
    "If you take it daily, calcium strengthens bones.",
    "Not only does yoga reduce stress, it also improves sleep.",
]

_WORDS = st.sampled_from([
    "magnesium", "Magnesium", "may", "can", "help", "reduce", "reduces", "reduced", "linked", "to",
    "associated", "with", "not", "n't", "doesn't", "no", "evidence", "cures", "a", "cure", "for", "the",
    "is", "are", "was", "directly", "clearly", "proven", "?", ".", ",", ";", "if", "unless", "more",
    "than", "risk", "of", "study", "found", "should", "42", "17%", "zzz", "qux", "é", "İ", "Take",
    "appears", "lead", "leads", "in", "the", "treatment", "effective", "resounding", "yes", "emphatic",
])
_SENTENCE = st.one_of(st.lists(_WORDS, max_size=30).map(" ".join), st.text(max_size=120))


def _same_levels(texts: list[str]) -> None:
    analyses = [analyse(t) for t in texts]
    fast = strength._model_levels(analyses)
    slow = strength._model_levels_by_lists(analyses)
    assert fast.tolist() == slow.tolist()


@pytest.mark.parametrize("size", [1, _SMALL_BATCH - 1, _SMALL_BATCH, 7, len(SENTENCES)])
def test_model_levels_match_feature_lists(size: int) -> None:
    for i in range(0, len(SENTENCES), size):
        _same_levels(SENTENCES[i:i + size])


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_SENTENCE, min_size=_SMALL_BATCH, max_size=30))
def test_model_levels_match_feature_lists_property(texts: list[str]) -> None:
    _same_levels(texts)


def test_model_levels_match_on_seed_corpus() -> None:
    files = sorted((ROOT / "corpus").glob("*.txt"))[:12]
    assert files
    for f in files:
        units = segment(read_article(f))
        texts = [u.text for u in units]
        assert len(texts) >= _SMALL_BATCH, f
        _same_levels(texts)


@pytest.mark.parametrize("text", SENTENCES + ["  leading and trailing  ", "tab\tand\nnewline", "a  b   c"])
def test_token_spans_match_finditer(text: str) -> None:
    a = analyse(text)
    assert token_spans(a.low, a.toks) == [m.span(1) for m in _TOKEN_RE.finditer(a.low)]


@settings(max_examples=300, deadline=None)
@given(_SENTENCE)
def test_token_spans_match_finditer_property(text: str) -> None:
    a = analyse(text)
    assert a.spans == [m.span(1) for m in _TOKEN_RE.finditer(a.low)]


_WORDING_TEXTS = SENTENCES + [
    "A 2013 study showed that magnesium reduced cramps.",
    "In a small trial, participants who received zinc recovered faster.",
    "Doctors can perform a blood test; iron is often prescribed.",
    "Vitamin C is highly effective and plays a major role in immunity.",
    "The researchers found no effect of fish oil.",
    "It can cause pain associated with cramps.",
]


def _eager_wording(text: str):
    """`_wording` as it was: every pattern searched at once, fields by name."""
    from types import SimpleNamespace

    found = [p.pattern.search(text) for p in strength._WORDING_PATTERNS]
    return SimpleNamespace(**dict(zip(strength._Wording._FIELDS, found)))


@pytest.mark.parametrize("text", _WORDING_TEXTS)
def test_lazy_wording_reads_what_the_eager_one_did(text: str, monkeypatch: pytest.MonkeyPatch) -> None:
    readings = strength.read_many([text])
    fast = strength.assertion(text, readings[0])
    monkeypatch.setattr(strength, "_wording", _eager_wording)
    assert strength.assertion(text, readings[0]) == fast


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(_WORDING_TEXTS), min_size=1, max_size=3).map(" ".join),
       st.permutations(range(9)))
def test_lazy_wording_fields_in_any_order(text: str, order: list[int]) -> None:
    strength._wording.cache_clear()
    lazy = strength._Wording(text)
    eager = _eager_wording(text)
    for i in order:
        name = strength._Wording._FIELDS[i]
        got, want = getattr(lazy, name), getattr(eager, name)
        assert (got and got.span()) == (want and want.span()), name


@settings(max_examples=200, deadline=None)
@given(_SENTENCE, st.lists(st.integers(min_value=0, max_value=40), max_size=6))
def test_spans_worked_out_in_steps_match_finditer(text: str, steps: list[int]) -> None:
    a = analyse(text)
    want = [m.span(1) for m in _TOKEN_RE.finditer(a.low)]
    for k in steps:  # any order, past the end too
        got = a.spans_to(k)
        assert got[:k + 1] == want[:k + 1]
    assert a.spans == want


# `_tokens` (chunks of `str.split`, most of them one or two tokens without the regex) against the regex.
_TOKEN_TEXTS = SENTENCES + [
    "co-occur doesn't it’s 17% %x x% 50%% a-b-c -a a- 'quoted' ‘single’ x_y _ __init__ 3.5 1,000",
    "end. (start) [x], y; z: a! b? c—d e–f “g” h… 2019-2020 u.s. e.g. dr. o'neil o’neil",
    "tab\tnew\nline\r\x0bv\x0cf\x1cfs\x1dgs\x1ers\x1fus\u00a0nbsp\u2009thin\u3000ideo\u2028ls",
    "İstanbul ǅ ﬁ ² ①  x²  ³⁄₄ ٣ café-goers naïve ß",
    "a\x00b \x07c d\x7f",
]
_CHARS = st.sampled_from(list("aZ9_ -'’%.,;:!?()\"“”[]/\\&$#@+=*~^`<>|{}—–…\t\n\x0b\x1c\u00a0\u2009é²①İﬁ"))


@pytest.mark.parametrize("text", _TOKEN_TEXTS)
def test_tokens_match_findall(text: str) -> None:
    low = analyse(text).low
    assert strength._tokens(low) == _TOKEN_RE.findall(low)


@settings(max_examples=500, deadline=None)
@given(st.one_of(st.text(_CHARS, max_size=60), st.text(max_size=60), _SENTENCE))
def test_tokens_match_findall_property(text: str) -> None:
    assert strength._tokens(text) == _TOKEN_RE.findall(text)
    low = analyse(text).low
    assert strength._tokens(low) == _TOKEN_RE.findall(low)


class _Everything:
    """A stand-in for `_COMPOSERS` that shares a word with every sentence, so `_compose` always runs."""

    def isdisjoint(self, other) -> bool:  # noqa: ANN001
        return False


def _analysis_fields(a) -> tuple:
    return a.toks, a.tags, a.cues, a.question, a.advice, a.heading


@pytest.mark.parametrize("text", SENTENCES + _WORDING_TEXTS + [
    "More likely to reduce pain.", "It is possible that zinc reduces colds.", "Fish oil directly lowers fat.",
    "Turmeric probably eases pain.", "Ginger can help ease nausea.", "Tea could potentially reduce risk.",
])
def test_compose_skipped_only_when_it_merges_nothing(text: str, monkeypatch: pytest.MonkeyPatch) -> None:
    fast = _analysis_fields(analyse(text))
    monkeypatch.setattr(strength, "_COMPOSERS", _Everything())
    assert _analysis_fields(analyse(text)) == fast


_COMPOSE_SENTENCE = st.lists(st.one_of(_WORDS, st.sampled_from([
    "could", "would", "might", "likely", "unlikely", "probably", "potentially", "perhaps", "to", "be", "been",
    "help", "helps", "cure", "cures", "appears", "thought", "some", "evidence", "more", "less", "ease", "have",
])), max_size=30).map(" ".join)


@settings(max_examples=400, deadline=None)
@given(st.one_of(_SENTENCE, _COMPOSE_SENTENCE))
def test_compose_skipped_only_when_it_merges_nothing_property(text: str) -> None:
    fast = _analysis_fields(analyse(text))
    saved = strength._COMPOSERS
    strength._COMPOSERS = _Everything()
    try:
        assert _analysis_fields(analyse(text)) == fast
    finally:
        strength._COMPOSERS = saved


# `_Led.search` (the pattern tried only where one of its leading words starts) against `pattern.search`.
_LED = [c for c in (*strength._WORDING_PATTERNS, strength._NEGATION_C) if isinstance(c, strength._Led)]
_LED_WORDS = st.sampled_from([
    "can", "Can", "could", "may", "MAY", "might", "cancer", "scan", "mayo", "help", "helps", "aid", "support",
    "play", "a", "supportive", "role", "part", "also", "even", "potentially", "indirectly", "which", "that", "who",
    "be", "have", "not", "no", "nor", "never", "neither", "know", "cannot", "can't", "can’t", "doesn't", "don't",
    "donor", "won't", "wonder", "isn't", "aren't", "parents", "fail", "fails", "failed", "to", "unlikely", "only",
    "enough", "more", "than", "found", "find", "finds", "shows", "shown", "showed", "demonstrated", "revealed",
    "confirms", "little", "mixed", "perform", "measure", "used", "cause", "lead", "reduce", "ease", "improve",
    "İ", "ſ", "K", ",", ".", "  ", "\n", "-", "'",
])
_LED_TEXT = st.one_of(st.lists(_LED_WORDS, max_size=25).map(" ".join),
                      st.lists(_LED_WORDS, max_size=25).map("".join), st.text(max_size=80))


def _led_same(c, text: str) -> None:
    from claimaudit.regexes import fold, letter_runs

    folded = fold(text)
    got = c.search(text, folded, letter_runs(folded))
    want = c.pattern.search(text)
    assert (got and got.regs) == (want and want.regs)  # the span and every group's (folded text: lower case)


@pytest.mark.parametrize("i", range(len(_LED)))
@settings(max_examples=300, deadline=None)
@given(text=_LED_TEXT)
def test_led_search_is_pattern_search(i: int, text: str) -> None:
    _led_same(_LED[i], text)


def test_led_search_is_pattern_search_on_seed_corpus() -> None:
    assert len(_LED) >= 5
    for f in sorted((ROOT / "corpus").glob("*.txt")):
        for u in segment(read_article(f)):
            for c in _LED:
                _led_same(c, u.text)


@pytest.mark.parametrize("text", ["The trial enrolled 40 adults in Ohio.", "Magnesium is a mineral.", "", "Zinc!"])
@pytest.mark.parametrize("level", [0, 1, 2, 3])
def test_decide_without_cues_keeps_the_model_level(text: str, level: int) -> None:
    """`_decide` returns early on a sentence without cues: the level the full rules leave it at."""
    import dataclasses

    a = analyse(text)
    assert not a.cues
    fast = strength._decide(a, level)

    class _NoCues(list):  # empty, but not falsy: the early return is not taken
        def __bool__(self) -> bool:
            return True

    slow_a = analyse(text)
    slow_a.cues = _NoCues()
    assert strength._decide(slow_a, level) == fast
    assert dataclasses.is_dataclass(strength._reading(a, level))


def _decide_in_full(a, model_level: int, lift: bool = True) -> tuple[int, bool]:
    """`strength._decide` as it was, every rule run whatever the cue kinds."""
    s = strength
    toks = a.toks
    if a.question or a.advice or a.heading or not toks:
        return 0, False
    level = int(model_level)
    kinds = {c[0] for c in a.cues}
    need = "need" in kinds
    cond = [c for c in a.cues if c[0] == "conditional"]
    finite_causal = [c for c in a.cues if c[0] == "causal" and c[3][-1:] in ("F", "V", "R", "C")]
    can_help = any(c[0] == "conditional" and toks[c[1]] == "can" for c in cond)
    if cond and level == 3 and not finite_causal:
        level = 2
    if can_help and level in (0, 3):
        level = 2
    if lift and level == 0 and not need and any(c[0] == "causal" and c[3] == "CAUSF" for c in a.cues):
        level = 3
    if lift and level == 0 and not need and any(
        c[0] == "associative" and (c[3] in ("ASSOCP", "ASSOCF", "ASSOCV") or toks[c[1]] in s._STRONG_ASSOC)
        for c in a.cues
    ):
        level = 1
    relational = any(
        c[0] == "absolute" and (s._is_cure(toks, c) or (c[3] == "ABSP" and toks[c[2] - 1] not in s._DOUBT_ENDS))
        for c in a.cues
    )
    if relational and level < 3:
        level = 3
    main = s._main_relation(a, level) if level else None
    negated = s._negated(a, main) if level else False
    if not negated:
        if any(toks[c[2] - 1] == "yes" for c in a.cues if c[0] == "absolute" and c[2] - c[1] == 2):
            return 4, False
        if level >= 1:
            for c in a.cues:
                if c[0] != "absolute":
                    continue
                w = toks[c[1]]
                prev = toks[c[1] - 1] if c[1] > 0 else ""
                if prev in ("not", "never", "no", "without") or prev.endswith(("n't", "n’t")):
                    continue
                if w in s._CERTAINTY or c[3] == "ABSP" or s._is_cure(toks, c):
                    if w == "directly" and c[2] - c[1] == 1:
                        continue
                    return 4, False
    return level, negated


def _same_decisions(text: str) -> None:
    a = analyse(text)
    for level in range(4):
        for lift in (True, False):
            assert strength._decide(a, level, lift) == _decide_in_full(a, level, lift), (text, level, lift)


_DECIDE_TEXTS = SENTENCES + _WORDING_TEXTS + [
    "Magnesium cures cramps.", "A resounding yes: it works.", "It is not proven to cure colds.",
    "Zinc can help, and it always works.", "The link between sleep and mood is clear.",
    "Further studies should test whether iron reduces fatigue.", "Cured meats are salty.",
    "It definitely reduces pain.", "Never always effective.", "Applied directly to the skin.",
]


@pytest.mark.parametrize("text", _DECIDE_TEXTS)
def test_decide_matches_the_rules_run_in_full(text: str) -> None:
    _same_decisions(text)


@settings(max_examples=400, deadline=None)
@given(st.one_of(_SENTENCE, _COMPOSE_SENTENCE, _LED_TEXT))
def test_decide_matches_the_rules_run_in_full_property(text: str) -> None:
    _same_decisions(text)


def test_decide_matches_the_rules_run_in_full_on_seed_corpus() -> None:
    for f in sorted((ROOT / "corpus").glob("*.txt")):
        for u in segment(read_article(f)):
            _same_decisions(u.text)


def test_ngram_tables_hold_exactly_the_vocabulary_ngrams() -> None:
    """`_feature_tables`' dense bigram and trigram tables against the vocabulary's own dict."""
    import itertools

    index = strength._model()[0]
    _, _, _, tag_ids, width, big_ids, tri_slot, tri_ids = strength._feature_tables()

    def table_id(gram: tuple) -> int:
        ids = [tag_ids[t] for t in gram]
        if len(ids) == 2:
            return int(big_ids[ids[0] * width + ids[1]])
        slot = int(tri_slot[ids[0] * width + ids[1]])
        return -1 if slot < 0 else int(tri_ids[slot * width + ids[2]])

    grams = [f for f in index if isinstance(f, tuple) and len(f) in (2, 3)]
    assert grams
    for f in grams:
        assert table_id(f) == index[f], f
    tags = sorted(tag_ids)[:25] + ["never-a-tag"]
    for gram in itertools.chain(itertools.product(tags, repeat=2), itertools.product(tags[:12], repeat=3)):
        assert table_id(gram) == index.get(gram, -1), gram
