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
    ("quoted question stays inside",       "The answer to 'is it good?' is yes.",                  ["The answer to 'is it good?' is yes."]),
    ("decimal number does not split",      "The dose was 2.5 g. It worked.",                       ["The dose was 2.5 g.", "It worked."]),
    ("closing quote kept with sentence",   "He said \"stop.\" Then he left.",                      ["He said \"stop.\"", "Then he left."]),
    ("question then answer",               "Does it work? Yes, in trials.",                        ["Does it work?", "Yes, in trials."]),
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
    assert got == [("heading", "Title here"), ("table-row", "| a | b |"),
                   ("table-row", "| Mg helps | yes |"), ("paragraph", "Magnesium helps muscles.")]


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
