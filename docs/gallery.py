"""Builds the article in every shipped theme and format and saves page 1 of each as
docs/gallery-<theme>-<format>.png: the PDF as printed; the EPUB's article page as a small
e-reader screen shows it (its XHTML and epub.css laid out by WeasyPrint on a 105 x 170 mm
page, with the reader's default serif at 11 pt); the DOCX as LibreOffice sets it (skipped,
saying so, when LibreOffice is not installed); and the web edition in headless Chromium at
phone and desktop width (light, and the phone dark too) as docs/gallery-web-<theme>-<view>.png."""
from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from publish.builder.pipeline import build
from publish.theme import available

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


#: What an e-reader brings: a small screen, its margins, the reader's own font and size.
READER_CSS = "@page { size: 105mm 170mm; margin: 7mm 6mm; } html { font-family: serif; font-size: 11pt; }"


def epub_as_pdf(epub: Path, work: Path) -> Path:
    """The EPUB's article page laid out on an e-reader-sized page (WeasyPrint), as a PDF."""
    import weasyprint

    folder = work / "epub"
    with zipfile.ZipFile(epub) as package:
        package.extractall(folder)
    page = next(folder.rglob("article.xhtml"))
    pdf = work / "epub.pdf"
    weasyprint.HTML(filename=str(page)).write_pdf(str(pdf), stylesheets=[weasyprint.CSS(string=READER_CSS)])
    return pdf


def docx_as_pdf(docx: Path, work: Path) -> Path | None:
    """The DOCX as LibreOffice sets it, as a PDF; None when LibreOffice is not installed."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        return None
    target = work / "libreoffice"  # not beside the PDF build of the same name
    subprocess.run([soffice, f"-env:UserInstallation={(work / 'profile').as_uri()}", "--headless", "--convert-to", "pdf",
                    "--outdir", str(target), str(docx)], check=True, capture_output=True, timeout=300)
    return target / f"{docx.stem}.pdf"


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
            results = {r.format: r.path for r in build([args.source], ["pdf", "epub", "docx", "html"], name, out, project=ROOT)}
            pages = {"pdf": results["pdf"], "epub": epub_as_pdf(results["epub"], out), "docx": docx_as_pdf(results["docx"], out)}
            pictures = []
            for fmt, pdf in pages.items():
                if pdf is None:
                    print(f"skipped the {name} DOCX: LibreOffice (soffice) is not installed")
                    continue
                png = args.out / f"gallery-{name}-{fmt}.png"
                render_first_page(pdf, png, args.dpi)
                pictures.append(png)
            for picture in [*pictures, *render_web_views(results["html"], name, args.out)]:
                print(f"wrote {picture.relative_to(ROOT) if picture.is_relative_to(ROOT) else picture}  {picture.stat().st_size // 1024} KiB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
