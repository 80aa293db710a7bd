"""The numpy strength encoder: word pieces, quantization, and the forward pass's batching."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from claimaudit.encoder import (
    Encoder,
    dequantize_groups_int4,
    dequantize_rows_int8,
    load_encoder,
    quantize_groups_int4,
    quantize_rows_int8,
)

# Ids from the reference BERT tokenizer (transformers' AutoTokenizer over the base model's tokenizer.json).
REFERENCE_IDS = [
    (
        "Magnesium supplementation may reduce chronic low back pain.",
        [101, 24983, 12448, 3370, 2089, 5547, 11888, 2659, 2067, 3255, 1012, 102],
    ),
    (
        "Vitamin D₃ (cholecalciferol) doesn't cure COVID-19—ever!",
        [101, 17663, 1040, 11622, 1006, 16480, 2571, 9289, 6895, 7512, 4747, 1007, 2987, 1005, 1056, 9526, 2522,
         17258, 1011, 2539, 1517, 2412, 999, 102],
    ),
    (
        "Café-au-lait spots: naïve analysis of 12.5% of 1,234 patients?",
        [101, 7668, 1011, 8740, 1011, 21110, 2102, 7516, 1024, 15743, 4106, 1997, 2260, 1012, 1019, 1003, 1997,
         1015, 1010, 22018, 5022, 1029, 102],
    ),
    ("中文 text\tand\u00a0odd\u200bspaces", [101, 1746, 1861, 3793, 1998, 10238, 15327, 2015, 102]),
]


@pytest.fixture(scope="module")
def bundled() -> Encoder:
    enc = load_encoder()
    assert enc is not None, "src/claimaudit/data/strength_encoder.npz is missing"
    return enc


@pytest.mark.parametrize(("text", "ids"), REFERENCE_IDS, ids=[t[:20] for t, _ in REFERENCE_IDS])
def test_word_pieces_match_the_reference_tokenizer(bundled, text, ids):
    assert bundled.tokenizer.ids(text) == ids


def test_long_input_is_truncated_with_a_final_sep(bundled):
    ids = bundled.tokenizer.ids("pain " * 500)
    assert len(ids) == bundled.max_len
    assert ids[0] == 101 and ids[-1] == 102


@settings(max_examples=60, deadline=None)
@given(arrays(np.float32, st.tuples(st.integers(1, 6), st.integers(1, 40)),
              elements=st.floats(-50, 50, width=32, allow_subnormal=False)))
def test_int8_rows_roundtrip_within_half_a_step(w):
    q, s = quantize_rows_int8(w)
    assert q.dtype == np.int8 and s.shape == (w.shape[0],)
    err = np.abs(dequantize_rows_int8(q, s) - w)
    assert np.all(err <= s[:, None] * 0.5 + 1e-6)


@settings(max_examples=60, deadline=None)
@given(arrays(np.float32, st.tuples(st.integers(1, 5), st.sampled_from([32, 64, 96])),
              elements=st.floats(-4, 4, width=32, allow_subnormal=False)))
def test_int4_groups_roundtrip_within_half_a_step(w):
    packed, scale = quantize_groups_int4(w)
    assert packed.dtype == np.uint8 and packed.shape == (w.shape[0], w.shape[1] // 2)
    back = dequantize_groups_int4(packed, scale)
    step = np.repeat(scale.astype(np.float32), 32, axis=1)
    assert np.all(np.abs(back - w) <= step * 0.5 + 1e-3 * np.abs(w) + 1e-6)


def _tiny_encoder(seed: int = 0) -> Encoder:
    """A random 2-layer, 2-head, 32-wide encoder over a toy vocabulary."""
    rng = np.random.default_rng(seed)
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "magnesium", "may", "reduce", "pain", "##s", ".", "not"]
    hidden, inner, max_len = 32, 64, 12
    a: dict[str, np.ndarray] = {
        "n_layers": np.array(2), "n_heads": np.array(2), "max_len": np.array(max_len),
        "vocab": np.frombuffer("\n".join(vocab).encode(), np.uint8),
    }
    a["word_q4"], a["word_scale"] = quantize_groups_int4(rng.normal(size=(len(vocab), hidden)).astype(np.float32))
    a["pos"] = rng.normal(size=(max_len, hidden)).astype(np.float32)
    a["emb_ln_g"], a["emb_ln_b"] = np.ones(hidden, np.float32), np.zeros(hidden, np.float32)
    shapes = {"qkv": (3 * hidden, hidden), "out": (hidden, hidden), "up": (inner, hidden), "down": (hidden, inner)}
    for i in range(2):
        for name, shape in shapes.items():
            a[f"l{i}_{name}_q"], a[f"l{i}_{name}_s"] = quantize_rows_int8(
                (rng.normal(size=shape) / np.sqrt(shape[1])).astype(np.float32))
            a[f"l{i}_{name}_b"] = rng.normal(scale=0.1, size=shape[0]).astype(np.float32)
        for ln in ("ln1", "ln2"):
            a[f"l{i}_{ln}_g"] = np.ones(hidden, np.float32)
            a[f"l{i}_{ln}_b"] = np.zeros(hidden, np.float32)
    a["head_w"] = rng.normal(size=(4, hidden)).astype(np.float32)
    a["head_b"] = np.zeros(4, np.float32)
    return Encoder(a)


def test_padding_does_not_change_a_sentence_s_probabilities():
    enc = _tiny_encoder()
    texts = ["Magnesium may reduce pains.", "Pain.", "Magnesium may not reduce pain, magnesium may reduce pain."]
    together = enc.probs(texts)
    alone = np.vstack([enc.probs([t]) for t in texts])
    np.testing.assert_allclose(together, alone, rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(together.sum(1), 1.0, rtol=1e-5)
    assert enc.tokenizer.ids("Pains") == [2, 7, 8, 3]
    assert enc.tokenizer.ids("zinc") == [2, 1, 3]


def test_the_bundled_encoder_reads_the_four_classes(bundled):
    texts = [
        "The trial enrolled 120 adults with chronic low back pain.",
        "Low magnesium intake was associated with more frequent migraine.",
        "Magnesium supplementation may reduce the frequency of migraine attacks.",
        "Magnesium supplementation reduces the frequency of migraine attacks.",
    ]
    assert bundled.levels(texts) == [0, 1, 2, 3]
    assert bundled.levels([]) == []
