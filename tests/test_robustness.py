"""Robustness (issue 7): hostile input never crashes the batch or loses a sentence.

A folder of junk (images saved as .txt, a PDF, NUL bytes, an empty file, BOMs,
UTF-16, cp1252, Latin-1, script-laden HTML, a 400 kB one-line dump, a dangling
link, an unreadable file, a pipe, a directory loop) is audited beside a good
article, through the CLI and the API. Then property tests over ingest and
segmentation with random text, bytes and HTML.
"""

from __future__ import annotations

import errno
import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import claimaudit
from claimaudit import report as report_module
from claimaudit.cli import main
from claimaudit.ingest import article_from_text, decode, html_text, read_article
from claimaudit.pipeline import Auditor
from claimaudit.reference import load_reference
from claimaudit.report import report_dict, write_atomic
from claimaudit.segment import MAX_SENTENCE_CHARS, segment

# --- the hostile folder ------------------------------------------------------------

HTML_PAGE = """<!DOCTYPE html>
<html><head><title>Page title</title>
<script>var claim = "<p>Magnesium cures cancer.</p>"; if (a < b && c > d) {}</script>
<style>p::before { content: "Vitamin D cures flu." }</style>
<meta name="description" content="Zinc cures everything.">
<body onload="alert('Zinc cures colds.')">
<nav><a href="/">Home</a> | <a href="/shop">Shop magnesium</a></nav>
<div role="navigation">Related: magnesium prevents strokes.</div>
<h1 class="title">Magnesium &amp; sleep</h1>
<p onclick="alert(1)" data-x="{}">Magnesium may help muscle cramps&nbsp;&amp;&nbsp;sleep.</p>
<div hidden><p>Hidden: magnesium cures diabetes.<div><span>nested hidden</span></div></p></div>
<p style="display: none !important">Invisible: magnesium reverses ageing.</p>
<span aria-hidden="true">Decorative: magnesium is a miracle.</span>
<template><p>Template: magnesium doubles lifespan.</p></template>
<!-- Commented out: magnesium cures migraines. -->
<p title="HUGE">Some studies link low magnesium to cramps.</p>
<p class="sr-only">Screen reader: magnesium cures anxiety.</p>
<noscript>Enable JavaScript: magnesium cures insomnia.</noscript>
<footer>© 2024 Magnesium Shop</footer>
<p>Unclosed paragraph at the end <b>with bold
<!-- an unclosed comment: magnesium cures everything
""".replace("HUGE", "x" * 200_000)

# The visible text of HTML_PAGE, as ingest extracts it (what HTML offsets index).
HTML_TEXT = ("# Magnesium & sleep\n\nMagnesium may help muscle cramps & sleep.\n\n"
             "Some studies link low magnesium to cramps.\n\n"
             "Unclosed paragraph at the end with bold\n")

DUMP = "magnesium supplements help muscle cramps and sleep quality " * 7_000  # ~420 kB, one line

# Files that cannot be audited, and the one-line reason the report gives.
EXPECTED_ERRORS = {
    "corpus/dangling.txt": "dangling symbolic link",
    "corpus/fifo.txt": "not a regular file (a pipe, socket or device)",
    "corpus/image.txt": "not text: looks like a PNG image",
    "corpus/locked.txt": "permission denied",
    "corpus/nul.txt": "not text: contains NUL bytes (binary file?)",
    "corpus/report.md": "not text: looks like a PDF document",
    "corpus/sub/loop": "directory loop (symbolic link to a parent)",
    "corpus/sub/self.txt": "symbolic link loop",
}
# Files that are audited, and the encoding the report records.
EXPECTED_ENCODINGS = {
    "corpus/bom-utf8.txt": "utf-8-sig",
    "corpus/cp1252.txt": "cp1252",
    "corpus/dump.txt": "utf-8",
    "corpus/empty.txt": "utf-8",
    "corpus/good.md": "utf-8",
    "corpus/latin1.txt": "latin-1",
    "corpus/page.html": "utf-8",
    "corpus/sub/nested.md": "utf-8",
    "corpus/utf16-be.txt": "utf-16",
    "corpus/utf16-le.txt": "utf-16",
    "corpus/utf16-nobom.txt": "utf-16-le",
}


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory, mini: Path) -> Path:
    """A folder with a good article and every kind of bad input; returns its parent."""
    root = tmp_path_factory.mktemp("hostile")
    c = root / "corpus"
    (c / "sub").mkdir(parents=True)
    (c / "good.md").write_bytes((mini / "corpus" / "colds.md").read_bytes())
    (c / "sub" / "nested.md").write_text("Vitamin C does not prevent colds in most people.\n")
    (c / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00")
    (c / "report.md").write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\n")
    (c / "nul.txt").write_bytes(b"Vitamin C\x00 prevents colds.\n")
    (c / "empty.txt").write_bytes(b"")
    (c / "bom-utf8.txt").write_bytes(b"\xef\xbb\xbfVitamin C may shorten colds. Caf\xc3\xa9.\n")
    text16 = "Vitamin C may slightly shorten a cold. Café “quotes”.\r\nZinc lozenges are popular.\n"
    (c / "utf16-le.txt").write_bytes(b"\xff\xfe" + text16.encode("utf-16-le"))
    (c / "utf16-be.txt").write_bytes(b"\xfe\xff" + text16.encode("utf-16-be"))
    (c / "utf16-nobom.txt").write_bytes(text16.encode("utf-16-le"))
    (c / "cp1252.txt").write_bytes("It’s “proven” that vitamin C cures colds.\n".encode("cp1252"))
    (c / "latin1.txt").write_bytes(b"Caf\xe9 cr\xe8me: vitamin C prevents colds. \x81\x8d\n")
    (c / "page.html").write_text(HTML_PAGE, encoding="utf-8")
    (c / "dump.txt").write_text(DUMP, encoding="utf-8")
    (c / "locked.txt").write_text("Vitamin C prevents colds.\n")
    (c / "dangling.txt").symlink_to("no-such-file.txt")
    (c / "sub" / "self.txt").symlink_to("self.txt")
    (c / "sub" / "loop").symlink_to("..", target_is_directory=True)
    if hasattr(os, "mkfifo"):
        os.mkfifo(c / "fifo.txt")
    return root


@pytest.fixture
def in_hostile(hostile: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Work inside the hostile folder, with locked.txt unreadable and no debug mode.

    chmod 000 does not stop root from reading, so as root the permission error
    is simulated at os.open (the call ingest makes).
    """
    if not hasattr(os, "mkfifo"):
        pytest.skip("needs os.mkfifo")
    monkeypatch.chdir(hostile)
    monkeypatch.delenv("CLAIMAUDIT_DEBUG", raising=False)
    locked = hostile / "corpus" / "locked.txt"
    if os.geteuid() == 0:
        real_open = os.open

        def deny(path, flags, *args, **kwargs):  # noqa: ANN001, ANN202
            if os.fspath(path).endswith("locked.txt"):
                raise PermissionError(errno.EACCES, "Permission denied", os.fspath(path))
            return real_open(path, flags, *args, **kwargs)

        monkeypatch.setattr(os, "open", deny)
        yield hostile
    else:
        locked.chmod(0)
        try:
            yield hostile
        finally:
            locked.chmod(0o644)


def _run(args: list[str]):  # noqa: ANN202
    return CliRunner().invoke(main, args)


def _audit_cli(mini: Path, out: Path, *extra: str):  # noqa: ANN202
    return _run(["audit", "corpus", "--reference", str(mini / "reference"), "--out", str(out),
                 "-q", *extra])


def test_cli_batch_finishes_and_names_every_bad_file(in_hostile: Path, mini: Path) -> None:
    result = _audit_cli(mini, in_hostile / "out-a")
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    doc = json.loads((in_hostile / "out-a" / "audit.json").read_text(encoding="utf-8"))
    assert {e["path"]: e["error"] for e in doc["errors"]} == EXPECTED_ERRORS
    assert len(doc["errors"]) == len(EXPECTED_ERRORS)  # one entry per bad file
    assert doc["summary"]["errors"] == len(EXPECTED_ERRORS)
    # One line on stderr per bad file, and nothing else (-q).
    lines = result.stderr.splitlines()
    assert sorted(lines) == sorted(f"claimaudit: {p}: {r}" for p, r in EXPECTED_ERRORS.items())
    assert {a["path"]: a["encoding"] for a in doc["articles"]} == EXPECTED_ENCODINGS
    # The good article's entry is what auditing it alone gives.
    alone = report_dict(claimaudit.audit(["corpus/good.md"], mini / "reference"))
    assert [a for a in doc["articles"] if a["path"] == "corpus/good.md"] == alone["articles"]


def test_cli_rerun_is_byte_identical(in_hostile: Path, mini: Path) -> None:
    first, second = in_hostile / "out-b", in_hostile / "out-c"
    assert _audit_cli(mini, first).exit_code == 2
    assert _audit_cli(mini, second).exit_code == 2
    for name in ("audit.json", "claims.csv", "summary.md"):
        assert (first / name).read_bytes() == (second / name).read_bytes(), name


@pytest.fixture
def hostile_doc(in_hostile: Path, mini: Path) -> dict:
    return report_dict(claimaudit.audit(["corpus"], mini / "reference"))


def test_api_reports_errors_and_audits_the_rest(hostile_doc: dict) -> None:
    assert {e["path"]: e["error"] for e in hostile_doc["errors"]} == EXPECTED_ERRORS
    assert [a["path"] for a in hostile_doc["articles"]] == sorted(EXPECTED_ENCODINGS)


def test_good_article_is_unchanged_by_its_neighbours(in_hostile: Path, mini: Path,
                                                     hostile_doc: dict) -> None:
    alone = report_dict(claimaudit.audit(["corpus/good.md"], mini / "reference"))
    assert alone["errors"] == []
    (in_batch,) = [a for a in hostile_doc["articles"] if a["path"] == "corpus/good.md"]
    assert in_batch == alone["articles"][0]
    assert in_batch["claims"]


def test_every_sentence_is_accounted_for(in_hostile: Path, hostile_doc: dict) -> None:
    for a in hostile_doc["articles"]:
        assert a["sentence_count"] == len(a["claims"]) + len(a["non_claims"]), a["path"]
        text = read_article(a["path"]).text
        for c in a["claims"]:
            assert text[c["start"]:c["end"]] == c["text"], a["path"]
        spans = sorted([(c["start"], c["end"]) for c in a["claims"]]
                       + [(n["start"], n["end"]) for n in a["non_claims"]])
        assert all(0 <= s < e <= len(text) for s, e in spans), a["path"]
        assert all(e1 <= s2 for (_, e1), (s2, _) in zip(spans, spans[1:])), a["path"]
        # No text is lost: everything outside the units is whitespace or markup.
        covered = set()
        for s, e in spans:
            covered.update(range(s, e))
        if a["kind"] != "html" and a["path"] != "corpus/good.md":  # good.md has a comment
            assert all(ch.isspace() for i, ch in enumerate(text) if i not in covered), a["path"]


def test_empty_file_is_an_article_without_sentences(hostile_doc: dict) -> None:
    (empty,) = [a for a in hostile_doc["articles"] if a["path"] == "corpus/empty.txt"]
    assert (empty["sentence_count"], empty["claims"], empty["non_claims"]) == (0, [], [])


def test_one_line_dump_is_cut_into_bounded_units(hostile_doc: dict) -> None:
    (dump,) = [a for a in hostile_doc["articles"] if a["path"] == "corpus/dump.txt"]
    assert dump["sentence_count"] >= len(DUMP.strip()) // MAX_SENTENCE_CHARS
    assert all(c["end"] - c["start"] <= MAX_SENTENCE_CHARS for c in dump["claims"])
    assert all(n["end"] - n["start"] <= MAX_SENTENCE_CHARS for n in dump["non_claims"])


def test_encodings_decode_to_the_same_text(in_hostile: Path) -> None:
    texts = {name: read_article(f"corpus/{name}").text
             for name in ("utf16-le.txt", "utf16-be.txt", "utf16-nobom.txt")}
    assert set(texts.values()) == {
        "Vitamin C may slightly shorten a cold. Café “quotes”.\nZinc lozenges are popular.\n"}
    assert read_article("corpus/cp1252.txt").text.startswith("It’s “proven”")
    assert read_article("corpus/latin1.txt").text.startswith("Café crème")
    assert read_article("corpus/bom-utf8.txt").text.startswith("Vitamin C")  # BOM dropped


def test_html_offsets_index_the_visible_text(hostile_doc: dict) -> None:
    (page,) = [a for a in hostile_doc["articles"] if a["path"] == "corpus/page.html"]
    assert page["offsets"] == "extracted-text"
    assert html_text(HTML_PAGE) == HTML_TEXT
    for c in page["claims"]:
        assert HTML_TEXT[c["start"]:c["end"]] == c["text"]
    assert page["sentence_count"] == 4


# --- per-file failures, debug mode, reports -----------------------------------------


def _boom_on(monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    real = Auditor.audit_article

    def audit_article(self, article):  # noqa: ANN001, ANN202
        if article.path.endswith(name):
            raise RuntimeError("boom\nwith a second line")
        return real(self, article)

    monkeypatch.setattr(Auditor, "audit_article", audit_article)


def test_internal_error_in_one_file_becomes_an_error_entry(in_hostile: Path, mini: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    _boom_on(monkeypatch, "cp1252.txt")
    result = _audit_cli(mini, in_hostile / "out-boom")
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    doc = json.loads((in_hostile / "out-boom" / "audit.json").read_text(encoding="utf-8"))
    errors = {e["path"]: e["error"] for e in doc["errors"]}
    assert errors["corpus/cp1252.txt"] == (
        "internal error: RuntimeError: boom with a second line "
        "(a bug in claimaudit; rerun with --debug for the traceback)")
    assert "corpus/good.md" in {a["path"] for a in doc["articles"]}
    assert (f"claimaudit: corpus/cp1252.txt: {errors['corpus/cp1252.txt']}"
            in result.stderr.splitlines())


def test_debug_shows_the_exception(in_hostile: Path, mini: Path,
                                   monkeypatch: pytest.MonkeyPatch) -> None:
    _boom_on(monkeypatch, "cp1252.txt")
    result = _run(["--debug", "audit", "corpus", "--reference", str(mini / "reference"),
                   "--out", str(in_hostile / "out-debug"), "-q"])
    assert isinstance(result.exception, RuntimeError)
    assert "CLAIMAUDIT_DEBUG" not in os.environ  # --debug does not leak past the command


def test_unexpected_error_outside_files_is_one_line(in_hostile: Path, mini: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        raise KeyError("surprise")

    monkeypatch.setattr("claimaudit.cli.summary_table", broken)
    result = _run(["audit", "corpus/good.md", "--reference", str(mini / "reference"), "--out",
                   str(in_hostile / "out-x")])
    assert result.exit_code == 2
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output
    assert result.stderr.splitlines()[-1] == (
        "claimaudit: error: internal error: KeyError: 'surprise' "
        "(a bug in claimaudit; rerun with --debug for the traceback)")


class _HalfWriter:
    """A file object that writes half of what it is given, then fails like a full disk."""

    def __init__(self, fh) -> None:  # noqa: ANN001
        self.fh = fh

    def __getattr__(self, name: str):  # noqa: ANN204 - everything else is the real file's
        return getattr(self.fh, name)

    def __enter__(self):  # noqa: ANN204
        return self

    def __exit__(self, *exc) -> None:  # noqa: ANN002
        self.fh.close()

    def write(self, data: str | bytes) -> int:
        self.fh.write(data[: len(data) // 2])
        self.fh.flush()
        raise OSError(errno.ENOSPC, "No space left on device")


def test_interrupted_write_keeps_the_previous_report(in_hostile: Path, mini: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    out = in_hostile / "out-atomic"
    out.mkdir()
    (out / "audit.json").write_text('{"previous": true}\n')
    real_fdopen = os.fdopen

    def fdopen(fd, mode="r", *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN202
        fh = real_fdopen(fd, mode, *args, **kwargs)
        return _HalfWriter(fh) if "w" in mode else fh

    monkeypatch.setattr(report_module.os, "fdopen", fdopen)
    with pytest.raises(OSError, match="No space"):
        write_atomic(out / "audit.json", '{"new": true}\n' * 1000)
    assert (out / "audit.json").read_text() == '{"previous": true}\n'
    assert sorted(p.name for p in out.iterdir()) == ["audit.json"]  # no temporary file left
    # Through the CLI: one line, exit 2, the old report intact.
    result = _audit_cli(mini, out)
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    assert result.stderr.splitlines()[-1] == "claimaudit: error: No space left on device"
    assert (out / "audit.json").read_text() == '{"previous": true}\n'
    assert [p.name for p in out.iterdir() if p.suffix == ".tmp"] == []


def test_html_pages_stay_inside_out(tmp_path: Path, mini: Path,
                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """Article names that look like paths (absolute, ../, dots) cannot place pages outside --out."""
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    body = (mini / "corpus" / "colds.md").read_text(encoding="utf-8")
    for name in ("%2E%2E%2Fescape.md", "a..b.md", "--x.md", "ünï cödé.md", "x..md"):
        (elsewhere / name).write_text(body, encoding="utf-8")
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    out = work / "out"
    for target in (str(elsewhere), "../elsewhere"):  # absolute and ../ display paths
        result = _run(["audit", target, "--reference", str(mini / "reference"), "--out",
                       str(out), "--format", "json,html", "-q"])
        assert result.exit_code in (0, 1), result.output
        doc = json.loads((out / "audit.json").read_text(encoding="utf-8"))
        assert len(doc["articles"]) == 5
    outside = [p for p in tmp_path.rglob("*") if p.is_file()
               and not p.is_relative_to(out) and p.parent != elsewhere]
    assert outside == []
    assert all(p.parent == out for p in tmp_path.rglob("*.html"))
    assert len(list(out.glob("*.html"))) == 2 * 5 + 1  # two path spellings, and index.html


def test_file_names_that_are_not_utf8_or_have_newlines(tmp_path: Path, mini: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    try:
        (corpus / "new\nline.md").write_text("Vitamin C prevents colds.\n")
        with open(os.path.join(os.fsencode(corpus), b"caf\xe9.md"), "wb") as fh:
            fh.write(b"Vitamin C prevents colds.\n")
    except (OSError, UnicodeError):
        pytest.skip("the file system refuses such names")
    monkeypatch.chdir(tmp_path)
    result = _run(["audit", "corpus", "--reference", str(mini / "reference"), "--out", "out",
                   "-q", "--format", "json,csv,markdown,html"])
    assert result.exit_code in (0, 1), result.output
    doc = json.loads((tmp_path / "out" / "audit.json").read_text(encoding="utf-8"))
    assert [a["path"] for a in doc["articles"]] == ["corpus/caf\\xe9.md", "corpus/new\\x0aline.md"]
    assert all(a["sentence_count"] == 1 for a in doc["articles"])


# --- reference files ------------------------------------------------------------------

GOOD_REFERENCE = """claims:
  - id: XX-001
    text: Vitamin C prevents colds.
    stance: refutes
    grade: strong
    max_strength: 0
    studies:
      - citation: Someone 2013
        design: meta-analysis
"""

BAD_REFERENCES = [
    # description, file content, the message after "claimaudit: error: [CA-E1] <path>"
    ("png image", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
     ": not text: looks like a PNG image; a reference file is YAML text in UTF-8"),
    ("nul bytes", GOOD_REFERENCE.encode()[:20] + b"\x00",
     ": not text: contains NUL bytes (binary file?); a reference file is YAML text in UTF-8"),
    ("latin-1", GOOD_REFERENCE.replace("Someone", "Hemil\xe4").encode("latin-1"),
     ":8: not UTF-8 (byte 0xe4; the file looks like cp1252); save it as UTF-8"),
    ("utf-16", GOOD_REFERENCE.encode("utf-16"),
     ":1: not UTF-8 (byte 0xff; the file looks like utf-16); save it as UTF-8"),
    ("utf-16 no BOM", GOOD_REFERENCE.encode("utf-16-le"),
     ": not UTF-8 (the file looks like utf-16-le); save it as UTF-8"),
    ("mapping not list", b"claims:\n  id: XX-001\n  text: t\n",
     ":1: 'claims' must be a list of entries; start each entry with '- id: '"),
    ("top-level list", b"- id: XX-001\n  text: t\n",
     ":1: expected a mapping with a 'claims:' list at the top level"),
    ("python object tag", b"claims: !!python/object/apply:os.system ['echo pwned']\n",
     ":1: YAML error: could not determine a constructor for the tag "
     "'tag:yaml.org,2002:python/object/apply:os.system'; fix the YAML syntax"),
    ("bad grade", GOOD_REFERENCE.replace("strong", "great").encode(),
     ":2: claim 'XX-001' has unknown grade 'great'; use one of "),
]


@pytest.mark.parametrize(("description", "content", "message"), BAD_REFERENCES,
                         ids=[c[0] for c in BAD_REFERENCES])
def test_bad_reference_file_stops_with_one_line(tmp_path: Path, mini: Path, description: str,
                                                content: bytes, message: str) -> None:
    ref = tmp_path / "ref.yaml"
    ref.write_bytes(content)
    result = _run(["audit", str(mini / "corpus"), "--reference", str(ref), "--out",
                   str(tmp_path / "out"), "-q"])
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    (line,) = result.stderr.splitlines()
    assert line.startswith(f"claimaudit: error: [CA-E1] {ref}{message}"), line
    assert not (tmp_path / "out").exists()
    assert "pwned" not in result.output


def test_reference_path_that_is_a_directory_named_yaml(tmp_path: Path, mini: Path) -> None:
    ref = tmp_path / "ref"
    (ref / "odd.yaml").mkdir(parents=True)
    (ref / "good.yaml").write_text(GOOD_REFERENCE)
    result = _run(["audit", str(mini / "corpus"), "--reference", str(ref), "--out",
                   str(tmp_path / "out"), "-q"])
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        f"claimaudit: error: [CA-E1] {ref / 'odd.yaml'}: cannot read it (is a directory); "
        "pass --reference a readable YAML file or folder"]


def test_reference_with_utf8_bom_loads(tmp_path: Path) -> None:
    ref = tmp_path / "ref.yaml"
    ref.write_bytes(b"\xef\xbb\xbf" + GOOD_REFERENCE.encode())
    assert [c.id for c in load_reference([ref]).claims] == ["XX-001"]


# --- properties: ingest + segmentation never fail and never lose text ------------------


def check_units(text: str, kind: str = "txt") -> None:
    """Every unit's offsets give its text; units are trimmed, bounded, ordered, disjoint."""
    article = article_from_text(text, kind=kind)
    previous_end = 0
    for u in segment(article):
        assert article.text[u.start:u.end] == u.text
        assert u.text and u.text == u.text.strip()
        assert len(u.text) <= MAX_SENTENCE_CHARS
        assert u.start >= previous_end, "units overlap or go backwards"
        previous_end = u.end
        line_start = article.text.rfind("\n", 0, u.start) + 1
        assert (u.line, u.column) == (article.text.count("\n", 0, u.start) + 1,
                                      u.start - line_start + 1)


def check_bytes(data: bytes) -> None:
    """Bytes decode to text (then segment cleanly), or raise the one ValueError kind."""
    try:
        text, encoding = decode(data)
    except ValueError as exc:
        assert str(exc).startswith("not text: ") and "\n" not in str(exc)
        return
    assert encoding in {"utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "utf-32",
                        "cp1252", "latin-1"}
    assert "\x00" not in text
    text.encode("utf-8")  # no lone surrogates: the report can always be written
    for kind in ("txt", "md", "html"):
        check_units(text, kind)


_TEXTY_BYTES = st.lists(st.sampled_from(
    [b"a", b"Z", b" ", b".", b"\n", b"\r\n", b"\r", b"\xe9", b"\x92", b"\xc3\xa9", b"\xef\xbb\xbf",
     b"\xff\xfe", b"\x00", b"\x81", b"\t", b"\x1b", b"#", b"- "]), max_size=120).map(b"".join)


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.binary(max_size=600), _TEXTY_BYTES))
def test_property_bytes_decode_or_are_refused(data: bytes) -> None:
    check_bytes(data)


_WORD = st.sampled_from(["magnesium", "Cures", "may", "help", "Dr.", "e.g.", "X", "mg.", "a",
                         "B.", "1.5", "…", "?", "!", "|", "#", "-", "•"])


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(_WORD, st.integers(1, 400)), max_size=8),
       st.sampled_from([" ", "", "\n", ". ", " | "]), st.sampled_from(["txt", "md"]))
def test_property_long_runs_are_capped(runs: list[tuple[str, int]], sep: str, kind: str) -> None:
    text = "".join(sep.join([w] * n) + "\n" for w, n in runs)
    check_units(text, kind)


_HTML_TOKENS = st.sampled_from(
    ["<p>", "</p>", "<div>", "</div>", "<div hidden>", "<span style='display:none'>", "</span>",
     "<script>", "</script>", "<style>", "</style>", "<!--", "-->",
     "<!-- claimaudit: ignore MG-001 -->", "<nav>", "</nav>", "<template>", "</template>",
     "<h2>", "</h2>", "<ul><li>", "<li>", "</ul>", "<table><tr><td>", "<td>", "</tr>",
     "</table>", "<br>", "<br/>", "<img src=x onerror=alert(1)>", "<a href='x'>", "</a>", "<b", ">", "<", "</", "<!", "<?", "&amp;", "&#0;", "&#x110000;",
     "&nbsp;", "&lt;p&gt;", "'", '"', "=", "<head>", "<body>", "</body>", "<title>", "</title>",
     "Magnesium helps. ", "It cures Dr. Smith's cramps! ", "\n", "\r\n", " ", "é", "•"])


@settings(max_examples=400, deadline=None)
@given(st.lists(st.one_of(_HTML_TOKENS, st.text(max_size=8)), max_size=60).map("".join))
def test_property_random_html(source: str) -> None:
    text = html_text(source)
    assert text == "" or text.endswith("\n")
    check_units(source, "html")


_SECRET = "SECRETWORD"
_HIDING = st.sampled_from([
    "<script>{}</script>", "<style>{}</style>", "<div hidden>{}</div>", "<nav>{}</nav>",
    "<template>{}</template>", "<p style='display:none'>{}</p>", "<span aria-hidden=true>{}</span>",
    "<!-- {} -->", "<noscript>{}</noscript>", "<div class='x sr-only'>{}</div>",
    "<footer><p>{}</p></footer>", "<select><option>{}</select>", "<head><title>{}</title></head>",
])


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(_HTML_TOKENS.filter(lambda t: t not in {"<b", "<", "</", "<!", "<?",
                                                                   "'", '"', "=", ">", "<!--"})),
                max_size=20).map("".join),
       _HIDING, st.lists(_HTML_TOKENS, max_size=20).map("".join))
def test_property_hidden_text_never_shows(before: str, hiding: str, after: str) -> None:
    """Text inside a hiding element stays out of the extracted text, whatever tags surround it.

    (Incomplete markup before it, such as "<!x" or an open quote, is left out: as in a
    browser, it can swallow the hiding element's start tag.)
    """
    assert _SECRET not in html_text(before + hiding.format(_SECRET) + after)


def test_pathological_html_is_linear() -> None:
    """Inputs on which html.parser took minutes (400 kB); here each is one pass."""
    n = 400_000
    for source in ("<a" * (n // 2), "<!--" * (n // 4), "</" * (n // 2), "<?" * (n // 2),
                   "<a x=" * (n // 5), "<b>x" * (n // 4) + "</i>" * (n // 4),
                   "<div><table>" + "<b>" * (n // 8) + "</div>" * (n // 8),
                   '<p title="' + "x" * n, "<script>" + "</scrip" * (n // 7)):
        check_units(source, "html")


def test_pathological_segmentation_input() -> None:
    """Lines on which the sentence splitter was quadratic (abbreviations, 400 kB)."""
    for text in ("Dr. Smith " * 40_000, "a. B " * 80_000, "x" * 400_000, "A. " * 130_000,
                 "| " + "magnesium cures | " * 22_000, ("word " * 80_000).strip()):
        check_units(text)


def test_huge_article_is_audited_in_bounded_work(root: Path) -> None:
    """A 400 kB single-line article runs through the whole audit (matching included)."""
    auditor = Auditor(load_reference([root / "reference"]))
    article = article_from_text(DUMP, path="dump.txt")
    result = auditor.audit_article(article)
    assert result.sentence_count == len(result.findings) + len(result.skipped)
    assert result.sentence_count >= len(DUMP.strip()) // MAX_SENTENCE_CHARS


@pytest.mark.parametrize("start", ["tree", "./tree", "tree/", "{abs}/tree", "sub/../tree",
                                   "../{name}/tree"])
def test_walked_files_are_shown_as_their_paths_are(tmp_path: Path, monkeypatch, start: str) -> None:
    """discover() builds a file's display path from its folder's; it must equal _display(file)."""
    from claimaudit.pipeline import _display, discover

    tree = tmp_path / "tree"
    (tree / "a" / "b").mkdir(parents=True)
    (tmp_path / "sub").mkdir()
    names = ["plain.txt", "a/b/deep.md", "a/new\nline.txt", "a/tab\there.html", "a/café.txt"]
    for name in names:
        (tree / name).write_text("Magnesium helps.", encoding="utf-8")
    raw = os.fsencode(tree / "a") + b"/latin-\xe9.txt"
    with open(raw, "wb") as fh:
        fh.write(b"Magnesium helps.")
    monkeypatch.chdir(tmp_path)
    found, errors = discover([start.format(abs=tmp_path, name=tmp_path.name)])
    assert not errors
    assert len(found) == len(names) + 1
    for path, shown in found:
        assert shown == _display(path), path
