"""The claim filter's semantic part: units that can be about a reference subject are judged by
their sentence embedding, the others by hashed words (claimness.apply, Auditor.in_scope_embeddings)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from claimaudit import claimness
from claimaudit.claimness import ClaimModel, bundled_claim_model, fit_claim_model, model_document
from claimaudit.claims import read_claims
from claimaudit.encoder import encoder_problem
from claimaudit.ingest import read_article
from claimaudit.pipeline import Auditor, Settings, load_reference
from claimaudit.segment import segment

ROOT = Path(__file__).resolve().parents[1]
ARTICLE = ROOT / "corpus" / "000_b7547573af1efeb7.txt"  # long enough for the claim filter
needs_encoder = pytest.mark.skipif(encoder_problem() is not None, reason="no sentence encoder")


def _units():
    return read_claims(segment(read_article(ARTICLE)), "magnesium")


def _hashed_only(model: ClaimModel) -> ClaimModel:
    return replace(model, semantic=(), semantic_bias=0.0)


def test_without_embeddings_the_hashed_words_decide() -> None:
    model = bundled_claim_model()
    units = _units()
    hashed = claimness.apply(units, _hashed_only(model), 1000)
    assert claimness.apply(units, model, 1000, semantic=lambda idx: {}) == hashed
    assert claimness.apply(units, model, 1000) == hashed  # no embeddings offered


@pytest.mark.parametrize("p_claim, kept", [(0.9, True), (0.61, True), (0.59, False), (0.1, False)])
def test_an_embedded_unit_is_kept_by_the_semantic_cutoff(p_claim: float, kept: bool) -> None:
    """One unit judged by meaning, on a model whose semantic part gives it exactly `p_claim`; the
    hashed words would say the opposite of `kept`, and every other unit is judged by them."""
    units = _units()
    i = next(k for k, c in enumerate(units) if c.is_claim)
    dim = 4
    bias = float(np.log(p_claim / (1 - p_claim)))
    # the hashed words alone: reject everything (P = 0.6, above the gate) or keep everything
    hashed_bias = float(np.log(0.6 / 0.4)) if kept else 50.0
    model = ClaimModel((), hashed_bias, 0.7, (0.0,) * dim, bias, 0.6)
    got = claimness.apply(units, model, 1000, semantic=lambda idx: {i: np.ones(dim)} if i in idx else {})
    assert got[i].is_claim is kept
    others = [c.is_claim for k, c in enumerate(got) if k != i and units[k].is_claim]
    assert others and all(o is (not kept) for o in others)


def test_a_short_text_is_left_to_the_rules() -> None:
    units = _units()
    called = []
    got = claimness.apply(units, bundled_claim_model(), 100, semantic=lambda idx: called.append(idx) or {})
    assert got == tuple(units) and not called


def test_fit_learns_a_semantic_part_only_from_embedded_units() -> None:
    rng = np.random.default_rng(0)
    texts = [f"magnesium claim number {k}" if k % 2 else f"menu item {k}" for k in range(40)]
    labels = [k % 2 for k in range(40)]
    emb = [np.r_[1.0 if y else -1.0, rng.normal(size=3)] if k % 4 < 2 else None
           for k, y in enumerate(labels)]
    model = fit_claim_model(texts, labels, embeddings=emb)
    assert len(model.semantic) == 4
    p = model.semantic_probabilities(np.array([[1.0, 0, 0, 0], [-1.0, 0, 0, 0]]))
    assert p[0] > 0.5 > p[1]
    assert fit_claim_model(texts, labels).semantic == ()
    # one class only among the embedded units: no semantic part
    assert fit_claim_model(texts, labels, embeddings=[e if y else None for e, y in zip(emb, labels)]).semantic == ()


def test_model_document_round_trips(tmp_path: Path) -> None:
    import json

    model = bundled_claim_model()
    assert model.semantic, "the bundled model was fitted with embeddings"
    doc = json.loads(json.dumps(model_document(model)))
    again = ClaimModel(tuple((int(i), float(w)) for i, w in doc["weights"]), doc["bias"], doc["cutoff"],
                       tuple(doc["semantic"]), doc["semantic_bias"], doc["semantic_cutoff"])
    assert again == model
    assert again.describe() == model.describe()
    assert _hashed_only(model).describe() != model.describe()


@needs_encoder
def test_auditor_embeds_only_units_in_a_subjects_scope() -> None:
    auditor = Auditor(load_reference([ROOT / "reference"]), Settings(claim_filter=False))
    # Every unit of ARTICLE sits under a heading that names magnesium; this one has labelled
    # units ("**Sedentary Lifestyle**: a lack of physical activity ...") that name no subject.
    article = read_article(ROOT / "corpus" / "003_16bd546008ee7905.txt")
    _, claims, about = auditor.read(article)
    idx = [k for k, c in enumerate(claims) if c.is_claim]
    emb = auditor.in_scope_embeddings(claims, idx, about)
    assert emb and set(emb) < set(idx)
    for k, (c, before) in enumerate(zip(claims, auditor.units_before(claims, about))):
        if k in idx:
            assert (k in emb) == auditor.matcher.in_scope(c.match_text, about, before)
    for k, v in emb.items():
        assert v.shape == (384,) and abs(float(np.linalg.norm(v)) - 1.0) < 1e-3


@needs_encoder
def test_the_audit_uses_the_semantic_part() -> None:
    """On the seed corpus, the bundled model's semantic part changes some claim decisions."""
    reference = load_reference([ROOT / "reference"])
    model = bundled_claim_model()
    changed = 0
    for path in sorted((ROOT / "corpus").glob("*.txt")):
        article = read_article(path)
        both = Auditor(reference, Settings(claim_model=model)).read(article)[1]
        hashed = Auditor(reference, Settings(claim_model=_hashed_only(model))).read(article)[1]
        rules = Auditor(reference, Settings(claim_filter=False)).read(article)[1]
        changed += sum(b.is_claim != h.is_claim for b, h in zip(both, hashed))
        # the filter only ever removes claims the rules accepted
        assert all(r.is_claim or not b.is_claim for r, b in zip(rules, both))
    assert changed > 0


def test_a_unit_the_hashed_words_reject_outright_is_not_embedded() -> None:
    units = _units()
    claims_at = [k for k, c in enumerate(units) if c.is_claim]
    asked: list[list[int]] = []

    def semantic(idx):
        asked.append(list(idx))
        return {i: np.ones(4) for i in idx}

    # hashed P = 0.6 (rejected by them, but not outright), semantic P = 1: every claim is kept
    keep_all = ClaimModel((), float(np.log(0.6 / 0.4)), 0.7, (0.0,) * 4, 50.0, 0.6)
    got = claimness.apply(units, keep_all, 1000, semantic=semantic)
    assert asked == [claims_at] and all(got[k].is_claim for k in claims_at)
    asked.clear()
    assert claimness.SEMANTIC_GATE > 0.4
    outright = replace(keep_all, bias=float(np.log(0.4 / 0.6)))  # hashed P = 0.4 < SEMANTIC_GATE
    got = claimness.apply(units, outright, 1000, semantic=semantic)
    assert asked == [[]] and not any(c.is_claim for c in got)
