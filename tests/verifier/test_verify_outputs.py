"""`verify_outputs`, the check behind `publish verify`: each output is read with the theme, project,
and place its build recorded in the manifest, several sources are labelled, and the PDF's
undrawable characters are a note, not a loss. Small articles, built in process once per module."""
from __future__ import annotations

from pathlib import Path

import pytest

from publish.builder.pipeline import build
from publish.builder.check import verify_outputs

ARTICLE = "---\ntitle: {title}\ndate: 2025-01-02\nlang: en\n---\n\nThe first paragraph of {title}.\n\nThe second one.\n"
#: How the default theme shows the date, and how the project's theme "isodate" shows it.
DEFAULT_DATE, ISO_DATE = "January 2, 2025", "2025-01-02"


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project with its own theme; ``a.md`` built as EPUB with that theme and as PDF with the
    default one; ``b.md`` built as EPUB and as a web folder (``dist/b/index.html``) with the
    project's theme."""
    root = tmp_path_factory.mktemp("verify-outputs")
    theme = root / "themes" / "isodate"
    theme.mkdir(parents=True)
    (theme / "theme.yaml").write_text("name: isodate\nextends: default\noptions:\n  date_format: '{iso}'\n", "utf-8")
    for name in ("a", "b"):
        (root / f"{name}.md").write_text(ARTICLE.format(title=f"Article {name.upper()}"), "utf-8")
    out = root / "dist"
    build([root / "a.md"], formats=["epub"], theme="isodate", out=out, project=root)
    build([root / "a.md"], formats=["pdf"], out=out, project=root)
    build([root / "b.md"], formats=["epub", "html"], theme="isodate", out=out, project=root, options={"web_folder": True})
    assert (out / "b" / "index.html").is_file() and not (out / "b.html").exists()
    return root


@pytest.fixture()
def elsewhere(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Run from a folder that is not the project: the project's theme is found through the manifest."""
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_each_format_is_read_with_the_theme_and_project_its_build_recorded(project: Path, elsewhere: Path) -> None:
    report = verify_outputs([project / "a.md"], project / "dist")
    assert report.ok, report.table()
    assert report.formats == ["pdf", "epub"] and report.rows["date"] == {"pdf": "ok", "epub": "ok"}


def test_a_theme_given_to_verify_overrides_the_recorded_one(project: Path, elsewhere: Path) -> None:
    report = verify_outputs([project / "a.md"], project / "dist", theme="default", project=project)
    assert report.rows["date"] == {"pdf": "ok", "epub": "missing"}
    assert f"epub: date missing: line 3: “{DEFAULT_DATE}” is not in the visible text" in report.problems
    report = verify_outputs([project / "a.md"], project / "dist", theme="isodate", project=project)
    assert report.rows["date"] == {"pdf": "missing", "epub": "ok"}
    assert f"pdf: date missing: line 3: “{ISO_DATE}” is not in the visible text" in report.problems


def test_only_the_formats_asked_for_are_checked_in_the_usual_order(project: Path, elsewhere: Path) -> None:
    report = verify_outputs([project / "a.md"], project / "dist", formats=["epub", "pdf"])
    assert report.ok and report.formats == ["pdf", "epub"]
    report = verify_outputs([project / "a.md"], project / "dist", formats=["epub"])
    assert report.ok and report.formats == ["epub"]


def test_a_format_not_built_is_missing_when_asked_for(project: Path, elsewhere: Path) -> None:
    report = verify_outputs([project / "a.md"], project / "dist", formats=["docx"])
    assert report.rows == {"file": {"docx": "missing"}}
    assert report.problems == [f"docx: file missing: {project / 'dist' / 'a.docx'} does not exist; run publish build"]


def test_a_web_edition_built_as_a_folder_is_found_where_the_build_put_it(project: Path, elsewhere: Path) -> None:
    for web_folder in (False, True):  # the manifest knows; --web-folder says the same
        report = verify_outputs([project / "b.md"], project / "dist", web_folder=web_folder)
        assert report.ok, report.table()
        assert report.formats == ["epub", "html"]


def test_several_sources_are_checked_each_under_its_own_label(project: Path, elsewhere: Path) -> None:
    report = verify_outputs([project / "a.md", project / "b.md"], project / "dist")
    assert report.ok, report.table()
    assert report.rows["a: body"] == {"pdf": "ok", "epub": "ok"}
    assert report.rows["b: body"] == {"epub": "ok", "html": "ok"}
    assert "body" not in report.rows


def test_the_default_output_folder_is_dist(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(project)
    report = verify_outputs([Path("a.md")])
    assert report.ok and report.formats == ["pdf", "epub"]


def test_characters_no_font_draws_are_a_note_of_the_pdf_not_a_loss(tmp_path: Path) -> None:
    source = tmp_path / "signs.md"
    source.write_text("---\ntitle: Signs\n---\n\nPlain words first.\n\nA private sign \ue000 no font draws.\n", "utf-8")
    build([source], formats=["pdf", "epub"], out=tmp_path / "out", project=tmp_path)
    report = verify_outputs([source], tmp_path / "out", project=tmp_path)
    assert report.ok, report.table()
    assert report.rows["body"] == {"pdf": "not drawn", "epub": "ok"}
    assert report.notes == ["pdf: body not drawn: line 7: \ue000 (U+E000) could not be drawn (no font has them; the build warned)"]
