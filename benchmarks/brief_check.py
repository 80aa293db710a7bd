"""The evidence brief's own verdicts on the seed articles, against the audit's (issue 14).

    .venv/bin/python benchmarks/brief_check.py [--articles A1,A3] [--brief PATH] [--show]

The brief (../shared/evidence/brief.md) quotes, under each of its claims, one sentence of each
seed article that makes the claim, and gives the verdict an honest auditor would give it
("A1 supported", "A0: overstated. ..."). Issue 14 asks for figures on the two seed articles that
have no gold labels here, A1 (001) and A3 (003); this script is the closest check we have on them.
It audits the bundled corpus with the bundled reference set and models, in this process, finds
each quoted sentence in the report (the claim whose text contains it best, rapidfuzz
`partial_ratio` >= 85; otherwise the outcome is `none`, no claim), and prints, per article, how
many of the brief's verdicts the audit gives ("unverifiable" counts as unverified).

Read the figure with care: about 15 quotes an article, one quote is 3 points or more; the brief is
not the gold labels (it judges one representative sentence per claim, and a quote may cover two
units); the bundled models were fitted on the labelled seed articles A0, A2 and A4, so their row
is in-sample, and the reference set was curated from this brief. Nothing is asserted.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_BRIEF = ROOT.parent / "shared" / "evidence" / "brief.md"
VERDICT = r"(supported|overstated|contradicted|unverifiable|unverified)"
MIN_OVERLAP = 85


def brief_verdicts(text: str) -> list[tuple[str, str, str, str]]:
    """Return (claim id, article, quote, verdict) for every quote whose article the brief gives a verdict."""
    out = []
    for block in re.split(r"\n### ", text)[1:]:
        claim_id = block.split(":", 1)[0].strip()
        at = block.find("**Verdicts**")
        if at < 0:
            continue
        verdicts_text = block[at:].split("- **Sources**")[0]
        verdicts: dict[str, str] = {}
        # "A0: overstated. ...", "A2 (main text): supported." and "A0, A1 and A2 supported"
        for m in re.finditer(r"(A\d)(?: \(main text\))?: " + VERDICT, verdicts_text):
            verdicts.setdefault(m.group(1), m.group(2))
        for m in re.finditer(r"((?:A\d(?:, | and )?)+) " + VERDICT, verdicts_text):
            for art in re.findall(r"A\d", m.group(1)):
                verdicts.setdefault(art, m.group(2))
        for m in re.finditer(r'- (A\d): "(.+?)"', block[:at]):
            art, quote = m.group(1), m.group(2)
            if art in verdicts:
                v = verdicts[art]
                out.append((claim_id, art, quote, "unverified" if v == "unverifiable" else v))
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--brief", type=Path, default=DEFAULT_BRIEF)
    parser.add_argument("--articles", default="A0,A1,A2,A3,A4", help="brief article names, comma-separated")
    parser.add_argument("--show", action="store_true", help="print every quote the audit judges otherwise")
    args = parser.parse_args()
    if not args.brief.is_file():
        print(f"brief_check: {args.brief}: not found", file=sys.stderr)
        return 2
    sys.path.insert(0, str(ROOT / "src"))
    from rapidfuzz import fuzz

    from claimaudit.ingest import read_article
    from claimaudit.pipeline import Auditor
    from claimaudit.reference import load_reference

    auditor = Auditor(load_reference([ROOT / "reference"]))
    files = {f"A{int(p.name[:3])}": p for p in sorted((ROOT / "corpus").glob("00[0-9]_*.txt"))}
    findings = {name: auditor.audit_article(read_article(p, str(p.relative_to(ROOT)))).findings
                for name, p in files.items()}
    wanted = args.articles.split(",")
    rows = [r for r in brief_verdicts(args.brief.read_text(encoding="utf-8")) if r[1] in wanted and r[1] in files]
    tally: dict[str, list[int]] = {}
    for claim_id, art, quote, want in rows:
        best, overlap = None, 0.0
        for f in findings[art]:
            score = fuzz.partial_ratio(quote, f.claim.sentence.text)
            if score > overlap:
                best, overlap = f, score
        got = best.verdict if best is not None and overlap >= MIN_OVERLAP else "none"
        t = tally.setdefault(art, [0, 0])
        t[0] += got == want
        t[1] += 1
        if args.show and got != want:
            ref = best.reference_id if best is not None and got != "none" else "-"
            print(f"{art} {claim_id}: brief {want}, audit {got} ({ref}): {quote[:100]}")
    print("article  agree  quotes  agreement  (the brief's verdict on each quoted sentence)")
    for art in sorted(tally):
        ok, n = tally[art]
        note = "  unlabelled seed" if art in ("A1", "A3") else "  in the models' training data"
        print(f"{art:<7}  {ok:>5}  {n:>6}  {ok / n:9.3f}{note}")
    ok, n = sum(t[0] for t in tally.values()), sum(t[1] for t in tally.values())
    print(f"{'all':<7}  {ok:>5}  {n:>6}  {ok / max(n, 1):9.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
