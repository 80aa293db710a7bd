"""Ingest: read one file and decode it into an `Article`.

This is one of the few modules that touches files. It decides whether a file
is text at all, which encoding it uses, and, for HTML, which part of the page
is article text. For .txt and .md files every report offset refers to the
decoded source; for .html files it refers to the extracted article text (see
`html_text`), which the report records as the article's `kind`.

Hostile input never raises anything but `IngestError` (from `read_article`)
or `ValueError` (from `decode`), and costs time linear in its size: see
docs/robustness.md for what happens to each kind of bad file.
"""

from __future__ import annotations

import errno
import hashlib
import html
import os
import re
import stat
from collections import Counter
from pathlib import Path

from .records import Article

SUFFIXES = (".txt", ".md", ".markdown", ".html", ".htm")
MAX_FILE_BYTES = 10_000_000  # larger files are data dumps, not articles

_BINARY_SIGNATURES = (
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"%PDF-", "a PDF document"),
    (b"PK\x03\x04", "a ZIP archive (or Office document)"),
    (b"PK\x05\x06", "a ZIP archive (or Office document)"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old Office document"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"Rar!\x1a\x07", "a RAR archive"),
    (b"\x7fELF", "an executable"),
    (b"RIFF", "a RIFF media file"),
    (b"OggS", "an Ogg media file"),
    (b"\x1f\x8b", "a gzip archive"),
)
# Byte order marks, longest first (the UTF-32 LE mark starts with the UTF-16 LE one).
# The recorded encoding is the Python codec that turns the file into the text the
# offsets index (newlines aside): "utf-16" and "utf-32" read the mark and drop it.
_BOMS = (
    (b"\xff\xfe\x00\x00", "utf-32"),
    (b"\x00\x00\xfe\xff", "utf-32"),
    (b"\xef\xbb\xbf", "utf-8-sig"),
    (b"\xff\xfe", "utf-16"),
    (b"\xfe\xff", "utf-16"),
)
# Control characters that do not occur in text (tab, newlines, form feed and ESC do).
_CONTROL_RE = re.compile("[\x00-\x08\x0e-\x1a\x1c-\x1f\x7f-\x9f]")
_UTF16_SAMPLE = 4096

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
    """Decode bytes into text and name the encoding; raise ValueError for binary data.

    In order: known binary signatures are refused; a byte order mark (UTF-8,
    UTF-16, UTF-32) decides; UTF-16 without a mark is recognized by NUL bytes
    in every other position (ASCII-range text); any other NUL byte means binary;
    then strict UTF-8, cp1252, and Latin-1 (which decodes anything). Text with
    more than one control character in ten (and at least 8) is refused as binary.
    """
    for signature, what in _BINARY_SIGNATURES:
        if data.startswith(signature):
            raise ValueError(f"not text: looks like {what}")
    text, encoding = _decode_text(data)
    if _mostly_controls(text):
        raise ValueError("not text: many control characters (binary file?)")
    return text, encoding


def _mostly_controls(text: str) -> bool:
    controls = len(_CONTROL_RE.findall(text))
    return controls >= 8 and controls * 10 > len(text)


def _decode_text(data: bytes) -> tuple[str, str]:
    for bom, codec in _BOMS:
        if data.startswith(bom):
            if codec == "utf-8-sig":
                if b"\x00" in data:
                    raise ValueError("not text: contains NUL bytes (binary file?)")
                return data[len(bom):].decode("utf-8", errors="replace"), codec
            try:
                text = data.decode(codec)
            except UnicodeDecodeError as exc:
                raise ValueError(f"not text: broken {codec.upper()} ({exc.reason})") from None
            if "\x00" in text:
                raise ValueError(f"not text: {codec.upper()} with NUL characters (binary file?)")
            return text, codec
    if b"\x00" in data:
        codec = _utf16_without_bom(data)
        if codec:
            return data.decode(codec), codec
        raise ValueError("not text: contains NUL bytes (binary file?)")
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:
        return data.decode("latin-1"), "latin-1"


def _utf16_without_bom(data: bytes) -> str | None:
    """Return "utf-16-le" or "-be" when NULs sit in every other byte like UTF-16 text."""
    if len(data) % 2:
        return None
    sample = data[:_UTF16_SAMPLE]
    pairs = len(sample) // 2
    even_nuls = sample[0::2].count(0)
    odd_nuls = sample[1::2].count(0)
    if odd_nuls * 2 >= pairs and even_nuls * 100 <= pairs:
        codec = "utf-16-le"
    elif even_nuls * 2 >= pairs and odd_nuls * 100 <= pairs:
        codec = "utf-16-be"
    else:
        return None
    try:
        text = data.decode(codec)
    except UnicodeDecodeError:
        return None
    return None if "\x00" in text or _mostly_controls(text) else codec


def normalize_newlines(text: str) -> str:
    """Turn CRLF and lone CR into LF, so that lines and offsets agree."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def read_bytes(path: str | Path, shown: str | None = None) -> bytes:
    """Read a regular file of at most MAX_FILE_BYTES; raise IngestError with a one-line reason.

    The file is opened without blocking and checked with fstat before reading,
    so a pipe, socket or device named like an article is refused, not waited on.
    """
    path = Path(path)
    shown = shown or str(path)
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    except OSError as exc:
        raise IngestError(shown, os_error_reason(path, exc)) from None
    try:
        with os.fdopen(fd, "rb") as fh:
            st = os.fstat(fh.fileno())
            if stat.S_ISDIR(st.st_mode):
                raise IngestError(shown, "is a directory")
            if not stat.S_ISREG(st.st_mode):
                raise IngestError(shown, "not a regular file (a pipe, socket or device)")
            if st.st_size > MAX_FILE_BYTES:
                raise IngestError(shown, _too_large(st.st_size))
            data = fh.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise IngestError(shown, os_error_reason(path, exc)) from None
    if len(data) > MAX_FILE_BYTES:
        raise IngestError(shown, _too_large(len(data)))
    return data


def _too_large(size: int) -> str:
    return f"too large for an article: {size:,} bytes (limit {MAX_FILE_BYTES:,})"


def os_error_reason(path: str | Path, exc: OSError) -> str:
    """Name the OSError raised for `path` in a few words (a one-line report reason)."""
    if exc.errno == errno.ELOOP:
        return "symbolic link loop"
    if isinstance(exc, (FileNotFoundError, NotADirectoryError)):
        return "dangling symbolic link" if os.path.islink(path) else "no such file or directory"
    if isinstance(exc, PermissionError):
        return "permission denied"
    if isinstance(exc, IsADirectoryError):
        return "is a directory"
    return f"cannot read: {exc.strerror or type(exc).__name__}"


def read_article(path: str | Path, display_path: str | None = None) -> Article:
    """Read one file into an Article; raise IngestError with a one-line reason."""
    path = Path(path)
    shown = display_path or str(path)
    data = read_bytes(path, shown)
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
        sha256 = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
    text = normalize_newlines(text)
    if kind == "html":
        text = html_text(text)
    masked: list[tuple[int, int]] = []
    hidden: tuple[tuple[int, int], ...] = ()
    blocks: tuple[tuple[int, int, str], ...] | None = None
    title = ""
    if kind == "md":
        from .mdparse import parse

        layout = parse(text)
        masked, hidden, blocks = list(layout.masked), layout.hidden, layout.blocks
        comments = list(layout.comments)
        title = layout.title or _markdown_title(text, layout)
    else:
        comments = [(m.start(), m.group(0)) for m in _MD_COMMENT_RE.finditer(text)]
        masked = [(at, at + len(c)) for at, c in comments]
        title = guess_title(text, kind)
    suppressions: list[tuple[int, str, tuple[str, ...]]] = []
    warnings: list[tuple[int, str]] = []
    for at, comment in comments:
        s = SUPPRESSION_RE.match(comment)
        if s:
            codes = tuple(c.upper() for c in _CODE_RE.findall(s.group(2)))
            suppressions.append((at, s.group(1).lower(), codes))
        else:
            problem = directive_problem(comment)
            if problem:
                warnings.append((at, problem))
    return Article(
        path=path,
        text=text,
        sha256=sha256,
        encoding=encoding,
        kind=kind,
        title=title,
        masked=tuple(masked),
        suppressions=tuple(suppressions),
        hidden=hidden,
        blocks=blocks,
        warnings=tuple(warnings),
    )


DIRECTIVES = ("ignore", "disable", "enable")
_DIRECTIVE_RE = re.compile(r"<!--\s*claimaudit\b(\s*:)?\s*([^\s>]*)", re.IGNORECASE)


def directive_problem(comment: str) -> str | None:
    """Say what is wrong with a comment that addresses claimaudit but is no directive (None if fine).

    `<!-- claimaudit: ignroe MG-012 -->` would otherwise be dropped in silence,
    and the claim it was meant to suppress reported anyway.
    """
    m = _DIRECTIVE_RE.match(comment)
    if m is None or SUPPRESSION_RE.match(comment):
        return None
    import difflib

    word = m.group(2).rstrip("-").strip(":")
    shown = " ".join(comment.split())
    if len(shown) > 80:
        shown = shown[:77] + "..."
    if not m.group(1) and word.lower() in DIRECTIVES:
        return f"claimaudit directive without its colon, ignored: {shown} (write 'claimaudit: {word}')"
    close = difflib.get_close_matches(word.lower(), DIRECTIVES, n=1, cutoff=0.5)
    hint = f"; did you mean '{close[0]}'?" if close else f" (use {', '.join(DIRECTIVES)})"
    return f"unknown claimaudit directive {word!r}, ignored: {shown}{hint}"


def _markdown_title(text: str, layout) -> str:  # noqa: ANN001 - mdparse.Layout
    """Return the first heading's words, else the first substantial line of article text."""
    from .mdparse import marked, plain_text

    for start, end, kind in layout.blocks:
        if kind == "heading":
            return plain_text(text, layout.masked, layout.hidden, start, end)[:200]
    for start, end, _ in layout.blocks:
        first = marked(text, layout.masked, layout.hidden, start, end).split("\n")[0]
        line = " ".join(first.replace("\0", "").split())
        if len(line.split()) >= 3 and not _NOISE_TITLE.match(line):
            return line[:200]
    return ""


_NOISE_TITLE = re.compile(r"^(skip to (main )?content|back|menu|home|search)$", re.I)


def guess_title(text: str, kind: str) -> str:
    """Return the article title: the first Markdown heading or first substantial line.

    The extracted text of an .html article writes its headings as "# Heading"
    (`html_text`), so its title loses the "#" marks as a Markdown title does.
    """
    for line in text.split("\n"):
        stripped = line.strip()
        if kind in ("md", "html") and re.match(r"#{1,6}(\s|$)", stripped):
            return stripped.lstrip("#").strip()
        if len(stripped.split()) >= 3 and not _NOISE_TITLE.match(stripped):
            return stripped[:200]
    return ""


# --- HTML -------------------------------------------------------------------
#
# A small tokenizer and tree builder instead of html.parser: HTMLParser takes
# quadratic time on some malformed input (a 400 kB page of "<a<a<a..." took
# minutes), while this one makes one pass, never backtracks, and follows the
# HTML standard where it matters for which text is visible: an unclosed
# comment, tag or script runs to the end of the page; an end tag closes the
# elements left open inside it; <p>, <li>, <dt>/<dd>, table cells and <head>
# are closed by what implicitly closes them.

_SKIP_TAGS = frozenset(
    {"script", "style", "noscript", "template", "nav", "header", "footer", "aside",
     "form", "button", "select", "svg", "math", "iframe", "object", "canvas", "head", "title",
     "textarea", "noembed", "noframes", "datalist", "audio", "video", "map"}
)
_BLOCK_TAGS = frozenset(
    {"p", "div", "section", "article", "main", "h1", "h2", "h3", "h4", "h5", "h6",
     "li", "ul", "ol", "tr", "table", "thead", "tbody", "blockquote", "pre", "br",
     "dd", "dt", "dl", "figcaption", "figure", "hr", "summary", "details"}
)
_VOID_TAGS = frozenset(
    {"br", "hr", "img", "input", "meta", "link", "area", "base", "col", "embed",
     "source", "track", "wbr", "param", "keygen", "frame", "basefont", "bgsound"}
)
# Elements whose content is raw text up to their end tag (never markup).
_RAW_TEXT_TAGS = frozenset(
    {"script", "style", "textarea", "title", "iframe", "noembed", "noframes", "noscript"}
)
_RAW_TEXT_END = {
    tag: re.compile(rf"</{tag}(?=[\t\n\f\r />])", re.IGNORECASE) for tag in _RAW_TEXT_TAGS
}
_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
# A start tag of one of these closes an open <p> (HTML standard, "in body").
_CLOSES_P = frozenset(
    {"address", "article", "aside", "blockquote", "center", "details", "dialog", "dir", "div",
     "dl", "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5",
     "h6", "header", "hgroup", "hr", "li", "main", "menu", "nav", "ol", "p", "pre", "section",
     "summary", "table", "ul", "dd", "dt", "xmp"}
)
# Elements allowed in <head>; any other start tag closes an unclosed <head>.
_HEAD_CONTENT = frozenset(
    {"meta", "link", "title", "style", "script", "noscript", "base", "template", "head"}
)
# Boundaries of "has an element in scope" (HTML standard): an end tag or an
# implied end does not reach past them.
_SCOPE = frozenset({"applet", "caption", "html", "table", "td", "th", "marquee", "object",
                    "template"})
_TABLE_SCOPE = frozenset({"html", "table", "template"})
# The standard's "special" elements: the end tag of an inline element (</span>)
# does not close past them, so "<span hidden><p>a</span>b" keeps b hidden.
_SPECIAL = frozenset(
    {"address", "applet", "area", "article", "aside", "base", "basefont", "bgsound",
     "blockquote", "body", "br", "button", "caption", "center", "col", "colgroup", "dd",
     "details", "dir", "div", "dl", "dt", "embed", "fieldset", "figcaption", "figure",
     "footer", "form", "frame", "frameset", "h1", "h2", "h3", "h4", "h5", "h6", "head",
     "header", "hgroup", "hr", "html", "iframe", "img", "input", "keygen", "li", "link",
     "listing", "main", "marquee", "menu", "meta", "nav", "noembed", "noframes", "noscript",
     "object", "ol", "p", "param", "plaintext", "pre", "script", "search", "section",
     "select", "source", "style", "summary", "table", "tbody", "td", "template", "textarea",
     "tfoot", "th", "thead", "title", "tr", "track", "ul", "wbr", "xmp"}
)
# How deep an end tag (or an implied end) looks into the open elements; past
# this it is ignored, which keeps pathological nesting linear.
_LOOKBACK = 64
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)
_HIDDEN_CLASSES = frozenset(
    {"hidden", "d-none", "is-hidden", "visually-hidden", "sr-only", "screen-reader-text"}
)
_FURNITURE_ROLES = frozenset(
    {"navigation", "banner", "contentinfo", "complementary", "search", "menu", "menubar",
     "toolbar", "dialog", "alertdialog"}
)

_WS = "\t\n\f\r "
_NAME = rf"[^{_WS}/>=][^{_WS}/>=]*+"
_VALUE = rf"""(?:"[^"]*+"|'[^']*+'|[^{_WS}>]++)"""
# One attribute, or a run of separators, or a stray "=": these cover every
# character but ">" (an unclosed quote reads as an unquoted value), and every
# quantifier is possessive, so matching a tag is linear in its length.
_ATTR_PIECE = rf"[{_WS}/]++|({_NAME})(?:[{_WS}]*+=[{_WS}]*+({_VALUE}))?+|=[^{_WS}/>]*+"
_ATTR_RE = re.compile(_ATTR_PIECE)
_START_TAG_RE = re.compile(rf"<([A-Za-z][^{_WS}/>]*+)((?:{_ATTR_PIECE})*+)>")
_END_TAG_RE = re.compile(rf"</([A-Za-z][^{_WS}/>]*+)(?:{_ATTR_PIECE})*+>")
_COMMENT_END_RE = re.compile(r"--!?>")


class _TextExtractor:
    """Collect visible article text, one block per line, headings marked with '#'."""

    def __init__(self, track: bool = False) -> None:
        self.parts: list[str] = []
        # With track: part index -> (source offset, raw source text, or None for a comment).
        self.origins: dict[int, tuple[int, str | None]] | None = {} if track else None
        self.stack: list[tuple[str, bool]] = []  # open elements: (tag, hides its content)
        self.open: Counter[str] = Counter()
        self.hidden = 0  # open elements that hide their content
        self.cell = False

    # -- tree building ---------------------------------------------------------

    def _push(self, tag: str, hides: bool) -> None:
        self.stack.append((tag, hides))
        self.open[tag] += 1
        self.hidden += hides

    def _pop(self) -> str:
        tag, hides = self.stack.pop()
        self.open[tag] -= 1
        self.hidden -= hides
        if not self.hidden:
            if tag in _BLOCK_TAGS:
                self.parts.append("\n")
            if tag == "tr":
                self.cell = False
        return tag

    def _close(self, tag: str) -> None:
        """Close `tag` and every element opened inside it."""
        while self.stack and self._pop() != tag:
            pass

    def _find(self, targets: frozenset[str], boundaries: frozenset[str]) -> int | None:
        """Return the index of the innermost open element in `targets`, within scope."""
        if not any(self.open[t] for t in targets):
            return None
        stop = max(-1, len(self.stack) - 1 - _LOOKBACK)
        for i in range(len(self.stack) - 1, stop, -1):
            tag = self.stack[i][0]
            if tag in targets:
                return i
            if tag in boundaries:
                return None
        return None

    def _close_at(self, i: int | None) -> bool:
        """Close the open element at index `i` and everything inside it."""
        if i is None:
            return False
        while len(self.stack) > i:
            self._pop()
        return True

    def _hides(self, tag: str, attrs: dict[str, str]) -> bool:
        if tag in _SKIP_TAGS or "hidden" in attrs:
            return True
        if tag == "dialog" and "open" not in attrs:
            return True
        if attrs.get("aria-hidden", "").strip().lower() == "true":
            return True
        if _HIDDEN_STYLE.search(attrs.get("style", "")):
            return True
        if attrs.get("role", "").strip().lower() in _FURNITURE_ROLES:
            return True
        return not _HIDDEN_CLASSES.isdisjoint(attrs.get("class", "").lower().split())

    def start(self, tag: str, attrs: dict[str, str], self_closing: bool) -> None:
        if tag == "head" and self.open["head"]:
            return  # a second <head> inside the first is ignored, as browsers do
        # Implied end tags: what a start tag closes without saying so.
        if self.open["head"] and tag not in _HEAD_CONTENT:
            self._close("head")
        if tag in _CLOSES_P:
            self._close_at(self._find(frozenset({"p"}), _SCOPE | {"button"}))
        if tag == "li":
            self._close_at(self._find(frozenset({"li"}), _SCOPE | {"ol", "ul", "menu"}))
        elif tag in ("dt", "dd"):
            self._close_at(self._find(frozenset({"dt", "dd"}), _SCOPE | {"dl"}))
        elif tag in ("td", "th"):
            self._close_at(self._find(frozenset({"td", "th"}), _TABLE_SCOPE | {"tr"}))
        elif tag == "tr":
            self._close_at(self._find(frozenset({"tr"}), _TABLE_SCOPE))
        elif tag in _HEADINGS and self.stack and self.stack[-1][0] in _HEADINGS:
            self._pop()
        elif tag == "option" and self.stack and self.stack[-1][0] == "option":
            self._pop()
        hides = self._hides(tag, attrs)
        if not self.hidden and not hides:
            if tag in _BLOCK_TAGS:
                self.parts.append("\n")
                if tag in _HEADINGS:
                    self.parts.append("#" * int(tag[1]) + " ")
                elif tag == "li":
                    self.parts.append("- ")
            elif tag in ("td", "th"):
                self.parts.append(" | " if self.cell else "| ")
                self.cell = True
            if tag == "tr":
                self.cell = False
        if tag not in _VOID_TAGS:
            self._push(tag, hides)
            if self_closing:  # <div/>: read as the empty element its author meant
                self._close(tag)

    def end(self, tag: str) -> None:
        if tag in ("body", "html"):
            return  # they close nothing: content after them is still in the body
        targets = _HEADINGS if tag in _HEADINGS else frozenset({tag})
        if tag == "p":
            boundaries = _SCOPE | {"button"}
        elif tag == "li":
            boundaries = _SCOPE | {"ol", "ul"}
        elif tag in ("td", "th", "tr", "tbody", "thead", "tfoot", "table", "caption"):
            boundaries = _TABLE_SCOPE
        elif tag in _SPECIAL:
            boundaries = _SCOPE
        else:
            boundaries = _SPECIAL
        if not self._close_at(self._find(targets, boundaries - targets)):
            if not self.hidden and tag in _BLOCK_TAGS:
                self.parts.append("\n")  # a stray </p> or </br> still ends a block

    def data(self, text: str, at: int = -1) -> None:
        if not self.hidden and text:
            if self.origins is not None:
                self.origins[len(self.parts)] = (at, text)
            self.parts.append(html.unescape(text))

    def comment(self, text: str, at: int = -1) -> None:
        # Keep claimaudit directives (they control suppression, and a misspelled one is
        # warned about); drop other comments.
        if not self.hidden and text.strip().lower().startswith("claimaudit"):
            if self.origins is not None:
                self.origins[len(self.parts)] = (at, None)
            self.parts.append(f" <!--{text}--> ")

    # -- tokenizing ------------------------------------------------------------

    def feed(self, source: str) -> None:
        """Tokenize the whole page in one pass (time linear in its length)."""
        i, n = 0, len(source)
        while i < n:
            lt = source.find("<", i)
            if lt < 0:
                self.data(source[i:], i)
                return
            if lt > i:
                self.data(source[i:lt], i)
            i = self._markup(source, lt)

    def _markup(self, s: str, i: int) -> int:
        """Handle the markup at s[i] == "<" and return where text resumes."""
        n = len(s)
        nxt = s[i + 1:i + 2]
        if s.startswith("<!--", i):
            if s.startswith("<!-->", i):
                return i + 5
            if s.startswith("<!--->", i):
                return i + 6
            m = _COMMENT_END_RE.search(s, i + 4)
            if m is None:  # an unclosed comment runs to the end of the page
                return n
            self.comment(s[i + 4:m.start()], i)
            return m.end()
        if nxt in ("!", "?"):  # doctype, CDATA, processing instruction: a bogus comment
            gt = s.find(">", i + 2)
            return n if gt < 0 else gt + 1
        if nxt == "/":
            m = _END_TAG_RE.match(s, i)
            if m:
                self.end(m.group(1).lower())
                return m.end()
            if s[i + 2:i + 3].isascii() and s[i + 2:i + 3].isalpha():
                return n  # an unclosed end tag runs to the end of the page
            if s.startswith("</>", i):
                return i + 3
            gt = s.find(">", i + 2)
            return n if gt < 0 else gt + 1
        if nxt.isascii() and nxt.isalpha():
            m = _START_TAG_RE.match(s, i)
            if m is None:
                return n  # an unclosed start tag runs to the end of the page
            tag = m.group(1).lower()
            attrs: dict[str, str] = {}
            self_closing = False
            for a in _ATTR_RE.finditer(m.group(2)):
                self_closing = a.group(1) is None and a.group(0).endswith("/")
                if a.group(1):
                    value = a.group(2) or ""
                    if len(value) > 1 and value[0] in "'\"" and value[-1] == value[0]:
                        value = value[1:-1]
                    attrs.setdefault(a.group(1).lower(), html.unescape(value))
            end = m.end()
            if tag in _RAW_TEXT_TAGS:
                close = _RAW_TEXT_END[tag].search(s, end)
                if close is not None or not self_closing:  # raw text up to </tag>
                    self.start(tag, attrs, False)
                    stop = n if close is None else close.start()
                    self.data(s[end:stop], end)
                    return stop
            self.start(tag, attrs, self_closing)
            return end
        self.data("<", i)  # "<" not starting markup is text
        return i + 1


def html_text(source: str) -> str:
    """Extract the visible article text of an HTML page, one block per line.

    Scripts, styles, comments, templates, navigation, headers, footers, asides,
    forms and hidden elements (the `hidden` attribute, `aria-hidden="true"`,
    `display:none`/`visibility:hidden` styles, classes such as `sr-only` and
    `d-none`, navigation roles) are dropped; entities are decoded; headings
    become Markdown-style '# ' lines and list items '- ' lines, so that the
    segmenter treats them as their own units. Report offsets for HTML refer to
    this text, not to the HTML source.
    """
    parser = _TextExtractor()
    parser.feed(source)
    raw = "".join(parser.parts).replace("\xa0", " ")
    lines = []
    for line in raw.split("\n"):
        collapsed = " ".join(line.split())
        if collapsed.strip("#|- "):  # not just the markers of an empty heading, item or row
            lines.append(collapsed)
    return "\n\n".join(lines) + ("\n" if lines else "")


_CHARREF = re.compile(r"&(#[0-9]+;?|#[xX][0-9a-fA-F]+;?|[^\t\n\f <&#;]{1,32};?)")  # as html.unescape


def html_text_map(source: str) -> tuple[str, list[int]]:
    """Return `html_text(source)` and, for each of its characters, its offset in `source`.

    -1 marks characters the extraction added (line breaks between blocks, the
    "# " of headings, "- " of list items). Used to point SARIF and GitHub
    annotations of .html articles at the page source; the audit itself never
    needs it.
    """
    parser = _TextExtractor(track=True)
    parser.feed(source)
    origins = parser.origins or {}
    orig: list[int] = []
    for i, part in enumerate(parser.parts):
        o = origins.get(i)
        if o is None:
            orig.extend([-1] * len(part))
        elif o[1] is None:  # " <!--comment--> ": the comment's characters are the source's
            orig.append(-1)
            orig.extend(range(o[0], o[0] + len(part) - 2))
            orig.append(-1)
        elif "&" not in o[1]:
            orig.extend(range(o[0], o[0] + len(o[1])))
        else:
            at, raw, pos = o[0], o[1], 0
            for m in _CHARREF.finditer(raw):
                orig.extend(range(at + pos, at + m.start()))
                orig.extend([at + m.start()] * len(html.unescape(m.group(0))))
                pos = m.end()
            orig.extend(range(at + pos, at + len(raw)))
    raw_text = "".join(parser.parts).replace("\xa0", " ")
    out: list[str] = []
    out_orig: list[int] = []
    offset = 0
    for line in raw_text.split("\n"):
        base = offset
        offset += len(line) + 1
        words = [(m.start(), m.end()) for m in re.finditer(r"\S+", line)]
        collapsed = " ".join(line[a:b] for a, b in words)
        if not collapsed.strip("#|- "):
            continue
        if out:
            out.append("\n\n")
            out_orig.extend((-1, -1))
        for k, (a, b) in enumerate(words):
            if k:
                out.append(" ")
                out_orig.append(orig[base + a - 1])
            out.append(line[a:b])
            out_orig.extend(orig[base + a:base + b])
    if out:
        out.append("\n")
        out_orig.append(-1)
    return "".join(out), out_orig


def source_span(origins: list[int], source: str, start: int, end: int) -> tuple[int, int] | None:
    """Map an extracted-text span [start, end) to its span in the HTML source (None if synthetic)."""
    inside = [o for o in origins[start:end] if o >= 0]
    if not inside:
        return None
    last = inside[-1]
    stop = last + 1
    if source.startswith("&", last):
        m = _CHARREF.match(source, last)
        stop = m.end() if m else stop
    return inside[0], stop
