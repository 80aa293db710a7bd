"""Match: find the reference claim a sentence makes, if any.

Three steps, so that cost grows slowly with the size of the reference set:

0. Gating: a reference claim can only match a sentence that has every one of
   its `key_terms` groups (this keeps neighbouring claims, cramps vs
   migraine, apart) and whose article is about its subject, or that names it
   (`Matcher.about`, `_scope`). One scan of the sentence (`KeyTermIndex`)
   finds the claims that pass; a sentence no claim passes is not scored.
1. Retrieval: TF-IDF (word 1-2-grams over normalized, stemmed text) of every
   reference claim's canonical text and variants; a sparse dot product gives
   the top `top_k` reference texts for each sentence.
2. Re-ranking: rapidfuzz `token_set_ratio` and `token_sort_ratio` on the
   normalized texts, blended with the TF-IDF cosine (token_set_ratio alone
   returns 100 whenever one token set contains the other, so it never decides
   alone). Only the retrieved texts of claims that passed the gate compete.

Every choice is explicit and recorded: the normalizer is ours (rapidfuzz's
`processor` is passed as None on purpose because texts are pre-normalized),
and the matcher's name and settings go into each report.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

import numpy as np
import Stemmer
import yaml
from rapidfuzz import fuzz

from .records import Candidate, Match, ReferenceSet
from .reference import is_symbol
from .regexes import word_alternation
from .tfidf import TfidfIndex

MATCHER_NAME = "claimaudit.SemanticMatcher.v2"

# scikit-learn's ENGLISH_STOP_WORDS (BSD-3-Clause; the Glasgow Information Retrieval Group's
# list), written out so that matching does not import scikit-learn (tests/test_fast_paths.py
# checks that it is still the same list).
ENGLISH_STOP_WORDS = frozenset((
    "a about above across after afterwards again against all almost alone along already also although "
    "always am among amongst amoungst amount an and another any anyhow anyone anything anyway anywhere "
    "are around as at back be became because become becomes becoming been before beforehand behind being "
    "below beside besides between beyond bill both bottom but by call can cannot cant co con could "
    "couldnt cry de describe detail do done down due during each eg eight either eleven else elsewhere "
    "empty enough etc even ever every everyone everything everywhere except few fifteen fifty fill find "
    "fire first five for former formerly forty found four from front full further get give go had has "
    "hasnt have he hence her here hereafter hereby herein hereupon hers herself him himself his how "
    "however hundred i ie if in inc indeed interest into is it its itself keep last latter latterly least "
    "less ltd made many may me meanwhile might mill mine more moreover most mostly move much must my "
    "myself name namely neither never nevertheless next nine no nobody none noone nor not nothing now "
    "nowhere of off often on once one only onto or other others otherwise our ours ourselves out over own "
    "part per perhaps please put rather re same see seem seemed seeming seems serious several she should "
    "show side since sincere six sixty so some somehow someone something sometime sometimes somewhere "
    "still such system take ten than that the their them themselves then thence there thereafter thereby "
    "therefore therein thereupon these they thick thin third this those though three through throughout "
    "thru thus to together too top toward towards twelve twenty two un under until up upon us very via "
    "was we well were what whatever when whence whenever where whereafter whereas whereby wherein "
    "whereupon wherever whether which while whither who whoever whole whom whose why will with within "
    "without would yet you your yours yourself yourselves"
).split())

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

    min_score: float = 50.0  # accept the best claim when 100 x P(match) reaches this
    top_k: int = 30
    shortlist: int = 8  # claims per sentence that the match model scores
    candidates: int = 3
    # Also judge runners-up whose log-odds of matching are within this of the best's (a factor e
    # in odds). Log-odds, not score points: scores crowd together near 100, where ten points
    # separate a sure match (99) from a merely likely one (89).
    multi_margin: float = 1.0
    # lenient: the mildest verdict wins, but between two flags the better match's; strict: the most serious
    multi_policy: str = "lenient"
    subject_mentions: int = 3  # an article naming a subject this often...
    subject_words_per_mention: int = 125  # ...and at least once in this many words is about it,
    short_text_words: int = 150  # ...and a text shorter than this that names it at all
    embeddings: bool = True  # use sentence embeddings when the model is installed
    per_sentence: bool = True  # a claim applies only to a sentence that names or refers to its subject
    flag_needs_key_terms: bool = True  # overstated/contradicted only when every key-term group is there
    model: MatchModel | None = None  # None: the bundled model (data/match_model.json)


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


@lru_cache(maxsize=1)
def _synonym_first_tokens() -> frozenset[str]:
    """The first token ([a-z0-9]+) of every synonym phrase.

    A phrase matches only where its first token is a whole token of the text
    (its pattern needs a non-word character, or the start, before it, and its
    first token ends where the phrase's next character, or a non-word character,
    follows). So a text whose tokens include none of these has no synonym to
    apply: the same result, without trying each phrase.
    """
    return frozenset(_TOKEN.match(phrase).group() for phrase, _, _ in _synonym_rules())


# Every byte but a-z and 0-9 becomes a space: see `_tokens`.
_TOKEN_BYTES = bytes(c if 48 <= c <= 57 or 97 <= c <= 122 else 32 for c in range(256))


def _tokens(lowered: str) -> list[str]:
    """Return `_TOKEN.findall(lowered)`, about 3x faster.

    Each character becomes one byte (a non-ASCII one "?"), every byte but a-z and
    0-9 a space; splitting at the spaces leaves the runs of a-z and 0-9, which
    are the tokens, in order.
    """
    return lowered.encode("ascii", "replace").translate(_TOKEN_BYTES).decode("ascii").split()


# token -> what `normalize` keeps of it: its stem, or "" when the token or its stem is a stop
# word. Stemming is word by word, so a token's entry never changes; cleared when it grows large.
_KEPT_STEM: dict[str, str] = {}
_KEPT_STEM_MAX = 200_000


def _kept_stems(tokens: list[str]) -> list[str]:
    """Return the stems of `tokens` that are kept: the same words, in the same order, as
    `w for w in _STEMMER.stemWords([t for t in tokens if t not in _STOP]) if w not in _STOP`
    (stemming each distinct word once, then a dictionary look-up)."""
    table = _KEPT_STEM
    try:
        return [s for s in map(table.__getitem__, tokens) if s]
    except KeyError:
        if len(table) > _KEPT_STEM_MAX:
            table.clear()
        new = [t for t in dict.fromkeys(tokens) if t not in table]
        stems = _STEMMER.stemWords(new)
        for t, s in zip(new, stems):
            table[t] = "" if t in _STOP or s in _STOP else s
        return [s for s in map(table.__getitem__, tokens) if s]


@lru_cache(maxsize=1)
def _synonym_rules_by_first_token() -> dict[str, tuple[int, ...]]:
    """first token of a synonym phrase -> the positions in `_synonym_rules()` of the rules whose
    phrase starts with it (ascending)."""
    index: dict[str, list[int]] = {}
    for i, (phrase, _, _) in enumerate(_synonym_rules()):
        index.setdefault(_TOKEN.match(phrase).group(), []).append(i)
    return {tok: tuple(ids) for tok, ids in index.items()}


def _apply_synonyms(text: str, tokens: Collection[str]) -> str:
    """Return `text` with the synonym rules applied in order, as the straightforward loop
    `for phrase, pattern, repl in _synonym_rules(): if phrase in text: text = pattern.sub(repl, text)`
    does (tests/test_speed_round5.py pins the two together).

    A rule can only change the text when its phrase's first token is a token of the text as it
    is then (see `_synonym_first_tokens`), so only the rules indexed under the text's tokens are
    tried, in their order; when a rule changes the text, its tokens are found again and the
    rules after it that they now call for are added. Most texts with a synonym's first token
    ("low", "back", "magnesium") hold one or two of the 70-odd phrases: a few `in` tests, not all.
    """
    rules = _synonym_rules()
    by_first = _synonym_rules_by_first_token()
    todo = sorted(i for tok in by_first.keys() & tokens for i in by_first[tok])
    k = 0
    while k < len(todo):
        i = todo[k]
        k += 1
        phrase, pattern, repl = rules[i]
        if phrase in text:
            changed = pattern.sub(repl, text)
            if changed != text:
                text = changed
                todo = sorted(j for tok in by_first.keys() & set(_tokens(text))
                              for j in by_first[tok] if j > i)
                k = 0
    return text


@lru_cache(maxsize=16384)  # a claim is normalized for matching, then twice for its report entry
def normalize(text: str) -> str:
    """Lowercase, apply synonyms, drop stop words and punctuation, stem."""
    text = text.lower().replace("’", "'").replace("‘", "'")
    tokens = _tokens(text)
    if not _synonym_first_tokens().isdisjoint(tokens):
        text = _apply_synonyms(text, tokens)
        tokens = _tokens(text)
    return " ".join(_kept_stems(tokens))


class KeyTermIndex:
    """Which reference claims have every one of their key-term groups in a text.

    A key term matches at the start of a word (`(?<![a-z0-9])term`, so "relie"
    matches "relieve" and "relief"). One scan of the text finds, at each word
    start, the longest term that begins there; the terms that are prefixes of it
    begin there too. The groups those terms belong to are hit, and a claim
    passes when all its groups are hit (a claim with no groups always passes).
    The terms form one prefix-tree regex (`word_alternation`), so the scan
    costs about the same whatever the size of the reference set; each claim is
    then looked at only when its *anchor*, the group it shares with the fewest
    other claims, is hit, and only when its label (its subject) is wanted.
    """

    def __init__(self, key_terms: Sequence[Sequence[Sequence[str]]],
                 labels: Sequence[str] | None = None) -> None:
        labels = list(labels) if labels is not None else [""] * len(key_terms)
        group_ids: dict[frozenset[str], int] = {}
        self.claim_groups: list[tuple[int, ...]] = []
        for groups in key_terms:
            ids = tuple(sorted({group_ids.setdefault(frozenset(g), len(group_ids)) for g in groups}))
            self.claim_groups.append(ids)
        self.labels = labels
        self.always = tuple(ci for ci, ids in enumerate(self.claim_groups) if not ids)
        self._needs = [frozenset(ids) for ids in self.claim_groups]  # subset test in C
        sharing = [0] * len(group_ids)
        for ids in self.claim_groups:
            for g in ids:
                sharing[g] += 1
        self.claims_of_group: list[list[int]] = [[] for _ in group_ids]
        # anchored[label][g]: the claims with that label whose rarest group is g
        self.anchored: dict[str, dict[int, list[int]]] = {}
        for ci, ids in enumerate(self.claim_groups):
            for g in ids:
                self.claims_of_group[g].append(ci)
            if ids:
                anchor = min(ids, key=lambda g: (sharing[g], g))
                self.anchored.setdefault(labels[ci], {}).setdefault(anchor, []).append(ci)
        groups_of_term: dict[str, set[int]] = {}
        for group, g in group_ids.items():
            for term in group:
                groups_of_term.setdefault(term, set()).add(g)
        terms = sorted(groups_of_term)
        self.groups_at: dict[str, frozenset[int]] = {  # the groups of a term and its prefixes
            term: frozenset().union(*(groups_of_term[term[:k]] for k in range(1, len(term) + 1)
                                      if term[:k] in groups_of_term))
            for term in terms
        }
        self.pattern = (re.compile(r"(?<![a-z0-9])(?=(" + word_alternation(terms) + "))")
                        if terms else None)

    def passing(self, lowered: str, labels: Collection[str] | None = None) -> list[int]:
        """Return the indices, ascending, of the claims whose key terms all occur in `lowered`.

        With `labels`, only claims with one of those labels are returned.
        """
        found = [ci for ci in self.always if labels is None or self.labels[ci] in labels]
        if self.pattern is None:
            return found
        hit: set[int] = set()
        groups_at = self.groups_at
        for m in self.pattern.finditer(lowered):
            hit |= groups_at[m.group(1)]
        if not hit:
            return found
        needs = self._needs
        tables = (self.anchored.values() if labels is None else
                  (self.anchored[lab] for lab in labels if lab in self.anchored))
        for table in tables:  # walk the smaller of the hit groups and the anchors
            if len(hit) < len(table):
                anchored = (table[g] for g in hit if g in table)
            else:
                anchored = (cis for g, cis in table.items() if g in hit)
            for cis in anchored:
                for ci in cis:
                    if needs[ci] <= hit:
                        found.append(ci)
        return sorted(found)


FEATURES = (
    "embedding",         # cosine of the sentence's embedding with the claim's closest text
    "embedding_margin",  # that cosine minus the best cosine of any other claim in scope
    "tfidf",             # TF-IDF cosine (stemmed word 1-2-grams), sentence or clause, closest text
    "fuzzy",             # rapidfuzz token_set/token_sort ratio of the closest text, 0-1
    "key_terms",         # share of the claim's key-term groups the sentence hits
    "key_terms_all",     # 1 when it hits all of them
    "subject_named",     # the sentence itself names the claim's subject
    "subject_implied",   # the subject is only implied (a pronoun, "the mineral", the article's topic)
    "frame_mismatch",    # one of the two speaks of a deficiency ("low magnesium causes cramps"), the
                         # other of the nutrient itself ("magnesium relieves cramps"): see `deficiency_frame`
    "coverage",          # share of the matched clause's content words (its subject's name aside) that
                         # the claim's texts use: what the sentence says beyond the claim lowers it
)

# Claims about a nutrient come in two frames that share their words: what a shortage of it does
# ("a deficiency can cause cramps") and what taking it does ("magnesium relieves cramps"). The
# evidence for one says nothing about the other, and embeddings barely tell them apart.
_DEFICIENCY = re.compile(
    r"\b(?:deficien|insufficien|inadequa|deplet|shortage|hypomagnes|hypovitamin|hypocalc)\w*"
    r"|\black(?:s|ing)?\b(?!\s+(?:of\s+)?(?:the\s+|any\s+|good\s+|strong\s+|clear\s+)?"
    r"(?:evidence|data|research|studies|trials|proof))"
    r"|\b(?:too\s+little|not\s+(?:get(?:ting)?\s+)?enough|low\s+in)\b"
    r"|\blow(?:er)?\s+(?:serum\s+|blood\s+|dietary\s+|body\s+|tissue\s+)?"
    r"(?:levels?|intakes?|status|stores|concentrations?|magnesium|vitamin|mg)\b"
    r"|\b(?:levels?|intakes?|stores|status)\s+(?:are\s+|is\s+|gets?\s+|becomes?\s+|were\s+)?(?:too\s+)?"
    r"(?:low|drops?|falls?|dips?)\b"
    r"|\bruns?\s+low\b",
    re.IGNORECASE,
)


def _coverage(norm: str, vocab: frozenset[str], ignore: frozenset[str]) -> float:
    """Return the share of the words of `norm` (a normalized text) outside `ignore` that are in `vocab`."""
    words = [w for w in norm.split() if w not in ignore]
    return sum(1 for w in words if w in vocab) / len(words) if words else 0.0


def deficiency_frame(text: str) -> bool:
    """Return whether `text` speaks of a shortage of a nutrient (deficiency, low levels, lack of it)."""
    return _DEFICIENCY.search(text) is not None


@dataclass(frozen=True)
class MatchModel:
    """A logistic model: P(the sentence makes this reference claim) from `FEATURES`.

    Fitted on labelled units by tools/fit_match_model.py (and refitted per fold
    by benchmarks/heldout.py to measure it on held-out articles).
    """

    weights: tuple[float, ...]
    bias: float
    embeddings: bool = True  # fitted with embedding features (False: those features are 0)
    # A match good enough to call a claim supported may not be good enough to flag it: a
    # wrong "overstated" or "contradicted" costs an editor's time. Flags need this score.
    flag_score: float = 50.0

    def probabilities(self, X: np.ndarray) -> np.ndarray:
        """Return P(match) for each row of a features matrix."""
        z = X @ np.asarray(self.weights, dtype=np.float64) + self.bias
        return 1.0 / (1.0 + np.exp(-z))

    def describe(self) -> str:
        """A short fingerprint for reports and cache keys."""
        text = ",".join(f"{w:.4f}" for w in (*self.weights, self.bias, self.flag_score))
        return f"{'emb' if self.embeddings else 'lex'}:{hashlib.sha256(text.encode()).hexdigest()[:12]}"


@lru_cache(maxsize=1)
def bundled_model() -> MatchModel:
    """The match model shipped in claimaudit/data/match_model.json."""
    doc = json.loads(resources.files("claimaudit").joinpath("data/match_model.json").read_text("utf-8"))
    if tuple(doc["features"]) != FEATURES:
        raise ValueError("match_model.json was fitted for other features; refit it "
                         "(tools/fit_match_model.py)")
    return MatchModel(tuple(float(w) for w in doc["weights"]), float(doc["bias"]),
                      bool(doc.get("embeddings", True)), float(doc.get("flag_score", 50.0)))


_EMBEDDINGS: dict[str, np.ndarray] = {}  # text -> embedding, shared by every Matcher of a process
STORED_EMBEDDINGS = "reference_embeddings.npz"


def text_key(text: str) -> str:
    """The key of a text in the stored embeddings: its SHA-1 in hex."""
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


@lru_cache(maxsize=1)
def stored_embeddings() -> dict[str, np.ndarray]:
    """Embeddings of the bundled packs' reference texts, computed once by tools/embed_reference.py.

    Embedding every text of a reference set takes seconds; an editor's `check`
    of one sentence should not. Texts that are not stored (a pack of the
    user's own, an edited variant) are embedded when first needed.
    """
    path = resources.files("claimaudit").joinpath("data", STORED_EMBEDDINGS)
    if not path.is_file():
        return {}
    with resources.as_file(path) as p, np.load(p, allow_pickle=False) as z:
        keys, vectors = z["keys"], z["vectors"]
        return {str(k): vectors[i] for i, k in enumerate(keys)}


def embed(texts: Sequence[str], stored: bool = True) -> np.ndarray:
    """Return sentence embeddings (rows, L2-normalized) for texts, by the bundled ONNX encoder.

    With `stored`, reference texts are looked up in `stored_embeddings` first. Raises
    `encoder.EncoderMissing` (a one-line message) when the encoder cannot be loaded.
    """
    from .encoder import load_onnx_sentence_encoder

    enc = load_onnx_sentence_encoder()
    if stored:
        table = stored_embeddings()
        for t in texts:
            if t not in _EMBEDDINGS:
                v = table.get(text_key(t))
                if v is not None:
                    _EMBEDDINGS[t] = v
    todo = sorted({t for t in texts if t not in _EMBEDDINGS})
    if todo:
        if len(_EMBEDDINGS) > 200_000:
            _EMBEDDINGS.clear()
        for t, v in zip(todo, enc.embed(todo)):
            _EMBEDDINGS[t] = v
    if not texts:
        return np.zeros((0, 384), np.float32)
    return np.stack([_EMBEDDINGS[t] for t in texts])


class Matcher:
    """Match sentences against one reference set."""

    def __init__(self, reference: ReferenceSet, settings: MatchSettings | None = None) -> None:
        self.reference = reference
        self.settings = settings or MatchSettings()
        self.model = self.settings.model or bundled_model()
        self.doc_claim: list[int] = []
        self.doc_text: list[str] = []
        self.doc_norm: list[str] = []
        for ci, claim in enumerate(reference.claims):
            texts = [claim.text, *claim.variants]
            if claim.supported_wording and claim.stance != "refutes":
                texts.append(claim.supported_wording)  # an honest wording of the same claim
            for t in texts:
                self.doc_claim.append(ci)
                self.doc_text.append(t)
                self.doc_norm.append(normalize(t))
        self.doc_claim_arr = np.array(self.doc_claim, dtype=np.int64)
        # doc_claim is ascending: each claim's texts are one run, starting at claim_start[ci]
        self.claim_start = np.searchsorted(self.doc_claim_arr, np.arange(len(reference.claims)))
        # One TF-IDF index per subject: a word's weight in the magnesium claims must not
        # change because a vitamin D pack is loaded beside them (issue 16).
        self._tfidf: list[tuple[str, TfidfIndex, np.ndarray]] = []
        docs_of_label: dict[str, list[int]] = {}
        for d, ci in enumerate(self.doc_claim):
            docs_of_label.setdefault(reference.claims[ci].subject, []).append(d)
        for label in sorted(docs_of_label):
            idx = np.array(docs_of_label[label], dtype=np.int64)
            self._tfidf.append((label, TfidfIndex([self.doc_norm[d] for d in idx]), idx))
        self._claim_frame = [deficiency_frame(claim.text) for claim in reference.claims]
        # the stemmed words of every claim's texts, for the `coverage` feature
        vocab: list[set[str]] = [set() for _ in reference.claims]
        for d, ci in enumerate(self.doc_claim):
            vocab[ci].update(self.doc_norm[d].split())
        self._claim_vocab = [frozenset(v) for v in vocab]
        self.keys = KeyTermIndex([claim.key_terms for claim in reference.claims],
                                 [claim.subject for claim in reference.claims])
        self._labels = frozenset(claim.subject for claim in reference.claims)
        # The claims without a subject (`subject: none` in a pack with one), in an index of their own:
        # a sentence is in their scope only when it has all the key terms of one of them.
        free = [claim.key_terms for claim in reference.claims if not claim.subject]
        self._free_keys = KeyTermIndex(free) if free else None
        self._claims_of_label: dict[str, np.ndarray] = {}
        for ci, claim in enumerate(reference.claims):
            self._claims_of_label.setdefault(claim.subject, []).append(ci)  # type: ignore[arg-type]
        self._claims_of_label = {k: np.array(v, dtype=np.int64) for k, v in self._claims_of_label.items()}
        terms: dict[str, set[str]] = {}
        symbols: dict[str, set[str]] = {}
        for claim in reference.claims:
            if claim.subject:
                terms.setdefault(claim.subject, set()).update(t for t in claim.subject_terms if not is_symbol(t))
                symbols.setdefault(claim.subject, set()).update(t for t in claim.subject_terms if is_symbol(t))
        self.subjects = tuple(sorted(terms))
        self._subject_index = KeyTermIndex([(tuple(sorted(terms[n])),) for n in self.subjects])
        # subjects named by a symbol ("Mg"), matched as written (`symbol_pattern`)
        self._symbols = tuple((n, symbol_pattern(sorted(symbols[n]))) for n in self.subjects if symbols[n])
        # the subjects' names as stemmed words ("magnesium", "vitamin", "d"): every claim of a
        # subject shares them, so they say nothing about which claim a sentence makes
        self._subject_stems = frozenset(w for n in self.subjects for t in (n, *terms[n])
                                        for w in normalize(t).split())
        self._claim_index = {c.id: i for i, c in enumerate(self.reference.claims)}
        self.use_embeddings = self.settings.embeddings and self.model.embeddings
        self.doc_emb = embed(self.doc_text) if self.use_embeddings and self.doc_text else None
        if self.doc_emb is None:
            self.use_embeddings = False

    def subject_mentions(self, text: str) -> dict[str, int]:
        """Return how often `text` names each subject: at how many word starts a term begins."""
        counts = dict.fromkeys(self.subjects, 0)
        index = self._subject_index
        if index.pattern is not None:
            groups_at = index.groups_at
            for m in index.pattern.finditer(text.lower()):
                for g in groups_at[m.group(1)]:
                    for si in index.claims_of_group[g]:
                        counts[self.subjects[si]] += 1
        for name, pattern in self._symbols:
            counts[name] += sum(1 for _ in pattern.finditer(text))
        return counts

    def about(self, mentions: dict[str, int], words: int | None = None) -> frozenset[str]:
        """Return the subjects an article of `words` words is about.

        Those it names `subject_mentions` times and at least once in
        `subject_words_per_mention` words, or at all when it is shorter than
        `short_text_words` (a draft paragraph an editor checks names its
        subject once: "Magnesium ... It also relieves cramps"). A story on
        calcium supplements that names vitamin D in passing, three or four
        times in 700-1,400 words, is not about vitamin D: its "the
        supplements", "intake" and "it" are calcium's, not vitamin D's.
        """
        s = self.settings
        short = words is not None and words < s.short_text_words
        return frozenset(n for n, k in mentions.items()
                         if (k >= s.subject_mentions
                             and (words is None or k * s.subject_words_per_mention >= words))
                         or (short and k >= 1))

    def named(self, text: str) -> set[str]:
        """Return the subjects `text` names (by a term, or by a symbol such as "Mg")."""
        named = {self.subjects[i] for i in self._subject_index.passing(text.lower())}
        for name, pattern in self._symbols:
            if name not in named and pattern.search(text):
                named.add(name)
        return named

    def with_symbol_names(self, text: str) -> str:
        """Return `text` with the name of each subject it names by a symbol added after it
        ("the efficacy of Mg" -> "the efficacy of Mg magnesium"), for key-term look-up."""
        for name, pattern in self._symbols:
            if pattern.search(text):
                text = pattern.sub(lambda m, n=name: f"{m.group(0)} {n}", text)
        return text

    def has_key_terms(self, text: str, claim_id: str) -> bool:
        """Return whether `text` has every key-term group of the reference claim `claim_id`."""
        ci = self._claim_index[claim_id]
        hit = self._hit_groups(_lower_for_terms(self.with_symbol_names(text)))
        return all(g in hit for g in self.keys.claim_groups[ci])

    def _scope(self, text: str, about: frozenset[str] | None, previous: str = "",
               named: Callable[[str], set[str]] | None = None) -> set[str] | None:
        """Return the subjects whose claims may match `text` ("" for claims without one).

        A subject is in scope when the sentence names it or refers to it (a
        pronoun or "the mineral" resolved to the article's topic, see
        `claims.match_text`), or the sentence before it or its section heading
        did (`previous` holds both: the discourse goes on about it). A reference
        claim about magnesium and kidneys must not match a news story's
        sentence on kidney disease that never mentions magnesium, nor a
        sentence on stress in an article on magnesium. With `per_sentence` off,
        every sentence of an article about a subject is in its scope. None:
        every subject (no article context, or a reference set without
        subjects). `named`: `self.named`, or a memo of it.
        """
        if about is None or not self.subjects:
            return None
        named = named or self.named
        if self.settings.per_sentence:
            scope = {"", *named(text), *named(previous)} & self._labels
        else:
            scope = {"", *about, *named(text)} & self._labels  # only subjects that have claims
        if "" in scope and self._free_keys is not None and not self._free_keys.passing(
                _lower_for_terms(self.with_symbol_names(text))):
            scope.discard("")  # no claim without a subject has all its key terms here
        return scope

    def in_scope(self, text: str, about: frozenset[str] | None, previous: str = "") -> bool:
        """Return whether any reference claim may match `text` (see `_scope`)."""
        scope = self._scope(text, about, previous)
        return scope is None or bool(scope)

    def _tfidf_sims(self, norms: Sequence[str], labels: set[str]) -> np.ndarray:
        """Return units x reference texts TF-IDF cosines, each subject's texts scored in its own index."""
        sims = np.zeros((len(norms), len(self.doc_text)), np.float32)
        for label, index, idx in self._tfidf:
            if label in labels:
                index.add_similarities(sims, norms, idx)
        return sims

    def _hit_groups(self, lowered: str) -> set[int]:
        keys = self.keys
        hit: set[int] = set()
        if keys.pattern is not None:
            for m in keys.pattern.finditer(lowered):
                hit |= keys.groups_at[m.group(1)]
        return hit

    def candidate_features(
        self, texts: Sequence[str], about: frozenset[str] | None = None,
        originals: Sequence[str] | None = None, previous: Sequence[str] | None = None,
    ) -> list[tuple[np.ndarray, np.ndarray, list[str], list[str]] | None]:
        """Return, per text, its shortlisted claims and their features (None: no claim in scope).

        Each entry is (claim indices, features matrix in `FEATURES` order, the
        reference text each claim matched best, the clause it matched in or "").
        `texts` are the texts to match (a pronoun resolved, a list item's
        lead-in added); `originals` the sentences as written, which say whether
        the subject is named or only implied.
        """
        originals = texts if originals is None else originals
        previous = [""] * len(texts) if previous is None else previous
        out: list[tuple[np.ndarray, np.ndarray, list[str], list[str]] | None] = [None] * len(texts)
        if not self.doc_claim:
            return out
        # `self.named` once per text: a claim's text is usually the next claim's `previous` (the
        # same sets as calling it each time; about 40% fewer scans on news stories).
        memo: dict[str, set[str]] = {}

        def named_in(text: str) -> set[str]:
            found = memo.get(text)
            if found is None:
                found = memo[text] = self.named(text)
            return found

        scoped: dict[int, np.ndarray] = {}
        labels: set[str] = set()
        for i, t in enumerate(texts):
            scope = self._scope(t, about, previous[i], named_in)
            if scope is None:
                scoped[i] = np.arange(len(self.reference.claims))
                labels |= self._labels
            elif scope:
                scoped[i] = np.concatenate([self._claims_of_label[lab] for lab in sorted(scope)])
                labels |= scope
        if not scoped:
            return out
        order = list(scoped)
        owner: list[int] = []
        units: list[str] = []
        for i in order:
            for u in clauses(texts[i]):
                owner.append(i)
                units.append(u)
        norms = [normalize(u) for u in units]
        sims = self._tfidf_sims(norms, labels)
        emb = None
        if self.use_embeddings:
            emb = embed([texts[i] for i in order]) @ self.doc_emb.T
        rows_of: dict[int, list[int]] = {i: [] for i in order}
        for r, i in enumerate(owner):
            rows_of[i].append(r)
        n_claims = len(self.reference.claims)
        shortlist = self.settings.shortlist
        for k, i in enumerate(order):
            cands = scoped[i]
            rows = rows_of[i]
            tf_doc = sims[rows].max(0)  # best unit per reference text
            tf_claim = np.maximum.reduceat(tf_doc, self.claim_start)
            if emb is not None:
                em_doc = emb[k]
                em_claim = np.maximum.reduceat(em_doc, self.claim_start)
            else:
                em_doc = np.zeros(len(self.doc_text))
                em_claim = np.zeros(n_claims)
            hit = self._hit_groups(_lower_for_terms(self.with_symbol_names(texts[i])))
            # A claim without a subject has nothing but its key terms to say what it is about:
            # it is considered only for sentences that have all of them.
            keep = [ci for ci in cands if self.reference.claims[ci].subject
                    or all(g in hit for g in self.keys.claim_groups[ci])]
            if not keep:
                continue
            cands = np.array(keep, dtype=np.int64)
            # Two retrievers, their shortlists joined: the closest claims by embedding (a
            # paraphrase with other words) and by TF-IDF (the same words, reordered).
            half = max(1, shortlist // 2)
            by_em = cands[np.argsort(-em_claim[cands], kind="stable")[:half]]
            by_tf = cands[np.argsort(-tf_claim[cands], kind="stable")[:half]]
            top = np.array(list(dict.fromkeys([*by_em.tolist(), *by_tf.tolist()])), dtype=np.int64)
            em_sorted = np.sort(em_claim[cands])[::-1]
            frame = deficiency_frame(texts[i])
            named = named_in(originals[i]) if self.subjects else set()
            implied = named_in(texts[i]) if self.subjects else set()
            feats = np.zeros((len(top), len(FEATURES)))
            matched: list[str] = []
            clause_of: list[str] = []
            for j, ci in enumerate(top):
                a, b = self.claim_start[ci], (self.claim_start[ci + 1] if ci + 1 < n_claims
                                               else len(self.doc_text))
                best_fz, best_unit, best_doc = 0.0, rows[0], a
                for r in rows:
                    for d in range(a, b):
                        if sims[r, d] <= 0.0:
                            continue
                        fz = (fuzz.token_set_ratio(norms[r], self.doc_norm[d], processor=None)
                              + fuzz.token_sort_ratio(norms[r], self.doc_norm[d], processor=None)) / 200.0
                        if fz > best_fz:
                            best_fz, best_unit, best_doc = fz, r, d
                cover = _coverage(norms[best_unit], self._claim_vocab[ci], self._subject_stems)
                if emb is not None:
                    best_doc = a + int(np.argmax(em_doc[a:b]))
                other = em_sorted[1] if em_sorted[0] == em_claim[ci] and len(em_sorted) > 1 else em_sorted[0]
                groups = self.keys.claim_groups[ci]
                hits = sum(1 for g in groups if g in hit)
                subject = self.reference.claims[ci].subject
                is_named = not subject or subject in named
                feats[j] = (
                    em_claim[ci], em_claim[ci] - other if len(em_sorted) > 1 else 0.0,
                    tf_claim[ci], best_fz,
                    hits / len(groups) if groups else 1.0, float(hits == len(groups)),
                    float(is_named), float(not is_named and subject in implied),
                    float(frame != self._claim_frame[ci]), cover,
                )
                matched.append(self.doc_text[best_doc])
                clause_of.append("" if units[best_unit] == texts[i] else units[best_unit])
            out[i] = (top, feats, matched, clause_of)
        return out

    def match_many(self, texts: Sequence[str], about: frozenset[str] | None = None,
                   originals: Sequence[str] | None = None,
                   previous: Sequence[str] | None = None) -> list[Match]:
        """Return one Match per text, in order.

        Only reference claims whose subject is in scope (the article is about
        it, or the sentence names it) are considered; a text with none in scope
        is not scored. The others are shortlisted by embedding and TF-IDF
        similarity, and each shortlisted claim gets a probability from the
        match model over `FEATURES`; the best is accepted when its score
        (100 x probability) reaches `min_score`.
        """
        out = [Match(candidates=(), best=None) for _ in texts]
        feats = self.candidate_features(texts, about, originals, previous)
        for i, entry in enumerate(feats):
            if entry is None:
                continue
            top, X, matched, clause_of = entry
            p = self.model.probabilities(X)
            order = sorted(range(len(top)), key=lambda j: (-p[j], int(top[j])))
            cands = tuple(
                Candidate(self.reference.claims[int(top[j])].id, round(100.0 * float(p[j]), 1),
                          matched[j], clause_of[j], bool(X[j, FEATURES.index("key_terms_all")]))
                for j in order[: self.settings.candidates]
            )
            best = cands[0] if cands and cands[0].score >= self.settings.min_score else None
            out[i] = Match(candidates=cands, best=best)
        return out


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


# A subordinate clause that opens the sentence ("Since the body cannot make it, ...", "Although
# magnesium is no cure, ..."): it ends at its first comma, where the main clause starts.
_OPENING_CLAUSE = re.compile(
    r"^\W*(?:since|because|although|though|even\s+though|while|whereas|as|if|when|unless)\b[^,]*,\s+",
    re.IGNORECASE,
)


def clauses(text: str, min_words: int = 4) -> list[str]:
    """Return the text itself followed by its clauses of at least `min_words` words."""
    opening = _OPENING_CLAUSE.match(text)
    pieces = [text[:opening.end()].rstrip(", "), text[opening.end():]] if opening else [text]
    parts = [p for piece in pieces for p in _CLAUSE_BREAK.split(piece) if p and len(p.split()) >= min_words]
    return [text] + (parts if len(parts) > 1 else [])


def symbol_pattern(symbols: Sequence[str]) -> re.Pattern[str]:
    """Return the pattern of subject symbols ("Mg"): each as written, a whole word (a charge may
    follow: "Mg2+", "Mg²⁺"), not right after a number ("400 Mg" is milligrams on a label)."""
    alternation = "|".join(re.escape(s) for s in sorted(symbols, key=len, reverse=True))
    return re.compile(rf"(?<![\w.])(?<!\d )(?:{alternation})(?![A-Za-z])")


# Adverbs of degree and time inside a phrase ("is extremely common", "is now very widespread"):
# key-term phrases are written without them ("is common"), so the text is also read without them
# (written in lower case: "NOW Foods" is a brand).
_DEGREE = re.compile(r" (?:(?:very|extremely|quite|so|really|incredibly|surprisingly|increasingly|fairly|"
                     r"pretty|remarkably|relatively|particularly|especially|exceptionally|rather|truly|"
                     r"now|suddenly|still|also) )+")
_DEGREE_WORDS = frozenset("very extremely quite so really incredibly surprisingly increasingly fairly pretty "
                          "remarkably relatively particularly especially exceptionally rather truly now "
                          "suddenly still also".split())


def _lower_for_terms(text: str) -> str:
    """Lowercase a sentence and apply synonyms, for key-term lookup; a sentence with degree adverbs
    is followed by its reading without them (after a line break, which no term crosses)."""
    lowered = text.lower().replace("’", "'")
    tokens = _TOKEN.findall(lowered)
    if not _DEGREE_WORDS.isdisjoint(tokens):
        # read in the original case: "NOW Foods" is a brand, not an adverb
        plain = _DEGREE.sub(" ", text).lower().replace("’", "'")
        if plain != lowered:
            lowered = f"{lowered}\n{plain}"
    if _synonym_first_tokens().isdisjoint(tokens):
        return lowered
    for phrase, pattern, repl in _synonym_rules():
        if phrase in lowered:
            # Keep the original words and add the canonical phrase beside them.
            lowered = pattern.sub(lambda m, r=repl: m.group(0) + " " + r, lowered)
    return lowered
