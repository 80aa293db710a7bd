"""Evaluate: score a report against labelled sentences (shared/gold/GUIDELINES.md).

Each gold unit is located in its article (whitespace-insensitive, in file
order); the report claim whose [start, end) overlaps it most counts when the
overlap is at least half of the shorter span. The unit's outcome is that
claim's verdict, or "none". A unit that cannot be located (its article is not
in the report, or its text is no longer in the article) has no outcome: it is
left out of every figure and counted on its own (`Scores.unlocated`).
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .ingest import article_from_text, decode, kind_of

OUTCOMES = ("supported", "overstated", "contradicted", "unverified", "none")
FLAGS = {"overstated", "contradicted"}


@dataclass
class Scores:
    """The figures of one evaluation, and the per-unit outcomes behind them."""

    units: int = 0
    verdict_agreement: float = 0.0
    claim_recall: float = 0.0
    non_claim_rejection: float = 0.0
    unit_accuracy: float = 0.0
    problems_caught: float = 0.0
    false_alarms: float = 0.0
    counts: dict[str, tuple[int, int]] = field(default_factory=dict)
    confusion: Counter[tuple[str, str]] = field(default_factory=Counter)
    rows: list[dict[str, Any]] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    unlocated: int = 0  # units left out of every figure: not located (the two counts below)
    unlocated_missing: int = 0  # ... of them because their article is not in the report
    unlocated_changed: int = 0  # ... of them because their text is not in the article (edited, rebuilt)

    def as_dict(self) -> dict[str, Any]:
        """Return the headline figures."""
        return {k: getattr(self, k) for k in ("units", "verdict_agreement", "claim_recall",
                                               "non_claim_rejection", "unit_accuracy",
                                               "problems_caught", "false_alarms")}


def _collapse(text: str) -> tuple[str, list[int]]:
    """Remove whitespace; return the collapsed text and each char's original offset."""
    chars, offsets = [], []
    for i, ch in enumerate(text):
        if not ch.isspace():
            chars.append(ch)
            offsets.append(i)
    return "".join(chars), offsets


def locate(source: str, units: list[str]) -> list[tuple[int, int] | None]:
    """Find each unit in source, in order, ignoring whitespace; None when absent."""
    collapsed, offsets = _collapse(source)
    found: list[tuple[int, int] | None] = []
    cursor = 0
    for u in units:
        key = re.sub(r"\s+", "", u)
        if not key:
            found.append(None)
            continue
        i = collapsed.find(key, cursor)
        if i < 0:
            i = collapsed.find(key)
        if i < 0:
            found.append(None)
            continue
        cursor = i + len(key)
        found.append((offsets[i], offsets[i + len(key) - 1] + 1))
    return found


def _ratio(a: int, b: int) -> float:
    return round(a / b, 4) if b else 0.0


def _article_source(path: Path) -> str:
    text, _ = decode(path.read_bytes())
    return article_from_text(text, path=str(path), kind=kind_of(path.name)).text


def unit_norm(text: str) -> str:
    """NFKC-normalize and collapse whitespace: the form an offset-keyed unit's sha1 is taken over."""
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", text)).strip()


def unit_sha1(text: str) -> str:
    """Return the 12-hex-digit checksum of a unit's text (GUIDELINES.md, offset-keyed gold)."""
    return hashlib.sha1(unit_norm(text).encode("utf-8")).hexdigest()[:12]


def _spans(rows: list[dict[str, Any]], source: str) -> list[tuple[int, int] | None]:
    """Locate each gold row in its article: text-keyed rows by search, offset-keyed by checksum.

    An offset-keyed row whose slice no longer has its checksum (the page was
    rebuilt differently, or edited) is not located: it is reported, not guessed.
    """
    by_text = [r["text"] for r in rows if "text" in r]
    found = iter(locate(source, by_text))
    spans: list[tuple[int, int] | None] = []
    for r in rows:
        if "text" in r:
            spans.append(next(found))
        else:
            start, end = int(r["start"]), int(r["end"])
            ok = 0 <= start < end <= len(source) and unit_sha1(source[start:end]) == r["sha1"]
            spans.append((start, end) if ok else None)
    return spans


def outcomes(gold_rows: list[dict[str, Any]], report: dict[str, Any],
             corpus: str | Path | None = None) -> tuple[list[dict[str, Any]], list[str]]:
    """Return each gold unit's outcome in a report document, and the articles it lacks.

    Each row of the result is {article, text, labels, outcome, located}.
    """
    by_name: dict[str, dict[str, Any]] = {}
    for a in report["articles"]:
        by_name[Path(a["path"]).name] = a
    per_article: dict[str, list[dict[str, Any]]] = {}
    for r in gold_rows:
        per_article.setdefault(r["article"], []).append(r)
    result: list[dict[str, Any]] = []
    missing: list[str] = []
    for name, rows in per_article.items():
        art = by_name.get(name)
        source = ""
        if art is None:
            missing.append(name)
            located: list[tuple[int, int] | None] = [None] * len(rows)
            claims: list[dict[str, Any]] = []
        else:
            path = Path(art["path"])
            if corpus is not None:
                path = Path(corpus) / name
            source = _article_source(path)
            located = _spans(rows, source)
            claims = art["claims"]
        for r, span in zip(rows, located):
            outcome = "none"
            if span is not None:
                best, best_ov = None, 0
                for c in claims:
                    ov = min(span[1], c["end"]) - max(span[0], c["start"])
                    if ov > best_ov:
                        best, best_ov = c, ov
                if best is not None:
                    shorter = min(span[1] - span[0], best["end"] - best["start"])
                    if best_ov * 2 >= shorter:
                        outcome = best["verdict"]
            if "text" in r:
                text = r["text"]
            elif span is not None:
                text = source[span[0]:span[1]]
            else:
                text = f"<unit {r.get('start')}-{r.get('end')} not found>"
            result.append({"article": name, "text": text, "labels": r["labels"],
                           "ref": r.get("ref"), "outcome": outcome, "located": span is not None})
    return result, missing


def score(rows: list[dict[str, Any]], missing: list[str] | None = None) -> Scores:
    """Compute the figures (GUIDELINES.md, "Scoring") from units with their outcomes.

    A unit that was not located has no outcome: it is in no ratio and not in `units`; it is
    counted in `unlocated` (split by cause: its article in `missing`, or its text changed) and
    kept in `rows` with ok None.
    """
    sc = Scores(missing=list(missing or []))
    absent = set(sc.missing)
    tallies: Counter[str] = Counter()
    for row in rows:
        if not row["located"]:
            tallies["unlocated"] += 1
            tallies["unlocated_missing" if row["article"] in absent else "unlocated_changed"] += 1
            sc.rows.append({**row, "ok": None})
            continue
        outcome, labels = row["outcome"], row["labels"]
        ok = outcome in labels
        first = labels[0]
        sc.units += 1
        sc.confusion[(first, outcome)] += 1
        tallies["correct"] += ok
        if first != "none":
            tallies["verdict_n"] += 1
            tallies["verdict_ok"] += ok
        if "none" not in labels:
            tallies["claim_n"] += 1
            tallies["claim_ok"] += outcome != "none"
        if labels == ["none"]:
            tallies["nonclaim_n"] += 1
            tallies["nonclaim_ok"] += outcome == "none"
        if set(labels) <= FLAGS:
            tallies["problem_n"] += 1
            tallies["problem_ok"] += outcome in FLAGS
        if outcome != "none" and not (set(labels) & FLAGS):
            tallies["clean_claims"] += 1
            tallies["false_alarm"] += outcome in FLAGS
        sc.rows.append({**row, "ok": ok})
    sc.unlocated = tallies["unlocated"]
    sc.unlocated_missing = tallies["unlocated_missing"]
    sc.unlocated_changed = tallies["unlocated_changed"]
    sc.verdict_agreement = _ratio(tallies["verdict_ok"], tallies["verdict_n"])
    sc.claim_recall = _ratio(tallies["claim_ok"], tallies["claim_n"])
    sc.non_claim_rejection = _ratio(tallies["nonclaim_ok"], tallies["nonclaim_n"])
    sc.unit_accuracy = _ratio(tallies["correct"], sc.units)
    sc.problems_caught = _ratio(tallies["problem_ok"], tallies["problem_n"])
    sc.false_alarms = _ratio(tallies["false_alarm"], tallies["clean_claims"])
    sc.counts = {
        "verdict_agreement": (tallies["verdict_ok"], tallies["verdict_n"]),
        "claim_recall": (tallies["claim_ok"], tallies["claim_n"]),
        "non_claim_rejection": (tallies["nonclaim_ok"], tallies["nonclaim_n"]),
        "unit_accuracy": (tallies["correct"], sc.units),
        "problems_caught": (tallies["problem_ok"], tallies["problem_n"]),
        "false_alarms": (tallies["false_alarm"], tallies["clean_claims"]),
    }
    return sc


def evaluate(gold_rows: list[dict[str, Any]], report: dict[str, Any],
             corpus: str | Path | None = None) -> Scores:
    """Score a report document against gold rows."""
    rows, missing = outcomes(gold_rows, report, corpus)
    return score(rows, missing)


def load_gold(path: str | Path) -> list[dict[str, Any]]:
    """Read a gold JSONL file; raise ValueError naming the line of a bad row."""
    rows = []
    with open(path, encoding="utf-8") as fh:
        for i, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as exc:
                raise ValueError(f"{path}:{i}: not JSON ({exc.msg})") from None
            keyed_by_text = isinstance(row, dict) and {"article", "text", "labels"} <= set(row)
            keyed_by_offset = (isinstance(row, dict)
                               and {"article", "start", "end", "sha1", "labels"} <= set(row))
            if not (keyed_by_text or keyed_by_offset):
                raise ValueError(f"{path}:{i}: a gold row needs article, labels and either text "
                                 "or start, end and sha1")
            labels = row["labels"]
            if (not isinstance(labels, list) or not labels
                    or any(lab not in OUTCOMES for lab in labels)):
                raise ValueError(f"{path}:{i}: labels must be a non-empty list of "
                                 + ", ".join(OUTCOMES))
            rows.append(row)
    return rows


def format_unlocated(sc: Scores) -> str:
    """The line counting the units left out of the figures ("" when every unit was located).

    The articles figure counts articles (those of `sc.missing`); the other two count units.
    """
    if not sc.unlocated:
        return ""
    return (f"units not located: {sc.unlocated} (articles missing from the report: "
            f"{len(set(sc.missing))}; text changed: {sc.unlocated_changed})")


def format_scores(sc: Scores) -> str:
    """Render the figures and the confusion table as text; unlocated units are counted first."""
    out = []
    if sc.unlocated:
        out.append(format_unlocated(sc))
        out.append("")
    names = ["verdict_agreement", "claim_recall", "non_claim_rejection", "unit_accuracy",
             "problems_caught", "false_alarms"]
    for n in names:
        ok, total = sc.counts.get(n, (0, 0))
        out.append(f"{n.replace('_', ' '):<22}{getattr(sc, n):.3f}  ({ok}/{total})")
    out.append("")
    out.append("confusion (rows: first gold label, columns: outcome)")
    out.append(f"{'':<14}" + "".join(f"{o:>14}" for o in OUTCOMES))
    for g in OUTCOMES:
        out.append(f"{g:<14}" + "".join(f"{sc.confusion.get((g, o), 0):>14}" for o in OUTCOMES))
    if sc.missing:
        out.append("")
        out.append("articles not in the report: " + ", ".join(sorted(sc.missing)))
    return "\n".join(out)


HEADLINE = ("verdict_agreement", "claim_recall", "non_claim_rejection", "problems_caught",
            "false_alarms")


def format_table(named: list[tuple[str, Scores]]) -> str:
    """Render several evaluations (one per gold file, then overall) as one table."""
    head = ["gold", "units"] + [n.replace("_", " ") for n in HEADLINE]
    rows = [head]
    for name, sc in named:
        cells = [name, str(sc.units)]
        for n in HEADLINE:
            ok, total = sc.counts.get(n, (0, 0))
            cells.append(f"{getattr(sc, n):.3f} ({ok}/{total})")
        rows.append(cells)
    widths = [max(len(r[i]) for r in rows) for i in range(len(head))]
    lines = ["  ".join(c.ljust(widths[i]) if i == 0 else c.rjust(widths[i])
                       for i, c in enumerate(r)) for r in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)
