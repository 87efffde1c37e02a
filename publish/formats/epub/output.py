"""The EPUB writer's entry point (``formats.WRITERS``): an article through ``write``, a collection
through ``collection``, which builds on it (so ``write`` cannot be the one that chooses without an
import circle)."""
from __future__ import annotations

from ..job import Job
from . import write as article
from .collection import write_collection


def write(job: Job) -> bytes:
    """Render the article, or the collection (a page per article, each article's fields in the OPF), to EPUB bytes."""
    if job.doc.parts:
        return write_collection(job)
    return article.write(job)
