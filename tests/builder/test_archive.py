"""Many articles: a failing one does not stop the others, builds of different articles into one
folder keep each other's manifest entries, and a real Dask LocalCluster builds an archive, a
failing article and a killed worker included."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import ROOT
from publish.builder.archive import build_archive
from publish.builder.manifest import Manifest
from publish.cli import main
from publish.errors import ArticlesFailed, SourceError

GOOD = "---\ntitle: Article {n}\ndate: 2025-10-0{n}\nrights: \u201cReprinted with permission.\u201d\n---\n\nText of article {n}.\n"
BROKEN = "---\ntitle: [broken\n---\n\nText.\n"
FORMATS = ["epub", "html"]  # the archive logic is the same for every format; these two are quick


def _archive(folder: Path, count: int = 3) -> list[Path]:
    (folder / "archive" / "2024").mkdir(parents=True)
    paths = []
    for n in range(1, count + 1):
        path = folder / "archive" / "2024" / f"a{n}.md"
        path.write_text(GOOD.format(n=n), "utf-8")
        paths.append(path)
    return paths


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.glob("*")) if p.is_file()}


def test_a_failing_article_leaves_its_outputs_and_the_others_are_built(tmp_path: Path) -> None:
    paths = _archive(tmp_path)
    out = tmp_path / "dist"
    build_archive(paths, formats=FORMATS, out=out, project=tmp_path)
    before = {n: b for n, b in _files(out).items() if n.startswith("a2.")}
    for path in paths:
        path.write_text(path.read_text("utf-8").replace("Text of", "New text of"), "utf-8")
    paths[1].write_text(BROKEN, "utf-8")
    with pytest.raises(ArticlesFailed) as failed:
        build_archive(paths, formats=FORMATS, out=out, project=tmp_path)
    assert list(failed.value.errors) == [paths[1]]
    lines = str(failed.value).splitlines()
    assert lines[0].startswith(f"{paths[1]}:2: the front matter is not valid YAML")
    assert lines[-1] == "1 of 3 articles failed and were left as they were; the other 2 were built"
    after = _files(out)
    assert {n: b for n, b in after.items() if n.startswith("a2.")} == before, "the failing article's outputs as they were"
    assert b"New text of article 1" in after["a1.html"] and b"New text of article 3" in after["a3.html"]
    manifest = Manifest.load(out)
    assert {"a1.epub", "a1.html", "a3.epub", "a3.html", "a2.epub", "a2.html"} <= set(manifest.outputs)


def test_fail_fast_stops_at_the_first_failure_with_its_own_error(tmp_path: Path) -> None:
    paths = _archive(tmp_path)
    paths[0].write_text(BROKEN, "utf-8")
    with pytest.raises(SourceError, match="the front matter is not valid YAML") as failed:
        build_archive(paths, formats=FORMATS, out=tmp_path / "dist", project=tmp_path, fail_fast=True)
    assert not isinstance(failed.value, ArticlesFailed)
    assert not any((tmp_path / "dist").glob("a*.html")), "nothing installed"


def test_an_archive_larger_than_a_batch_is_built_batch_by_batch(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from publish.builder import archive

    monkeypatch.setattr(archive, "BATCH", 2)
    paths = _archive(tmp_path, count=5)
    seen = []
    outputs = build_archive(paths, formats=["html"], out=tmp_path / "dist", project=tmp_path,
                            progress=lambda state: seen.append((state.done, state.failed, state.total)))
    assert [o.path.name for o in outputs] == [f"a{n}.html" for n in range(1, 6)]
    assert seen == [(2, 0, 5), (4, 0, 5), (5, 0, 5)]


def test_builds_of_different_articles_into_one_folder_at_once_keep_each_others_manifest_entries(tmp_path: Path) -> None:
    """The manifest is read again and merged under the folder's lock when each build installs:
    neither build's entries are lost, so a no-op rebuild of both renders nothing."""
    paths = _archive(tmp_path, count=2)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    runs = [subprocess.Popen([sys.executable, "-m", "publish", "build", str(p), "--out", "dist", "--format", "html",
                              "--format", "epub"], cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            for p in paths]
    for run in runs:
        _, stderr = run.communicate(timeout=120)
        assert run.returncode == 0, stderr
    assert {"a1.epub", "a1.html", "a2.epub", "a2.html"} <= set(Manifest.load(tmp_path / "dist").outputs)
    again = subprocess.run([sys.executable, "-m", "publish", "build", *map(str, paths), "--out", "dist", "--format", "html",
                            "--format", "epub"], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    assert again.returncode == 0, again.stderr
    assert again.stdout.count("unchanged ") == 4 and "wrote " not in again.stdout, again.stdout


def test_the_command_line_takes_a_pattern_and_prints_progress_lines_when_not_a_terminal(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _archive(tmp_path)
    (tmp_path / "archive" / "bad.md").write_text(BROKEN, "utf-8")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["build", "archive/**/*.md", "--format", "html", "--project", str(tmp_path)])
    assert result.exit_code == 1
    assert "4/4 articles (1 failed)" in result.output
    assert "archive/bad.md:2: the front matter is not valid YAML" in result.output
    assert "1 of 4 articles failed and were left as they were; the other 3 were built" in result.output
    assert sorted(p.name for p in (tmp_path / "dist").glob("*.html")) == ["a1.html", "a2.html", "a3.html"]
    result = CliRunner().invoke(main, ["build", "nothing/**/*.md"])
    assert result.exit_code == 1 and "no article matches 'nothing/**/*.md'" in result.output


# -- a real Dask cluster ------------------------------------------------------------
distributed = pytest.importorskip("distributed", reason="the Dask tests need dask[distributed] (the test extra installs it)")


class _KillOnce(distributed.WorkerPlugin):
    """A worker plugin that kills its worker process the first time it starts the task of an
    article whose name has 'victim' (a worker lost mid-task: the OOM killer, a lost node)."""

    def __init__(self, marker: str) -> None:
        self.marker = marker

    def transition(self, key: object, start: str, finish: str, **kwargs: object) -> None:
        if finish == "executing" and "victim" in str(key) and not os.path.exists(self.marker):
            Path(self.marker).touch()
            os._exit(1)


@pytest.fixture(scope="module")
def cluster():
    """A LocalCluster of two worker processes, as `--executor dask` starts one a core."""
    import logging

    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
                                  silence_logs=logging.ERROR) as running:
        yield running


def test_dask_builds_an_archive_with_a_failing_article_and_a_killed_worker(cluster, tmp_path: Path) -> None:
    paths = _archive(tmp_path)
    victim = tmp_path / "archive" / "victim.md"
    victim.write_text(GOOD.format(n=9), "utf-8")
    broken = tmp_path / "archive" / "broken.md"
    broken.write_text(BROKEN, "utf-8")
    marker = tmp_path / "killed-once"
    with distributed.Client(cluster) as client:
        plugin = _KillOnce(str(marker))
        client.register_plugin(plugin, name="kill-once")
        with pytest.raises(ArticlesFailed) as failed:
            build_archive([*paths, victim, broken], executor=f"dask://{cluster.scheduler_address}", formats=FORMATS,
                          out=tmp_path / "dist", project=tmp_path)
    assert marker.exists(), "a worker was killed in the middle of the victim's task"
    assert list(failed.value.errors) == [broken]
    assert isinstance(failed.value.errors[broken], SourceError)
    built = sorted(p.name for p in (tmp_path / "dist").glob("*.html"))
    assert built == ["a1.html", "a2.html", "a3.html", "victim.html"], "the killed worker's article was retried and built"
    assert b"Text of article 9." in (tmp_path / "dist" / "victim.html").read_bytes()
    assert {f"{p.stem}.{f}" for p in [*paths, victim] for f in FORMATS} <= set(Manifest.load(tmp_path / "dist").outputs)
    again = build_archive([*paths, victim], executor=f"dask://{cluster.scheduler_address}", formats=FORMATS,
                          out=tmp_path / "dist", project=tmp_path)
    assert all(o.unchanged for o in again), "a rebuild on the cluster skips what is up to date"


class _SlowArticle(distributed.WorkerPlugin):
    """A worker plugin that makes the build of an article whose name has 'slow' never end, in
    Python code (as a layout that loops would), so that only a time limit can stop it."""

    def setup(self, worker: object) -> None:
        import time

        from publish.builder import pipeline

        self.original = original = pipeline.build

        def build(sources: list[Path], *args: object, **kwargs: object) -> object:
            while any("slow" in Path(s).name for s in sources):
                time.sleep(0.01)
            return original(sources, *args, **kwargs)

        pipeline.build = build

    def teardown(self, worker: object) -> None:
        from publish.builder import pipeline

        pipeline.build = self.original


def test_dask_stops_an_article_past_its_time_limit_with_a_clear_error_and_builds_the_others(cluster, tmp_path: Path) -> None:
    paths = _archive(tmp_path, count=2)
    slow = tmp_path / "archive" / "slow.md"
    slow.write_text(GOOD.format(n=7), "utf-8")
    with distributed.Client(cluster) as client:
        client.register_plugin(_SlowArticle(), name="slow-article")
        try:
            with pytest.raises(ArticlesFailed) as failed:
                build_archive([paths[0], slow, paths[1]], executor=f"dask://{cluster.scheduler_address}", formats=FORMATS,
                              out=tmp_path / "dist", project=tmp_path, time_limit=6)
        finally:
            client.unregister_worker_plugin("slow-article")
    assert list(failed.value.errors) == [slow]
    error = failed.value.errors[slow]
    assert str(error) == (f"{slow}: stopped after 6 s, the time limit of an article on a Dask worker"
                          " (PUBLISH_DASK_TIME_LIMIT); its outputs were left as they were")
    assert sorted(p.name for p in (tmp_path / "dist").iterdir() if not p.name.startswith(".")) == [
        "a1.epub", "a1.html", "a2.epub", "a2.html"], "the others built, nothing of the stopped article, no temporary file"
    again = build_archive([slow], executor=f"dask://{cluster.scheduler_address}", formats=FORMATS, out=tmp_path / "dist",
                          project=tmp_path, time_limit=60)
    assert [o.path.name for o in again] == ["slow.epub", "slow.html"], "the stopped worker builds the next article"
