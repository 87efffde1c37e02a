"""Files an article points at: images resolved inside the project, checked, typed and converted per
format; remote images replaced by their alt text; links checked (a missing local file is a warning)."""
from __future__ import annotations

import hashlib
import os
import stat
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from . import raster
from . import svg as svg_mod
from ..errors import SourceError, warn
from ..model import Document, Node

MAX_IMAGE_BYTES = 20 * 1024 * 1024
_MAGIC = (
    (b"\x89PNG\r\n\x1a\n", "image/png", ".png"),
    (b"\xff\xd8\xff", "image/jpeg", ".jpg"),
    (b"GIF87a", "image/gif", ".gif"),
    (b"GIF89a", "image/gif", ".gif"),
)
#: What each format cannot show, and the type an image of that kind is converted to there:
#: Word has no WebP (and draws SVG only beside a PNG: it gets the PNG); WebP is no core
#: media type of EPUB 3.2, which reading systems must support.
CONVERT = {
    "docx": {"image/webp": "image/png", "image/svg+xml": "image/png"},
    "epub": {"image/webp": "image/png"},
}
#: Distinct missing link targets warned about one by one before the rest are summed up.
MAX_LINK_WARNINGS = 5
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
    #: The sha256 of the file as read (an SVG's ``data`` is the sanitized drawing), for the manifest.
    file_sha256: str = ""

    @property
    def name(self) -> str:
        """A stable file name for packaging: the content hash and the right extension."""
        return hashlib.sha256(self.data).hexdigest()[:16] + self.extension

    def data_url(self) -> str:
        """The image as a ``data:`` URL (how the print page carries a sanitized SVG)."""
        import base64

        return f"data:{self.media_type};base64," + base64.b64encode(self.data).decode("ascii")


def for_format(asset: Asset, fmt: str, doc: Document | None = None, line: int | None = None) -> Asset:
    """The asset as a format can carry it: WebP and SVG turned into PNG where the format needs it.
    A drawing that cannot be drawn is a SourceError at the article's ``line`` (``doc``'s)."""
    target = CONVERT.get(fmt, {}).get(asset.media_type)
    if target is None:
        return asset
    try:
        return _converted(asset, target)
    except svg_mod.UnsafeSvg as exc:
        raise SourceError(f"image '{asset.src}' {exc}", doc.path if doc is not None else asset.path, line if doc is not None else None) from None


_CONVERTED: dict[tuple[str, str], Asset] = {}


def _converted(asset: Asset, target: str) -> Asset:
    key = (hashlib.sha256(asset.data).hexdigest(), target)
    if key not in _CONVERTED:
        if asset.media_type == "image/svg+xml":
            data = svg_mod.to_png(asset.data)
        else:
            import io

            from PIL import Image

            with Image.open(io.BytesIO(asset.data)) as image:
                out = io.BytesIO()
                image.save(out, format="PNG", optimize=False)
                data = out.getvalue()
        if len(_CONVERTED) > 256:
            _CONVERTED.clear()
        _CONVERTED[key] = Asset(src=asset.src, path=asset.path, media_type=target, extension=".png", data=data)
    return _CONVERTED[key]


def _gunzipped(data: bytes, src: str, where: tuple[Path, int | None]) -> bytes:
    """A gzip-compressed image (.svgz) inflated, never past MAX_IMAGE_BYTES (a small file can
    inflate to gigabytes)."""
    import zlib

    inflater = zlib.decompressobj(wbits=31)
    try:
        out = inflater.decompress(data, MAX_IMAGE_BYTES + 1)
    except zlib.error as exc:
        raise SourceError(f"image '{src}' is a damaged gzip file: {exc}", *where) from None
    if len(out) > MAX_IMAGE_BYTES:
        raise SourceError(f"image '{src}' inflates to more than {MAX_IMAGE_BYTES // (1024 * 1024)} MiB", *where)
    if not svg_mod.looks_like_svg(out):
        raise SourceError(f"image '{src}' is gzip-compressed but not an SVG drawing (.svgz)", *where)
    return out


def _sniff(data: bytes) -> tuple[str, str] | None:
    for magic, media_type, ext in _MAGIC:
        if data.startswith(magic):
            return media_type, ext
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp", ".webp"
    if svg_mod.looks_like_svg(data):
        return "image/svg+xml", ".svg"
    return None


def _inside(src: str, what: str, doc: Document, project: Path, line: int | None) -> Path:
    """The resolved path a relative reference names, refusing anything outside the project,
    after percent-decoding and following symlinks. A site-absolute path (``/assets/x.png``,
    as Jekyll and Hugo write them) is read from the project folder."""
    where = (doc.path, line)
    relative = unquote(urlsplit(src).path)
    base = doc.root
    if relative.startswith("/") and not relative.startswith("//"):
        relative, base = relative.lstrip("/"), project
    if not relative:
        raise SourceError(f"{what} '{src}' has an empty path", *where)
    if "\x00" in relative or "\\" in relative or os.path.isabs(relative) or relative.startswith("~"):
        raise SourceError(f"{what} '{src}' must be a path relative to the article (with /), inside the project", *where)
    root = project.resolve()
    try:
        target = (base / relative).resolve()
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


#: The image types a ``name.*`` reference (MyST, Sphinx) is resolved to, in order of preference.
_ANY_SUFFIX = (".svg", ".png", ".jpg", ".jpeg", ".gif", ".webp")
#: How many files of the project are looked through for an image named without its folder.
MAX_NAME_SEARCH = 50_000
_BY_NAME: dict[Path, dict[str, list[Path]]] = {}


def _found_elsewhere(target: Path, src: str, doc: Document, project: Path, line: int | None) -> Path | None:
    """An image that is not where its path says, found as the tool the article was written for
    finds it: ``name.*`` (MyST, Sphinx) as the first of _ANY_SUFFIX that exists; a bare file name
    (Obsidian, which links attachments by name) as the one file of that name in the project,
    the nearest to the project's top if there are several, with a warning saying where; a
    site-absolute path in the site's public folder (_in_public_folder)."""
    if target.name.endswith(".*"):
        for suffix in _ANY_SUFFIX:
            candidate = target.with_name(target.name[:-2] + suffix)
            if candidate.is_file():
                return candidate
        return None
    relative = unquote(urlsplit(src).path)
    root = project.resolve()
    if relative.startswith("/") and not relative.startswith("//"):
        return _in_public_folder(relative.lstrip("/"), doc, root)
    if "/" in relative:
        return None
    if root not in _BY_NAME:
        index: dict[str, list[Path]] = {}
        seen = 0
        for folder, dirs, files in os.walk(root):
            dirs[:] = sorted(d for d in dirs if not d.startswith("."))
            for name in files:
                index.setdefault(name, []).append(Path(folder) / name)
            seen += len(files)
            if seen > MAX_NAME_SEARCH:
                break
        _BY_NAME.clear()
        _BY_NAME[root] = index
    found = sorted(_BY_NAME[root].get(relative, []), key=lambda p: (len(p.parts), str(p)))
    if not found:
        return None
    found_at = found[0].resolve()
    if root not in found_at.parents:
        return None
    warn(f"image '{src}' is not beside the article; using {found_at.relative_to(root).as_posix()}, the file of that name in the project", doc.path, line)
    return found_at


#: The folders a site generator serves at its root: Next.js, VitePress, Vite (public/), Docusaurus,
#: Hugo, Zola (static/), and a Docusaurus site kept beside the docs it serves (website/static/,
#: as Redux, Jest and Docusaurus itself have it).
PUBLIC_FOLDERS = ("public", "static", "website/static")


def _in_public_folder(relative: str, doc: Document, root: Path) -> Path | None:
    """A site-absolute image (``/images/x.png``) that is not in the project's top folder, found in
    the folder the site serves at its root: ``public/`` or ``static/`` beside the article or beside
    one of its folders up to the project's top, or one of those folders itself (Eleventy and
    Jekyll serve their input folder, e.g. ``src/``, at the root: ``/blog/x.png`` is ``src/blog/x.png``)."""
    folder = doc.path.resolve().parent
    while True:
        for name in (*PUBLIC_FOLDERS, ""):
            candidate = (folder / name / relative).resolve()
            if candidate.is_file() and root in candidate.parents:
                return candidate
        if folder == root or root not in folder.parents:
            return None
        folder = folder.parent


def check_pixels(data: bytes, media_type: str, src: str, where: tuple[Path, int | None]) -> None:
    """Refuse a raster image larger than raster.MAX_IMAGE_PIXELS, measured from its header before
    anything decodes it (a 30000 x 30000 PNG of one colour is 2.6 MiB on disk, 3.6 GB decoded)."""
    try:
        width, height = raster.pixels(data, media_type)
    except raster.BadRaster as exc:
        raise SourceError(f"image '{src}' {exc}", *where) from None
    if raster.too_large((width, height)):
        raise SourceError(f"image '{src}' is too large to draw ({width} x {height} px; {raster.describe_limit()}): scale it down", *where)


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
    if not target.exists():
        target = _found_elsewhere(target, src, doc, project, line) or target
    data = _read_image(target, src, where)
    if data[:2] == b"\x1f\x8b":  # gzip: an .svgz drawing (the only compressed image a page shows)
        data = _gunzipped(data, src, where)
    kind = _sniff(data)
    if kind is None:
        raise SourceError(f"image '{src}' is not a PNG, JPEG, GIF, WebP or SVG image", *where)
    file_sha256 = hashlib.sha256(data).hexdigest()
    if kind[0] in raster.MEASURED:
        check_pixels(data, kind[0], src, where)
    if kind[0] == "image/svg+xml":
        try:
            data = svg_mod.sanitize(data)
        except svg_mod.UnsafeSvg as exc:
            raise SourceError(f"image '{src}' {exc}", *where) from None
    return Asset(src=src, path=target, media_type=kind[0], extension=kind[1], data=data, file_sha256=file_sha256)


def check_link(href: str, doc: Document, project: Path, line: int | None) -> str | None:
    """Why a link cannot stay a link, or None: it must be a web, mail or phone address, a
    #fragment, or a file inside the project. Any other link is shown as its text (so no
    script or unknown scheme reaches an output) and the reason is warned about."""
    where = (doc.path, line)
    parts = urlsplit(href)
    scheme = parts.scheme.lower()
    if not href or (not scheme and not parts.netloc and not parts.path):
        return None  # empty, or only a #fragment / ?query of this document
    if scheme:
        if scheme not in LINK_SCHEMES:
            return f"uses the '{scheme}:' scheme (links may be {', '.join(sorted(LINK_SCHEMES))} addresses)"
        if scheme in _NEEDS_HOST and not parts.netloc:
            return f"has no host (write it as {scheme}://host/...)"
        return None
    if parts.netloc:
        return "has no scheme (write the full https:// address)"
    try:
        target = _inside(href, "link", doc, project, line)
    except SourceError:
        return "points outside the project"
    if not target.exists():
        return "points to a file that is not in the project"
    warn(f"link '{href[:80]}' points to a file on this computer, which readers of the outputs cannot open", *where)
    return None


def _roots(doc: Document) -> list[Node]:
    meta = doc.meta
    rich = [meta.title, meta.subtitle, meta.rights, meta.contact, *meta.credits]
    roots = [*doc.blocks, *(b for note in doc.footnotes for b in note.blocks)]
    roots += [node for value in rich if value is not None for node in value.inlines]
    return roots


def _links(doc: Document) -> list[Node]:
    return [node for root in _roots(doc) for node in root.walk() if node.kind == "link"]


def is_remote(src: str) -> bool:
    """Whether an image's address is on the web (or a ``data:`` URL): publish shows its alt text."""
    parts = urlsplit(src)
    return bool(parts.scheme or parts.netloc)


def _replace_remote(nodes: list[Node], found: dict[str, int | None], every: bool = False) -> list[Node]:
    """The nodes with each remote image (``every`` image) replaced by its alt text (a figure by a paragraph of it)."""
    out: list[Node] = []
    for node in nodes:
        if node.kind in ("image", "figure") and (every or is_remote(str(node.attrs.get("src", "")))):
            found.setdefault(str(node.attrs.get("src", "")), node.line)
            alt = _replace_remote(node.children, found, every)
            if node.kind == "figure":
                if alt:
                    out.append(Node("paragraph", children=alt, line=node.line))
            else:
                out.extend(alt)
            continue
        if node.children:
            node.children = _replace_remote(node.children, found, every)
        title = node.attrs.get("title")
        if title.__class__ is list:  # a callout's title inlines
            node.attrs["title"] = _replace_remote(title, found, every)
        out.append(node)
    return out


def drop_remote_images(doc: Document) -> None:
    """Remote images become their alt text, with a warning per address: publish never fetches."""
    found: dict[str, int | None] = {}
    doc.blocks = _replace_remote(doc.blocks, found)
    for note in doc.footnotes:
        note.blocks = _replace_remote(note.blocks, found)
    meta = doc.meta
    in_meta: dict[str, int | None] = {}
    for value in [meta.title, meta.subtitle, meta.rights, meta.contact, *meta.credits]:
        if value is not None:
            value.inlines = _replace_remote(value.inlines, in_meta, every=True)
    for src, line in in_meta.items():
        warn(f"image '{src[:80]}' in the front matter is shown as its alt text", doc.path, line)
    _warn_each(
        doc,
        [(f"image '{src[:80]}' is on the web; publish never fetches, so its alt text is shown instead", line) for src, line in found.items()],
        "more images on the web are shown as their alt text",
    )


def _warn_each(doc: Document, warnings: list[tuple[str, int | None]], summary: str) -> None:
    for message, line in warnings[:MAX_LINK_WARNINGS]:
        warn(message, doc.path, line)
    if len(warnings) > MAX_LINK_WARNINGS:
        rest = warnings[MAX_LINK_WARNINGS:]
        warn(f"{len(rest)} {summary} (the first here)", doc.path, rest[0][1])


def collect(doc: Document, project: Path) -> dict[str, Asset]:
    """Every image of the article (and its cover), checked, by source path; every link checked too.

    Remote images are replaced by their alt text first; a link to a local file that is not
    there gets ``missing=True`` (the writers show its text) and one warning per target."""
    if doc.parts:
        return _collect_collection(doc, project)
    drop_remote_images(doc)
    found: dict[str, Asset] = {}
    nodes: list[Node] = doc.images(parts=False)
    for node in nodes:
        src = str(node.attrs.get("src", ""))
        if src not in found:
            found[src] = resolve(src, doc, project, node.line)
    cover = doc.meta.cover_image
    if cover and is_remote(cover):
        warn(f"cover image '{cover[:80]}' is on the web; publish never fetches, so the outputs have no cover", doc.path, doc.meta.lines.get("cover-image"))
        doc.meta.cover_image = None
    elif cover and cover not in found:
        found[cover] = resolve(cover, doc, project, doc.meta.lines.get("cover-image"))
    missing: dict[str, tuple[str, int | None]] = {}
    for link in _links(doc):
        href = str(link.attrs.get("href", ""))
        reason = missing[href][0] if href in missing else check_link(href, doc, project, link.line)
        if reason is not None:
            link.attrs["missing"] = True
            missing.setdefault(href, (reason, link.line))
    _warn_each(
        doc,
        [(f"link '{href[:80]}' {reason}: it is shown as its text", line) for href, (reason, line) in missing.items()],
        "more links that readers could not follow are shown as their text",
    )
    return found


def _collect_collection(doc: Document, project: Path) -> dict[str, Asset]:
    """A collection's images: its own and each article's, each checked as its own article's (the
    errors name that file), then keyed by their path in the project, so that two articles' own
    ``images/1.png`` stay two images; each image node (and cover) is given that key as its ``src``."""
    whole: dict[str, Asset] = {}
    for document in [doc, *(part.doc for part in doc.parts)]:
        alone = Document(document.path, document.root, document.meta, document.blocks, document.footnotes)
        found = collect(alone, project)
        document.blocks, document.footnotes = alone.blocks, alone.footnotes  # remote images replaced by their text
        keys = {src: _project_key(asset, project) for src, asset in found.items()}
        for node in document.images(parts=False):
            src = str(node.attrs.get("src", ""))
            if src in keys:
                node.attrs["src"] = keys[src]
        if document.meta.cover_image in keys:
            document.meta.cover_image = keys[document.meta.cover_image]
        whole.update((keys[src], asset) for src, asset in found.items())
    return whole


def _project_key(asset: Asset, project: Path) -> str:
    try:
        return asset.path.resolve().relative_to(project.resolve()).as_posix()
    except ValueError:
        return asset.path.as_posix()
