"""WeasyPrint's C type strings resolved without pycparser give exactly the types cffi's own parser gives."""
from __future__ import annotations

from typing import Any

import pytest

import publish.formats.pdf.weasyprint.loader  # noqa: F401  (installs the direct path)
from publish.formats.pdf.weasyprint import cffi_types
from weasyprint.text.ffi import ffi

#: What WeasyPrint asks for while rendering and writing a PDF (seen in the article's render),
#: plus spellings the pattern must also take or refuse.
ASKED = ["PangoFcFontMap *", "FcChar8 **", "char[]", "PangoRectangle *", "PangoLogAttr[]", "unsigned int *",
         "hb_tag_t[100]", "char[4]", "hb_codepoint_t[38]", "hb_codepoint_t[3329]", "int *", "unsigned  int [7]",
         "double *", "PangoGlyphString *"]
#: Handed to cffi's parser: a function pointer, a qualifier, an unknown name, an array of pointers.
SLOW = ["int(*)(void *)", "const char *", "no_such_type *", "char *[2]", "struct _PangoRectangle *"]


def _slow(cdecl: str) -> Any:
    # the parser's own method, as cffi defines it on the class
    return type(ffi._parser).parse_type_and_quals(ffi._parser, cdecl)


def test_weasyprint_renders_with_the_direct_path_installed() -> None:
    assert ffi._parser.parse_type_and_quals.__qualname__.startswith("fast_parser.")


@pytest.mark.parametrize("cdecl", ASKED + SLOW)
def test_every_type_string_gives_the_type_cffis_parser_gives(cdecl: str) -> None:
    fast = ffi._parser.parse_type_and_quals
    try:
        expected = _slow(cdecl)
    except Exception as exc:  # an unknown type: the same error both ways
        with pytest.raises(type(exc)):
            fast(cdecl)
        return
    assert fast(cdecl) == expected
    with ffi._lock:  # cffi asks its callers to hold the lock
        cached = ffi._get_cached_btype(expected[0])
    assert ffi.typeof(cdecl) is cached


def test_only_simple_pointers_and_arrays_of_known_types_take_the_direct_path(monkeypatch: pytest.MonkeyPatch) -> None:
    asked: list[str] = []

    class Parser:
        _declarations = ffi._parser._declarations

        def parse_type_and_quals(self, cdecl: str) -> Any:
            asked.append(cdecl)
            return _slow(cdecl)

    fast = cffi_types.fast_parser(Parser())
    for cdecl in ASKED + SLOW:
        try:
            fast(cdecl)
        except Exception:
            pass
    assert asked == SLOW


def test_a_parser_that_disagrees_on_the_probe_keeps_its_own() -> None:
    class Parser:
        _declarations = ffi._parser._declarations

        def parse_type_and_quals(self, cdecl: str) -> Any:
            return "something else", 0

    own = Parser()
    holder = type("FFI", (), {"_parser": own})()
    assert cffi_types.install(holder) is False
    assert own.parse_type_and_quals("int *") == ("something else", 0)
    assert cffi_types.install(type("FFI", (), {})()) is False  # no parser at all
