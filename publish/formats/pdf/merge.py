"""The parts of a long document's PDF (parts.py) put together as one tagged PDF (pikepdf): the
pages in order, one outline, the named destinations of every part (so links between parts work),
one structure tree (each part's elements under the first part's document element, the parent tree
renumbered), page labels, and the first part's catalog, Info dictionary and XMP packet."""
from __future__ import annotations

import io
import warnings
from typing import Any, Sequence

import pikepdf
from pikepdf import Array, Dictionary, Name, String

from .parts import Finished


def merge(parts: Sequence[Finished]) -> bytes:
    """One PDF of the parts, in order; same parts, same bytes."""
    pdfs = [pikepdf.open(io.BytesIO(part.pdf)) for part in parts]
    whole = pdfs[0]
    starts = [0]
    with warnings.catch_warnings():
        # pikepdf warns that named destinations do not follow the pages: _merge_destinations moves them
        warnings.simplefilter("ignore", pikepdf.PageCopyWarning)
        for pdf in pdfs[1:]:
            starts.append(len(whole.pages))
            whole.pages.extend(pdf.pages)
    _merge_structure(whole, pdfs, starts)
    _merge_destinations(whole, pdfs, parts, starts)
    _write_outline(whole, parts, starts)
    whole.Root.PageLabels = Dictionary(Nums=Array([0, Dictionary(S=Name.D)]))
    out = io.BytesIO()
    whole.save(out, deterministic_id=True, object_stream_mode=pikepdf.ObjectStreamMode.generate,
               compress_streams=True, recompress_flate=False)
    return out.getvalue()


def _copied(whole: pikepdf.Pdf, pdf: pikepdf.Pdf, obj: Any) -> Any:
    """``obj`` of ``pdf`` as an object of ``whole`` (the pages it points at: their copies in ``whole``)."""
    if pdf is whole or not isinstance(obj, (Array, Dictionary)):
        return obj
    return whole.copy_foreign(obj if obj.is_indirect else pdf.make_indirect(obj))


def _merge_structure(whole: pikepdf.Pdf, pdfs: list[pikepdf.Pdf], starts: list[int]) -> None:
    """Every part's structure elements under the first part's top element, and one parent tree:
    each later part's keys (its pages' StructParents, its annotations' StructParent) moved past
    the keys before it."""
    root = whole.Root.get("/StructTreeRoot")
    if root is None:
        return
    top = root.K[0] if isinstance(root.K, Array) else root.K
    nums = Array()
    next_key = 0
    for number, pdf in enumerate(pdfs):
        tree = pdf.Root.get("/StructTreeRoot")
        if tree is None:
            continue
        shift = next_key
        for number_key, value in _leaves(tree.ParentTree, "/Nums"):
            key = int(number_key)
            nums.append(key + shift)
            nums.append(_copied(whole, pdf, value))
            next_key = max(next_key, key + shift + 1)
        next_key = max(next_key, shift + int(tree.get("/ParentTreeNextKey", 0)))
        if pdf is whole:
            continue
        first = starts[number]
        count = len(pdf.pages)
        for page in whole.pages[first:first + count]:
            if "/StructParents" in page.obj:
                page.obj.StructParents = int(page.obj.StructParents) + shift
            for annotation in page.obj.get("/Annots", Array()):
                if "/StructParent" in annotation:
                    annotation.StructParent = int(annotation.StructParent) + shift
        their_top = tree.K[0] if isinstance(tree.K, Array) else tree.K
        for kid in _array(their_top.get("/K")):
            kid = _copied(whole, pdf, kid)
            if isinstance(kid, Dictionary):
                kid.P = top
            top.K.append(kid)
    root.ParentTree = whole.make_indirect(Dictionary(Nums=nums))
    root.ParentTreeNextKey = next_key


def _array(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, Array) else [value]


def _leaves(node: Any, kind: str) -> list[tuple[Any, Any]]:
    """A number tree's (``kind`` "/Nums") or a name tree's ("/Names") (key, value) pairs in order:
    its leaves' arrays of key, value, key, value..., and its inner nodes' ``/Kids``."""
    found = []
    pairs = node.get(kind)
    if pairs is not None:
        found += [(pairs[i], pairs[i + 1]) for i in range(0, len(pairs), 2)]
    for kid in node.get("/Kids", Array()):
        found += _leaves(kid, kind)
    return found


def _merge_destinations(whole: pikepdf.Pdf, pdfs: list[pikepdf.Pdf], parts: Sequence[Finished], starts: list[int]) -> None:
    """One /Dests name tree: each name where the part that holds it put it (the first such part,
    as WeasyPrint takes the first of two anchors of one name); the stand-ins a part wrote for
    anchors in other parts are dropped, so the links to them land in the right part."""
    chosen: dict[str, Any] = {}
    for pdf, part in zip(pdfs, parts):
        names = pdf.Root.get("/Names")
        dests = names.get("/Dests") if names is not None else None
        if dests is None:
            continue
        own = set(part.anchors)
        for key, destination in _leaves(dests, "/Names"):
            name = str(key)
            if name in own and name not in chosen:
                chosen[name] = _copied(whole, pdf, destination)
    if not chosen:
        return
    flat = Array()
    for name in sorted(chosen):
        flat.append(String(name))
        flat.append(chosen[name])
    if "/Names" not in whole.Root:
        whole.Root.Names = Dictionary()
    whole.Root.Names.Dests = whole.make_indirect(Dictionary(Names=flat))


def _tree(bookmarks: list[tuple[int, str, int, float, float, str]]) -> list[Any]:
    """The bookmarks nested as WeasyPrint nests them (weasyprint.anchors.make_page_bookmark_tree):
    (label, (page, x, y), children, state), a skipped level not making an empty one."""
    root: list[Any] = []
    skipped: list[int] = []
    last_by_depth = [root]
    previous = 0
    for level, label, page, x, y, state in bookmarks:
        if level > previous:
            skipped.append(level - previous - 1)
        else:
            temp = level
            while temp < previous:
                temp += 1 + skipped.pop()
            if temp > previous:
                skipped.append(temp - previous - 1)
        previous = level
        depth = level - sum(skipped)
        children: list[Any] = []
        last_by_depth[depth - 1].append((label, (page, x, y), children, state))
        del last_by_depth[depth:]
        last_by_depth.append(children)
    return root


def _write_outline(whole: pikepdf.Pdf, parts: Sequence[Finished], starts: list[int]) -> None:
    """One outline of every part's bookmarks, written as WeasyPrint writes one (pdf/anchors.py)."""
    bookmarks = [(level, label, page + start, x, y, state)
                 for part, start in zip(parts, starts) for level, label, page, x, y, state in part.bookmarks]
    if "/Outlines" in whole.Root:
        del whole.Root["/Outlines"]
    tree = _tree(bookmarks)
    if not tree:
        return
    pages = [page.obj for page in whole.pages]

    def add(items: list[Any], parent: Any) -> tuple[list[Any], int]:
        count = len(items)
        made: list[Any] = []
        for label, (page, x, y), children, state in items:
            outline = whole.make_indirect(Dictionary(Title=String(label), Dest=Array([pages[page], Name.XYZ, x, y, 0])))
            kids, kids_count = add(children, outline)
            outline.Count = -kids_count if state == "closed" else kids_count
            if state != "closed":
                count += kids_count
            if made:
                outline.Prev = made[-1]
                made[-1].Next = outline
            if kids:
                outline.First, outline.Last = kids[0], kids[-1]
            outline.Parent = parent
            made.append(outline)
        return made, count

    top = whole.make_indirect(Dictionary())
    made, count = add(tree, top)
    top.Count, top.First, top.Last = count, made[0], made[-1]
    whole.Root.Outlines = top
