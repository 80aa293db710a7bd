"""Terminal renderers for a report document (`claimaudit/report@1`).

`render_full` is the editor's view: every claim that is not supported, in
place (`path:line:col`), with the reference claim it matched, the studies
and grade behind it, why it was flagged, and a wording the evidence carries.
`render_concise` is one line a finding, `path:line:col: RULE verdict message`,
for editors' quick-fix lists and CI logs.

`render_findings` and `problem_summary` are what `claimaudit audit` prints:
the findings first, one line each, then one summary line ("Found 19 problems
(16 overstated, 3 contradicted) in 5 articles; 78 claims unverified"), as
ruff does.

All read only the report document (plus, for `render_full`, the reference
claims by id, to print the reference text); none prints anything.
`color_enabled` and `terminal_width` decide colour (NO_COLOR) and width
(COLUMNS) for the CLI.
"""

from __future__ import annotations

import os
import re
import shutil
import textwrap
from collections.abc import Iterator, Mapping
from typing import Any

import click

from .records import STRENGTH_NAMES, STRONG_UNVERIFIED, ReferenceClaim
from .report import study_links

#: Colour of each verdict in the terminal (click.style names).
VERDICT_COLORS = {
    "supported": "green",
    "overstated": "yellow",
    "contradicted": "red",
    "unverified": "cyan",
}

CONCISE_TEXT_CHARS = 120  # a concise line quotes at most this much of the sentence

_LABEL_WIDTH = 10  # "reference " etc.


def is_problem(claim: Mapping[str, Any]) -> bool:
    """Return True for a claim an editor must fix first: overstated, contradicted or CA403."""
    return (claim.get("verdict") in ("overstated", "contradicted")
            or claim.get("rule") == STRONG_UNVERIFIED)


def reported_claims(doc: Mapping[str, Any], show_unverified: bool = True,
                    ) -> Iterator[tuple[dict[str, Any], dict[str, Any]]]:
    """Yield (article, claim) for every claim an editor must look at.

    That is every claim that is not supported and not suppressed, in report
    order (path, then offset). With `show_unverified` False, plain unverified
    claims (CA401, CA402) are left out; CA403 (an unverified claim worded as a
    cure, guarantee, proof or blanket safety) is always kept.
    """
    for article in doc.get("articles", []):
        for claim in article.get("claims", []):
            if claim.get("verdict") == "supported" or claim.get("suppressed"):
                continue
            if show_unverified or is_problem(claim):
                yield article, claim


def suppressed_count(article: Mapping[str, Any]) -> int:
    """Return how many of an article's claims are suppressed (not in its `counts`).

    A report's article entry is counted claim by claim; the short entries of
    `claimaudit audit`'s summary document carry the number as `suppressed`.
    """
    if isinstance(article.get("suppressed"), int):
        return article["suppressed"]
    return sum(1 for c in article.get("claims", []) if c.get("suppressed"))


def color_enabled(flag: bool | None, stream: Any) -> bool:
    """Decide colour: --color/--no-color when given, else off under NO_COLOR, else when a terminal.

    NO_COLOR (https://no-color.org) counts when set to anything but the empty string.
    """
    if flag is not None:
        return flag
    if os.environ.get("NO_COLOR", ""):
        return False
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


def terminal_width(stream: Any, default: int | None = 88) -> int | None:
    """Return the output width: COLUMNS when set, else the terminal's, else `default`."""
    columns = os.environ.get("COLUMNS", "").strip()
    if columns.isdigit() and int(columns) > 0:
        return int(columns)
    isatty = getattr(stream, "isatty", None)
    if isatty and isatty():
        return shutil.get_terminal_size((default, 24)).columns
    return default


def one_line(text: str, limit: int | None = None) -> str:
    """Collapse whitespace to single spaces; cut to `limit` characters with an ellipsis."""
    flat = " ".join(str(text).split())
    if limit is not None and len(flat) > limit:
        flat = flat[: limit - 1].rstrip() + "…"
    return flat


def concise_message(claim: Mapping[str, Any]) -> str:
    """Return the message of a concise line: the quoted sentence and what it matched."""
    quoted = f'"{one_line(claim["text"], CONCISE_TEXT_CHARS)}"'
    if claim.get("reference_id"):
        grade = claim.get("evidence_grade") or "?"
        return f"{quoted} ({claim['reference_id']}, evidence {grade})"
    return f"{quoted} (no matching reference claim)"


def render_concise(doc: dict, show_unverified: bool = True) -> str:
    """Return one line per flagged claim: `path:line:col: RULE verdict message`.

    Only claims that are not supported and not suppressed are listed (and,
    with `show_unverified` False, not plain unverified ones). The result ends
    with a newline unless it is empty.
    """
    lines = [
        f"{a['path']}:{c['line']}:{c['column']}: {c['rule']} {c['verdict']} {concise_message(c)}"
        for a, c in reported_claims(doc, show_unverified)
    ]
    return "".join(line + "\n" for line in lines)


# --- audit: findings first ------------------------------------------------------

_MIN_QUOTE = 40  # a finding line keeps at least this much of the sentence, however narrow


def finding_line(article: Mapping[str, Any], claim: Mapping[str, Any], color: bool = False,
                 width: int | None = None) -> str:
    """Return one finding as `path:line:col: RULE verdict "sentence" (reference, evidence)`.

    The sentence is cut (with an ellipsis) so the line fits `width` columns,
    keeping at least 40 characters of it; the location is never cut. Without
    a width (output piped, no COLUMNS) the sentence is cut at 120 characters.
    """
    where = f"{article['path']}:{claim['line']}:{claim['column']}:"
    verdict = claim["verdict"]
    ref = claim.get("reference_id")
    tail = (f" ({ref}, evidence {claim.get('evidence_grade') or '?'})" if ref
            else " (no matching reference claim)")
    head_len = len(where) + 1 + len(claim["rule"]) + 1 + len(verdict) + 1
    limit = CONCISE_TEXT_CHARS
    if width:
        limit = min(limit, max(_MIN_QUOTE, width - head_len - len(tail) - 2))
    quoted = f'"{one_line(claim["text"], limit)}"'
    if not color:
        return f"{where} {claim['rule']} {verdict} {quoted}{tail}"
    return (_style(where, True, bold=True) + " " + _style(claim["rule"], True, bold=True) + " "
            + _style(verdict, True, fg=VERDICT_COLORS.get(verdict, "white")) + " " + quoted
            + _style(tail, True, dim=True))


def render_findings(doc: Mapping[str, Any], color: bool = False, width: int | None = None,
                    show_unverified: bool = False) -> str:
    """Return the findings of a report, one line each (see `finding_line`), in report order.

    Listed: overstated, contradicted and CA403 claims that are not suppressed;
    plain unverified ones only with `show_unverified`. Ends with a newline unless
    empty.
    """
    return "".join(finding_line(a, c, color, width) + "\n"
                   for a, c in reported_claims(doc, show_unverified))


def _count_phrase(n: int, word: str, plural: str | None = None) -> str:
    return f"{n:,} {word if n == 1 else (plural or word + 's')}"


def problem_summary(doc: Mapping[str, Any], color: bool = False) -> str:
    """Return the one line that ends `claimaudit audit`'s output.

    E.g. `Found 19 problems (16 overstated, 3 contradicted) in 5 articles; 78
    claims unverified`. Problems are unsuppressed overstated, contradicted and
    CA403 (unsupported strong) claims; "unverified" counts the other unverified
    claims. Suppressed claims and unreadable files are added when there are any.
    """
    s = doc["summary"]
    strong = sum(1 for a in doc.get("articles", []) for c in a.get("claims", [])
                 if c.get("rule") == STRONG_UNVERIFIED and not c.get("suppressed"))
    parts = [(s.get("overstated", 0), "overstated"), (s.get("contradicted", 0), "contradicted"),
             (strong, "unsupported strong")]
    total = sum(n for n, _ in parts)
    articles = _count_phrase(s.get("articles", 0), "article")
    if total:
        detail = ", ".join(f"{n:,} {label}" for n, label in parts if n)
        head = f"Found {_count_phrase(total, 'problem')} ({detail}) in {articles}"
        head = _style(head, color, bold=True)
    else:
        head = _style(f"No problems found in {articles}", color, fg="green", bold=True)
    unverified = s.get("unverified", 0) - strong
    tail = [f"{_count_phrase(unverified, 'claim')} unverified"]
    suppressed = sum(suppressed_count(a) for a in doc.get("articles", []))
    if suppressed:
        tail.append(f"{suppressed:,} suppressed")
    errors = len(doc.get("errors", []))
    if errors:
        tail.append(_count_phrase(errors, "file") + " could not be read")
    return head + "; " + "; ".join(tail)


# --- full -------------------------------------------------------------------


def _style(text: str, color: bool, **kwargs: Any) -> str:
    return click.style(text, **kwargs) if color else text


def study_line(study: Mapping[str, Any]) -> str:
    """Return a study as `citation — design, n=N`, with PMID or DOI when known."""
    bits = [study.get("design") or "design not recorded"]
    if study.get("n"):
        bits.append(f"n={study['n']:,}")
    ident = ""
    if study.get("pmid"):
        ident = f" [PMID {study['pmid']}]"
    elif study.get("doi"):
        ident = f" [doi:{study['doi']}]"
    return f"{study.get('citation', '').strip()} — {', '.join(bits)}{ident}"


_BASIS_RE = re.compile(
    r'^Matches (?P<id>\S+) "(?P<text>.*?)" \(score [\d.]+\); evidence \w+, stance \w+: '
)


def reason_tail(reason: str, studies: list[Mapping[str, Any]]) -> str:
    """Return the part of a verdict reason that is not already shown field by field.

    A matched claim's reason opens with the reference claim, its score, grade,
    stance and studies, which the full view prints on their own lines; this
    keeps the sentence after them ("The claim is worded as ..."). When the
    reason does not have that shape it is returned whole, so nothing is lost.
    """
    m = _BASIS_RE.match(reason)
    if not m:
        return reason
    rest = reason[m.end():]
    # The studies phrase ends with "." and the explanation starts a new sentence.
    cut = re.search(r"\.\s+(?=The |This |It |Worded )", rest)
    if cut is None or not studies:
        return reason
    return rest[cut.end():].strip() or reason


def _wrap(text: str, width: int, indent: str, hang: str = "") -> list[str]:
    return textwrap.wrap(
        text, width=max(width, len(indent) + 20), initial_indent=indent,
        subsequent_indent=indent + hang, break_long_words=False, break_on_hyphens=False,
    ) or [indent.rstrip()]


def _field(label: str, text: str, width: int, color: bool, first_style: dict | None = None,
           hang: str = "") -> list[str]:
    """Return a labelled, wrapped field: `  label     text...` with a hanging indent."""
    indent = " " * (2 + _LABEL_WIDTH)
    wrapped = _wrap(text, width, indent, hang)
    head = "  " + _style(label.ljust(_LABEL_WIDTH), color, dim=True)
    first = wrapped[0][len(indent):]
    if first_style:
        first = _style(first, color, **first_style)
    return [head + first] + wrapped[1:]


def evidence_text(claim: Mapping[str, Any], ref: ReferenceClaim | None) -> str:
    """Return the evidence line: grade, stance, and the wording strength it allows."""
    grade = claim.get("evidence_grade") or "?"
    asserted = claim.get("strength")
    asserted_txt = f"{asserted} ({STRENGTH_NAMES.get(asserted, '?')})"
    if ref is None:
        return f"{grade}; the claim is worded at strength {asserted_txt}"
    if not ref.studies:
        return f"{grade}: no study found either way"
    if ref.stance == "refutes":
        return f"{grade} evidence against this claim (stance refutes)"
    allowed = f"{ref.max_strength} ({STRENGTH_NAMES.get(ref.max_strength, '?')})"
    return (f"{grade}, stance {ref.stance}; allows wording up to strength {allowed}, "
            f"the claim is worded at {asserted_txt}")


def render_claim(article: Mapping[str, Any], claim: Mapping[str, Any],
                 reference_by_id: Mapping[str, ReferenceClaim], color: bool,
                 width: int = 88) -> list[str]:
    """Return the lines that show one claim to an editor."""
    verdict = claim["verdict"]
    vcolor = VERDICT_COLORS.get(verdict, "white")
    where = f"{article['path']}:{claim['line']}:{claim['column']}"
    head = (_style(where, color, bold=True) + "  "
            + _style(f" {verdict.upper()} ", color, fg="black", bg=vcolor, bold=True)
            if color else f"{where}  {verdict.upper()}")
    lines = [head + "  " + _style(claim["rule"], color, dim=True)]
    bar = _style("│", color, fg=vcolor)
    for piece in _wrap(one_line(claim["text"]), width - 4, ""):
        lines.append(f"  {bar} " + _style(piece, color, bold=True))

    ref_id = claim.get("reference_id")
    if ref_id:
        ref = reference_by_id.get(ref_id)
        ref_text = f'{ref_id} "{ref.text}"' if ref else ref_id
        if claim.get("score") is not None:
            ref_text += f" (match {claim['score']:.0f}/100)"
        lines += _field("reference", ref_text, width, color)
        lines += _field("evidence", evidence_text(claim, ref), width, color)
        studies = claim.get("studies") or []
        for i, study in enumerate(studies):
            lines += _field("studies" if i == 0 else "", "• " + study_line(study), width, color,
                            hang="  ")
            for _, href in study_links(study):  # a link is never wrapped
                lines.append(" " * (2 + _LABEL_WIDTH + 2) + _style(href, color, fg="blue"))
        why = reason_tail(claim.get("reason", ""), studies)
    else:
        why = claim.get("reason", "")
        near = claim.get("candidates", [])[:3]
        if near:  # the candidates are listed below; keep the reason's first part
            why = why.split(" (closest:")[0].rstrip(".") + "."
        for i, cand in enumerate(near):
            ref = reference_by_id.get(cand["reference_id"])
            text = f'{cand["reference_id"]} "{ref.text}"' if ref else cand["reference_id"]
            lines += _field("closest" if i == 0 else "", f"{text} ({cand['score']:.0f}/100)",
                            width, color)
    if why:
        lines += _field("why", why, width, color)
    if claim.get("suggestion"):
        lines += _field("suggest", claim["suggestion"], width, color,
                        first_style={"fg": "green"})
    elif verdict == "unverified":
        lines += _field("suggest", "Cite a source for this claim, or add a reference entry "
                        "for it.", width, color)
    return lines


def render_full(doc: dict, reference_by_id: Mapping[str, ReferenceClaim], color: bool,
                width: int = 88, show_unverified: bool = True) -> str:
    """Return the editor's view of a report: every claim that is not supported, in place.

    Each claim shows `path:line:col`, its verdict and rule, the sentence, the
    matched reference claim (id and text, looked up in `reference_by_id`), the
    grade and studies behind it, the reason and the suggested rewording. A
    summary line ends the text. `color` adds ANSI styles (click.style). With
    `show_unverified` False plain unverified claims (CA401, CA402) are counted
    but not shown; CA403 ones always are.
    """
    out: list[str] = []
    for article, claim in reported_claims(doc, show_unverified):
        out += render_claim(article, claim, reference_by_id, color, width)
        out.append("")
    if not out:
        any_claims = any(a.get("claims") for a in doc.get("articles", []))
        out.append("Nothing to review." if any_claims
                   else "No claims found.")
    out.append(summary_line(doc, color, show_unverified))
    return "\n".join(out) + "\n"


def summary_line(doc: Mapping[str, Any], color: bool = False, show_unverified: bool = True) -> str:
    """Return e.g. `2 articles, 9 claims: 1 overstated, 2 contradicted, ... (1 suppressed)`.

    When plain unverified claims were left out (`show_unverified` False and
    there are some), the line says so and how to see them.
    """
    s = doc["summary"]
    parts = []
    for verdict in ("overstated", "contradicted", "unverified", "supported"):
        n = s.get(verdict, 0)
        text = f"{n} {verdict}"
        parts.append(_style(text, color, fg=VERDICT_COLORS[verdict], bold=True) if n and color
                     else text)
    suppressed = sum(1 for a in doc.get("articles", []) for c in a.get("claims", [])
                     if c.get("suppressed"))
    line = (f"{_plural(s.get('articles', 0), 'article')}, {_plural(s.get('claims', 0), 'claim')}: "
            + ", ".join(parts))
    if suppressed:
        line += f" ({suppressed} suppressed)"
    hidden = sum(1 for _ in reported_claims(doc)) - sum(1 for _ in reported_claims(doc, False))
    if not show_unverified and hidden:
        line += f". {hidden} unverified not shown (--show-unverified lists them)"
    return line + "."


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"
