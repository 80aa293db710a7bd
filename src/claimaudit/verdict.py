"""Verdict: compare a claim's wording with the evidence behind its reference claim.

Pure functions: (Claim, Match, ReferenceClaim) -> Finding. The rules are values
in `RULES` with a stable code, so that reports, suppressions and CI
annotations can name them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from .claims import with_reading
from .records import STRENGTH_NAMES, STRONG_UNVERIFIED, Claim, Finding, Match, ReferenceClaim
from .regexes import Caseless, fold
from .strength import assert_strength, cue_words, read_strength


@dataclass(frozen=True)
class Rule:
    """One verdict rule: a stable code, a kebab-case name, its verdict and docs."""

    code: str
    name: str
    verdict: str
    summary: str
    example: str


RULES: dict[str, Rule] = {
    r.code: r
    for r in (
        Rule("CA001", "supported", "supported",
             "The claim agrees with a reference claim and is worded no more strongly than "
             "the evidence allows.",
             "'Magnesium may ease muscle tension' over limited evidence."),
        Rule("CA002", "supported-denial", "supported",
             "The claim denies something the evidence refutes or has not shown.",
             "'Magnesium does not prevent ordinary cramps.'"),
        Rule("CA003", "supported-doubt", "supported",
             "The claim says the evidence for it is mixed, inconclusive, thin or only from animals, "
             "which agrees with evidence that does not carry it.",
             "'Research on magnesium for cramps has been mixed.'"),
        Rule("CA201", "strength-overstated", "overstated",
             "The claim agrees in direction but its wording (causal, absolute) is stronger "
             "than the evidence carries.",
             "'Researchers have proved magnesium cures back pain' over one small trial."),
        Rule("CA202", "scope-overstated", "overstated",
             "The claim generalizes beyond the population or outcome the evidence studied.",
             "A trial in neuropathic back pain reported as evidence for all back pain."),
        Rule("CA301", "asserts-refuted", "contradicted",
             "The claim asserts what the best evidence points against, however hedged.",
             "'Magnesium relieves muscle cramps' against a Cochrane review finding no effect."),
        Rule("CA302", "denies-supported", "contradicted",
             "The claim negates what the evidence supports.",
             "'Magnesium plays no part in nerve function.'"),
        Rule("CA303", "denies-harm", "contradicted",
             "The claim calls its subject safe (blanket safety) where the evidence records a harm: a "
             "side effect, a toxicity or a risk.",
             "'Magnesium is safe for people with kidney disease.'"),
        Rule("CA402", "no-evidence", "unverified",
             "The claim matches a reference entry recorded as having no study either way.",
             "'Staying hydrated improves magnesium absorption.'"),
        Rule("CA401", "unverified", "unverified",
             "No reference claim matches well enough; the claim needs a source or a new "
             "reference entry.",
             "A claim about a topic the reference set does not cover."),
        Rule("CA403", "unsupported-strong-claim", "unverified",
             "No evidence in the reference set backs the claim, and it is worded as a cure, a "
             "guarantee, proof or blanket safety: a warning to look at first (the verdict stays "
             "unverified).",
             "'Magnesium cures sciatica in days.' with no reference claim behind it."),
        Rule("CA900", "unused-suppression", "note", "A claimaudit ignore/disable comment suppresses nothing; remove it.", "'<!-- claimaudit: ignore VC-001 -->' above a sentence that is not flagged."),  # noqa: E501
    )
}


def clause_claim(claim: Claim, clause: str, reader: str = "lexical") -> Claim:
    """Return the claim carrying the strength stage's reading of one of its clauses.

    That reading (level, negation, cues) replaces the sentence's in the finding, so the verdict,
    its reason and every report show the one reading the verdict used.
    """
    return with_reading(claim, assert_strength(clause, reader), clause)


def _scoped_denial(claim: Claim, match: Match, ref: ReferenceClaim, reader: str) -> bool:
    """Return whether the side that is negated (the claim, else the reference text and the text it
    matched) denies its main relation by the strength reader's scoped rule, not only by the
    sentence-wide fallback."""
    if claim.negated:
        return read_strength(match.best.clause or claim.sentence.prose, reader).negated
    return (read_strength(ref.text, reader).negated
            and read_strength(match.best.matched_text or ref.text, reader).negated)


# What a sentence says of the evidence itself, when it says it is weak: findings that are mixed or
# conflicting, results that are inconclusive, evidence that is limited or preliminary ("more research
# is needed"), an effect seen only in animals. Such a sentence agrees
# with evidence that is not good enough to carry the claim, whatever words of the claim it repeats.
_EVIDENCE_DOUBT = re.compile(
    r"\b(?:findings|results|evidence|research|studies|data|trials|conclusions|outcomes)\b"
    r"[^.;:]{0,60}?\b(?:mixed|conflicting|inconsistent|inconclusive|contradictory|equivocal)\b"
    r"|\b(?:mixed|conflicting|inconsistent|inconclusive|contradictory|equivocal)\s+"
    r"(?:findings|results|evidence|research|data|conclusions|outcomes)\b"
    r"|\b(?:only|solely|just)\s+(?:been\s+)?(?:(?:tested|studied|seen|shown|done|carried\s+out)\s+)?"
    r"(?:in|on)\s+(?:the\s+)?(?:rats|mice|animals|rodents|cells|test\s+tubes)\b"
    r"|\b(?:in|on)\s+(?:the\s+)?(?:rats|mice|animals|rodents)\s+only\b"
    # evidence said to be thin: "the evidence is limited", "preliminary research", "more research is needed"
    r"|\b(?:evidence|research|data|studies|trials|findings)\b[^.;:]{0,80}?\b(?:is|are|remains?|was|were)\s+"
    r"(?:still\s+|very\s+|globally\s+|rather\s+|quite\s+)?(?:limited|weak|scarce|sparse|preliminary|modest|"
    r"insufficient|lacking|low[- ]quality|not\s+(?:very\s+)?(?:strong|robust|numerous|conclusive))\b"
    r"|\b(?:limited|weak|scarce|sparse|preliminary|insufficient|low[- ]quality)\s+(?:evidence|research|data)\b"
    r"|\b(?:more|further|additional)\s+(?:\w+\s+)?(?:research|studies|trials|evidence)\s+(?:is|are)\s+"
    r"(?:still\s+)?needed\b",
    re.IGNORECASE,
)


# A doubt that is denied ("the evidence is not mixed", "no conflicting results", "not only in rats").
_DOUBT_DENIED = re.compile(r"\b(?:not|no\s+longer|never|hardly|far\s+from)\b|n[’']t\b", re.IGNORECASE)
_DENIED_BEFORE = re.compile(r"\b(?:no|not|never|without)\s+$", re.IGNORECASE)
# What sets a doubt aside and makes the rest of the sentence its assertion: a concessive clause that
# opens the sentence ("Although early findings were mixed, ..."), or a contrast after the doubt
# ("Old studies gave conflicting results, but today we know ...").
_CONCESSIVE_OPENING = re.compile(
    r"^\W*(?:although|though|even\s+though|while|whilst|whereas|despite|in\s+spite\s+of)\b[^,;:]*[,;:]",
    re.IGNORECASE)
_CONTRAST = re.compile(r"\b(?:but|however|yet|nevertheless|nonetheless|even\s+so)\b", re.IGNORECASE)


def doubts_evidence(text: str) -> bool:
    """Return whether `text` says the evidence is mixed, inconclusive, thin or only from animals.

    The doubt must be the sentence's own word on the evidence: not denied ("the evidence is not
    mixed"), and not a concession that the rest of the sentence overrides ("Although early findings
    were mixed, research now proves ...", "Results were conflicting, but today we know ...").
    """
    opening = _CONCESSIVE_OPENING.match(text)
    for m in _EVIDENCE_DOUBT.finditer(text):
        if _DOUBT_DENIED.search(m.group()) or _DENIED_BEFORE.search(text, max(0, m.start() - 12), m.start()):
            continue
        if opening and m.end() <= opening.end():
            continue
        if _CONTRAST.search(text, m.end()):
            continue
        return True
    return False


def reference_negated(text: str, reader: str = "lexical") -> bool:
    """Return whether a reference text is itself worded as a negation."""
    return assert_strength(text, reader).negated


def _studies_phrase(ref: ReferenceClaim) -> str:
    parts = []
    for s in ref.studies[:3]:
        bits = [s.design]
        if s.n:
            bits.append(f"n={s.n}")
        first = s.citation.split(",")[0].split(".")[0].strip()
        year = f" {s.year}" if s.year else ""
        parts.append(f"{first}{year} ({', '.join(bits)})")
    more = f" and {len(ref.studies) - 3} more" if len(ref.studies) > 3 else ""
    return "; ".join(parts) + more


def _overreach_terms(claim: Claim, ref: ReferenceClaim) -> list[str]:
    text = claim.sentence.prose.lower()
    ref_text = ref.text.lower()
    hits = []
    for term in ref.overreach:
        pattern = r"(?<![a-z])" + re.escape(term)
        if re.search(pattern, text) and not re.search(pattern, ref_text):
            hits.append(term)
    return hits


def decide(claim: Claim, match: Match, ref: ReferenceClaim | None, reader: str = "lexical") -> Finding:
    """Return the finding for one claim (``reader``: the strength reader's level model for clauses)."""
    if match.best is None or ref is None:
        near = ", ".join(f"{c.reference_id} ({c.score:.0f})" for c in match.candidates)
        reason = (f"No reference claim matches well enough (closest: {near})." if near else
                  "No reference claim applies: the sentence does not name or refer to a subject of the "
                  "reference set (a claim without a subject needs all its key terms).")
        return strong_unverified(Finding(
            claim=claim, verdict="unverified", rule="CA401", reference_id=None, score=None,
            evidence_grade=None, reason=reason,
            candidates=match.candidates,
        ))
    if not ref.studies:
        return strong_unverified(Finding(
            verdict="unverified", rule="CA402", reference_id=ref.id, score=match.best.score,
            evidence_grade=ref.grade, candidates=match.candidates, claim=claim,
            reason=(f"Matches {ref.id} \"{ref.text}\" (score {match.best.score:.0f}), for which no "
                    f"study was found either way. {ref.note}").strip(),
            suggestion=suggest(ref),
        ))
    # A reference claim may itself be worded negatively ("many people do not get
    # enough magnesium"); what counts is whether the claim and the text it matched
    # have the same polarity.
    if match.best.clause:
        # The claim was made in one clause: read that clause's wording.
        claim = clause_claim(claim, match.best.clause, reader)
    # From here on `claim` carries the one reading the verdict uses; the finding, its reason and
    # every report take level, name, negation and cues from it.
    cues = cue_words(claim.cues)
    cue_txt = f" (wording: {', '.join(repr(c) for c in cues)})" if cues else ""
    strength_name = STRENGTH_NAMES.get(claim.strength, str(claim.strength))
    allowed_name = STRENGTH_NAMES.get(ref.max_strength, str(ref.max_strength))
    basis = (f"Matches {ref.id} \"{ref.text}\" (score {match.best.score:.0f}); evidence "
             f"{ref.grade}, stance {ref.stance}: {_studies_phrase(ref)}.")
    common = dict(claim=claim, reference_id=ref.id, score=match.best.score,
                  evidence_grade=ref.grade, candidates=match.candidates, studies=ref.studies)
    # Polarity agrees when it agrees with the canonical text or with the variant
    # that matched (a variant may be phrased negatively: "is not well absorbed").
    negated = (claim.negated != reference_negated(ref.text, reader)
               and claim.negated != reference_negated(match.best.matched_text or ref.text, reader))
    if ref.harm and calls_safe(claim):
        # "Magnesium is safe for people with kidney disease" against "Kidney disease raises the risk
        # of hypermagnesaemia": the claim denies the harm the evidence records, in other words.
        return Finding(
            verdict="contradicted", rule="CA303",
            reason=f"{basis} The claim calls it safe; the evidence records a harm.",
            suggestion=suggest(ref), **common)
    if doubts_evidence(claim.sentence.prose):
        return Finding(verdict="supported", rule="CA003",
                       reason=f"{basis} The claim says the evidence is mixed or limited, as it is.",
                       **common)
    if ref.stance == "refutes":
        if negated:
            return Finding(verdict="supported", rule="CA002",
                           reason=f"{basis} The claim denies it, as the evidence does.", **common)
        return Finding(
            verdict="contradicted", rule="CA301",
            reason=f"{basis} The evidence points against this claim{cue_txt}.",
            suggestion=suggest(ref, contradicted=True), **common)
    if negated and ref.stance == "supports" and not _scoped_denial(claim, match, ref, reader):
        # Only the sentence-wide fallback of `strength.asserted_negation` reads the negation that
        # makes the two disagree ("Low magnesium may not show any signs, but symptoms include
        # fatigue"; "..., because impaired kidneys cannot clear it"): it may deny something else
        # in the sentence. Weak evidence of a denial may spare a claim a flag (CA002 above) but
        # does not make one: the claim is judged as it is worded.
        negated = False
    if negated:
        if ref.stance == "supports":
            return Finding(
                verdict="contradicted", rule="CA302",
                reason=f"{basis} The claim negates what the evidence supports{cue_txt}.",
                suggestion=suggest(ref, contradicted=True), **common)
        return Finding(verdict="supported", rule="CA002",
                       reason=f"{basis} The claim denies an effect the evidence has not shown.",
                       **common)
    over = _overreach_terms(claim, ref)
    if over:
        return Finding(
            verdict="overstated", rule="CA202",
            reason=(f"{basis} The claim extends it to {', '.join(repr(o) for o in over)}, "
                    "beyond what the studies examined."),
            suggestion=suggest(ref), **common)
    if claim.strength > ref.max_strength:
        return Finding(
            verdict="overstated", rule="CA201",
            reason=(f"{basis} The claim is worded as {claim.strength} ({strength_name}){cue_txt}; "
                    f"the evidence carries at most {ref.max_strength} ({allowed_name})."),
            suggestion=suggest(ref), **common)
    return Finding(
        verdict="supported", rule="CA001",
        reason=(f"{basis} Worded as {claim.strength} ({strength_name}), within the "
                f"{ref.max_strength} ({allowed_name}) the evidence carries."),
        **common)


_HEDGE_FOR = {
    0: "There is no good evidence that",
    1: "Some research suggests that",
    2: "Some research suggests that",
}


def suggest(ref: ReferenceClaim, contradicted: bool = False) -> str:
    """Return a rewording at the strength the evidence allows."""
    if ref.supported_wording:
        return ref.supported_wording
    base = ref.text.rstrip(".")
    if contradicted or ref.stance == "refutes":
        return f"The best available evidence does not support the claim that {_lower_first(base)}."
    if ref.max_strength >= 3:
        return f"{base}."
    return f"{_HEDGE_FOR[ref.max_strength]} {_lower_first(base)} ({ref.grade} evidence)."


def _lower_first(s: str) -> str:
    if len(s) > 1 and s[0].isupper() and not s[1].isupper():
        return s[0].lower() + s[1:]
    return s


# --- CA403: an unverified claim worded as a cure, a guarantee, proof or blanket safety ---------

# Cues that soften a claim: a claim that carries one is not worded as a certainty.
_SOFT_CUES = frozenset(("hedge", "associative", "conditional", "question"))

# Wording that promises more than any single source can, in four families. The
# strength reader already reads most cure/proof/guarantee words as absolute (4);
# this small lexicon adds what it reads as a flat assertion (3): blanket safety
# above all ("X is safe for people with Y" has no causal verb to harden).
_STRONG_WORDING: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (family, re.compile(pattern, re.IGNORECASE)) for family, pattern in (
        # "cures" after "treatments and" / a comma is a noun in a list ("causes, treatments
        # and cures"), and "to cure" a mission; the claim forms are the third person and
        # "a cure for".
        ("cure", r"(?<!and )(?<!, )\bcures\b|\bcured (?:of|by|with)\b|\b(?:is|are) cured\b|"
                 r"\b(?:a|the) cure for\b|\bwill cure\b|\bheals\b|\breverses\b|\beliminates\b|"
                 r"\beradicates\b"),
        ("guarantee", r"\b(?:guarantee[sd]?|100\s?(?:%|percent) (?:effective|safe|guaranteed|proven)|"
                      r"works every time|never fails|foolproof|without fail)\b"),
        # "proof of concept" / "proof in principle" names an early study, not proof.
        ("proof", r"\bproof\b(?![- ](?:of|in)[- ](?:concept|principle))|\b(?:proven|proves|proved|"
                  r"conclusively|scientifically shown|beyond (?:any )?doubt)\b"),
        ("blanket safety", r"\b(?:(?:completely|perfectly|totally|entirely|absolutely|always|100%)\s+"
                           r"safe|safe\s+(?:for|in|to|during|with|at)\b|(?:is|are) safe\.|"
                           r"risk[- ]free|(?:is|are|be)\s+(?:completely\s+|totally\s+|entirely\s+)?"
                           r"harmless|no side[- ]effects|without (?:any )?side[- ]effects|"
                           r"non-?toxic|cannot overdose|can't overdose|impossible to overdose|"
                           r"safely\s+(?:take|use|consume|drink|supplement))"),
    )
)

# Absolute cues of the strength reader that state certainty on their own. Its other absolute
# cues ("completely", "directly", "permanently") and its boosters ("highly effective", "a
# game changer") also give level 4 but are intensifiers: on their own they are not CA403.
_CERTAINTY_CUES = frozenset((
    "always", "definitely", "definitively", "conclusive", "conclusively", "infallible",
    "miracle", "miraculous", "for sure", "beyond doubt", "beyond any doubt", "without a doubt",
))

# Blanket safety stated through a negation ("no side effects"): allowed to be the claim's
# only negation.
_NEGATIVE_SAFETY = re.compile(
    r"\b(?:no (?:known )?side[- ]effects|without (?:any )?side[- ]effects|no risks?|"
    r"cannot overdose|can't overdose|never (?:causes?|has) side[- ]effects|"
    # a harm the reader need not fear: "do not have to worry about overdose", "no need to worry about
    # side effects", "there's no danger of toxicity"
    r"(?:(?:(?:do|does|did) not|don't|doesn't|need not|needn't|never) (?:have to |need to )?worry about|"
    r"no need to worry about|no (?:danger|fear|risk) of) (?:an? |any )?(?:overdos\w*|toxicity|side[- ]effects|"
    r"adverse effects|(?:taking|getting) too much|too much))\b", re.IGNORECASE)

# Qualifiers that limit a safety statement to some people or doses: not blanket.
_SAFETY_LIMITS = re.compile(
    r"\b(?:most|many|some|generally|usually|typically|often|in moderation|as directed|"
    r"recommended (?:dose|doses|amounts?)|at (?:normal|usual|low) doses?|healthy adults|"
    # a safe amount is a limit: "the maximum amount considered safe", "safe up to 350 mg", "at 1,000 IU"
    r"(?:the )?majority|maximum|upper (?:limit|level)|up to \d|"
    r"\d[\d,.]*\s*(?:iu|mg|mcg|µg|micrograms?|milligrams?|international units))\b",
    re.IGNORECASE)


# Each family with substrings one of which every match of its pattern contains (lower case): a
# claim whose folded text has none of them is not searched (tests/test_fast_paths.py checks it).
_STRONG_WORDING_SEARCH: tuple[tuple[str, Caseless, tuple[str, ...]], ...] = tuple(
    (family, Caseless(pattern), needs) for (family, pattern), needs in zip(_STRONG_WORDING, (
        ("cure", "heals", "reverses", "eliminates", "eradicates"),
        ("guarantee", "effective", "safe", "proven", "works every time", "never fails", "foolproof",
         "without fail"),
        ("proof", "prove", "conclusively", "scientifically shown", "beyond"),
        ("safe", "risk", "harmless", "side", "toxic", "overdose"),
    ))
)
_NEGATIVE_SAFETY_C = Caseless(_NEGATIVE_SAFETY)
_SAFETY_LIMITS_C = Caseless(_SAFETY_LIMITS)


def strong_wording(claim: Claim) -> str | None:
    """Return the family ("cure", "guarantee", "proof", "blanket safety", "absolute") of a claim
    worded as a certainty, or None.

    A claim qualifies when it is asserted at strength 3 or more, not denied, and not
    softened (no hedge, associative, conditional or question cue), and either it uses a
    word of the lexicon above, or the strength reader put it at 4 (absolute) on a cue of
    certainty ("always", "definitely"; not a mere intensifier such as "completely"). A
    safety statement limited to some people or doses ("safe for most adults") is not
    blanket safety; "has no side effects" is, though it reads as a negation.
    """
    if claim.strength < 3 or any(c.kind in _SOFT_CUES for c in claim.cues):
        return None
    text = claim.sentence.text
    folded = fold(text)
    if claim.negated:
        return "blanket safety" if calls_safe(claim) else None
    for family, pattern, needs in _STRONG_WORDING_SEARCH:
        if folded is not None and not any(n in folded for n in needs):
            continue
        if pattern.search(text, folded) and not (family == "blanket safety"
                                                 and _SAFETY_LIMITS_C.search(text, folded)):
            return family
    if claim.strength >= 4 and any(c.kind == "absolute" and c.text.lower() in _CERTAINTY_CUES
                                   for c in claim.cues):
        return "absolute"
    return None


def calls_safe(claim: Claim) -> bool:
    """Return whether a claim calls its subject safe without limit, however hedged ("is safe for
    people with ...", "has no side effects", "can safely take", "may be completely safe").

    A statement limited to some people or doses ("safe for most adults") does not; nor does a
    denied one ("is not safe for ..."), though "has no side effects" does, whose only negation is
    the safety phrase itself (any other negation, "no evidence that ...", denies).
    """
    text = claim.sentence.text
    folded = fold(text)
    if _SAFETY_LIMITS_C.search(text, folded):
        return False
    if claim.negated:
        m = _NEGATIVE_SAFETY_C.search(text, folded)
        negations = [c for c in claim.cues if c.kind == "negation"]
        return bool(m is not None and negations
                    and all(m.start() <= c.start and c.end <= m.end() for c in negations))
    _, pattern, needs = _STRONG_WORDING_SEARCH[-1]
    return (folded is None or any(n in folded for n in needs)) and pattern.search(text, folded) is not None


def strong_unverified(finding: Finding) -> Finding:
    """Return an unverified finding as CA403 when its claim is worded as a certainty."""
    family = strong_wording(finding.claim)
    if finding.verdict != "unverified" or family is None:
        return finding
    what = {"cure": "a cure", "guarantee": "a guarantee", "proof": "proof",
            "blanket safety": "blanket safety", "absolute": "a certainty"}[family]
    return replace(
        finding, rule=STRONG_UNVERIFIED,
        reason=(f"Worded as {what} with no evidence behind it in the reference set. "
                f"{finding.reason}"),
        suggestion=finding.suggestion or (
            "Cite the evidence for this claim, or drop the certainty: say what was studied "
            "and what was found."),
    )
