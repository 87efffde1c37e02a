"""Importing WeasyPrint without the shared-library search that spawns ldconfig, gcc and ld.

WeasyPrint opens pango, harfbuzz, fontconfig and friends through cffi, trying several names per
library ('libpango-1.0-0', 'pango-1.0-0', 'pango-1.0', 'libpango-1.0.so.0', ...). For each name
that is not a file, cffi asks ``ctypes.util.find_library``, which on Linux runs ``ldconfig -p``
and then gcc and ld in subprocesses: about 20 of those calls, 15 ms each, were 0.4 s of the 0.85 s
that ``import weasyprint`` took on the 2-core benchmark machine. On Linux nothing is lost by
answering "not found" at once: every list also holds the library's soname
('libpango-1.0.so.0'), which dlopen finds directly, in the same places ``find_library`` looks
(the linker cache and ``LD_LIBRARY_PATH``) and which is what ``find_library`` would have returned.
"""
from __future__ import annotations

import ctypes.util
import sys
from contextlib import contextmanager
from typing import Iterator


def _not_searched(name: str) -> None:
    return None


@contextmanager
def no_library_search() -> Iterator[None]:
    """While inside, ``ctypes.util.find_library`` answers None at once (Linux only; elsewhere a no-op)."""
    if not sys.platform.startswith("linux"):
        yield
        return
    real = ctypes.util.find_library
    ctypes.util.find_library = _not_searched
    try:
        yield
    finally:
        ctypes.util.find_library = real


with no_library_search():
    import weasyprint  # noqa: F401  (the import this module exists for)
