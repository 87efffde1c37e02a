"""Archive benchmark: many real articles built with the default command (verify on), on the local
pool and on a Dask LocalCluster of 1 and 2 worker processes (optionally against pandoc's commands
for the same articles in the same run); articles a second, the Dask overhead, scaling from 1 to 2
workers, memory over the run, the no-op rebuild, Dask's own per-task cost measured with empty
tasks, and an extrapolation to 100,000 articles on 100 cores.

The archive is the real documents of tests/corpus/ (every script and shape they have, their
images along), repeated under distinct names until there are --articles of them.

    nice -n 10 .venv/bin/python benchmarks/archive.py --articles 120
    nice -n 10 .venv/bin/python benchmarks/archive.py --articles 1000 --skip-pandoc --json archive-1000.json
"""
from __future__ import annotations

import argparse
import json
import logging
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
from run import BuildFailed, _tree_pss_kib, environment, machine, measure, pandoc_commands  # noqa: E402

CORPUS = ROOT / "tests" / "corpus"
SUFFIXES = (".md", ".qmd", ".mdx", ".markdown")
FORMATS = ("pdf", "epub", "docx", "html")
#: The publish package the runs import (main() sets it: a snapshot of a commit, or the working tree).
CODE = ROOT
PROGRESS = re.compile(rb"^(\d+)/(\d+) articles")


def _link_or_copy(source: str, target: str) -> None:
    """An image of the corpus, hard-linked (10,000 copies of the corpus would be gigabytes)."""
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


def make_archive(folder: Path, count: int) -> list[Path]:
    """``count`` articles in ``folder``: the corpus documents again and again, each copy in a folder
    of its own with its images, under a distinct name (the document itself copied, never linked)."""
    documents = sorted(p for p in CORPUS.glob("*/*") if p.suffix in SUFFIXES)
    articles = []
    for n in range(count):
        original = documents[n % len(documents)]
        copy = folder / "archive" / f"{n:05d}"
        shutil.copytree(original.parent, copy, copy_function=_link_or_copy,
                        ignore=lambda where, names, skip=original: [skip.name] if Path(where) == skip.parent else [])
        renamed = copy / f"{original.parent.name}-{n:05d}{original.suffix}"
        shutil.copyfile(original, renamed)
        articles.append(renamed)
    (folder / "publish.yaml").write_text("")
    return articles


def timed_run(command: list[str], cwd: Path, env: dict[str, str], interval: float = 0.25) -> dict:
    """Run a command; sample its process tree's PSS every ``interval`` seconds and note when each
    progress line ('k/N articles') came, so that memory can be read against articles finished."""
    samples: list[tuple[float, float]] = []
    finished: list[tuple[float, int]] = []
    done = threading.Event()
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)

    def sample() -> None:
        while not done.wait(interval):
            samples.append((time.perf_counter() - started, _tree_pss_kib(process.pid) / 1024))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    lines = []
    assert process.stdout is not None
    for line in process.stdout:
        lines.append(line)
        if match := PROGRESS.match(line):
            finished.append((time.perf_counter() - started, int(match[1])))
    status = process.wait()
    seconds = time.perf_counter() - started
    done.set()
    sampler.join()
    output = b"".join(lines).decode(errors="replace")
    if status != 0:
        raise BuildFailed(f"{' '.join(command)} failed ({status}):\n{output[-4000:]}")
    return {"seconds": seconds, "peak_mib": max((m for _, m in samples), default=0.0), "samples": samples,
            "finished": finished, "wrote": output.count("\nwrote ") + output.startswith("wrote "),
            "unchanged": output.count("\nunchanged ") + output.startswith("unchanged ")}


def snapshot(revision: str, folder: Path) -> Path:
    """The package and themes as committed at ``revision``, extracted into ``folder``: others edit the
    working tree while a long benchmark runs, and publish's manifest digests its own code, so the
    runs must all use one fixed copy (or every edit would turn the no-op rebuild into a full one)."""
    folder.mkdir(parents=True, exist_ok=True)
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", revision, "publish", "themes", "pyproject.toml"],
                             check=True, capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(folder)], input=archive, check=True)
    return folder


def publish_run(project: Path, articles: list[Path], out: str, executor: str, workers: int | None = None) -> dict:
    patterns = sorted({f"archive/**/*{a.suffix}" for a in articles})
    env = environment()
    env["PYTHONPATH"] = str(CODE)
    if workers:
        env["PUBLISH_DASK_WORKERS"] = str(workers)
    print(f"  publish build ... --out {out} --executor {executor}" + (f" ({workers} workers)" if workers else ""),
          file=sys.stderr, flush=True)
    row = timed_run([sys.executable, "-m", "publish", "build", *patterns, "--out", out, "--executor", executor], project, env)
    built = {f: len(list((project / out).glob(f"*.{f}"))) for f in FORMATS}
    if any(count != len(articles) for count in built.values()):
        raise SystemExit(f"{out}: expected {len(articles)} outputs of each format, found {built}")
    print(f"    {row['seconds']:.1f} s, peak {row['peak_mib']:.0f} MiB, {row['wrote']} written, {row['unchanged']} unchanged",
          file=sys.stderr, flush=True)
    return row


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


def _empty(n: int) -> int:
    return n


def dask_costs(workers: int, tasks: int) -> dict:
    """Dask's own costs, without publish: starting and closing a LocalCluster of ``workers``
    processes, and the wall time per task of ``tasks`` empty tasks (submit, schedule, run, result)."""
    from distributed import Client, LocalCluster

    started = time.perf_counter()
    cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None,
                           silence_logs=logging.ERROR)
    client = Client(cluster)
    client.submit(_empty, -1, pure=False).result()
    start_seconds = time.perf_counter() - started
    began = time.perf_counter()
    client.gather([client.submit(_empty, n, pure=False) for n in range(tasks)])
    per_task = (time.perf_counter() - began) / tasks
    began = time.perf_counter()
    client.close()
    cluster.close()
    return {"start_seconds": start_seconds, "close_seconds": time.perf_counter() - began, "per_task_seconds": per_task,
            "tasks": tasks}


def memory_table(row: dict, slices: int = 10) -> list[str]:
    """The run in ``slices`` equal stretches of time: articles finished by the end of each, and
    the highest process-tree PSS sampled in it."""
    total = row["seconds"]
    lines = ["| until s | articles finished | peak PSS MiB in the stretch |", "|---:|---:|---:|"]
    for k in range(1, slices + 1):
        low, high = total * (k - 1) / slices, total * k / slices
        peak = max((m for t, m in row["samples"] if low <= t < high), default=0.0)
        count = max((c for t, c in row["finished"] if t < high), default=0)
        lines.append(f"| {high:.1f} | {count} | {peak:.0f} |")
    return lines


def extrapolation(per_article: float, per_task: float, start: float, count: int = 100_000) -> list[str]:
    """Wall time for ``count`` articles on N cores: the articles' core-seconds spread over N worker
    processes, or the scheduler's serial per-task cost if that is larger, plus the cluster's start."""
    lines = ["| cores | articles' core time / cores | Dask per-task cost x articles (serial, scheduler) | estimate |",
             "|---:|---:|---:|---:|"]
    for cores in (2, 10, 100, 1000):
        compute, scheduler = count * per_article / cores, count * per_task
        total = max(compute, scheduler) + start
        lines.append(f"| {cores} | {compute / 60:.1f} min | {scheduler / 60:.1f} min | {total / 60:.1f} min"
                     f" ({count / total:.0f} articles/s) |")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=120)
    parser.add_argument("--skip-pandoc", action="store_true")
    parser.add_argument("--skip-one-worker", action="store_true", help="no 1-worker Dask run (no scaling figure)")
    parser.add_argument("--empty-tasks", type=int, default=2000, help="empty Dask tasks timed for Dask's own per-task cost")
    parser.add_argument("--work", type=Path, help="build here and keep it (default: a temporary folder, removed)")
    parser.add_argument("--json", type=Path, help="write every figure and memory sample here")
    parser.add_argument("--code", default="HEAD", help="the commit whose publish is measured, or 'tree' for the working tree as it is")
    args = parser.parse_args()
    global CODE
    began = time.perf_counter()
    info = machine()
    with tempfile.TemporaryDirectory(prefix="publish-archive-") as tmp:
        project = args.work or Path(tmp)
        project.mkdir(parents=True, exist_ok=True)
        if args.code != "tree":
            CODE = snapshot(args.code, project / "code")
            info["code"] = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", args.code], check=True,
                                          capture_output=True, text=True).stdout.strip()
        else:
            info["code"] = "the working tree"
        subprocess.run([sys.executable, "-m", "compileall", "-q", str(CODE / "publish")], check=True)  # as pip install does
        articles = make_archive(project, args.articles)
        n = len(articles)
        print(f"{n} articles in {project}", file=sys.stderr, flush=True)
        costs = dask_costs(2, args.empty_tasks)
        rows: dict[str, dict] = {}

        def keep(name: str, row: dict) -> None:  # the figures so far, in case a long run is stopped
            rows[name] = row
            if args.json:
                args.json.write_text(json.dumps({"articles": n, "machine": info, "dask": costs, "rows": rows}))

        keep("local pool", publish_run(project, articles, "dist-local", "local"))
        keep("no-op rebuild, local", publish_run(project, articles, "dist-local", "local"))
        if rows["no-op rebuild, local"]["wrote"] or rows["no-op rebuild, local"]["unchanged"] != len(FORMATS) * n:
            raise SystemExit(f"the no-op rebuild rendered something: {rows['no-op rebuild, local']}")
        keep("Dask LocalCluster, 2 workers", publish_run(project, articles, "dist-dask2", "dask", 2))
        if not args.skip_one_worker:
            keep("Dask LocalCluster, 1 worker", publish_run(project, articles, "dist-dask1", "dask", 1))
        if not args.skip_pandoc:
            keep("pandoc, 4 commands an article", pandoc_run(project, articles))
    info["loadavg at end"] = Path("/proc/loadavg").read_text().split(" ")[0]
    print(f"{n} real articles (tests/corpus repeated), publish at {info['code']}, default command (verify on), {os.cpu_count()} cores;"
          f" load average {info['loadavg at start']} at the start, {info['loadavg at end']} at the end\n")
    print("| run | seconds | articles/s | peak PSS MiB (process tree) |")
    print("|---|---:|---:|---:|")
    for name, row in rows.items():
        failed = f" ({row['failed']} commands failed)" if row.get("failed") else ""
        print(f"| {name}{failed} | {row['seconds']:.1f} | {n / row['seconds']:.2f} | {row['peak_mib']:.0f} |")
    local, two = rows["local pool"], rows["Dask LocalCluster, 2 workers"]
    print(f"\nDask (2 workers) against the local pool: {two['seconds'] / local['seconds']:.2f}x the time"
          f" (overhead {100 * (two['seconds'] / local['seconds'] - 1):+.1f}%)")
    start = costs["start_seconds"]
    if "Dask LocalCluster, 1 worker" in rows:
        one = rows["Dask LocalCluster, 1 worker"]
        print(f"Dask scaling, 1 to 2 workers: {one['seconds'] / two['seconds']:.2f}x"
              f" ({(one['seconds'] - start) / (two['seconds'] - start):.2f}x leaving out the cluster's start)")
        per_article = (one["seconds"] - start) / n  # one worker process, the other core left to the scheduler and client
        basis = "the 1-worker Dask run"
    else:
        per_article = (two["seconds"] - start) * 2 / n
        basis = "the 2-worker Dask run (x 2 cores)"
    print(f"No-op rebuild: {rows['no-op rebuild, local']['seconds']:.2f} s for {n} articles"
          f" ({rows['no-op rebuild, local']['unchanged']} outputs unchanged)")
    if "pandoc, 4 commands an article" in rows:
        print(f"publish (local pool) against pandoc: {local['seconds'] / rows['pandoc, 4 commands an article']['seconds']:.2f}x the time")
    print(f"\nDask's own costs ({costs['tasks']} empty tasks, 2 workers): cluster start {start:.2f} s, close"
          f" {costs['close_seconds']:.2f} s, {1000 * costs['per_task_seconds']:.2f} ms a task")
    print(f"Per-article cost, from {basis} less the cluster's start: {per_article:.3f} core-seconds;"
          f" on the local pool: {local['seconds'] * (os.cpu_count() or 1) / n:.3f} core-seconds")
    print(f"\nExtrapolated to 100,000 articles ({per_article:.3f} core-s an article, {1000 * costs['per_task_seconds']:.2f} ms"
          f" of Dask a task, {start:.1f} s to start):\n")
    print("\n".join(extrapolation(per_article, costs["per_task_seconds"], start)))
    for name in ("local pool", "Dask LocalCluster, 2 workers"):
        print(f"\nMemory over the run, {name}:\n")
        print("\n".join(memory_table(rows[name])))
    if args.json:
        args.json.write_text(json.dumps({"articles": n, "machine": info, "dask": costs, "rows": rows}))
    print(f"\nThe whole benchmark: {time.perf_counter() - began:.0f} s")


if __name__ == "__main__":
    main()
