"""PDF bytes packed small: every plain object (dictionary, array, number; never a stream) moved into
compressed object streams, found through a cross-reference stream (ISO 32000-1, 7.5.7 and 7.5.8).

A tagged handout has one small dictionary per structure element (some 270 in the long handout).
Written one by one, as ReportLab and pypdf write them, with a 20-byte line each in the
cross-reference table, they add a third to the file; packed and compressed, under a tenth. Nothing
a reader sees changes: the same objects under the same numbers, the same page streams byte for
byte, the same trailer entries. Object streams need PDF 1.5; the header says 1.7, the version of
ISO 32000-1 that PDF/UA-1 is built on. Readers from 2003 on (Acrobat 6, poppler, MuPDF, pdf.js,
pypdf, qpdf, Chromium and macOS Preview) read them.

Only files laid out as ReportLab and pypdf write them are packed: one cross-reference table from
object 0, no earlier revision, no encryption (an encrypted file's dictionary may not go in an
object stream, and encryption comes last). Anything else is returned as it came.

``objects`` reads a file of either kind back, object by object, without pypdf: the written file's
page count is checked with it at every write.
"""

from __future__ import annotations

import itertools
import re
import zlib
from collections.abc import Callable

PER_STREAM = 200  # objects in one object stream: large enough to compress well, small to read
_STARTXREF = re.compile(rb"startxref\s+(\d+)\s+%%EOF\s*$")
_TABLE = re.compile(rb"xref\s*\r?\n0 (\d+)\s*\r?\n")
_TRAILER = re.compile(rb"trailer\s*<<(.*?)>>\s*startxref", re.S)
_KEPT = re.compile(rb"/(?:Root|Info)\s+\d+\s+\d+\s+R|/ID\s*\[[^\]]*\]")
_HEAD = re.compile(rb"(\d+)\s+(\d+)\s+obj\b")
_VERSION = re.compile(rb"%PDF-(\d)\.(\d)")


def compact(data: bytes) -> bytes:
    """``data`` with its plain objects in object streams; unchanged if it is not a single-revision,
    unencrypted file with a cross-reference table (or is one already packed)."""
    table = _table(data)
    if table is None:
        return data
    offsets, xref, trailer = table
    if not offsets or re.search(rb"/(?:Encrypt|Prev|XRefStm)\b", trailer):
        return data
    order = sorted(offsets, key=lambda n: offsets[n][0])
    ends = {n: offsets[m][0] for n, m in itertools.pairwise(order)}
    ends[order[-1]] = xref
    first = offsets[order[0]][0]
    version = _VERSION.match(data)
    if version is None or first <= version.end():
        return data
    out = bytearray(data[:first])
    if (int(version.group(1)), int(version.group(2))) < (1, 5):
        out[: version.end()] = b"%PDF-1.7"  # the same length: nothing after it moves
    written: dict[int, int] = {}  # object number -> offset, for objects written whole
    plain: list[tuple[int, bytes]] = []
    for number in order:
        offset, generation = offsets[number]
        region = data[offset : ends[number]]
        head = _HEAD.match(region)
        end = region.rfind(b"endobj")
        if head is None or int(head.group(1)) != number or end < head.end():
            return data  # not laid out as expected: leave the file alone
        body = region[head.end() : end].strip()
        if generation or body.endswith(b"endstream"):
            written[number] = len(out)
            out += region[:end] + b"endobj\n"
        else:
            plain.append((number, body))
    size = max(offsets) + 1
    packed: dict[int, tuple[int, int]] = {}  # object number -> (object stream, index in it)
    for start in range(0, len(plain), PER_STREAM):
        chunk = plain[start : start + PER_STREAM]
        number, size = size, size + 1
        index, position = [], 0
        for i, (n, body) in enumerate(chunk):
            index.append(b"%d %d" % (n, position))
            position += len(body) + 1
            packed[n] = (number, i)
        line = b" ".join(index) + b"\n"
        stream = zlib.compress(line + b"\n".join(body for _, body in chunk))
        written[number] = len(out)
        out += b"%d 0 obj\n<< /Type /ObjStm /N %d /First %d /Filter /FlateDecode /Length %d >>\nstream\n" % (
            number,
            len(chunk),
            len(line),
            len(stream),
        )
        out += stream + b"\nendstream\nendobj\n"
    number, size = size, size + 1
    written[number] = len(out)
    width = max(1, (max(len(out), size).bit_length() + 7) // 8)
    rows = bytearray()
    for n in range(size):
        if n in packed:
            rows += b"\x02" + packed[n][0].to_bytes(width, "big") + packed[n][1].to_bytes(2, "big")
        elif n in written:
            generation = offsets[n][1] if n in offsets else 0
            rows += b"\x01" + written[n].to_bytes(width, "big") + generation.to_bytes(2, "big")
        else:  # free: object 0 heads the (empty) list of free numbers
            rows += b"\x00" + bytes(width) + (b"\xff\xff" if n == 0 else b"\x00\x00")
    stream = zlib.compress(bytes(rows))
    kept = b" ".join(m.group(0) for m in _KEPT.finditer(trailer))
    out += (
        b"%d 0 obj\n<< /Type /XRef /Size %d /W [ 1 %d 2 ] %s /Filter /FlateDecode /Length %d >>\nstream\n"
        % (
            number,
            size,
            width,
            kept,
            len(stream),
        )
    )
    out += stream + b"\nendstream\nendobj\nstartxref\n%d\n%%%%EOF\n" % written[number]
    return bytes(out)


def objects(data: bytes) -> tuple[Callable[[int], bytes | None], bytes] | None:
    """A reader of ``data``'s objects by number (the body between ``obj`` and ``endobj``, or None),
    and its trailer dictionary; None if the file is neither kind this module knows."""
    found = _STARTXREF.search(data[-1024:])
    if found is None:
        return None
    table = _table(data)
    if table is not None:
        offsets, _, trailer = table

        def classic(number: int) -> bytes | None:
            if number not in offsets:
                return None
            return _whole(data, offsets[number][0], number)

        return classic, trailer
    return _stream_reader(data, int(found.group(1)))


def _table(data: bytes) -> tuple[dict[int, tuple[int, int]], int, bytes] | None:
    """The in-use entries (number -> offset, generation) of a file's one cross-reference table from
    object 0, where that table is, and the trailer; None for any other file."""
    found = _STARTXREF.search(data[-1024:])
    if found is None:
        return None
    xref = int(found.group(1))
    head = _TABLE.match(data, xref)
    trailer = _TRAILER.search(data, xref)
    if head is None or trailer is None:
        return None
    size, start = int(head.group(1)), head.end()
    entries = data[start : start + 20 * size]
    if len(entries) != 20 * size:
        return None
    offsets: dict[int, tuple[int, int]] = {}
    for number in range(1, size):
        entry = entries[20 * number : 20 * number + 18]
        if entry[17:18] == b"n":
            try:
                offsets[number] = (int(entry[:10]), int(entry[11:16]))
            except ValueError:
                return None
    return offsets, xref, trailer.group(1)


def _whole(data: bytes, offset: int, number: int) -> bytes | None:
    """The body of the object written whole at ``offset``: a dictionary's text, or a stream's
    dictionary and data."""
    head = _HEAD.match(data, offset)
    if head is None or int(head.group(1)) != number:
        return None
    end = data.find(b"endobj", head.end())
    return data[head.end() : end].strip() if end > 0 else None


_INT = re.compile(rb"/(Size|Length|N|First)\s+(\d+)")
_W = re.compile(rb"/W\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s*\]")


def _stream_reader(data: bytes, xref: int) -> tuple[Callable[[int], bytes | None], bytes] | None:
    """Objects through a cross-reference stream as ``compact`` writes it (one section from object
    0, Flate, no predictor)."""
    found = _stream_at(data, xref)
    widths = _W.search(found[0]) if found else None
    if (
        found is None
        or widths is None
        or b"/XRef" not in found[0]
        or re.search(rb"/Index|/DecodeParms", found[0])
    ):
        return None
    dictionary, rows = found
    w = [int(widths.group(i)) for i in (1, 2, 3)]
    step = sum(w)
    if w[0] != 1 or step == 1 or len(rows) % step:
        return None

    def entry(number: int) -> tuple[int, int, int] | None:
        row = rows[number * step : (number + 1) * step]
        if number < 1 or len(row) != step:
            return None
        return row[0], int.from_bytes(row[1 : 1 + w[1]], "big"), int.from_bytes(row[1 + w[1] :], "big")

    held: dict[int, dict[int, bytes]] = {}

    def read(number: int) -> bytes | None:
        found = entry(number)
        if found is None or found[0] not in (1, 2):
            return None
        kind, field, _ = found
        if kind == 1:
            return _whole(data, field, number)
        if field not in held:
            where = entry(field)
            held[field] = _unpacked(data, where[1]) if where and where[0] == 1 else {}
        return held[field].get(number)

    return read, dictionary


def _stream_at(data: bytes, offset: int) -> tuple[bytes, bytes] | None:
    """The dictionary and decoded data of the stream object at ``offset`` (Flate only, with a
    direct /Length, as compact writes them)."""
    head = _HEAD.match(data, offset)
    start = data.find(b"stream", head.end()) if head else -1
    if head is None or start < 0:
        return None
    dictionary = data[head.end() : start]
    lengths = dict(_INT.findall(dictionary))
    if b"/FlateDecode" not in dictionary or b"Length" not in lengths:
        return None
    start += len(b"stream")
    start += 2 if data[start : start + 2] == b"\r\n" else 1
    try:
        return dictionary, zlib.decompress(data[start : start + int(lengths[b"Length"])])
    except zlib.error:
        return None


def _unpacked(data: bytes, offset: int) -> dict[int, bytes]:
    """Every object held in the object stream at ``offset``, by object number."""
    found = _stream_at(data, offset)
    numbers = dict(_INT.findall(found[0])) if found else {}
    if found is None or b"/ObjStm" not in found[0] or b"N" not in numbers or b"First" not in numbers:
        return {}
    content, first = found[1], int(numbers[b"First"])
    pairs = content[:first].split()
    if len(pairs) != 2 * int(numbers[b"N"]):
        return {}
    starts = [(int(pairs[i]), first + int(pairs[i + 1])) for i in range(0, len(pairs), 2)]
    ends = [s for _, s in starts[1:]] + [len(content)]
    return {n: content[s:e].strip() for (n, s), e in zip(starts, ends, strict=True)}
