"""Reproducible zip containers (EPUB, DOCX): fixed timestamps, fixed order, `mimetype` first and stored."""
from __future__ import annotations

import io
import zipfile
from datetime import datetime

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
