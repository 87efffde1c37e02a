"""A one-line correction to WeasyPrint's line layout: the ``text-indent`` of a right-to-left paragraph.

In ``weasyprint.layout.inline.get_next_linebox`` (WeasyPrint 66 to 70) the first line of a paragraph
is laid out from its start plus the indent, then, for a right-to-left paragraph, moved by its own
width and alignment offset to end at the right edge; the indent is never counted in that move. So
an Arabic or Hebrew paragraph's first line starts flush at the right edge, where the indent belongs,
and stops an indent short at the left: the indent lands at the end of the line instead of its start.

The correction moves the right-to-left line one indent further towards the end (to the left): its
start then sits one indent in from the right edge, as ``text-indent`` means in CSS 2 and css-text-3.
It is applied to the function's own source only when that source holds exactly the expected lines;
otherwise (a WeasyPrint that changed the code) nothing is touched and :data:`APPLIED` is False (the
PDF is still right, its right-to-left paragraphs indented at the wrong end).
"""
from __future__ import annotations

from .patch import corrected

OLD = "            offset_x *= -1\n            offset_x -= line.width\n"
NEW = OLD + "            offset_x -= linebox.text_indent\n"

#: Whether the correction is in place.
APPLIED = False


def apply() -> bool:
    """Correct ``get_next_linebox`` once (idempotent); True when the corrected function is in use."""
    global APPLIED
    if APPLIED:
        return True
    from weasyprint.layout import inline

    fixed = corrected(inline, "get_next_linebox", {OLD: NEW})
    if fixed is None:
        return False
    inline.get_next_linebox = fixed  # iter_line_boxes looks the name up in the module
    APPLIED = True
    return True
