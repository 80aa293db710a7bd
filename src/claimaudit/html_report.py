"""HTML report: one page per article with every claim highlighted in place, and an index.

The pages are for editors: the article text with each claim marked in its
verdict's colour (`<mark class="claim" data-verdict="...">`, one element per
claim in the report), a details panel with the reason, the studies and the
suggested wording, and a filter by verdict. The index lists the articles
with their counts and draws the verdict totals as inline SVG.

Safety rules, since article text is untrusted input:

- Jinja2 with autoescape renders every piece of article text as text. The
  highlighted text is built by slicing the article at the claim offsets and
  escaping each slice; nothing from an article is ever marked safe.
- Per-claim details travel as a JSON blob in `<script type="application/json">`
  with `<`, `>` and `&` written as JSON unicode escapes (`\\u003c` ...), so
  no sequence in the data can close the element; the page's script puts them
  on the page with `textContent` only.
- A Content-Security-Policy allows only the page's own inline script (by its
  SHA-256), inline styles and data: images: no network, and no inline event
  handler or injected script could run even if escaping failed.
- Page file names are derived from article paths with every character
  outside `[A-Za-z0-9._-]` replaced and a hash of the path appended, so they
  never contain a separator and cannot escape the output folder.

Pages work from file:// (no external resources, no fetch).
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from collections.abc import Mapping
from importlib import resources
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from .ingest import IngestError, read_article
from .records import STRENGTH_NAMES, VERDICTS, ReferenceClaim
from .report import study_links, write_atomic
from .terminal import one_line, suppressed_count

INDEX_NAME = "index.html"
_UNSAFE_CHARS = re.compile(r"[^A-Za-z0-9._-]+")
_MAX_STEM = 60

VERDICT_LABELS = {
    "supported": "Supported",
    "overstated": "Overstated",
    "contradicted": "Contradicted",
    "unverified": "Unverified",
}
# Fill colours for the SVG chart (same hues as the page's highlight borders).
VERDICT_FILLS = {
    "supported": "#2f855a",
    "overstated": "#c77c02",
    "contradicted": "#c53030",
    "unverified": "#5a6b85",
}


def page_name(path: str) -> str:
    """Return a safe, unique HTML file name for an article path.

    Every run of characters outside `[A-Za-z0-9._-]` (path separators
    included) becomes `_`, leading dots and underscores are dropped (no
    hidden files, no `..`), the stem is cut to 60 characters, and the first
    10 hex digits of the SHA-256 of the full path are appended, so two paths
    that sanitize alike still get different names.
    """
    stem = _UNSAFE_CHARS.sub("_", path).lstrip("._")[:_MAX_STEM].rstrip("._") or "article"
    digest = hashlib.sha256(path.encode("utf-8", "surrogatepass")).hexdigest()[:10]
    return f"{stem}-{digest}.html"


def script_json(value: Any) -> Markup:
    """Serialize `value` as JSON that is safe inside `<script type="application/json">`.

    `<`, `>` and `&` become JSON unicode escapes, so `</script>` or `<!--`
    in the data cannot end or confuse the element; the JSON value is unchanged.
    """
    text = json.dumps(value, ensure_ascii=False, sort_keys=True)
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    text = text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    return Markup(text)  # noqa: S704 - no '<' left, and the content is JSON, not HTML


def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("claimaudit", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def _asset(name: str) -> str:
    return resources.files("claimaudit").joinpath("templates", name).read_text(encoding="utf-8")


def _csp(script: str | None) -> str:
    if script is None:
        script_src = "'none'"
    else:
        digest = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode()
        script_src = f"'sha256-{digest}'"
    return (f"default-src 'none'; script-src {script_src}; style-src 'unsafe-inline'; "
            "img-src data:; base-uri 'none'; form-action 'none'")


def segments(text: str, claims: list[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Cut article text into plain and claim pieces at the claim offsets.

    Returns `{"text": ..., "claim": index or None}` dicts in order; joining
    their texts gives `text` back. Claims are taken in report order; one that
    overlaps the previous claim starts where the previous one ended, so every
    claim still gets exactly one piece.
    """
    out: list[dict[str, Any]] = []
    pos = 0
    for i, c in enumerate(claims):
        start = min(max(int(c["start"]), pos), len(text))
        end = min(max(int(c["end"]), start), len(text))
        if start > pos:
            out.append({"text": text[pos:start], "claim": None})
        out.append({"text": text[start:end], "claim": i})
        pos = end
    if pos < len(text):
        out.append({"text": text[pos:], "claim": None})
    return out


def offsets_fit(text: str | None, claims: list[Mapping[str, Any]]) -> bool:
    """Return True when every claim's offsets slice its sentence out of `text`."""
    if text is None:
        return False
    return all(text[c["start"]:c["end"]] == c["text"] for c in claims)


def _study(study: Mapping[str, Any]) -> dict[str, Any]:
    keep = ("citation", "design", "year", "n", "finding", "pmid", "doi")
    out = {k: study[k] for k in keep if study.get(k) is not None}
    links = study_links(study)  # https only: PubMed, doi.org, else the study's own url
    if links:
        out["links"] = [{"label": label, "href": href} for label, href in links]
    return out


def claim_details(claim: Mapping[str, Any],
                  references: Mapping[str, ReferenceClaim] | None) -> dict[str, Any]:
    """Return what the details panel shows for one claim (plain data, escaped by the page)."""
    refs = references or {}
    ref_id = claim.get("reference_id")
    ref = refs.get(ref_id) if ref_id else None
    details: dict[str, Any] = {
        "verdict": claim["verdict"],
        "rule": claim.get("rule", ""),
        "line": claim.get("line"),
        "column": claim.get("column"),
        "text": claim["text"],
        "strength": claim.get("strength"),
        "strength_name": STRENGTH_NAMES.get(claim.get("strength"), ""),
        "cues": [c.get("text", "") for c in claim.get("cues", [])],
        "reference_id": ref_id,
        "reference_text": ref.text if ref else None,
        "stance": ref.stance if ref else None,
        "max_strength": ref.max_strength if ref else None,
        "max_strength_name": STRENGTH_NAMES.get(ref.max_strength, "") if ref else None,
        "score": claim.get("score"),
        "evidence_grade": claim.get("evidence_grade"),
        "reason": claim.get("reason", ""),
        "suggestion": claim.get("suggestion", ""),
        "studies": [_study(s) for s in claim.get("studies", [])],
        "candidates": [
            {"reference_id": c["reference_id"], "score": c.get("score"),
             "text": refs[c["reference_id"]].text if c["reference_id"] in refs else None}
            for c in claim.get("candidates", [])[:3]
        ],
        "suppressed": bool(claim.get("suppressed")),
    }
    return details


def _title_attr(claim: Mapping[str, Any]) -> str:
    head = claim["verdict"] + (" (suppressed)" if claim.get("suppressed") else "")
    ref = f" · {claim['reference_id']}" if claim.get("reference_id") else ""
    return f"{head}{ref}: {' '.join(claim.get('reason', '').split())}"


def _bars(counts: Mapping[str, int], width: float) -> list[dict[str, Any]]:
    """Return stacked-bar segments (x, width) for verdict counts scaled to `width`."""
    total = sum(counts.get(v, 0) for v in VERDICTS)
    out, x = [], 0.0
    for v in VERDICTS:
        n = counts.get(v, 0)
        if n and total:
            w = width * n / total
            out.append({"verdict": v, "n": n, "x": round(x, 2), "w": round(w, 2),
                        "fill": VERDICT_FILLS[v]})
            x += w
    return out


def _chart(summary: Mapping[str, int]) -> dict[str, Any]:
    """Return the geometry of the index's horizontal bar chart of verdict totals."""
    track = 300
    top = max([summary.get(v, 0) for v in VERDICTS] + [1])
    rows = []
    for i, v in enumerate(VERDICTS):
        n = summary.get(v, 0)
        w = round(track * n / top, 2)
        rows.append({"verdict": v, "label": VERDICT_LABELS[v], "n": n, "y": 8 + i * 34,
                     "w": w, "inside": w > track - 40, "fill": VERDICT_FILLS[v]})
    return {"rows": rows, "height": 8 + len(VERDICTS) * 34, "track": track, "width": 100 + track}


def _read_text(path: str) -> str | None:
    try:
        return read_article(path, path).text
    except (IngestError, OSError):
        return None


def render_article(doc: Mapping[str, Any], article: Mapping[str, Any], text: str | None,
                   references: Mapping[str, ReferenceClaim] | None = None,
                   env: jinja2.Environment | None = None) -> str:
    """Return the HTML page of one article."""
    env = env or _environment()
    claims = article["claims"]
    fits = offsets_fit(text, claims)
    pieces = segments(text, claims) if fits and text is not None else []
    script = _asset("report.js")
    # One way of counting everywhere (terminal, index, this page, the report's summary):
    # verdict counts leave suppressed claims out, and those are counted on their own.
    n_suppressed = suppressed_count(article)
    return env.get_template("article.html.j2").render(
        doc=doc,
        article=article,
        claims=claims,
        titles=[_title_attr(c) for c in claims],
        pieces=pieces,
        text_fits=fits,
        text_missing=text is None,
        details=script_json([claim_details(c, references) for c in claims]),
        verdicts=VERDICTS,
        labels=VERDICT_LABELS,
        counts=article["counts"],
        n_claims=sum(article["counts"].get(v, 0) for v in VERDICTS),
        n_suppressed=n_suppressed,
        index_name=INDEX_NAME,
        bars=_bars(article["counts"], 240),
        script=Markup(script),  # noqa: S704 - our own packaged file, not data
        csp=_csp(script),
    )


def render_index(doc: Mapping[str, Any], env: jinja2.Environment | None = None) -> str:
    """Return the HTML index: per-article table with links and a chart of verdict counts."""
    env = env or _environment()
    rows = []
    for a in doc["articles"]:
        rows.append({
            "path": a["path"],
            "title": one_line(a.get("title") or a["path"], 90),
            "full_title": a.get("title") or a["path"],
            "href": page_name(a["path"]),
            "counts": a["counts"],
            "claims": sum(a["counts"].get(v, 0) for v in VERDICTS),
            "sentences": a.get("sentence_count", 0),
            "bars": _bars(a["counts"], 160),
            "suppressed": suppressed_count(a),
        })
    return env.get_template("index.html.j2").render(
        doc=doc,
        rows=rows,
        chart=_chart(doc["summary"]),
        n_suppressed=sum(r["suppressed"] for r in rows),
        verdicts=VERDICTS,
        labels=VERDICT_LABELS,
        fills=VERDICT_FILLS,
        csp=_csp(None),
    )


def write_html(doc: dict, out: str | Path, texts: dict[str, str] | None = None, *,
               references: Mapping[str, ReferenceClaim] | None = None) -> list[Path]:
    """Write one HTML page per article and `index.html` into `out`; return the paths.

    `texts` maps article path -> article text (the text the report offsets
    refer to: for .html articles the extracted text). Articles missing from it
    (or all, when it is None) are re-read with `ingest.read_article`. When the
    text cannot be read or no longer matches the report's offsets, the page
    lists the claims without the surrounding text and says why.
    `references` (reference id -> ReferenceClaim) adds the reference claims'
    text to the details panel.
    """
    out = Path(out)
    env = _environment()
    written: list[Path] = []
    root = out.resolve()
    for article in doc["articles"]:
        path = article["path"]
        text = texts.get(path) if texts is not None and path in texts else _read_text(path)
        target = out / page_name(path)
        if target.resolve().parent != root:  # cannot happen with page_name; belt and braces
            raise ValueError(f"refusing to write outside {out}: {target}")
        write_atomic(target, render_article(doc, article, text, references, env))
        written.append(target)
    index = out / INDEX_NAME
    write_atomic(index, render_index(doc, env))
    written.append(index)
    return written
