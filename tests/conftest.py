"""Shared fixtures: the repository root, the seed text, and one build of the article per session."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT.parent / "shared" / "seeds" / "000_d262437398b2ef6c.txt"
ARTICLE = ROOT / "source" / "article.md"


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def seed_paragraphs() -> list[str]:
    """The original article's paragraphs (a copy ships in tests/fixtures when shared/ is absent)."""
    path = SEED if SEED.is_file() else ROOT / "tests" / "fixtures" / "seed.txt"
    text = path.read_text("utf-8")
    return [p.strip() for p in text.split("\n\n") if p.strip()]


@pytest.fixture(scope="session")
def article_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The article built once in all three formats; returns the output folder."""
    from publish.pipeline import build

    out = tmp_path_factory.mktemp("dist")
    cwd = os.getcwd()
    os.chdir(ROOT)
    try:
        build([ARTICLE], out=out, project=ROOT)
    finally:
        os.chdir(cwd)
    return out
