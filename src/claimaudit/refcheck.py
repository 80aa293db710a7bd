"""The reference linter (`claimaudit reference check`): is every study findable, does every grade follow?

A reference set that loads (reference.py validates its shape) can still be
wrong in ways an editor would repeat: a journal study nobody can look up, an
identifier that cannot be right, one study written three ways under three
claims, a `strong` grade on one case report, a wording cap its grade does not
allow, a claim whose own paraphrases the matcher sends elsewhere. Each check
here yields `Problem`s with a stable code (the table is in reference/README.md):

    RC101  journal study with neither PMID nor DOI
    RC102  malformed PMID (digits only)
    RC103  malformed DOI (a bare 10.NNNN/... DOI)
    RC104  the study's url names a PubMed id or DOI that its pmid/doi field lacks
    RC201  the same study written in several places with different fields
    RC202  the same study defined under several keys of studies.yaml
    RC301  grade strong resting only on case reports, animal or in-vitro work or one small trial
    RC302  stance refutes with no study
    RC303  max_strength above what the grade and stance allow
    RC401  the claim's own text or variant is not matched to it by the matcher
    RC901  (warning) a study marked verified: false
    RC902  (warning) a study key that no claim cites
    RC903  (warning) the note names a max_strength other than the entry's
    RC904  (warning) the claim's own text or variant is not read as a claim by the audit

Errors make `reference check` exit 1; warnings are printed and exit 0 unless
--strict. Nothing here reads the network.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace

from .records import ReferenceClaim, ReferenceSet, Study

WARNINGS = frozenset({"RC901", "RC902", "RC903", "RC904"})

#: The strongest wording (`max_strength`) each grade allows, and the caps of stances.
GRADE_CAP = {"strong": 3, "moderate": 3, "limited": 2, "insufficient": 1}
STANCE_CAP = {"supports": 3, "mixed": 2, "insufficient": 2, "refutes": 0}

#: A trial with fewer participants than this (or an unknown number) is small.
SMALL_TRIAL_N = 100

PMID_RE = re.compile(r"^[1-9]\d{0,8}$")
DOI_RE = re.compile(r"^10\.\d{4,9}/\S+$")
_URL_PMID_RE = re.compile(r"(?:pubmed\.ncbi\.nlm\.nih\.gov/|ncbi\.nlm\.nih\.gov/pubmed/)(\d+)", re.I)
_URL_DOI_RE = re.compile(r"(?:doi\.org/|/doi/(?:abs/|full/)?)(10\.\d{4,9}/[^\s?#]+)", re.I)
_VANCOUVER_RE = re.compile(r"\b(?:19|20)\d{2}\s*;\s*\d")  # "2020;131(3):764-75": a journal
_BOOK = ("chapter", " in: ", "university press", "bookshelf", "textbook")
_WEB = ("web page", "webpage", "website", "database entry", "q&a", "blog")
_OFFICIAL = ("fact sheet", "authoritative", "reference text", "reference body", "dietary reference intake",
             "guideline", "report", "monograph", "pharmacopoei", "office of dietary supplements",
             "world health organization", "institute of medicine", "position statement")
_WEAK = re.compile(r"\b(?:case reports?|case series|animals?|rats?|mice|mouse|murine|rodents?|pigs?|dogs?|"
                   r"in[ -]vitro|cell cultures?|cell lines?|patch[ -]clamp|laboratory)\b", re.I)
_TRIAL = re.compile(r"\b(?:trials?|rcts?|randomi[sz]ed|crossover)\b", re.I)
_SYNTHESIS = re.compile(r"\b(?:review|meta-analys[ie]s|meta analys[ie]s|pooled)\b", re.I)
_NOTE_CAP = re.compile(r"\bmax_strength\s*[:=]?\s*([0-4])\b(?!\s*(?:->|→|to\b))")


@dataclass(frozen=True, order=True)
class Problem:
    """One finding of the reference linter: `path:line: CODE entry message`."""

    path: str
    line: int
    code: str
    entry: str  # the claim id, or the study key for a problem in studies.yaml
    message: str

    @property
    def severity(self) -> str:
        """Return "warning" for RC9xx codes, else "error"."""
        return "warning" if self.code in WARNINGS else "error"

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.code} {self.entry} {self.message}"


def source_type(study: Study) -> str:
    """Return the study's source type: its `source_type`, else inferred from its design and citation.

    Inline studies written before `source_type` existed are classified so: a
    Vancouver-style citation ("2020;131(3):764") is a journal; a chapter or a
    book is a book; a web page, database entry or Q&A a web source; a fact
    sheet, authoritative reference text, guideline, report or monograph an
    official source; anything else (a trial, review, cohort, ...) a journal.
    """
    if study.source_type:
        return study.source_type
    text = f" {study.design} {study.citation} ".lower()
    if _VANCOUVER_RE.search(study.citation) and " in: " not in text:
        return "journal"
    for kind, markers in (("book", _BOOK), ("web", _WEB), ("official", _OFFICIAL)):
        if any(m in text for m in markers):
            return kind
    return "journal"


def _where(study: Study) -> tuple[str, int]:
    path, _, line = study.source.rpartition(":")
    return (path, int(line)) if line.isdigit() else (study.source or "?", 0)


def _label(study: Study) -> str:
    short = study.citation if len(study.citation) <= 60 else study.citation[:59].rstrip() + "…"
    return f"study {study.key!r}" if study.key else f"study {short!r}"


def _definitions(ref: ReferenceSet) -> list[tuple[Study, str]]:
    """Return every written study once: (study, entry) with entry the claim id or the study key.

    A keyed study is written once (in studies.yaml) however many claims cite it;
    an inline study is written once per claim.
    """
    out: list[tuple[Study, str]] = []
    seen_keys: set[tuple[str, str]] = set()
    for claim in ref.claims:
        for s in claim.studies:
            if s.key:
                k = (s.source, s.key)
                if k not in seen_keys:
                    seen_keys.add(k)
                    out.append((s, s.key))
            else:
                out.append((s, claim.id))
    return out


def study_problems(ref: ReferenceSet, all_keyed: Iterable[Study] = ()) -> Iterator[Problem]:
    """RC101-RC104 and RC901 for every written study; RC902 for keyed studies no claim cites."""
    defs = _definitions(ref)
    cited = {(s.source, s.key) for s, _ in defs if s.key}
    unused = [(s, s.key) for s in all_keyed if (s.source, s.key) not in cited]
    for s, entry in defs + unused:
        path, line = _where(s)
        label = _label(s)
        if s.pmid is not None and not PMID_RE.match(s.pmid):
            yield Problem(path, line, "RC102", entry, f"{label}: PMID {s.pmid!r} is malformed "
                          "(a PubMed id is digits only, e.g. \"33089493\")")
        if s.doi is not None and not DOI_RE.match(s.doi):
            yield Problem(path, line, "RC103", entry, f"{label}: DOI {s.doi!r} is malformed "
                          "(write the bare DOI, 10.NNNN/..., without doi: or https://doi.org/)")
        # A study marked verified: false says why in its verification (RC901): an identifier
        # that could not be found is one of those reasons, so it is not also RC101.
        if source_type(s) == "journal" and not s.pmid and not s.doi and s.verified is not False:
            yield Problem(path, line, "RC101", entry, f"{label} is a journal study with neither "
                          "PMID nor DOI; add the identifier you checked (or source_type if it is "
                          "not a journal article)")
        m = _URL_PMID_RE.search(s.url or "")
        if m and not s.pmid:
            yield Problem(path, line, "RC104", entry, f"{label}: its url names PMID {m.group(1)} "
                          "but pmid is empty; check it and set pmid")
        m = _URL_DOI_RE.search(s.url or "")
        if m and not s.doi:
            yield Problem(path, line, "RC104", entry, f"{label}: its url names DOI {m.group(1)} "
                          "but doi is empty; check it and set doi")
        if s.verified is False:
            why = f" ({s.verification})" if s.verification else ""
            yield Problem(path, line, "RC901", entry, f"warning: {label} is marked verified: "
                          f"false{why}")
    for s, key in unused:
        path, line = _where(s)
        yield Problem(path, line, "RC902", key, f"warning: study {key!r} is defined but no "
                      "claim cites it")


_COMPARED = ("citation", "design", "year", "n", "finding", "pmid", "doi", "url", "source_type")


def _identities(s: Study) -> list[str]:
    ids = ["cite:" + " ".join(s.citation.lower().split())]
    if s.pmid:
        ids.append("pmid:" + s.pmid.strip())
    if s.doi:
        ids.append("doi:" + s.doi.strip().lower())
    return ids


def duplicate_problems(ref: ReferenceSet) -> Iterator[Problem]:
    """RC201: one study (same citation, PMID or DOI) written with different fields; RC202: under two keys.

    Within a pack: two packs may each define a study they share (the IOM's DRI
    report in a magnesium and a vitamin D pack), with findings of their own.
    """
    pack_of = {c.id: c.pack for c in ref.claims}
    key_pack = {(s.source, s.key): c.pack for c in ref.claims for s in c.studies if s.key}
    defs = _definitions(ref)
    packs = [key_pack[(s.source, s.key)] if s.key else pack_of[entry] for s, entry in defs]
    parent = list(range(len(defs)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    first: dict[str, int] = {}
    for i, (s, _) in enumerate(defs):
        for ident in _identities(s):
            j = first.setdefault(packs[i] + "\0" + ident, i)
            if j != i:
                parent[find(i)] = find(j)
    groups: dict[int, list[int]] = {}
    for i in range(len(defs)):
        groups.setdefault(find(i), []).append(i)
    for members in groups.values():
        if len(members) < 2:
            continue
        members.sort(key=lambda i: _where(defs[i][0]))
        base, base_entry = defs[members[0]]
        bpath, bline = _where(base)
        for i in members[1:]:
            s, entry = defs[i]
            path, line = _where(s)
            if s.key and base.key:
                yield Problem(path, line, "RC202", entry, f"study {s.key!r} is the same study as "
                              f"{base.key!r} ({bpath}:{bline}); keep one key")
                continue
            differ = [f for f in _COMPARED if getattr(s, f) != getattr(base, f)]
            if differ:
                yield Problem(path, line, "RC201", entry, f"{_label(s)} differs from its copy under "
                              f"{base_entry} ({bpath}:{bline}) in {', '.join(differ)}; define it "
                              "once in studies.yaml and cite it by key")


def _weak(s: Study) -> bool:
    return bool(_WEAK.search(s.design))


def _single_small_trial(s: Study) -> bool:
    return (bool(_TRIAL.search(s.design)) and not _SYNTHESIS.search(s.design)
            and (s.n is None or s.n < SMALL_TRIAL_N))


def allowed_strength(grade: str, stance: str) -> int:
    """Return the strongest `max_strength` a grade and stance allow (reference/README.md)."""
    return min(GRADE_CAP.get(grade, 0), STANCE_CAP.get(stance, 0), 3)


def claim_problems(claim: ReferenceClaim) -> Iterator[Problem]:
    """RC301, RC302, RC303 and RC903 for one claim."""
    path, _, line = claim.source.rpartition(":")
    at = (path, int(line) if line.isdigit() else 0)
    if claim.grade == "strong" and claim.studies:
        solid = [s for s in claim.studies if not _weak(s)]
        if not solid or (len(solid) == 1 and _single_small_trial(solid[0])):
            why = ("case reports, animal or in-vitro work" if not solid else
                   f"one small trial (n={solid[0].n if solid[0].n is not None else 'unknown'}, "
                   f"{solid[0].design})")
            yield Problem(*at, "RC301", claim.id, f"grade strong rests only on {why}; grade it "
                          "limited or cite the stronger evidence")
    if claim.stance == "refutes" and not claim.studies:
        yield Problem(*at, "RC302", claim.id, "stance refutes needs a study that found the "
                      "opposite; with no study the stance is insufficient")
    cap = allowed_strength(claim.grade, claim.stance)
    if claim.max_strength > cap:
        yield Problem(*at, "RC303", claim.id, f"max_strength {claim.max_strength} is above the "
                      f"{cap} that grade {claim.grade} and stance {claim.stance} allow")
    said = {int(m) for m in _NOTE_CAP.findall(claim.note)}
    if said and said != {claim.max_strength}:
        yield Problem(*at, "RC903", claim.id, f"warning: the note says max_strength "
                      f"{'/'.join(map(str, sorted(said)))} but the entry has {claim.max_strength}")


def as_sentence(text: str) -> str:
    """Return a variant ("magnesium helps with cramps") as a sentence ("Magnesium helps with cramps.")."""
    text = text.strip()
    if text and text[-1] not in ".!?":
        text += "."
    return text[:1].upper() + text[1:]


def variant_problems(ref: ReferenceSet, settings: object | None = None) -> Iterator[Problem]:
    """RC401: read and match each claim's text and variants as in an article about its subject.

    Each text is made a sentence and goes through the audit's own stages
    (segment, claim reading, matcher, the verdict's choice among close
    candidates) against the claims of its pack, as a sentence of an article
    about the claim's subject (so "Back pain is very common" may match a
    magnesium entry, as it does in a magnesium article). It must come back
    matched to its own entry. A text the audit does not read as a claim is
    matched as it is (the matcher is what this check tests) and also reported
    as warning RC904, since an article sentence worded like it is not judged.
    """
    from .claims import read_claims
    from .ingest import article_from_text
    from .match import _lower_for_terms
    from .pipeline import Auditor, Settings
    from .segment import segment

    by_pack: dict[str, list[ReferenceClaim]] = {}
    for c in ref.claims:
        by_pack.setdefault(c.pack, []).append(c)
    for claims in by_pack.values():
        auditor = Auditor(replace(ref, claims=tuple(claims)),
                          settings if isinstance(settings, Settings) else None)
        matcher = auditor.matcher
        for claim in claims:
            path, _, line = claim.source.rpartition(":")
            at = (path, int(line) if line.isdigit() else 0)
            about = frozenset({claim.subject}) if claim.subject else None
            for text in (claim.text, *claim.variants):
                sentence = as_sentence(text)
                which = "text" if text == claim.text else "variant"
                units = read_claims(segment(article_from_text(sentence, path="<variant>")),
                                    claim.subject)
                read = [u for u in units if u.is_claim]
                if not read:
                    reason = ", ".join(sorted({u.kind for u in units})) or "no sentence"
                    yield Problem(*at, "RC904", claim.id, f"warning: {which} {text!r} is not read "
                                  f"as a claim ({reason}), so an article sentence worded like it "
                                  "is not judged")
                    match = matcher.match_many([sentence], about)[0]
                    got = [match.best.reference_id if match.best else None]
                    cands = match.candidates
                else:
                    matches = matcher.match_many([u.match_text for u in read], about)
                    got = [auditor._judge(u, m).reference_id for u, m in zip(read, matches)]
                    cands = matches[0].candidates
                if claim.id in got:
                    continue
                if any(got):
                    what = f"matches {', '.join(sorted({g for g in got if g}))} instead"
                else:
                    lowered = _lower_for_terms(sentence)
                    missing = [g for g in claim.key_terms
                               if not any(re.search(r"(?<![a-z0-9])" + re.escape(t), lowered) for t in g)]
                    if missing:
                        what = ("has no term of its key_terms group "
                                f"[{', '.join(missing[0][:6])}{', ...' if len(missing[0]) > 6 else ''}]")
                    else:
                        near = (f" (closest: {cands[0].reference_id} {cands[0].score:.0f})"
                                if cands else "")
                        what = f"matches no entry{near}"
                yield Problem(*at, "RC401", claim.id, f"{which} {text!r} {what}")


def check_reference(ref: ReferenceSet, keyed: Sequence[Study] = (), variants: bool = True,
                    settings: object | None = None) -> list[Problem]:
    """Run every check on a loaded reference set; return the problems sorted by place and code.

    `keyed` are every study defined in the set's studies.yaml files (for RC902,
    which needs the studies no claim cites; `load_keyed_studies` reads them).
    """
    problems: list[Problem] = []
    problems += study_problems(ref, keyed)
    problems += duplicate_problems(ref)
    for claim in ref.claims:
        problems += claim_problems(claim)
    if variants:
        problems += variant_problems(ref, settings)
    return sorted(set(problems), key=lambda p: (p.path, p.line, p.code, p.entry, p.message))


def load_keyed_studies(ref: ReferenceSet) -> list[Study]:
    """Return every study defined in the studies.yaml files of a loaded set (cited or not)."""
    from pathlib import Path

    from .reference import STUDIES, _read_text, parse_studies_text

    out: list[Study] = []
    for p in ref.paths:
        if Path(p).name == STUDIES:
            out.extend(parse_studies_text(_read_text(Path(p))[1], p).values())
    return out
