"""Importing WeasyPrint without the shared-library search that spawns ldconfig, gcc and ld.

WeasyPrint opens pango, harfbuzz, fontconfig and friends through cffi, trying several names per
library ('libpango-1.0-0', 'pango-1.0-0', 'pango-1.0', 'libpango-1.0.so.0', ...). For each name
that is not a file, cffi asks ``ctypes.util.find_library``, which on Linux runs ``ldconfig -p``
and then gcc and ld in subprocesses: about 20 of those calls, 15 ms each, were 0.4 s of the 0.85 s
that ``import weasyprint`` took on the 2-core benchmark machine. On Linux nothing is lost by
answering "not found" at once: every list also holds the library's soname
('libpango-1.0.so.0'), which dlopen finds directly, in the same places ``find_library`` looks
(the linker cache and ``LD_LIBRARY_PATH``) and which is what ``find_library`` would have returned.
Should a WeasyPrint release drop those sonames, the import is simply tried again the slow way.
"""
from __future__ import annotations

import contextlib
import ctypes.util
import io
import sys
from typing import Iterator


def _not_searched(name: str) -> None:
    return None


@contextlib.contextmanager
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


def _faster_types() -> None:
    """WeasyPrint's C type strings without pycparser (see cffi_types)."""
    from weasyprint.text.ffi import ffi

    from .cffi_types import install

    install(ffi)


def _import_weasyprint() -> None:
    try:
        # WeasyPrint prints installation advice when a library does not load: not yet, there is a second try
        with no_library_search(), contextlib.redirect_stdout(io.StringIO()):
            import weasyprint  # noqa: F401
        return
    except OSError:
        for name in [m for m in sys.modules if m == "weasyprint" or m.startswith("weasyprint.")]:
            del sys.modules[name]
    import weasyprint  # noqa: F401,F811  (with find_library's search, as WeasyPrint does it itself)


_import_weasyprint()
_faster_types()
