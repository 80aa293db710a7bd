"""claimaudit: a linter for health claims.

    >>> import claimaudit
    >>> report = claimaudit.audit(["corpus/"], "reference/")          # doctest: +SKIP
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

__all__ = ["Auditor", "Settings", "__version__", "audit"]

if TYPE_CHECKING:
    from .pipeline import Auditor, Settings, audit


def __getattr__(name: str) -> Any:
    """Import the pipeline (numpy, rapidfuzz, ...) on first use of the API, not on import.

    `import claimaudit` alone (as `claimaudit --version` does) then costs nothing.
    """
    if name in ("Auditor", "Settings", "audit"):
        from . import pipeline

        return getattr(pipeline, name)
    raise AttributeError(f"module 'claimaudit' has no attribute {name!r}")
