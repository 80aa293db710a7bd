#!/usr/bin/env python3
"""Check offset-keyed gold units against the story texts they point into.

Usage: check_units.py [STORIES_DIR] [GOLD.jsonl] [--write-text OUT.jsonl]

STORIES_DIR defaults to ../shared/benchmarks/corpora/fakehealth/ beside the repository (the FakeHealth texts are
third-party and are not copied here); GOLD defaults to vitamin-d-dev.jsonl next to this script. Each gold line names
its story file, the unit's character offsets [start, end) in that file's text (read as UTF-8) and the first 12 hex
digits of the SHA-1 of the unit's text after NFKC normalization and whitespace collapsing, exactly as
../shared/gold/check_pages.py computes it. Also checks that a story's units are in file order, do not overlap and
carry only known labels. Prints "<story>: N/N units match" per story and exits 1 when a story is missing, a unit
does not match, or a line is malformed (each problem is named with its line number).

--write-text OUT.jsonl writes a copy of the gold lines with each unit's text filled in (as `text`), for tools that
locate units by text (`claimaudit eval`); write it outside the repository, since the texts are third-party.
"""
import collections, hashlib, json, pathlib, re, sys, unicodedata

HERE = pathlib.Path(__file__).resolve().parent
DEFAULT_STORIES = HERE.parents[1] / ".." / "shared" / "benchmarks" / "corpora" / "fakehealth"
LABELS = {"supported", "overstated", "contradicted", "unverified", "none"}


def norm(text: str) -> str:
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", text)).strip()


def digest(text: str) -> str:
    return hashlib.sha1(norm(text).encode()).hexdigest()[:12]


def main(argv: list[str]) -> int:
    out = None
    if "--write-text" in argv:
        i = argv.index("--write-text")
        if i + 1 >= len(argv):
            print("check_units.py: --write-text needs a file name", file=sys.stderr)
            return 2
        out = pathlib.Path(argv[i + 1])
        argv = argv[:i] + argv[i + 2:]
    stories = pathlib.Path(argv[1]) if len(argv) > 1 else DEFAULT_STORIES
    gold = pathlib.Path(argv[2]) if len(argv) > 2 else HERE / "vitamin-d-dev.jsonl"
    with_text = []
    ok, total, missing, last_end = collections.Counter(), collections.Counter(), set(), {}
    texts: dict[str, str | None] = {}
    problems = []
    for lineno, line in enumerate(gold.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            g = json.loads(line)
            name, start, end, sha = g["article"], int(g["start"]), int(g["end"]), g["sha1"]
            labels = g["labels"]
        except (ValueError, KeyError, TypeError) as exc:
            problems.append(f"{gold.name}:{lineno}: malformed line ({exc})")
            continue
        total[name] += 1
        if not labels or set(labels) - LABELS:
            problems.append(f"{gold.name}:{lineno}: unknown or empty labels {labels}")
        if start >= end or start < last_end.get(name, 0):
            problems.append(f"{gold.name}:{lineno}: unit [{start}, {end}) is out of order or overlaps the previous one")
        last_end[name] = end
        if name not in texts:
            p = stories / name
            texts[name] = p.read_text(encoding="utf-8") if p.is_file() else None
        src = texts[name]
        if src is None:
            missing.add(name)
            continue
        if digest(src[start:end]) == sha:
            ok[name] += 1
            with_text.append({**g, "text": src[start:end]})
        else:
            problems.append(f"{gold.name}:{lineno}: {name} [{start}, {end}) does not match its sha1")
    bad = 0
    for name in sorted(total):
        state = "missing" if name in missing else f"{ok[name]}/{total[name]} units match"
        bad += name in missing or ok[name] != total[name]
        print(f"{name}: {state}")
    for p in problems:
        print(p, file=sys.stderr)
    print(f"{len(total) - bad} of {len(total)} stories complete")
    if bad or problems:
        return 1
    if out is not None:
        out.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in with_text), encoding="utf-8")
        print(f"wrote {len(with_text)} units with their text to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
