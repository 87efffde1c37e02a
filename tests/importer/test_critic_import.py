"""publish import --track-changes keep: a Word copy's tracked changes (as Word writes them: w:ins,
w:del, a replacement, moves) and comments with replies come back as CriticMarkup in the changed
paragraphs only; every mode writes the review report; and the round trip through ``publish build``
gives Word the same tracked changes, which ``--track-changes accept`` then takes."""
from __future__ import annotations

import zipfile
from pathlib import Path

from lxml import etree

from publish.builder.pipeline import build
from test_docx_import import Copy, _cut, _libreoffice_save, _project, _publish, _run, _tracked, w

STAMP = '{author="Copy Editor" date=2026-12-01T10:00:00Z}'
SOURCE = """---
title: Revised
---

The {++very ++}{author="Ana Ruiz" date=2026-12-01}big {--old --}{author="Ben Ode" date=2026-12-02T09:30:00Z}dog
{~~ran~>walked~~}{author="Ana Ruiz" date=2026-12-01} home.

Nobody {==touched this==}{>>Is it true?<<}{author="Cy Lee" date=2026-12-03}{>>Yes.<<}{author="Ana Ruiz"} line.

A plain last paragraph.
"""


def _changed(before: str, after: str) -> list[tuple[str, str]]:
    old, new = before.splitlines(), after.splitlines()
    assert len(old) == len(new), (old, new)
    return [(a, b) for a, b in zip(old, new) if a != b]


def _comment(copy: Copy, para: etree._Element, at: str, comments: list[tuple[str, str, str, str | None]]) -> None:
    """A comment on ``at`` (and its replies), as Word writes them: ranges, references, the comments
    part and commentsExtended.xml threading the replies by paragraph id."""
    run, at, tail = _cut(para, at)
    on = _run(at)
    run.addnext(on)
    on.addnext(_run(tail))
    w14, w15 = "http://schemas.microsoft.com/office/word/2010/wordml", "http://schemas.microsoft.com/office/word/2012/wordml"
    part = etree.Element(w + "comments", nsmap={"w": w[1:-1], "w14": w14})
    extended = etree.Element(f"{{{w15}}}commentsEx", nsmap={"w15": w15})
    last = on
    for n, (author, date, text, parent) in enumerate(comments):
        on.addprevious(etree.Element(w + "commentRangeStart", {w + "id": str(n)}))
        end = etree.Element(w + "commentRangeEnd", {w + "id": str(n)})
        last.addnext(end)
        ref = etree.Element(w + "r")
        etree.SubElement(ref, w + "commentReference", {w + "id": str(n)})
        end.addnext(ref)
        last = ref
        comment = etree.SubElement(part, w + "comment", {w + "id": str(n), w + "author": author, w + "date": date})
        p = etree.SubElement(comment, w + "p", {f"{{{w14}}}paraId": f"0000000{n + 1}"})
        p.append(_run(text))
        entry = etree.SubElement(extended, f"{{{w15}}}commentEx", {f"{{{w15}}}paraId": f"0000000{n + 1}"})
        if parent is not None:
            entry.set(f"{{{w15}}}paraIdParent", f"0000000{int(parent) + 1}")
    copy.members["word/comments.xml"] = etree.tostring(part)
    copy.members["word/commentsExtended.xml"] = etree.tostring(extended)


def test_keep_writes_a_tracked_replacement_as_criticmarkup_with_its_author_and_date(tmp_path: Path) -> None:
    article = _project(tmp_path)
    before = article.read_text("utf-8")
    copy = Copy(tmp_path / "dist" / "article.docx")
    _tracked(copy.paragraph("Bessent told reporters"), "reporters", "journalists")
    copy.save()
    done = _publish(tmp_path, "import", "dist/article.docx", "--track-changes", "keep")
    assert done.returncode == 0, done.stderr
    [(old, new)] = _changed(before, article.read_text("utf-8"))
    assert new == old.replace("reporters", "{~~reporters~>journalists~~}" + STAMP, 1)


def test_keep_writes_a_lone_insertion_a_lone_deletion_and_a_move(tmp_path: Path) -> None:
    article = _project(tmp_path)
    before = article.read_text("utf-8")
    copy = Copy(tmp_path / "dist" / "article.docx")
    para = copy.paragraph("Bessent told reporters")
    stamp = {w + "author": "Copy Editor", w + "date": "2026-12-01T10:00:00Z"}
    run, at, tail = _cut(para, "told")  # "told" deleted, "said and " inserted before it
    inserted = etree.Element(w + "ins", {**stamp, w + "id": "1"})
    inserted.append(_run("said and "))
    deleted = etree.Element(w + "del", {**stamp, w + "id": "2"})
    gone = etree.SubElement(deleted, w + "r")
    etree.SubElement(gone, w + "delText").text = "told"
    run.addnext(inserted)
    inserted.addnext(_run("x"))  # an untracked letter between them, so no replacement is made
    inserted.getnext().addnext(deleted)
    deleted.addnext(_run(tail))
    run, at, tail = _cut(para, "reporters")  # "reporters" moved to the end of the paragraph
    moved_from = etree.Element(w + "moveFrom", {**stamp, w + "id": "3"})
    old_place = etree.SubElement(moved_from, w + "r")
    etree.SubElement(old_place, w + "delText").text = "reporters"
    run.addnext(moved_from)
    moved_from.addnext(_run(tail[:]))
    moved_to = etree.Element(w + "moveTo", {**stamp, w + "id": "4"})
    moved_to.append(_run(" reporters"))
    para.append(moved_to)
    copy.save()
    done = _publish(tmp_path, "import", "dist/article.docx", "--track-changes", "keep")
    assert done.returncode == 0, done.stderr
    [(old, new)] = _changed(before, article.read_text("utf-8"))
    assert "{++said and ++}" + STAMP + "x{--told--}" + STAMP in new
    assert "{--reporters--}" + STAMP in new
    assert new.endswith("{++ reporters++}" + STAMP)


def test_keep_writes_a_comment_and_its_reply_where_they_are_and_every_mode_writes_the_review(tmp_path: Path) -> None:
    article = _project(tmp_path)
    before = article.read_text("utf-8")
    copy = Copy(tmp_path / "dist" / "article.docx")
    _comment(copy, copy.paragraph("Bessent told reporters"), "reporters",
             [("Legal", "2026-12-01T10:00:00Z", "Which ones?", None), ("Ana Ruiz", "2026-12-02T00:00:00Z", "Two.", "0")])
    copy.save()
    line = next(n for n, text in enumerate(before.splitlines(), 1) if "Bessent told reporters" in text)
    done = _publish(tmp_path, "import", "dist/article.docx")  # accept: the source keeps its text, the review lists them
    assert done.returncode == 0, done.stderr
    assert article.read_text("utf-8") == before
    review = (tmp_path / "dist" / "article.review.md").read_text("utf-8")
    assert f"1. **Legal**, 2026-12-01T10:00:00Z, on “reporters” (source/article.md:{line}):\n   Which ones?\n" \
           "   - **Ana Ruiz**, 2026-12-02: Two.\n" in review
    (tmp_path / "dist" / "article.review.md").unlink()
    done = _publish(tmp_path, "import", "dist/article.docx", "--track-changes", "keep")
    assert done.returncode == 0, done.stderr
    [(old, new)] = _changed(before, article.read_text("utf-8"))
    assert new == old.replace("reporters", '{==reporters==}{>>Which ones?<<}{author="Legal" date=2026-12-01T10:00:00Z}'
                                           '{>>Two.<<}{author="Ana Ruiz" date=2026-12-02}', 1)
    assert (tmp_path / "dist" / "article.review.md").is_file()


def _critic_project(tmp_path: Path) -> Path:
    (tmp_path / "publish.yaml").write_text("", "utf-8")
    (tmp_path / "source").mkdir()
    article = tmp_path / "source" / "article.md"
    article.write_text(SOURCE, "utf-8")
    build([article], formats=["docx"], out=tmp_path / "dist", project=tmp_path)
    return article


def test_a_source_with_criticmarkup_comes_back_byte_for_byte_under_keep(tmp_path: Path) -> None:
    article = _critic_project(tmp_path)
    done = _publish(tmp_path, "import", "dist/article.docx", "--track-changes", "keep", "--into", "kept.md")
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "kept.md").read_text("utf-8") == SOURCE
    assert article.read_text("utf-8") == SOURCE


def test_accept_and_reject_of_a_copy_with_revisions_give_the_accepted_and_the_rejected_text(tmp_path: Path) -> None:
    _critic_project(tmp_path)
    # the paragraph is written again at the source's width, so it fits on one line now
    for mode, first, second in (("accept", "The very big dog walked home.", "Nobody touched this line."),
                                ("reject", "The big old dog ran home.", "Nobody touched this line.")):
        done = _publish(tmp_path, "import", "dist/article.docx", "--track-changes", mode, "--into", f"{mode}.md")
        assert done.returncode == 0, done.stderr
        text = (tmp_path / f"{mode}.md").read_text("utf-8")
        body = text.split("---\n", 2)[2]
        assert body == f"\n{first}\n\n{second}\n\nA plain last paragraph.\n", mode


def _tracked_in(path: Path) -> list[tuple[str, str | None, str | None, str]]:
    with zipfile.ZipFile(path) as package:
        body = etree.fromstring(package.read("word/document.xml"))
    return [(e.tag.split("}")[1], e.get(w + "author"), e.get(w + "date"),
             "".join(t.text or "" for t in e.iter(w + "t", w + "delText"))) for e in body.iter(w + "ins", w + "del")]


def test_round_trip_edit_in_word_keep_build_gives_word_the_same_tracked_changes_and_accept_takes_them(tmp_path: Path) -> None:
    article = _project(tmp_path)
    copy = Copy(tmp_path / "dist" / "article.docx")
    _tracked(copy.paragraph("Bessent told reporters"), "reporters", "journalists")
    edited = copy.save(tmp_path / "edited.docx")
    accepted_at_once = _publish(tmp_path, "import", "edited.docx", "--into", "accepted-at-once.md")
    assert accepted_at_once.returncode == 0, accepted_at_once.stderr
    done = _publish(tmp_path, "import", "edited.docx", "--track-changes", "keep")
    assert done.returncode == 0, done.stderr
    assert "{~~reporters~>journalists~~}" in article.read_text("utf-8")
    build([article], formats=["docx"], out=tmp_path / "dist", project=tmp_path)
    rebuilt = tmp_path / "dist" / "article.docx"
    assert _tracked_in(rebuilt) == [("del", "Copy Editor", "2026-12-01T10:00:00Z", "reporters"),
                                    ("ins", "Copy Editor", "2026-12-01T10:00:00Z", "journalists")]
    assert _tracked_in(rebuilt) == _tracked_in(edited)
    done = _publish(tmp_path, "import", "dist/article.docx", "--into", "accepted.md")
    assert done.returncode == 0, done.stderr
    accepted = (tmp_path / "accepted.md").read_text("utf-8")
    assert "{~~" not in accepted and "Bessent told journalists" in accepted.replace("\n", " ")
    assert accepted == (tmp_path / "accepted-at-once.md").read_text("utf-8")


def test_an_edit_beside_revisions_and_comments_writes_them_again_as_they_were(tmp_path: Path) -> None:
    _critic_project(tmp_path)
    copy = Copy(tmp_path / "dist" / "article.docx")
    para = copy.paragraph("Nobody")
    para.find(f"{w}r/{w}t").text = "Somebody "
    copy.save()
    done = _publish(tmp_path, "import", "dist/article.docx", "--track-changes", "keep", "--into", "kept.md")
    assert done.returncode == 0, done.stderr
    [(old, new)] = _changed(SOURCE, (tmp_path / "kept.md").read_text("utf-8"))
    assert new == old.replace("Nobody", "Somebody")


def test_a_copy_with_revisions_saved_by_libreoffice_comes_back_byte_for_byte_under_keep(tmp_path: Path) -> None:
    """LibreOffice keeps the tracked changes and comments (it drops the replies' threads and writes
    a comment with no date as 0-00-00): the unedited copy still gives the source it was built from."""
    article = _critic_project(tmp_path)
    _libreoffice_save(tmp_path, tmp_path / "dist" / "article.docx")
    done = _publish(tmp_path, "import", "dist/article.docx", "--track-changes", "keep", "--into", "kept.md")
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "kept.md").read_text("utf-8") == SOURCE == article.read_text("utf-8")
    review = (tmp_path / "dist" / "article.review.md").read_text("utf-8")
    assert "**Cy Lee**, 2026-12-03, on “touched this” (source/article.md:8):\n   Is it true?" in review
    assert "0-00-00" not in review


def test_keep_marks_a_paragraph_deleted_and_one_inserted_whole_with_their_paragraph_marks(tmp_path: Path) -> None:
    article = _project(tmp_path)
    before = article.read_text("utf-8")
    copy = Copy(tmp_path / "dist" / "article.docx")
    para = copy.paragraph("Bessent told reporters")
    stamp = {w + "author": "Ed", w + "date": "2026-12-05T08:00:00Z"}
    added = etree.Element(w + "p")  # a paragraph inserted after it: its mark and its runs tracked
    mark = etree.SubElement(etree.SubElement(added, w + "pPr"), w + "rPr")
    etree.SubElement(mark, w + "ins", {**stamp, w + "id": "7"})
    etree.SubElement(added, w + "ins", {**stamp, w + "id": "8"}).append(_run("A new paragraph."))
    para.addnext(added)
    for run in [r for r in para if r.tag == w + "r" and r.find(w + "t") is not None]:  # and it deleted whole
        holder = etree.Element(w + "del", {**stamp, w + "id": "9"})
        run.addprevious(holder)
        holder.append(run)
        for text in run.iter(w + "t"):
            text.tag = w + "delText"
    copy.save()
    done = _publish(tmp_path, "import", "dist/article.docx", "--track-changes", "keep")
    assert done.returncode == 0, done.stderr
    old = next(line for line in before.splitlines() if line.startswith("Bessent told reporters"))
    stamp_md = '{author="Ed" date=2026-12-05T08:00:00Z}'
    assert article.read_text("utf-8") == before.replace(
        old, "{--" + old + "--}" + stamp_md + "\n\n{++A new paragraph.++}" + stamp_md)


def test_a_heading_with_an_insertion_is_accepted_without_it_taken_for_attributes_and_a_note_comment_names_its_note(tmp_path: Path) -> None:
    (tmp_path / "publish.yaml").write_text("", "utf-8")
    article = tmp_path / "a.md"
    article.write_text("---\ntitle: Notes\n---\n\nText with a note.[^n]\n\n"
                       '[^n]: The note {==says==}{>>Really?<<}{author="B" date=2026-01-02} so.\n\n'
                       '# Heading {++more++}{author="A"}\n', "utf-8")
    build([article], formats=["docx"], out=tmp_path / "dist", project=tmp_path)
    done = _publish(tmp_path, "import", "dist/a.docx", "--into", "accepted.md")
    assert done.returncode == 0, done.stderr
    accepted = (tmp_path / "accepted.md").read_text("utf-8")
    assert accepted.endswith("\n# Heading more\n") and "[^n]: The note says so." in accepted
    review = (tmp_path / "dist" / "a.review.md").read_text("utf-8")
    assert "1. **B**, 2026-01-02, on “says” (the footnote at a.md:7):\n   Really?" in review


def test_a_comment_on_the_rights_notice_is_no_edit_of_it_under_keep_and_the_review_names_the_field(tmp_path: Path) -> None:
    article = _project(tmp_path)
    before = article.read_bytes()
    copy = Copy(tmp_path / "dist" / "article.docx")
    _comment(copy, copy.paragraph("caixinglobal.com is the English"), "authorized", [("Legal", "2026-12-01T10:00:00Z", "Still valid?", None)])
    copy.save()
    done = _publish(tmp_path, "import", "dist/article.docx", "--track-changes", "keep")
    assert done.returncode == 0, done.stderr
    assert article.read_bytes() == before
    review = (tmp_path / "dist" / "article.review.md").read_text("utf-8")
    assert "1. **Legal**, 2026-12-01T10:00:00Z, on “authorized” (the rights field):\n   Still valid?" in review
    _tracked(copy.paragraph("caixinglobal.com is the English"), "reprint", "copy")  # a tracked edit of it still is one
    copy.save()
    done = _publish(tmp_path, "import", "dist/article.docx", "--track-changes", "keep")
    assert done.returncode == 1 and "rights notice" in done.stderr
