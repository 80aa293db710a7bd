"""Regex building blocks shared by the pipeline stages."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from functools import lru_cache


def word_alternation(words: Sequence[str]) -> str:
    """Return a regex alternation matching exactly `words`, nested as a prefix tree.

    `re` tries a flat alternation's branches one by one at every position; a
    prefix tree matches the same strings (so `search` finds a match exactly when
    the flat form does) about 40x faster on long word lists.
    """
    trie: dict[str, dict] = {}
    for w in words:
        node = trie
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = {}

    def build(node: dict[str, dict]) -> str:
        branches = [re.escape(ch) + build(sub) for ch, sub in sorted(node.items()) if ch]
        if not branches:
            return ""
        if len(branches) == 1 and "" not in node:
            return branches[0]
        return "(?:" + "|".join(branches) + ")" + ("?" if "" in node else "")

    return build(trie)


_NON_ASCII = re.compile(r"[^\x00-\x7f]")


@lru_cache(maxsize=256)  # a claim is folded by several stages in turn
def fold(text: str) -> str | None:
    """Return `text` lower-cased where that is safe for `Caseless` patterns, else None.

    Lower-casing keeps every offset and makes a case-sensitive search of a
    lower-case pattern find exactly what a case-insensitive search of the text
    finds, as long as the text has no non-ASCII letters (some of them fold to
    ASCII under `re.IGNORECASE`, such as the Kelvin sign, or change length).
    """
    if text.isascii() or not any(ch.isalpha() for ch in _NON_ASCII.findall(text)):
        low = text.lower()
        if len(low) == len(text):
            return low
    return None


_LETTER_RUN = re.compile(r"[a-z]+")
# Every byte but a-z to a space (`letter_runs`).
_LETTER_BYTES = bytes(c if 97 <= c <= 122 else 32 for c in range(256))
# Every word the `needs` of some `Caseless` pattern holds (each pattern adds its own as it is made).
_NEEDED: frozenset[str] = frozenset()


def _need(words: frozenset[str]) -> None:
    """Add a pattern's `needs` to `_NEEDED`; runs found before without one of them are forgotten."""
    global _NEEDED
    if not words <= _NEEDED:
        _NEEDED = _NEEDED | words
        letter_runs.cache_clear()


@lru_cache(maxsize=256)
def letter_runs(folded: str | None) -> frozenset[str] | None:
    """Return the runs of letters a-z of a folded text that a `Caseless` pattern needs (None when the
    text could not be folded).

    All that is asked of them is whether they share a word with a pattern's `needs`
    (`Caseless.search`), and the answer is the same for all the runs (`_LETTER_RUN.findall(folded)`)
    and for those of them in `_NEEDED`, which holds every pattern's needs. Keeping only those (about
    1.3 words a news sentence, of 19) makes the set about 2x faster to build, and each pattern's
    `needs.isdisjoint(runs)` about 2x faster. The runs are found without the regex: each character
    becomes one byte (a non-ASCII one "?"), every byte but a-z a space, and splitting at the spaces
    leaves the runs of a-z.
    """
    if folded is None:
        return None
    return _NEEDED.intersection(folded.encode("ascii", "replace").translate(_LETTER_BYTES).decode("ascii").split())


class Caseless:
    """A case-insensitive pattern that searches lower-cased text when it can (about 2x faster).

    `search(text, folded)` takes the text and `fold(text)`; it returns the same
    match span as `pattern.search(text)`. Read matched words from the original
    text by span: `m.group()` of a folded search is lower case.

    `needs`, when given, lists words one of which every match contains as a whole
    run of letters; `search(text, folded, runs)` with `runs = letter_runs(folded)`
    then skips texts that have none of them (same result, no search). Do not
    change `needs` after the pattern is made: `letter_runs` keeps only the words
    some pattern needed when it ran.
    """

    __slots__ = ("pattern", "lower", "needs")

    def __init__(self, pattern: re.Pattern[str], needs: Iterable[str] | None = None) -> None:
        if re.search(r"(?<!\\)[A-Z]", pattern.pattern.replace("\\\\", "")):
            raise ValueError(f"pattern has upper-case letters: {pattern.pattern[:60]!r}")
        self.pattern = pattern
        self.lower = re.compile(pattern.pattern, pattern.flags & ~re.IGNORECASE)
        self.needs = frozenset(needs) if needs is not None else None
        if self.needs is not None:
            _need(self.needs)

    def search(self, text: str, folded: str | None,
               runs: frozenset[str] | None = None) -> re.Match[str] | None:
        if folded is None:
            return self.pattern.search(text)
        if runs is not None and self.needs is not None and self.needs.isdisjoint(runs):
            return None
        return self._search_folded(folded)

    def _search_folded(self, folded: str) -> re.Match[str] | None:
        """The search of lower-cased text (a subclass may search it a faster way, same result)."""
        return self.lower.search(folded)

    def finditer(self, text: str, folded: str | None):
        return self.pattern.finditer(text) if folded is None else self.lower.finditer(folded)
