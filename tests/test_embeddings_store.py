"""The stored embeddings of the bundled packs are complete and are what the encoder computes."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from claimaudit.match import Matcher, MatchSettings, embed, stored_embeddings, text_key
from claimaudit.reference import load_reference


def _texts(root: Path) -> list[str]:
    return sorted(set(Matcher(load_reference([root / "reference"]), MatchSettings(embeddings=False)).doc_text))


def test_every_bundled_reference_text_has_a_stored_embedding(root: Path) -> None:
    table = stored_embeddings()
    missing = [t for t in _texts(root) if text_key(t) not in table]
    assert not missing, (f"{len(missing)} reference texts have no stored embedding (first: {missing[0]!r}); "
                         "run python tools/embed_reference.py")


def test_stored_embeddings_agree_with_the_encoder(root: Path) -> None:
    texts = _texts(root)[::97]
    table = stored_embeddings()
    stored = np.stack([table[text_key(t)] for t in texts])
    fresh = embed(texts, stored=False)
    assert fresh is not None
    assert float((stored * fresh).sum(1).min()) > 0.999
