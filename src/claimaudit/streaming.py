"""Streaming report writers: audit.json, claims.csv and summary.md written article by article.

`report.write_reports` serializes one in-memory document, so its memory grows
with the corpus (about 0.45 GB per 1,000 news articles, measured in
benchmarks/throughput.py). The writers here take each article already rendered
(`ArticleOutput`: its JSON entry, CSV rows and Markdown lines, made by
`render_article` in the process that audited it) and append it to temporary
files beside the outputs; `finish` adds the totals and renames them into place.
Memory then holds one article at a time plus a few numbers per article.

The files are byte-identical to `report.write_reports(report.report_dict(...))`
(tests/test_throughput_features.py checks it):

- JSON: each article is serialized by `report.encode_bytes` (the same
  serializer as the whole document) at the nesting depth it takes in the
  document, as UTF-8 bytes that go to the file (and the cache) as they are.
- CSV: `csv_rows` formats values as pandas' `DataFrame.to_csv` does for the
  report's column types (None and NaN empty, bools True/False, floats as repr)
  through the same `csv` writer settings.
- Markdown: the same line builders as `report.summary_markdown`.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from json.encoder import encode_basestring as _json_str  # the C version when available
from pathlib import Path
from typing import Any

from .records import ArticleReport, InputError, ReferenceSet
from .report import (
    CSV_COLUMNS,
    article_dict,
    dumps,
    encode_bytes,
    markdown_errors,
    markdown_flagged,
    markdown_head,
    markdown_middle,
    markdown_row,
    mkstemp_public,
    report_document,
    summary_dict,
)

STREAM_FORMATS = ("json", "csv", "markdown")

#: UTF-8 byte order mark: with it at the start of claims.csv (`--csv-bom`), Excel reads the
#: file as UTF-8 instead of the system code page (which garbles "—", "é", "µg").
CSV_BOM = b"\xef\xbb\xbf"

# --- JSON ------------------------------------------------------------------------

_float_repr = float.__repr__


# --- CSV -------------------------------------------------------------------------


def _csv_value(v: Any) -> Any:
    # pandas.DataFrame.to_csv: NA (None, NaN) -> "", other values through str();
    # a float column is written with numpy's shortest repr, which is float.__repr__.
    if v is None:
        return ""
    if isinstance(v, float):
        return "" if v != v else _float_repr(v)
    return v


def csv_header() -> str:
    """Return the header line of claims.csv."""
    return csv_lines([CSV_COLUMNS])


# Values that `_csv_value` returns as they are (checked by exact type: a float subclass or an
# int subclass other than bool still goes through `_csv_value`).
_AS_IS = frozenset({str, int, bool})
_PATH_AT = CSV_COLUMNS.index("path")


def csv_rows(article: Mapping[str, Any]) -> str:
    """Return one article's rows of claims.csv, as `claims_frame(...).to_csv` writes them."""
    if _QUOTE_IF is not None:
        try:
            return _csv_rows_fast(article, _QUOTE_IF.search)
        except _NotModelled:
            pass
    return _csv_rows(article)


def _csv_rows(article: Mapping[str, Any]) -> str:
    """`csv_rows` by `_csv_value` and `csv_lines` (what `_csv_rows_fast` replaces)."""
    path = article["path"]
    rows = []
    for c in article["claims"]:
        # `[path if k == "path" else _csv_value(c.get(k)) for k in CSV_COLUMNS]`, without a
        # call per value: most values are strings and integers, which `_csv_value` keeps.
        row = [v if v.__class__ in _AS_IS else _csv_value(v) for v in map(c.get, CSV_COLUMNS)]
        row[_PATH_AT] = path
        rows.append(row)
    return csv_lines(rows)


def csv_lines(rows: Iterable[Sequence[Any]]) -> str:
    """Write rows with the csv settings pandas uses for `to_csv(lineterminator="\\n")`.

    The text the csv writer writes (`_writer_lines`), written by `_csv_line` when it can.
    """
    rows = list(rows)
    if _QUOTE_IF is not None:
        try:
            return "".join([_csv_line(row, _QUOTE_IF) for row in rows])
        except _NotModelled:
            pass
    return _writer_lines(rows)


def _writer_lines(rows: Iterable[Sequence[Any]]) -> str:
    """Write rows with the csv writer itself."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n", delimiter=",", quotechar='"',
                        doublequote=True, escapechar=None, quoting=csv.QUOTE_MINIMAL)
    writer.writerows(rows)
    return buf.getvalue()


# The csv writer tests every character of every field against each special character, one
# C call per test: about 18 us a row of claims.csv, most of the time spent rendering an
# article's CSV. `_csv_line` writes the same text for rows of strings, integers, booleans and
# None (anything else, and rows of fewer than two fields, go to the writer): a field is
# quoted, its quotes doubled, when it holds one of the characters `_QUOTE_IF` finds, the
# characters that this Python's writer quotes a field for (checked once at import against
# the writer itself; with any difference the writer writes every row).


class _NotModelled(Exception):
    """A row `_csv_line` does not write (the csv writer does)."""


def _csv_line(row: Sequence[Any], quote_if: re.Pattern[str]) -> str:
    if len(row) < 2:  # the writer writes a lone empty field as ""
        raise _NotModelled
    out = []
    for v in row:
        cls = v.__class__
        if cls is str:
            if quote_if.search(v):
                v = '"' + v.replace('"', '""') + '"'
        elif cls is int or cls is bool:
            v = str(v)
        elif v is None:
            v = ""
        else:
            raise _NotModelled
        out.append(v)
    return ",".join(out) + "\n"


def _csv_rows_fast(article: Mapping[str, Any], quote_if: Any) -> str:
    """`_csv_rows(article)` in one pass over each claim's values (about 1.4x faster: no row of
    `_csv_value` results built for `_csv_line` to go over again). A value of a type `_csv_line` does
    not write raises `_NotModelled`, as it does there; `quote_if` is `_QUOTE_IF.search`."""
    path = article["path"]
    if path.__class__ is not str:
        raise _NotModelled
    path = '"' + path.replace('"', '""') + '"' if quote_if(path) else path
    lines: list[str] = []
    add = lines.append
    for c in article["claims"]:
        out: list[str] = []
        put = out.append
        for v in map(c.get, CSV_COLUMNS):
            cls = v.__class__
            if cls is str:
                put('"' + v.replace('"', '""') + '"' if quote_if(v) else v)
            elif cls is int or cls is bool:
                put(str(v))
            elif v is None:
                put("")
            elif cls is float:  # `_csv_value`: NaN empty, else the shortest repr
                v = "" if v != v else _float_repr(v)
                put('"' + v.replace('"', '""') + '"' if quote_if(v) else v)
            else:
                raise _NotModelled
        out[_PATH_AT] = path
        add(",".join(out))
        add("\n")
    return "".join(lines)


def _quote_if() -> re.Pattern[str] | None:
    """Return a pattern of the characters that make the csv writer quote a field, or None when
    the writer does something `_csv_line` does not model on a set of probe rows."""
    chars = [chr(c) for c in range(128)] + ["é", "\x85", "\u2028", "\u3000", "\U0001f642"]
    try:
        quoted = [c for c in chars if _writer_lines([[f"a{c}b", "x"]]).startswith('"')]
        if not quoted:
            return None
        quote_if = re.compile("[" + re.escape("".join(quoted)) + "]")
        probes = ([[f"a{c}b", c, f"{c}{c}", "", " ", None, 7, True] for c in chars]
                  + [["", ""], [None, None], ['"', "x"], [-3, False, "x y", ' "q" ']])
        written = "".join([_csv_line(row, quote_if) for row in probes])
        return quote_if if written == _writer_lines(probes) else None
    except Exception:  # noqa: BLE001 - the writer refused a probe: let it write everything
        return None


_QUOTE_IF = _quote_if()


# --- one article, rendered -----------------------------------------------------


@dataclass(frozen=True)
class ArticleOutput:
    """One audited article in the form the writers need (small, picklable, cacheable)."""

    path: str
    json: bytes  # the article's entry of audit.json, encoded at depth 2 (UTF-8)
    csv: bytes  # its rows of claims.csv (UTF-8)
    md_row: str  # its row of summary.md's table
    md_flagged: tuple[str, ...]  # its lines in summary.md's flagged-claims section
    sentence_count: int
    counts: dict[str, int] = field(default_factory=dict)
    # In short form (`finding_summary`): every unsuppressed problem (overstated, contradicted,
    # CA403) and the first unsuppressed claim of each other verdict and rule: what the CLI's
    # findings list, its summary line and --fail-on need, and no more (a news story can have
    # hundreds of unverified claims; --show-unverified reads the whole report instead).
    findings: tuple[dict[str, Any], ...] = ()
    suppressed: int = 0  # claims suppressed by configuration or comments
    warnings: tuple[dict[str, Any], ...] = ()  # the report entry's "warnings" (line, column, message)

    def header(self) -> dict[str, Any]:
        """Return the fields but the two texts as a JSON-able dict (the cache entry's header)."""
        return {"path": self.path, "md_row": self.md_row,
                "md_flagged": list(self.md_flagged), "sentence_count": self.sentence_count,
                "counts": self.counts, "findings": list(self.findings),
                "suppressed": self.suppressed, "warnings": list(self.warnings)}

    @classmethod
    def from_header(cls, d: Mapping[str, Any], json: bytes, csv: bytes) -> ArticleOutput:
        """Rebuild from `header`'s dict and the two texts."""
        return cls(path=d["path"], json=json, csv=csv, md_row=d["md_row"],
                   md_flagged=tuple(d["md_flagged"]), sentence_count=d["sentence_count"],
                   counts=dict(d["counts"]), findings=tuple(d["findings"]),
                   suppressed=d["suppressed"], warnings=tuple(d.get("warnings", ())))

    def summary(self) -> dict[str, Any]:
        """Return the article as the CLI's findings list, summary line and --fail-on read it."""
        return {"path": self.path, "sentence_count": self.sentence_count, "counts": self.counts,
                "claims": [dict(f) for f in self.findings], "suppressed": self.suppressed,
                **({"warnings": list(self.warnings)} if self.warnings else {})}


#: The keys of a claim kept in `ArticleOutput.findings`.
FINDING_KEYS = ("line", "column", "verdict", "rule", "reference_id", "evidence_grade",
                "suppressed", "text")
_FINDING_TEXT_CHARS = 400  # enough for any one-line view; the report keeps the whole sentence


def finding_summary(claim: Mapping[str, Any]) -> dict[str, Any]:
    """Return the short form of a claim kept for the CLI (its sentence cut to 400 characters)."""
    out = {k: claim.get(k) for k in FINDING_KEYS}
    out["text"] = str(out["text"] or "")[:_FINDING_TEXT_CHARS]
    return out


def render_article(a: ArticleReport) -> ArticleOutput:
    """Render one article's report entry, CSV rows and Markdown lines."""
    from .terminal import is_problem

    d = article_dict(a)
    kept, seen = [], set()
    for c in d["claims"]:
        if c["suppressed"] or c["verdict"] == "supported":
            continue
        if is_problem(c) or (c["verdict"], c["rule"]) not in seen:
            kept.append(finding_summary(c))
            seen.add((c["verdict"], c["rule"]))
    return ArticleOutput(path=d["path"], json=encode_bytes(d, 2),
                         csv=csv_rows(d).encode("utf-8"),
                         md_row=markdown_row(d), md_flagged=tuple(markdown_flagged(d)),
                         sentence_count=d["sentence_count"], counts=d["counts"],
                          findings=tuple(kept),
                          suppressed=sum(1 for c in d["claims"] if c["suppressed"]),
                          warnings=tuple(d.get("warnings", ())))


# --- the writer ------------------------------------------------------------------

_SENTINEL = "\0claimaudit-articles\0"


class StreamingReportWriter:
    """Write audit.json, claims.csv and summary.md one article at a time.

    Articles must be added in report order (by path). Output goes to temporary
    files in `out`; `finish` completes and renames them, `abort` removes them,
    so an interrupted run leaves the previous reports intact.
    """

    def __init__(self, out: str | Path, formats: Sequence[str], reference: ReferenceSet,
                 settings: Iterable[tuple[str, str]], keep_json: bool = False,
                 csv_bom: bool = False) -> None:
        self.out = Path(out)
        self.formats = tuple(f for f in STREAM_FORMATS if f in formats)
        self.reference = reference
        self.settings = tuple(settings)
        self.keep_json = keep_json or "json" in self.formats
        self.counts: list[dict[str, int]] = []
        self.articles: list[dict[str, Any]] = []
        self._files: dict[str, tuple[Any, str]] = {}  # key -> (open file, temporary path)
        self._last_path: str | None = None
        self._any_flagged = False
        self.written: list[Path] = []
        self.json_path: Path | None = None
        self.out.mkdir(parents=True, exist_ok=True)
        try:
            if self.keep_json:  # audit.json and claims.csv take the articles' UTF-8 bytes
                self._open("json", "audit.json", binary=True)
                self._prefix = self._split(self._skeleton([], {}))[0].encode("utf-8")
            if "csv" in self.formats:
                self._open("csv", "claims.csv", binary=True).write(
                    (CSV_BOM if csv_bom else b"") + csv_header().encode("utf-8"))
            if "markdown" in self.formats:
                self._open("md_rows", "summary.md")
                self._open("md_flagged", "summary.md")
        except BaseException:
            self.abort()
            raise

    def _open(self, key: str, name: str, binary: bool = False) -> Any:
        fd, tmp = mkstemp_public(prefix=f".{name}.", suffix=".tmp", dir=self.out)
        try:
            fh = os.fdopen(fd, "wb") if binary else os.fdopen(fd, "w", encoding="utf-8", newline="")
        except BaseException:
            os.close(fd)
            os.unlink(tmp)
            raise
        self._files[key] = (fh, tmp)
        return fh

    def _skeleton(self, errors: Sequence[InputError], summary: dict[str, int]) -> str:
        """Return the document text with one sentinel string as its only article."""
        return dumps(report_document(self.reference, self.settings, [_SENTINEL], errors,
                                     summary))

    @staticmethod
    def _split(skeleton: str) -> tuple[str, str]:
        """Split the skeleton around its sentinel: (text up to "[", text from "]" on)."""
        at = skeleton.index(_json_str(_SENTINEL))
        lead = "\n    "
        if skeleton[at - len(lead):at] != lead:
            raise AssertionError("unexpected report layout")
        return skeleton[: at - len(lead)], skeleton[at + len(_json_str(_SENTINEL)):]

    def add(self, a: ArticleOutput) -> None:
        """Append one article (in path order)."""
        if self._last_path is not None and a.path <= self._last_path:
            raise ValueError(f"articles out of order: {a.path!r} after {self._last_path!r}")
        self._last_path = a.path
        if self.keep_json:
            fh = self._files["json"][0]
            if not self.counts:
                fh.write(self._prefix)
            fh.write((b"\n    " if not self.counts else b",\n    ") + a.json)
        if "csv" in self.formats:
            self._files["csv"][0].write(a.csv)
        if "markdown" in self.formats:
            self._files["md_rows"][0].write(a.md_row + "\n")
            for line in a.md_flagged:
                self._files["md_flagged"][0].write(line + "\n")
            self._any_flagged = self._any_flagged or bool(a.md_flagged)
        self.counts.append(a.counts)
        self.articles.append(a.summary())

    def finish(self, errors: Sequence[InputError]) -> dict[str, Any]:
        """Complete the files, rename them into place; return the summary document.

        The summary document has the report's keys; its articles carry only
        path, sentence_count, counts, suppressed (a count) and their problems
        plus one claim of each other verdict and rule, in short form (what the
        CLI's findings, table, summary line and --fail-on need). `self.written` lists the
        files written; `self.json_path` the complete audit.json text's file.
        """
        errors = sorted(errors, key=lambda e: (e.path, e.error))
        summary = summary_dict(self.counts, len(errors))
        try:
            if self.keep_json:
                self._finish_json(errors, summary)
            if "csv" in self.formats:
                self._install("csv", self.out / "claims.csv")
            if "markdown" in self.formats:
                self._finish_markdown(errors, summary)
        except BaseException:
            self.abort()
            raise
        doc = report_document(self.reference, self.settings, self.articles, errors, summary)
        return doc

    def _finish_json(self, errors: Sequence[InputError], summary: dict[str, int]) -> None:
        fh = self._files["json"][0]
        if not self.counts:
            fh.write(dumps(report_document(self.reference, self.settings, [], errors,
                                           summary)).encode("utf-8"))
        else:
            prefix, suffix = self._split(self._skeleton(errors, summary))
            if prefix.encode("utf-8") != self._prefix:
                raise AssertionError("report head changed while writing")
            fh.write(suffix.encode("utf-8"))
        if "json" in self.formats:
            self._install("json", self.out / "audit.json")
            self.json_path = self.out / "audit.json"
        else:
            self._close("json")
            self.json_path = Path(self._files["json"][1])

    def _finish_markdown(self, errors: Sequence[InputError], summary: dict[str, int]) -> None:
        rows_tmp = self._files["md_rows"][1]
        flagged_tmp = self._files["md_flagged"][1]
        self._close("md_rows")
        self._close("md_flagged")
        fd, tmp = mkstemp_public(prefix=".summary.md.", suffix=".tmp", dir=self.out)
        try:
            with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
                for line in markdown_head(summary, len(self.reference.claims)):
                    fh.write(line + "\n")
                with open(rows_tmp, encoding="utf-8", newline="") as src:
                    shutil.copyfileobj(src, fh)
                for line in markdown_middle(self._any_flagged):
                    fh.write(line + "\n")
                with open(flagged_tmp, encoding="utf-8", newline="") as src:
                    shutil.copyfileobj(src, fh)
                for line in markdown_errors([{"path": e.path, "error": e.error} for e in errors]):
                    fh.write(line + "\n")
            os.replace(tmp, self.out / "summary.md")
        except BaseException:
            if os.path.exists(tmp):
                os.unlink(tmp)
            raise
        for key in ("md_rows", "md_flagged"):
            os.unlink(self._files.pop(key)[1])
        self.written.append(self.out / "summary.md")

    def _close(self, key: str) -> None:
        fh, _ = self._files[key]
        fh.close()

    def _install(self, key: str, dest: Path) -> None:
        fh, tmp = self._files[key]
        fh.close()
        os.replace(tmp, dest)
        del self._files[key]
        self.written.append(dest)

    def abort(self) -> None:
        """Remove the temporary files (the previous reports stay as they were)."""
        for key in list(self._files):
            self._remove(key)

    def discard_json(self) -> None:
        """Remove the temporary audit.json kept only for other formats."""
        if "json" in self._files:
            self._remove("json")

    def _remove(self, key: str) -> None:
        fh, tmp = self._files.pop(key)
        try:
            fh.close()
        except Exception:  # noqa: BLE001 - cleaning up after a failure already reported
            pass
        if os.path.exists(tmp):
            os.unlink(tmp)


def load_json(path: str | Path) -> dict[str, Any]:
    """Read a report document written by the streaming writer (equal to `report_dict`)."""
    with open(path, encoding="utf-8") as fh:
        return json.load(fh)
