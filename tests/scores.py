"""Compare reports up to the last digits of match scores.

The sentence encoder runs ONNX Runtime's 8-bit kernels, whose integer products are exact on every x86
CPU, but the float32 operations around them (layer norms, the float32 projections, dequantization) may
be vectorized differently on another CPU type and move a cosine by about 1e-4. A golden report or a
documented terminal output must not fail for that; it must fail for any other difference, including a
verdict, a reference id or a score that moved by more than `TOLERANCE` points.
"""

from __future__ import annotations

import re

TOLERANCE = 1.0
_SCORE = re.compile(r"""("score": |\(score |match |\b[A-Z]{2,4}-\d{3}[a-z]? \()(\d+(?:\.\d+)?)""")


def split_scores(text: str) -> tuple[str, list[float]]:
    """Return `text` with every match score replaced by "#", and the scores in order."""
    scores: list[float] = []

    def keep(m: re.Match) -> str:
        scores.append(float(m.group(2)))
        return m.group(1) + "#"

    return _SCORE.sub(keep, text), scores


def same_up_to_scores(got: str, want: str, tolerance: float = TOLERANCE) -> bool:
    """Whether two texts are the same except for match scores that differ by at most `tolerance`."""
    g_text, g_scores = split_scores(got)
    w_text, w_scores = split_scores(want)
    return g_text == w_text and len(g_scores) == len(w_scores) and all(
        abs(a - b) <= tolerance for a, b in zip(g_scores, w_scores))
