"""The team's own gold files under benchmarks/gold/ are well formed, and their units still point at the
text they were labelled on (when the third-party texts are on this machine)."""

from __future__ import annotations

import csv
import hashlib
import json
import re
import unicodedata
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
GOLD = ROOT / "benchmarks" / "gold"
LABELS = {"supported", "overstated", "contradicted", "unverified", "none"}
FLAGS = {"supported", "overstated", "contradicted"}
SOURCES = {
    "vitamin-d-dev.jsonl": ROOT.parent / "shared" / "benchmarks" / "corpora" / "fakehealth",
    "pages-extra.jsonl": ROOT / ".pages-extra",
}


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", text)).strip()


def _lines(name: str) -> list[dict]:
    return [json.loads(line) for line in (GOLD / name).read_text(encoding="utf-8").splitlines() if line.strip()]


@pytest.mark.parametrize("name", sorted(SOURCES))
def test_gold_lines_are_well_formed(name: str) -> None:
    ends: dict[str, int] = {}
    for n, g in enumerate(_lines(name), 1):
        where = f"{name} line {n}"
        assert {"article", "start", "end", "sha1", "labels"} <= g.keys(), where
        assert re.fullmatch(r"[0-9a-f]{12}", g["sha1"]), where
        assert g["labels"] and set(g["labels"]) <= LABELS and len(set(g["labels"])) == len(g["labels"]), where
        assert 0 <= g["start"] < g["end"], where
        assert g["start"] >= ends.get(g["article"], 0), f"{where}: units overlap or go backwards"
        ends[g["article"]] = g["end"]


def test_pages_extra_flags_carry_a_brief_id_and_every_page_is_listed() -> None:
    lines = _lines("pages-extra.jsonl")
    for n, g in enumerate(lines, 1):
        if g["labels"][0] in FLAGS:
            assert re.fullmatch(r"MG-\d{3}", g["ref"] or ""), f"pages-extra.jsonl line {n}: {g['ref']!r}"
    with (GOLD / "pages-extra.tsv").open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t"))
    assert {r["name"] for r in rows} == {g["article"] for g in lines}
    assert all(r["url"].startswith("https://") and r["query"] for r in rows)
    # none of them is a page of the official dev set
    dev = ROOT.parent / "shared" / "gold" / "pages-dev.tsv"
    if dev.is_file():
        with dev.open(encoding="utf-8", newline="") as fh:
            dev_urls = {r["url"] for r in csv.DictReader(fh, delimiter="\t")}
        assert not dev_urls & {r["url"] for r in rows}


@pytest.mark.parametrize("name", sorted(SOURCES))
def test_gold_units_match_their_texts(name: str) -> None:
    folder = SOURCES[name]
    if not folder.is_dir():
        pytest.skip(f"{folder} is not on this machine (third-party texts; see benchmarks/gold/README.md)")
    texts: dict[str, str] = {}
    for n, g in enumerate(_lines(name), 1):
        if g["article"] not in texts:
            texts[g["article"]] = (folder / g["article"]).read_text(encoding="utf-8")
        unit = texts[g["article"]][g["start"]:g["end"]]
        assert hashlib.sha1(_norm(unit).encode()).hexdigest()[:12] == g["sha1"], f"{name} line {n}"
