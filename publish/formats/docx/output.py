"""The DOCX writer's entry point (``formats.WRITERS``): an article through ``write.DocxWriter``, a
collection through ``collection.CollectionWriter``, which builds on it (so ``write`` cannot be
the one that chooses without an import circle)."""
from __future__ import annotations

from ..job import Job
from . import write as article
from .collection import CollectionWriter


def write(job: Job) -> bytes:
    """Render the article, or the collection, to DOCX bytes."""
    if job.doc.parts:
        return CollectionWriter(job).render()
    return article.write(job)  # looked up when called: a test may stand in for the article's writer
