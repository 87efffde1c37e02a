"""A collection (an issue, a digest, an anthology) as one Word document: ``CollectionWriter``.

Its layout, in Word sections (each starting on a new page):

- the front: the collection's title block (masthead, title, subtitle, the issue line, date,
  "Edited by A and B"), the contents as a TOC field and the editor's introduction; its running
  head is the collection's short title;
- one section per article: the section's name (when the article opens one, in ``Section
  Title``), the article's own title block (its title in ``Article Title``, which looks as
  ``Title`` does), body, footnotes (Word footnotes, numbered again from 1 in each section,
  as the article numbers them; LibreOffice 7.4, which restarts notes per page or chapter only,
  numbers them on through the document) and end matter; its running head is the article's
  short title, its runs carry the article's language (``w:lang``) and its script's fonts, and an article
  written right to left is a right-to-left section (``publish.formats.docx.bidi``);
- the permissions page (every article's title, authors, source line, notice verbatim and
  credits), then the collection's own end matter.

Every section after the front has a running head of its own and takes the rest from the front
(Word's "Link to Previous"): no head or foot on its opening page, as a title page has, and the
folio ("Page 3 of 40") on the others, so the page numbers run on.

**The contents** is a TOC field, ``TOC \\h \\z \\t "Section Title,1,Article Title,2"``: when
Word updates it, it lists exactly the section names (and the permissions page, a
``Section Title`` too) and the articles' titles under them, each with its page, linked. Until
then its cached result is publish's own contents, which Word and LibreOffice show as it is: each section, each article's
title linked to its bookmark, its authors and source under it (``Contents Byline``), and the
permissions page. (``\\o "1-3"`` would list every heading inside the articles instead, and not
their titles, which are no headings.)

**Markers.** Each article's first paragraph holds the bookmark ``article-<n>`` (the id
``formats.collection`` gives it; the contents link to it) and the permissions heading the
bookmark ``permissions``; the read-back (``read``) cuts the body at them. LibreOffice keeps
both. Bookmarks inside an article are named ``a<n>_<id>``, its ``#id`` links alike.

**Properties.** The core properties are the collection's: title, subject (its subtitle), the
editors as ``creator`` (Word shows it as the document's Author in File > Info and in Explorer's
columns, where readers look for who made it; an edited volume is catalogued under its
editors), ``lastModifiedBy`` its publisher, as for an article, its date, language and keywords
(else every article's keywords, once each). The custom properties hold the collection's own
fields (``Rights``, ``Publisher``, ``Date``, ``Editors``, ``Volume``, ``Issue``, ``Number``) and,
for each article n, in order::

    Article n Title, Article n Subtitle, Article n Authors ("; " between names), Article n Language,
    Article n Section, Article n Rights (the notice verbatim), Article n Source, Article n SourceURL,
    Article n Publisher, Article n Contact, Article n Date (ISO 8601), Article n Credits ("; "
    between credits), Article n Keywords, Article n File

(a field the article lacks is left out). The read-back gives an article's part these as its
metadata, under an article's keys (``title``, ``creator``, ``date``, ``rights``...); its
``language`` is what its runs say (``w:lang``), as an article's is its styles', then its
Language property. A copy LibreOffice saved again keeps the bookmarks and verifies the same.
"""
from __future__ import annotations

from copy import deepcopy
from dataclasses import dataclass, field, replace
from typing import Any

from docx.enum.style import WD_STYLE_TYPE
from docx.oxml.ns import qn
from docx.section import Section
from docx.shared import Pt

from ...read.language import cjk_fonts, complex_language
from ...theme.options import first_named_font as first_font
from ..collection import PERMISSIONS, Entry, collection_view, entries, part_id
from ..job import Job
from ..localized import join_names
from ..view import build_date
from . import bidi, parts, styles
from .ooxml import PPR_ORDER, RPR_ORDER, element, put
from .write import Ctx, DocxWriter, _core_text, _empty, reprint_properties, script_font

#: The custom property name of an article's field.
ARTICLE_PROPERTY = "Article {n} {field}"
#: What the read-back gives each custom field of an article as (an article's own metadata keys).
PART_META = {"Title": "title", "Authors": "creator", "Date": "date", "Rights": "rights", "Source": "source",
             "Publisher": "publisher", "Keywords": "keywords", "Credits": "credits", "Contact": "contact"}
#: The paragraph styles a collection adds: an article's title, a section's name, the contents' entries.
ARTICLE_TITLE, SECTION_TITLE, BYLINE = "Article Title", "Section Title", "Contents Byline"
#: The permissions page's line for each article (its title and authors).
PERMISSION = "Permission Article"
#: Word's own names for the contents' levels (built-in styles: no w:customStyle)
TOC_NAMES = {"TOC 1": "toc 1", "TOC 2": "toc 2"}


@dataclass
class Group:
    """What one article (or the collection itself) put in the document: its body elements, its
    header, its notes, and the job it was written with (language, direction, fonts)."""

    job: Job
    elements: list[Any] = field(default_factory=list)
    sides: list[Any] = field(default_factory=list)
    notes: list[Any] = field(default_factory=list)
    #: paragraphs elsewhere that show this article (its contents entry, its permissions entry)
    mentions: list[Any] = field(default_factory=list)


#: The TOC field's instruction: section names (level 1) and article titles (level 2), linked
#: (``\\h``), without page numbers in Web view (``\\z``).
TOC_INSTRUCTION = f' TOC \\h \\z \\t "{SECTION_TITLE},1,{ARTICLE_TITLE},2" '


class CollectionWriter(DocxWriter):
    """A DocxWriter that writes a collection: it writes each article with the article's own job
    (``self.job`` is switched), into one document of one section per article."""

    def __init__(self, job: Job) -> None:
        super().__init__(job)
        self.base = job
        self.entries: list[Entry] = entries(job.doc, job.theme.options)
        self.collection = collection_view(job.doc, job.view, job.theme.options)
        self.front = Group(job)
        # the sections' names, the permissions page and the collection's end matter (its language)
        self.tail = Group(job)
        self.groups: dict[int, Group] = {}
        self.note_groups: list[Group] = []  # the group each of self.notes belongs to

    # -- the document ----------------------------------------------------------
    def render(self) -> bytes:
        self.prepare()
        self.collection_styles()
        self.declare_fonts()
        body = self.docx.element.body
        self.final = body.find(qn("w:sectPr"))
        with_tail = self.collection.permissions or self._has_end_matter()
        # the front: cover, title block, contents, introduction
        start = self._mark()
        self.cover()
        self.collection_title()
        self.contents()
        self.blocks(self.body, self.job.doc.blocks, Ctx())
        front_sect = deepcopy(self.final)  # the front keeps the page's heads and foots
        for child in list(self.final):
            if child.tag in (qn("w:headerReference"), qn("w:footerReference")):
                self.final.remove(child)
        self._section_break(front_sect)
        self.front.elements = self._since(start)
        previous_section: str | None = None
        for index, entry in enumerate(self.entries):
            last = index == len(self.entries) - 1 and not with_tail
            group = self._group(entry)
            if entry.part.section and entry.part.section != previous_section:
                # the section's name, at the top of its first article's first page, in the collection's language
                para = self.paragraph(self.body, SECTION_TITLE, text=entry.part.section)
                para.paragraph_format.keep_with_next = True
                self.tail.elements.append(para._p)
            previous_section = entry.part.section
            start = self._mark()
            self.article(entry, group)
            sect = self.final if last else deepcopy(self.final)
            if not last:
                self._section_break(sect)
            group.elements = self._since(start)
            self._running_head(sect, entry.view.short_title, group)
            put(sect, _restart_notes(), bidi.SECTPR_ORDER)
        if with_tail:
            start = self._mark()
            self.permissions()
            self.end_matter()
            self.tail.elements.extend(self._since(start))
            self._running_head(self.final, self.base.view.short_title, self.tail)
        self.footnotes()
        self.properties()
        stories = [self.docx.part] + ([self.notes_part] if self.notes_part is not None else [])
        parts.number_drawings(stories)
        self.lay_out()
        return self.package()

    def _mark(self) -> int:
        return list(self.docx.element.body).index(self.final)

    def _since(self, start: int) -> list[Any]:
        return list(self.docx.element.body)[start:self._mark()]

    def _has_end_matter(self) -> bool:
        meta, view = self.base.doc.meta, self.base.view
        return bool(meta.contact or meta.rights or meta.credits or view.publisher or view.keywords)

    def _group(self, entry: Entry) -> Group:
        """What the article put in the document so far."""
        return self.groups.setdefault(entry.number, Group(replace(self.base, doc=entry.doc, view=entry.view)))

    def _section_break(self, sect: Any) -> None:
        """End a section here: a paragraph of its own that holds the section's properties (what
        Word's Insert > Break > Next Page makes), as small as a paragraph can be."""
        para = self.body.add_paragraph("Normal")
        ppr = para._p.get_or_add_pPr()
        put(ppr, element("w:spacing", before="0", after="0", line="20", lineRule="exact"), PPR_ORDER)
        mark = element("w:rPr")
        mark.append(element("w:sz", val="2"))
        mark.append(element("w:szCs", val="2"))
        put(ppr, mark, PPR_ORDER)
        put(ppr, sect, PPR_ORDER)

    def _running_head(self, sect: Any, text: str, group: Group) -> None:
        """The section's own running head (its opening page keeps the front's empty one)."""
        header = _empty(Section(sect, self.docx.part).header, "Header")
        header.add_run(text)
        group.sides.append(header._p.getparent())

    # -- styles ------------------------------------------------------------------
    def collection_styles(self) -> None:
        """Article Title (as Title, an outline level so Word's navigation and TOC find it),
        Section Title (as Heading 1), the contents' TOC 1 and TOC 2, their bylines; and TOC
        Heading shown."""
        opts = self.options
        base = float(opts["font_size"])
        muted = opts["color_muted"]
        right = str(self.text_width // 635)
        looks = [
            (ARTICLE_TITLE, styles.Look(based_on="Title", next="Subtitle"), WD_STYLE_TYPE.PARAGRAPH),
            (SECTION_TITLE, styles.Look(based_on="Heading 1", next="Kicker", after=base * 1.2), WD_STYLE_TYPE.PARAGRAPH),
            ("TOC 1", styles.Look(next="Normal", bold=True, before=base * 0.8, after=base * 0.2, keep_next=True),
             WD_STYLE_TYPE.PARAGRAPH),
            ("TOC 2", styles.Look(next="Normal", left=base * 1.2 if self.collection.has_sections else 0, after=base * 0.4),
             WD_STYLE_TYPE.PARAGRAPH),
            (PERMISSION, styles.Look(next="End Matter", bold=True, before=base * 1.0, after=base * 0.2, keep_next=True),
             WD_STYLE_TYPE.PARAGRAPH),
            (BYLINE, styles.Look(based_on="Default Paragraph Font", italic=True, color=muted, size=base * 0.88),
             WD_STYLE_TYPE.CHARACTER),
        ]
        existing = {style.name for style in self.docx.styles}
        made = [styles._get_or_add(self.docx.styles, name, kind) for name, _, kind in looks]
        for style, (name, look, _) in zip(made, looks):
            if self.reference is None or name not in existing:
                styles._apply(style, look, self.docx.styles, None, self.complex_font)
        ppr = self.docx.styles[ARTICLE_TITLE].element.get_or_add_pPr()
        put(ppr, element("w:outlineLvl", val="1"), PPR_ORDER)  # under a Section Title (Heading 1's level 0)
        for name in ("TOC 1", "TOC 2"):  # Word's own TOC: the page number at the right, after dots
            if self.reference is None or name not in existing:
                tabs = element("w:tabs")
                tabs.append(element("w:tab", val="right", leader="dot", pos=right))
                put(self.docx.styles[name].element.get_or_add_pPr(), tabs, PPR_ORDER)
        self.docx.styles["TOC Heading"].hidden = False
        self.docx.styles["TOC Heading"].unhide_when_used = False
        self.style_ids.update((style.name, style.style_id) for style in self.docx.styles)
        for name, builtin in TOC_NAMES.items():  # Word fills these in when it updates the field
            style = self.docx.styles[name]
            style.element.get_or_add_name().val = builtin
            style.element.attrib.pop(qn("w:customStyle"), None)

    def declare_fonts(self) -> None:
        """The font table names each article's CJK font too (Noto Serif CJK JP for a Japanese
        article), with its fallback, as it names the collection's."""
        options = self.base.theme.options
        for entry in self.entries:
            chosen = {**options, "font_cjk": cjk_fonts(entry.doc.meta.lang, options["font_cjk"])}
            family = first_font(chosen["font_cjk"])
            if family != first_font(self.options["font_cjk"]):
                parts.font_table(self.docx, {family: styles.font_table(chosen)[family]})

    # -- the front ------------------------------------------------------------------
    def collection_title(self) -> None:
        """Masthead (the publisher), title, subtitle, issue line, date, editors: one ruled box."""
        view, meta, story = self.base.view, self.base.doc.meta, self.body
        if view.publisher:
            self.paragraph(story, "Kicker", text=view.publisher)
        self.paragraph(story, "Title", meta.title.inlines)
        if meta.subtitle:
            self.paragraph(story, "Subtitle", meta.subtitle.inlines)
        if self.collection.issue_line:
            self.paragraph(story, "Date", text=self.collection.issue_line)
        if view.date_display:
            self.paragraph(story, "Date", text=view.date_display)
        if self.collection.editors:
            self.paragraph(story, "Author", text=f"{view.labels['edited_by']} {join_names(self.collection.editors, view.lang)}")
        last = story.paragraphs[-1].paragraph_format
        last.space_after = Pt(float(self.options["font_size"]) * 1.6)

    def contents(self) -> None:
        """The contents heading, then a TOC field whose cached result lists each section, each
        article (title linked, authors and source) and the permissions page."""
        labels = self.base.view.labels
        self.paragraph(self.body, "TOC Heading", text=labels["contents"])
        lines: list[tuple[Any, Entry | None]] = []
        for section in self.collection.sections:
            if section.title:
                lines.append((self._toc_line("TOC 1", section.title, None), None))
            for entry in section.entries:
                para = self._toc_line("TOC 2", entry.view.title.text, entry.id)
                byline = entry.view.byline
                if entry.view.source_name:
                    byline += (" \u00b7 " if byline else "") + entry.view.source_name
                if byline:
                    run = para.add_run()
                    run.add_break()
                    self._run(para, byline, frozenset())._r.get_or_add_rPr().style = self.style_ids[BYLINE]
                lines.append((para, entry))
        if self.collection.permissions:
            lines.append((self._toc_line("TOC 1", labels["permissions"], PERMISSIONS), None))
        for para, entry in lines:
            if entry is not None:
                self._group(entry).mentions.append(para._p)
        first, last = lines[0][0]._p, lines[-1][0]._p
        begin = [_field_char("begin"), _instruction(TOC_INSTRUCTION), _field_char("separate")]
        anchor = first.pPr
        for run in reversed(begin):
            if anchor is not None:
                anchor.addnext(run)
            else:
                first.insert(0, run)
        last.append(_field_char("end"))
        lines[-1][0].paragraph_format.space_after = Pt(float(self.options["font_size"]) * 1.6)

    def _toc_line(self, style: str, text: str, target: str | None) -> Any:
        para = self.body.add_paragraph(style)
        if target is None:
            self._run(para, text, frozenset())
            return para
        link = element("w:hyperlink", anchor=target, history="1")
        run = self._run(para, text, frozenset())
        link.append(run._r)
        para._p.append(link)
        return para

    # -- an article -----------------------------------------------------------------
    def article(self, entry: Entry, group: Group) -> None:
        """The article's title block (bookmarked), body and end matter, written with its own job."""
        self.job, self.prefix = group.job, f"a{entry.number}_"
        try:
            count = len(self.body.paragraphs)
            self.title_block()
            title_id = self.style_ids["Title"]
            for para in self.body.paragraphs[count:]:
                if para._p.pPr is not None and para._p.pPr.style == title_id:
                    para._p.pPr.style = self.style_ids[ARTICLE_TITLE]
            self._marker(self.body.paragraphs[count]._p, entry.id)
            self.blocks(self.body, entry.doc.blocks, Ctx())
            self.end_matter()
        finally:
            self.job, self.prefix = self.base, ""

    def _marker(self, p: Any, name: str) -> None:
        """The bookmark ``name`` around paragraph ``p`` (an article's start, the permissions page)."""
        self.bookmarks.add(name)
        start = element("w:bookmarkStart", id=str(self._bookmark_id), name=name)
        end = element("w:bookmarkEnd", id=str(self._bookmark_id))
        self._bookmark_id += 1
        if p.pPr is not None:
            p.pPr.addnext(start)
        else:
            p.insert(0, start)
        p.append(end)

    def _footnote_ref(self, paragraph: Any, n: int, ctx: Ctx) -> None:
        before = len(self.notes)
        super()._footnote_ref(paragraph, n, ctx)
        if len(self.notes) > before:
            number = next((e.number for e in self.entries if e.doc is self.job.doc), None)
            self.note_groups.append(self.groups[number] if number is not None else self.front)

    def footnotes(self) -> None:
        """Each note written with its own article's job; kept with its article for the lay-out."""
        if not self.notes:
            parts.drop_footnotes(self.docx)
            return
        self.notes_part = parts.add_footnotes_part(self.docx)
        for (ident, n), group in zip(self.notes, self.note_groups):
            self.job = group.job
            number = next((e.number for e in self.entries if e.doc is group.job.doc), None)
            self.prefix = f"a{number}_" if number is not None else ""
            note = next((f for f in group.job.doc.footnotes if f.n == n), None)
            group.notes.append(self.footnote(ident, note.blocks if note else []))
        self.job, self.prefix = self.base, ""

    # -- the permissions page ----------------------------------------------------------
    def permissions(self) -> None:
        """Every article's title and authors, source line, notice verbatim and credits."""
        if not self.collection.permissions:
            return
        story = self.body
        heading = self.paragraph(story, SECTION_TITLE, text=self.base.view.labels["permissions"])
        self._marker(heading._p, PERMISSIONS)
        for entry in self.collection.entries:
            view = entry.view
            count = len(story.paragraphs)
            para = self.paragraph(story, PERMISSION)
            link = element("w:hyperlink", anchor=entry.id, history="1")
            link.append(self._run(para, view.title.text, frozenset())._r)
            para._p.append(link)
            if view.authors:
                self._run(para, ", " + view.byline, frozenset())
            if view.source_line:
                self.paragraph(story, "End Matter", text=view.source_line)
            if view.rights and entry.doc.meta.rights:
                self.paragraph(story, "Notice", entry.doc.meta.rights.inlines)
            for credit in entry.doc.meta.credits:
                if credit.text.strip():
                    self.paragraph(story, "Credit", credit.inlines)
            self.groups[entry.number].mentions.extend(p._p for p in story.paragraphs[count:])

    # -- language, direction, fonts --------------------------------------------------
    def lay_out(self) -> None:
        """Each article's paragraphs in its own direction and language, the rest in the collection's."""
        code = self.code_styles()
        collection_dir = self.base.view.dir
        seen = {id(side) for g in self.groups.values() for side in g.sides}
        others = [side for side in self.sides() if id(side) not in seen]
        bidi.lay_out([*self.front.elements, *self.front.notes, *self.tail.elements, *others], collection_dir, code)
        if collection_dir == "rtl":
            put(self.final, element("w:bidi"), bidi.SECTPR_ORDER)
        for number, group in self.groups.items():
            view = group.job.view
            bidi.lay_out([*group.elements, *group.notes, *group.sides], view.dir, code)
            lang = view.lang if view.lang != self.base.view.lang else None
            east_asia, complex_font = self._script_fonts(group.job)
            if lang or east_asia or complex_font:
                speak([*group.elements, *group.notes, *group.sides, *group.mentions], lang, east_asia, complex_font)

    def _script_fonts(self, job: Job) -> tuple[str | None, str | None]:
        """The article's CJK and complex-script fonts where they differ from the collection's."""
        options = job.theme.options
        cjk = first_font(cjk_fonts(job.doc.meta.lang, options["font_cjk"]))
        complex_font = script_font(job.doc, options)
        return (cjk if cjk != first_font(self.options["font_cjk"]) else None,
                complex_font if complex_font != self.complex_font else None)

    def complex_fonts(self) -> list[str]:
        """The collection's complex-script font and each article's (the Arabic article's Noto Naskh Arabic)."""
        found = [self.complex_font, *(script_font(entry.doc, self.base.theme.options) for entry in self.entries)]
        return list(dict.fromkeys(family for family in found if family))

    # -- properties --------------------------------------------------------------------
    def properties(self) -> None:
        view, meta = self.base.view, self.base.doc.meta
        when = build_date(meta)
        core = self.docx.core_properties
        keywords = view.keywords or list(dict.fromkeys(k for e in self.entries for k in e.view.keywords))
        keywords_text = ("; " if any("," in k for k in keywords) else ", ").join(keywords)
        core.title = _core_text(view.title.text)
        core.author = _core_text("; ".join(meta.editors) or (view.publisher or ""))
        core.subject = _core_text((view.subtitle.text if view.subtitle else None) or view.description or "")
        core.keywords = _core_text(keywords_text)
        core.comments = _core_text(view.description or "")
        core.language = _core_text(view.lang)
        core.identifier = _core_text(view.identifier)
        core.last_modified_by = _core_text(view.publisher or "")
        core.created = when
        core.modified = when
        core.revision = 1
        values: dict[str, str | None] = {
            "Rights": view.rights.text if view.rights else None,
            "Publisher": view.publisher,
            "Date": view.date_iso,
            "Editors": "; ".join(meta.editors) or None,
            "Volume": meta.volume,
            "Issue": meta.issue,
            "Number": meta.number,
            **{name: text for name, text in (("Title", view.title.text), ("Keywords", keywords_text)) if len(text) > 255},
        }
        for entry in self.entries:
            values.update(article_properties(entry))
        parts.custom_properties(self.docx, values)
        parts.app_properties(self.docx, view.publisher)


def article_properties(entry: Entry) -> dict[str, str | None]:
    """An article's custom properties (see the module's docstring)."""
    view = entry.view
    fields = {
        "Title": view.title.text,
        "Subtitle": view.subtitle.text if view.subtitle else None,
        "Authors": "; ".join(view.authors) or None,
        "Language": view.lang,
        "Section": entry.part.section,
        **reprint_properties(view),
        "Keywords": view.keywords_text or None,
        "File": entry.doc.path.name,
    }
    return {ARTICLE_PROPERTY.format(n=entry.number, field=name): value for name, value in fields.items()}


def speak(roots: list[Any], lang: str | None, east_asia_font: str | None, complex_font: str | None) -> None:
    """Give every run below ``roots`` the language ``lang`` (w:lang, its East Asian and complex-script
    tags as the styles give them) and, when given, the article's CJK and complex-script fonts."""
    east_asian = lang if lang and lang.split("-")[0] in ("zh", "ja", "ko") else None
    complex_lang = complex_language(lang) if lang else None
    for root in roots:
        for run in root.iter(qn("w:r")):
            rpr = run.find(qn("w:rPr"))
            if rpr is None:
                rpr = element("w:rPr")
                run.insert(0, rpr)
            if lang:
                tag = element("w:lang", val=lang)
                if east_asian:
                    tag.set(qn("w:eastAsia"), east_asian)
                if complex_lang:
                    tag.set(qn("w:bidi"), complex_lang)
                put(rpr, tag, RPR_ORDER)
            if east_asia_font or complex_font:
                fonts = rpr.find(qn("w:rFonts"))
                if fonts is None:
                    fonts = put(rpr, element("w:rFonts"), RPR_ORDER)
                if east_asia_font:
                    fonts.set(qn("w:eastAsia"), east_asia_font)
                if complex_font:
                    fonts.set(qn("w:cs"), complex_font)


def _restart_notes() -> Any:
    """A section's footnote properties: numbered from 1 again in each section."""
    props = element("w:footnotePr")
    props.append(element("w:numRestart", val="eachSect"))
    return props


def _field_char(kind: str) -> Any:
    run = element("w:r")
    run.append(element("w:fldChar", fldCharType=kind))
    return run


def _instruction(text: str) -> Any:
    run = element("w:r")
    instr = element("w:instrText")
    instr.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    instr.text = text
    run.append(instr)
    return run
