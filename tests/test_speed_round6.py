"""The sixth speed round (issue 14): the worker pool's scheduling, against what it replaces.

Every report must stay byte-identical. `batch._Runner.start` now sends the last files one at a time
(`_tail_start`) after the bulk in chunks: every file must still go out exactly once and the results
come back in path order, as the single `imap` over all of them gave; and it forks the workers with
the heap frozen (`_frozen_heap`), which must leave this process's collector as it found it.
"""

from __future__ import annotations

import gc
from pathlib import Path

import pytest

from claimaudit import batch
from claimaudit.pipeline import Settings
from claimaudit.reference import load_reference

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("n", [4, 5, 31, 32, 33, 63, 64, 65, 200, 400, 2164, 5000])
@pytest.mark.parametrize("workers", [2, 3, 4])
def test_the_tail_is_within_the_files(n: int, workers: int) -> None:
    chunk = max(1, min(16, n // (workers * 8)))
    bulk = batch._tail_start(n, workers, chunk)
    assert 0 <= bulk <= n
    assert bulk == 0 or n - bulk == 2 * workers * chunk
    if chunk == 1:
        assert bulk == 0


class _Pool:
    """Runs `imap` in this process, recording the chunk sizes it is asked for."""

    calls: list[tuple[int, int]] = []
    frozen_at_fork: list[int] = []

    def __init__(self, workers, initializer=None, initargs=()) -> None:  # noqa: ANN001
        _Pool.frozen_at_fork.append(gc.get_freeze_count())
        initializer(*initargs)

    def imap(self, fn, items, chunksize=1):  # noqa: ANN001, ANN201
        items = list(items)
        _Pool.calls.append((len(items), chunksize))
        return map(fn, items)

    def close(self) -> None:
        pass

    def join(self) -> None:
        pass


class _Context:
    Pool = _Pool


@pytest.mark.parametrize("n", [4, 40, 70])
def test_every_file_goes_once_and_comes_back_in_order(monkeypatch: pytest.MonkeyPatch, n: int) -> None:
    monkeypatch.setattr(batch, "_mp_context", lambda: _Context())
    monkeypatch.setattr(batch, "_audit_render", lambda auditor, cache, path, shown: (path, shown))
    _Pool.calls, _Pool.frozen_at_fork = [], []
    runner = batch._Runner(load_reference([ROOT / "reference"]), Settings(), None, jobs=2)
    misses = [(f"p{i:03d}.md", f"a{i:03d}.md") for i in range(n)]
    before = gc.get_freeze_count()
    assert list(runner.start(misses)) == misses  # what one `imap` over all of them returned
    runner.close()
    assert sum(k for k, _ in _Pool.calls) == n
    chunk = max(1, min(16, n // 16))
    bulk = batch._tail_start(n, 2, chunk)
    assert _Pool.calls == [(bulk, chunk), (n - bulk, 1)]
    # frozen while the workers forked (when nothing was frozen before), as before afterwards
    assert _Pool.frozen_at_fork[0] > 0 or before
    assert gc.get_freeze_count() == before


def test_the_heap_is_left_as_it_was_when_forking_fails() -> None:
    before = gc.get_freeze_count()
    with pytest.raises(RuntimeError), batch._frozen_heap():
        assert gc.get_freeze_count() > 0
        raise RuntimeError("no fork")
    assert gc.get_freeze_count() == before


def test_nothing_is_frozen_with_the_collector_off() -> None:
    was = gc.isenabled()
    gc.disable()
    try:
        before = gc.get_freeze_count()
        with batch._frozen_heap():
            assert gc.get_freeze_count() == before
    finally:
        if was:
            gc.enable()
