"""The metadata each writer writes, every field, read back with poppler, lxml and zipfile and compared with the front matter; each test builds its own file, so the check is the build's."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml
from lxml import etree

from independent import docx_properties, epub_opf, pdf_info, pdf_xmp, plain
from publish.pipeline import build

FULL = {
    "title": "Ports & Rivers: “Tides” <Rising>",
    "subtitle": "What the *water* keeps",
    "author": ["Ana Lima", "Bo Berg"],
    "date": dt.date(2024, 5, 17),
    "lang": "en-GB",
    "publisher": "Press & Co",
    "rights": "© 2024 Press & Co. Reprinted with <permission> – “all” rights reserved.",
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
    assert epub_opf(path).get("unique-identifier") == epub_opf(path).find(f"{OPF}metadata/{DC}identifier").get("id")


def test_an_epub_of_a_bare_article_invents_no_field(tmp_path: Path) -> None:
    path = _built(tmp_path, MINIMAL, "epub")
    dc, meta = _opf(path)
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
    custom = {k: v for k, v in found.items() if k[0].isupper()}
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
    assert not [k for k in found if k[0].isupper()], "no custom property without a value"


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
    assert docx_properties(_built(tmp_path, {"title": longer}, "docx"))["title"] == [longer]
    longest = "T" * 256
    found = docx_properties(_built(tmp_path, {"title": longest}, "docx"))
    assert found["title"] == ["T" * 254 + "…"] and found["Title"] == [longest]
