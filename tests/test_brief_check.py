"""The parser of benchmarks/brief_check.py: which verdict the brief gives each quoted sentence."""

from __future__ import annotations

import importlib.util
from pathlib import Path

_PATH = Path(__file__).resolve().parent.parent / "benchmarks" / "brief_check.py"
_spec = importlib.util.spec_from_file_location("brief_check", _PATH)
brief_check = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(brief_check)

BRIEF = '''# Evidence brief

### ZN-001: Zinc shortens colds
- **Articles**
  - A0: "Zinc shortens colds."
  - A1: "Zinc may shorten colds a little."
  - A3: "Zinc cures colds."
- **Evidence**: a Cochrane review.
- **Verdicts**
  - A0: overstated. Stated as fact.
  - A1 (main text): supported.
  - A3: unverifiable (no trial of this form).
- **Sources**: https://example.org

### ZN-002: Zinc is found in oysters
- **Articles**: A0 and A2 (same sentence as ZN-001).
- **Verdicts**: A0 supported; A2 supported.

### ZN-003: Zinc is a trace mineral
- **Articles**
  - A2: "Zinc is a trace mineral."
  - A4: "Zinc is a metal."
- **Verdicts**: A2 and A4 supported.
'''


def test_brief_verdicts_reads_both_verdict_forms() -> None:
    assert brief_check.brief_verdicts(BRIEF) == [
        ("ZN-001", "A0", "Zinc shortens colds.", "overstated"),
        ("ZN-001", "A1", "Zinc may shorten colds a little.", "supported"),
        ("ZN-001", "A3", "Zinc cures colds.", "unverified"),
        ("ZN-003", "A2", "Zinc is a trace mineral.", "supported"),
        ("ZN-003", "A4", "Zinc is a metal.", "supported"),
    ]
