"""Themes: the shipped ones build and look different, inheritance and extra CSS work, user themes
build, bad themes fail early with path:line, and templates stay inside their sandbox."""
from __future__ import annotations

import os
import re
import shutil
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import ARTICLE, ROOT
from independent import front_matter, plain, shows, text_of
from publish.cli import main
from publish.errors import PublishError, ThemeError
from publish.builder.pipeline import build
from publish.theme import available, bundled_themes_dir, load

FIXTURES = ROOT / "tests" / "fixtures" / "themes"
SHIPPED = sorted(p.name for p in bundled_themes_dir().iterdir() if (p / "theme.yaml").is_file())
SCALE = 0.5  # 36 dpi is plenty to see colours and layout


def first_page(pdf: Path, scale: float = SCALE):  # -> PIL.Image.Image
    import pypdfium2

    document = pypdfium2.PdfDocument(str(pdf))
    try:
        return document[0].render(scale=scale).to_pil().convert("RGB")
    finally:
        document.close()


def share_of(image, colour: str, tolerance: int = 40) -> float:
    """The share of an image's pixels within `tolerance` (per channel) of a #rrggbb colour."""
    from PIL import ImageChops

    want = [int(colour[i : i + 2], 16) for i in (1, 3, 5)]
    masks = [band.point(lambda v, w=w: 255 if abs(v - w) <= tolerance else 0) for band, w in zip(image.split(), want)]
    mask = ImageChops.multiply(ImageChops.multiply(masks[0], masks[1]), masks[2])
    return mask.histogram()[255] / (image.size[0] * image.size[1])


def changed_share(a, b, threshold: int = 60) -> float:
    """The share of pixels whose colour differs by more than `threshold` in some channel."""
    from PIL import ImageChops

    diff = ImageChops.difference(a, b)
    strongest = ImageChops.lighter(ImageChops.lighter(*diff.split()[:2]), diff.split()[2])
    return sum(strongest.histogram()[threshold + 1 :]) / (a.size[0] * a.size[1])


def pdf_fonts(pdf: Path) -> set[str]:
    from pypdf import PdfReader

    names = set()
    for page in PdfReader(str(pdf)).pages:
        for font in (page["/Resources"].get("/Font") or {}).values():
            names.add(str(font.get_object()["/BaseFont"]).split("+", 1)[-1])
    return names


def expect_error(theme: str | Path, path: Path, line: int | None, *words: str) -> ThemeError:
    """Loading the theme fails with `path:line: message` naming the words."""
    with pytest.raises(ThemeError) as info:
        load(str(theme), ROOT)
    error = info.value
    assert Path(error.path or "").resolve() == path.resolve(), str(error)
    assert error.line == line, str(error)
    where = f"{error.path}:{line}: " if line else f"{error.path}: "
    assert str(error).startswith(where)
    for word in words:
        assert word in error.message, str(error)
    return error


# -- the shipped themes --------------------------------------------------------------------
@pytest.fixture(scope="module")
def shipped(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The article built once in every shipped theme, all three formats; theme -> output folder."""
    outs = {}
    for name in SHIPPED:
        out = tmp_path_factory.mktemp(f"theme-{name}")
        build([ARTICLE], theme=name, out=out, project=ROOT)
        outs[name] = out
    return outs


def test_two_themes_ship() -> None:
    assert {"default", "report"} <= set(SHIPPED)
    assert {"default", "report"} <= set(available(ROOT))


@pytest.mark.parametrize("name", SHIPPED)
def test_shipped_theme_builds_every_format_and_keeps_the_text(shipped: dict[str, Path], name: str, seed_paragraphs: list[str]) -> None:
    """Every paragraph of the original article and every notice, credit and contact of its front
    matter is visible in each format, read back by pdfium, lxml and pandoc."""
    out = shipped[name]
    fm = front_matter(ARTICLE)
    wanted = [p for p in seed_paragraphs if p != "30 Oct 2025"]  # the date's shape is the theme's choice
    wanted += [fm["title"], fm["rights"], plain(fm["contact"]), *fm["credits"], fm["publisher"], fm["source"]["name"]]
    running = [fm["title"], fm["title"].upper(), fm["source"]["name"], fm["source"]["name"].upper()]
    for ext in ("pdf", "epub", "docx"):
        assert (out / f"article.{ext}").stat().st_size > 1000
        shown = text_of(ext, out / f"article.{ext}", running)
        lost = [text[:60] for text in wanted if not shows(shown, text)]
        assert not lost, f"{name} {ext} does not show: {lost}"


def test_first_pages_differ_visibly(shipped: dict[str, Path]) -> None:
    pages = {name: first_page(shipped[name] / "article.pdf") for name in SHIPPED}
    base = pages["default"]
    for name, page in pages.items():
        if name == "default":
            continue
        assert page.size == base.size
        assert changed_share(base, page) > 0.10, f"{name} looks too much like default"


def test_report_theme_draws_its_band_and_embeds_its_font(shipped: dict[str, Path]) -> None:
    report = load("report", ROOT)
    page = first_page(shipped["report"] / "article.pdf")
    band = page.crop((0, 0, page.size[0], page.size[1] // 12))
    assert share_of(band, report.options["color_accent"], 10) > 0.9  # a full-width accent band on top
    assert share_of(first_page(shipped["default"] / "article.pdf"), report.options["color_accent"], 10) < 0.01
    assert any(font.startswith("Inter") for font in pdf_fonts(shipped["report"] / "article.pdf"))
    assert not any(font.startswith("Inter") for font in pdf_fonts(shipped["default"] / "article.pdf"))


def test_options_reach_epub_and_docx(shipped: dict[str, Path]) -> None:
    for name in SHIPPED:
        options = load(name, ROOT).options
        with zipfile.ZipFile(shipped[name] / "article.epub") as epub:
            css = "".join(epub.read(n).decode() for n in epub.namelist() if n.endswith(".css"))
        assert options["color_accent"] in css
        with zipfile.ZipFile(shipped[name] / "article.docx") as docx:
            styles = docx.read("word/styles.xml").decode()
        assert f'w:ascii="{options["font_body"][0]}"' in styles
        assert options["color_accent"].lstrip("#").upper() in styles.upper()


# -- inheritance, extra_css, user themes ---------------------------------------------------
def test_child_overrides_files_and_inherits_the_rest() -> None:
    report = load("report", ROOT)
    default = bundled_themes_dir() / "default"
    assert [p.name for p in report.chain] == ["report", "default"]
    assert report.find("templates/title_block.html") == report.path / "templates" / "title_block.html"
    assert report.find("templates/article.html") == default / "templates" / "article.html"
    assert report.find("css/print.css") == report.path / "css" / "print.css"
    assert report.options["font_body"][0] == "Inter"
    assert report.options["date_format"] == load("default", ROOT).options["date_format"]


def test_chain_of_three_merges_options_labels_and_extra_css() -> None:
    child = load(str(FIXTURES / "child"), ROOT)
    assert [p.name for p in child.chain] == ["child", "user", "default"]  # `extends: user` finds its sibling
    assert child.options["color_accent"] == "#123456"
    assert child.options["labels"]["publisher"] == "Brought to you by"
    assert child.options["labels"]["source"] == "Reprinted from"  # other labels still come from the defaults
    sheets = child.stylesheets("print")
    assert [folder.name for _, folder in sheets] == ["css", "css", "user", "child"]  # parent's CSS and the shared extensions, then extras in order
    assert "#00c800" in sheets[2][0]
    assert "child-extra-marker" in sheets[3][0] and "#123456" in sheets[3][0]  # extras see the options too
    assert child.css("epub").rstrip().endswith("}") and "child-extra-marker" in child.css("epub")


def test_child_template_override_renders(tmp_path: Path) -> None:
    build([ARTICLE], ["epub"], theme=str(FIXTURES / "child"), out=tmp_path, project=ROOT)
    with zipfile.ZipFile(tmp_path / "article.epub") as epub:
        page = next(epub.read(n).decode() for n in epub.namelist() if n.endswith("article.xhtml"))
        css = next(epub.read(n).decode() for n in epub.namelist() if n.endswith(".css"))
    assert "child-end-matter" in page and "Brought to you by Global Neighbours" in page
    assert "#00c800" in css and "child-extra-marker" in css


def test_two_file_user_theme_builds_and_its_css_shows_in_the_pdf(shipped: dict[str, Path], tmp_path: Path) -> None:
    user = FIXTURES / "user"
    assert sorted(p.name for p in user.iterdir()) == ["extra.css", "theme.yaml"]
    build([ARTICLE], ["pdf"], theme=str(user), out=tmp_path, project=ROOT)
    page = first_page(tmp_path / "article.pdf")
    assert share_of(page, "#00c800") > 0.001  # the title, in the green of extra.css
    assert share_of(first_page(shipped["default"] / "article.pdf"), "#00c800") < 0.0001


def test_project_theme_may_extend_the_bundled_theme_of_the_same_name(tmp_path: Path) -> None:
    (tmp_path / "themes" / "default").mkdir(parents=True)
    (tmp_path / "themes" / "default" / "theme.yaml").write_text("extends: default\noptions:\n  font_size: 12\n")
    theme = load("default", tmp_path)
    assert theme.chain == [tmp_path / "themes" / "default", bundled_themes_dir() / "default"]
    assert theme.options["font_size"] == 12


# -- the command line ----------------------------------------------------------------------
def test_themes_command_lists_name_then_description(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    result = CliRunner().invoke(main, ["themes"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert [line.split()[0] for line in lines] == sorted(available(ROOT))
    for line in lines:
        name, description = line.split(None, 1)
        assert description == load(name, ROOT).description


def test_theme_new_scaffolds_a_theme_that_builds(shipped: dict[str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    result = runner.invoke(main, ["theme", "new", "house"])
    assert result.exit_code == 0, result.output
    folder = tmp_path / "themes" / "house"
    assert sorted(p.name for p in folder.iterdir()) == ["README.md", "extra.css", "theme.yaml"]
    assert "--theme house" in result.output
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    again = runner.invoke(main, ["theme", "new", "house"])
    assert again.exit_code == 1 and "already exists" in again.output
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before
    assert runner.invoke(main, ["theme", "new", "../evil"]).exit_code == 1
    assert runner.invoke(main, ["theme", "new", "side", "--dir", "elsewhere"]).exit_code == 0
    assert (tmp_path / "elsewhere" / "side" / "theme.yaml").is_file()

    theme = load("house", tmp_path)
    assert [p.name for p in theme.chain] == ["house", "default"]
    build([ARTICLE], ["pdf"], theme="house", out=tmp_path / "out", project=tmp_path)
    page = first_page(tmp_path / "out" / "article.pdf")
    accent = theme.options["color_accent"]
    assert share_of(page, accent, 12) > 0.001  # extra.css colours the title in the scaffold's accent
    assert share_of(first_page(shipped["default"] / "article.pdf"), accent, 12) < 0.0001
    manifest = folder / "theme.yaml"
    manifest.write_text(re.sub(r"^  # ", "  ", manifest.read_text("utf-8"), flags=re.M), "utf-8")
    uncommented = load("house", tmp_path)  # every option the scaffold shows is a valid example
    assert uncommented.options["hyphenation"] == {"en": "en-GB"} and uncommented.options["font_size"] == 10.5
    assert uncommented.options["cover_page"] is False and uncommented.options["a11y_certified_by"] == "Your Press Accessibility Desk"


def test_bad_theme_on_the_command_line_exits_1_before_writing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    bad = FIXTURES / "bad" / "unknown_parent"
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["build", str(ARTICLE), "--theme", str(bad), "--out", str(out), "--no-verify"])
    assert result.exit_code == 1
    assert f"{bad / 'theme.yaml'}:2: 'extends' names an unknown theme 'nosuch'" in result.output
    assert not out.exists() or not any(out.iterdir())


# -- bad themes: path:line: message, when the theme loads ----------------------------------
BAD = FIXTURES / "bad"


@pytest.mark.parametrize(
    ("case", "relative", "line", "words"),
    [
        ("unknown_parent", "theme.yaml", 2, ("unknown theme 'nosuch'",)),
        ("cycle_a", "../cycle_b/theme.yaml", 3, ("cycle", "cycle_a -> cycle_b -> cycle_a")),
        ("bad_option", "theme.yaml", 5, ("font_size", "'huge'")),
        ("unknown_option", "theme.yaml", 4, ("colour_accent", "did you mean 'color_accent'")),
        ("syntax_error", "templates/title_block.html", 3, ("syntax error",)),
        ("missing_include", "templates/title_block.html", 3, ("byline.html", "no such template")),
        ("orphan", "theme.yaml", 1, ("templates/article.html",)),
        ("css_error", "css/print.css", 3, ("colour_accent",)),
        ("css_include", "css/print.css", 2, ("not include",)),
        ("extra_outside", "theme.yaml", 3, ("extra_css", "inside the theme")),
    ],
)
def test_bad_theme_reports_path_and_line(case: str, relative: str, line: int, words: tuple[str, ...]) -> None:
    expect_error(BAD / case, BAD / case / relative, line, *words)


def test_self_extending_theme_is_a_cycle(tmp_path: Path) -> None:
    (tmp_path / "loop").mkdir()
    (tmp_path / "loop" / "theme.yaml").write_text("name: loop\nextends: loop\n")
    expect_error(tmp_path / "loop", tmp_path / "loop" / "theme.yaml", 2, "cycle")


def test_unknown_theme_name_suggests_a_close_one() -> None:
    with pytest.raises(ThemeError, match="did you mean 'report'"):
        load("reprot", ROOT)


def test_bad_manifest_key_and_yaml(tmp_path: Path) -> None:
    (tmp_path / "t").mkdir()
    manifest = tmp_path / "t" / "theme.yaml"
    manifest.write_text("name: t\nextend: default\n")
    expect_error(tmp_path / "t", manifest, 2, "unknown manifest key 'extend'", "did you mean 'extends'")
    manifest.write_text("name: t\noptions: [unclosed\n")
    expect_error(tmp_path / "t", manifest, 3, "not valid YAML")
    manifest.write_text("extends: default\noptions:\n  labels:\n    page: 'Seite \"x\"'\n")
    expect_error(tmp_path / "t", manifest, 3, "labels")
    manifest.write_text("extends: default\noptions:\n  date_format: '{day.__class__}'\n")
    expect_error(tmp_path / "t", manifest, 3, "date_format")


def _reference_docx(tmp_path: Path, drop: str | None) -> Path:
    """A Word document made by python-docx, optionally without one style."""
    import docx
    from lxml import etree

    path = tmp_path / "made.docx"
    docx.Document().save(str(path))
    if drop is None:
        return path
    ns = {"w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main"}
    with zipfile.ZipFile(path) as src:
        parts = {name: src.read(name) for name in src.namelist()}
    root = etree.fromstring(parts["word/styles.xml"])
    for style in root.findall("w:style", ns):
        if style.find("w:name", ns).get(f"{{{ns['w']}}}val").lower() == drop.lower():
            root.remove(style)
    parts["word/styles.xml"] = etree.tostring(root)
    path.unlink()
    with zipfile.ZipFile(path, "w") as dst:
        for name, data in parts.items():
            dst.writestr(name, data)
    return path


def test_reference_docx_must_define_the_styles_publish_uses(tmp_path: Path) -> None:
    theme = tmp_path / "worded"
    (theme / "docx").mkdir(parents=True)
    (theme / "theme.yaml").write_text("name: worded\nextends: default\n")
    reference = theme / "docx" / "reference.docx"
    shutil.copy(_reference_docx(tmp_path, None), reference)
    assert load(str(theme), ROOT).reference_docx == reference
    shutil.copy(_reference_docx(tmp_path, "heading 2"), reference)
    expect_error(theme, reference, None, "Heading 2")
    reference.write_bytes(b"not a zip")
    expect_error(theme, reference, None, "not a Word document")


def test_a_docx_publish_wrote_serves_as_a_themes_reference(shipped: dict[str, Path], tmp_path: Path) -> None:
    """publish's own DOCX, saved as a theme's docx/reference.docx, passes the theme check, and the
    next DOCX takes its styles from it and shows the article."""
    theme = tmp_path / "from-output"
    (theme / "docx").mkdir(parents=True)
    (theme / "theme.yaml").write_text("name: from-output\nextends: default\n", "utf-8")
    reference = theme / "docx" / "reference.docx"
    shutil.copy(shipped["report"] / "article.docx", reference)
    assert load(str(theme), ROOT).reference_docx == reference
    [result] = build([ARTICLE], formats=["docx"], theme=str(theme), out=tmp_path / "out", project=ROOT)

    def styles(path: Path) -> dict[str, bytes]:
        from lxml import etree

        with zipfile.ZipFile(path) as package:
            root = etree.fromstring(package.read("word/styles.xml"))
        w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
        return {s.get(f"{w}styleId"): etree.tostring(s.find(f"{w}rPr")) for s in root.iter(f"{w}style") if s.find(f"{w}rPr") is not None}

    ours, theirs = styles(result.path), styles(reference)
    assert ours["Heading2"] == theirs["Heading2"] and ours["Title"] == theirs["Title"], "the reference's look"
    assert ours["Heading2"] != styles(shipped["default"] / "article.docx")["Heading2"], "the report look, not default's"
    assert shows(text_of("docx", result.path), front_matter(ARTICLE)["rights"])


# -- sandbox -----------------------------------------------------------------------------
def test_templates_cannot_include_files_outside_the_theme() -> None:
    expect_error(BAD / "escape", BAD / "escape" / "templates" / "title_block.html", 3, "etc/passwd", "no such template")


def test_a_symlink_out_of_the_theme_is_refused(tmp_path: Path) -> None:
    secret = tmp_path / "secret.html"
    secret.write_text("SECRET")
    theme = tmp_path / "linked"
    (theme / "templates").mkdir(parents=True)
    (theme / "theme.yaml").write_text("extends: default\n")
    try:
        os.symlink(secret, theme / "templates" / "title_block.html")
    except OSError:
        pytest.skip("no symlinks here")
    expect_error(theme, theme / "templates" / "title_block.html", None, "outside the theme")
    # and the loader alone refuses it too (defence in depth)
    from publish.theme.env import ConfinedLoader
    from jinja2 import Environment, TemplateNotFound

    with pytest.raises(TemplateNotFound):
        Environment(loader=ConfinedLoader([theme / "templates"])).get_template("title_block.html")


def test_templates_cannot_reach_python_internals(tmp_path: Path) -> None:
    with pytest.raises(PublishError, match="unsafe") as info:
        build([ARTICLE], ["epub"], theme=str(BAD / "unsafe"), out=tmp_path, project=ROOT)
    assert "title_block.html" in str(info.value) or "article.html" in str(info.value)
    assert not (tmp_path / "article.epub").exists()


def test_article_text_is_data_not_template_source(tmp_path: Path) -> None:
    source = tmp_path / "inject.md"
    source.write_text(
        "---\ntitle: \"{{ 7 * 7 }} and {% include 'article.html' %}\"\nlang: en\n"
        "rights: \"{{ meta.rights }}\"\n---\n\nBody {{ options }} and {% raw %} and <b>bold</b>.\n",
        "utf-8",
    )
    build([source], ["epub"], theme="report", out=tmp_path, project=tmp_path)
    with zipfile.ZipFile(tmp_path / "inject.epub") as epub:
        page = next(epub.read(n).decode() for n in epub.namelist() if n.endswith("article.xhtml"))
    assert ">{{ 7 * 7 }} and {% include" in page  # shown as typed (quotes may turn curly)
    assert "49 and" not in page
    assert "{{ meta.rights }}" in page
    assert "Body {{ options }} and {% raw %}" in page
    assert "<b>bold</b>" not in page


def test_rendered_stylesheets_are_reused_but_follow_an_option_changed_after_loading() -> None:
    from publish.theme import load

    theme = load("default", ROOT)
    first = theme.css("print")
    assert theme.stylesheets("print")[0][0] is theme.stylesheets("print")[0][0]  # rendered once, then reused
    theme.options["paper"] = "letter"
    letter = theme.css("print")
    assert letter != first and "letter" in letter.lower()


def test_every_bundled_theme_folder_is_listed_as_a_package_so_installs_ship_it() -> None:
    import tomllib

    listed = set(tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["tool"]["setuptools"]["packages"])
    folders = {"publish._themes." + ".".join(p.relative_to(ROOT / "themes").parts)
               for p in (ROOT / "themes").rglob("*") if p.is_dir() and "__pycache__" not in p.parts}
    missing = sorted(folders - listed)
    assert not missing, f"add these to [tool.setuptools] packages in pyproject.toml: {missing}"


def _theme_with_end_matter(root: Path, end_matter: str) -> Path:
    templates = root / "themes" / "broken" / "templates"
    templates.mkdir(parents=True)
    (templates.parent / "theme.yaml").write_text("name: broken\nextends: default\n", "utf-8")
    (templates / "end_matter.html").write_text(end_matter, "utf-8")
    return templates / "end_matter.html"


def test_ill_formed_xhtml_from_an_included_template_names_that_template_and_line(tmp_path: Path) -> None:
    faulty = _theme_with_end_matter(tmp_path, '<section id="end-matter">\n<p>unclosed\n</section>\n')
    with pytest.raises(PublishError) as info:
        build([ARTICLE], ["epub"], theme=str(tmp_path / "themes" / "broken"), out=tmp_path / "out", project=ROOT,
              force=True, parallel=False)
    error = info.value
    assert Path(error.path or "").resolve() == faulty.resolve(), str(error)
    assert error.line == 2, str(error)  # the <p> left open, not the page's line 36
    assert str(error).startswith(f"{error.path}:2: the theme's end_matter.html does not give well-formed XHTML"), str(error)


def test_ill_formed_xhtml_of_the_article_template_itself_still_names_article_html(tmp_path: Path) -> None:
    templates = tmp_path / "themes" / "broken" / "templates"
    _theme_with_end_matter(tmp_path, '<section id="end-matter"><p>fine</p></section>\n')
    article = (bundled_themes_dir() / "default" / "templates" / "article.html").read_text("utf-8")
    (templates / "article.html").write_text(article.replace("</article>", "<br></article>"), "utf-8")
    with pytest.raises(PublishError) as info:
        build([ARTICLE], ["epub"], theme=str(tmp_path / "themes" / "broken"), out=tmp_path / "out", project=ROOT,
              force=True, parallel=False)
    assert Path(info.value.path or "").resolve() == (templates / "article.html").resolve(), str(info.value)


def test_the_cli_names_the_broken_end_matter_and_exits_1(tmp_path: Path) -> None:
    faulty = _theme_with_end_matter(tmp_path, '<section id="end-matter">\n<p>unclosed\n</section>')
    (tmp_path / "source").mkdir()
    shutil.copy(ARTICLE, tmp_path / "source" / "article.md")
    old = Path.cwd()
    os.chdir(tmp_path)
    try:
        result = CliRunner().invoke(main, ["build", "source/article.md", "--theme", "broken", "--force"])
    finally:
        os.chdir(old)
    assert result.exit_code == 1, result.output
    assert f"{faulty.name}:2:" in result.output and "default/templates/article.html" not in result.output, result.output


def test_the_shared_extensions_sheet_follows_each_themes_own_sheet_in_every_shipped_theme() -> None:
    from publish.theme import available, load

    for name in available():
        theme = load(name)
        for target in ("print", "epub"):
            paths = theme.stylesheet_paths(target)
            assert [p.name for p in paths[:2]] == [f"{target}.css", "extensions.css"], (name, target)
            assert ".callout {" in theme.css(target) and "dt {" in theme.css(target)  # callouts, definition lists


def test_the_extensions_sheet_is_rendered_for_each_target_and_a_theme_may_replace_it_for_one(tmp_path: Path) -> None:
    theme = load("default")
    print_css, epub_css = theme.css("print"), theme.css("epub")
    assert "border-inline-start: 2.5pt solid" in print_css and "img.math-display" in print_css  # points and pictures on paper
    assert "border-inline-start: 0.25em solid" in epub_css and "span.math-display" in epub_css  # ems and MathML on a reader
    child = tmp_path / "child"
    (child / "css").mkdir(parents=True)
    (child / "theme.yaml").write_text("name: child\nextends: default\n", "utf-8")
    (child / "css" / "print-extensions.css").write_text(".mine { color: red; }\n", "utf-8")
    mine = load(str(child))
    assert [p.name for p in mine.stylesheet_paths("print")[:2]] == ["print.css", "print-extensions.css"]
    assert [p.name for p in mine.stylesheet_paths("epub")[:2]] == ["epub.css", "extensions.css"]
    assert ".mine" in mine.css("print") and ".callout {" not in mine.css("print") and ".callout {" in mine.css("epub")


# -- a theme's stylesheets point at nothing outside the book --
@pytest.mark.parametrize(("css", "line", "words"), [
    ('p { color: red }\n@import url("fine.css");\n', 2, "@import is not allowed"),
    ('@import "https://fonts.example/x.css";\n', 1, "@import is not allowed"),
    ("body { background: url(file:///etc/passwd) }\n", 1, "url('file:///etc/passwd') is not allowed here"),
    ('/* x */\nh1 {\n  background-image: url("https://tracker.example/pixel.gif");\n}\n', 3, "url('https://tracker.example/pixel.gif')"),
    ("@media print {\n  h1 { background: url(/etc/passwd) }\n}\n", 2, "url('/etc/passwd')"),
    ("p { background: url(../../../outside.png) }\n", 1, "url('../../../outside.png')"),
    ("p { list-style-image: url(inside.png) }\n", 1, "url('inside.png')"),  # not carried into the EPUB or page either
    ('p { background: image-set(url("http://h/x.png") 1x) }\n', 1, "url('http://h/x.png')"),
], ids=["import", "import-remote", "file-url", "remote", "absolute-in-media", "escaping", "theme-file", "image-set"])
def test_a_theme_stylesheet_reference_outside_the_book_is_an_error_at_its_line(tmp_path: Path, css: str, line: int, words: str) -> None:
    """EPUBCheck counts each remote url() as an error (RSC-006), a file: URL points a reader at
    their own disk, and @import was fetched when the PDF was drawn: all refused at the theme's line."""
    theme = tmp_path / "themes" / "mine"
    (theme / "css").mkdir(parents=True)
    (theme / "theme.yaml").write_text("extends: default\nextra_css: [css/extra.css]\n")
    (theme / "css" / "extra.css").write_text(css)
    (tmp_path / "article.md").write_text("---\ntitle: T\n---\n\nText.\n")
    with pytest.raises(ThemeError, match=re.escape(words)) as refused:
        build(sources=[tmp_path / "article.md"], theme="mine", out=tmp_path / "dist", project=tmp_path)
    assert Path(refused.value.path) == theme / "css" / "extra.css" and refused.value.line == line
    assert not (tmp_path / "dist").exists()


def test_a_theme_stylesheet_may_use_data_urls_fragments_and_its_own_fonts(tmp_path: Path) -> None:
    theme = tmp_path / "themes" / "mine"
    (theme / "css").mkdir(parents=True)
    (theme / "theme.yaml").write_text("extends: report\nextra_css: [css/extra.css]\n")
    (theme / "css" / "extra.css").write_text(
        'p { background: url("data:image/gif;base64,R0lGODlhAQABAAAAACw=") } svg { filter: url(#soft) }\n'
        "/* url(http://commented.out) */\n")
    (tmp_path / "article.md").write_text("---\ntitle: T\n---\n\nText.\n")
    outputs = build(sources=[tmp_path / "article.md"], theme="mine", out=tmp_path / "dist", project=tmp_path,
                    formats=["epub", "html"])
    assert all(o.path.stat().st_size for o in outputs)  # the report theme's @font-face files are its own: allowed


@pytest.mark.parametrize(("markup", "words"), [
    ('<link rel="stylesheet" href="https://fonts.example/css2?family=X">', "<link> loads 'https://fonts.example/css2?family=X'"),
    ('<script src="//cdn.example/track.js"></script>', "<script> loads '//cdn.example/track.js'"),
    ('<img src="file:///etc/passwd" alt="">', "<img> loads 'file:///etc/passwd'"),
    ('<div style="background: url(https://tracker.example/p.gif)"></div>', "url('https://tracker.example/p.gif') in a template's CSS"),
], ids=["stylesheet", "script", "file-image", "inline-css"])
def test_a_template_that_loads_something_from_outside_the_book_is_an_error_at_its_line(tmp_path: Path, markup: str, words: str) -> None:
    theme = tmp_path / "themes" / "mine"
    (theme / "templates").mkdir(parents=True)
    (theme / "theme.yaml").write_text("extends: default\n")
    original = (ROOT / "themes" / "default" / "templates" / "web.html").read_text("utf-8")
    (theme / "templates" / "web.html").write_text(original.replace("</head>", f"{markup}\n</head>", 1), "utf-8")
    (tmp_path / "article.md").write_text("---\ntitle: T\n---\n\nText.\n")
    with pytest.raises(ThemeError, match=re.escape(words)) as refused:
        build(sources=[tmp_path / "article.md"], theme="mine", out=tmp_path / "dist", project=tmp_path, formats=["html"])
    assert Path(refused.value.path) == theme / "templates" / "web.html"
    assert refused.value.line == original.split("</head>")[0].count("\n") + 1


def test_a_template_may_link_to_the_web_and_name_addresses_in_link_relations(tmp_path: Path) -> None:
    theme = tmp_path / "themes" / "mine"
    (theme / "templates").mkdir(parents=True)
    (theme / "theme.yaml").write_text("extends: default\n")
    original = (ROOT / "themes" / "default" / "templates" / "web.html").read_text("utf-8")
    extra = '<link rel="license" href="https://creativecommons.org/licenses/by/4.0/">'
    (theme / "templates" / "web.html").write_text(original.replace("</head>", f"{extra}\n</head>", 1), "utf-8")
    (tmp_path / "article.md").write_text("---\ntitle: T\n---\n\nSee [the outlet](https://example.com/).\n")
    [page] = build(sources=[tmp_path / "article.md"], theme="mine", out=tmp_path / "dist", project=tmp_path, formats=["html"])
    assert b'rel="license"' in page.path.read_bytes()
