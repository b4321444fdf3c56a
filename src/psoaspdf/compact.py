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

import base64
import bisect
import itertools
import re
import zlib
from collections.abc import Callable

PER_STREAM = 200  # objects in one object stream: large enough to compress well, small to read
_STARTXREF = re.compile(rb"startxref\s+(\d+)\s+%%EOF\s*$")
_TABLE_AT = re.compile(rb"xref\s*\r?\n(\d)")
_SUBSECTION = re.compile(rb"(\d+) (\d+)\s*\r?\n")
_TRAILER = re.compile(rb"trailer\s*<<(.*?)>>\s*startxref", re.S)
_KEPT = re.compile(rb"/(?:Root|Info)\s+\d+\s+\d+\s+R|/ID\s*\[[^\]]*\]")
_HEAD = re.compile(rb"(\d+)\s+(\d+)\s+obj\b")
_VERSION = re.compile(rb"%PDF-(\d)\.(\d)")


def compact(data: bytes) -> bytes:
    """``data`` with its plain objects in object streams; unchanged if it is not a single-revision,
    unencrypted file with a cross-reference table (or is one already packed)."""
    found = _STARTXREF.search(data[-1024:])
    xref = int(found.group(1)) if found else -1
    section = _section(data, xref) if found and _TABLE_AT.match(data, xref) else None
    if section is None:
        return data
    entries, trailer = section
    offsets = {n: (first, generation) for n, (kind, first, generation) in entries.items() if kind == 1 and n}
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
    """A reader of ``data``'s objects by number (the body between ``obj`` and ``endobj``: a
    dictionary's text, or a stream's dictionary, keyword and data), and its newest trailer
    dictionary; None if the file is laid out otherwise than ReportLab, pypdf and this module
    write files (cross-reference tables and streams without predictors, updates appended)."""
    found = _STARTXREF.search(data[-1024:])
    if found is None:
        return None
    entries: dict[int, tuple[int, int]] = {}  # number -> (kind 1: offset / kind 2: object stream, index)
    kinds: dict[int, int] = {}
    starts = {len(data)}  # where each object and section starts: an object ends before the next
    trailer: bytes | None = None
    offset: int | None = int(found.group(1))
    seen: set[int] = set()
    while offset is not None:
        if offset in seen or len(seen) > 64:
            return None
        seen.add(offset)
        section = _section(data, offset)
        if section is None:
            return None
        rows, dictionary = section
        trailer = dictionary if trailer is None else trailer
        starts.add(offset)
        starts.update(first for kind, first, _ in rows.values() if kind == 1)
        for number, (kind, first, second) in rows.items():
            if number not in kinds:  # the newest section says where an object is
                kinds[number] = kind
                entries[number] = (first, second)
        prev = re.search(rb"/Prev\s+(\d+)", dictionary)
        offset = int(prev.group(1)) if prev else None
    held: dict[int, dict[int, bytes]] = {}
    bounds = sorted(starts)

    def read(number: int) -> bytes | None:
        kind = kinds.get(number)
        if kind == 1:
            offset = entries[number][0]
            limit = bounds[bisect.bisect_right(bounds, offset)] if offset < len(data) else offset
            return _whole(data, offset, number, limit)
        if kind != 2:
            return None
        stream = entries[number][0]
        if stream not in held:
            held[stream] = _unpacked(data, entries[stream][0]) if kinds.get(stream) == 1 else {}
        return held[stream].get(number)

    return read, trailer or b""


def _section(data: bytes, offset: int) -> tuple[dict[int, tuple[int, int, int]], bytes] | None:
    """One cross-reference section at ``offset`` (a table and its trailer, or a stream): its rows
    by object number, as (kind, field, field), and its dictionary."""
    head = _TABLE_AT.match(data, offset)
    if head is not None:
        trailer = _TRAILER.search(data, offset)
        if trailer is None:
            return None
        rows: dict[int, tuple[int, int, int]] = {}
        position = head.start(1)
        while (sub := _SUBSECTION.match(data, position, trailer.start())) is not None:
            first, count = int(sub.group(1)), int(sub.group(2))
            table = data[sub.end() : sub.end() + 20 * count]
            if len(table) != 20 * count:
                return None
            for i in range(count):
                entry = table[20 * i : 20 * i + 18]
                try:
                    rows[first + i] = (1 if entry[17:18] == b"n" else 0, int(entry[:10]), int(entry[11:16]))
                except ValueError:
                    return None
            position = sub.end() + 20 * count
        return rows, trailer.group(1)
    found = _stream_at(data, offset)
    widths = _W.search(found[0]) if found else None
    if found is None or widths is None or b"/XRef" not in found[0] or b"/DecodeParms" in found[0]:
        return None
    dictionary, raw = found
    w = [int(widths.group(i)) for i in (1, 2, 3)]
    step = sum(w)
    size = re.search(rb"/Size\s+(\d+)", dictionary)
    index = re.search(rb"/Index\s*\[([\d\s]*)\]", dictionary)
    numbers = [int(n) for n in index.group(1).split()] if index else [0, int(size.group(1)) if size else 0]
    if w[0] != 1 or step == 1 or len(numbers) % 2 or len(raw) != step * sum(numbers[1::2]):
        return None
    rows = {}
    row = 0
    for first, count in zip(numbers[::2], numbers[1::2], strict=True):
        for number in range(first, first + count):
            cell = raw[row * step : (row + 1) * step]
            rows[number] = (
                cell[0],
                int.from_bytes(cell[1 : 1 + w[1]], "big"),
                int.from_bytes(cell[1 + w[1] :], "big"),
            )
            row += 1
    return rows, dictionary


def updated(data: bytes, changed: dict[int, bytes]) -> bytes | None:
    """``data`` with an update appended (ISO 32000-1, 7.5.6): each object of ``changed`` (number
    -> body, as ``objects`` reads them) written anew, found through a cross-reference stream that
    points back at the file's own. The file before it is left byte for byte as it was. None if
    ``data`` is not a file ``objects`` reads, or is encrypted."""
    found = objects(data)
    start = _STARTXREF.search(data[-1024:])
    if found is None or start is None or not changed or b"/Encrypt" in found[1]:
        return None
    trailer = found[1]
    size = re.search(rb"/Size\s+(\d+)", trailer)
    if size is None:
        return None
    out = bytearray(data)
    written: dict[int, int] = {}
    for number in sorted(changed):
        written[number] = len(out)
        out += b"%d 0 obj\n" % number + changed[number] + b"\nendobj\n"
    number = max(int(size.group(1)), max(changed) + 1)
    written[number] = len(out)
    width = max(1, (len(out).bit_length() + 7) // 8)
    numbers = sorted(written)
    runs: list[list[int]] = []
    for n in numbers:
        if runs and runs[-1][0] + runs[-1][1] == n:
            runs[-1][1] += 1
        else:
            runs.append([n, 1])
    rows = b"".join(b"\x01" + written[n].to_bytes(width, "big") + b"\x00\x00" for n in numbers)
    stream = zlib.compress(rows)
    kept = b" ".join(m.group(0) for m in _KEPT.finditer(trailer))
    index = b" ".join(b"%d %d" % (first, count) for first, count in runs)
    out += (
        b"%d 0 obj\n<< /Type /XRef /Size %d /Index [ %s ] /W [ 1 %d 2 ] /Prev %d %s /Filter /FlateDecode /Length %d >>\nstream\n"
        % (
            number,
            number + 1,
            index,
            width,
            int(start.group(1)),
            kept,
            len(stream),
        )
    )
    out += stream + b"\nendstream\nendobj\nstartxref\n%d\n%%%%EOF\n" % written[number]
    return bytes(out)


def _whole(data: bytes, offset: int, number: int, limit: int) -> bytes | None:
    """The body of the object written whole at ``offset`` (a dictionary's text, or a stream's
    dictionary, keyword and data), up to its last ``endobj`` before ``limit``, where the next
    object or section starts: never cut at those letters in a string or in a stream's data."""
    head = _HEAD.match(data, offset)
    if head is None or int(head.group(1)) != number:
        return None
    end = data.rfind(b"endobj", head.end(), limit)
    return data[head.end() : end].strip() if end > 0 else None


_INT = re.compile(rb"/(Size|Length|N|First)\s+(\d+)")
_W = re.compile(rb"/W\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s*\]")


def _stream_at(data: bytes, offset: int) -> tuple[bytes, bytes] | None:
    """The dictionary and decoded data of the stream object at ``offset`` (with a direct
    /Length, as compact writes them)."""
    head = _HEAD.match(data, offset)
    start = data.find(b"stream", head.end()) if head else -1
    if head is None or start < 0:
        return None
    dictionary = data[head.end() : start]
    start += len(b"stream")
    start += 2 if data[start : start + 2] == b"\r\n" else 1
    decoded = _decode(dictionary, data[start:])
    return (dictionary, decoded) if decoded is not None else None


def stream_data(body: bytes) -> bytes | None:
    """The decoded data of a stream object, from its body as ``objects`` reads it."""
    found = re.match(rb"(.*?>>)\s*stream\r?\n", body, re.S)
    return _decode(found.group(1), body[found.end() :]) if found else None


def _decode(dictionary: bytes, raw: bytes) -> bytes | None:
    """A stream's data (``raw``: from its first byte on) decoded through its filters: ASCII85
    and Flate, which ReportLab and this module write; None for any other, or broken data."""
    length = re.search(rb"/Length\s+(\d+)(?!\s+\d+\s+R)", dictionary)
    if length is None:
        return None
    raw = raw[: int(length.group(1))]
    try:
        for name in re.findall(rb"/(\w+Decode)\b", dictionary):
            if name == b"ASCII85Decode":
                raw = base64.a85decode(raw.strip().removesuffix(b"~>"), adobe=False)
            elif name == b"FlateDecode":
                raw = zlib.decompress(raw)
            else:
                return None
    except (ValueError, zlib.error):
        return None
    return raw


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
