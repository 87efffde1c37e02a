"""The first minutes with the command line and the API: --debug anywhere, choices in any case,
the project folder, a second theme into one dist/, theme new outside publish's own themes, each
warning once, PDF variants publish cannot make valid refused, publish.build() and publish.verify()."""
from __future__ import annotations

import importlib
import inspect
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

import publish
from conftest import ARTICLE, ROOT
from publish.cli import main
from publish.errors import PublishError
from publish.project import find_project

DIAGRAM = ROOT / "tests" / "fixtures" / "constructs" / "images" / "diagram.png"


def _article_elsewhere(tmp_path: Path) -> Path:
    """An article with an image, in a folder that is not the working directory's."""
    folder = tmp_path / "elsewhere"
    (folder / "images").mkdir(parents=True)
    shutil.copy(DIAGRAM, folder / "images" / "diagram.png")
    (folder / "a.md").write_text("---\ntitle: Elsewhere\nlang: en\n---\n\n![A diagram](images/diagram.png)\n\nText.\n", "utf-8")
    return folder / "a.md"


def _invoke(args: list[str], cwd: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.chdir(cwd)
    return CliRunner().invoke(main, args, catch_exceptions=False)


def test_debug_is_accepted_after_any_subcommand_as_well_as_before(tmp_path, monkeypatch):
    (tmp_path / "bad.md").write_text("---\ntitle: [oops\n---\n", "utf-8")
    monkeypatch.chdir(tmp_path)
    for args in (["build", "bad.md", "--debug", "--no-verify"], ["--debug", "build", "bad.md", "--no-verify"]):
        with pytest.raises(PublishError):  # --debug lets the error through, with its traceback
            CliRunner().invoke(main, args, catch_exceptions=False)
    for args in (["verify", "--debug", "--help"], ["themes", "--debug"], ["watch", "--debug", "--help"],
                 ["theme", "new", "--debug", "--help"]):
        result = CliRunner().invoke(main, args)
        assert result.exit_code == 0, (args, result.output)


def test_choices_take_any_case(tmp_path, monkeypatch):
    article = _article_elsewhere(tmp_path)
    result = _invoke(["build", str(article), "--format", "PDF", "--paper", "A4", "--out", str(tmp_path / "out"),
                      "--no-verify"], tmp_path, monkeypatch)
    assert result.exit_code == 0, result.output
    assert (tmp_path / "out" / "a.pdf").is_file() and not (tmp_path / "out" / "a.epub").exists()


def test_an_article_in_another_folder_builds_with_its_images(tmp_path, monkeypatch):
    article = _article_elsewhere(tmp_path)
    here = tmp_path / "here"
    here.mkdir()
    result = _invoke(["build", "../elsewhere/a.md", "--format", "docx"], here, monkeypatch)
    assert result.exit_code == 0, result.output
    assert (here / "dist" / "a.docx").is_file()
    assert find_project([Path("../elsewhere/a.md")], here) == article.parent


def test_the_project_is_the_nearest_publish_yaml_else_the_working_directory_else_the_articles_folder(tmp_path):
    article = _article_elsewhere(tmp_path)
    assert find_project([article], tmp_path) == tmp_path, "the working directory holds the article"
    assert find_project([article], ROOT) == article.parent, "outside the working directory"
    (tmp_path / "publish.yaml").write_text("", "utf-8")
    assert find_project([article], ROOT) == tmp_path, "a publish.yaml above the article marks the project"
    assert find_project(None, ROOT) == ROOT  # source/article.md, inside the working directory


def test_project_option_is_where_themes_are_found(tmp_path, monkeypatch):
    article = _article_elsewhere(tmp_path)
    project = tmp_path / "project"
    (project / "themes" / "house").mkdir(parents=True)
    (project / "themes" / "house" / "theme.yaml").write_text("extends: default\n", "utf-8")
    shutil.copytree(article.parent, project / "articles")
    result = _invoke(["build", str(project / "articles" / "a.md"), "--project", str(project), "--theme", "house",
                      "--format", "pdf", "--out", str(tmp_path / "out")], tmp_path, monkeypatch)
    assert result.exit_code == 0, result.output


def test_a_second_theme_into_the_same_dist_warns_that_it_replaces_the_first(tmp_path, monkeypatch):
    article = _article_elsewhere(tmp_path)
    first = _invoke(["build", str(article), "--format", "pdf", "--no-verify"], tmp_path, monkeypatch)
    assert first.exit_code == 0 and "warning" not in first.output
    second = _invoke(["build", str(article), "--format", "pdf", "--theme", "report", "--no-verify"], tmp_path, monkeypatch)
    assert second.exit_code == 0
    assert second.output.count("warning: replaces a.pdf, built with the theme 'default'") == 1
    again = _invoke(["build", str(article), "--format", "pdf", "--theme", "report", "--no-verify"], tmp_path, monkeypatch)
    assert "warning" not in again.output, "the same theme again replaces nothing of another"
    apart = _invoke(["build", str(article), "--format", "pdf", "--out", "dist", "--no-verify"], tmp_path, monkeypatch)
    assert "warning" not in apart.output, "an explicit --out is the user's choice"


def test_theme_new_refuses_publishs_own_themes_folder(monkeypatch):
    before = sorted(p.name for p in (ROOT / "themes").iterdir())
    result = _invoke(["theme", "new", "mine"], ROOT, monkeypatch)
    assert result.exit_code == 1 and "publish's own shipped themes folder" in result.output
    assert sorted(p.name for p in (ROOT / "themes").iterdir()) == before
    from publish.theme import bundled_themes_dir

    result = _invoke(["theme", "new", "mine", "--dir", str(bundled_themes_dir())], ROOT, monkeypatch)
    assert result.exit_code == 1 and not (bundled_themes_dir() / "mine").exists()


def test_each_warning_is_printed_once(tmp_path):
    # raw HTML is read now (no warning for <b>); a comment and a missing link each warn
    (tmp_path / "raw.md").write_text("---\ntitle: Raw\nlang: en\n---\n\nSome <b>bold</b> text. <!-- a note -->\n\n[gone](gone.md)\n", "utf-8")
    result = subprocess.run([sys.executable, "-m", "publish", "build", "raw.md", "--out", "out"], cwd=tmp_path,
                            capture_output=True, text=True, timeout=300, env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"})
    assert result.returncode == 0, result.stderr
    warnings = [line for line in result.stderr.splitlines() if "warning:" in line]
    assert len(warnings) == 2 and len(set(warnings)) == 2, result.stderr


@pytest.mark.parametrize("variant", ["pdf/x-1a", "PDF/X-3", "pdf/x-4"])
def test_pdf_variants_publish_cannot_make_valid_are_refused_with_a_reason(variant, tmp_path, monkeypatch):
    article = _article_elsewhere(tmp_path)
    result = _invoke(["build", str(article), "--format", "pdf", "--pdf-variant", variant, "--out", "out"], tmp_path, monkeypatch)
    assert result.exit_code == 1
    assert "output intent" in result.output and "CMYK" in result.output
    assert not (tmp_path / "out" / "a.pdf").exists()


def test_the_api_has_real_signatures_and_verifies_by_default(tmp_path, monkeypatch):
    for function in (publish.build, publish.verify):
        parameters = inspect.signature(function).parameters
        assert not any(p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD) for p in parameters.values())
        assert function.__doc__ and len(function.__doc__) > 200
    assert inspect.signature(publish.build).parameters["verify"].default is True
    results = publish.build([ARTICLE], formats=["epub"], out=tmp_path / "out", project=ROOT)
    assert [r.format for r in results] == ["epub"]
    report = publish.verify([ARTICLE], out=tmp_path / "out", formats=["epub"], project=ROOT)
    assert report.ok

    importlib.import_module("publish.verifier.compare")  # the implementation packages: the API names stay functions
    importlib.import_module("publish.builder.check")
    assert callable(publish.verify) and inspect.isfunction(publish.verify)
    assert callable(publish.build) and inspect.isfunction(publish.build)
    verify_module = sys.modules["publish.builder.check"]

    class Lost:
        ok = False

        @staticmethod
        def summary() -> str:
            return "epub: title missing"

    monkeypatch.setattr(verify_module, "verify_outputs", lambda *a, **k: Lost())
    with pytest.raises(PublishError, match="verification failed: epub: title missing"):
        publish.build([ARTICLE], formats=["epub"], out=tmp_path / "out", project=ROOT, force=True)
    publish.build([ARTICLE], formats=["epub"], out=tmp_path / "out", project=ROOT, force=True, verify=False)


@pytest.mark.parametrize("signal_name, code, word", [("Terminated", 143, "terminated"), ("KeyboardInterrupt", 130, "interrupted")])
def test_a_signal_before_the_command_handles_it_is_one_line_and_its_own_exit_code(signal_name: str, code: int, word: str) -> None:
    """SIGTERM or Ctrl-C after the command line is imported but before a command's own handler runs
    (click's options being read) is not click's 'Aborted!' with exit 1."""
    script = ("import sys\nfrom publish import cli\nfrom publish.errors import Terminated\n"
              f"def stop(*args, **kwargs):\n    raise {signal_name}()\n"
              "cli.main.callback = stop\nsys.argv = ['publish', 'build']\ncli.run()\n")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60,
                          env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"})
    assert done.returncode == code, done.stderr
    assert [line for line in done.stderr.splitlines() if line.strip()] == [f"{word}; the previous outputs are unchanged"]
