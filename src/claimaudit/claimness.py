"""Claimness: a learned second opinion on whether a unit the rules let through is a claim.

The rules in `claims.py` reject headings, questions, advice, boilerplate and the
like by their wording. Real web pages and news stories have many more kinds of
non-claims than rules foresee: quotes and attributions ("... she says"), bylines
and author lists, study logistics ("the study appears online in ..."), calls to
action, statements about the article. A linear model over hashed words and
word pairs, plus a few shape tokens (block kind, asserted strength, quotation,
attribution, title case, length), gives the probability that a unit is a
claim; a unit the rules accept is reported as not a claim ("not-a-claim") when
that probability is below the model's cut-off.

The model is fitted on labelled units by tools/fit_match_model.py (with the
match model) and refitted per fold with whole articles held out by
benchmarks/heldout.py, which prints the held-out figures.

Fitting uses scikit-learn's HashingVectorizer; the audit does not import
scikit-learn (about 1.3 s a process, most of it scipy.stats): `feature_columns`
computes the same features (the same tokens, lower-cased word 1-2-grams, and
the same MurmurHash3 buckets, from the `murmurhash` package spaCy depends on),
and `ClaimModel.probabilities` adds up the same terms in the same order as
the sparse product did, so the probabilities are the same floats.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cached_property, lru_cache
from importlib import resources

import numpy as np
from murmurhash.mrmr import hash as _murmurhash3_32

from .records import Claim
from .regexes import Caseless, fold, letter_runs

N_FEATURES = 2**18
TOKEN_PATTERN = r"(?u)\b\w+\b"
_WORD = re.compile(TOKEN_PATTERN)
_QUOTE = re.compile(r"[\"“”]|(?:^|\s)[‘’']\S")
_ATTRIBUTION = re.compile(r"\b(says?|said|told|according to|explains?|explained|added|notes?|noted|"
                          r"wrote|writes|reports?|reported|recommends?|advises?)\b", re.IGNORECASE)
_NUMBER = re.compile(r"\d")
_QUOTE_CHARS = "\"“”"  # each one a match of _QUOTE on its own
_APOSTROPHES = "‘’'"  # every other match of _QUOTE holds one of these


def _quoted(text: str) -> bool:
    """Return `bool(_QUOTE.search(text))`, searching only texts that hold an apostrophe and no
    double quote (the search costs about ten times the character tests)."""
    q1, q2, q3 = _QUOTE_CHARS
    if q1 in text or q2 in text or q3 in text:
        return True
    a1, a2, a3 = _APOSTROPHES
    if a1 not in text and a2 not in text and a3 not in text:
        return False
    return _QUOTE.search(text) is not None
# Every match of _ATTRIBUTION is one of these words as a whole run of letters.
_ATTRIBUTION_C = Caseless(_ATTRIBUTION, (
    "say says said told according explain explains explained added note notes noted wrote writes "
    "report reports reported recommend recommends advise advises").split())


_ASCII_NON_LETTERS = "".join(chr(c) for c in range(128) if not chr(c).isalpha())
_DROP_ASCII_NON_LETTERS = str.maketrans("", "", _ASCII_NON_LETTERS)
_DROP_ASCII_NON_CAPITALS = str.maketrans("", "", _ASCII_NON_LETTERS + "abcdefghijklmnopqrstuvwxyz")


def _title_case(words: list[str]) -> bool:
    """Return whether a unit's words read as a title: of its words longer than 3 characters that
    start with a letter (`caps`), at least 3, and at least 3/4 of them capitalized.

    The same as `len(caps) >= 3 and sum(w[0].isupper() for w in caps) / len(caps) >= 0.75` with
    `caps = [w for w in words if len(w) > 3 and w[0].isalpha()]`, counting letters and capitals
    among the initials by deleting the other characters when they are all ASCII.
    """
    initials = "".join([w[0] for w in words if len(w) > 3])
    if initials.isascii():
        letters = len(initials.translate(_DROP_ASCII_NON_LETTERS))
        capitals = len(initials.translate(_DROP_ASCII_NON_CAPITALS))
    else:
        caps = [c for c in initials if c.isalpha()]
        letters, capitals = len(caps), sum(c.isupper() for c in caps)
    return letters >= 3 and capitals / letters >= 0.75


def shape_tokens(claim: Claim, first: bool) -> str:
    """Return the tokens that describe a unit's shape (not its words)."""
    text = claim.sentence.text
    words = text.split()
    title = _title_case(words)
    n = len(words)
    size = "s" if n <= 6 else "m" if n <= 15 else "l" if n <= 30 else "xl"
    toks = [f"zzblock{claim.sentence.block.replace('-', '')}", f"zzlevel{claim.strength}",
            f"zzsize{size}", "zzend" + ("stop" if text.rstrip()[-1:] in ".!" else "none")]
    if claim.negated:
        toks.append("zznegated")
    if _quoted(text):
        toks.append("zzquote")
    folded = fold(text)
    if _ATTRIBUTION_C.search(text, folded, letter_runs(folded)):
        toks.append("zzattribution")
    if title:
        toks.append("zztitlecase")
    if _NUMBER.search(text):
        toks.append("zznumber")
    if first:
        toks.append("zzfirst")
    return " ".join(toks)


@lru_cache(maxsize=1)
def _vectorizer():
    """scikit-learn's vectorizer, for fitting only; `feature_columns` gives the same features."""
    from sklearn.feature_extraction.text import HashingVectorizer

    return HashingVectorizer(n_features=N_FEATURES, ngram_range=(1, 2), alternate_sign=False,
                             norm="l2", lowercase=True, token_pattern=TOKEN_PATTERN)


def bucket(feature: str) -> int:
    """Return the hashed column of a feature, as scikit-learn's FeatureHasher computes it.

    MurmurHash3 (x86, 32 bit, seed 0) of the UTF-8 bytes, as a signed integer;
    the column is its absolute value modulo `N_FEATURES`, with -2**31 (whose
    absolute value does not fit 32 bits) mapped as scikit-learn maps it.
    """
    h = _murmurhash3_32(feature)
    if h == -2147483648:
        return (2147483647 - (N_FEATURES - 1)) % N_FEATURES
    return abs(h) % N_FEATURES


def columns(features: Sequence[str]) -> np.ndarray:
    """Return `bucket` of each feature, all at once (int64)."""
    h = np.fromiter(map(_murmurhash3_32, features), np.int64, len(features))
    return np.where(h == -2147483648, (2147483647 - (N_FEATURES - 1)) % N_FEATURES,
                    np.abs(h) % N_FEATURES)


# ASCII characters that are not word characters (`\w`: letters, digits, "_") become spaces.
_ASCII_NON_WORD_TO_SPACE = str.maketrans({chr(c): " " for c in range(128)
                                          if not (chr(c).isalnum() or chr(c) == "_")})


def _words(lowered: str) -> list[str]:
    """Return `_WORD.findall(lowered)`: for an ASCII text (most are), its runs of word characters
    found by turning the other characters into spaces and splitting (about twice as fast)."""
    if lowered.isascii():
        return lowered.translate(_ASCII_NON_WORD_TO_SPACE).split()
    return _WORD.findall(lowered)


def _features(text: str) -> list[str]:
    """Return a unit text's features: its lower-cased words, then its word pairs."""
    words = _words(text.lower())
    return [*words, *map(" ".join, zip(words, words[1:]))]


def feature_columns(text: str) -> list[int]:
    """Return the hashed column of each feature of a unit text: its lower-cased words, then word pairs.

    The features of `_vectorizer().transform`, each counting +1 in its column
    (alternate_sign is off), before the l2 normalization.
    """
    return columns(_features(text)).tolist()


def _scores(texts: Sequence[str], w: np.ndarray) -> np.ndarray:
    """Return, per unit text, its l2-normalized hashed counts times the weights `w`.

    The same floats as `_vectorizer().transform(texts) @ w`: the squares of the
    (integer) counts add up exactly in any order; each count is divided by the
    row's norm, times its weight, and the products are added one by one from 0
    in ascending column order, as scipy's CSR product adds them (all rows at
    once: one vector addition per position in the rows, all in one
    `np.add.accumulate`). A column without a weight would add +0.0, which
    changes no sum, so it is left out.
    """
    features: list[str] = []
    lengths: list[int] = []
    for t in texts:
        f = _features(t)
        features += f
        lengths.append(len(f))
    n = len(texts)
    rows = np.repeat(np.arange(n, dtype=np.int64), lengths)
    keys, counts = np.unique(rows * N_FEATURES + columns(features), return_counts=True)
    rows, cols_ = keys // N_FEATURES, keys % N_FEATURES  # sorted by row, then column
    norms = np.sqrt(np.bincount(rows, weights=(counts * counts).astype(np.float64), minlength=n))
    weights = w[cols_]
    keep = weights != 0.0
    rows, counts, weights = rows[keep], counts[keep], weights[keep]
    products = counts / norms[rows] * weights
    if not len(rows):
        return np.zeros(n)
    pos = np.arange(len(rows)) - np.searchsorted(rows, rows)  # position within the row
    # table[k + 1, r]: row r's k-th product (0.0 past its end, which changes no sum); row 0 is
    # the 0.0 each sum starts from. np.add.accumulate adds the table's rows one after the
    # other (out[k] = out[k - 1] + table[k]), the vector additions a Python loop over the rows
    # (`z += column`) did, in one call.
    table = np.zeros((int(pos.max()) + 2, n))
    table[pos + 1, rows] = products
    return np.add.accumulate(table, axis=0)[-1]


def unit_texts(claims: Sequence[Claim]) -> list[str]:
    """Return the text the model reads for each unit: its words, then its shape tokens."""
    out = []
    first = True
    for c in claims:
        out.append(f"{c.sentence.text} {shape_tokens(c, first)}")
        first = False
    return out


@dataclass(frozen=True)
class ClaimModel:
    """A logistic model of P(claim) over hashed unit texts; `cutoff` rejects units below it."""

    weights: tuple[tuple[int, float], ...]  # (feature index, weight) for the non-zero weights
    bias: float
    cutoff: float = 0.5
    # The semantic model: weights over a sentence embedding, for units that can be about a subject
    # of the reference set (see `apply`); empty when fitted without embeddings.
    semantic: tuple[float, ...] = ()
    semantic_bias: float = 0.0
    semantic_cutoff: float = 0.5

    def semantic_probabilities(self, embeddings: np.ndarray) -> np.ndarray:
        """Return P(claim) for units from their sentence embeddings (rows) by the semantic model."""
        z = np.asarray(embeddings, np.float64) @ np.asarray(self.semantic, np.float64) + self.semantic_bias
        return 1.0 / (1.0 + np.exp(-z))

    def probabilities(self, texts: Sequence[str]) -> np.ndarray:
        """Return P(claim) for unit texts (see `unit_texts`)."""
        if not texts:
            return np.zeros(0)
        z = np.concatenate([_scores(texts[i:i + 256], self._dense)  # bounded memory
                            for i in range(0, len(texts), 256)]) + self.bias
        return 1.0 / (1.0 + np.exp(-z))

    @cached_property
    def _dense(self) -> np.ndarray:
        """The weights as a dense vector (a column given twice keeps its last weight)."""
        w = np.zeros(N_FEATURES)
        for i, v in self.weights:
            w[i] = v
        return w

    def describe(self) -> str:
        """A short fingerprint for reports and cache keys."""
        import hashlib

        text = ",".join(f"{i}:{w:.4f}" for i, w in self.weights) + f"|{self.bias:.4f}|{self.cutoff:.3f}"
        if self.semantic:
            text += ("|" + ",".join(f"{w:.4f}" for w in self.semantic)
                     + f"|{self.semantic_bias:.4f}|{self.semantic_cutoff:.3f}")
        return hashlib.sha256(text.encode()).hexdigest()[:12]


@lru_cache(maxsize=1)
def bundled_claim_model() -> ClaimModel | None:
    """The claim model shipped in claimaudit/data/claim_model.json, or None without one."""
    path = resources.files("claimaudit").joinpath("data/claim_model.json")
    if not path.is_file():
        return None
    doc = json.loads(path.read_text("utf-8"))
    return ClaimModel(tuple((int(i), float(w)) for i, w in doc["weights"]), float(doc["bias"]),
                      float(doc["cutoff"]), tuple(float(w) for w in doc.get("semantic", ())),
                      float(doc.get("semantic_bias", 0.0)), float(doc.get("semantic_cutoff", 0.5)))


def model_document(model: ClaimModel) -> dict:
    """The JSON document of a claim model (claimaudit/data/claim_model.json), without provenance."""
    return {"weights": [[i, w] for i, w in model.weights], "bias": model.bias, "cutoff": model.cutoff,
            "n_features": N_FEATURES, "semantic": list(model.semantic), "semantic_bias": model.semantic_bias,
            "semantic_cutoff": model.semantic_cutoff}


CUTOFF = 0.7  # chosen by held-out cross-validation over 0.5 / 0.7 / 0.8 (README, "Accuracy")
SEMANTIC_C = 4.0  # the semantic model's inverse regularization (README, "Accuracy")
SEMANTIC_CUTOFF = 0.6  # its cut-off, chosen with CUTOFF over 0.6 / 0.7 / 0.75 (README, "Accuracy")
SEMANTIC_GATE = 0.5  # P by hashed words below which a unit is rejected without embedding it


def fit_claim_model(texts: Sequence[str], labels: Sequence[int], c: float = 16.0,
                    cutoff: float = CUTOFF, embeddings: Sequence[np.ndarray | None] | None = None,
                    semantic_c: float = SEMANTIC_C, semantic_cutoff: float = SEMANTIC_CUTOFF) -> ClaimModel:
    """Fit the claim model on unit texts labelled 1 (claim) or 0 (not a claim).

    `c` (inverse regularization) was chosen held out over 1 / 4 / 16 / 64 (benchmarks/heldout.py
    --claim-c, fold seeds 0 and 1): 16 and 64 reject more non-claims than 4 on every gold file
    (vitamin D news 0.45-0.49 -> 0.50-0.52) at the same verdict agreement; 1 kept far more non-claims.

    `embeddings`, one per unit: the sentence embedding of a unit that can be about a subject of
    the reference set, None for the others. The semantic model is fitted on the units that have one.
    """
    from sklearn.linear_model import LogisticRegression

    X = _vectorizer().transform(texts)
    lr = LogisticRegression(C=c, max_iter=3000)
    lr.fit(X, np.asarray(labels))
    coef = lr.coef_[0]
    nz = np.flatnonzero(np.abs(coef) > 1e-6)
    semantic: tuple[float, ...] = ()
    semantic_bias = 0.0
    if embeddings is not None:
        rows = [i for i, e in enumerate(embeddings) if e is not None]
        ys = np.asarray([labels[i] for i in rows])
        if len(set(ys.tolist())) == 2:
            sem = LogisticRegression(C=semantic_c, max_iter=3000)
            sem.fit(np.vstack([embeddings[i] for i in rows]).astype(np.float64), ys)
            semantic = tuple(round(float(w), 6) for w in sem.coef_[0])
            semantic_bias = round(float(sem.intercept_[0]), 6)
    return ClaimModel(tuple((int(i), round(float(coef[i]), 5)) for i in nz),
                      round(float(lr.intercept_[0]), 5), cutoff, semantic, semantic_bias, semantic_cutoff)


def apply(claims: Sequence[Claim], model: ClaimModel | None, words: int | None = None,
          min_words: int = 150,
          semantic: Callable[[list[int]], dict[int, np.ndarray]] | None = None) -> tuple[Claim, ...]:
    """Return the units with the claims the model rejects marked as not claims.

    A text of fewer than `min_words` words (an editor's draft paragraph, a
    snippet piped to `check`) has no page furniture for the model to remove,
    and each of its sentences is worth checking: the rules alone decide there.

    `semantic(indices)` returns the sentence embeddings of those of the claims at `indices`
    that can be about a subject of the reference set (the matcher embeds them anyway): those
    are judged by the model's semantic part, which generalizes from a few hundred labelled
    units far better than hashed words (README, "Accuracy"); the others by the hashed words.
    It is asked only about the claims to which the hashed words give at least `SEMANTIC_GATE`.
    """
    from dataclasses import replace

    if model is None or (words is not None and words < min_words):
        return tuple(claims)
    idx = [i for i, c in enumerate(claims) if c.is_claim]
    if not idx:
        return tuple(claims)
    # `unit_texts(claims)` of the claims only (the other units' texts are not read)
    p_of = dict(zip(idx, model.probabilities([f"{claims[i].sentence.text} {shape_tokens(claims[i], i == 0)}"
                                              for i in idx])))
    if semantic is not None and model.semantic:
        # A unit the hashed words give less than SEMANTIC_GATE is rejected without being embedded:
        # embedding is the audit's costliest step, and held out the semantic part kept almost none
        # of those (README, "Accuracy").
        by_meaning = semantic([i for i in idx if p_of[i] >= SEMANTIC_GATE])
        if by_meaning:
            keys = list(by_meaning)
            # on the hashed model's scale: the unit is kept when P >= semantic_cutoff
            shift = model.cutoff - model.semantic_cutoff
            p_of.update((i, p + shift) for i, p in zip(
                keys, model.semantic_probabilities(np.vstack([by_meaning[i] for i in keys]))))
    out = list(claims)
    for i in idx:
        if p_of[i] < model.cutoff:
            out[i] = replace(claims[i], is_claim=False, kind="not-a-claim", strength=0, negated=False,
                             cues=(), match_text="")
    return tuple(out)
