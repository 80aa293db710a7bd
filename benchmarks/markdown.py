"""What parsing Markdown with markdown-it-py costs, as a ratio to reading the same text as .txt.

    .venv/bin/python benchmarks/markdown.py [--corpus DIR] [--sample N] [--repeat N]

Two sets of texts, each read both ways in this one process (alternating, the
fastest of --repeat runs):

1. news: the FakeHealth stories (../shared/benchmarks/corpora/fakehealth/,
   plain text; as Markdown they are paragraphs), first --sample files;
2. docs: this repository's own Markdown (README.md, docs/*.md,
   reference/README.md), with headings, lists, tables, code fences and links.

For each: ingest + segment (`article_from_text` + `segment`: where the
Markdown parser runs), and the whole per-article audit (`Auditor.audit_article`
on the bundled reference set). Figures are seconds and the ratio md / txt;
nothing is asserted.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = ROOT.parent / "shared" / "benchmarks" / "corpora" / "fakehealth"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--sample", type=int, default=400)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT / "src"))
    from claimaudit.ingest import article_from_text
    from claimaudit.pipeline import Auditor
    from claimaudit.reference import load_reference
    from claimaudit.segment import segment

    auditor = Auditor(load_reference([ROOT / "reference"]))
    sets = {}
    if args.corpus.is_dir():
        files = sorted(args.corpus.glob("*.txt"))[: args.sample]
        sets["news"] = [f.read_text(encoding="utf-8", errors="replace") for f in files]
    docs = [ROOT / "README.md", ROOT / "reference" / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
    sets["docs"] = [d.read_text(encoding="utf-8") for d in docs if d.is_file()]

    def ingest_segment(texts: list[str], kind: str) -> None:
        for t in texts:
            segment(article_from_text(t, kind=kind))

    def whole(texts: list[str], kind: str) -> None:
        for t in texts:
            auditor.audit_article(article_from_text(t, kind=kind))

    for name, texts in sets.items():
        words = sum(len(t.split()) for t in texts)
        print(f"{name}: {len(texts)} texts, {words:,} words")
        for label, fn in (("ingest + segment", ingest_segment), ("whole audit", whole)):
            best = {"txt": float("inf"), "md": float("inf")}
            for _ in range(args.repeat):
                for kind in ("txt", "md"):
                    t0 = time.perf_counter()
                    fn(texts, kind)
                    best[kind] = min(best[kind], time.perf_counter() - t0)
            print(f"  {label:<17} txt {best['txt']:7.3f} s   md {best['md']:7.3f} s   "
                  f"= {best['md'] / best['txt']:.2f}x")


if __name__ == "__main__":
    main()
