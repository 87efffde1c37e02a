"""Benchmarks a collection against pandoc: 50 real documents of tests/corpus (several languages and
scripts) as one collection, `publish build` with its defaults (four formats, verify on), against
pandoc's four commands on the same 50 files given as one input (which keeps one metadata block:
none of the per-article rights). Time and peak memory, alternating runs, one fresh process each.

Run: `.venv/bin/python benchmarks/collection.py [--reps N] [--articles N]`.
"""
from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from run import BuildFailed, ROOT, environment, machine, measure, measure_all, pandoc_binary, publish_command  # noqa: E402

CORPUS = ROOT / "tests" / "corpus"


def documents(limit: int, skip: frozenset[str] = frozenset()) -> list[Path]:
    """The first Markdown file of each corpus folder, in name order, up to ``limit`` (the folders named in ``skip`` left out)."""
    found = []
    for folder in sorted(p for p in CORPUS.iterdir() if p.is_dir() and p.name not in skip):
        files = sorted(f for f in folder.iterdir() if f.suffix.lower() in (".md", ".mdx", ".markdown"))
        if files:
            found.append(files[0])
    return found[:limit]


def make_project(work: Path, limit: int, skip: frozenset[str] = frozenset()) -> tuple[Path, list[Path]]:
    """The corpus folders copied under ``work``/source and a collection listing ``limit`` of their documents."""
    source = work / "source"
    docs = documents(limit, skip)
    for doc in docs:
        shutil.copytree(doc.parent, source / doc.parent.name, dirs_exist_ok=True)
    listed = "".join(f"  - {doc.parent.name}/{doc.name}\n" for doc in docs)
    issue = source / "collection.md"
    issue.write_text(f"---\ntitle: Fifty Reprints\neditors: [Ana Lima]\ndate: 2026-12-01\nissue: 1\npublisher: Harbour Press\n"
                     f"lang: en\nrights: Collection © 2026 Harbour Press.\narticles:\n{listed}---\n", "utf-8")
    return issue, [source / d.parent.name / d.name for d in docs]


def pandoc_commands(inputs: list[Path], out: Path) -> list[list[str]]:
    pandoc = pandoc_binary()
    paths = [str(p) for p in inputs]
    resources = ":".join(sorted({str(p.parent) for p in inputs}))
    stem = out / "collection"
    common = ["--resource-path", resources, "--metadata", "title=Fifty Reprints"]
    return [
        [pandoc, *paths, *common, "-o", f"{stem}.pdf", "--pdf-engine=weasyprint"],
        [pandoc, *paths, *common, "-o", f"{stem}.epub"],
        [pandoc, *paths, *common, "-o", f"{stem}.docx"],
        [pandoc, *paths, *common, "-o", f"{stem}.html", "--standalone", "--embed-resources"],
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--reps", type=int, default=2)
    parser.add_argument("--articles", type=int, default=50)
    parser.add_argument("--work", type=Path)
    parser.add_argument("--skip", action="append", default=[], help="a corpus folder to leave out (repeatable)")
    args = parser.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="publish-collection-bench-"))
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "publish")], check=True)
    issue, inputs = make_project(work, args.articles, frozenset(args.skip))
    env = environment()
    runs: dict[str, list] = {"publish": [], "pandoc": []}
    for rep in range(args.reps + args.reps % 2):
        for tool in (("publish", "pandoc") if rep % 2 == 0 else ("pandoc", "publish")):
            out = work / tool
            out.mkdir(exist_ok=True)
            try:
                run = measure(publish_command(issue, out), work, env) if tool == "publish" else \
                    measure_all(pandoc_commands(inputs, out), work, env)
            except BuildFailed as exc:
                print(f"{tool} failed: {str(exc)[-2000:]}")
                raise SystemExit(1)
            runs[tool].append(run)
            print(f"  {tool:<8} run {rep + 1}: {run.seconds:7.2f} s  peak {run.peak_pss_mib:6.0f} MiB PSS  "
                  f"{run.max_rss_mib:6.0f} MiB max RSS", flush=True)
    noop = measure(publish_command(issue, work / "publish", force=False), work, env)
    ratios = [p.seconds / d.seconds for p, d in zip(runs["publish"], runs["pandoc"])]
    median = {tool: statistics.median(r.seconds for r in found) for tool, found in runs.items()}
    peak = {tool: max(r.peak_pss_mib for r in found) for tool, found in runs.items()}
    info = machine()
    print()
    print(f"collection of {len(inputs)} corpus documents on {info.get('cpus', '?')} cores")
    print(f"| | publish (default, verify on) | pandoc (4 commands) | ratio |")
    print(f"|---|---|---|---|")
    print(f"| time (median of {len(ratios)}) | {median['publish']:.1f} s | {median['pandoc']:.1f} s | "
          f"{statistics.geometric_mean(ratios):.2f}x |")
    print(f"| peak memory (PSS) | {peak['publish']:.0f} MiB | {peak['pandoc']:.0f} MiB | {peak['publish'] / peak['pandoc']:.2f}x |")
    print(f"| no-op rebuild | {noop.seconds:.2f} s | | |")
    if not args.work:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
