"""Tagged PDF: the logical structure of a page (headings, paragraphs, lists, tables, figures)
recorded while it is laid out, then written as the PDF's structure tree.

ReportLab has no tagging API. What is drawn is marked as it is drawn: every page starts as an
``/Artifact`` (header, footer, rules, backgrounds, card borders, tick boxes: read by no one), and
each tagged leaf (a paragraph, a figure) closes it, draws inside ``/Role <</MCID n>> BDC ... EMC``
and opens it again. The structure itself (which heading a paragraph follows, which list item it
is) is built when the story is built, in the logical order, whatever the order of drawing on the
page. As the document is saved, :func:`tree_into` adds ``/StructTreeRoot``, the parent tree,
``/MarkInfo`` and the XMP packet that claims PDF/UA-1. No link annotation is ever drawn (web
addresses print as text, a video as a QR code figure), so none needs a ``Link`` element.
"""

from __future__ import annotations

import copy
import dataclasses
import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from reportlab.lib.fonts import tt2ps
from reportlab.pdfbase import pdfdoc
from reportlab.platypus import Flowable, ListFlowable, Paragraph
from reportlab.platypus.flowables import BulletDrawer

TAGGING = "_psoaspdf_tagging"  # on a canvas that marks what it draws
MCID = "_psoaspdf_mcid"  # the canvas's next marked-content id on its page


@dataclasses.dataclass(eq=False)
class Node:
    """A structure element: its role, what it says for a figure (``alt``), its language when
    not the document's, and its kids: elements and marked content as (page, mcid), in reading order."""

    role: str
    alt: str | None = None
    lang: str | None = None
    kids: list[Node | tuple[int, int]] = dataclasses.field(default_factory=list)
    parent: Node | None = None
    scope: str | None = None  # a TH's: Column (it heads the cells under it) or Row
    numbering: str | None = None  # an L's: Decimal (steps) or Disc (bullets)
    mcid: int | None = None  # drawn again under this marked-content id (a stamped block), not a new one
    ref: int | None = None  # its object's number, once the document is saved

    def add(
        self, role: str, alt: str | None = None, lang: str | None = None, scope: str | None = None
    ) -> Node:
        node = Node(role, alt, lang, parent=self, scope=scope)
        self.kids.append(node)
        return node

    def adopt(self, node: Node) -> Node:
        """Move ``node`` (with what it holds) to the end of this element's kids."""
        if node.parent is not None:
            node.parent.kids.remove(node)
        node.parent = self
        self.kids.append(node)
        return node

    def walk(self) -> Iterator[Node]:
        yield self
        for kid in self.kids:
            if isinstance(kid, Node):
                yield from kid.walk()


class Tags:
    """The structure of one document as its story is built: a cursor into the tree."""

    def __init__(self, lang: str) -> None:
        self.root = Node("Document", lang=lang)
        self.current = self.root
        # once saved: each page's parent-tree array, (its object's number, its elements' object
        # numbers by marked-content id); None where the ids are not 0, 1, 2... (see stamp.py)
        self.parents: dict[int, tuple[int, list[int]] | None] = {}

    def leaf(self, role: str, alt: str | None = None, lang: str | None = None) -> Node:
        return self.current.add(role, alt, lang)

    @property
    def language(self) -> str | None:
        """The language of what is being built: the nearest element's that says one."""
        node: Node | None = self.current
        while node is not None and not node.lang:
            node = node.parent
        return node.lang if node is not None else None

    @contextmanager
    def group(self, role: str, lang: str | None = None) -> Iterator[Node]:
        """Elements made inside the block go under a new ``role`` element."""
        node = self.current.add(role, lang=lang)
        outer, self.current = self.current, node
        try:
            yield node
        finally:
            self.current = outer


# --- marking what is drawn -------------------------------------------------------------------------


def begin_page(canvas: Any) -> None:
    """A page starts as an artifact; tagged leaves step out of it."""
    canvas.__dict__[MCID] = 0
    canvas.addLiteral("/Artifact BMC")


def end_page(canvas: Any) -> None:
    canvas.addLiteral("EMC")


@contextmanager
def marked(canvas: Any, node: Node | None) -> Iterator[None]:
    """Draw inside marked content that belongs to ``node`` (nothing special on an untagged canvas)."""
    if node is None or not canvas.__dict__.get(TAGGING):
        yield
        return
    page = canvas.getPageNumber()
    mcid = node.mcid
    if mcid is None:
        mcid = canvas.__dict__.get(MCID, 0)
        canvas.__dict__[MCID] = mcid + 1
    canvas.addLiteral(f"EMC /{node.role} <</MCID {mcid}>> BDC")
    try:
        yield
    finally:
        canvas.addLiteral("EMC /Artifact BMC")
    node.kids.append((page, mcid))


def reserve(canvas: Any, node: Node) -> int | None:
    """An MCID on this page for content added to it later (a clinic's page placed on a booklet
    page): recorded in ``node``, drawn by whoever places that content. None when not tagged."""
    if not canvas.__dict__.get(TAGGING):
        return None
    mcid: int = canvas.__dict__.get(MCID, 0)
    canvas.__dict__[MCID] = mcid + 1
    node.kids.append((canvas.getPageNumber(), mcid))
    return mcid


class TaggedParagraph(Paragraph):
    """A paragraph that is one structure element (P, H1, LBody, TD...); its pieces, when it
    breaks across pages, stay that one element."""

    node: Node | None = None
    _wrapped_at: float | None = None  # the width its lines were last broken for

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        # a paragraph is measured again and again at the same width (a table measures its
        # cells, then draws them; a kept-together group measures its content, then lays it
        # out): its lines depend on the width alone, so they are broken once per width
        if avail_width == self._wrapped_at and "blPara" in self.__dict__:  # (split may drop it)
            return self.width, self.height
        width, height = super().wrap(avail_width, avail_height)
        if height != 0x7FFFFFFF:  # "cannot fit here" sets nothing to remember
            self._wrapped_at = avail_width
        return width, height

    _continues = False  # a piece followed by another (the paragraph goes on after a break)

    def split(self, avail_width: float, avail_height: float) -> list[Any]:
        parts: list[Any] = super().split(avail_width, avail_height)
        for part in parts:
            part.node = self.node
        for part in parts[:-1]:
            part._continues = True
        if parts:
            parts[-1]._continues = self._continues
        return parts

    def drawOn(self, canvas: Any, x: float, y: float, _sW: float = 0) -> None:  # noqa: N802, N803 (ReportLab's names)
        # drawn again (a table's header row repeated on the next page): an artifact, read once
        node, self._drawn = (None if getattr(self, "_drawn", False) else self.node), True
        with marked(canvas, node):
            super().drawOn(canvas, x, y, _sW)

    def draw(self) -> None:
        # A line break is a word break: each line but the paragraph's last ends with a space, so
        # that text read from the page or the structure tree says "hip flexor muscle", not
        # "hip flexormuscle" (ISO 32000-1, 14.8.2.5). Invisible: text is set ragged right.
        lines = self.__dict__.get("blPara")
        if lines is None or (len(lines.lines) < 2 and not self._continues) or self.style.wordWrap == "CJK":
            super().draw()  # (one line; or CJK wrapping, where a break is inside a word)
            return
        self.blPara = spaced_lines(lines, self._continues, words_of(getattr(self, "frags", None)))
        try:
            super().draw()
        finally:
            self.blPara = lines


_SPACES = re.compile(r"[ \t\n\r]+")  # where a line may break: not at a no-break space


def words_of(frags: Any) -> set[str]:
    """The whole words of a paragraph, from its fragments (each a piece of styled text) or, once
    its lines are broken, from ReportLab's word list ([width, (fragment, text), ...] a word)."""
    words: set[str] = set()
    texts: list[str] = []
    for frag in frags or ():
        if isinstance(frag, list):
            words.add("".join(piece[1] for piece in frag[1:] if isinstance(piece, tuple)))
        elif hasattr(frag, "text"):
            texts.append(frag.text)
        elif hasattr(frag, "words"):
            texts.append(" ".join(frag.words))
    return words | set(_SPACES.split("".join(texts)))


def spaced_lines(para: Any, continues: bool, words_of_text: set[str]) -> Any:
    """A copy of a paragraph's broken lines with a space at the end of each line but the last
    (and of the last too when the paragraph ``continues`` in a next piece), where the line
    ends with a whole word of the text (``words_of_text``): a long word, such as a web address,
    broken across lines stays one word."""
    lines = list(para.lines)
    for i in range(len(lines) if continues else len(lines) - 1):
        if para.kind == 0:
            extra, words = lines[i]
            if words and not words[-1].endswith(" ") and words[-1] in words_of_text:
                if extra < -1e-8:  # a line squeezed to fit: its spaces keep their width
                    gaps = len(words) - 1 + " ".join(words).count("\xa0")
                    extra = extra * (gaps + 1) / gaps if gaps > 0 else 0.0
                lines[i] = (extra, [*words, ""])  # drawn as " ".join(words)
            continue
        line = lines[i]
        last = line.words[-1] if line.words else None
        text = getattr(last, "text", None)
        if last is None or not text or getattr(last, "cbDefn", None) is not None or text.endswith(" "):
            continue
        # the line's last word, which may span fragments ("4." in bold, a no-break space, "Shift")
        said = "".join(getattr(w, "text", "") for w in line.words)
        if _SPACES.split(said.rstrip(" \t\n\r"))[-1] not in words_of_text:
            continue
        copied = copy.copy(line)
        copied.words = [*line.words[:-1], last.clone(text=text + " ")]
        lines[i] = copied
    spaced = copy.copy(para)
    spaced.lines = lines
    return spaced


# Paragraph markup parsed before, by (text, what of the style the parser reads): the same
# labels, dose words and steps come back in every card, copy and booklet part, and parsing is
# about a tenth of a render. ReportLab's parser reads only the style's own attributes.
_PARSED: dict[tuple[Any, ...], tuple[str, list[Any]]] = {}
_STYLE_KEY = "_psoaspdf_parse_key"


def _style_key(style: Any) -> tuple[Any, ...] | None:
    """What the markup parser reads of ``style`` (its own attributes: ReportLab's clone() copies
    them all from its parent), as a key; None when one cannot be made. The key is kept with the
    style's identity, since clone() copies it too."""
    kept = style.__dict__.get(_STYLE_KEY)
    key = kept[1] if kept is not None and kept[0] == id(style) else None
    if key is None:
        own = sorted(
            (name, value.hexval() if hasattr(value, "hexval") else value)
            for name, value in style.__dict__.items()
            if name not in (_STYLE_KEY, "parent")
        )
        # and what <b> and <i> mean for its font now: a mapping is global, and two layouts may
        # give one regular font different bold ones
        try:
            faces = tuple(tt2ps(style.fontName, bold, italic) for bold, italic in ((1, 0), (0, 1), (1, 1)))
        except ValueError:  # a font with no family: parsed each time, as ReportLab does
            return None
        key = (*own, faces)
        try:
            hash(key)
        except TypeError:  # an attribute that is a list or a dict: parsed each time
            return None
        style.__dict__[_STYLE_KEY] = (id(style), key)
    return key


def tagged_paragraph(text: str, style: Any, node: Node | None, **kwargs: Any) -> Paragraph:
    style_key = _style_key(style) if set(kwargs) <= {"bulletText"} else None
    key = (text, style_key, kwargs.get("bulletText")) if style_key is not None else None
    parsed = _PARSED.get(key) if key is not None else None
    if parsed is None:
        para = TaggedParagraph(text, style, **kwargs)
        # kept when parsing changed nothing but the fragments (no <para> or <bullet> tags)
        if key is not None and para.style is style and para.bulletText == kwargs.get("bulletText"):
            if len(_PARSED) > 4096:
                _PARSED.clear()
            _PARSED[key] = (para.text, [frag.clone() for frag in para.frags])
    else:
        cleaned, frags = parsed
        # each paragraph its own fragments: breaking a paragraph's lines may write to them
        para = TaggedParagraph(cleaned, style, frags=[frag.clone() for frag in frags], **kwargs)
    para.node = node
    return para


class TagBox(Flowable):
    """Any flowable that does not break (a figure, a picture, a QR code) as one element."""

    def __init__(self, inner: Flowable, node: Node | None) -> None:
        super().__init__()
        self.inner = inner
        self.node = node
        self.hAlign = getattr(inner, "hAlign", "LEFT")

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        self.width, self.height = self.inner.wrap(avail_width, avail_height)
        return self.width, self.height

    def getSpaceBefore(self) -> float:  # noqa: N802
        return float(self.inner.getSpaceBefore())

    def getSpaceAfter(self) -> float:  # noqa: N802
        return float(self.inner.getSpaceAfter())

    def drawOn(self, canvas: Any, x: float, y: float, _sW: float = 0) -> None:  # noqa: N802, N803 (ReportLab's names)
        with marked(canvas, self.node):
            self.inner.drawOn(canvas, x, y, _sW)

    def draw(self) -> None:  # drawOn draws the inner flowable
        pass


class LabelledList(ListFlowable):
    """A list whose bullets or numbers are each drawn as their item's ``Lbl`` element: each
    item's paragraph carries that element as ``label`` (None: an artifact, as untagged)."""

    def _getContent(self) -> list[Any]:  # noqa: N802 (ReportLab's name)
        content: list[Any] = super()._getContent()
        for item in content:
            node = getattr(getattr(item, "_flowable", None), "label", None)
            bullet = getattr(item, "_bullet", None)
            if node is not None and bullet is not None:
                item._bullet = _Label(bullet, node)
        return content


class _Label(BulletDrawer):
    """A list item's bullet drawer, drawing inside its ``Lbl`` element's marked content."""

    def __init__(self, bullet: BulletDrawer, node: Node) -> None:  # a copy of ``bullet``
        self.__dict__.update(bullet.__dict__)
        self.node = node

    def drawOn(self, indenter: Any, canvas: Any, x: float, y: float, _sW: float = 0) -> None:  # noqa: N802, N803
        with marked(canvas, self.node):
            super().drawOn(indenter, canvas, x, y, _sW)


# --- writing the tree -------------------------------------------------------------------------------------


def _prune(node: Node) -> bool:
    """Drop elements that hold nothing drawn (a heading that never printed); True if kept."""
    node.kids = [k for k in node.kids if not isinstance(k, Node) or _prune(k)]
    return bool(node.kids)


class _Element(pdfdoc.PDFObject):
    """A structure element, written straight to bytes as ReportLab saves the document (one of
    ReportLab's dictionaries for each of some 300 elements was most of what tagging cost)."""

    def __init__(self) -> None:
        self.parts: list[Any] = []  # bytes, and objects ReportLab formats (references, strings)

    def format(self, document: Any) -> bytes:
        return b"".join(p if isinstance(p, bytes) else p.format(document) for p in self.parts)


def tree_into(canvas: Any, root: Node, title: str) -> dict[int, tuple[int, list[int]] | None]:
    """Give the document ``canvas`` is about to save (every page shown) its structure tree, the
    parent tree, ``/StructParents`` on every page, ``/MarkInfo`` and an XMP packet claiming
    PDF/UA-1; ReportLab writes them with the rest (``/Lang`` and ``/DisplayDocTitle`` it sets
    from the document template)."""

    doc = canvas._doc
    _prune(root)
    by_page: dict[int, dict[int, Any]] = {}  # page → mcid → its element's reference

    numbered = doc.idToObjectNumberAndVersion  # ReportLab numbers an object when it is referred to
    pages: dict[int, Any] = {}

    def page_ref(number: int) -> Any:
        if number not in pages:  # ReportLab's name for page ``number``, as "n 0 R" once it is known
            name = f"Page{number}"
            known = numbered.get(name)
            pages[number] = b"%d %d R" % known if known else pdfdoc.PDFObjectReference(name)
        return pages[number]

    def element(node: Node, parent_ref: Any) -> bytes:
        obj = _Element()
        node.ref = numbered[doc.Reference(obj).name][0]
        ref = b"%d 0 R" % node.ref  # written as is: no formatting later
        parts: list[Any] = [b"<< /S /" + node.role.encode("ascii") + b" /P ", parent_ref]
        if node.alt is not None:
            parts += [b" /Alt ", pdfdoc.PDFString(node.alt)]
        if node.lang:
            parts += [b" /Lang ", pdfdoc.PDFString(node.lang)]
        if node.scope:
            parts.append(b" /A << /O /Table /Scope /" + node.scope.encode("ascii") + b" >>")
        if node.numbering:  # what the list's labels are
            parts.append(b" /A << /O /List /ListNumbering /" + node.numbering.encode("ascii") + b" >>")
        first_page = next((k[0] for k in node.kids if isinstance(k, tuple)), None)
        if first_page is not None:
            parts += [b" /Pg ", page_ref(first_page)]
        kids: list[Any] = []
        for kid in node.kids:
            if isinstance(kid, Node):
                kids += [b" ", element(kid, ref)]
                continue
            page, mcid = kid
            by_page.setdefault(page, {})[mcid] = ref
            if page == first_page:
                kids.append(b" %d" % mcid)
            else:
                kids += [b" << /Type /MCR /Pg ", page_ref(page), b" /MCID %d >>" % mcid]
        if len(kids) == 1 and isinstance(kids[0], bytes):
            parts += [b" /K", kids[0], b" >>"]  # one marked-content id: the number alone
        else:
            parts += [b" /K [", *kids, b" ] >>"]
        obj.parts = parts
        return ref

    tree_obj = pdfdoc.PDFDictionary({"Type": pdfdoc.PDFName("StructTreeRoot")})
    tree_ref = doc.Reference(tree_obj)
    tree: dict[str, Any] = tree_obj.dict
    tree["K"] = pdfdoc.PDFArray([element(root, tree_ref)])
    nums: list[Any] = []
    parents: dict[int, tuple[int, list[int]] | None] = {}
    for number, page in enumerate(doc.Pages.pages, start=1):
        marks = by_page.get(number, {})
        page.StructParents = number - 1
        # read by ReportLab's page formatting from the instance: no other page is touched
        page.__NoDefault__ = [*type(page).__NoDefault__, "StructParents"]
        array = doc.Reference(pdfdoc.PDFArray([marks[i] for i in sorted(marks)]))
        nums += [number - 1, array]
        in_order = sorted(marks) == list(range(len(marks)))
        elements = [int(marks[i].split()[0]) for i in sorted(marks)]
        parents[number] = (numbered[array.name][0], elements) if in_order else None
    tree["ParentTree"] = doc.Reference(pdfdoc.PDFDictionary({"Nums": pdfdoc.PDFArray(nums)}))
    tree["ParentTreeNextKey"] = len(doc.Pages.pages)
    catalog = doc.Catalog
    catalog.StructTreeRoot = tree_ref
    catalog.MarkInfo = pdfdoc.PDFDictionary({"Marked": pdfdoc.PDFtrue})
    xmp = pdfdoc.PDFStream(
        pdfdoc.PDFDictionary({"Type": pdfdoc.PDFName("Metadata"), "Subtype": pdfdoc.PDFName("XML")}),
        _xmp(title, root.lang or "en"),
        filters=[],  # plain text: found by any reader
    )
    catalog.Metadata = doc.Reference(xmp)
    return parents


def _xmp(title: str, lang: str) -> bytes:
    """The XMP packet: the title (as the document info says it) and pdfuaid:part 1."""
    from html import escape

    packet = f"""<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/">
 <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
  <rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/"
    xmlns:pdfuaid="http://www.aiim.org/pdfua/ns/id/">
   <dc:title><rdf:Alt><rdf:li xml:lang="{escape(lang)}">{escape(title)}</rdf:li></rdf:Alt></dc:title>
   <dc:language><rdf:Bag><rdf:li>{escape(lang)}</rdf:li></rdf:Bag></dc:language>
   <pdfuaid:part>1</pdfuaid:part>
  </rdf:Description>
 </rdf:RDF>
</x:xmpmeta>
<?xpacket end="w"?>"""
    return packet.encode("utf-8")
