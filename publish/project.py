"""The project folder: where publish looks for project themes and confines the files an article
may use (images, cover): the nearest folder with a ``publish.yaml`` above the article, else the
working directory when the article is inside it, else the article's own folder."""
from __future__ import annotations

from pathlib import Path
from typing import Iterable

#: The file that marks a project folder (its content is not read yet: an empty file will do).
MARKER = "publish.yaml"


def find_project(sources: Iterable[str | Path] | None, cwd: Path | None = None) -> Path:
    """The project of a build: the folder of the nearest ``publish.yaml`` upwards from the first
    article; else the working directory if the article lies inside it (so a checkout's
    ``themes/`` is found); else the article's folder (so ``publish build ../elsewhere/a.md``
    finds that article's images)."""
    from .builder.outputs import DEFAULT_SOURCE

    here = (cwd or Path.cwd()).resolve()
    first = next(iter(sources or []), None)
    article = (here / Path(first if first is not None else DEFAULT_SOURCE)).resolve()
    folder = article.parent
    for candidate in (folder, *folder.parents):
        if (candidate / MARKER).is_file():
            return candidate
    if folder == here or here in folder.parents:
        return here
    return folder
