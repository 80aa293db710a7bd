"""Reference packs: the bundled ones, and what `--reference` names.

A pack is a folder with a `pack.yaml` manifest, claim files and optionally a
`studies.yaml` (see `reference/README.md`; `reference.py` loads them). The
bundled packs are installed with claimaudit as the package data of the
subpackage `claimaudit.bundled`, whose sources are the repository's top-level
`reference/` folder (pyproject.toml maps one onto the other), so an editable
install and a built wheel find the same packs.

`--reference` (and the configuration's `reference` key) takes paths and pack
names, comma-separated or repeated: an existing path is used as it is, anything
else must name a bundled pack. With no `--reference`, no configured reference
set and no `reference/` folder in the working directory, every bundled pack is
used, so `claimaudit check draft.md` works in any folder.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from .reference import MANIFEST, STUDIES, ReferenceError, _fail, _read_text, parse_manifest

DEFAULT_REFERENCE = "reference"  # the configuration's default: a reference/ folder in the working directory


def bundled_root() -> Path | None:
    """Return the folder of the bundled packs (`claimaudit.bundled`), or None when it is not installed."""
    try:
        root = Path(str(resources.files("claimaudit.bundled")))
    except (ModuleNotFoundError, TypeError):
        return None
    return root if root.is_dir() else None


def bundled_packs() -> dict[str, Path]:
    """Return the bundled packs, name -> folder, in name order."""
    root = bundled_root()
    if root is None:
        return {}
    found: dict[str, Path] = {}
    for folder in sorted(p for p in root.iterdir() if p.is_dir()):
        manifest = folder / MANIFEST
        if manifest.is_file():
            found[parse_manifest(_read_text(manifest)[1], str(manifest)).name] = folder
    return dict(sorted(found.items()))


def split_specs(values: Iterable[str]) -> tuple[str, ...]:
    """Split comma-separated `--reference` values: ("a,b", "c") -> ("a", "b", "c")."""
    return tuple(part.strip() for v in values for part in str(v).split(",") if part.strip())


def resolve_spec(spec: str | Path) -> Path:
    """Return the path a `--reference` value names: itself when it exists, else a bundled pack's folder."""
    path = Path(spec)
    if path.exists():
        return path
    packs = bundled_packs()
    if isinstance(spec, str) and spec in packs:
        return packs[spec]
    known = f" (bundled packs: {', '.join(packs)})" if packs else ""
    raise _fail(str(spec), None, "no such reference file or folder, nor a bundled pack"
                f"{known}; pass --reference PATH or a pack name")


def effective_specs(specs: Sequence[str | Path], configured: bool) -> tuple[str | Path, ...]:
    """Return the reference specs to load.

    `configured` is False when the specs are the built-in default (no
    `--reference`, no configured set): then, when there is no `reference/`
    folder here, every bundled pack is used.
    """
    if configured or tuple(map(str, specs)) != (DEFAULT_REFERENCE,) or Path(DEFAULT_REFERENCE).exists():
        return tuple(specs)
    packs = bundled_packs()
    if not packs:
        raise ReferenceError("[CA-E1] reference: no reference/ folder here and no bundled packs "
                             "installed; pass --reference PATH")
    return tuple(str(p) for p in packs.values())


@dataclass(frozen=True)
class PackSummary:
    """One row of `claimaudit reference list`."""

    name: str  # "" for claim files outside any pack
    version: str
    claims: int
    studies: int  # distinct studies its claims cite (by key, or by citation when inline)
    path: str
    bundled: bool
    error: str = ""  # why it could not be loaded ("" when it loaded)


def list_packs(specs: Sequence[str | Path] = ()) -> list[PackSummary]:
    """Return the packs found: the bundled ones and those under `specs` (each folder once).

    Each pack is loaded on its own, so one broken pack is reported (its `error`)
    without hiding the others.
    """
    from .reference import load_reference

    bundled = bundled_packs()
    bundled_real = {p.resolve() for p in bundled.values()}
    folders: list[Path] = list(bundled.values())
    loose: list[Path] = []
    for spec in specs:
        try:
            p = resolve_spec(spec)
        except ReferenceError:
            continue
        if (p / MANIFEST).is_file() or (p.is_file() and (p.parent / MANIFEST).is_file()):
            folders.append(p if p.is_dir() else p.parent)
            continue
        if p.is_file():
            loose.append(p)
            continue
        manifests = sorted(p.rglob(MANIFEST))
        folders.extend(m.parent for m in manifests)
        inside = [m.parent.resolve() for m in manifests]
        loose.extend(f for f in sorted(list(p.rglob("*.yaml")) + list(p.rglob("*.yml")))
                     if f.name not in (MANIFEST, STUDIES)
                     and not any(d in f.resolve().parents for d in inside))
    rows: list[PackSummary] = []
    seen: set[Path] = set()
    for folder in folders:
        real = folder.resolve()
        if real in seen:
            continue
        seen.add(real)
        try:
            ref = load_reference([folder])
        except ReferenceError as exc:
            rows.append(PackSummary("", "", 0, 0, str(folder), real in bundled_real, str(exc)))
            continue
        pack = ref.packs[0] if ref.packs else None
        rows.append(PackSummary(pack.name if pack else "", pack.version if pack else "",
                                len(ref.claims), _count_studies(ref.claims), str(folder),
                                real in bundled_real))
    if loose:
        try:
            ref = load_reference(loose)
            rows.append(PackSummary("", "", len(ref.claims), _count_studies(ref.claims),
                                    ", ".join(map(str, loose)), False))
        except ReferenceError as exc:
            rows.append(PackSummary("", "", 0, 0, ", ".join(map(str, loose)), False, str(exc)))
    return rows


def _count_studies(claims: Iterable) -> int:
    return len({s.key or s.citation.lower() for c in claims for s in c.studies})


def format_pack_table(rows: Sequence[PackSummary]) -> str:
    """Return `reference list` as an aligned table (name, version, claims, studies, where, path)."""
    table = [("name", "version", "claims", "studies", "where", "path")]
    for r in rows:
        where = "bundled" if r.bundled else "local"
        if r.error:
            table.append((r.name or "?", "-", "-", "-", where, f"{r.path}  ERROR {r.error}"))
        else:
            table.append((r.name or "(no pack)", r.version or "-", str(r.claims), str(r.studies),
                          where, r.path))
    widths = [max(len(row[i]) for row in table) for i in range(5)]
    return "".join("  ".join([row[i].ljust(widths[i]) if i in (0, 1, 4) else row[i].rjust(widths[i])
                              for i in range(5)] + [row[5]]) + "\n" for row in table)
