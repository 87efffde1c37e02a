"""Archive benchmark: many real articles built with the default command (verify on), on the local
pool and on a Dask LocalCluster of 1 and 2 worker processes, against pandoc's commands for the
same articles in the same run; articles a second, the Dask overhead, scaling, peak memory, and
the no-op rebuild.

The archive is the real documents of tests/corpus/ (every script and shape they have, their
images along), repeated under distinct names until there are --articles of them.

    .venv/bin/python benchmarks/archive.py --articles 120
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
from run import BuildFailed, environment, measure, pandoc_commands  # noqa: E402

CORPUS = ROOT / "tests" / "corpus"
SUFFIXES = (".md", ".qmd", ".mdx", ".markdown")


def make_archive(folder: Path, count: int) -> list[Path]:
    """``count`` articles in ``folder``: the corpus documents again and again, each copy in a folder
    of its own with its images, under a distinct name."""
    documents = sorted(p for p in CORPUS.glob("*/*") if p.suffix in SUFFIXES)
    articles = []
    for n in range(count):
        original = documents[n % len(documents)]
        copy = folder / "archive" / f"{n:05d}"
        shutil.copytree(original.parent, copy)
        renamed = copy / f"{original.parent.name}-{n:05d}{original.suffix}"
        (copy / original.name).rename(renamed)
        articles.append(renamed)
    (folder / "publish.yaml").write_text("")
    return articles


def publish_run(project: Path, articles: list[Path], out: str, executor: str, workers: int | None = None) -> dict:
    patterns = sorted({f"archive/**/*{a.suffix}" for a in articles})
    env = environment()
    if workers:
        env["PUBLISH_DASK_WORKERS"] = str(workers)
    run = measure([sys.executable, "-m", "publish", "build", *patterns, "--out", out, "--executor", executor], project, env)
    return {"seconds": run.seconds, "peak_mib": run.peak_pss_mib}


def pandoc_run(project: Path, articles: list[Path]) -> dict:
    """pandoc's four commands for every article, one after another (pandoc has no archive mode)."""
    env = environment()
    started = time.perf_counter()
    peak, failed = 0.0, 0
    for article in articles:
        out = project / "pandoc" / article.stem
        out.mkdir(parents=True, exist_ok=True)
        for command in pandoc_commands(article, out):
            try:
                peak = max(peak, measure(command, article.parent, env).peak_pss_mib)
            except BuildFailed:
                failed += 1
    return {"seconds": time.perf_counter() - started, "peak_mib": peak, "failed": failed}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=120)
    parser.add_argument("--skip-pandoc", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="publish-archive-") as tmp:
        project = Path(tmp)
        articles = make_archive(project, args.articles)
        rows = {
            "local pool": publish_run(project, articles, "dist-local", "local"),
            "Dask LocalCluster, 2 workers": publish_run(project, articles, "dist-dask2", "dask", 2),
            "Dask LocalCluster, 1 worker": publish_run(project, articles, "dist-dask1", "dask", 1),
            "no-op rebuild, local": publish_run(project, articles, "dist-local", "local"),
        }
        if not args.skip_pandoc:
            rows["pandoc, 4 commands an article"] = pandoc_run(project, articles)
        n = len(articles)
        print(f"{n} real articles (tests/corpus repeated), default command (verify on), {os.cpu_count()} cores\n")
        print("| run | seconds | articles/s | peak PSS MiB (process tree) |")
        print("|---|---:|---:|---:|")
        for name, row in rows.items():
            failed = f" ({row['failed']} commands failed)" if row.get("failed") else ""
            print(f"| {name}{failed} | {row['seconds']:.1f} | {n / row['seconds']:.2f} | {row['peak_mib']:.0f} |")
        local, two, one = rows["local pool"], rows["Dask LocalCluster, 2 workers"], rows["Dask LocalCluster, 1 worker"]
        print(f"\nDask (2 workers) against the local pool: {two['seconds'] / local['seconds']:.2f}x the time"
              f" (overhead {100 * (two['seconds'] / local['seconds'] - 1):+.0f}%)")
        print(f"Dask scaling, 1 to 2 workers: {one['seconds'] / two['seconds']:.2f}x")
        if "pandoc, 4 commands an article" in rows:
            print(f"publish (local pool) against pandoc: {local['seconds'] / rows['pandoc, 4 commands an article']['seconds']:.2f}x the time")
        per_task = two["seconds"] * 2 / n
        print(f"\nPer-article cost on one Dask worker: {per_task:.2f} s; 100,000 articles on 100 cores: about "
              f"{100_000 * per_task / 100 / 60:.0f} min (the scheduler's own cost, about 1 ms a task, is {100_000 * 0.001 / 60:.1f} min of it)")
        print(json.dumps(rows), file=sys.stderr)


if __name__ == "__main__":
    main()
