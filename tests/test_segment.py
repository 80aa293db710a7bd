"""Segmentation: units, block kinds, lead-ins and exact offsets."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from claimaudit.ingest import article_from_text, read_article
from claimaudit.segment import MAX_SENTENCE_CHARS, segment, split_sentences


def units(text: str, kind: str = "txt"):
    return segment(article_from_text(text, kind=kind))


# fmt: off
SPLIT_CASES = [
    # description,                         text,                                                   expected sentences
    ("two plain sentences",                "Magnesium helps. It is common.",                       ["Magnesium helps.", "It is common."]),
    ("abbreviation Dr. does not split",    "Dr. Smith found it. Then it ended.",                   ["Dr. Smith found it.", "Then it ended."]),
    ("e.g. and vs. do not split",          "Foods, e.g. nuts vs. seeds, help. Yes.",               ["Foods, e.g. nuts vs. seeds, help.", "Yes."]),
    ("lower-case after period: no split",  "Take 200 mg. daily with food.",                        ["Take 200 mg. daily with food."]),
    ("unit symbol ends a sentence",        "Men need 420 mg. Women need 320 mg.",                  ["Men need 420 mg.", "Women need 320 mg."]),
    ("quoted question stays inside",       "The answer to 'is it good?' is yes.",                  ["The answer to 'is it good?' is yes."]),
    ("decimal number does not split",      "The dose was 2.5 g. It worked.",                       ["The dose was 2.5 g.", "It worked."]),
    ("closing quote kept with sentence",   "He said \"stop.\" Then he left.",                      ["He said \"stop.\"", "Then he left."]),
    ("question then answer",               "Does it work? Yes, in trials.",                        ["Does it work?", "Yes, in trials."]),
    ("emphasis opens the next sentence",   "It helps. **Stress**: it tenses muscles.",             ["It helps.", "**Stress**: it tenses muscles."]),
    ("underscore emphasis too",            "It helps. _Note_: ask first.",                         ["It helps.", "_Note_: ask first."]),
    ("emphasis, lower case: no split",     "Take 200 mg. *daily* with food.",                      ["Take 200 mg. *daily* with food."]),
    ("a bibliography entry is one unit",   "Lee K, Park HS, et al. Zinc cures colds: a trial. J Nutr. 2019;12:3.",
                                           ["Lee K, Park HS, et al. Zinc cures colds: a trial. J Nutr. 2019;12:3."]),
    ("numbered, two authors",              "1. Lee K, Park HS. Zinc and colds. Nutr Rev. 2020.",   ["1. Lee K, Park HS. Zinc and colds. Nutr Rev. 2020."]),
    ("editors",                            "Vink R, Nechifor M, editors. Magnesium in the Central Nervous System. Adelaide: 2011.",
                                           ["Vink R, Nechifor M, editors. Magnesium in the Central Nervous System. Adelaide: 2011."]),
    ("one name and an initial: prose",     "Vitamin D helps. It is made in skin.",                 ["Vitamin D helps.", "It is made in skin."]),
    ("a name in prose is not a list",      "Lee K. said zinc helps. Others agree.",                ["Lee K. said zinc helps.", "Others agree."]),
    # scraped pages lose the space after a full stop where a paragraph break or a tag was
    ("no space after a full stop",         "It is easy to overlook.One sign is cramps.",           ["It is easy to overlook.", "One sign is cramps."]),
    ("no space after a question mark",     "Is it low?This test tells.",                           ["Is it low?", "This test tells."]),
    ("a web address is not a boundary",    "See www.Allergan.com for more.",                       ["See www.Allergan.com for more."]),
    ("an e-mail address is not one",       "Write to robert.Ortlieb@example.org today.",           ["Write to robert.Ortlieb@example.org today."]),
    ("a dotted name is not one",           "Open config.Settings.json first.",                     ["Open config.Settings.json first."]),
    ("an abbreviation is not one",         "Foods, e.g.Nuts, help.",                               ["Foods, e.g.Nuts, help."]),
]
# fmt: on


@pytest.mark.parametrize(("description", "text", "expected"), SPLIT_CASES,
                         ids=[c[0] for c in SPLIT_CASES])
def test_split_sentences(description: str, text: str, expected: list[str]) -> None:
    got = [text[s:e] for s, e in split_sentences(text, 0, len(text))]
    assert got == expected, description


def test_headings_bullets_and_lead_in() -> None:
    text = ("Key Facts\n\nCommon symptoms include:\n\n  • Muscle cramps\n  • Fatigue\n\n"
            "Magnesium is a mineral. It matters.\n")
    got = [(u.block, u.text, u.lead_in) for u in units(text)]
    assert got == [
        ("heading", "Key Facts", ""),
        ("paragraph", "Common symptoms include:", ""),
        ("list-item", "Muscle cramps", "Common symptoms include:"),
        ("list-item", "Fatigue", "Common symptoms include:"),
        ("paragraph", "Magnesium is a mineral.", ""),
        ("paragraph", "It matters.", ""),
    ]


def test_markdown_heading_table_and_comment() -> None:
    text = ("# Title here\n\n| a | b |\n|---|---|\n| Mg helps | yes |\n\n"
            "<!-- claimaudit: ignore MG-001 -->\nMagnesium helps muscles.\n")
    got = [(u.block, u.text) for u in units(text, "md")]
    # Markdown: the pipes at the ends of a row are table markup, not part of the unit.
    assert got == [("heading", "Title here"), ("table-row", "a | b"),
                   ("table-row", "Mg helps | yes"), ("paragraph", "Magnesium helps muscles.")]
    assert [(u.block, u.text) for u in units(text.replace("# ", ""), "txt")][1:3] == [
        ("table-row", "| a | b |"), ("table-row", "| Mg helps | yes |")]


NUMBERED_SECTIONS = ("# Forms of magnesium\n\nWhy forms matter.\n\n1. Magnesium Citrate\n\n"
                     "Effective for constipation relief.\n\n2. Magnesium Oxide\n\nPoorly absorbed.\n")


@pytest.mark.parametrize("kind", ["txt", "md"])
def test_a_numbered_title_is_a_heading_under_the_section(kind: str) -> None:
    text = NUMBERED_SECTIONS if kind == "md" else NUMBERED_SECTIONS.replace("# ", "")
    got = [(u.block, u.heading, u.text) for u in units(text, kind)]
    assert got == [
        ("heading", "Forms of magnesium", "Forms of magnesium"),
        ("paragraph", "Forms of magnesium", "Why forms matter."),
        ("heading", "Forms of magnesium\nMagnesium Citrate", "Magnesium Citrate"),
        ("paragraph", "Forms of magnesium\nMagnesium Citrate", "Effective for constipation relief."),
        ("heading", "Forms of magnesium\nMagnesium Oxide", "Magnesium Oxide"),
        ("paragraph", "Forms of magnesium\nMagnesium Oxide", "Poorly absorbed."),
    ]


@pytest.mark.parametrize(("kind", "text"), [
    # after a lead-in the numbers count the items of a list
    ("txt", "Benefits of magnesium:\n1. Better sleep\n2. Fewer cramps\n"),
    ("md", "Benefits of magnesium:\n\n1. Better sleep\n2. Fewer cramps\n"),
    # an item that is a sentence is an item, numbered or not
    ("txt", "How to take a bath.\n1. Fill your bathtub with warm water.\n2. Add two cups of Epsom salt.\n"),
    ("md", "How to take a bath.\n\n1. Fill your bathtub with warm water.\n2. Add two cups of Epsom salt.\n"),
])
def test_a_numbered_list_item_stays_an_item(kind: str, text: str) -> None:
    got = [u.block for u in units(text, kind)]
    assert got[1:] == ["list-item", "list-item"], got


def test_faq_answers_are_marked() -> None:
    text = "Frequently Asked Questions\n\nDoes it help?\n\nYes, it can help some people.\n"
    assert [u.block for u in units(text)] == ["heading", "heading", "faq"]


def test_lines_and_columns_are_one_based() -> None:
    text = "First line.\n  Second one. Third one.\n"
    got = [(u.line, u.column, u.end_line, u.end_column) for u in units(text)]
    assert got == [(1, 1, 1, 12), (2, 3, 2, 14), (2, 15, 2, 25)]


def test_long_line_without_punctuation_is_capped() -> None:
    text = ("word " * 50_000).strip()
    got = units(text)
    assert len(got) > 1
    assert all(len(u.text) <= MAX_SENTENCE_CHARS for u in got)
    assert all(text[u.start:u.end] == u.text for u in got)


def test_seed_corpus_offsets(root) -> None:
    for path in sorted((root / "corpus").glob("*.txt")):
        article = read_article(path)
        got = segment(article)
        assert got, path
        for u in got:
            assert article.text[u.start:u.end] == u.text


def _check_invariants(text: str, kind: str) -> None:
    article = article_from_text(text, kind=kind)
    previous_end = 0
    for u in segment(article):
        assert article.text[u.start:u.end] == u.text
        assert u.text == u.text.strip() and u.text
        assert u.start >= previous_end, "units overlap or go backwards"
        previous_end = u.end


_ALPHABET = st.sampled_from(list("abc XYZ.?!:;,-•*#|\n\t\"'’()0123456789é") + ["<!--", "-->", "e.g.", "Dr. "])


@settings(max_examples=300, deadline=None)
@given(st.lists(_ALPHABET, max_size=200).map("".join), st.sampled_from(["txt", "md", "html"]))
def test_property_offsets_exact_and_ordered(text: str, kind: str) -> None:
    _check_invariants(text, kind)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=400))
def test_property_any_unicode_text(text: str) -> None:
    _check_invariants(text, "txt")


# --- Markdown (issue 18): parsed with markdown-it-py, offsets into the source -----------

_MD_WORDS = st.sampled_from(["Magnesium", "helps", "sleep", "cramps", "e.g.", "Dr.", "it", "café", "a"])
_MD_SENTENCE = st.lists(_MD_WORDS, min_size=1, max_size=6).map(" ".join).map(lambda s: s + ".")


@st.composite
def _md_inline(draw) -> str:
    """A sentence with emphasis, a link, inline code or an escape somewhere in it."""
    words = draw(st.lists(_MD_WORDS, min_size=2, max_size=6))
    i = draw(st.integers(0, len(words) - 1))
    wrap = draw(st.sampled_from(["**{}**", "*{}*", "_{}_", "[{}](https://example.org/x_(y) \"t\")",
                                 "[{}][ref]", "~~{}~~", "`CODEWORD`", "<span>{}</span>", "{}\\*"]))
    words[i] = wrap.format(words[i])
    return " ".join(words) + draw(st.sampled_from([".", "!", "?", ""]))


@st.composite
def _md_block(draw) -> str:
    kind = draw(st.sampled_from(["para", "quote", "list", "olist", "heading", "fence", "indented",
                                 "comment", "table", "html"]))
    body = draw(st.lists(st.one_of(_MD_SENTENCE, _md_inline()), min_size=1, max_size=3))
    text = " ".join(body)
    if kind == "quote":
        return "> " + text.replace(". ", ".\n> ", 1)
    if kind == "list":
        return "\n".join(f"- {b}" for b in body)
    if kind == "olist":
        return "\n".join(f"{i + 1}. {b}" for i, b in enumerate(body))
    if kind == "heading":
        return "#" * draw(st.integers(1, 3)) + " " + body[0]
    if kind == "fence":
        return "```yaml\nCODEWORD: " + text + "\n```"
    if kind == "indented":
        # (after a paragraph: right after a list item, an indented line continues the item)
        return "Code:\n\n    CODEWORD " + text
    if kind == "comment":
        return "<!-- CODEWORD " + text + " -->"
    if kind == "table":
        return f"| {body[0]} | x |\n|---|---|\n| y | {body[-1]} |"
    if kind == "html":  # raw HTML: Markdown inside it is shown as written, so plain sentences only
        return "<div>\n" + " ".join(draw(st.lists(_MD_SENTENCE, min_size=1, max_size=3))) + "\n</div>"
    return text.replace(". ", ".\n", 1) if draw(st.booleans()) else text


@st.composite
def _md_document(draw) -> str:
    front = draw(st.sampled_from(["", "---\ntitle: CODEWORD front\n---\n"]))
    blocks = draw(st.lists(_md_block(), min_size=1, max_size=6))
    newline = draw(st.sampled_from(["\n", "\r\n"]))
    return (front + "\n\n".join(blocks) + "\n").replace("\n", newline)


@settings(max_examples=300, deadline=None)
@given(_md_document())
def test_property_markdown_offsets_and_markup(doc: str) -> None:
    """Offsets stay exact in Markdown; code, comments and front matter give no unit; no markup in `plain`."""
    article = article_from_text(doc, kind="md")
    previous_end = 0
    for u in segment(article):
        assert article.text[u.start:u.end] == u.text
        assert u.text == u.text.strip() and u.text
        assert u.start >= previous_end
        previous_end = u.end
        assert "CODEWORD" not in u.prose  # fenced/indented/inline code, comments, front matter
        for markup in ("**", "](", "~~", "<span>", "\\*", "> ", "- "):
            assert markup not in u.prose, (markup, u)
        assert u.prose == " ".join(u.prose.split())


@pytest.mark.parametrize("wrap", ["**{}**", "_{}_", "[{}](https://example.org/a)", "[{}][1]",
                                  "<https://example.org/{}>", "<b>{}</b>", "&amp;{}", "{}&nbsp;",
                                  "<br>{}"])
def test_markdown_markup_around_a_word_leaves_the_claim_text(wrap: str) -> None:
    word = "cures"
    text = f"Intro.\n\nMagnesium {wrap.format(word)} cramps in days.\n\n[1]: https://example.org\n"
    (u,) = [u for u in units(text, "md") if "Magnesium" in u.text]
    assert u.text == f"Magnesium {wrap.format(word)} cramps in days."
    expected = {"<https://example.org/{}>": "Magnesium https://example.org/cures cramps in days.",
                "&amp;{}": "Magnesium &cures cramps in days."}
    assert u.prose == expected.get(wrap, "Magnesium cures cramps in days.")


_MD_ALPHABET = st.sampled_from(list("ab X.*_`[]()<>!#|-~\\&;\n \t>") + [
    "```", "---", "<!--", "-->", "    ", "1. ", "&amp;", "http://x", "Dr. ", "\0"])


@settings(max_examples=300, deadline=None)
@given(st.lists(_MD_ALPHABET, max_size=120).map("".join))
def test_property_markdown_syntax_soup(text: str) -> None:
    """Any mix of Markdown syntax characters: offsets exact, units ordered and disjoint."""
    _check_invariants(text, "md")
