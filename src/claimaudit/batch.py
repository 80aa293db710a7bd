"""Batch audits: many files, in parallel, cached, written as they finish.

`audit_to_files` is what `claimaudit audit` runs. It gives the same files as
`report.write_reports(report_dict(audit(...)))`, byte for byte, but

- streams: each article is rendered (its audit.json entry, CSV rows, Markdown
  lines) by the process that audited it and appended to the output files
  (`streaming.StreamingReportWriter`), so memory does not grow with the corpus;
- runs in parallel: a `multiprocessing` pool over file paths (`jobs` workers,
  default one per CPU). Each worker gets the parent's `Auditor` once (inherited
  on fork) and sends back only the rendered article. spaCy's own
  `n_process` was slower on 2 cores (pickling Docs back, see
  shared/notes/deps-and-perf.md); here nothing but a few strings crosses the
  process boundary. Results are taken in path order, so the output does not
  depend on `jobs`;
- caches: an article whose bytes, display path, reference set, settings and
  code are unchanged is read from `cache.ArticleCache` instead of audited;
- scales out: with `engine="dask"` the articles that are not cached are
  audited on a Dask cluster instead of the pool (`dask_engine.DaskRunner`);
  the results come back in the same order to the same writer, so the files
  are the same bytes.

Unreadable files become report errors, as in `pipeline.audit` (both call
`pipeline.audit_file`).
"""

from __future__ import annotations

import gc
import hashlib
import itertools
import multiprocessing
import os
import sys
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from .cache import ArticleCache, context_key
from .ingest import IngestError, read_bytes
from .pipeline import Auditor, Discovery, Settings, audit_file
from .records import InputError, ReferenceSet
from .sources import discover_sources, read_source, read_source_bytes
from .strength import preload as preload_strength
from .streaming import (STREAM_FORMATS, ArticleOutput, StreamingReportWriter, load_json,
                        render_article)

# Fewer files than this to audit: no pool (forking costs more than it saves).
MIN_PARALLEL_FILES = 4
ENGINES = ("local", "dask")


class EngineError(Exception):
    """The engine cannot run (dask missing, scheduler unreachable): one line, exit 2."""


def resolve_engine(engine: str | None, scheduler: object = None) -> str:
    """Return "local" or "dask": the engine asked for, else "dask" when a scheduler is given."""
    engine = engine or ("dask" if scheduler is not None else "local")
    if engine not in ENGINES:
        raise EngineError(f"unknown engine {engine!r}; use {' or '.join(ENGINES)}")
    if engine == "local" and scheduler is not None:
        raise EngineError("--scheduler needs --engine dask")
    return engine


def default_jobs() -> int:
    """Return the number of CPUs this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


@dataclass
class BatchResult:
    """What `audit_to_files` did.

    `doc` is the report document: complete (equal to `report_dict`) when
    `full_doc` was asked for; otherwise the report's keys with, per article,
    only path, sentence_count, counts, the number suppressed and the claims the
    CLI lists (`streaming.ArticleOutput.findings`: enough for its findings,
    table, summary line and --fail-on).
    """

    doc: dict[str, Any]
    written: list[Path]
    files: int = 0
    cached: int = 0
    audited: int = 0
    jobs: int = 1
    workers: int = 0  # worker processes started (0: everything ran in this process)
    errors: list[InputError] = field(default_factory=list)


def audit_to_files(
    paths: Sequence[str | Path],
    reference: ReferenceSet,
    settings: Settings | None = None,
    out: str | Path | None = "reports",
    formats: Sequence[str] = STREAM_FORMATS,
    *,
    jobs: int | None = None,
    cache_dir: str | Path | None = None,
    progress: bool | None = None,
    full_doc: bool = False,
    csv_bom: bool = False,
    engine: str | None = None,
    scheduler: object = None,
    discovery: Discovery | None = None,
) -> BatchResult:
    """Audit files and folders and write json/csv/markdown reports into `out`.

    out: None writes no file (use with `full_doc` to get the document only).

    jobs: worker processes (None or 0: one per CPU; 1: this process only).
    cache_dir: the article cache's folder, or None for no cache.
    progress: show a progress bar on stderr (None: only when stderr is a terminal).
    full_doc: also return the complete report document (for other formats).
    csv_bom: start claims.csv with a UTF-8 byte order mark (for Excel).
    engine: "local" (the process pool) or "dask" (a Dask cluster: `scheduler`,
    an address or a `distributed.Client`, else a LocalCluster of `jobs`
    workers); a scheduler alone implies "dask". Raises EngineError when the
    engine cannot run.
    paths may also be fsspec URLs (see `sources`).
    discovery: which entries folder walks skip; the `out` folder is always skipped.
    """
    settings = settings or Settings()
    jobs = jobs or default_jobs()
    engine = resolve_engine(engine, scheduler)
    discovery = discovery or Discovery()
    if out is not None:
        discovery = replace(discovery, skip_dirs=(*discovery.skip_dirs, str(out)))
    files, errors = discover_sources(paths, discovery)
    cache = ArticleCache(cache_dir, context_key(reference, settings)) if cache_dir else None
    plan: list[tuple[str | Path, str, str | None]] = []  # (path, shown, sha256 of a cached entry)
    for path, shown in files:
        sha = None
        if cache is not None:
            try:
                sha = hashlib.sha256(read_source_bytes(path, shown)).hexdigest()
            except IngestError:
                sha = None
            if sha is not None and not cache.has(shown, sha):
                sha = None
        plan.append((path, shown, sha))
    if cache is not None:
        cache.prepare()
    misses = [(str(path), shown) for path, shown, sha in plan if sha is None]
    runner = (_Runner(reference, settings, cache, jobs) if engine == "local"
              else _dask_runner(reference, settings, cache, jobs, scheduler))
    scratch = tempfile.TemporaryDirectory(prefix="claimaudit-") if out is None else None
    writer = StreamingReportWriter(scratch.name if scratch else out,
                                   () if scratch else formats, reference, settings.describe(),
                                   keep_json=full_doc, csv_bom=csv_bom)
    result = BatchResult(doc={}, written=[], files=len(plan), jobs=jobs)
    blas = None
    try:
        if misses and engine == "local":
            blas = _one_blas_thread()  # also in the workers: they fork from here
        results = runner.start(misses)
        bar = _progress_bar(len(plan), progress)
        try:
            for path, shown, sha in plan:
                output: ArticleOutput | InputError | None = None
                if sha is not None:
                    output = cache.get(shown, sha) if cache is not None else None
                    if output is None:  # damaged since we looked: audit it here
                        output = runner.audit_here(str(path), shown)
                        result.audited += 1
                    else:
                        result.cached += 1
                else:
                    output = next(results)
                    result.audited += 1
                if isinstance(output, InputError):
                    errors.append(output)
                else:
                    writer.add(output)
                bar.update(1)
        finally:
            bar.close()
        result.workers = runner.workers
        runner.close()
        doc = writer.finish(errors)
        if full_doc:
            doc = load_json(writer.json_path)
            writer.discard_json()
    except BaseException:
        runner.terminate()
        writer.abort()
        raise
    finally:
        if blas is not None:
            blas.restore_original_limits()
        if scratch is not None:
            scratch.cleanup()
    result.doc = doc
    result.written = writer.written
    result.errors = sorted(errors, key=lambda e: (e.path, e.error))
    return result


def _one_blas_thread() -> Any:
    """Keep OpenBLAS (numpy's matrix products) to one thread until `restore_original_limits()`.

    The audit's only BLAS call of any size is the matcher's product of an article's sentence embeddings
    with the reference texts' (`match.Matcher.candidate_features`; a few million multiply-adds, a
    fraction of a millisecond): OpenBLAS splits it over a second thread, which then spins waiting for more work. On FakeHealth that helper thread took
    about 11% of a `--jobs 1` audit's CPU (perf: `blas_thread_server`; the whole audit's CPU was
    0.82-0.87x with one thread in paired runs, less of a gain when other work keeps both cores busy,
    since the spinning thread then yields) and, with `--jobs 2`, each worker's spinning helper
    competed with the other worker for the two cores. Set before the pool forks, the limit
    holds in the workers too (OpenBLAS keeps it in a global). One thread gives the same floats: each
    output element is still one thread's dot product by the same kernel.
    """
    from threadpoolctl import threadpool_limits

    return threadpool_limits(limits=1, user_api="blas")


def _dask_runner(reference: ReferenceSet, settings: Settings, cache: ArticleCache | None,
                 jobs: int, scheduler: object) -> Any:
    try:
        from .dask_engine import DaskRunner
    except ImportError as exc:
        raise EngineError(f"--engine dask needs dask.distributed ({exc}); "
                          "pip install 'claimaudit[dask]'") from None
    return DaskRunner(reference, settings, cache, jobs, scheduler)


class _NoBar:
    def update(self, n: int) -> None:
        pass

    def close(self) -> None:
        pass


def _progress_bar(total: int, progress: bool | None) -> Any:
    """Return a tqdm bar on stderr when stderr is a terminal (or forced), else a silent one."""
    if not (sys.stderr.isatty() if progress is None else progress):
        return _NoBar()  # tqdm is not even imported (a cached re-audit takes 0.4 s)
    from tqdm import tqdm

    return tqdm(total=total, file=sys.stderr, unit="file", desc="auditing",
                leave=False, dynamic_ncols=True, mininterval=0.2)


class _Runner:
    """Audit the files that are not cached: in a pool of workers, or in this process."""

    def __init__(self, reference: ReferenceSet, settings: Settings, cache: ArticleCache | None,
                 jobs: int) -> None:
        self.reference = reference
        self.settings = settings
        self.cache = cache
        self.jobs = jobs
        self.pool: Any = None
        self.workers = 0
        self._auditor: Auditor | None = None

    def auditor(self) -> Auditor:
        if self._auditor is None:
            self._auditor = Auditor(self.reference, self.settings)
        return self._auditor

    def start(self, misses: list[tuple[str, str]]) -> Iterator[ArticleOutput | InputError]:
        """Return the results for `misses`, in order, as they become available."""
        if not misses:
            return iter(())
        auditor = self.auditor()
        workers = min(self.jobs, len(misses))
        if workers < 2 or len(misses) < MIN_PARALLEL_FILES:
            return (_audit_render(auditor, self.cache, p, s) for p, s in misses)
        # What each worker would otherwise load for itself at its first claim: loaded once, here,
        # and shared with the workers on fork.
        preload_strength()
        ctx = _mp_context()
        cache_args = (str(self.cache.root), self.cache.context) if self.cache else None
        with _frozen_heap():
            self.pool = ctx.Pool(workers, initializer=_init_worker, initargs=(auditor, cache_args))
        self.workers = workers
        chunk = max(1, min(16, len(misses) // (workers * 8)))
        # The last files go one at a time: with chunks to the end, one worker could be left auditing a
        # last chunk of 16 articles (about 0.15 s) while the others have nothing left to do. Both `imap`s
        # are queued now, in order, and read one after the other: the results still come in path order.
        bulk = _tail_start(len(misses), workers, chunk)
        return itertools.chain(self.pool.imap(_work, misses[:bulk], chunksize=chunk),
                               self.pool.imap(_work, misses[bulk:], chunksize=1))

    def audit_here(self, path: str, shown: str) -> ArticleOutput | InputError:
        return _audit_render(self.auditor(), self.cache, path, shown)

    def close(self) -> None:
        if self.pool is not None:
            self.pool.close()
            self.pool.join()
            self.pool = None

    def terminate(self) -> None:
        if self.pool is not None:
            self.pool.terminate()
            self.pool.join()
            self.pool = None


@contextmanager
def _frozen_heap() -> Iterator[None]:
    """Fork the workers with every object alive (the Auditor: reference set, matcher, models,
    compiled patterns, modules) frozen out of the cyclic garbage collector's reach (`gc.freeze`).

    A worker inherits them for the whole audit; unfrozen, each of its full collections walked all of
    them again, writing to every object's header and so copying the parent's memory page by page
    (the use the `gc` module's documentation gives for `gc.freeze`). The workers keep them frozen;
    this process unfreezes them as soon as the workers are started. Nothing else changes: the frozen
    objects are alive anyway. Left as it is when the collector is off or objects are frozen already.
    """
    if not gc.isenabled() or gc.get_freeze_count():
        yield
        return
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def _tail_start(n: int, workers: int, chunk: int) -> int:
    """Return the index of the first file sent on its own: two chunks' worth per worker from the end
    (0 when the chunks are single files anyway)."""
    return 0 if chunk == 1 else max(0, n - 2 * workers * chunk)


def _mp_context() -> Any:
    # fork shares the parent's Auditor (reference set, TF-IDF matrix, strength
    # model) copy-on-write, so workers start at once; elsewhere it is pickled.
    if sys.platform.startswith("linux"):
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context()


_WORKER: dict[str, Any] = {}


def _init_worker(auditor: Auditor, cache_args: tuple[str, str] | None) -> None:
    _WORKER["auditor"] = auditor
    _WORKER["cache"] = ArticleCache(*cache_args, prepared=True) if cache_args else None


def _work(item: tuple[str, str]) -> ArticleOutput | InputError:
    return _audit_render(_WORKER["auditor"], _WORKER["cache"], *item)


def _audit_render(auditor: Auditor, cache: ArticleCache | None, path: str,
                  shown: str) -> ArticleOutput | InputError:
    """Audit one file, render it and store it in the cache."""
    report = audit_file(auditor, path, shown, read=read_source)
    if isinstance(report, InputError):
        return report
    output = render_article(report)
    if cache is not None:
        cache.put(shown, report.sha256, output)
    return output
