"""Terminal renderers for a report document (`claimaudit/report@1`).

`render_full` is the editor's view: every claim that is not supported, in
place (`path:line:col`), with the reference claim it matched, the studies
and grade behind it, why it was flagged, and a wording the evidence carries.
`render_concise` is one line a finding, `path:line:col: RULE verdict message`,
for editors' quick-fix lists and CI logs.

Both read only the report document (plus, for `render_full`, the reference
claims by id, to print the reference text); neither prints anything.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Iterator, Mapping
from typing import Any

import click

from .records import STRENGTH_NAMES, ReferenceClaim
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


def reported_claims(doc: Mapping[str, Any]) -> Iterator[tuple[dict[str, Any], dict[str, Any]]]:
    """Yield (article, claim) for every claim an editor must look at.

    That is every claim that is not supported and not suppressed, in report
    order (path, then offset).
    """
    for article in doc.get("articles", []):
        for claim in article.get("claims", []):
            if claim.get("verdict") != "supported" and not claim.get("suppressed"):
                yield article, claim


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


def render_concise(doc: dict) -> str:
    """Return one line per flagged claim: `path:line:col: RULE verdict message`.

    Only claims that are not supported and not suppressed are listed. The
    result ends with a newline unless it is empty.
    """
    lines = [
        f"{a['path']}:{c['line']}:{c['column']}: {c['rule']} {c['verdict']} {concise_message(c)}"
        for a, c in reported_claims(doc)
    ]
    return "".join(line + "\n" for line in lines)


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
                width: int = 88) -> str:
    """Return the editor's view of a report: every claim that is not supported, in place.

    Each claim shows `path:line:col`, its verdict and rule, the sentence, the
    matched reference claim (id and text, looked up in `reference_by_id`), the
    grade and studies behind it, the reason and the suggested rewording. A
    summary line ends the text. `color` adds ANSI styles (click.style).
    """
    out: list[str] = []
    for article, claim in reported_claims(doc):
        out += render_claim(article, claim, reference_by_id, color, width)
        out.append("")
    if not out:
        any_claims = any(a.get("claims") for a in doc.get("articles", []))
        out.append("Nothing to review." if any_claims
                   else "No claims found.")
    out.append(summary_line(doc, color))
    return "\n".join(out) + "\n"


def summary_line(doc: Mapping[str, Any], color: bool = False) -> str:
    """Return e.g. `2 articles, 9 claims: 1 overstated, 2 contradicted, ... (1 suppressed)`."""
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
    return line + "."


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"
