"""The Dask engine: audit articles on a `dask.distributed` cluster (`--engine dask`).

Imported only when the dask engine is asked for (the `[dask]` extra installs
dask[distributed] and fsspec). What runs where:

- the client (this process) discovers the files, looks every article up in
  the cache (hits never go to the cluster), and connects to the scheduler
  given (`--scheduler tcp://host:8786`, CONNECT_TIMEOUT seconds at most) or
  starts a `LocalCluster` of `jobs` worker processes and closes it at the end;
- the reference set and the settings are scattered to every worker once
  (`Client.scatter(..., broadcast=True)`); each worker process builds its
  `Auditor` from them on its first task and keeps it for the next tasks (and
  runs: it is keyed by the reference set's digest and the settings);
- the articles that are not cached go to the workers in batches (one task per
  batch, at most WINDOW_PER_THREAD batches per worker thread in flight, so
  neither the client nor the scheduler holds the whole corpus); a worker reads
  its files itself (local paths are made absolute: on a cluster of several
  machines they must be on a shared file system; URLs are read through fsspec
  on the worker), except memory:// ones, whose bytes the client sends;
- each worker returns its articles rendered (`streaming.ArticleOutput`, the
  same few strings as the process pool returns), and the client takes the
  batches in path order, stores them in the cache and hands them to the same
  streaming writer: the reports are the same bytes as with `--jobs 1`.

An article that fails is an `errors` entry exactly as locally (the worker runs
the same `pipeline.audit_file`). A worker that dies is replaced and its tasks
are retried by Dask (the scheduler's `allowed-failures`); a batch that still
fails is retried article by article, and only the articles that fail on their
own become errors. A scheduler that cannot be reached, or that has no worker
within WORKER_TIMEOUT seconds, is a `batch.EngineError` (one line, exit 2).
"""

from __future__ import annotations

import hashlib
import logging
import os
import threading
from collections import deque
from collections.abc import Iterator, Sequence
from contextlib import closing, contextmanager
from pathlib import Path
from typing import Any

from distributed import Client, LocalCluster

from .batch import EngineError, _audit_render, default_jobs
from .cache import ArticleCache
from .pipeline import Auditor, Settings, audit_file, debug_enabled, internal_error
from .records import ArticleReport, InputError, ReferenceSet
from .sources import article_from_bytes, is_url, process_local, read_source, read_source_bytes
from .streaming import ArticleOutput, render_article

CONNECT_TIMEOUT = 5  # seconds to reach a scheduler given by --scheduler
WORKER_TIMEOUT = 60  # seconds to wait for the first worker of a cluster
MAX_BATCH = 32  # articles in one task
WINDOW_PER_THREAD = 4  # batches in flight per worker thread
# A LocalCluster's scheduler without dashboard, and its HTTP routes (health
# checks) on a free port rather than on 8787, which another cluster may hold.
QUIET = {"dashboard": False, "dashboard_address": ":0"}

Item = tuple[str, str, "bytes | None"]  # (path or URL, display path, bytes sent along or None)


# --- on the workers --------------------------------------------------------------

_AUDITORS: dict[str, Auditor] = {}
_LOCK = threading.Lock()


def _worker_auditor(key: str, payload: tuple[ReferenceSet, Settings]) -> Auditor:
    """Return this worker process's Auditor for the scattered reference set and settings."""
    with _LOCK:
        auditor = _AUDITORS.get(key)
        if auditor is None:
            _AUDITORS.clear()  # one reference set at a time
            auditor = _AUDITORS[key] = Auditor(*payload)
        return auditor


@contextmanager
def _debug(debug: bool) -> Iterator[None]:
    """Run with the client's --debug (an internal error then raises instead of becoming an entry)."""
    previous = os.environ.get("CLAIMAUDIT_DEBUG")
    os.environ["CLAIMAUDIT_DEBUG"] = "1" if debug else "0"
    try:
        yield
    finally:
        if previous is None:
            os.environ.pop("CLAIMAUDIT_DEBUG", None)
        else:
            os.environ["CLAIMAUDIT_DEBUG"] = previous


def audit_batch(key: str, payload: tuple[ReferenceSet, Settings], items: Sequence[Item],
                mode: str, debug: bool) -> list[tuple[Any, str | None]]:
    """Audit a batch on a worker: per item (ArticleOutput or ArticleReport or InputError, sha256)."""
    auditor = _worker_auditor(key, payload)
    out: list[tuple[Any, str | None]] = []
    with _debug(debug):
        for source, shown, data in items:
            if data is None:
                report = audit_file(auditor, source, shown, read=read_source)
            else:
                report = audit_file(auditor, source, shown,
                                    read=lambda s, sh, d=data: article_from_bytes(d, s, sh))
            if isinstance(report, InputError) or mode == "report":
                out.append((report, None))
            else:
                out.append((render_article(report), report.sha256))
    return out


# --- on the client ---------------------------------------------------------------


class DaskSession:
    """A client on a given scheduler, or on a LocalCluster started (and closed) here."""

    def __init__(self, scheduler: object, jobs: int | None) -> None:
        self.cluster: LocalCluster | None = None
        self.owned = True
        # distributed logs a lost connection with tracebacks; ours is one line (--debug keeps them)
        self._levels = {} if debug_enabled() else {
            name: logging.getLogger(name).level for name in
            ["distributed", *(n for n in logging.root.manager.loggerDict
                              if n.startswith("distributed."))]}
        for name in self._levels:
            logging.getLogger(name).setLevel(logging.CRITICAL)
        if scheduler is None:
            n = jobs or default_jobs()
            try:
                self.cluster = LocalCluster(n_workers=n, threads_per_worker=1, processes=True,
                                            dashboard_address=None,
                                            silence_logs=logging.ERROR, scheduler_kwargs=QUIET)
                self.client = Client(self.cluster, set_as_default=False)
            except Exception as exc:  # noqa: BLE001 - one line, exit 2
                self.close()
                raise EngineError(f"cannot start a Dask LocalCluster: {_one_line(exc)}") from None
            self.where = f"a LocalCluster of {n} worker processes"
        elif isinstance(scheduler, Client):
            self.client, self.owned = scheduler, False
            self.where = f"the Dask scheduler at {scheduler.scheduler.address}"
        else:
            self.where = f"the Dask scheduler at {scheduler}"
            try:
                self.client = Client(str(scheduler), timeout=f"{CONNECT_TIMEOUT}s",
                                     set_as_default=False)
            except Exception as exc:  # noqa: BLE001 - OSError (timeout), ValueError (bad address)
                self.close()
                raise EngineError(f"cannot reach {self.where} (tried for {CONNECT_TIMEOUT} s): "
                                  f"{_one_line(exc)}") from None
        try:
            self.client.wait_for_workers(1, timeout=WORKER_TIMEOUT)
        except Exception:  # noqa: BLE001 - TimeoutError, or the connection went
            self.close()
            raise EngineError(f"{self.where} has no worker (waited {WORKER_TIMEOUT} s); "
                              "start one with: dask worker ADDRESS") from None
        info = self.client.scheduler_info()["workers"]
        self.workers = len(info)
        self.threads = sum(w.get("nthreads", 1) for w in info.values()) or 1

    def alive(self) -> bool:
        return self.client.status == "running"

    def close(self) -> None:
        client = getattr(self, "client", None)
        if client is not None and self.owned:
            try:
                client.close()
            except Exception:  # noqa: BLE001 - closing after a failure already reported
                pass
        if self.cluster is not None:
            try:
                self.cluster.close()
            except Exception:  # noqa: BLE001
                pass
            self.cluster = None
        for name, level in self._levels.items():
            logging.getLogger(name).setLevel(level)


def payload_key(reference: ReferenceSet, settings: Settings) -> str:
    """Identify a (reference set, settings) pair, so a worker builds its Auditor once."""
    text = "\0".join([reference.sha256, *reference.paths, repr(settings)])
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def run_ordered(session: DaskSession, reference: ReferenceSet, settings: Settings,
                files: Sequence[tuple[str | Path, str]], mode: str) -> Iterator[tuple[Any, str | None]]:
    """Audit `files` on the cluster; yield (result, sha256) per file, in the order given."""
    client = session.client
    key = payload_key(reference, settings)
    payload = client.scatter([(reference, settings)], broadcast=True, hash=False)[0]
    debug = debug_enabled()
    size = max(1, min(MAX_BATCH, len(files) // (session.threads * 8)))
    window = max(2, WINDOW_PER_THREAD * session.threads)

    def items(chunk: Sequence[tuple[str | Path, str]]) -> list[Item]:
        out: list[Item] = []
        for (source, shown), here in zip(chunk, process_local([s for s, _ in chunk])):
            data = None
            if here:  # memory://: only this process can read it
                try:
                    data = read_source_bytes(source, shown)
                except Exception:  # noqa: BLE001 - let the worker report it as locally
                    data = None
            src = str(source) if is_url(source) else os.path.abspath(source)
            out.append((src, shown, data))
        return out

    def submit(batch: list[Item]) -> Any:
        return client.submit(audit_batch, key, payload, batch, mode, debug, pure=False)

    def collect(batch: list[Item], future: Any) -> list[tuple[Any, str | None]]:
        try:
            return future.result()
        except Exception as exc:
            if debug:
                raise
            if not session.alive():
                raise EngineError(f"lost the connection to {session.where}: "
                                  f"{_one_line(exc)}") from None
            return _one_by_one(batch)
        finally:
            future.release()

    def _one_by_one(batch: list[Item]) -> list[tuple[Any, str | None]]:
        futures = [submit([item]) for item in batch]
        out = []
        for item, f in zip(batch, futures):
            try:
                out.extend(f.result())
            except Exception as exc:  # noqa: BLE001 - this article alone fails: an error entry
                if not session.alive():
                    raise EngineError(f"lost the connection to {session.where}: "
                                      f"{_one_line(exc)}") from None
                out.append((InputError(item[1], internal_error(exc)), None))
            finally:
                f.release()
        return out

    pending: deque[tuple[list[Item], Any]] = deque()
    try:
        for start in range(0, len(files), size):
            batch = items(files[start:start + size])
            pending.append((batch, submit(batch)))
            if len(pending) >= window:
                yield from collect(*pending.popleft())
        while pending:
            yield from collect(*pending.popleft())
    finally:
        for _, f in pending:
            f.cancel()
        payload.release()


class DaskRunner:
    """`batch._Runner`'s interface on a Dask cluster (used by `batch.audit_to_files`)."""

    def __init__(self, reference: ReferenceSet, settings: Settings, cache: ArticleCache | None,
                 jobs: int, scheduler: object) -> None:
        self.reference = reference
        self.settings = settings
        self.cache = cache
        self.jobs = jobs
        self.scheduler = scheduler
        self.session: DaskSession | None = None
        self.workers = 0
        self._auditor: Auditor | None = None
        self._gen: Iterator[ArticleOutput | InputError] | None = None

    def start(self, misses: list[tuple[str, str]]) -> Iterator[ArticleOutput | InputError]:
        """Return the results for `misses`, in order; the cluster is only contacted if any."""
        if not misses:
            return iter(())
        self.session = DaskSession(self.scheduler, self.jobs)
        self.workers = self.session.workers
        self._gen = self._results(misses)
        return self._gen

    def _results(self, misses: list[tuple[str, str]]) -> Iterator[ArticleOutput | InputError]:
        assert self.session is not None
        with closing(run_ordered(self.session, self.reference, self.settings, misses,
                                 "render")) as results:
            for (output, sha), (_, shown) in zip(results, misses):
                if self.cache is not None and sha is not None:
                    self.cache.put(shown, sha, output)
                yield output

    def audit_here(self, path: str, shown: str) -> ArticleOutput | InputError:
        """Audit one article in this process (a cache entry found damaged)."""
        if self._auditor is None:
            self._auditor = Auditor(self.reference, self.settings)
        return _audit_render(self._auditor, self.cache, path, shown)

    def close(self) -> None:
        if self._gen is not None:  # finish it here (cancel what is left, release the payload)
            self._gen.close()
            self._gen = None
        if self.session is not None:
            self.session.close()
            self.session = None

    terminate = close


def audit_reports(files: Sequence[tuple[str | Path, str]], reference: ReferenceSet,
                  settings: Settings, scheduler: object = None,
                  jobs: int | None = None) -> list[ArticleReport | InputError]:
    """Audit files on a cluster for `pipeline.audit`: their reports (or errors), in order."""
    if not files:
        return []
    session = DaskSession(scheduler, jobs)
    try:
        with closing(run_ordered(session, reference, settings, files, "report")) as results:
            return [r for r, _ in results]
    finally:
        session.close()


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split())[:200]
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__
