"""Inputs: local paths, and fsspec URLs (memory://, file://, s3://, gs://, ...).

A path argument of the form `protocol://...` is a URL and is read through
fsspec (the `[dask]` extra installs it; `s3://` and the like also need their
backend, such as s3fs). Anything else is a local path and goes through
`pipeline.discover` and `ingest.read_bytes` as before, so fsspec is imported
only when a URL is given.

How a URL input is shown in the report (its `path`, which the fingerprints
include): exactly as written for a file URL (`s3://bucket/a.txt`), and for a
folder URL as written, without its trailing slashes, then "/" and the file's
path below the folder (`s3://bucket/articles/` -> `s3://bucket/articles/x/1.md`).
Folders are searched recursively for the article suffixes (.txt, .md,
.markdown, .html, .htm); entries whose name starts with "." are skipped, as for
local folders. A URL is never rewritten to a local path: `file:///srv/corpus/`
and `/srv/corpus/` are different display paths (and so fingerprints), so a
corpus should always be given the same way when reports are compared.
"""

from __future__ import annotations

import hashlib
import posixpath
import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from .ingest import (
    MAX_FILE_BYTES,
    SUFFIXES,
    IngestError,
    article_from_text,
    decode,
    kind_of,
    read_article,
    read_bytes,
)
from .pipeline import _escape, discover
from .records import Article, InputError

# protocol://, also chained (simplecache::s3://); a Windows drive (C:\) is no URL.
_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*(?:::[A-Za-z][A-Za-z0-9+.\-]*)*://")
# File systems that live inside one process: their files cannot be read by a
# Dask worker, so the client reads them and sends the bytes with the task.
PROCESS_LOCAL = ("memory",)
INSTALL_HINT = "pip install 'claimaudit[dask]'"


def is_url(p: object) -> bool:
    """Return whether an input is an fsspec URL (only a str can be: Path collapses "//")."""
    return isinstance(p, str) and _URL.match(p) is not None


def discover_sources(paths: Iterable[str | Path], discovery: Any = None,
                     ) -> tuple[list[tuple[str | Path, str]], list[InputError]]:
    """Like `pipeline.discover`, for local paths and URLs: (source, display path) pairs, sorted.

    `discovery` (a `pipeline.Discovery`) applies to local folder walks.
    """
    paths = list(paths)
    urls = [p for p in paths if is_url(p)]
    files, errors = discover([p for p in paths if not is_url(p)], discovery)
    if not urls:
        return list(files), errors
    found: dict[str, str | Path] = {shown: src for src, shown in files}
    for url in urls:
        for src, shown in _walk_url(str(url), errors):
            found.setdefault(shown, src)
    unique = sorted(set(errors), key=lambda e: (e.path, e.error))
    return sorted(((src, shown) for shown, src in found.items()), key=lambda t: t[1]), unique


def _filesystem(url: str) -> tuple[Any, str]:
    """Return (fsspec file system, path in it) for a URL; raise IngestError when unusable."""
    try:
        from fsspec.core import url_to_fs
    except ImportError:
        raise IngestError(_escape(url), f"a URL input needs fsspec ({INSTALL_HINT})") from None
    try:
        return url_to_fs(url)
    except ImportError as exc:  # e.g. "Install s3fs to access S3"
        raise IngestError(_escape(url), f"no fsspec backend for it: {_one_line(exc)}") from None
    except Exception as exc:  # noqa: BLE001 - unknown protocol, bad URL, backend errors
        raise IngestError(_escape(url), f"cannot open: {_one_line(exc)}") from None


def _walk_url(url: str, errors: list[InputError]) -> list[tuple[str, str]]:
    """Return (URL, display path) of the articles at `url` (a file or a folder)."""
    try:
        fs, root = _filesystem(url)
        if not fs.exists(root):
            raise IngestError(_escape(url), "no such file or directory")
        if not fs.isdir(root):
            return [(url, _escape(url))]
        names = fs.find(root)
    except IngestError as exc:
        errors.append(InputError(exc.path, exc.reason))
        return []
    except Exception as exc:  # noqa: BLE001 - a backend's own errors (network, permission)
        errors.append(InputError(_escape(url), f"cannot read folder: {_one_line(exc)}"))
        return []
    base = url.rstrip("/")
    out = []
    for name in sorted(names):
        rel = posixpath.relpath(name, root) if root.strip("/") else name.lstrip("/")
        if rel.startswith("../") or any(part.startswith(".") for part in rel.split("/")):
            continue
        if name.lower().endswith(SUFFIXES):
            out.append((f"{base}/{rel}", _escape(f"{base}/{rel}")))
    return out


def read_source_bytes(source: str | Path, shown: str) -> bytes:
    """Read a local file or a URL (at most MAX_FILE_BYTES); raise IngestError with a reason."""
    if not is_url(source):
        return read_bytes(source, shown)
    fs, path = _filesystem(str(source))
    try:
        info = fs.info(path)
        if info.get("type") == "directory":
            raise IngestError(shown, "is a directory")
        size = info.get("size")
        if size is not None and size > MAX_FILE_BYTES:
            raise IngestError(shown, f"too large for an article: {size:,} bytes "
                                     f"(limit {MAX_FILE_BYTES:,})")
        data = fs.cat_file(path)
    except IngestError:
        raise
    except FileNotFoundError:
        raise IngestError(shown, "no such file or directory") from None
    except PermissionError:
        raise IngestError(shown, "permission denied") from None
    except Exception as exc:  # noqa: BLE001 - a backend's own errors (network, credentials)
        raise IngestError(shown, f"cannot read: {_one_line(exc)}") from None
    if len(data) > MAX_FILE_BYTES:
        raise IngestError(shown, f"too large for an article: {len(data):,} bytes "
                                 f"(limit {MAX_FILE_BYTES:,})")
    return bytes(data)


def article_from_bytes(data: bytes, source: str | Path, shown: str) -> Article:
    """Decode a file's bytes into an Article, as `ingest.read_article` does."""
    try:
        text, encoding = decode(data)
    except ValueError as exc:
        raise IngestError(shown, str(exc)) from None
    name = posixpath.basename(str(source).rstrip("/")) if is_url(source) else Path(source).name
    return article_from_text(text, path=shown, kind=kind_of(name), encoding=encoding,
                             sha256=hashlib.sha256(data).hexdigest())


def read_source(source: str | Path, shown: str | None = None) -> Article:
    """Read a local file or a URL into an Article; raise IngestError with a one-line reason."""
    shown = shown or str(source)
    if not is_url(source):
        return read_article(source, shown)  # local files exactly as before
    return article_from_bytes(read_source_bytes(source, shown), source, shown)


def process_local(sources: Sequence[str | Path]) -> list[bool]:
    """For each source, whether only this process can read it (a memory:// URL)."""
    return [is_url(s) and str(s).split("://", 1)[0].split("::")[-1] in PROCESS_LOCAL
            for s in sources]


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split())[:200]
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__
