"""Held-out accuracy: fit the match model with whole articles held out, and score the audit on them.

    python benchmarks/heldout.py [--folds 5] [--pages .pages-dev] [--gold FILE:FOLDER ...]

Every labelled article (by default ../shared/gold/seeds-dev.jsonl over corpus/, and
../shared/gold/pages-dev.jsonl over the rebuilt pages, see ../shared/gold/pages-dev.md) is put in one
of `--folds` folds (articles sorted by name, then dealt out with a fixed shuffle). For each fold the
match model is fitted on the other folds' articles only, and the held-out articles are audited with
it; the outcomes of all folds are pooled and scored per gold file and overall, exactly as
`claimaudit eval` scores a report. The figures printed are therefore held-out figures: no article is
scored by a model that saw its labels. For comparison the script also prints the figures of the
bundled model (fitted on all of them) on the same articles, which are in-sample.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence
import random
from dataclasses import replace
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from claimaudit.claimness import CUTOFF, fit_claim_model  # noqa: E402
from claimaudit.evaluate import format_table, outcomes, score  # noqa: E402
from claimaudit.ingest import read_article  # noqa: E402
from claimaudit.match import FEATURES, MatchModel, MatchSettings  # noqa: E402
from claimaudit.match_train import (  # noqa: E402
    GoldArticle,
    ACCEPT_GRID,
    choose_flag_score,
    choose_scores,
    claim_rows,
    feature_rows,
    fit,
    gold_articles,
    recalibrated,
)
from claimaudit.pipeline import Auditor, Settings  # noqa: E402
from claimaudit.reference import load_reference  # noqa: E402

SHARED = ROOT.parent / "shared" / "gold"
FAKEHEALTH = ROOT.parent / "shared" / "benchmarks" / "corpora" / "fakehealth"


def report_of(auditor: Auditor, article: GoldArticle) -> dict:
    """Audit one labelled article; return it in the report shape `evaluate.outcomes` reads."""
    rep = auditor.audit_article(read_article(article.path, article.name))
    return {"path": str(article.path), "claims": [
        {"start": f.claim.sentence.start, "end": f.claim.sentence.end, "verdict": f.verdict,
         "score": f.score} for f in rep.findings],
        "ids": {f.claim.sentence.text: f"{f.reference_id or '-'} {f.rule} s{f.claim.strength} | {f.reason}"
                for f in rep.findings}}


def folds_of(articles: list[GoldArticle], k: int, seed: int = 0) -> list[int]:
    """Deal articles into k folds (a fixed shuffle of the name order)."""
    order = list(range(len(articles)))
    random.Random(seed).shuffle(order)
    fold = [0] * len(articles)
    for rank, i in enumerate(order):
        fold[i] = rank % k
    return fold


def pooled_scores(articles: list[GoldArticle], reports: dict[str, dict],
                  groups: Sequence[tuple[str, Sequence[str]]] = ()) -> list[tuple[str, object]]:
    """Score reports against the gold rows, per gold file, per named group of gold files, and overall."""
    by_file: dict[str, list[dict]] = {}
    for a in articles:
        rows, _ = outcomes(list(a.rows), {"articles": [reports[a.name]]})
        by_file.setdefault(a.gold_file, []).extend(rows)
    named = [(name, score(rows)) for name, rows in by_file.items()]
    for label, files in groups:
        rows = [r for f in files for r in by_file.get(f, [])]
        if rows:
            named.append((label, score(rows)))
    pooled = [r for rows in by_file.values() for r in rows]
    return [*named, ("overall", score(pooled))]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--pages", default=str(ROOT / ".pages-dev"))
    ap.add_argument("--gold", nargs="*", default=None,
                    help="GOLD.jsonl:FOLDER pairs (default: seeds-dev over corpus/, pages-dev over --pages, "
                         "vitamin-d-dev over the FakeHealth stories)")
    ap.add_argument("--reference", default=str(ROOT / "reference"))
    ap.add_argument("--no-embeddings", action="store_true", help="fit and audit without embeddings")
    ap.add_argument("--no-claim-filter", action="store_true", help="rules only for claim/non-claim")
    ap.add_argument("--claim-cutoff", type=float, default=CUTOFF,
                    help="P(claim) below which the claim filter rejects a unit")
    ap.add_argument("--no-semantic-claims", dest="semantic_claims", action="store_false",
                    help="judge every unit by the claim filter's hashed words (no semantic part)")
    ap.add_argument("--semantic-cutoff", type=float, default=None,
                    help="P(claim) below which the claim filter's semantic part rejects a unit")
    ap.add_argument("--claim-c", type=float, default=None,
                    help="inverse regularization of the claim filter (default: fit_claim_model's)")
    ap.add_argument("--group", action="append", default=[], metavar="LABEL=FILE+FILE",
                    help="also score these gold files pooled (default: seeds+pages, the magnesium target set)")
    ap.add_argument("--fixed-accept", action="store_true",
                    help="keep the fitted model's acceptance cut-off; choose only the flag score")
    ap.add_argument("--show", action="store_true", help="also list the held-out units scored wrong")
    ap.add_argument("--held-only", action="store_true", help="skip the in-sample figures of the bundled model")
    ap.add_argument("--dump", type=Path, default=None, metavar="FILE.jsonl",
                    help="write every held-out unit (labels, outcome, reference id, rule, reason) as JSON lines")
    args = ap.parse_args(argv)
    pairs = ([tuple(g.rsplit(":", 1)) for g in args.gold] if args.gold else
             [(SHARED / "seeds-dev.jsonl", ROOT / "corpus"), (SHARED / "pages-dev.jsonl", Path(args.pages)),
              (ROOT / "benchmarks" / "gold" / "vitamin-d-dev.jsonl", FAKEHEALTH)])
    articles = gold_articles(pairs)
    if not articles:
        print("no labelled articles found", file=sys.stderr)
        return 2
    reference = load_reference([args.reference])
    emb = not args.no_embeddings
    # The features do not depend on the model: any model of the right shape will do here.
    blank = MatchModel((0.0,) * len(FEATURES), 0.0, emb)
    base = Auditor(reference, Settings(match=MatchSettings(model=blank, embeddings=emb), claim_filter=False))
    data = {a.name: feature_rows(base, a) for a in articles}
    units = {a.name: claim_rows(base, a) for a in articles}
    fold = folds_of(articles, args.folds, args.seed)
    held: dict[str, dict] = {}
    for k in range(args.folds):
        train = [a for a, f in zip(articles, fold) if f != k]
        X = np.vstack([data[a.name][0] for a in train])
        y = np.concatenate([data[a.name][1] for a in train])
        unit = np.concatenate([data[a.name][2] + 100_000 * j for j, a in enumerate(train)])
        model = replace(fit(X, y, unit, embeddings=emb), flag_score=0.0)
        claim_model = None
        if not args.no_claim_filter:
            claim_model = fit_claim_model([t for a in train for t in units[a.name][0]],
                                          [v for a in train for v in units[a.name][1]],
                                          embeddings=[e for a in train for e in units[a.name][2]]
                                          if args.semantic_claims else None,
                                          **({"semantic_cutoff": args.semantic_cutoff}
                                             if args.semantic_cutoff else {}),
                                          cutoff=args.claim_cutoff,
                                          **({"c": args.claim_c} if args.claim_c else {}))
        def auditor_with(m: MatchModel, **ms: float) -> Auditor:
            return Auditor(reference, Settings(match=MatchSettings(model=m, embeddings=emb, **ms),
                                               claim_filter=claim_model is not None,
                                               claim_model=claim_model))

        if args.fixed_accept:
            train_reports = {a.name: report_of(auditor_with(model), a) for a in train}
            accept, flag = 50.0, choose_flag_score(train, train_reports)
        else:
            train_reports = {a.name: report_of(auditor_with(model, min_score=ACCEPT_GRID[0]), a) for a in train}
            accept, flag = choose_scores(train, train_reports)
        final = recalibrated(model, accept, flag)
        print(f"fold {k}: {len(train)} training articles, accept {accept:g} and flag {flag:g} "
              f"(flag score {final.flag_score:g} once 50 is the acceptance cut-off)", file=sys.stderr)
        auditor = auditor_with(final)
        for a, f in zip(articles, fold):
            if f == k:
                held[a.name] = report_of(auditor, a)
    print(f"held out ({args.folds} folds by article, {len(articles)} articles, "
          f"embeddings {'on' if emb else 'off'}):")
    groups = [(g.split("=", 1)[0], g.split("=", 1)[1].split("+")) for g in args.group] or [
        ("seeds+pages", ["seeds-dev.jsonl", "pages-dev.jsonl"])]
    scored = pooled_scores(articles, held, groups)
    print(format_table(scored))
    if args.show:
        for r in scored[-1][1].rows:
            if not r["ok"]:
                print(f"BAD {r['article'][:6]:<6} {'/'.join(r['labels']):<24} {r.get('ref') or '-':<8} "
                      f"-> {r['outcome']:<12} {held[r['article']]['ids'].get(r['text'], '')[:400]} "
                      f"{r['text'][:100]}")
    if args.dump:
        with args.dump.open("w", encoding="utf-8") as fh:
            for r in scored[-1][1].rows:
                fh.write(json.dumps({"article": r["article"], "labels": r["labels"], "ref": r.get("ref"),
                                     "outcome": r["outcome"], "ok": r["ok"], "text": r["text"],
                                     "audit": held[r["article"]]["ids"].get(r["text"], "")},
                                    ensure_ascii=False) + "\n")
    if args.held_only:
        return 0
    inside = {a.name: report_of(Auditor(reference, Settings(match=MatchSettings(embeddings=emb))), a)
              for a in articles}
    print("\nbundled model (in-sample on these articles):")
    print(format_table(pooled_scores(articles, inside, groups)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
