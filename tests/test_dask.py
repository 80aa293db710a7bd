"""Issue 17: the Dask engine writes the same report bytes as `--jobs 1`; URL inputs.

One LocalCluster (processes, 2 workers, 1 thread each) serves the whole module;
a separately started `dask scheduler` with two `dask worker` processes serves
the test of the --scheduler path. No test asserts a time
(benchmarks/throughput.py --engine dask measures it).
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import fsspec
import pytest
from click.testing import CliRunner
from distributed import Client, LocalCluster
from hypothesis import given, settings
from hypothesis import strategies as st

import claimaudit
from claimaudit import dask_engine
from claimaudit.batch import EngineError, audit_to_files, resolve_engine
from claimaudit.cli import main
from claimaudit.pipeline import Auditor
from claimaudit.reference import load_reference
from claimaudit.report import dumps, report_dict
from claimaudit.sources import discover_sources, is_url

REPORT_FILES = ("audit.json", "claims.csv", "summary.md")
FAKEHEALTH = Path(__file__).resolve().parent.parent.parent / "shared" / "benchmarks" / "corpora" / "fakehealth"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def read_reports(out: Path) -> dict[str, bytes]:
    return {f: (out / f).read_bytes() for f in REPORT_FILES}


@pytest.fixture(scope="module")
def client():
    """A LocalCluster of two single-threaded worker processes, shared by the module."""
    cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                           dashboard_address=None, silence_logs=logging.ERROR,
                           scheduler_kwargs=dask_engine.QUIET)
    c = Client(cluster, set_as_default=False)
    try:
        yield c
    finally:
        c.close()
        cluster.close()


@pytest.fixture(scope="module")
def reference(root: Path):
    return load_reference([root / "reference"])


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory, root: Path, mini: Path) -> Path:
    """The bundled articles, a Markdown article, one without claims and two that cannot be read."""
    folder = tmp_path_factory.mktemp("dask") / "corpus"
    folder.mkdir()
    for p in sorted((root / "corpus").glob("*.txt")):
        shutil.copy(p, folder / p.name)
    shutil.copy(mini / "corpus" / "colds.md", folder / "colds.md")
    (folder / "empty.md").write_text("# Only a heading\n", encoding="utf-8")
    (folder / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(64))  # fails on the worker
    os.mkfifo(folder / "pipe.txt")  # read by the worker: "not a regular file"
    return folder


def local_reports(paths: list, reference, out: Path, **kw) -> dict[str, bytes]:
    audit_to_files(paths, reference, out=out, jobs=1, **kw)
    return read_reports(out)


@pytest.fixture(scope="module")
def jobs1(corpus: Path, reference, tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    return local_reports([corpus], reference, tmp_path_factory.mktemp("jobs1"))


def test_cluster_writes_the_bytes_of_jobs_1(client: Client, corpus: Path, reference,
                                            jobs1: dict[str, bytes], tmp_path: Path) -> None:
    result = audit_to_files([corpus], reference, out=tmp_path, engine="dask", scheduler=client)
    assert read_reports(tmp_path) == jobs1
    assert result.workers == 2 and result.audited == 9 and result.cached == 0
    doc = json.loads(jobs1["audit.json"])
    errors = {Path(e["path"]).name: e["error"] for e in doc["errors"]}
    assert errors == {"image.txt": "not text: looks like a PNG image",
                      "pipe.txt": "not a regular file (a pipe, socket or device)"}
    assert doc["summary"]["overstated"] + doc["summary"]["contradicted"] > 0


def test_cli_on_a_scheduler_address_and_cache(client: Client, corpus: Path, root: Path,
                                              jobs1: dict[str, bytes], tmp_path: Path,
                                              monkeypatch) -> None:
    """--scheduler ADDRESS; on the second run only the articles not cached go to the cluster."""
    sent: list[list[str]] = []
    run_ordered = dask_engine.run_ordered

    def recording(session, reference, settings, files, mode):  # noqa: ANN001, ANN202
        sent.append([shown for _, shown in files])
        return run_ordered(session, reference, settings, files, mode)

    monkeypatch.setattr(dask_engine, "run_ordered", recording)
    args = ["audit", str(corpus), "-r", str(root / "reference"), "--out", str(tmp_path / "out"),
            "-q", "--exit-zero", "--cache", str(tmp_path / "cache"), "--scheduler"]
    first = CliRunner().invoke(main, [*args, client.scheduler.address])
    assert first.exit_code == 2, first.output  # the two unreadable files
    assert read_reports(tmp_path / "out") == jobs1
    assert len(sent) == 1 and len(sent[0]) == 9
    second = CliRunner().invoke(main, [*args, client.scheduler.address])
    assert second.exit_code == 2
    assert read_reports(tmp_path / "out") == jobs1
    assert [Path(s).name for s in sent[1]] == ["image.txt", "pipe.txt"]  # errors are not cached
    # Everything cached: the cluster is not even contacted (this address has no scheduler).
    folder = tmp_path / "readable"
    shutil.copytree(corpus, folder, ignore=shutil.ignore_patterns("pipe.txt", "image.txt"))
    args[1] = str(folder)
    assert CliRunner().invoke(main, [*args, client.scheduler.address]).exit_code == 0
    third = CliRunner().invoke(main, [*args, f"tcp://127.0.0.1:{free_port()}"])
    assert third.exit_code == 0, third.output
    assert len(sent) == 3


def test_engine_dask_starts_its_own_local_cluster(corpus: Path, root: Path,
                                                   jobs1: dict[str, bytes], tmp_path: Path) -> None:
    """The user's path: --engine dask without --scheduler starts and closes a LocalCluster."""
    result = CliRunner().invoke(main, ["audit", str(corpus), "-r", str(root / "reference"),
                                       "--out", str(tmp_path), "-q", "--no-cache",
                                       "--engine", "dask", "--jobs", "2"])
    assert result.exit_code == 2, result.output  # the two unreadable files, as with --jobs 1
    assert read_reports(tmp_path) == jobs1


def _inject_failure() -> None:
    """On a worker: make auditing an article whose path contains "boom" raise."""
    from claimaudit.pipeline import Auditor as A

    original = getattr(A.audit_article, "original", A.audit_article)

    def failing(self, article):  # noqa: ANN001, ANN202
        if "boom" in article.path:
            raise RuntimeError("injected failure")
        return original(self, article)

    failing.original = original
    A.audit_article = failing


def _remove_patch() -> None:
    from claimaudit.pipeline import Auditor as A

    A.audit_article = getattr(A.audit_article, "original", A.audit_article)


def test_a_failing_article_is_an_error_entry_as_locally(client: Client, corpus: Path, reference,
                                                        tmp_path: Path, monkeypatch) -> None:
    folder = tmp_path / "corpus"
    shutil.copytree(corpus, folder, ignore=shutil.ignore_patterns("pipe.txt"))
    shutil.copy(folder / "colds.md", folder / "boom.md")
    original = Auditor.audit_article

    def failing(self, article):  # noqa: ANN001, ANN202
        if "boom" in article.path:
            raise RuntimeError("injected failure")
        return original(self, article)

    monkeypatch.setattr(Auditor, "audit_article", failing)
    local = local_reports([folder], reference, tmp_path / "local")
    monkeypatch.undo()
    client.run(_inject_failure)
    try:
        audit_to_files([folder], reference, out=tmp_path / "dask", engine="dask", scheduler=client)
    finally:
        client.run(_remove_patch)
    assert read_reports(tmp_path / "dask") == local
    errors = json.loads(local["audit.json"])["errors"]
    boom = [e for e in errors if e["path"].endswith("boom.md")]
    assert boom and boom[0]["error"].startswith("internal error: RuntimeError: injected failure")


def _die_once(marker: str) -> None:
    """On a worker: auditing an article named "die" kills the worker process, once."""
    from claimaudit.pipeline import Auditor as A

    original = getattr(A.audit_article, "original", A.audit_article)

    def dying(self, article):  # noqa: ANN001, ANN202
        if "die" in article.path:
            try:
                os.unlink(marker)
            except FileNotFoundError:
                pass
            else:
                os._exit(1)
        return original(self, article)

    dying.original = original
    A.audit_article = dying


def test_a_dead_worker_is_retried(client: Client, corpus: Path, reference, tmp_path: Path) -> None:
    folder = tmp_path / "corpus"
    shutil.copytree(corpus, folder, ignore=shutil.ignore_patterns("pipe.txt"))
    shutil.copy(folder / "colds.md", folder / "die.md")
    local = local_reports([folder], reference, tmp_path / "local")
    marker = tmp_path / "marker"
    marker.touch()
    client.run(_die_once, str(marker))
    try:
        audit_to_files([folder], reference, out=tmp_path / "dask", engine="dask", scheduler=client)
    finally:
        client.wait_for_workers(2, timeout=120)
        client.run(_remove_patch)
    assert not marker.exists()  # a worker did die
    assert read_reports(tmp_path / "dask") == local
    assert not any(e["path"].endswith("die.md")
                   for e in json.loads(local["audit.json"])["errors"])


@pytest.mark.shared
def test_cluster_on_fakehealth_stories(client: Client, corpus: Path, reference,
                                       tmp_path: Path) -> None:
    """FakeHealth news stories (those about magnesium and the first 24) with the bundled corpus."""
    if not FAKEHEALTH.is_dir():
        pytest.skip("../shared/benchmarks/corpora/fakehealth is not beside this checkout")
    stories = sorted(FAKEHEALTH.glob("*.txt"))
    chosen = stories[:24] + [p for p in stories[24:]
                             if "magnesium" in p.read_text(encoding="utf-8", errors="replace").lower()]
    folder = tmp_path / "corpus"
    shutil.copytree(corpus, folder, ignore=shutil.ignore_patterns("pipe.txt"))
    for p in chosen:
        shutil.copy(p, folder / p.name)
    local = local_reports([folder], reference, tmp_path / "local")
    result = audit_to_files([folder], reference, out=tmp_path / "dask", engine="dask",
                            scheduler=client.scheduler.address)
    assert read_reports(tmp_path / "dask") == local
    assert result.audited == len(chosen) + 8
    doc = json.loads(local["audit.json"])
    assert len(doc["articles"]) == len(chosen) + 7
    assert sum(a["counts"]["overstated"] + a["counts"]["contradicted"]
               for a in doc["articles"] if "Health" in a["path"]) > 0


@pytest.mark.parametrize("args, message", [
    (["--scheduler", "tcp://127.0.0.1:{port}"],
     "claimaudit: error: cannot reach the Dask scheduler at tcp://127.0.0.1:{port} (tried for 1 s)"),
    (["--engine", "local", "--scheduler", "tcp://127.0.0.1:{port}"],
     "claimaudit: error: --scheduler needs --engine dask"),
])
def test_unreachable_scheduler_is_one_line_exit_2(args: list[str], message: str, root: Path,
                                                  tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(dask_engine, "CONNECT_TIMEOUT", 1)
    port = free_port()
    out = tmp_path / "reports"
    result = CliRunner().invoke(main, ["audit", str(root / "corpus"), "-r", str(root / "reference"),
                                       "--out", str(out), "--no-cache",
                                       *[a.format(port=port) for a in args]])
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(message.format(port=port)), result.output
    assert not (out / "audit.json").exists() and not list(out.glob(".*.tmp"))


def test_python_api_takes_the_engine(client: Client, corpus: Path, reference) -> None:
    local = dumps(report_dict(claimaudit.audit([corpus], reference)))
    on_cluster = dumps(report_dict(claimaudit.audit([corpus], reference, scheduler=client)))
    assert on_cluster == local
    with pytest.raises(EngineError, match="unknown engine 'spark'"):
        claimaudit.audit([corpus], reference, engine="spark")


@pytest.mark.parametrize("engine, scheduler, expected", [
    (None, None, "local"), ("local", None, "local"), ("dask", None, "dask"),
    (None, "tcp://h:8786", "dask"), ("dask", "tcp://h:8786", "dask"),
])
def test_resolve_engine(engine, scheduler, expected) -> None:  # noqa: ANN001
    assert resolve_engine(engine, scheduler) == expected


# --- URL inputs --------------------------------------------------------------------


@pytest.fixture()
def memory_corpus(corpus: Path):
    """The corpus's readable articles under memory://corp/, plus a hidden file and a subfolder."""
    fs = fsspec.filesystem("memory")
    for p in sorted(corpus.iterdir()):
        if p.name != "pipe.txt":
            fs.pipe(f"/corp/{p.name}", p.read_bytes())
    fs.pipe("/corp/.hidden.txt", b"Magnesium cures everything.\n")
    fs.pipe("/corp/notes/skip.json", b"{}")
    fs.pipe("/corp/sub/again.md", (corpus / "colds.md").read_bytes())
    yield "memory://corp/"
    fs.rm("/corp", recursive=True)


def test_url_display_paths(memory_corpus: str, corpus: Path) -> None:
    files, errors = discover_sources([memory_corpus, "memory://corp/colds.md", "memory://nowhere/",
                                      "nosuchprotocol://x/a.txt"])
    shown = [s for _, s in files]
    assert shown == sorted(shown)
    assert "memory://corp/sub/again.md" in shown and "memory://corp/colds.md" in shown
    assert not any(".hidden" in s or s.endswith(".json") for s in shown)
    assert len(shown) == 9  # 8 files in corp/, 1 in sub/; colds.md given twice is audited once
    assert [(e.path, e.error.split(":")[0]) for e in errors] == [
        ("memory://nowhere/", "no such file or directory"), ("nosuchprotocol://x/a.txt", "cannot open")]


_SEGMENT = st.text(alphabet="abcXYZ019_-. ", min_size=1, max_size=6).filter(
    lambda t: t not in (".", "..") and t.strip() == t)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.lists(_SEGMENT, max_size=2).map(tuple), _SEGMENT,
                          st.sampled_from([".txt", ".md", ".markdown", ".html", ".htm", ".json", ""])),
                max_size=8, unique=True))
def test_url_folder_display_paths_property(entries) -> None:  # noqa: ANN001
    """Under memory://prop/: every article file not below a hidden name, shown as URL + "/" + path, sorted."""
    fs = fsspec.filesystem("memory")
    fs.rm("/prop", recursive=True) if fs.exists("/prop") else None
    fs.mkdir("/prop")
    expected = set()
    for folders, stem, suffix in entries:
        rel = "/".join([*folders, stem + suffix])
        if any(fs.isfile("/prop/" + "/".join([*folders[:i]])) for i in range(1, len(folders) + 1)) \
                or fs.isdir("/prop/" + rel):
            continue  # a file where a folder should be, or the reverse: not a valid tree
        fs.pipe("/prop/" + rel, b"Magnesium may help.\n")
        if suffix not in (".json", "") and not any(part.startswith(".") for part in rel.split("/")):
            expected.add("memory://prop/" + rel)
    try:
        for url in ("memory://prop", "memory://prop/"):
            files, errors = discover_sources([url])
            shown = [s for _, s in files]
            assert not errors and shown == sorted(shown) and set(shown) == expected
            assert all(src == s for src, s in files)
    finally:
        fs.rm("/prop", recursive=True)


@pytest.mark.parametrize("value, url", [
    ("s3://bucket/a", True), ("memory://x", True), ("file:///tmp/x", True),
    ("simplecache::s3://b/k", True), ("corpus/", False), ("C:\\corpus", False), ("a://", True),
    ("no/scheme://here", False),
])
def test_is_url(value: str, url: bool) -> None:
    assert is_url(value) is url


def _without_path(article: dict) -> dict:
    """An article entry without what depends on its display path (path, fingerprints)."""
    claims = [{k: v for k, v in c.items() if k != "fingerprint"} for c in article["claims"]]
    return {k: v for k, v in article.items() if k != "path"} | {"claims": claims}


def test_memory_url_corpus_same_on_cluster_and_locally(client: Client, memory_corpus: str,
                                                      corpus: Path, reference,
                                                      tmp_path: Path) -> None:
    """memory:// lives in this process: the client sends the bytes; the reports still match."""
    local = local_reports([memory_corpus], reference, tmp_path / "local")
    audit_to_files([memory_corpus], reference, out=tmp_path / "dask", engine="dask", scheduler=client)
    assert read_reports(tmp_path / "dask") == local
    by_url = {a["path"]: a for a in json.loads(local["audit.json"])["articles"]}
    plain = audit_to_files([corpus], reference, out=None, jobs=1, full_doc=True).doc
    assert len(plain["articles"]) == 7
    for a in plain["articles"]:
        assert _without_path(by_url[memory_corpus + Path(a["path"]).name]) == _without_path(a)


def test_file_url_corpus_on_the_cluster(client: Client, corpus: Path, reference,
                                        tmp_path: Path) -> None:
    folder = tmp_path / "corpus"
    shutil.copytree(corpus, folder, ignore=shutil.ignore_patterns("pipe.txt"))
    url = folder.as_uri() + "/"
    local = local_reports([url], reference, tmp_path / "local")
    audit_to_files([url], reference, out=tmp_path / "dask", engine="dask", scheduler=client)
    assert read_reports(tmp_path / "dask") == local
    doc = json.loads(local["audit.json"])
    assert doc["articles"][0]["path"] == url + "000_b7547573af1efeb7.txt"
    assert [e["path"] for e in doc["errors"]] == [url + "image.txt"]
    plain = audit_to_files([folder], reference, out=None, jobs=1, full_doc=True).doc
    assert [_without_path(a) for a in doc["articles"]] == [_without_path(a) for a in plain["articles"]]


# --- nothing of dask or fsspec unless asked --------------------------------------

PROBE = r"""
import json, sys
from claimaudit.cli import main
try:
    main(json.loads(sys.argv[1]), standalone_mode=False)
except SystemExit:
    pass
print(json.dumps(sorted({m.split(".")[0] for m in sys.modules} & {"dask", "distributed", "fsspec"})))
"""


def test_a_local_audit_imports_neither_dask_nor_fsspec(root: Path, tmp_path: Path) -> None:
    args = ["audit", str(root / "corpus"), "-r", str(root / "reference"), "--out", str(tmp_path),
            "-q", "--exit-zero", "--jobs", "2", "--format", "json,csv,markdown,html,sarif"]
    proc = subprocess.run([sys.executable, "-c", PROBE, json.dumps(args)], capture_output=True,
                          text=True, timeout=300, cwd=root)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout.strip().splitlines()[-1]) == []
    assert (tmp_path / "audit.json").exists()


# --- a separately started scheduler and two workers --------------------------------


def _stop(proc: subprocess.Popen) -> None:
    """Stop one of our processes and its children (its own process group)."""
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(15)


@contextmanager
def dask_processes(where: Path, workers: int):
    """Run `dask scheduler` and `workers` `dask worker` processes on localhost, a random free port."""
    port = free_port()
    address = f"tcp://127.0.0.1:{port}"
    dask = [sys.executable, "-m", "dask"]
    procs: list[subprocess.Popen] = []
    logs = []

    def start(*args: str, name: str) -> None:
        log = open(where / f"{name}.log", "wb")
        logs.append(log)
        procs.append(subprocess.Popen([*dask, *args], cwd=where, stdout=log, stderr=log,
                                      stdin=subprocess.DEVNULL, start_new_session=True))

    try:
        start("scheduler", "--host", "127.0.0.1", "--port", str(port), "--no-dashboard",
              name="scheduler")
        for i in range(workers):
            start("worker", address, "--nthreads", "1", "--no-nanny", "--no-dashboard",
                  "--name", f"w{i}", "--local-directory", str(where / f"w{i}"), name=f"worker{i}")
        deadline = time.monotonic() + 120
        while True:
            try:
                with Client(address, timeout="5s", set_as_default=False) as c:
                    c.wait_for_workers(workers, timeout=max(1, deadline - time.monotonic()))
                break
            except OSError:
                if time.monotonic() > deadline or any(p.poll() is not None for p in procs):
                    raise
                time.sleep(0.5)
        yield address, procs
    finally:
        for p in reversed(procs):
            _stop(p)
        for log in logs:
            log.close()


@pytest.fixture(scope="module")
def scheduler_address(tmp_path_factory: pytest.TempPathFactory):
    """A separately started scheduler and two workers (in a folder that is not the repository's,
    so the articles' paths must travel as absolute paths)."""
    with dask_processes(tmp_path_factory.mktemp("dask-cluster"), 2) as (address, _):
        yield address


def test_separate_scheduler_and_workers_write_the_bytes_of_jobs_1(
        scheduler_address: str, corpus: Path, root: Path, jobs1: dict[str, bytes],
        tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["audit", str(corpus), "-r", str(root / "reference"),
                                       "--out", str(tmp_path), "-q", "--no-cache",
                                       "--scheduler", scheduler_address])
    assert result.exit_code == 2, result.output  # the two unreadable files, as with --jobs 1
    assert read_reports(tmp_path) == jobs1


def test_a_lost_scheduler_is_one_line_exit_2(corpus: Path, root: Path, tmp_path: Path,
                                             monkeypatch) -> None:
    """The scheduler goes away after the first article: one line, exit 2, no report replaced."""
    out = tmp_path / "reports"
    out.mkdir()
    (out / "audit.json").write_text("previous\n", encoding="utf-8")
    with dask_processes(tmp_path, 1) as (address, procs):
        run_ordered = dask_engine.run_ordered

        def killing(*args):  # noqa: ANN002, ANN202
            results = run_ordered(*args)
            yield next(results)
            os.killpg(procs[0].pid, signal.SIGKILL)  # the scheduler
            procs[0].wait(15)
            yield from results

        monkeypatch.setattr(dask_engine, "run_ordered", killing)
        result = CliRunner().invoke(main, ["audit", str(corpus), "-r", str(root / "reference"),
                                           "--out", str(out), "--no-cache", "--scheduler", address])
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert len(lines) == 1, result.output
    assert lines[0].startswith(f"claimaudit: error: lost the connection to the Dask scheduler at {address}")
    assert (out / "audit.json").read_text(encoding="utf-8") == "previous\n"
    assert not list(out.glob(".*.tmp"))
