"""Hyphenation in the PDF: the patterns each article language is set with, and the head start a PDF worker gets."""
from __future__ import annotations

import pickle
import shutil
from pathlib import Path
from typing import Any

import pyphen
import pytest

from publish.media import hyphenation
from publish.builder import pipeline
from publish.errors import ThemeError
from publish.theme import load
from publish.formats.pdf import write as pdf_writer
from publish.formats.pdf.page import print_page

ROOT = Path(__file__).resolve().parents[2]
FIXTURE = ROOT / "tests" / "fixtures" / "pdf" / "reprint.md"


def _job(tmp_path: Path, lang: str = "en", theme: str | None = None) -> Any:
    shutil.copytree(FIXTURE.parent, tmp_path, dirs_exist_ok=True)  # with its images
    source = tmp_path / "reprint.md"
    source.write_text(FIXTURE.read_text("utf-8").replace("\nlang: en\n", f"\nlang: {lang}\n", 1), "utf-8")
    return pipeline.prepare(source, load(theme, ROOT), tmp_path)


def _patterns_asked_for(monkeypatch: pytest.MonkeyPatch, job: Any) -> set[str]:
    """The Pyphen languages WeasyPrint asks for while it renders the job's PDF."""
    asked: set[str] = set()

    class Recording(pyphen.Pyphen):
        def __init__(self, *args: Any, lang: str | None = None, **kwargs: Any) -> None:
            asked.add(str(lang))
            super().__init__(*args, lang=lang, **kwargs)

    monkeypatch.setattr(pyphen, "Pyphen", Recording)
    pdf_writer.write(job)
    return asked


@pytest.mark.parametrize(("lang", "patterns"), [("en", "en_US"), ("en-GB", "en_GB")])
def test_an_english_article_gets_american_patterns_unless_it_says_otherwise(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, lang: str, patterns: str) -> None:
    assert _patterns_asked_for(monkeypatch, _job(tmp_path, lang)) == {patterns}


def _pdf_of(job):
    """What preload is given for a job's PDF: its theme and its language."""
    return job.theme, job.view.lang


def test_preload_parses_the_patterns_the_pdf_asks_for(tmp_path: Path) -> None:
    assert set(hyphenation.preload(*_pdf_of(_job(tmp_path)))) == {pyphen.LANGUAGES["en_US"]}
    assert set(hyphenation.preload(*_pdf_of(_job(tmp_path, "de")))) == {pyphen.LANGUAGES[pyphen.language_fallback("de")]}


def test_preload_parses_nothing_for_a_theme_that_never_hyphenates_automatically(tmp_path: Path) -> None:
    job = _job(tmp_path, theme="report")
    assert "hyphens: auto" not in job.theme.css("print")
    assert hyphenation.preload(*_pdf_of(job)) == {}


def test_a_render_given_preloaded_patterns_parses_none_and_writes_the_same_pdf(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    job = _job(tmp_path)
    expected = pdf_writer.write(job)
    shipped = pickle.loads(pickle.dumps(hyphenation.preload(*_pdf_of(job))))  # as the PDF worker receives them
    monkeypatch.setattr(pyphen, "hdcache", {})
    hyphenation.install(shipped)

    def parse(self: Any, path: Path) -> None:
        raise AssertionError(f"parsed {path} again")

    monkeypatch.setattr(pyphen.HyphDict, "__init__", parse)
    assert pdf_writer.write(job) == expected


def test_the_pdf_worker_is_sent_its_page_and_patterns_and_the_light_formats_are_rendered_here_meanwhile(tmp_path: Path) -> None:
    job = _job(tmp_path)
    events: list[tuple[str, Any]] = []

    class Lanes:  # hands out the tasks as the real lanes do: the workers' first, then this process's own
        def run(self, queues: Any, message: Any, done: Any, prefer: Any = None, meanwhile: Any = (), failed: Any = None) -> None:
            worker = type("Worker", (), {"holds": set()})
            for tasks in queues.values():
                for task in tasks:
                    _kind, _key, _payload, fmt, _temp, ahead, _verify = message(task, worker())
                    events.append(("sent", fmt, ahead))
                    done(task, (1, "0" * 64, 0.0, [], [], 0.0))
            for call in meanwhile:
                call()
                events.append(("here", None, None))

    tasks = [pipeline._Task(0, fmt, tmp_path / f"a.{fmt}", tmp_path / f"a.{fmt}.tmp") for fmt in ("pdf", "epub", "docx")]
    pipeline._render_parallel(Lanes(), {0: job}, tasks, False, pipeline._Failures(alone=True), [job.doc.path])
    assert [(kind, fmt) for kind, fmt, _ in events] == [("sent", "pdf"), ("here", None), ("here", None)]
    ahead = events[0][2]
    assert set(ahead.patterns) == {pyphen.LANGUAGES["en_US"]}
    assert ahead.print_page == print_page(job)  # the page, made here while the worker imports WeasyPrint
    assert (tmp_path / "a.epub.tmp").read_bytes()[:2] == b"PK" and (tmp_path / "a.docx.tmp").read_bytes()[:2] == b"PK"
    assert tasks[1].size == (tmp_path / "a.epub.tmp").stat().st_size and len(tasks[2].sha) == 64


def test_the_hyphenation_option_merges_with_the_default_and_rejects_a_bad_tag(tmp_path: Path) -> None:
    theme = tmp_path / "t"
    theme.mkdir()
    manifest = theme / "theme.yaml"
    manifest.write_text("extends: default\noptions:\n  hyphenation: {de: de-CH}\n", "utf-8")
    assert load(str(theme), ROOT).options["hyphenation"] == {"en": "en-US", "de": "de-CH"}
    assert 'html[lang="de"] > body { -weasy-lang: "de-CH"; }' in hyphenation.stylesheet(load(str(theme), ROOT).options)
    manifest.write_text('extends: default\noptions:\n  hyphenation: {en: "en-US\\"; color: red"}\n', "utf-8")
    with pytest.raises(ThemeError) as info:
        load(str(theme), ROOT)
    assert info.value.line == 3 and "hyphenation" in info.value.message


def test_parsed_patterns_are_kept_in_the_cache_and_read_back_without_parsing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    job = _job(tmp_path)
    folder = tmp_path / "cache"
    monkeypatch.setattr(pyphen, "hdcache", {})
    parsed = hyphenation.preload(*_pdf_of(job), folder)
    path = pyphen.LANGUAGES["en_US"]
    assert [p.suffix for p in folder.iterdir()] == [".json"]

    def parse(self: Any, path: Path) -> None:
        raise AssertionError(f"parsed {path} again")

    monkeypatch.setattr(pyphen, "hdcache", {})
    monkeypatch.setattr(pyphen.HyphDict, "__init__", parse)
    kept = hyphenation.preload(*_pdf_of(job), folder)
    assert {k: (s, tuple(v)) for k, (s, v) in kept[path].patterns.items()} == parsed[path].patterns
    assert kept[path].maxlen == parsed[path].maxlen
    assert kept[path].positions("hyphenation") == parsed[path].positions("hyphenation") != []


def test_a_damaged_pattern_cache_is_parsed_again_not_trusted(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    job = _job(tmp_path)
    folder = tmp_path / "cache"
    monkeypatch.setattr(pyphen, "hdcache", {})
    expected = hyphenation.preload(*_pdf_of(job), folder)[pyphen.LANGUAGES["en_US"]].patterns
    (kept,) = folder.iterdir()
    kept.write_bytes(kept.read_bytes()[:-200])  # cut short, as by a full disk
    monkeypatch.setattr(pyphen, "hdcache", {})
    assert hyphenation.preload(*_pdf_of(job), folder)[pyphen.LANGUAGES["en_US"]].patterns == expected


def test_a_pdf_built_with_cached_patterns_is_the_pdf_built_without(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    job = _job(tmp_path)
    monkeypatch.setattr(pyphen, "hdcache", {})
    expected = pdf_writer.write(job)
    job.hyphenation_cache = tmp_path / "cache"
    monkeypatch.setattr(pyphen, "hdcache", {})
    hyphenation.preload(*_pdf_of(job), job.hyphenation_cache)  # writes the cache
    monkeypatch.setattr(pyphen, "hdcache", {})
    assert pdf_writer.write(job) == expected  # reads it


def test_hungarian_patterns_never_break_a_word_where_the_break_changes_its_letters(tmp_path: Path) -> None:
    # Pyphen's hu_HU patterns hyphenate "mennyire" as "meny-nyire"; WeasyPrint draws "meny-" and goes
    # on at the fifth letter of the word as written, so the PDF read "meny- yire" (opensource.guide,
    # _articles/hu/how-to-contribute.md, line 400)
    hyphenation.preload(*_pdf_of(_job(tmp_path, "hu")))
    dictionary = pyphen.Pyphen(lang="hu")
    for word in ("mennyire", "asszony", "hosszú", "Mennyire"):
        pairs = list(dictionary.iterate(word))
        assert all(first + rest == word for first, rest in pairs), pairs
    assert list(dictionary.iterate("mennyire")) == [("mennyi", "re")]  # its standard break is kept
