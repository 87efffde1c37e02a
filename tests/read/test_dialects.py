"""Other tools' syntax read as those tools mean it: MDX module lines are code, not text; a Liquid,
Nunjucks or Hugo base-address tag in front of a link is the site's address, not part of the path;
a <noscript> fallback is what a reader sees (nothing runs scripts); a .svgz drawing is a drawing;
a keyword with a comma of its own stays one keyword in every format's metadata."""
from __future__ import annotations

import gzip
import zipfile
from pathlib import Path

import pytest

from publish.builder.pipeline import build
from publish.model import plain_text
from publish.read.article import read_document
from publish.read.dialects import clean

MDX = """\
import { Steps, Tabs } from '@astrojs/starlight/components';
import Banner from "../components/Banner.astro"
import "./styles.css";
export const meta = {
  title: "x",
};
export default function Layout({ children }) { return children }

Text that says import this from there is prose.

```js
import x from "y";
export const z = 1;
```
"""


def test_mdx_module_lines_are_left_out_and_code_blocks_kept_line_for_line() -> None:
    out = clean(MDX, mdx=True)
    lines = out.split("\n")
    assert len(lines) == len(MDX.split("\n")), "every line number stays the file's"
    assert lines[:7] == [""] * 7
    assert "Text that says import this from there is prose." in out
    assert 'import x from "y";' in out and "export const z = 1;" in out  # inside the code block


def test_outside_mdx_only_an_exact_module_import_is_left_out() -> None:
    out = clean(MDX, mdx=False)
    assert out.split("\n")[:3] == ["", "", ""]
    assert "export const meta = {" in out  # an .md file's export line is text unless the file is MDX


@pytest.mark.parametrize(("written", "meant"), [
    ("![A]({{site.baseurl}}/assets/x.png)", "![A](/assets/x.png)"),
    ("![A]({{ site.baseurl }}/assets/x.png)", "![A](/assets/x.png)"),
    ("[B]({{ site.url }}{{ site.baseurl }}/about/)", "[B](/about/)"),
    ('![A]({{ "/assets/x.png" | relative_url }})', "![A](/assets/x.png)"),
    ("![A]({{ '/assets/x.png' | url }})", "![A](/assets/x.png)"),
    ('[C]({{ "docs/intro" | relURL }})', "[C](docs/intro)"),
    ("![A]({{ base_url }}/img/x.png)", "![A](/img/x.png)"),
    ("{{ page.title }} stays", "{{ page.title }} stays"),  # not an address: the article's own text
])
def test_a_base_address_tag_in_front_of_a_link_is_the_sites_address(written: str, meant: str) -> None:
    assert clean(written, mdx=False) == meant


def _project(tmp_path: Path) -> Path:
    from PIL import Image

    (tmp_path / "assets").mkdir()
    Image.new("RGB", (40, 20), "red").save(tmp_path / "assets" / "x.png")
    return tmp_path


def test_a_jekyll_post_with_liquid_image_paths_builds_with_its_images(tmp_path: Path) -> None:
    project = _project(tmp_path)
    (project / "post.md").write_text(
        "---\ntitle: A post\n---\n\nBefore.\n\n![A chart]({{ site.baseurl }}/assets/x.png)\n\n"
        '![Another]({{ "/assets/x.png" | relative_url }})\n', "utf-8")
    results = {r.format: r.path for r in build([project / "post.md"], out=project / "out", project=project, parallel=False)}
    with zipfile.ZipFile(results["docx"]) as package:
        assert any(n.startswith("word/media/") for n in package.namelist())


def test_an_mdx_page_builds_without_its_module_lines_in_the_text(tmp_path: Path) -> None:
    project = _project(tmp_path)
    (project / "page.mdx").write_text("---\ntitle: A page\n---\n" + MDX + "\n<Steps>\n\n1. First step\n\n</Steps>\n", "utf-8")
    doc = read_document(project / "page.mdx")
    text = " ".join(plain_text(b.children) for b in doc.blocks if b.kind == "paragraph")
    assert "astrojs" not in text and "Banner.astro" not in text and "export" not in text
    results = {r.format: r.path for r in build([project / "page.mdx"], out=project / "out", project=project, parallel=False)}
    page = results["html"].read_text("utf-8")
    assert "First step" in page and "@astrojs" not in page


def test_a_noscript_fallback_image_is_shown_in_every_format(tmp_path: Path) -> None:
    project = _project(tmp_path)
    (project / "a.md").write_text(
        '---\ntitle: Charts\n---\n\nResults:\n\n<noscript><img src="assets/x.png" alt="Chart one"></noscript>\n', "utf-8")
    doc = read_document(project / "a.md")
    assert [n.attrs.get("src") for n in doc.images()] == ["assets/x.png"]
    results = {r.format: r.path for r in build([project / "a.md"], out=project / "out", project=project, parallel=False)}
    assert 'alt="Chart one"' in results["html"].read_text("utf-8")
    with zipfile.ZipFile(results["epub"]) as book:
        assert any(n.endswith(".png") for n in book.namelist())


def test_an_svgz_drawing_is_read_as_svg_and_a_gzip_bomb_is_refused(tmp_path: Path) -> None:
    from publish.errors import SourceError

    drawing = b'<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20"><rect width="40" height="20"/></svg>'
    (tmp_path / "d.svgz").write_bytes(gzip.compress(drawing))
    (tmp_path / "a.md").write_text("---\ntitle: Drawing\n---\n\nA drawing:\n\n![A box](d.svgz)\n", "utf-8")
    results = {r.format: r.path for r in build([tmp_path / "a.md"], out=tmp_path / "out", project=tmp_path, parallel=False)}
    with zipfile.ZipFile(results["epub"]) as book:
        assert any(n.endswith(".svg") for n in book.namelist())
    (tmp_path / "d.svgz").write_bytes(gzip.compress(b"<svg>" + b" " * (30 * 1024 * 1024)))
    with pytest.raises(SourceError, match="inflates to more than"):
        build([tmp_path / "a.md"], out=tmp_path / "out2", project=tmp_path, parallel=False)


def test_a_keyword_with_a_comma_is_one_keyword_in_the_pdf_and_docx_and_verify_passes(tmp_path: Path) -> None:
    from pypdf import PdfReader

    (tmp_path / "a.md").write_text('---\ntitle: Ferries\nkeywords: [ferries, "harbour, renewal"]\n---\n\nText.\n', "utf-8")
    results = {r.format: r.path for r in build([tmp_path / "a.md"], out=tmp_path / "out", project=tmp_path, parallel=False)}
    assert PdfReader(results["pdf"]).metadata["/Keywords"] == "ferries; harbour, renewal"
    with zipfile.ZipFile(results["docx"]) as package:
        assert b"<cp:keywords>ferries; harbour, renewal</cp:keywords>" in package.read("docProps/core.xml")


@pytest.mark.parametrize(("written", "meant"), [
    ("See [[Note]] and [[Note#Part|the part]].", "See Note and the part."),
    ("[[Other#Heading]]", "Other > Heading"),
    ("![[pic one.png]]", "![](<pic one.png>)"),
    ("![[pic.png|300]]", "![](<pic.png>)"),
    ("![[pic.png|A caption]]", "![A caption](<pic.png>)"),
    ("![[Some note]]", "Some note"),  # an embedded note is named, not inlined
    ("[[Plugins/Note|the plugin]] and [[Plugins/Note.md]]", "the plugin and Plugins/Note.md"),  # a note by its vault path
    ("code `[[x]]` stays", "code `[[x]]` stays"),
])
def test_an_obsidian_wiki_link_reads_as_obsidian_shows_it(written: str, meant: str) -> None:
    assert clean(written, mdx=False, notes=frozenset({"note", "other", "some note"})) == meant


def test_a_double_bracket_that_names_no_note_is_text() -> None:
    """javascript.info writes the spec's internal slots, [[Prototype]], in prose and code."""
    text = "Every object has [[Prototype]].\n\n  ```js\n  let g = f(); // g.[[Environment]]\n  ```"
    assert clean(text, mdx=False, notes=frozenset({"note"})) == text


def test_the_notes_a_wiki_link_may_name_are_those_of_the_vault_around_the_article(tmp_path: Path) -> None:
    from publish.read.dialects import notes_near

    (tmp_path / "vault" / "en" / "Plugins").mkdir(parents=True)
    (tmp_path / "vault" / "en" / "Getting started.md").write_text("x")
    (tmp_path / "vault" / "en" / "Plugins" / "Canvas.md").write_text("x")
    assert notes_near(tmp_path / "vault" / "en" / "Plugins" / "Canvas.md") >= {"getting started", "canvas"}


def test_an_image_named_without_its_folder_is_found_in_the_project_as_obsidian_finds_it(tmp_path: Path) -> None:
    project = _project(tmp_path)
    (project / "notes").mkdir()
    (project / "notes" / "a.md").write_text("---\ntitle: A note\n---\n\nLook:\n\n![[x.png]]\n\n![Also](x.png#part)\n", "utf-8")
    from publish.errors import collecting

    with collecting() as warnings:
        results = {r.format: r.path for r in build([project / "notes" / "a.md"], out=project / "out", project=project, parallel=False)}
    assert any("using assets/x.png" in str(w.message if hasattr(w, "message") else w) for w in warnings.items), warnings.items
    with zipfile.ZipFile(results["epub"]) as book:
        assert any(n.endswith(".png") for n in book.namelist())


def test_a_myst_image_with_any_suffix_is_the_file_that_exists(tmp_path: Path) -> None:
    project = _project(tmp_path)
    (project / "a.md").write_text('---\ntitle: Fish\n---\n\nA fish:\n\n<img src="assets/x.*" alt="fishy">\n', "utf-8")
    results = {r.format: r.path for r in build([project / "a.md"], formats=["epub"], out=project / "out", project=project, parallel=False)}
    with zipfile.ZipFile(results["epub"]) as book:
        assert any(n.endswith(".png") for n in book.namelist())


def test_a_mkdocs_material_date_mapping_is_its_created_date(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text("---\ntitle: Post\ndate:\n  created: 2024-01-31\n  updated: 2024-02-02\n---\n\nText.\n", "utf-8")
    assert str(read_document(tmp_path / "a.md").meta.date) == "2024-01-31"


def test_an_image_python_docx_cannot_parse_is_embedded_as_png(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from docx.text.run import Run

    project = _project(tmp_path)
    (project / "a.md").write_text("---\ntitle: A photo\n---\n\nA photo:\n\n![Red](assets/x.png)\n", "utf-8")
    real, calls = Run.add_picture, []

    def picky(self, stream, *args, **kwargs):  # refuses the first bytes it is given, as it does some JPEGs
        calls.append(stream.getvalue()[:8])
        if len(calls) == 1:
            raise ValueError("")
        return real(self, stream, *args, **kwargs)

    monkeypatch.setattr(Run, "add_picture", picky)
    [result] = build([project / "a.md"], formats=["docx"], out=project / "out", project=project, parallel=False)
    assert len(calls) == 2 and calls[1].startswith(b"\x89PNG")
    with zipfile.ZipFile(result.path) as package:
        assert any(n.startswith("word/media/") for n in package.namelist())


def test_an_mdx_components_title_is_shown_and_an_html_tooltip_is_not(tmp_path: Path) -> None:
    (tmp_path / "a.mdx").write_text(
        '---\ntitle: Cards\n---\n\n<CardGrid>\n  <Card title="What will you build?" icon="laptop">\n    Explore the themes.\n  </Card>\n'
        '  <TabItem label="npm">\n    Run the installer.\n  </TabItem>\n</CardGrid>\n\n'
        '<p>An <abbr title="HyperText Markup Language">HTML</abbr> page.</p>\n', "utf-8")
    doc = read_document(tmp_path / "a.mdx")
    strong = [plain_text(n.children) for b in doc.blocks for n in b.walk() if n.kind == "strong"]
    assert strong == ["What will you build?", "npm"]
    text = " ".join(plain_text([n]) for n in doc.blocks)
    assert "Explore the themes." in text and "Run the installer." in text and "HyperText" not in text


def test_a_site_absolute_image_is_read_from_the_folder_the_site_serves_at_its_root(tmp_path: Path) -> None:
    """VitePress and Next.js serve docs/public/ at /, Docusaurus and Hugo static/."""
    from PIL import Image

    (tmp_path / "docs" / "public" / "img").mkdir(parents=True)
    Image.new("RGB", (40, 20), "blue").save(tmp_path / "docs" / "public" / "img" / "x.png")
    (tmp_path / "docs" / "guide").mkdir()
    (tmp_path / "docs" / "guide" / "a.md").write_text("---\ntitle: Guide\n---\n\nA chart:\n\n![Chart](/img/x.png)\n", "utf-8")
    [result] = build([tmp_path / "docs" / "guide" / "a.md"], formats=["epub"], out=tmp_path / "out", project=tmp_path, parallel=False)
    with zipfile.ZipFile(result.path) as book:
        assert any(n.endswith(".png") for n in book.namelist())


def test_a_site_absolute_image_is_read_from_a_docusaurus_site_kept_beside_the_docs(tmp_path: Path) -> None:
    """reduxjs/redux: docs/tutorials/essentials/part-1-overview-concepts.md shows
    ``/img/tutorials/essentials/one-way-data-flow.png``, which is website/static/img/… (the site
    in website/ serves ../docs)."""
    from PIL import Image

    (tmp_path / "website" / "static" / "img").mkdir(parents=True)
    Image.new("RGB", (40, 20), "red").save(tmp_path / "website" / "static" / "img" / "flow.png")
    (tmp_path / "docs" / "tutorials").mkdir(parents=True)
    (tmp_path / "docs" / "tutorials" / "a.md").write_text("---\ntitle: Tutorial\n---\n\nThe flow:\n\n![Flow](/img/flow.png)\n", "utf-8")
    [result] = build([tmp_path / "docs" / "tutorials" / "a.md"], formats=["epub"], out=tmp_path / "out", project=tmp_path, parallel=False)
    with zipfile.ZipFile(result.path) as book:
        assert any(n.endswith(".png") for n in book.namelist())


def test_a_site_absolute_image_is_read_from_the_input_folder_eleventy_serves_at_its_root(tmp_path: Path) -> None:
    """11ty/11ty-website's blog post: ``<img src="/blog/sevenmilgraph.png">`` beside the post in src/blog/."""
    from PIL import Image

    (tmp_path / "src" / "blog").mkdir(parents=True)
    Image.new("RGB", (40, 20), "green").save(tmp_path / "src" / "blog" / "graph.png")
    post = tmp_path / "src" / "blog" / "post.md"
    post.write_text('---\ntitle: Post\n---\n\nA chart:\n\n<img src="/blog/graph.png" alt="Downloads">\n', "utf-8")
    [result] = build([post], formats=["epub"], out=tmp_path / "out", project=tmp_path, parallel=False)
    with zipfile.ZipFile(result.path) as book:
        assert any(n.endswith(".png") for n in book.namelist())


def test_an_mdx_component_tag_alone_on_its_line_does_not_swallow_the_code_block_after_it(tmp_path: Path) -> None:
    """withastro/docs' sharing-state-islands.mdx: ``<Fragment slot="react">`` right above a fenced
    block made the fence part of an HTML block, and its ``<img src={cartItem.imageSrc}>`` an image
    that 'does not exist'. MDX reads Markdown inside a component; a tag with a title stays."""
    source = tmp_path / "recipe.mdx"
    source.write_text('---\ntitle: Recipe\n---\n\n<Tabs>\n<Fragment slot="react">\n```jsx\n<img src={cartItem.imageSrc} alt="x" />\n```\n'
                      '</Fragment>\n<TabItem label="npm">\n\nRun it.\n\n</TabItem>\n</Tabs>\n', "utf-8")
    doc = read_document(source)
    kinds = [b.kind for b in doc.blocks]
    assert "code_block" in kinds
    code = next(b for b in doc.blocks if b.kind == "code_block")
    assert code.text == '<img src={cartItem.imageSrc} alt="x" />\n' and code.line == 7
    assert not doc.images()
    assert "npm" in plain_text(doc.blocks), "a tab's label is text the page shows"
    assert clean('<Tabs>\n```\n<Tabs>\n```\n', mdx=False) == '<Tabs>\n```\n<Tabs>\n```\n', "only in MDX"


def test_a_mkdocstrings_directive_names_what_it_documents_and_opens_no_div(tmp_path: Path) -> None:
    """mkdocs/mkdocs' docs/dev-guide/themes.md: a dozen ``::: mkdocs.structure...`` directives,
    each with an indented options block, were read as pandoc divs that never close ("divs nest
    more than 8 levels deep"); pandoc built it."""
    body = "".join(f"::: mkdocs.structure.pages.Page.attr{n}\n    options:\n        heading_level: 5\n\n" for n in range(12))
    source = tmp_path / "themes.md"
    source.write_text("---\ntitle: Themes\n---\n\n" + body + "The end.\n", "utf-8")
    doc = read_document(source)
    assert [b.kind for b in doc.blocks] == ["paragraph"] * 13
    assert plain_text(doc.blocks[0].children) == "mkdocs.structure.pages.Page.attr0"
    assert doc.blocks[1].line == 9 and "heading_level" not in plain_text(doc.blocks)
    div = tmp_path / "div.md"
    div.write_text("---\ntitle: D\n---\n\n::: sidebar\nA pandoc div.\n:::\n", "utf-8")
    assert read_document(div).blocks[0].kind == "div", "a fenced div with a class is still a div"
