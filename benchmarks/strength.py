"""Benchmark the asserted-strength reader (`claimaudit.strength`).

    python benchmarks/strength.py [--yu PATH] [--insciout PATH] [--folds 5] [--seeds 0 1 2] [--repeat 5]
                                  [--reader encoder lexical]

The reader has two level models under the same cue rules: "lexical" (the default; a logistic
regression over cue sequences) and "encoder" (opt-in; a fine-tuned all-MiniLM-L6-v2 run with numpy,
`claimaudit.encoder`). Every section is printed for each reader asked for.

1. Claim strength (Yu, Li & Wang 2019, PubMed conclusions, 4 classes 0-3, level 4 counted as 3):
   both level models are trained on that same file, so the figures are **k-fold cross-validated**.
   Lexical: for each fold the model is refitted on the other folds (same code and settings as
   `claimaudit.strength_train`) and the whole reader (model + rules) reads the held-out rows.
   Encoder: fine-tuning takes torch and ~20 minutes, so `tools/train_strength_encoder.py --cv` does it
   (same folds as split seed 0; each fold's model exported and run with numpy, as shipped) and records
   the out-of-fold class probabilities in `benchmarks/strength_encoder_cv.csv`; this script checks that
   file against the data, applies the rules and scores it. Prints macro-F1, per-class
   precision/recall/F1 and the confusion matrix.
2. Exaggeration (InSciOut, Wright & Augenstein 2021): each shipped reader (trained on the Yu file only)
   reads each press-release and abstract conclusion; press > abstract is "exaggerates", < is
   "downplays", = is "same". Prints macro-F1 over the three labels (and the strength macro-F1 on the
   200 sentences).
3. Speed: sentences/s of `read_many` and of spaCy's blank English tokenizer over the same sentences,
   measured in the same run (best of --repeat), and their ratio. The encoder is timed on the first 400
   of those sentences (best of two runs).

Paths default to ../shared/benchmarks/... relative to the repository root. Both data sets are GPL-3.0.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from claimaudit import strength, strength_train  # noqa: E402

SHARED = ROOT.parent / "shared" / "benchmarks"
ENCODER_CV = ROOT / "benchmarks" / "strength_encoder_cv.csv"
LABELS = ("same", "exaggerates", "downplays")


def per_class(y_true, y_pred, labels) -> tuple[float, list[tuple]]:
    rows = []
    for k in labels:
        tp = sum(1 for t, p in zip(y_true, y_pred) if t == k and p == k)
        n_pred = sum(1 for p in y_pred if p == k)
        n_true = sum(1 for t in y_true if t == k)
        prec = tp / n_pred if n_pred else 0.0
        rec = tp / n_true if n_true else 0.0
        f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
        rows.append((k, prec, rec, f1, n_true))
    return sum(r[3] for r in rows) / len(rows), rows


def print_table(rows, title: str) -> None:
    print(f"  {title:>12s}  precision  recall     F1  support")
    for k, p, r, f, n in rows:
        print(f"  {str(k):>12s}  {p:9.3f}  {r:6.3f}  {f:5.3f}  {n:7d}")


def confusion(y_true, y_pred, labels) -> None:
    w = max(6, *(len(str(k)) + 1 for k in labels))
    print("  confusion (rows = gold, columns = read):")
    print("  " + " " * w + "".join(f"{str(k):>{w}s}" for k in labels))
    for t in labels:
        counts = (sum(1 for a, b in zip(y_true, y_pred) if a == t and b == p) for p in labels)
        print(f"  {str(t):>{w}s}" + "".join(f"{c:{w}d}" for c in counts))


def cross_validate(texts, y, feats, folds: int, seed: int):
    """Out-of-fold levels: model alone, and the whole reader (model + rules), level 4 counted as 3."""
    from sklearn.model_selection import StratifiedKFold

    model_pred = np.zeros_like(y)
    for tr, te in StratifiedKFold(folds, shuffle=True, random_state=seed).split(texts, y):
        model = strength_train.fit([feats[i] for i in tr], y[tr])
        model_pred[te] = strength_train.predict(model, [feats[i] for i in te])
    final = [min(3, lv) for lv in strength.levels_with_rules(texts, model_pred)]
    return list(model_pred), final


def bench_yu(path: Path, folds: int, seeds: list[int]) -> list[str]:
    texts, y = strength_train.load_yu(path)
    feats = strength_train.featurize(texts)
    gold = list(y)
    print(f"Claim strength, Yu et al. 2019 dev set ({len(texts)} sentences, {path})")
    print(f"  {folds}-fold cross-validated (stratified); for each fold the model is refitted on the other folds")
    results = []
    for seed in seeds:
        model_pred, final = cross_validate(texts, y, feats, folds, seed)
        results.append((seed, per_class(gold, model_pred, range(4))[0], per_class(gold, final, range(4)), final))
    seed, m_model, (macro, rows), final = results[0]
    print(f"  split seed {seed}:")
    print(f"  macro-F1 (model + rules, the shipped reader): {macro:.4f}")
    print(f"  macro-F1 (model alone):                       {m_model:.4f}")
    print_table(rows, "level")
    confusion(gold, final, range(4))
    if len(results) > 1:
        full = [r[2][0] for r in results]
        alone = [r[1] for r in results]
        print(f"  over split seeds {', '.join(str(r[0]) for r in results)}: reader macro-F1 "
              f"{' '.join(f'{f:.4f}' for f in full)} (mean {np.mean(full):.4f}); "
              f"model alone mean {np.mean(alone):.4f}")
    return texts


def bench_yu_encoder(path: Path, cv_file: Path) -> None:
    import csv

    texts, y = strength_train.load_yu(path)
    y = np.minimum(y, 3)
    with cv_file.open(newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    if len(rows) != len(texts):
        raise SystemExit(f"{cv_file}: {len(rows)} rows, but {path} has {len(texts)} sentences; rerun the CV")
    probs = np.zeros((len(texts), 4), np.float32)
    for r in rows:
        i = int(r["row"])
        if int(r["label"]) != y[i]:
            raise SystemExit(f"{cv_file}: row {i} was labelled {r['label']}, {path} says {y[i]}; rerun the CV")
        probs[i] = [float(r[f"p{k}"]) for k in range(4)]
    model_pred = list(probs.argmax(1))
    final = [min(3, lv) for lv in strength.levels_with_rules(texts, model_pred, "encoder")]
    gold = list(y)
    macro, rows_ = per_class(gold, final, range(4))
    print(f"\nClaim strength, encoder reader, Yu et al. 2019 dev set ({len(texts)} sentences)")
    print(f"  5-fold cross-validated out-of-fold probabilities from {cv_file.name} "
          "(tools/train_strength_encoder.py --cv, split seed 0)")
    print(f"  macro-F1 (encoder + rules, the shipped reader): {macro:.4f}")
    print(f"  macro-F1 (encoder alone):                       {per_class(gold, model_pred, range(4))[0]:.4f}")
    print_table(rows_, "level")
    confusion(gold, final, range(4))


def bench_insciout(path: Path, reader: str = strength.DEFAULT_READER) -> list[str]:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    pr = strength.read_many([r["press_release_conclusion"] for r in rows], reader)
    ab = strength.read_many([r["abstract_conclusion"] for r in rows], reader)
    gold = [r["exaggeration_label"] for r in rows]
    pred = []
    for a, b in zip(pr, ab):
        la, lb = min(3, a.level), min(3, b.level)
        pred.append("exaggerates" if la > lb else "downplays" if la < lb else "same")
    macro, table = per_class(gold, pred, LABELS)
    ys = [r["press_release_strength"] for r in rows] + [r["abstract_strength"] for r in rows]
    ps = [min(3, x.level) for x in pr + ab]
    smacro, _ = per_class(ys, ps, range(4))
    print(f"\nExaggeration, InSciOut train pairs, {reader} reader ({len(rows)} pairs, {path})")
    print("  shipped reader (trained on the Yu dev file only); label = compare(press release, abstract)")
    print(f"  macro-F1 same/exaggerates/downplays: {macro:.4f}")
    print_table(table, "label")
    confusion(gold, pred, LABELS)
    print(f"  strength macro-F1 on its {len(ys)} sentences (0-3): {smacro:.4f}")
    return [r["press_release_conclusion"] for r in rows] + [r["abstract_conclusion"] for r in rows]


def bench_speed(sentences: list[str], repeat: int, reader: str = strength.DEFAULT_READER) -> None:
    import spacy

    nlp = spacy.blank("en")
    sentences = list(dict.fromkeys(sentences))  # unique, so no caching effect can help
    if reader == "encoder":
        sentences, repeat = sentences[:400], min(repeat, 2)
    strength.read_many(sentences[:10], reader)  # load the model once
    best_tok = best_read = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        for _doc in nlp.tokenizer.pipe(sentences, batch_size=1000):
            pass
        best_tok = min(best_tok, time.perf_counter() - t0)
        t0 = time.perf_counter()
        strength.read_many(sentences, reader)
        best_read = min(best_read, time.perf_counter() - t0)
    n = len(sentences)
    words = sum(len(s.split()) for s in sentences) / n
    print(f"\nSpeed, {reader} reader ({n} unique sentences, {words:.1f} words each on average, best of {repeat}, one process)")
    print(f"  spaCy blank('en') tokenizer: {n / best_tok:10,.0f} sentences/s")
    print(f"  strength.read_many:          {n / best_read:10,.0f} sentences/s")
    print(f"  ratio read_many / tokenizer: {best_tok / best_read:.3g}")


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description="Benchmark claimaudit.strength")
    ap.add_argument("--yu", type=Path, default=SHARED / "claim-strength" / "yu2019-dev.csv")
    ap.add_argument("--insciout", type=Path, default=SHARED / "exaggeration" / "insciout-train.jsonl")
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2],
                    help="split seeds for the cross-validation; the first one's table is printed")
    ap.add_argument("--repeat", type=int, default=5, help="speed runs; the best one counts")
    ap.add_argument("--reader", nargs="+", choices=strength.READERS, default=list(strength.READERS))
    ap.add_argument("--encoder-cv", type=Path, default=ENCODER_CV, help="out-of-fold file of the encoder CV")
    args = ap.parse_args(argv)
    sentences: list[str] = []
    if "lexical" in args.reader:
        sentences = bench_yu(args.yu, args.folds, args.seeds)
    if "encoder" in args.reader:
        bench_yu_encoder(args.yu, args.encoder_cv)
        sentences = sentences or strength_train.load_yu(args.yu)[0]
    for reader in args.reader:
        sentences += bench_insciout(args.insciout, reader)
    for reader in args.reader:
        bench_speed(sentences, args.repeat, reader)


if __name__ == "__main__":
    main()
