"""How verification's cost grows with the document: generated books of N and 2N words (10 notes, the
two-column layout) built once without verification, then each output read back and compared with
the article in this process, fastest of ``--reps`` (the build's own read-back times are taken in
workers that share the cores with the other formats' render, and are noisier).

    .venv/bin/python benchmarks/verify_time.py [--words 30000] [--reps 3]
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))
from generate import generate  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--words", type=int, default=30_000)
    parser.add_argument("--reps", type=int, default=3)
    args = parser.parse_args()
    from publish.formats.view import make_view
    from publish.builder.pipeline import _fewer_collections, build
    from publish.read.article import read_document
    from publish.theme import load
    from publish.verifier.compare import check_file

    options = load(None, HERE.parent).options
    totals = {}
    with tempfile.TemporaryDirectory() as work:
        print("| words | pdf s | epub s | docx s | all s | build s |\n|---:|---:|---:|---:|---:|---:|")
        for words in (args.words, 2 * args.words, args.words, 2 * args.words):  # twice, interleaved: slow spells hit both
            source = generate(Path(work) / f"book{words}.md", words, max_notes=10)  # same words, same bytes
            started = time.perf_counter()
            build([source], out=Path(work), project=Path(work), verify=False)
            built = time.perf_counter() - started
            doc = read_document(source)
            view = make_view(doc, options)
            row = {}
            for fmt in ("pdf", "epub", "docx"):
                best = float("inf")
                for _ in range(args.reps):
                    started = time.perf_counter()
                    with _fewer_collections():  # as in the build's workers
                        cells, _ = check_file(doc, view, fmt, Path(work) / f"{source.stem}.{fmt}")
                    best = min(best, time.perf_counter() - started)
                    assert all(status == "ok" for _, status, _ in cells), cells
                row[fmt] = best
            totals[words] = min(totals.get(words, float("inf")), sum(row.values()))
            print(f"| {words} | {row['pdf']:.3f} | {row['epub']:.3f} | {row['docx']:.3f} | {sum(row.values()):.3f} | {built:.1f} |", flush=True)  # a repeated size is a no-op build
    print(f"\n2x the words: {totals[2 * args.words] / totals[args.words]:.2f}x the verification time")


if __name__ == "__main__":
    main()
