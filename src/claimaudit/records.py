"""The small immutable records that the pipeline stages pass to each other.

Stages: ingest -> segment -> claims -> match -> verdict -> report. Each stage
takes and returns these frozen dataclasses; none of them touches a file.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum

SCHEMA = "claimaudit/report@1"


class Verdict(str, Enum):
    """What the evidence says about a claim's wording."""

    SUPPORTED = "supported"
    OVERSTATED = "overstated"
    CONTRADICTED = "contradicted"
    UNVERIFIED = "unverified"


VERDICTS: tuple[str, ...] = tuple(v.value for v in Verdict)
FLAGGED: frozenset[str] = frozenset({"overstated", "contradicted"})
#: Rule code of an unverified claim worded as a cure, a guarantee, proof or blanket
#: safety (verdict.strong_unverified): a warning, though its verdict stays unverified.
STRONG_UNVERIFIED = "CA403"

STANCES = ("supports", "refutes", "mixed", "insufficient")
GRADES = ("strong", "moderate", "limited", "insufficient")
SOURCE_TYPES = ("journal", "official", "book", "web")
BLOCKS = ("heading", "paragraph", "list-item", "table-row", "faq", "boilerplate")

STRENGTH_NAMES = {
    0: "no claim",
    1: "associative / hedged",
    2: "conditional causal",
    3: "direct causal",
    4: "absolute",
}


@dataclass(frozen=True)
class Article:
    """One decoded input file.

    `text` is the text that every offset in the report refers to: the decoded
    source for .txt and .md, the extracted visible article text for .html.
    """

    path: str
    text: str
    sha256: str
    encoding: str = "utf-8"
    kind: str = "txt"  # txt | md | html
    title: str = ""
    # Character ranges of `text` that are markup/furniture and not prose
    # (Markdown comments, HTML-derived separators). Segmenting skips them.
    masked: tuple[tuple[int, int], ...] = ()
    # Inline suppressions: (offset of the comment, directive, codes) where
    # directive is "ignore" (next sentence, or its own line when it trails text),
    # "disable" or "enable".
    suppressions: tuple[tuple[int, str, tuple[str, ...]], ...] = ()
    # Markdown only (kind "md"): markup inside article text that a claim's text leaves
    # out (emphasis markers, link targets), and the text blocks (start, end, block kind)
    # found by the Markdown parser. None: the text is read line by line.
    hidden: tuple[tuple[int, int], ...] = ()
    blocks: tuple[tuple[int, int, str], ...] | None = None
    # Problems a writer should fix, (offset, message): misspelled claimaudit directives.
    warnings: tuple[tuple[int, str], ...] = ()


@dataclass(frozen=True)
class Sentence:
    """One unit of an article: a sentence, heading, list item or table row."""

    text: str
    start: int
    end: int
    line: int
    column: int
    end_line: int
    end_column: int
    block: str  # one of BLOCKS
    index: int  # position in the article, 0-based
    lead_in: str = ""  # for list items: the sentence that introduces the list
    heading: str = ""  # the nearest heading above the unit
    # The unit as read (Markdown: without emphasis markers, link targets, block
    # markers; whitespace runs as one space); "" when it is `text` itself.
    plain: str = ""

    @property
    def prose(self) -> str:
        """The unit's words as a reader sees them: what claims are read and matched on."""
        return self.plain or self.text


@dataclass(frozen=True)
class Cue:
    """A wording cue that set or changed a claim's asserted strength."""

    kind: str  # hedge | associative | conditional | causal | booster | absolute | negation | question
    text: str
    start: int  # offsets inside the sentence text
    end: int


@dataclass(frozen=True)
class StrengthReading:
    """The strength a sentence asserts (0-4 on the design scale) and why."""

    level: int
    negated: bool
    cues: tuple[Cue, ...] = ()


@dataclass(frozen=True)
class Claim:
    """A sentence with its claim reading: whether it is a claim, and how strong."""

    sentence: Sentence
    is_claim: bool
    kind: str  # "claim" or the reason it is not one: question, advice, heading, boilerplate, ...
    strength: int
    negated: bool
    cues: tuple[Cue, ...] = ()
    match_text: str = ""  # the text used for matching (pronouns resolved, lead-in added)


@dataclass(frozen=True)
class Study:
    """One real study behind a reference claim."""

    citation: str
    design: str
    year: int | None = None
    n: int | None = None
    finding: str = ""
    pmid: str | None = None
    doi: str | None = None
    url: str | None = None
    source_type: str | None = None  # one of SOURCE_TYPES; None when the record does not say
    verified: bool | None = None  # checked against the source; None when the record does not say
    verification: str = ""  # where and how it was checked, or why it could not be
    key: str = ""  # its key in the pack's studies.yaml; "" for a study written inline
    source: str = ""  # "path:line" where the study is written


@dataclass(frozen=True)
class Pack:
    """A reference pack: a folder with a `pack.yaml` manifest and its claim and study files."""

    name: str
    version: str
    licence: str = ""
    description: str = ""
    subject: str = ""  # what its claims are about, unless a claim file says otherwise
    subject_terms: tuple[str, ...] = ()
    path: str = ""  # the pack's folder
    sha256: str = ""  # of the pack's files that were loaded (paths inside the pack and bytes)


@dataclass(frozen=True)
class ReferenceClaim:
    """A curated statement with the strength of the evidence behind it."""

    id: str
    text: str
    stance: str  # one of STANCES
    grade: str  # one of GRADES
    max_strength: int
    studies: tuple[Study, ...]
    variants: tuple[str, ...] = ()
    key_terms: tuple[tuple[str, ...], ...] = ()
    overreach: tuple[str, ...] = ()
    supported_wording: str = ""
    note: str = ""
    source: str = ""  # "path:line" of the entry
    topic: str = ""
    subject: str = ""  # what the claim is about ("magnesium"), from its file's `subject:`
    subject_terms: tuple[str, ...] = ()  # words that mention the subject (word prefixes)
    pack: str = ""  # the name of the pack it belongs to ("" outside any pack)
    harm: bool = False  # the claim records a harm (a side effect, a toxicity, a risk) of its subject


@dataclass(frozen=True)
class ReferenceSet:
    """The loaded, validated reference claims, in file order."""

    claims: tuple[ReferenceClaim, ...]
    paths: tuple[str, ...]
    sha256: str
    packs: tuple[Pack, ...] = ()  # the packs the claims come from, in load order

    def by_id(self) -> dict[str, ReferenceClaim]:
        """Return the claims keyed by id."""
        return {c.id: c for c in self.claims}


@dataclass(frozen=True)
class Candidate:
    """One reference claim considered for a claim, with its score (0-100)."""

    reference_id: str
    score: float
    matched_text: str = ""  # the canonical text or variant that scored best
    clause: str = ""  # the part of the sentence that scored best, when not the whole sentence
    key_terms: bool = True  # the sentence has every one of the claim's key-term groups


@dataclass(frozen=True)
class Match:
    """The ranked candidates for one claim; `best` is None when none is good enough."""

    candidates: tuple[Candidate, ...]
    best: Candidate | None


@dataclass(frozen=True)
class Finding:
    """A verdict on one claim: what was decided, on which reference claim, and why."""

    claim: Claim
    verdict: str
    rule: str
    reference_id: str | None
    score: float | None
    evidence_grade: str | None
    reason: str
    suggestion: str = ""
    candidates: tuple[Candidate, ...] = ()
    studies: tuple[Study, ...] = ()
    suppressed: bool = False


@dataclass(frozen=True)
class Skipped:
    """A unit that is not a claim, kept so every sentence is accounted for."""

    start: int
    end: int
    line: int
    column: int
    block: str
    reason: str


@dataclass(frozen=True)
class ArticleReport:
    """All findings for one article."""

    path: str
    sha256: str
    title: str
    encoding: str
    kind: str
    sentence_count: int
    findings: tuple[Finding, ...]
    skipped: tuple[Skipped, ...] = ()
    unused_suppressions: tuple[tuple[int, str], ...] = field(default=())
    warnings: tuple[tuple[int, int, str], ...] = ()  # (line, column, message)

    def counts(self) -> dict[str, int]:
        """Count this article's findings by verdict (suppressed ones excluded)."""
        counts = {v: 0 for v in VERDICTS}
        for f in self.findings:
            if not f.suppressed:
                counts[f.verdict] += 1
        return counts


@dataclass(frozen=True)
class InputError:
    """A file that could not be audited, with a one-line reason."""

    path: str
    error: str


@dataclass(frozen=True)
class AuditReport:
    """The whole audit: reference set, articles in path order, input errors."""

    reference: ReferenceSet
    articles: tuple[ArticleReport, ...]
    errors: tuple[InputError, ...] = ()
    settings: tuple[tuple[str, str], ...] = ()
