"""claimaudit: a linter for health claims.

    >>> import claimaudit
    >>> report = claimaudit.audit(["corpus/"], "reference/")          # doctest: +SKIP
"""

from __future__ import annotations

__version__ = "0.1.0"

from .pipeline import Auditor, Settings, audit  # noqa: E402

__all__ = ["Auditor", "Settings", "__version__", "audit"]
