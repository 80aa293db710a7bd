"""Diff two audit reports for CI: which findings are new, resolved or changed.

    >>> from claimaudit.diff import diff_reports, load_report
    >>> d = diff_reports(load_report("base.json"), load_report("head.json"))  # doctest: +SKIP
    >>> d.failing                                                              # doctest: +SKIP

A finding's identity is its `fingerprint` in the report (a hash of the
article path, the normalized claim text, the reference id and the occurrence
of that text): it ignores line numbers, so an edit above a claim, or a
paragraph moved within the article, does not make the claim look new.

The two reports' claims are joined with `pandas.merge(how="outer",
on="fingerprint", indicator=True, validate="one_to_one")`:

- `right_only` (only in head) and not supported: **new**;
- `left_only` (only in base) and not supported: **resolved** (the sentence was
  reworded or removed);
- `both` with a different verdict: **changed** (e.g. supported -> overstated
  after the reference set was re-graded);
- `both`, the same verdict, no longer suppressed in head: **new**; newly
  suppressed in head: **resolved** (noted "suppressed").

A new or changed finding *fails* when its head verdict is in `fail_on` and it
is not suppressed. Suppressed findings never count as new problems.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .records import SCHEMA, VERDICTS

if TYPE_CHECKING:
    import pandas as pd

DIFF_SCHEMA = "claimaudit/diff@1"
DEFAULT_FAIL_ON = ("overstated", "contradicted")

_COLUMNS = ["fingerprint", "path", "verdict", "rule", "line", "column", "end_line",
            "end_column", "text", "reference_id", "evidence_grade", "suppressed", "reason",
            "suggestion"]
_MARKS = {"new": "+", "resolved": "-", "changed": "~"}


class ReportError(Exception):
    """A report file that cannot be diffed; the message is one line naming the file."""


@dataclass(frozen=True)
class Change:
    """One finding that differs between the base and the head report."""

    kind: str  # new | resolved | changed
    path: str
    fingerprint: str
    verdict: str  # head verdict (new, changed) or base verdict (resolved)
    base_verdict: str | None  # the base verdict of a changed finding
    rule: str
    line: int
    column: int
    end_line: int
    end_column: int
    text: str
    reference_id: str | None
    evidence_grade: str | None
    reason: str
    suggestion: str
    suppressed: bool
    failing: bool
    note: str = ""


@dataclass(frozen=True)
class ReportDiff:
    """The new, resolved and changed findings between two reports."""

    base: str
    head: str
    fail_on: tuple[str, ...]
    changes: tuple[Change, ...]
    unchanged: int  # findings (not supported) present in both with the same verdict
    head_errors: tuple[tuple[str, str], ...] = ()

    def of_kind(self, kind: str) -> list[Change]:
        """Return the changes of one kind (new, resolved, changed)."""
        return [c for c in self.changes if c.kind == kind]

    @property
    def failing(self) -> list[Change]:
        """Return the new or changed findings at or above fail-on (not suppressed)."""
        return [c for c in self.changes if c.failing]

    def by_article(self) -> list[tuple[str, list[Change]]]:
        """Return the changes grouped by article path, in path then line order."""
        groups: dict[str, list[Change]] = {}
        for c in self.changes:
            groups.setdefault(c.path, []).append(c)
        return sorted(groups.items())

    def counts(self) -> dict[str, int]:
        """Return how many findings are new, resolved, changed, unchanged and failing."""
        return {"new": len(self.of_kind("new")), "resolved": len(self.of_kind("resolved")),
                "changed": len(self.of_kind("changed")), "unchanged": self.unchanged,
                "failing": len(self.failing)}


# --- reading ------------------------------------------------------------------


def load_report(path: str | Path) -> dict[str, Any]:
    """Read and check an audit.json; raise ReportError with a one-line message naming the file."""
    shown = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ReportError(f"{shown}: no such file") from None
    except IsADirectoryError:
        raise ReportError(f"{shown}: is a directory, not an audit.json") from None
    except UnicodeDecodeError:
        raise ReportError(f"{shown}: not JSON (not UTF-8 text)") from None
    except OSError as exc:
        raise ReportError(f"{shown}: cannot read ({exc.strerror or exc})") from None
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ReportError(f"{shown}:{exc.lineno}: not JSON ({exc.msg})") from None
    check_report(doc, shown)
    return doc


def check_report(doc: Any, shown: str = "<report>") -> None:
    """Raise ReportError unless `doc` has the parts of `claimaudit/report@1` that diff reads."""
    if not isinstance(doc, dict):
        raise ReportError(f"{shown}: not a claimaudit report (expected a JSON object)")
    if doc.get("schema") != SCHEMA:
        raise ReportError(f"{shown}: not a claimaudit report (schema is {doc.get('schema')!r}, "
                          f"expected {SCHEMA!r})")
    articles = doc.get("articles")
    if not isinstance(articles, list):
        raise ReportError(f"{shown}: wrong schema: 'articles' must be a list")
    needed = ("fingerprint", "verdict", "rule", "line", "column", "text")
    for i, article in enumerate(articles):
        if not isinstance(article, dict) or not isinstance(article.get("path"), str) \
                or not isinstance(article.get("claims"), list):
            raise ReportError(f"{shown}: wrong schema: articles[{i}] needs 'path' and 'claims'")
        for j, claim in enumerate(article["claims"]):
            missing = [k for k in needed if not isinstance(claim, dict) or k not in claim]
            if missing:
                raise ReportError(f"{shown}: wrong schema: {article['path']} claims[{j}] "
                                  f"has no {missing[0]!r}")
            if claim["verdict"] not in VERDICTS:
                raise ReportError(f"{shown}: wrong schema: {article['path']} claims[{j}] has "
                                  f"unknown verdict {claim['verdict']!r}")


def claims_frame(doc: Mapping[str, Any], shown: str = "<report>") -> pd.DataFrame:
    """Return one row per claim of a report (all verdicts), keyed by fingerprint."""
    import pandas as pd  # here: `audit` uses this module (failing_claims) but not pandas

    rows = []
    for article in doc["articles"]:
        for claim in article["claims"]:
            row = {k: claim.get(k) for k in _COLUMNS}
            row["path"] = article["path"]
            row["suppressed"] = bool(claim.get("suppressed"))
            row["end_line"] = claim.get("end_line", claim["line"])
            row["end_column"] = claim.get("end_column", claim["column"])
            rows.append(row)
    frame = pd.DataFrame(rows, columns=_COLUMNS)
    dup = frame["fingerprint"][frame["fingerprint"].duplicated()]
    if len(dup):
        raise ReportError(f"{shown}: wrong schema: fingerprint {dup.iloc[0]} occurs twice")
    return frame


# --- comparing ------------------------------------------------------------------


def diff_reports(base: Mapping[str, Any], head: Mapping[str, Any],
                 fail_on: Iterable[str] = DEFAULT_FAIL_ON, base_name: str = "base",
                 head_name: str = "head") -> ReportDiff:
    """Compare two report documents and return their new, resolved and changed findings."""
    import pandas as pd

    fail_on = tuple(fail_on)
    left = claims_frame(base, base_name)
    right = claims_frame(head, head_name)
    merged = pd.merge(left, right, how="outer", on="fingerprint", indicator=True,
                      validate="one_to_one", suffixes=("_base", "_head"))
    head_errors = tuple((e["path"], e["error"]) for e in head.get("errors", []))
    unreadable = {p for p, _ in head_errors}
    changes: list[Change] = []
    unchanged = 0
    for row in merged.to_dict("records"):
        side = row["_merge"]
        b = _side(row, "_base") if side != "right_only" else None
        h = _side(row, "_head") if side != "left_only" else None
        b_problem = b is not None and b["verdict"] != "supported" and not b["suppressed"]
        h_problem = h is not None and h["verdict"] != "supported" and not h["suppressed"]
        if h is not None and b is not None and b["verdict"] != h["verdict"]:
            changes.append(_change("changed", row["fingerprint"], h, fail_on,
                                   base_verdict=b["verdict"]))
        elif h_problem:
            if b is None:
                changes.append(_change("new", row["fingerprint"], h, fail_on))
            elif not b_problem:
                changes.append(_change("new", row["fingerprint"], h, fail_on,
                                       note="no longer suppressed"))
            else:
                unchanged += 1
        elif b_problem:
            if h is None and b["path"] in unreadable:
                continue  # the head could not read the article: not known to be fixed
            note = "suppressed" if h is not None else ""
            changes.append(_change("resolved", row["fingerprint"], b, (), note=note))
    changes.sort(key=lambda c: (c.path, c.line, c.column, c.kind, c.fingerprint))
    return ReportDiff(base=base_name, head=head_name, fail_on=fail_on, changes=tuple(changes),
                      unchanged=unchanged, head_errors=head_errors)


def _side(row: Mapping[str, Any], suffix: str) -> dict[str, Any]:
    out = {}
    for k in _COLUMNS[1:]:
        v = row[k + suffix]
        out[k] = None if _missing(v) else v
    out["suppressed"] = bool(out["suppressed"])
    return out


def _missing(value: Any) -> bool:
    import pandas as pd

    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def _change(kind: str, fingerprint: str, side: Mapping[str, Any], fail_on: Sequence[str],
            base_verdict: str | None = None, note: str = "") -> Change:
    failing = (kind in ("new", "changed")
               and (side["verdict"] in fail_on or side["rule"] in fail_on)
               and not side["suppressed"])
    return Change(
        kind=kind, path=side["path"], fingerprint=fingerprint, verdict=side["verdict"],
        base_verdict=base_verdict, rule=side["rule"], line=int(side["line"]),
        column=int(side["column"]), end_line=int(side["end_line"]),
        end_column=int(side["end_column"]), text=side["text"],
        reference_id=side["reference_id"], evidence_grade=side["evidence_grade"],
        reason=side["reason"] or "", suggestion=side["suggestion"] or "",
        suppressed=side["suppressed"], failing=failing, note=note,
    )


def failing_claims(doc: Mapping[str, Any], fail_on: Iterable[str]) -> list[tuple[str, dict]]:
    """Return (path, claim) for each claim of one report at or above fail-on, not suppressed.

    `fail_on` holds verdicts and rule codes (a claim fails on either).
    """
    fail_on = set(fail_on)
    return [(a["path"], c) for a in doc.get("articles", []) for c in a.get("claims", [])
            if (c.get("verdict") in fail_on or c.get("rule") in fail_on) and not c.get("suppressed")]


# --- rendering ------------------------------------------------------------------


def _one_line(text: str, limit: int | None = None) -> str:
    flat = " ".join(str(text).split())
    if limit is not None and len(flat) > limit:
        flat = flat[: limit - 1].rstrip() + "…"
    return flat


def _verdict_text(c: Change) -> str:
    return f"{c.base_verdict} -> {c.verdict}" if c.kind == "changed" else c.verdict


def headline(d: ReportDiff) -> str:
    """Return the one-line summary, e.g. `1 new, 0 resolved, 0 changed (1 failing)`."""
    n = d.counts()
    text = f"{n['new']} new, {n['resolved']} resolved, {n['changed']} changed"
    if n["failing"]:
        text += f" ({n['failing']} at or above fail-on: {', '.join(d.fail_on)})"
    return text


def render_text(d: ReportDiff) -> str:
    """Return the diff for a terminal: a headline, then the changes grouped by article.

    Each change is `  + line:col  RULE verdict  "sentence"`, marked + new,
    - resolved, ~ changed, and `!` after the mark when it fails the run.
    """
    lines = [f"claimaudit diff {d.base} {d.head}: {headline(d)}"]
    for path, changes in d.by_article():
        lines += ["", path]
        width = max(len(f"{c.line}:{c.column}") for c in changes)
        for c in changes:
            mark = _MARKS[c.kind] + ("!" if c.failing else " ")
            where = f"{c.line}:{c.column}".ljust(width)
            ref = f" [{c.reference_id}]" if c.reference_id else ""
            note = f" ({c.note})" if c.note else ""
            lines.append(f"  {mark} {where}  {c.rule} {_verdict_text(c)}{ref}{note}"
                         f"  \"{_one_line(c.text, 120)}\"")
    for path, error in d.head_errors:
        lines += ["", f"warning: {d.head} could not audit {path}: {error}"]
    return "\n".join(lines) + "\n"


def _md(text: str) -> str:
    """Escape Markdown so a sentence shows as written in a PR comment."""
    out = []
    for ch in _one_line(text):
        out.append("\\" + ch if ch in "\\`*_[]<>|#" else ch)
    return "".join(out)


def render_markdown(d: ReportDiff) -> str:
    """Return the diff as a pull-request comment (GitHub-flavoured Markdown)."""
    n = d.counts()
    if n["failing"]:
        title = f"claimaudit: {n['failing']} new problem{'s' if n['failing'] != 1 else ''}"
    elif n["new"] or n["changed"]:
        title = "claimaudit: no new problems at or above fail-on"
    else:
        title = "claimaudit: no new problems"
    lines = [f"### {title}", "",
             f"**{n['new']} new** · {n['resolved']} resolved · {n['changed']} changed · "
             f"{n['unchanged']} unchanged (fails on: {', '.join(d.fail_on) or 'nothing'})"]
    for path, changes in d.by_article():
        lines += ["", f"#### `{path}`", ""]
        for c in changes:
            label = {"new": "**new**", "resolved": "resolved", "changed": "**changed**"}[c.kind]
            if c.failing:
                label += " (fails)"
            ref = f", {c.reference_id}" if c.reference_id else ""
            grade = f", evidence {c.evidence_grade}" if c.evidence_grade else ""
            note = f" ({c.note})" if c.note else ""
            lines.append(f"- {label} · line {c.line} · `{c.rule}` {_verdict_text(c)}{ref}{grade}"
                         f"{note}: {_md(c.text)}")
            if c.kind != "resolved" and c.verdict != "supported":
                if c.reason:
                    lines.append(f"  - Why: {_md(c.reason)}")
                if c.suggestion:
                    lines.append(f"  - Suggested wording: {_md(c.suggestion)}")
    if d.head_errors:
        lines += ["", "#### Files the head audit could not read", ""]
        lines += [f"- `{p}`: {_md(e)}" for p, e in d.head_errors]
    return "\n".join(lines) + "\n"


def diff_dict(d: ReportDiff) -> dict[str, Any]:
    """Return the diff as the `claimaudit/diff@1` JSON document."""
    return {
        "schema": DIFF_SCHEMA,
        "base": d.base,
        "head": d.head,
        "fail_on": list(d.fail_on),
        "summary": d.counts(),
        "articles": [
            {"path": path,
             **{kind: [_change_dict(c) for c in changes if c.kind == kind]
                for kind in ("new", "resolved", "changed")}}
            for path, changes in d.by_article()
        ],
        "head_errors": [{"path": p, "error": e} for p, e in d.head_errors],
    }


def _change_dict(c: Change) -> dict[str, Any]:
    out = asdict(c)
    del out["kind"], out["path"]
    return out


def render_json(d: ReportDiff) -> str:
    """Return the diff as JSON text (`claimaudit/diff@1`)."""
    return json.dumps(diff_dict(d), ensure_ascii=False, indent=2) + "\n"


RENDERERS = {"text": render_text, "markdown": render_markdown, "json": render_json}
