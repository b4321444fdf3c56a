"""Atomic, verified file writing: the old file stays until the new one is complete on disk and
has been read back and checked."""

from __future__ import annotations

import contextlib
import errno
import io
import os
import re
import stat
import tempfile
import time
from collections.abc import Iterable
from pathlib import Path

from .errors import CannotWrite, ExitCode, PsoasError

try:  # POSIX: a writer holds a lock on its temporary file, so leftovers of dead writers are known
    import fcntl
except ImportError:  # pragma: no cover (Windows)
    fcntl = None  # type: ignore[assignment]

PART_SUFFIX = ".part"
EMPTY_PART_GRACE = 60.0  # seconds: an empty unlocked temporary file may be one being created
_STARTXREF = re.compile(rb"startxref\s+(\d+)\s+%%EOF\s*$")
_XREF_AT = re.compile(rb"\s*(xref\b|\d+\s+\d+\s+obj\b)")


class PdfBytes(bytes):
    """PDF bytes that know how many pages they hold, so the written file can be checked for them."""

    pages: int | None

    def __new__(cls, data: bytes, pages: int | None = None) -> PdfBytes:
        made = super().__new__(cls, data)
        made.pages = pages
        return made


class BadOutput(PsoasError):
    """What psoaspdf made is not a valid file; a bug, so nothing was written."""

    exit_code = ExitCode.INTERNAL


def write_atomic(
    path: Path,
    data: bytes,
    mode: int | None = None,
    *,
    pages: int | None = None,
    password: str | None = None,
    tidy: bool = True,
) -> None:
    """Write data to path via a temporary file in the same folder and an atomic rename.

    Before the rename the temporary file is read back: it must hold exactly ``data``, and a PDF
    (a ``.pdf`` path or data starting ``%PDF-``) must open, with ``pages`` pages when given (or
    when ``data`` is PdfBytes that knows its count); ``password`` opens an encrypted one. On any
    failure the temporary file is removed and an existing file at ``path`` is untouched.

    ``mode`` sets the file's permissions (0o600 for a patient's copy); otherwise a replaced file
    keeps its permissions and a new one gets the usual ones (0o666 less the umask). ``tidy``
    removes temporary files a killed writer left for the same path (batch tidies once per run).
    """
    folder = path.parent if str(path.parent) else Path(".")
    if path.is_dir():
        raise CannotWrite(f"{path}: is a folder; give a file name such as {path / 'handout.pdf'}")
    if path.exists() and not path.is_file():
        raise CannotWrite(f"{path}: is not a regular file (a device or a pipe); give a file name")
    if path.exists() and not os.access(path, os.W_OK):
        raise CannotWrite(f"{path}: is read-only; nothing was written")
    if not folder.is_dir():
        raise CannotWrite(f"{path}: the folder {folder} does not exist")
    if pages is None:
        pages = getattr(data, "pages", None)
    is_pdf = path.suffix.lower() == ".pdf" or data[:5] == b"%PDF-"
    if tidy:
        remove_leftovers(folder, f".{path.name}.")
    tmp_name = None
    fd = -1
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=PART_SUFFIX, dir=folder)
        _lock(fd)  # held until the rename: an unlocked temporary file belongs to a dead writer
        _write_all(fd, data)
        os.fsync(fd)
        written, problem = _read_back(fd, data)
        if problem:
            raise CannotWrite(f"{path}: {problem}; nothing was written (is the disk full or failing?)")
        if is_pdf:
            problem = pdf_problem(written, pages, password)
            if problem:
                raise BadOutput(
                    f"{path}: the PDF made is not valid ({problem}); nothing was written. This is a bug"
                    " in psoaspdf: run again with PSOASPDF_DEBUG=1 and report it"
                )
        if mode is not None:
            os.chmod(tmp_name, mode)
        elif path.exists():
            # keep the permissions a user gave the file they are replacing
            os.chmod(tmp_name, path.stat().st_mode & 0o7777)
        else:
            os.chmod(tmp_name, 0o666 & ~_umask())
        os.replace(tmp_name, path)
        tmp_name = None
    except OSError as exc:
        raise CannotWrite(f"{path}: cannot write: {exc.strerror or exc}{_hint(exc, folder)}") from None
    finally:
        if fd >= 0:
            with contextlib.suppress(OSError):
                os.close(fd)
        if tmp_name is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp_name)


def _hint(exc: OSError, folder: Path) -> str:
    """What to do about a failed write, for the errors people meet; an existing file is kept."""
    hints = {
        errno.ENOSPC: "the disk is full; free some space or write somewhere else",
        getattr(errno, "EDQUOT", -1): "the disk quota is used up; free some space or write somewhere else",
        errno.EACCES: f"you may not write in the folder {folder}",
        errno.EPERM: f"you may not write in the folder {folder}",
        errno.EROFS: f"the folder {folder} is on a read-only disk",
    }
    hint = hints.get(exc.errno or 0)
    return f" ({hint}); nothing was changed" if hint else "; nothing was changed"


def _write_all(fd: int, data: bytes) -> None:
    """os.write until every byte is written: a write may take fewer bytes than it was given."""
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        if written <= 0:  # never seen, but a loop must not spin on it
            raise OSError(28, "No space left on device")
        view = view[written:]


def _read_back(fd: int, data: bytes) -> tuple[bytes, str | None]:
    """The bytes of the file behind ``fd``, and why they are not exactly ``data`` (or None)."""
    size = os.fstat(fd).st_size
    if size != len(data):
        return b"", f"the file on disk has {size:,} bytes, not the {len(data):,} written"
    chunks = []
    offset = 0
    while offset < size:
        chunk = _pread(fd, size - offset, offset)
        if not chunk:
            break
        chunks.append(chunk)
        offset += len(chunk)
    written = b"".join(chunks)
    if written != data:
        return written, "the file read back from disk differs from what was written"
    return written, None


def _pread(fd: int, size: int, offset: int) -> bytes:
    if hasattr(os, "pread"):
        return os.pread(fd, size, offset)
    os.lseek(fd, offset, os.SEEK_SET)  # pragma: no cover (Windows has no pread)
    return os.read(fd, size)  # pragma: no cover


def pdf_problem(data: bytes, pages: int | None = None, password: str | None = None) -> str | None:
    """Why ``data`` is not a PDF a reader can open (with ``pages`` pages when given), or None.

    Cheap on purpose (well under a millisecond for a handout): the header, the end-of-file
    marker, the cross-reference table or stream that startxref points at, then the catalogue
    and its page count, read through it; no page content is parsed. A file laid out otherwise
    than ReportLab, pypdf and ``compact`` write them, or encrypted, is read by pypdf instead.
    """
    if not data.startswith(b"%PDF-"):
        return "it does not start with %PDF-"
    tail = data[-1024:]
    if not tail.rstrip().endswith(b"%%EOF"):
        return "it does not end with %%EOF"
    found = _STARTXREF.search(tail)
    if not found or not _XREF_AT.match(data, int(found.group(1))):
        return "its startxref does not point at a cross-reference table or stream"
    count = None if password is not None else _page_count(data)
    if count is not None:  # read without pypdf (its import alone is most of a cold start's writing)
        if count < 1:
            return "it has no pages"
        if pages is not None and count != pages:
            return f"it has {count} pages, not the {pages} laid out"
        return None
    from pypdf import PdfReader

    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            if password is None:  # only the structure can be checked
                return None if "/Root" in reader.trailer else "its trailer has no /Root"
            if not reader.decrypt(password):
                return "it does not open with its password"
        count = len(reader.pages)
    except Exception as exc:  # whatever pypdf stumbles on, the file is not fit to ship
        return f"pypdf cannot read it: {type(exc).__name__}: {exc}"
    if count < 1:
        return "it has no pages"
    if pages is not None and count != pages:
        return f"it has {count} pages, not the {pages} laid out"
    return None


def _page_count(data: bytes) -> int | None:
    """The /Count of the catalogue's /Pages, read through the file's cross-reference table or
    stream as ReportLab, pypdf and ``compact`` write them; None for anything else, or an encrypted
    file."""
    from .compact import objects

    found = objects(data)
    if found is None or b"/Encrypt" in found[1]:
        return None
    read, trailer = found
    root = re.search(rb"/Root (\d+) 0 R", trailer)
    catalogue = read(int(root.group(1))) if root else None
    tree = re.search(rb"/Pages (\d+) 0 R", catalogue) if catalogue else None
    pages = read(int(tree.group(1))) if tree else None
    count = re.search(rb"/Count (\d+)", pages) if pages else None
    return int(count.group(1)) if count else None


def _umask() -> int:
    """The process's umask, read without changing it (os.umask would, for a moment, for every
    thread: a Dask worker's other threads could create files open to all in that moment)."""
    with contextlib.suppress(OSError, ValueError):
        for line in Path("/proc/self/status").read_text(encoding="ascii").splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    umask = os.umask(0o077)  # no /proc: the brief change is at least the safe way round
    os.umask(umask)
    return umask


def _lock(fd: int) -> None:
    """Hold a lock on our own temporary file until the rename. Blocking: a tidier that opened the
    brand-new file holds the lock only for a moment, and must not make us write unlocked."""
    if fcntl is not None:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
        except OSError as exc:
            if exc.errno not in (errno.ENOLCK, errno.EOPNOTSUPP, errno.EINVAL):
                raise
            # a file system without locks: leftovers of killed writers stay, which is safe


# Our temporary files: ".<output name>.<8 random characters from mkstemp>.part"
_OUR_PART = re.compile(r"^\..+\.(pdf|html|json|png|svg|yaml|csv|txt)\.[a-z0-9_]{8}\.part$", re.IGNORECASE)


def _abandoned(path: Path) -> bool:
    """Whether a temporary file is one of ours that a writer left when it died (killed during a
    write): a regular file of this user's, named as we name them, that no live writer holds."""
    if fcntl is None or not _OUR_PART.match(path.name):
        return False
    try:
        info = path.lstat()
    except OSError:
        return False
    if not stat.S_ISREG(info.st_mode) or info.st_uid != os.getuid():
        return False  # a link, a pipe (opening it would hang), a device, or someone else's file
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError:
        return False
    try:
        opened = os.fstat(fd)
        if (opened.st_dev, opened.st_ino) != (info.st_dev, info.st_ino):
            return False  # replaced between the look and the open
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False  # a live writer holds it (or locks do not work here): leave it
    else:
        # a writer locks its file before writing a byte: an empty one may be brand new
        return opened.st_size > 0 or time.time() - opened.st_mtime > EMPTY_PART_GRACE
    finally:
        os.close(fd)


def remove_leftovers(folder: Path, prefix: str = ".", recursive: bool = False) -> int:
    """Remove temporary files that killed writers left in folder; return how many.

    Only our own temporary files (named as write_atomic names them, starting with ``prefix``,
    owned by this user, regular files) that no live writer holds are removed, so two runs writing
    into one folder never delete each other's files, and nobody else's files are touched.
    """
    removed = 0
    try:
        if recursive:  # never into linked folders: only the run's own output tree
            candidates: Iterable[Path] = (
                Path(root) / name
                for root, _, names in os.walk(folder, followlinks=False)
                for name in names
                if name.endswith(PART_SUFFIX)
            )
        else:
            candidates = folder.iterdir()
        for candidate in candidates:
            name = candidate.name
            if name.startswith(prefix) and name.endswith(PART_SUFFIX) and _abandoned(candidate):
                with contextlib.suppress(OSError):
                    candidate.unlink()
                    removed += 1
    except OSError:
        pass  # tidying is a courtesy: an unreadable folder fails later with a clear message
    return removed


def ensure_folder(path: Path) -> Path:
    """Create a folder (and its parents) for output; a file in the way is a clear error."""
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise CannotWrite(f"{path}: cannot make this folder: {exc.strerror or exc}") from None
    return path


def refuse_overwriting_inputs(target: Path, inputs: list[Path]) -> None:
    """An output may never replace one of the files it is made from."""
    resolved = target.resolve()
    for source in inputs:
        if source.resolve() == resolved:
            raise CannotWrite(f"{target}: is one of the input files; choose another output name")
