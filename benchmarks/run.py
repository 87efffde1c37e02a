"""Benchmarks publish against pandoc (PDF through WeasyPrint, EPUB, DOCX): time, peak memory, no-op rebuilds, linearity.

The headline is the command users run, `publish build` (every output read back and checked before it
replaces the old one); `--no-verify` is measured as a second line. Documents: the article, a generated
150,000-word book with 10 notes (the two-column layout most documents get; --book-notes for more), and
the Rust Reference from ../shared/corpus as is, when it is there.

Run: `make bench` or `.venv/bin/python benchmarks/run.py [--quick]`. Every command runs in a fresh process;
publish and pandoc alternate; medians are printed with the ratios the targets are stated in.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
from generate import generate  # noqa: E402

ARTICLE = ROOT / "source" / "article.md"
RUST_REFERENCE = ROOT.parent / "shared" / "corpus" / "rust-reference" / "reference.md"
FORMATS = ("pdf", "epub", "docx")


# -- measuring one command ----------------------------------------------------------------
def _children() -> dict[int, list[int]]:
    tree: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as handle:
                stat = handle.read()
        except OSError:
            continue
        ppid = int(stat[stat.rindex(b")") + 2 :].split()[1])
        tree.setdefault(ppid, []).append(int(entry.name))
    return tree


def _pss_kib(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/smaps_rollup", "rb") as handle:
            for line in handle:
                if line.startswith(b"Pss:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def _tree_pss_kib(root: int) -> int:
    if not os.path.isdir("/proc"):
        return 0  # not Linux: only the max RSS is measured
    tree = _children()
    total, stack = 0, [root]
    while stack:
        pid = stack.pop()
        total += _pss_kib(pid)
        stack.extend(tree.get(pid, []))
    return total


class BuildFailed(Exception):
    """A benchmarked command exited with an error."""


@dataclass
class Run:
    """One command's wall time, the largest RSS of any one of its processes, and the peak PSS of its whole tree."""

    seconds: float
    max_rss_mib: float
    peak_pss_mib: float
    output: str = field(default="", repr=False)

    @property
    def read_back_seconds(self) -> float:
        """The seconds publish's workers spent reading their outputs back (summed over the formats)."""
        total = 0.0
        for line in self.output.splitlines():
            if "(read back " in line:
                total += float(line.rsplit("(read back ", 1)[1].split("s)")[0])
        return total


def measure(command: list[str], cwd: Path, env: dict[str, str], interval: float = 0.05) -> Run:
    """Run a command to completion; sample its process tree's memory while it runs."""
    peak = 0
    done = threading.Event()
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)

    def sample() -> None:
        nonlocal peak
        while not done.wait(interval):
            peak = max(peak, _tree_pss_kib(process.pid))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    output = process.stdout.read() if process.stdout else b""
    _, status, usage = os.wait4(process.pid, 0)  # ru_maxrss covers the process and its reaped children
    seconds = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    done.set()
    sampler.join()
    if process.returncode != 0:
        raise BuildFailed(f"{' '.join(command)} failed ({process.returncode}):\n{output.decode(errors='replace')}")
    return Run(seconds, usage.ru_maxrss / 1024, peak / 1024, output.decode(errors="replace"))


def measure_all(commands: list[list[str]], cwd: Path, env: dict[str, str]) -> Run:
    """Several commands one after the other: times add up, memory is the highest of any of them."""
    runs = [measure(c, cwd, env) for c in commands]
    return Run(sum(r.seconds for r in runs), max(r.max_rss_mib for r in runs), max(r.peak_pss_mib for r in runs))


# -- the two tools ------------------------------------------------------------------------
def pandoc_binary() -> str:
    try:
        import pypandoc

        bundled = Path(pypandoc.__file__).parent / "files" / "pandoc"
        if bundled.is_file():
            return str(bundled)
    except ImportError:
        pass
    found = shutil.which("pandoc")
    if not found:
        raise SystemExit("pandoc not found: pip install pypandoc-binary (in the test extras)")
    return found


def environment() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("SOURCE_DATE_EPOCH",)}
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"  # the venv's weasyprint
    env["PYTHONPATH"] = str(ROOT)  # this checkout's publish, not an installed copy
    return env


#: The theme publish builds with (--theme); None: the default theme.
THEME: str | None = None


def publish_command(source: Path, out: Path, force: bool = True, verify: bool = True) -> list[str]:
    """The default command (verification on), or with ``verify=False`` the --no-verify one."""
    command = [sys.executable, "-m", "publish", "build", str(source), "--out", str(out)]
    command += [] if verify else ["--no-verify"]
    command += ["--theme", THEME] if THEME else []
    return command + (["--force"] if force else [])


def pandoc_commands(source: Path, out: Path) -> list[list[str]]:
    pandoc = pandoc_binary()
    stem = out / source.stem
    return [
        [pandoc, str(source), "-o", f"{stem}.pdf", "--pdf-engine=weasyprint"],
        [pandoc, str(source), "-o", f"{stem}.epub"],
        [pandoc, str(source), "-o", f"{stem}.docx"],
        # publish's default build writes a fourth format, a one-file web page: pandoc's counterpart
        [pandoc, str(source), "-o", f"{stem}.html", "--standalone", "--embed-resources"],
    ]


# -- the comparisons ----------------------------------------------------------------------
@dataclass
class Comparison:
    """Alternating runs of publish and pandoc on one document."""

    name: str
    words: int
    publish: list[Run] = field(default_factory=list)
    pandoc: list[Run] = field(default_factory=list)
    noop: list[Run] = field(default_factory=list)
    no_verify: list[Run] = field(default_factory=list)
    #: the default command with the PDF laid out in one piece (PUBLISH_PDF_PARTS=1)
    one_piece: list[Run] = field(default_factory=list)
    failed: str = ""

    @staticmethod
    def median(runs: list[Run], key: str) -> float:
        return statistics.median(getattr(r, key) for r in runs) if runs else float("nan")

    def paired_ratio(self) -> float:
        """The geometric mean of each repetition's publish/pandoc ratio: the two runs of a
        repetition are seconds apart, so the machine's slow and fast spells cancel out."""
        pairs = [p.seconds / d.seconds for p, d in zip(self.publish, self.pandoc)]
        return statistics.geometric_mean(pairs) if pairs else float("nan")


def compare(name: str, source: Path, project: Path, work: Path, reps: int, noop_reps: int, no_verify_reps: int = 1,
            one_piece_reps: int = 0) -> Comparison:
    """``reps`` repetitions (made even: as many start with publish as with pandoc, since here a run
    is measurably faster right after the other tool's than right after its own) of both tools, then
    ``no_verify_reps`` of publish --no-verify and the no-op rebuilds."""
    reps += reps % 2 if reps > 1 else 0
    env = environment()
    words = count_words(source)
    result = Comparison(name, words)
    for folder in ("publish", "pandoc", "publish-no-verify", "publish-one-piece"):
        (work / folder).mkdir(parents=True, exist_ok=True)
    for rep in range(reps):
        order = ("publish", "pandoc") if rep % 2 == 0 else ("pandoc", "publish")
        # the PDF laid out in one piece (PUBLISH_PDF_PARTS=1), between the two, in the first repetitions
        order = (order[0], "one-piece", order[1]) if rep < one_piece_reps else order
        for tool in order:
            if tool == "one-piece":
                run = measure(publish_command(source, work / "publish-one-piece"), project, {**env, "PUBLISH_PDF_PARTS": "1"})
                result.one_piece.append(run)
            elif tool == "publish":
                try:
                    run = measure(publish_command(source, work / "publish"), project, env)
                except BuildFailed as exc:
                    result.failed = str(exc).strip().splitlines()[-1][:300]
                    print(f"  {name}: publish cannot build it: {result.failed}", flush=True)
                    return result
                result.publish.append(run)
            else:
                run = measure_all(pandoc_commands(source, work / "pandoc"), project, env)
                result.pandoc.append(run)
            checked = f"  read back {run.read_back_seconds:6.2f} s (summed over the workers)" if tool != "pandoc" else ""
            print(f"  {name} {tool:<8} run {rep + 1}/{reps}: {run.seconds:7.2f} s  peak {run.peak_pss_mib:6.0f} MiB PSS  "
                  f"{run.max_rss_mib:6.0f} MiB max RSS{checked}", flush=True)
    for rep in range(no_verify_reps):
        run = measure(publish_command(source, work / "publish-no-verify", verify=False), project, env)
        result.no_verify.append(run)
        print(f"  {name} publish --no-verify run {rep + 1}/{no_verify_reps}: {run.seconds:7.2f} s", flush=True)
    if noop_reps:
        # catch up first: publish's own code is an input, and may have been edited since the last full build
        measure(publish_command(source, work / "publish", force=False), project, env)
    for rep in range(noop_reps):
        run = measure(publish_command(source, work / "publish", force=False), project, env)
        rendered = [line for line in run.output.splitlines() if line.startswith("wrote ")]
        if rendered:
            print(f"  {name} no-op run {rep + 1} rendered something (inputs changed meanwhile?): {rendered}; not counted", flush=True)
            continue
        result.noop.append(run)
    if result.noop:
        print(f"  {name} no-op rebuild: median {Comparison.median(result.noop, 'seconds'):.3f} s", flush=True)
    return result


def rust_book(clone: Path, work: Path) -> Path:
    """The Rust book as one document, as is: rust-lang/book's ``src/ch*.md`` concatenated in name
    order into ``src/rust-book.md`` beside them (so that its images are found), from a work tree
    or, for a bare clone, from its HEAD."""
    work.mkdir(parents=True, exist_ok=True)
    if (clone / "src").is_dir():
        shutil.copytree(clone / "src", work / "src", dirs_exist_ok=True)
    else:
        archive = subprocess.run(["git", "--git-dir", str(clone), "archive", "HEAD", "src"], check=True, capture_output=True).stdout
        subprocess.run(["tar", "-x", "-C", str(work)], input=archive, check=True)
    chapters = sorted(p for p in (work / "src").glob("ch*.md") if p.name != "rust-book.md")
    target = work / "src" / "rust-book.md"
    target.write_bytes(b"".join(p.read_bytes() for p in chapters))
    return target


def linearity(work: Path, words: int, reps: int) -> dict[str, float]:
    """publish's and pandoc's full-build time for a document of ``words`` words and for one twice as long."""
    env = environment()
    times: dict[str, float] = {}
    for label, size in (("1x", words), ("2x", 2 * words)):
        folder = work / f"linear-{label}"
        source = generate(folder / f"book{label}.md", size, max_notes=10)
        (folder / "publish").mkdir(exist_ok=True)
        (folder / "pandoc").mkdir(exist_ok=True)
        publish_runs, pandoc_runs, read_back = [], [], []
        for _ in range(reps):
            run = measure(publish_command(source, folder / "publish"), folder, env)
            publish_runs.append(run.seconds)
            read_back.append(run.read_back_seconds)
            pandoc_runs.append(measure_all(pandoc_commands(source, folder / "pandoc"), folder, env).seconds)
        times[f"publish {label}"] = statistics.median(publish_runs)
        times[f"pandoc {label}"] = statistics.median(pandoc_runs)
        times[f"verify {label}"] = statistics.median(read_back)
        print(f"  linearity {label} ({size} words): publish {times[f'publish {label}']:.2f} s (read back {times[f'verify {label}']:.2f} s), "
              f"pandoc {times[f'pandoc {label}']:.2f} s", flush=True)
    return times


def count_words(source: Path) -> int:
    """Words of running text: whitespace-separated tokens with at least one letter or digit."""
    return sum(1 for token in source.read_text("utf-8").split() if any(c.isalnum() for c in token))


# -- the report ---------------------------------------------------------------------------
def machine() -> dict[str, str]:
    model = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    versions = {}
    for name in ("weasyprint", "ebooklib", "python-docx"):
        try:
            from importlib.metadata import version

            versions[name] = version(name)
        except Exception:
            versions[name] = "?"
    pandoc = subprocess.run([pandoc_binary(), "--version"], capture_output=True, text=True).stdout.split("\n")[0]
    return {
        "nproc": str(os.cpu_count()),
        "cpu": model,
        "python": platform.python_version(),
        "os": platform.platform(),
        "pandoc": pandoc,
        **versions,
        "publish theme": THEME or "default",
        "loadavg at start": Path("/proc/loadavg").read_text().split(" ")[0] if Path("/proc/loadavg").exists() else "?",
    }


def verdict(ok: bool) -> str:
    return "met" if ok else "MISSED"


def report(info: dict[str, str], comparisons: list[Comparison], linear: dict[str, float] | None) -> str:
    lines = ["## Machine", ""]
    lines += [f"- {k}: {v}" for k, v in info.items()]
    lines += ["", "## Full builds: the default `publish build --force` (verification on) against pandoc's four commands", ""]
    lines += ["| document | words | runs | publish s | pandoc s | ratio | paired ratio | publish peak PSS MiB | pandoc peak PSS MiB | publish max RSS MiB | pandoc max RSS MiB |",
              "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    targets = []
    for c in comparisons:
        med = Comparison.median
        if c.failed:
            lines.append(f"| {c.name} | {c.words} | 0 | does not build: {c.failed} | | | | | | | |")
            targets.append((f"{c.name}: full build", "does not build", False))
            continue
        ratio = med(c.publish, "seconds") / med(c.pandoc, "seconds")
        lines.append(
            f"| {c.name} | {c.words} | {len(c.publish)} | {med(c.publish, 'seconds'):.2f} | {med(c.pandoc, 'seconds'):.2f} | {ratio:.2f} | {c.paired_ratio():.2f} | "
            f"{med(c.publish, 'peak_pss_mib'):.0f} | {med(c.pandoc, 'peak_pss_mib'):.0f} | "
            f"{med(c.publish, 'max_rss_mib'):.0f} | {med(c.pandoc, 'max_rss_mib'):.0f} |"
        )
        goal = {"article": 0.85, "rust-reference": 0.6, "book": 0.6, "rust-book": 0.6}.get(c.name)
        if goal:
            targets.append((f"{c.name}: default full build ≤ {goal}× pandoc", f"{ratio:.2f}×", ratio <= goal))
        mem = med(c.publish, "peak_pss_mib") / med(c.pandoc, "peak_pss_mib")
        targets.append((f"{c.name}: peak memory (PSS of the process tree) ≤ pandoc+WeasyPrint", f"{mem:.2f}×", mem <= 1.0))
        if c.words >= 100_000 and c.no_verify:
            share = med(c.publish, "read_back_seconds") / med(c.publish, "seconds")
            wall = (med(c.publish, "seconds") - med(c.no_verify, "seconds")) / med(c.publish, "seconds")
            targets.append((f"{c.name}: verification ≤ 10% of the build (read-back seconds / build seconds; wall-clock difference {wall:+.1%})",
                            f"{share:.1%}", share <= 0.10))
    lines += ["", "### Second line: publish build --no-verify", ""]
    lines += ["| document | runs | publish --no-verify s | pandoc s | ratio | read back in the default build s |", "|---|---:|---:|---:|---:|---:|"]
    for c in comparisons:
        if c.no_verify and c.pandoc:
            med = Comparison.median
            lines.append(f"| {c.name} | {len(c.no_verify)} | {med(c.no_verify, 'seconds'):.2f} | {med(c.pandoc, 'seconds'):.2f} | "
                         f"{med(c.no_verify, 'seconds') / med(c.pandoc, 'seconds'):.2f} | {med(c.publish, 'read_back_seconds'):.2f} |")
    if any(c.one_piece for c in comparisons):
        lines += ["", "### The PDF in parts against one piece: the default command with PUBLISH_PDF_PARTS=1", ""]
        lines += ["| document | runs | one piece s | in parts (the default) s | parts / one piece | one piece / pandoc | one piece peak PSS MiB |",
                  "|---|---:|---:|---:|---:|---:|---:|"]
        for c in comparisons:
            if c.one_piece and c.publish and c.pandoc:
                med = Comparison.median
                one = med(c.one_piece, "seconds")
                lines.append(f"| {c.name} | {len(c.one_piece)} | {one:.2f} | {med(c.publish, 'seconds'):.2f} | "
                             f"{med(c.publish, 'seconds') / one:.2f} | {one / med(c.pandoc, 'seconds'):.2f} | {med(c.one_piece, 'peak_pss_mib'):.0f} |")
    lines += ["", "## No-op rebuilds (the default publish build, nothing changed: nothing is rendered or read back)", ""]
    lines += ["| document | runs | no-op s | pandoc full s | ratio |", "|---|---:|---:|---:|---:|"]
    for c in comparisons:
        if c.noop:
            ratio = Comparison.median(c.noop, "seconds") / Comparison.median(c.pandoc, "seconds")
            lines.append(f"| {c.name} | {len(c.noop)} | {Comparison.median(c.noop, 'seconds'):.3f} | {Comparison.median(c.pandoc, 'seconds'):.2f} | {ratio:.3f} |")
            targets.append((f"{c.name}: no-op rebuild ≤ 0.10× pandoc full build", f"{ratio:.3f}×", ratio <= 0.10))
    if linear:
        lines += ["", "## Linearity (full build of a generated document and of one twice as long)", ""]
        lines += ["| tool | 1× s | 2× s | ratio |", "|---|---:|---:|---:|"]
        for tool in ("publish", "pandoc"):
            ratio = linear[f"{tool} 2x"] / linear[f"{tool} 1x"]
            lines.append(f"| {tool} | {linear[f'{tool} 1x']:.2f} | {linear[f'{tool} 2x']:.2f} | {ratio:.2f} |")
        ratio = linear["publish 2x"] / linear["publish 1x"]
        targets.append(("2× the input ≤ 2.2× the time (publish)", f"{ratio:.2f}×", ratio <= 2.2))
        ratio = linear["verify 2x"] / linear["verify 1x"]
        lines.append(f"| verification (read back) | {linear['verify 1x']:.2f} | {linear['verify 2x']:.2f} | {ratio:.2f} |")
        targets.append(("2× the input ≤ 2.2× the verification time", f"{ratio:.2f}×", ratio <= 2.2))
    lines += ["", "## Targets", "", "| target | measured | |", "|---|---:|---|"]
    lines += [f"| {name} | {value} | {verdict(ok)} |" for name, value, ok in targets]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--article-reps", type=int, default=12)
    parser.add_argument("--book-reps", type=int, default=2)
    parser.add_argument("--noop-reps", type=int, default=5)
    parser.add_argument("--book-words", type=int, default=150_000)
    parser.add_argument("--linear-words", type=int, default=30_000, help="size of the smaller linearity document")
    parser.add_argument("--linear-reps", type=int, default=1)
    parser.add_argument("--skip-book", action="store_true")
    parser.add_argument("--book-notes", type=int, default=10, help="footnotes in the book (more than 10: the default theme's one-column layout)")
    parser.add_argument("--rust-reps", type=int, default=1)
    parser.add_argument("--skip-rust", action="store_true")
    parser.add_argument("--rust-book", type=Path, help="a clone of rust-lang/book (a bare git folder or a work tree): its "
                        "src/ch*.md concatenated in order are one more document")
    parser.add_argument("--rust-book-reps", type=int, default=1)
    parser.add_argument("--one-piece-reps", type=int, default=0,
                        help="runs of the long documents with their PDF laid out in one piece (PUBLISH_PDF_PARTS=1), against the default")
    parser.add_argument("--no-verify-reps", type=int, default=1, help="runs of publish --no-verify (the second line)")
    parser.add_argument("--skip-linear", action="store_true")
    parser.add_argument("--quick", action="store_true", help="one run each, a 20,000-word book, no linearity")
    parser.add_argument("--theme", help="the theme publish builds with (default: the default theme)")
    parser.add_argument("--skip-article", action="store_true")
    parser.add_argument("--json", type=Path, help="also write the raw runs here")
    parser.add_argument("--work", type=Path, help="keep the generated documents and outputs here")
    args = parser.parse_args()
    if args.quick:
        args.article_reps = args.book_reps = args.noop_reps = 1
        args.book_words, args.skip_linear, args.skip_rust = 20_000, True, True

    global THEME
    THEME = args.theme
    work = args.work or Path(tempfile.mkdtemp(prefix="publish-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    # bytecode for this checkout's publish, as `pip install` leaves for an installed copy (and for
    # WeasyPrint): with PYTHONDONTWRITEBYTECODE set, an edited module would be compiled on every run
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "publish")], check=True)
    info = machine()
    print(f"benchmarking in {work}", flush=True)
    comparisons = []
    if not args.skip_article:
        comparisons.append(compare("article", ARTICLE, ROOT, work / "article", args.article_reps, args.noop_reps, args.no_verify_reps))
    if not args.skip_book:
        book = generate(work / "book" / "book.md", args.book_words, max_notes=args.book_notes)
        comparisons.append(compare("book", book, book.parent, work / "book", args.book_reps, args.noop_reps, args.no_verify_reps,
                                   args.one_piece_reps))
    if args.rust_book:
        book = rust_book(args.rust_book, work / "rust-book")
        comparisons.append(compare("rust-book", book, book.parent, work / "rust-book", args.rust_book_reps, min(args.noop_reps, 1),
                                   args.no_verify_reps, args.one_piece_reps))
    if not args.skip_rust and RUST_REFERENCE.is_file():
        comparisons.append(compare("rust-reference", RUST_REFERENCE, RUST_REFERENCE.parent, work / "rust-reference",
                                   args.rust_reps, min(args.noop_reps, 1), args.no_verify_reps, args.one_piece_reps))
    linear = None if args.skip_linear else linearity(work, args.linear_words, args.linear_reps)
    info["loadavg at end"] = Path("/proc/loadavg").read_text().split(" ")[0] if Path("/proc/loadavg").exists() else "?"
    text = report(info, comparisons, linear)
    print()
    print(text)
    if args.json:
        args.json.write_text(json.dumps({"machine": info, "comparisons": [asdict(c) for c in comparisons], "linearity": linear}, indent=1))
    if not args.work:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
