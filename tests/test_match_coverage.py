"""The match model's `coverage` feature: how much of what a sentence says the claim's texts say.

A sentence that shares a claim's topic words but says other things ("Avocados fight
inflammation, improve cholesterol levels ...") must score lower coverage against a
food-sources claim than a sentence that paraphrases it; the subject's own name is no
evidence either way.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from claimaudit.match import FEATURES, Matcher, _coverage, normalize
from claimaudit.reference import load_reference

ROOT = Path(__file__).resolve().parent.parent
COVERAGE = FEATURES.index("coverage")


@pytest.mark.parametrize(("norm", "vocab", "ignore", "want"), [
    ("nut seed spinach", {"nut", "seed", "spinach"}, set(), 1.0),
    ("nut seed avocado cholesterol", {"nut", "seed"}, set(), 0.5),
    ("magnesium nut avocado", {"nut"}, {"magnesium"}, 0.5),  # the subject's name is not counted
    ("magnesium", {"magnesium"}, {"magnesium"}, 0.0),       # nothing but the name: nothing covered
    ("", {"nut"}, set(), 0.0),
])
def test_coverage_counts_the_sentence_words_the_claim_uses(norm: str, vocab: set[str], ignore: set[str],
                                                           want: float) -> None:
    assert _coverage(norm, frozenset(vocab), frozenset(ignore)) == pytest.approx(want)


@pytest.fixture(scope="module")
def matcher() -> Matcher:
    return Matcher(load_reference([ROOT / "reference" / "magnesium"]))


def _coverage_of(matcher: Matcher, text: str, claim_id: str) -> float:
    top, X, _, _ = matcher.candidate_features([text], frozenset({"magnesium"}))[0]
    ids = [matcher.reference.claims[int(ci)].id for ci in top]
    assert claim_id in ids, (text, ids)
    return float(X[ids.index(claim_id), COVERAGE])


def test_a_paraphrase_covers_more_than_a_sentence_on_the_same_topic(matcher: Matcher) -> None:
    paraphrase = _coverage_of(matcher, "Good sources of magnesium include spinach, almonds, beans and whole "
                                       "grains.", "MG-026")
    other = _coverage_of(matcher, "Avocados fight inflammation, improve cholesterol levels, increase "
                                  "fullness and are a source of magnesium.", "MG-026")
    assert paraphrase >= 0.8
    assert other < 0.5 < paraphrase


def test_subject_names_come_from_the_reference_set(matcher: Matcher) -> None:
    # the pack's subject and its terms ("Epsom"), stemmed as the sentences are; no fixed list
    assert {"magnesium", "epsom"} <= matcher._subject_stems
    assert normalize("Mg").split()[0] in matcher._subject_stems
