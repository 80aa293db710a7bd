"""Store the embeddings of the bundled packs' reference texts (src/claimaudit/data/reference_embeddings.npz).

    python tools/embed_reference.py

The matcher embeds every reference text (canonical text, variants, supported wording) before it can
match a sentence; for the bundled packs that is about a thousand texts, several seconds on two cores,
which an editor's `claimaudit check draft.md` should not pay each time. This script embeds them once
with the bundled sentence encoder (data/sentence_encoder.onnx, as the matcher does) and stores them
keyed by the SHA-1 of each text. Run it after editing a pack's texts or rebuilding the encoder:
tests/test_embeddings_store.py fails while a text is missing (the audit itself still works: a missing
text is embedded when first needed).
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from claimaudit.encoder import EncoderMissing  # noqa: E402
from claimaudit.match import STORED_EMBEDDINGS, Matcher, MatchSettings, embed, text_key  # noqa: E402
from claimaudit.reference import load_reference  # noqa: E402

OUT = ROOT / "src" / "claimaudit" / "data" / STORED_EMBEDDINGS


def reference_texts(reference_dir: Path) -> list[str]:
    """Every text the matcher embeds for the reference set under `reference_dir`."""
    matcher = Matcher(load_reference([reference_dir]), MatchSettings(embeddings=False))
    return sorted(set(matcher.doc_text))


def main() -> int:
    texts = reference_texts(ROOT / "reference")
    try:
        vectors = embed(texts, stored=False)
    except EncoderMissing as exc:
        print(exc, file=sys.stderr)
        return 2
    keys = np.array([text_key(t) for t in texts])
    tmp = OUT.with_name(OUT.stem + ".tmp.npz")
    np.savez_compressed(tmp, keys=keys, vectors=vectors.astype(np.float32))
    tmp.replace(OUT)
    print(f"wrote {OUT}: {len(texts)} texts ({OUT.stat().st_size / 1e6:.1f} MB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
