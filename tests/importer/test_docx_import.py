"""publish import: a Word copy publish wrote, edited as Word edits it (in its XML, with lxml),
back into the Markdown source. Expectations come from the source text itself: the lines an edit
touched change as the edit says, every other byte stays."""
from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
import yaml
from lxml import etree

from publish.builder.pipeline import build

ROOT = Path(__file__).resolve().parents[2]
ARTICLE = ROOT / "source" / "article.md"
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
w = "{%s}" % W


def _project(tmp_path: Path, source: Path = ARTICLE) -> Path:
    """A project with the article (and its images) and its Word copy built in dist/."""
    shutil.copytree(source.parent, tmp_path / "source")
    (tmp_path / "publish.yaml").write_text("", "utf-8")
    article = tmp_path / "source" / source.name
    build([article], formats=["docx"], out=tmp_path / "dist", project=tmp_path)
    return article


def _publish(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "publish", *args], cwd=tmp_path, capture_output=True, text=True,
                          env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"}, timeout=120)


class Copy:
    """The Word copy's parts, edited in place, saved as Word saves (every member rewritten)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        with zipfile.ZipFile(path) as package:
            self.members = {name: package.read(name) for name in package.namelist()}
        self.document = etree.fromstring(self.members["word/document.xml"])
        self.core = etree.fromstring(self.members["docProps/core.xml"])
        self.custom = etree.fromstring(self.members["docProps/custom.xml"])

    def paragraph(self, starts: str) -> etree._Element:
        """The body paragraph whose text starts so."""
        for para in self.document.iter(w + "p"):
            if "".join(t.text or "" for t in para.iter(w + "t")).startswith(starts):
                return para
        raise AssertionError(f"no paragraph starts with {starts!r}")

    def save(self, to: Path | None = None) -> Path:
        self.members["word/document.xml"] = etree.tostring(self.document, xml_declaration=True, encoding="UTF-8", standalone=True)
        self.members["docProps/core.xml"] = etree.tostring(self.core, xml_declaration=True, encoding="UTF-8", standalone=True)
        self.members["docProps/custom.xml"] = etree.tostring(self.custom, xml_declaration=True, encoding="UTF-8", standalone=True)
        target = to or self.path
        with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as package:
            for name, data in self.members.items():
                package.writestr(name, data)
        return target


def _text_runs(para: etree._Element) -> list[etree._Element]:
    return [r for r in para.iter(w + "r") if r.find(w + "t") is not None]


def _run(text: str, *props: str) -> etree._Element:
    run = etree.Element(w + "r")
    if props:
        rpr = etree.SubElement(run, w + "rPr")
        for prop in props:
            etree.SubElement(rpr, w + prop)
    t = etree.SubElement(run, w + "t")
    t.text = text
    t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    return run


def _replace_in_run(para: etree._Element, old: str, new: str) -> None:
    for run in _text_runs(para):
        t = run.find(w + "t")
        if old in (t.text or ""):
            t.text = t.text.replace(old, new, 1)
            return
    raise AssertionError(f"{old!r} is in no run")


def _cut(para: etree._Element, at: str) -> tuple[etree._Element, str, str]:
    """The run holding ``at``, cut before it: the run keeps the text before, the rest is returned."""
    for run in _text_runs(para):
        t = run.find(w + "t")
        if at in (t.text or ""):
            head, tail = t.text.split(at, 1)
            t.text = head
            t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
            return run, at, tail
    raise AssertionError(f"{at!r} is in no run")


def _split_run(para: etree._Element, at: str) -> None:
    """One run cut in two at a word, as Word does when spell-checking or on a later formatting change."""
    run, at, tail = _cut(para, at)
    second = etree.fromstring(etree.tostring(run))
    second.find(w + "t").text = at + tail
    run.addnext(second)


def _tracked(para: etree._Element, old: str, new: str) -> None:
    """``old`` deleted and ``new`` inserted as tracked changes (w:del / w:ins with author and date)."""
    run, old, tail = _cut(para, old)
    stamp = {w + "id": "901", w + "author": "Copy Editor", w + "date": "2026-12-01T10:00:00Z"}
    deleted = etree.Element(w + "del", stamp)
    gone = etree.SubElement(deleted, w + "r")
    etree.SubElement(gone, w + "delText").text = old
    inserted = etree.Element(w + "ins", {**stamp, w + "id": "902"})
    inserted.append(_run(new))
    run.addnext(deleted)
    deleted.addnext(inserted)
    inserted.addnext(_run(tail))


def test_a_copy_nobody_edited_gives_the_identical_source(tmp_path: Path) -> None:
    article = _project(tmp_path)
    before = article.read_bytes()
    done = _publish(tmp_path, "import", "dist/article.docx")
    assert done.returncode == 0, done.stderr
    assert article.read_bytes() == before
    dry = _publish(tmp_path, "import", "dist/article.docx", "--dry-run")
    assert dry.returncode == 0 and dry.stdout == ""


@pytest.mark.parametrize("name", ["fixtures/constructs/constructs.md", "fixtures/extensions/extensions.md", "corpus/bat-readme/README.md",
                                  "corpus/joss-bumbl/paper.md", "corpus/pandoc-faqs/faqs.md", "corpus/hugo-summaries/summaries.md"])
def test_fixtures_round_trip_byte_for_byte(tmp_path: Path, name: str) -> None:
    source = ROOT / "tests" / name
    article = _project(tmp_path, source)
    before = article.read_bytes()
    done = _publish(tmp_path, "import", f"dist/{article.stem}.docx")
    assert done.returncode == 0, done.stderr
    assert article.read_bytes() == before


def test_edits_come_back_exactly_where_they_were_made(tmp_path: Path) -> None:
    article = _project(tmp_path)
    before = article.read_text("utf-8")
    copy = Copy(tmp_path / "dist" / "article.docx")
    _replace_in_run(copy.paragraph("The discussions, held"), "candid, in-depth", "frank, thorough")
    _split_run(copy.paragraph("Chinese President Xi"), "Economic")  # formatting-neutral: no change
    _tracked(copy.paragraph("Bessent told reporters"), "eliminated", "removed")
    gone = copy.paragraph("He expressed hope")
    gone.getparent().remove(gone)
    after_this = copy.paragraph("The U.S. side stated")
    added = etree.Element(w + "p")
    added.append(_run("A sentence the copy editor added, with "))
    added.append(_run("emphasis", "i"))
    added.append(_run(" in it."))
    after_this.addnext(added)
    emph = copy.paragraph("In Kuala Lumpur, the preliminary")
    _split_run(emph, "preliminary agreement")
    _split_run(emph, " marks a step")
    rpr = etree.Element(w + "rPr")
    etree.SubElement(rpr, w + "b")
    [r for r in _text_runs(emph) if r.find(w + "t").text == "preliminary agreement"][0].insert(0, rpr)
    copy.core.find("{http://purl.org/dc/elements/1.1/}title").text = "China and the U.S. Reach a Basic Consensus"
    copy.save()

    done = _publish(tmp_path, "import", "dist/article.docx")
    assert done.returncode == 0, done.stderr
    expected = (before
                .replace("candid, in-depth and", "frank, thorough and")
                .replace("talks had eliminated the threat", "talks had removed the threat")
                .replace("the preliminary agreement marks", "the **preliminary agreement** marks")
                .replace('title: "China, U.S. Reach Basic Consensus in Kuala Lumpur Trade Talks Ahead of Leaders’ Summit"',
                         'title: "China and the U.S. Reach a Basic Consensus"'))  # quoted as the source quotes it
    hope = next(p for p in expected.split("\n\n") if p.startswith("He expressed hope"))
    expected = expected.replace(hope + "\n\n", "")
    side = next(p for p in expected.split("\n\n") if p.startswith("The U.S. side stated"))
    expected = expected.replace(side + "\n\n", side + "\n\nA sentence the copy editor added, with *emphasis* in it.\n\n")
    assert article.read_text("utf-8") == expected


def test_tracked_changes_rejected_leave_the_text_as_it_was(tmp_path: Path) -> None:
    article = _project(tmp_path)
    before = article.read_bytes()
    copy = Copy(tmp_path / "dist" / "article.docx")
    _tracked(copy.paragraph("Bessent told reporters"), "eliminated", "removed")
    copy.save()
    done = _publish(tmp_path, "import", "dist/article.docx", "--track-changes", "reject")
    assert done.returncode == 0, done.stderr
    assert article.read_bytes() == before


@pytest.mark.parametrize("where", ["paragraph", "property", "removed"])
def test_an_edit_to_the_rights_notice_is_refused_and_nothing_written(tmp_path: Path, where: str) -> None:
    article = _project(tmp_path)
    before = article.read_bytes()
    copy = Copy(tmp_path / "dist" / "article.docx")
    if where == "paragraph":
        _replace_in_run(copy.paragraph("caixinglobal.com is the English"), "is authorized to reprint", "may reprint")
    elif where == "removed":
        notice = copy.paragraph("caixinglobal.com is the English")
        notice.getparent().remove(notice)
    else:
        cp = "{http://schemas.openxmlformats.org/officeDocument/2006/custom-properties}"
        rights = next(p for p in copy.custom.iter(cp + "property") if p.get("name") == "Rights")
        rights[0].text = "All rights waived."
    copy.save()
    done = _publish(tmp_path, "import", "dist/article.docx")
    assert done.returncode == 1
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "rights notice" in lines[0] and "--accept-notice-changes" in lines[0], done.stderr
    assert "Traceback" not in done.stderr
    assert article.read_bytes() == before
    taken = _publish(tmp_path, "import", "dist/article.docx", "--accept-notice-changes", "--dry-run")
    assert taken.returncode == 0, taken.stderr
    assert ("+rights:" in taken.stdout) == (where != "removed") and article.read_bytes() == before


def test_a_source_changed_since_the_copy_is_refused(tmp_path: Path) -> None:
    article = _project(tmp_path)
    article.write_bytes(article.read_bytes() + b"\nA new last paragraph.\n")
    done = _publish(tmp_path, "import", "dist/article.docx")
    assert done.returncode == 1 and "source/article.md: has changed since this Word copy was made" in done.stderr
    assert "Traceback" not in done.stderr


def test_into_writes_elsewhere_and_dry_run_prints_a_diff(tmp_path: Path) -> None:
    article = _project(tmp_path)
    before = article.read_bytes()
    copy = Copy(tmp_path / "dist" / "article.docx")
    _replace_in_run(copy.paragraph("The discussions, held"), "candid", "open")
    copy.save()
    dry = _publish(tmp_path, "import", "dist/article.docx", "--dry-run")
    assert dry.returncode == 0
    assert "-The discussions, held" in dry.stdout and "+The discussions, held" in dry.stdout and "as open, in-depth" in dry.stdout
    assert article.read_bytes() == before
    done = _publish(tmp_path, "import", "dist/article.docx", "--into", "edited.md")
    assert done.returncode == 0, done.stderr
    assert article.read_bytes() == before
    assert (tmp_path / "edited.md").read_bytes() == before.replace(b"as candid, in-depth", b"as open, in-depth")
    assert not list(tmp_path.glob(".*.tmp")) and not list((tmp_path / "source").glob(".*.tmp"))


def _libreoffice_save(tmp_path: Path, docx: Path) -> None:
    """The copy opened and saved again by LibreOffice, in its own folder (as an editor saves it:
    LibreOffice rewrites relative links against the folder it saves into)."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.skip("LibreOffice (soffice) is not installed: apt-get install libreoffice-writer-nogui libreoffice-math-nogui")
    opened = docx.rename(docx.with_suffix(".bin"))  # another name, so that it can be saved as the .docx beside it
    subprocess.run([soffice, "--headless", "--convert-to", "docx", "--outdir", str(docx.parent), str(opened)],
                   check=True, capture_output=True, timeout=180, env={"HOME": str(tmp_path), "PATH": "/usr/bin:/bin"})
    with zipfile.ZipFile(docx) as package:
        assert b"LibreOffice" in package.read("docProps/app.xml")


@pytest.mark.parametrize("name", ["../source/article.md", "fixtures/constructs/constructs.md", "fixtures/extensions/extensions.md",
                                  "corpus/bat-readme/README.md", "corpus/javascript-algorithms-he/README.he-IL.md"])
def test_libreoffice_keeps_the_marks(tmp_path: Path, name: str) -> None:
    """Saved again by LibreOffice, which rewrites every part (bookmarks split, links as fields, bold
    in header rows, keywords without commas, tables joined), an unedited copy gives the identical source."""
    article = _project(tmp_path, (ROOT / "tests" / name).resolve())
    before = article.read_bytes()
    _libreoffice_save(tmp_path, tmp_path / "dist" / f"{article.stem}.docx")
    done = _publish(tmp_path, "import", f"dist/{article.stem}.docx")
    assert done.returncode == 0, done.stderr
    assert article.read_bytes() == before


def test_an_edit_made_after_a_libreoffice_save_comes_back(tmp_path: Path) -> None:
    article = _project(tmp_path)
    before = article.read_bytes()
    _libreoffice_save(tmp_path, tmp_path / "dist" / "article.docx")
    copy = Copy(tmp_path / "dist" / "article.docx")
    _replace_in_run(copy.paragraph("The discussions, held"), "candid", "open")
    _tracked(copy.paragraph("Bessent told reporters"), "eliminated", "removed")
    copy.save()
    done = _publish(tmp_path, "import", "dist/article.docx")
    assert done.returncode == 0, done.stderr
    assert article.read_bytes() == before.replace(b"as candid, in-depth", b"as open, in-depth").replace(
        b"talks had eliminated", b"talks had removed")


def test_an_edited_footnote_comes_back_into_its_definition(tmp_path: Path) -> None:
    article = _project(tmp_path, ROOT / "tests" / "fixtures" / "constructs" / "constructs.md")
    before = article.read_text("utf-8")
    path = tmp_path / "dist" / "constructs.docx"
    with zipfile.ZipFile(path) as package:
        members = {name: package.read(name) for name in package.namelist()}
    notes = etree.fromstring(members["word/footnotes.xml"])
    text = next(t for t in notes.iter(w + "t") if (t.text or "").startswith("The second"))
    text.text = text.text.replace("The second footnote", "The second footnote, edited in Word")
    first = next(t for t in notes.iter(w + "t") if (t.text or "").startswith("The first"))
    first.text = first.text.replace("The first", "The very first")
    members["word/footnotes.xml"] = etree.tostring(notes)
    with zipfile.ZipFile(path, "w") as package:
        for name, data in members.items():
            package.writestr(name, data)
    done = _publish(tmp_path, "import", "dist/constructs.docx")
    assert done.returncode == 0, done.stderr
    assert article.read_text("utf-8") == before.replace("[^second]: The second footnote.",
                                                        "[^second]: The second footnote, edited in Word.").replace(
        "[^first]: The first footnote, with *emphasis*.", "[^first]: The very first footnote, with *emphasis*.")


def test_a_caption_div_and_a_heading_are_rewritten_inside_their_own_markup(tmp_path: Path) -> None:
    article = _project(tmp_path)
    before = article.read_text("utf-8")
    copy = Copy(tmp_path / "dist" / "article.docx")
    _replace_in_run(copy.paragraph("He Lifeng, a member"), "poses for a photo", "is photographed")
    copy.save()
    done = _publish(tmp_path, "import", "dist/article.docx")
    assert done.returncode == 0, done.stderr
    assert article.read_text("utf-8") == before.replace("poses for a photo", "is photographed")
    assert article.read_text("utf-8").startswith(before[: before.index("He Lifeng")])


def test_a_heading_a_nested_list_item_and_a_code_line_keep_their_markup(tmp_path: Path) -> None:
    article = _project(tmp_path, ROOT / "tests" / "fixtures" / "constructs" / "constructs.md")
    before = article.read_text("utf-8")
    copy = Copy(tmp_path / "dist" / "constructs.docx")
    _replace_in_run(copy.paragraph("Headings and paragraphs"), "paragraphs", "prose")
    _replace_in_run(copy.paragraph("first"), "first", "the first")
    _replace_in_run(copy.paragraph("def greet"), "greet", "welcome")
    copy.save()
    done = _publish(tmp_path, "import", "dist/constructs.docx")
    assert done.returncode == 0, done.stderr
    assert article.read_text("utf-8") == (before.replace("## Headings and paragraphs\n", "## Headings and prose\n")
                                          .replace("  1. first\n", "  1. the first\n").replace("def greet(", "def welcome("))


def _texts(path: Path) -> list[str]:
    """Every paragraph's text of a DOCX's body, as a reader sees it (tracked deletions are not text)."""
    with zipfile.ZipFile(path) as package:
        body = etree.fromstring(package.read("word/document.xml"))
    return ["".join(t.text or "" for t in p.iter(w + "t")) for p in body.iter(w + "p")]


def test_an_edited_paragraph_with_a_note_a_titled_link_and_an_autolink_builds_what_the_editor_saw(tmp_path: Path) -> None:
    """The rewritten paragraph keeps its footnote reference, its link's title, the bare e-mail
    address and the source's line width; built again, the copy reads as the edited one did."""
    article = _project(tmp_path, ROOT / "tests" / "fixtures" / "constructs" / "constructs.md")
    before = article.read_text("utf-8")
    copy = Copy(tmp_path / "dist" / "constructs.docx")
    _replace_in_run(copy.paragraph("A paragraph with"), "A paragraph", "One short paragraph")
    edited = copy.save(tmp_path / "edited.docx")
    done = _publish(tmp_path, "import", "edited.docx")
    assert done.returncode == 0, done.stderr
    old = before[before.index("A paragraph with"): before.index("[^first]\n") + len("[^first]\n")]
    new = ("One short paragraph with *emphasis*, **strong text**, ~~struck text~~, `inline\n"
           'code`, a [link to the W3C](https://www.w3.org/ "W3C") and an e-mail link\n'
           '<bo@example.org>. Straight "quotes" become curly -- and double hyphens become an\n'
           "en dash.[^first]\n")
    assert article.read_text("utf-8") == before.replace(old, new)
    build([article], formats=["docx"], out=tmp_path / "again", project=tmp_path)
    assert _texts(tmp_path / "again" / "constructs.docx") == _texts(edited)


def test_a_paragraph_moved_in_word_moves_in_the_source(tmp_path: Path) -> None:
    article = _project(tmp_path)
    before = article.read_text("utf-8")
    copy = Copy(tmp_path / "dist" / "article.docx")
    moved = copy.paragraph("Both parties agreed")
    copy.paragraph("Chinese President Xi").addprevious(moved)  # cut and pasted: its bookmark goes with it
    copy.save()
    done = _publish(tmp_path, "import", "dist/article.docx")
    assert done.returncode == 0, done.stderr
    last = next(p for p in before.split("\n\n") if p.startswith("Both parties agreed"))
    xi = next(p for p in before.split("\n\n") if p.startswith("Chinese President Xi"))
    expected = before.replace("\n\n" + last, "").replace(xi, last.rstrip("\n") + "\n\n" + xi)
    assert article.read_text("utf-8").rstrip("\n") == expected.rstrip("\n")
    assert article.read_bytes().endswith(b"\n") == before.endswith("\n")


def test_comments_are_listed_not_lost_silently(tmp_path: Path) -> None:
    _project(tmp_path)
    copy = Copy(tmp_path / "dist" / "article.docx")
    para = copy.paragraph("Bessent told reporters")
    ref = etree.SubElement(para, w + "r")
    etree.SubElement(ref, w + "commentReference", {w + "id": "0"})
    copy.members["word/comments.xml"] = (
        f'<w:comments xmlns:w="{W}"><w:comment w:id="0" w:author="Legal" w:date="2026-12-01T10:00:00Z">'
        "<w:p><w:r><w:t>Check the 100% figure.</w:t></w:r></w:p></w:comment></w:comments>").encode()
    copy.save()
    done = _publish(tmp_path, "import", "dist/article.docx", "--dry-run")
    assert done.returncode == 0, done.stderr
    assert "comment by Legal on “Bessent told reporters" in done.stderr and "Check the 100% figure." in done.stderr
    assert done.stdout == ""


def test_an_edited_table_cell_changes_that_cell_only(tmp_path: Path) -> None:
    article = _project(tmp_path, ROOT / "tests" / "fixtures" / "constructs" / "constructs.md")
    before = article.read_text("utf-8")
    copy = Copy(tmp_path / "dist" / "constructs.docx")
    _replace_in_run(copy.paragraph("long cell text"), "long", "longer")
    cell = copy.paragraph("b")
    _replace_in_run(cell, "b", "c")
    copy.save()
    done = _publish(tmp_path, "import", "dist/constructs.docx", "--into", "edited.md")
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "edited.md").read_text("utf-8") == before.replace(
        "| long cell text | *em* |", "| longer cell text | *em* |").replace("| a    | b      |", "| a    | c      |")
    copy = Copy(tmp_path / "dist" / "constructs.docx")  # a row added in Word: refused, with the table's line
    row = next(copy.document.iter(w + "tr"))
    row.addnext(etree.fromstring(etree.tostring(row)))
    copy.save()
    done = _publish(tmp_path, "import", "dist/constructs.docx")
    assert done.returncode == 1 and "rows or columns were changed" in done.stderr, done.stderr


def test_an_edited_paragraph_keeps_its_inline_picture_as_written(tmp_path: Path) -> None:
    article = _project(tmp_path, ROOT / "tests" / "fixtures" / "extensions" / "extensions.md")
    before = article.read_text("utf-8")
    copy = Copy(tmp_path / "dist" / "extensions.docx")
    _replace_in_run(copy.paragraph("A small inline picture"), "sits", "stays")
    copy.save()
    done = _publish(tmp_path, "import", "dist/extensions.docx")
    assert done.returncode == 0, done.stderr
    assert article.read_text("utf-8") == before.replace("{width=24px} sits in", "{width=24px} stays in")


def test_document_properties_edited_go_into_the_front_matter_lines_only(tmp_path: Path) -> None:
    """Keywords, description, date and authors edited in File > Properties: each changes its own
    front-matter line (one added before the closing --- when the field was absent), every other
    line of the front matter, and the body, byte for byte."""
    article = _project(tmp_path)
    before = article.read_text("utf-8")
    copy = Copy(tmp_path / "dist" / "article.docx")
    dc = "{http://purl.org/dc/elements/1.1/}"
    cp = "{http://schemas.openxmlformats.org/package/2006/metadata/core-properties}"
    copy.core.find(cp + "keywords").text = "China, United States, trade talks, tariffs"
    copy.core.find(dc + "description").text = "Trade talks in Kuala Lumpur: a basic consensus."
    copy.core.find(dc + "creator").text = "Caixin staff; Lu Zhenhua"
    date = next(p for p in copy.custom.iter("{http://schemas.openxmlformats.org/officeDocument/2006/custom-properties}property")
                if p.get("name") == "Date")
    date[0].text = "2025-10-31"
    copy.save()
    done = _publish(tmp_path, "import", "dist/article.docx")
    assert done.returncode == 0, done.stderr
    expected = (before
                .replace("keywords: [China, United States, trade talks, tariffs, rare earths, export controls, APEC]\n",
                         "keywords: [China, United States, trade talks, tariffs]\n")
                .replace("date: 2025-10-30\n", "date: 2025-10-31\n")
                .replace("\n---\n", "\nauthor: [Caixin staff, Lu Zhenhua]\ndescription: \"Trade talks in Kuala Lumpur: a basic consensus.\"\n---\n", 1))
    assert article.read_text("utf-8") == expected


def test_a_title_retyped_in_the_title_block_goes_into_the_front_matter(tmp_path: Path) -> None:
    article = _project(tmp_path)
    before = article.read_text("utf-8")
    copy = Copy(tmp_path / "dist" / "article.docx")
    title = copy.paragraph("China, U.S. Reach Basic Consensus")
    _replace_in_run(title, "Reach Basic Consensus", "Reach a Basic Consensus")
    copy.save()
    done = _publish(tmp_path, "import", "dist/article.docx")
    assert done.returncode == 0, done.stderr
    assert article.read_text("utf-8") == before.replace("U.S. Reach Basic Consensus", "U.S. Reach a Basic Consensus")


def test_accepted_notice_and_credit_edits_are_written_and_a_publisher_edit_too(tmp_path: Path) -> None:
    article = _project(tmp_path)
    before = article.read_text("utf-8")
    copy = Copy(tmp_path / "dist" / "article.docx")
    _replace_in_run(copy.paragraph("Photo: Xinhua"), "Xinhua", "Xinhua News Agency")
    cp = "{http://schemas.openxmlformats.org/officeDocument/2006/custom-properties}"
    publisher = next(p for p in copy.custom.iter(cp + "property") if p.get("name") == "Publisher")
    publisher[0].text = "Global Neighbours Press"
    copy.save()
    refused = _publish(tmp_path, "import", "dist/article.docx")
    assert refused.returncode == 1 and "the credits were edited in the Word copy" in refused.stderr, refused.stderr
    done = _publish(tmp_path, "import", "dist/article.docx", "--accept-notice-changes")
    assert done.returncode == 0, done.stderr
    block = re.search(r"credits:\n(  - .*\n)+", before).group(0)
    credits = yaml.safe_load(before.split("---\n")[1])["credits"]
    taken = json.dumps([credits[0] + " News Agency", *credits[1:]], ensure_ascii=False)
    assert article.read_text("utf-8") == before.replace(block, f"credits: {taken}\n").replace(
        "publisher: Global Neighbours\n", "publisher: Global Neighbours Press\n")


def test_two_paragraphs_joined_with_tracked_changes_become_one(tmp_path: Path) -> None:
    """Word records joining two paragraphs as a deleted paragraph mark (w:pPr/w:rPr/w:del):
    accepted, the two are one paragraph in the source; rejected, nothing changes."""
    article = _project(tmp_path)
    before = article.read_text("utf-8")
    copy = Copy(tmp_path / "dist" / "article.docx")
    first = copy.paragraph("Chinese President Xi")
    ppr = first.find(w + "pPr")
    rpr = ppr.find(w + "rPr")
    if rpr is None:
        rpr = etree.SubElement(ppr, w + "rPr")
    etree.SubElement(rpr, w + "del", {w + "id": "903", w + "author": "Copy Editor", w + "date": "2026-12-01T10:00:00Z"})
    first.append(_run(" "))
    copy.save()
    rejected = _publish(tmp_path, "import", "dist/article.docx", "--track-changes", "reject", "--dry-run")
    assert rejected.returncode == 0 and rejected.stdout == "", rejected.stderr
    done = _publish(tmp_path, "import", "dist/article.docx")
    assert done.returncode == 0, done.stderr
    xi = next(p for p in before.split("\n\n") if p.startswith("Chinese President Xi"))
    following = before.split(xi + "\n\n", 1)[1].split("\n\n", 1)[0]
    assert article.read_text("utf-8") == before.replace(xi + "\n\n" + following, xi + " " + following)
