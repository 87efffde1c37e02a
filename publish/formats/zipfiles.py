"""Zip containers (EPUB, DOCX): written reproducibly (fixed timestamps, fixed order, `mimetype`
first and stored), and read back within bounds (``Container``)."""
from __future__ import annotations

import io
import zipfile
from datetime import datetime
from pathlib import Path

_EPOCH_1980 = (1980, 1, 1, 0, 0, 0)


def normalize(data: bytes, when: datetime | None = None, first: tuple[str, ...] = ("mimetype",)) -> bytes:
    """Rewrite a zip so that the same members always give the same bytes."""
    stamp = _EPOCH_1980
    if when is not None and when.year >= 1980:
        stamp = (when.year, when.month, when.day, when.hour, when.minute, when.second)
    source = zipfile.ZipFile(io.BytesIO(data))
    names = source.namelist()
    ordered = [n for n in first if n in names] + [n for n in names if n not in first]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for name in ordered:
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.external_attr = 0o644 << 16
            info.create_system = 3
            stored = name == "mimetype"
            info.compress_type = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
            target.writestr(info, source.read(name), compresslevel=None if stored else 9)
    return out.getvalue()


# -- reading a container back (verify) ---------------------------------------------------
#: The most members a container may have: a publish EPUB or DOCX has one a distinct image, a
#: font face or a part (an article with 2,000 images has about 2,050).
MAX_MEMBERS = 10_000
#: The largest central directory read (the list of members, each under a kilobyte with its name).
MAX_DIRECTORY_BYTES = MAX_MEMBERS * 1024
#: The most one member read back may inflate to: the XHTML of a 150,000-word book is 1.3 MB,
#: its DOCX's document.xml 2.1 MB.
MAX_MEMBER_BYTES = 64 * 1024 * 1024
#: The most all members read back from one container may inflate to together.
MAX_READ_BYTES = 256 * 1024 * 1024
_MIB = 1024 * 1024


def unsafe_name(name: str) -> str | None:
    """Why a member's name points outside its container (or may, on some system), or None."""
    if "\x00" in name:
        return "a NUL character in its name"
    if "\\" in name:
        return "a backslash in its name"
    if name.startswith("/"):
        return "an absolute name"
    if len(name) >= 2 and name[1] == ":" and name[0].isalpha():
        return "a drive letter"
    if ".." in name.split("/"):
        return "a '..' in its path"
    return None


def _directory_size(path: Path) -> tuple[int, int] | None:
    """The member count and central directory size the end record declares (zip64 too), or None
    when there is no end record (zipfile says why)."""
    import struct

    with open(path, "rb") as handle:
        handle.seek(0, 2)
        size = handle.tell()
        tail_at = max(0, size - (22 + 65535 + 20))
        handle.seek(tail_at)
        tail = handle.read()
        at = tail.rfind(b"PK\x05\x06")
        if at < 0 or len(tail) < at + 22:
            return None
        entries, directory = struct.unpack("<HI", tail[at + 10 : at + 16])
        if (entries == 0xFFFF or directory == 0xFFFFFFFF) and at >= 20 and tail[at - 20 : at - 16] == b"PK\x06\x07":
            record = struct.unpack("<Q", tail[at - 12 : at - 4])[0]
            if record < size:
                handle.seek(record)
                zip64 = handle.read(56)
                if zip64[:4] == b"PK\x06\x06" and len(zip64) == 56:
                    entries, directory = struct.unpack("<QQ", zip64[32:48])
    return entries, directory


class Container:
    """A zip container opened for reading back, refused (readback.Unreadable) when it is not one
    publish could have written: too many members, a member named outside the container, a name
    given twice; each member read inflates no further than MAX_MEMBER_BYTES, all of them together
    no further than MAX_READ_BYTES (what the zip declares and what it really inflates to)."""

    def __init__(self, path: Path) -> None:
        from .readback import Unreadable

        declared = _directory_size(path)
        if declared is not None:
            entries, directory = declared
            if entries > MAX_MEMBERS:
                raise Unreadable(f"has {entries:,} members; a file publish wrote has at most {MAX_MEMBERS:,}")
            if directory > MAX_DIRECTORY_BYTES:
                raise Unreadable(f"has a list of members of {directory / _MIB:.0f} MiB; a file publish wrote has at most {MAX_DIRECTORY_BYTES // _MIB} MiB")
        self.archive = zipfile.ZipFile(path)
        infos = self.archive.infolist()
        if len(infos) > MAX_MEMBERS:
            self.archive.close()
            raise Unreadable(f"has {len(infos):,} members; a file publish wrote has at most {MAX_MEMBERS:,}")
        seen: set[str] = set()
        for info in infos:
            why = unsafe_name(info.filename)
            if why is None and info.filename in seen:
                why = "a name given to two members"
            if why is not None:
                self.archive.close()
                raise Unreadable(f"has a member '{info.filename[:200]}' that points outside the container ({why})")
            seen.add(info.filename)
        self.names = [info.filename for info in infos]
        self.read_bytes = 0

    def __enter__(self) -> Container:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.archive.close()

    def read(self, name: str) -> bytes:
        """A member's bytes, inflated at most to MAX_MEMBER_BYTES (and what is left of MAX_READ_BYTES)."""
        from .readback import Unreadable

        info = self.archive.getinfo(name)
        cap = min(MAX_MEMBER_BYTES, MAX_READ_BYTES - self.read_bytes)
        past = f"member {name[:200]} inflates past {cap / _MIB:.0f} MiB" if cap == MAX_MEMBER_BYTES else \
            f"members inflate past {MAX_READ_BYTES // _MIB} MiB together (at {name[:200]})"
        if info.file_size > cap:
            raise Unreadable(past)
        chunks, total = [], 0
        with self.archive.open(info) as member:
            while True:
                chunk = member.read(min(1 << 20, cap + 1 - total))
                if not chunk:
                    break
                total += len(chunk)
                if total > cap:
                    raise Unreadable(past)
                chunks.append(chunk)
        self.read_bytes += total
        return b"".join(chunks)
