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
import tempfile
from pathlib import Path
from typing import Any

import pandas as pd

from . import __version__
from .match import normalize
from .records import SCHEMA, VERDICTS, AuditReport, Finding

CSV_COLUMNS = [
    "path", "line", "column", "end_line", "end_column", "start", "end", "block", "verdict",
    "rule", "strength", "negated", "reference_id", "score", "evidence_grade", "suppressed",
    "fingerprint", "text", "reason", "suggestion",
]


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
                               ("doi", st.doi)) if v is not None}
            for st in f.studies
        ],
        "candidates": [{"reference_id": c.reference_id, "score": c.score} for c in f.candidates],
        "suppressed": f.suppressed,
        "fingerprint": fingerprint(path, s.text, f.reference_id, occurrence),
    }


def report_dict(report: AuditReport) -> dict[str, Any]:
    """Return the whole report as the `claimaudit/report@1` document."""
    articles = []
    totals = {v: 0 for v in VERDICTS}
    n_claims = 0
    for a in sorted(report.articles, key=lambda a: a.path):
        seen: dict[tuple[str, str | None], int] = {}
        claims = []
        for f in sorted(a.findings, key=lambda f: (f.claim.sentence.start, f.claim.sentence.end)):
            key = (normalize(f.claim.sentence.text), f.reference_id)
            occurrence = seen.get(key, 0)
            seen[key] = occurrence + 1
            claims.append(finding_dict(a.path, f, occurrence))
        counts = a.counts()
        for v in VERDICTS:
            totals[v] += counts[v]
        n_claims += sum(counts.values())
        articles.append({
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
            "counts": counts,
        })
    ref = report.reference
    return {
        "schema": SCHEMA,
        "tool_version": __version__,
        "settings": dict(report.settings),
        "reference": {"paths": list(ref.paths), "claims": len(ref.claims), "sha256": ref.sha256},
        "articles": articles,
        "errors": [{"path": e.path, "error": e.error} for e in report.errors],
        "summary": {"articles": len(articles), "claims": n_claims, **totals,
                    "errors": len(report.errors)},
    }


def dumps(doc: dict[str, Any]) -> str:
    """Serialize a report document deterministically."""
    return json.dumps(doc, ensure_ascii=False, indent=2, sort_keys=False) + "\n"


def write_atomic(path: str | Path, data: str | bytes) -> None:
    """Write a file through a temporary file and a rename, never half-written."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data.encode("utf-8") if isinstance(data, str) else data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def claims_frame(doc: dict[str, Any]) -> pd.DataFrame:
    """Return one row per claim of a report document."""
    rows = []
    for a in doc["articles"]:
        for c in a["claims"]:
            row = {k: c.get(k) for k in CSV_COLUMNS if k != "path"}
            row["path"] = a["path"]
            rows.append(row)
    return pd.DataFrame(rows, columns=CSV_COLUMNS)


def summary_markdown(doc: dict[str, Any]) -> str:
    """Return the Markdown summary: counts per article, then the flagged sentences."""
    s = doc["summary"]
    lines = [
        "# claimaudit summary",
        "",
        f"{s['articles']} articles, {s['claims']} claims: {s['supported']} supported, "
        f"{s['overstated']} overstated, {s['contradicted']} contradicted, "
        f"{s['unverified']} unverified. Reference set: {doc['reference']['claims']} claims.",
        "",
        "| article | sentences | claims | supported | overstated | contradicted | unverified |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for a in doc["articles"]:
        c = a["counts"]
        lines.append(
            f"| {_md(a['path'])} | {a['sentence_count']} | {sum(c.values())} | {c['supported']} | "
            f"{c['overstated']} | {c['contradicted']} | {c['unverified']} |")
    flagged = [(a, c) for a in doc["articles"] for c in a["claims"]
               if c["verdict"] in ("overstated", "contradicted") and not c["suppressed"]]
    lines += ["", "## Overstated and contradicted claims", ""]
    if not flagged:
        lines.append("None.")
    current = None
    for a, c in flagged:
        if a["path"] != current:
            current = a["path"]
            lines += ["", f"### {_md(current)}", ""]
        lines.append(f"- **{c['verdict']}** ({c['rule']}, {c['reference_id']}, evidence "
                     f"{c['evidence_grade']}) line {c['line']}: {_md(c['text'])}")
        lines.append(f"  - Why: {_md(c['reason'])}")
        if c["suggestion"]:
            lines.append(f"  - Suggested: {_md(c['suggestion'])}")
    if doc["errors"]:
        lines += ["", "## Files that could not be audited", ""]
        lines += [f"- {_md(e['path'])}: {_md(e['error'])}" for e in doc["errors"]]
    return "\n".join(lines) + "\n"


def _md(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def write_reports(doc: dict[str, Any], out: str | Path, formats: tuple[str, ...] = ("json", "csv",
                  "markdown")) -> list[Path]:
    """Write the file-set formats into `out` and return the paths written."""
    out = Path(out)
    written = []
    if "json" in formats:
        written.append(out / "audit.json")
        write_atomic(written[-1], dumps(doc))
    if "csv" in formats:
        written.append(out / "claims.csv")
        write_atomic(written[-1], claims_frame(doc).to_csv(index=False, lineterminator="\n"))
    if "markdown" in formats:
        written.append(out / "summary.md")
        write_atomic(written[-1], summary_markdown(doc))
    return written
