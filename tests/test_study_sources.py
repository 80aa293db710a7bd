"""Study records say only what their sources say (reference/*/studies.yaml)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml


def _studies(root: Path) -> dict[str, dict]:
    out: dict[str, dict] = {}
    for f in sorted((root / "reference").glob("*/studies.yaml")):
        out.update(yaml.safe_load(f.read_text(encoding="utf-8"))["studies"])
    return out


def test_walker_2000_gives_only_the_figures_of_the_evidence_brief(root: Path, shared: Path) -> None:
    brief = shared / "evidence" / "brief.md"
    if not brief.is_file():
        pytest.skip("the evidence brief is not beside this checkout")
    line = next(ln for ln in brief.read_text(encoding="utf-8").splitlines() if "Walker BF" in ln)
    study = _studies(root)["walker-2000-lbp-prevalence"]
    shown = f"{study['design']} {study['finding']}"
    numbers = set(re.findall(r"\d+", line))
    assert {"30", "11", "84"} <= set(re.findall(r"\d+", shown))
    assert set(re.findall(r"\d+", shown)) <= numbers, (shown, line)


def test_a_journal_published_official_study_without_identifiers_says_why(root: Path) -> None:
    """`official` keeps RC101 quiet; a statement published in a journal (`YYYY;VOL(`) that has neither
    PMID nor DOI must say in `verification` that they were looked for and why they are null."""
    for key, study in _studies(root).items():
        if (study.get("source_type") == "official" and re.search(r"\d{4};\s*\d+\(", study["citation"])
                and not (study.get("pmid") or study.get("doi"))):
            assert "PMID and DOI left null" in study.get("verification", ""), key
