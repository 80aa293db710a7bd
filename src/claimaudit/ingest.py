"""Ingest: read one file and decode it into an `Article`.

This is one of the few modules that touches files. It decides whether a file
is text at all, which encoding it uses, and, for HTML, which part of the page
is article text. For .txt and .md files every report offset refers to the
decoded source; for .html files it refers to the extracted article text (see
`html_text`), which the report records as the article's `kind`.
"""

from __future__ import annotations

import hashlib
import re
from html.parser import HTMLParser
from pathlib import Path

from .records import Article

SUFFIXES = (".txt", ".md", ".markdown", ".html", ".htm")

_BINARY_SIGNATURES = (
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"%PDF", "a PDF document"),
    (b"PK\x03\x04", "a ZIP archive (or Office document)"),
    (b"\x7fELF", "an executable"),
    (b"RIFF", "a RIFF media file"),
    (b"\x1f\x8b", "a gzip archive"),
)

SUPPRESSION_RE = re.compile(
    r"<!--\s*claimaudit:\s*(ignore|disable|enable)\b([^>]*?)-->", re.IGNORECASE
)
_CODE_RE = re.compile(r"[A-Za-z]{2,}-?\d{3}[a-z]?")
_MD_COMMENT_RE = re.compile(r"<!--.*?-->", re.DOTALL)


class IngestError(Exception):
    """A file that cannot be audited; the message is one line naming the cause."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


def decode(data: bytes) -> tuple[str, str]:
    """Decode bytes into text and name the encoding; raise ValueError for binary data."""
    for signature, what in _BINARY_SIGNATURES:
        if data.startswith(signature):
            raise ValueError(f"not text: looks like {what}")
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace"), "utf-8-sig"
    if data.startswith(b"\xff\xfe") or data.startswith(b"\xfe\xff"):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError as exc:
            raise ValueError(f"not text: broken UTF-16 ({exc.reason})") from None
    if b"\x00" in data:
        raise ValueError("not text: contains NUL bytes (binary file?)")
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("cp1252")
        encoding = "cp1252"
    except UnicodeDecodeError:
        text = data.decode("latin-1")
        encoding = "latin-1"
    return text, encoding


def normalize_newlines(text: str) -> str:
    """Turn CRLF and lone CR into LF, so that lines and offsets agree."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def read_article(path: str | Path, display_path: str | None = None) -> Article:
    """Read one file into an Article; raise IngestError with a one-line reason."""
    path = Path(path)
    shown = display_path or str(path)
    try:
        if path.is_symlink() and not path.exists():
            raise IngestError(shown, "dangling symbolic link")
        data = path.read_bytes()
    except IngestError:
        raise
    except PermissionError:
        raise IngestError(shown, "permission denied") from None
    except IsADirectoryError:
        raise IngestError(shown, "is a directory") from None
    except OSError as exc:
        raise IngestError(shown, f"cannot read: {exc.strerror or exc}") from None
    try:
        text, encoding = decode(data)
    except ValueError as exc:
        raise IngestError(shown, str(exc)) from None
    return article_from_text(
        text,
        path=shown,
        kind=kind_of(path.name),
        encoding=encoding,
        sha256=hashlib.sha256(data).hexdigest(),
    )


def kind_of(name: str) -> str:
    """Return the article kind (txt, md, html) from a file name."""
    lower = name.lower()
    if lower.endswith((".html", ".htm")):
        return "html"
    if lower.endswith((".md", ".markdown")):
        return "md"
    return "txt"


def article_from_text(
    text: str,
    *,
    path: str = "<stdin>",
    kind: str = "txt",
    encoding: str = "utf-8",
    sha256: str | None = None,
) -> Article:
    """Build an Article from decoded text (the pure part of ingest)."""
    if sha256 is None:
        sha256 = hashlib.sha256(text.encode("utf-8")).hexdigest()
    text = normalize_newlines(text)
    if kind == "html":
        text = html_text(text)
    masked: list[tuple[int, int]] = []
    suppressions: list[tuple[int, str, tuple[str, ...]]] = []
    for m in _MD_COMMENT_RE.finditer(text):
        masked.append((m.start(), m.end()))
        s = SUPPRESSION_RE.match(m.group(0))
        if s:
            codes = tuple(c.upper() for c in _CODE_RE.findall(s.group(2)))
            suppressions.append((m.start(), s.group(1).lower(), codes))
    return Article(
        path=path,
        text=text,
        sha256=sha256,
        encoding=encoding,
        kind=kind,
        title=guess_title(text, kind),
        masked=tuple(masked),
        suppressions=tuple(suppressions),
    )


_NOISE_TITLE = re.compile(r"^(skip to (main )?content|back|menu|home|search)$", re.I)


def guess_title(text: str, kind: str) -> str:
    """Return the article title: the first Markdown heading or first substantial line."""
    for line in text.split("\n"):
        stripped = line.strip()
        if kind == "md" and stripped.startswith("#"):
            return stripped.lstrip("#").strip()
        if len(stripped.split()) >= 3 and not _NOISE_TITLE.match(stripped):
            return stripped[:200]
    return ""


# --- HTML -------------------------------------------------------------------

_SKIP_TAGS = frozenset(
    {"script", "style", "noscript", "template", "nav", "header", "footer", "aside",
     "form", "button", "select", "svg", "iframe", "object", "canvas", "head", "title"}
)
_BLOCK_TAGS = frozenset(
    {"p", "div", "section", "article", "main", "h1", "h2", "h3", "h4", "h5", "h6",
     "li", "ul", "ol", "tr", "table", "thead", "tbody", "blockquote", "pre", "br",
     "dd", "dt", "dl", "figcaption", "figure", "hr", "summary", "details"}
)
_VOID_TAGS = frozenset(
    {"br", "hr", "img", "input", "meta", "link", "area", "base", "col", "embed",
     "source", "track", "wbr", "param"}
)
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)


class _TextExtractor(HTMLParser):
    """Collect visible article text, one block per line, headings marked with '#'."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip_stack: list[str] = []
        self.cell = False

    def _hidden(self, attrs: list[tuple[str, str | None]]) -> bool:
        for name, value in attrs:
            if name == "hidden" or (name == "aria-hidden" and value == "true"):
                return True
            if name == "style" and value and _HIDDEN_STYLE.search(value):
                return True
        return False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.skip_stack:
            if tag not in _VOID_TAGS:
                self.skip_stack.append(tag)
            return
        if tag in _SKIP_TAGS or self._hidden(attrs):
            if tag not in _VOID_TAGS:
                self.skip_stack.append(tag)
            return
        if tag in _BLOCK_TAGS:
            self.parts.append("\n")
            if tag in {"h1", "h2", "h3", "h4", "h5", "h6"}:
                self.parts.append("#" * int(tag[1]) + " ")
            elif tag == "li":
                self.parts.append("- ")
        elif tag in {"td", "th"}:
            self.parts.append(" | " if self.cell else "| ")
            self.cell = True

    def handle_endtag(self, tag: str) -> None:
        if self.skip_stack:
            # Close up to the matching tag; tolerate unclosed inner elements.
            if tag in self.skip_stack:
                while self.skip_stack:
                    if self.skip_stack.pop() == tag:
                        break
            return
        if tag in _BLOCK_TAGS:
            self.parts.append("\n")
        if tag == "tr":
            self.cell = False

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if not self.skip_stack and tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.skip_stack:
            self.parts.append(data)

    def handle_comment(self, data: str) -> None:
        # Keep claimaudit directives (they control suppression); drop other comments.
        if not self.skip_stack and data.strip().lower().startswith("claimaudit:"):
            self.parts.append(f"\n<!--{data}-->\n")


def html_text(source: str) -> str:
    """Extract the visible article text of an HTML page, one block per line.

    Scripts, styles, comments, navigation, headers, footers, asides, forms and
    hidden elements are dropped; entities are decoded; headings become
    Markdown-style '# ' lines and list items '- ' lines, so that the segmenter
    treats them as their own units. Report offsets for HTML refer to this text.
    """
    parser = _TextExtractor()
    parser.feed(source)
    parser.close()
    raw = "".join(parser.parts).replace("\xa0", " ")
    lines = []
    for line in raw.split("\n"):
        collapsed = " ".join(line.split())
        if collapsed and collapsed not in {"-", "#", "|"}:
            lines.append(collapsed)
    return "\n\n".join(lines) + ("\n" if lines else "")
