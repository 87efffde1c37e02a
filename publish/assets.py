"""Files an article points at: images resolved inside the project, checked and typed; links checked."""
from __future__ import annotations

import hashlib
import os
import stat
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from .errors import SourceError, warn
from .model import Document, Node

MAX_IMAGE_BYTES = 20 * 1024 * 1024
_MAGIC = (
    (b"\x89PNG\r\n\x1a\n", "image/png", ".png"),
    (b"\xff\xd8\xff", "image/jpeg", ".jpg"),
    (b"GIF87a", "image/gif", ".gif"),
    (b"GIF89a", "image/gif", ".gif"),
)
#: Link schemes a reader's PDF, EPUB or Word viewer may follow; anything else
#: (javascript:, data:, file:, smb: ...) is refused with its line.
LINK_SCHEMES = frozenset({"http", "https", "mailto", "tel", "ftp", "ftps", "doi", "urn"})
_NEEDS_HOST = frozenset({"http", "https", "ftp", "ftps"})


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
        return hashlib.sha256(self.data).hexdigest()[:16] + self.extension


def _sniff(data: bytes) -> tuple[str, str] | None:
    for magic, media_type, ext in _MAGIC:
        if data.startswith(magic):
            return media_type, ext
    return None


def _inside(src: str, what: str, doc: Document, project: Path, line: int | None) -> Path:
    """The resolved path a relative reference names, refusing absolute paths and anything
    outside the project, after percent-decoding and following symlinks."""
    where = (doc.path, line)
    relative = unquote(urlsplit(src).path)
    if not relative:
        raise SourceError(f"{what} '{src}' has an empty path", *where)
    if "\x00" in relative or "\\" in relative or os.path.isabs(relative) or relative.startswith("~"):
        raise SourceError(f"{what} '{src}' must be a path relative to the article (with /), inside the project", *where)
    root = project.resolve()
    try:
        target = (doc.root / relative).resolve()
    except (OSError, RuntimeError) as exc:  # a symlink loop
        raise SourceError(f"{what} '{src}' cannot be resolved: {exc}", *where) from None
    if target != root and root not in target.parents:
        raise SourceError(f"{what} '{src}' is outside the project folder; copy it into the project", *where)
    return target


def _read_image(target: Path, src: str, where: tuple[Path, int | None]) -> bytes:
    """The image's bytes, checking the opened file itself (no FIFO, device or oversized file)."""
    try:
        fd = os.open(target, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOFOLLOW", 0))
    except FileNotFoundError:
        raise SourceError(f"image '{src}' does not exist", *where) from None
    except OSError as exc:
        raise SourceError(f"image '{src}' cannot be read: {exc.strerror}", *where) from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise SourceError(f"image '{src}' is not a regular file", *where)
        if info.st_size > MAX_IMAGE_BYTES:
            raise SourceError(f"image '{src}' is larger than {MAX_IMAGE_BYTES // (1024 * 1024)} MiB", *where)
        with os.fdopen(fd, "rb", closefd=False) as handle:
            data = handle.read(MAX_IMAGE_BYTES + 1)
    except OSError as exc:
        raise SourceError(f"image '{src}' cannot be read: {exc.strerror}", *where) from None
    finally:
        os.close(fd)
    if len(data) > MAX_IMAGE_BYTES:
        raise SourceError(f"image '{src}' is larger than {MAX_IMAGE_BYTES // (1024 * 1024)} MiB", *where)
    return data


def resolve(src: str, doc: Document, project: Path, line: int | None) -> Asset:
    """Find an image inside the project, refusing anything outside it or not an image."""
    where = (doc.path, line)
    parts = urlsplit(src)
    if parts.scheme or parts.netloc:
        raise SourceError(
            f"image '{src}' is a URL; publish never fetches from the network: save the image in the project and use its path",
            *where,
        )
    target = _inside(src, "image", doc, project, line)
    data = _read_image(target, src, where)
    kind = _sniff(data)
    if kind is None:
        raise SourceError(f"image '{src}' is not a PNG, JPEG or GIF image", *where)
    return Asset(src=src, path=target, media_type=kind[0], extension=kind[1], data=data)


def check_link(href: str, doc: Document, project: Path, line: int | None) -> None:
    """A link must be a web, mail or phone address, a #fragment, or a file inside the project."""
    where = (doc.path, line)
    parts = urlsplit(href)
    scheme = parts.scheme.lower()
    if not href or (not scheme and not parts.netloc and not parts.path):
        return  # empty, or only a #fragment / ?query of this document
    if scheme:
        if scheme not in LINK_SCHEMES:
            raise SourceError(
                f"link '{href[:80]}' uses the '{scheme}:' scheme; links may be {', '.join(sorted(LINK_SCHEMES))} addresses",
                *where,
            )
        if scheme in _NEEDS_HOST and not parts.netloc:
            raise SourceError(f"link '{href[:80]}' has no host; write it as {scheme}://host/...", *where)
        return
    if parts.netloc:
        raise SourceError(f"link '{href[:80]}' has no scheme; write the full address, https://{parts.netloc}...", *where)
    if os.path.isabs(unquote(parts.path)):
        raise SourceError(
            f"link '{href[:80]}' is an absolute path, which no reader can follow; write the full https:// address",
            *where,
        )
    target = _inside(href, "link", doc, project, line)
    if not target.exists():
        raise SourceError(f"link '{href[:80]}' points to a file that does not exist", *where)
    warn(f"link '{href[:80]}' points to a file on this computer, which readers of the outputs cannot open", *where)


def _links(doc: Document) -> list[Node]:
    meta = doc.meta
    rich = [meta.title, meta.subtitle, meta.rights, meta.contact, *meta.credits]
    roots = [*doc.blocks, *(b for note in doc.footnotes for b in note.blocks)]
    roots += [node for value in rich if value is not None for node in value.inlines]
    return [node for root in roots for node in root.walk() if node.kind == "link"]


def collect(doc: Document, project: Path) -> dict[str, Asset]:
    """Every image of the article (and its cover), checked, by source path; every link checked too."""
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
    for link in _links(doc):
        check_link(str(link.attrs.get("href", "")), doc, project, link.line)
    return found
