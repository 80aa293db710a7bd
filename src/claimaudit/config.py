"""Configuration: find, read and validate `[tool.claimaudit]` / `claimaudit.toml`.

Where the settings come from, strongest first:

1. command-line options (`--fail-on`, `--min-score`, `--select`, `--ignore`,
   `--exit-zero`, `--reference`);
2. the file named by `--config FILE`, else by the environment variable
   `CLAIMAUDIT_CONFIG`, else the nearest `claimaudit.toml` or `pyproject.toml`
   *that has* a `[tool.claimaudit]` table, walking up from the first audited
   path (in one folder, `claimaudit.toml` wins over `pyproject.toml`);
3. the built-in defaults (`DEFAULTS`), which are the same as the API's
   (`pipeline.Settings()`), so a run without configuration audits exactly as
   `claimaudit.audit()` does.

Keys (the same names in both files; in `claimaudit.toml` they are top level):

    reference = ["reference"]                 # paths (relative to the config file) or bundled pack names
    min-score = 55                            # matcher threshold, 0-100
    fail-on = ["overstated", "contradicted"]  # verdicts or rule codes that make `audit`/`diff` exit 1
    select = ["CA2", "CA3", "CA403"]          # report only these codes/ids (default: all)
    ignore = ["VC-001", "CA401"]              # reference ids, rule codes or prefixes ("CA4")
    per-file-ignores = { "faq/*.md" = ["CA401"] }   # glob -> codes
    exit-zero = false                         # always exit 0 unless there is an error
    exclude = ["build", "dist", ...]          # globs folder walks skip (replaces the defaults)
    extend-exclude = ["drafts/"]              # more globs, added to `exclude`
    respect-gitignore = true                  # also skip what .gitignore files ignore

An unknown key or a bad value raises `ConfigError` with `file: key: problem`;
the CLI turns it into exit code 2.
"""

from __future__ import annotations

import difflib
import fnmatch
import json
import os
import re
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .match import MatchSettings
from .pipeline import DEFAULT_EXCLUDE, Discovery, Settings
from .verdict import RULES

CONFIG_NAME = "claimaudit.toml"
PYPROJECT = "pyproject.toml"
ENV_VAR = "CLAIMAUDIT_CONFIG"

#: Verdicts that `fail-on` may name, least to most severe.
FAIL_ON_CHOICES = ("unverified", "overstated", "contradicted")

#: The built-in defaults, keyed by their config names.
DEFAULTS: dict[str, Any] = {
    "reference": ("reference",),
    "min-score": MatchSettings().min_score,
    "fail-on": ("overstated", "contradicted"),
    "select": (),
    "ignore": (),
    "per-file-ignores": (),
    "exit-zero": False,
    "exclude": DEFAULT_EXCLUDE,
    "extend-exclude": (),
    "respect-gitignore": True,
}
KEYS = tuple(DEFAULTS)

# A reference id (VC-001, MG-012) or a rule code (CA201), as in inline
# suppressions. A rule-code prefix (CA2) selects every rule that starts with it.
_CODE_RE = re.compile(r"^[A-Z]{2,}-?\d{3}[A-Z]?$")


class ConfigError(Exception):
    """A configuration problem a user can fix; the message is `file: key: problem`."""


@dataclass(frozen=True)
class Config:
    """The effective configuration and where each value came from."""

    reference: tuple[str, ...] = DEFAULTS["reference"]
    min_score: float = DEFAULTS["min-score"]
    fail_on: tuple[str, ...] = DEFAULTS["fail-on"]
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    per_file_ignores: tuple[tuple[str, tuple[str, ...]], ...] = ()
    exit_zero: bool = False
    exclude: tuple[str, ...] = DEFAULT_EXCLUDE
    extend_exclude: tuple[str, ...] = ()
    respect_gitignore: bool = True
    path: str | None = None  # the config file used, if any
    found_by: str = "none"  # --config | CLAIMAUDIT_CONFIG | discovery | none
    sources: tuple[tuple[str, str], ...] = field(default=())  # (key, origin)
    # Why `reference` is not the configured value (set by `show-config` when the default
    # reference/ is absent and the bundled packs are used instead, as `check`/`audit` do).
    reference_note: str = ""

    def settings(self) -> Settings:
        """Return the pipeline settings (matcher threshold, ignores) of this configuration."""
        return Settings(
            match=MatchSettings(min_score=float(self.min_score)),
            select=self.select,
            ignore=self.ignore,
            per_file_ignores=self.per_file_ignores,
        )

    def discovery(self, *skip_dirs: str | Path) -> Discovery:
        """Return what folder walks skip: the globs, .gitignore files and `skip_dirs`."""
        base = str(Path(self.path).parent) if self.path else "."
        return Discovery(exclude=self.exclude, extend_exclude=self.extend_exclude, base=base,
                         respect_gitignore=self.respect_gitignore,
                         skip_dirs=tuple(str(d) for d in skip_dirs))

    def source_of(self, key: str) -> str:
        """Return where the value of `key` came from: a file, an option, or "default"."""
        return dict(self.sources).get(key, "default")

    def values(self) -> dict[str, Any]:
        """Return the effective values keyed by their config names (JSON-ready)."""
        return {
            "reference": list(self.reference),
            "min-score": self.min_score,
            "fail-on": list(self.fail_on),
            "select": list(self.select),
            "ignore": list(self.ignore),
            "per-file-ignores": {glob: list(codes) for glob, codes in self.per_file_ignores},
            "exit-zero": self.exit_zero,
            "exclude": list(self.exclude),
            "extend-exclude": list(self.extend_exclude),
            "respect-gitignore": self.respect_gitignore,
        }

    def as_json(self) -> str:
        """Return the effective configuration and its sources as JSON."""
        doc = {
            "config_file": self.path,
            "found_by": self.found_by,
            "values": self.values(),
            "sources": {k: self.source_of(k) for k in KEYS},
            "notes": {"reference": self.reference_note} if self.reference_note else {},
        }
        return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"

    def as_toml(self) -> str:
        """Return the effective configuration as TOML, each key's source in a comment."""
        head = (f"# config file: {self.path} (found by {self.found_by})" if self.path
                else "# config file: none (built-in defaults)")
        lines = [head]
        for key, value in self.values().items():
            note = f"; {self.reference_note}" if key == "reference" and self.reference_note else ""
            lines.append(f"{key} = {_toml_value(value)}  # {self.source_of(key)}{note}")
        return "\n".join(lines) + "\n"


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(float(value)) if isinstance(value, float) else str(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)  # a valid TOML basic string
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        inner = ", ".join(f"{_toml_value(k)} = {_toml_value(v)}" for k, v in value.items())
        return "{ " + inner + " }" if inner else "{}"
    raise TypeError(f"cannot write {value!r} as TOML")


# --- finding the file ---------------------------------------------------------


def has_tool_table(pyproject: Path) -> bool:
    """Return True when a pyproject.toml has a `[tool.claimaudit]` table.

    A pyproject.toml that cannot be read or is not valid TOML raises
    ConfigError (`file:line:column: invalid TOML: ...`): skipping it would
    silently drop the settings it may hold.
    """
    doc = _load_toml(pyproject)
    return isinstance(doc.get("tool"), dict) and "claimaudit" in doc["tool"]


_TOML_WHERE = re.compile(r"\s*\(at line (\d+), column (\d+)\)\s*$")


def _load_toml(path: Path) -> dict[str, Any]:
    """Read and parse a TOML file; raise ConfigError naming the file (and line) on failure."""
    shown = _shown(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"{shown}: no such file") from None
    except IsADirectoryError:
        raise ConfigError(f"{shown}: is a directory, not a config file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{shown}: cannot read ({exc})") from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        where = _TOML_WHERE.search(message)
        if where:
            message = message[:where.start()]
            shown = f"{shown}:{where.group(1)}:{where.group(2)}"
        elif message.endswith("(at end of document)"):
            message = message[:-len("(at end of document)")].rstrip()
            shown = f"{shown}:{text.count(chr(10)) + (0 if text.endswith(chr(10)) else 1)}"
        raise ConfigError(f"{shown}: invalid TOML: {message}") from None


def find_config(start: str | Path) -> Path | None:
    """Return the nearest config file at or above `start`, or None.

    In each folder, `claimaudit.toml` is taken first, then a `pyproject.toml`
    that has a `[tool.claimaudit]` table; a pyproject.toml without one is
    passed over, as ruff does.
    """
    here = Path(start).absolute()
    while not here.exists() and here != here.parent:
        here = here.parent
    if not here.is_dir():
        here = here.parent
    for folder in (here, *here.parents):
        candidate = folder / CONFIG_NAME
        if candidate.is_file():
            return candidate
        candidate = folder / PYPROJECT
        if candidate.is_file() and has_tool_table(candidate):
            return candidate
    return None


def read_table(path: Path) -> dict[str, Any]:
    """Return the claimaudit table of a config file: top level, or `[tool.claimaudit]`."""
    shown = _shown(path)
    doc = _load_toml(path)
    if path.name == PYPROJECT:
        tool = doc.get("tool")
        if not isinstance(tool, dict) or "claimaudit" not in tool:
            raise ConfigError(f"{shown}: no [tool.claimaudit] table")
        table = tool["claimaudit"]
        if not isinstance(table, dict):
            raise ConfigError(f"{shown}: tool.claimaudit: must be a table")
        return table
    return doc


# --- validating values --------------------------------------------------------


def _strings(shown: str, key: str, value: Any) -> tuple[str, ...]:
    """Accept a string or a list of non-empty strings."""
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise ConfigError(f"{shown}: {key}: must be a list of non-empty strings, got {value!r}")
    return tuple(v.strip() for v in value)


def check_codes(shown: str, key: str, value: Any) -> tuple[str, ...]:
    """Validate suppression codes; expand rule-code prefixes ("CA2" -> CA201, CA202)."""
    out: list[str] = []
    for raw in _strings(shown, key, value):
        code = raw.upper()
        if code in RULES:
            out.append(code)
        elif re.fullmatch(r"CA\d{3}", code):
            raise ConfigError(f"{shown}: {key}: unknown rule code {raw!r} "
                              f"(known: {', '.join(RULES)})")
        elif re.fullmatch(r"CA\d{0,2}", code):
            matched = [c for c in RULES if c.startswith(code)]
            if not matched:
                raise ConfigError(f"{shown}: {key}: {raw!r} matches no rule code")
            out.extend(matched)
        elif _CODE_RE.match(code):
            out.append(code)
        else:
            raise ConfigError(f"{shown}: {key}: {raw!r} is neither a reference id (VC-001) "
                              "nor a rule code (CA201)")
    return tuple(dict.fromkeys(out))


def check_fail_on(shown: str, key: str, value: Any) -> tuple[str, ...]:
    """Validate a list of verdicts and rule codes; "none" (alone) means never fail.

    A rule code or prefix ("CA403", "CA2") fails the run on findings of that rule
    whatever their verdict: `fail-on = ["overstated", "contradicted", "CA403"]`.
    Verdicts come first, least severe first, then rule codes in registry order.
    """
    items = _strings(shown, key, value)
    if [v.lower() for v in items] == ["none"]:
        return ()
    verdicts = [v.lower() for v in items if v.lower() in FAIL_ON_CHOICES]
    codes = [v for v in items if v.lower() not in FAIL_ON_CHOICES]
    for v in codes:
        if not re.fullmatch(r"CA\d{0,3}", v.upper()):
            raise ConfigError(f"{shown}: {key}: unknown verdict {v.lower()!r} (choose from "
                              f"{', '.join(FAIL_ON_CHOICES)}, a rule code such as CA403, or none)")
    rules = check_codes(shown, key, codes) if codes else ()
    return tuple(v for v in FAIL_ON_CHOICES if v in verdicts) + tuple(c for c in RULES if c in rules)


def check_min_score(shown: str, key: str, value: Any) -> float:
    """Validate the matcher threshold: a number from 0 to 100."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ConfigError(f"{shown}: {key}: must be a number from 0 to 100, got {value!r}")
    if not 0 <= value <= 100:
        raise ConfigError(f"{shown}: {key}: must be from 0 to 100, got {value!r}")
    return float(value)


def _anchor(path: str, base: Path) -> str:
    """Return `path` (relative to `base`) as the CLI would name it from the working directory."""
    full = Path(path) if Path(path).is_absolute() else base / path
    try:
        rel = os.path.relpath(full)
    except ValueError:  # another drive on Windows
        return full.as_posix()
    if rel.startswith(".."):  # outside the working directory: name it in full
        return Path(os.path.normpath(full.absolute())).as_posix()
    return Path(rel).as_posix()


def _anchor_reference(spec: str, base: Path) -> str:
    """Anchor a reference path like `_anchor`; a bundled pack's name stays a name.

    A name such as `magnesium` is a path when one exists beside the config file,
    else the bundled pack of that name (see `packs.resolve_spec`).
    """
    anchored = _anchor(spec, base)
    if not Path(anchored).exists() and "/" not in spec and "\\" not in spec:
        from .packs import bundled_packs

        if spec in bundled_packs():
            return spec
    return anchored


def _anchor_glob(glob: str, base: Path) -> str:
    """Make a glob written relative to the config folder match report paths (relative to cwd).

    Report paths are relative to the working directory, so a config file in a
    subfolder `docs/` turns `faq/*.md` into `docs/faq/*.md`. Globs that start
    with `*` or `/` are left as written.
    """
    if glob.startswith(("*", "/")):
        return glob
    prefix = _anchor(".", base)
    if prefix == "." or prefix.startswith("/"):
        return glob
    return f"{prefix}/{glob}"


def parse_table(table: Mapping[str, Any], path: Path) -> dict[str, Any]:
    """Validate a claimaudit table and return its values keyed by config name."""
    shown = _shown(path)
    base = path.parent
    out: dict[str, Any] = {}
    for key, value in table.items():
        if key not in KEYS:
            close = difflib.get_close_matches(key, KEYS, n=1)
            hint = f"; did you mean {close[0]!r}?" if close else f" (known: {', '.join(KEYS)})"
            raise ConfigError(f"{shown}: {key}: unknown key{hint}")
        if key == "reference":
            out[key] = tuple(_anchor_reference(p, base)
                             for p in _split(_strings(shown, key, value)))
        elif key == "min-score":
            out[key] = check_min_score(shown, key, value)
        elif key == "fail-on":
            out[key] = check_fail_on(shown, key, value)
        elif key in ("ignore", "select"):
            out[key] = check_codes(shown, key, value)
        elif key == "per-file-ignores":
            if not isinstance(value, dict):
                raise ConfigError(f"{shown}: {key}: must be a table of glob = [codes]")
            out[key] = tuple(
                (_anchor_glob(glob, base), check_codes(shown, f"{key}.{glob}", codes))
                for glob, codes in value.items()
            )
        elif key in ("exit-zero", "respect-gitignore"):
            if not isinstance(value, bool):
                raise ConfigError(f"{shown}: {key}: must be true or false, got {value!r}")
            out[key] = value
        elif key in ("exclude", "extend-exclude"):
            out[key] = check_globs(shown, key, value)
    return out


def check_globs(shown: str, key: str, value: Any) -> tuple[str, ...]:
    """Validate gitignore-style globs (as pathspec reads them)."""
    import pathspec

    globs = _strings(shown, key, value)
    for glob in globs:
        try:
            pathspec.GitIgnoreSpec.from_lines([glob])
        except Exception as exc:  # noqa: BLE001 - pathspec raises several types
            raise ConfigError(f"{shown}: {key}: bad glob {glob!r} ({exc})") from None
    return globs


# --- the whole lookup ---------------------------------------------------------


def locate(paths: Sequence[str | Path] = (), config_file: str | Path | None = None,
           environ: Mapping[str, str] | None = None) -> tuple[Path | None, str]:
    """Return the config file to use and how it was found (without reading it)."""
    environ = os.environ if environ is None else environ
    if config_file:
        return Path(config_file), "--config"
    if environ.get(ENV_VAR):
        return Path(environ[ENV_VAR]), ENV_VAR
    start = Path(paths[0]) if paths else Path.cwd()
    found = find_config(start)
    return (found, "discovery") if found else (None, "none")


def load_config(
    paths: Sequence[str | Path] = (),
    config_file: str | Path | None = None,
    overrides: Mapping[str, Any] | None = None,
    environ: Mapping[str, str] | None = None,
) -> Config:
    """Return the effective configuration: CLI overrides, then the config file, then defaults.

    `overrides` maps config names to (value, origin) pairs for options given on
    the command line, e.g. {"fail-on": (("contradicted",), "--fail-on")}; values
    are validated as if they came from a file (the origin names the option).
    """
    path, found_by = locate(paths, config_file, environ)
    values: dict[str, Any] = dict(DEFAULTS)
    sources: dict[str, str] = {}
    if path is not None:
        if found_by == ENV_VAR and not path.is_file():
            raise ConfigError(f"{ENV_VAR}={path}: no such file")
        for key, value in parse_table(read_table(path), path).items():
            values[key] = value
            sources[key] = _shown(path)
    for key, (value, origin) in (overrides or {}).items():
        if value is None:
            continue
        values[key] = _check_override(key, value, origin)
        sources[key] = origin
    return Config(
        reference=tuple(values["reference"]),
        min_score=float(values["min-score"]),
        fail_on=tuple(values["fail-on"]),
        select=tuple(values["select"]),
        ignore=tuple(values["ignore"]),
        per_file_ignores=tuple(values["per-file-ignores"]),
        exit_zero=bool(values["exit-zero"]),
        exclude=tuple(values["exclude"]),
        extend_exclude=tuple(values["extend-exclude"]),
        respect_gitignore=bool(values["respect-gitignore"]),
        path=_shown(path) if path else None,
        found_by=found_by,
        sources=tuple(sorted(sources.items())),
    )


def _check_override(key: str, value: Any, origin: str) -> Any:
    if key == "fail-on":
        return check_fail_on(origin, "value", _split(value))
    if key in ("ignore", "select"):
        return check_codes(origin, "value", _split(value))
    if key == "min-score":
        return check_min_score(origin, "value", value)
    if key == "reference":
        return tuple(_split(value))
    return value


def _split(value: Any) -> list[str]:
    """Split comma-separated option values: ("a,b", "c") -> ["a", "b", "c"]."""
    items = [value] if isinstance(value, str) else list(value)
    return [part.strip() for item in items for part in item.split(",") if part.strip()]


def ignored_codes(settings: Settings, path: str) -> frozenset[str]:
    """Return the codes ignored for one article path (global ignores plus per-file globs)."""
    codes = set(settings.ignore)
    for pattern, pcodes in settings.per_file_ignores:
        if fnmatch.fnmatch(path, pattern):
            codes.update(pcodes)
    return frozenset(c.upper() for c in codes)


def _shown(path: Path) -> str:
    return _anchor(str(path), Path.cwd())
