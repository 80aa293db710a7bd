"""Scoring a report against gold units, on a hand-made article whose figures are known."""

from __future__ import annotations

from pathlib import Path

from claimaudit.evaluate import evaluate, format_scores, locate

SOURCE = "Title line\n\nA is B.  C causes D. E cures F.\nG helps H.\n"


def claim(text: str, verdict: str) -> dict:
    start = SOURCE.index(text)
    return {"text": text, "start": start, "end": start + len(text), "verdict": verdict}


def test_locate_ignores_whitespace_and_keeps_order() -> None:
    assert locate("a  b\nc a b", ["a b", "c", "a b"]) == [(0, 4), (5, 6), (7, 10)]
    assert locate("abc", ["zzz"]) == [None]


def test_figures(tmp_path: Path) -> None:
    art = tmp_path / "art.txt"
    art.write_text(SOURCE)
    report = {"articles": [{"path": str(art), "claims": [
        claim("A is B.", "supported"),          # gold supported -> correct
        claim("C causes D.", "supported"),      # gold overstated -> missed problem
        claim("E cures F.", "contradicted"),    # gold overstated/contradicted -> caught
        claim("G helps H.", "overstated"),      # gold supported -> false alarm
    ]}]}
    gold = [
        {"article": "art.txt", "text": "Title line", "labels": ["none"]},
        {"article": "art.txt", "text": "A is  B.", "labels": ["supported"]},
        {"article": "art.txt", "text": "C causes D.", "labels": ["overstated"]},
        {"article": "art.txt", "text": "E cures F.", "labels": ["overstated", "contradicted"]},
        {"article": "art.txt", "text": "G helps H.", "labels": ["supported", "none"]},
    ]
    sc = evaluate(gold, report)
    assert sc.as_dict() == {
        "units": 5, "verdict_agreement": 0.5, "claim_recall": 1.0, "non_claim_rejection": 1.0,
        "unit_accuracy": 0.6, "problems_caught": 0.5, "false_alarms": 0.5,
    }
    assert sc.confusion[("overstated", "supported")] == 1
    text = format_scores(sc)
    assert "verdict agreement     0.500  (2/4)" in text
    assert "false alarms          0.500  (1/2)" in text
