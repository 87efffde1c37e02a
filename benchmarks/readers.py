"""Measures the two candidate PDF text readers (PDFium through pypdfium2, and pypdf) on real documents:
how many of the article's paragraphs each finds (reading order, CJK faces, ligatures) and how fast.

Run: `.venv/bin/python benchmarks/readers.py [--book-words 30000]`. Builds its documents in a
temporary folder with the checkout's publish (without verification), then reads each PDF with both.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))
from generate import generate  # noqa: E402

HEAD = "---\ntitle: {title}\ndate: 2025-01-02\nlang: {lang}\n---\n\n"


def documents(folder: Path, book_words: int) -> dict[str, Path]:
    """The documents each reader is measured on: one per false alarm of issue 14, and a book."""
    docs = {"article": ROOT / "source" / "article.md"}
    filler = "\n\n".join(f"Paragraph {i} says something long enough to fill a good part of a line or two of a page." for i in range(28))
    items = "\n".join(f"- item {i}: a bullet whose text runs over a line, so that the list crosses the page break here" for i in range(40))
    texts = {
        "bullets across a page break": ("Bullets", "en", filler + "\n\n" + items + "\n\nThe end.\n"),
        "Japanese with Latin words": ("日本語の記事", "ja", "\n\n".join(
            f"第{i}段落：東京で開かれた APEC の会合では、Scott Bessent 財務長官と He Lifeng 副首相が trade talks について話し合った。"
            for i in range(1, 30))),
        "ligatures": ("Ligatures", "en", "\n\n".join("The official affidavit of the fluffy office staff, filed first." for _ in range(30))),
        "120-row number table": ("Numbers", "en", "| n | square |\n|---:|---:|\n" + "\n".join(f"| {n} | {n * n} |" for n in range(1, 121))),
    }
    for name, (title, lang, body) in texts.items():
        path = folder / (name.replace(" ", "-") + ".md")
        path.write_text(HEAD.format(title=title, lang=lang) + body + "\n", "utf-8")
        docs[name] = path
    docs[f"book ({book_words} words, 10 notes)"] = generate(folder / "book.md", book_words, max_notes=10)
    return docs


def pypdf_pages(path: Path) -> list[str]:
    from pypdf import PdfReader

    return [page.extract_text() or "" for page in PdfReader(str(path)).pages]


def pdfium_pages(path: Path) -> list[str]:
    from publish.formats.pdf.read import page_texts

    return page_texts(path)[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--book-words", type=int, default=30_000)
    args = parser.parse_args()
    from publish.formats.view import make_view
    from publish.builder.pipeline import build
    from publish.read.article import read_document
    from publish.formats.readback import Extracted
    from publish.theme import load
    from publish.verifier.compare import body_paragraphs, compare

    options = load(None, ROOT).options
    with tempfile.TemporaryDirectory() as work:
        folder = Path(work)
        print("| document | reader | seconds | paragraphs not found (of) | first one |")
        print("|---|---|---:|---:|---|")
        for name, source in documents(folder, args.book_words).items():
            build([source], formats=["pdf"], out=folder / "out", project=source.parent, verify=False)
            pdf = folder / "out" / f"{source.stem}.pdf"
            doc = read_document(source)
            view = make_view(doc, options)
            total = len(body_paragraphs(doc))
            for reader, pages_of in (("pypdfium2", pdfium_pages), ("pypdf", pypdf_pages)):
                started = time.perf_counter()
                pages = pages_of(pdf)
                seconds = time.perf_counter() - started
                got = Extracted("\n".join(pages), {}, pages, bounded=reader == "pypdfium2")
                cells, _ = compare(doc, view, "pdf", got)
                body = next(c for c in cells if c[0] == "body")
                lost = 0 if body[1] == "ok" else 1 + int(body[2].rsplit("(and ", 1)[-1].split()[0]) if "(and " in body[2] else (0 if body[1] == "ok" else 1)
                print(f"| {name} | {reader} | {seconds:.2f} | {lost} ({total}) | {body[2][:90] if body[1] != 'ok' else ''} |", flush=True)


if __name__ == "__main__":
    main()
