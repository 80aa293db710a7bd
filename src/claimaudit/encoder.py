"""A small fine-tuned sentence encoder that reads claim strength, run with numpy alone.

The model is all-MiniLM-L6-v2 (a 6-layer, 384-wide BERT; Apache-2.0) fine-tuned to the four Yu et al. (2019)
classes (0 none, 1 associative, 2 conditional causal, 3 direct causal) by ``tools/train_strength_encoder.py``.
That script exports the weights to ``data/strength_encoder.npz`` (about 16 MB): every linear layer as int8
with one scale per output row, the word-piece embeddings as 4-bit integers with one scale per 32 values,
the rest (biases, layer norms, the first ``max_len`` position embeddings) as float32. Nothing here needs
torch or a model hub: the forward pass is the standard BERT encoder (embeddings -> layer norm -> 6 x
[self-attention, feed-forward with erf-GELU, residual + layer norm]) followed by a mean over the tokens and
one linear layer.

The matcher's sentence embeddings come from the same kind of model, all-MiniLM-L6-v2 without a head, run as an
int8 ONNX Runtime graph (``OnnxSentenceEncoder``, ``data/sentence_encoder.onnx``, built from the official weights
by ``tools/export_onnx_encoder.py``); it shares the tokenizer below.

The word-piece tokenizer is the BERT one (clean, split CJK, lower-case, strip accents, split punctuation,
greedy longest-match word pieces) written out here, because the maintained implementation (``tokenizers``)
pulls in a model-hub client. The training script checks that it gives the same ids as the reference
tokenizer on every training sentence before it exports.
"""

from __future__ import annotations

import math
import unicodedata
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import numpy as np
from threadpoolctl import threadpool_limits

__all__ = ["ENCODER_FILE", "SENTENCE_ONNX_FILE", "Encoder", "EncoderMissing", "OnnxSentenceEncoder", "WordPiece",
           "encoder_problem", "load_encoder", "load_onnx_sentence_encoder"]

ENCODER_FILE = "strength_encoder.npz"
# all-MiniLM-L6-v2 itself (no head) as an int8 ONNX Runtime graph: the matcher's sentence embeddings
# (tools/export_onnx_encoder.py; 5x faster than this module's numpy forward pass, which it replaced).
SENTENCE_ONNX_FILE = "sentence_encoder.onnx"
_LN_EPS = 1e-12


# --------------------------------------------------------------------------------------------------
# Tokenizer
# --------------------------------------------------------------------------------------------------


def _is_punct(ch: str) -> bool:
    cp = ord(ch)
    if 33 <= cp <= 47 or 58 <= cp <= 64 or 91 <= cp <= 96 or 123 <= cp <= 126:
        return True
    return unicodedata.category(ch).startswith("P")


def _is_cjk(cp: int) -> bool:
    return (
        0x4E00 <= cp <= 0x9FFF
        or 0x3400 <= cp <= 0x4DBF
        or 0x20000 <= cp <= 0x2A6DF
        or 0x2A700 <= cp <= 0x2B73F
        or 0x2B740 <= cp <= 0x2B81F
        or 0x2B820 <= cp <= 0x2CEAF
        or 0xF900 <= cp <= 0xFAFF
        or 0x2F800 <= cp <= 0x2FA1F
    )


# What `_basic_tokens_by_char` does to each ASCII character, as one translation table: control characters
# dropped (tab, newline and carriage return made spaces), punctuation set apart by spaces. ASCII has no
# CJK, no accent to strip and no other space, so lower-casing and splitting the result gives its tokens.
_ASCII_BASIC = str.maketrans({
    **{chr(c): None for c in (*range(32), 127)},
    **{ch: " " for ch in "\t\n\r"},
    **{chr(c): f" {chr(c)} " for c in range(33, 127) if _is_punct(chr(c))},
})


def _basic_tokens(text: str) -> list[str]:
    """BERT's basic tokenizer (uncased): clean, isolate CJK, lower-case, strip accents, split punctuation.

    An ASCII text (most) goes by `_ASCII_BASIC`: one C pass instead of a Python step per character
    (`_basic_tokens_by_char`, which gives the same tokens; tests/test_speed_round4.py).
    """
    if text.isascii():
        return text.translate(_ASCII_BASIC).lower().split()
    return _basic_tokens_by_char(text)


def _basic_tokens_by_char(text: str) -> list[str]:
    """`_basic_tokens`, character by character."""
    out = []
    for ch in text:
        cp = ord(ch)
        if cp == 0 or cp == 0xFFFD:
            continue
        cat = unicodedata.category(ch)
        if ch in "\t\n\r" or cat == "Zs" or ch == " ":
            out.append(" ")
        elif cat in ("Cc", "Cf"):
            continue
        elif _is_cjk(cp):
            out.append(f" {ch} ")
        else:
            out.append(ch)
    text = unicodedata.normalize("NFD", "".join(out).lower())
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Mn")
    tokens: list[str] = []
    for word in text.split():
        start = 0
        for i, ch in enumerate(word):
            if _is_punct(ch):
                if i > start:
                    tokens.append(word[start:i])
                tokens.append(ch)
                start = i + 1
        if start < len(word):
            tokens.append(word[start:])
    return tokens


@dataclass(frozen=True)
class WordPiece:
    """Greedy longest-match-first word pieces over a BERT vocabulary (``[CLS] ... [SEP]``, truncated)."""

    vocab: dict[str, int]
    max_len: int = 96

    def ids(self, text: str) -> list[int]:
        unk = self.vocab["[UNK]"]
        out = [self.vocab["[CLS]"]]
        for word in _basic_tokens(text):
            if len(word) > 100:
                out.append(unk)
                continue
            pieces, start = [], 0
            while start < len(word):
                end = len(word)
                while end > start:
                    piece = word[start:end] if start == 0 else "##" + word[start:end]
                    if piece in self.vocab:
                        break
                    end -= 1
                if end == start:
                    pieces = [unk]
                    break
                pieces.append(self.vocab[piece])
                start = end
            out.extend(pieces)
        out = out[: self.max_len - 1]
        out.append(self.vocab["[SEP]"])
        return out


# --------------------------------------------------------------------------------------------------
# Weights
# --------------------------------------------------------------------------------------------------


def quantize_rows_int8(w: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(out, in) float -> int8 codes and one float32 scale per row (symmetric)."""
    scale = np.abs(w).max(axis=1) / 127.0
    scale[scale == 0] = 1.0
    return np.clip(np.rint(w / scale[:, None]), -127, 127).astype(np.int8), scale.astype(np.float32)


def dequantize_rows_int8(q: np.ndarray, scale: np.ndarray) -> np.ndarray:
    return q.astype(np.float32) * scale[:, None]


def quantize_groups_int4(w: np.ndarray, group: int = 32) -> tuple[np.ndarray, np.ndarray]:
    """(rows, cols) float -> packed uint8 (two 4-bit codes a byte) and a float16 scale per ``group`` values."""
    rows, cols = w.shape
    g = w.reshape(rows, cols // group, group)
    scale = np.abs(g).max(axis=2) / 7.0
    scale[scale == 0] = 1.0
    codes = (np.clip(np.rint(g / scale[..., None]), -7, 7).astype(np.int8) + 8).astype(np.uint8).reshape(rows, cols)
    packed = (codes[:, 0::2] << 4) | codes[:, 1::2]
    return packed, scale.astype(np.float16)


def dequantize_groups_int4(packed: np.ndarray, scale: np.ndarray, group: int = 32) -> np.ndarray:
    rows = packed.shape[0]
    codes = np.empty((rows, packed.shape[1] * 2), np.int8)
    codes[:, 0::2] = (packed >> 4).astype(np.int8) - 8
    codes[:, 1::2] = (packed & 0x0F).astype(np.int8) - 8
    g = codes.reshape(rows, -1, group).astype(np.float32) * scale.astype(np.float32)[..., None]
    return g.reshape(rows, -1)


# --------------------------------------------------------------------------------------------------
# Forward pass
# --------------------------------------------------------------------------------------------------


def _layer_norm(x: np.ndarray, gamma: np.ndarray, beta: np.ndarray) -> np.ndarray:
    mu = x.mean(-1, keepdims=True)
    var = ((x - mu) ** 2).mean(-1, keepdims=True)
    return (x - mu) / np.sqrt(var + _LN_EPS) * gamma + beta


@dataclass(frozen=True)
class _Layer:
    qkv_w: np.ndarray  # (in, 3*hidden), transposed for x @ w
    qkv_b: np.ndarray
    out_w: np.ndarray
    out_b: np.ndarray
    ln1_g: np.ndarray
    ln1_b: np.ndarray
    up_w: np.ndarray
    up_b: np.ndarray
    down_w: np.ndarray
    down_b: np.ndarray
    ln2_g: np.ndarray
    ln2_b: np.ndarray


class Encoder:
    """Class probabilities (n, 4) for sentences; weights from an exported ``.npz`` mapping."""

    def __init__(self, arrays: dict[str, np.ndarray]):
        self.heads = int(arrays["n_heads"])
        self.max_len = int(arrays["max_len"])
        vocab = bytes(arrays["vocab"]).decode("utf-8").split("\n")
        self.tokenizer = WordPiece({tok: i for i, tok in enumerate(vocab)}, self.max_len)
        self.word = dequantize_groups_int4(arrays["word_q4"], arrays["word_scale"])
        self.pos = arrays["pos"].astype(np.float32)  # position + token-type-0 embeddings, (max_len, hidden)
        self.emb_ln = (arrays["emb_ln_g"], arrays["emb_ln_b"])
        self.layers = []
        for i in range(int(arrays["n_layers"])):
            def lin(name: str) -> np.ndarray:
                return np.ascontiguousarray(dequantize_rows_int8(arrays[f"l{i}_{name}_q"], arrays[f"l{i}_{name}_s"]).T)

            self.layers.append(
                _Layer(
                    lin("qkv"), arrays[f"l{i}_qkv_b"], lin("out"), arrays[f"l{i}_out_b"],
                    arrays[f"l{i}_ln1_g"], arrays[f"l{i}_ln1_b"], lin("up"), arrays[f"l{i}_up_b"],
                    lin("down"), arrays[f"l{i}_down_b"], arrays[f"l{i}_ln2_g"], arrays[f"l{i}_ln2_b"],
                )
            )
        # An export without a head is an embedding model (`embed`); with one, a classifier (`probs`).
        self.head_w = arrays["head_w"].T.astype(np.float32) if "head_w" in arrays else None
        self.head_b = arrays["head_b"].astype(np.float32) if "head_b" in arrays else None

    def _forward(self, ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        pooled = self._pooled(ids, mask)
        logits = pooled @ self.head_w + self.head_b
        logits -= logits.max(-1, keepdims=True)
        p = np.exp(logits)
        return p / p.sum(-1, keepdims=True)

    def _pooled(self, ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        """Mean of the last layer's token vectors (padding excluded)."""
        n, length = ids.shape
        hidden = self.pos.shape[1]
        dh = hidden // self.heads
        x = _layer_norm(self.word[ids] + self.pos[:length], *self.emb_ln)
        bias = np.where(mask, 0.0, np.finfo(np.float32).min).astype(np.float32)[:, None, None, :]
        for layer in self.layers:
            qkv = x @ layer.qkv_w + layer.qkv_b
            q, k, v = (
                qkv[..., j * hidden : (j + 1) * hidden].reshape(n, length, self.heads, dh).transpose(0, 2, 1, 3)
                for j in range(3)
            )
            scores = q @ k.transpose(0, 1, 3, 2) * np.float32(1.0 / math.sqrt(dh)) + bias
            scores -= scores.max(-1, keepdims=True)
            att = np.exp(scores)
            att /= att.sum(-1, keepdims=True)
            ctx = (att @ v).transpose(0, 2, 1, 3).reshape(n, length, hidden)
            x = _layer_norm(ctx @ layer.out_w + layer.out_b + x, layer.ln1_g, layer.ln1_b)
            h = x @ layer.up_w + layer.up_b
            if self.head_w is None:  # embeddings: the tanh form of GELU, 3x faster, cosine >= 0.999
                h = 0.5 * h * (1.0 + np.tanh(0.7978845608 * (h + 0.044715 * h * h * h)))
            else:
                from scipy.special import erf  # the strength encoder only: not paid by every audit

                h = 0.5 * h * (1.0 + erf(h * np.float32(1.0 / math.sqrt(2.0))))
            x = _layer_norm(h @ layer.down_w + layer.down_b + x, layer.ln2_g, layer.ln2_b)
        m = mask[..., None].astype(np.float32)
        return (x * m).sum(1) / m.sum(1)

    def probs(self, texts: Sequence[str], batch_size: int = 32) -> np.ndarray:
        """Probabilities of the four classes, one row per text; texts are batched by length.

        BLAS runs single-threaded here: the audit already runs one worker process per CPU, and
        multi-threaded BLAS on these small products collapsed when the cores were busy (an encoder audit of
        the seed corpus took 44 s with two workers, 12 s with one BLAS thread each).
        """
        with threadpool_limits(limits=1, user_api="blas"):
            return self._probs(texts, batch_size)

    def embed(self, texts: Sequence[str], batch_size: int = 32) -> np.ndarray:
        """L2-normalized mean-pooled sentence embeddings, one row per text (single-threaded BLAS)."""
        with threadpool_limits(limits=1, user_api="blas"):
            v = self._batched(texts, batch_size, self._pooled, self.pos.shape[1])
        norms = np.linalg.norm(v, axis=1, keepdims=True)
        return v / np.where(norms > 0, norms, 1.0)

    def _probs(self, texts: Sequence[str], batch_size: int) -> np.ndarray:
        return self._batched(texts, batch_size, self._forward, self.head_b.shape[0])

    def _batched(self, texts: Sequence[str], batch_size: int, fn, width: int) -> np.ndarray:
        seqs = [self.tokenizer.ids(t) for t in texts]
        out = np.zeros((len(seqs), width), np.float32)
        order = sorted(range(len(seqs)), key=lambda i: len(seqs[i]))
        for start in range(0, len(order), batch_size):
            idx = order[start : start + batch_size]
            length = max(len(seqs[i]) for i in idx)
            ids = np.zeros((len(idx), length), np.int64)
            mask = np.zeros((len(idx), length), bool)
            for row, i in enumerate(idx):
                ids[row, : len(seqs[i])] = seqs[i]
                mask[row, : len(seqs[i])] = True
            out[idx] = fn(ids, mask)
        return out

    def levels(self, texts: Sequence[str]) -> list[int]:
        return [int(i) for i in self.probs(texts).argmax(1)] if texts else []


def export_arrays(sd: dict[str, np.ndarray], n_layers: int, n_heads: int, vocab: list[str], max_len: int,
                  prefix: str = "") -> dict[str, np.ndarray]:
    """Quantize a BERT state dict (numpy arrays; keys under `prefix`) into the arrays `Encoder` reads.

    Used by the tools that export the strength encoder and the sentence encoder; a head, if any,
    is added by the caller (`head_w`, `head_b`).
    """
    out: dict[str, np.ndarray] = {
        "n_layers": np.array(n_layers),
        "n_heads": np.array(n_heads),
        "max_len": np.array(max_len),
        "vocab": np.frombuffer("\n".join(vocab).encode("utf-8"), dtype=np.uint8),
    }
    e = prefix + "embeddings."
    out["word_q4"], out["word_scale"] = quantize_groups_int4(sd[e + "word_embeddings.weight"])
    out["pos"] = sd[e + "position_embeddings.weight"][:max_len] + sd[e + "token_type_embeddings.weight"][0]
    out["emb_ln_g"], out["emb_ln_b"] = sd[e + "LayerNorm.weight"], sd[e + "LayerNorm.bias"]
    for i in range(n_layers):
        p = f"{prefix}encoder.layer.{i}."
        a = p + "attention.self."
        qkv_w = np.concatenate([sd[a + n + ".weight"] for n in ("query", "key", "value")])
        qkv_b = np.concatenate([sd[a + n + ".bias"] for n in ("query", "key", "value")])
        weights = {
            "qkv": (qkv_w, qkv_b),
            "out": (sd[p + "attention.output.dense.weight"], sd[p + "attention.output.dense.bias"]),
            "up": (sd[p + "intermediate.dense.weight"], sd[p + "intermediate.dense.bias"]),
            "down": (sd[p + "output.dense.weight"], sd[p + "output.dense.bias"]),
        }
        for name, (w, b) in weights.items():
            out[f"l{i}_{name}_q"], out[f"l{i}_{name}_s"] = quantize_rows_int8(w)
            out[f"l{i}_{name}_b"] = b
        out[f"l{i}_ln1_g"] = sd[p + "attention.output.LayerNorm.weight"]
        out[f"l{i}_ln1_b"] = sd[p + "attention.output.LayerNorm.bias"]
        out[f"l{i}_ln2_g"] = sd[p + "output.LayerNorm.weight"]
        out[f"l{i}_ln2_b"] = sd[p + "output.LayerNorm.bias"]
    return out


def _load_bundled(name: str) -> Encoder | None:
    path = resources.files("claimaudit") / "data" / name
    if not path.is_file():
        return None
    with resources.as_file(path) as p, np.load(p, allow_pickle=False) as z:
        return Encoder({k: z[k] for k in z.files})


@lru_cache(maxsize=1)
def load_encoder() -> Encoder | None:
    """The bundled strength encoder, or None when the package was built without it."""
    return _load_bundled(ENCODER_FILE)


class EncoderMissing(RuntimeError):
    """The sentence encoder cannot be loaded (file missing or unreadable, onnxruntime absent); one line."""


class OnnxSentenceEncoder:
    """all-MiniLM-L6-v2 sentence embeddings run by ONNX Runtime on one thread.

    The model file carries its vocabulary and token limit (metadata `vocab`, `max_len`); word pieces are
    cut here by `WordPiece`, the graph returns mean-pooled, L2-normalized embeddings. One intra-op thread:
    the audit already runs one worker process per CPU.

    Texts are run one at a time by default. The int8 graph quantizes each matrix product's input with one
    range per call, so in a batch a sentence's embedding would depend on its neighbours (and on their
    padding): cosine 0.993 between batch 8 and batch 1 at worst on FakeHealth sentences. One at a time, a
    sentence gets the same vector in any article, in `check` and in the stored reference embeddings, and
    it is no slower (no padding; benchmarks/embed.py).
    """

    def __init__(self, path) -> None:
        import onnxruntime as ort

        opts = ort.SessionOptions()
        opts.intra_op_num_threads = 1
        opts.inter_op_num_threads = 1
        opts.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
        opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        opts.log_severity_level = 3
        self.session = ort.InferenceSession(str(path), opts, providers=["CPUExecutionProvider"])
        meta = self.session.get_modelmeta().custom_metadata_map
        vocab = meta["vocab"].split("\n")
        self.max_len = int(meta["max_len"])
        self.tokenizer = WordPiece({tok: i for i, tok in enumerate(vocab)}, self.max_len)
        self.width = int(self.session.get_outputs()[0].shape[-1])

    def embed(self, texts: Sequence[str], batch_size: int = 1) -> np.ndarray:
        """L2-normalized sentence embeddings, one row per text: one text a call, or (for measuring)
        `batch_size` texts of similar token counts a call."""
        seqs = [self.tokenizer.ids(t) for t in texts]
        out = np.zeros((len(seqs), self.width), np.float32)
        order = sorted(range(len(seqs)), key=lambda i: len(seqs[i]))
        for start in range(0, len(order), batch_size):
            idx = order[start : start + batch_size]
            length = max(len(seqs[i]) for i in idx)
            ids = np.zeros((len(idx), length), np.int64)
            mask = np.zeros((len(idx), length), np.int64)
            for row, i in enumerate(idx):
                ids[row, : len(seqs[i])] = seqs[i]
                mask[row, : len(seqs[i])] = 1
            out[idx] = self.session.run(None, {"input_ids": ids, "attention_mask": mask})[0]
        return out


def _data_file(name: str):
    """A file of the package's data folder (a Traversable; tests point it elsewhere)."""
    return resources.files("claimaudit") / "data" / name


@lru_cache(maxsize=1)
def load_onnx_sentence_encoder() -> OnnxSentenceEncoder:
    """The bundled ONNX sentence encoder; raises `EncoderMissing` (one line) when it cannot be loaded."""
    where = f"the sentence encoder (claimaudit/data/{SENTENCE_ONNX_FILE})"
    path = _data_file(SENTENCE_ONNX_FILE)
    if not path.is_file():
        raise EncoderMissing(f"{where} is not installed; reinstall claimaudit, or build it with "
                             "tools/export_onnx_encoder.py")
    try:
        import onnxruntime  # noqa: F401
    except ImportError as exc:
        raise EncoderMissing(f"{where} needs onnxruntime, which cannot be imported ({exc})") from None
    try:
        with resources.as_file(path) as p:
            return OnnxSentenceEncoder(p)
    except Exception as exc:  # onnxruntime raises its own exception types for a corrupt file
        first = str(exc).strip().splitlines()[0][:200] if str(exc).strip() else type(exc).__name__
        raise EncoderMissing(f"{where} cannot be read ({type(exc).__name__}: {first})") from None


def encoder_problem() -> str | None:
    """Why the bundled encoder cannot be used (missing, or not a readable export), or None when it can."""
    where = f"the strength encoder (claimaudit/data/{ENCODER_FILE})"
    try:
        enc = load_encoder()
    except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile) as exc:
        first = str(exc).split(". ")[0].rstrip(".")  # numpy's messages run on with advice that does not apply
        return f"{where} cannot be read ({type(exc).__name__}: {first})"
    return None if enc is not None else f"{where} is not installed"
