"""Segment: cut an article into units with exact offsets, lines and columns.

Articles are first cut into lines: on the web a line is a block (a heading, a
list item, a table row, a paragraph), and sentence splitters that ignore
newlines glue headings to the next sentence (measured in
shared/notes/deps-and-perf.md). Each block is then split into sentences by an
abbreviation-aware boundary rule. Every unit keeps `start`/`end` offsets into
the article text, so `text[start:end] == unit.text` always holds.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator

from .records import Article, Sentence

MAX_SENTENCE_CHARS = 1500  # longer runs without a boundary are cut at whitespace

_HEADING_MD = re.compile(r"#{1,6}[ \t]+")
_NUMBER = re.compile(r"\d{1,3}[.)][ \t]+")  # a numbered item's marker ("1. ", "2) ")
_BULLET = re.compile(rf"(?:[•●▪◦·‣∙■□➢►–—*+\-])[ \t]+|{_NUMBER.pattern}(?=\S)")
_TABLE_SEP = re.compile(r"\|?[ \t]*:?-{2,}:?[ \t]*(\|[ \t]*:?-{2,}:?[ \t]*)*\|?[ \t]*")

# Words after which a period does not end a sentence. Unit symbols (mg, mcg, kg, ml, min) are
# not among them: they are written without a period, so "... 420 mg. Women ..." ends a sentence.
_ABBREVIATIONS = frozenset(
    """
    dr mr mrs ms prof sr jr st vs etc e.g i.e al approx ca cf fig figs no nos vol
    inc ltd co corp dept univ jan feb mar apr jun jul aug sep sept oct nov dec
    u.s u.k u.n resp est avg ph.d m.d b.a b.sc
    """.split()
)
# A boundary: terminal punctuation, optional closing quotes/brackets, whitespace,
# then something that can start a sentence (after emphasis marks: "... tense. **Stress**: ...").
_BOUNDARY = re.compile(r"([.!?…]+)([\"'”’)\]]*)(\s+)(?=(?:\*{1,2}|_{1,2})?[\"'“‘(\[]?[A-Z0-9•])")
# A boundary with no space after it: scraped pages lose the space where a paragraph break or a tag
# was ("... easy to overlook.One of the first symptoms ..."). Only between a lower-case word and a
# capitalized one, and not in a web or e-mail address ("www.Allergan.com", "robert.Ortlieb@").
_GLUED = re.compile(r"[a-z]{2}([.!?])(?=[A-Z][a-z]+(?![\w.@]*[.@][A-Za-z]))")
_WORD_BEFORE = re.compile(r"([A-Za-z][A-Za-z.]*)$")
_WORD_WINDOW = 64  # longer than any abbreviation, so the result is the same as a full look-back
_WORD_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz."


def _word_before(chunk: str, end: int) -> str:
    """Return the word `_WORD_BEFORE` finds right before `end` (in the window it is searched), or "".

    ``_WORD_BEFORE.search(chunk, max(0, end - _WORD_WINDOW), end)``: its leftmost match is the run of
    letters and periods that ends the window (or ends before one final newline, where ``$`` also
    matches), from its first letter on. Found by two strips (C loops) instead of the search, which
    tries the pattern at every position of the window (about 3x faster).
    """
    tail = chunk[max(0, end - _WORD_WINDOW):end]
    if tail[-1:] == "\n":
        tail = tail[:-1]
    return tail[len(tail.rstrip(_WORD_CHARS)):].lstrip(".")
_VERBISH = re.compile(
    r"\b(is|are|was|were|be|been|has|have|had|can|could|may|might|will|would|should|must|"
    r"does|do|did|helps?|causes?|leads?|reduces?|increases?|include[sd]?|contains?|"
    r"provides?|shows?|found|suggests?|plays?|acts?|blocks?|affects?|supports?)\b",
    re.IGNORECASE,
)
_FAQ_HEADING = re.compile(r"\b(faq|frequently asked)\b", re.IGNORECASE)


def line_starts(text: str) -> list[int]:
    """Return the offset at which each line of `text` starts."""
    starts = [0]
    for m in re.finditer("\n", text):
        starts.append(m.end())
    return starts


def position(starts: list[int], offset: int) -> tuple[int, int]:
    """Return the 1-based (line, column) of an offset."""
    i = bisect.bisect_right(starts, offset) - 1
    return i + 1, offset - starts[i] + 1


def _masked_view(article: Article) -> str:
    """Return the text with masked ranges (comments) blanked, same length."""
    if not article.masked:
        return article.text
    chars = list(article.text)
    for start, end in article.masked:
        for i in range(start, end):
            if chars[i] != "\n":
                chars[i] = " "
    return "".join(chars)


def split_sentences(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    """Yield (start, end) sentence spans inside text[start:end], trimmed of spaces."""
    return iter(_sentence_spans(text, start, end))


# A bibliography entry: an author list ("Bayram S, Sahin K, Anarat FB, et al.", "Vink R, Nechifor M,
# editors."), after an optional list number (`claims` reads such a unit as boilerplate). Its periods end initials, abbreviated journal names and
# title parts, not sentences: the entry is one unit, so no piece of it (the study's title: "The effect
# of oral magnesium supplementation on acute non-specific low back pain: ... trial.") reads as a claim.
AUTHOR_LIST = re.compile(
    r"\s*(?:\[?\d{1,3}[.)\]]\s*)?[A-Z][\w'’-]+ [A-Z]{1,3}(?:, [A-Z][\w'’-]+ [A-Z]{1,3})*"
    r"(?:,? (?:et al\b|eds?\b|editors?\b)|, [A-Z][\w'’-]+ [A-Z]{1,3}[,.])")


def _sentence_spans(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Return `split_sentences`' spans as a list (what `segment` reads; no generators)."""
    chunk = text[start:end]
    spans: list[tuple[int, int]] = []
    if AUTHOR_LIST.match(chunk):  # fails at the first or second character of almost every block
        _trim_into(spans, chunk, 0, len(chunk), start)
        return spans
    cut = 0
    for punct, punct_end, nxt in _boundaries(chunk):
        if chunk[punct] == ".":
            # Look back a bounded window: scanning from 0 made long lines quadratic.
            w = _word_before(chunk, punct)
            if w and (w.lower() in _ABBREVIATIONS or (len(w) == 1 and w.isupper())):
                continue
        _trim_into(spans, chunk, cut, punct_end, start)
        cut = nxt
    _trim_into(spans, chunk, cut, len(chunk), start)
    return spans


def _boundaries(chunk: str) -> list[tuple[int, int, int]]:
    """Return the candidate sentence boundaries of a block, in order: (where the terminal
    punctuation starts, where the sentence ends, where the next one starts)."""
    out = [(m.start(1), m.end(2), m.end(3)) for m in _BOUNDARY.finditer(chunk)]
    if "." in chunk or "!" in chunk or "?" in chunk:
        glued = []
        for m in _GLUED.finditer(chunk):
            at = m.start(1)
            w = at - 2
            while w > 0 and chunk[w - 1].isalpha():
                w -= 1
            if (w > 0 and chunk[w - 1] in "./@:\\_-") or chunk[w:at].lower() == "www":
                continue  # a part of an address or a file name
            glued.append((at, at + 1, at + 1))
        if glued:
            out = sorted(out + glued)
    return out


def _trim_into(spans: list[tuple[int, int]], chunk: str, a: int, b: int, base: int) -> None:
    """Append `_trimmed(chunk, a, b, base)`'s spans to `spans` (most spans need no trimming)."""
    if (a < b and b - a <= MAX_SENTENCE_CHARS and not chunk[a].isspace()
            and not chunk[b - 1].isspace()):
        spans.append((base + a, base + b))
    else:
        spans.extend(_trimmed(chunk, a, b, base))


def _trimmed(chunk: str, a: int, b: int, base: int) -> Iterator[tuple[int, int]]:
    """Yield the span chunk[a:b] without surrounding whitespace, capped in length."""
    while a < b and chunk[a].isspace():
        a += 1
    while b > a and chunk[b - 1].isspace():
        b -= 1
    while b - a > MAX_SENTENCE_CHARS:
        cut = chunk.rfind(" ", a + MAX_SENTENCE_CHARS // 2, a + MAX_SENTENCE_CHARS)
        if cut <= a:
            cut = a + MAX_SENTENCE_CHARS
        yield base + a, base + cut
        a = cut
        while a < b and chunk[a].isspace():
            a += 1
    if b > a:
        yield base + a, base + b


def _capped(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    """Yield text[start:end] as one span, or as pieces of at most MAX_SENTENCE_CHARS."""
    if end - start <= MAX_SENTENCE_CHARS:
        yield start, end
    else:
        yield from _trimmed(text[start:end], 0, end - start, start)


def _looks_like_heading(content: str) -> bool:
    """A short line with no sentence punctuation and no verb reads as a heading."""
    stripped = content.rstrip()
    if not stripped or stripped[-1] in ".!:;,\"”)":
        return False
    words = stripped.split()
    if stripped.endswith("?"):
        return len(words) <= 14
    return len(words) <= 12 and not _VERBISH.search(stripped)


def _numbered_title(line: str, content: str, lead_in: str) -> bool:
    """Whether a numbered list item is a section's title ("1. Magnesium Citrate", followed by
    what it says of citrate): it reads as a heading and no lead-in ("Benefits:") makes it an
    item of a list. `line` is the item's line from its number on, `content` its text after it.

    A numbered title is a heading under the section heading before it: the units after it have
    both as their heading ("Forms of magnesium\nMagnesium Citrate"), so neither is lost.
    """
    return not lead_in and _NUMBER.match(line) is not None and _looks_like_heading(content)


def _headings(title: str, section: str, numbered: bool) -> tuple[str, str]:
    """Return (the heading of the units under a heading unit, the section heading after it).

    A numbered title sits under the section heading before it; any other heading starts a section.
    """
    title = title[:MAX_SENTENCE_CHARS]
    if numbered:
        return (f"{section}\n{title}" if section else title), section
    return title, title


def segment(article: Article) -> tuple[Sentence, ...]:
    """Cut an article into its units (sentences, headings, list items, table rows)."""
    if article.blocks is not None:
        return _segment_blocks(article)
    text = article.text
    view = _masked_view(article)
    starts = line_starts(text)
    bisect_right = bisect.bisect_right
    units: list[Sentence] = []
    heading = section = ""
    lead_in = ""
    in_list = False
    faq = False
    offset = 0
    for raw_line in view.split("\n"):
        line_start = offset
        offset += len(raw_line) + 1
        stripped = raw_line.lstrip()
        if not stripped:  # (what lstrip leaves starts with a non-space, or is empty)
            continue
        content_start = line_start + (len(raw_line) - len(stripped))
        block = "paragraph"
        m = _HEADING_MD.match(stripped)
        if m:
            block = "heading"
            content_start += m.end()
        elif stripped.startswith("|"):
            if _TABLE_SEP.fullmatch(stripped.rstrip()):
                continue
            block = "table-row"
        else:
            m = _BULLET.match(stripped)
            if m:
                block = "list-item"
                content_start += m.end()
        content_end = line_start + len(raw_line.rstrip())
        if content_end <= content_start:
            continue
        content = view[content_start:content_end]
        numbered = False
        if block == "paragraph" and _looks_like_heading(content):
            block = "heading"
        elif block == "list-item" and _numbered_title(stripped, content, lead_in):
            block, numbered = "heading", True
        if block == "heading":
            heading, section = _headings(content.strip().lstrip("#").strip(), section, numbered)
            # Questions inside an FAQ section are its items, not new sections.
            faq = bool(_FAQ_HEADING.search(heading)) or (faq and heading.endswith("?"))
            in_list = False
            lead_in = ""
            spans = list(_capped(view, content_start, content_end))
        elif block == "table-row":
            spans = list(_capped(view, content_start, content_end))
        else:
            spans = _sentence_spans(view, content_start, content_end)
        if block == "list-item":
            if not in_list:
                in_list = True
        else:
            if block != "heading":
                in_list = False
        for s, e in spans:
            s, e = _strip_span(view, s, e)
            if e <= s:
                continue
            # position(starts, s) and position(starts, e), inline
            i = bisect_right(starts, s) - 1
            j = bisect_right(starts, e) - 1
            unit_block = "faq" if (faq and block == "paragraph") else block
            units.append(
                Sentence(text[s:e], s, e, i + 1, s - starts[i] + 1, j + 1, e - starts[j] + 1,
                         unit_block, len(units), lead_in if block == "list-item" else "", heading)
            )
        if block == "paragraph" and spans:
            last = text[spans[-1][0]:spans[-1][1]].rstrip()
            lead_in = last if last.endswith(":") else ""
        elif block == "heading":
            lead_in = heading if heading.endswith(":") else ""
    return tuple(units)


def _strip_span(view: str, s: int, e: int) -> tuple[int, int]:
    """Trim whitespace (and blanked comment space) from both ends of a span."""
    while s < e and view[s].isspace():
        s += 1
    while e > s and view[e - 1].isspace():
        e -= 1
    return s, e


def _segment_blocks(article: Article) -> tuple[Sentence, ...]:
    """Cut a parsed Markdown article (`Article.blocks`) into units.

    Each block is one unit (heading, table row) or is split into sentences
    (paragraph, list item); a sentence may run over several lines. Markup is
    blank in the text the splitter reads, so it neither starts nor ends a
    sentence; a sentence's span reaches over emphasis or link markup right at
    its ends ("**Magnesium cures cramps.**"), and `plain` is its text without
    any markup.
    """
    from .mdparse import marked

    text = article.text
    marks = marked(text, article.masked, article.hidden)  # hidden markup as NUL
    view = marks.replace("\0", " ")
    starts = line_starts(text)
    units: list[Sentence] = []
    heading = section = lead_in = ""
    faq = False
    previous_end = 0
    for start, end, block in article.blocks:
        numbered = False
        if block == "paragraph" and _looks_like_heading(
                " ".join(marks[start:end].replace("\0", "").split())):
            block = "heading"
        elif block == "list-item" and "\n" not in text[start:end].rstrip() and _numbered_title(
                text[text.rfind("\n", 0, start) + 1:start].lstrip(),
                " ".join(marks[start:end].replace("\0", "").split()), lead_in):
            block, numbered = "heading", True
        if block in ("heading", "table-row"):
            spans = list(_capped(view, start, end))
        else:
            spans = list(split_sentences(view, start, end))
        if block == "heading":
            heading, section = _headings(" ".join(marks[start:end].replace("\0", "").split()), section,
                                         numbered)
            faq = bool(_FAQ_HEADING.search(heading)) or (faq and heading.endswith("?"))
            lead_in = ""
        last = ""
        for k, (s, e) in enumerate(spans):
            s, e = _strip_span(view, s, e)
            if e <= s:
                continue
            # Reach over markup right at the ends ("**Magnesium cures cramps.**"), never
            # into the unit before or the span after.
            while s > max(start, previous_end) and marks[s - 1] == "\0":
                s -= 1
            limit = spans[k + 1][0] if k + 1 < len(spans) else end
            while e < limit and marks[e] == "\0":
                e += 1
            previous_end = e
            plain = " ".join(marks[s:e].replace("\0", "").split())
            if block == "table-row":  # a row whose first or last cell is code: no stray pipe
                plain = plain.strip("| ")
            if not plain:
                continue
            line, col = position(starts, s)
            end_line, end_col = position(starts, e)
            units.append(Sentence(
                text=text[s:e], start=s, end=e, line=line, column=col, end_line=end_line,
                end_column=end_col, block="faq" if (faq and block == "paragraph") else block,
                index=len(units), lead_in=lead_in if block == "list-item" else "",
                heading=heading, plain=plain if plain != text[s:e] else ""))
            last = plain
        if block == "paragraph" and spans:
            lead_in = last if last.endswith(":") else ""
        elif block == "heading":
            lead_in = heading if heading.endswith(":") else ""
    return tuple(units)
