"""Read the strength a sentence asserts (0-4), whether its relation is negated, and the cues behind it.

Scale (``records.STRENGTH_NAMES``): 0 no relationship / not a claim, 1 associative or hedged,
2 conditional causal, 3 direct causal, 4 absolute.

How a sentence is read
----------------------
1. **Tokens.** One compiled regex splits the lower-cased sentence into word and punctuation tokens
   (``doesn't`` and ``co-occur`` stay whole); offsets are rebuilt from the match lengths. spaCy's tokenizer
   is not used at run time: the reader has to run at close to tokenizer speed, and it needs no more than
   words and punctuation.
2. **Cues (rules).** A lexicon of general wording cues, with the inflected forms generated from base
   forms ("reduce" -> reduces, reduced, reducing; irregulars listed), is matched over the tokens, longest
   phrase first: hedges ("may", "probably", "appears to", "some evidence", "suggests"), associative
   wording ("associated with", "linked to", "predicts"), causal verbs, nouns and adjectives ("reduces",
   "leads to", "effective for"), boosters ("clearly", "significantly", "highly"), absolutes ("proven",
   "cures", "guaranteed", "always", "definitely", "resounding yes"), negations and the question mark.
   Each causal/associative verb form gets a *mode* from its left context, a stand-in for a parser:
   finite ("X reduces Y"), passive, hedged ("may reduce", "appears to reduce"), purpose ("to reduce"),
   gerund, adjectival ("an increased risk"), noun ("the increase in"). A hedge that governs a causal word
   becomes one ``conditional`` cue ("may reduce", "could potentially ease", "can help ease"), "directly"
   before a relation one ``absolute`` cue ("directly contribute to"), and "if"/"unless" opening a clause a
   ``conditional`` cue. Hedge, booster and absolute cues are reported whatever the level, also on plain
   statements of fact with level 0; comparatives and generic nouns ("more", "than", "effects", "role")
   are reported only when they carry the level (1, resp. >= 2).
3. **Level (model).** A multinomial logistic regression picks the Yu et al. (2019) class (0 none,
   1 associative, 2 conditional causal, 3 direct causal) from binary, L2-normalised features: the words,
   bigrams and trigrams of the *cue sequence* (each token replaced by its cue tag and mode, function
   words kept, runs of other words collapsed to one slot), and the cue kinds present. About 7,500
   features; the weights (``data/strength_model.npz``, ~0.1 MB) are loaded with importlib.resources and a
   whole batch is scored with one gather-and-sum over the weight matrix.
4. **Rules win on strong cues.** The model learned PubMed conclusions; consumer and press-release prose
   use wording it rarely saw, so explicit cues override it:

   - a question (final ``?``), advice (imperative opening, "consult your doctor", "you should") or a
     title-case heading without final punctuation -> 0;
   - a hedge bound to the causal word ("may reduce", "could ease") caps a direct reading (3) at 2 unless
     another causal verb is asserted plainly; "can help" is 2 (the design scale; Yu et al. would say 3);
   - a plainly asserted (finite) causal verb that the model read as 0 is lifted to 3, and explicit
     associative wording ("is linked to", "associated with", "a link between") to 1, unless a
     research-need or recommendation word ("should", "needed", "warrant") frames the sentence;
   - an absolute cue on a sentence that states a relation (level >= 1, or the cue is one: "cures",
     "a cure for", "100% effective") -> 4, unless it or the relation is negated ("not proven", "not
     always"); "resounding yes" -> 4.

   ``negated`` is true when a negation ("not", "n't", "no", "never", "fail to", "no evidence that")
   precedes the main relation cue within its clause (a few tokens, no comma, "but", "which" ... in
   between; "no evidence that" reaches into its that-clause). "Not only" does not negate. A denied
   relation keeps its level ("does not reduce" is 3, negated).

5. **Asserted strength (the audit's reading).** `assert_many` / `assert_strength` put that reading through the
   consumer-prose rules at the end of this module (`asserted_level`, `asserted_negation`): a plain statement of
   fact is 3, "can help" and "may/might/could" + verb are 2, "can cause" 3, a reported finding 3, strong
   evaluation one level up, "is recommended" 1; a negation of the main relation outside an if/when opening and
   other than "not enough" denies. That reading (level 0-4, negation, cues) is the one a claim carries
   everywhere: the verdict rules, the reason, the evidence line, CSV, JSON, SARIF, HTML and
   ``claimaudit strength``. Steps 1-4 alone (`read_many`) are what ``benchmarks/strength.py`` scores on the
   Yu scale.

**Two level models.** ``reader="lexical"`` (the default) is the regression of step 3. ``reader="encoder"``
takes the level from `claimaudit.encoder`, all-MiniLM-L6-v2 fine-tuned on the same Yu sentences and run
with numpy (``data/strength_encoder.npz``, 16 MB; trained by ``tools/train_strength_encoder.py``). The rules
of step 4 apply to both, except the two lifts of a "no relation" reading, which only the lexical model
needs. The encoder reads research prose better and is about 400 times slower; on the consumer
prose of the labelled seed articles it makes the audit slightly worse, hence not the default.

Accuracy (benchmarks/strength.py): 5-fold cross-validated macro-F1 on the Yu dev set is about 0.77 with the
lexical model and 0.82 with the encoder (the BioBERT anchor is 0.88); see the benchmark for the per-class
tables, the InSciOut exaggeration figures and the speed ratios against spaCy's tokenizer.

Training data and licence: the weights in ``data/strength_model.npz`` are fitted on the Yu, Li & Wang
(2019) "Detecting causal language use in science findings" corpus (EMNLP 2019; repository
junwang4/causal-language-use-in-science), which is licensed GPL-3.0; the dev split is read from
``../shared/benchmarks/claim-strength/yu2019-dev.csv``. Rebuild them, deterministically, with
``python -m claimaudit.strength_train``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from .records import Cue, StrengthReading
from .regexes import Caseless, fold, letter_runs, word_alternation

__all__ = ["CUE_KINDS", "DEFAULT_READER", "MODEL_FILE", "READERS", "analyse", "assert_many", "assert_strength",
           "asserted_level", "asserted_negation", "assertion", "cue_words", "feature_lists", "levels_with_rules",
           "read_many", "read_strength"]

MODEL_FILE = "strength_model.npz"
READERS = ("encoder", "lexical")
DEFAULT_READER = "lexical"

# --------------------------------------------------------------------------------------------------
# Lexicon
# --------------------------------------------------------------------------------------------------

_IRREGULAR = {
    "lead": ("leads", "led", "leading", "led"),
    "prove": ("proves", "proved", "proving", "proven"),
    "show": ("shows", "showed", "showing", "shown"),
    "drive": ("drives", "drove", "driving", "driven"),
    "cut": ("cuts", "cut", "cutting", "cut"),
    "give": ("gives", "gave", "giving", "given"),
    "take": ("takes", "took", "taking", "taken"),
    "fight": ("fights", "fought", "fighting", "fought"),
    "rise": ("rises", "rose", "rising", "risen"),
    "make": ("makes", "made", "making", "made"),
    "hold": ("holds", "held", "holding", "held"),
    "bring": ("brings", "brought", "bringing", "brought"),
    "keep": ("keeps", "kept", "keeping", "kept"),
    "stop": ("stops", "stopped", "stopping", "stopped"),
    "slow": ("slows", "slowed", "slowing", "slowed"),
    "fix": ("fixes", "fixed", "fixing", "fixed"),
    "be": ("is", "was", "being", "been"),
}

_VOWELS = set("aeiou")


def _forms(base: str) -> dict[str, str]:
    """Return {form: inflection tag} for a verb: base, 3rd person (s), past (ed), -ing (ing)."""
    if base in _IRREGULAR:
        s, past, ing, pp = _IRREGULAR[base]
        return {base: "b", s: "s", past: "ed", pp: "ed", ing: "ing"}
    if base.endswith("e") and not base.endswith("ee"):
        past, ing = base + "d", base[:-1] + "ing"
    elif base.endswith("y") and base[-2] not in _VOWELS:
        past, ing = base[:-1] + "ied", base + "ing"
    elif (
        len(base) <= 4
        and base[-1] not in _VOWELS | {"w", "x", "y"}
        and base[-2] in _VOWELS
        and base[-3] not in _VOWELS
    ):
        past, ing = base + base[-1] + "ed", base + base[-1] + "ing"
    else:
        past, ing = base + "ed", base + "ing"
    if base.endswith(("s", "sh", "ch", "x", "z")):
        s = base + "es"
    elif base.endswith("y") and base[-2] not in _VOWELS:
        s = base[:-1] + "ies"
    else:
        s = base + "s"
    return {base: "b", s: "s", past: "ed", ing: "ing"}


# Verbs that state a cause-effect relation (direct causal when asserted plainly).
_CAUSAL_VERBS = """
reduce decrease lower lessen diminish shrink increase raise elevate boost improve enhance worsen
aggravate exacerbate cause induce trigger provoke produce prevent protect promote stimulate inhibit
suppress block attenuate alleviate relieve ease soothe calm treat heal help benefit affect influence
impact modulate modify alter regulate restore reverse eliminate relax strengthen weaken damage impair
delay accelerate mitigate ameliorate counteract offset resolve resolve shorten prolong extend halt
disrupt deplete replenish correct normalize stabilize repair harm hurt endanger hinder hamper impede
facilitate enable confer yield achieve save kill destroy combat fight drive mediate determine shape
decline minimize maximize optimize optimise raise manage limit curb avert avoid slow stop
intensify amplify heighten sharpen dampen lift spur activate deactivate trigger accompany cut slash halve
""".split()

# Multi-word causal phrases (first word is inflected).
_CAUSAL_PHRASES = [
    "lead to", "result in", "contribute to", "give rise to", "bring about", "play a role", "plays a role",
    "responsible for", "due to", "because of", "caused by", "attributable to", "attributed to",
    "effect on", "effects on", "impact on", "effective in", "effective for", "effective at",
    "make it", "depend on", "take care of", "get rid of", "work for", "works for", "work to",
    "in the prevention of", "in the treatment of", "in the management of", "source of relief",
]

_CAUSAL_WORDS = """
effective effectively efficacious efficacy effectiveness beneficial benefits benefit protective
harmful detrimental deleterious therapeutic helpful relief remedy treatment reduction reductions
improvement improvements prevention effect effects impact impacts role mechanism mechanisms
determinant determinants driver drivers contributor toxic cause causes causal causative
consequence consequences outcome
""".split()

_ASSOC_VERBS = "associate correlate link relate predict coincide co-occur accompany parallel".split()

_ASSOC_WORDS = """
association associations correlation correlations correlative relationship relationships relation
relations link linkage connection connections connected tied predictor predictors predictive prediction
marker markers indicator indicators biomarker biomarkers prognostic risk risks odds hazard prevalence
prevalent incidence likelihood inversely positively negatively independently independent
higher lower greater more less fewer better worse increased decreased elevated reduced than compared
versus vs relative related concomitant common frequent differ differed differs difference differences
similar comparable
""".split()

_ASSOC_PHRASES = [
    "associated with", "association with", "association between", "linked to", "linked with",
    "related to", "correlated with", "correlation between", "connected to", "connected with",
    "tied to", "at risk", "risk of", "risk factor", "risk factors", "compared with", "compared to",
    "relative to", "in relation to", "in association with", "more likely", "less likely",
]

_HEDGE_WORDS = """
may might could would possibly possible probably probable likely unlikely potentially potential
perhaps maybe presumably plausibly plausible putative putatively suggest suggests suggested suggesting
suggestive suggestion hypothesize hypothesise hypothesized hypothesised speculate speculative postulate
uncertain unclear preliminary partly partially somewhat apparently arguably conceivably tentative
tentatively seemingly
""".split()

_HEDGE_PHRASES = [
    "appear to", "appears to", "appeared to", "seem to", "seems to", "seemed to", "tend to", "tends to",
    "tended to", "thought to", "believed to", "some evidence", "some research", "some studies",
    "some study", "limited evidence", "emerging evidence", "a few studies", "in some cases",
    "it is possible", "it is likely", "not clear", "remains unclear", "is unclear",
]

_BOOSTER_WORDS = """
clearly significantly highly strongly substantially markedly greatly dramatically considerably
remarkably indeed powerful powerfully robust robustly evident evidently obviously extremely crucial
vital demonstrate demonstrates demonstrated demonstrating confirm confirms confirmed confirming
establish establishes established show shows showed shown major strong strongest striking
""".split()

_BOOSTER_PHRASES = [
    "well established", "well-established", "well known", "well-known", "strong evidence",
    "key role", "crucial role", "vital role",
]

_ABSOLUTE_WORDS = """
prove proves proved proven proving proof cure cures cured curing guarantee guarantees guaranteed
always definitely definitively certainly undoubtedly unquestionably undeniably conclusively
conclusive directly completely permanently miracle miraculous absolutely foolproof infallible
""".split()

_ABSOLUTE_PHRASES = [
    # an emphatic yes, answering the question an article asks ("Can magnesium cure back pain? The
    # answer is a resounding yes"): certainty about the relation the question names
    "resounding yes", "emphatic yes", "definite yes", "definitive yes", "unequivocal yes",
    "unqualified yes", "absolute yes", "no doubt", "without doubt", "without a doubt", "beyond doubt",
    "beyond any doubt", "for sure", "a cure for", "the cure for", "100% effective", "100% guaranteed",
    "100% proven", "100% safe", "100 percent effective", "works every time",
]

_NEGATION_WORDS = "not no never neither nor none nothing without cannot nobody".split()
_NEGATION_PHRASES = [
    "fail to", "fails to", "failed to", "failing to", "lack of evidence", "no evidence", "little evidence",
    "insufficient evidence", "absence of", "did not", "does not", "do not", "is not", "are not",
    "was not", "were not", "has not", "have not", "had not",
]

# Words that make an imperative/advice opening when they start a sentence.
_ADVICE_OPENERS = set("""
consult talk ask speak take eat avoid try consider remember check start stop add include aim keep
drink choose limit get see call seek follow make be discuss read learn find visit use tell let
always never don't do please
""".split())

_ADVICE_PHRASES = [
    "consult your", "consult a", "consult with", "talk to your", "talk with your", "speak to your",
    "speak with your", "ask your", "you should", "you must", "you need to", "make sure", "be sure to",
    "is recommended", "are recommended", "it is recommended", "is advised", "seek medical",
    "seek professional", "check with your",
]

# Function words kept verbatim in the model's cue sequence.
_FUNCTION = set("""
the a an this these that those it its is are was were be been being has have had do does did of in on
for to with by from at as and or but if when while whereas although though however thus therefore
hence not no we our us they their there which who whom than also only both either neither nor into
via after before during between among can will shall should must need needs needed required require
further future more less most least further study studies research data results findings evidence
trial trials patients participants group groups
""".split())

# Research-need / recommendation wording (Yu class 0).
_NEED_WORDS = """
should must need needs needed warrant warrants warranted required require requires necessary recommend
recommends recommended recommendation recommendations future further deserve deserves merit merits
""".split()

# Reporting verbs (the relation is in their complement).
_REPORT_WORDS = """
show shows showed shown showing demonstrate demonstrates demonstrated demonstrating confirm confirms
confirmed reveal reveals revealed indicate indicates indicated indicating find finds found observe
observed observes identify identified identifies support supports supported provide provides provided
conclude concluded highlight highlights highlighted imply implies implied document documented
establish established report reported suggest suggests suggested suggesting
""".split()

# Evaluative adjectives (feasibility, safety, accuracy: usually no relationship).
_EVAL_WORDS = """
feasible safe tolerated well-tolerated acceptable valid reliable accurate sensitive specific superior
inferior noninferior non-inferior equivalent promising important relevant appropriate suitable
useful valuable practical possible feasibility safety accuracy
""".split()

# Descriptive / prevalence wording.
_PREV_WORDS = """
prevalence prevalent common frequent frequently rare rarely uncommon rate rates proportion percent
incidence high low present absent
""".split()

_SKIP_ADVERBS = set("""
also further significantly substantially markedly greatly strongly partly partially potentially
possibly not independently effectively considerably modestly slightly positively negatively directly
indirectly additionally moreover thereby thus therefore both still even only
""".split())
_BE = set("is are was were be been being".split())
_HAVE = set("has have had".split())
_DET = set("a an the this these those its their his her our your my some any each every no".split())
_PREP = set("for at of in on by without towards toward after before from into via with".split())
_RAISERS_H = set("appear appears appeared seem seems seemed likely unlikely tend tends tended thought believed "
                 "expected hypothesized hypothesised possible".split())
_RAISERS_F = set("able help helps helped shown found proven proved used serve serves served sufficient enough "
                 "tends continue continues continued".split())


_MODALS = frozenset(("may", "might", "could", "would"))
_CLAUSE_BREAK = frozenset(
    (",", ";", ":", "but", "although", "though", "while", "whereas", "which", "who", "because", "however", "yet")
)
_RELATION_KINDS = frozenset(("associative", "conditional", "causal", "absolute"))
CUE_KINDS = ("hedge", "associative", "conditional", "causal", "booster", "absolute", "negation", "question")
_PUBLIC_KINDS = frozenset(CUE_KINDS)
# Absolute cues that state certainty about a relation (they lift a relation to level 4).
_CERTAINTY = frozenset("""
prove proves proved proven proving proof guarantee guarantees guaranteed always definitely definitively
certainly undoubtedly unquestionably undeniably conclusively conclusive directly completely permanently
miracle miraculous absolutely foolproof infallible
""".split())
_CURE = frozenset(("cure", "cures", "cured", "curing"))
_DOUBT_ENDS = frozenset(("doubt", "sure", "yes"))  # last word of absolute phrases that state no relation


@dataclass(frozen=True)
class _Entry:
    kind: str  # a cue kind, or an internal one: advice, need, report, eval, prev, modal
    tag: str  # the token class the model sees


def _build_lexicon() -> tuple[dict[str, _Entry], dict[str, list[tuple[tuple[str, ...], _Entry]]]]:
    """Single words -> entry, and first word -> [(phrase tokens, entry)] longest first."""
    words: dict[str, _Entry] = {}
    phrases: dict[str, list[tuple[tuple[str, ...], _Entry]]] = {}

    def add_word(w: str, kind: str, tag: str) -> None:
        words[w] = _Entry(kind, tag)

    def add_phrase(p: str, kind: str, tag: str) -> None:
        toks = tuple(_TOKEN_RE.findall(p))
        if len(toks) == 1:
            add_word(toks[0], kind, tag)
            return
        lst = phrases.setdefault(toks[0], [])
        if all(t != toks for t, _ in lst):
            lst.append((toks, _Entry(kind, tag)))

    # Later entries overwrite earlier ones for the same word.
    for w in _ASSOC_WORDS:
        add_word(w, "associative", "ASSOC")
    for v in _ASSOC_VERBS:
        for f, infl in _forms(v).items():
            add_word(f, "associative", "ASSOCV_" + infl)
    for w in _CAUSAL_WORDS:
        add_word(w, "causal", "CAUSN")
    for v in _CAUSAL_VERBS:
        for f, infl in _forms(v).items():
            add_word(f, "causal", "CAUSV_" + infl)
    for w in _EVAL_WORDS:
        add_word(w, "eval", "EVAL")
    for w in _PREV_WORDS:
        add_word(w, "prev", "PREV")
    for w in _BOOSTER_WORDS:
        add_word(w, "booster", "BOOST")
    for w in _REPORT_WORDS:
        add_word(w, "report", "REPORT")
    for w in ("demonstrate", "demonstrates", "demonstrated", "demonstrating", "confirm", "confirms", "confirmed",
              "establish", "established"):
        add_word(w, "booster", "REPORT")
    for w in _NEED_WORDS:
        add_word(w, "need", "NEED")
    for w in _HEDGE_WORDS:
        add_word(w, "hedge", "HEDGE")
    for w in ("suggest", "suggests", "suggested", "suggesting", "suggestive"):
        add_word(w, "hedge", "SUGGEST")
    for w in _MODALS:
        add_word(w, "hedge", "MODAL")
    for w in ("can", "will"):
        add_word(w, "modal", "CAN")
    for w in _ABSOLUTE_WORDS:
        add_word(w, "absolute", "ABS")
    for w in _CURE:
        add_word(w, "absolute", "CAUSV_" + _forms("cure")[w])
    for w in _NEGATION_WORDS:
        add_word(w, "negation", "NEG")
    for w in ("higher", "lower", "greater", "more", "less", "fewer", "better", "worse"):
        add_word(w, "associative", "COMP")
    for w in ("than", "versus", "vs", "compared"):
        add_word(w, "associative", "THAN")
    for w in ("increased", "decreased", "elevated", "reduced", "lowered", "raised"):
        add_word(w, "causal", "CAUSV_ed")  # verb or adjective ("an increased risk"): decided in context

    inflectable = set(_CAUSAL_VERBS) | {"lead", "result", "contribute", "give", "bring", "play", "depend", "make",
                                         "take", "get", "work"}
    for p in _CAUSAL_PHRASES:
        first, *rest = p.split()
        if first in inflectable:
            for f in _forms(first):
                add_phrase(" ".join([f, *rest]), "causal", "CAUSP")
        else:
            add_phrase(p, "causal", "CAUSP")
    for p in _ASSOC_PHRASES:
        add_phrase(p, "associative", "ASSOCP")
    for p in _HEDGE_PHRASES:
        add_phrase(p, "hedge", "HEDGEP")
    for p in _BOOSTER_PHRASES:
        add_phrase(p, "booster", "BOOSTP")
    for p in _ABSOLUTE_PHRASES:
        add_phrase(p, "absolute", "ABSP")
    for p in _NEGATION_PHRASES:
        add_phrase(p, "negation", "NEGP")
    for p in _ADVICE_PHRASES:
        add_phrase(p, "advice", "ADVICE")
    for lst in phrases.values():
        lst.sort(key=lambda e: -len(e[0]))
    return words, phrases


_TOKEN_RE = re.compile(r"\w+(?:[-'’]\w+)*%?|[^\w\s]")
# The same tokens, each with the whitespace before it, so offsets can be rebuilt by summing lengths.
_TOKEN_RE = re.compile(r"\s*(\w+(?:[-'’]\w+)*%?|[^\w\s])")  # a token, after any whitespace
_WORDS, _PHRASES = _build_lexicon()

# ASCII characters that are always a token of their own ([^\w\s] but not "-", "'" or "%", which can be
# inside or at the end of a word token).
_LONE = frozenset(c for c in map(chr, range(128)) if not c.isalnum() and not c.isspace() and c not in "-'%_")


def _tokens(low: str) -> list[str]:
    r"""``_TOKEN_RE.findall(low)``, about 1.2x faster on news prose.

    No token holds whitespace, so the text is tokenized one whitespace-separated chunk at a time
    (`str.split` and the regex's ``\s`` agree on what whitespace is). A chunk that is all letters and
    digits (``str.isalnum``: the regex's ``\w`` without "_") is one token; one followed by a lone
    punctuation mark ("cramps.", "however,") is two; any other chunk goes through the regex.
    """
    out: list[str] = []
    add = out.append
    findall = _TOKEN_RE.findall
    lone = _LONE
    for c in low.split():
        if c.isalnum():
            add(c)
        elif c[-1] in lone and c[:-1].isalnum():
            add(c[:-1])
            add(c[-1])
        else:
            out.extend(findall(c))
    return out


def _build_tables() -> tuple[dict[str, str], dict[str, _Entry], dict[tuple[str, str], list]]:
    """token -> default tag; cue word -> entry; first two tokens of a phrase -> [(tokens, entry)]."""
    tagmap: dict[str, str] = {w: w for w in _FUNCTION}
    tagmap.update({w: w for w in ".,;:?!()"})
    for w, e in _WORDS.items():
        tagmap[w] = e.tag
    bigrams: dict[tuple[str, str], list] = {}
    for cands in _PHRASES.values():
        for ptoks, entry in cands:  # already longest first
            bigrams.setdefault((ptoks[0], ptoks[1]), []).append((ptoks, entry))
    return tagmap, dict(_WORDS), bigrams


_TAGMAP, _CUEWORDS, _BIGRAMS = _build_tables()
_PHRASE_FIRSTS = frozenset(b[0] for b in _BIGRAMS)
_STARTERS = frozenset(_CUEWORDS) | _PHRASE_FIRSTS
_NEG_ENTRY = _Entry("negation", "NEG")


# --------------------------------------------------------------------------------------------------
# Analysis: tokens, tags, cues
# --------------------------------------------------------------------------------------------------


class _Analysis:
    __slots__ = ("text", "low", "toks", "tags", "cues", "question", "advice", "heading", "_spans")

    def __init__(self, text, low, toks, tags, cues, question, advice, heading):
        self.text = text
        self.low = low  # the text lower-cased, offsets kept
        self.toks = toks  # lower-cased tokens
        self.tags = tags  # one per token: cue tag, function word, NUM, punctuation or "_"
        self.cues = cues  # [kind, first token, end token, tag]
        self.question = question
        self.advice = advice
        self.heading = heading
        self._spans = []  # the offsets of the first len(_spans) tokens (see `spans_to`)

    @property
    def spans(self) -> list[tuple[int, int]]:
        """The (start, end) of every token in the text."""
        return self.spans_to(len(self.toks) - 1)

    def spans_to(self, k: int) -> list[tuple[int, int]]:
        """The token offsets, worked out at least up to token `k` (a reading needs those of its cues only:
        about two thirds of a sentence's tokens on news prose)."""
        spans = self._spans
        if len(spans) <= k:
            token_spans(self.low, self.toks, spans, k + 1)
        return spans


def token_spans(low: str, toks: list[str], spans: list[tuple[int, int]] | None = None,
                stop: int | None = None) -> list[tuple[int, int]]:
    """The (start, end) of each token of `low` (``_TOKEN_RE.findall(low)``), without a second regex pass.

    The tokens cover every character but whitespace, so each one starts at the first occurrence of its
    text after the previous token's end (about 1.7x faster than ``finditer`` + ``span``). With `spans`
    (the offsets of the first tokens) the list is extended in place, up to token `stop` (exclusive).
    """
    out = [] if spans is None else spans
    find = low.find
    end = out[-1][1] if out else 0
    for t in toks[len(out):stop]:
        start = find(t, end)
        end = start + len(t)
        out.append((start, end))
    return out


def analyse(text: str) -> _Analysis:
    """Tokenize `text` and find its cues (internal representation; see `read_strength`)."""
    low = text.lower()
    if len(low) != len(text):  # a few characters change length when lower-cased: keep offsets aligned
        low = "".join(c if len(c.lower()) != 1 else c.lower() for c in text)
    toks = _tokens(low)
    tget = _TAGMAP.get
    tags = [tget(t) or ("NUM" if t[0].isdigit() else "_") for t in toks]  # no tag is empty
    words = _CUEWORDS
    bigrams = _BIGRAMS
    starters = _STARTERS
    where = [i for i, t in enumerate(toks) if t in starters]
    if "n't" in low or "n’t" in low:
        where = sorted(set(where) | {i for i, t in enumerate(toks) if t.endswith(("n't", "n’t"))})
    cues: list[list] = []
    nxt = 0
    n = len(toks)
    firsts = _PHRASE_FIRSTS
    for i in where:
        if i < nxt:
            continue
        t = toks[i]
        if i + 1 < n and t in firsts:
            cands = bigrams.get((t, toks[i + 1]))
            if cands is not None:
                hit = None
                for ptoks, entry in cands:
                    k = len(ptoks)
                    if k == 2 or tuple(toks[i : i + k]) == ptoks:
                        hit = (k, entry)
                        break
                if hit is not None:
                    k, entry = hit
                    cues.append([entry.kind, i, i + k, entry.tag])
                    tags[i : i + k] = [entry.tag] * k
                    nxt = i + k
                    continue
        e = words.get(t)
        if e is None:
            if not t.endswith(("n't", "n’t")):
                continue  # a phrase start that did not complete
            e = _NEG_ENTRY
        tag = e.tag
        if tag[:6] == "CAUSV_" or tag[:7] == "ASSOCV_":
            tag = ("CAUS" if tag[0] == "C" else "ASSOC") + _mode(toks, tags, i, tag[tag.index("_") + 1 :])
        tags[i] = tag
        cues.append([e.kind, i, i + 1, tag])
    question = _is_question(toks)
    advice = _is_advice(toks, cues)
    heading = _is_heading(text, toks)
    # `_compose` merges nothing without one of the words or phrases that can govern a cue: skip it then.
    if cues and (not _COMPOSERS.isdisjoint(toks) or any(c[3] == "HEDGEP" for c in cues)):
        _compose(toks, tags, cues)
    return _Analysis(text, low, toks, tags, cues, question, advice, heading)


def _mode(toks: list[str], tags: list[str], i: int, infl: str) -> str:
    """Classify a verb-form cue by its context (a stand-in for a parser).

    F finite assertion, V passive (be + participle), H hedged (modal, "appears to"), C can/will,
    P purpose or need ("to reduce"), G gerund after a preposition, R result participle
    (", thereby reducing"), S sentence-initial gerund, A adjectival participle ("an increased risk",
    "patients treated with"), N noun use ("the increase in").
    """
    j = i - 1
    while j >= 0 and (toks[j] in _SKIP_ADVERBS or (len(toks[j]) > 4 and toks[j].endswith("ly"))):
        j -= 1
    p = toks[j] if j >= 0 else ""
    p2 = toks[j - 1] if j >= 1 else ""
    if p in _MODALS:
        return "H"
    if p in ("can", "will", "shall"):
        return "C"
    if p in _BE and p2 in _MODALS:
        return "H"
    if p == "to":
        if p2 in _RAISERS_H:
            return "H"
        if p2 in _RAISERS_F or (j >= 1 and tags[j - 1][:4] == "CAUS"):
            return "F"
        return "P"
    if infl == "ing":
        if j < 0 or p in ('"', "'", "(", ":", "“"):
            return "S"
        if p in _PREP:
            return "G"
        if p in (",", "thereby", "thus", "hence", "while", "so", "and"):
            return "R"
        if p in _BE:
            return "F"
        return "G"
    if infl == "ed":
        if p in _BE:
            return "V"
        if p in _HAVE:
            return "F"
        if j >= 0 and (p in _DET or p in _PREP or tags[j][:4] in ("COMP", "BOOS")):
            return "A"
        if j >= 0 and tags[j] == "_" and i + 1 < len(toks) and toks[i + 1] in ("with", "by"):
            return "A"
        return "F"
    if p in _DET:
        return "N"
    return "F"


def _is_question(toks: list[str]) -> bool:
    k = len(toks) - 1
    while k >= 0 and toks[k] in ('"', "'", ")", "”", "’", "]"):
        k -= 1
    return k >= 0 and toks[k] == "?"


def _is_advice(toks: list[str], cues: list[list]) -> bool:
    for c in cues:
        if c[0] == "advice":
            return True
    first = 0
    n = len(toks)
    while first < n and not toks[first][0].isalnum():
        first += 1
    if first >= n:
        return False
    w0 = toks[first]
    nxt = toks[first + 1] if first + 1 < n else ""
    if w0 not in _ADVICE_OPENERS or nxt in ("of", "is", "are", "was", "were", "has", "have", ",", "and", "in", ":"):
        return False
    # "Take 300 mg daily", "Always follow ...", but not "Always/Never do we ...", "Do you ...?"
    return not (w0 in ("do", "does", "did", "be", "always", "never") and nxt in ("you", "we", "they", "not"))


def _is_heading(text: str, toks: list[str]) -> bool:
    """A title-case line without final punctuation ("Scientific Evidence Linking Magnesium to Back Pain")."""
    if len(toks) > 16:
        return False
    stripped = text.rstrip()
    if not stripped or stripped[-1] in ".!?;:\"'”)":
        return False
    long_words = [w for w in text.split() if len(w) > 3 and w[0].isalpha()]
    if len(long_words) < 2:
        return False
    caps = sum(1 for w in long_words if w[0].isupper())
    return caps >= 0.75 * len(long_words)


def _compose(toks: list[str], tags: list[str], cues: list[list]) -> None:
    """Merge hedge + causal into `conditional` cues and "directly" + relation into `absolute` ones."""
    cover: dict[int, list] = {}
    for c in cues:
        for j in range(c[1], c[2]):
            cover[j] = c
    merged: list[list] = []
    drop: set[int] = set()
    for c in cues:
        kind, s, e, tag = c
        if kind != "causal" and not (kind == "absolute" and toks[s] in _CURE):
            continue
        # Walk back over adverbs, "be", "to", "help" and light verbs to a governing hedge.
        j = s - 1
        steps = 0
        while j >= 0 and steps < 4:
            t = toks[j]
            if t in _SKIP_ADVERBS or t in _BE or t in _LIGHT or (len(t) > 4 and t.endswith("ly")):
                if cover.get(j) is not None and cover[j][0] == "hedge":
                    break
                j -= 1
                steps += 1
                continue
            break
        if j < 0:
            continue
        h = cover.get(j)
        t = toks[j]
        if h is None:
            continue
        if (
            t in _MODALS
            or h[3] == "HEDGEP"
            or (t in ("likely", "unlikely") and j + 1 < s and toks[j + 1] == "to")
            or (t in _HEDGE_ADVERBS and j + 1 == s)
        ):
            start = h[1]
            if start > 0 and toks[start - 1] in _MODALS and cover.get(start - 1) is not None:
                drop.add(id(cover[start - 1]))  # "could potentially reduce"
                start -= 1
            merged.append(["conditional", start, e, "COND"])
            drop.add(id(h))
            drop.add(id(c))
        elif t == "can" and toks[j + 1] in ("help", "helps"):
            merged.append(["conditional", j, e, "COND"])
            drop.add(id(c))
            helper = cover.get(j + 1)
            if helper is not None:
                drop.add(id(helper))
    for c in cues:
        if c[0] == "absolute" and toks[c[1]] == "directly" and c[2] < len(toks):
            nxt = cover.get(c[2])
            if nxt is not None and nxt[0] in ("causal", "associative") and nxt[1] == c[2]:
                merged.append(["absolute", c[1], nxt[2], "ABS"])
                drop.add(id(c))
                drop.add(id(nxt))
    if merged:
        keep = [c for c in cues if id(c) not in drop]
        keep.extend(merged)
        keep.sort(key=lambda c: (c[1], -(c[2] - c[1])))
        out: list[list] = []
        for c in keep:
            # A cue inside a wider merged cue ("can help" inside "can help ease") is dropped.
            if out and out[-1][0] in ("conditional", "absolute") and c[1] < out[-1][2] and c[2] <= out[-1][2] and c[
                0
            ] in ("conditional", "causal", "absolute", "hedge"):
                continue
            out.append(c)
        cues[:] = out


_HEDGE_ADVERBS = frozenset(
    "probably possibly potentially likely perhaps maybe presumably plausibly putatively apparently seemingly "
    "conceivably arguably".split()
)
_LIGHT = frozenset("to have has provide provides offer offers experience give gives help helps a an some".split())
# The tokens `_compose` merges on (besides a cue tagged HEDGEP): a modal, "likely to", a hedge adverb,
# "can help", "directly". A sentence with none of them and no HEDGEP cue keeps its cues as they are.
_COMPOSERS = _MODALS | _HEDGE_ADVERBS | {"likely", "unlikely", "can", "directly"}

# --------------------------------------------------------------------------------------------------
# Model features
# --------------------------------------------------------------------------------------------------


def feature_lists(a: _Analysis) -> list:
    """The model's features for one sentence: words, cue-sequence bi/trigrams, cue kinds, flags.

    Keys are plain strings (words) and tuples (the rest), so no feature string is built at run time.
    """
    feats: list = [t for t in a.toks if t[0].isalnum()]
    tags = a.tags
    seq = ["<s>", *[t for t, prev in zip(tags, ["", *tags]) if t != "_" or prev != "_"], "</s>"]
    feats.extend(zip(seq, seq[1:]))
    feats.extend(zip(seq, seq[1:], seq[2:]))
    feats.extend({("k", c[0]) for c in a.cues})
    if a.question:
        feats.append(("q",))
    if a.advice:
        feats.append(("adv",))
    return feats


_SEP = "\x1f"


def encode_feature(f) -> str:
    """A feature key as one string (for the saved vocabulary)."""
    return f if isinstance(f, str) else _SEP + _SEP.join(f)


def decode_feature(s: str):
    return tuple(s[1:].split(_SEP)) if s.startswith(_SEP) else s


# --------------------------------------------------------------------------------------------------
# Model
# --------------------------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _model():
    from importlib import resources

    import numpy as np

    with resources.files("claimaudit").joinpath("data", MODEL_FILE).open("rb") as fh:
        z = np.load(fh, allow_pickle=False)
        vocab = str(z["vocab"]).split("\n")
        coef = z["coef"].astype(np.float32)  # (n_features, n_classes)
        intercept = z["intercept"].astype(np.float32)
        classes = z["classes"].astype(np.int64)
    index = {decode_feature(f): i for i, f in enumerate(vocab)}
    return index, coef, intercept, classes


_SMALL_BATCH = 5


def _model_levels(analyses: Sequence[_Analysis]):
    """The model's class for each sentence: binary features, L2-normalised, times the coefficients.

    The features are those of `feature_lists`, looked up without building them: words by a dict, the
    cue-sequence bigrams and trigrams as tag-id pairs and triples looked up in dense tables
    (`_feature_tables`) in one numpy pass for the whole batch. Each sentence's distinct feature ids are
    summed in ascending order, as `_model_levels_by_lists` does, so the scores are the same floats. Below
    `_SMALL_BATCH` sentences numpy's fixed cost per call outweighs the gain: those go by the lists.
    """
    import numpy as np

    if len(analyses) < _SMALL_BATCH:
        return _model_levels_by_lists(analyses)
    _, coef, intercept, classes = _model()
    words, kinds, flags, tag_ids, width, big_ids, tri_slot, tri_ids = _feature_tables()
    tag = tag_ids.__getitem__
    word = words.__getitem__
    kind = kinds.get
    under = tag_ids["_"]
    seq: list[int] = []  # <s>, tag ids, </s> of every sentence in turn
    lengths: list[int] = []
    rows: list[int] = []  # (row, feature id) of the cue-kind and flag features
    found: list[int] = []
    start, stop = tag_ids["<s>"], tag_ids["</s>"]
    said: list[int] = []  # the word feature ids of each sentence's distinct words, sentence by sentence
    n_said: list[int] = []
    vocab_words = words.keys()
    for r, a in enumerate(analyses):
        seq.append(start)
        seq.extend(map(tag, a.tags))
        seq.append(stop)
        lengths.append(len(a.tags) + 2)
        # The sentence's words that are features, as a set (one C loop); the same word keys as one id per
        # token, since each (row, feature) key is kept once below.
        present = vocab_words & a.toks
        said.extend(map(word, present))
        n_said.append(len(present))
        for c in a.cues:
            i = kind(c[0])
            if i is not None:
                rows.append(r)
                found.append(i)
        if a.question and flags[0] is not None:
            rows.append(r)
            found.append(flags[0])
        if a.advice and flags[1] is not None:
            rows.append(r)
            found.append(flags[1])
    n_rows = len(analyses)
    scores = np.zeros((n_rows, coef.shape[1]), dtype=np.float32)
    if n_rows:
        tags = np.fromiter(seq, np.int64, len(seq))  # (fromiter: about 1.7x faster than asarray on a list)
        rows_n = np.arange(n_rows, dtype=np.int64)
        row = np.repeat(rows_n, lengths)
        n_feat = coef.shape[0]
        word_keys = np.repeat(rows_n * n_feat, n_said) + np.fromiter(said, np.int64, len(said))
        keep = np.ones(len(tags), dtype=bool)
        keep[1:] = (tags[1:] != under) | (tags[:-1] != under)  # a run of other words is one slot
        tags, row = tags[keep], row[keep]
        same2 = row[:-1] == row[1:]
        big = tags[:-1] * width + tags[1:]
        same3 = same2[:-1] & same2[1:]
        # Bigram (a, b): its feature id at a * width + b of a dense table (-1: not a feature). Trigram
        # (a, b, c): the slot of its first two tags, then c in that slot's row. (These replace a
        # `searchsorted` of every n-gram's code in the vocabulary's sorted codes: same ids.)
        bid = big_ids[big[same2]]
        slot = tri_slot[big[:-1][same3]]
        has = slot >= 0
        tid = tri_ids[slot[has] * width + tags[2:][same3][has]]
        bhit, thit = bid >= 0, tid >= 0
        keys = np.concatenate((np.asarray(rows, dtype=np.int64) * n_feat + np.asarray(found, dtype=np.int64),
                               word_keys,
                               row[:-1][same2][bhit] * n_feat + bid[bhit],
                               row[:-2][same3][has][thit] * n_feat + tid[thit]))
        if len(keys):
            keys.sort()  # by row, then feature id; then each feature once
            keys = keys[np.concatenate(([True], keys[1:] != keys[:-1]))]
            key_rows = keys // n_feat
            n = np.bincount(key_rows, minlength=n_rows)
            starts = np.concatenate(([0], np.cumsum(n)[:-1]))
            nz = n > 0
            sums = np.add.reduceat(coef[keys % n_feat], starts[nz], axis=0)
            scores[nz] = sums / np.sqrt(n[nz]).astype(np.float32)[:, None]
    scores += intercept
    return classes[np.argmax(scores, axis=1)]


class _TagIds(dict):
    """Tag -> id (1, 2, ...); a tag the vocabulary never uses is 0, which no vocabulary code contains."""

    def __missing__(self, key: str) -> int:
        return 0


@lru_cache(maxsize=1)
def _feature_tables():
    """The vocabulary split for `_model_levels`: words, cue kinds, flags, and n-grams as lookup tables.

    Over tag ids 1 .. width - 1 (0: a tag the vocabulary never uses), bigram (a, b) has its feature id at
    ``big_ids[a * width + b]``; a trigram (a, b, c) at ``tri_ids[tri_slot[a * width + b] * width + c]``
    (one slot per pair that starts a trigram feature: about a thousand). -1 where there is no feature.
    """
    import numpy as np

    index = _model()[0]
    words = {f: i for f, i in index.items() if isinstance(f, str) and f[:1].isalnum()}
    kinds = {f[1]: i for f, i in index.items() if isinstance(f, tuple) and len(f) == 2 and f[0] == "k"}
    flags = (index.get(("q",)), index.get(("adv",)))
    tag_ids = _TagIds()
    for f in index:
        if isinstance(f, tuple) and len(f) in (2, 3):
            for t in f:
                tag_ids.setdefault(t, len(tag_ids) + 1)
    for t in ("<s>", "</s>", "_"):
        tag_ids.setdefault(t, len(tag_ids) + 1)
    width = len(tag_ids) + 1
    big_ids = np.full(width * width, -1, dtype=np.int64)  # a * width + b -> bigram feature id
    tri_slot = np.full(width * width, -1, dtype=np.int64)  # a * width + b -> slot of the trigrams (a, b, .)
    tri = []
    n_slots = 0
    for f, i in index.items():
        if isinstance(f, tuple) and len(f) == 2:
            big_ids[tag_ids[f[0]] * width + tag_ids[f[1]]] = i
        elif isinstance(f, tuple) and len(f) == 3:
            ab = tag_ids[f[0]] * width + tag_ids[f[1]]
            if tri_slot[ab] < 0:
                tri_slot[ab] = n_slots
                n_slots += 1
            tri.append((int(tri_slot[ab]) * width + tag_ids[f[2]], i))
    tri_ids = np.full(n_slots * width, -1, dtype=np.int64)  # slot * width + c -> trigram feature id
    for at, i in tri:
        tri_ids[at] = i
    return words, kinds, flags, tag_ids, width, big_ids, tri_slot, tri_ids


def _model_levels_by_lists(analyses: Sequence[_Analysis]):
    """`_model_levels` from the feature lists themselves (the reference the fast path is tested against)."""
    import numpy as np

    index, coef, intercept, classes = _model()
    get = index.get
    ids: list[int] = []
    counts: list[int] = []
    for a in analyses:
        row = set(map(get, feature_lists(a)))
        row.discard(None)
        ids.extend(sorted(row))
        counts.append(len(row))
    n = np.asarray(counts, dtype=np.int64)
    scores = np.zeros((len(analyses), coef.shape[1]), dtype=np.float32)
    if ids:
        starts = np.concatenate(([0], np.cumsum(n)[:-1]))
        nz = n > 0
        sums = np.add.reduceat(coef[np.asarray(ids, dtype=np.int64)], starts[nz], axis=0)
        scores[nz] = sums / np.sqrt(n[nz]).astype(np.float32)[:, None]
    scores += intercept
    return classes[np.argmax(scores, axis=1)]


# --------------------------------------------------------------------------------------------------
# Rules and the reading
# --------------------------------------------------------------------------------------------------


# Quantity words that make a negated verb a shortfall ("do not get enough", "is not producing
# sufficient energy"): what a deficiency does, not a denial of the relation.
_SHORTFALL = frozenset(("enough", "sufficient", "adequate", "adequately", "sufficiently"))


def _negated(a: _Analysis, main: list | None) -> bool:
    """Whether a negation scopes over the main relation cue (same clause, a few tokens before it)."""
    if main is None:
        return False
    toks = a.toks
    for c in a.cues:
        if c[0] != "negation" or c[1] >= main[1]:
            continue
        s, e = c[1], c[2]
        if toks[s] == "not" and e < len(toks) and toks[e] in ("only", "just"):
            continue
        phrase = " ".join(toks[s:e])
        wide = phrase in ("no evidence", "little evidence", "insufficient evidence", "lack of evidence") or (
            toks[s] in ("no", "not", "none") and "evidence" in toks[e : e + 2]
        )
        limit = 14 if wide else 6
        if main[1] - e > limit:
            continue
        if not wide and main[2] < len(toks) and toks[main[2]] in _SHORTFALL:
            continue  # "is not producing enough energy" states a shortfall, not a denial
        gap = toks[e : main[1]]
        breaks = (";",) if wide else _CLAUSE_BREAK
        if any(t in breaks for t in gap):
            continue
        # "not" negating an absolute or hedge in between ("not always", "not proven") still negates the relation.
        return True
    # Postposed negation of a copula relation: "X is linked to Y? No." is rare; "X and Y were not associated"
    # is covered above because "not" precedes the cue.
    return False


def _main_relation(a: _Analysis, level: int) -> list | None:
    rel = [c for c in a.cues if c[0] in _RELATION_KINDS and not (c[0] == "absolute" and c[3] == "ABS"
                                                                   and a.toks[c[1]] not in _CURE and c[2] - c[1] == 1)]
    if not rel:
        return None
    want = {1: ("associative",), 2: ("conditional", "causal"), 3: ("causal", "absolute"),
            4: ("causal", "absolute", "conditional")}.get(level, ())
    finite = [c for c in rel if c[0] in want and c[3][-1:] not in ("P", "G", "A", "N", "S")]
    if finite:
        return finite[0]
    same = [c for c in rel if c[0] in want]
    return (same or rel)[0]


def _is_cure(toks: list[str], c: list) -> bool:
    """A "cure" cue that claims curing ("cures", "a cure for", "is cured"), not "cured meats"."""
    w = toks[c[1]]
    if c[3] == "ABSP":
        return "cure" in toks[c[1] : c[2]]
    if w not in _CURE:
        return False
    if w == "cured":
        return c[1] > 0 and (toks[c[1] - 1] in _BE or toks[c[1] - 1] in _HAVE)
    return True


def _decide(a: _Analysis, model_level: int, lift: bool = True) -> tuple[int, bool]:
    """Final level and negation. ``lift``: raise a "no relation" reading on explicit causal or associative
    wording (needed by the lexical model; the encoder reads those itself, and lifting it is net harmful
    on the Yu sentences: 15 fixes against 33 breaks out of fold)."""
    toks = a.toks
    if a.question or a.advice or a.heading or not toks:
        return 0, False
    level = int(model_level)
    if not a.cues:
        return level, False  # no cue to cap, lift, negate or make absolute (about a fifth of news sentences)
    # Each rule below reads only cues of some kinds: it is skipped when there are none (the same result as
    # running it; tests/test_strength_fast.py compares this with the rules run in full).
    cues = a.cues
    kinds = {c[0] for c in cues}
    need = "need" in kinds
    absolute = "absolute" in kinds
    if "conditional" in kinds:
        # An explicit hedge bound to the causal word caps a direct reading at "conditional".
        if level == 3 and not any(c[0] == "causal" and c[3][-1:] in ("F", "V", "R", "C") for c in cues):
            level = 2
        if level in (0, 3) and any(c[0] == "conditional" and toks[c[1]] == "can" for c in cues):
            level = 2  # "can help"
    # A plainly asserted causal verb that the model read as "no relation" (typical of press-release and
    # web prose the model rarely saw) is a direct causal claim, unless a need/advice frame surrounds it.
    if lift and level == 0 and not need and "causal" in kinds and any(
            c[0] == "causal" and c[3] == "CAUSF" for c in cues):
        level = 3
    # Likewise explicit associative wording ("is linked to", "associated with", "a link between") -> 1.
    if lift and level == 0 and not need and "associative" in kinds and any(
        c[0] == "associative" and (c[3] in ("ASSOCP", "ASSOCF", "ASSOCV") or toks[c[1]] in _STRONG_ASSOC)
        for c in cues
    ):
        level = 1
    # "cures", "a cure for", "100% effective", "works every time" state the relation themselves.
    if absolute and level < 3 and any(
        c[0] == "absolute" and (_is_cure(toks, c) or (c[3] == "ABSP" and toks[c[2] - 1] not in _DOUBT_ENDS))
        for c in cues
    ):
        level = 3
    main = _main_relation(a, level) if level and not _RELATION_KINDS.isdisjoint(kinds) else None
    negated = _negated(a, main) if main is not None else False
    if not negated and absolute:
        if any(toks[c[2] - 1] == "yes" for c in cues if c[0] == "absolute" and c[2] - c[1] == 2):
            return 4, False  # an emphatic yes (_ABSOLUTE_PHRASES): certain whatever else the sentence reads
        if level >= 1:
            for c in cues:
                if c[0] != "absolute":
                    continue
                w = toks[c[1]]
                prev = toks[c[1] - 1] if c[1] > 0 else ""
                if prev in ("not", "never", "no", "without") or prev.endswith(("n't", "n’t")):
                    continue
                if w in _CERTAINTY or c[3] == "ABSP" or _is_cure(toks, c):
                    if w == "directly" and c[2] - c[1] == 1:
                        continue  # "applied directly to the skin": not about the relation
                    return 4, False
    return level, negated


# Cues that only matter when they carry the sentence's relation: comparisons and generic nouns are
# reported as associative when the level is 1, generic causal nouns when the level is 2 or more.
_WEAK_ASSOC = frozenset("""
similar comparable differ differed differs difference differences independent independently relative
concomitant inversely positively negatively likelihood odds hazard prevalence prevalent incidence
marker markers indicator indicators biomarker biomarkers prognostic predictive prediction related
""".split())
_WEAK_CAUSAL = frozenset("""
treatment outcome role mechanism mechanisms effect effects impact impacts consequence consequences
therapeutic outcome determinant determinants driver drivers
""".split())
_STRONG_ASSOC = frozenset(
    "association associations correlation correlations link linkage connection connections relationship "
    "relationships".split()
)
_CONDITION_WORDS = frozenset(("if", "unless"))
_CONDITION_AFTER = frozenset((",", ";", ":", "and", "or", "but", "even", "only", "so", "that", "—", "-", "(", '"'))


def _public_kind(c: list, toks: list[str], level: int) -> str | None:
    """The kind under which a cue is reported, or None when it is not reported."""
    kind = c[0]
    if kind not in _PUBLIC_KINDS:
        return None
    if c[2] - c[1] == 1:
        w = toks[c[1]]
        if kind == "associative" and (c[3] in ("COMP", "THAN") or w in _WEAK_ASSOC):
            return kind if level == 1 else None
        if kind == "causal" and w in _WEAK_CAUSAL:
            return kind if level >= 2 else None
        if kind == "absolute" and w == "directly":
            return "booster"  # "applied directly to the skin": not about the relation
    return kind


def _reading(a: _Analysis, model_level: int, lift: bool = True) -> StrengthReading:
    level, negated = _decide(a, model_level, lift)
    toks = a.toks
    text = a.text
    cues = []
    public = [(kind, c) for c in a.cues if (kind := _public_kind(c, toks, level)) is not None]
    if public:
        spans = a.spans_to(max(c[2] for _, c in public) - 1)  # (the offsets up to the last one, once)
        for kind, c in public:
            start, end = spans[c[1]][0], spans[c[2] - 1][1]
            cues.append(Cue(kind, text[start:end], start, end))
    if not _CONDITION_WORDS.isdisjoint(toks):
        for i, t in enumerate(toks):
            # A condition clause ("if you take it daily, ...", "..., unless ...") makes the claim conditional.
            if t in _CONDITION_WORDS and (i == 0 or toks[i - 1] in _CONDITION_AFTER or not toks[i - 1][0].isalnum()):
                spans = a.spans_to(i)
                cues.append(Cue("conditional", text[spans[i][0] : spans[i][1]], spans[i][0], spans[i][1]))
    if a.question:
        spans = a.spans
        k = len(toks) - 1
        while toks[k] != "?":
            k -= 1
        cues.append(Cue("question", "?", spans[k][0], spans[k][1]))
    if len(cues) > 1:
        cues.sort(key=lambda c: c.start)
    return StrengthReading(level=level, negated=negated, cues=tuple(cues))


def levels_with_rules(texts: Sequence[str], model_levels: Sequence[int], reader: str = "lexical") -> list[int]:
    """Final levels for given model levels of ``reader`` (used to cross-validate the whole reader)."""
    lift = reader == "lexical"
    return [_decide(analyse(t), lv, lift)[0] for t, lv in zip(texts, model_levels)]


def _encoder_levels(analyses: Sequence[_Analysis]):
    """The fine-tuned encoder's class for each sentence (`claimaudit.encoder`)."""
    from .encoder import ENCODER_FILE, load_encoder

    enc = load_encoder()
    if enc is None:
        raise RuntimeError(f"the strength encoder (data/{ENCODER_FILE}) is not installed")
    return enc.probs([a.text for a in analyses]).argmax(1)


def preload() -> None:
    """Load the lexical level model and its lookup tables now, as the first reading would.

    Every audit reads strength with it (`claims.read_claims`). A process about to fork workers
    (`batch`) calls this first, so the workers share one copy instead of each loading its own
    (about 0.08 s of CPU a worker).
    """
    _model()
    _feature_tables()


def read_many(texts: Sequence[str], reader: str = DEFAULT_READER) -> list[StrengthReading]:
    """Read many sentences at once: the same results as `read_strength`, one model pass per batch.

    ``reader`` picks the level model under the rules: "encoder" (the fine-tuned MiniLM, more accurate,
    a few hundredths of a second a sentence) or "lexical" (the cue-sequence regression, ~400x faster).
    Repeated sentences (page furniture, list items) are read once.
    """
    if reader not in READERS:
        raise ValueError(f"unknown strength reader {reader!r}; expected one of {', '.join(READERS)}")
    slot: dict[str, int] = {}
    order = [slot.setdefault(t, len(slot)) for t in texts]
    if not order:
        return []
    analyses = [analyse(t) for t in slot]
    lift = reader == "lexical"
    levels = _encoder_levels(analyses) if reader == "encoder" else _model_levels(analyses)
    readings = [_reading(a, lv, lift) for a, lv in zip(analyses, levels)]
    return [readings[i] for i in order]


def read_strength(text: str, reader: str = DEFAULT_READER) -> StrengthReading:
    """Read the strength one sentence asserts, whether its main relation is negated, and its cues."""
    return read_many([text], reader)[0]


# --------------------------------------------------------------------------------------------------
# Asserted strength: the audit's one reading of a claim's wording
# --------------------------------------------------------------------------------------------------
#
# The reader above labels research prose on the Yu et al. scale (0 = no relation stated). The audit
# needs what a sentence of consumer prose asserts on the design scale, so `assert_many` /
# `assert_strength` put the reader's reading through the rules below, once: their output (level,
# negation, cues) is the claim's strength everywhere (verdict rules, reasons, the evidence line,
# CSV, JSON, SARIF, HTML). Nothing else re-reads a claim's wording.

# "can help", "may help": helping is a conditional claim on the design scale (2),
# even where a benchmark labels "can reduce" as direct causal.
_SOFT_HELP = re.compile(
    r"\b(can|could|may|might)\s+(also\s+|potentially\s+|indirectly\s+|often\s+|even\s+)?"
    r"(help|aid|support|contribute|play\s+a\s+(supportive\s+|helpful\s+)?(role|part))\b",
    re.IGNORECASE,
)
# A negation of the main relation. "not only", "not enough", "without enough"
# and negations inside if/when clauses do not deny the claim. A denial need not say "not": an
# adjective ("ineffective", "useless"), a benefit said to be next to nothing ("little effect",
# "negligible benefit", "did little to"; "minimal side effects" is not one), an adverb ("hardly",
# "barely") or calling the claim a myth denies it. "Rarely" does not: it states how often.
_NEGATION = re.compile(
    r"\b(not|no|never|cannot|can't|doesn't|don't|isn't|aren't|won't|didn't|wasn't|weren't|"
    r"hasn't|haven't|neither|nor|fails?\s+to|failed\s+to|unlikely\s+to|"
    r"ineffective|ineffectual|useless|unhelpful|worthless|futile|hardly|barely|scarcely|"
    r"myths?|misconceptions?|debunked|"
    r"(?:little|minimal|negligible|limited|scant|marginal)\s+(?:(?!side\b|adverse\b|unwanted\b)[a-z]+\s+)?"
    r"(?:benefits?|effects?|impacts?|improvements?|value|use)|(?:did|does|do)\s+little\s+to)\b(?!\s+(only|just|"
    r"merely|enough|sufficient|always|all|necessarily|longer|more\s+than|less\s+than|uncommon|"
    r"rare|surprising|wonder|doubt))",
    re.IGNORECASE,
)
_CONDITIONAL_OPENING = re.compile(r"^\W*(if|when|whether|unless|without)\b[^,]*,", re.IGNORECASE)
# Every match of _CONDITIONAL_OPENING has its word as a whole run of letters (after non-word characters,
# before a word boundary): most claims are not searched.
_CONDITIONAL_OPENING_C = Caseless(_CONDITIONAL_OPENING, "if when whether unless without".split())


class _Led(Caseless):
    """A `Caseless` pattern every match of which starts with one of ``leads`` (lower-case literal text).

    Its search of lower-cased text (`_search_folded`) tries the pattern only where a lead starts, in
    order, and returns the first match: the same match as ``lower.search(folded)``, which can only
    start there. It replaces that search because a pattern opening with ``\\b`` or a look-behind gets
    no fast scan from `re` (its first step is run at every character); the leads, a literal
    alternation, do (1.3-4x less time on news prose). ``\\b`` and look-behinds at the start still see
    the characters before it (`re` matches from a position without slicing).
    tests/test_strength_fast.py checks it against `pattern.search`.
    """

    __slots__ = ("_lead",)

    def __init__(self, pattern: re.Pattern[str], needs, leads: str) -> None:  # noqa: ANN001
        super().__init__(pattern, needs)
        self._lead = re.compile(word_alternation(sorted(set(leads.split()))))

    def _search_folded(self, folded: str) -> re.Match[str] | None:
        lead = self._lead.search
        match = self.lower.match
        m = lead(folded)
        while m is not None:
            at = m.start()
            hit = match(folded, at)
            if hit is not None:
                return hit
            m = lead(folded, at + 1)
        return None


# Every match of _NEGATION has one of these words as a whole run of letters ("can't": "can"), and starts
# with one of the leads (the second list).
_NEGATION_C = _Led(_NEGATION, (
    "not no never cannot can doesn don isn aren won didn wasn weren hasn haven neither nor fail fails "
    "failed unlikely ineffective ineffectual useless unhelpful worthless futile little minimal negligible "
    "limited scant marginal hardly barely scarcely myth myths misconception misconceptions debunked").split(),
    "no never neither can doesn don isn aren won didn wasn weren hasn haven fail unlikely ineffective "
    "ineffectual useless unhelpful worthless futile little minimal negligible limited scant marginal do did "
    "hardly barely scarcely myth misconception debunked")


def asserted_negation(text: str, reading: StrengthReading) -> bool:
    """Return whether a claim denies its main relation."""
    if reading.negated:
        return True
    folded = fold(text)
    # anchored (`search` is `match`): the one match `sub` could remove
    opening = _CONDITIONAL_OPENING_C.search(text, folded, letter_runs(folded))
    body = text
    if opening:
        body = text[opening.end():]
        folded = fold(body)
    if _NEGATION_C.search(body, folded, letter_runs(folded)) is None:
        return False
    for m in _NEGATION_C.finditer(body, folded):
        after = body[m.end():m.end() + 40].lower().split()[:4]
        if any(w.strip(".,;") in _SHORTFALL for w in after):
            continue  # "do not get enough" states a shortfall, not a denial
        return True
    return False


# Evaluative wording that claims more than an effect: "highly effective", "a
# significant role", "the best", "a resounding yes". It raises the asserted strength
# one level (importance words such as "essential" or "vital" do not: physiology
# is routinely and fairly described that way).
_STRONG_EVALUATION = re.compile(
    r"\b((highly|very|extremely|remarkably|incredibly|quite|most|truly)\s+effective|"
    r"(significant|pivotal|major|powerful)\s+(role|part|impact|effect|benefits?)|far-reaching|"
    r"the\s+best\s+(thing|remedy|treatment|solution|cure)|resounding|key\s+factor|"
    r"fundamental\s+for|miracle|game[- ]changer)\b",
    re.IGNORECASE,
)
# A modal inside a relative clause ("..., which can lead to X") speaks of the
# clause's subject, not of the claim's: these patterns skip it.
_NOT_IN_RELATIVE_CLAUSE = r"(?<!which )(?<!that )(?<!who )"
_POSSIBILITY_MODAL = re.compile(
    _NOT_IN_RELATIVE_CLAUSE + r"\b(could|may|might)\s+(also\s+|indirectly\s+|potentially\s+|"
    r"even\s+)?(?!be\b|have\b|not\b)[a-z]+",
    re.IGNORECASE,
)
# "A doctor can perform blood tests": "can" with a verb of doing, not of causing,
# states a possibility (2), not an effect.
_CAN_NONCAUSAL = re.compile(
    r"\bcan\s+(also\s+)?(perform|measure|check|test|detect|order|use|find|buy|get|take|choose|"
    r"be\s+(used|measured|found|taken|bought|tested|checked|detected|ordered))\b",
    re.IGNORECASE,
)
_MODAL_CAUSAL = re.compile(
    _NOT_IN_RELATIVE_CLAUSE + r"\b(can|could|may|might)\s+(also\s+|indirectly\s+|directly\s+|potentially\s+|even\s+)?"
    r"(cause|lead|result|trigger|worsen|increase|reduce|relieve|alleviate|ease|improve|prevent|"
    r"contribute|raise|lower|exacerbate|intensify|heighten|help|aid|offer|provide|play|promote)",
    re.IGNORECASE,
)


_REPORTED_FINDING = re.compile(
    r"\b(found|find|finds|showed|shown|shows|demonstrated|demonstrates|revealed|reveals|"
    r"confirmed|confirms)\b(?!\s+(no|little|mixed|inconsistent|conflicting)\b)",
    re.IGNORECASE,
)
# A finding attributed to one study (or to the team that ran it): "a 2013 study showed ...", "in a
# small trial, ...", "the researchers found ...". Such a sentence asserts what that study found,
# not that the effect holds in general ("studies show", "research has shown" are not this).
_ONE_STUDY = re.compile(
    r"\b(?:(?:a|an|one|another|this|that|the|their|its|our)\s+(?:[\w(),.-]+\s+){0,5}?"
    r"(?:study|trial|experiment|survey|paper|analysis|meta-analysis|review)"
    r"|researchers|scientists|investigators|authors"
    # the language of a trial's arms: what one study's participants did and reported
    r"|placebo|participants|(?:patients|people|subjects|women|men|adults|children)\s+who\s+"
    r"(?:received|took|were\s+given|were\s+treated|were\s+randomi[sz]ed)"
    r"|(?:control|placebo|treatment|intervention)\s+(?:group|arm))\b",
    re.IGNORECASE,
)
_ATTRIBUTION = re.compile(
    r"\b(?:found|finds|showed|shown|shows|demonstrated|demonstrates|revealed|reveals|reported|reports|"
    r"observed|suggests|suggested|concluded|concludes|indicated|indicates|noted|saw)\b"
    r"|\b(?:in|from)\s+(?:a|an|one|another|this|that|the)\s+(?:[\w(),.-]+\s+){0,5}?(?:study|trial|experiment)\b",
    re.IGNORECASE,
)
_RECOMMENDED = re.compile(
    r"\b(is|are|'s)\s+(also\s+|often\s+|usually\s+|commonly\s+|frequently\s+|widely\s+)?"
    r"(recommended|prescribed|advised|suggested)\b",
    re.IGNORECASE,
)


# What people do with a remedy ("many individuals consider the role of magnesium", "some patients use
# magnesium creams"): a statement of practice, not of what the remedy does.
_USAGE = re.compile(
    r"\b(many|some|most|more\s+and\s+more|numerous|millions\s+of|countless)\s+"
    r"(people|individuals|patients|adults|athletes|women|men|users|consumers|americans|sufferers)\s+"
    r"(are\s+|have\s+)?(now\s+|also\s+|often\s+|increasingly\s+)?"
    r"(turn(s|ing|ed)?\s+to|consider(s|ing|ed)?|use[sd]?|using|take[sn]?|taking|took|tr(y|ies|ying|ied)|"
    r"choos(e|es|ing)|chose|seek(s|ing)?|sought|look(s|ing|ed)?\s+to|rel(y|ies|ying|ied)\s+on|swear\s+by)\b",
    re.IGNORECASE,
)


_AUDIT_MODALS = frozenset(("can", "could", "may", "might"))
# Each pattern with the words one of which every match of it contains as a whole
# run of letters (the modal, the participle, the evaluative word): a claim with
# none of them is not searched. tests/test_regexes.py checks the pairs.
# The patterns that open with one of a few words get `_Led`, with those words (or their first letters) as
# leads; the others (one study, attribution) open with words such as "a" or "in" that occur everywhere.
_WORDING_PATTERNS = tuple(Caseless(p, needs) if leads is None else _Led(p, needs, leads) for p, needs, leads in (
    (_SOFT_HELP, _AUDIT_MODALS, "can could may might"),
    (_POSSIBILITY_MODAL, _AUDIT_MODALS - {"can"}, "could may might"),
    (_CAN_NONCAUSAL, ("can",), "can"),
    (_RECOMMENDED, ("recommended", "prescribed", "advised", "suggested"), None),
    (_MODAL_CAUSAL, _AUDIT_MODALS, "can could may might"),
    (_REPORTED_FINDING, "found find finds showed shown shows demonstrated demonstrates revealed "
                        "reveals confirmed confirms".split(), "found find show demonstrat reveal confirm"),
    (_STRONG_EVALUATION, "effective role part impact effect benefit benefits far best resounding "
                         "factor fundamental miracle game".split(), None),  # (leads "the", "most": no faster)
    (_ONE_STUDY, "study trial experiment survey paper analysis review researchers scientists "
                 "investigators authors placebo participants who group arm".split(), None),
    (_ATTRIBUTION, "found finds showed shown shows demonstrated demonstrates revealed reveals reported "
                   "reports observed suggests suggested concluded concludes indicated indicates noted saw "
                   "study trial experiment".split(), None),
    (_USAGE, "many some most more numerous millions countless".split(), None),
))


class _Wording:
    """The audit's wording patterns in one claim (a match, or None where absent), each searched once.

    The five that `_audit_cues` always reads are searched at once; the other five (one study,
    attribution, a reported finding, "can" + a verb of doing, what people do with a remedy) decide
    `asserted_level` only on some levels and are searched when first read. Iterating gives all ten in
    `_WORDING_PATTERNS` order.
    """

    __slots__ = ("soft_help", "possibility", "recommended", "modal_causal", "strong", "_text", "_folded", "_runs",
                 "_more")
    _FIELDS = ("soft_help", "possibility", "can_noncausal", "recommended", "modal_causal", "reported", "strong",
               "one_study", "attribution", "usage")

    def __init__(self, text: str) -> None:
        folded = fold(text)
        runs = letter_runs(folded)
        p = _WORDING_PATTERNS
        self._text = text
        self._folded = folded
        self._runs = runs
        self._more: dict[int, re.Match[str] | None] = {}
        if runs is not None and _EAGER_NEEDS.isdisjoint(runs):
            # None of the five patterns' words: each search would return None at its own check.
            self.soft_help = self.possibility = self.recommended = self.modal_causal = self.strong = None
            return
        self.soft_help = p[0].search(text, folded, runs)
        self.possibility = p[1].search(text, folded, runs)
        self.recommended = p[3].search(text, folded, runs)
        self.modal_causal = p[4].search(text, folded, runs)
        self.strong = p[6].search(text, folded, runs)

    def _get(self, i: int) -> re.Match[str] | None:
        more = self._more
        if i not in more:
            more[i] = _WORDING_PATTERNS[i].search(self._text, self._folded, self._runs)
        return more[i]

    can_noncausal = property(lambda self: self._get(2))
    reported = property(lambda self: self._get(5))
    one_study = property(lambda self: self._get(7))
    attribution = property(lambda self: self._get(8))
    usage = property(lambda self: self._get(9))

    def __iter__(self):
        return (getattr(self, name) for name in self._FIELDS)


# The words of the five patterns `_Wording` searches at once (see `_WORDING_PATTERNS`).
_EAGER_NEEDS = frozenset().union(*(_WORDING_PATTERNS[i].needs for i in (0, 1, 3, 4, 6)))


@lru_cache(maxsize=64)  # asserted_level and _audit_cues read the same claim in turn
def _wording(text: str) -> _Wording:
    # Apostrophes read straight ("it’s recommended" as "it's recommended"); offsets are unchanged.
    return _Wording(text.replace("’", "'"))


_HEDGED = frozenset(("hedge", "modal", "conditional"))


def asserted_level(reading: StrengthReading, text: str = "") -> int:
    """Return the strength a claim asserts on the design scale (0-4).

    Starts from the reader's level and applies the audit's reading of consumer prose:
    - a statement with no relationship cue is a flat assertion of fact (3), unless a
      hedge softens it (1) or an absolute cue hardens it (4);
    - "can help" and its kin are conditional (2), and so is any modal + causal verb
      that the reader read as merely associative ("can cause pain associated with");
    - a reported finding stated without hedge ("a study found that patients improved")
      is direct (3);
    - a finding attributed to one study ("a 2013 study showed that ...", "in a small trial ...",
      "the researchers found ...") asserts what that study found, not a general effect: at most
      conditional (2) unless worded as a certainty ("proved", "cures");
    - strong evaluation ("highly effective", "a significant role") adds one level;
    - what people do with a remedy, with no relation of its own ("many individuals consider the role
      of magnesium", "some patients use magnesium creams"), describes practice: 1, as "is recommended".
    """
    kinds = {c.kind for c in reading.cues}
    level = reading.level
    hedged = not _HEDGED.isdisjoint(kinds)
    if level == 0:
        if "absolute" in kinds:
            level = 4
        elif "hedge" in kinds or "associative" in kinds:
            level = 1
        elif "conditional" in kinds:
            level = 2
        else:
            level = 3
    if text:
        w = _wording(text)
        if level == 3 and "absolute" not in kinds and (
                w.soft_help or w.possibility or w.can_noncausal):
            level = 2
        if w.recommended:
            level = min(level, 1)  # describes practice, not an effect
        elif level == 3 and kinds.isdisjoint(("causal", "conditional", "absolute")) and w.usage:
            level = 1  # what people do with it ("many people turn to magnesium"), not what it does
        if w.modal_causal and level < 2:
            # A causal verb the reader took as associative ("can cause pain associated
            # with ..."): "can" asserts the effect (3, as in Yu et al.), other modals
            # make it conditional (2); "can help" stays conditional.
            strong = w.modal_causal.group(1).lower() == "can" and not w.soft_help
            level = 3 if strong else 2
        if level < 3 and not hedged and "causal" in kinds and (
                "report" in kinds or w.reported):
            level = 3
        if level == 3 and "absolute" not in kinds and w.one_study and w.attribution:
            level = 2
        if level < 4 and w.strong:
            level += 1
    return level


def _audit_cues(text: str, cues: Sequence[Cue]) -> tuple[Cue, ...]:
    """Return the cues the audit's own wording rules used, so a reason can name them."""
    w = _wording(text)
    if not (w.strong or w.soft_help or w.possibility or w.modal_causal or w.recommended):
        return ()  # what the loop below returns when no rule matched (most claims)
    have = [(c.start, c.end) for c in cues]
    out = []
    for kind, m in (("booster", w.strong), ("conditional", w.soft_help),
                    ("conditional", w.possibility), ("causal", w.modal_causal),
                    ("hedge", w.recommended)):
        # Skip a phrase the reader's cues already cover (or one found by an earlier rule).
        if m and not any(s <= m.start() and m.end() <= e or (m.start() < e and s < m.end()
                                                             and (s, e) in have[len(cues):])
                         for s, e in have):
            have.append((m.start(), m.end()))
            out.append(Cue(kind, text[m.start():m.end()], m.start(), m.end()))
    return tuple(sorted(out, key=lambda c: c.start))


def assertion(text: str, reading: StrengthReading) -> StrengthReading:
    """Return what ``text`` asserts on the design scale, from the reader's ``reading`` of it.

    The level is `asserted_level`, negation `asserted_negation`, and the cues are the reader's
    followed by those the consumer-prose rules used (so a reason can name them).
    """
    return StrengthReading(level=asserted_level(reading, text), negated=asserted_negation(text, reading),
                           cues=tuple(reading.cues) + _audit_cues(text, reading.cues))


def assert_many(texts: Sequence[str], reader: str = DEFAULT_READER) -> list[StrengthReading]:
    """Read what each text asserts (design scale 0-4, negation, cues): one reader batch, then the rules."""
    return [assertion(t, r) for t, r in zip(texts, read_many(texts, reader))]


@lru_cache(maxsize=4096)
def assert_strength(text: str, reader: str = DEFAULT_READER) -> StrengthReading:
    """Read what one text (a claim, one of its clauses, a reference text) asserts; see `assert_many`."""
    return assertion(text, read_strength(text, reader))


def cue_words(cues: Sequence[Cue], kinds: Sequence[str] | None = None) -> list[str]:
    """Return the cue texts, optionally only of some kinds, in order and without repeats."""
    seen: list[str] = []
    for c in cues:
        if (kinds is None or c.kind in kinds) and c.text.lower() not in seen:
            seen.append(c.text.lower())
    return seen
