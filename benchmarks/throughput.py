"""Throughput, memory and cache benchmark of `claimaudit audit` on a real news corpus.

    .venv/bin/python benchmarks/throughput.py [--corpus DIR] [--jobs N] [--sample N] [--repeat N]
    .venv/bin/python benchmarks/throughput.py --engine dask [--sample N] [--repeat N]
    .venv/bin/python benchmarks/throughput.py --pairs N [--sample N] [--jobs N]

Default corpus: ../shared/benchmarks/corpora/fakehealth/ (2,164 health news
stories, 1.47 million words; read in place, never copied). Every measurement
runs in a fresh child process, so the figures of one do not leak into the next:

1. floor: spaCy's blank English tokenizer + sentencizer over the same texts
   (`nlp.pipe(texts, batch_size=64)`, one process: n_process=2 was slower on 2
   cores, shared/notes/deps-and-perf.md), timed from reading the files to the
   last Doc;
2. audit: `claimaudit audit CORPUS --no-cache` in-process (after imports): load
   the reference set, audit, write audit.json, claims.csv and summary.md; with
   --jobs N (default one per CPU) and with --jobs 1;
3. the same against a synthetic reference set 100x the bundled one (the bundled
   entries copied 99 times with the subject renamed to invented words and the
   variants shuffled, written to a temporary folder, never committed), twice:
   with each copy declaring its invented subject (as a large real set covers
   many subjects), and with no subject at all (every claim in scope everywhere,
   the worst case for matching); each also with the parsed reference set
   already in the cache (an audit of an empty folder fills it) and no article
   cached, against the bundled set measured the same way;
4. cache: a cold audit that fills the cache, then the same audit again;
5. memory: peak proportional set size (PSS, so forked workers' shared pages are
   counted once) of the whole process tree, for the corpus and for the corpus
   doubled (every file twice, through symbolic links in a temporary folder);
   with --compare-in-memory also for the previous in-memory writer
   (`audit()` + `report_dict` + `write_reports`).

With --pairs N it only times N alternated pairs (the floor, then `claimaudit audit CORPUS --no-cache
--jobs N`, each in a fresh child process) and prints each pair's ratio and the median ratio: the
figure the issue's budget (2.0x the floor) is judged on, less exposed to the machine's drift than
the fastest of separate series.

With --engine dask it measures the Dask engine instead (issue 17; each run
--no-cache, in a fresh child process): `--jobs 2` against `--engine dask` on a
2-worker LocalCluster (started and closed inside the run), both on the corpus
and on its first article alone (the fixed cost: cluster start, worker imports,
scattering the reference set), then against a separately started `dask
scheduler` with two `dask worker` processes (first run: workers cold; second:
their Auditor already built). Overhead per article = (dask corpus - dask one
article) - (local corpus - local one article), over the articles after the
first. It also checks that the audit.json bytes are the same.

Figures are wall-clock seconds (the fastest of --repeat runs, default 1),
ratios against the same invocation's floor or baseline; "cpu" is user+system
time of the child and its workers. Other processes on the machine change
wall-clock figures; the load average is printed at the start and the end.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import resource
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = ROOT.parent / "shared" / "benchmarks" / "corpora" / "fakehealth"
PYTHON = sys.executable

# --- child processes -------------------------------------------------------------

FLOOR = r"""
import json, sys, time
from pathlib import Path
import spacy
nlp = spacy.blank("en"); nlp.add_pipe("sentencizer")
files = sorted(p for p in Path(sys.argv[1]).rglob("*") if p.suffix in (".txt", ".md", ".html"))
t = time.perf_counter()
texts = [p.read_text(encoding="utf-8", errors="replace") for p in files]
sentences = sum(sum(1 for _ in d.sents) for d in nlp.pipe(texts, batch_size=64))
seconds = time.perf_counter() - t
print(json.dumps({"seconds": seconds, "files": len(texts), "sentences": sentences,
                  "words": sum(len(t.split()) for t in texts)}))
"""

AUDIT = r"""
import json, sys, time
from claimaudit.cli import main
args = json.loads(sys.argv[1])
t = time.perf_counter()
try:
    main(args, standalone_mode=False)
except SystemExit:
    pass
print(json.dumps({"seconds": time.perf_counter() - t}))
"""

SETUP = r"""
import json, sys, time
from claimaudit.pipeline import Auditor
from claimaudit.reference import load_reference
t = time.perf_counter()
ref = load_reference([sys.argv[1]])
t1 = time.perf_counter()
Auditor(ref)
t2 = time.perf_counter()
print(json.dumps({"seconds": t2 - t, "load": t1 - t, "build": t2 - t1, "claims": len(ref.claims)}))
"""

IN_MEMORY = r"""
import json, sys, time
import claimaudit
from claimaudit.reference import load_reference
from claimaudit.report import report_dict, write_reports
corpus, reference, out = sys.argv[1:4]
t = time.perf_counter()
doc = report_dict(claimaudit.audit([corpus], load_reference([reference])))
write_reports(doc, out)
print(json.dumps({"seconds": time.perf_counter() - t}))
"""


def _pss_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/smaps_rollup", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def _tree(pid: int) -> list[int]:
    pids, todo = [pid], [pid]
    while todo:
        p = todo.pop()
        try:
            with open(f"/proc/{p}/task/{p}/children", encoding="ascii") as fh:
                kids = [int(k) for k in fh.read().split()]
        except OSError:
            kids = []
        pids += kids
        todo += kids
    return pids


REPEAT = 1


def run_child(code: str, *args: str) -> dict:
    """Run `code` REPEAT times; return the fastest run's figures (peak memory: the largest)."""
    runs = [_run_child_once(code, *args) for _ in range(REPEAT)]
    best = min(runs, key=lambda r: r["seconds"])
    return {**best, "peak_mb": max(r["peak_mb"] for r in runs)}


def _run_child_once(code: str, *args: str) -> dict:
    """Run `code` in a fresh interpreter; return its JSON line plus peak PSS (MB) and cpu (s)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    proc = subprocess.Popen([PYTHON, "-c", code, *args], cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    peak = [0]
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            peak[0] = max(peak[0], sum(_pss_kb(p) for p in _tree(proc.pid)))
            done.wait(0.05)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, err = proc.communicate()
    done.set()
    sampler.join()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        raise SystemExit(f"child failed ({proc.returncode}):\n{err[-3000:]}")
    result = json.loads(out.strip().splitlines()[-1])
    result["peak_mb"] = peak[0] / 1024
    result["cpu"] = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return result


def audit(corpus: Path, reference: Path, out: Path, *extra: str) -> dict:
    args = ["audit", str(corpus), "--reference", str(reference), "--out", str(out), "-q", *extra]
    return run_child(AUDIT, json.dumps(args))


def pair_ratios(floors: list[float], audits: list[float]) -> tuple[list[float], float]:
    """Each pair's audit/floor ratio, and their median (the mean of the middle two for an even count)."""
    ratios = [x / f for f, x in zip(floors, audits)]
    order = sorted(ratios)
    mid = len(order) // 2
    median = order[mid] if len(order) % 2 else (order[mid - 1] + order[mid]) / 2
    return ratios, median


def alternated_pairs(corpus: Path, reference: Path, tmp: Path, jobs: int, pairs: int) -> None:
    """Time `pairs` (floor, audit) pairs back to back and print every pair's ratio and the median.

    The machine's speed drifts over minutes (the same audit's CPU time moved by a third between two
    runs an hour apart), so the fastest floor and the fastest audit of separate series can come
    from different moments; a pair is timed within a minute, and the median pair is the figure.
    """
    floors: list[float] = []
    audits: list[float] = []
    args = ["audit", str(corpus), "--reference", str(reference), "--out", str(tmp / "out-pairs"), "-q",
            "--no-cache", "--jobs", str(jobs)]
    for i in range(pairs):
        f = _run_child_once(FLOOR, str(corpus))
        x = _run_child_once(AUDIT, json.dumps(args))
        floors.append(f["seconds"])
        audits.append(x["seconds"])
        print(f"  pair {i + 1}: floor {f['seconds']:6.2f} s, audit --jobs {jobs} {x['seconds']:6.2f} s "
              f"(cpu {x['cpu']:5.1f} s) = {x['seconds'] / f['seconds']:.2f}x", flush=True)
    ratios, median = pair_ratios(floors, audits)
    print(f"  {pairs} alternated pairs: median {median:.2f}x the floor (range {min(ratios):.2f}-"
          f"{max(ratios):.2f}x)")


# --- the synthetic reference set -------------------------------------------------

_SYLLABLES = ["ka", "lo", "mi", "ne", "ru", "sa", "ti", "vo", "ze", "du", "fe", "ga", "ho",
              "ji", "pu", "qui", "ra", "so", "tu", "wy"]
_SUBJECT = re.compile(r"magnesium|\bmg\b", re.IGNORECASE)


def make_reference(src: Path, dest: Path, factor: int = 100, subjects: bool = True) -> int:
    """Write the bundled reference set plus factor-1 renamed copies into `dest`; return the count.

    Copy c renames the subject (magnesium, Mg) to an invented word in text,
    variants, key terms, overreach terms and supported wording, shuffles the
    variants and takes new ids (S<letters>-<number>). With `subjects`, each
    copy's files declare the invented word as their subject (as a large real
    set covers many subjects); without, the copies have no subject, so every
    one of them is in scope everywhere (the worst case for matching). Every
    copy keeps its studies, so it validates, but it is clearly synthetic:
    never commit it.
    """
    import shutil

    import yaml

    dest.mkdir(parents=True, exist_ok=True)
    count = 0
    # The packs are copied as they are; the copies of a pack's claim files go into a folder of
    # their own beside it, with the pack's studies.yaml (claims cite studies by key) and no
    # pack.yaml (each copy file declares its own subject, or none).
    packs = sorted({m.parent for m in src.rglob("pack.yaml")}) or [src]
    for pack in packs:
        shutil.copytree(pack, dest / pack.name, dirs_exist_ok=True,
                        ignore=shutil.ignore_patterns("__pycache__", "*.py"))
        if (pack / "studies.yaml").is_file():
            (dest / f"synthetic-{pack.name}").mkdir(exist_ok=True)
            shutil.copy(pack / "studies.yaml", dest / f"synthetic-{pack.name}" / "studies.yaml")
    for f in sorted(p for p in src.rglob("*.yaml") if p.name not in ("pack.yaml", "studies.yaml")):
        text = f.read_text(encoding="utf-8")
        out = dest / f"synthetic-{f.parent.name}"
        out.mkdir(exist_ok=True)
        entries = (yaml.safe_load(text) or {}).get("claims") or []
        count += len(entries)
        for c in range(1, factor):
            rng = random.Random(f"{f.name}/{c}")
            word = "".join(random.Random(c).choice(_SYLLABLES) for _ in range(3)) + "ium"
            word += "".join(chr(97 + int(d)) for d in str(c))

            def sub(t: object, word: str = word) -> object:
                return _SUBJECT.sub(word, t) if isinstance(t, str) else t

            copies = []
            for e in entries:
                e = json.loads(json.dumps(e))
                prefix = "S" + chr(65 + c // 26) + chr(65 + c % 26)
                e["id"] = prefix + "-" + e["id"].split("-", 1)[1]
                for key in ("text", "supported_wording"):
                    if key in e:
                        e[key] = sub(e[key])
                if e.get("variants"):
                    e["variants"] = [sub(v) for v in e["variants"]]
                    rng.shuffle(e["variants"])
                if e.get("key_terms"):
                    e["key_terms"] = [[sub(t) for t in g] for g in e["key_terms"]]
                if e.get("overreach"):
                    e["overreach"] = [sub(t) for t in e["overreach"]]
                copies.append(e)
            count += len(copies)
            (out / f"synthetic-{c:03d}-{f.name}").write_text(
                "# SYNTHETIC benchmark data written by benchmarks/throughput.py: not evidence.\n"
                + yaml.safe_dump({"subject": {"name": word, "terms": [word]}, "claims": copies}
                                 if subjects else {"claims": copies},
                                 sort_keys=False, allow_unicode=True),
                encoding="utf-8")
    return count


# --- the Dask engine (issue 17) ----------------------------------------------------


def _start_cluster(where: Path) -> tuple[str, list[subprocess.Popen]]:
    """Start `dask scheduler` and two single-threaded `dask worker`s on localhost."""
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    address = f"tcp://127.0.0.1:{port}"
    dask = [PYTHON, "-m", "dask"]
    cmds = [[*dask, "scheduler", "--host", "127.0.0.1", "--port", str(port), "--no-dashboard"]]
    cmds += [[*dask, "worker", address, "--nthreads", "1", "--no-dashboard", "--name", f"w{i}",
              "--local-directory", str(where / f"w{i}")] for i in range(2)]
    procs = [subprocess.Popen(c, cwd=where, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                              stdin=subprocess.DEVNULL, start_new_session=True) for c in cmds]
    from distributed import Client

    deadline = time.monotonic() + 120
    while True:
        try:
            with Client(address, timeout="5s", set_as_default=False) as c:
                c.wait_for_workers(2, timeout=max(1.0, deadline - time.monotonic()))
            return address, procs
        except OSError:
            if time.monotonic() > deadline:
                _stop_cluster(procs)
                raise
            time.sleep(0.5)


def _stop_cluster(procs: list[subprocess.Popen]) -> None:
    import signal

    for p in reversed(procs):
        if p.poll() is None:
            os.killpg(p.pid, signal.SIGTERM)
            try:
                p.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(p.pid, signal.SIGKILL)
                p.wait(15)


def dask_benchmark(corpus: Path, files: list[Path], reference: Path, tmp: Path) -> None:
    """--jobs 2 against a 2-worker LocalCluster and a separately started cluster."""
    n = len(files)
    one = tmp / "one-article"
    one.mkdir()
    (one / files[0].name).symlink_to(files[0].resolve())
    print(f"corpus: {corpus} ({n} files); one article: {files[0].name}")

    def run(target: Path, tag: str, *extra: str) -> dict:
        return audit(target, reference, tmp / f"out-{tag}", "--no-cache", *extra)

    def line(label: str, r: dict, per: int) -> None:
        # No memory figure: the workers of a LocalCluster are started from a thread of the
        # child (and a separate cluster's are not its children), so PSS would miss them.
        print(f"  {label:<52} {r['seconds']:6.2f} s  {per / r['seconds']:6.0f} articles/s  "
              f"cpu {r['cpu']:5.1f} s", flush=True)

    local_n = run(corpus, "local", "--jobs", "2")
    line("local, --jobs 2", local_n, n)
    dask_n = run(corpus, "dask", "--engine", "dask", "--jobs", "2")
    line("dask, LocalCluster of 2 workers (started in the run)", dask_n, n)
    local_1 = run(one, "local1", "--jobs", "2")
    line("local, --jobs 2, one article", local_1, 1)
    dask_1 = run(one, "dask1", "--engine", "dask", "--jobs", "2")
    line("dask, LocalCluster, one article", dask_1, 1)
    same = (tmp / "out-local" / "audit.json").read_bytes() == \
        (tmp / "out-dask" / "audit.json").read_bytes()
    fixed = dask_1["seconds"] - local_1["seconds"]
    per_article = ((dask_n["seconds"] - dask_1["seconds"])
                   - (local_n["seconds"] - local_1["seconds"])) / max(1, n - 1)
    local_per = (local_n["seconds"] - local_1["seconds"]) / max(1, n - 1)
    print(f"  LocalCluster / --jobs 2 on the corpus: {dask_n['seconds'] / local_n['seconds']:.2f}x;"
          f" audit.json {'byte-identical' if same else 'DIFFERENT'}")
    print(f"  fixed cost of the LocalCluster (one article, dask - local): {fixed:.2f} s "
          f"wall, {dask_1['cpu'] - local_1['cpu']:.2f} s cpu")
    cpu_extra = ((dask_n["cpu"] - dask_1["cpu"]) - (local_n["cpu"] - local_1["cpu"])) / max(1, n - 1)
    print(f"  cpu per article (client, scheduler and workers): "
          f"{(dask_n['cpu'] - dask_1['cpu']) / max(1, n - 1) * 1000:.2f} ms on the LocalCluster, "
          f"{(local_n['cpu'] - local_1['cpu']) / max(1, n - 1) * 1000:.2f} ms with --jobs 2 "
          f"({cpu_extra * 1000:+.2f} ms; cpu moves less than wall-clock on a busy machine)")
    print(f"  overhead per article (after the fixed cost): {per_article * 1000:+.2f} ms, "
          f"against {local_per * 1000:.2f} ms per article with --jobs 2 "
          f"({per_article / local_per:+.1%})")

    where = tmp / "cluster"
    where.mkdir()
    address, procs = _start_cluster(where)
    try:
        cold = run(corpus, "sched-cold", "--scheduler", address)
        line("dask, separate scheduler + 2 workers, workers cold", cold, n)  # cpu: client only
        warm = run(corpus, "sched-warm", "--scheduler", address)
        line("dask, separate scheduler + 2 workers, workers warm", warm, n)
        warm1 = run(one, "sched-one", "--scheduler", address)
        line("dask, separate scheduler, warm, one article", warm1, 1)
    finally:
        _stop_cluster(procs)
    same = all((tmp / f"out-{t}" / "audit.json").read_bytes()
               == (tmp / "out-local" / "audit.json").read_bytes() for t in ("sched-cold", "sched-warm"))
    print(f"  separate cluster (warm) / --jobs 2: {warm['seconds'] / local_n['seconds']:.2f}x; "
          f"audit.json {'byte-identical' if same else 'DIFFERENT'} to --jobs 2")
    print(f"  fixed cost on a running cluster (one article, warm dask - local): "
          f"{warm1['seconds'] - local_1['seconds']:.2f} s")
    warm_per = ((warm["seconds"] - warm1["seconds"])
                - (local_n["seconds"] - local_1["seconds"])) / max(1, n - 1)
    print(f"  overhead per article on the running cluster: {warm_per * 1000:+.2f} ms "
          f"({warm_per / local_per:+.1%} of --jobs 2's {local_per * 1000:.2f} ms)")


# --- report ----------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--reference", type=Path, default=ROOT / "reference")
    parser.add_argument("--jobs", type=int, default=0, help="workers (default: one per CPU)")
    parser.add_argument("--sample", type=int, default=0,
                        help="use only the first N files (links in a temporary folder)")
    parser.add_argument("--compare-in-memory", action="store_true",
                        help="also measure the previous in-memory writer's peak memory")
    parser.add_argument("--skip-100x", action="store_true")
    parser.add_argument("--pairs", type=int, default=0,
                        help="only time N alternated (floor, audit) pairs and print each pair's ratio "
                             "and their median")
    parser.add_argument("--engine", choices=["local", "dask"], default="local",
                        help="dask: measure the Dask engine against --jobs 2 (only that)")
    parser.add_argument("--repeat", type=int, default=1,
                        help="run each measurement N times and keep the fastest (default 1)")
    a = parser.parse_args()
    global REPEAT
    REPEAT = max(1, a.repeat)
    if not a.corpus.is_dir():
        raise SystemExit(f"no corpus at {a.corpus}; pass --corpus DIR")
    sys.path.insert(0, str(ROOT / "src"))
    from claimaudit.batch import default_jobs

    jobs = a.jobs or default_jobs()
    print(f"claimaudit throughput benchmark: {os.cpu_count()} CPUs, jobs={jobs}, "
          f"load average {os.getloadavg()[0]:.2f}")
    with tempfile.TemporaryDirectory(prefix="claimaudit-bench-") as tmp_name:
        tmp = Path(tmp_name)
        files = sorted(p for p in a.corpus.rglob("*") if p.suffix in (".txt", ".md", ".html"))
        corpus = a.corpus
        if a.sample:
            files = files[: a.sample]
            corpus = tmp / "sample"
            corpus.mkdir()
            for p in files:
                (corpus / p.name).symlink_to(p.resolve())
        doubled = tmp / "doubled"
        for half in ("a", "b"):
            (doubled / half).mkdir(parents=True)
            for p in files:
                (doubled / half / p.name).symlink_to(p.resolve())

        if a.engine == "dask":
            dask_benchmark(corpus, files, a.reference, tmp)
            print(f"load average at the end {os.getloadavg()[0]:.2f}")
            return
        rows: list[tuple[str, str]] = []

        def show(label: str, text: str) -> None:
            rows.append((label, text))
            print(f"  {label:<44} {text}", flush=True)

        if a.pairs:
            alternated_pairs(corpus, a.reference, tmp, jobs, a.pairs)
            print(f"load average at the end {os.getloadavg()[0]:.2f}")
            return
        floor = run_child(FLOOR, str(corpus))
        words, n = floor["words"], floor["files"]
        print(f"corpus: {corpus} ({n} files, {words:,} words)")
        f_s = floor["seconds"]
        show("floor: spaCy blank tokenizer + sentencizer",
             f"{f_s:6.2f} s  {n / f_s:7.0f} articles/s  {words / f_s:9.0f} words/s  "
             f"peak {floor['peak_mb']:5.0f} MB")

        base = audit(corpus, a.reference, tmp / "out-base", "--no-cache", "--jobs", str(jobs))
        b_s = base["seconds"]
        show(f"audit, bundled reference, --jobs {jobs}",
             f"{b_s:6.2f} s  {n / b_s:7.0f} articles/s  {words / b_s:9.0f} words/s  "
             f"peak {base['peak_mb']:5.0f} MB  cpu {base['cpu']:5.1f} s  "
             f"= {b_s / f_s:.2f}x the floor")
        if jobs != 1:
            one = audit(corpus, a.reference, tmp / "out-one", "--no-cache", "--jobs", "1")
            show("audit, bundled reference, --jobs 1",
                 f"{one['seconds']:6.2f} s  {n / one['seconds']:7.0f} articles/s  "
                 f"peak {one['peak_mb']:5.0f} MB  cpu {one['cpu']:5.1f} s  "
                 f"= {one['seconds'] / f_s:.2f}x the floor, {one['seconds'] / b_s:.2f}x "
                 f"--jobs {jobs}")
            same = (tmp / "out-one" / "audit.json").read_bytes() == \
                (tmp / "out-base" / "audit.json").read_bytes()
            show(f"audit.json --jobs 1 == --jobs {jobs}", "byte-identical" if same else "DIFFERENT")

        if not a.skip_100x:
            empty = tmp / "empty-corpus"
            empty.mkdir()

            def warm_reference_audit(reference: Path, tag: str) -> dict:
                """Audit with the parsed reference already cached, no article cached."""
                runs = []
                for i in range(REPEAT):  # a cache of its own each time: articles never cached
                    store = tmp / f"cache-{tag}-{i}"
                    args = ["audit", str(empty), "--reference", str(reference), "--out",
                            str(tmp / "out-empty"), "-q", "--cache", str(store)]
                    _run_child_once(AUDIT, json.dumps(args))
                    args = ["audit", str(corpus), "--reference", str(reference), "--out",
                            str(tmp / f"out-{tag}-{i}"), "-q", "--cache", str(store),
                            "--jobs", str(jobs)]
                    runs.append(_run_child_once(AUDIT, json.dumps(args)))
                return min(runs, key=lambda r: r["seconds"])

            s1 = run_child(SETUP, str(a.reference))
            per_base = b_s - s1["seconds"]
            warm_base = warm_reference_audit(a.reference, "bundled")["seconds"]
            show("audit, bundled reference, parsed set cached",
                 f"{warm_base:6.2f} s  (articles not cached; writes the article cache)")
            for subjects, label in ((True, "copies about subjects of their own"),
                                    (False, "copies without a subject (worst case)")):
                big = tmp / f"reference-100x-{subjects}"
                t = time.perf_counter()
                count = make_reference(a.reference, big, subjects=subjects)
                print(f"  (generated {count:,} synthetic reference claims in "
                      f"{time.perf_counter() - t:.1f} s: {label})")
                name = "own subjects" if subjects else "no subject"
                x = audit(corpus, big, tmp / "out-100x", "--no-cache", "--jobs", str(jobs))
                show(f"audit, 100x reference set, {name}",
                     f"{x['seconds']:6.2f} s  {n / x['seconds']:7.0f} articles/s  "
                     f"peak {x['peak_mb']:5.0f} MB  cpu {x['cpu']:5.1f} s  "
                     f"= {x['seconds'] / b_s:.2f}x the bundled set")
                s100 = run_child(SETUP, str(big))
                show("  one-off setup: load reference + build matcher",
                     f"bundled {s1['load']:.2f} + {s1['build']:.2f} s, 100x {s100['load']:.2f} + "
                     f"{s100['build']:.2f} s")
                per_x = x["seconds"] - s100["seconds"]
                show("  audit without the one-off setup",
                     f"{per_x:6.2f} s vs {per_base:6.2f} s = {per_x / per_base:.2f}x the bundled set")
                w = warm_reference_audit(big, f"100x-{subjects}")["seconds"]
                show(f"  same, parsed reference set cached",
                     f"{w:6.2f} s vs {warm_base:6.2f} s = {w / warm_base:.2f}x the bundled set")

        colds = []
        for i in range(REPEAT):  # each cold run fills a cache of its own
            args = ["audit", str(corpus), "--reference", str(a.reference), "--out",
                    str(tmp / "out-cold"), "-q", "--cache", str(tmp / f"cache{i}"),
                    "--jobs", str(jobs)]
            colds.append(_run_child_once(AUDIT, json.dumps(args)))
        cold = min(colds, key=lambda r: r["seconds"])
        warm = audit(corpus, a.reference, tmp / "out-warm", "--cache", str(tmp / "cache0"),
                     "--jobs", str(jobs))
        show("audit, cache cold (filling it)",
             f"{cold['seconds']:6.2f} s  = {cold['seconds'] / b_s:.2f}x no cache")
        same = all((tmp / "out-warm" / f).read_bytes() == (tmp / "out-cold" / f).read_bytes()
                   for f in ("audit.json", "claims.csv", "summary.md"))
        show("audit again, unchanged corpus (cache)",
             f"{warm['seconds']:6.2f} s  peak {warm['peak_mb']:5.0f} MB  "
             f"= {b_s / warm['seconds']:.1f}x faster than no cache "
             f"({cold['seconds'] / warm['seconds']:.1f}x the cold run); files "
             + ("byte-identical to the cold run's" if same else "DIFFERENT"))

        dbl = audit(doubled, a.reference, tmp / "out-doubled", "--no-cache", "--jobs", str(jobs))
        show("audit, corpus doubled (every file twice)",
             f"{dbl['seconds']:6.2f} s  peak {dbl['peak_mb']:5.0f} MB  "
             f"= {dbl['peak_mb'] / base['peak_mb']:.2f}x the single corpus' peak")
        if a.compare_in_memory:
            m1 = run_child(IN_MEMORY, str(corpus), str(a.reference), str(tmp / "mem1"))
            m2 = run_child(IN_MEMORY, str(doubled), str(a.reference), str(tmp / "mem2"))
            show("previous in-memory writer, single / doubled",
                 f"{m1['seconds']:6.2f} / {m2['seconds']:6.2f} s  peak {m1['peak_mb']:5.0f} / "
                 f"{m2['peak_mb']:5.0f} MB = {m2['peak_mb'] / m1['peak_mb']:.2f}x")
    print(f"load average at the end {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
