"""The clauses a sentence is matched in (`match.clauses`): a reference claim is often made in one clause
of a longer sentence, and the clause it matched is the one whose wording the verdict reads."""

from __future__ import annotations

from pathlib import Path

import pytest

from claimaudit.ingest import article_from_text
from claimaudit.match import clauses
from claimaudit.pipeline import Auditor
from claimaudit.reference import load_reference

# fmt: off
CASES = [
    # an opening subordinate clause ends at its first comma, where the main clause starts
    ("Since the body cannot make magnesium, a varied diet rich in magnesium is important.",
     ["Since the body cannot make magnesium", "a varied diet rich in magnesium is important."]),
    ("Although magnesium is not a cure, it can ease muscle cramps.",
     ["Although magnesium is not a cure", "it can ease muscle cramps."]),
    ("If you are low in magnesium, supplements may ease your cramps.",
     ["If you are low in magnesium", "supplements may ease your cramps."]),
    # the breaks inside a sentence still apply, after the opening clause too
    ("Because cramps are common, many people take magnesium; the trials found no benefit.",
     ["Because cramps are common", "many people take magnesium", "the trials found no benefit."]),
    # a short piece is not a clause of its own
    ("As expected, magnesium relieved no cramps in the trial.", []),
    ("Magnesium relieves cramps in some people.", []),
    ("Magnesium eases cramps, while calcium does not help.", []),
]
# fmt: on


@pytest.mark.parametrize(("text", "parts"), CASES, ids=[c[0][:40] for c in CASES])
def test_clauses(text: str, parts: list[str]) -> None:
    assert clauses(text) == [text, *parts]


@pytest.fixture(scope="module")
def auditor(root: Path) -> Auditor:
    return Auditor(load_reference([root / "reference"]))


def test_a_negation_in_an_opening_clause_does_not_deny_the_main_clause(auditor: Auditor) -> None:
    """'Since the body cannot produce its own magnesium, ...': the main clause states what the
    reference claim on magnesium-rich foods says; the opening clause's 'cannot' denies nothing of it."""
    sentence = ("Since the body cannot produce its own magnesium, a varied, healthy diet with foods that are "
                "rich in magnesium, such as nuts, seeds and leafy greens, is important.")
    text = f"Magnesium and your diet\n\nMagnesium is a mineral. Many adults take magnesium.\n\n{sentence}\n"
    report = auditor.audit_article(article_from_text(text, path="a.txt"))
    (finding,) = [f for f in report.findings if f.claim.sentence.text == sentence]
    assert finding.reference_id == "MG-026"
    assert finding.verdict == "supported" and not finding.claim.negated
