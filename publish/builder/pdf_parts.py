"""A long document's PDF on every core: its chapters (formats/pdf/chapters.py) grouped into one
part per worker, each part laid out on its own worker while this process writes the other
formats, then, once every part's page count is known, each part's running heads and folios drawn
as pages of the whole and its PDF written (formats/pdf/parts.py), and the parts merged into one
PDF here (formats/pdf/merge.py), which is read back like any other."""
from __future__ import annotations

import os
import pickle
import re
import time
from dataclasses import dataclass
from typing import Any, Callable

from ..errors import OutputError
from ..formats.job import Job

#: The build option that sets how many parts a long PDF is cut into (default: one a core; 1: one piece).
PARTS_OPTION = "pdf_parts"
#: The same from the environment, for the command line (the option wins).
PARTS_ENV = "PUBLISH_PDF_PARTS"


@dataclass
class Plan:
    """The parts' print pages, and for each the anchors it links to that another part holds."""

    pages: list[str]
    elsewhere: list[list[str]]


_ID = re.compile(r'\bid="([^"]+)"')
_HREF = re.compile(r'\bhref="#([^"]+)"')


def plan(job: Job, page: str, workers: int) -> Plan | None:
    """The parts of ``page`` (the article's print page) for ``workers`` workers, or None when it
    is laid out in one piece: not long (chapters.LONG_WORDS), one core, a PDF variant (PDF/A and
    PDF/UA are written by WeasyPrint alone), or fewer than two chapters."""
    from ..formats.pdf.chapters import long_document

    given = job.options.get(PARTS_OPTION) or os.environ.get(PARTS_ENV, "").strip()
    try:
        wanted = int(given or workers)
    except ValueError:
        raise OutputError(f"{PARTS_ENV} must be a number of parts, not {given!r}") from None
    if wanted < 2 or job.options.get("pdf_variant"):
        return None
    book = long_document(job, page)
    if book is None:
        return None
    runs = book.parts(wanted)
    if len(runs) < 2:
        return None
    pages = [book.part(start, end) for start, end in runs]
    ids = [set(_ID.findall(p)) for p in pages]
    everywhere = set().union(*ids)
    elsewhere = [sorted((set(_HREF.findall(p)) & everywhere) - own) for p, own in zip(pages, ids)]
    return Plan(pages, elsewhere)


# -- the worker side ------------------------------------------------------------------------
def lay_out(job: Job, index: int, page: str) -> Any:
    """A worker's first step: lay part ``index`` out and keep it (its page count goes back)."""
    from ..formats.pdf import parts

    return parts.lay_out(job, index, page)


def finish(job: Job, index: int, first_page: int, total: int, strings: dict[str, str], elsewhere: list[str]) -> Any:
    """A worker's second step: the part it laid out, as PDF pages of the whole."""
    from ..formats.pdf import parts

    return parts.finish(job, index, first_page, total, strings, elsewhere)


# -- the parent's side ----------------------------------------------------------------------
@dataclass
class _Step:
    index: int


def render(lanes: Any, job: Job, parts_plan: Plan, patterns: Any, meanwhile: list[Callable[[], None]]) -> tuple[bytes, float]:
    """The merged PDF's bytes and the seconds it took, rendered on ``lanes``' heavy workers (as
    many more started as there are parts); ``meanwhile`` runs here during the layout."""
    from ..formats.pdf.merge import merge

    started = time.perf_counter()
    count = len(parts_plan.pages)
    if lanes.size("heavy") < count:
        lanes.grow("heavy", count - lanes.size("heavy"))
    token = os.urandom(8).hex()
    payload = pickle.dumps(job, protocol=pickle.HIGHEST_PROTOCOL)
    owner: dict[int, Any] = {}
    laid: dict[int, Any] = {}
    finished: dict[int, Any] = {}

    def first_message(step: _Step, worker: Any) -> tuple[Any, ...]:
        owner[step.index] = worker
        sent = None if token in worker.holds else payload
        worker.holds = {token}
        return "part-layout", token, sent, patterns, step.index, parts_plan.pages[step.index]

    lanes.run({"heavy": [_Step(i) for i in range(count)]}, first_message, lambda step, result: laid.__setitem__(step.index, result),
              meanwhile=meanwhile)
    total = sum(laid[i].pages for i in range(count))
    firsts, strings, page, coming = [], [], 1, {}
    for i in range(count):
        firsts.append(page)
        strings.append(dict(coming))
        page += laid[i].pages
        coming.update(laid[i].strings)

    def second_message(step: _Step, worker: Any) -> tuple[Any, ...]:
        return "part-finish", token, step.index, firsts[step.index], total, strings[step.index], parts_plan.elsewhere[step.index]

    lanes.run({"heavy": [_Step(i) for i in range(count)]}, second_message,
              lambda step, result: finished.__setitem__(step.index, result),
              only=lambda step, worker: owner.get(step.index) is worker)
    if len(finished) != count:
        raise OutputError("internal: a part of the PDF was not finished by the worker that laid it out", job.doc.path)
    data = merge([finished[i] for i in range(count)])
    return data, time.perf_counter() - started
