"""The arithmetic of benchmarks/throughput.py --pairs: each pair's ratio and the median (no timing here)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

_PATH = Path(__file__).resolve().parent.parent / "benchmarks" / "throughput.py"
_spec = importlib.util.spec_from_file_location("throughput", _PATH)
throughput = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(throughput)


@pytest.mark.parametrize(("floors", "audits", "ratios", "median"), [
    ([10.0], [20.0], [2.0], 2.0),
    ([10.0, 8.0, 5.0], [19.0, 16.0, 12.0], [1.9, 2.0, 2.4], 2.0),  # odd: the middle pair
    ([10.0, 10.0, 10.0, 10.0], [25.0, 15.0, 18.0, 21.0], [2.5, 1.5, 1.8, 2.1], 1.95),  # even: the middle two
])
def test_each_pair_is_its_own_ratio_and_the_median_is_the_middle(floors, audits, ratios, median) -> None:
    got, mid = throughput.pair_ratios(floors, audits)
    assert got == pytest.approx(ratios)
    assert mid == pytest.approx(median)


def test_a_pair_is_not_the_fastest_of_each_series() -> None:
    # The fastest floor (5.0) and the fastest audit (12.0) come from different pairs: their ratio (2.4)
    # is not the pairs' median (ratios 1.2, 2.8, 2.0).
    _, mid = throughput.pair_ratios([10.0, 5.0, 9.0], [12.0, 14.0, 18.0])
    assert mid == pytest.approx(2.0)
    assert 12.0 / 5.0 != pytest.approx(mid)
