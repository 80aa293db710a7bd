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


def _offset_row(text: str, labels: list[str], sha1: str | None = None) -> dict:
    from claimaudit.evaluate import unit_sha1

    start = SOURCE.index(text)
    return {"article": "art.txt", "start": start, "end": start + len(text),
            "sha1": sha1 or unit_sha1(text), "labels": labels}


def test_offset_keyed_rows_score_like_text_keyed_rows(tmp_path: Path) -> None:
    art = tmp_path / "art.txt"
    art.write_text(SOURCE)
    report = {"articles": [{"path": str(art), "claims": [
        claim("A is B.", "supported"), claim("C causes D.", "supported")]}]}
    by_text = [{"article": "art.txt", "text": "A is B.", "labels": ["supported"]},
               {"article": "art.txt", "text": "C causes D.", "labels": ["overstated"]}]
    by_offset = [_offset_row("A is B.", ["supported"]), _offset_row("C causes D.", ["overstated"])]
    assert evaluate(by_offset, report).as_dict() == evaluate(by_text, report).as_dict()


def test_offset_row_whose_checksum_differs_is_reported_not_guessed(tmp_path: Path) -> None:
    art = tmp_path / "art.txt"
    art.write_text(SOURCE)
    report = {"articles": [{"path": str(art), "claims": [claim("A is B.", "supported")]}]}
    sc = evaluate([_offset_row("A is B.", ["supported"], sha1="000000000000"),
                   _offset_row("C causes D.", ["none"], sha1="000000000000")], report)
    assert sc.unlocated == 2 and sc.unlocated_changed == 2 and sc.unlocated_missing == 0
    assert sc.units == 0 and sc.counts["non_claim_rejection"] == (0, 0)
    assert [r["ok"] for r in sc.rows] == [None, None]
    text = format_scores(sc)
    assert text.splitlines()[0] == ("units not located: 2 (articles missing from the report: 0; "
                                    "text changed: 2)")


def test_units_of_articles_missing_from_the_report_are_left_out_of_every_ratio(tmp_path: Path) -> None:
    # A unit labelled "none" whose article the report lacks used to count as a correct
    # non-claim rejection (1/1); it has no outcome, so it is in no ratio.
    art = tmp_path / "art.txt"
    art.write_text(SOURCE)
    report = {"articles": [{"path": str(art), "claims": [claim("A is B.", "supported")]}]}
    gold = [{"article": "art.txt", "text": "A is B.", "labels": ["supported"]},
            {"article": "art.txt", "text": "Z is not here.", "labels": ["none"]},
            {"article": "gone.txt", "text": "Title line", "labels": ["none"]},
            {"article": "gone.txt", "text": "G helps H.", "labels": ["supported"]}]
    sc = evaluate(gold, report)
    assert sc.as_dict() == {
        "units": 1, "verdict_agreement": 1.0, "claim_recall": 1.0, "non_claim_rejection": 0.0,
        "unit_accuracy": 1.0, "problems_caught": 0.0, "false_alarms": 0.0,
    }
    assert sc.counts["non_claim_rejection"] == (0, 0)
    assert sum(sc.confusion.values()) == 1
    assert (sc.unlocated, sc.unlocated_missing, sc.unlocated_changed) == (3, 2, 1)
    assert format_scores(sc).splitlines()[0] == (
        "units not located: 3 (articles missing from the report: 1; text changed: 1)")


def test_unit_sha1_ignores_whitespace_and_compatibility_forms() -> None:
    from claimaudit.evaluate import unit_sha1

    assert unit_sha1("Magnesium\u00a0helps  muscles.\n") == unit_sha1("Magnesium helps muscles.")
    assert unit_sha1("a") != unit_sha1("b")


def test_load_gold_names_the_line_of_a_bad_row(tmp_path: Path) -> None:
    import pytest

    from claimaudit.evaluate import load_gold

    g = tmp_path / "g.jsonl"
    g.write_text('{"article": "a.txt", "text": "x", "labels": ["supported"]}\n'
                 '{"article": "a.txt", "start": 1, "labels": ["none"]}\n')
    with pytest.raises(ValueError, match=r"g.jsonl:2: a gold row needs"):
        load_gold(g)
    g.write_text('{"article": "a.txt", "text": "x", "labels": ["maybe"]}\n')
    with pytest.raises(ValueError, match=r"g.jsonl:1: labels must be"):
        load_gold(g)


def test_eval_cli_gives_figures_per_gold_file_and_overall(tmp_path: Path) -> None:
    import json

    from click.testing import CliRunner

    from claimaudit.cli import main

    art = tmp_path / "art.txt"
    art.write_text(SOURCE)
    report = tmp_path / "audit.json"
    report.write_text(json.dumps({"articles": [{"path": str(art), "claims": [
        claim("A is B.", "supported"), claim("C causes D.", "supported")]}]}))
    g1 = tmp_path / "one.jsonl"
    g1.write_text(json.dumps({"article": "art.txt", "text": "A is B.", "labels": ["supported"]}) + "\n")
    g2 = tmp_path / "two.jsonl"
    g2.write_text(json.dumps(_offset_row("C causes D.", ["overstated"])) + "\n")
    out = CliRunner().invoke(main, ["eval", str(g1), str(g2), "--report", str(report)])
    assert out.exit_code == 0, out.output
    lines = out.output.splitlines()
    assert lines[2].startswith("one.jsonl") and "1.000 (1/1)" in lines[2]
    assert lines[3].startswith("two.jsonl") and "0.000 (0/1)" in lines[3]
    assert lines[4].startswith("overall") and "0.500 (1/2)" in lines[4]


def test_eval_cli_exits_2_when_units_are_not_located_unless_allowed(tmp_path: Path) -> None:
    import json

    from click.testing import CliRunner

    from claimaudit.cli import main

    art = tmp_path / "art.txt"
    art.write_text(SOURCE)
    report = tmp_path / "audit.json"
    report.write_text(json.dumps({"articles": [{"path": str(art), "claims": [
        claim("A is B.", "supported")]}]}))
    g1 = tmp_path / "one.jsonl"
    g1.write_text(json.dumps({"article": "art.txt", "text": "A is B.", "labels": ["supported"]}) + "\n")
    g2 = tmp_path / "two.jsonl"
    g2.write_text("".join(json.dumps({"article": "gone.txt", "text": t, "labels": ["none"]}) + "\n"
                          for t in ("Title line", "G helps H.")))
    out = CliRunner().invoke(main, ["eval", str(g2), "--report", str(report)])
    assert out.exit_code == 2, out.output
    lines = out.stdout.splitlines()
    assert lines[0] == "units not located: 2 (articles missing from the report: 1; text changed: 0)"
    assert "non claim rejection   0.000  (0/0)" in out.stdout
    assert len(out.stderr.splitlines()) == 1 and str(g2) in out.stderr

    out = CliRunner().invoke(main, ["eval", str(g1), str(g2), "--report", str(report)])
    assert out.exit_code == 2, out.output
    lines = out.stdout.splitlines()
    assert lines[0] == "two.jsonl: units not located: 2 (articles missing from the report: 1; text changed: 0)"
    assert lines[4].startswith("two.jsonl") and "0.000 (1/1)" not in lines[4]
    assert str(g2) in out.stderr and str(g1) not in out.stderr

    out = CliRunner().invoke(main, ["eval", str(g1), str(g2), "--report", str(report), "--allow-missing"])
    assert out.exit_code == 0, out.output
    assert out.stderr == ""
    out = CliRunner().invoke(main, ["eval", str(g1), "--report", str(report)])
    assert out.exit_code == 0, out.output
    assert not out.stdout.startswith("units not located")
