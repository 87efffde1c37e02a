"""Shared fixtures: the repository root, the seed text, and one build of the article per session."""
from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path
from typing import Any

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


#: A folder where builds are kept and reused, set by `make mutate` for the mutation runs of the
#: read-back (verify): there the outputs are the input, not the code under test, and rebuilding
#: them for every mutant would cost most of the run. Unset, every build really builds.
BUILD_CACHE = os.environ.get("PUBLISH_TEST_BUILD_CACHE")


def build_outputs(source: Path, out: Path, formats: list[str] | None = None, **options: Any) -> None:
    """pipeline.build of one source into ``out`` (or, with PUBLISH_TEST_BUILD_CACHE, a copy of an
    earlier build of the same bytes)."""
    from publish.builder.pipeline import build

    if not BUILD_CACHE:
        build([source], formats=formats, out=out, **options)
        return
    key = hashlib.sha256(repr((source.name, source.read_bytes(), formats, sorted(options.items(), key=str))).encode()).hexdigest()[:20]
    kept = Path(BUILD_CACHE) / key
    if not kept.is_dir():
        fresh = Path(BUILD_CACHE) / f"{key}.{os.getpid()}.tmp"
        build([source], formats=formats, out=fresh, **options)
        os.replace(fresh, kept)
    out.mkdir(parents=True, exist_ok=True)
    for output in kept.iterdir():
        if not output.name.startswith("."):
            shutil.copy(output, out / output.name)


@pytest.fixture(scope="session")
def article_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The article built once in all three formats; returns the output folder."""
    out = tmp_path_factory.mktemp("dist")
    cwd = os.getcwd()
    os.chdir(ROOT)
    try:
        build_outputs(ARTICLE, out, project=ROOT)
    finally:
        os.chdir(cwd)
    return out


#: Files whose tests share nothing costly (each builds on its own): spread over the workers one by
#: one rather than kept together, so that the 60 corpus builds do not all wait for one core.
SPREAD = {"tests/test_corpus.py"}


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Under `--dist loadgroup` (make test), a file's tests run on one worker, as `loadfile` would,
    so module fixtures are built once; the files in SPREAD are the exception."""
    for item in items:
        path = item.nodeid.split("::")[0]
        if item.get_closest_marker("xdist_group") is None:
            item.add_marker(pytest.mark.xdist_group(item.nodeid if path in SPREAD else path))
