"""Images read for the outputs: the opened file itself is checked (no symlink swapped in, no growth past the limit), typed by its bytes, and errors name the article's line."""
from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest

from conftest import ROOT
from publish.media import assets
from publish.errors import SourceError

PNG = (ROOT / "tests" / "fixtures" / "constructs" / "images" / "diagram.png").read_bytes()
WHERE = (Path("/project/article.md"), 7)


def _refused(target: Path, fragment: str) -> SourceError:
    with pytest.raises(SourceError) as caught:
        assets._read_image(target, "images/x.png", WHERE)
    error = caught.value
    assert (Path(str(error.path)), error.line) == WHERE, str(error)
    assert error.message.startswith("image 'images/x.png' ") and fragment in error.message, error.message
    return error


def test_a_symlink_swapped_in_after_the_path_check_is_not_followed(tmp_path: Path) -> None:
    """The path was resolved and checked first; the open itself refuses a symlink (O_NOFOLLOW),
    so a link put in its place between the check and the read cannot lead outside."""
    (tmp_path / "real.png").write_bytes(PNG)
    (tmp_path / "x.png").symlink_to(tmp_path / "real.png")
    _refused(tmp_path / "x.png", "cannot be read: ")


def test_an_image_of_exactly_the_limit_is_read_whole(tmp_path: Path) -> None:
    path = tmp_path / "x.png"
    with open(path, "wb") as handle:
        handle.write(PNG)
        handle.truncate(assets.MAX_IMAGE_BYTES)
    data = assets._read_image(path, "images/x.png", WHERE)
    assert len(data) == assets.MAX_IMAGE_BYTES and data.startswith(PNG)


def test_an_image_over_the_limit_is_refused_by_its_size(tmp_path: Path) -> None:
    path = tmp_path / "x.png"
    with open(path, "wb") as handle:
        handle.truncate(assets.MAX_IMAGE_BYTES + 1)
    _refused(path, "is larger than 20 MiB")


def test_an_image_that_grows_after_its_size_was_checked_is_still_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "x.png"
    with open(path, "wb") as handle:
        handle.truncate(assets.MAX_IMAGE_BYTES + 1)
    real_fstat = os.fstat

    def small(fd: int) -> os.stat_result:
        info = real_fstat(fd)
        return os.stat_result((info.st_mode, *info[1:6], 10, *info[7:10]))  # st_size = 10 when checked

    monkeypatch.setattr(assets.os, "fstat", small)
    _refused(path, "is larger than 20 MiB")


def test_a_read_error_names_the_image_and_the_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "x.png"
    path.write_bytes(PNG)

    def failing(*_args: object, **_kwargs: object) -> object:
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(assets.os, "fdopen", failing)
    error = _refused(path, "cannot be read: Input/output error")
    assert error.message == "image 'images/x.png' cannot be read: Input/output error"


def test_images_are_typed_by_their_bytes_and_named_by_their_hash() -> None:
    kinds = {
        PNG: ("image/png", ".png"),
        b"\xff\xd8\xff\xe0" + b"\0" * 8: ("image/jpeg", ".jpg"),
        b"GIF87a" + b"\0" * 8: ("image/gif", ".gif"),
        b"GIF89a" + b"\0" * 8: ("image/gif", ".gif"),
    }
    for data, (media_type, extension) in kinds.items():
        assert assets._sniff(data) == (media_type, extension)
        asset = assets.Asset("x", Path("x"), media_type, extension, data)
        assert asset.name == hashlib.sha256(data).hexdigest()[:16] + extension
    for data in (b"", b"\x89PNG", b"GIF88a", b"BM\0\0"):
        assert assets._sniff(data) is None


# -- resolve and check_link, through a real article ---------------------------------------
@pytest.fixture
def article(tmp_path: Path) -> tuple[Path, object]:
    """A project with an image and a notes file, and a read article in it."""
    from publish.read.article import read_document

    project = tmp_path / "project"
    (project / "images").mkdir(parents=True)
    (project / "images" / "ok.png").write_bytes(PNG)
    (project / "notes.txt").write_text("notes\n")
    (tmp_path / "outside.txt").write_text("outside\n")
    path = project / "article.md"
    path.write_text("---\ntitle: T\n---\nBody.\n", "utf-8")
    return project, read_document(path)


def test_resolve_returns_the_image_found_inside_the_project(article: tuple[Path, object]) -> None:
    project, doc = article
    asset = assets.resolve("images/ok.png", doc, project, 9)
    assert (asset.src, asset.path, asset.media_type, asset.extension, asset.data) == (
        "images/ok.png", (project / "images" / "ok.png").resolve(), "image/png", ".png", PNG)
    assert asset.file_sha256 == hashlib.sha256(PNG).hexdigest()


@pytest.mark.parametrize(
    ("src", "message"),
    [
        ("images/missing.png", "image 'images/missing.png' does not exist"),
        ("../outside.txt", "image '../outside.txt' is outside the project folder; copy it into the project"),
        ("images/x%00.png", "image 'images/x%00.png' must be a path relative to the article (with /), inside the project"),
        ("notes.txt", "image 'notes.txt' is not a PNG, JPEG, GIF, WebP or SVG image"),
    ],
)
def test_an_image_error_says_what_and_where(article: tuple[Path, object], src: str, message: str) -> None:
    project, doc = article
    with pytest.raises(SourceError) as caught:
        assets.resolve(src, doc, project, 9)
    assert caught.value.message == message and caught.value.line == 9 and Path(str(caught.value.path)) == doc.path


LONG = "x" * 100


def test_a_link_to_a_file_in_the_project_warns_with_its_line(article: tuple[Path, object], monkeypatch: pytest.MonkeyPatch) -> None:
    project, doc = article
    said: list[tuple[object, ...]] = []
    monkeypatch.setattr(assets, "warn", lambda *args: said.append(args))
    assets.check_link("notes.txt", doc, project, 12)
    assert said == [("link 'notes.txt' points to a file on this computer, which readers of the outputs cannot open", doc.path, 12)]
    (project / f"{LONG}.txt").write_text("long\n")
    assets.check_link(f"{LONG}.txt", doc, project, 13)
    assert said[-1][0] == f"link '{LONG[:80]}' points to a file on this computer, which readers of the outputs cannot open"
    said.clear()
    for href in ("", "#part", "?q=1", "https://example.org/x", "mailto:a@example.org", "tel:+1", "doi:10.1000/1", "urn:isbn:1"):
        assets.check_link(href, doc, project, 12)
    assert said == [], "web, mail, phone addresses and fragments are no files"
