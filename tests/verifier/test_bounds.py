"""verify on files publish did not make (issue 31, cases 10 and 11): an EPUB or DOCX whose main part
inflates to gigabytes, a PDF with a 2 GiB content stream, a container with members named outside
it or with 200,000 members. Each is refused with what is wrong with the file, exit 1, in seconds,
with bounded memory (checked in a process allowed 1.5 GB of address space). The hostile files are
small on disk: zeros, and drawing operators, compress a thousandfold."""
from __future__ import annotations

import os
import re
import struct
import subprocess
import sys
import time
import zipfile
import zlib
from pathlib import Path

import pytest

from conftest import ROOT
from publish.builder.check import verify_outputs
from publish.builder.pipeline import build
from publish.formats import zipfiles
from publish.formats.pdf import bounds
from publish.formats.readback import Unreadable

#: The address space the verifying process may use: enough for Python, lxml and PDFium (about 0.6
#: GB of it is mapped libraries), far from the gigabytes the files inflate to.
ADDRESS_SPACE = 1536 * 1024 * 1024
GIB = 1024 * 1024 * 1024
#: The memory is measured as Linux keeps it (/proc/self/status), the address space limited by setrlimit.
LINUX = pytest.mark.skipif(not Path("/proc/self/status").is_file(), reason="measures memory through Linux's /proc/self/status")


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project with an article built in the PDF, the EPUB and the DOCX (dist/ and its manifest)."""
    folder = tmp_path_factory.mktemp("bounds")
    (folder / "article.md").write_text("---\ntitle: Bounds\n---\n\nOne paragraph.\n\nAnother paragraph.\n", "utf-8")
    build([folder / "article.md"], formats=["pdf", "epub", "docx"], out=folder / "dist", project=folder, parallel=False)
    return folder


def _project(built: Path, tmp_path: Path) -> Path:
    folder = tmp_path / "project"
    (folder / "dist").mkdir(parents=True)
    (folder / "article.md").write_bytes((built / "article.md").read_bytes())
    for path in (built / "dist").iterdir():
        (folder / "dist" / path.name).write_bytes(path.read_bytes())
    return folder


def _deflated_run(chunk: bytes, count: int) -> tuple[bytes, bytes]:
    """Raw deflate of ``chunk`` repeated ``count`` times, made from one compressed copy (each copy
    ends with a full flush, so copies can follow each other), and the final empty block."""
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = packer.compress(chunk) + packer.flush(zlib.Z_FULL_FLUSH)
    return block * count, packer.flush()


#: A member to write: its name, its raw deflate data, its declared inflated size, and its CRC-32.
Member = tuple[str, bytes, int, int]


def write_zip(path: Path, members: list[Member]) -> None:
    """A zip written member by member (a hostile member's CRC may be left 0: a reader that checks it
    has read the whole member first)."""
    out, directory = bytearray(), bytearray()
    for name, data, size, crc in members:
        encoded = name.encode("utf-8")
        offset = len(out)
        out += struct.pack("<4sHHHHHIIIHH", b"PK\x03\x04", 20, 0x800, 8, 0, 0x21, crc, len(data), size, len(encoded), 0) + encoded + data
        directory += struct.pack("<4sHHHHHHIIIHHHHHII", b"PK\x01\x02", 20, 20, 0x800, 8, 0, 0x21, crc, len(data), size,
                                 len(encoded), 0, 0, 0, 0, 0, offset) + encoded
    count = min(len(members), 0xFFFF)
    end = struct.pack("<4sHHHHIIH", b"PK\x05\x06", 0, 0, count, count, len(directory), len(out), 0)
    path.write_bytes(bytes(out + directory + end))


def _member(name: str, data: bytes) -> Member:
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    return name, packer.compress(data) + packer.flush(), len(data), zlib.crc32(data)


def _members(path: Path) -> list[Member]:
    with zipfile.ZipFile(path) as archive:
        return [_member(info.filename, archive.read(info)) for info in archive.infolist()]


def _inflating(path: Path, member: str, size: int, declared: int | None = None) -> None:
    """The container with ``member`` replaced by one that inflates to ``size`` bytes (declaring
    ``declared``, by default the truth)."""
    run, final = _deflated_run(b"\0" * (1 << 20), size >> 20)
    members = [(name, run + final, size if declared is None else declared, 0) if name == member else (name, data, length, crc)
               for name, data, length, crc in _members(path)]
    write_zip(path, members)


def _verify_bounded(project: Path, fmt: str) -> tuple[subprocess.CompletedProcess[str], int, float]:
    """``publish verify --format FMT`` in a process limited to ADDRESS_SPACE: its result, its peak
    resident memory (bytes: VmHWM, Linux) and its time."""
    code = (
        "import resource, sys\n"
        f"resource.setrlimit(resource.RLIMIT_AS, ({ADDRESS_SPACE}, {ADDRESS_SPACE}))\n"
        "from publish.cli import main\n"
        "try:\n"
        f"    main(['verify', 'article.md', '--format', '{fmt}'])\n"
        "finally:\n"  # the high-water mark of this process's own memory (ru_maxrss counts the parent's at the fork)
        "    hwm = [l for l in open('/proc/self/status') if l.startswith('VmHWM:')][0].split()[1]\n"
        "    print('peak', hwm, file=sys.stderr)\n"
    )
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", code], cwd=project, capture_output=True, text=True, timeout=120,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})
    seconds = time.perf_counter() - started
    peaks = [line for line in done.stderr.splitlines() if line.startswith("peak ")]
    return done, int(peaks[-1].split()[1]) * 1024 if peaks else 0, seconds


def _refused(done: subprocess.CompletedProcess[str], peak: int, seconds: float, message: str) -> None:
    said = done.stdout + done.stderr
    assert done.returncode == 1, said
    assert message in said, said
    assert "Traceback" not in said and "MemoryError" not in said, said
    assert 0 < peak < 400 * 1024 * 1024, f"peak {peak / 2**20:.0f} MiB"
    assert seconds < 20, seconds


@LINUX
@pytest.mark.parametrize(("fmt", "member"), [("epub", "EPUB/article.xhtml"), ("docx", "word/document.xml")])
def test_a_container_whose_main_part_inflates_to_gigabytes_is_refused_with_bounded_memory(built: Path, tmp_path: Path, fmt: str, member: str) -> None:
    project = _project(built, tmp_path)
    _inflating(project / "dist" / f"article.{fmt}", member, 3 * GIB)
    assert (project / "dist" / f"article.{fmt}").stat().st_size < 4 * 1024 * 1024
    done, peak, seconds = _verify_bounded(project, fmt)
    _refused(done, peak, seconds, f"{fmt}: file differs: dist/article.{fmt}: member {member} inflates past 64 MiB; not a file publish wrote")


def test_members_that_inflate_past_the_bound_together_are_refused(built: Path, tmp_path: Path) -> None:
    project = _project(built, tmp_path)
    path = project / "dist" / "article.docx"
    run, final = _deflated_run(b"\0" * (1 << 20), 60)  # 60 MiB each: under the bound for one member
    members = _members(path)
    parts = ["word/document.xml", "word/footnotes.xml", "word/header1.xml", "word/footer1.xml", "word/styles.xml"]
    crc = 0
    for _ in range(60):
        crc = zlib.crc32(b"\0" * (1 << 20), crc)
    members = [m for m in members if m[0] not in parts] + [(name, run + final, 60 << 20, crc) for name in parts]
    write_zip(path, members)
    with zipfiles.Container(path) as archive:
        for name in parts[:4]:
            assert len(archive.read(name)) == 60 << 20
        with pytest.raises(Unreadable, match="members inflate past 256 MiB together \\(at word/styles.xml\\)"):
            archive.read("word/styles.xml")


def _pdf_with_content(size: int) -> bytes:
    """A one-page PDF whose content stream inflates to ``size`` bytes of drawing operators."""
    line = b"0 0 m 1 1 l S\n"
    chunk = line * ((1 << 20) // len(line))
    packer = zlib.compressobj(9)
    head = packer.compress(b"")  # the zlib header comes with the first output
    block = packer.compress(chunk) + packer.flush(zlib.Z_FULL_FLUSH)
    head, block = (block[:2], block[2:]) if not head else (head, block)
    stream = head + block * (size // len(chunk)) + packer.flush()
    objects = [
        b"<</Type /Catalog /Pages 2 0 R>>",
        b"<</Type /Pages /Kids [3 0 R] /Count 1>>",
        b"<</Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R>>",
        b"<</Filter /FlateDecode /Length %d>>\nstream\n" % len(stream) + stream + b"\nendstream",
    ]
    out, offsets = bytearray(b"%PDF-1.7\n"), []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1) + b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<</Size %d /Root 1 0 R>>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


@LINUX
def test_a_pdf_whose_content_stream_inflates_to_2_gib_is_refused_with_bounded_memory(built: Path, tmp_path: Path) -> None:
    project = _project(built, tmp_path)
    (project / "dist" / "article.pdf").write_bytes(_pdf_with_content(2 * GIB))
    assert (project / "dist" / "article.pdf").stat().st_size < 8 * 1024 * 1024
    done, peak, seconds = _verify_bounded(project, "pdf")
    _refused(done, peak, seconds, "pdf: file differs: dist/article.pdf: stream 4 inflates past 64 MiB; not a file publish wrote")


def test_a_content_stream_that_says_it_is_an_image_is_still_measured(tmp_path: Path) -> None:
    data = _pdf_with_content(128 << 20).replace(b"<</Filter /FlateDecode", b"<</Subtype /Image /Width 9000 /Height 9000 /Filter /FlateDecode")
    (tmp_path / "a.pdf").write_bytes(data)
    with pytest.raises(Unreadable, match="stream 4 inflates past 64 MiB"):
        bounds.check(tmp_path / "a.pdf")


def test_a_pdf_encoded_with_a_filter_publish_never_writes_is_refused(tmp_path: Path) -> None:
    data = _pdf_with_content(1 << 20).replace(b"/Filter /FlateDecode", b"/Filter [/ASCII85Decode /FlateDecode]")
    (tmp_path / "a.pdf").write_bytes(data)
    with pytest.raises(Unreadable, match="stream 4 is encoded with /ASCII85Decode, which publish never writes"):
        bounds.check(tmp_path / "a.pdf")


def test_the_pdfs_publish_writes_are_within_the_bounds(built: Path) -> None:
    bounds.check(built / "dist" / "article.pdf")


# -- case 11: members outside the container, too many members ----------------------------------
@pytest.mark.parametrize(("name", "why"), [
    ("../../evil", "a '..' in its path"),
    ("/evil", "an absolute name"),
    ("EPUB/../../../evil2", "a '..' in its path"),
    ("EPUB\\..\\..\\evil3", "a backslash in its name"),
    ("C:/Windows/evil4", "a drive letter"),
    ("EPUB/article.xhtml", "a name given to two members"),
])
def test_an_epub_with_a_member_named_outside_it_is_refused(built: Path, tmp_path: Path, name: str, why: str) -> None:
    project = _project(built, tmp_path)
    path = project / "dist" / "article.epub"
    write_zip(path, _members(path) + [_member(name, b"evil")])
    report = verify_outputs([project / "article.md"], out=project / "dist", formats=["epub"], project=project)
    assert f"epub: file differs: {path}: has a member '{name}' that points outside the container ({why}); not a file publish wrote" in report.problems, report.problems


def test_an_epub_with_200000_extra_members_is_refused_at_once(built: Path, tmp_path: Path) -> None:
    project = _project(built, tmp_path)
    path = project / "dist" / "article.epub"
    empty = _member("", b"")
    write_zip(path, _members(path) + [(f"EPUB/x/{n}", *empty[1:]) for n in range(200_000)])
    started = time.perf_counter()
    report = verify_outputs([project / "article.md"], out=project / "dist", formats=["epub"], project=project)
    assert time.perf_counter() - started < 2
    assert any(f"{path}: has 65,535 members; a file publish wrote has at most 10,000" in p for p in report.problems), report.problems


def test_a_member_count_the_end_record_understates_is_counted_again(built: Path, tmp_path: Path) -> None:
    project = _project(built, tmp_path)
    path = project / "dist" / "article.epub"
    empty = _member("", b"")
    write_zip(path, _members(path) + [(f"x{n}", *empty[1:]) for n in range(20_000)])
    data = bytearray(path.read_bytes())
    end = data.rfind(b"PK\x05\x06")
    data[end + 8 : end + 12] = struct.pack("<HH", 9, 9)  # the end record says 9 members
    path.write_bytes(bytes(data))
    with pytest.raises(Unreadable, match="has 20,0[0-9][0-9] members"):  # the book's own members and the 20,000
        zipfiles.Container(path)


def test_an_output_that_is_not_the_file_the_build_wrote_is_an_error(built: Path, tmp_path: Path) -> None:
    """Its text and fields may all be there: the manifest recorded the sha256 of the file the build
    verified, and this is another file."""
    (tmp_path / "article.md").write_bytes((built / "article.md").read_bytes())
    build([tmp_path / "article.md"], formats=["epub", "docx"], out=tmp_path / "dist", project=tmp_path, parallel=False)
    assert verify_outputs([tmp_path / "article.md"], out=tmp_path / "dist", project=tmp_path).ok
    path = tmp_path / "dist" / "article.epub"
    write_zip(path, _members(path))  # the same members, written anew: other bytes
    report = verify_outputs([tmp_path / "article.md"], out=tmp_path / "dist", project=tmp_path)
    [said] = report.problems
    assert said.startswith(f"epub: file differs: {path} is not the file the build wrote (its sha256 is "), said
    assert said.endswith("; rebuild it with publish build --force"), said
    assert report.rows["body"] == {"epub": "ok", "docx": "ok"}


@pytest.mark.parametrize("length", [b"/Length 12", b"/Length 12 0 R"])
def test_a_stream_whose_length_is_short_or_indirect_is_measured_to_its_end(tmp_path: Path, length: bytes) -> None:
    data, count = re.subn(rb"/Length \d+>>", length + b">>", _pdf_with_content(128 << 20), count=1)
    assert count == 1
    (tmp_path / "a.pdf").write_bytes(data)
    with pytest.raises(Unreadable, match="stream 4 inflates past 64 MiB"):
        bounds.check(tmp_path / "a.pdf")
