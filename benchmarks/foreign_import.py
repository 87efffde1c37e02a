"""Any DOCX, not only publish's: each corpus document made into a DOCX by pandoc, imported with
``publish import X.docx --into source/X.md``, built (every format, verify on), and its words counted
against pandoc's plain-text reading of the DOCX and of the original document.

    PYTHONPATH=. .venv/bin/python benchmarks/foreign_import.py [--formats docx,html] [--libreoffice] [NAME...]

With --libreoffice each DOCX is opened and saved again by LibreOffice (``soffice --convert-to
docx``) before it is imported, so that the file imported is one LibreOffice wrote.

Prints one row a document and the totals (tab-separated); writes nothing outside a temporary folder.
"""
from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

import pypandoc

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "tests" / "corpus"
SUFFIXES = (".md", ".markdown", ".qmd", ".mdx")
PANDOC = pypandoc.get_pandoc_path()


def words(text: str) -> Counter[str]:
    return Counter(re.findall(r"\w+", text.lower()))


def recall(found: Counter[str], wanted: Counter[str]) -> float:
    """The share of ``wanted``'s words (with their counts) that ``found`` has."""
    total = sum(wanted.values())
    return sum((found & wanted).values()) / total if total else 1.0


def plain(path: Path, source_format: str) -> str:
    return subprocess.run([PANDOC, str(path), "-f", source_format, "-t", "plain", "--wrap=none", "--standalone"], capture_output=True,
                          text=True, timeout=120, cwd=path.parent).stdout


def one(source: Path, work: Path, formats: list[str], libreoffice: bool = False) -> dict[str, object]:
    row: dict[str, object] = {"document": source.parent.name}
    docx = work / "draft.docx"
    made = subprocess.run([PANDOC, str(source), "-f", "markdown", "-t", "docx", "-o", str(docx),
                           f"--resource-path={source.parent}"], capture_output=True, text=True, timeout=300)
    if made.returncode != 0 or not docx.is_file():
        row["result"] = "pandoc failed: " + (made.stderr.strip().splitlines() or ["?"])[-1]
        return row
    if libreoffice:
        saved = work / "saved"
        subprocess.run(["soffice", f"-env:UserInstallation=file://{work}/profile", "--headless", "--convert-to", "docx",
                        "--outdir", str(saved), str(docx)], capture_output=True, timeout=600)
        if not (saved / "draft.docx").is_file():
            row["result"] = "LibreOffice did not save it"
            return row
        docx.unlink()
        (saved / "draft.docx").rename(docx)
    env = {"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"}
    publish = [sys.executable, "-m", "publish"]
    imported = subprocess.run([*publish, "import", str(docx), "--into", "source/draft.md"], cwd=work, env=env,
                              capture_output=True, text=True, timeout=300)
    row["warnings"] = imported.stderr.count("warning:")
    if imported.returncode != 0:
        row["result"] = "import failed: " + (imported.stderr.strip().splitlines() or ["?"])[-1]
        return row
    article = work / "source" / "draft.md"
    new_words = words(plain(article, "markdown"))
    row["of_docx"] = recall(new_words, words(plain(docx, "docx")))
    row["of_original"] = recall(new_words, words(plain(source, "markdown")))
    built = subprocess.run([*publish, "build", "source/draft.md", "--out", "dist",
                            *[f"--format={f}" for f in formats]], cwd=work, env=env,
                           capture_output=True, text=True, timeout=900)
    row["result"] = "built and verified" if built.returncode == 0 else \
        "build failed: " + (built.stderr.strip().splitlines() or ["?"])[-1][:200]
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*")
    parser.add_argument("--formats", default="pdf,epub,docx,html")
    parser.add_argument("--libreoffice", action="store_true", help="import the DOCX as LibreOffice saves it again")
    args = parser.parse_args()
    rows = []
    for folder in sorted(p for p in CORPUS.iterdir() if p.is_dir()):
        if args.names and folder.name not in args.names:
            continue
        found = [p for p in folder.iterdir() if p.suffix in SUFFIXES]
        if len(found) != 1:  # not a corpus document (a folder being added, say)
            continue
        source = found[0]
        work = Path(tempfile.mkdtemp(prefix="foreign-"))
        try:
            (work / "publish.yaml").write_text("", "utf-8")
            row = one(source, work, args.formats.split(","), args.libreoffice)
        finally:
            shutil.rmtree(work, ignore_errors=True)
        rows.append(row)
        print("\t".join(str(row.get(k, "")) if not isinstance(row.get(k), float) else f"{row[k]:.3f}"
                        for k in ("document", "result", "of_docx", "of_original", "warnings")), flush=True)
    built = sum(1 for r in rows if r.get("result") == "built and verified")
    ratios = [r["of_docx"] for r in rows if isinstance(r.get("of_docx"), float)]
    originals = [r["of_original"] for r in rows if isinstance(r.get("of_original"), float)]
    print(f"built and verified: {built} of {len(rows)}")
    if ratios:
        print(f"words of pandoc's reading of the DOCX kept: mean {sum(ratios) / len(ratios):.3f}, least {min(ratios):.3f}")
        print(f"words of the original kept: mean {sum(originals) / len(originals):.3f}, least {min(originals):.3f}")


if __name__ == "__main__":
    main()
