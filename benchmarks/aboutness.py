"""Does each pack stay with its own subject on real news? (issues 14 and 16)

    .venv/bin/python benchmarks/aboutness.py [--corpus DIR] [--min-mentions 3]

Audits every FakeHealth story (../shared/benchmarks/corpora/fakehealth/, read in
place) with all bundled packs, in this process, and prints:

1. the stories that discuss vitamin D ("vitamin d" in any case `--min-mentions` times or more, as
   issue 16 defines them): how many, and how many of their claims match the
   vitamin D pack on average (issue 16 asks for at least 1.5 a story), and which
   of those stories carry the 10 labelled in benchmarks/gold/vitamin-d-dev.jsonl;
2. for every story and every finding matched to a reference claim: whether the
   story names that claim's subject anywhere (`Matcher.subject_mentions`). A
   match, and above all an overstated or contradicted finding, in a story that
   never names the subject is an aboutness error (issue 14 asks for no such
   flag; issue 16 for no magnesium match in a story that never names magnesium).

Nothing is asserted: it prints counts and lists the offending sentences, if any.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = ROOT.parent / "shared" / "benchmarks" / "corpora" / "fakehealth"
LABELLED = ROOT / "benchmarks" / "gold" / "vitamin-d-dev.jsonl"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--min-mentions", type=int, default=3)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT / "src"))
    from claimaudit.ingest import read_article
    from claimaudit.pipeline import Auditor
    from claimaudit.reference import load_reference

    auditor = Auditor(load_reference([ROOT / "reference"]))
    matcher = auditor.matcher
    subject_of = {c.id: c.subject for c in auditor.reference.claims}
    labelled = ({json.loads(line)["article"] for line in LABELLED.open(encoding="utf-8")}
                if LABELLED.is_file() else set())
    files = sorted(p for p in args.corpus.iterdir() if p.suffix in (".txt", ".md", ".html"))
    vd_term = re.compile(r"vitamin d", re.IGNORECASE)  # as issue 16 counts them (also "vitamin D3")
    vd_stories: list[tuple[str, int]] = []
    outside = Counter()
    outside_flags: list[str] = []
    matched_total = Counter()
    for path in files:
        article = read_article(path, path.name)
        report = auditor.audit_article(article)
        mentions = matcher.subject_mentions(article.text)
        per_subject = Counter()
        for f in report.findings:
            if f.reference_id is None or f.verdict == "unverified":
                continue
            subject = subject_of.get(f.reference_id, "")
            per_subject[subject] += 1
            matched_total[subject] += 1
            if subject and not mentions.get(subject):
                outside[subject] += 1
                if f.verdict in ("overstated", "contradicted"):
                    outside_flags.append(f"{path.name}: {f.verdict} {f.reference_id}: "
                                         f"{f.claim.sentence.text[:120]}")
        if len(vd_term.findall(article.text)) >= args.min_mentions:
            vd_stories.append((path.name, per_subject.get("vitamin d", 0)))
    print(f"corpus: {args.corpus} ({len(files)} stories)")
    n = len(vd_stories)
    mean = sum(k for _, k in vd_stories) / n if n else 0.0
    print(f"stories naming vitamin D >= {args.min_mentions} times: {n}; claims matched to the vitamin D pack: "
          f"{sum(k for _, k in vd_stories)} ({mean:.2f} a story; fewest {min((k for _, k in vd_stories), default=0)})")
    held = [(name, k) for name, k in vd_stories if name not in labelled]
    if held:
        print(f"  of which not in the labelled 10: {len(held)} stories, "
              f"{sum(k for _, k in held) / len(held):.2f} a story")
    print("findings matched (supported, overstated or contradicted), by pack subject: "
          + ", ".join(f"{s or '(none)'} {k}" for s, k in sorted(matched_total.items())))
    print("of those, in a story that never names the subject: "
          + (", ".join(f"{s} {k}" for s, k in sorted(outside.items())) or "none"))
    print(f"overstated or contradicted in a story that never names the subject: {len(outside_flags)}")
    for line in outside_flags:
        print("  " + line)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
