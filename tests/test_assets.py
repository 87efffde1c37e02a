"""Images read for the outputs: the opened file itself is checked (no symlink swapped in, no growth past the limit), typed by its bytes, and errors name the article's line."""
from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest

from conftest import ROOT
from publish import assets
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
    for data in (b"", b"\x89PNG", b"GIF88a", b"<svg/>", b"BM\0\0"):
        assert assets._sniff(data) is None
