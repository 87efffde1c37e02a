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
