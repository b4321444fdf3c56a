"""Tagged PDF: the logical structure of a page (headings, paragraphs, lists, tables, figures)
recorded while it is laid out, then written as the PDF's structure tree.

ReportLab has no tagging API. What is drawn is marked as it is drawn: every page starts as an
``/Artifact`` (header, footer, rules, backgrounds, card borders, tick boxes: read by no one), and
each tagged leaf (a paragraph, a figure) closes it, draws inside ``/Role <</MCID n>> BDC ... EMC``
and opens it again. The structure itself (which heading a paragraph follows, which list item it
is) is built when the story is built, in the logical order, whatever the order of drawing on the
page. After the layout, :func:`write_tree` adds ``/StructTreeRoot``, the parent tree,
``/MarkInfo``, ``/Lang`` and the XMP packet that claims PDF/UA-1.
"""

from __future__ import annotations

import dataclasses
import io
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from reportlab.platypus import Flowable, Paragraph

TAGGING = "_psoaspdf_tagging"  # on a canvas that marks what it draws
MCID = "_psoaspdf_mcid"  # the canvas's next marked-content id on its page
MCID_KEY = ":mcid"  # a write-in field's (page, mcid, 0, 0), beside its (page, x, y, width)


@dataclasses.dataclass(eq=False)
class Node:
    """A structure element: its role, what it says for a figure (``alt``), its language when
    not the document's, and its kids: elements and marked content as (page, mcid), in reading order."""

    role: str
    alt: str | None = None
    lang: str | None = None
    kids: list[Node | tuple[int, int]] = dataclasses.field(default_factory=list)
    links: list[tuple[int, int]] = dataclasses.field(default_factory=list)  # (page, annotation index)
    parent: Node | None = None
    scope: str | None = None  # a TH's: Column (it heads the cells under it) or Row

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
    mcid = canvas.__dict__.get(MCID, 0)
    canvas.__dict__[MCID] = mcid + 1
    links_before = len(getattr(canvas, "_annotationrefs", ()) or ())
    canvas.addLiteral(f"EMC /{node.role} <</MCID {mcid}>> BDC")
    try:
        yield
    finally:
        canvas.addLiteral("EMC /Artifact BMC")
    node.kids.append((page, mcid))
    links_after = len(getattr(canvas, "_annotationrefs", ()) or ())
    node.links += [(page, i) for i in range(links_before, links_after)]


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

    def split(self, avail_width: float, avail_height: float) -> list[Any]:
        parts: list[Any] = super().split(avail_width, avail_height)
        for part in parts:
            part.node = self.node
        return parts

    def drawOn(self, canvas: Any, x: float, y: float, _sW: float = 0) -> None:  # noqa: N802, N803 (ReportLab's names)
        with marked(canvas, self.node):
            super().drawOn(canvas, x, y, _sW)


def tagged_paragraph(text: str, style: Any, node: Node | None, **kwargs: Any) -> Paragraph:
    para = TaggedParagraph(text, style, **kwargs)
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


# --- writing the tree -------------------------------------------------------------------------------------


def _prune(node: Node) -> bool:
    """Drop elements that hold nothing drawn (a heading that never printed); True if kept."""
    node.kids = [k for k in node.kids if not isinstance(k, Node) or _prune(k)]
    return bool(node.kids) or bool(node.links)


def write_tree(pdf: bytes, root: Node, lang: str, title: str) -> bytes:
    """The PDF with its structure tree (see add_tree)."""
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    add_tree(writer, root, lang, title)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def add_tree(writer: Any, root: Node, lang: str, title: str) -> None:
    """Give a pypdf writer's document its structure tree, parent tree, /MarkInfo, /Lang,
    /DisplayDocTitle and an XMP packet claiming PDF/UA-1."""
    from pypdf.generic import (
        ArrayObject,
        BooleanObject,
        DictionaryObject,
        NameObject,
        NumberObject,
        TextStringObject,
    )

    pages = writer.pages
    _prune(root)
    by_page: dict[int, dict[int, Any]] = {}  # page → mcid → its element's reference
    annotations: list[tuple[Any, Any]] = []  # (annotation reference, its Link element reference)

    def element(node: Node, parent_ref: Any) -> Any:
        # /Type /StructElem is optional: left out, as are /Pg on groups, to keep the file small
        obj = DictionaryObject({NameObject("/S"): NameObject(f"/{node.role}"), NameObject("/P"): parent_ref})
        ref = writer._add_object(obj)
        if node.alt is not None:
            obj[NameObject("/Alt")] = TextStringObject(node.alt)
        if node.lang:
            obj[NameObject("/Lang")] = TextStringObject(node.lang)
        if node.scope:
            obj[NameObject("/A")] = DictionaryObject(
                {NameObject("/O"): NameObject("/Table"), NameObject("/Scope"): NameObject(f"/{node.scope}")}
            )
        kids = ArrayObject()
        first_page = next((k[0] for k in node.kids if isinstance(k, tuple)), None)
        if first_page is not None:
            obj[NameObject("/Pg")] = pages[first_page - 1].indirect_reference
        for kid in node.kids:
            if isinstance(kid, Node):
                kids.append(element(kid, ref))
                continue
            page, mcid = kid
            by_page.setdefault(page, {})[mcid] = ref
            if page == first_page:
                kids.append(NumberObject(mcid))
            else:
                kids.append(
                    DictionaryObject(
                        {
                            NameObject("/Type"): NameObject("/MCR"),
                            NameObject("/Pg"): pages[page - 1].indirect_reference,
                            NameObject("/MCID"): NumberObject(mcid),
                        }
                    )
                )
        for page, index in node.links:
            annots = pages[page - 1].get("/Annots")
            if annots is None or index >= len(annots):
                continue
            link = DictionaryObject({NameObject("/S"): NameObject("/Link"), NameObject("/P"): ref})
            link_ref = writer._add_object(link)
            annotation_ref = annots[index]
            link[NameObject("/K")] = ArrayObject(
                [
                    DictionaryObject(
                        {
                            NameObject("/Type"): NameObject("/OBJR"),
                            NameObject("/Obj"): annotation_ref,
                            NameObject("/Pg"): pages[page - 1].indirect_reference,
                        }
                    )
                ]
            )
            kids.append(link_ref)
            annotations.append((annotation_ref, link_ref))
        obj[NameObject("/K")] = kids[0] if len(kids) == 1 and isinstance(kids[0], NumberObject) else kids
        return ref

    tree = DictionaryObject({NameObject("/Type"): NameObject("/StructTreeRoot")})
    tree_ref = writer._add_object(tree)
    document = element(root, tree_ref)
    tree[NameObject("/K")] = ArrayObject([document])
    nums = ArrayObject()
    next_key = 0
    for number, page in enumerate(pages, start=1):
        marks = by_page.get(number, {})
        page[NameObject("/StructParents")] = NumberObject(next_key)
        nums += [NumberObject(next_key), writer._add_object(ArrayObject(marks[i] for i in sorted(marks)))]
        next_key += 1
        if page.get("/Annots"):
            page[NameObject("/Tabs")] = NameObject("/S")  # tab through links in structure order
    for annotation_ref, link_ref in annotations:
        annotation = annotation_ref.get_object()
        annotation[NameObject("/StructParent")] = NumberObject(next_key)
        uri = annotation.get("/A", {}).get("/URI")
        if "/Contents" not in annotation:
            annotation[NameObject("/Contents")] = TextStringObject(str(uri) if uri else "link")
        nums += [NumberObject(next_key), link_ref]
        next_key += 1
    tree[NameObject("/ParentTree")] = writer._add_object(DictionaryObject({NameObject("/Nums"): nums}))
    tree[NameObject("/ParentTreeNextKey")] = NumberObject(next_key)
    catalog = writer._root_object
    catalog[NameObject("/StructTreeRoot")] = tree_ref
    catalog[NameObject("/MarkInfo")] = DictionaryObject({NameObject("/Marked"): BooleanObject(True)})
    catalog[NameObject("/Lang")] = TextStringObject(lang)
    preferences = catalog.get("/ViewerPreferences")
    preferences = preferences.get_object() if preferences is not None else DictionaryObject()
    preferences[NameObject("/DisplayDocTitle")] = BooleanObject(True)
    catalog[NameObject("/ViewerPreferences")] = preferences
    _write_xmp(writer, title, lang)


def _write_xmp(writer: Any, title: str, lang: str) -> None:
    """The XMP packet: the title (as the document info says it) and pdfuaid:part 1."""
    from html import escape

    from pypdf.generic import DecodedStreamObject, NameObject

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
    stream = DecodedStreamObject()
    stream.set_data(packet.encode("utf-8"))
    stream[NameObject("/Type")] = NameObject("/Metadata")
    stream[NameObject("/Subtype")] = NameObject("/XML")
    writer._root_object[NameObject("/Metadata")] = writer._add_object(stream)
