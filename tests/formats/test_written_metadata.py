"""The metadata each writer writes, every field, read back with poppler, lxml and zipfile and compared with the front matter; each test builds its own file, so the check is the build's."""
from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

import pytest
import yaml
from lxml import etree

from independent import docx_properties, epub_opf, pdf_info, pdf_xmp, plain
from publish.builder.pipeline import build

FULL = {
    "title": "Ports & Rivers: “Tides” < 5 m",
    "subtitle": "What the *water* keeps",
    "author": ["Ana Lima", "Bo Berg"],
    "date": dt.date(2024, 5, 17),
    "lang": "en-GB",
    "publisher": "Press & Co",
    "rights": "© 2024 Press & Co. Reprinted with permission <2024> – “all” rights reserved.",
    "identifier": "urn:isbn:9780000000019",
    "keywords": ["ports", "rivers & tides", "climate"],
    "description": "How ports & rivers meet.",
    "source": {"name": "River Review", "url": "https://river.example.org/a"},
    "credits": ["Photo: Ana Lima", "Map: Bo Berg & Co"],
    "contact": "Contact editor Ana Lima (<ana@example.org>)",
}
MINIMAL = {"title": "Only a Title"}
DC = "{http://purl.org/dc/elements/1.1/}"
OPF = "{http://www.idpf.org/2007/opf}"


def _article(folder: Path, meta: dict) -> Path:
    source = folder / "article.md"
    source.write_text("---\n" + yaml.safe_dump(meta, allow_unicode=True, sort_keys=False) + "---\n\nOne paragraph.\n", "utf-8")
    return source


@pytest.fixture(autouse=True)
def _no_epoch(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)


def _built(tmp_path: Path, meta: dict, fmt: str) -> Path:
    [result] = build([_article(tmp_path, meta)], formats=[fmt], out=tmp_path / "out", project=tmp_path)
    return result.path


# -- PDF ----------------------------------------------------------------------------------------
def _xmp_values(xmp: etree._Element, name: str) -> list[str]:
    found = []
    for element in xmp.iter(f"{DC}{name}"):
        items = list(element.iter("{*}li"))
        found.extend(li.text or "" for li in items) if items else found.append(element.text or "")
    return found


def test_pdf_info_and_xmp_carry_every_field(tmp_path: Path) -> None:
    path = _built(tmp_path, FULL, "pdf")
    info = pdf_info(path)
    assert info["Title"] == FULL["title"] and info["Author"] == ", ".join(FULL["author"])
    assert info["Keywords"] == ", ".join(FULL["keywords"]) and info["CreationDate"].startswith("2024-05-17")
    custom = {k: info.get(k) for k in ("Rights", "Source", "SourceURL", "Publisher", "Contact", "Credits", "Identifier")}
    assert custom == {
        "Rights": FULL["rights"],
        "Source": FULL["source"]["name"],
        "SourceURL": FULL["source"]["url"],
        "Publisher": FULL["publisher"],
        "Contact": plain(FULL["contact"]),
        "Credits": "; ".join(FULL["credits"]),
        "Identifier": FULL["identifier"],
    }
    xmp = pdf_xmp(path)
    assert _xmp_values(xmp, "rights") == [FULL["rights"]]
    assert _xmp_values(xmp, "publisher") == [FULL["publisher"]]
    assert _xmp_values(xmp, "source") == [f"{FULL['source']['name']} ({FULL['source']['url']})"]
    assert _xmp_values(xmp, "language") == [FULL["lang"]]
    assert _xmp_values(xmp, "date") == ["2024-05-17"]
    assert _xmp_values(xmp, "identifier") == [FULL["identifier"]]
    assert _xmp_values(xmp, "subject") == FULL["keywords"]
    assert _xmp_values(xmp, "title") == [FULL["title"]]
    assert len(list(xmp.iter("{http://www.w3.org/1999/02/22-rdf-syntax-ns#}RDF"))) == 1
    _no_stray_text(xmp)


def _no_stray_text(root: etree._Element) -> None:
    """Text only in leaf elements: nothing between the elements of the packet."""
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        if len(element):
            assert not (element.text or "").strip(), f"text {element.text!r} in {element.tag}"
        if element is not root:
            assert not (element.tail or "").strip(), f"text {element.tail!r} after {element.tag}"


def test_the_pdfs_xmp_packet_is_unfiltered_so_a_byte_scanner_finds_it(tmp_path: Path) -> None:
    # XMP's own rule: a packet is found by scanning a file's bytes for its xpacket wrapper
    data = _built(tmp_path, FULL, "pdf").read_bytes()
    start, end = data.find(b"<?xpacket begin="), data.find(b"<?xpacket end=")
    assert 0 < start < end, "no unfiltered XMP packet in the PDF's bytes"
    packet = data[start:end].decode("utf-8")
    assert "Ports &amp; Rivers: “Tides” &lt; 5 m" in packet
    assert "Ana Lima" in packet


def test_a_packet_without_rdf_is_refused_with_a_clear_error() -> None:
    from publish.errors import OutputError
    from publish.formats.pdf.write import merge_xmp

    with pytest.raises(OutputError) as caught:
        merge_xmp(b"<x:xmpmeta xmlns:x='adobe:ns:meta/'/>", "<rdf:Description/>")
    assert str(caught.value) == "WeasyPrint wrote an XMP packet without rdf:RDF; cannot add the Dublin Core fields"
    merged = merge_xmp(b'<?xml version="1.0"?>\n<rdf:RDF>A</rdf:RDF>', "<d/>")
    assert merged == b"<rdf:RDF>A<d/></rdf:RDF>", "the declaration goes, the description joins the one RDF"


def test_a_pdfa3_keeps_its_own_xmp_and_lists_its_attachment_once(tmp_path: Path) -> None:
    """WeasyPrint writes the XMP of a PDF/A itself (with its pdfaid part) and lists the attached
    source twice: publish adds the Dublin Core fields to that packet and lists the source once."""
    from pypdf import PdfReader

    source = _article(tmp_path, FULL)
    [result] = build([source], formats=["pdf"], out=tmp_path / "out", project=tmp_path, options={"pdf_variant": "pdf/a-3b"})
    xmp = pdf_xmp(result.path)
    assert [e.text for e in xmp.iter("{http://www.aiim.org/pdfa/ns/id/}part")] + [
        v for d in xmp.iter("{http://www.w3.org/1999/02/22-rdf-syntax-ns#}Description") for k, v in d.attrib.items() if k.endswith("}part")
    ] == ["3"]
    assert _xmp_values(xmp, "rights") == [FULL["rights"]] and _xmp_values(xmp, "publisher") == [FULL["publisher"]]
    _no_stray_text(xmp)
    root = PdfReader(str(result.path)).trailer["/Root"]
    assert len(root["/AF"]) == 1 and root["/AF"][0].get_object()["/F"] == "article.md"


def test_a_pdf_of_a_bare_article_invents_no_field(tmp_path: Path) -> None:
    path = _built(tmp_path, MINIMAL, "pdf")
    info = pdf_info(path)
    assert info["Title"] == MINIMAL["title"]
    assert not {"Rights", "Source", "SourceURL", "Publisher", "Contact", "Credits"} & set(info)
    assert info["Identifier"].startswith("urn:uuid:")
    xmp = pdf_xmp(path)
    for name in ("rights", "publisher", "source", "date", "subject"):
        assert _xmp_values(xmp, name) == [], name
    assert _xmp_values(xmp, "language") == ["en"] and _xmp_values(xmp, "identifier") == [info["Identifier"]]


def test_a_source_without_url_is_named_alone(tmp_path: Path) -> None:
    path = _built(tmp_path, {**MINIMAL, "source": {"name": "River Review"}}, "pdf")
    assert _xmp_values(pdf_xmp(path), "source") == ["River Review"]
    assert pdf_info(path)["Source"] == "River Review" and "SourceURL" not in pdf_info(path)


# -- EPUB ---------------------------------------------------------------------------------------
def _opf(path: Path) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    """(Dublin Core values by element name, meta values by property) of the OPF."""
    opf = epub_opf(path)
    metadata = opf.find(f"{OPF}metadata")
    dc: dict[str, list[str]] = {}
    meta: dict[str, list[str]] = {}
    for element in metadata:
        if not isinstance(element.tag, str):
            continue
        if element.tag.startswith(DC):
            dc.setdefault(etree.QName(element).localname, []).append(element.text or "")
        elif element.get("property") and not element.get("refines"):
            meta.setdefault(element.get("property"), []).append(element.text or "")
    return dc, meta


def test_epub_opf_carries_every_field(tmp_path: Path) -> None:
    path = _built(tmp_path, FULL, "epub")
    dc, meta = _opf(path)
    assert dc == {
        "identifier": [FULL["identifier"]],
        "title": [FULL["title"], plain(FULL["subtitle"])],
        "language": [FULL["lang"]],
        "creator": FULL["author"],
        "date": ["2024-05-17"],
        "publisher": [FULL["publisher"]],
        "rights": [FULL["rights"]],
        "source": [f"{FULL['source']['name']} ({FULL['source']['url']})"],
        "description": [FULL["description"]],
        "subject": FULL["keywords"],
    }
    assert meta["schema:creditText"] == FULL["credits"]
    assert meta["schema:contactPoint"] == [plain(FULL["contact"])]
    assert meta["dcterms:modified"] == ["2024-05-17T00:00:00Z"]
    opf = epub_opf(path)
    assert opf.get("unique-identifier") == opf.find(f"{OPF}metadata/{DC}identifier").get("id")
    # EPUB 3 refinements: which title is the main one, and that each creator is an author
    ids = {e.get("id"): e.text for e in opf.iterfind(f"{OPF}metadata/{DC}*") if e.get("id")}
    refines = sorted((m.get("refines"), m.get("property"), m.get("scheme"), m.text) for m in opf.iterfind(f"{OPF}metadata/{OPF}meta") if m.get("refines"))
    expected = [("#title", "title-type", None, "main"), ("#subtitle", "title-type", None, "subtitle")]
    expected += [(f"#creator{i}", "role", "marc:relators", "aut") for i in range(len(FULL["author"]))]
    assert [r for r in refines if r[0] != "#conformance"] == sorted(expected)
    assert ids["title"] == FULL["title"] and ids["subtitle"] == plain(FULL["subtitle"])
    assert [ids[f"creator{i}"] for i in range(len(FULL["author"]))] == FULL["author"]
    # the title readers show in their library and table of contents
    assert [r.get("title") for r in opf.iterfind(f"{OPF}guide/{OPF}reference") if r.get("type") == "text"] == [FULL["title"]]
    with zipfile.ZipFile(path) as archive:
        ncx = etree.fromstring(archive.read("EPUB/toc.ncx"))
    assert ncx.findtext("{*}docTitle/{*}text") == FULL["title"]
    # accessibility metadata that is true of a text-only article
    assert meta["schema:accessMode"] == ["textual"] and meta["schema:accessModeSufficient"] == ["textual"]
    assert meta["schema:accessibilityFeature"] == ["structuralNavigation", "tableOfContents", "readingOrder", "displayTransformability"]
    assert meta["schema:accessibilityHazard"] == ["none"]
    summary = opf.find(f"{OPF}metadata/{OPF}meta[@property='schema:accessibilitySummary']")
    assert summary.get("{http://www.w3.org/XML/1998/namespace}lang") == "en" and "reflowable" in summary.text


def test_an_epub_claims_conformance_only_in_the_name_of_a_certifier_the_article_gives(tmp_path: Path) -> None:
    path = _built(tmp_path, {**FULL, "accessibility-certifier": "Jane Auditor"}, "epub")
    opf = epub_opf(path)
    claims = [(m.get("id"), m.get("refines"), m.get("property"), m.text) for m in opf.iterfind(f"{OPF}metadata/{OPF}meta")
              if m.get("property") in ("dcterms:conformsTo", "a11y:certifiedBy")]
    assert claims == [
        ("conformance", None, "dcterms:conformsTo", "EPUB Accessibility 1.1 - WCAG 2.1 Level AA"),
        (None, "#conformance", "a11y:certifiedBy", "Jane Auditor"),
    ]
    assert "dcterms:conformsTo" not in _opf(_built(tmp_path, FULL, "epub"))[1], "no certifier, no claim"


def test_an_epub_of_a_bare_article_invents_no_field(tmp_path: Path) -> None:
    path = _built(tmp_path, MINIMAL, "epub")
    dc, meta = _opf(path)
    summary = epub_opf(path).find(f"{OPF}metadata/{OPF}meta[@property='schema:accessibilitySummary']")
    assert summary.get("{http://www.w3.org/XML/1998/namespace}lang") is None, "the package's language says it"
    assert set(dc) == {"identifier", "title", "language"} and dc["title"] == [MINIMAL["title"]] and dc["language"] == ["en"]
    assert "schema:creditText" not in meta and "schema:contactPoint" not in meta
    source_only = _built(tmp_path, {**MINIMAL, "source": {"name": "River Review"}}, "epub")
    assert _opf(source_only)[0]["source"] == ["River Review"]


# -- DOCX ---------------------------------------------------------------------------------------
def test_docx_core_and_custom_properties_carry_every_field(tmp_path: Path) -> None:
    found = docx_properties(_built(tmp_path, FULL, "docx"))
    assert found["title"] == [FULL["title"]] and found["creator"] == ["; ".join(FULL["author"])]
    assert found["subject"] == [plain(FULL["subtitle"])] and found["description"] == [FULL["description"]]
    assert found["keywords"] == [", ".join(FULL["keywords"])] and found["language"] == [FULL["lang"]]
    assert found["identifier"] == [FULL["identifier"]] and found["lastModifiedBy"] == [FULL["publisher"]]
    assert found["created"] == found["modified"] == ["2024-05-17T00:00:00Z"] and found["revision"] == ["1"]
    path = tmp_path / "out" / "article.docx"
    with zipfile.ZipFile(path) as package:
        custom_xml = etree.fromstring(package.read("docProps/custom.xml"))
        app = etree.fromstring(package.read("docProps/app.xml"))
        rels = etree.fromstring(package.read("_rels/.rels"))
    vt = "{http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes}"
    assert [p.get("pid") for p in custom_xml] == [str(i) for i in range(2, 2 + len(custom_xml))], "Word numbers them from 2"
    assert all(len(p) == 1 and p[0].tag == f"{vt}lpwstr" for p in custom_xml)
    _no_stray_text(custom_xml)
    assert app.findtext("{*}Company") == FULL["publisher"] and app.findtext("{*}Application") == "publish"
    custom_rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/custom-properties"
    assert [r.get("Target") for r in rels if r.get("Type") == custom_rel] == ["docProps/custom.xml"]
    # publish import's marks: the source's path inside the project, its sha256, the fields' hashes
    marks = ("PublishSource", "PublishSourceSHA256", "PublishFields")
    assert found["PublishSource"] == ["article.md"] and len(found["PublishSourceSHA256"][0]) == 64
    custom = {k: v for k, v in found.items() if k[0].isupper() and k not in marks}
    assert custom == {
        "Rights": [FULL["rights"]],
        "Source": [FULL["source"]["name"]],
        "SourceURL": [FULL["source"]["url"]],
        "Publisher": [FULL["publisher"]],
        "Contact": [plain(FULL["contact"])],
        "Date": ["2024-05-17"],
        "Credits": ["; ".join(FULL["credits"])],
    }


def test_a_docx_of_a_bare_article_invents_no_field(tmp_path: Path) -> None:
    found = docx_properties(_built(tmp_path, MINIMAL, "docx"))
    assert found["title"] == [MINIMAL["title"]] and found["creator"] == [""] and found["subject"] == [""]
    assert found["keywords"] == [""] and found["description"] == [""] and found["lastModifiedBy"] == [""]
    assert found["created"] == ["1980-01-01T00:00:00Z"], "no date: the fixed epoch, never the clock"
    marks = {"PublishSource", "PublishSourceSHA256", "PublishFields"}  # publish import's, not the article's
    assert not [k for k in found if k[0].isupper() and k not in marks], "no custom property without a value"


def test_the_docx_subject_falls_back_to_the_description_then_the_source_line(tmp_path: Path) -> None:
    described = docx_properties(_built(tmp_path, {**MINIMAL, "description": "A summary.", "source": {"name": "River Review"}}, "docx"))
    assert described["subject"] == ["A summary."]
    sourced = docx_properties(_built(tmp_path, {**MINIMAL, "source": {"name": "River Review"}, "publisher": "Press"}, "docx"))
    assert sourced["subject"] == ["Reprinted from River Review"] and sourced["creator"] == ["Press"]


def test_a_value_longer_than_word_allows_ends_in_an_ellipsis_at_255_characters(tmp_path: Path) -> None:
    title = "T" * 254
    found = docx_properties(_built(tmp_path, {"title": title}, "docx"))
    assert found["title"] == [title] and "Title" not in found
    longer = "T" * 255
    found = docx_properties(_built(tmp_path, {"title": longer}, "docx"))
    assert found["title"] == [longer] and "Title" not in found, "255 characters fit"
    longest = "T" * 256
    keywords = [f"keyword {i:03}" for i in range(30)]
    found = docx_properties(_built(tmp_path, {"title": longest, "keywords": keywords}, "docx"))
    assert found["title"] == ["T" * 254 + "…"] and found["Title"] == [longest]
    assert found["keywords"] == [", ".join(keywords)[:254] + "…"] and found["Keywords"] == [", ".join(keywords)]


def test_a_reference_docx_with_custom_properties_gives_way_to_the_articles(tmp_path: Path) -> None:
    """A theme whose Word reference is an earlier publish output (with its own custom.xml): the new
    DOCX has one custom-properties part, the new article's."""
    (tmp_path / "earlier").mkdir()
    reference = _built(tmp_path / "earlier", {**MINIMAL, "rights": "Old rights", "publisher": "Old Press"}, "docx")
    theme = tmp_path / "worded"
    (theme / "docx").mkdir(parents=True)
    (theme / "theme.yaml").write_text("extends: default\n", "utf-8")
    reference.replace(theme / "docx" / "reference.docx")
    [result] = build([_article(tmp_path, FULL)], formats=["docx"], out=tmp_path / "out", project=tmp_path, theme=str(theme))
    with zipfile.ZipFile(result.path) as package:
        names = package.namelist()
        rels = etree.fromstring(package.read("_rels/.rels"))
    custom_rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/custom-properties"
    assert [r.get("Target") for r in rels if r.get("Type") == custom_rel] == ["docProps/custom.xml"]
    assert names.count("docProps/custom.xml") == 1
    found = docx_properties(result.path)
    assert found["Rights"] == [FULL["rights"]] and found["Publisher"] == [FULL["publisher"]]
