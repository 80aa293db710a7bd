"""Ingest: decoding, binary detection, HTML extraction, suppression comments."""

from __future__ import annotations

from pathlib import Path

import pytest

from claimaudit.ingest import IngestError, article_from_text, decode, html_text, read_article

# fmt: off
DECODE_CASES = [
    # description,         bytes,                                          text,           encoding
    ("utf-8",              "Mg – ok".encode("utf-8"),                      "Mg – ok",      "utf-8"),
    ("utf-8 with BOM",     b"\xef\xbb\xbfHello",                           "Hello",        "utf-8-sig"),
    ("utf-16 with BOM",    "Héllo".encode("utf-16"),                       "Héllo",        "utf-16"),
    ("cp1252 quotes",      b"It\x92s \x93fine\x94",                        "It’s “fine”",  "cp1252"),
    ("latin-1 fallback",   b"caf\xe9 \x81",                                "café \x81",    "latin-1"),
]
# fmt: on


@pytest.mark.parametrize(("description", "data", "text", "encoding"), DECODE_CASES,
                         ids=[c[0] for c in DECODE_CASES])
def test_decode(description, data, text, encoding) -> None:
    assert decode(data) == (text, encoding)


@pytest.mark.parametrize(("data", "what"), [
    (b"\x89PNG\r\n\x1a\n....", "PNG image"),
    (b"%PDF-1.7 ...", "PDF document"),
    (b"abc\x00def", "NUL bytes"),
], ids=["png", "pdf", "nul"])
def test_binary_is_refused(data: bytes, what: str) -> None:
    with pytest.raises(ValueError, match=what):
        decode(data)


def test_read_article_errors_name_the_file(tmp_path: Path) -> None:
    bad = tmp_path / "image.txt"
    bad.write_bytes(b"\x89PNG\r\n\x1a\nxxxx")
    with pytest.raises(IngestError) as exc:
        read_article(bad, "corpus/image.txt")
    assert str(exc.value) == "corpus/image.txt: not text: looks like a PNG image"


def test_crlf_becomes_lf() -> None:
    assert article_from_text("a\r\nb\rc").text == "a\nb\nc"


def test_html_drops_scripts_nav_hidden_and_decodes_entities() -> None:
    page = ("<html><head><title>T</title><style>p{}</style></head><body><nav>Home | About</nav>"
            "<h1>Magnesium &amp; pain</h1><p>It helps&nbsp;muscles.<script>alert(1)</script></p>"
            "<div hidden>secret</div><p style='display:none'>hidden too</p>"
            "<ul><li>One item</li></ul><!-- a comment --><footer>© 2024</footer></body></html>")
    assert html_text(page) == "# Magnesium & pain\n\nIt helps muscles.\n\n- One item\n"


def test_suppression_comments_are_parsed_and_masked() -> None:
    a = article_from_text("<!-- claimaudit: ignore MG-012, CA201 -->\nText here.\n", kind="md")
    assert a.suppressions == ((0, "ignore", ("MG-012", "CA201")),)
    assert a.masked == ((0, 41),)
