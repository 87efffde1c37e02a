"""Incremental builds: the manifest, no-op rebuilds, what makes an output stale, parallel errors, watch, lazy imports."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from publish.builder import pipeline
from publish.cli import main
from publish.errors import PublishError, SourceError
from publish.builder.manifest import NAME as MANIFEST
from publish.builder.manifest import code_digest, versions
from publish.builder.pipeline import build
from publish.watch import Watcher

ROOT = Path(__file__).resolve().parents[2]
FIXTURE = ROOT / "tests" / "fixtures" / "constructs"
FAST = ("epub", "docx")  # WeasyPrint takes seconds: most tests leave the PDF out


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A project folder with the constructs article, its image and a copy of the default theme."""
    shutil.copytree(FIXTURE, tmp_path, dirs_exist_ok=True)
    shutil.copytree(ROOT / "themes" / "default", tmp_path / "themes" / "local")
    return tmp_path


def _build(project: Path, formats: tuple[str, ...] = FAST, **kwargs) -> dict[str, str]:
    results = build([project / "constructs.md"], list(formats), out=project / "dist", project=project, theme="local", **kwargs)
    return {r.format: "unchanged" if r.unchanged else "wrote" for r in results}


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def _no_rendering(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*_args, **_kwargs):
        raise AssertionError("a no-op rebuild must not read or render anything")

    monkeypatch.setattr(pipeline, "prepare", refuse)
    monkeypatch.setattr(pipeline, "render", refuse)


# -- the manifest and the no-op rebuild ----------------------------------------------------
def test_a_build_writes_a_manifest_with_every_input(project: Path) -> None:
    assert _build(project) == {"epub": "wrote", "docx": "wrote"}
    manifest = json.loads((project / "dist" / MANIFEST).read_text("utf-8"))
    entry = manifest["outputs"]["constructs.epub"]
    inputs = entry["inputs"]
    assert set(inputs) == {"source", "images", "theme", "options", "versions", "env"}
    assert list(inputs["images"]) == ["images/diagram.png"]
    assert "0:local/css/epub.css" in inputs["theme"] and "0:local/theme.yaml" in inputs["theme"]
    assert {"publish", "ebooklib"} <= set(inputs["versions"])
    assert "python-docx" in manifest["outputs"]["constructs.docx"]["inputs"]["versions"]
    assert entry["output"] == pipeline.sha256_bytes((project / "dist" / "constructs.epub").read_bytes())


def test_a_rebuild_with_nothing_changed_renders_nothing_and_says_so(project: Path, monkeypatch) -> None:
    _build(project)
    before = {p.name: p.stat().st_mtime_ns for p in (project / "dist").iterdir()}
    _no_rendering(monkeypatch)
    assert _build(project) == {"epub": "unchanged", "docx": "unchanged"}
    monkeypatch.chdir(project)
    result = CliRunner().invoke(main, ["build", "constructs.md", "-t", "local", "-f", "epub", "-f", "docx", "--no-verify"])
    assert result.exit_code == 0, result.output
    assert "unchanged dist/constructs.epub\nunchanged dist/constructs.docx\n" in result.output
    assert "wrote" not in result.output
    assert {p.name: p.stat().st_mtime_ns for p in (project / "dist").iterdir()} == before


def _edit_source(project: Path) -> None:
    with open(project / "constructs.md", "a", encoding="utf-8") as handle:
        handle.write("\nOne more paragraph.\n")


def _edit_image(project: Path) -> None:
    with open(project / "images" / "diagram.png", "ab") as handle:
        handle.write(b"\0")  # bytes after IEND: still a PNG, but other bytes


def _edit_theme(project: Path) -> None:
    with open(project / "themes" / "local" / "css" / "epub.css", "a", encoding="utf-8") as handle:
        handle.write("\n/* edited */\n")


@pytest.mark.parametrize("edit", [_edit_source, _edit_image, _edit_theme], ids=["source", "image", "theme-file"])
def test_changing_an_input_rebuilds(project: Path, edit) -> None:
    _build(project)
    edit(project)
    assert _build(project) == {"epub": "wrote", "docx": "wrote"}
    assert _build(project) == {"epub": "unchanged", "docx": "unchanged"}


def test_changing_an_option_rebuilds(project: Path) -> None:
    _build(project)
    assert _build(project, options={"paper": "letter"}) == {"epub": "wrote", "docx": "wrote"}
    assert _build(project, options={"paper": "letter"}) == {"epub": "unchanged", "docx": "unchanged"}


def test_changing_source_date_epoch_rebuilds(project: Path, monkeypatch) -> None:
    _build(project)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    assert _build(project) == {"epub": "wrote", "docx": "wrote"}


def test_force_rebuilds_everything(project: Path, monkeypatch) -> None:
    _build(project)
    assert _build(project, force=True) == {"epub": "wrote", "docx": "wrote"}
    monkeypatch.chdir(project)
    result = CliRunner().invoke(main, ["build", "constructs.md", "-t", "local", "-f", "epub", "--no-verify", "--force"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("wrote dist/constructs.epub")


def test_a_deleted_or_altered_output_is_rebuilt_alone(project: Path) -> None:
    _build(project)
    (project / "dist" / "constructs.docx").unlink()
    assert _build(project) == {"epub": "unchanged", "docx": "wrote"}
    (project / "dist" / "constructs.epub").write_bytes(b"not an epub")
    assert _build(project) == {"epub": "wrote", "docx": "unchanged"}
    assert (project / "dist" / "constructs.epub").read_bytes().startswith(b"PK")


def test_a_damaged_manifest_means_a_full_build(project: Path) -> None:
    _build(project)
    (project / "dist" / MANIFEST).write_text("{not json", encoding="utf-8")
    assert _build(project) == {"epub": "wrote", "docx": "wrote"}


def test_building_another_format_keeps_the_others_in_the_manifest(project: Path) -> None:
    _build(project, ("epub",))
    _build(project, ("docx",))
    assert _build(project) == {"epub": "unchanged", "docx": "unchanged"}


# -- parallel and serial builds ------------------------------------------------------------
# The PDF is the one heavy format; these tests make the EPUB heavy instead, so that a worker
# process renders it while this process renders the DOCX, without waiting seconds for WeasyPrint.
def _epub_in_a_worker(monkeypatch) -> None:
    monkeypatch.setattr(pipeline, "cpu_count", lambda: 2)
    monkeypatch.setattr(pipeline, "HEAVY_FORMATS", frozenset({"epub"}))


def _no_workers(*_args, **_kwargs):
    raise AssertionError("no worker process may start here")


def test_light_formats_alone_render_in_process_without_workers(project: Path, monkeypatch) -> None:
    monkeypatch.setattr(pipeline, "cpu_count", lambda: 8)
    monkeypatch.setattr("publish.builder.workers.Lanes", _no_workers)
    assert _build(project, ("docx",)) == {"docx": "wrote"}
    assert _build(project, FAST, force=True) == {"epub": "wrote", "docx": "wrote"}


def test_parallel_and_serial_builds_give_the_same_bytes(project: Path, monkeypatch) -> None:
    _epub_in_a_worker(monkeypatch)
    build([project / "constructs.md"], list(FAST), out=project / "a", project=project, parallel=True)
    monkeypatch.setattr("publish.builder.workers.Lanes", _no_workers)
    build([project / "constructs.md"], list(FAST), out=project / "b", project=project, parallel=False)
    assert _snapshot(project / "a") == _snapshot(project / "b")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the patched writer reaches the workers by fork")
@pytest.mark.parametrize("where", ["worker", "parent"])
def test_an_error_in_a_worker_or_in_the_parent_meanwhile_reaches_the_caller_and_leaves_the_outputs_alone(
        project: Path, monkeypatch, where: str) -> None:
    import publish.formats.docx.write as docx_writer

    monkeypatch.setattr(pipeline, "cpu_count", lambda: 2)
    # the DOCX fails in a worker process, or in this one while a worker renders the EPUB
    monkeypatch.setattr(pipeline, "HEAVY_FORMATS", frozenset({"docx" if where == "worker" else "epub"}))
    _build(project)
    before = _snapshot(project / "dist")

    def broken(job):
        raise SourceError("a bad construct", job.doc.path, 7)

    monkeypatch.setattr(docx_writer, "write", broken)  # forked workers inherit the patch
    with pytest.raises(SourceError) as caught:
        _build(project, force=True)
    assert (caught.value.path, caught.value.line, caught.value.message) == (str(project / "constructs.md"), 7, "a bad construct")
    assert _snapshot(project / "dist") == before  # the EPUB, rendered fine, was not replaced; no temp file left

    monkeypatch.chdir(project)
    result = CliRunner().invoke(main, ["build", "constructs.md", "-t", "local", "-f", "epub", "-f", "docx", "--no-verify", "--force"])
    assert result.exit_code == 1
    assert result.output.strip().endswith("constructs.md:7: a bad construct")
    assert _snapshot(project / "dist") == before


def test_the_pdf_renders_in_a_worker_and_the_parent_writing_the_rest_never_imports_weasyprint(tmp_path: Path) -> None:
    # a fresh interpreter: this test session has imported WeasyPrint
    shutil.copytree(FIXTURE, tmp_path / "project")
    code = (
        "import os, sys\n"
        "from pathlib import Path\n"
        "from publish.builder import pipeline\n"
        "pipeline.cpu_count = lambda: 2\n"
        "rendered = {}\n"
        "real = pipeline._render_into\n"
        "def recording(job, fmt, temp, verify=False):\n"
        "    rendered[fmt] = os.getpid()\n"
        "    return real(job, fmt, temp, verify)\n"
        "pipeline._render_into = recording\n"
        "pipeline.build([Path('constructs.md')], ['pdf', 'epub', 'docx', 'html'], out=Path('dist'), project=Path('.'))\n"
        "print(sorted(rendered), rendered.get('pdf') == os.getpid(), {f for f, pid in rendered.items() if pid == os.getpid()} == {'epub', 'docx', 'html'},\n"
        "      'weasyprint' in sys.modules, 'publish.formats.docx.write' in sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=tmp_path / "project", env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
                          capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stderr
    # the worker's own record of the PDF stays in the worker: only the parent's formats are listed
    assert done.stdout.split() == ["['docx',", "'epub',", "'html']", "False", "True", "False", "True"]
    assert (tmp_path / "project" / "dist" / "constructs.pdf").read_bytes().startswith(b"%PDF-")


def test_pool_sizes_give_the_pdf_as_many_workers_as_cores_and_none_when_one_process_is_as_fast(monkeypatch) -> None:
    started: list[tuple[dict[str, int], dict[str, tuple]]] = []

    class FakeLanes:
        def __init__(self, sizes, init, init_args, handler):
            started.append((sizes, {lane: init_args[lane] for lane in sizes}))

    monkeypatch.setattr("publish.builder.workers.Lanes", FakeLanes)
    assert pipeline._start_pools(["pdf", "pdf", "pdf", "epub", "epub", "epub", "docx", "docx", "docx"], 2) is not None
    assert started == [({"heavy": 2}, {"heavy": (["pdf"], False)})]
    started.clear()
    assert pipeline._start_pools(["pdf", "epub"], 4, strict=True) is not None
    assert started == [({"heavy": 1}, {"heavy": (["pdf"], True)})]
    started.clear()
    assert pipeline._start_pools(["epub", "docx", "html"], 4) is None  # light formats only: this process renders them
    assert pipeline._start_pools(["pdf"], 4) is None  # one PDF alone: no one to share the work with
    assert pipeline._start_pools(["pdf", "epub"], 1) is None  # one core: a worker would only take turns with this process
    assert started == []


def test_a_source_error_after_the_workers_started_stops_them_and_leaves_the_outputs_alone(project: Path, monkeypatch) -> None:
    import multiprocessing

    _epub_in_a_worker(monkeypatch)
    _build(project)
    before = _snapshot(project / "dist")
    stops: list[tuple[list[str], bool]] = []
    from publish.builder.workers import Lanes

    real_stop = Lanes.stop

    def recording_stop(lanes, abort):
        stops.append((sorted(lanes.lanes()), abort))
        real_stop(lanes, abort)

    monkeypatch.setattr(Lanes, "stop", recording_stop)
    source = project / "constructs.md"
    source.write_text("---\ntitle: [unclosed\n---\n\nText.\n", "utf-8")
    with pytest.raises(PublishError) as caught:
        _build(project)
    assert caught.value.path == str(source) and caught.value.line == 2
    assert stops == [(["heavy"], True)]  # the pool had started, and was aborted, not waited for
    assert multiprocessing.active_children() == []
    assert _snapshot(project / "dist") == before


def test_a_no_op_rebuild_neither_checks_the_theme_nor_reads_the_source(project: Path, monkeypatch) -> None:
    import publish.theme.check

    _build(project)

    def refuse(*_args):
        raise AssertionError("a no-op rebuild must not check the theme")

    monkeypatch.setattr(publish.theme.check, "check", refuse)
    _no_rendering(monkeypatch)
    assert _build(project) == {"epub": "unchanged", "docx": "unchanged"}


def test_a_worker_error_that_cannot_be_pickled_keeps_its_text_path_and_line() -> None:
    class Odd(PublishError):
        def __init__(self, message: str, path: str, line: int, extra: object) -> None:
            super().__init__(message, path, line)
            self.extra = extra

    portable = pipeline._portable(Odd("odd", "a.md", 3, object()))
    assert isinstance(portable, PublishError) and str(portable) == "a.md:3: odd"


# -- watch ---------------------------------------------------------------------------------
def test_watch_rebuilds_on_relevant_changes_and_survives_a_bad_edit(project: Path) -> None:
    lines: list[str] = []
    errors: list[str] = []
    results: list[pipeline.Output] = []
    source = project / "constructs.md"
    watcher = Watcher([source], project / "dist", "local", list(FAST), project=project, echo=lines.append, error=errors.append, report=results.append)
    assert watcher.rebuild() and (project / "dist" / "constructs.epub").is_file()
    image = project / "images" / "diagram.png"
    assert image.resolve() in watcher.files
    assert (project / "themes" / "local").resolve() in watcher.theme_folders
    modified = 2  # watchfiles.Change.modified

    # the outputs and unrelated files are not changes worth a build
    assert not watcher.on_change([(modified, str(project / "dist" / "constructs.epub")), (modified, str(project / "notes.txt"))])

    _edit_source(project)
    results.clear()
    assert watcher.on_change([(modified, str(source))])
    assert [r.unchanged for r in results] == [False, False]

    text = source.read_text("utf-8")
    source.write_text(text.replace("title:", "title: [broken", 1), encoding="utf-8")
    assert watcher.on_change([(modified, str(source))])
    assert not watcher.ok and errors and f"{source}:" in errors[-1]

    source.write_text(text, encoding="utf-8")
    assert watcher.on_change([(modified, str(source))]) and watcher.ok

    _edit_theme(project)
    results.clear()
    assert watcher.on_change([(modified, str(project / "themes" / "local" / "css" / "epub.css"))])
    assert [r.unchanged for r in results] == [False, False]

    _edit_image(project)
    results.clear()
    assert watcher.on_change([(modified, str(image))])
    assert [r.unchanged for r in results] == [False, False]
    assert watcher.builds == 6


# -- start-up ------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def built_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The constructs article built once in every format, PDF included."""
    folder = tmp_path_factory.mktemp("built")
    shutil.copytree(FIXTURE, folder, dirs_exist_ok=True)
    build([folder / "constructs.md"], out=folder / "dist", project=folder)
    return folder


def _imports_weasyprint(args: list[str], cwd: Path) -> tuple[bool, str]:
    code = (
        "import sys\n"
        "from click.testing import CliRunner\n"
        "from publish.cli import main\n"
        f"result = CliRunner().invoke(main, {args!r})\n"
        "assert result.exit_code == 0, result.output\n"
        "print(result.output)\n"
        "print('weasyprint' in sys.modules)\n"
    )
    env = {"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"}
    done = subprocess.run([sys.executable, "-c", code], cwd=cwd, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    *output, flag = done.stdout.strip().split("\n")
    return flag == "True", "\n".join(output)


@pytest.mark.parametrize("args", [["--help"], ["themes"]], ids=["help", "themes"])
def test_help_and_themes_do_not_import_weasyprint(args: list[str]) -> None:
    imported, _ = _imports_weasyprint(args, ROOT)
    assert not imported


def test_a_no_op_rebuild_does_not_import_weasyprint(built_project: Path) -> None:
    # publish's own code is an input: catch up with any edit made to it since the fixture was built
    code_digest.cache_clear()
    versions.cache_clear()
    build([built_project / "constructs.md"], out=built_project / "dist", project=built_project)
    imported, output = _imports_weasyprint(["build", "constructs.md", "--no-verify"], built_project)
    assert output.split("\n")[:3] == [f"unchanged dist/constructs.{fmt}" for fmt in ("pdf", "epub", "docx")]
    assert not imported
