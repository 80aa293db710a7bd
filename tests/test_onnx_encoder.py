"""The matcher's ONNX sentence encoder: the same model's embeddings, and one clear line when it is missing.

tests/data/embedding_sentences.npz holds, for the sentences of tests/data/embedding_sentences.txt, the
embeddings of the float32 model (official weights, unquantized) and of the numpy encoder the matcher ran
before; both were written by tools/export_onnx_encoder.py from the sha256-checked official weights.
"""

from __future__ import annotations

import hashlib
import json
from importlib import resources
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

import claimaudit.encoder as encoder
from claimaudit.cli import main
from claimaudit.encoder import SENTENCE_ONNX_FILE, EncoderMissing, OnnxSentenceEncoder, load_onnx_sentence_encoder

DATA = Path(__file__).parent / "data"
SENTENCES = [s for s in (DATA / "embedding_sentences.txt").read_text(encoding="utf-8").splitlines() if s.strip()]
VECTORS = np.load(DATA / "embedding_sentences.npz")


@pytest.fixture(scope="module")
def onnx_vectors() -> np.ndarray:
    return load_onnx_sentence_encoder().embed(SENTENCES)


@pytest.mark.parametrize("i", range(len(SENTENCES)))
def test_agrees_with_the_float32_model_on_each_sentence(onnx_vectors: np.ndarray, i: int) -> None:
    assert float(onnx_vectors[i] @ VECTORS["float32"][i]) >= 0.99, SENTENCES[i]


@pytest.mark.parametrize("i", range(len(SENTENCES)))
def test_agrees_with_the_former_numpy_encoder_on_each_sentence(onnx_vectors: np.ndarray, i: int) -> None:
    assert float(onnx_vectors[i] @ VECTORS["numpy_encoder"][i]) >= 0.99, SENTENCES[i]


def test_is_closer_to_the_float32_model_on_average_than_to_a_neighbouring_sentence(onnx_vectors) -> None:
    """Agreement that means something: each vector is nearest to its own sentence's float32 vector."""
    sims = onnx_vectors @ VECTORS["float32"].T
    assert list(sims.argmax(1)) == list(range(len(SENTENCES)))
    assert float(np.diag(sims).mean()) >= 0.995


def test_rows_are_unit_length_and_float32(onnx_vectors: np.ndarray) -> None:
    assert onnx_vectors.dtype == np.float32 and onnx_vectors.shape == (len(SENTENCES), 384)
    np.testing.assert_allclose(np.linalg.norm(onnx_vectors, axis=1), 1.0, atol=1e-5)


@settings(max_examples=15, deadline=None)
@given(st.lists(st.sampled_from(SENTENCES), min_size=1, max_size=6))
def test_a_sentence_gets_the_same_vector_whatever_it_is_embedded_with(batch: list[str]) -> None:
    """Texts run one at a time: a sentence's vector does not depend on the other sentences of the call."""
    enc = load_onnx_sentence_encoder()
    together = enc.embed(batch)
    for text, row in zip(batch, together):
        np.testing.assert_array_equal(row, enc.embed([text])[0])


def test_the_manifest_describes_the_bundled_file() -> None:
    data = resources.files("claimaudit") / "data"
    manifest = json.loads((data / "sentence_encoder_onnx.json").read_text(encoding="utf-8"))
    assert manifest["onnx_sha256"] == hashlib.sha256((data / SENTENCE_ONNX_FILE).read_bytes()).hexdigest()
    assert manifest["model_safetensors_sha256"] == "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"
    assert manifest["int8_vs_float32_min_cosine"] >= 0.99


def test_the_session_runs_on_one_thread() -> None:
    opts = load_onnx_sentence_encoder().session.get_session_options()
    assert (opts.intra_op_num_threads, opts.inter_op_num_threads) == (1, 1)


@pytest.fixture()
def fake_data(tmp_path: Path, monkeypatch) -> Path:
    """The encoder's data folder pointed at an empty temporary folder."""
    monkeypatch.setattr(encoder, "_data_file", lambda name: tmp_path / name)
    load_onnx_sentence_encoder.cache_clear()
    yield tmp_path
    load_onnx_sentence_encoder.cache_clear()


@pytest.mark.parametrize(("content", "why"), [
    (None, "is not installed; reinstall claimaudit, or build it with tools/export_onnx_encoder.py"),
    (b"version https://git-lfs.github.com/spec/v1\noid sha256:0\nsize 1\n", "cannot be read ("),
    (b"", "cannot be read ("),
])
def test_the_loader_fails_with_one_line_naming_the_file(fake_data: Path, content, why) -> None:
    if content is not None:
        (fake_data / SENTENCE_ONNX_FILE).write_bytes(content)
    with pytest.raises(EncoderMissing) as info:
        load_onnx_sentence_encoder()
    message = str(info.value)
    assert "\n" not in message
    assert message.startswith(f"the sentence encoder (claimaudit/data/{SENTENCE_ONNX_FILE})")
    assert why in message


def test_audit_without_the_encoder_is_one_error_line_and_exit_2(fake_data: Path, mini: Path, tmp_path: Path) -> None:
    import claimaudit.match as match

    match._EMBEDDINGS.clear()  # nothing cached from earlier tests: every text needs the encoder
    match.stored_embeddings.cache_clear()
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["audit", str(mini / "corpus"), "--reference", str(mini / "reference"),
                                       "--out", str(out), "-q", "--jobs", "1", "--no-cache"])
    match.stored_embeddings.cache_clear()
    assert result.exit_code == 2, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1, result.output
    assert lines[0].startswith("claimaudit: error: the sentence encoder (claimaudit/data/sentence_encoder.onnx) "
                               "is not installed")
    assert "internal error" not in lines[0]
    assert not (out / "audit.json").exists()


def test_a_file_built_by_the_tool_loads_with_its_vocabulary() -> None:
    enc = load_onnx_sentence_encoder()
    assert isinstance(enc, OnnxSentenceEncoder)
    assert enc.max_len == 128
    assert enc.tokenizer.ids("Magnesium")[0] == enc.tokenizer.vocab["[CLS]"]
    assert len(enc.tokenizer.vocab) == 30522
