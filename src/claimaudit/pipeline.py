"""The audit as a Python API: paths and a reference set in, an AuditReport out.

    >>> import claimaudit
    >>> report = claimaudit.audit(["corpus/"], "reference/")      # doctest: +SKIP
    >>> report.articles[0].counts()                                 # doctest: +SKIP

`audit_article` is the pure core (Article in, ArticleReport out); `audit`
adds file discovery and reading, and turns unreadable files into error
entries so the batch goes on.
"""

from __future__ import annotations

import math

import os
import re
import stat
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

from . import claimness
from .claimness import ClaimModel, bundled_claim_model
from .claims import topic_label, read_claims, reread
from .ingest import SUFFIXES, IngestError, os_error_reason, read_article
from .match import MATCHER_NAME, Matcher, MatchSettings, bundled_model, embed
from .records import (
    Article,
    Claim,
    Match,
    ArticleReport,
    AuditReport,
    Finding,
    InputError,
    ReferenceSet,
    Sentence,
    Skipped,
)
from .reference import load_reference
from .segment import segment
from .verdict import decide


@dataclass(frozen=True)
class Settings:
    """Everything that changes an audit's result, recorded in the report."""

    match: MatchSettings = field(default_factory=MatchSettings)
    ignore: tuple[str, ...] = ()  # reference ids or rule codes never reported as problems
    # When not empty: the only reference ids or rule codes reported; every other finding is
    # treated as ignored (suppressed), as with `ignore`.
    select: tuple[str, ...] = ()
    per_file_ignores: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (glob, codes)
    # Level model of the strength reader for claims that match a reference claim (every claim is first
    # read with the fast lexical one; with "encoder" the matched ones, whose verdict depends on it, are
    # read again with the encoder).
    strength_reader: str = "lexical"
    # The learned claim filter (claimness.py): None uses the bundled model; off: rules only.
    claim_filter: bool = True
    claim_model: ClaimModel | None = None

    def describe(self) -> tuple[tuple[str, str], ...]:
        """Return the settings as sorted (name, value) pairs for the report."""
        m = self.match
        return (
            ("matcher", MATCHER_NAME),
            ("min_score", f"{m.min_score:g}"),
            ("top_k", str(m.top_k)),
            ("match_model", (m.model or bundled_model()).describe()
             + ("" if m.embeddings else ",no-embeddings")),
            ("select", ",".join(self.select)),
            ("ignore", ",".join(self.ignore)),
            ("per_file_ignores", ";".join(f"{glob}:{','.join(codes)}"
                                          for glob, codes in self.per_file_ignores)),
            ("strength_reader", self.strength_reader),
            ("claim_model", (self.claim_model or bundled_claim_model()).describe()
             if self.claim_filter and (self.claim_model or bundled_claim_model()) else "off"),
        )


#: Folders never walked into unless `exclude` is set (the non-hidden part of ruff's list;
#: hidden entries are always skipped).
DEFAULT_EXCLUDE: tuple[str, ...] = ("__pypackages__", "_build", "buck-out", "build", "dist",
                                    "node_modules", "site-packages", "venv")


@dataclass(frozen=True)
class Discovery:
    """Which entries a folder walk skips (files named explicitly are always audited).

    Not part of `Settings`: it chooses files, it does not change any file's result.
    `exclude` replaces DEFAULT_EXCLUDE, `extend-exclude` adds to it (as in ruff);
    both are gitignore-style globs relative to `base` (the config file's folder).
    `skip_dirs` are folders never audited, whatever the globs say (the report folder).
    """

    exclude: tuple[str, ...] = DEFAULT_EXCLUDE
    extend_exclude: tuple[str, ...] = ()
    base: str = "."
    respect_gitignore: bool = True
    skip_dirs: tuple[str, ...] = ()

    def patterns(self) -> tuple[str, ...]:
        """Return the exclusion globs in force: exclude, then extend-exclude."""
        return tuple(self.exclude) + tuple(self.extend_exclude)


class _Ignores:
    """Gitignore-style matchers for one walk: the exclusion globs and the .gitignore files."""

    def __init__(self, rules: Discovery, root: Path) -> None:
        import pathspec

        self._pathspec = pathspec
        self.rules = rules
        absroot = Path(os.path.abspath(root))
        self.exclude = pathspec.GitIgnoreSpec.from_lines(rules.patterns())
        self.root_prefix = _prefix_from(Path(os.path.abspath(rules.base)), absroot)
        self.skip: set[tuple[int, int]] = set()
        for d in rules.skip_dirs:
            try:
                st = os.stat(d)
            except OSError:
                continue
            self.skip.add((st.st_dev, st.st_ino))
        # .gitignore files of the folders above the root, up to the repository's top.
        self.top: list[tuple[object, str]] = []
        if rules.respect_gitignore:
            above = []
            for folder in absroot.parents:
                above.append(folder)
                if (folder / ".git").exists():
                    break
            else:
                above = []  # not in a git repository: only .gitignore files inside the walk count
            for folder in reversed(above):
                spec = self.read(folder / ".gitignore")
                if spec is not None:
                    self.top.append((spec, _prefix_from(folder, absroot)))
            # A folder the user names is audited even when a .gitignore above it ignores the
            # folder itself (`claimaudit audit .pages-dev` in a repository that ignores it):
            # naming it is as explicit as naming a file. .gitignore files inside it still count.
            if any(spec.check_file(prefix).include  # type: ignore[attr-defined]
                   for spec, prefix in self.top if prefix):
                self.top = []

    def read(self, path: Path) -> object | None:
        """Read a .gitignore file into a matcher (None when it cannot be read)."""
        try:
            lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
        except OSError:
            return None
        return self._pathspec.GitIgnoreSpec.from_lines(lines)

    def ignored(self, specs: list[tuple[object, str]], ex_prefix: str | None, name: str,
                is_dir: bool) -> bool:
        """True when the exclusion globs or the innermost .gitignore that speaks say so.

        `ex_prefix` is the folder's path from the exclusion globs' base (None when
        outside it: then only globs without a "/" can match, tried on the name).
        """
        tail = name + "/" if is_dir else name
        if self.exclude.match_file((tail if ex_prefix is None else ex_prefix + tail)):
            return True
        for spec, prefix in reversed(specs):
            include = spec.check_file(prefix + tail).include  # type: ignore[attr-defined]
            if include is not None:
                return include
        return False


def _prefix_from(base: Path, folder: Path) -> str | None:
    """Return `folder`'s path relative to `base` with a trailing "/" ("" for base itself)."""
    try:
        rel = folder.relative_to(base).as_posix()
    except ValueError:
        return None
    return "" if rel == "." else rel + "/"


def discover(paths: Iterable[str | Path], rules: Discovery | None = None,
             ) -> tuple[list[tuple[Path, str]], list[InputError]]:
    """Expand files and folders into (path, display path) pairs, sorted; report bad paths.

    Folders are walked for article files, skipping hidden entries, entries
    excluded by `rules` (globs, .gitignore files, the report folder); a path
    that cannot be used (missing, dangling or looping link, no permission, a
    directory loop) becomes an InputError with a one-line reason instead.
    """
    rules = rules or Discovery()
    found: dict[str, Path] = {}
    errors: list[InputError] = []
    for p in paths:
        p = Path(p)
        try:
            is_dir = stat.S_ISDIR(os.stat(p).st_mode)
        except OSError as exc:
            errors.append(InputError(_display(p), os_error_reason(p, exc)))
            continue
        if is_dir:
            for f, shown in _walk(p, errors, rules):
                found.setdefault(shown, f)
        else:
            found.setdefault(_display(p), p)
    unique = sorted(set(errors), key=lambda e: (e.path, e.error))
    return sorted(((f, d) for d, f in found.items()), key=lambda t: t[1]), unique


def _walk(root: Path, errors: list[InputError], rules: Discovery) -> Iterator[tuple[Path, str]]:
    """Yield (file, display path) for the articles under `root`; report loops and unreadable entries.

    A folder reached again through a symbolic link to one of its ancestors is a
    directory loop (an error); one reached again by another route (two links to
    the same folder) is walked once.
    """
    ignores = _Ignores(rules, root)
    seen_dirs: set[tuple[int, int]] = set()
    Specs = list[tuple[object, str]]
    stack: list[tuple[Path, tuple[tuple[int, int], ...], Specs, str | None]] = [
        (root, (), ignores.top, ignores.root_prefix)]
    while stack:
        d, ancestors, specs, ex_prefix = stack.pop()
        try:
            st = d.stat()
        except OSError as exc:
            errors.append(InputError(_display(d), f"cannot read folder: {os_error_reason(d, exc)}"))
            continue
        key = (st.st_dev, st.st_ino)
        if key in ancestors:
            errors.append(InputError(_display(d), "directory loop (symbolic link to a parent)"))
            continue
        if key in seen_dirs or (ancestors and key in ignores.skip):
            continue
        seen_dirs.add(key)
        try:
            with os.scandir(d) as it:
                entries = sorted(it, key=lambda e: e.name)
        except OSError as exc:
            errors.append(InputError(_display(d), f"cannot read folder: {os_error_reason(d, exc)}"))
            continue
        if rules.respect_gitignore and any(e.name == ".gitignore" for e in entries):
            spec = ignores.read(d / ".gitignore")
            if spec is not None:
                specs = [*specs, (spec, "")]
        shown_dir = _display(d)  # a file's display path is its folder's, a "/" and its name
        prefix = "" if shown_dir == "." else shown_dir + "/"
        for e in entries:
            if e.name.startswith("."):
                continue
            path = Path(e.path)
            article = e.name.lower().endswith(SUFFIXES)
            try:
                is_dir = e.is_dir()
                if article and not is_dir and e.is_symlink():
                    os.stat(path)  # a dangling or looping link is reported, not yielded
            except OSError as exc:
                if article:
                    errors.append(InputError(_display(path), os_error_reason(path, exc)))
                continue
            if not (is_dir or article) or ignores.ignored(specs, ex_prefix, e.name, is_dir):
                continue
            if is_dir:
                sub = [(spec, p + e.name + "/") for spec, p in specs]
                stack.append((path, ancestors + (key,), sub,
                              None if ex_prefix is None else ex_prefix + e.name + "/"))
            else:
                yield path, prefix + _escape(e.name)


_UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def _display(p: Path) -> str:
    """Return the path as shown in reports: relative to the working folder when inside it.

    Bytes that are not UTF-8 and control characters (a newline in a file name)
    are written as backslash escapes, so every report and message stays valid
    UTF-8 and one line.
    """
    try:
        rel = os.path.relpath(p)
    except ValueError:
        rel = str(p)
    if rel.startswith(".."):
        rel = str(p)
    return _escape(Path(rel).as_posix())


def _escape(shown: str) -> str:
    """Write bytes that are not UTF-8 and control characters as backslash escapes."""
    try:
        shown = shown.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    except UnicodeEncodeError:
        shown = shown.encode("utf-8", "backslashreplace").decode("utf-8")
    return _UNPRINTABLE.sub(lambda m: f"\\x{ord(m.group()):02x}", shown)


def topic_terms(reference: ReferenceSet) -> list[str]:
    """Return the reference set's subject words (first key term of each claim), commonest first."""
    counts: Counter[str] = Counter()
    for c in reference.claims:
        if c.key_terms and c.key_terms[0]:
            term = c.key_terms[0][0]
            if re.fullmatch(r"[a-z]+", term):
                counts[term] += 1
    return [t for t, _ in counts.most_common()]


_WORDS = re.compile(r"\w+")


def article_topic(article: Article, subjects: Sequence[str]) -> str:
    """Return the subject word the article mentions most, among the reference's subjects."""
    lowered = article.text.lower()
    words: Counter[str] | None = None
    best, best_n = "", 0
    for s in subjects:
        if _WORDS.fullmatch(s):
            # `\bs\b` matches exactly the runs of word characters equal to s: count
            # the text's words once instead of scanning it once per subject.
            if words is None:
                words = Counter(_WORDS.findall(lowered))
            n = words[s]
        else:
            n = len(re.findall(r"\b" + re.escape(s) + r"\b", lowered))
        if n > best_n:
            best, best_n = s, n
    return best


_SEVERITY = {"unverified": 0, "supported": 1, "overstated": 2, "contradicted": 3}
_FLAGS = frozenset({"overstated", "contradicted"})


def _log_odds(score: float) -> float:
    """The log-odds of a match score (100 x probability), clipped away from 0 and 100."""
    p = min(max(score / 100.0, 1e-4), 1.0 - 1e-4)
    return math.log(p / (1.0 - p))


class Auditor:
    """Audit articles against one loaded reference set."""

    def __init__(self, reference: ReferenceSet, settings: Settings | None = None) -> None:
        self.reference = reference
        self.settings = settings or Settings()
        self.matcher = Matcher(reference, self.settings.match)
        self.refs = reference.by_id()
        self.subjects = topic_terms(reference)

    def read(self, article: Article) -> tuple[list[Sentence], tuple[Claim, ...], frozenset[str] | None]:
        """Segment an article and read its claims; return them with the subjects it is about."""
        sentences = segment(article)
        words = len(article.text.split())
        names_one = True  # the article names a subject (or none is declared: every claim in scope)
        if self.matcher.subjects:
            mentions = self.matcher.subject_mentions(article.text)
            about = self.matcher.about(mentions, words)
            topic = max(sorted(about), key=lambda n: mentions[n]) if about else ""
            names_one = any(mentions.values())
        else:  # no subject declared: the commonest subject-like key term, every claim in scope
            about, topic = None, article_topic(article, self.subjects)
        claims = read_claims(sentences, topic)
        if self.settings.claim_filter:
            # An article that never names a subject has no claim in a subject's scope (its pronouns
            # resolve to no topic either): nothing to embed, nothing to look for.
            claims = claimness.apply(claims, self.settings.claim_model or bundled_claim_model(),
                                     words, self.settings.match.short_text_words,
                                     semantic=(lambda idx: self.in_scope_embeddings(claims, idx, about))
                                     if names_one else None)
        return sentences, claims, about

    def in_scope_embeddings(self, claims: Sequence[Claim], idx: Sequence[int],
                            about: frozenset[str] | None) -> dict[int, np.ndarray]:
        """Return the sentence embeddings of the claims at `idx` that can be about a subject of the
        reference set (those `match_many` embeds; the embeddings are cached for it), {} without
        embeddings."""
        if not self.matcher.use_embeddings:
            return {}
        before = self.units_before(claims, about)
        keep = [i for i in idx if self.matcher.in_scope(claims[i].match_text, about, before[i])]
        if not keep:
            return {}
        return dict(zip(keep, embed([claims[i].match_text for i in keep])))

    def units_before(self, claims: Sequence[Claim], about: frozenset[str] | None) -> list[str]:
        """Return, for every unit, the text of the unit before it and its section heading (what
        the discourse is about).

        A unit that opens with its own label ("**Sedentary lifestyle**: a lack of exercise ...",
        "Stress: ...") starts a new topic: neither the unit before it nor its heading says what
        it is about. Otherwise the heading does, when it names a subject the article is about
        (`about`): "Women aged 19-30 commonly see 310 mg" under "How much magnesium do you
        need" is about magnesium; under "Other causes of back pain" nothing puts it in scope, nor
        under a news story's title that names a subject the story mentions only in passing.
        """
        before = ["", *(c.match_text or c.sentence.text for c in claims[:-1])] if claims else []
        named = self.matcher.named
        kept: dict[str, bool] = {}

        def heading(h: str) -> str:
            keep = kept.get(h)
            if keep is None:
                keep = kept[h] = bool(h) and (about is None or not named(h).isdisjoint(about))
            return h if keep else ""

        return ["" if topic_label(c.sentence.prose) else f"{b}\n{heading(c.sentence.heading)}".rstrip()
                for c, b in zip(claims, before)]

    def match_inputs(self, claims: Sequence[Claim], about: frozenset[str] | None
                     ) -> tuple[list[str], list[str], list[str]]:
        """Return, for the claims among `claims`: texts to match, sentences as written, and
        the text of the unit before each with its heading (what the discourse is about)."""
        kept = [(c, b) for c, b in zip(claims, self.units_before(claims, about)) if c.is_claim]
        return ([c.match_text for c, _ in kept], [c.sentence.text for c, _ in kept], [b for _, b in kept])

    def audit_article(self, article: Article) -> ArticleReport:
        """Audit one decoded article (pure: no file access)."""
        sentences, claims, about = self.read(article)
        claim_list = [c for c in claims if c.is_claim]
        texts, originals, previous = self.match_inputs(claims, about)
        matches = self.matcher.match_many(texts, about, originals, previous)
        reader = self.settings.strength_reader
        if reader != "lexical":
            matched = [i for i, m in enumerate(matches) if m.best is not None]
            for i, c in zip(matched, reread([claim_list[i] for i in matched], reader)):
                claim_list[i] = c
        findings = [self._judge(c, m) for c, m in zip(claim_list, matches)]
        findings, unused = apply_suppressions(article, findings, self._ignored_for(article.path),
                                              frozenset(c.upper() for c in self.settings.select))
        skipped = tuple(
            Skipped(c.sentence.start, c.sentence.end, c.sentence.line, c.sentence.column,
                    c.sentence.block, c.kind)
            for c in claims if not c.is_claim
        )
        return ArticleReport(
            path=article.path, sha256=article.sha256, title=article.title,
            encoding=article.encoding, kind=article.kind, sentence_count=len(sentences),
            findings=tuple(findings), skipped=skipped, unused_suppressions=tuple(unused),
            warnings=_located(article),
        )

    def _judge(self, claim: Claim, match: Match) -> Finding:
        """Judge a claim on its best match, and on close runners-up.

        A sentence often makes more than one claim ("the fourth most abundant
        mineral, involved in over 300 reactions"). Every candidate that scores
        at least `min_score` is judged. Close enough to call a claim supported
        is not always close enough to flag it (a wrong flag costs an editor's
        time): a candidate whose verdict would be overstated or contradicted
        counts only with the model's `flag_score` and every key-term group of
        its reference claim in the sentence. Among the candidates that count,
        those within `multi_margin` (log-odds) of the first are weighed by `multi_policy`
        (lenient: the mildest verdict wins, except that between an overstated and a
        contradicted reading the better match's stands, since the benefit of the doubt is
        about whether to flag, not which flag; strict: the most serious).
        """
        if match.best is None:
            return decide(claim, match, None, self.settings.strength_reader)
        flag_score = self.matcher.model.flag_score
        judged: list[tuple[float, Finding]] = []
        held_back: list[str] = []
        for cand in match.candidates:
            if cand.score < self.settings.match.min_score:
                continue
            ref = self.refs.get(cand.reference_id)
            f = decide(claim, Match(candidates=match.candidates, best=cand), ref,
                       self.settings.strength_reader)
            if f.verdict in ("overstated", "contradicted"):
                if cand.score < flag_score:
                    held_back.append(f"{cand.reference_id} (score {cand.score:.0f}) would flag it as "
                                     f"{f.verdict}, but the match is below the {flag_score:g} a flag needs")
                    continue
                if self.settings.match.flag_needs_key_terms and not cand.key_terms:
                    held_back.append(f"{cand.reference_id} (score {cand.score:.0f}) would flag it as "
                                     f"{f.verdict}, but the sentence lacks some of its key terms")
                    continue
                if self.settings.match.flag_needs_key_terms and not self._item_has_key_terms(
                        claim, cand.reference_id):
                    held_back.append(f"{cand.reference_id} (score {cand.score:.0f}) would flag it as "
                                     f"{f.verdict}, but only the list's lead-in has all its key terms")
                    continue
            judged.append((cand.score, f))
        if not judged:
            base = decide(claim, Match(candidates=match.candidates, best=None), None,
                          self.settings.strength_reader)
            return replace(base, reason=f"{base.reason} {'; '.join(held_back)}.")
        top = _log_odds(judged[0][0])
        best_finding = judged[0][1]
        for score_, f in judged[1:]:
            if top - _log_odds(score_) > self.settings.match.multi_margin:
                continue
            if self.settings.match.multi_policy == "lenient":
                # The benefit of the doubt decides whether to flag, not which flag: between an
                # overstated and a contradicted reading the better match's stands.
                if _SEVERITY[f.verdict] < _SEVERITY[best_finding.verdict] and not (
                        f.verdict in _FLAGS and best_finding.verdict in _FLAGS):
                    best_finding = f
            elif _SEVERITY[f.verdict] > _SEVERITY[best_finding.verdict]:
                best_finding = f
        return best_finding

    def _item_has_key_terms(self, claim: Claim, claim_id: str) -> bool:
        """Return whether a list item has the key terms of a reference claim without its lead-in.

        The lead-in ("Reasons behind using magnesium for back pain:") says what the list is about
        and helps find the reference claim an item makes, but a flag is about what the item itself
        asserts: "It helps to manufacture ATP" under that lead-in is no claim about back pain.
        """
        lead_in = claim.sentence.lead_in
        prefix = f"{lead_in} "
        if claim.sentence.block != "list-item" or not lead_in or not claim.match_text.startswith(prefix):
            return True
        own = claim.match_text[len(prefix):]
        # An item that does not name a subject continues its lead-in ("Magnesium may help:" /
        # "Reduce leg cramps"): the lead-in is its subject, and the flag stands on both.
        return not self.matcher.named(own) or self.matcher.has_key_terms(own, claim_id)

    def _ignored_for(self, path: str) -> frozenset[str]:
        import fnmatch

        codes = set(self.settings.ignore)
        for pattern, pcodes in self.settings.per_file_ignores:
            if fnmatch.fnmatch(path, pattern):
                codes.update(pcodes)
        return frozenset(c.upper() for c in codes)


def apply_suppressions(
    article: Article, findings: list[Finding], ignored: frozenset[str] = frozenset(),
    selected: frozenset[str] = frozenset(),
) -> tuple[list[Finding], list[tuple[int, str]]]:
    """Mark findings suppressed by config or inline comments; return unused suppressions.

    `ignored` and, when not empty, `selected` come from the configuration: a
    finding whose rule code and reference id are both outside `selected` is
    suppressed as if ignored.

    `<!-- claimaudit: ignore CODE -->` covers the next claim after the comment,
    or, when it trails text on its line, the claims on that line;
    `disable CODE` ... `enable CODE` covers a region (no codes: everything). A
    code is a reference id (MG-012) or a rule code (CA201).
    """
    out = list(findings)
    used: set[int] = set()
    starts = [f.claim.sentence.start for f in out]
    regions: list[tuple[int, int, tuple[str, ...], int]] = []
    open_regions: dict[tuple[str, ...], int] = {}
    for offset, directive, codes in article.suppressions:
        if directive == "disable":
            open_regions[codes] = offset
        elif directive == "enable":
            key = codes if codes in open_regions else next(iter(open_regions), None)
            if key is not None:
                regions.append((open_regions.pop(key), offset, key, open_regions.get(key, 0)))
    for key, start in open_regions.items():
        regions.append((start, len(article.text), key, 0))

    def hits(f: Finding, codes: tuple[str, ...]) -> bool:
        return not codes or f.rule in codes or (f.reference_id or "") in codes

    for i, f in enumerate(out):
        if f.verdict == "supported":
            continue
        if (f.rule in ignored or (f.reference_id or "") in ignored
                or (selected and f.rule not in selected and (f.reference_id or "") not in selected)):
            out[i] = replace(f, suppressed=True)
    ends = [f.claim.sentence.end for f in out]
    for offset, directive, codes in article.suppressions:
        if directive != "ignore":
            continue
        line_start = article.text.rfind("\n", 0, offset) + 1
        if _trails_text(article, line_start, offset):  # "Claim. <!-- claimaudit: ignore X -->"
            targets = [i for i in range(len(out)) if starts[i] < offset and ends[i] > line_start]
        else:
            nxt = next((i for i, s in enumerate(starts) if s > offset), None)
            targets = [] if nxt is None else [nxt]
        for i in targets:
            if hits(out[i], codes) and out[i].verdict != "supported":
                out[i] = replace(out[i], suppressed=True)
                used.add(offset)
    for start, end, codes, _ in regions:
        for i, f in enumerate(out):
            if start < starts[i] < end and hits(f, codes) and f.verdict != "supported":
                out[i] = replace(f, suppressed=True)
                used.add(start)
    unused = [(off, d) for off, d, _ in article.suppressions
              if d in ("ignore", "disable") and off not in used]
    return out, unused


def _located(article: Article) -> tuple[tuple[int, int, str], ...]:
    """Return the article's warnings as (line, column, message)."""
    if not article.warnings:
        return ()
    from .segment import line_starts, position

    starts = line_starts(article.text)
    return tuple((*position(starts, offset), message) for offset, message in article.warnings)


def _trails_text(article: Article, line_start: int, offset: int) -> bool:
    """True when article text (not markup, not another comment) precedes `offset` on its line."""
    if line_start >= offset:
        return False
    from .mdparse import marked

    return bool(marked(article.text, article.masked, article.hidden, line_start, offset)
                .replace("\0", "").strip())


def audit(
    paths: Sequence[str | Path] | str | Path,
    reference: ReferenceSet | Sequence[str | Path] | str | Path = "reference",
    settings: Settings | None = None,
    *,
    engine: str | None = None,
    scheduler: object = None,
    jobs: int | None = None,
    discovery: Discovery | None = None,
) -> AuditReport:
    """Audit files, folders and URLs against a reference set and return the report.

    engine: "local" (default: this process) or "dask": the articles are audited
    on a Dask cluster, `scheduler` (an address such as tcp://host:8786, or a
    `distributed.Client`), else a LocalCluster of `jobs` worker processes
    started and closed here. A scheduler alone implies "dask". The report is
    the same whichever engine runs it. `discovery` says which entries folder walks
    skip (default: `Discovery()`).
    """
    from .batch import resolve_engine
    from .sources import discover_sources, read_source

    if isinstance(paths, (str, Path)):
        paths = [paths]
    if not isinstance(reference, ReferenceSet):
        reference = load_reference([reference] if isinstance(reference, (str, Path)) else reference)
    settings = settings or Settings()
    files, errors = discover_sources(paths, discovery)
    if resolve_engine(engine, scheduler) == "dask":
        try:
            from .dask_engine import audit_reports
        except ImportError as exc:
            from .batch import EngineError

            raise EngineError(f"the dask engine needs dask.distributed ({exc}); "
                              "pip install 'claimaudit[dask]'") from None
        results = audit_reports(files, reference, settings, scheduler=scheduler, jobs=jobs)
    else:
        auditor = Auditor(reference, settings)
        results = (audit_file(auditor, path, shown, read=read_source) for path, shown in files)
    articles = []
    for result in results:
        if isinstance(result, InputError):
            errors.append(result)
        else:
            articles.append(result)
    return AuditReport(
        reference=reference,
        articles=tuple(articles),
        errors=tuple(sorted(errors, key=lambda e: (e.path, e.error))),
        settings=settings.describe(),
    )


def audit_file(auditor: Auditor, path: str | Path, shown: str,
               read: Callable[[str | Path, str], Article] = read_article,
               ) -> ArticleReport | InputError:
    """Read and audit one file; return its report, or an InputError saying why not.

    `read` turns (path, shown) into an Article (`sources.read_source` also reads URLs).
    Never raises for a bad file: an unreadable or binary file is an InputError
    with the ingest reason, and any unexpected exception becomes "internal
    error: ..." so one file cannot stop a batch. With CLAIMAUDIT_DEBUG=1 (the
    CLI's --debug) unexpected exceptions propagate with their traceback.
    """
    try:
        return auditor.audit_article(read(path, shown))
    except IngestError as exc:
        return InputError(exc.path, exc.reason)
    except Exception as exc:  # noqa: BLE001 - the batch must go on; --debug re-raises
        if debug_enabled():
            raise
        return InputError(shown, internal_error(exc))


def debug_enabled() -> bool:
    """True when CLAIMAUDIT_DEBUG is set (to anything but "", "0" or "false")."""
    return os.environ.get("CLAIMAUDIT_DEBUG", "").strip().lower() not in ("", "0", "false", "no")


def internal_error(exc: BaseException) -> str:
    """Describe an unexpected exception in one line, without a traceback."""
    detail = " ".join(str(exc).split())[:200]
    name = type(exc).__name__
    return (f"internal error: {name}{': ' + detail if detail else ''} "
            "(a bug in claimaudit; rerun with --debug for the traceback)")
