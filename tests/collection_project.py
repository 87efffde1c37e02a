"""A collection of real documents to build in tests: the project's article, a reprint fixture, an
Arabic article and three documents of tests/corpus (French, Japanese, Italian), as they are."""
from __future__ import annotations

import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "corpus"

COLLECTION = """---
title: "The Reprint Review: Issue 1"
subtitle: Six articles from elsewhere
editors: [Ana Lima, "Tom O’Neill"]
date: 2026-12-01
volume: 3
issue: 1
publisher: Harbour Press
lang: en
rights: "Collection © 2026 Harbour Press. Each article is reprinted under its own notice."
articles:
  - section: Features
    articles:
      - article.md
      - reprint/reprint.md
  - section: Elsewhere
    articles:
      - rtl/rtl.md
      - osguide-it-getting-paid/getting-paid.md
      - jsalgo-fr-euclidean/README.fr-FR.md
      - bat-readme-ja/README-ja.md
---

This issue gathers reprints from six outlets, each under its own authorization.
"""


#: The collection's articles in order, as COLLECTION lists them, and their languages as publish reads
#: them (the French corpus document says none and has no kana: en).
ARTICLES = ["article.md", "reprint/reprint.md", "rtl/rtl.md", "osguide-it-getting-paid/getting-paid.md",
            "jsalgo-fr-euclidean/README.fr-FR.md", "bat-readme-ja/README-ja.md"]
LANGUAGES = ["en", "en", "ar", "it", "en", "ja"]


def build_collection(folder: Path, fmt: str) -> tuple[Path, Path, Path]:
    """The collection made in ``folder`` and built in one format with verify on: the folder, the
    collection's source and its output in folder/dist."""
    from publish.builder.pipeline import build

    source = make_collection(folder)
    build([source], formats=[fmt], out=folder / "dist", project=folder, parallel=False)
    return folder, source, folder / "dist" / f"issue-1.{fmt}"


def make_collection(folder: Path) -> Path:
    """Copy the articles into ``folder``/source and write the collection there; its path."""
    source = folder / "source"
    source.mkdir(parents=True, exist_ok=True)
    shutil.copy(ROOT / "source" / "article.md", source / "article.md")
    shutil.copytree(ROOT / "tests" / "fixtures" / "pdf", source / "reprint", dirs_exist_ok=True)
    shutil.copytree(ROOT / "tests" / "fixtures" / "rtl", source / "rtl", dirs_exist_ok=True)
    for name in ("osguide-it-getting-paid", "jsalgo-fr-euclidean", "bat-readme-ja"):
        shutil.copytree(CORPUS / name, source / name, dirs_exist_ok=True)
    path = source / "issue-1.md"
    path.write_text(COLLECTION, "utf-8")
    return path


#: A right-to-left collection with a cover and no sections, of two of the articles above.
RTL_COLLECTION = """---
title: مختارات الميناء
editors: [ليلى حداد]
date: 2026-12-01
lang: ar
cover-image: reprint/images/chart.png
rights: "© 2026 صحيفة الميناء"
articles:
  - rtl/rtl.md
  - reprint/reprint.md
---
"""


def make_rtl_collection(folder: Path) -> Path:
    """Write RTL_COLLECTION beside the collection ``make_collection(folder)`` made; its path."""
    path = folder / "source" / "issue-ar.md"
    path.write_text(RTL_COLLECTION, "utf-8")
    return path
