"""Report: turn an AuditReport into the report contract and write report files.

`report_dict` builds the `claimaudit/report@1` JSON document (stable order, so
two runs on the same input give byte-identical files). The writers only
serialize it; every file is written atomically (temporary file + rename), so
an interrupted run leaves the previous report intact.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

import orjson

from . import __version__
from .match import normalize
from .records import (SCHEMA, VERDICTS, ArticleReport, AuditReport, Finding, InputError,
                      ReferenceSet)

if TYPE_CHECKING:
    import pandas as pd

CSV_COLUMNS = [
    "path", "line", "column", "end_line", "end_column", "start", "end", "block", "verdict",
    "rule", "strength", "negated", "reference_id", "score", "evidence_grade", "suppressed",
    "fingerprint", "text", "reason", "suggestion",
]


_PMID_RE = re.compile(r"^[1-9]\d{0,8}$")


def study_links(study: Mapping[str, Any]) -> list[tuple[str, str]]:
    """Return a study's links as (label, URL): PubMed and DOI when it has them, else its url.

    Only well-formed identifiers become links (a PubMed id of digits, a DOI
    starting 10.), percent-encoded so the URL is safe in Markdown and HTML; a
    url is used only when it is http(s).
    """
    links = []
    pmid = str(study.get("pmid") or "").strip()
    doi = str(study.get("doi") or "").strip()
    if _PMID_RE.match(pmid):
        links.append((f"PubMed {pmid}", f"https://pubmed.ncbi.nlm.nih.gov/{pmid}/"))
    if doi.startswith("10.") and "/" in doi:
        links.append((f"doi:{doi}", "https://doi.org/" + quote(doi, safe="/")))
    url = str(study.get("url") or "").strip()
    if not links and re.match(r"^https?://\S+$", url, re.IGNORECASE):
        links.append(("source", quote(url, safe=":/?#[]@!$&'*+,;=%~")))
    return links


def fingerprint(path: str, text: str, reference_id: str | None, occurrence: int = 0) -> str:
    """Identity of a finding that does not depend on its line: path, normalized text, reference."""
    key = "\0".join([path, normalize(text) or text.strip().lower(), reference_id or "-",
                     str(occurrence)])
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]


def finding_dict(path: str, f: Finding, occurrence: int = 0) -> dict[str, Any]:
    """Return one claim entry of the report contract."""
    s = f.claim.sentence
    return {
        "text": s.text,
        "start": s.start,
        "end": s.end,
        "line": s.line,
        "column": s.column,
        "end_line": s.end_line,
        "end_column": s.end_column,
        "block": s.block,
        "verdict": f.verdict,
        "rule": f.rule,
        "strength": f.claim.strength,
        "negated": f.claim.negated,
        "cues": [{"kind": c.kind, "text": c.text} for c in f.claim.cues],
        "reference_id": f.reference_id,
        "score": f.score,
        "evidence_grade": f.evidence_grade,
        "reason": f.reason,
        "suggestion": f.suggestion,
        "studies": [
            {k: v for k, v in (("citation", st.citation), ("design", st.design), ("year", st.year),
                               ("n", st.n), ("finding", st.finding), ("pmid", st.pmid),
                               ("doi", st.doi), ("url", st.url)) if v is not None}
            for st in f.studies
        ],
        "candidates": [{"reference_id": c.reference_id, "score": c.score} for c in f.candidates],
        "suppressed": f.suppressed,
        "fingerprint": fingerprint(path, s.prose, f.reference_id, occurrence),
    }


def report_dict(report: AuditReport) -> dict[str, Any]:
    """Return the whole report as the `claimaudit/report@1` document."""
    articles = [article_dict(a) for a in sorted(report.articles, key=lambda a: a.path)]
    return report_document(report.reference, report.settings, articles, report.errors,
                           summary_dict([a["counts"] for a in articles], len(report.errors)))


def article_dict(a: ArticleReport) -> dict[str, Any]:
    """Return one article's entry of the report contract (claims in offset order)."""
    seen: dict[tuple[str, str | None], int] = {}
    claims = []
    for f in sorted(a.findings, key=lambda f: (f.claim.sentence.start, f.claim.sentence.end)):
        key = (normalize(f.claim.sentence.prose), f.reference_id)
        occurrence = seen.get(key, 0)
        seen[key] = occurrence + 1
        claims.append(finding_dict(a.path, f, occurrence))
    d = {
        "path": a.path,
        "sha256": a.sha256,
        "title": a.title,
        "encoding": a.encoding,
        "kind": a.kind,
        "offsets": "extracted-text" if a.kind == "html" else "source",
        "sentence_count": a.sentence_count,
        "claims": claims,
        "non_claims": [
            {"start": s.start, "end": s.end, "line": s.line, "column": s.column,
             "block": s.block, "reason": s.reason}
            for s in a.skipped
        ],
        "unused_suppressions": [{"offset": o, "directive": d}
                                for o, d in a.unused_suppressions],
        "counts": a.counts(),
    }
    if a.warnings:  # only when there are some, so that reports without any keep their bytes
        d["warnings"] = [{"line": line, "column": col, "message": msg}
                         for line, col, msg in a.warnings]
    return d


def summary_dict(counts: Sequence[Mapping[str, int]], errors: int) -> dict[str, int]:
    """Return the report's summary from each article's verdict counts."""
    totals = {v: 0 for v in VERDICTS}
    n_claims = 0
    for c in counts:
        for v in VERDICTS:
            totals[v] += c[v]
        n_claims += sum(c.values())
    return {"articles": len(counts), "claims": n_claims, **totals, "errors": errors}


def report_document(reference: ReferenceSet, settings: Iterable[tuple[str, str]],
                    articles: list[dict[str, Any]], errors: Iterable[InputError],
                    summary: dict[str, int]) -> dict[str, Any]:
    """Return the report document from its parts, keys in contract order."""
    return {
        "schema": SCHEMA,
        "tool_version": __version__,
        "settings": dict(settings),
        "reference": {"paths": list(reference.paths), "claims": len(reference.claims),
                      "sha256": reference.sha256,
                      "packs": [{"name": p.name, "version": p.version, "sha256": p.sha256}
                                for p in reference.packs]},
        "articles": articles,
        "errors": [{"path": e.path, "error": e.error} for e in errors],
        "summary": summary,
    }


def encode(obj: Any, level: int = 0) -> str:
    """Return `obj` as indented JSON (2 spaces, UTF-8 text), as if it sat `level` deep.

    Nested lines are indented for that depth (the first line is not), so an
    article entry encoded at level 2 can be pasted into a document's "articles"
    list. orjson writes it (the standard library's indenting encoder is pure
    Python, a measurable share of a large audit); the text is what
    `json.dumps(obj, ensure_ascii=False, indent=2)` writes, except that floats
    below 1e-4 are written "1e-7" rather than "1e-07" (a report has none) and NaN
    would be null. What orjson refuses (lone surrogates, integers beyond 64
    bits, keys that are not strings) goes to `json.dumps`.
    """
    return encode_bytes(obj, level).decode("utf-8", "surrogatepass")


def encode_bytes(obj: Any, level: int = 0) -> bytes:
    """Return `encode(obj, level)` as UTF-8 bytes (what orjson writes, without a decode)."""
    try:
        data = orjson.dumps(obj, option=orjson.OPT_INDENT_2)
    except (TypeError, orjson.JSONEncodeError):
        data = json.dumps(obj, ensure_ascii=False, indent=2).encode("utf-8", "surrogatepass")
    return data.replace(b"\n", b"\n" + b"  " * level) if level else data


def dumps(doc: dict[str, Any]) -> str:
    """Serialize a report document deterministically."""
    return encode(doc) + "\n"


def umask_mode() -> int:
    """Return the mode a new file gets from open(): 0o666 less the process umask.

    `tempfile.mkstemp` creates files 0600; a report renamed into place from one
    would stay unreadable to others (a web server serving the HTML report).
    """
    mask = os.umask(0o022)
    os.umask(mask)
    return 0o666 & ~mask


def mkstemp_public(prefix: str, suffix: str, dir: str | Path) -> tuple[int, str]:
    """`tempfile.mkstemp`, then the file's mode set as open() would (0o666 & ~umask)."""
    fd, tmp = tempfile.mkstemp(prefix=prefix, suffix=suffix, dir=dir)
    if hasattr(os, "fchmod"):
        try:
            os.fchmod(fd, umask_mode())
        except BaseException:
            os.close(fd)
            os.unlink(tmp)
            raise
    return fd, tmp


def write_atomic(path: str | Path, data: str | bytes) -> None:
    """Write a file through a temporary file and a rename, never half-written.

    The file gets the mode open() would give it (0o666 less the umask).
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = mkstemp_public(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data.encode("utf-8") if isinstance(data, str) else data)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def claims_frame(doc: dict[str, Any]) -> pd.DataFrame:
    """Return one row per claim of a report document."""
    import pandas as pd  # here, not at import: `claimaudit --version` must not load pandas

    rows = []
    for a in doc["articles"]:
        for c in a["claims"]:
            row = {k: c.get(k) for k in CSV_COLUMNS if k != "path"}
            row["path"] = a["path"]
            rows.append(row)
    return pd.DataFrame(rows, columns=CSV_COLUMNS)


def summary_markdown(doc: dict[str, Any]) -> str:
    """Return the Markdown summary: counts per article, then the flagged sentences."""
    lines = markdown_head(doc["summary"], doc["reference"]["claims"])
    lines += [markdown_row(a) for a in doc["articles"]]
    flagged = [line for a in doc["articles"] for line in markdown_flagged(a)]
    lines += markdown_middle(bool(flagged)) + flagged + markdown_errors(doc["errors"])
    return "\n".join(lines) + "\n"


def markdown_head(s: Mapping[str, int], reference_claims: int) -> list[str]:
    """Return the summary's title, totals and table header lines."""
    return [
        "# claimaudit summary",
        "",
        f"{s['articles']} articles, {s['claims']} claims: {s['supported']} supported, "
        f"{s['overstated']} overstated, {s['contradicted']} contradicted, "
        f"{s['unverified']} unverified. Reference set: {reference_claims} claims.",
        "",
        "| article | sentences | claims | supported | overstated | contradicted | unverified |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]


def markdown_row(a: Mapping[str, Any]) -> str:
    """Return one article's row of the summary table."""
    c = a["counts"]
    return (f"| {_md(a['path'])} | {a['sentence_count']} | {sum(c.values())} | "
            f"{c['supported']} | {c['overstated']} | {c['contradicted']} | {c['unverified']} |")


def markdown_middle(any_flagged: bool) -> list[str]:
    """Return the heading of the flagged-claims section (and "None." when there are none)."""
    return ["", "## Overstated and contradicted claims", ""] + ([] if any_flagged else ["None."])


def markdown_flagged(a: Mapping[str, Any]) -> list[str]:
    """Return one article's overstated and contradicted claims (none: no lines)."""
    lines: list[str] = []
    for c in a["claims"]:
        if c["verdict"] not in ("overstated", "contradicted") or c["suppressed"]:
            continue
        if not lines:
            lines += ["", f"### {_md(a['path'])}", ""]
        lines.append(f"- **{c['verdict']}** ({c['rule']}, {c['reference_id']}, evidence "
                     f"{c['evidence_grade']}) line {c['line']}: {_md(c['text'])}")
        lines.append(f"  - Why: {_md(c['reason'])}")
        if c["suggestion"]:
            lines.append(f"  - Suggested: {_md(c['suggestion'])}")
        for st in c.get("studies") or []:
            links = ", ".join(f"[{_md(label).replace('[', '(').replace(']', ')')}]({href})"
                              for label, href in study_links(st))
            lines.append(f"  - Study: {_md(st.get('citation', ''))}" + (f" ({links})" if links else ""))
    return lines


def markdown_errors(errors: Sequence[Mapping[str, str]]) -> list[str]:
    """Return the list of files that could not be audited (none: no lines)."""
    if not errors:
        return []
    return (["", "## Files that could not be audited", ""]
            + [f"- {_md(e['path'])}: {_md(e['error'])}" for e in errors])


def _md(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def write_reports(doc: dict[str, Any], out: str | Path, formats: tuple[str, ...] = ("json", "csv",
                  "markdown"), csv_bom: bool = False) -> list[Path]:
    """Write the file-set formats into `out` and return the paths written.

    `csv_bom` starts claims.csv with a UTF-8 byte order mark, so Excel reads it as UTF-8.
    """
    out = Path(out)
    written = []
    if "json" in formats:
        written.append(out / "audit.json")
        write_atomic(written[-1], dumps(doc))
    if "csv" in formats:
        written.append(out / "claims.csv")
        text = claims_frame(doc).to_csv(index=False, lineterminator="\n")
        write_atomic(written[-1], ("\ufeff" if csv_bom else "") + text)
    if "markdown" in formats:
        written.append(out / "summary.md")
        write_atomic(written[-1], summary_markdown(doc))
    return written
