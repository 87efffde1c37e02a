"""Where laying a long document's PDF out in parts pays: the default command (four formats,
verify on) on generated documents of growing length, three ways, alternated: as shipped (a
document under the threshold, chapters.LONG_WORDS, in one piece with the hyphenation passes of
fit.py when it has at most 120 pages), set as chapters and laid out in parts, and set as chapters
in one piece (PUBLISH_PDF_PARTS=1). The chapters come from the ``long_words`` option, given
through the Python API below each document's length.

Run: `.venv/bin/python benchmarks/pdf_parts.py [--words 10000 20000 40000 80000] [--reps 2]`.
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
from generate import generate  # noqa: E402

#: One build in a fresh process: the default formats, verify on, the threshold given (0: as shipped).
BUILD = """
import sys
from pathlib import Path
from publish.builder.pipeline import build
source = Path(sys.argv[1])
build([source], out=Path(sys.argv[2]), project=source.parent, options={"long_words": int(sys.argv[3])} if sys.argv[3] != "0" else None, force=True)
"""
#: The three ways: (threshold option, PUBLISH_PDF_PARTS).
WAYS = {"as shipped": ("0", None), "chapters, in parts": ("1000", None), "chapters, one piece": ("1000", "1")}


def run(source: Path, out: Path, way: str) -> float:
    threshold, parts = WAYS[way]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("PUBLISH_PDF_PARTS", None)
    if parts:
        env["PUBLISH_PDF_PARTS"] = parts
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", BUILD, str(source), str(out), threshold], env=env, check=True, capture_output=True)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--words", type=int, nargs="+", default=[10000, 20000, 40000, 80000])
    parser.add_argument("--reps", type=int, default=2)
    args = parser.parse_args()
    print(f"load average at start: {os.getloadavg()[0]:.2f}", flush=True)
    print("| words | runs | " + " | ".join(f"{way} s" for way in WAYS) + " | in parts / as shipped |\n|---:|---:|" + "---:|" * (len(WAYS) + 1))
    with tempfile.TemporaryDirectory(prefix="publish-parts-") as work:
        for words in args.words:
            source = generate(Path(work) / f"w{words}" / "book.md", words, max_notes=10)
            times: dict[str, list[float]] = {way: [] for way in WAYS}
            for rep in range(args.reps):
                order = list(WAYS) if rep % 2 == 0 else list(reversed(WAYS))
                for number, way in enumerate(order):
                    times[way].append(run(source, source.parent / f"out{number}", way))
            medians = {way: statistics.median(values) for way, values in times.items()}
            cells = " | ".join(f"{medians[way]:.2f}" for way in WAYS)
            print(f"| {words} | {args.reps} | {cells} | {medians['chapters, in parts'] / medians['as shipped']:.2f} |", flush=True)
    print(f"load average at end: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
