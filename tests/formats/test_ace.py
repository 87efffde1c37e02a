"""Ace by DAISY, the EPUB accessibility checker, finds no violation in the article or the
every-construct document, in each shipped theme (installed by `make test` into .tools/ace)."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import ARTICLE, ROOT
from publish.builder.pipeline import build

CONSTRUCTS = ROOT / "tests" / "fixtures" / "constructs" / "constructs.md"
ACE = ROOT / ".tools" / "ace" / "node_modules" / ".bin" / "ace-cli"
CHROMIUM = next((p for p in (shutil.which("chromium"), shutil.which("chromium-browser"), shutil.which("google-chrome")) if p), None)


def _violations(report: dict) -> list[str]:
    return [
        f"{test['earl:test']['earl:impact']} {test['earl:test']['dct:title']}: "
        f"{test['earl:result'].get('dct:description', '')} ({group['earl:testSubject'].get('url')})"
        for group in report.get("assertions", [])
        for test in group.get("assertions", [])
        if test["earl:result"]["earl:outcome"] == "fail"
    ]


@pytest.mark.parametrize("theme", ["default", "report"])
@pytest.mark.parametrize("source", [ARTICLE, CONSTRUCTS], ids=["article", "constructs"])
def test_ace_by_daisy_reports_no_violation(source: Path, theme: str, tmp_path: Path) -> None:
    if not ACE.exists():
        pytest.skip("Ace by DAISY is not installed: `make test` installs it with npm into .tools/ace")
    if CHROMIUM is None:
        pytest.skip("Ace needs a Chromium: apt-get install chromium")
    [result] = build([source], formats=["epub"], out=tmp_path / "out", project=ROOT, theme=theme)
    env = {**os.environ, "PUPPETEER_EXECUTABLE_PATH": CHROMIUM, "PUPPETEER_SKIP_DOWNLOAD": "1"}
    run = subprocess.run([str(ACE), "--silent", "--force", "-o", str(tmp_path / "ace"), str(result.path)],
                         capture_output=True, text=True, timeout=300, env=env)
    assert run.returncode == 0, run.stderr[-2000:]
    report = json.loads((tmp_path / "ace" / "report.json").read_text("utf-8"))
    assert _violations(report) == []
    assert report["earl:result"]["earl:outcome"] == "pass"
