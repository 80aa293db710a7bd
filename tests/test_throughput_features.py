"""Issue 6: parallel, cached and streamed audits give exactly the in-memory audit's files.

No test here asserts a time: speed is measured by benchmarks/throughput.py.
"""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

import claimaudit
from claimaudit import batch, cache, match
from claimaudit.batch import audit_to_files
from claimaudit.cli import main
from claimaudit.reference import load_reference
from claimaudit.report import CSV_COLUMNS, report_dict, write_reports
from claimaudit.report import encode
from claimaudit.streaming import csv_lines

REPORT_FILES = ("audit.json", "claims.csv", "summary.md")


@pytest.fixture()
def corpus(tmp_path: Path, root: Path, mini: Path) -> Path:
    """The seed articles, the mini fixture's article, an article without claims and a bad file."""
    folder = tmp_path / "corpus"
    folder.mkdir()
    for p in sorted((root / "corpus").glob("*.txt")):
        shutil.copy(p, folder / p.name)
    shutil.copy(mini / "corpus" / "colds.md", folder / "colds.md")
    (folder / "empty.md").write_text("# Only a heading\n", encoding="utf-8")
    (folder / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(64))
    return folder


@pytest.fixture()
def reference(tmp_path: Path, root: Path, mini: Path) -> Path:
    """The bundled reference set plus the mini fixture's (a copy, so tests may edit it)."""
    folder = tmp_path / "reference"
    shutil.copytree(root / "reference", folder)
    shutil.copy(mini / "reference" / "vitamin-c.yaml", folder / "vitamin-c.yaml")
    return folder


def in_memory(corpus: Path, reference: Path, out: Path) -> None:
    """Write the reports the way `claimaudit audit` did before issue 6."""
    write_reports(report_dict(claimaudit.audit([corpus], load_reference([reference]))), out)


def same_files(a: Path, b: Path) -> bool:
    return all((a / f).read_bytes() == (b / f).read_bytes() for f in REPORT_FILES)


def test_streaming_writer_matches_the_in_memory_writer(corpus: Path, reference: Path,
                                                      tmp_path: Path) -> None:
    in_memory(corpus, reference, tmp_path / "before")
    result = audit_to_files([corpus], load_reference([reference]), out=tmp_path / "after",
                            jobs=1)
    assert same_files(tmp_path / "before", tmp_path / "after")
    doc = json.loads((tmp_path / "after" / "audit.json").read_text(encoding="utf-8"))
    assert doc["summary"]["overstated"] + doc["summary"]["contradicted"] > 0
    assert len(doc["errors"]) == 1 and doc["errors"][0]["path"].endswith("image.txt")
    assert result.doc["summary"] == doc["summary"]  # the CLI's summary document
    assert not list((tmp_path / "after").glob(".*.tmp"))


def test_streaming_writer_on_an_empty_corpus(tmp_path: Path, reference: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    in_memory(empty, reference, tmp_path / "before")
    audit_to_files([empty], load_reference([reference]), out=tmp_path / "after", jobs=1)
    assert same_files(tmp_path / "before", tmp_path / "after")


def test_full_document_equals_report_dict(corpus: Path, reference: Path, tmp_path: Path) -> None:
    ref = load_reference([reference])
    result = audit_to_files([corpus], ref, out=None, jobs=1, full_doc=True)
    assert result.doc == report_dict(claimaudit.audit([corpus], ref))
    assert result.written == []


def test_jobs_2_writes_the_same_bytes_as_jobs_1(corpus: Path, reference: Path,
                                               tmp_path: Path) -> None:
    runner = CliRunner()
    for jobs in ("1", "2"):
        result = runner.invoke(main, ["audit", str(corpus), "--reference", str(reference),
                                      "--out", str(tmp_path / f"j{jobs}"), "--jobs", jobs,
                                      "--no-cache", "-q"])
        assert result.exit_code == 2, result.output  # image.txt is an input error
    assert same_files(tmp_path / "j1", tmp_path / "j2")
    ref = load_reference([reference])
    assert audit_to_files([corpus], ref, out=tmp_path / "api", jobs=2).workers == 2
    assert same_files(tmp_path / "j1", tmp_path / "api")


def test_cache_hit_gives_the_same_output(corpus: Path, reference: Path, tmp_path: Path) -> None:
    ref = load_reference([reference])
    store = tmp_path / "cache"
    cold = audit_to_files([corpus], ref, out=tmp_path / "cold", jobs=2, cache_dir=store)
    warm = audit_to_files([corpus], ref, out=tmp_path / "warm", jobs=2, cache_dir=store)
    audit_to_files([corpus], ref, out=tmp_path / "none", jobs=1)
    articles = cold.files - 1  # image.txt is an error, never cached
    assert (cold.cached, cold.audited) == (0, cold.files)
    assert (warm.cached, warm.audited) == (articles, 1)
    assert same_files(tmp_path / "cold", tmp_path / "warm")
    assert same_files(tmp_path / "none", tmp_path / "warm")
    assert (store / "CACHEDIR.TAG").is_file()
    assert not [p for p in store.rglob("*") if p.name.endswith(".tmp")]  # atomic writes
    # One changed article is audited again, the others come from the cache.
    (corpus / "colds.md").write_text((corpus / "colds.md").read_text(encoding="utf-8")
                                     + "\nVitamin C cures colds.\n", encoding="utf-8")
    again = audit_to_files([corpus], ref, out=tmp_path / "again", jobs=1, cache_dir=store)
    assert (again.cached, again.audited) == (articles - 1, 2)


def test_cache_is_invalidated_by_a_reference_change(corpus: Path, reference: Path,
                                                    tmp_path: Path) -> None:
    store = tmp_path / "cache"
    audit_to_files([corpus], load_reference([reference]), out=tmp_path / "a", jobs=1,
                   cache_dir=store)
    path = reference / "vitamin-c.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("grade: moderate", "grade: limited",
                                                             1), encoding="utf-8")
    changed = load_reference([reference])
    result = audit_to_files([corpus], changed, out=tmp_path / "b", jobs=1, cache_dir=store)
    assert result.cached == 0
    in_memory(corpus, reference, tmp_path / "expected")
    assert same_files(tmp_path / "expected", tmp_path / "b")


def test_cache_is_invalidated_by_a_version_or_code_change(corpus: Path, reference: Path,
                                                         tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    ref = load_reference([reference])
    store = tmp_path / "cache"
    audit_to_files([corpus], ref, out=tmp_path / "a", jobs=1, cache_dir=store)
    assert audit_to_files([corpus], ref, out=tmp_path / "b", jobs=1, cache_dir=store).audited == 1
    monkeypatch.setattr(cache, "__version__", "99.0.0")
    assert audit_to_files([corpus], ref, out=tmp_path / "c", jobs=1, cache_dir=store).cached == 0
    monkeypatch.undo()
    monkeypatch.setattr(cache, "code_digest", lambda: "edited")
    assert audit_to_files([corpus], ref, out=tmp_path / "d", jobs=1, cache_dir=store).cached == 0
    monkeypatch.undo()
    settings = claimaudit.Settings(ignore=("CA201",))
    assert audit_to_files([corpus], ref, settings, out=tmp_path / "e", jobs=1,
                          cache_dir=store).cached == 0
    assert same_files(tmp_path / "a", tmp_path / "d")


def test_damaged_cache_entries_are_misses(corpus: Path, reference: Path, tmp_path: Path) -> None:
    ref = load_reference([reference])
    store = tmp_path / "cache"
    audit_to_files([corpus], ref, out=tmp_path / "a", jobs=1, cache_dir=store)
    entries = sorted(store.rglob("*.entry"))
    entries[0].write_bytes(b"not an entry")
    entries[1].write_bytes(entries[1].read_bytes()[:10])
    result = audit_to_files([corpus], ref, out=tmp_path / "b", jobs=1, cache_dir=store)
    assert result.audited == 3  # two damaged entries and the bad file
    assert same_files(tmp_path / "a", tmp_path / "b")


def test_cli_cache_defaults_to_out_and_can_be_turned_off(corpus: Path, reference: Path,
                                                        tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    args = ["audit", str(corpus), "--reference", str(reference), "-q"]
    runner.invoke(main, [*args, "--out", "with"])
    assert list((tmp_path / "with" / ".cache").rglob("*.entry"))
    runner.invoke(main, [*args, "--out", "without", "--no-cache"])
    assert not (tmp_path / "without" / ".cache").exists()
    runner.invoke(main, [*args, "--out", "elsewhere", "--cache", "store"])
    assert list((tmp_path / "store").rglob("*.entry"))
    assert not (tmp_path / "elsewhere" / ".cache").exists()
    result = runner.invoke(main, [*args, "--format", "sarif"])  # stdout only: no folder made
    assert json.loads(result.stdout)["version"] == "2.1.0"
    assert not (tmp_path / "reports").exists()


def test_progress_bar_is_silent_when_stderr_is_not_a_terminal(corpus: Path, reference: Path,
                                                             tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch
                                                             ) -> None:
    result = CliRunner().invoke(main, ["audit", str(corpus), "--reference", str(reference),
                                       "--out", str(tmp_path / "out"), "-q", "--jobs", "1"])
    assert result.stderr.strip().splitlines() == [
        line for line in result.stderr.strip().splitlines() if line.startswith("claimaudit: ")]
    assert "\r" not in result.stderr and "auditing" not in result.stderr

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    for stream, shown in ((io.StringIO(), False), (Terminal(), True)):
        monkeypatch.setattr("sys.stderr", stream)
        bar = batch._progress_bar(3, None)
        bar.update(3)
        bar.close()
        assert ("auditing" in stream.getvalue()) is shown


# --- the pieces --------------------------------------------------------------------

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text()
    | st.floats(allow_nan=False, allow_infinity=False).filter(lambda f: f == 0 or abs(f) >= 1e-4),
    lambda children: st.lists(children, max_size=4)
    | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=20,
)


@settings(max_examples=300, deadline=None)
@given(json_values)
def test_encoder_writes_what_json_dumps_writes(value: object) -> None:
    assert encode(value) == json.dumps(value, ensure_ascii=False, indent=2)
    nested = json.dumps({"articles": [value]}, ensure_ascii=False, indent=2)
    assert "\n    " + encode(value, 2) + "\n  ]" in nested


@pytest.mark.parametrize("value", [
    {"text": "lone surrogate \udce9"}, [2 ** 70], {1: "int key"}, {"a": [1e-7]},
])
def test_encoder_falls_back_or_round_trips_what_orjson_cannot_copy(value: object) -> None:
    text = encode({"v": value}, 1)
    if value == {"a": [1e-7]}:  # orjson writes 1e-7, json.dumps 1e-07; a report has no such float
        assert json.loads(text) == {"v": value}
    else:
        assert text == json.dumps({"v": value}, ensure_ascii=False, indent=2).replace("\n", "\n  ")


def test_csv_rows_match_pandas_for_every_kind_of_value() -> None:
    row = {c: None for c in CSV_COLUMNS}
    rows = []
    for i, (text, score, flag) in enumerate([
        ('He said "cures", twice', 88.5, True), ("comma, and\nnewline", None, False),
        ("", 100.0, False), ("  spaced  ", 1e-05, True), ("ünïcödé ✓", float("nan"), False),
    ]):
        rows.append({**row, "path": "a.md", "line": i + 1, "text": text, "score": score,
                     "negated": flag, "reference_id": None if score is None else "MG-001"})
    expected = pd.DataFrame(rows, columns=CSV_COLUMNS).to_csv(index=False, lineterminator="\n")
    from claimaudit.streaming import csv_header, csv_rows

    got = csv_header() + csv_rows({"path": "a.md", "claims": rows})
    assert got == expected
    assert csv_lines([["x", None]]) == "x,\n"


def test_sparse_top_k_keeps_the_highest_and_breaks_ties_by_index() -> None:
    n_docs = match.DENSE_TOP_K_MAX_TEXTS + 10
    rng = np.random.default_rng(0)
    dense = np.zeros((3, n_docs), dtype=np.float32)
    cols = rng.choice(n_docs, size=50, replace=False)
    dense[0, cols] = rng.random(50, dtype=np.float32) + 0.1  # distinct values
    dense[1, [7, 3, 9, 5]] = 0.5  # a tie at the cut
    sims, top = match.top_k(sp.csr_matrix(dense), 2)
    assert top[0] == list(np.argsort(-dense[0], kind="stable")[:2])
    assert top[1] == [3, 5]
    assert sims[1] == {3: 0.5, 5: 0.5}
    assert top[2] == [] and sims[2] == {}
    small = np.array([[0.0, 0.3, 0.1]], dtype=np.float32)  # the dense path below the limit
    d_sims, d_top = match.top_k(sp.csr_matrix(small), 2)
    assert sorted(d_top[0].tolist()) == [1, 2] and d_sims[0][1] == np.float32(0.3)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.from_regex(r"[a-z']{1,6}", fullmatch=True), min_size=1, max_size=12),
       st.text(alphabet="abcdeKſİı' -x", max_size=30))
def test_word_alternation_matches_what_the_flat_alternation_matches(words: list[str],
                                                                    text: str) -> None:
    from claimaudit.regexes import word_alternation as _word_alternation

    flat = re.compile(r"\b(" + "|".join(sorted(set(words), key=len, reverse=True)) + r")\b",
                      re.IGNORECASE)
    tree = re.compile(r"\b(" + _word_alternation(words) + r")\b", re.IGNORECASE)
    probe = text + " " + words[0] + " " + text
    for s in (text, probe, probe.upper()):
        assert bool(flat.search(s)) == bool(tree.search(s))


def _slow_normalize(t: str) -> str:
    """`match.normalize` by its definition: every synonym rule tried, in order."""
    t = t.lower().replace("’", "'").replace("‘", "'")
    for pattern, repl in match.synonyms():
        t = pattern.sub(repl, t)
    words = match._STEMMER.stemWords([w for w in match._TOKEN.findall(t) if w not in match._STOP])
    return " ".join(w for w in words if w not in match._STOP)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(["mg", "Mg", "low back pain", "lower back pain", "backache",
                                 "magnesium", "anti-inflammatory", "lack of magnesium", "pain",
                                 "’s", "-", " ", ",", "low", "back", "x"]), max_size=12))
def test_synonym_prefilter_changes_nothing(parts: list[str]) -> None:
    text = " ".join(parts)

    def slow_lower(t: str) -> str:
        t = t.lower().replace("’", "'")
        for pattern, repl in match.synonyms():
            t = pattern.sub(lambda m, r=repl: m.group(0) + " " + r, t)
        return t

    assert match.normalize(text) == _slow_normalize(text)
    assert match._lower_for_terms(text) == slow_lower(text)


def _slow_passing(key_terms, lowered: str) -> list[int]:
    """The definition: a claim passes when each group has a term at the start of a word."""
    def group_hit(group) -> bool:
        alts = "|".join(re.escape(t) for t in group)
        return re.search(r"(?<![a-z0-9])(?:" + alts + r")", lowered) is not None
    return [ci for ci, groups in enumerate(key_terms) if all(group_hit(g) for g in groups)]


_TERM_WORDS = ["pain", "pa", "back", "back pain", "magnes", "magnesium", "relie", "relief",
               "well-stud", "well", "cramp", "x", "a lot of research", "lot", "ca'", "mg"]


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.lists(st.lists(st.sampled_from(_TERM_WORDS), min_size=1, max_size=4),
                      max_size=3), min_size=1, max_size=6),
    st.lists(st.sampled_from(_TERM_WORDS + ["-", " ", "'", "ing", "s", "9", ",", "re"]),
             max_size=14),
)
def test_key_term_index_agrees_with_one_regex_per_group(key_terms, parts) -> None:
    text = "".join(parts)
    index = match.KeyTermIndex(key_terms)
    assert index.passing(text) == _slow_passing(key_terms, text)
    labels = ["a" if i % 3 else "" for i in range(len(key_terms))]
    labelled = match.KeyTermIndex(key_terms, labels)
    for wanted in (None, {""}, {"a"}, {"", "a"}, set()):
        assert labelled.passing(text, wanted) == [
            ci for ci in _slow_passing(key_terms, text) if wanted is None or labels[ci] in wanted]


def test_key_term_index_on_the_bundled_reference_and_seed_sentences(root: Path) -> None:
    ref = load_reference([root / "reference"])
    key_terms = [c.key_terms for c in ref.claims]
    index = match.KeyTermIndex(key_terms)
    lines = [ln for p in sorted((root / "corpus").glob("*.txt"))
             for ln in p.read_text("utf-8").splitlines() if ln.strip()]
    passed = 0
    for line in lines:
        lowered = match._lower_for_terms(line)
        got = index.passing(lowered)
        assert got == _slow_passing(key_terms, lowered), line
        passed += bool(got)
    assert 0 < passed < len(lines)


def test_sentences_whose_subject_is_out_of_scope_are_not_scored(monkeypatch, root: Path) -> None:
    """In an article about nothing the reference covers, only a sentence naming a subject is scored."""
    matcher = match.Matcher(load_reference([root / "reference"]))
    scored: list[str] = []
    real = match.normalize

    def spy(text: str) -> str:
        scored.append(text)
        return real(text)

    monkeypatch.setattr(match, "normalize", spy)
    off_topic = "The new vaccine reduced hospital admissions by half in the trial."
    on_topic = "Magnesium supplements relieve back pain."
    res = matcher.match_many([off_topic, on_topic], about=frozenset())
    assert res[0].candidates == () and res[0].best is None
    assert res[1].best is not None
    assert scored and off_topic not in scored and on_topic in scored


# --- the parsed-reference cache -----------------------------------------------------


def test_cached_reference_equals_the_parsed_one(reference: Path, tmp_path: Path) -> None:
    fresh = load_reference([reference])
    first = cache.load_reference_cached([reference], tmp_path / "c")
    (entry,) = (tmp_path / "c" / cache.REFERENCE_DIR).glob("*.json")
    entry_bytes = entry.read_bytes()
    second = cache.load_reference_cached([reference], tmp_path / "c")  # from the entry
    assert fresh == first == second
    assert entry.read_bytes() == entry_bytes


def test_reference_cache_misses_when_a_file_changes(reference: Path, tmp_path: Path) -> None:
    cache.load_reference_cached([reference], tmp_path / "c")
    f = reference / "vitamin-c.yaml"
    f.write_text(f.read_text("utf-8").replace("slightly shorten", "a little shorten"), "utf-8")
    ref = cache.load_reference_cached([reference], tmp_path / "c")
    assert ref == load_reference([reference])
    assert "a little shorten" in ref.by_id()["VC-002"].text
    assert len(list((tmp_path / "c" / cache.REFERENCE_DIR).glob("*.json"))) == 2


def test_damaged_reference_entry_is_parsed_again(reference: Path, tmp_path: Path) -> None:
    cache.load_reference_cached([reference], tmp_path / "c")
    (entry,) = (tmp_path / "c" / cache.REFERENCE_DIR).glob("*.json")
    entry.write_bytes(entry.read_bytes()[:100])
    assert cache.load_reference_cached([reference], tmp_path / "c") == load_reference([reference])


def test_invalid_reference_is_reported_and_never_cached(reference: Path, tmp_path: Path) -> None:
    f = reference / "vitamin-c.yaml"
    f.write_text(f.read_text("utf-8").replace("grade: strong", "grade: superb"), "utf-8")
    from claimaudit.reference import ReferenceError

    for _ in range(2):
        with pytest.raises(ReferenceError, match="unknown grade 'superb'"):
            cache.load_reference_cached([reference], tmp_path / "c")
    assert not list((tmp_path / "c").rglob("*.json"))


def test_pruning_article_contexts_keeps_the_reference_cache(corpus: Path, reference: Path,
                                                           tmp_path: Path) -> None:
    store = tmp_path / "store"
    cache.load_reference_cached([reference], store)
    old = time.time() - 7200
    for i in range(cache.KEEP_CONTEXTS + 2):
        d = store / f"context{i}"
        d.mkdir(parents=True)
        os.utime(d, (old, old))
    os.utime(store / cache.REFERENCE_DIR, (old - 10, old - 10))
    cache.ArticleCache(store, "fresh-context").prepare()
    assert (store / cache.REFERENCE_DIR).is_dir()
    assert len([p for p in store.iterdir() if p.name.startswith("context")]) < cache.KEEP_CONTEXTS + 2


@pytest.mark.parametrize("md_row", ["| plain.md | 3 |", "| lone \udce9 surrogate | 1 |"])
def test_cache_entries_round_trip(md_row: str) -> None:
    from claimaudit.streaming import ArticleOutput

    out = ArticleOutput(path="a.md", json=b'{\n      "path": "a.md"\n    }', csv=b"a.md,1\n",
                        md_row=md_row, md_flagged=("- flagged \u2028 line",), sentence_count=3,
                        counts={"overstated": 1},
                        findings=({"line": 2, "column": 1, "verdict": "overstated", "rule": "CA201",
                                   "reference_id": "VC-002", "evidence_grade": "moderate",
                                   "suppressed": False, "text": "Vitamin C cures colds."},),
                        suppressed=2)
    assert cache.decode_entry(cache.encode_entry(out), "a.md") == out
    assert cache.decode_entry(cache.encode_entry(out), "b.md") is None


def test_synonym_prefilter_on_the_seed_corpus(root: Path) -> None:
    lines = [ln for p in sorted((root / "corpus").glob("*.txt"))
             for ln in p.read_text("utf-8").splitlines() if ln.strip()]
    changed = 0
    for line in lines:
        assert match.normalize(line) == _slow_normalize(line), line
        low = line.lower().replace("’", "'")
        changed += match._lower_for_terms(line) != low
    assert changed > 20  # the seeds do use synonyms ("low magnesium", "Mg", "lower back pain")


def _blas_threads() -> list[int]:
    from threadpoolctl import threadpool_info

    return [lib["num_threads"] for lib in threadpool_info() if lib["user_api"] == "blas"]


@pytest.mark.parametrize("jobs", [1, 2])
def test_articles_are_audited_with_one_blas_thread(corpus: Path, reference: Path, tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch, jobs: int) -> None:
    """OpenBLAS's spinning helper thread cost CPU and, with --jobs 2, a core (batch._one_blas_thread)."""
    seen = tmp_path / "threads.txt"
    audit_render = batch._audit_render

    def recording(*args):
        with seen.open("a", encoding="utf-8") as fh:  # workers are forked: they append to a file
            fh.write(f"{max(_blas_threads(), default=1)}\n")
        return audit_render(*args)

    monkeypatch.setattr(batch, "_audit_render", recording)
    before = _blas_threads()
    result = audit_to_files([corpus], load_reference([reference]), out=tmp_path / "out", jobs=jobs)
    assert result.workers == (2 if jobs == 2 else 0)
    assert set(seen.read_text(encoding="utf-8").split()) == {"1"}
    assert _blas_threads() == before  # restored for the caller
