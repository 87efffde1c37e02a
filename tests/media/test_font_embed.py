"""Fonts that travel: the DOCX carries the theme's faces as Word embeds them (obfuscated, subset,
licence permitting), and LibreOffice on a machine without them sets the document in them."""
from __future__ import annotations

import io
import logging
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from fontTools.ttLib import TTFont
from lxml import etree

from conftest import ARTICLE, ROOT
from publish.media.font_embed import font_key, obfuscate
from publish.builder.pipeline import build

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
NS = {"w": W, "r": R, "rel": "http://schemas.openxmlformats.org/package/2006/relationships"}
_LIBREOFFICE_KEY_POSITIONS = (35, 33, 31, 29, 27, 25, 22, 20, 17, 15, 12, 10, 7, 5, 3, 1)


def _docx(source: Path, out: Path, theme: str | None = None) -> Path:
    [result] = build([source], formats=["docx"], out=out, project=ROOT, theme=theme)
    return result.path


@pytest.fixture(scope="module")
def docs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("fonts")
    return {"default": _docx(ARTICLE, out / "default"), "report": _docx(ARTICLE, out / "report", "report")}


def _deobfuscate_as_libreoffice_does(data: bytes, key: str) -> bytes:
    """LibreOffice's reading of an embedded font (writerfilter FontTable.cxx), written out
    independently of publish's own obfuscate()."""
    mask = [int(key[p : p + 2], 16) for p in _LIBREOFFICE_KEY_POSITIONS]
    head = bytearray(data[:32])
    for i in range(16):
        head[i] ^= mask[i]
        head[i + 16] ^= mask[i]
    return bytes(head) + data[32:]


def embedded(path: Path) -> dict[tuple[str, str], TTFont]:
    """(family, embed tag) -> the embedded font, read back from the package as Word would."""
    with zipfile.ZipFile(path) as package:
        table = etree.fromstring(package.read("word/fontTable.xml"))
        rels = {r.get("Id"): r.get("Target") for r in etree.fromstring(package.read("word/_rels/fontTable.xml.rels"))}
        found = {}
        for font in table.findall("w:font", NS):
            for embed in font:
                tag = etree.QName(embed).localname
                if not tag.startswith("embed") or tag.startswith("embedTrueType"):
                    continue
                data = package.read("word/" + rels[embed.get(f"{{{R}}}id")])
                clear = _deobfuscate_as_libreoffice_does(data, embed.get(f"{{{W}}}fontKey"))
                found[(font.get(f"{{{W}}}name"), tag)] = TTFont(io.BytesIO(clear))
    return found


def _document_text(path: Path) -> str:
    with zipfile.ZipFile(path) as package:
        return "".join(
            t.text or "" for name in package.namelist() if name.startswith("word/") and name.endswith(".xml")
            for t in etree.fromstring(package.read(name)).iter(f"{{{W}}}t")
        )


def test_obfuscation_is_its_own_inverse_and_leaves_all_but_32_bytes():
    data = bytes(range(256)) * 4
    key = font_key(data)
    assert key.startswith("{") and key.endswith("}") and len(key) == 38
    hidden = obfuscate(data, key)
    assert hidden[32:] == data[32:] and hidden[:32] != data[:32]
    assert obfuscate(hidden, key) == data
    assert _deobfuscate_as_libreoffice_does(hidden, key) == data


@pytest.mark.parametrize(("theme", "family", "tags"), [
    ("default", "Charis SIL", {"embedRegular", "embedBold", "embedItalic", "embedBoldItalic"}),
    ("report", "Inter", {"embedRegular", "embedBold", "embedItalic"}),  # the theme has no bold italic Inter
])
def test_docx_embeds_each_face_of_the_theme_font_as_a_truetype_subset(docs, theme, family, tags):
    fonts = embedded(docs[theme])
    assert {tag for fam, tag in fonts if fam == family} == tags
    used = {ord(c) for c in _document_text(docs[theme]) if not c.isspace()}
    for (fam, tag), font in fonts.items():
        assert font["name"].getDebugName(1) == family
        assert "glyf" in font and "CFF " not in font, "TrueType outlines, which Word embeds"
        cmap = set(font.getBestCmap())
        assert used <= cmap, f"{tag}: every character of the document has a glyph"
        assert len(cmap) < 400, f"{tag}: a subset, not the whole font"
    with zipfile.ZipFile(docs[theme]) as package:
        settings = etree.fromstring(package.read("word/settings.xml"))
        types = package.read("[Content_Types].xml").decode()
    assert settings.find("w:embedTrueTypeFonts", NS) is not None
    assert settings.find("w:saveSubsetFonts", NS) is not None
    assert "application/vnd.openxmlformats-officedocument.obfuscatedFont" in types


def test_embedded_fonts_keep_the_docx_byte_identical(docs, tmp_path):
    assert _docx(ARTICLE, tmp_path).read_bytes() == docs["default"].read_bytes()


def test_a_font_whose_licence_forbids_embedding_is_named_not_carried(tmp_path, caplog):
    theme = tmp_path / "restricted"
    (theme / "fonts").mkdir(parents=True)
    font = TTFont(ROOT / "themes" / "default" / "fonts" / "CharisSIL-Regular.ttf")
    font["OS/2"].fsType = 0x0002  # restricted licence embedding
    for record in font["name"].names:
        if record.nameID in (1, 4, 16):
            record.string = "Locked Serif"
    font.save(theme / "fonts" / "Locked.ttf")
    (theme / "theme.yaml").write_text("extends: default\noptions:\n  font_docx_body: Locked Serif\n", "utf-8")
    with caplog.at_level(logging.WARNING, logger="publish"):
        path = _docx(ARTICLE, tmp_path / "out", str(theme))
    fonts = embedded(path)
    assert not any(family == "Locked Serif" for family, _ in fonts)
    assert any(family == "Charis SIL" for family, _ in fonts), "the heading font still travels"
    assert "does not allow embedding" in caplog.text and "Locked.ttf" in caplog.text


def _pdffonts(pdf: Path) -> str:
    return subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout


@pytest.mark.parametrize(("theme", "face"), [("default", "CharisSIL"), ("report", "Inter")])
def test_libreoffice_without_the_theme_fonts_installed_sets_the_docx_in_them(docs, theme, face, tmp_path):
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None or shutil.which("pdffonts") is None or shutil.which("fc-list") is None:
        pytest.skip("needs LibreOffice (soffice), poppler-utils (pdffonts) and fontconfig (fc-list)")
    family = {"CharisSIL": "Charis SIL", "Inter": "Inter"}[face]
    installed = subprocess.run(["fc-list", family], capture_output=True, text=True).stdout
    if installed.strip():
        pytest.skip(f"{family} is installed on this machine, so LibreOffice would find it without the embedded copy")
    profile = (tmp_path / "profile").as_uri()
    subprocess.run(
        [soffice, f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(docs[theme])],
        capture_output=True, timeout=180, check=True,
    )
    fonts = _pdffonts(tmp_path / "article.pdf")
    names = [line.split()[0].split("+")[-1] for line in fonts.splitlines()[2:]]
    assert any(name.startswith(face) for name in names), fonts
    assert not any(name.startswith("DejaVu") for name in names if "Mono" not in name), fonts
