"""Files an article points at (images): resolved inside the project, checked, typed."""
from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from .errors import SourceError
from .model import Document, Node

MAX_IMAGE_BYTES = 20 * 1024 * 1024
_MAGIC = (
    (b"\x89PNG\r\n\x1a\n", "image/png", ".png"),
    (b"\xff\xd8\xff", "image/jpeg", ".jpg"),
    (b"GIF87a", "image/gif", ".gif"),
    (b"GIF89a", "image/gif", ".gif"),
)


@dataclass(frozen=True)
class Asset:
    """An image the article uses: where it is, what it is, and its bytes."""

    src: str
    path: Path
    media_type: str
    extension: str
    data: bytes

    @property
    def name(self) -> str:
        """A stable file name for packaging: the content hash and the right extension."""
        import hashlib

        return hashlib.sha256(self.data).hexdigest()[:16] + self.extension


def _sniff(data: bytes) -> tuple[str, str] | None:
    for magic, media_type, ext in _MAGIC:
        if data.startswith(magic):
            return media_type, ext
    return None


def resolve(src: str, doc: Document, project: Path, line: int | None) -> Asset:
    """Find an image inside the project, refusing anything outside it or not an image."""
    where = (doc.path, line)
    parts = urlsplit(src)
    if parts.scheme or parts.netloc:
        raise SourceError(
            f"image '{src}' is a URL; publish never fetches from the network: save the image in the project and use its path",
            *where,
        )
    relative = unquote(parts.path)
    if not relative:
        raise SourceError("an image has an empty path", *where)
    if "\x00" in relative or os.path.isabs(relative) or relative.startswith("~"):
        raise SourceError(f"image '{src}' must be a path relative to the article, inside the project", *where)
    root = project.resolve()
    target = (doc.root / relative).resolve()
    if target != root and root not in target.parents:
        raise SourceError(f"image '{src}' is outside the project folder; copy it into the project", *where)
    try:
        info = target.stat()
    except FileNotFoundError:
        raise SourceError(f"image '{src}' does not exist", *where) from None
    except OSError as exc:
        raise SourceError(f"image '{src}' cannot be read: {exc.strerror}", *where) from None
    if not stat.S_ISREG(info.st_mode):
        raise SourceError(f"image '{src}' is not a regular file", *where)
    if info.st_size > MAX_IMAGE_BYTES:
        raise SourceError(f"image '{src}' is larger than {MAX_IMAGE_BYTES // (1024 * 1024)} MiB", *where)
    data = target.read_bytes()
    kind = _sniff(data)
    if kind is None:
        raise SourceError(f"image '{src}' is not a PNG, JPEG or GIF image", *where)
    return Asset(src=src, path=target, media_type=kind[0], extension=kind[1], data=data)


def collect(doc: Document, project: Path) -> dict[str, Asset]:
    """Every image of the article (and its cover), checked, by source path."""
    found: dict[str, Asset] = {}
    nodes: list[Node] = doc.images()
    for node in nodes:
        src = str(node.attrs.get("src", ""))
        if src not in found:
            found[src] = resolve(src, doc, project, node.line)
    if doc.meta.cover_image and doc.meta.cover_image not in found:
        found[doc.meta.cover_image] = resolve(
            doc.meta.cover_image, doc, project, doc.meta.lines.get("cover-image")
        )
    return found
