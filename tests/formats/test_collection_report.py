"""A collection in the report theme: the theme inherits the collection's pages, and every article verifies in its PDF."""
from __future__ import annotations

from pathlib import Path

from collection_project import make_collection
from publish.builder.pipeline import build
from publish.formats.pdf.read import read_back


def test_a_collection_builds_and_verifies_in_the_report_theme_with_headings_four_levels_down(tmp_path: Path) -> None:
    # in a collection with sections, an article's ## is an h4: the report theme sets h4 in small
    # capitals drawn by the font, so the PDF's text keeps the heading's case and verify finds it
    issue = make_collection(tmp_path)
    [pdf] = build([issue], ["pdf"], theme="report", out=tmp_path / "dist", project=tmp_path)
    assert pdf.verified
    got = read_back(pdf.path)
    assert "Perché alcune persone cercano un sostegno finanziario" in " ".join(got.parts["article-4"].text.split())
    assert "Permissions" in got.parts["permissions"].text
