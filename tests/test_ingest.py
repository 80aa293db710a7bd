"""Ingest: decoding, binary detection, HTML extraction, suppression comments."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from claimaudit import ingest
from claimaudit.ingest import IngestError, article_from_text, decode, html_text, read_article

# fmt: off
DECODE_CASES = [
    # description,         bytes,                                          text,           encoding
    ("utf-8",              "Mg – ok".encode("utf-8"),                      "Mg – ok",      "utf-8"),
    ("utf-8 with BOM",     b"\xef\xbb\xbfHello",                           "Hello",        "utf-8-sig"),
    ("utf-16 with BOM",    "Héllo".encode("utf-16"),                       "Héllo",        "utf-16"),
    ("utf-16 LE BOM",      b"\xff\xfe" + "Héllo".encode("utf-16-le"),       "Héllo",        "utf-16"),
    ("utf-16 BE BOM",      b"\xfe\xff" + "Héllo".encode("utf-16-be"),       "Héllo",        "utf-16"),
    ("utf-16 LE no BOM",   "Hello, wörld".encode("utf-16-le"),             "Hello, wörld", "utf-16-le"),
    ("utf-16 BE no BOM",   "Hello, wörld".encode("utf-16-be"),             "Hello, wörld", "utf-16-be"),
    ("utf-32 with BOM",    "Héllo".encode("utf-32"),                       "Héllo",        "utf-32"),
    ("utf-8 BOM, bad byte", b"\xef\xbb\xbfcaf\xe9",                         "caf\ufffd",    "utf-8-sig"),
    ("cp1252 quotes",      b"It\x92s \x93fine\x94",                        "It’s “fine”",  "cp1252"),
    ("latin-1 fallback",   b"caf\xe9 \x81",                                "café \x81",    "latin-1"),
    ("a few controls",     b"ok\x07 text\x1b[0m here",                      "ok\x07 text\x1b[0m here", "utf-8"),
    ("empty",              b"",                                            "",             "utf-8"),
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
    (b"\xef\xbb\xbfabc\x00def", "NUL bytes"),
    (b"GIF89a\x01\x00", "GIF image"),
    (b"PK\x03\x04\x14\x00", "ZIP archive"),
    (b"\xff\xfe\x00\xd8", "broken UTF-16"),
    ("a\x00b".encode("utf-16"), "UTF-16 with NUL characters"),
    (bytes(range(1, 9)) * 4, "control characters"),
    (b"\x00\x01" * 10, "NUL bytes"),  # NULs in every other byte, but not UTF-16 text
], ids=["png", "pdf", "nul", "bom-nul", "gif", "zip", "utf16-broken", "utf16-nul", "controls",
        "not-utf16"])
def test_binary_is_refused(data: bytes, what: str) -> None:
    with pytest.raises(ValueError, match=what) as exc:
        decode(data)
    assert str(exc.value).startswith("not text: ")


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


@pytest.mark.parametrize("kind", ["txt", "md"])
def test_suppression_comments_are_parsed_and_masked(kind: str) -> None:
    text = "<!-- claimaudit: ignore MG-012, CA201 -->\nText here.\n"
    a = article_from_text(text, kind=kind)
    assert a.suppressions == ((0, "ignore", ("MG-012", "CA201")),)
    if kind == "txt":
        assert a.masked == ((0, 41),)
    else:  # Markdown: everything but article text is masked (here: the comment and newlines)
        hidden = {i for s, e in a.masked for i in range(s, e)}
        assert set(range(41)) <= hidden
        assert not hidden & set(range(text.index("Text"), text.index(".") + 1))


# --- reading files ------------------------------------------------------------------


def _reason(path: Path) -> str:
    with pytest.raises(IngestError) as exc:
        read_article(path, "shown")
    assert exc.value.path == "shown"
    return exc.value.reason


def test_read_errors_have_one_line_reasons(tmp_path: Path) -> None:
    (tmp_path / "folder.txt").mkdir()
    (tmp_path / "dangling.txt").symlink_to("missing.txt")
    (tmp_path / "loop.txt").symlink_to("loop.txt")
    assert _reason(tmp_path / "folder.txt") == "is a directory"
    assert _reason(tmp_path / "dangling.txt") == "dangling symbolic link"
    assert _reason(tmp_path / "loop.txt") == "symbolic link loop"
    assert _reason(tmp_path / "missing.txt") == "no such file or directory"


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs os.mkfifo")
def test_a_pipe_is_refused_without_blocking(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.txt")  # opening it for a blocking read would wait forever
    assert _reason(tmp_path / "pipe.txt") == "not a regular file (a pipe, socket or device)"


def test_too_large_file_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ingest, "MAX_FILE_BYTES", 1000)
    (tmp_path / "big.txt").write_text("x" * 2500)
    assert _reason(tmp_path / "big.txt") == "too large for an article: 2,500 bytes (limit 1,000)"
    (tmp_path / "ok.txt").write_text("x" * 1000)
    assert read_article(tmp_path / "ok.txt").text == "x" * 1000


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0,
                    reason="chmod 000 does not stop root (tests/test_robustness.py simulates it)")
def test_unreadable_file(tmp_path: Path) -> None:
    locked = tmp_path / "locked.txt"
    locked.write_text("text")
    locked.chmod(0)
    try:
        assert _reason(locked) == "permission denied"
    finally:
        locked.chmod(0o644)


# --- HTML extraction ------------------------------------------------------------------

# fmt: off
HTML_CASES = [
    # description,                      page,                                                            extracted text
    ("unclosed comment runs to the end", "<p>a</p><!-- never closed <p>b</p>",                             "a\n"),
    ("unclosed script runs to the end",  "<p>a</p><script>var x; <p>b</p>",                                "a\n"),
    ("script holding markup",            "<script>document.write('</p><p>x')</script><p>a</p>",           "a\n"),
    ("<p> closes a hidden <p>",          "<p hidden>a<p>b</p><p>c</p>",                                    "b\n\nc\n"),
    ("</div> closes an unclosed nav",    "<div><nav>links</div><p>Article.</p>",                          "Article.\n"),
    ("</span> does not leave a block",   "<span hidden><p>a</span>b</p>",                                  ""),
    ("unclosed head ends at <body>",     "<head><title>T</title><meta charset=utf-8><body><p>Text.</p>",  "Text.\n"),
    ("unclosed head ends at content",    "<head><title>T</title><p>Text.</p>",                             "Text.\n"),
    ("</body> closes nothing",           "<div hidden>a</body>b</div><p>c</p>",                            "c\n"),
    ("nested hidden elements",           "<div hidden><div><p>a</p></div>b</div><p>c</p>",                 "c\n"),
    ("template",                         "<template><p>a</p><template>b</template>c</template><p>d</p>",  "d\n"),
    ("roles, classes, dialog",           "<div role=navigation>a</div><p class='x sr-only'>b</p>"
                                         "<dialog>c</dialog><dialog open>d</dialog><p>e</p>",              "d\n\ne\n"),
    ("event handlers are not text",      "<p onclick=\"alert('x')\" onmouseover='y()'>Text.</p>",          "Text.\n"),
    ("'>' inside a quoted attribute",    "<p title='a > b'>Text.</p>",                                     "Text.\n"),
    ("huge attribute value",             "<p title=\"" + "x" * 100_000 + "\">Text.</p>",                   "Text.\n"),
    ("entities, numeric and bad",        "<p>&amp; &eacute; &#233; &#x2014; &#0; &bogus; &lt;b&gt;</p>",   "& é é — \ufffd &bogus; <b>\n"),
    ("entities in hidden attributes",    "<p style='display&colon;none'>a</p><p>b</p>",                    "b\n"),
    ("self-closing div is empty",        "<div hidden/><p>Text.</p>",                                      "Text.\n"),
    ("stray '<' is text",                "<p>a < b and 3<4</p>",                                           "a < b and 3<4\n"),
    ("unclosed tag at the end",          "<p>Text.</p><p class=",                                          "Text.\n"),
    ("doctype, CDATA, PI",               "<!DOCTYPE html><?xml x?><![CDATA[x]]><p>Text.</p>",              "Text.\n"),
    ("list items close each other",      "<ul><li>One<li>Two</ul>",                                        "- One\n\n- Two\n"),
    ("table cells",                      "<table><tr><td>a<td>b<tr><td>c</table>",                         "| a | b\n\n| c\n"),
    ("empty heading is dropped",         "<h2><img src=x></h2><p>Text.</p>",                               "Text.\n"),
    ("uppercase tags",                   "<P>One.</P><SCRIPT>x</SCRIPT><H2>Two</H2>",                      "One.\n\n## Two\n"),
]
# fmt: on


@pytest.mark.parametrize(("description", "page", "text"), HTML_CASES,
                         ids=[c[0] for c in HTML_CASES])
def test_html_text(description: str, page: str, text: str) -> None:
    assert html_text(page) == text


def test_html_claimaudit_comments_survive_and_mask() -> None:
    a = article_from_text("<p>One.</p><!-- claimaudit: ignore MG-001 --><p>Two.</p>", kind="html")
    assert a.text == "One.\n\n<!-- claimaudit: ignore MG-001 -->\n\nTwo.\n"
    assert a.suppressions == ((6, "ignore", ("MG-001",)),)
