"""Where publish's PDF render time goes: the article rendered in a warm process (WeasyPrint
already imported), once as shipped and once with each typographic feature removed.

    .venv/bin/python benchmarks/render_variants.py [--reps 3] [--source source/article.md]

Each variant runs in a fresh interpreter; the table shows the fastest of ``--reps`` runs.
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

#: Extra CSS (or an option) that removes one feature; "as shipped" removes nothing.
VARIANTS = {
    "as shipped": "",
    "one column instead of two": ".body, .many-notes .body { columns: auto !important; }",
    "untagged PDF": "",
    "no hyphenation": "* { hyphens: manual !important; }",
    "a system font instead of the theme's": "* { font-family: 'DejaVu Serif' !important; }",
}

_CHILD = r'''
import re, sys, time
from pathlib import Path
from publish.builder import pipeline
from publish import theme as themes
pipeline.warm_up(["pdf"])
variant, extra, source = sys.argv[1], sys.argv[2], Path(sys.argv[3])
project = Path.cwd().resolve()
job = pipeline.prepare(source, themes.load(None, project), project)
sheets = job.theme.stylesheets
if variant.startswith("a system font"):
    job.theme.stylesheets = lambda name: [(re.sub(r"@font-face\s*{[^}]*}", "", t), p) for t, p in sheets(name)] + [(extra, project)]
elif extra:
    job.theme.stylesheets = lambda name: sheets(name) + [(extra, project)]
if variant == "untagged PDF":
    import weasyprint, weasyprint.document
    for owner, name in ((weasyprint.HTML, "render"), (weasyprint.document.Document, "write_pdf")):
        def untagged(self, *a, _real=getattr(owner, name), **k):
            k["pdf_tags"] = False
            return _real(self, *a, **k)
        setattr(owner, name, untagged)
from publish.formats.pdf import write as pdf
started = time.perf_counter()
pdf.write(job)
print(time.perf_counter() - started)
'''


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--source", type=Path, default=Path("source/article.md"))
    args = parser.parse_args()
    times: dict[str, list[float]] = {name: [] for name in VARIANTS}
    for _ in range(args.reps):
        for name, extra in VARIANTS.items():  # interleaved, so slow spells hit every variant
            # the source's folder is the project (its images are confined to it); this checkout's publish
            done = subprocess.run([sys.executable, "-c", _CHILD, name, extra, str(args.source.resolve())], cwd=args.source.resolve().parent,
                                  env={**os.environ, "PYTHONPATH": str(ROOT)}, capture_output=True, text=True, check=True)
            times[name].append(float(done.stdout.strip().splitlines()[-1]))
    print(f"| variant (fastest of {args.reps}) | render s |\n|---|---:|")
    for name, runs in times.items():
        print(f"| {name} | {min(runs):.2f} |")


if __name__ == "__main__":
    main()
