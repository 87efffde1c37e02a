"""The shared HTML writer: escaping, heading ids and figures."""
from __future__ import annotations

from pathlib import Path

from publish.read.article import read_document
from publish.formats.html import render_body


def _body(tmp_path: Path, markdown: str, footnotes: str = "epub") -> str:
    source = tmp_path / "a.md"
    source.write_text("---\ntitle: T\n---\n" + markdown, "utf-8")
    return str(render_body(read_document(source), footnotes, lambda node: "img.png").body)


def test_heading_ids_never_collide_with_template_or_footnote_ids(tmp_path):
    body = _body(tmp_path, "## End matter\n\n## Fn1\n\n## Fn1\n\nText.[^1]\n\n[^1]: Note.\n")
    assert 'id="end-matter"' not in body
    assert 'id="fn1"' not in body
    assert body.count('id="fn1-') == 2


def test_raw_html_is_sanitized_and_template_syntax_is_text(tmp_path):
    body = _body(tmp_path, "<script>alert(1)</script> {{ 7*7 }} <img src=x onerror=alert(1)> <b>&lt;i&gt;</b>\n")
    assert "<script" not in body and "alert" not in body and "onerror" not in body
    assert "{{ 7*7 }}" in body and "<strong>&lt;i&gt;</strong>" in body


def test_image_alone_in_its_paragraph_becomes_a_figure_with_caption_and_credit(tmp_path):
    body = _body(tmp_path, '![A *red* square](sq.png "Photo: Agency")\n')
    assert body.startswith("<figure>")
    assert "<figcaption>A <em>red</em> square" in body
    assert '<span class="credit">Photo: Agency</span>' in body


def test_template_runtime_error_names_the_theme_file_and_line(tmp_path, root):
    import pytest

    from publish.errors import ThemeError
    from publish.builder.pipeline import build

    theme = tmp_path / "broken"
    (theme / "templates").mkdir(parents=True)
    (theme / "theme.yaml").write_text("name: broken\nextends: default\n", "utf-8")
    (theme / "templates" / "end_matter.html").write_text("<section>\n{{ meta.contact.html }}\n{{ meta.nonexistent }}\n</section>\n", "utf-8")
    with pytest.raises(ThemeError) as caught:
        build([root / "source" / "article.md"], formats=["epub"], theme=str(theme), out=tmp_path / "out", project=root)
    assert caught.value.path.endswith("end_matter.html")
    assert caught.value.line == 3
    assert "nonexistent" in caught.value.message
    assert not (tmp_path / "out" / "article.epub").exists()
