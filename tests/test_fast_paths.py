"""The audit's own claim-filter hashing and TF-IDF index against scikit-learn's.

The audit does not import scikit-learn (issue 14: the import costs each
process about 1.3 s); `claimness.feature_columns` / `ClaimModel.probabilities`
and `tfidf.TfidfIndex` must give the same floats as the scikit-learn
transforms the models were fitted with, bit for bit, so every report stays
byte-identical.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sklearn.feature_extraction import FeatureHasher
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, HashingVectorizer, TfidfVectorizer
from sklearn.utils import murmurhash3_32

from claimaudit import claimness, match, verdict
from claimaudit.claimness import (N_FEATURES, ClaimModel, bucket, bundled_claim_model, columns,
                                  feature_columns)
from claimaudit.claims import read_claims
from claimaudit.ingest import read_article
from claimaudit.match import Matcher, MatchSettings, normalize
from claimaudit.records import Claim, Cue, Sentence
from claimaudit.reference import load_reference
from claimaudit.segment import segment
from claimaudit.tfidf import TfidfIndex

ROOT = Path(__file__).resolve().parent.parent

# Unit texts: repeated words and pairs (counts > 1), case, digits, apostrophes, accents,
# other scripts, underscores (a word character), punctuation only, shape tokens.
TEXTS = [
    "Magnesium relieves muscle cramps. zzblockp zzlevel2 zzsizem zzendstop",
    "the the the THE The tHe zzblockli zzlevel0 zzsizes zzendnone",
    "Vitamin D 1,000 IU/day (25 µg) lowers the risk of falls by 19% zzblockp zznumber",
    "Naïve café-goers said “it works” — according to Dr. Ødegård zzquote zzattribution",
    "维生素 D 可以 预防 感冒 感冒 zzblockh2",
    "snake_case words_and __dunder__ tokens, it's and isn't zzfirst",
    "!!! ... --- ??? ",
    "a",
    "",
    "Héllo HÉLLO héllo; ÄÖÜ äöü ß SS",
]

_WORDS = st.sampled_from(["magnesium", "Magnesium", "cramps", "sleep", "the", "of", "a", "é",
                          "Vitamin", "D", "IU", "2,000", "ß", "İ", "can't", "zzquote", "zzlevel3"])
_TEXT = st.one_of(
    st.lists(_WORDS, max_size=40).map(" ".join),
    st.text(max_size=200),
)


def _sklearn_counts(text: str) -> dict[int, int]:
    v = HashingVectorizer(n_features=N_FEATURES, ngram_range=(1, 2), alternate_sign=False,
                          norm=None, lowercase=True, token_pattern=r"(?u)\b\w+\b")
    row = v.transform([text]).tocsr()
    return {int(i): int(c) for i, c in zip(row.indices, row.data)}


def _sklearn_probabilities(model: ClaimModel, texts: list[str]) -> np.ndarray:
    w = np.zeros(N_FEATURES)
    for i, v in model.weights:
        w[i] = v
    z = claimness._vectorizer().transform(texts) @ w + model.bias
    return 1.0 / (1.0 + np.exp(-z))


@pytest.fixture(scope="module")
def unit_texts() -> list[str]:
    """The claim filter's input for every unit of the seed corpus."""
    out = []
    for path in sorted((ROOT / "corpus").iterdir()):
        if path.suffix in (".txt", ".md", ".html"):
            out += claimness.unit_texts(read_claims(segment(read_article(path)), "magnesium"))
    assert len(out) > 256  # more than one block of `probabilities`
    return out


# --- claim filter ----------------------------------------------------------------------------


def _sklearn_column(feature: str) -> int:
    hasher = FeatureHasher(n_features=N_FEATURES, input_type="string", alternate_sign=False)
    return int(hasher.transform([[feature]]).tocsr().indices[0])


@pytest.mark.parametrize("feature", ["", "a", "magnesium", "vitamin d", "café", "维生素", "zzlevel4",
                                     "x" * 1000])
def test_bucket_is_the_feature_hashers_column(feature: str) -> None:
    assert bucket(feature) == _sklearn_column(feature)
    assert bucket(feature) == abs(murmurhash3_32(feature, seed=0)) % N_FEATURES


@settings(max_examples=300)
@given(st.text(max_size=60))
def test_bucket_matches_sklearn_on_any_text(feature: str) -> None:
    assert bucket(feature) == _sklearn_column(feature)


def test_columns_map_the_hash_minus_2_to_the_31_as_bucket_does(monkeypatch: pytest.MonkeyPatch) -> None:
    # No short text is known to hash to -2**31; both paths must map it as FeatureHasher does.
    monkeypatch.setattr(claimness, "_murmurhash3_32", lambda f: -2**31 if f == "x" else 5 - 2**20)
    assert bucket("x") == (2**31 - 1 - (N_FEATURES - 1)) % N_FEATURES
    assert columns(["x", "y", "x"]).tolist() == [bucket("x"), bucket("y"), bucket("x")]
    assert bucket("y") == (2**20 - 5) % N_FEATURES


@pytest.mark.parametrize("text", TEXTS)
def test_feature_columns_are_the_hashing_vectorizers(text: str) -> None:
    assert Counter(feature_columns(text)) == _sklearn_counts(text)


@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow])
@given(_TEXT)
def test_feature_columns_match_sklearn_on_random_texts(text: str) -> None:
    assert Counter(feature_columns(text)) == _sklearn_counts(text)


def test_bundled_model_probabilities_are_the_same_floats(unit_texts: list[str]) -> None:
    model = bundled_claim_model()
    assert model is not None
    fast = model.probabilities(unit_texts)
    slow = _sklearn_probabilities(model, unit_texts)
    assert np.array_equal(fast, slow)
    assert np.array_equal(fast < model.cutoff, slow < model.cutoff)
    assert 0 < int((fast < model.cutoff).sum()) < len(unit_texts)  # both decisions occur


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_TEXT, min_size=1, max_size=8),
       st.lists(st.floats(-3, 3, allow_nan=False), min_size=1, max_size=40),
       st.floats(-2, 2, allow_nan=False))
def test_any_model_gives_sklearns_probabilities(texts: list[str], ws: list[float], bias: float) -> None:
    # Weights on the columns the texts hit (and on others), so that every product counts.
    cols = sorted({c for t in texts for c in feature_columns(t)} | {0, 7, N_FEATURES - 1})
    model = ClaimModel(tuple((c, ws[k % len(ws)]) for k, c in enumerate(cols)), bias)
    assert np.array_equal(model.probabilities(texts), _sklearn_probabilities(model, texts))


def test_a_repeated_column_keeps_its_last_weight() -> None:
    col = feature_columns("cramps")[0]
    model = ClaimModel(((col, 5.0), (col, -1.0)), 0.0)
    assert np.array_equal(model.probabilities(["cramps"]), _sklearn_probabilities(model, ["cramps"]))
    assert model.probabilities(["cramps"])[0] < 0.5


# --- TF-IDF ----------------------------------------------------------------------------------


def _sklearn_tfidf(docs: list[str]) -> TfidfVectorizer:
    return TfidfVectorizer(analyzer="word", ngram_range=(1, 2), sublinear_tf=True, token_pattern=r"\S+",
                           lowercase=False, dtype=np.float32).fit(docs)


def _assert_same_index(docs: list[str], queries: list[str]) -> None:
    vec = _sklearn_tfidf(docs)
    index = TfidfIndex(docs)
    assert index.vocabulary == vec.vocabulary_
    assert index.idf.dtype == np.float32 and np.array_equal(index.idf, vec.idf_)
    fitted = vec.transform(docs)
    for q in (queries, docs):
        indptr, cols, vals = index.transform(q)
        want = vec.transform(q).tocsr()
        want.sort_indices()
        assert np.array_equal(indptr, want.indptr) and np.array_equal(cols, want.indices)
        assert vals.dtype == np.float32 and np.array_equal(vals, want.data)
        sims = np.zeros((len(q), len(docs)), np.float32)
        index.add_similarities(sims, q)
        assert np.array_equal(sims, (vec.transform(q) @ fitted.T.tocsr()).toarray())


@pytest.fixture(scope="module")
def bundled() -> Matcher:
    return Matcher(load_reference([ROOT / "reference"]), MatchSettings(embeddings=False))


@pytest.fixture(scope="module")
def corpus_norms() -> list[str]:
    out = []
    for path in sorted((ROOT / "corpus").iterdir()):
        if path.suffix in (".txt", ".md", ".html"):
            out += [normalize(s.text) for s in segment(read_article(path))]
    return out


def test_tfidf_index_equals_sklearn_on_each_bundled_subject(bundled: Matcher,
                                                             corpus_norms: list[str]) -> None:
    assert len(bundled._tfidf) >= 2
    for _, _, idx in bundled._tfidf:
        _assert_same_index([bundled.doc_norm[d] for d in idx], corpus_norms)


def test_matcher_similarities_equal_the_sklearn_ones(bundled: Matcher, corpus_norms: list[str]) -> None:
    labels = {label for label, _, _ in bundled._tfidf}
    want = np.zeros((len(corpus_norms), len(bundled.doc_text)), np.float32)
    for label, _, idx in bundled._tfidf:
        vec = _sklearn_tfidf([bundled.doc_norm[d] for d in idx])
        matrix = vec.transform([bundled.doc_norm[d] for d in idx]).T.tocsr()
        want[:, idx] = (vec.transform(corpus_norms) @ matrix).toarray()
    got = bundled._tfidf_sims(corpus_norms, labels)
    assert np.array_equal(got, want)
    assert (got > 0).sum() > 100
    one = sorted(labels)[0]
    only = bundled._tfidf_sims(corpus_norms, {one})
    cols = next(idx for label, _, idx in bundled._tfidf if label == one)
    assert np.array_equal(only[:, cols], want[:, cols])
    assert not np.delete(only, cols, axis=1).any()


_DOC = st.lists(st.sampled_from(["magnesium", "cramp", "sleep", "vitamin", "d", "bone", "fall",
                                 "risk", "lower", "x", "é", "2"]), max_size=25).map(" ".join)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_DOC, min_size=1, max_size=12).filter(lambda d: any(x.strip() for x in d)),
       st.lists(st.one_of(_DOC, st.text(max_size=80)), min_size=1, max_size=6))
def test_tfidf_index_equals_sklearn_on_random_texts(docs: list[str], queries: list[str]) -> None:
    _assert_same_index(docs, queries)


def test_an_empty_vocabulary_is_refused_like_sklearn() -> None:
    with pytest.raises(ValueError, match="empty vocabulary"):
        _sklearn_tfidf(["", " "])
    with pytest.raises(ValueError, match="empty vocabulary"):
        TfidfIndex(["", " "])


def test_the_stop_words_are_sklearns() -> None:
    assert match.ENGLISH_STOP_WORDS == ENGLISH_STOP_WORDS


# --- CA403 wording ---------------------------------------------------------------------------


def _old_strong_wording(claim: Claim) -> str | None:
    """`verdict.strong_wording` as it was: every case-insensitive pattern searched in full."""
    if claim.strength < 3 or any(c.kind in verdict._SOFT_CUES for c in claim.cues):
        return None
    text = claim.sentence.text
    if claim.negated:
        m = verdict._NEGATIVE_SAFETY.search(text)
        negations = [c for c in claim.cues if c.kind == "negation"]
        if (m is None or verdict._SAFETY_LIMITS.search(text) or not negations
                or any(not (m.start() <= c.start and c.end <= m.end()) for c in negations)):
            return None
        return "blanket safety"
    for family, pattern in verdict._STRONG_WORDING:
        if pattern.search(text) and not (family == "blanket safety" and verdict._SAFETY_LIMITS.search(text)):
            return family
    if claim.strength >= 4 and any(c.kind == "absolute" and c.text.lower() in verdict._CERTAINTY_CUES
                                   for c in claim.cues):
        return "absolute"
    return None


def _claims_of(text: str) -> list[Claim]:
    """The text as a claim at strength 3, plain and negated (a negation cue on each negation word)."""
    sentence = Sentence(text, 0, len(text), 1, 1, 1, len(text) + 1, "paragraph", 0)
    negations = tuple(Cue("negation", m.group(), m.start(), m.end())
                      for m in re.finditer(r"(?i)\b(?:no|not|without|cannot|can't)\b", text))
    return [Claim(sentence, True, "claim", 3, False),
            Claim(sentence, True, "claim", 3, True, negations),
            Claim(sentence, True, "claim", 4, False, (Cue("absolute", "always", 0, 6),))]


_STRONG_PIECES = [
    "Magnesium ", "CURES ", "cures ", "and cures ", ", cures ", "Cured of ", "is cured ", "a cure for ",
    "will cure ", "heals ", "REVERSES ", "eliminates ", "eradicates ", "guaranteed ", "Guarantees ",
    "100% effective ", "100 percent safe ", "works every time ", "never fails ", "foolproof ",
    "without fail ", "proof ", "proof of concept ", "proof-in-principle ", "PROVEN ", "proves ",
    "conclusively ", "scientifically shown ", "beyond any doubt ", "completely safe ", "100% safe",
    "safe for ", "is safe.", "risk-free ", "risk free ", "is harmless ", "are totally harmless ",
    "no side effects ", "without any side-effects ", "nontoxic ", "non-toxic ", "cannot overdose ",
    "can't overdose ", "impossible to overdose ", "for most ", "healthy adults ", "as directed ",
    "no known side effects ", "not ", "never causes side effects ", "K", "ſ", "İ", "é", "’", ". ",
]


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(_STRONG_PIECES), max_size=10), st.text(max_size=6))
def test_strong_wording_prefilter_finds_what_the_patterns_find(pieces: list[str], noise: str) -> None:
    text = "".join(pieces) + noise
    if not text.strip():
        return
    for claim in _claims_of(text):
        assert verdict.strong_wording(claim) == _old_strong_wording(claim), text


def test_strong_wording_prefilter_on_the_seed_corpus() -> None:
    families = Counter()
    for path in sorted((ROOT / "corpus").iterdir()):
        for s in segment(read_article(path)):
            for claim in _claims_of(s.text):
                family = verdict.strong_wording(claim)
                assert family == _old_strong_wording(claim), s.text
                families[family] += 1
    assert len(families) >= 3  # some families occur, and most sentences have none
    assert families[None] > max(v for k, v in families.items() if k is not None)


# --- the audit process ----------------------------------------------------------------------


def test_an_audit_imports_neither_sklearn_nor_pandas(tmp_path: Path) -> None:
    article = ROOT / "corpus" / "000_b7547573af1efeb7.txt"  # long enough for the claim filter
    code = (
        "import json, sys\n"
        "from click.testing import CliRunner\n"
        "from claimaudit.cli import main\n"
        f"r = CliRunner().invoke(main, ['audit', {str(article)!r}, '--no-cache', '--jobs', '1',"
        f" '--out', {str(tmp_path / 'out')!r}])\n"
        "print(json.dumps([r.exit_code, sorted(m for m in sys.modules\n"
        "                                      if m.split('.')[0] in ('sklearn', 'pandas'))]))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd=ROOT)
    exit_code, loaded = json.loads(out.stdout.strip().splitlines()[-1])
    assert exit_code == 1  # the article has findings: the audit ran to the end
    assert (tmp_path / "out" / "audit.json").is_file()
    assert loaded == []
