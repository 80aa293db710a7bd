"""tests/scores.py: golden comparisons forgive score noise and nothing else."""

from __future__ import annotations

import pytest

from scores import same_up_to_scores, split_scores

GOLD = '"verdict": "supported", "score": 98.7, "reason": "Matches VC-002 (score 99); closest: VC-001 (84)"'


@pytest.mark.parametrize(("got", "same"), [
    (GOLD, True),
    (GOLD.replace("98.7", "98.6").replace("(84)", "(85)"), True),  # float noise from another CPU type
    (GOLD.replace("98.7", "96.9"), False),                         # a real change of the match
    (GOLD.replace('"supported"', '"overstated"'), False),          # a verdict
    (GOLD.replace("VC-002", "VC-003"), False),                     # a reference id
    (GOLD.replace("; closest: VC-001 (84)", ""), False),           # a candidate lost
], ids=["identical", "noise", "score moved", "verdict", "reference", "candidate"])
def test_only_score_noise_is_forgiven(got: str, same: bool) -> None:
    assert same_up_to_scores(got, GOLD) is same


def test_terminal_match_scores_are_recognized() -> None:
    text, scores = split_scores('reference MG-038 "Magnesium ..." (match 96/100)')
    assert scores == [96.0] and "(match #/100)" in text
