"""The build manifest, unit by unit: digests of every input, what makes an output current, a load that forgives and a save that is atomic."""
from __future__ import annotations

import hashlib
import json
import os
from importlib import metadata
from pathlib import Path

import pytest

from publish.builder import manifest as m


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# -- digests ---------------------------------------------------------------------------
def test_sha256_of_bytes_and_of_a_file_larger_than_one_read(tmp_path: Path) -> None:
    data = os.urandom(3 * (1 << 20) + 17)  # three 1 MiB chunks and a tail
    path = tmp_path / "big.bin"
    path.write_bytes(data)
    assert m.sha256_bytes(data) == _sha(data)
    assert m.sha256_file(path) == _sha(data)
    empty = tmp_path / "empty"
    empty.write_bytes(b"")
    assert m.sha256_file(empty) == _sha(b"")


def test_a_file_that_cannot_be_read_has_no_digest(tmp_path: Path) -> None:
    assert m.sha256_file(tmp_path / "missing") is None
    assert m.sha256_file(tmp_path) is None  # a folder


@pytest.mark.parametrize(
    ("name", "module"), [("python-docx", "docx"), ("PyYAML", "yaml"), ("markdown-it-py", "markdown_it"), ("mdit_py_plugins", "mdit_py_plugins")]
)
def test_library_versions_come_from_the_installed_dist_info_names_without_a_metadata_search(
    monkeypatch: pytest.MonkeyPatch, name: str, module: str
) -> None:
    """Names are compared case-, dash-, dot- and underscore-blind; importlib.metadata (slow) is
    not consulted for an installed distribution."""
    expected = metadata.version(name)

    def refuse(_name: str) -> str:
        raise AssertionError("importlib.metadata searched for an installed distribution")

    monkeypatch.setattr(metadata, "version", refuse)
    assert m._dist_version(name) == expected
    assert m._dist_version(name.upper().replace("-", ".")) == expected


def test_an_unknown_library_has_no_version() -> None:
    assert m._dist_version("no-such-distribution-anywhere") is None


def test_every_version_a_format_depends_on(monkeypatch: pytest.MonkeyPatch) -> None:
    from publish.version import __version__

    m.versions.cache_clear()
    try:
        pdf, epub = m.versions("pdf"), m.versions("epub")
    finally:
        m.versions.cache_clear()
    for found in (pdf, epub):
        assert found["publish"] == __version__
        assert found["publish-code"] == m.code_digest()
        assert {name: found[name] for name in m.COMMON_DISTS} == {name: metadata.version(name) for name in m.COMMON_DISTS}
    assert pdf["weasyprint"] == metadata.version("weasyprint") and "weasyprint" not in epub
    assert epub["ebooklib"] == metadata.version("ebooklib") and "ebooklib" not in pdf
    assert set(pdf) == {"publish", "publish-code", *m.COMMON_DISTS, *m.FORMAT_DISTS["pdf"]}


def test_the_code_digest_covers_every_module_of_publish() -> None:
    import publish

    package = Path(publish.__file__).resolve().parent  # the whole package, wherever the manifest module lives
    assert (package / "formats" / "pdf" / "write.py").is_file() and (package / "cli.py").is_file()
    digest = hashlib.sha256()
    for path in sorted(package.rglob("*.py")):
        if "__pycache__" not in path.parts:
            digest.update(path.relative_to(package).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    assert m.code_digest() == digest.hexdigest()


def test_theme_files_are_keyed_by_their_place_in_the_chain(tmp_path: Path) -> None:
    parent, child = tmp_path / "default", tmp_path / "mine"
    (parent / "css").mkdir(parents=True)
    child.mkdir()
    (parent / "css" / "print.css").write_text("p {}")
    (child / "extra.css").write_text("h1 {}")
    stray = tmp_path / "stray.css"
    stray.write_text("a {}")
    found = m.theme_digests([child, parent], [parent / "css" / "print.css", child / "extra.css", stray])
    assert found == {
        "1:default/css/print.css": _sha(b"p {}"),
        "0:mine/extra.css": _sha(b"h1 {}"),
        str(stray): _sha(b"a {}"),
    }


def test_the_options_digest_ignores_unset_options_and_names_source_and_project(tmp_path: Path) -> None:
    source, project = tmp_path / "a.md", tmp_path
    base = m.options_digest({"paper": "a4"}, source, project)
    payload = {"options": {"paper": "a4"}, "source": str(source.resolve()), "project": str(project)}
    assert base == _sha(json.dumps(payload, sort_keys=True).encode("utf-8"))
    assert m.options_digest({"paper": "a4", "pdf_variant": None}, source, project) == base
    assert m.options_digest({"paper": "letter"}, source, project) != base
    assert m.options_digest({"paper": "a4"}, tmp_path / "b.md", project) != base
    assert m.options_digest({"paper": "a4"}, source, tmp_path / "other") != base


def test_options_that_are_not_json_still_have_a_digest(tmp_path: Path) -> None:
    """A path or a date among the options is digested by its text."""
    source = tmp_path / "a.md"
    one = m.options_digest({"cover": Path("images/one.png")}, source, tmp_path)
    assert one == m.options_digest({"cover": "images/one.png"}, source, tmp_path)
    assert one != m.options_digest({"cover": Path("images/two.png")}, source, tmp_path)


def test_source_date_epoch_and_the_pdf_part_count_are_inputs(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    monkeypatch.setenv("PUBLISH_PDF_PARTS", "1")
    assert m.environment() == {"SOURCE_DATE_EPOCH": "1700000000", "PUBLISH_PDF_PARTS": "1"}
    monkeypatch.delenv("SOURCE_DATE_EPOCH")
    monkeypatch.delenv("PUBLISH_PDF_PARTS")
    assert m.environment() == {"SOURCE_DATE_EPOCH": None, "PUBLISH_PDF_PARTS": None}


def test_image_digests_are_sorted_by_path(tmp_path: Path) -> None:
    (tmp_path / "b.png").write_bytes(b"B")
    (tmp_path / "a.png").write_bytes(b"A")
    found = m.image_digests({"images/b.png": tmp_path / "b.png", "images/a.png": tmp_path / "a.png", "gone.png": tmp_path / "gone.png"})
    assert list(found.items()) == [("gone.png", None), ("images/a.png", _sha(b"A")), ("images/b.png", _sha(b"B"))]


# -- the manifest --------------------------------------------------------------------------
def _inputs(**changes: object) -> m.Inputs:
    values = {"source": "s1", "theme": {"0:default/a.css": "t1"}, "options": "o1", "versions": {"publish": "1"}, "env": {"SOURCE_DATE_EPOCH": None}, "images": {}}
    values.update(changes)
    return m.Inputs(**values)  # type: ignore[arg-type]


@pytest.fixture
def built(tmp_path: Path) -> tuple[m.Manifest, Path]:
    """A manifest that recorded one output, saved and loaded again."""
    (tmp_path / "images").mkdir()
    (tmp_path / "images" / "x.png").write_bytes(b"PNG")
    target = tmp_path / "article.epub"
    target.write_bytes(b"EPUB")
    manifest = m.Manifest.load(tmp_path)
    assert manifest.outputs == {}
    manifest.record(
        target, tmp_path / "article.md", "epub", tmp_path, _inputs(images={"images/x.png": _sha(b"PNG")}), _sha(b"EPUB"), 4,
        theme="default", options={"paper": "a4", "pdf_variant": None}, verified=True,
    )
    manifest.save()
    return m.Manifest.load(tmp_path), target


def test_a_recorded_output_is_current_until_an_input_changes(built: tuple[m.Manifest, Path]) -> None:
    manifest, target = built
    images = {"images/x.png": _sha(b"PNG")}
    assert manifest.is_current(target, _inputs(images=images))
    assert manifest.is_current(target, _inputs(images={})), "images are checked against the recorded list"
    for key, value in {"source": "s2", "theme": {"0:default/a.css": "t2"}, "options": "o2", "versions": {"publish": "2"}, "env": {"SOURCE_DATE_EPOCH": "1"}}.items():
        assert not manifest.is_current(target, _inputs(**{key: value})), key
    assert not manifest.is_current(target.with_name("article.pdf"), _inputs()), "an output never recorded"


def test_a_changed_image_or_output_makes_it_stale(built: tuple[m.Manifest, Path]) -> None:
    manifest, target = built
    (target.parent / "images" / "x.png").write_bytes(b"PNG2")
    assert not manifest.is_current(target, _inputs())
    (target.parent / "images" / "x.png").write_bytes(b"PNG")
    assert manifest.is_current(target, _inputs())
    target.write_bytes(b"EPUB, edited")
    assert not manifest.is_current(target, _inputs())
    target.unlink()
    assert not manifest.is_current(target, _inputs())


def test_what_the_manifest_records(built: tuple[m.Manifest, Path]) -> None:
    manifest, target = built
    data = json.loads((target.parent / m.NAME).read_text("utf-8"))
    assert data["schema"] == m.SCHEMA == 1
    assert data["outputs"] == manifest.outputs
    entry = data["outputs"]["article.epub"]
    assert entry == {
        "source": str((target.parent / "article.md").resolve()),
        "format": "epub",
        "project": str(target.parent),
        "theme": "default",
        "options": {"paper": "a4"},
        "inputs": _inputs(images={"images/x.png": _sha(b"PNG")}).as_dict(),
        "output": _sha(b"EPUB"),
        "verified": _sha(b"EPUB"),
        "size": 4,
    }
    manifest.record(target, target.with_suffix(".md"), "epub", target.parent, _inputs(), _sha(b"EPUB"), 4)
    assert manifest.outputs["article.epub"]["verified"] is None and manifest.outputs["article.epub"]["theme"] is None
    assert set(entry["inputs"]) == {"source", "images", "theme", "options", "versions", "env"}


@pytest.mark.parametrize(
    "entry",
    [None, "text", {"output": "x"}, {"inputs": "text"}, {"inputs": {"source": "s1", "theme": {"0:default/a.css": "t1"}, "options": "o1", "versions": {"publish": "1"}, "env": {"SOURCE_DATE_EPOCH": None}}}],
    ids=["null", "text", "no-inputs", "inputs-text", "no-images"],
)
def test_a_malformed_entry_is_never_current(built: tuple[m.Manifest, Path], entry: object) -> None:
    manifest, target = built
    manifest.outputs[target.name] = entry  # type: ignore[assignment]
    assert not manifest.is_current(target, _inputs())


@pytest.mark.parametrize(
    "text", ["", "not json", "[]", '{"schema": 2, "outputs": {}}', '{"schema": 1, "outputs": []}', '{"outputs": {}}', '{"schema": 1}']
)
def test_a_missing_or_damaged_manifest_loads_empty(tmp_path: Path, text: str) -> None:
    (tmp_path / m.NAME).write_text(text, "utf-8")
    loaded = m.Manifest.load(tmp_path)
    assert loaded.outputs == {} and loaded.path == tmp_path / m.NAME


def test_a_manifest_of_the_right_schema_loads_as_written(tmp_path: Path) -> None:
    (tmp_path / m.NAME).write_text('{"schema": 1, "outputs": {"a.pdf": {"output": "x"}}}', "utf-8")
    loaded = m.Manifest.load(tmp_path)
    assert loaded.outputs == {"a.pdf": {"output": "x"}} and loaded.folder == tmp_path and loaded.path == tmp_path / m.NAME


def test_an_output_counts_as_verified_only_if_this_very_file_passed(built: tuple[m.Manifest, Path], tmp_path: Path) -> None:
    manifest, target = built
    images = {"images/x.png": _sha(b"PNG")}
    assert manifest.is_current(target, _inputs(images=images), verified=True), "recorded as verified"
    manifest.record(target, tmp_path / "article.md", "epub", tmp_path, _inputs(images=images), _sha(b"EPUB"), 4)
    assert manifest.is_current(target, _inputs(images=images)), "current, though never read back"
    assert not manifest.is_current(target, _inputs(images=images), verified=True), "current but not verified"
    manifest.outputs[target.name]["verified"] = _sha(b"another file")
    assert not manifest.is_current(target, _inputs(images=images), verified=True), "another file was verified"


def test_save_replaces_the_manifest_atomically_and_leaves_no_temporary_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    manifest = m.Manifest(tmp_path, {"b.pdf": {"output": "2"}, "a.pdf": {"output": "1"}})
    manifest.save()
    text = (tmp_path / m.NAME).read_text("utf-8")
    assert text == json.dumps({"schema": 1, "outputs": manifest.outputs}, indent=1, sort_keys=True) + "\n"
    assert [p.name for p in tmp_path.iterdir()] == [m.NAME]

    def fail(*_args: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(m.os, "replace", fail)
    manifest.outputs["c.pdf"] = {"output": "3"}
    with pytest.raises(OSError):
        manifest.save()
    assert (tmp_path / m.NAME).read_text("utf-8") == text, "the previous manifest is intact"
    assert [p.name for p in tmp_path.iterdir()] == [m.NAME], "no temporary file left behind"


def test_the_theme_an_output_was_built_with_is_the_first_of_its_chain(tmp_path: Path) -> None:
    manifest = m.Manifest(tmp_path)
    target = tmp_path / "article.epub"
    theme = {"1:default/css/epub.css": "a", "0:mine/extra.css": "b", "0:mine/theme.yaml": "c"}
    manifest.record(target, tmp_path / "article.md", "epub", tmp_path, _inputs(theme=theme), "sha", 1)
    assert manifest.theme_of("article.epub") == "mine"
    manifest.record(target, tmp_path / "article.md", "epub", tmp_path, _inputs(theme={"1:default/a.css": "a"}), "sha", 1)
    assert manifest.theme_of("article.epub") is None, "no first link of a chain recorded"
    assert manifest.theme_of("article.pdf") is None
    manifest.outputs["odd.pdf"] = "text"  # type: ignore[assignment]
    assert manifest.theme_of("odd.pdf") is None


def test_the_outputs_built_from_a_source_are_those_of_that_source_still_there(tmp_path: Path) -> None:
    source, other = tmp_path / "article.md", tmp_path / "other.md"
    manifest = m.Manifest(tmp_path)
    for fmt in ("epub", "pdf"):
        manifest.record(tmp_path / f"article.{fmt}", source, fmt, tmp_path, _inputs(), "sha", 1)
    manifest.record(tmp_path / "other.epub", other, "epub", tmp_path, _inputs(), "sha", 1)
    manifest.outputs["junk"] = "text"  # type: ignore[assignment]
    (tmp_path / "article.epub").write_bytes(b"epub")
    (tmp_path / "other.epub").write_bytes(b"epub")
    found = manifest.built(source, tmp_path)
    assert list(found) == ["epub"] and found["epub"] is manifest.outputs["article.epub"]
    assert list(manifest.built(other, tmp_path)) == ["epub"]
    (tmp_path / "article.pdf").write_bytes(b"pdf")
    assert sorted(manifest.built(source, tmp_path)) == ["epub", "pdf"]


def test_a_web_page_built_as_a_folder_is_found_where_its_recorded_options_put_it(tmp_path: Path) -> None:
    source = tmp_path / "article.md"
    manifest = m.Manifest(tmp_path)
    manifest.record(tmp_path / "article" / "index.html", source, "html", tmp_path, _inputs(), "sha", 1, options={"web_folder": True})
    (tmp_path / "article").mkdir()
    (tmp_path / "article" / "index.html").write_text("page")
    assert list(manifest.built(source, tmp_path)) == ["html"], "the recorded option says where the page is"
    manifest.outputs["index.html"]["options"] = "not a mapping"
    assert manifest.built(source, tmp_path) == {}, "without its options the page is looked for as article.html"
    assert manifest.built(source, tmp_path, {"web_folder": True}) != {}, "the options asked for now say it too"
    del manifest.outputs["index.html"]["inputs"]
    assert manifest.theme_of("index.html") is None
