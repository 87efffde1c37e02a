"""Builds the article's PDF in every shipped theme and saves page 1 of each as docs/gallery-<theme>.png."""
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


def render_first_page(pdf: Path, png: Path, dpi: int = DPI) -> None:
    """Page 1 of a PDF as a palette PNG at the given resolution."""
    import pypdfium2

    document = pypdfium2.PdfDocument(str(pdf))
    try:
        image = document[0].render(scale=dpi / 72).to_pil().convert("RGB")
    finally:
        document.close()
    image.quantize(colors=COLOURS).save(png, optimize=True)


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
            [result] = build([args.source], ["pdf"], name, out, project=ROOT)
            png = args.out / f"gallery-{name}.png"
            render_first_page(result.path, png, args.dpi)
            print(f"wrote {png.relative_to(ROOT) if png.is_relative_to(ROOT) else png}  {png.stat().st_size // 1024} KiB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
