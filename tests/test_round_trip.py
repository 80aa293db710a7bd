"""The tool agrees with itself: every rewording it suggests, checked on its own, is supported.

For every entry of every bundled pack, its `supported_wording` (what `check` suggests for an
overstated or contradicted sentence) is audited as a one-sentence draft against all bundled
packs, as `claimaudit check draft.md` in an empty folder does, and must come back `supported`. A suggestion that failed its own check would send an editor
round in circles.
"""

from __future__ import annotations

from functools import lru_cache

import pytest

from claimaudit.ingest import article_from_text
from claimaudit.packs import bundled_packs
from claimaudit.pipeline import Auditor
from claimaudit.reference import load_reference
from claimaudit.verdict import suggest


@lru_cache(maxsize=1)
def _auditor() -> Auditor:
    return Auditor(load_reference(list(bundled_packs().values())))


def _entries() -> list[tuple[str, str]]:
    return [(c.pack, c.id) for c in load_reference(list(bundled_packs().values())).claims]


@pytest.mark.parametrize(("pack", "entry"), _entries())
def test_supported_wording_is_supported_on_its_own(pack: str, entry: str) -> None:
    auditor = _auditor()
    ref = auditor.refs[entry]
    if not ref.studies:
        pytest.skip("no study either way: its wording is reported unverified (CA402) by design")
    wording = suggest(ref)
    report = auditor.audit_article(article_from_text(wording, path="draft.md"))
    verdicts = [(f.verdict, f.reference_id, f.rule) for f in report.findings]
    assert verdicts and all(v == "supported" for v, _, _ in verdicts), (
        f"{entry}'s suggested wording {wording!r} is judged {verdicts}")
