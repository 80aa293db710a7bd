"""The curator's views of a reference set: one entry in full, and what to add next.

`show_entry` is `claimaudit reference show ID`: the entry, its studies with
their links, its grade and why, and the sentences of an audit report that
matched it. `coverage` is `claimaudit reference coverage REPORT`: the report's
unverified claims grouped by similarity and ranked by how often they occur,
the curator's to-do list.

Grouping: each distinct claim text is normalized as the matcher does
(synonyms, stop words, stems) and weighed by TF-IDF over word 1-2-grams; the
commonest text not yet grouped starts a group, and every ungrouped text whose
cosine similarity to it is at least `threshold` joins it. Every member is thus
close to the group's first text (no chaining), the result does not depend on
input order beyond the frequency ranking, and memory stays proportional to the
similar pairs, not to the square of the number of claims.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from .records import STRENGTH_NAMES, ReferenceClaim, Study
from .refcheck import allowed_strength, source_type
from .report import study_links


def study_dict(study: Study) -> dict[str, Any]:
    """Return a study as JSON-ready data with its links and (inferred) source type."""
    d = {k: v for k, v in asdict(study).items() if v not in (None, "")}
    d["source_type"] = source_type(study)
    d["links"] = [{"label": label, "href": href} for label, href in study_links(asdict(study))]
    return d


def matched_sentences(doc: Mapping[str, Any] | None, reference_id: str) -> list[dict[str, Any]]:
    """Return the claims of a report matched to `reference_id` (path, line, column, verdict, text)."""
    if not doc:
        return []
    out = []
    for a in doc.get("articles", []):
        for c in a.get("claims", []):
            if c.get("reference_id") == reference_id:
                out.append({"path": a["path"], "line": c["line"], "column": c["column"],
                            "verdict": c["verdict"], "rule": c.get("rule", ""),
                            "suppressed": bool(c.get("suppressed")), "text": c["text"]})
    return out


def entry_dict(claim: ReferenceClaim, doc: Mapping[str, Any] | None = None,
               report_path: str | None = None) -> dict[str, Any]:
    """Return `reference show` as data: the entry, its studies with links, and its matches."""
    return {
        "id": claim.id, "pack": claim.pack, "source": claim.source, "topic": claim.topic,
        "subject": claim.subject, "text": claim.text, "variants": list(claim.variants),
        "key_terms": [list(g) for g in claim.key_terms], "stance": claim.stance,
        "grade": claim.grade, "max_strength": claim.max_strength,
        "allowed_strength": allowed_strength(claim.grade, claim.stance),
        "overreach": list(claim.overreach), "harm": claim.harm, "supported_wording": claim.supported_wording,
        "note": claim.note, "studies": [study_dict(s) for s in claim.studies],
        "report": report_path, "matched": matched_sentences(doc, claim.id),
    }


def render_entry(d: Mapping[str, Any], width: int = 88) -> str:
    """Return `reference show` as text for a terminal."""
    from .terminal import _field, one_line

    lines = [f"{d['id']}  {d['text']}"]

    def field(label: str, text: str) -> None:
        lines.extend(_field(label, one_line(text), width, False))

    where = d["source"] + (f" (pack {d['pack']})" if d["pack"] else "")
    field("entry", where)
    if d["topic"]:
        field("topic", d["topic"])
    if d["subject"]:
        field("subject", d["subject"])
    field("stance", d["stance"])
    field("grade", f"{d['grade']}; allows wording up to {d['max_strength']} "
          f"({STRENGTH_NAMES.get(d['max_strength'], '?')})"
          + (f", above the {d['allowed_strength']} the grade and stance allow"
             if d["max_strength"] > d["allowed_strength"] else ""))
    if d["note"]:
        field("why", d["note"])
    if d["supported_wording"]:
        field("suggest", d["supported_wording"])
    for i, v in enumerate(d["variants"]):
        field("variants" if i == 0 else "", "- " + v)
    if d["overreach"]:
        field("overreach", ", ".join(d["overreach"]))
    if d.get("harm"):
        field("harm", "records a harm: a claim calling it safe without limit is contradicted (CA303)")
    if not d["studies"]:
        field("studies", "none (no study found either way)")
    for i, s in enumerate(d["studies"]):
        bits = [s.get("design", "")]
        if s.get("year"):
            bits.append(str(s["year"]))
        if s.get("n"):
            bits.append(f"n={s['n']:,}")
        head = f"{i + 1}. {s['citation']} — {', '.join(bits)}"
        if s.get("key"):
            head += f" [{s['key']}]"
        lines.extend(_field("studies" if i == 0 else "", head, width, False, hang="   "))
        if s.get("finding"):
            lines.extend(_field("", "   finding: " + one_line(s["finding"]), width, False, hang="   "))
        status = {True: "verified", False: "NOT verified"}.get(s.get("verified"), "verification not recorded")
        detail = f"{s['source_type']}; {status}"
        if s.get("verification"):
            detail += f": {s['verification']}"
        lines.extend(_field("", "   " + one_line(detail), width, False, hang="   "))
        for link in s["links"]:  # a link is never wrapped
            lines.append(" " * 15 + link["href"])
    if d["report"] is None:
        field("matched", "no report (run claimaudit audit, or pass --report PATH)")
    elif not d["matched"]:
        field("matched", f"no sentence in {d['report']}")
    else:
        field("matched", f"{len(d['matched'])} sentence(s) in {d['report']}:")
        for m in d["matched"]:
            tag = m["verdict"] + (" (suppressed)" if m["suppressed"] else "")
            lines.extend(_field("", f"{m['path']}:{m['line']}:{m['column']}  {tag}  "
                                f"{one_line(m['text'], 160)}", width, False, hang="    "))
    return "\n".join(lines) + "\n"


# --- coverage -----------------------------------------------------------------


@dataclass
class Group:
    """Unverified claims that say much the same thing."""

    text: str  # the commonest wording (the group's first text)
    count: int = 0  # sentences in the group
    articles: set[str] = field(default_factory=set)
    examples: list[dict[str, Any]] = field(default_factory=list)
    closest: Counter = field(default_factory=Counter)  # best near-miss reference ids

    def as_dict(self, examples: int) -> dict[str, Any]:
        """Return the group as JSON-ready data with at most `examples` example sentences."""
        return {"text": self.text, "count": self.count, "articles": len(self.articles),
                "examples": self.examples[:examples],
                "closest": [{"reference_id": r, "count": n} for r, n in self.closest_entries()]}

    def closest_entries(self, n: int = 3) -> list[tuple[str, int]]:
        """Return the entries that came closest most often (ties by id), at most `n`."""
        return sorted(self.closest.items(), key=lambda kv: (-kv[1], kv[0]))[:n]


def unverified_claims(doc: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Return the report's unverified, unsuppressed claims as (path, line, column, text, closest)."""
    out = []
    for a in doc.get("articles", []):
        for c in a.get("claims", []):
            if c.get("verdict") == "unverified" and not c.get("suppressed"):
                cands = c.get("candidates") or []
                out.append({"path": a["path"], "line": c["line"], "column": c["column"],
                            "text": c["text"],
                            "closest": cands[0]["reference_id"] if cands else None})
    return out


def coverage(doc: Mapping[str, Any], threshold: float = 0.3, pattern: str | None = None) -> list[Group]:
    """Group the report's unverified claims by similarity; commonest group first.

    With `pattern` (a regular expression, case-insensitive), only claims whose
    text it finds are grouped.
    """
    import re

    import numpy as np
    from sklearn.feature_extraction.text import TfidfVectorizer

    from .match import normalize

    claims = unverified_claims(doc)
    if pattern:
        wanted = re.compile(pattern, re.IGNORECASE)
        claims = [c for c in claims if wanted.search(c["text"])]
    if not claims:
        return []
    by_norm: dict[str, list[dict[str, Any]]] = {}
    for c in claims:
        key = normalize(c["text"]) or " ".join(c["text"].lower().split())
        by_norm.setdefault(key, []).append(c)
    # Commonest wording first; ties in text order, so the result is stable.
    keys = sorted(by_norm, key=lambda k: (-len(by_norm[k]), k))
    vec = TfidfVectorizer(analyzer="word", ngram_range=(1, 2), sublinear_tf=True,
                          token_pattern=r"\S+", lowercase=False, dtype=np.float32)
    try:
        matrix = vec.fit_transform(keys)
    except ValueError:  # no tokens at all (texts of stop words only)
        matrix = None
    near = _similar_pairs(matrix, threshold) if matrix is not None else [[] for _ in keys]
    leader = [-1] * len(keys)
    groups: list[Group] = []
    group_of_leader: dict[int, int] = {}
    for i in range(len(keys)):
        if leader[i] != -1:
            continue
        leader[i] = i
        group_of_leader[i] = len(groups)
        groups.append(Group(text=by_norm[keys[i]][0]["text"]))
        for j in near[i]:
            if leader[j] == -1:
                leader[j] = i
    for i, key in enumerate(keys):
        g = groups[group_of_leader[leader[i]]]
        for c in by_norm[key]:
            g.count += 1
            g.articles.add(c["path"])
            if c["closest"]:
                g.closest[c["closest"]] += 1
            g.examples.append({k: c[k] for k in ("path", "line", "column", "text")})
    for g in groups:
        # Examples from as many articles as possible, in path order.
        seen: set[str] = set()
        first = [e for e in sorted(g.examples, key=lambda e: (e["path"], e["line"]))
                 if not (e["path"] in seen or seen.add(e["path"]))]
        rest = [e for e in sorted(g.examples, key=lambda e: (e["path"], e["line"])) if e not in first]
        g.examples = first + rest
    groups.sort(key=lambda g: (-g.count, -len(g.articles), g.text))
    return groups


def _similar_pairs(matrix: Any, threshold: float, block: int = 1024) -> list[list[int]]:
    """Return, for each row, the later rows whose cosine similarity to it is >= threshold.

    The similarities are computed a block of rows at a time and only the pairs
    above the threshold are kept (rows of TF-IDF are unit length).
    """
    import numpy as np

    n = matrix.shape[0]
    near: list[list[int]] = [[] for _ in range(n)]
    t = matrix.T.tocsc()
    for start in range(0, n, block):
        sims = (matrix[start:start + block] @ t).tocsr()
        rows = np.repeat(np.arange(start, start + sims.shape[0]), np.diff(sims.indptr))
        keep = (sims.data >= threshold) & (sims.indices > rows)
        rows, cols = rows[keep], sims.indices[keep]
        order = np.lexsort((cols, rows))
        rows, cols = rows[order], cols[order]
        bounds = np.searchsorted(rows, np.arange(start, start + sims.shape[0] + 1))
        for r in range(sims.shape[0]):
            a, b = bounds[r], bounds[r + 1]
            if b > a:
                near[start + r] = cols[a:b].tolist()
    return near


def render_coverage(groups: Sequence[Group], total: int, top: int, examples: int,
                    width: int = 88) -> str:
    """Return the coverage to-do list as text."""
    from .terminal import one_line

    if not groups:
        return "No unverified claims.\n"
    shown = groups[:top] if top else groups
    lines = [f"{total} unverified claims in {len(groups)} groups; "
             f"{'the ' + str(len(shown)) + ' commonest' if len(shown) < len(groups) else 'all'}:", ""]
    for rank, g in enumerate(shown, 1):
        lines.append(f"{rank}. {g.count}x in {len(g.articles)} article(s): "
                     f"{one_line(g.text, width)}")
        if g.closest:
            near = ", ".join(f"{r} ({n})" for r, n in g.closest_entries())
            lines.append(f"   closest entries: {near}")
        for e in g.examples[:examples]:
            lines.append(f"   - {e['path']}:{e['line']}:{e['column']}  {one_line(e['text'], width)}")
        lines.append("")
    return "\n".join(lines)
