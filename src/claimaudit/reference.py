"""Reference: load and validate the curated reference claim set.

YAML is read with the safe loader (no object construction). Every validation
error names the file, the line of the offending entry and the fix, and stops
the run (exit code 2): a reference set that half loads would give verdicts
nobody can trust.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import replace
from pathlib import Path
from typing import Any, NamedTuple

import yaml

from .records import GRADES, STANCES, ReferenceClaim, ReferenceSet, Study

ID_RE = re.compile(r"^[A-Z]{2,}-\d{3}[a-z]?$")
REQUIRED = ("id", "text", "stance", "grade", "max_strength", "studies")
KNOWN = frozenset(
    REQUIRED
    + ("variants", "key_terms", "overreach", "supported_wording", "note", "topic")
)
STUDY_REQUIRED = ("citation", "design")
STUDY_KNOWN = frozenset(STUDY_REQUIRED + ("year", "n", "finding", "pmid", "doi", "url"))


class ReferenceError(Exception):
    """An invalid reference file; the message is one line: file:line: problem; fix."""


def _fail(path: str, line: int | None, message: str) -> ReferenceError:
    where = f"{path}:{line}" if line else path
    return ReferenceError(f"[CA-E1] {where}: {message}")


def reference_files(paths: list[str | Path] | tuple[str | Path, ...]) -> list[Path]:
    """Expand reference paths (files or folders) into a sorted list of YAML files."""
    files: list[Path] = []
    for p in paths:
        p = Path(p)
        if p.is_dir():
            # A folder of packs (reference/magnesium/, reference/vitamin-d/) loads every pack.
            files.extend(sorted(list(p.rglob("*.yaml")) + list(p.rglob("*.yml"))))
        elif p.exists():
            files.append(p)
        else:
            raise _fail(str(p), None, "no such reference file or folder; pass --reference PATH")
    if not files:
        raise _fail(", ".join(str(p) for p in paths), None,
                    "no reference claims found (*.yaml); pass --reference PATH")
    return files


def load_reference(paths: list[str | Path] | tuple[str | Path, ...]) -> ReferenceSet:
    """Load, validate and return the reference set from files or folders."""
    return parse_reference_files(read_reference_files(paths))


class ReferenceFiles(NamedTuple):
    """The reference files read but not parsed, and their SHA-256 (the reference set's)."""

    files: tuple[Path, ...]
    texts: tuple[str, ...]
    sha256: str


def read_reference_files(paths: list[str | Path] | tuple[str | Path, ...]) -> ReferenceFiles:
    """Read the reference files (UTF-8 text, or a one-line error) without parsing them."""
    files = reference_files(paths)
    texts = []
    digest = hashlib.sha256()
    for f in files:
        data, text = _read_text(f)
        digest.update(f.name.encode() + b"\0" + data + b"\0")
        texts.append(text)
    return ReferenceFiles(tuple(files), tuple(texts), digest.hexdigest())


def parse_reference_files(read: ReferenceFiles) -> ReferenceSet:
    """Parse and validate read reference files into the reference set."""
    claims: list[ReferenceClaim] = []
    seen: dict[str, str] = {}
    for f, text in zip(read.files, read.texts):
        for claim in parse_reference_text(text, str(f)):
            if claim.id in seen:
                raise _fail(str(f), int(claim.source.rsplit(":", 1)[1]),
                            f"duplicate id {claim.id!r} (first defined at {seen[claim.id]}); "
                            "give each claim its own id")
            seen[claim.id] = claim.source
            claims.append(claim)
    return ReferenceSet(claims=tuple(claims), paths=tuple(str(f) for f in read.files),
                        sha256=read.sha256)


def _read_text(f: Path) -> tuple[bytes, str]:
    """Read one reference file as UTF-8 text; refuse unreadable, binary and non-UTF-8 files."""
    from .ingest import decode, os_error_reason

    try:
        data = f.read_bytes()
    except OSError as exc:
        raise _fail(str(f), None, f"cannot read it ({os_error_reason(f, exc)}); "
                    "pass --reference a readable YAML file or folder") from None
    try:
        _, encoding = decode(data)
    except ValueError as exc:
        raise _fail(str(f), None, f"{exc}; a reference file is YAML text in UTF-8") from None
    body = data[3:] if data.startswith(b"\xef\xbb\xbf") else data
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = body[:exc.start].count(b"\n") + 1
        raise _fail(str(f), line, f"not UTF-8 (byte 0x{body[exc.start]:02x}; the file looks like "
                    f"{encoding}); save it as UTF-8") from None
    if encoding not in ("utf-8", "utf-8-sig"):
        raise _fail(str(f), None, f"not UTF-8 (the file looks like {encoding}); save it as UTF-8")
    return data, text


def parse_reference_text(text: str, path: str = "<reference>") -> list[ReferenceClaim]:
    """Parse and validate one YAML document of reference claims."""
    try:
        node, data = _parse_yaml(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else None
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise _fail(path, line, f"YAML error: {problem}; fix the YAML syntax") from None
    if data is None:
        return []
    if not isinstance(data, dict) or "claims" not in data:
        raise _fail(path, 1, "expected a mapping with a 'claims:' list at the top level")
    unknown = sorted(set(data) - {"claims", "subject"})
    if unknown:
        raise _fail(path, 1, f"unknown top-level key(s) {', '.join(map(str, unknown))}; "
                    "allowed: claims, subject")
    subject, subject_terms = _subject(data.get("subject"), path)
    items = data["claims"] or []
    if not isinstance(items, list):
        raise _fail(path, 1, "'claims' must be a list of entries; start each entry with '- id: '")
    lines = _entry_lines(node)
    return [replace(_claim(item, path, lines[i] if i < len(lines) else None),
                    subject=subject, subject_terms=subject_terms)
            for i, item in enumerate(items)]


def _subject(value: Any, path: str) -> tuple[str, tuple[str, ...]]:
    """Validate a file's `subject: {name, terms}` (optional); return (name, terms)."""
    if value is None:
        return "", ()
    hint = "write subject: {name: magnesium, terms: [magnesium, hypomagnes]}"
    if not isinstance(value, dict) or set(value) != {"name", "terms"}:
        raise _fail(path, 1, f"'subject' must be a mapping with name and terms; {hint}")
    name, terms = value["name"], value["terms"]
    if not isinstance(name, str) or not name.strip():
        raise _fail(path, 1, f"subject name must be text; {hint}")
    if not isinstance(terms, list) or not terms or not all(
            isinstance(t, str) and t.strip() for t in terms):
        raise _fail(path, 1, f"subject terms must be a non-empty list of words; {hint}")
    return name.strip().lower(), tuple(t.strip().lower() for t in terms)


def _parse_yaml(text: str) -> tuple[yaml.Node | None, Any]:
    """Return (node tree, data) of one YAML document, parsed once.

    Uses libyaml's safe loader when PyYAML has it (about 10x faster on large
    reference sets; same data, same marks); on a YAML error it parses again with
    the pure-Python loader, so error messages do not depend on the build.
    """
    loaders = [yaml.SafeLoader]
    if getattr(yaml, "CSafeLoader", None) is not None:
        loaders.insert(0, yaml.CSafeLoader)
    for i, loader_class in enumerate(loaders):
        loader = loader_class(text)
        try:
            node = loader.get_single_node()
            return node, (loader.construct_document(node) if node is not None else None)
        except yaml.YAMLError:
            if i == len(loaders) - 1:
                raise
        finally:
            loader.dispose()
    raise AssertionError("unreachable")


def _entry_lines(node: yaml.Node | None) -> list[int]:
    """Return the 1-based line of each entry of the top-level claims list."""
    if not isinstance(node, yaml.MappingNode):
        return []
    for key, value in node.value:
        if getattr(key, "value", None) == "claims" and isinstance(value, yaml.SequenceNode):
            return [item.start_mark.line + 1 for item in value.value]
    return []


def _claim(item: Any, path: str, line: int | None) -> ReferenceClaim:
    if not isinstance(item, dict):
        raise _fail(path, line, "each claim must be a mapping with id, text, stance, grade, ...")
    label = f"claim {item.get('id')!r}" if item.get("id") else "claim"
    for key in REQUIRED:
        if key == "studies" and item.get("grade") == "insufficient" and item.get(key) == []:
            continue  # "no study found" is recorded as an empty list, never an invented one
        if item.get(key) in (None, "", []):
            raise _fail(path, line, f"{label} has no {key!r}; add {key}: {_hint(key)}")
    unknown = sorted(set(item) - KNOWN)
    if unknown:
        raise _fail(path, line, f"{label} has unknown field(s) {', '.join(unknown)}; "
                    f"allowed: {', '.join(sorted(KNOWN))}")
    cid = str(item["id"])
    if not ID_RE.match(cid):
        raise _fail(path, line, f"id {cid!r} is malformed; use e.g. MG-001 or MG-001b")
    if item["stance"] not in STANCES:
        raise _fail(path, line, f"{label} has unknown stance {item['stance']!r}; "
                    f"use one of {'|'.join(STANCES)}")
    if item["grade"] not in GRADES:
        raise _fail(path, line, f"{label} has unknown grade {item['grade']!r}; "
                    f"use one of {'|'.join(GRADES)}")
    ms = item["max_strength"]
    if isinstance(ms, bool) or not isinstance(ms, int) or not 0 <= ms <= 4:
        raise _fail(path, line, f"{label} has max_strength {ms!r}; use an integer 0-4")
    if not isinstance(item["studies"], list):
        raise _fail(path, line, f"{label}: 'studies' must be a list")
    studies = tuple(_study(s, path, line, label) for s in item["studies"])
    variants = _strings(item.get("variants") or [], path, line, label, "variants")
    overreach = _strings(item.get("overreach") or [], path, line, label, "overreach")
    key_terms_raw = item.get("key_terms") or []
    if isinstance(key_terms_raw, list):
        # YAML reads a bare 80 as a number; a key term is always text.
        key_terms_raw = [[str(t) if isinstance(t, (int, float)) and not isinstance(t, bool) else t
                          for t in g] if isinstance(g, list) else g for g in key_terms_raw]
    if not isinstance(key_terms_raw, list) or not all(
        isinstance(g, list) and g and all(isinstance(t, str) and t.strip() for t in g)
        for g in key_terms_raw
    ):
        raise _fail(path, line, f"{label}: 'key_terms' must be a list of non-empty lists of terms")
    key_terms = tuple(tuple(t.strip().lower() for t in g) for g in key_terms_raw)
    return ReferenceClaim(
        id=cid,
        text=str(item["text"]).strip(),
        stance=item["stance"],
        grade=item["grade"],
        max_strength=ms,
        studies=studies,
        variants=variants,
        key_terms=key_terms,
        overreach=tuple(o.lower() for o in overreach),
        supported_wording=str(item.get("supported_wording") or "").strip(),
        note=str(item.get("note") or "").strip(),
        source=f"{path}:{line or 0}",
        topic=str(item.get("topic") or ""),
    )


def _strings(values: Any, path: str, line: int | None, label: str, key: str) -> tuple[str, ...]:
    if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
        raise _fail(path, line, f"{label}: {key!r} must be a list of strings")
    return tuple(v.strip() for v in values if v.strip())


def _study(s: Any, path: str, line: int | None, label: str) -> Study:
    if not isinstance(s, dict):
        raise _fail(path, line, f"{label}: each study must be a mapping with citation and design")
    for key in STUDY_REQUIRED:
        if not s.get(key):
            raise _fail(path, line, f"{label}: a study has no {key!r}; add {key}: ...")
    unknown = sorted(set(s) - STUDY_KNOWN)
    if unknown:
        raise _fail(path, line, f"{label}: a study has unknown field(s) {', '.join(unknown)}; "
                    f"allowed: {', '.join(sorted(STUDY_KNOWN))}")
    for key in ("year", "n"):
        v = s.get(key)
        if v is not None and (isinstance(v, bool) or not isinstance(v, int)):
            raise _fail(path, line, f"{label}: study {key} {v!r} must be an integer or null")
    return Study(
        citation=str(s["citation"]).strip(),
        design=str(s["design"]).strip(),
        year=s.get("year"),
        n=s.get("n"),
        finding=str(s.get("finding") or "").strip(),
        pmid=str(s["pmid"]) if s.get("pmid") else None,
        doi=str(s["doi"]) if s.get("doi") else None,
        url=str(s["url"]) if s.get("url") else None,
    )


def _hint(key: str) -> str:
    return {
        "stance": "|".join(STANCES),
        "grade": "|".join(GRADES),
        "max_strength": "0-4",
        "studies": "a list of {citation, design, year, n, finding}",
    }.get(key, "...")
