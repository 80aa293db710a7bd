"""Fit the match model and the claim filter (src/claimaudit/data/) on every visible labelled article.

    python tools/fit_match_model.py [--pages .pages-dev] [--gold GOLD.jsonl:FOLDER ...]

By default it reads ../shared/gold/seeds-dev.jsonl over corpus/, ../shared/gold/pages-dev.jsonl over
the rebuilt pages and benchmarks/gold/vitamin-d-dev.jsonl over the FakeHealth stories (see ../shared/gold/pages-dev.md for how to rebuild them; the pages are third-party
text and never enter the repository). The held-out figures of this recipe come from
benchmarks/heldout.py, which refits it per fold with whole articles held out: quote those, not the
figures of this model on the articles it was fitted on.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "benchmarks"))

from heldout import report_of  # noqa: E402

from claimaudit.match import FEATURES, MatchModel, MatchSettings  # noqa: E402
from claimaudit.claimness import fit_claim_model, model_document  # noqa: E402
from claimaudit.match_train import (  # noqa: E402
    ACCEPT_GRID,
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
OUT = ROOT / "src" / "claimaudit" / "data" / "match_model.json"
CLAIM_OUT = ROOT / "src" / "claimaudit" / "data" / "claim_model.json"
FAKEHEALTH = ROOT.parent / "shared" / "benchmarks" / "corpora" / "fakehealth"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pages", default=str(ROOT / ".pages-dev"))
    ap.add_argument("--gold", nargs="*", default=None, help="GOLD.jsonl:FOLDER pairs")
    ap.add_argument("--reference", default=str(ROOT / "reference"))
    ap.add_argument("--out", type=Path, default=OUT)
    args = ap.parse_args(argv)
    pairs = ([tuple(g.rsplit(":", 1)) for g in args.gold] if args.gold else
             [(SHARED / "seeds-dev.jsonl", ROOT / "corpus"), (SHARED / "pages-dev.jsonl", Path(args.pages)),
              (ROOT / "benchmarks" / "gold" / "vitamin-d-dev.jsonl", FAKEHEALTH)])
    articles = gold_articles(pairs)
    reference = load_reference([args.reference])
    # The features do not depend on the model: any model of the right shape will do here.
    base = Auditor(reference, Settings(match=MatchSettings(model=MatchModel((0.0,) * len(FEATURES), 0.0)),
                                       claim_filter=False))
    data = [feature_rows(base, a) for a in articles]
    units = [claim_rows(base, a) for a in articles]
    claim_model = fit_claim_model([t for u in units for t in u[0]], [v for u in units for v in u[1]],
                                  embeddings=[e for u in units for e in u[2]])
    CLAIM_OUT.write_text(json.dumps({
        **model_document(claim_model),
        "units": len([v for u in units for v in u[1]]),
        "semantic_units": sum(e is not None for u in units for e in u[2]),
        "recipe": "tools/fit_match_model.py; held-out figures: benchmarks/heldout.py",
    }) + "\n", encoding="utf-8")
    X = np.vstack([d[0] for d in data])
    y = np.concatenate([d[1] for d in data])
    unit = np.concatenate([d[2] + 100_000 * j for j, d in enumerate(data)])
    fitted = replace(fit(X, y, unit), flag_score=0.0)
    auditor = Auditor(reference, Settings(match=MatchSettings(model=fitted, min_score=ACCEPT_GRID[0]),
                                          claim_model=claim_model))
    accept, flag = choose_scores(articles, {a.name: report_of(auditor, a) for a in articles})
    model = recalibrated(fitted, accept, flag)
    doc = {
        "features": list(FEATURES),
        "weights": list(model.weights),
        "bias": model.bias,
        "embeddings": model.embeddings,
        "flag_score": model.flag_score,
        "calibration": {"accept": accept, "flag": flag,
                        "note": "cut-offs chosen on the fitted model's scale; the intercept is shifted so "
                                "that min-score 50 is `accept`"},
        "fitted_on": sorted({f"{a.gold_file} ({sum(1 for b in articles if b.gold_file == a.gold_file)} articles)"
                             for a in articles}),
        "rows": int(len(y)),
        "positives": int(y.sum()),
        "recipe": "tools/fit_match_model.py; held-out figures: benchmarks/heldout.py",
    }
    tmp = args.out.with_suffix(".tmp")
    tmp.write_text(json.dumps(doc, indent=2) + "\n", encoding="utf-8")
    tmp.replace(args.out)
    print(f"wrote {args.out}: {len(y)} rows, {int(y.sum())} positives, accept {accept:g}, flag {flag:g} "
          f"(flag score {model.flag_score:g})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
