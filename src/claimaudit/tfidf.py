"""TF-IDF retrieval index: scikit-learn's TfidfVectorizer, as the matcher uses it, in numpy.

The matcher scores each unit of an article against the reference texts of a
subject by the cosine of their TF-IDF vectors (word 1-2-grams of the
normalized texts, split on whitespace, no lower-casing, sublinear tf, smooth
idf, l2 norm, float32). It used `TfidfVectorizer(analyzer="word",
ngram_range=(1, 2), sublinear_tf=True, token_pattern=r"\\S+", lowercase=False,
dtype=np.float32)` and a sparse product; importing scikit-learn costs every
audit process about 1.3 s (most of it scipy.stats), more than the retrieval
itself. `TfidfIndex` computes the same floats with the same operations in the
same order (float32 counts, log, +1, times idf; squares added in float64; each
value divided in float64 and rounded to float32; the products summed per text
in ascending term order in float32, as scipy's CSR product does), so the
similarities, and every score built on them, are unchanged;
tests/test_fast_paths.py checks it against scikit-learn.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np

_TERM = re.compile(r"\S+")


def terms(text: str) -> list[str]:
    """Return a text's words then its word pairs (TfidfVectorizer's analyzer, ngram_range (1, 2))."""
    words = _TERM.findall(text)
    return [*words, *map(" ".join, zip(words, words[1:]))]


def _normalize_rows(data: np.ndarray, indptr: Sequence[int]) -> np.ndarray:
    """l2-normalize each row of float32 CSR data, as scikit-learn's `normalize` does.

    The squares (float32) are added in float64 in row order; each value is
    divided by the norm in float64 and rounded back to float32. A row whose
    squares add up to 0 is left as it is.
    """
    squares = (data * data).tolist()
    norms = np.ones(len(data), dtype=np.float64)
    for a, b in zip(indptr[:-1], indptr[1:]):
        total = 0.0
        for q in squares[a:b]:
            total += q
        if total != 0.0:
            norms[a:b] = np.sqrt(total)
    return (data.astype(np.float64) / norms).astype(np.float32)


def _weights(counts: list[int], term_ids: Sequence[int], idf: np.ndarray) -> np.ndarray:
    """Return sublinear tf times idf, in float32, for the counts of the given terms."""
    data = np.asarray(counts, dtype=np.float32)
    np.log(data, data)
    data += 1.0
    data *= idf[np.asarray(term_ids, dtype=np.int64)]
    return data


class TfidfIndex:
    """The TF-IDF vectors of a list of texts, and their cosines with other texts.

    `vocabulary` maps each term to its column (terms in sorted order, as
    scikit-learn numbers them); `idf` holds the smoothed idf (float32); the
    texts' l2-normalized vectors are kept per term (`postings`), which is what
    the similarity product reads.
    """

    def __init__(self, docs: Sequence[str]) -> None:
        seen: dict[str, int] = {}  # term -> order of first appearance
        rows: list[dict[int, int]] = []
        for doc in docs:
            row: dict[int, int] = {}
            for term in terms(doc):
                t = seen.setdefault(term, len(seen))
                row[t] = row.get(t, 0) + 1
            rows.append(row)
        if not seen:
            raise ValueError("empty vocabulary; perhaps the documents only contain stop words")
        names = sorted(seen)
        self.vocabulary: dict[str, int] = {name: i for i, name in enumerate(names)}
        column = np.empty(len(names), dtype=np.int64)  # first-appearance order -> column
        for i, name in enumerate(names):
            column[seen[name]] = i
        indptr = [0]
        cols: list[int] = []
        counts: list[int] = []
        for row in rows:  # each row in first-appearance order, as the fitted matrix has it
            ordered = sorted(row)
            cols.extend(int(column[t]) for t in ordered)
            counts.extend(row[t] for t in ordered)
            indptr.append(len(cols))
        n_docs = len(rows)
        df = np.bincount(np.asarray(cols, dtype=np.int64), minlength=len(names)).astype(np.float32)
        df += 1.0
        idf = np.full_like(df, fill_value=n_docs + 1, dtype=np.float32)
        idf /= df
        np.log(idf, out=idf)
        idf += 1.0
        self.idf = idf
        data = _normalize_rows(_weights(counts, cols, idf), indptr)
        # Per term (column), the texts that have it and their weights, texts ascending.
        doc_of = np.repeat(np.arange(n_docs, dtype=np.int64), np.diff(indptr))
        col_arr = np.asarray(cols, dtype=np.int64)
        order = np.lexsort((doc_of, col_arr))
        self.post_docs = doc_of[order]
        self.post_vals = data[order]
        self.post_ptr = np.zeros(len(names) + 1, dtype=np.int64)
        np.cumsum(np.bincount(col_arr, minlength=len(names)), out=self.post_ptr[1:])
        self.n_docs = n_docs

    def transform(self, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Return the texts' TF-IDF vectors as CSR (indptr, term columns ascending, float32 values).

        Terms not in the vocabulary are ignored; a text with none has an empty row.
        """
        vocabulary = self.vocabulary
        indptr = [0]
        cols: list[int] = []
        counts: list[int] = []
        for text in texts:
            row: dict[int, int] = {}
            for term in terms(text):
                t = vocabulary.get(term)
                if t is not None:
                    row[t] = row.get(t, 0) + 1
            for t in sorted(row):
                cols.append(t)
                counts.append(row[t])
            indptr.append(len(cols))
        data = _normalize_rows(_weights(counts, cols, self.idf), indptr)
        return np.asarray(indptr, dtype=np.int64), np.asarray(cols, dtype=np.int64), data

    def add_similarities(self, out: np.ndarray, texts: Sequence[str],
                         columns: np.ndarray | None = None) -> None:
        """Add each text's cosine with each indexed text to `out` (float32, texts x columns).

        Indexed text d goes to column `columns[d]` (default d). Each cosine is
        summed from 0 in float32 in ascending term order, as scipy's sparse
        product sums it, so on a zero `out` the result equals
        `(vectorizer.transform(texts) @ fitted.T).toarray()`.
        """
        indptr, cols, vals = self.transform(texts)
        if not len(cols):
            return
        ptr = self.post_ptr
        starts, lengths = ptr[cols], ptr[cols + 1] - ptr[cols]
        total = int(lengths.sum())
        if not total:
            return
        entry = np.repeat(np.arange(len(cols), dtype=np.int64), lengths)
        first = np.cumsum(lengths) - lengths
        at = np.arange(total, dtype=np.int64) - first[entry] + starts[entry]
        docs = self.post_docs[at]
        rows = np.repeat(np.arange(len(indptr) - 1, dtype=np.int64), np.diff(indptr))[entry]
        products = vals[entry] * self.post_vals[at]  # float32 times float32
        np.add.at(out, (rows, docs if columns is None else columns[docs]), products)
