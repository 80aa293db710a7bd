"""Exact fast paths of the segmenting, claim-rule, claim-filter and rendering stages (issue 14).

Each fast path is pinned here to the straightforward code it replaces, on
property-generated texts and on the seed corpus, so the reports stay
byte-identical.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from claimaudit import claimness, claims, match, streaming
from claimaudit.claims import read_claims
from claimaudit.ingest import read_article
from claimaudit.regexes import fold, letter_runs
from claimaudit.segment import segment

ROOT = Path(__file__).resolve().parent.parent

_ODD = ["", " ", "a", "A", "z", "Z", "0", "9", "_", "-", "'", "’", "é", "É", "ß", "İ", "K", "ſ",
        "\u212a", "维", "\t", "\n", "\x1c", "\x85", "\u2028", "\ud800", "🙂", "½", "²", "٣"]
_TEXTS = st.one_of(
    st.text(max_size=80),
    st.lists(st.sampled_from(_ODD + ["magnesium", "Mg", "low back pain", "the", "vitamins",
                                     "running", "studies", "2,000"]), max_size=20).map("".join),
)


def _seed_lines() -> list[str]:
    return [ln for p in sorted((ROOT / "corpus").glob("*.txt"))
            for ln in p.read_text("utf-8").splitlines() if ln.strip()]


# --- match.normalize ----------------------------------------------------------------------


@settings(max_examples=500, deadline=None)
@given(_TEXTS)
def test_tokens_are_the_token_pattern_runs(text: str) -> None:
    for t in (text, text.lower()):
        assert match._tokens(t) == match._TOKEN.findall(t)


def _stems_by_definition(tokens: list[str]) -> list[str]:
    words = match._STEMMER.stemWords([w for w in tokens if w not in match._STOP])
    return [w for w in words if w not in match._STOP]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["the", "was", "running", "runs", "studies", "study", "a", "is",
                                 "magnesium", "2000", "x", "y", "less", "lesser", "others"]),
                max_size=20))
def test_kept_stems_are_the_stems_of_the_non_stop_words(tokens: list[str]) -> None:
    assert match._kept_stems(tokens) == _stems_by_definition(tokens)


def test_kept_stems_survive_a_full_table(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(match, "_KEPT_STEM", {})
    monkeypatch.setattr(match, "_KEPT_STEM_MAX", 3)
    for tokens in (["running", "dogs", "the"], ["cats", "ran", "quickly", "running"], ["dogs"]):
        assert match._kept_stems(tokens) == _stems_by_definition(tokens)
    assert len(match._KEPT_STEM) <= 3 + 4


def test_kept_stems_on_the_seed_corpus() -> None:
    for line in _seed_lines():
        tokens = match._TOKEN.findall(line.lower())
        assert match._kept_stems(tokens) == _stems_by_definition(tokens), line


# --- claimness ----------------------------------------------------------------------------


@settings(max_examples=500, deadline=None)
@given(_TEXTS)
def test_words_are_the_token_pattern_words(text: str) -> None:
    for t in (text, text.lower(), text.encode("ascii", "replace").decode("ascii")):
        assert claimness._words(t) == claimness._WORD.findall(t)


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(_ODD + ['"', "“", "”", "‘", "’", "'", " ‘x", " 'x", "x' ",
                                        "'x", " ’", "it’s", "\u2003"]), max_size=10).map("".join))
def test_quoted_is_the_quote_search(text: str) -> None:
    assert claimness._quoted(text) == bool(claimness._QUOTE.search(text))


def _apply_by_definition(claims, model):
    """`claimness.apply` as it was: the unit texts of every unit, then those of the claims."""
    from dataclasses import replace

    idx = [i for i, c in enumerate(claims) if c.is_claim]
    if not idx:
        return tuple(claims)
    texts = claimness.unit_texts(claims)
    p = model.probabilities([texts[i] for i in idx])
    out = list(claims)
    for i, pi in zip(idx, p):
        if pi < model.cutoff:
            out[i] = replace(claims[i], is_claim=False, kind="not-a-claim", strength=0, negated=False,
                             cues=(), match_text="")
    return tuple(out)


def _seed_articles():
    return [read_article(p) for p in sorted((ROOT / "corpus").iterdir())
            if p.suffix in (".txt", ".md", ".html")]


def test_claim_filter_on_the_seed_corpus() -> None:
    model = claimness.bundled_claim_model()
    rejected = 0
    for article in _seed_articles():
        units = read_claims(segment(article), "magnesium")
        got = claimness.apply(units, model, 1000)
        assert got == _apply_by_definition(units, model)
        rejected += sum(a.is_claim and not b.is_claim for a, b in zip(units, got))
        # the first unit's shape token "zzfirst" when the first unit is no claim
        later = units[1:]
        assert claimness.apply(later, model, 1000) == _apply_by_definition(later, model)
    assert rejected > 0


# --- claim rules --------------------------------------------------------------------------

_ADVICE_PIECES = ["It ", "MAY ", "may ", "Can ", "can help ", "help you ", "decide", "figure out",
                  "work out", "should ", "must be ", "ought to ", "be ", "used", "part", "might ",
                  "could be ", "necessary", "an option", "is ", "are ", "crucial ", "best ", "to ",
                  "consult", ", ", ",", " consider", "talk to", "speak with", "the ", "ideal ",
                  "way ", "starting point ", "first step ", "for ", "of ", "K", "ſ", "İ", "é", "’",
                  "\n", "  ", "Should", "THE BEST WAY TO", "it's ", "it’s ", "It is ", "always ",
                  "worth ", "talking", "generally ", "recommended ", "advised ", "advisable "]


@settings(max_examples=600, deadline=None)
@given(st.lists(st.sampled_from(_ADVICE_PIECES), max_size=14).map("".join))
def test_recommends_is_the_recommendation_search(text: str) -> None:
    folded = fold(text)
    want = bool(claims.RECOMMENDATION.search(text))
    assert claims._recommends(text, folded, letter_runs(folded)) == want
    assert bool(claims._RECOMMENDATION.search(text, folded, letter_runs(folded))) == want


def test_recommends_on_the_seed_corpus() -> None:
    hits = 0
    for line in _seed_lines():
        folded = fold(line)
        want = bool(claims.RECOMMENDATION.search(line))
        assert claims._recommends(line, folded, letter_runs(folded)) == want, line
        hits += want
    assert hits > 5


# --- rendering ----------------------------------------------------------------------------


class _Float(float):
    def __repr__(self) -> str:
        return "not the float repr"


class _Int(int):
    def __str__(self) -> str:
        return "not the int str"


_VALUES = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True),
                    st.text(max_size=12), st.sampled_from([_Float(1.5), _Int(3), float("nan")]))


@settings(max_examples=300, deadline=None)
@given(st.lists(st.dictionaries(st.sampled_from(streaming.CSV_COLUMNS), _VALUES), max_size=4),
       st.text(max_size=10))
def test_csv_rows_format_each_value_as_csv_value_does(claims_: list[dict], path: str) -> None:
    article = {"path": path, "claims": claims_}
    want = streaming.csv_lines(
        [[path if k == "path" else streaming._csv_value(c.get(k)) for k in streaming.CSV_COLUMNS]
         for c in claims_])
    assert streaming.csv_rows(article) == want


def _title_case_by_definition(words: list[str]) -> bool:
    caps = [w for w in words if len(w) > 3 and w[0].isalpha()]
    return bool(caps) and sum(w[0].isupper() for w in caps) / len(caps) >= 0.75 and len(caps) >= 3


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(["Magnesium", "magnesium", "The", "Study", "of", "Vitamin", "2000s",
                                 "Ⓐbcd", "Éclair", "éclair", "İstanbul", "ǅemal", "_abc", "'Quote",
                                 "ABCD", "abcd", "ΔΣΩx", "δσωx", "Abc", "a", ""]), max_size=12))
def test_title_case_is_the_share_of_capitalized_words(words: list[str]) -> None:
    words = [w for w in words if w]
    assert claimness._title_case(words) == _title_case_by_definition(words)


def test_the_csv_fast_path_is_on() -> None:
    assert streaming._QUOTE_IF is not None  # this Python's writer is the one `_csv_line` models


_FIELDS = st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=12),
                    st.sampled_from(['"', ",", "\n", "\r", "\r\n", " ", "", "a,b", 'say "hi"',
                                     "é", "\x00", "\u2028", 1.5, _Float(2.0), _Int(4), b"x"]))


@settings(max_examples=500, deadline=None)
@given(st.lists(st.lists(_FIELDS, max_size=5), max_size=4))
def test_csv_lines_are_what_the_csv_writer_writes(rows: list[list]) -> None:
    assert streaming.csv_lines(rows) == streaming._writer_lines(rows)
    assert streaming.csv_lines(iter(rows)) == streaming._writer_lines(rows)


def test_csv_lines_of_the_seed_corpus_report(tmp_path: Path) -> None:
    from claimaudit.pipeline import audit
    from claimaudit.reference import load_reference
    from claimaudit.report import report_dict

    doc = report_dict(audit(sorted((ROOT / "corpus").iterdir()), load_reference([ROOT / "reference"])))
    rows = [[streaming._csv_value(c.get(k)) for k in streaming.CSV_COLUMNS]
            for a in doc["articles"] for c in a["claims"]]
    assert len(rows) > 100
    written = "".join([streaming._csv_line(row, streaming._QUOTE_IF) for row in rows])  # no fallback
    assert written == streaming.csv_lines(rows) == streaming._writer_lines(rows)


# --- segment ------------------------------------------------------------------------------

_SEG_PIECES = ["Magnesium helps. ", "Dr. Smith said so. ", "U.S. data", "It works!  ", " ", "\t",
               "\n", "e.g. this", "A. B. Jones", "“Quoted.” Next", "(1) item", "3.5 mg. ", "overlook.One",
               "www.Site", "a.Bb", "Aa", "@x", "bb",
               "x" * 900, " " * 3, "end", ".", "?", "…", "\u2003", "\x85"]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(_SEG_PIECES), max_size=12).map("".join), st.data())
def test_trim_into_is_trimmed(text: str, data) -> None:
    from claimaudit import segment as seg

    a = data.draw(st.integers(0, len(text)))
    b = data.draw(st.integers(0, len(text)))
    spans: list = []
    seg._trim_into(spans, text, a, b, 7)
    assert spans == list(seg._trimmed(text, a, b, 7))


def _split_by_definition(text: str, start: int, end: int) -> list[tuple[int, int]]:
    from claimaudit import segment as seg

    chunk = text[start:end]
    # (terminal punctuation, end of the sentence, start of the next): after a space, or glued on
    bounds = [(m.start(1), m.end(2), m.end(3)) for m in seg._BOUNDARY.finditer(chunk)]
    for m in seg._GLUED.finditer(chunk):
        prefix = chunk[:m.start(1)]
        word = re.search(r"[A-Za-z]*\Z", prefix).group()
        ahead = prefix[-len(word) - 1] if len(prefix) > len(word) else ""  # the character before the word
        if ahead not in tuple("./@:\\_-") and word.lower() != "www":
            bounds.append((m.start(1), m.start(1) + 1, m.start(1) + 1))
    out, cut = [], 0
    for at, stop, nxt in sorted(bounds):
        if chunk[at] == ".":
            word = seg._WORD_BEFORE.search(chunk, max(0, at - seg._WORD_WINDOW), at)
            if word and (word.group(1).lower() in seg._ABBREVIATIONS
                         or (len(word.group(1)) == 1 and word.group(1).isupper())):
                continue
        out += seg._trimmed(chunk, cut, stop, start)
        cut = nxt
    return out + list(seg._trimmed(chunk, cut, len(chunk), start))


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(_SEG_PIECES), max_size=14).map("".join))
def test_sentence_spans_are_the_split(text: str) -> None:
    from claimaudit import segment as seg

    for start, end in ((0, len(text)), (len(text) // 3, len(text))):
        want = _split_by_definition(text, start, end)
        assert seg._sentence_spans(text, start, end) == want
        assert list(seg.split_sentences(text, start, end)) == want


def test_segment_positions_are_position() -> None:
    from claimaudit import segment as seg

    for article in _seed_articles():
        starts = seg.line_starts(article.text)
        for s in segment(article):
            assert (s.line, s.column) == seg.position(starts, s.start)
            assert (s.end_line, s.end_column) == seg.position(starts, s.end)
            assert article.text[s.start:s.end] == s.text



# --- match: each text's subjects scanned once ----------------------------------------------------


def test_subjects_named_once_per_text_give_the_same_matches(monkeypatch: pytest.MonkeyPatch) -> None:
    """`candidate_features` memoizes `Matcher.named` per text (a claim is the next one's `previous`):
    the matches of the seed articles are those of calling it at every look-up."""
    from claimaudit.pipeline import Auditor
    from claimaudit.reference import load_reference

    auditor = Auditor(load_reference([ROOT / "reference"]))
    matcher = auditor.matcher
    inputs = []
    for p in sorted((ROOT / "corpus").glob("*.txt")):
        _, found, about = auditor.read(read_article(p))
        inputs.append((*auditor.match_inputs(found, about), about))
    named = match.Matcher.named
    scans: list[str] = []
    monkeypatch.setattr(match.Matcher, "named", lambda self, text: scans.append(text) or named(self, text))
    memoized = []
    for texts, originals, previous, about in inputs:
        scans.clear()
        memoized.append(matcher.match_many(texts, about, originals, previous))
        assert len(scans) == len(set(scans)) <= len({*texts, *originals, *previous})
    monkeypatch.undo()
    # The straightforward `_scope`: `self.named` at every look-up.
    scope = match.Matcher._scope
    monkeypatch.setattr(match.Matcher, "_scope", lambda self, text, about, previous="", named=None:
                        scope(self, text, about, previous))
    assert [matcher.match_many(t, about, o, prev) for t, o, prev, about in inputs] == memoized
    assert any(m.best is not None for ms in memoized for m in ms)


# --- citation marks -------------------------------------------------------------------------

CITATIONS = ["Smith J. Magnesium. J Nutr [Internet]. 2020;1:2.", "doi: 10.1000/xyz", "doi:10.1/x",
             "PMID: 12345", "PMID12345", "Available from: https://x.org", "Retrieved from http://x.org",
             "PMID: none", "available from: x", "retrieved from http", "Doi: 10.1", "Magnesium helps."]


@pytest.mark.parametrize("text", CITATIONS)
def test_citation_mark_fast_path(text: str) -> None:
    assert claims._citation_mark(text) == bool(claims._CITATION_MARK.search(text))


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["[Internet]", "doi:", " 10.5", "PMID", ": 3", "Available", " from:",
                                 "Retrieved", " from http", "x", " ", "Doi", "pmid"]), max_size=8))
def test_citation_mark_fast_path_on_pieces(pieces: list[str]) -> None:
    text = "".join(pieces)
    assert claims._citation_mark(text) == bool(claims._CITATION_MARK.search(text))
