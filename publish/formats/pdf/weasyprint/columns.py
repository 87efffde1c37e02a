"""A one-line correction to WeasyPrint's multi-column layout, which can drop everything after a spanning element.

In ``weasyprint.layout.column.columns_layout`` (WeasyPrint 66 to 70 and its main branch as of August
2026) the columns before a ``column-span: all`` element are balanced by raising their height step by
step. When a step overshoots the room left on the page, the height is clamped to that room and the
loop over the column runs and spanning elements *stops* ("stop_rendering"), as if the run had not
fitted. But balancing only starts when the whole run *does* fit at that height: the run is laid out
completely, no skip stack is left, and the multi-column box is reported finished, so the spanning
element and everything after it in the box are silently lost (the last third of a 150,000-word book:
a wide table came after two columns that filled a page exactly).

A second, smaller one: inside the columns WeasyPrint does not move the page foot up for the notes
that the columns call (it allows for them itself when it sizes the columns), but lays a spanning
element out against the page foot as it was before those notes: a wide table after columns with notes
ran over the notes at the foot of the page. Its room now ends above them.

The first correction: stop only when the run really did not fit (a skip stack is left, or no column could be
laid out); a run that ended at the foot of the page goes on to the spanning element, which then moves
to the next page as any block does. It is applied to the function's own source, only when that source
holds exactly the expected lines (both of them); otherwise (a WeasyPrint that changed the code) nothing is touched
and :data:`APPLIED` is False (the PDF's read-back check still refuses a PDF that lost text).
"""
from __future__ import annotations

from .patch import corrected

OLD = "        if stop_rendering:\n            break\n"
NEW = "        if stop_rendering and (column_skip_stack is not None or break_page):\n            break\n"
# the spanning element's room ends above the page-foot notes the columns before it called
OLD_SPAN = "                    context, block, original_bottom_space, skip_stack, containing_block,\n"
NEW_SPAN = (
    "                    context, block, original_bottom_space + max(0, (0 if context.current_footnote_area.height == 'auto'\n"
    "                    else context.current_footnote_area.margin_height()) - footnote_area_heights[0]),\n"
    "                    skip_stack, containing_block,\n"
)

#: Whether the correction is in place.
APPLIED = False


def apply() -> bool:
    """Correct ``columns_layout`` once (idempotent); True when the corrected function is in use."""
    global APPLIED
    if APPLIED:
        return True
    from weasyprint.layout import block, column

    if getattr(block, "columns_layout", None) is not column.columns_layout:
        return False
    fixed = corrected(column, "columns_layout", {OLD: NEW, OLD_SPAN: NEW_SPAN})
    if fixed is None:
        return False
    column.columns_layout = fixed
    block.columns_layout = fixed  # block.py imported the name itself
    APPLIED = True
    return True
