"""Shared fixtures: paths to the repository's corpus, reference set and test fixtures."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture(scope="session")
def root() -> Path:
    """The repository root."""
    return ROOT


@pytest.fixture(scope="session")
def mini() -> Path:
    """A tiny corpus and reference set (vitamin C and colds)."""
    return FIXTURES / "mini"


@pytest.fixture(scope="session")
def shared() -> Path:
    """The team's shared folder (gold labels, benchmarks); skip when absent."""
    if not (SHARED / "gold").is_dir():
        pytest.skip("../shared is not beside this checkout")
    return SHARED
