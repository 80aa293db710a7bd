"""Markdown: which characters of a .md source are article text, with exact offsets.

Parsed with markdown-it-py (CommonMark, plus GitHub tables and strikethrough),
not line by line. The result (`Layout`) says, for every character of the
source, whether it is

- article text (visible), grouped into blocks: headings, paragraphs, list
  items (a paragraph inside a list item) and table rows;
- markup inside article text that a reader never sees (`hidden`): emphasis
  and strikethrough markers, link brackets and targets, autolink angle
  brackets, the backslash of an escape, inline HTML tags. A claim's text
  leaves them out (`Sentence.plain`), while its offsets still span them;
- not article text (`masked`): front matter, fenced and indented code, inline
  code, images, HTML comments, raw HTML tags, block markers ("> ", "- ",
  "## ", table pipes at the ends of a row), blank lines, thematic breaks.

Offsets always index the decoded source (with newlines normalized), so
`source[start:end]` is a unit's text as written; markdown-it reports block
lines only, so inline positions are found by walking each inline token's
children along its raw content, and any inline construct this walk cannot
place is left as visible text rather than guessed.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

VISIBLE, MASKED, HIDDEN = 1, 0, 2

_FRONT_MATTER = re.compile(r"\A(---|\+\+\+)[ \t]*\n(.*?\n)??(\1|\.\.\.)[ \t]*(?:\n|\Z)",
                           re.DOTALL)
_FRONT_TITLE = re.compile(r"^title\s*[:=]\s*(.+?)\s*$", re.MULTILINE)
COMMENT_RE = re.compile(r"<!--.*?-->", re.DOTALL)
_HTML_TAG = re.compile(r"<(?:script|style)\b.*?</(?:script|style)\s*>|<!--.*?(?:-->|\Z)|<[^>]*>",
                       re.DOTALL | re.IGNORECASE)
_BREAKING_TAG = re.compile(
    r"</?(?:br|p|div|li|ul|ol|hr|img|table|thead|tbody|tr|td|th|h[1-6]|blockquote|pre|dd|dt|dl|"
    r"section|article|figure|figcaption|details|summary)\b", re.IGNORECASE)
_EMPHASIS = frozenset({"strong_open", "strong_close", "em_open", "em_close", "s_open", "s_close"})


@dataclass(frozen=True)
class Layout:
    """Where the article text of a Markdown source is (offsets into the source)."""

    # (start, end, kind), kind: heading | paragraph | list-item | table-row
    blocks: tuple[tuple[int, int, str], ...]
    masked: tuple[tuple[int, int], ...]  # not article text
    hidden: tuple[tuple[int, int], ...]  # markup inside article text, left out of a claim's text
    comments: tuple[tuple[int, str], ...]  # (offset, comment text) of HTML comments outside code
    title: str = ""  # the front matter's title, if any


@lru_cache(maxsize=1)
def _parser() -> Any:
    """Return the shared markdown-it parser."""
    from markdown_it import MarkdownIt

    # text_join would merge escapes and entities into the text around them, hiding
    # where their source characters are.
    return MarkdownIt("commonmark").enable(["table", "strikethrough"]).disable("text_join")


class _Fail(Exception):
    """An inline construct whose source position cannot be placed exactly."""


def parse(text: str) -> Layout:
    """Return the layout of a Markdown source (newlines already normalized to LF)."""
    state = bytearray(len(text))  # MASKED everywhere until an inline token claims it
    starts = [0] + [m.end() for m in re.finditer("\n", text)]
    title = ""
    source = text
    fm = _FRONT_MATTER.match(text)
    if fm:
        t = _FRONT_TITLE.search(fm.group(2) or "")
        title = t.group(1).strip("\"'") if t else ""
        # Blanked for the parser, keeping the line count (markdown-it's maps are lines).
        source = "\n" * fm.group(0).count("\n") + text[fm.end():]
    builder = _Builder(text, starts, state)
    try:
        tokens = _parser().parse(source)
    except Exception:  # noqa: BLE001 - a parser bug must not lose the article: read it as lines
        return _fallback(text, fm.end() if fm else 0, title)
    containers: list[str] = []
    heading = False
    for tok in tokens:
        t = tok.type
        if t in ("list_item_open", "blockquote_open", "table_open"):
            containers.append(t)
        elif t in ("list_item_close", "blockquote_close", "table_close"):
            if containers:
                containers.pop()
            if t == "table_close":
                builder.end_row()
        elif t == "heading_open":
            heading = True
        elif t == "heading_close":
            heading = False
        elif t == "tr_open" and tok.map:
            builder.row(tok.map[0])
        elif t == "html_block" and tok.map:
            builder.html_block(tok, "list-item" if "list_item_open" in containers else "paragraph")
        elif t == "inline" and tok.map:
            if heading:
                builder.inline(tok, "heading")
            elif containers and containers[-1] == "table_open":
                builder.cell(tok)
            else:
                builder.inline(tok, "list-item" if "list_item_open" in containers else "paragraph")
    builder.end_row()
    builder.blocks.sort()
    return Layout(
        blocks=tuple(builder.blocks),
        masked=_runs(state, MASKED),
        hidden=_runs(state, HIDDEN),
        comments=tuple(sorted(builder.comments)),
        title=title,
    )


def _runs(state: bytearray, value: int) -> tuple[tuple[int, int], ...]:
    """Return the (start, end) runs of `value` in `state`."""
    pattern = re.compile(re.escape(bytes([value])) + b"+")
    return tuple((m.start(), m.end()) for m in pattern.finditer(state))


def _fallback(text: str, begin: int, title: str) -> Layout:
    """Every non-blank line after the front matter is a paragraph (used only if markdown-it fails)."""
    blocks = []
    for m in re.finditer(r"[^\n]+", text[begin:]):
        line = m.group(0)
        if line.strip():
            a = begin + m.start() + (len(line) - len(line.lstrip()))
            blocks.append((a, begin + m.start() + len(line.rstrip()), "paragraph"))
    masked = [(0, begin)] if begin else []
    return Layout(tuple(blocks), tuple(masked), (), (), title)


class _Builder:
    """Collects blocks and character states while walking markdown-it's tokens."""

    def __init__(self, text: str, starts: list[int], state: bytearray) -> None:
        self.text = text
        self.starts = starts
        self.state = state
        self.blocks: list[tuple[int, int, str]] = []
        self.comments: list[tuple[int, str]] = []
        self._row: tuple[int, int, int] | None = None  # (line start, visible start, search cursor)

    def _line(self, n: int) -> tuple[int, int]:
        """Return (start, end) offsets of line n (end excludes the newline)."""
        if n >= len(self.starts):
            return len(self.text), len(self.text)
        a = self.starts[n]
        b = self.starts[n + 1] - 1 if n + 1 < len(self.starts) else len(self.text)
        return a, b

    def _mark(self, a: int, b: int, value: int) -> None:
        """Set the state of the characters in [a, b)."""
        if b > a:
            self.state[a:b] = bytes([value]) * (b - a)

    # -- paragraphs, headings, list items ----------------------------------------

    def inline(self, tok: Any, kind: str) -> None:
        """Place an inline token's content line by line, then its inline markup."""
        content: str = tok.content
        lines = content.split("\n")
        c_starts: list[int] = []  # content offset where each content line starts
        s_starts: list[int] = []  # source offset of the same character
        pos = 0
        exact = True
        for i, cl in enumerate(lines):
            a, b = self._line(tok.map[0] + i)
            src = self.text[a:b]
            if src.endswith(cl):
                at = a + len(src) - len(cl)
            else:
                k = src.find(cl)
                if k < 0:  # tabs expanded by the parser, say: keep the line's text visible
                    exact = False
                    stripped = src.strip()
                    at = a + src.find(stripped[:1]) if stripped else a
                    self._mark(at, at + len(stripped), VISIBLE)
                    c_starts.append(pos)
                    s_starts.append(at)
                    pos += len(cl) + 1
                    continue
                at = a + k
            self._mark(at, at + len(cl), VISIBLE)
            c_starts.append(pos)
            s_starts.append(at)
            pos += len(cl) + 1
        if exact:
            try:
                ranges = _inline_ranges(content, tok.children or [])
            except _Fail:
                ranges = []
            for ca, cb, value, comment in ranges:
                for sa, sb in _to_source(c_starts, s_starts, ca, cb):
                    self._mark(sa, sb, value)
                if comment is not None:
                    self.comments.append((_to_source(c_starts, s_starts, ca, ca + 1)[0][0], comment))
        first = tok.map[0]
        last = min(tok.map[0] + len(lines), tok.map[1]) - 1
        self._block(self._line(first)[0], self._line(last)[1], kind)

    def _block(self, a: int, b: int, kind: str) -> None:
        """Record a block spanning the visible characters in [a, b) (and the markup between them)."""
        seg = self.state[a:b]
        if seg.find(VISIBLE) < 0:
            return
        first = min(i for i in (seg.find(VISIBLE), seg.find(HIDDEN)) if i >= 0)
        self.blocks.append((a + first, a + max(seg.rfind(VISIBLE), seg.rfind(HIDDEN)) + 1, kind))

    # -- tables: one unit a row, cells kept with their inner pipes -------------------

    def row(self, line: int) -> None:
        """Start a table row: its line between the outer pipes is text."""
        self.end_row()
        a, b = self._line(line)
        src = self.text[a:b]
        left = len(src) - len(src.lstrip())
        if src[left:left + 1] == "|":
            left += 1
        right = len(src.rstrip())
        if right > left and src[right - 1] == "|" and (right < 2 or src[right - 2] != "\\"):
            right -= 1
        self._row = (line, a, a + left)
        self._mark(a + left, a + right, VISIBLE)

    def cell(self, tok: Any) -> None:
        """Place a cell's inline markup inside its row (the cell text must be found as written)."""
        if self._row is None or self._row[0] != tok.map[0]:
            return
        line, a, cursor = self._row
        _, b = self._line(line)
        k = self.text.find(tok.content, cursor, b) if tok.content else -1
        if k < 0:
            return
        self._row = (line, a, k + len(tok.content))
        try:
            ranges = _inline_ranges(tok.content, tok.children or [])
        except _Fail:
            return
        for ca, cb, value, comment in ranges:
            self._mark(k + ca, k + cb, value)
            if comment is not None:
                self.comments.append((k + ca, comment))

    def end_row(self) -> None:
        """Close the open table row as one block."""
        if self._row is None:
            return
        line = self._row[0]
        self._row = None
        a, b = self._line(line)
        self._block(a, b, "table-row")

    # -- raw HTML blocks: tags and comments out, the text between them in ------------

    def html_block(self, tok: Any, kind: str) -> None:
        """Make a raw HTML block's text (not its tags or comments) article text, a block a line.

        Only the part of each line that is the block's content counts: in a quote or
        a list item, the "> " or "- " before it is a container's marker.
        """
        first, last = tok.map
        lines = []
        for i, cl in enumerate(tok.content.split("\n")[: last - first]):
            a, b = self._line(first + i)
            src = self.text[a:b]
            at = len(src) - len(cl) if src.endswith(cl) else src.find(cl)
            if at >= 0 and cl.strip():
                lines.append((a + at, a + at + len(cl)))
                self._mark(a + at, a + at + len(cl), VISIBLE)
        if not lines:
            return
        for m in _HTML_TAG.finditer(self.text, lines[0][0], lines[-1][1]):
            self._mark(m.start(), m.end(), MASKED)
            if m.group(0).startswith("<!--") and m.group(0).endswith("-->"):
                self.comments.append((m.start(), m.group(0)))
        for a, b in lines:
            if any(not ch.isspace() for ch, v in zip(self.text[a:b], self.state[a:b]) if v):
                self._block(a, b, kind)


def _to_source(c_starts: list[int], s_starts: list[int], ca: int, cb: int) -> list[tuple[int, int]]:
    """Map content offsets [ca, cb) to source ranges, one per content line they cross."""
    out = []
    i = bisect.bisect_right(c_starts, ca) - 1
    while ca < cb and i < len(c_starts):
        line_end = c_starts[i + 1] - 1 if i + 1 < len(c_starts) else cb
        stop = min(cb, line_end)
        if stop > ca:
            out.append((s_starts[i] + ca - c_starts[i], s_starts[i] + stop - c_starts[i]))
        i += 1
        if i < len(c_starts):
            ca = max(ca, c_starts[i])
    return out


def _inline_ranges(c: str, children: list[Any]) -> list[tuple[int, int, int, str | None]]:
    """Walk inline tokens along their raw content `c`; return (start, end, state, comment) ranges.

    Raises _Fail when a token is not where its markup says it must be.
    """
    out: list[tuple[int, int, int, str | None]] = []
    i, n = 0, len(c)
    links: list[str] = []

    def expect(s: str) -> None:
        if not c.startswith(s, i):
            raise _Fail(s)

    def skip_ws() -> int:
        j = i
        while j < n and c[j] in " \t\n":
            j += 1
        return j

    for tok in children:
        t = tok.type
        if t == "text":
            if not tok.content:
                continue
            j = c.find(tok.content, i)
            if j < 0 or c[i:j].strip():
                raise _Fail(t)
            i = j + len(tok.content)
        elif t == "softbreak":
            i = skip_ws()
        elif t == "hardbreak":
            while i < n and c[i] in " \t":
                i += 1
            if i < n and c[i] == "\\":
                out.append((i, i + 1, HIDDEN, None))
                i += 1
            i = skip_ws()
        elif t == "text_special":
            expect(tok.markup)
            if tok.info == "escape":  # "\\*": the backslash is markup
                out.append((i, i + 1, HIDDEN, None))
            elif tok.info == "entity" and tok.content.isspace():  # "&nbsp;" reads as a space
                out.append((i, i + len(tok.markup), MASKED, None))
            elif tok.info == "entity" and tok.content == tok.markup[:1]:  # "&amp;" reads as "&"
                out.append((i + 1, i + len(tok.markup), HIDDEN, None))
            i += len(tok.markup)
        elif t in _EMPHASIS:
            expect(tok.markup)
            out.append((i, i + len(tok.markup), HIDDEN, None))
            i += len(tok.markup)
        elif t == "code_inline":
            expect(tok.markup)
            close = re.compile(r"(?<!`)" + re.escape(tok.markup) + r"(?!`)")
            m = close.search(c, i + len(tok.markup))
            if m is None:
                raise _Fail(t)
            out.append((i, m.end(), MASKED, None))
            i = m.end()
        elif t == "html_inline":
            expect(tok.content)
            comment = tok.content if tok.content.startswith("<!--") else None
            # A tag that breaks text ("<br>", "<p>") reads as a space; "<b>", "<sup>" as nothing.
            spacer = comment is not None or _BREAKING_TAG.match(tok.content) is not None
            out.append((i, i + len(tok.content), MASKED if spacer else HIDDEN, comment))
            i += len(tok.content)
        elif t == "link_open":
            kind = tok.markup or "link"
            links.append(kind)
            if kind == "autolink":
                expect("<")
                out.append((i, i + 1, HIDDEN, None))
                i += 1
            elif kind != "linkify":
                expect("[")
                out.append((i, i + 1, HIDDEN, None))
                i += 1
        elif t == "link_close":
            kind = links.pop() if links else "link"
            if kind == "autolink":
                expect(">")
                out.append((i, i + 1, HIDDEN, None))
                i += 1
            elif kind != "linkify":
                expect("]")
                end = _link_tail(c, i + 1)
                out.append((i, end, HIDDEN, None))
                i = end
        elif t == "image":
            expect("![")
            close = _matching_bracket(c, i + 1)
            end = _link_tail(c, close + 1)
            out.append((i, end, MASKED, None))
            i = end
        else:
            raise _Fail(t)
    if c[i:].strip():
        raise _Fail("trailing text")
    return out


def _matching_bracket(c: str, i: int) -> int:
    """Return the index of the "]" closing the "[" at c[i] (escapes skipped)."""
    depth, j = 0, i
    while j < len(c):
        ch = c[j]
        if ch == "\\":
            j += 2
            continue
        if ch == "[":
            depth += 1
        elif ch == "]":
            depth -= 1
            if depth == 0:
                return j
        j += 1
    raise _Fail("]")


def _link_tail(c: str, j: int) -> int:
    """Return where a link's destination part ends: "(url "title")", "[ref]", "[]" or nothing."""
    if j < len(c) and c[j] == "(":
        depth, k, quote = 1, j + 1, ""
        while k < len(c):
            ch = c[k]
            if ch == "\\":
                k += 2
                continue
            if quote:
                if ch == quote:
                    quote = ""
            elif ch in "\"'" and c[k - 1] in " \t\n":
                quote = ch
            elif ch == "<" and c[k - 1] == "(":
                gt = c.find(">", k)
                if gt < 0:
                    raise _Fail(")")
                k = gt
            elif ch == "(":
                depth += 1
            elif ch == ")":
                depth -= 1
                if depth == 0:
                    return k + 1
            k += 1
        raise _Fail(")")
    if j < len(c) and c[j] == "[":
        return _matching_bracket(c, j) + 1
    return j


_NOT_NEWLINE = re.compile(r"[^\n]")


def marked(text: str, masked: tuple[tuple[int, int], ...], hidden: tuple[tuple[int, int], ...],
           start: int = 0, end: int | None = None) -> str:
    """Return text[start:end] with masked characters as spaces (newlines kept) and hidden ones as NUL.

    `masked` and `hidden` are sorted, disjoint ranges. The result has the
    slice's length, so its offsets are the source's.
    """
    end = len(text) if end is None else end
    if "\0" in text:  # NUL is the marker here: read a NUL of the source as U+FFFD, as markdown-it does
        text = text.replace("\0", "\ufffd")
    ranges = sorted([(a, b, " ") for a, b in _overlapping(masked, start, end)]
                    + [(a, b, "\0") for a, b in _overlapping(hidden, start, end)])
    pieces, at = [], start
    for a, b, fill in ranges:
        a, b = max(a, start), min(b, end)
        if a > at:
            pieces.append(text[at:a])
        chunk = text[a:b]
        pieces.append(_NOT_NEWLINE.sub(fill, chunk) if "\n" in chunk else fill * (b - a))
        at = b
    pieces.append(text[at:end])
    return "".join(pieces)


def _overlapping(ranges: tuple[tuple[int, int], ...], start: int, end: int) -> list[tuple[int, int]]:
    """Return the sorted ranges that overlap [start, end)."""
    i = bisect.bisect_right(ranges, (start, 1 << 62)) - 1
    out = []
    for a, b in ranges[max(i, 0):]:
        if a >= end:
            break
        if b > start:
            out.append((a, b))
    return out


def plain_text(text: str, masked: tuple[tuple[int, int], ...], hidden: tuple[tuple[int, int], ...],
               start: int, end: int) -> str:
    """Return text[start:end] as a reader sees it: no markup, whitespace runs as one space."""
    return " ".join(marked(text, masked, hidden, start, end).replace("\0", "").split())
