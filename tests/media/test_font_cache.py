"""The font subsets kept between builds: a cached subset is the very bytes a fresh one is, a damaged
cache file is made again, and the cache lives in the project, never in the output folder."""
from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from conftest import ARTICLE, ROOT
from publish.media import font_embed
from publish.media.font_embed import characters, set_cache_folder, subset_font
from publish.builder.pipeline import FONT_CACHE, build

FONT = ROOT / "themes" / "default" / "fonts" / "CharisSIL-Italic.ttf"
CHARS = characters(["Quoth the raven, \u201cNevermore.\u201d \u00bd"])


def _forget() -> None:
    """Empty the in-process caches, so that the next call reads the folder or subsets afresh."""
    font_embed._subset.cache_clear()
    font_embed._sfnt_subset.cache_clear()


@pytest.fixture
def cache(tmp_path: Path):
    _forget()
    set_cache_folder(tmp_path / "fonts")
    yield tmp_path / "fonts"
    set_cache_folder(None)
    _forget()


@pytest.mark.parametrize("flavor, truetype, hinting", [("woff2", False, False), (None, True, True), ("woff", False, True)])
def test_a_cached_subset_is_byte_identical_to_a_fresh_one(cache: Path, flavor, truetype, hinting) -> None:
    first = subset_font(FONT, CHARS, flavor=flavor, truetype=truetype, hinting=hinting)
    assert len(list(cache.iterdir())) == 1
    _forget()
    from_cache = subset_font(FONT, CHARS, flavor=flavor, truetype=truetype, hinting=hinting)
    set_cache_folder(None)
    _forget()
    fresh = subset_font(FONT, CHARS, flavor=flavor, truetype=truetype, hinting=hinting)
    assert first == from_cache == fresh


def test_other_characters_or_options_are_another_cache_entry(cache: Path) -> None:
    a = subset_font(FONT, CHARS, flavor="woff2", hinting=False)
    b = subset_font(FONT, CHARS | {"\u00e9"}, flavor="woff2", hinting=False)
    c = subset_font(FONT, CHARS, flavor="woff2", hinting=True)
    assert len({a, b, c}) == 3
    assert len(list(cache.iterdir())) == 3


def test_a_damaged_cache_file_is_made_again(cache: Path) -> None:
    good = subset_font(FONT, CHARS, flavor="woff2", hinting=False)
    [kept] = cache.iterdir()
    kept.write_bytes(b"half a font")
    _forget()
    assert subset_font(FONT, CHARS, flavor="woff2", hinting=False) == good
    assert kept.read_bytes().endswith(good)


def test_a_build_keeps_its_font_cache_in_the_project_not_in_the_output_folder(tmp_path: Path) -> None:
    _forget()
    out = tmp_path / "out"
    [result] = build([ARTICLE], formats=["epub"], out=out, project=ROOT)
    assert not [p for p in out.rglob("*") if ".cache" in p.parts], "nothing but outputs in the output folder"
    with zipfile.ZipFile(result.path) as book:
        fonts = [book.read(n) for n in book.namelist() if n.endswith(".woff2")]
    assert fonts
    cached = {p.read_bytes()[32:] for p in (ROOT / FONT_CACHE).glob("*.woff2")}
    assert set(fonts) <= cached
    assert font_embed.CACHE_FOLDER is None, "the build's cache folder does not outlive its render"
