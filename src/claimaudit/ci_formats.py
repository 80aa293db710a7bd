"""CI renderers of a report document: SARIF 2.1.0, GitHub workflow commands, JUnit XML.

Each renderer reads only the `claimaudit/report@1` document (`report_dict`)
and returns text; none prints or writes. What each shows:

| verdict | SARIF `level` | GitHub command | JUnit |
|---|---|---|---|
| contradicted (CA301, CA302, CA303) | error | `::error` | failure |
| overstated (CA201, CA202) | warning | `::warning` | failure |
| unverified (CA401, CA402) | note | `::notice` | pass |
| unverified worded as a cure, guarantee, proof or blanket safety (CA403) | warning | `::warning` | pass |
| supported (CA001, CA002, CA003) | not listed | not listed | pass |
| unused suppression (CA900) | note | `::notice` | not listed |

Suppressed claims are left out of SARIF and GitHub output (JUnit lists them
as skipped). Positions: `line`/`column` are 1-based and `end_column` is
exclusive, counted in Unicode code points (SARIF `columnKind`
`unicodeCodePoints`). For HTML articles the report's positions index the
extracted article text, not the file: `with_html_source_positions` maps each
sentence back to the page source, so SARIF and GitHub point at its line and
column there, quote the sentence in the message, and SARIF keeps the
extracted-text position as properties.

`with_suppression_positions` adds line and column to each unused suppression
(the report records its offset only); the CLI calls it before rendering.
"""

from __future__ import annotations

import bisect
import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator, Mapping
from typing import Any

from .records import STRONG_UNVERIFIED
from .terminal import one_line
from .verdict import RULES

SARIF_SCHEMA = ("https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/"
                "sarif-schema-2.1.0.json")
UNUSED_RULE = "CA900"

#: SARIF level of each verdict; GitHub's command for each SARIF level.
LEVELS = {"contradicted": "error", "overstated": "warning", "unverified": "note",
          "supported": "none", "note": "note"}
#: Rules whose level is not their verdict's: CA403 is unverified, but a warning.
RULE_LEVELS = {STRONG_UNVERIFIED: "warning"}
GITHUB_COMMANDS = {"error": "error", "warning": "warning", "note": "notice"}


def level_of(verdict: str, rule: str | None = None) -> str:
    """Return the SARIF level of a finding: its rule's own level, else its verdict's."""
    return RULE_LEVELS.get(rule or "", LEVELS.get(verdict, "note"))
JUNIT_FAILING = ("overstated", "contradicted")

_COMMENT_RE = re.compile(r"<!--.*?-->", re.DOTALL)


# --- shared -------------------------------------------------------------------


def finding_message(claim: Mapping[str, Any]) -> str:
    """Return a finding's message: verdict, the reason, and the suggested wording if any."""
    message = f"{claim['verdict']}: {one_line(claim.get('reason') or '')}"
    if claim.get("suggestion"):
        message += f" Suggested wording: {one_line(claim['suggestion'])}"
    return message


def unused_message(entry: Mapping[str, Any]) -> str:
    """Return the message of an unused suppression (CA900)."""
    comment = entry.get("comment") or f"claimaudit: {entry.get('directive', 'ignore')}"
    return f"unused-suppression: {one_line(comment)} suppresses nothing; remove it"


def positioned(article: Mapping[str, Any]) -> bool:
    """Return True when the article's positions index the file itself (not extracted text)."""
    return article.get("offsets", "source") == "source" and article.get("kind") != "html"


def reported(doc: Mapping[str, Any]) -> Iterator[tuple[dict[str, Any], dict[str, Any]]]:
    """Yield (article, claim) for every claim that is not supported and not suppressed."""
    for article in doc.get("articles", []):
        for claim in article.get("claims", []):
            if claim.get("verdict") != "supported" and not claim.get("suppressed"):
                yield article, claim


def unused(doc: Mapping[str, Any]) -> Iterator[tuple[dict[str, Any], dict[str, Any]]]:
    """Yield (article, entry) for every unused suppression that is itself not ignored."""
    for article in doc.get("articles", []):
        for entry in article.get("unused_suppressions", []):
            if not entry.get("suppressed"):
                yield article, entry


def with_suppression_positions(
    doc: dict[str, Any], text_of: Callable[[str], str | None],
    ignored_for: Callable[[str], frozenset[str]] | None = None,
) -> dict[str, Any]:
    """Return a copy of `doc` whose unused suppressions carry positions and their comment.

    `text_of(path)` returns the article text the report's offsets index (None
    if it cannot be read; those entries keep their offset only).
    `ignored_for(path)` returns the codes ignored for that article; when it
    holds CA900, the entries are marked `suppressed` and not rendered.
    """
    out = dict(doc)
    articles = []
    for article in doc.get("articles", []):
        entries = article.get("unused_suppressions") or []
        if not entries:
            articles.append(article)
            continue
        text = text_of(article["path"])
        ignored = ignored_for(article["path"]) if ignored_for else frozenset()
        new_entries = []
        for entry in entries:
            entry = dict(entry)
            if text is not None:
                entry.update(_position(text, int(entry["offset"])))
            if UNUSED_RULE in ignored:
                entry["suppressed"] = True
            new_entries.append(entry)
        articles.append({**article, "unused_suppressions": new_entries})
    out["articles"] = articles
    return out


def _position(text: str, offset: int) -> dict[str, Any]:
    starts = [0] + [i + 1 for i, ch in enumerate(text) if ch == "\n"]

    def line_col(pos: int) -> tuple[int, int]:
        line = bisect.bisect_right(starts, pos)
        return line, pos - starts[line - 1] + 1

    m = _COMMENT_RE.match(text, offset)
    end = m.end() if m else offset
    line, column = line_col(offset)
    end_line, end_column = line_col(end)
    pos: dict[str, Any] = {"line": line, "column": column, "end_line": end_line,
                           "end_column": end_column}
    if m:
        pos["comment"] = m.group(0)
    return pos


def read_html_source(path: str) -> str | None:
    """Return an .html article's decoded source (newlines normalized), or None if unreadable."""
    from .ingest import IngestError, decode, normalize_newlines, read_bytes

    try:
        return normalize_newlines(decode(read_bytes(path, path))[0])
    except (IngestError, ValueError):
        return None


def with_html_source_positions(
    doc: dict[str, Any], source_of: Callable[[str], str | None] = read_html_source,
) -> dict[str, Any]:
    """Return a copy of `doc` whose .html articles' claims (and unused suppressions) carry `source`:
    the line and column of the sentence in the page source, for SARIF and GitHub annotations.

    The report's offsets for .html index the extracted text; the extraction is
    run again with a character map (`ingest.html_text_map`). An article whose
    source cannot be read, or changed since the audit (its extracted text no
    longer holds the sentence), keeps no source position.
    """
    from .ingest import html_text_map, source_span
    from .segment import line_starts, position

    out = dict(doc)
    articles = []
    for article in doc.get("articles", []):
        items = [c for c in article.get("claims", [])] + list(article.get("unused_suppressions") or [])
        source = source_of(article["path"]) if article.get("kind") == "html" and items else None
        if source is None:
            articles.append(article)
            continue
        text, origins = html_text_map(source)
        starts = line_starts(source)

        def locate(item: dict[str, Any], start: int, end: int) -> dict[str, Any]:
            span = source_span(origins, source, start, end)
            if span is None:
                return item
            (line, col), (end_line, end_col) = position(starts, span[0]), position(starts, span[1])
            return {**item, "source": {"line": line, "column": col, "end_line": end_line,
                                       "end_column": end_col}}

        claims = [locate(c, c["start"], c["end"]) if text[c["start"]:c["end"]] == c["text"] else c
                  for c in article.get("claims", [])]
        entries = []
        for e in article.get("unused_suppressions") or []:
            m = _COMMENT_RE.match(text, int(e["offset"]))
            entries.append(locate(e, m.start(), m.end()) if m else e)
        articles.append({**article, "claims": claims, "unused_suppressions": entries})
    out["articles"] = articles
    return out


def _where(article: Mapping[str, Any], item: Mapping[str, Any]) -> dict[str, int] | None:
    """Return the item's (line, column, end_line, end_column) in the file, or None."""
    if positioned(article) and item.get("line"):
        return {"line": item["line"], "column": item["column"],
                "end_line": item.get("end_line", item["line"]),
                "end_column": item.get("end_column", item["column"])}
    return item.get("source")


def _quoted(article: Mapping[str, Any], claim: Mapping[str, Any], message: str) -> str:
    """Quote the sentence in front of the message for .html articles (their lines are markup)."""
    if positioned(article):
        return message
    return f"\"{one_line(claim['text'], 300)}\" {message}"


# --- SARIF --------------------------------------------------------------------


def sarif_rules() -> list[dict[str, Any]]:
    """Return `tool.driver.rules`: one reportingDescriptor per rule in `verdict.RULES`."""
    rules = []
    for rule in RULES.values():
        level = level_of(rule.verdict, rule.code)
        rules.append({
            "id": rule.code,
            "name": rule.name,
            "shortDescription": {"text": rule.name.replace("-", " ")},
            "fullDescription": {"text": rule.summary},
            "help": {"text": f"{rule.summary} Example: {rule.example}"},
            "defaultConfiguration": {"level": level},
            "properties": {"verdict": rule.verdict},
        })
    return rules


def _sarif_location(article: Mapping[str, Any], item: Mapping[str, Any]) -> dict[str, Any]:
    physical: dict[str, Any] = {"artifactLocation": {"uri": _uri(article["path"])}}
    where = _where(article, item)
    if where is not None and not positioned(article):  # .html: the sentence in the page source
        physical["region"] = {"startLine": where["line"], "startColumn": where["column"],
                              "endLine": where["end_line"], "endColumn": where["end_column"]}
    elif positioned(article) and item.get("line"):
        region = {"startLine": item["line"], "startColumn": item["column"],
                  "endLine": item.get("end_line", item["line"]),
                  "endColumn": item.get("end_column", item["column"])}
        if "start" in item and "end" in item:
            region.update(charOffset=item["start"], charLength=item["end"] - item["start"])
        elif "offset" in item and "comment" in item:
            region.update(charOffset=item["offset"], charLength=len(item["comment"]))
        physical["region"] = region
    return {"physicalLocation": physical}


def _uri(path: str) -> str:
    """Return a relative path as a URI reference (spaces and '%' escaped)."""
    return path.replace("\\", "/").replace("%", "%25").replace(" ", "%20")


def _extracted_position(article: Mapping[str, Any], item: Mapping[str, Any]) -> dict[str, Any]:
    if positioned(article) or not item.get("line"):
        return {}
    return {"extractedTextLine": item["line"], "extractedTextColumn": item["column"]}


def _sarif_result(article: Mapping[str, Any], claim: Mapping[str, Any],
                  index: Mapping[str, int]) -> dict[str, Any]:
    props = {"verdict": claim["verdict"], "referenceId": claim.get("reference_id"),
             "evidenceGrade": claim.get("evidence_grade"), "strength": claim.get("strength"),
             "claim": claim["text"], **_extracted_position(article, claim)}
    if claim.get("suggestion"):
        props["suggestion"] = claim["suggestion"]
    return {
        "ruleId": claim["rule"],
        "ruleIndex": index[claim["rule"]],
        "level": level_of(claim["verdict"], claim["rule"]),
        "message": {"text": _quoted(article, claim, finding_message(claim))},
        "locations": [_sarif_location(article, claim)],
        "partialFingerprints": {"claimauditFingerprint/v1": claim["fingerprint"]},
        "properties": {k: v for k, v in props.items() if v is not None},
    }


def _sarif_unused(article: Mapping[str, Any], entry: Mapping[str, Any],
                  index: Mapping[str, int]) -> dict[str, Any]:
    return {
        "ruleId": UNUSED_RULE,
        "ruleIndex": index[UNUSED_RULE],
        "level": "note",
        "message": {"text": unused_message(entry)},
        "locations": [_sarif_location(article, entry)],
        "partialFingerprints": {
            "claimauditFingerprint/v1": f"{UNUSED_RULE}:{article['path']}:{entry['offset']}"},
        "properties": {"directive": entry.get("directive"),
                       **_extracted_position(article, entry)},
    }


def sarif_dict(doc: Mapping[str, Any]) -> dict[str, Any]:
    """Return the SARIF 2.1.0 log of a report document (one run)."""
    rules = sarif_rules()
    index = {r["id"]: i for i, r in enumerate(rules)}
    results = []
    for article in doc.get("articles", []):
        one = {"articles": [article]}
        items = [((c.get("start", 0), 0), _sarif_result(article, c, index))
                 for _, c in reported(one)]
        items += [((e.get("offset", 0), 1), _sarif_unused(article, e, index))
                  for _, e in unused(one)]
        results += [r for _, r in sorted(items, key=lambda t: t[0])]
    notifications = [
        {"level": "error", "message": {"text": f"{e['path']}: {e['error']}"},
         "locations": [{"physicalLocation": {"artifactLocation": {"uri": _uri(e["path"])}}}]}
        for e in doc.get("errors", [])
    ]
    invocation: dict[str, Any] = {"executionSuccessful": True}
    if notifications:
        invocation["toolExecutionNotifications"] = notifications
    return {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "claimaudit",
                "version": doc.get("tool_version", ""),
                "semanticVersion": doc.get("tool_version", ""),
                "rules": rules,
            }},
            "columnKind": "unicodeCodePoints",
            "invocations": [invocation],
            "results": results,
            "properties": {"reportSchema": doc.get("schema"),
                           "referenceSha256": doc.get("reference", {}).get("sha256")},
        }],
    }


def render_sarif(doc: Mapping[str, Any]) -> str:
    """Return the SARIF 2.1.0 log of a report document as JSON text."""
    return json.dumps(sarif_dict(doc), ensure_ascii=False, indent=2) + "\n"


# --- GitHub workflow commands -------------------------------------------------


def _gh_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _gh_property(text: str) -> str:
    return _gh_data(text).replace(":", "%3A").replace(",", "%2C")


def github_line(command: str, article: Mapping[str, Any], item: Mapping[str, Any], code: str,
                message: str) -> str:
    """Return one workflow command: `::error file=...,line=...,title=claimaudit (CA301)::...`."""
    props = [f"file={_gh_property(article['path'])}"]
    where = _where(article, item)
    if where is not None:
        props += [f"line={where['line']}", f"col={where['column']}",
                  f"endLine={where['end_line']}", f"endColumn={where['end_column']}"]
    props.append(f"title={_gh_property(f'claimaudit ({code})')}")
    return f"::{command} {','.join(props)}::{_gh_data(message)}"


def render_github(doc: Mapping[str, Any]) -> str:
    """Return GitHub Actions workflow commands, one line per finding, in report order.

    contradicted -> `::error`, overstated -> `::warning`, unverified and unused
    suppressions -> `::notice`.
    """
    lines = []
    for article in doc.get("articles", []):
        items: list[tuple[int, int, str]] = []
        for a, claim in reported({"articles": [article]}):
            command = GITHUB_COMMANDS[level_of(claim["verdict"], claim["rule"])]
            items.append((claim.get("start", 0), 0, github_line(
                command, a, claim, claim["rule"], _quoted(a, claim, finding_message(claim)))))
        for a, entry in unused({"articles": [article]}):
            items.append((entry.get("offset", 0), 1, github_line(
                "notice", a, entry, UNUSED_RULE, unused_message(entry))))
        lines += [line for _, _, line in sorted(items, key=lambda t: (t[0], t[1]))]
    for e in doc.get("errors", []):
        lines.append(f"::error file={_gh_property(e['path'])},title=claimaudit (input error)::"
                     f"{_gh_data(e['error'])}")
    return "".join(line + "\n" for line in lines)


# --- concise --------------------------------------------------------------------


def render_concise_with_unused(doc: dict[str, Any]) -> str:
    """Return `terminal.render_concise` lines with CA900 lines for unused suppressions merged in.

    Lines stay in report order (path, then position).
    """
    from .terminal import render_concise

    lines = []
    for article in doc.get("articles", []):
        sub = {**doc, "articles": [article]}
        claim_lines = render_concise(sub).splitlines()
        claims = [c for _, c in reported(sub)]
        items = [((c.get("start", 0), 0), line)
                 for c, line in zip(claims, claim_lines, strict=True)]
        for _, entry in unused(sub):
            where = f"{article['path']}:{entry.get('line', 1)}:{entry.get('column', 1)}"
            items.append(((entry.get("offset", 0), 1),
                          f"{where}: {UNUSED_RULE} {unused_message(entry)}"))
        lines += [line for _, line in sorted(items, key=lambda t: t[0])]
    return "".join(line + "\n" for line in lines)


# --- JUnit ----------------------------------------------------------------------


def render_junit(doc: Mapping[str, Any]) -> str:
    """Return JUnit XML: one testsuite per article, one testcase per claim.

    Overstated and contradicted claims are failures, suppressed ones are
    skipped, and files that could not be audited are errors in a testsuite of
    their own.
    """
    root = ET.Element("testsuites", name="claimaudit")
    totals = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    for article in doc.get("articles", []):
        path = article["path"]
        suite = ET.SubElement(root, "testsuite", name=path)
        counts = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
        for claim in article.get("claims", []):
            counts["tests"] += 1
            case = ET.SubElement(suite, "testcase", classname=path,
                                 name=one_line(claim["text"], 120), file=path,
                                 line=str(claim["line"]))
            if claim.get("suppressed"):
                counts["skipped"] += 1
                ET.SubElement(case, "skipped", message=f"{claim['rule']} {claim['verdict']} "
                              "(suppressed)")
            elif claim["verdict"] in JUNIT_FAILING:
                counts["failures"] += 1
                failure = ET.SubElement(case, "failure", type=claim["rule"],
                                        message=f"{claim['rule']} {claim['verdict']}")
                body = [f"{path}:{claim['line']}:{claim['column']}: {one_line(claim['text'])}",
                        f"Why: {one_line(claim.get('reason') or '')}"]
                if claim.get("suggestion"):
                    body.append(f"Suggested wording: {one_line(claim['suggestion'])}")
                failure.text = "\n".join(body)
        _set_counts(suite, counts)
        for k in totals:
            totals[k] += counts[k]
    errors = doc.get("errors", [])
    if errors:
        suite = ET.SubElement(root, "testsuite", name="input errors")
        for e in errors:
            case = ET.SubElement(suite, "testcase", classname="input errors", name=e["path"],
                                 file=e["path"])
            ET.SubElement(case, "error", type="InputError", message=e["error"])
        counts = {"tests": len(errors), "failures": 0, "errors": len(errors), "skipped": 0}
        _set_counts(suite, counts)
        for k in totals:
            totals[k] += counts[k]
    _set_counts(root, totals)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def _set_counts(element: ET.Element, counts: Mapping[str, int]) -> None:
    for key in ("tests", "failures", "errors", "skipped"):
        element.set(key, str(counts[key]))
