"""Fast paths of the fourth speed round (issue 14) against the straightforward code they replace.

Every report must stay byte-identical: `letter_runs` must answer every pattern's `needs` as all the
runs `_LETTER_RUN.findall` finds do, `streaming._csv_rows_fast` must write the text `_csv_rows`
writes, the encoder's ASCII tokenizer must give the tokens of the character-by-character one,
`segment._word_before` must find what `_WORD_BEFORE.search` finds, and `batch` must load the
strength model's tables before it forks its workers (so that they share them)."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from claimaudit import batch, regexes, streaming, strength
from claimaudit.ingest import read_article
from claimaudit.pipeline import Auditor, Settings
from claimaudit.reference import load_reference
from claimaudit.segment import segment

ROOT = Path(__file__).resolve().parent.parent


def _runs_by_regex(folded: str | None) -> frozenset[str] | None:
    return None if folded is None else frozenset(regexes._LETTER_RUN.findall(folded))


def _patterns_with_needs() -> list[regexes.Caseless]:
    import gc

    # every pattern the pipeline's modules made (they are imported above, with verdict's)
    from claimaudit import claimness, claims, verdict  # noqa: F401

    found = [o for o in gc.get_objects() if isinstance(o, regexes.Caseless) and o.needs is not None]
    assert len(found) >= 20
    return found


def _same_needs_answers(text: str) -> None:
    folded = regexes.fold(text)
    runs, every_run = regexes.letter_runs(folded), _runs_by_regex(folded)
    if folded is None:
        assert runs is None
        return
    assert runs == every_run & regexes._NEEDED
    for c in _patterns_with_needs():
        assert c.needs <= regexes._NEEDED
        assert c.needs.isdisjoint(runs) == c.needs.isdisjoint(every_run), (c.pattern.pattern[:40], text)


@pytest.mark.parametrize("text", [
    "", " ", "magnesium", "Magnesium may reduce cramps.", "a1b2c3 don't well-known 17% x_y",
    "naïve café “quoted” — dash", "İstanbul ǅ ﬁ K", "\x00\x7f\x80\udc80 zz", "😀abc😀", "ABC abc",
    "A study found that researchers can help; this article will explore why you should consult.",
    "Studies show it MAY reduce risk, a 2019 trial found (placebo group).",
])
def test_letter_runs_answer_every_pattern_as_all_the_runs_do(text: str) -> None:
    regexes.letter_runs.cache_clear()
    for t in (text, text.lower(), text.upper()):
        _same_needs_answers(t)
    assert regexes.letter_runs(None) is None


_NEED_WORDS = st.sampled_from(sorted(regexes._NEEDED) or ["may"])


@settings(max_examples=500, deadline=None)
@given(st.one_of(st.text(max_size=80),
                 st.lists(st.one_of(_NEED_WORDS, st.sampled_from(["the", "x", ",", "Can't", "MAY", "é"])),
                          max_size=12).map(" ".join)))
def test_letter_runs_answer_every_pattern_as_all_the_runs_do_property(text: str) -> None:
    regexes.letter_runs.cache_clear()
    _same_needs_answers(text)


def test_letter_runs_on_seed_corpus() -> None:
    files = sorted((ROOT / "corpus").glob("*.txt"))[:12]
    assert files
    regexes.letter_runs.cache_clear()
    for f in files:
        for u in segment(read_article(f)):
            _same_needs_answers(u.text)


def test_a_pattern_made_later_is_not_skipped_on_runs_found_before() -> None:
    import re

    text = "Zyxwvut reduces cramps."
    folded = regexes.fold(text)
    before = regexes.letter_runs(folded)  # cached, without the new word
    assert "zyxwvut" not in before
    late = regexes.Caseless(re.compile(r"\bzyxwvut\b", re.IGNORECASE), ["zyxwvut"])
    assert "zyxwvut" in regexes._NEEDED
    assert late.search(text, folded, regexes.letter_runs(folded)) is not None


def test_the_csv_rows_fast_path_is_on() -> None:
    assert streaming._QUOTE_IF is not None  # else csv_rows never takes the fast path


_VALUES = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True, allow_infinity=True),
                    st.text(alphabet=st.sampled_from('ab ,"\n\r\t;\\é\x85\u2028'), max_size=10),
                    st.text(max_size=8))


@settings(max_examples=500, deadline=None)
@given(st.lists(st.dictionaries(st.sampled_from(streaming.CSV_COLUMNS), _VALUES), max_size=4),
       st.text(alphabet=st.sampled_from('ab/ ,"\n.'), max_size=10))
def test_csv_rows_fast_is_csv_rows_by_values(claims_: list[dict], path: str) -> None:
    article = {"path": path, "claims": claims_}
    assert streaming._csv_rows_fast(article, streaming._QUOTE_IF.search) == streaming._csv_rows(article)


def test_csv_rows_fast_refuses_what_the_line_writer_refuses() -> None:
    class _Float(float):
        pass

    for odd in (_Float(1.5), b"bytes", [1]):
        with pytest.raises(streaming._NotModelled):
            streaming._csv_rows_fast({"path": "a.md", "claims": [{"text": odd}]}, streaming._QUOTE_IF.search)
        article = {"path": "a.md", "claims": [{"text": odd, "line": 3}]}
        assert streaming.csv_rows(article) == streaming._csv_rows(article)
    with pytest.raises(streaming._NotModelled):
        streaming._csv_rows_fast({"path": 7, "claims": [{}]}, streaming._QUOTE_IF.search)


def test_csv_rows_of_the_seed_corpus_report() -> None:
    from claimaudit.report import article_dict

    auditor = Auditor(load_reference([ROOT / "reference"]), Settings())
    files = sorted((ROOT / "corpus").glob("*.txt"))[:6]
    assert files
    for f in files:
        d = article_dict(auditor.audit_article(read_article(f)))
        assert d["claims"]
        assert streaming._csv_rows_fast(d, streaming._QUOTE_IF.search) == streaming._csv_rows(d)


def test_the_strength_model_is_loaded_before_the_workers_fork(monkeypatch: pytest.MonkeyPatch) -> None:
    loaded_at_fork: list[bool] = []

    class _Pool:
        def __init__(self, *args, **kwargs) -> None:
            loaded_at_fork.append(strength._model.cache_info().currsize == 1
                                  and strength._feature_tables.cache_info().currsize == 1)

        def imap(self, fn, items, chunksize=1):  # noqa: ANN001, ANN201
            return iter(())

    class _Context:
        Pool = _Pool

    monkeypatch.setattr(batch, "_mp_context", lambda: _Context())
    strength._model.cache_clear()
    strength._feature_tables.cache_clear()
    runner = batch._Runner(load_reference([ROOT / "reference"]), Settings(), None, jobs=2)
    list(runner.start([(f"a{i}.md", f"a{i}.md") for i in range(batch.MIN_PARALLEL_FILES)]))
    assert loaded_at_fork == [True]


@pytest.mark.parametrize("text", [
    "", " ", "Magnesium may reduce cramps.", "A 2019 trial (n=42) found: \"no effect\"; see p. 3-4!",
    "tab\there\nnew\rline \x0b\x0c\x1c\x1f\x7f\x00 end", "~`!@#$%^&*()_+-={}[]|\\:;'<>?,./",
    "UPPER lower MiXeD don't well-known 17% x_y",
])
def test_ascii_basic_tokens_are_the_tokens_char_by_char(text: str) -> None:
    from claimaudit.encoder import _basic_tokens, _basic_tokens_by_char

    assert text.isascii()
    assert _basic_tokens(text) == _basic_tokens_by_char(text)


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=st.characters(max_codepoint=127), max_size=80))
def test_ascii_basic_tokens_are_the_tokens_char_by_char_property(text: str) -> None:
    from claimaudit.encoder import _basic_tokens, _basic_tokens_by_char

    assert _basic_tokens(text) == _basic_tokens_by_char(text)


def test_basic_tokens_of_the_embedding_sentences() -> None:
    from claimaudit.encoder import _basic_tokens, _basic_tokens_by_char

    lines = (ROOT / "tests" / "data" / "embedding_sentences.txt").read_text(encoding="utf-8").splitlines()
    assert sum(line.isascii() for line in lines) > 10
    for line in lines:
        assert _basic_tokens(line) == _basic_tokens_by_char(line), line


def _word_before_by_search(chunk: str, end: int) -> str:
    from claimaudit import segment as seg

    m = seg._WORD_BEFORE.search(chunk, max(0, end - seg._WORD_WINDOW), end)
    return m.group(1) if m else ""


@pytest.mark.parametrize("chunk", [
    "", ".", "Dr. Smith", "e.g. this", "U.S. law", "x" * 100 + " abc", "é.", "a\n.", "ab\n\n.", "12 p.m.",
    "a" * 70, "(Fig. 3)", "word.\tNext", ". . .", "A. B. C.",
])
def test_word_before_is_the_search(chunk: str) -> None:
    from claimaudit import segment as seg

    for end in range(len(chunk) + 1):
        assert seg._word_before(chunk, end) == _word_before_by_search(chunk, end), (chunk, end)


@settings(max_examples=1000, deadline=None)
@given(st.text(alphabet=st.sampled_from("aZz. \n\t1é-D()'\"US\r\x0b"), max_size=90), st.data())
def test_word_before_is_the_search_property(chunk: str, data) -> None:  # noqa: ANN001
    from claimaudit import segment as seg

    end = data.draw(st.integers(0, len(chunk)))
    assert seg._word_before(chunk, end) == _word_before_by_search(chunk, end)
