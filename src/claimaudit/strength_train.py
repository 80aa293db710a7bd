"""Train the level model of `claimaudit.strength` (reproducible, CPU, a few seconds).

    python -m claimaudit.strength_train [--data ../shared/benchmarks/claim-strength/yu2019-dev.csv]

Training data: Yu, Li & Wang (2019), "Detecting causal language use in science findings" (EMNLP),
junwang4/causal-language-use-in-science, licensed GPL-3.0. The fitted weights written to
``src/claimaudit/data/strength_model.npz`` are derived from that data; say so wherever they are shipped.

Labels use the project scale: 0 none, 1 associative, 2 conditional causal, 3 direct causal (the
benchmark CSV is already remapped, see ../shared/benchmarks/README.md).
"""

from __future__ import annotations

import argparse
import csv
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from .strength import MODEL_FILE, analyse, encode_feature, feature_lists

SEED = 0
C = 4.0
MIN_DF = 2


def load_yu(path: str | Path) -> tuple[list[str], np.ndarray]:
    """Read the Yu benchmark CSV (columns sentence, strength) and return texts and labels (0-3)."""
    texts: list[str] = []
    labels: list[int] = []
    with open(path, newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            texts.append(row["sentence"].strip())
            labels.append(min(3, int(row["strength"])))
    return texts, np.asarray(labels)


def featurize(texts: Sequence[str]) -> list[list[str]]:
    return [feature_lists(analyse(t)) for t in texts]


def _matrix(feats: Sequence[list[str]], index: dict[str, int]):
    import scipy.sparse as sp

    indptr = [0]
    indices: list[int] = []
    data: list[float] = []
    for fl in feats:
        ids = sorted({index[f] for f in fl if f in index})
        indices.extend(ids)
        k = len(ids)
        data.extend([1.0 / k**0.5 if k else 1.0] * k)
        indptr.append(len(indices))
    return sp.csr_matrix((np.asarray(data, np.float32), np.asarray(indices, np.int32), np.asarray(indptr)),
                         shape=(len(feats), len(index)))


def fit(feats: Sequence[list[str]], y: np.ndarray, c: float = C, min_df: int = MIN_DF):
    """Fit the model on feature lists; return (vocab, coef (n_features x n_classes), intercept, classes)."""
    from collections import Counter

    from sklearn.linear_model import LogisticRegression

    df = Counter(f for fl in feats for f in set(fl))
    vocab = sorted((f for f, n in df.items() if n >= min_df), key=encode_feature)
    index = {f: i for i, f in enumerate(vocab)}
    X = _matrix(feats, index)
    clf = LogisticRegression(C=c, max_iter=5000, class_weight="balanced", random_state=SEED)
    clf.fit(X, y)
    return vocab, clf.coef_.T.astype(np.float32), clf.intercept_.astype(np.float32), clf.classes_


def predict(model, feats: Sequence[list[str]]) -> np.ndarray:
    vocab, coef, intercept, classes = model
    X = _matrix(feats, {f: i for i, f in enumerate(vocab)})
    return classes[np.argmax(X @ coef + intercept, axis=1)]


def cv_predict(texts: Sequence[str], y: np.ndarray, folds: int = 5, c: float = C, min_df: int = MIN_DF):
    """Out-of-fold model predictions (stratified k-fold, fixed seed)."""
    from sklearn.model_selection import StratifiedKFold

    feats = featurize(texts)
    pred = np.zeros_like(y)
    fold_of = np.zeros_like(y)
    for k, (tr, te) in enumerate(StratifiedKFold(folds, shuffle=True, random_state=SEED).split(texts, y)):
        model = fit([feats[i] for i in tr], y[tr], c, min_df)
        pred[te] = predict(model, [feats[i] for i in te])
        fold_of[te] = k
    return pred, fold_of


def save(model, path: Path) -> None:
    """Write the model as an .npz whose bytes depend only on the model (fixed zip timestamps)."""
    import io
    import zipfile

    vocab, coef, intercept, classes = model
    arrays = {
        "vocab": np.asarray("\n".join(encode_feature(f) for f in vocab)),
        "coef": coef.astype(np.float16),
        "intercept": np.asarray(intercept, dtype=np.float32),
        "classes": np.asarray(classes, dtype=np.int8),
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, arr in arrays.items():
            buf = io.BytesIO()
            np.save(buf, arr, allow_pickle=False)
            info = zipfile.ZipInfo(name + ".npy", date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, buf.getvalue())


def main(argv: Sequence[str] | None = None) -> None:
    root = Path(__file__).resolve().parents[2]
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", default=str(root.parent / "shared/benchmarks/claim-strength/yu2019-dev.csv"))
    ap.add_argument("--out", default=str(Path(__file__).with_name("data") / MODEL_FILE))
    args = ap.parse_args(argv)
    texts, y = load_yu(args.data)
    model = fit(featurize(texts), y)
    save(model, Path(args.out))
    print(f"wrote {args.out}: {len(model[0])} features, classes {list(model[3])}")


if __name__ == "__main__":
    main()
