"""publish import of a Word file publish did not write (made by pandoc, by LibreOffice, or by hand
with python-docx as Word writes one): a new article with its front matter, headings, lists,
tables, notes and pictures, that builds and verifies and reads as pandoc reads the Word file."""
from __future__ import annotations

import io
import re
import shutil
import struct
import subprocess
import zipfile
import zlib
from collections import Counter
from pathlib import Path

import pypandoc
import pytest
import yaml
from click.testing import CliRunner
from lxml import etree

from publish.builder.pipeline import build
from publish.cli import main

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "tests" / "corpus"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
WNS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
#: How many of pandoc's words (read from the same DOCX as plain text) the new article may lack.
WORD_TOLERANCE = 0.03

SAMPLE = """---
title: The *harbour* report
author: [Ann Lee, Bo Chen]
date: 2024-05-01
lang: en
keywords: [ports, shipping]
---

# Arrivals

Ships came in with *emphasis*, **strength**, `code`, a [link](https://example.org/a), H~2~O,
x^2^ and ~~struck~~ words[^n]. Back to [the arrivals](#arrivals).

1. first
2. second
   - nested bullet
3. third

> A quoted line.

```
def f():
    return 1
```

| Port | Ships |
|------|------:|
| Rotterdam | 12 |
| Hamburg | 7 |

![A crane at dawn](crane.png)

## Departures

Fewer ships left.

[^n]: A footnote with *style*.
"""


def png(width: int = 2, height: int = 2) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    raw = b"".join(b"\x00" + b"\xff\x00\x00" * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def words(text: str) -> Counter[str]:
    return Counter(re.findall(r"\w+", text.lower()))


def pandoc_plain(path: Path, source_format: str) -> str:
    return pypandoc.convert_file(str(path), "plain", format=source_format, extra_args=["--wrap=none", "--standalone"])


def share_kept(article: Path, docx: Path) -> float:
    """The share of the words pandoc reads in the DOCX (counted with repeats) that the article has,
    its title block (title, authors, date) included."""
    wanted = words(pandoc_plain(docx, "docx"))
    found = words(pandoc_plain(article, "markdown"))
    return sum((found & wanted).values()) / sum(wanted.values())


def publish_import(project: Path, monkeypatch: pytest.MonkeyPatch, *args: str):  # type: ignore[no-untyped-def]
    monkeypatch.chdir(project)
    return CliRunner().invoke(main, ["import", *args])


def split_article(path: Path) -> tuple[dict, str]:
    text = path.read_text("utf-8")
    _, head, body = text.split("---\n", 2)
    return yaml.safe_load(head), body


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "publish.yaml").write_text("", "utf-8")
    return tmp_path


def pandoc_docx(markdown: str, folder: Path, name: str = "draft.docx") -> Path:
    (folder / "crane.png").write_bytes(png())
    target = folder / name
    pypandoc.convert_text(markdown, "docx", format="markdown", outputfile=str(target), extra_args=[f"--resource-path={folder}"])
    return target


def test_a_pandoc_docx_becomes_an_article_with_its_front_matter_structure_notes_and_picture(project, monkeypatch):
    docx = pandoc_docx(SAMPLE, project)
    result = publish_import(project, monkeypatch, "draft.docx", "--into", "source/draft.md")
    assert result.exit_code == 0, result.output
    article = project / "source" / "draft.md"
    meta, body = split_article(article)
    assert meta["title"] == "The *harbour* report"
    assert meta["author"] == ["Ann Lee", "Bo Chen"]
    assert str(meta["date"]) == "2024-05-01" and meta["lang"] == "en" and meta["keywords"] == ["ports", "shipping"]
    assert list(meta) == ["title", "author", "date", "lang", "keywords"]  # the stable order
    assert "# Arrivals {#arrivals}" in body and "\n## Departures\n" in body
    assert "*emphasis*, **strength**, `code`, a [link](https://example.org/a), H~2~O, x^2^ and ~~struck~~ words[^1]" in body
    assert "[the arrivals](#arrivals)" in body
    assert "1. first\n2. second\n   - nested bullet\n3. third" in body
    assert "> A quoted line." in body
    assert "```\ndef f():\n    return 1\n```" in body
    assert "| Port | Ships |\n|---|---|\n| Rotterdam | 12 |" in body
    assert "![A crane at dawn](draft/images/image-1.png)" in body
    assert body.count("A crane at dawn") == 1  # pandoc's caption paragraph repeats the alt text: left out
    assert "[^1]: A footnote with *style*." in body
    assert (project / "source" / "draft" / "images" / "image-1.png").read_bytes() == png()
    assert share_kept(article, docx) >= 1 - WORD_TOLERANCE
    build([article], formats=["html", "docx", "epub", "pdf"], out=project / "dist", project=project)  # verify on
    html = (project / "dist" / "draft.html").read_text("utf-8")
    assert "<sub>2</sub>" in html and "<del>struck</del>" in html or "<s>struck</s>" in html


def test_importing_the_same_word_file_twice_gives_the_same_bytes(project, monkeypatch):
    pandoc_docx(SAMPLE, project)
    assert publish_import(project, monkeypatch, "draft.docx", "--into", "a.md").exit_code == 0
    assert publish_import(project, monkeypatch, "draft.docx", "--into", "b.md").exit_code == 0
    assert (project / "a.md").read_text("utf-8").replace("a/images", "x") == (project / "b.md").read_text("utf-8").replace("b/images", "x")


def test_an_existing_article_is_replaced_only_with_force(project, monkeypatch):
    pandoc_docx(SAMPLE, project)
    (project / "draft.md").write_text("mine\n", "utf-8")
    refused = publish_import(project, monkeypatch, "draft.docx", "--into", "draft.md")
    assert refused.exit_code == 1
    assert "draft.md: already exists; publish import does not replace it (pass --force" in refused.output
    assert (project / "draft.md").read_text("utf-8") == "mine\n" and not (project / "draft").exists()
    forced = publish_import(project, monkeypatch, "draft.docx", "--into", "draft.md", "--force")
    assert forced.exit_code == 0, forced.output
    assert (project / "draft.md").read_text("utf-8").startswith("---\ntitle: The *harbour* report\n")


def test_without_into_a_foreign_word_file_is_refused_saying_to_name_the_article(project, monkeypatch):
    pandoc_docx(SAMPLE, project)
    result = publish_import(project, monkeypatch, "draft.docx")
    assert result.exit_code == 1
    assert result.output.startswith("draft.docx: was not written by publish: to make a new article from it, name")


def test_dry_run_prints_the_article_and_writes_nothing(project, monkeypatch):
    pandoc_docx(SAMPLE, project)
    result = publish_import(project, monkeypatch, "draft.docx", "--into", "new.md", "--dry-run")
    assert result.exit_code == 0
    assert result.stdout.startswith("---\ntitle: The *harbour* report\n") and "# Arrivals" in result.stdout
    assert not (project / "new.md").exists() and not (project / "new").exists()


# -- a Word file made by hand, as Word writes one --------------------------------------------------
def _word_file(path: Path, images: Path) -> None:
    """Title block styles, a heading by outline level in a based-on style, Word's list styles with a
    start value, a table with merged cells, a footnote, a picture with alt text, Courier runs, a
    tracked insertion and deletion, a comment, a page break, a PAGE field and custom properties."""
    import docx
    from docx.enum.style import WD_STYLE_TYPE
    from docx.oxml import parse_xml
    from docx.shared import Inches

    document = docx.Document()
    props = document.core_properties
    props.title, props.author, props.keywords, props.subject, props.language = \
        "Property title", "Ann Lee; Bo Chen", "harbours, cranes", "Ports in winter", "en-GB"
    props.comments = ""  # python-docx's template says "generated by python-docx" there
    document.add_paragraph("The Winter Harbour", style="Title")
    document.add_paragraph("Notes from the quay", style="Subtitle")
    document.add_heading("Morning", level=1)
    base = document.styles.add_style("Outline Base", WD_STYLE_TYPE.PARAGRAPH)
    base.element.get_or_add_pPr().append(parse_xml(f'<w:outlineLvl xmlns:w="{WNS}" w:val="1"/>'))
    derived = document.styles.add_style("Section Title", WD_STYLE_TYPE.PARAGRAPH)
    derived.base_style = base
    para = document.add_paragraph("Cranes ", style="Normal")
    para.add_run("lift").bold = True
    para.add_run(" and ")
    para.add_run("swing").italic = True
    code = para.add_run(" crane.start() ")
    code.font.name = "Courier New"
    para.add_run("at dawn.")
    document.add_paragraph("Evening tasks", style="Section Title")
    for item in ("unload", "check"):
        document.add_paragraph(item, style="List Bullet")
    for item in ("count", "seal"):
        document.add_paragraph(item, style="List Number")
    document.add_paragraph("A quay worker said so.", style="Intense Quote")
    mono = document.add_paragraph()
    mono.add_run("SHIP  BERTH").font.name = "Consolas"
    table = document.add_table(rows=3, cols=3)
    for r in range(3):
        for c in range(3):
            table.cell(r, c).text = f"r{r}c{c}"
    merged = table.cell(0, 0).merge(table.cell(0, 1))
    merged.text = "wide"
    tall = table.cell(1, 2).merge(table.cell(2, 2))
    tall.text = "tall"
    with_note = document.add_paragraph("A sentence with a note")
    with_note._p.append(parse_xml(f'<w:r xmlns:w="{WNS}"><w:footnoteReference w:id="1"/></w:r>'))
    with_note.add_run(" and an endnote")
    with_note._p.append(parse_xml(f'<w:r xmlns:w="{WNS}"><w:endnoteReference w:id="2"/></w:r>'))
    with_note.add_run(".")
    changed = document.add_paragraph("Kept ")
    changed._p.append(parse_xml(f'<w:ins xmlns:w="{WNS}" w:id="91" w:author="Ed" w:date="2024-01-02T00:00:00Z">'
                                '<w:r><w:t>added</w:t></w:r></w:ins>'))
    changed._p.append(parse_xml(f'<w:del xmlns:w="{WNS}" w:id="92" w:author="Ed" w:date="2024-01-02T00:00:00Z">'
                                '<w:r><w:delText>removed</w:delText></w:r></w:del>'))
    changed._p.append(parse_xml(f'<w:r xmlns:w="{WNS}"><w:t xml:space="preserve"> words.</w:t></w:r>'))
    commented = document.add_paragraph("A remark here.")
    commented._p.append(parse_xml(f'<w:r xmlns:w="{WNS}"><w:commentReference w:id="5"/></w:r>'))
    paged = document.add_paragraph("Page ")
    paged._p.append(parse_xml(f'<w:r xmlns:w="{WNS}"><w:fldChar w:fldCharType="begin"/></w:r>'))
    paged._p.append(parse_xml(f'<w:r xmlns:w="{WNS}"><w:instrText xml:space="preserve"> PAGE </w:instrText></w:r>'))
    paged._p.append(parse_xml(f'<w:r xmlns:w="{WNS}"><w:fldChar w:fldCharType="separate"/></w:r>'))
    paged._p.append(parse_xml(f'<w:r xmlns:w="{WNS}"><w:t>7</w:t></w:r>'))
    paged._p.append(parse_xml(f'<w:r xmlns:w="{WNS}"><w:fldChar w:fldCharType="end"/></w:r>'))
    paged._p.append(parse_xml(f'<w:r xmlns:w="{WNS}"><w:br w:type="page"/></w:r>'))
    paged.add_run("ends.")
    (images / "crane.png").write_bytes(png(4, 3))
    document.add_picture(str(images / "crane.png"), width=Inches(1))
    document.inline_shapes[0]._inline.docPr.set("descr", "A crane, drawn")
    buffer = io.BytesIO()
    document.save(buffer)
    _add_parts(buffer.getvalue(), path)


def _add_parts(data: bytes, path: Path) -> None:
    """The footnotes, comments and custom properties parts python-docx cannot write, added to the package."""
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        members = {name: package.read(name) for name in package.namelist()}
    members["word/footnotes.xml"] = (
        f'<w:footnotes xmlns:w="{WNS}"><w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>'
        '<w:footnote w:id="1"><w:p><w:r><w:footnoteRef/></w:r><w:r><w:t xml:space="preserve"> The note, </w:t></w:r>'
        '<w:r><w:rPr><w:b/></w:rPr><w:t>bold</w:t></w:r></w:p></w:footnote></w:footnotes>').encode()
    members["word/endnotes.xml"] = (
        f'<w:endnotes xmlns:w="{WNS}"><w:endnote w:id="2"><w:p><w:r><w:endnoteRef/></w:r><w:r><w:t>The endnote.</w:t></w:r>'
        '</w:p><w:p><w:r><w:t>Its second paragraph.</w:t></w:r></w:p></w:endnote></w:endnotes>').encode()
    members["word/comments.xml"] = (
        f'<w:comments xmlns:w="{WNS}"><w:comment w:id="5" w:author="Lawyer"><w:p><w:r><w:t>Check this.</w:t></w:r></w:p>'
        '</w:comment></w:comments>').encode()
    members["docProps/custom.xml"] = (
        '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties" '
        'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
        '<property fmtid="{D5CDD505-2E9C-101B-9397-08002B2CF9AE}" pid="2" name="Source"><vt:lpwstr>Harbour Weekly</vt:lpwstr></property>'
        '<property fmtid="{D5CDD505-2E9C-101B-9397-08002B2CF9AE}" pid="3" name="Rights"><vt:lpwstr>Reprinted with permission.</vt:lpwstr></property>'
        '</Properties>').encode()
    rels = etree.fromstring(members["word/_rels/document.xml.rels"])
    ns = "http://schemas.openxmlformats.org/package/2006/relationships"
    for ident, kind, target in (("rIdF1", "footnotes", "footnotes.xml"), ("rIdE1", "endnotes", "endnotes.xml"),
                                ("rIdC1", "comments", "comments.xml")):
        etree.SubElement(rels, f"{{{ns}}}Relationship", Id=ident, Target=target,
                         Type=f"http://schemas.openxmlformats.org/officeDocument/2006/relationships/{kind}")
    members["word/_rels/document.xml.rels"] = etree.tostring(rels)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as package:
        for name, member in members.items():
            package.writestr(name, member)


def test_a_word_file_made_by_hand_keeps_its_title_block_lists_tables_notes_picture_and_accepts_changes(project, monkeypatch):
    _word_file(project / "hand.docx", project)
    result = publish_import(project, monkeypatch, "hand.docx", "--into", "source/hand.md")
    assert result.exit_code == 0, result.output
    article = project / "source" / "hand.md"
    meta, body = split_article(article)
    assert meta["title"] == "The Winter Harbour" and meta["subtitle"] == "Notes from the quay"  # the title block wins
    assert meta["author"] == ["Ann Lee", "Bo Chen"] and meta["keywords"] == ["harbours", "cranes"]
    assert meta["description"] == "Ports in winter" and meta["lang"] == "en-GB"
    assert meta["source"] == "Harbour Weekly" and meta["rights"] == "Reprinted with permission."
    assert "\n# Morning\n" in body
    assert "\n## Evening tasks\n" in body  # outline level 1 from the style it is based on
    assert "Cranes **lift** and *swing* `crane.start()` at dawn." in body
    assert "- unload\n- check\n\n1. count\n2. seal" in body
    assert "> A quay worker said so." in body
    assert "```\nSHIP  BERTH\n```" in body
    assert '<td colspan="2">\n\nwide\n\n</td>' in body and '<td rowspan="2">\n\ntall\n\n</td>' in body
    assert "A sentence with a note[^1] and an endnote[^2]." in body and "[^1]: The note, **bold**" in body
    assert "[^2]: The endnote.\n\n    Its second paragraph." in body
    assert "Kept added words." in body and "removed" not in body
    assert "Page ends." in body and "7" not in body  # the page number field and the page break go
    assert "![A crane, drawn](hand/images/image-1.png)" in body
    assert "comment by Lawyer on “A remark here.”: Check this." in result.stderr
    assert share_kept(article, project / "hand.docx") >= 1 - WORD_TOLERANCE
    build([article], formats=["html", "docx"], out=project / "dist", project=project)  # verify on


def test_rejecting_tracked_changes_keeps_the_deleted_words_and_drops_the_inserted(project, monkeypatch):
    _word_file(project / "hand.docx", project)
    result = publish_import(project, monkeypatch, "hand.docx", "--into", "hand.md", "--track-changes", "reject")
    assert result.exit_code == 0, result.output
    assert "Kept removed words." in (project / "hand.md").read_text("utf-8")


# -- bad and hostile input ---------------------------------------------------------------------
def _zip(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as package:
        for name, data in members.items():
            package.writestr(name, data)
    return path


def _minimal(rels: str = "", body: str = '<w:p><w:r><w:t>Hello</w:t></w:r></w:p>') -> dict[str, bytes]:
    return {"word/document.xml": f'<w:document xmlns:w="{WNS}" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
                                 f"<w:body>{body}</w:body></w:document>".encode(),
            "word/_rels/document.xml.rels": ('<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                                             f"{rels}</Relationships>").encode()}


@pytest.mark.parametrize(("members", "says"), [
    (None, "cannot read the Word file: BadZipFile"),
    ({"x.txt": b"hi"}, "is not a Word document (it has no main document part"),
    (_minimal('<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/image" '
              'Target="file:///etc/passwd" TargetMode="External"/>'), "links to an outside file (image 'file:///etc/passwd')"),
    (_minimal('<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/image" '
              'Target="../../../secret.png"/>'), "points outside the package"),
    ({**_minimal(), "word/media/big.png": b"\0" * (65 * 1024 * 1024)}, "inflates past 64 MiB"),
    ({"word/document.xml": b"<w:document"}, "is damaged"),
], ids=["not-a-zip", "no-document", "external-image", "traversal", "zip-bomb", "broken-xml"])
def test_bad_or_hostile_word_files_are_refused_with_one_line_naming_the_file(project, monkeypatch, members, says):
    path = project / "bad.docx"
    if members is None:
        path.write_bytes(b"this is no zip at all")
    else:
        _zip(path, members)
    if "word/media/big.png" in (members or {}):  # the bomb is a picture the body shows, so it is read
        _zip(path, _minimal('<Relationship Id="rId9" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/image" '
                            'Target="media/big.png"/>',
                            '<w:p><w:r><w:drawing><a:blip xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
                            'r:embed="rId9"/></w:drawing></w:r></w:p>') | {"word/media/big.png": members["word/media/big.png"]})
    result = publish_import(project, monkeypatch, "bad.docx", "--into", "bad.md")
    assert result.exit_code == 1
    assert result.output.startswith("bad.docx: ") and says in result.output, result.output
    assert "Traceback" not in result.output and not (project / "bad.md").exists()


NUMBERING = (f'<w:numbering xmlns:w="{WNS}"><w:abstractNum w:abstractNumId="7"><w:lvl w:ilvl="0"><w:start w:val="3"/>'
             '<w:numFmt w:val="lowerLetter"/></w:lvl><w:lvl w:ilvl="1"><w:numFmt w:val="bullet"/></w:lvl></w:abstractNum>'
             '<w:num w:numId="4"><w:abstractNumId w:val="7"/></w:num></w:numbering>')


def _numbered(text: str, level: int = 0) -> str:
    return (f'<w:p><w:pPr><w:numPr><w:ilvl w:val="{level}"/><w:numId w:val="4"/></w:numPr></w:pPr>'
            f'<w:r><w:t>{text}</w:t></w:r></w:p>')


def test_numbering_start_values_indented_quotes_bookmarks_and_link_fields_are_kept(project, monkeypatch):
    rels = ('<Relationship Id="rIdN" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/numbering" '
            'Target="numbering.xml"/>')
    body = (_numbered("third") + _numbered("inner", 1) + _numbered("fourth")
            + '<w:p><w:pPr><w:ind w:left="1134"/></w:pPr><w:r><w:t>Indented words.</w:t></w:r></w:p>'
            + '<w:p><w:bookmarkStart w:id="1" w:name="here"/><w:r><w:t>Target.</w:t></w:r><w:bookmarkEnd w:id="1"/></w:p>'
            + '<w:p><w:hyperlink w:anchor="here"><w:r><w:t>back</w:t></w:r></w:hyperlink><w:r><w:t xml:space="preserve"> and </w:t>'
            '</w:r><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText> HYPERLINK "https://example.org/f" </w:instrText>'
            '</w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>a field</w:t></w:r>'
            '<w:r><w:fldChar w:fldCharType="end"/></w:r></w:p>')
    _zip(project / "n.docx", {**_minimal(rels, body), "word/numbering.xml": NUMBERING.encode()})
    result = publish_import(project, monkeypatch, "n.docx", "--into", "n.md")
    assert result.exit_code == 0, result.output
    text = (project / "n.md").read_text("utf-8")
    assert "3. third\n   - inner\n4. fourth" in text  # lowerLetter is ordered; the list starts at 3
    assert "\n> Indented words.\n" in text
    assert "[]{#here}Target." in text and "[back](#here) and [a field](https://example.org/f)" in text
    build([project / "n.md"], formats=["html"], out=project / "dist", project=project)  # verify on
    assert 'id="here"' in (project / "dist" / "n.html").read_text("utf-8")


def test_a_table_inside_a_table_cell_is_its_text_with_a_warning(project, monkeypatch):
    inner = '<w:tbl><w:tr><w:tc><w:p><w:r><w:t>in|ner</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>b</w:t></w:r></w:p></w:tc></w:tr></w:tbl>'
    body = (f'<w:tbl><w:tr><w:tc><w:p><w:r><w:t>head</w:t></w:r></w:p></w:tc></w:tr><w:tr><w:tc>{inner}<w:p/></w:tc></w:tr></w:tbl>')
    _zip(project / "t.docx", _minimal(body=body))
    result = publish_import(project, monkeypatch, "t.docx", "--into", "t.md")
    assert result.exit_code == 0, result.output
    assert "| head |\n|---|\n| in\\|ner b |" in (project / "t.md").read_text("utf-8")
    assert "warning: a table inside a table cell is imported as its text (“in|ner b”)" in result.stderr
    build([project / "t.md"], formats=["html"], out=project / "dist", project=project)  # verify on


MATH = 'xmlns:m="http://schemas.openxmlformats.org/officeDocument/2006/math"'


def test_what_cannot_be_mapped_is_a_warning_naming_its_paragraph(project, monkeypatch):
    body = ('<w:p><w:r><w:t>Before </w:t></w:r><w:r><w:sym w:font="Wingdings" w:char="F04A"/></w:r></w:p>'
            f'<w:p><w:r><w:t xml:space="preserve">Sum </w:t></w:r><m:oMath {MATH}><m:nary><m:naryPr><m:chr m:val="⨁"/>'
            '</m:naryPr><m:sub/><m:sup/><m:e><m:r><m:t>Vi</m:t></m:r></m:e></m:nary></m:oMath></w:p>')
    rels = ('<Relationship Id="rIdL" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink" '
            'Target="file:///C:/Users/ed/notes.docx" TargetMode="External"/>')
    body += '<w:p><w:hyperlink r:id="rIdL"><w:r><w:t>my notes</w:t></w:r></w:hyperlink></w:p>'
    _zip(project / "odd.docx", _minimal(rels, body))
    result = publish_import(project, monkeypatch, "odd.docx", "--into", "odd.md")
    assert result.exit_code == 0, result.output
    assert "odd.docx: warning: paragraph 1 (“Before”): a symbol (font Wingdings, character F04A) is not imported" in result.stderr
    assert "odd.docx: warning: paragraph 2 (“Sum Vi”): an equation is imported as plain text" in result.stderr
    assert "odd.docx: warning: paragraph 3 (“my notes”): a link to 'file:///C:/Users/ed/notes.docx' is left out" in result.stderr
    text = (project / "odd.md").read_text("utf-8")
    assert "Sum Vi" in text and "\nmy notes\n" in text
    build([project / "odd.md"], formats=["html"], out=project / "dist", project=project)  # verify on


def test_word_equations_become_tex_math_inline_and_displayed(project, monkeypatch):
    inline = (f'<m:oMath {MATH}><m:r><m:t>A=π</m:t></m:r><m:sSup><m:e><m:r><m:t>r</m:t></m:r></m:e><m:sup><m:r><m:t>2</m:t>'
              '</m:r></m:sup></m:sSup></m:oMath>')
    shown = (f'<m:oMathPara {MATH}><m:oMath><m:f><m:num><m:r><m:t>a</m:t></m:r></m:num><m:den><m:rad><m:radPr><m:degHide m:val="1"/>'
             '</m:radPr><m:deg/><m:e><m:r><m:t>b</m:t></m:r></m:e></m:rad></m:den></m:f></m:oMath></m:oMathPara>')
    body = f'<w:p><w:r><w:t xml:space="preserve">Area </w:t></w:r>{inline}<w:r><w:t>.</w:t></w:r></w:p><w:p>{shown}</w:p>'
    _zip(project / "math.docx", _minimal(body=body))
    result = publish_import(project, monkeypatch, "math.docx", "--into", "math.md")
    assert result.exit_code == 0 and "equation" not in result.stderr, result.output
    text = (project / "math.md").read_text("utf-8")
    assert "Area $A=\\pi {r}^{2}$." in text and "\n$$\\frac{a}{\\sqrt{b}}$$\n" in text
    build([project / "math.md"], formats=["html"], out=project / "dist", project=project)  # verify on


# -- other programs' Word files ----------------------------------------------------------------
@pytest.mark.parametrize("name", ["pandoc-epub", "rust-book-installation"])
def test_a_corpus_document_made_into_docx_by_pandoc_imports_builds_and_verifies(project, monkeypatch, name):
    [source] = [p for p in (CORPUS / name).iterdir() if p.suffix == ".md"]
    docx = project / "draft.docx"
    pypandoc.convert_file(str(source), "docx", format="markdown", outputfile=str(docx),
                          extra_args=[f"--resource-path={source.parent}"])
    result = publish_import(project, monkeypatch, "draft.docx", "--into", "source/draft.md")
    assert result.exit_code == 0, result.output
    article = project / "source" / "draft.md"
    assert share_kept(article, docx) >= 1 - WORD_TOLERANCE
    build([article], formats=["html", "docx"], out=project / "dist", project=project)  # verify on


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed: "
                    "apt install libreoffice-writer-nogui to import a DOCX LibreOffice wrote")
def test_a_docx_written_by_libreoffice_imports_with_its_headings_lists_table_and_note(project, monkeypatch):
    odt = project / "draft.odt"
    (project / "crane.png").write_bytes(png())
    pypandoc.convert_text(SAMPLE, "odt", format="markdown", outputfile=str(odt), extra_args=[f"--resource-path={project}"])
    out = project / "lo"
    subprocess.run(["soffice", f"-env:UserInstallation=file://{project}/lo-profile", "--headless", "--convert-to", "docx",
                    "--outdir", str(out), str(odt)], capture_output=True, timeout=180, check=True)
    docx = out / "draft.docx"
    result = publish_import(project, monkeypatch, "lo/draft.docx", "--into", "source/lo.md")
    assert result.exit_code == 0, result.output
    article = project / "source" / "lo.md"
    meta, body = split_article(article)
    assert meta["title"] == "The *harbour* report"
    assert "# Arrivals" in body and "## Departures" in body
    assert re.search(r"1\. first\n2\. second\n +- nested bullet\n3\. third", body), body
    assert "| Rotterdam | 12 |" in body and "[^1]: A footnote with *style*." in body
    assert re.search(r"!\[A crane at dawn\]\(lo/images/image-1\.png", body)
    assert share_kept(article, docx) >= 1 - WORD_TOLERANCE
    build([article], formats=["html", "docx"], out=project / "dist", project=project)  # verify on
