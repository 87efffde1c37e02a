"""The sweep: real documents from repository snapshots, each built as it is with the default command
(verify on), several at once, each under a time limit, classified, with pandoc's result beside it.

    python benchmarks/sweep.py --mirror DIR            # every source of benchmarks/sweep-sources.tsv
    python benchmarks/sweep.py --mirror DIR --only fa  # the sources whose repository or language has 'fa'
    make sweep MIRROR=DIR
    python benchmarks/sweep.py --mirror DIR --list benchmarks/holdout-sources.tsv   # the hold-out set

DIR holds one bare snapshot per repository, ``DIR/<owner>+<name>/repo`` (what the search tool's
``fetch`` brings). Each is checked out whole into the work folder (its images come along), the
documents its row names are picked (evenly spread over the sorted matches, so a re-run picks the
same ones) and each is built from the checkout's root:

    publish build PATH/TO/DOC.md --out WORK/out/<n>

Classes: ``built`` (exit 0, no warning), ``warnings`` (exit 0 with warnings), ``refused`` (verify
found a loss: exit 1 after "verification failed" or a field x format report), ``error`` (exit 1 with
a clear ``path:line:`` message), ``traceback`` (a Python traceback: a bug), ``crash`` (killed by a
signal, or another exit code), ``timeout``. Beside each: pandoc's plain-text reading of the same
file (did it read it, how many words) and the words publish's PDF shows (pdftotext).

Writes benchmarks/sweep-results.tsv (one row a document) and benchmarks/sweep.md (the tables).
With ``--list FILE-sources.tsv`` (rows of repository, commit, kind, language, path: one document
each) it builds exactly those documents and writes FILE-results.tsv and FILE.md beside the list; a
path with ``*`` names one document made of its sorted matches joined in order (a book's chapters),
written beside them as ``_joined-<n>.md``.
"""
from __future__ import annotations

import argparse
import csv
import fnmatch
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import time
import unicodedata
from collections import Counter, defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
SOURCES = HERE / "sweep-sources.tsv"
RESULTS = HERE / "sweep-results.tsv"
REPORT = HERE / "sweep.md"
SUFFIXES = (".md", ".markdown", ".mdx", ".qmd", ".Rmd", ".rmd")
CLASSES = ("built", "warnings", "refused", "error", "traceback", "crash", "timeout")


@dataclass
class Source:
    repo: str
    commit: str
    kind: str
    lang: str
    take: int
    patterns: list[str]


@dataclass
class Result:
    repo: str
    kind: str
    path: str
    lang: str
    words: int
    outcome: str = ""
    first: str = ""
    seconds: float = 0.0
    pandoc_ok: bool = False
    pandoc_words: int = 0
    pandoc_seconds: float = 0.0
    pdf_words: int = 0
    extra: dict[str, str] = field(default_factory=dict)


def read_sources(path: Path) -> list[Source]:
    rows = []
    for line in path.read_text("utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        repo, commit, kind, lang, take, patterns = line.split("\t")
        rows.append(Source(repo, commit, kind, lang, int(take), patterns.split()))
    return rows


def read_list(path: Path) -> list[tuple[Source, str]]:
    """The rows of a hold-out list: each names one document (a path, or a pattern whose matches are joined)."""
    rows = []
    for line in path.read_text("utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        repo, commit, kind, lang, doc = line.split("\t")
        rows.append((Source(repo, commit, kind, lang, 1, [doc]), doc))
    return rows


def listed(tree: Path, doc: str, index: int) -> Path:
    """The document a list row names; a pattern's sorted matches joined into one file beside them."""
    if "*" not in doc:
        return tree / doc
    parts = sorted(p for p in tree.glob(doc) if p.is_file())
    joined = parts[0].parent / f"_joined-{index}.md"
    joined.write_text("\n\n".join(p.read_text("utf-8").strip("\n") for p in parts) + "\n", "utf-8")
    return joined


def checkout(mirror: Path, source: Source, work: Path) -> Path:
    """The snapshot's tree at its recorded commit, unpacked once into the work folder."""
    target = work / "src" / source.repo.replace("/", "+")
    stamp = target / ".sweep-commit"
    if stamp.is_file() and stamp.read_text().strip() == source.commit:
        return target
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    git_dir = mirror / source.repo.replace("/", "+") / "repo"
    # file by file, not `git archive`: a snapshot lacks its largest files (4 MiB and more)
    listing = subprocess.run(["git", f"--git-dir={git_dir}", "ls-tree", "-r", "-z", source.commit],
                             capture_output=True, check=True).stdout.decode("utf-8", "surrogateescape")
    entries = []
    for item in filter(None, listing.split("\0")):
        meta, name = item.split("\t", 1)
        mode, kind, sha = meta.split()
        if kind == "blob" and mode in ("100644", "100755"):
            entries.append((sha, name))
    batch = subprocess.Popen(["git", f"--git-dir={git_dir}", "cat-file", "--batch"], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    assert batch.stdin is not None and batch.stdout is not None
    for sha, name in entries:
        batch.stdin.write(sha.encode() + b"\n")
        batch.stdin.flush()
        header = batch.stdout.readline().split()
        if len(header) < 3 or header[1] != b"blob":
            continue  # missing from the snapshot
        data = batch.stdout.read(int(header[2]))
        batch.stdout.read(1)
        path = target / name
        if ".." in Path(name).parts:
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    batch.stdin.close()
    batch.wait()
    stamp.write_text(source.commit)
    return target


def pick(tree: Path, source: Source) -> list[Path]:
    """The documents of a source: its patterns' matches, sorted, ``take`` of them evenly spread."""
    found = sorted({p for p in tree.rglob("*") if p.is_file() and p.suffix in SUFFIXES
                    and any(fnmatch.fnmatch(p.relative_to(tree).as_posix(), pat) for pat in source.patterns)})
    if len(found) <= source.take:
        return found
    step = len(found) / source.take
    return [found[int(i * step)] for i in range(source.take)]


_SCRIPTS = [  # (name in the Unicode character name, language it means when no hint says otherwise)
    ("ARABIC", "ar"), ("HEBREW", "he"), ("DEVANAGARI", "hi"), ("BENGALI", "bn"), ("TAMIL", "ta"), ("THAI", "th"),
    ("HANGUL", "ko"), ("HIRAGANA", "ja"), ("KATAKANA", "ja"), ("CJK", "zh"), ("CYRILLIC", "ru"), ("GREEK", "el"),
]


def language(text: str, hint: str) -> str:
    """The document's language: by its main non-Latin script (Persian and Urdu by their own letters,
    Japanese by kana, Ukrainian by і ї є ґ), else the source's hint when it names a Latin-script
    language, else 'en'."""
    counts: Counter[str] = Counter()
    letters = 0
    for char in text:
        if not char.isalpha():
            continue
        letters += 1
        name = unicodedata.name(char, "")
        for script, _ in _SCRIPTS:
            if name.startswith(script) or (script == "CJK" and name.startswith("CJK UNIFIED")):
                counts[script] += 1
                break
    script, count = counts.most_common(1)[0] if counts else ("LATIN", 0)
    if counts and count >= 0.2 * letters:
        lang = dict(_SCRIPTS)[script]
        if script in ("CJK",) and (counts["HIRAGANA"] + counts["KATAKANA"]) > 0.05 * count:
            lang = "ja"
        if script == "ARABIC":
            lang = "ur" if re.search("[ٹڈڑںے]", text) else "fa" if re.search("[پچژگ]", text) else "ar"
        if script == "CYRILLIC" and re.search("[іїєґ]", text):
            lang = "uk"
        if hint.split("-")[0] == lang or (lang == "zh" and hint.startswith("zh")):
            return hint
        return lang
    latin_hints = {"en", "de", "fr", "es", "it", "pt", "pt-br", "pl", "tr", "id", "vi", "nl", "ro", "sw", "ms", "hu"}
    return hint if hint in latin_hints else "en"


_CODES = re.compile(r"^(ar|be|bg|bn|ca|cs|da|de|el|en|es|et|fa|fi|fr|he|hi|hu|hy|id|it|ja|km|ko|ml|ms|my|nl|no|pcm|pl|pt|ro|ru|sa|sk|sl|sr|sv|sw|ta|te|th|tr|uk|ur|vi|zh)"
                    r"([-_](br|pt|cn|tw|hans|hant|ir|ar|kr|jp|es|de|fr|ru|ua|tr|il|in|bd|th|vn|id|pl|it))?$", re.I)


def path_language(path: str) -> str:
    """A language code a path names: a folder (``ja/``, ``zh-cn/``) or a name's last part
    (``README-ja.md``, ``README.zh-CN.md``, ``books-fa_IR.md``); 'en' when none does."""
    parts = path.split("/")
    stem = parts[-1].rsplit(".", 1)[0]
    candidates = [*parts[:-1], *re.split(r"[.]", stem)[1:], stem.split("-", 1)[-1] if "-" in stem else "", stem.rsplit("-", 1)[-1]]
    for part in candidates:
        match = _CODES.match(part)
        if match:
            code = match.group(1).lower()
            region = (match.group(3) or "").lower()
            if code == "zh":
                return "zh-tw" if region in ("tw", "hant") else "zh"
            return "pt-br" if code == "pt" and region == "br" else code
    return "en"


_CJK = "\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af\uf900-\ufaff"
_WORD = re.compile(f"[{_CJK}]|[^\\W{_CJK}]+")


def word_count(text: str) -> int:
    return len(_WORD.findall(text))


def _run(command: list[str], cwd: Path, timeout: float) -> tuple[int | None, str, str, float]:
    """A command in its own process group, killed whole after ``timeout`` (exit None)."""
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               start_new_session=True, env={**os.environ, "PYTHONWARNINGS": "ignore"})
    try:
        out, err = process.communicate(timeout=timeout)
        return process.returncode, out, err, time.perf_counter() - started
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        out, err = process.communicate()
        return None, out, err, time.perf_counter() - started


def classify(code: int | None, err: str) -> tuple[str, str]:
    """The outcome of one build and the first line that says why."""
    lines = [line for line in err.splitlines() if line.strip()]
    warnings = [line for line in lines if ": warning: " in line]
    problems = [line for line in lines if ": warning: " not in line and ": note: " not in line
                and not line.startswith(("wrote ", "verified ", "done in ", "unchanged "))]
    if code is None:
        return "timeout", (problems or ["(no output)"])[-1]
    if "Traceback (most recent call last)" in err:
        last = [line for line in lines if re.match(r"^\w+(\.\w+)*(Error|Exception|Interrupt)\b", line)]
        return "traceback", (last or lines or ["?"])[-1]
    if code == 0:
        return ("warnings", warnings[0]) if warnings else ("built", "")
    if code == 1:
        if "verification failed" in err or re.search(r"^(pdf|epub|docx|html): \w[\w ()]* (missing|differs)", err, re.M):
            reason = next((line for line in lines if re.match(r"^(pdf|epub|docx|html): ", line)), problems[0] if problems else "")
            return "refused", reason
        return "error", (problems or lines or ["?"])[0]
    return "crash", f"exit {code}: {(problems or lines or ['?'])[-1]}"


def build_one(index: int, doc: Path, tree: Path, source: Source, work: Path, timeout: float, publish: str, pandoc: str | None) -> Result:
    text = doc.read_text("utf-8", errors="replace")
    relative = doc.relative_to(tree).as_posix()
    hint = path_language(relative) if source.lang == "path" else source.lang
    result = Result(source.repo, source.kind, relative, language(text, hint), word_count(text))
    out = work / "out" / f"{index:04d}"
    if out.exists():
        shutil.rmtree(out)
    code, _, err, seconds = _run([publish, "build", relative, "--out", str(out)], tree, timeout)
    result.outcome, result.first = classify(code, err)
    result.seconds = round(seconds, 2)
    pdf = out / f"{doc.stem}.pdf"
    if pdf.is_file() and shutil.which("pdftotext"):
        done = subprocess.run(["pdftotext", "-q", str(pdf), "-"], capture_output=True, text=True)
        result.pdf_words = word_count(done.stdout)
    if pandoc:
        code, plain, _, seconds = _run([pandoc, "-f", "markdown", "-t", "plain", "--wrap=none", relative], tree, timeout)
        result.pandoc_ok = code == 0
        result.pandoc_words = word_count(plain) if code == 0 else 0
        result.pandoc_seconds = round(seconds, 2)
    shutil.rmtree(out, ignore_errors=True)
    return result


def _pandoc() -> str | None:
    try:
        import pypandoc  # the test extra's pypandoc-binary ships pandoc

        return str(pypandoc.get_pandoc_path())
    except (ImportError, OSError):
        return shutil.which("pandoc")


def write_results(results: list[Result], path: Path = RESULTS) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        out = csv.writer(handle, delimiter="\t", lineterminator="\n")
        out.writerow(["repo", "kind", "path", "lang", "source_words", "outcome", "seconds", "pdf_words", "pandoc_ok", "pandoc_words", "first_line"])
        for r in results:
            out.writerow([r.repo, r.kind, r.path, r.lang, r.words, r.outcome, r.seconds, r.pdf_words, int(r.pandoc_ok), r.pandoc_words,
                          r.first.replace("\t", " ")[:300]])


def _pct(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f}%" if whole else "–"


def report(results: list[Result], sources: list[Source], elapsed: float, title: str = "The sweep",
           made_by: str = "`benchmarks/sweep.py` (`make sweep MIRROR=DIR`); the sources and commits are in `benchmarks/sweep-sources.tsv`, "
                          "every document's row in `benchmarks/sweep-results.tsv`") -> str:
    total = len(results)
    by_class = Counter(r.outcome for r in results)
    built = [r for r in results if r.outcome in ("built", "warnings")]
    lines = [
        f"# {title}",
        "",
        f"{total} documents from {len({r.repo for r in results})} repositories in {len({r.lang for r in results})} languages, "
        f"each built as it is with `publish build DOC --out DIR` (verify on), {elapsed / 60:.1f} min on this machine. "
        f"Made by {made_by}.",
        "",
        "| outcome | documents | share |",
        "|---|---:|---:|",
    ]
    lines += [f"| {c} | {by_class[c]} | {_pct(by_class[c], total)} |" for c in CLASSES]
    pandoc_read = sum(r.pandoc_ok for r in results)
    lines += ["", f"**Built as they are: {len(built)} of {total} ({_pct(len(built), total)}).** "
                  f"pandoc read {pandoc_read} of {total} ({_pct(pandoc_read, total)}) of the same files."]
    compared = [r for r in built if r.pandoc_words >= 20 and r.pdf_words]
    near = [r for r in compared if abs(r.pdf_words - r.pandoc_words) <= 0.1 * r.pandoc_words]
    lines += ["", f"Visible words of the PDF within 10% of pandoc's plain text: {len(near)} of {len(compared)} built documents "
                  f"({_pct(len(near), len(compared))}; documents of under 20 words left out)."]
    times = sorted(r.seconds for r in built)
    ptimes = sorted(r.pandoc_seconds for r in built if r.pandoc_ok)
    if times:
        p95 = times[min(len(times) - 1, int(0.95 * len(times)))]
        lines += ["", f"Build time per built document (four formats, verify on): median {statistics.median(times):.2f} s, p95 {p95:.2f} s."]
        if ptimes:
            pp95 = ptimes[min(len(ptimes) - 1, int(0.95 * len(ptimes)))]
            lines += [f"pandoc reading the same documents to plain text: median {statistics.median(ptimes):.2f} s, p95 {pp95:.2f} s "
                      "(its reader only, not its writers: the floor of any conversion)."]
    for title, key in (("By language", lambda r: r.lang), ("By kind of source", lambda r: r.kind)):
        groups: dict[str, list[Result]] = defaultdict(list)
        for r in results:
            groups[key(r)].append(r)
        lines += ["", f"## {title}", "", "| " + title.split()[-1] + " | documents | " + " | ".join(CLASSES) + " |",
                  "|---|---:|" + "---:|" * len(CLASSES)]
        for name in sorted(groups):
            counts = Counter(r.outcome for r in groups[name])
            lines.append(f"| {name} | {len(groups[name])} | " + " | ".join(str(counts[c] or "") for c in CLASSES) + " |")
    failing = [r for r in results if r.outcome not in ("built", "warnings")]
    if failing:
        lines += ["", "## Every document that did not build", "", "| outcome | document | first line |", "|---|---|---|"]
        for r in sorted(failing, key=lambda r: (CLASSES.index(r.outcome), r.repo, r.path)):
            first = r.first.replace("|", "\\|")[:200]
            lines.append(f"| {r.outcome} | {r.repo}: `{r.path}` | {first} |")
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mirror", type=Path, required=True, help="folder of snapshots, DIR/<owner>+<name>/repo")
    parser.add_argument("--work", type=Path, default=Path(os.environ.get("TMPDIR", "/tmp")) / "publish-sweep")
    parser.add_argument("--sources", type=Path, default=SOURCES)
    parser.add_argument("--list", type=Path, help="a list of single documents (NAME-sources.tsv); writes NAME.md and NAME-results.tsv")
    parser.add_argument("--only", default="", help="only sources whose repository or language contains this")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--timeout", type=float, default=180.0)
    parser.add_argument("--publish", default=str(ROOT / ".venv" / "bin" / "publish"))
    parser.add_argument("--no-pandoc", action="store_true")
    parser.add_argument("--no-write", action="store_true", help="print the report; leave the committed files alone")
    args = parser.parse_args()
    pandoc = None if args.no_pandoc else _pandoc()
    plan = []
    if args.list:
        rows = [(s, d) for s, d in read_list(args.list) if args.only in s.repo or args.only == s.lang]
        sources = list({s.repo: s for s, _ in rows}.values())
        for index, (source, doc) in enumerate(rows):
            tree = checkout(args.mirror, source, args.work)
            plan.append((listed(tree, doc, index), tree, source))
        stem = args.list.name.removesuffix("-sources.tsv").removesuffix(".tsv")
        report_path, results_path = args.list.parent / f"{stem}.md", args.list.parent / f"{stem}-results.tsv"
        title, made_by = f"The {stem} set", (f"`benchmarks/sweep.py --mirror DIR --list {args.list.name}`; the documents and commits "
                                             f"are in `{args.list.name}`, every document's row in `{results_path.name}`")
    else:
        sources = [s for s in read_sources(args.sources) if args.only in s.repo or args.only == s.lang]
        for source in sources:
            tree = checkout(args.mirror, source, args.work)
            plan.extend((doc, tree, source) for doc in pick(tree, source))
        report_path, results_path, title, made_by = REPORT, RESULTS, "The sweep", None
    print(f"{len(plan)} documents from {len(sources)} sources", file=sys.stderr)
    started = time.perf_counter()
    results: list[Result] = []
    with ThreadPoolExecutor(args.jobs) as pool:
        futures = [pool.submit(build_one, i, doc, tree, source, args.work, args.timeout, args.publish, pandoc)
                   for i, (doc, tree, source) in enumerate(plan)]
        for n, future in enumerate(futures, 1):
            r = future.result()
            results.append(r)
            print(f"[{n}/{len(plan)}] {r.outcome:9} {r.seconds:6.1f}s {r.repo}: {r.path}  {r.first[:120]}", file=sys.stderr)
    elapsed = time.perf_counter() - started
    text = report(results, sources, elapsed, title, made_by) if made_by else report(results, sources, elapsed)
    if args.no_write:
        print(text)
    else:
        write_results(results, results_path)
        report_path.write_text(text, "utf-8")
        print(f"wrote {report_path} and {results_path}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
