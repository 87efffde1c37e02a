"""WeasyPrint's C type strings ('PangoRectangle *', 'hb_codepoint_t[3329]') resolved without pycparser.

WeasyPrint allocates C memory with ``ffi.new("T *")`` and ``ffi.new("T[n]")``; cffi parses each
new string with pycparser, declaring every typedef of the whole Pango/HarfBuzz cdef again for
each one: about 2 ms a string, 13 strings (45 to 50 ms) in the first render of a two-page
article, on the PDF worker's critical path (array lengths change with the text, so the strings
keep changing). A pointer to, or an array of, a type the cdef already declared is a
``model.PointerType`` or ``model.ArrayType`` of that declared type; this builds those directly
and hands anything else (functions, qualifiers, unknown names) to cffi's own parser. Installed
only if it agrees with cffi's parser on a probe, so a cffi that models types differently keeps
its own parser.
"""
from __future__ import annotations

import re
from typing import Any, Callable

_SIMPLE = re.compile(r"\s*([A-Za-z_]\w*(?:\s+[A-Za-z_]\w*)*)\s*(\*{1,2}|\[\d*\])\s*")
#: Strings the probe compares both ways before installing (each costs cffi's parser 2 ms): a
#: pointer to a typedef'd struct and an array of an integer typedef (the tests compare more).
PROBE = ("PangoRectangle *", "hb_codepoint_t[38]")


def fast_parser(parser: Any) -> Callable[[str], tuple[Any, int]]:
    """A ``parse_type_and_quals`` for ``parser`` (a cffi ``Parser``) with the direct path first."""
    from cffi import model

    slow = parser.parse_type_and_quals

    def base(name: str) -> Any | None:
        name = " ".join(name.split())
        declared = parser._declarations.get("typedef " + name)
        if declared is not None:
            tp, quals = declared
            return tp if quals == 0 else None
        if name in model.PrimitiveType.ALL_PRIMITIVE_TYPES:
            return model.PrimitiveType(name)
        return None

    def parse_type_and_quals(cdecl: str) -> tuple[Any, int]:
        match = _SIMPLE.fullmatch(cdecl)
        found = base(match.group(1)) if match else None
        if found is None:
            return slow(cdecl)
        suffix = match.group(2)  # type: ignore[union-attr]
        if suffix.startswith("*"):
            for _ in suffix:
                found = model.PointerType(found)
            return found, 0
        length = suffix[1:-1]
        return model.ArrayType(found, int(length) if length else None), 0

    return parse_type_and_quals


def install(ffi: Any, probe: tuple[str, ...] = PROBE) -> bool:
    """Give ``ffi`` the direct path, if it agrees with cffi's own parser on every ``probe`` string."""
    parser = getattr(ffi, "_parser", None)
    if parser is None or not hasattr(parser, "parse_type_and_quals") or not hasattr(parser, "_declarations"):
        return False
    try:
        fast = fast_parser(parser)
        if any(fast(cdecl) != parser.parse_type_and_quals(cdecl) for cdecl in probe):
            return False
    except Exception:  # a cffi whose internals moved: keep its own parser
        return False
    parser.parse_type_and_quals = fast
    return True
