"""A content-hash cache of audited articles, so an unchanged corpus re-audits in a moment.

An entry is one article's rendered output (`streaming.ArticleOutput`: its
audit.json entry, CSV rows and Markdown lines), stored as a small JSON header
followed by the JSON entry and the CSV rows as plain UTF-8, with a CRC-32 of
it all (never pickle: a cache folder must not be able to run code). Reading an
entry back is a checksum and two slices: no JSON parse of the big texts and no
decompression (zlib took a third of a cached run's time; uncompressed, the
cache is about as large as the reports it reproduces). Its key is the SHA-256
of

- the *context*: schema, tool version, a digest of claimaudit's own code and
  data files (so an edited rule or model invalidates the cache even when the
  version number did not change), the reference set's SHA-256 and paths, the
  name, version and content hash of each of its packs, and every setting that
  changes results (`repr(Settings)`);
- the article's display path (it is part of the output and of fingerprints);
- the SHA-256 of the article's bytes.

So any change to the article, the reference set, the settings or the code
gives a miss. Entries live in `<cache>/<context>/<key[:2]>/<key>.entry`; a
write goes to a temporary file renamed into place, so readers never see half an
entry, and a damaged entry (wrong length or checksum) is treated as a miss.
Only the four most recently used contexts are kept. Input errors (unreadable
files) are not cached.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import shutil
import struct
import tempfile
import time
import zlib
from functools import lru_cache
from pathlib import Path

import orjson

from . import __version__
from .records import SCHEMA, Pack, ReferenceClaim, ReferenceSet, Study
from .streaming import ArticleOutput

ENTRY_FORMAT = 4  # bump when ArticleOutput's fields or the layout below change
_MAGIC = b"CAE\x03"
# CRC-32 of the rest, then the bytes of: header JSON, audit.json entry, CSV rows.
_LENGTHS = struct.Struct("<IIII")
KEEP_CONTEXTS = 4
_TAG = ("Signature: 8a477f597d28d172789f06886806bc55\n"
        "# This file is a cache directory tag created by claimaudit.\n"
        "# For information about cache directory tags see https://bford.info/cachedir/\n")


@lru_cache(maxsize=1)
def code_digest() -> str:
    """Return the SHA-256 of claimaudit's installed source and data files."""
    root = Path(__file__).resolve().parent
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*")):
        if not path.is_file() or "__pycache__" in path.parts or path.suffix in (".pyc", ".pyo"):
            continue
        digest.update(path.relative_to(root).as_posix().encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()


def context_key(reference: ReferenceSet, settings: object) -> str:
    """Return the digest of everything besides the article that an entry depends on."""
    parts = [SCHEMA, __version__, str(ENTRY_FORMAT), code_digest(), reference.sha256,
             "\n".join(reference.paths), repr(settings),
             "\n".join(f"{p.name}\t{p.version}\t{p.sha256}" for p in reference.packs)]
    return hashlib.sha256("\0".join(parts).encode("utf-8", "surrogatepass")).hexdigest()


REFERENCE_DIR = "reference"  # parsed reference sets, beside the article contexts
KEEP_REFERENCES = 4


def load_reference_cached(paths: list[str | Path] | tuple[str | Path, ...],
                          cache_dir: str | Path | None) -> ReferenceSet:
    """Load the reference set, from `cache_dir` when these files were parsed before.

    Parsing YAML is most of the cost of loading a large reference set (about 3 s
    for 8,000 entries, against 0.2 s for the JSON of the parsed set). An entry
    is keyed by the files' paths and bytes and claimaudit's code digest, so it is
    only ever the result of parsing these very files with this very code (and a
    set that failed validation is never stored). A damaged entry is re-parsed.
    """
    from .reference import parse_reference_files, read_reference_files

    read = read_reference_files(paths)
    if cache_dir is None:
        return parse_reference_files(read)
    key = hashlib.sha256("\0".join(
        [SCHEMA, __version__, code_digest(), read.sha256, *map(str, read.files)]
    ).encode("utf-8", "surrogatepass")).hexdigest()
    path = Path(cache_dir) / REFERENCE_DIR / f"{key[:32]}.json"
    try:
        ref = _reference_from_json(orjson.loads(path.read_bytes()))
        if ref.sha256 == read.sha256 and ref.paths == tuple(map(str, read.files)):
            os.utime(path)
            return ref
    except (OSError, ValueError, KeyError, TypeError):
        pass
    ref = parse_reference_files(read)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        _write_atomic(path, orjson.dumps(dataclasses.asdict(ref)))
        entries = sorted(path.parent.glob("*.json"), key=lambda p: p.stat().st_mtime, reverse=True)
        for old in entries[KEEP_REFERENCES:]:
            old.unlink(missing_ok=True)
    except OSError:
        pass  # a cache that cannot be written only costs time
    return ref


def _reference_from_json(d: dict) -> ReferenceSet:
    claims = []
    for c in d["claims"]:
        c = dict(c)
        c["studies"] = tuple(Study(**st) for st in c["studies"])
        c["key_terms"] = tuple(tuple(g) for g in c["key_terms"])
        for name in ("variants", "overreach", "subject_terms"):
            c[name] = tuple(c[name])
        claims.append(ReferenceClaim(**c))
    packs = tuple(Pack(**{**p, "subject_terms": tuple(p["subject_terms"])}) for p in d["packs"])
    return ReferenceSet(claims=tuple(claims), paths=tuple(d["paths"]), sha256=d["sha256"],
                        packs=packs)


def _write_atomic(path: Path, data: bytes) -> None:
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def encode_entry(output: ArticleOutput) -> bytes:
    """Serialize an output: lengths, then header JSON, audit.json entry and CSV rows (UTF-8)."""
    fields = output.header()
    body = [output.json, output.csv]
    fields["format"] = ENTRY_FORMAT
    try:
        head = orjson.dumps(fields)
    except (TypeError, orjson.JSONEncodeError):  # lone surrogates: orjson refuses them
        head = json.dumps(fields, ensure_ascii=False).encode("utf-8", "surrogatepass")
    payload = head + body[0] + body[1]
    crc = zlib.crc32(payload)
    return _MAGIC + _LENGTHS.pack(crc, len(head), len(body[0]), len(body[1])) + payload


def decode_entry(data: bytes, shown: str) -> ArticleOutput | None:
    """Read `encode_entry`'s bytes back; None when they are not a current entry for `shown`."""
    if data[:len(_MAGIC)] != _MAGIC:
        return None
    crc, n_head, n_json, n_csv = _LENGTHS.unpack_from(data, len(_MAGIC))
    start = len(_MAGIC) + _LENGTHS.size
    view = memoryview(data)  # checksum and slice without copying the payload
    if len(data) != start + n_head + n_json + n_csv or zlib.crc32(view[start:]) != crc:
        return None
    head = bytes(view[start:start + n_head])
    try:
        fields = orjson.loads(head)
    except orjson.JSONDecodeError:  # written with lone surrogates (see encode_entry)
        fields = json.loads(head.decode("utf-8", "surrogatepass"))
    if fields.pop("format", None) != ENTRY_FORMAT or fields.get("path") != shown:
        return None
    start += n_head
    return ArticleOutput.from_header(fields, data[start:start + n_json], data[start + n_json:])


class ArticleCache:
    """Read and write cached `ArticleOutput`s of one context under `root`."""

    def __init__(self, root: str | Path, context: str, prepared: bool = False) -> None:
        self.root = Path(root)
        self.context = context
        self.dir = self.root / context[:24]
        self._prepared = prepared  # True in worker processes: the parent prepared the folder

    def key(self, shown: str, sha256: str) -> str:
        """Return the entry key of an article shown as `shown` whose bytes hash to `sha256`."""
        text = "\0".join([self.context, shown, sha256])
        return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()

    def _path(self, key: str) -> str:
        return os.path.join(self.dir, key[:2], key + ".entry")

    def has(self, shown: str, sha256: str) -> bool:
        """Return whether an entry exists (it may still prove unreadable)."""
        return os.path.isfile(self._path(self.key(shown, sha256)))

    def get(self, shown: str, sha256: str) -> ArticleOutput | None:
        """Return the cached output, or None when missing or damaged."""
        try:
            with open(self._path(self.key(shown, sha256)), "rb") as fh:
                return decode_entry(fh.read(), shown)
        except (OSError, ValueError, KeyError, TypeError, struct.error):
            return None

    def put(self, shown: str, sha256: str, output: ArticleOutput) -> None:
        """Store an entry atomically (temporary file + rename); failures are ignored."""
        path = Path(self._path(self.key(shown, sha256)))
        data = encode_entry(output)
        try:
            self.prepare()
            path.parent.mkdir(parents=True, exist_ok=True)
            _write_atomic(path, data)
        except OSError:
            pass  # a cache that cannot be written only costs time

    def prepare(self) -> None:
        """Create the cache folder (tagged, git-ignored), mark this context used, prune old ones."""
        if self._prepared:
            return
        self._prepared = True
        try:
            self.dir.mkdir(parents=True, exist_ok=True)
            for name, text in (("CACHEDIR.TAG", _TAG), (".gitignore", "*\n")):
                if not (self.root / name).exists():
                    (self.root / name).write_text(text, encoding="utf-8")
            os.utime(self.dir)
            self._prune()
        except OSError:
            pass

    def _prune(self) -> None:
        """Delete contexts beyond the KEEP_CONTEXTS most recent that were unused for an hour."""
        contexts = sorted((p for p in self.root.iterdir() if p.is_dir() and p.name != REFERENCE_DIR),
                          key=lambda p: p.stat().st_mtime, reverse=True)
        now = time.time()
        for p in contexts[KEEP_CONTEXTS:]:
            if p != self.dir and now - p.stat().st_mtime > 3600:
                shutil.rmtree(p, ignore_errors=True)
