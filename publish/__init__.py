"""publish: one Markdown article to a print PDF, an EPUB and a Word DOCX, metadata and notice intact."""
from __future__ import annotations

from typing import Any

__version__ = "0.1.0"

__all__ = ["build", "__version__"]


def build(*args: Any, **kwargs: Any) -> Any:
    """Build articles; see :func:`publish.pipeline.build` (imported lazily to keep start-up fast)."""
    from .pipeline import build as _build

    return _build(*args, **kwargs)
