"""Builds the article in every shipped theme: page 1 of the PDF as docs/gallery-<theme>.png, and the
web edition in headless Chromium at phone and desktop width (light, and the phone dark too) as
docs/gallery-web-<theme>-<view>.png."""
from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from publish.pipeline import build  # noqa: E402
from publish.themes import available  # noqa: E402

DPI = 100
COLOURS = 128  # an adaptive palette keeps each PNG small without visible banding
#: The web edition's views: name, viewport width and height, colour scheme.
WEB_VIEWS = (("phone", 375, 812, "light"), ("phone-dark", 375, 812, "dark"), ("desktop", 1280, 800, "light"))


def render_first_page(pdf: Path, png: Path, dpi: int = DPI) -> None:
    """Page 1 of a PDF as a palette PNG at the given resolution."""
    import pypdfium2

    document = pypdfium2.PdfDocument(str(pdf))
    try:
        image = document[0].render(scale=dpi / 72).to_pil().convert("RGB")
    finally:
        document.close()
    image.quantize(colors=COLOURS).save(png, optimize=True)


def render_web_views(page: Path, theme: str, out: Path) -> list[Path]:
    """The web page's first screen in each of WEB_VIEWS, as palette PNGs; none without Chromium."""
    import io

    from PIL import Image

    sys.path.insert(0, str(ROOT / "tests"))
    from chromium import Chromium, find_chromium

    executable = find_chromium()
    if executable is None:
        print("no Chromium: the web edition's pictures are not made (Debian: apt install chromium)")
        return []
    written = []
    with Chromium(executable) as browser:
        for name, width, height, scheme in WEB_VIEWS:
            tab = browser.open(page.as_uri(), width, height, scheme)
            shot = out / f"gallery-web-{theme}-{name}.png"
            tab.screenshot(shot, full_page=False)
            image = Image.open(io.BytesIO(shot.read_bytes())).convert("RGB")
            image.quantize(colors=COLOURS).save(shot, optimize=True)
            written.append(shot)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("source", nargs="?", type=Path, default=ROOT / "source" / "article.md")
    parser.add_argument("--out", type=Path, default=ROOT / "docs")
    parser.add_argument("--dpi", type=int, default=DPI)
    args = parser.parse_args(argv)
    themes = sorted(available(ROOT))
    with tempfile.TemporaryDirectory() as tmp:
        for name in themes:
            out = Path(tmp) / name
            pdf, page = build([args.source], ["pdf", "html"], name, out, project=ROOT)
            png = args.out / f"gallery-{name}.png"
            render_first_page(pdf.path, png, args.dpi)
            for picture in [png, *render_web_views(page.path, name, args.out)]:
                print(f"wrote {picture.relative_to(ROOT) if picture.is_relative_to(ROOT) else picture}  {picture.stat().st_size // 1024} KiB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
