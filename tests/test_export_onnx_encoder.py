"""tools/export_onnx_encoder.py on a tiny random BERT: the graph computes the numpy forward pass, the int8 build
stays close to it, the safetensors reader reads what was written, and a changed source file is refused."""

from __future__ import annotations

import json
import struct
import sys
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("onnx", reason="the [build-onnx] extra (also in dev) builds the graph")
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tools"))

import export_onnx_encoder as tool  # noqa: E402

from claimaudit.encoder import OnnxSentenceEncoder, WordPiece  # noqa: E402

VOCAB = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "magnesium", "may", "reduce", "pain", "##s", ".", "not", "vitamin", "d"]
CFG = {"hidden_size": 32, "num_attention_heads": 4, "num_hidden_layers": 2, "intermediate_size": 64}
TEXTS = ["Magnesium may reduce pains.", "Pain.", "Vitamin D may not reduce pain, magnesium may reduce pain.",
         "Magnesium magnesium magnesium vitamin d vitamin d pain pain pain not not not."]


def _tiny_state_dict(seed: int) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    h, inner = CFG["hidden_size"], CFG["intermediate_size"]

    def w(*shape, scale=None):
        return (rng.normal(size=shape) * (scale if scale is not None else 1 / np.sqrt(shape[-1]))).astype(np.float32)

    sd = {
        "embeddings.word_embeddings.weight": w(len(VOCAB), h, scale=1.0),
        "embeddings.position_embeddings.weight": w(20, h, scale=0.5),
        "embeddings.token_type_embeddings.weight": w(2, h, scale=0.5),
        "embeddings.LayerNorm.weight": 1 + w(h, scale=0.1), "embeddings.LayerNorm.bias": w(h, scale=0.1),
    }
    for i in range(CFG["num_hidden_layers"]):
        p = f"encoder.layer.{i}."
        for m in ("query", "key", "value"):
            sd[p + f"attention.self.{m}.weight"], sd[p + f"attention.self.{m}.bias"] = w(h, h), w(h, scale=0.1)
        sd[p + "attention.output.dense.weight"], sd[p + "attention.output.dense.bias"] = w(h, h), w(h, scale=0.1)
        sd[p + "intermediate.dense.weight"], sd[p + "intermediate.dense.bias"] = w(inner, h), w(inner, scale=0.1)
        sd[p + "output.dense.weight"], sd[p + "output.dense.bias"] = w(h, inner), w(h, scale=0.1)
        for ln in ("attention.output.LayerNorm", "output.LayerNorm"):
            sd[p + ln + ".weight"], sd[p + ln + ".bias"] = 1 + w(h, scale=0.1), w(h, scale=0.1)
    return sd


def _tok() -> WordPiece:
    return WordPiece({t: i for i, t in enumerate(VOCAB)}, 16)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_the_float32_graph_computes_the_numpy_forward_pass(tmp_path: Path, seed: int) -> None:
    import onnx

    sd = _tiny_state_dict(seed)
    path = tmp_path / "tiny.onnx"
    onnx.save(tool.build_graph(sd, CFG, VOCAB, max_len=16), path)
    enc = OnnxSentenceEncoder(path)
    assert enc.max_len == 16 and enc.tokenizer.vocab == _tok().vocab
    ref = tool.reference_embed(tool.stored_rounding(sd, CFG), CFG, _tok(), TEXTS)
    for batch in (1, 3):  # padding inside a batch is masked out of attention and of the mean
        got = enc.embed(TEXTS, batch_size=batch)
        np.testing.assert_allclose(got, ref, atol=2e-5)


@pytest.mark.parametrize("seed", [0, 1])
def test_the_int8_build_stays_close_to_the_float32_model(tmp_path: Path, seed: int) -> None:
    sd = _tiny_state_dict(seed)
    path = tmp_path / "tiny-int8.onnx"
    tool.quantize(tool.build_graph(sd, CFG, VOCAB, max_len=16), path)
    got = OnnxSentenceEncoder(path).embed(TEXTS)
    ref = tool.reference_embed(sd, CFG, _tok(), TEXTS)
    cos = (got * ref).sum(1)
    assert cos.min() >= 0.98, cos
    assert not np.allclose(got, ref, atol=1e-6)  # it is quantized: not the float32 numbers


def test_the_safetensors_reader_reads_what_was_written(tmp_path: Path) -> None:
    arrays = {"a.weight": np.arange(12, dtype=np.float32).reshape(3, 4), "ids": np.array([[0, 5, 7]], np.int64)}
    header, blobs, offset = {"__metadata__": {"format": "pt"}}, [], 0
    for name, a in arrays.items():
        blob = a.tobytes()
        header[name] = {"dtype": {"float32": "F32", "int64": "I64"}[a.dtype.name], "shape": list(a.shape),
                        "data_offsets": [offset, offset + len(blob)]}
        blobs.append(blob)
        offset += len(blob)
    head = json.dumps(header).encode()
    path = tmp_path / "model.safetensors"
    path.write_bytes(struct.pack("<Q", len(head)) + head + b"".join(blobs))
    got = tool.read_safetensors(path)
    assert set(got) == set(arrays)
    for name, a in arrays.items():
        np.testing.assert_array_equal(got[name], a)
        assert got[name].dtype == a.dtype


def test_a_source_that_is_not_the_official_file_is_refused(tmp_path: Path) -> None:
    (tmp_path / "model.safetensors").write_bytes(b"not the official weights")
    (tmp_path / "config.json").write_text("{}", encoding="utf-8")
    (tmp_path / "vocab.txt").write_text("[PAD]\n", encoding="utf-8")
    with pytest.raises(SystemExit, match="is not the official file's"):
        tool.load_source(tmp_path)
