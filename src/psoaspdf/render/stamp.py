"""Personal details stamped onto a handout laid out once without them: the fast path for batch
runs and the desk, where thousands of copies differ only in a name, a clinician, a date and a
note.

The blank copy draws its patient block and its notes box's ruled lines between comments in the
page's content. A copy draws both again with the details, laid out by the same code as a full
layout (so an ISO date or a long name takes room from its neighbours, and a note sits on the
lines, exactly as a full layout puts them), and is written as the blank with an update appended:
the changed pages' content without the blank parts, the drawing with the details after it, the
fonts it uses. Each label, value and note keeps the marked-content id its element has in the
blank's structure tree, so the tree is not touched. Only a part that would change size (a note
longer than the lines, a name line that must put its labels over the lines) sends the copy to a
full layout."""

from __future__ import annotations

import functools
import io
import re
import zlib
from typing import Any

from reportlab.pdfgen.canvas import Canvas

from .. import model
from .fonts import load_fonts
from .story import MCIDS
from .styles import PAPER
from .tags import TAGGING, Tags, begin_page, end_page


def stamp_personal(
    base: bytes,
    fields: dict[str, Any],
    personal: model.Personal,
    layout: model.Layout,
) -> bytes | None:
    """The base PDF with the patient's name line and the note drawn again with the details, as
    a full layout draws them, appended to it as an update; None when the page would change (the
    caller then lays the copy out in full): a name line or note that needs more room than the
    blank's, a glyph the body font lacks, or a blank without the place a detail goes."""
    from .story import BLOCK_KEY, NOTE_KEY

    fonts = load_fonts(layout.fonts)
    values = {"patient": personal.patient, "date": personal.date, "clinician": personal.clinician}
    wanted = {k: v for k, v in values.items() if v}
    for text in [*wanted.values(), personal.note or ""]:
        if any(ord(c) not in fonts.covered for c in text if not c.isspace()):
            return None
    index = _index(base)
    root = _ref(index[1], b"Root") if index else None
    catalogue = index[0](root) if index and root is not None else None
    if catalogue is None or not (wanted or personal.note):
        return None
    tagged = b"/StructTreeRoot" in catalogue
    language = re.search(rb"/Lang\s*\(([A-Za-z0-9-]+)\)", catalogue)
    lang = language.group(1).decode() if language else "en"
    story = _story(layout, lang)
    story.tags, story.stamping = (Tags(lang) if tagged else None), True  # laid out as the blank was
    parts: list[tuple[str, Any, list[Any]]] = []
    if wanted:
        parts.append((BLOCK_KEY, *story.patient_table(personal)))
    if personal.note and NOTE_KEY in fields:
        parts.append((NOTE_KEY, *story.ruled_lines(personal.note, fields[NOTE_KEY][4])))
    elif personal.note:
        return None  # no notes box in this layout
    by_page: dict[int, list[tuple[str, Any, float, float]]] = {}
    for key, flowable, nodes in parts:
        if key not in fields:
            return None
        page, x, y, height, width = fields[key]
        if abs(flowable.wrap(width, height + 1000)[1] - height) > 0.01:
            return None  # the part would not keep its size: the page below it would move
        if tagged:  # each element keeps the marked-content id it has in the blank
            ids = fields.get(key + MCIDS, ())
            if len(ids) != len(nodes) or None in nodes:
                return None
            for node, mcid in zip(nodes, ids, strict=True):
                node.mcid = int(mcid)
        by_page.setdefault(page, []).append((key, flowable, x, y))
    # one overlay page for each page that changes, in one document: its fonts are embedded once
    buffer = io.BytesIO()
    # the drawing uncompressed: it is read back at once and compressed with the page it joins
    canvas = Canvas(
        buffer,
        pagesize=PAPER[layout.page.paper],
        invariant=1,
        initialFontName=fonts.regular,
        pageCompression=0,
    )
    canvas.__dict__[TAGGING] = tagged
    for page in sorted(by_page):
        if tagged:
            begin_page(canvas)
        for _, flowable, x, y in by_page[page]:
            flowable.drawOn(canvas, x, y)
        if tagged:
            end_page(canvas)
        canvas.showPage()
    canvas.save()
    return _appended(
        base, buffer.getvalue(), [(page, [k for k, *_ in by_page[page]]) for page in sorted(by_page)]
    )


@functools.lru_cache(maxsize=8)
def _renderer(layout: model.Layout, language: str) -> Any:
    """The set-up a full layout of this layout and language uses: its styles and words."""
    from .document import _Renderer

    return _Renderer(layout, language, model.Personal())


def _story(layout: model.Layout, language: str) -> Any:
    """A story builder of its own (a copy's is changed as it is used; threads may share a worker)."""
    from .story import Story

    renderer = _renderer(layout, language)
    return Story(renderer.styles, renderer.labels, renderer.layout)


# --- writing a copy as an update of the blank, without reading the whole file --------------------

_REF = re.compile(rb"(\d+)\s+0\s+R")


def _renumbered(text: bytes, numbers: dict[int, int]) -> bytes:
    """``text`` with each reference to an object of ``numbers`` pointing at its new number."""
    return _REF.sub(lambda m: b"%d 0 R" % numbers[int(m.group(1))], text)


def _ref(text: bytes, key: bytes) -> int | None:
    found = re.search(rb"/" + key + rb"\s+(\d+)\s+0\s+R", text)
    return int(found.group(1)) if found else None


def _stream(data: bytes, extra: bytes = b"") -> bytes:
    packed = zlib.compress(data)
    return (
        b"<< %s/Filter /FlateDecode /Length %d >>\nstream\n" % (extra, len(packed)) + packed + b"\nendstream"
    )


def _pages(read: Any, trailer: bytes) -> list[int] | None:
    """The page objects' numbers, in order (a flat page tree, as ReportLab writes it)."""
    root = _ref(trailer, b"Root")
    catalogue = read(root) if root is not None else None
    tree = _ref(catalogue, b"Pages") if catalogue else None
    body = read(tree) if tree is not None else None
    kids = re.search(rb"/Kids\s*\[([^\]]*)\]", body) if body else None
    return [int(n) for n in _REF.findall(kids.group(1))] if kids else None


@functools.lru_cache(maxsize=8)
def _index(base: bytes) -> tuple[Any, bytes, list[int], int] | None:
    """A blank's object reader, trailer, page objects and next free object number: read once
    per blank in a worker, as each copy is made from it."""
    from ..compact import objects

    found = objects(base)
    pages = _pages(*found) if found else None
    size = re.search(rb"/Size\s+(\d+)", found[1]) if found else None
    return (found[0], found[1], pages, int(size.group(1))) if found and pages and size else None


@functools.lru_cache(maxsize=32)
def _page(base: bytes, page: int) -> tuple[int, bytes, int, bytes] | None:
    """A blank page's object number, dictionary, content stream number and decoded content."""
    from ..compact import stream_data

    index = _index(base)
    if index is None or not 0 < page <= len(index[2]):
        return None
    read, number = index[0], index[2][page - 1]
    body = read(number)
    contents = _ref(body, b"Contents") if body else None
    content = stream_data(read(contents) or b"") if contents is not None else None
    if body is None or contents is None or content is None or b"/Type /Pages" in body:
        return None
    return number, body, contents, content


def _appended(base: bytes, overlay: bytes, pages: list[tuple[int, list[str]]]) -> bytes | None:
    """The copy as ``base`` with an update appended: on each page of ``pages`` (in the order of the
    overlay's pages), the blank parts named cut from its content and that overlay page's drawing
    added after it, with the overlay's fonts. None for a file laid out otherwise than psoaspdf
    writes them."""
    from ..compact import objects, stream_data, updated
    from .story import redraw_marks

    index, seen = _index(base), objects(overlay)
    if index is None or seen is None:
        return None
    read, _, _, fresh = index  # fresh: the next unused object number
    o_read, o_trailer = seen
    overlay_pages = _pages(o_read, o_trailer)
    if overlay_pages is None or len(overlay_pages) != len(pages):
        return None
    numbers: dict[int, int] = {}  # the overlay's objects that are copied: old number -> new
    changed: dict[int, bytes] = {}
    for (page, keys), o_number in zip(pages, overlay_pages, strict=True):
        found = _page(base, page)
        if found is None:
            return None
        number, body, contents, content = found
        for key in keys:
            begin, end = redraw_marks(key)
            start, stop = content.find(begin), content.find(end)
            if start < 0 or stop < start or content.count(begin) != 1 or content.count(end) != 1:
                return None
            content = content[:start] + content[stop + len(end) :]
        # the overlay page's drawing and the fonts it uses, numbered after the base's objects
        o_page = o_read(o_number)
        o_contents = _ref(o_page, b"Contents") if o_page else None
        drawing = stream_data(o_read(o_contents) or b"") if o_contents is not None else None
        font_ref = _ref(o_page, b"Font") if o_page else None
        font_dict = o_read(font_ref) if font_ref is not None else b"<< >>"
        if drawing is None or font_dict is None:
            return None
        names = re.findall(rb"/([A-Za-z][\w.+-]*)\s+(\d+)\s+0\s+R", font_dict)
        queue = [int(n) for _, n in names]
        while queue:
            old = queue.pop()
            if old in numbers:
                continue
            text = o_read(old)
            if text is None:
                return None
            numbers[old] = fresh
            fresh += 1
            queue += [int(n) for n in _REF.findall(text.partition(b"stream")[0])]
        for name, _ in names:
            drawing = re.sub(
                rb"/" + re.escape(name) + rb"(\s+[\d.]+\s+Tf)", b"/Stamp" + name + rb"\1", drawing
            )
        added = b" ".join(b"/Stamp%s %d 0 R" % (name, numbers[int(n)]) for name, n in names)
        base_fonts = _ref(body, b"Font")
        where = re.search(rb"/Font\s+\d+\s+0\s+R", body)
        if base_fonts is not None and where is not None:
            entries = (read(base_fonts) or b"").strip().removeprefix(b"<<").removesuffix(b">>").strip()
            body = (
                body[: where.start()] + b"/Font << " + entries + b" " + added + b" >>" + body[where.end() :]
            )
        elif b"/Font <<" in body:
            body = body.replace(b"/Font <<", b"/Font << " + added, 1)
        else:
            return None
        changed[number] = body
        changed[contents] = _stream(b"q\n" + content + b"\nQ\n" + drawing)
    for old, new in numbers.items():
        text = o_read(old) or b""
        head, keyword, rest = text.partition(b"stream")
        head = _renumbered(head, numbers)
        data = stream_data(text) if keyword else None
        if data is None:
            changed[new] = head + keyword + rest
        else:  # a font file, written uncompressed with the drawing: compressed here
            head = re.sub(rb"/Filter\s*(\[[^\]]*\]|/\w+)|/Length\s+\d+", b"", head).strip()
            changed[new] = _stream(data, head.removeprefix(b"<<").removesuffix(b">>").strip() + b" ")
    return updated(base, changed)
