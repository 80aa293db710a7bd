"""Reference: load and validate the curated reference claim set.

YAML is read with the safe loader (no object construction). Every validation
error names the file, the line of the offending entry and the fix, and stops
the run (exit code 2): a reference set that half loads would give verdicts
nobody can trust.

A reference set is made of packs (see `reference/README.md`): a folder with a
`pack.yaml` manifest (name, version, licence, description, subject), claim
files (`claims:`) and optionally `studies.yaml`, the pack's studies by key.
A claim cites a study by its key (`studies: [garrison-2020-cramps]`) or writes
it inline (a mapping with citation, design, ...), as reference sets did before
packs; both load. The pack's subject applies to each of its claim files unless
the file has a `subject:` of its own. Claim files outside any pack load as
before (no subject unless the file gives one).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import replace
from pathlib import Path
from typing import Any, NamedTuple

import yaml

from .records import GRADES, SOURCE_TYPES, STANCES, Pack, ReferenceClaim, ReferenceSet, Study

ID_RE = re.compile(r"^[A-Z]{2,}-\d{3}[a-z]?$")
STUDY_KEY_RE = re.compile(r"^[a-z0-9][a-z0-9._-]*$")
PACK_NAME_RE = re.compile(r"^[a-z0-9][a-z0-9._-]*$")
MANIFEST = "pack.yaml"  # a folder holding one is a pack
STUDIES = "studies.yaml"  # a pack's studies, by key
MANIFEST_REQUIRED = ("name", "version", "licence", "description")
MANIFEST_KNOWN = frozenset(MANIFEST_REQUIRED + ("subject",))
REQUIRED = ("id", "text", "stance", "grade", "max_strength", "studies")
KNOWN = frozenset(
    REQUIRED
    + ("variants", "key_terms", "overreach", "supported_wording", "note", "topic", "harm")
)
STUDY_REQUIRED = ("citation", "design")
STUDY_KNOWN = frozenset(STUDY_REQUIRED + ("year", "n", "finding", "pmid", "doi", "url", "source_type",
                                          "verified", "verification"))


class ReferenceError(Exception):
    """An invalid reference file; the message is one line: file:line: problem; fix."""


def _fail(path: str, line: int | None, message: str) -> ReferenceError:
    where = f"{path}:{line}" if line else path
    return ReferenceError(f"[CA-E1] {where}: {message}")


def reference_files(paths: list[str | Path] | tuple[str | Path, ...]) -> list[Path]:
    """Expand reference paths into the YAML files to read, in load order.

    A path is a claim file, a folder (walked recursively: a folder of packs such
    as reference/ loads every pack) or the name of a bundled pack (`magnesium`;
    an existing path of that name wins). A claim file given on its own brings
    its folder's `pack.yaml` and `studies.yaml` with it. Each file is read once.
    """
    from .packs import resolve_spec

    files: list[Path] = []
    for spec in paths:
        p = resolve_spec(spec)
        if p.is_dir():
            # A folder of packs (reference/magnesium/, reference/vitamin-d/) loads every pack.
            files.extend(sorted(list(p.rglob("*.yaml")) + list(p.rglob("*.yml"))))
        else:
            files.extend(f for f in (p.parent / MANIFEST, p.parent / STUDIES)
                         if f != p and f.is_file())
            files.append(p)
    seen: set[Path] = set()
    unique = []
    for f in files:
        real = f.resolve()
        if real not in seen:
            seen.add(real)
            unique.append(f)
    if not any(f.name not in (MANIFEST, STUDIES) for f in unique):
        raise _fail(", ".join(str(p) for p in paths), None,
                    "no reference claims found (*.yaml); pass --reference PATH")
    return unique


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
    """Parse and validate read reference files into the reference set.

    Manifests first (they say which folders are packs), then each pack's
    studies, then the claim files, whose study keys resolve against the studies
    of their pack (outside a pack: of their own folder).
    """
    texts = dict(zip(read.files, read.texts))
    manifests: dict[Path, Pack] = {}
    for f in read.files:
        if f.name == MANIFEST:
            pack = parse_manifest(texts[f], str(f))
            other = next((d for d, q in manifests.items() if q.name == pack.name), None)
            if other is not None:
                raise _fail(str(f), 1, f"pack {pack.name!r} is loaded twice (also from {other}); "
                            "pass only one of them")
            manifests[f.parent] = replace(pack, path=str(f.parent))

    def pack_dir(f: Path) -> Path | None:
        return next((d for d in (f.parent, *f.parent.parents) if d in manifests), None)

    tables: dict[Path, dict[str, Study]] = {}
    for f in read.files:
        if f.name == STUDIES:
            table = tables.setdefault(pack_dir(f) or f.parent, {})
            for key, study in parse_studies_text(texts[f], str(f)).items():
                if key in table:
                    raise _fail(str(f), _line_of(study), f"study key {key!r} is defined twice "
                                f"(first at {table[key].source}); give each study one key")
                table[key] = study
    claims: list[ReferenceClaim] = []
    seen: dict[str, str] = {}
    for f in read.files:
        if f.name in (MANIFEST, STUDIES):
            continue
        home = pack_dir(f)
        pack = manifests.get(home) if home is not None else None
        for claim in parse_reference_text(texts[f], str(f), tables.get(home or f.parent, {}), pack):
            if claim.id in seen:
                raise _fail(str(f), int(claim.source.rsplit(":", 1)[1]),
                            f"duplicate id {claim.id!r} (first defined at {seen[claim.id]}); "
                            "give each claim its own id")
            seen[claim.id] = claim.source
            claims.append(claim)
    packs = []
    for d, pack in manifests.items():
        digest = hashlib.sha256()
        for f, data in zip(read.files, read.texts):
            if pack_dir(f) == d:
                rel = f.relative_to(d).as_posix()
                digest.update(rel.encode() + b"\0" + data.encode("utf-8") + b"\0")
        packs.append(replace(pack, sha256=digest.hexdigest()))
    return ReferenceSet(claims=tuple(claims), paths=tuple(str(f) for f in read.files),
                        sha256=read.sha256, packs=tuple(packs))


def _line_of(study: Study) -> int | None:
    tail = study.source.rsplit(":", 1)[-1]
    return int(tail) if tail.isdigit() and tail != "0" else None


def parse_manifest(text: str, path: str = MANIFEST) -> Pack:
    """Parse and validate a pack's `pack.yaml` (name, version, licence, description, subject)."""
    data = _yaml_or_fail(text, path)[1]
    hint = ("write name: my-pack, version: \"1.0.0\", licence: ..., description: ..., "
            "subject: {name: ..., terms: [...]}")
    if not isinstance(data, dict):
        raise _fail(path, 1, f"a pack manifest is a mapping; {hint}")
    unknown = sorted(map(str, set(data) - MANIFEST_KNOWN))
    if unknown:
        raise _fail(path, 1, f"unknown key(s) {', '.join(unknown)} in the pack manifest; "
                    f"allowed: {', '.join(sorted(MANIFEST_KNOWN))}")
    for key in MANIFEST_REQUIRED:
        value = data.get(key)
        if not isinstance(value, str) or not value.strip():
            quote = " (quote it: version: \"1.0.0\")" if key == "version" and value else ""
            raise _fail(path, 1, f"the pack manifest needs {key!r} as text{quote}; {hint}")
    name = data["name"].strip()
    if not PACK_NAME_RE.match(name):
        raise _fail(path, 1, f"pack name {name!r} is malformed; use lower-case letters, digits "
                    "and '-', e.g. vitamin-d")
    subject, terms = _subject(data.get("subject"), path)
    return Pack(name=name, version=data["version"].strip(), licence=data["licence"].strip(),
                description=" ".join(data["description"].split()), subject=subject,
                subject_terms=terms, path=str(Path(path).parent))


def parse_studies_text(text: str, path: str = STUDIES) -> dict[str, Study]:
    """Parse and validate a pack's `studies.yaml`: `studies:`, a mapping of key -> study."""
    node, data = _yaml_or_fail(text, path)
    if data is None:
        return {}
    if not isinstance(data, dict) or set(data) != {"studies"}:
        raise _fail(path, 1, "a studies file is a mapping with one key, 'studies:', holding "
                    "key: {citation, design, ...} entries")
    items = data["studies"] or {}
    if not isinstance(items, dict):
        raise _fail(path, 1, "'studies' must map keys (e.g. garrison-2020-cramps) to studies")
    lines: dict[str, int] = {}
    for key_node, _ in _children(node, "studies", yaml.MappingNode):
        key, line = str(key_node.value), key_node.start_mark.line + 1
        if key in lines:
            raise _fail(path, line, f"study key {key!r} is defined twice (first at line "
                        f"{lines[key]}); give each study one key")
        lines[key] = line
    out = {}
    for key, value in items.items():
        key = str(key)
        line = lines.get(key)
        if not STUDY_KEY_RE.match(key):
            raise _fail(path, line, f"study key {key!r} is malformed; use lower-case "
                        "author-year-topic, e.g. garrison-2020-cramps")
        out[key] = replace(_study(value, path, line, f"study {key!r}"), key=key)
    return out


def _children(node: yaml.Node | None, key: str, kind: type) -> list:
    """Return the items of the top-level `key:` node when it is of `kind` (else [])."""
    if not isinstance(node, yaml.MappingNode):
        return []
    for k, value in node.value:
        if getattr(k, "value", None) == key and isinstance(value, kind):
            return value.value
    return []


def _yaml_or_fail(text: str, path: str) -> tuple[yaml.Node | None, Any]:
    try:
        return _parse_yaml(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else None
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise _fail(path, line, f"YAML error: {problem}; fix the YAML syntax") from None


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


def parse_reference_text(text: str, path: str = "<reference>",
                         studies: dict[str, Study] | None = None,
                         pack: Pack | None = None) -> list[ReferenceClaim]:
    """Parse and validate one YAML document of reference claims.

    `studies` are the studies its claims may cite by key (its pack's
    `studies.yaml`); `pack` gives the subject of a file that declares none.
    """
    node, data = _yaml_or_fail(text, path)
    if data is None:
        return []
    if not isinstance(data, dict) or "claims" not in data:
        raise _fail(path, 1, "expected a mapping with a 'claims:' list at the top level")
    unknown = sorted(set(data) - {"claims", "subject"})
    if unknown:
        raise _fail(path, 1, f"unknown top-level key(s) {', '.join(map(str, unknown))}; "
                    "allowed: claims, subject")
    # `subject: none`: the file's claims have no subject, even in a pack that has one (a claim
    # about back pain in general, in the magnesium pack): each is matched only in sentences
    # that hit all its key terms, in any article (README "Subject scope").
    no_subject = data.get("subject") == "none"
    subject, subject_terms = _subject(None if no_subject else data.get("subject"), path)
    if not subject and pack is not None and not no_subject:
        subject, subject_terms = pack.subject, pack.subject_terms
    items = data["claims"] or []
    if not isinstance(items, list):
        raise _fail(path, 1, "'claims' must be a list of entries; start each entry with '- id: '")
    entries = _children(node, "claims", yaml.SequenceNode)
    out = []
    for i, item in enumerate(items):
        entry = entries[i] if i < len(entries) else None
        line = entry.start_mark.line + 1 if entry is not None else None
        claim = _claim(item, path, line, _study_lines(entry), studies or {})
        out.append(replace(claim, subject=subject, subject_terms=subject_terms,
                           pack=pack.name if pack is not None else ""))
    return out


def _study_lines(entry: yaml.Node | None) -> list[int]:
    """Return the 1-based line of each item of an entry's `studies:` list."""
    return [item.start_mark.line + 1 for item in _children(entry, "studies", yaml.SequenceNode)]


def _subject(value: Any, path: str) -> tuple[str, tuple[str, ...]]:
    """Validate a file's `subject: {name, terms}` (optional); return (name, terms)."""
    if value is None:
        return "", ()
    hint = ("write subject: {name: magnesium, terms: [magnesium, hypomagnes]}, or subject: none "
            "for claims about no subject")
    if not isinstance(value, dict) or not {"name", "terms"} <= set(value) <= {"name", "terms", "symbols"}:
        raise _fail(path, 1, f"'subject' must be a mapping with name and terms (and optionally symbols); {hint}")
    name, terms = value["name"], value["terms"]
    if not isinstance(name, str) or not name.strip():
        raise _fail(path, 1, f"subject name must be text; {hint}")
    if not isinstance(terms, list) or not terms or not all(
            isinstance(t, str) and t.strip() for t in terms):
        raise _fail(path, 1, f"subject terms must be a non-empty list of words; {hint}")
    symbols = value.get("symbols", [])
    if not isinstance(symbols, list) or not all(isinstance(s, str) and is_symbol(s.strip()) for s in symbols):
        raise _fail(path, 1, "subject symbols must be a list of symbols written with their capitals, matched "
                    "as written (symbols: [Mg]); a lower-case word belongs in terms")
    # Terms are lower-case word prefixes; symbols ("Mg") are kept as written and matched so
    # (`match.symbol_pattern`). Both go in one tuple: a symbol is the entry with a capital.
    return name.strip().lower(), (tuple(t.strip().lower() for t in terms)
                                  + tuple(dict.fromkeys(s.strip() for s in symbols)))


def is_symbol(term: str) -> bool:
    """Return whether a subject term is a symbol ("Mg", from `symbols:`): it has a capital letter
    (terms are stored lower case)."""
    return any(ch.isupper() for ch in term)


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


def _claim(item: Any, path: str, line: int | None, study_lines: list[int] | None = None,
           studies: dict[str, Study] | None = None) -> ReferenceClaim:
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
    cited = []
    for i, s in enumerate(item["studies"]):
        at = study_lines[i] if study_lines and i < len(study_lines) else line
        if isinstance(s, str):
            if s not in (studies or {}):
                raise _fail(path, at, f"{label} cites study {s!r}, which no studies.yaml of its "
                            "pack defines; define it there or write the study inline")
            cited.append(studies[s])
        else:
            cited.append(_study(s, path, at, label))
    studies = tuple(cited)
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
    harm = item.get("harm", False)
    if not isinstance(harm, bool):
        raise _fail(path, line, f"{label}: 'harm' must be true or false (whether the claim records a harm)")
    if harm and item["stance"] != "supports":
        raise _fail(path, line, f"{label}: 'harm: true' needs stance 'supports' (a harm the evidence "
                    "records); drop it or fix the stance")
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
        harm=harm,
    )


def _strings(values: Any, path: str, line: int | None, label: str, key: str) -> tuple[str, ...]:
    if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
        raise _fail(path, line, f"{label}: {key!r} must be a list of strings")
    return tuple(v.strip() for v in values if v.strip())


def _study(s: Any, path: str, line: int | None, label: str) -> Study:
    if not isinstance(s, dict):
        raise _fail(path, line, f"{label}: each study must be a study key or a mapping with "
                    "citation and design")
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
    source_type = s.get("source_type")
    if source_type is not None and source_type not in SOURCE_TYPES:
        raise _fail(path, line, f"{label}: study source_type {source_type!r} is unknown; "
                    f"use one of {'|'.join(SOURCE_TYPES)}")
    verified = s.get("verified")
    if verified is not None and not isinstance(verified, bool):
        raise _fail(path, line, f"{label}: study verified {verified!r} must be true or false")
    return Study(
        citation=str(s["citation"]).strip(),
        design=str(s["design"]).strip(),
        year=s.get("year"),
        n=s.get("n"),
        finding=str(s.get("finding") or "").strip(),
        pmid=str(s["pmid"]).strip() if s.get("pmid") else None,
        doi=str(s["doi"]).strip() if s.get("doi") else None,
        url=str(s["url"]).strip() if s.get("url") else None,
        source_type=source_type,
        verified=verified,
        verification=" ".join(str(s.get("verification") or "").split()),
        source=f"{path}:{line or 0}",
    )


def _hint(key: str) -> str:
    return {
        "stance": "|".join(STANCES),
        "grade": "|".join(GRADES),
        "max_strength": "0-4",
        "studies": "a list of {citation, design, year, n, finding}",
    }.get(key, "...")
