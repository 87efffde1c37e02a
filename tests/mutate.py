"""`make mutate`: mutation testing (mutmut) of the modules that carry publish's promise, each against the fast tests that concern it.

Each group runs in its own copy of the project (.mutation/<group>/), with a [tool.mutmut]
section naming the files to mutate and the tests to run; mutmut then runs, for each mutant,
only the tests that call the mutated function, fastest first, stopping at the first failure.
The score of a group counts only the mutants of the functions it names.

    python tests/mutate.py                 # every group
    python tests/mutate.py verify assets   # some groups
    MUTATE_CHILDREN=1 python tests/mutate.py manifest
"""
from __future__ import annotations

import fnmatch
import json
import os
import re
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / ".mutation"


@dataclass
class Group:
    """Files to mutate, the mutants that count (fnmatch patterns of mutmut's names), the tests."""

    files: list[str]
    mutants: list[str]
    tests: list[str]
    #: reuse builds across mutants (PUBLISH_TEST_BUILD_CACHE): right when the builds are the
    #: tests' input and not the code under test
    cache: bool = False
    pytest_args: list[str] = field(default_factory=list)


GROUPS: dict[str, Group] = {
    # the comparison at the heart of verify: what the article says must be there, and whether it
    # is (each format's read-back, beside its writer, is named in tests/mutation-survivors.md)
    "verify": Group(
        files=["publish/verifier/compare.py", "publish/formats/readback.py", "publish/builder/check.py"],
        mutants=["publish.verifier.compare.*", "publish.formats.readback.*", "publish.builder.check.*"],
        tests=["tests/verifier/test_verify.py", "tests/verifier/test_verify_compare.py", "tests/verifier/test_verify_outputs.py", "tests/verifier/test_damage.py"],
        cache=True,
    ),
    # the metadata each writer writes: PDF Info and XMP, EPUB OPF, DOCX core and custom properties
    "metadata": Group(
        files=["publish/formats/pdf/write.py", "publish/formats/epub/write.py", "publish/formats/docx/write.py", "publish/formats/docx/parts.py"],
        mutants=[
            "publish.formats.pdf.write.x_custom_info__mutmut_*",
            "publish.formats.pdf.write.x_xmp_description__mutmut_*",
            "publish.formats.pdf.write.x_merge_xmp__mutmut_*",
            "publish.formats.pdf.write.x__finisher__mutmut_*",
            "publish.formats.epub.write.x__metadata__mutmut_*",
            "publish.formats.docx.write.xǁDocxWriterǁproperties__mutmut_*",
            "publish.formats.docx.write.x__core_text__mutmut_*",
            "publish.formats.docx.parts.x_custom_properties__mutmut_*",
        ],
        # each of these tests builds its own file: mutmut ties a test to the functions it calls,
        # and a build shared by a module's tests would be tied to the first of them only
        tests=["tests/formats/test_written_metadata.py"],
    ),
    # images and links confined to the project
    "assets": Group(
        files=["publish/media/assets.py"],
        mutants=["publish.media.assets.*"],
        tests=["tests/media/test_assets.py", "tests/test_bad_input.py"],
        # timing tests fail under mutmut's trampolines; a publish run in a subprocess from another
        # folder cannot find mutmut's configuration
        pytest_args=["-k", "not in_seconds and not cli"],
    ),
    # the manifest of incremental builds
    "manifest": Group(files=["publish/builder/manifest.py"], mutants=["publish.builder.manifest.*"], tests=["tests/builder/test_manifest.py"]),
    # the atomic replace: a new temporary file beside the target, then the install (side files
    # first, the output last); that nothing is installed unless every format succeeded is tested
    # end to end by tests/test_safety.py (too slow to run for every mutant)
    "pipeline": Group(
        files=["publish/builder/pipeline.py"],
        mutants=["publish.builder.pipeline.x__new_temp__mutmut_*", "publish.builder.pipeline.x__install__mutmut_*", "publish.builder.pipeline.x_side_files_dir__mutmut_*"],
        tests=["tests/builder/test_atomic.py"],
    ),
}


def _toml_list(values: list[str]) -> str:
    return "[" + ", ".join(json.dumps(v) for v in values) + "]"


def _prepare(name: str, group: Group) -> Path:
    """A fresh copy of the project's files (tracked and new, not ignored) with the group's mutmut config."""
    work = WORK / name
    if work.exists():
        shutil.rmtree(work)
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"], cwd=ROOT, capture_output=True, check=True
    ).stdout.decode().split("\0")
    for relative in filter(None, listed):
        source = ROOT / relative
        if source.is_file():
            target = work / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
    config = (
        "\n[tool.mutmut]\n"
        'source_paths = ["publish"]\n'
        f"only_mutate = {_toml_list(group.files)}\n"
        f"pytest_add_cli_args_test_selection = {_toml_list(group.tests)}\n"
        f"pytest_add_cli_args = {_toml_list(['-p', 'no:cacheprovider', '-p', 'no:randomly', *group.pytest_args])}\n"
        'also_copy = ["themes", "source"]\n'
        # a mutant that loops is killed after five times its tests' clean duration (mutmut's 15x
        # waits minutes for the slow build tests)
        "timeout_multiplier = 5.0\n"
    )
    with open(work / "pyproject.toml", "a", encoding="utf-8") as handle:
        handle.write(config)
    return work


def _results(work: Path) -> dict[str, str]:
    """Every mutant's status, by name, as `mutmut results --all true` prints it."""
    done = subprocess.run([sys.executable, "-m", "mutmut", "results", "--all", "true"], cwd=work, capture_output=True, text=True)
    found = {}
    for line in done.stdout.splitlines():
        match = re.match(r"\s*(\S+): (.+)$", line)
        if match:
            found[match[1]] = match[2].strip()
    return found


def run_group(name: str, group: Group, children: int) -> dict[str, object]:
    """Mutate one group; its score, its survivors and the time it took."""
    started = time.monotonic()
    work = _prepare(name, group)
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    if group.cache:
        cache = work / "build-cache"
        cache.mkdir()
        env["PUBLISH_TEST_BUILD_CACHE"] = str(cache)
    env.pop("SOURCE_DATE_EPOCH", None)
    log = work / "mutmut.log"
    with open(log, "w", encoding="utf-8") as handle:
        subprocess.run(
            [sys.executable, "-m", "mutmut", "run", "--max-children", str(children), *group.mutants],
            cwd=work, env=env, stdout=handle, stderr=subprocess.STDOUT,
        )
    statuses = {k: v for k, v in _results(work).items() if any(fnmatch.fnmatch(k, p) for p in group.mutants)}
    killed = sum(1 for v in statuses.values() if v in ("killed", "timeout", "caught by type check", "segfault"))
    others = sorted((k, v) for k, v in statuses.items() if v not in ("killed", "timeout", "caught by type check", "segfault"))
    return {
        "group": name,
        "mutants": len(statuses),
        "killed": killed,
        "score": round(100 * killed / len(statuses), 1) if statuses else None,
        "seconds": round(time.monotonic() - started),
        "not killed": others,
        "log": str(log.relative_to(ROOT)),
    }


def main(argv: list[str]) -> int:
    names = argv or list(GROUPS)
    unknown = [n for n in names if n not in GROUPS]
    if unknown:
        print(f"unknown group(s) {', '.join(unknown)}; choose from {', '.join(GROUPS)}", file=sys.stderr)
        return 2
    children = int(os.environ.get("MUTATE_CHILDREN", "2"))
    WORK.mkdir(exist_ok=True)
    summary = []
    for name in names:
        print(f"mutating {name} ...", flush=True)
        result = run_group(name, GROUPS[name], children)
        summary.append(result)
        print(f"  {result['killed']}/{result['mutants']} killed ({result['score']}%) in {result['seconds']} s", flush=True)
        for mutant, status in result["not killed"]:
            print(f"    {status}: {mutant}")
    (WORK / "summary.json").write_text(json.dumps(summary, indent=1, ensure_ascii=False), "utf-8")
    total = sum(r["mutants"] for r in summary)
    killed = sum(r["killed"] for r in summary)
    print(f"total: {killed}/{total} killed ({round(100 * killed / total, 1) if total else 0}%) in {sum(r['seconds'] for r in summary)} s")
    return 0 if total and killed / total >= 0.9 else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
