"""Match: find the reference claim a sentence makes, if any.

Two steps, so that cost grows slowly with the size of the reference set:

1. Retrieval: TF-IDF (word 1-2-grams over normalized, stemmed text) of every
   reference claim's canonical text and variants; a sparse dot product gives
   the top `top_k` reference texts for each sentence.
2. Re-ranking: rapidfuzz `token_set_ratio` and `token_sort_ratio` on the
   normalized texts, blended with the TF-IDF cosine (token_set_ratio alone
   returns 100 whenever one token set contains the other, so it never decides
   alone). A candidate must also hit every `key_terms` group of its reference
   claim, which keeps neighbouring claims (cramps vs migraine) apart.

Every choice is explicit and recorded: the normalizer is ours (rapidfuzz's
`processor` is passed as None on purpose because texts are pre-normalized),
and the matcher's name and settings go into each report.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

import numpy as np
import Stemmer
import yaml
from rapidfuzz import fuzz
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, TfidfVectorizer

from .records import Candidate, Match, ReferenceSet

MATCHER_NAME = "claimaudit.TfidfFuzzMatcher.v1"

# Negation and modal words carry strength, not topic: matching ignores them.
_STOP = frozenset(ENGLISH_STOP_WORDS) | {
    "also", "may", "might", "can", "could", "help", "helps", "helping", "helped", "often",
    "including", "like", "way", "role", "important", "essential", "crucial", "key",
    "body", "people", "individuals", "research", "study", "studies", "suggest", "suggests",
    "show", "shows", "shown", "effect", "effects", "s", "t",
}


@dataclass(frozen=True)
class MatchSettings:
    """Matcher thresholds; tuned on labelled data, set in configuration."""

    min_score: float = 36.0
    top_k: int = 30
    candidates: int = 3
    multi_margin: float = 10.0  # also judge runners-up within this many points of the best
    multi_policy: str = "lenient"  # lenient: the mildest verdict wins; strict: the most serious
    weight_tfidf: float = 0.5
    weight_set: float = 0.3
    weight_sort: float = 0.2


@lru_cache(maxsize=1)
def _synonym_rules() -> tuple[tuple[str, re.Pattern[str], str], ...]:
    """Return the synonym table as (phrase, pattern, replacement), longest phrase first.

    A pattern can only match where its lower-case phrase occurs, so callers test
    `phrase in text` (a fast substring scan) before running the regex: same
    result, a fraction of the cost, since most sentences contain no synonym.
    """
    text = resources.files("claimaudit").joinpath("data/synonyms.yaml").read_text("utf-8")
    table = yaml.safe_load(text) or {}
    pairs = sorted(table.items(), key=lambda kv: -len(str(kv[0])))
    return tuple(
        (str(k).lower(),
         re.compile(r"(?<![\w-])" + re.escape(str(k).lower()) + r"(?![\w-])"), str(v).lower())
        for k, v in pairs
    )


@lru_cache(maxsize=1)
def synonyms() -> tuple[tuple[re.Pattern[str], str], ...]:
    """Return the synonym table as (pattern, replacement), longest phrase first."""
    return tuple((pattern, repl) for _, pattern, repl in _synonym_rules())


_TOKEN = re.compile(r"[a-z0-9]+")


_STEMMER = Stemmer.Stemmer("english")


def stem(word: str) -> str:
    """Return the Snowball (Porter2) English stem of a lower-case word."""
    return _STEMMER.stemWord(word)


@lru_cache(maxsize=16384)  # a claim is normalized for matching, then twice for its report entry
def normalize(text: str) -> str:
    """Lowercase, apply synonyms, drop stop words and punctuation, stem."""
    text = text.lower().replace("’", "'").replace("‘", "'")
    for phrase, pattern, repl in _synonym_rules():
        if phrase in text:
            text = pattern.sub(repl, text)
    words = _STEMMER.stemWords([w for w in _TOKEN.findall(text) if w not in _STOP])
    return " ".join(w for w in words if w not in _STOP)


def _term_pattern(group: Sequence[str]) -> _TermGroup:
    return _compiled_terms(tuple(group))


@lru_cache(maxsize=None)  # large reference sets repeat groups; `re`'s own cache holds 512
def _compiled_terms(group: tuple[str, ...]) -> _TermGroup:
    alts = "|".join(re.escape(t) for t in sorted(group, key=len, reverse=True))
    return _TermGroup(group, re.compile(r"(?<![a-z0-9])(?:" + alts + r")"))


class _TermGroup:
    """One key-term group: `search` finds a term at the start of a word, like its regex.

    The regex can only match where one of the terms occurs, and most groups
    occur nowhere in a given sentence, so plain substring tests run first (they
    halve the cost of key-term gating; same result).
    """

    __slots__ = ("terms", "pattern")

    def __init__(self, terms: tuple[str, ...], pattern: re.Pattern[str]) -> None:
        self.terms = terms
        self.pattern = pattern

    def search(self, text: str) -> re.Match[str] | None:
        for t in self.terms:
            if t in text:
                return self.pattern.search(text)
        return None


class Matcher:
    """Match sentences against one reference set."""

    def __init__(self, reference: ReferenceSet, settings: MatchSettings | None = None) -> None:
        self.reference = reference
        self.settings = settings or MatchSettings()
        self.doc_claim: list[int] = []
        self.doc_text: list[str] = []
        self.doc_norm: list[str] = []
        for ci, claim in enumerate(reference.claims):
            for t in (claim.text, *claim.variants):
                self.doc_claim.append(ci)
                self.doc_text.append(t)
                self.doc_norm.append(normalize(t))
        self.doc_claim_arr = np.array(self.doc_claim, dtype=np.int64)
        self.vectorizer = TfidfVectorizer(
            analyzer="word", ngram_range=(1, 2), sublinear_tf=True, token_pattern=r"\S+",
            lowercase=False, dtype=np.float32,
        )
        self.doc_matrix = self.vectorizer.fit_transform(self.doc_norm or ["empty"]).T.tocsr()
        self.key_patterns = [
            tuple(_term_pattern(g) for g in claim.key_terms) for claim in reference.claims
        ]

    def _keys_ok(self, ci: int, lowered: str) -> bool:
        return all(p.search(lowered) for p in self.key_patterns[ci])

    def match_many(self, texts: Sequence[str]) -> list[Match]:
        """Return one Match per text, in order.

        Each text is scored whole and clause by clause (a long sentence often
        makes its claim in one clause); a reference claim's score is its best.
        """
        if not texts:
            return []
        if not self.doc_claim:
            return [Match(candidates=(), best=None) for _ in texts]
        owner: list[int] = []
        units: list[str] = []
        for i, t in enumerate(texts):
            for u in clauses(t):
                owner.append(i)
                units.append(u)
        norms = [normalize(u) for u in units]
        sims, top = top_k(self.vectorizer.transform(norms) @ self.doc_matrix, self.settings.top_k)
        grouped: list[list[int]] = [[] for _ in texts]
        for row, i in enumerate(owner):
            grouped[i].append(row)
        return [self._rank(texts[i], [(units[r], norms[r], sims[r], top[r]) for r in rows])
                for i, rows in enumerate(grouped)]

    def _rank(self, text: str, units: list[tuple[str, str, np.ndarray, np.ndarray]]) -> Match:
        s = self.settings
        lowered = _lower_for_terms(text)
        best_by_claim: dict[int, tuple[float, str, str]] = {}
        gated: dict[int, tuple[float, str, str]] = {}
        keys_ok: dict[int, bool] = {}  # claim index -> hits every key-term group (memo)
        for unit, norm, sims, top in units:
            clause = "" if unit == text else unit
            for d in top:
                cos = float(sims[d])
                if cos <= 0.0:
                    continue
                dn = self.doc_norm[d]
                score = (
                    s.weight_tfidf * 100.0 * cos
                    + s.weight_set * fuzz.token_set_ratio(norm, dn, processor=None)
                    + s.weight_sort * fuzz.token_sort_ratio(norm, dn, processor=None)
                )
                ci = self.doc_claim[d]
                ok = keys_ok.get(ci)
                if ok is None:
                    ok = keys_ok[ci] = self._keys_ok(ci, lowered)
                target = best_by_claim if ok else gated
                if score > target.get(ci, (-1.0, "", ""))[0]:
                    target[ci] = (score, self.doc_text[d], clause)
        pool = best_by_claim or {}
        ranked = sorted(pool.items(), key=lambda kv: (-kv[1][0], kv[0]))
        cands = tuple(
            Candidate(self.reference.claims[ci].id, round(sc, 1), txt, cl)
            for ci, (sc, txt, cl) in ranked[: s.candidates]
        )
        if not cands:
            ranked_gated = sorted(gated.items(), key=lambda kv: (-kv[1][0], kv[0]))
            near = tuple(
                Candidate(self.reference.claims[ci].id, round(sc, 1), txt, cl)
                for ci, (sc, txt, cl) in ranked_gated[: s.candidates]
            )
            return Match(candidates=near, best=None)
        best = cands[0] if cands[0].score >= s.min_score else None
        return Match(candidates=cands, best=best)


# Up to this many reference texts, retrieval takes the top k of each dense row of
# similarities (the original method; its tie order is what the tuned results
# were measured with). Beyond it, materializing units x texts floats dominates
# the audit, so the top k is taken from the sparse row instead (ties: lower text
# index first), which keeps the cost proportional to the non-zero similarities.
DENSE_TOP_K_MAX_TEXTS = 4096


def top_k(sims: Any, k: int) -> tuple[Any, Any]:
    """Return (similarities, top doc indices) per row of a sparse units x texts matrix.

    Row r's candidates are the texts `top[r]`, each with similarity `sims[r][d]`;
    a row may list texts of similarity 0, which callers skip.
    """
    n_rows, n_docs = sims.shape
    if n_docs <= DENSE_TOP_K_MAX_TEXTS:
        dense = sims.toarray()
        k = min(k, n_docs)
        if k < n_docs:
            return dense, np.argpartition(-dense, k - 1, axis=1)[:, :k]
        return dense, np.tile(np.arange(n_docs), (n_rows, 1))
    csr = sims.tocsr()
    indptr, indices, data = csr.indptr, csr.indices, csr.data
    row_sims: list[dict[int, float]] = []
    row_top: list[list[int]] = []
    for r in range(n_rows):
        a, b = indptr[r], indptr[r + 1]
        vals, cols = data[a:b], indices[a:b]
        if b - a > k:
            kth = np.partition(vals, b - a - k)[b - a - k]
            above = np.flatnonzero(vals > kth)
            tied = np.flatnonzero(vals == kth)
            tied = tied[np.argsort(cols[tied], kind="stable")[: k - above.size]]
            keep = np.concatenate((above, tied))
            vals, cols = vals[keep], cols[keep]
        order = np.lexsort((cols, -vals))
        top = cols[order].tolist()
        row_top.append(top)
        row_sims.append(dict(zip(top, vals[order].tolist())))
    return row_sims, row_top


_CLAUSE_BREAK = re.compile(
    r"\s*[;:]\s+|,\s+(?=(?:and|but|while|whereas|which|so|as|because|although|though|making|"
    r"leading|causing|resulting)\b)|\s+(?:while|whereas|because|although)\s+"
    r"|(?<!such)(?<!well)(?<!known)\s+as\s+(?=(?:most|many|much|the|it|they|this|these|there|"
    r"magnesium|your|our)\b)",
    re.IGNORECASE,
)


def clauses(text: str, min_words: int = 4) -> list[str]:
    """Return the text itself followed by its clauses of at least `min_words` words."""
    parts = [p for p in _CLAUSE_BREAK.split(text) if p and len(p.split()) >= min_words]
    return [text] + (parts if len(parts) > 1 else [])


def _lower_for_terms(text: str) -> str:
    """Lowercase a sentence and apply synonyms, for key-term lookup."""
    lowered = text.lower().replace("’", "'")
    for phrase, pattern, repl in _synonym_rules():
        if phrase in lowered:
            # Keep the original words and add the canonical phrase beside them.
            lowered = pattern.sub(lambda m, r=repl: m.group(0) + " " + r, lowered)
    return lowered
