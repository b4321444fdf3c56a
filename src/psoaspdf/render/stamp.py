"""Personal details stamped onto a handout laid out once without them: the fast path for batch
runs and the desk, where thousands of copies differ only in a name, a clinician, a date and a
note.

The blank copy draws its patient block, its notes box's ruled lines, each exercise's dose (a
card's dose row, a program row's dose line) and the line that explains sets between comments in
the page's content. A copy draws again the parts whose words differ, laid out by the same code as
a full layout (so an ISO date or a long name takes room from its neighbours, and a note sits on
the lines, exactly as a full layout puts them), and is written as the blank with an update
appended: the changed pages' content with each part drawn anew where the blank's was (so it is
read in the same order), and the fonts it uses. Each label, value and note keeps the
marked-content id its element has in the blank's structure tree, so the tree is not touched,
but for a dose with other columns than the blank's (Sets added, Hold dropped): the update then
rewrites that table's two rows, adds an element for each new cell and rewrites the page's
parent-tree array (see _Restructured). Only a part that would change size (a note longer than
the lines, a name line that must put its labels over the lines, a dose that wraps otherwise)
sends the copy to a full layout."""

from __future__ import annotations

import functools
import io
import re
import zlib
from collections.abc import Sequence
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
    exercises: Sequence[model.Exercise] | None = None,
) -> bytes | None:
    """The base PDF with the patient's name line and the note drawn again with the details, as
    a full layout draws them, appended to it as an update; None when the page would change (the
    caller then lays the copy out in full): a name line or note that needs more room than the
    blank's, a glyph the body font lacks, or a blank without the place a detail goes.

    ``exercises``, the copy's (the blank's, in the same order, some with other doses): each dose
    that differs is drawn again in its place too, and the line that explains sets when it quotes
    other numbers, as long as each keeps its size (a dose with other labels, Sets added or Hold
    dropped, has its table's cells rewritten in the structure tree)."""
    from ..wording import dose_cells, sets_sentence
    from .story import BLOCK_KEY, CTM, MADE, NOTE_KEY, PARENTS, SETS_KEY, STRUCT, dose_key, dose_nodes

    fonts = load_fonts(layout.fonts)
    values = {"patient": personal.patient, "date": personal.date, "clinician": personal.clinician}
    wanted = {k: v for k, v in values.items() if v}
    for text in [*wanted.values(), personal.note or ""]:
        if any(ord(c) not in fonts.covered for c in text if not c.isspace()):
            return None
    # the doses that differ from the blank's: (key, dose, columns, width); columns -1: a line
    doses: list[tuple[str, model.Dose, int, float]] = []
    for number, exercise in enumerate(exercises or (), start=1):
        made = fields.get(dose_key(number) + MADE)
        if made is None:
            return None  # not this blank's exercises
        if exercise.dose != made[0]:
            doses.append((dose_key(number), exercise.dose, made[1], made[2]))
    if exercises is not None and dose_key(len(exercises) + 1) + MADE in fields:
        return None  # the blank has more exercises than the copy
    index = _index(base)
    root = _ref(index[1], b"Root") if index else None
    catalogue = index[0](root) if index and root is not None else None
    if catalogue is None or not (wanted or personal.note or doses):
        return None
    tagged = b"/StructTreeRoot" in catalogue
    language = re.search(rb"/Lang\s*\(([A-Za-z0-9-]+)\)", catalogue)
    lang = language.group(1).decode() if language else "en"
    story = _story(layout, lang)
    story.tags, story.stamping = (Tags(lang) if tagged else None), True  # laid out as the blank was
    parts: list[tuple[str, Any, list[Any]]] = []
    # a dose with other columns: its cells' elements, the rows holding them and the pages' parent
    # arrays, written anew (see _Restructured); new objects are numbered from the blank's next free
    struct = _Restructured(index[3], fields.get(PARENTS) or {}, index[2]) if tagged and index else None
    preset: set[str] = set()  # parts whose elements have their marked-content ids already
    if wanted:
        parts.append((BLOCK_KEY, *story.patient_table(personal)))
    if personal.note and NOTE_KEY in fields:
        parts.append((NOTE_KEY, *story.ruled_lines(personal.note, fields[NOTE_KEY][4])))
    elif personal.note:
        return None  # no notes box in this layout
    for key, dose, columns, width in doses:
        if columns < 0:  # a program row's dose line
            line = story.dose_line(dose)
            parts.append((key, line, [getattr(line, "node", None)]))
            continue
        table = story.dose(dose, columns, width)
        cells = dose_nodes(table)
        other_columns = [label for label, _ in dose_cells(dose, story.labels)] != [
            label for label, _ in dose_cells(fields[key + MADE][0], story.labels)
        ]
        # other columns: other cells in the structure tree, which the copy's update rewrites
        if other_columns and struct is not None:
            page = fields[key][0] if key in fields else 0
            if not struct.recolumn(cells, page, fields.get(key + STRUCT), fields.get(key + MCIDS, ())):
                return None
            preset.add(key)
        parts.append((key, table, cells))
    if doses and SETS_KEY + MADE in fields:  # a handout's: the line under "Your exercises"
        said, was = sets_sentence(exercises or (), story.labels), fields[SETS_KEY + MADE]
        if (said is None) != (was is None):
            return None  # the line would come or go: the page would change
        if said is not None and said != was:
            line = story.sets_line(said)
            parts.append((SETS_KEY, line, [getattr(line, "node", None)]))
    by_page: dict[int, list[tuple[str, Any, float, float]]] = {}
    undo: dict[str, bytes] = {}  # what takes each part's drawing to where the blank's was drawn
    for key, flowable, nodes in parts:
        if key not in fields:
            return None
        page, x, y, height, width = fields[key]
        if abs(flowable.wrap(width, height + 1000)[1] - height) > 0.01:
            return None  # the part would not keep its size: the page below it would move
        if tagged and key not in preset:  # each element keeps the marked-content id it has in the blank
            ids = fields.get(key + MCIDS, ())
            if len(ids) != len(nodes) or None in nodes:
                return None
            for node, mcid in zip(nodes, ids, strict=True):
                node.mcid = int(mcid)  # (None is not among the nodes: checked above)
        by_page.setdefault(page, []).append((key, flowable, x, y))
        ctm, local_x, local_y = fields.get(key + CTM, (None, x, y))
        if ctm is not None and tuple(ctm[:4]) == (1, 0, 0, 1):
            # moved, not turned or scaled (as ReportLab lays pages out): drawn with the numbers
            # a full layout uses, under the blank's own transformation
            by_page[page][-1] = (key, flowable, local_x, local_y)
            undo[key] = b""
        else:
            found = _inverse(ctm)
            if found is None:
                return None
            undo[key] = found + b" cm "
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
    for page in sorted(by_page):  # an overlay page for each part, drawn where it goes on its page
        for _, flowable, x, y in by_page[page]:
            if tagged:
                begin_page(canvas)
            flowable.drawOn(canvas, x, y)
            if tagged:
                end_page(canvas)
            canvas.showPage()
    canvas.save()
    where = [(page, [(k, undo[k]) for k, *_ in by_page[page]]) for page in sorted(by_page)]
    if struct is None:
        return _appended(base, buffer.getvalue(), where, tagged)
    return _appended(base, buffer.getvalue(), where, tagged, struct.objects(), struct.fresh)


class _Restructured:
    """The structure-tree objects a copy rewrites when a dose table gets other columns: each
    cell kept keeps its element and marked-content id; a cell added gets a new element (TH
    heading its column, TD) and the page's next ids; a cell dropped leaves its row, and its ids
    leave the page's parent array; the two rows and the parent array are written anew."""

    def __init__(self, fresh: int, parents: dict[int, Any], page_objects: list[int]) -> None:
        self.fresh = fresh  # the next object number free in the copy
        self.parents = parents
        self.page_objects = page_objects
        self.arrays: dict[int, tuple[int, list[int | None]]] = {}  # page -> (object, elements by id)
        self.written: dict[int, bytes] = {}

    def recolumn(self, nodes: list[Any], page: int, table: Any, ids: Sequence[int]) -> bool:
        """Give ``nodes`` (the new table's TH, TD, TH, TD...) their ids and elements; False when
        the blank does not say enough to do it (the copy is then laid out in full)."""
        found = self.parents.get(page)
        if (
            table is None
            or found is None
            or None in nodes
            or len(nodes) % 2
            or not 0 < page <= len(self.page_objects)
        ):
            return False
        _, rows = table
        if len(rows) != 2 or len(ids) != 2 * len(rows[0][1]) or len(rows[0][1]) != len(rows[1][1]):
            return False
        (head_row, heads), (value_row, values) = rows
        if page not in self.arrays:
            self.arrays[page] = (found[0], list(found[1]))
        array = self.arrays[page][1]
        page_ref = b"%d 0 R" % self.page_objects[page - 1]
        kept_heads: list[int] = []
        kept_values: list[int] = []
        for i in range(len(nodes) // 2):
            head, value = nodes[2 * i], nodes[2 * i + 1]
            if i < len(heads):  # a cell the blank has: its elements and ids
                head.mcid, value.mcid = ids[2 * i], ids[2 * i + 1]
                kept_heads.append(heads[i])
                kept_values.append(values[i])
                continue
            head.mcid, value.mcid = len(array), len(array) + 1
            for node, row, kept, attributes in (
                (head, head_row, kept_heads, b" /A << /O /Table /Scope /Column >>"),
                (value, value_row, kept_values, b""),
            ):
                number = self.fresh
                self.fresh += 1
                self.written[number] = b"<< /S /%s /P %d 0 R%s /Pg %s /K %d >>" % (
                    node.role.encode("ascii"),
                    row,
                    attributes,
                    page_ref,
                    node.mcid,
                )
                array.append(number)
                kept.append(number)
        for i in range(len(nodes) // 2, len(heads)):  # cells dropped: their ids are gone
            array[ids[2 * i]] = array[ids[2 * i + 1]] = None
        table_ref = table[0]
        for row, kids in ((head_row, kept_heads), (value_row, kept_values)):
            listed = b" ".join(b"%d 0 R" % k for k in kids)
            self.written[row] = b"<< /S /TR /P %d 0 R /K [ %s ] >>" % (table_ref, listed)
        return True

    def objects(self) -> dict[int, bytes]:
        out = dict(self.written)
        for number, array in self.arrays.values():
            out[number] = b"[ " + b" ".join(b"null" if e is None else b"%d 0 R" % e for e in array) + b" ]"
        return out


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


# the state a part is drawn in on a page of its own: where it goes on the blank's page, the
# blank's colours, line and text settings at that point are set back to a page's first ones
_FRESH = b"0 g 0 G 1 w 0 J 0 j [] 0 d 10 M 0 Tc 0 Tw 100 Tz 0 Ts 0 Tr"


def _inverse(ctm: tuple[float, ...] | None) -> bytes | None:
    """The ``cm`` operands that undo ``ctm`` (drawing in page coordinates again), or None."""
    if ctm is None or len(ctm) != 6:
        return None
    a, b, c, d, e, f = ctm
    det = a * d - b * c
    if abs(det) < 1e-9:
        return None
    ia, ib, ic, id_ = d / det, -b / det, -c / det, a / det
    ie, if_ = -(e * ia + f * ic), -(e * ib + f * id_)
    return b" ".join(b"%.6f" % v for v in (ia, ib, ic, id_, ie, if_))


def _appended(
    base: bytes,
    overlay: bytes,
    pages: list[tuple[int, list[tuple[str, bytes]]]],
    tagged: bool,
    extra: dict[int, bytes] | None = None,
    fresh: int = 0,
) -> bytes | None:
    """The copy as ``base`` with an update appended: on each page of ``pages``, each blank part
    named replaced, where it was in the page's content, by its drawing on the overlay (one
    overlay page per part, in order; after the ``cm`` given with it, if any), with the overlay's
    fonts. The page's content keeps its order: a part is read where it is seen. ``extra``
    (numbered below ``fresh``) are written with them: structure elements rewritten or added.
    None for a file laid out otherwise than psoaspdf writes them."""
    from ..compact import objects, stream_data, updated
    from .story import redraw_marks

    index, seen = _index(base), objects(overlay)
    if index is None or seen is None:
        return None
    read, _, _, first_free = index
    fresh = max(fresh, first_free)  # the next unused object number
    o_read, o_trailer = seen
    overlay_pages = _pages(o_read, o_trailer)
    if overlay_pages is None or len(overlay_pages) != sum(len(keys) for _, keys in pages):
        return None
    numbers: dict[int, int] = {}  # the overlay's objects that are copied: old number -> new
    changed: dict[int, bytes] = {}
    drawn = iter(overlay_pages)
    for page, keys in pages:
        found = _page(base, page)
        if found is None:
            return None
        number, body, contents, content = found
        names: dict[bytes, bytes] = {}  # the overlay's font names on this page -> their objects
        for key, undo in keys:
            o_number = next(drawn)
            o_page = o_read(o_number)
            o_contents = _ref(o_page, b"Contents") if o_page else None
            drawing = stream_data(o_read(o_contents) or b"") if o_contents is not None else None
            font_ref = _ref(o_page, b"Font") if o_page else None
            font_dict = o_read(font_ref) if font_ref is not None else b"<< >>"
            if drawing is None or font_dict is None:
                return None
            if tagged:  # drawn where the blank's content is an artifact already: not opened again
                opened, closed = drawing.find(b"/Artifact BMC"), drawing.rfind(b"EMC")
                if opened < 0 or closed < opened:
                    return None
                drawing = drawing[:opened] + drawing[opened + len(b"/Artifact BMC") : closed]
            for name, ref in re.findall(rb"/([A-Za-z][\w.+-]*)\s+(\d+)\s+0\s+R", font_dict):
                names[name] = ref
            for name in names:
                drawing = re.sub(
                    rb"/" + re.escape(name) + rb"(\s+[\d.]+\s+Tf)", b"/Stamp" + name + rb"\1", drawing
                )
            begin, end = redraw_marks(key)
            start, stop = content.find(begin), content.find(end)
            if start < 0 or stop < start or content.count(begin) != 1 or content.count(end) != 1:
                return None
            block = b"q\n" + undo + _FRESH + b"\n" + drawing + b"\nQ\n"
            content = content[:start] + block + content[stop + len(end) :]
        # the fonts the drawings use, numbered after the base's objects
        queue = [int(n) for n in names.values()]
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
        added = b" ".join(b"/Stamp%s %d 0 R" % (name, numbers[int(n)]) for name, n in names.items())
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
        changed[contents] = _stream(content)
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
    changed.update(extra or {})
    return updated(base, changed)
