"""The output side under attack (issue 7): a full disk, a writer killed mid-write, folders that
cannot be written, paths that are folders or lead nowhere, files that come back wrong, and content
too tall for any page.

Every failure must give the documented exit code, a plain message naming the path (compared with
tests/golden/hostile-output/NAME.txt, temporary paths shown as <tmp>), no traceback, no temporary
file left, and an existing output byte-for-byte unchanged. To refresh the golden messages after an
intended change of wording:

    pytest --update-goldens tests/test_hostile_output.py

and review the diff before committing it.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import io
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pypdf
import pytest
from click.testing import CliRunner, Result
from conftest import (
    BUNDLED_ID,
    DATA,
    GOLDEN,
    WriteVariant,
    all_text,
    golden_text,
    hang_guard,
    needs_tool,
    squash,
)

from psoaspdf import api, output
from psoaspdf.batch import OUTPUT_MARKER
from psoaspdf.cli import main
from psoaspdf.errors import ExitCode
from psoaspdf.output import PdfBytes, pdf_problem, write_atomic

GOLDEN_OUTPUT = GOLDEN / "hostile-output"
MINIMAL = DATA / "minimal.yaml"
OLD = b"%PDF-1.4 an existing good file that must survive\n%%EOF\n"
IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0


# --- helpers --------------------------------------------------------------------------------


def leftovers(folder: Path) -> list[str]:
    """Temporary files anywhere under folder."""
    return sorted(p.name for p in folder.rglob("*.part"))


def check_failure(result: Result, code: ExitCode, golden: str, tmp_path: Path, path: Path) -> str:
    """The documented exit code, one plain message naming the path, as in the golden file."""
    assert result.exit_code == int(code), result.output
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    assert str(path) in result.stderr, result.stderr
    assert leftovers(tmp_path) == []
    # byte counts change whenever the rendering does: the golden keeps the words
    shown = re.sub(r"\b\d{1,3}(,\d{3})+\b", "<n>", result.stderr.replace(str(tmp_path), "<tmp>"))
    golden_text(GOLDEN_OUTPUT / f"{golden}.txt", shown)
    return shown


def render(runner: CliRunner, out: Path, handout: Path | str = MINIMAL) -> Result:
    return runner.invoke(main, ["render", str(handout), "-o", str(out)])


class FakeOs:
    """The os module as output.py sees it, with some calls replaced."""

    def __init__(self, **replaced: Callable[..., Any]) -> None:
        self._replaced = replaced

    def __getattr__(self, name: str) -> Any:
        return self._replaced.get(name, getattr(os, name))


def fail_with(number: int) -> Callable[..., Any]:
    def fail(*args: Any) -> Any:
        raise OSError(number, os.strerror(number))

    return fail


@pytest.fixture
def existing(tmp_path: Path) -> Path:
    """An output file that is already there and must survive every failure."""
    path = tmp_path / "handout.pdf"
    path.write_bytes(OLD)
    return path


# --- verification before the rename -------------------------------------------------------


def test_a_written_pdf_is_exactly_the_bytes_and_its_pages_are_counted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[tuple[int | None, int]] = []
    real = output.pdf_problem

    def spy(data: bytes, pages: int | None = None, password: str | None = None) -> str | None:
        seen.append((pages, len(data)))
        return real(data, pages, password)

    monkeypatch.setattr(output, "pdf_problem", spy)
    data = api.render_handout(api.load_inputs(str(MINIMAL)))
    assert isinstance(data, PdfBytes) and data.pages == 3
    target = tmp_path / "out.pdf"
    api.render_to_file(str(MINIMAL), target)
    assert target.read_bytes() == data
    assert seen == [(3, len(data))]  # checked once, knowing how many pages were laid out
    assert leftovers(tmp_path) == []


def test_short_writes_are_continued_until_every_byte_is_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def dribble(fd: int, data: bytes) -> int:
        return os.write(fd, bytes(data[:1000]))  # a write may take fewer bytes than it is given

    monkeypatch.setattr(output, "os", FakeOs(write=dribble))
    data = api.render_handout(api.load_inputs(str(MINIMAL)))
    write_atomic(tmp_path / "out.pdf", data)
    assert (tmp_path / "out.pdf").read_bytes() == data


@pytest.mark.parametrize("call", ["write", "fsync"])
def test_disk_full_exits_4_and_keeps_the_old_file(
    call: str, runner: CliRunner, tmp_path: Path, existing: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # ENOSPC can come from the write itself or only when the data is flushed to the disk
    monkeypatch.setattr(output, "os", FakeOs(**{call: fail_with(errno.ENOSPC)}))
    result = render(runner, existing)
    check_failure(result, ExitCode.CANNOT_WRITE, f"disk-full-{call}", tmp_path, existing)
    assert "No space left on device" in result.stderr
    assert existing.read_bytes() == OLD


def test_disk_full_after_a_partial_write(
    runner: CliRunner, tmp_path: Path, existing: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[int] = []

    def fill_up(fd: int, data: bytes) -> int:
        calls.append(len(data))
        if len(calls) > 1:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return os.write(fd, bytes(data[:4096]))

    monkeypatch.setattr(output, "os", FakeOs(write=fill_up))
    result = render(runner, existing)
    check_failure(result, ExitCode.CANNOT_WRITE, "disk-full-write", tmp_path, existing)
    assert existing.read_bytes() == OLD and len(calls) == 2


def test_a_file_system_that_loses_bytes_is_caught_before_the_rename(
    runner: CliRunner, tmp_path: Path, existing: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def lose_half(fd: int, data: bytes) -> int:
        os.write(fd, bytes(data[: len(data) // 2]))
        return len(data)  # says it wrote everything

    monkeypatch.setattr(output, "os", FakeOs(write=lose_half))
    result = render(runner, existing)
    check_failure(result, ExitCode.CANNOT_WRITE, "lost-bytes", tmp_path, existing)
    assert existing.read_bytes() == OLD


def test_bytes_that_read_back_differently_are_caught_before_the_rename(
    runner: CliRunner, tmp_path: Path, existing: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def flip(fd: int, size: int, offset: int) -> bytes:
        data = bytearray(os.pread(fd, size, offset))
        data[len(data) // 2] ^= 0xFF  # one bit rotted on the way
        return bytes(data)

    monkeypatch.setattr(output, "os", FakeOs(pread=flip))
    result = render(runner, existing)
    check_failure(result, ExitCode.CANNOT_WRITE, "read-back-differs", tmp_path, existing)
    assert existing.read_bytes() == OLD


@pytest.mark.parametrize(
    ("golden", "spoil"),
    [
        ("not-a-pdf", lambda data: b"<html>not a PDF</html>"),
        ("truncated-pdf", lambda data: bytes(data[: len(data) * 2 // 3])),
        ("wrong-page-count", lambda data: PdfBytes(data, pages=99)),
    ],
)
def test_a_pdf_that_does_not_check_out_is_never_moved_into_place(
    golden: str,
    spoil: Callable[[bytes], bytes],
    runner: CliRunner,
    tmp_path: Path,
    existing: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    real = api.render_handout
    monkeypatch.setattr(api, "render_handout", lambda *a, **k: spoil(real(*a, **k)))
    result = render(runner, existing)
    # a PDF psoaspdf made is broken: that is a bug in psoaspdf, and it says so
    shown = check_failure(result, ExitCode.INTERNAL, golden, tmp_path, existing)
    assert "nothing was written" in shown and "bug" in shown
    assert existing.read_bytes() == OLD


def test_pdf_problem_names_what_is_wrong(bundled_pdf: Any) -> None:
    good = bundled_pdf.data
    assert pdf_problem(good) is None
    assert pdf_problem(good, pages=len(bundled_pdf.reader.pages)) is None
    assert pdf_problem(b"GIF89a") == "it does not start with %PDF-"
    assert pdf_problem(good[:-200]) == "it does not end with %%EOF"
    moved = re.sub(rb"startxref\s+\d+", b"startxref\n12", good)
    assert pdf_problem(moved) == "its startxref does not point at a cross-reference table or stream"
    assert "pages" in (pdf_problem(good, pages=2) or "")


def test_an_encrypted_copy_is_checked_with_its_password(bundled_pdf: Any) -> None:
    from psoaspdf.batch import _encrypt

    try:
        locked = _encrypt(bundled_pdf.data, "s3cret")
    except ValueError as exc:
        pytest.skip(str(exc))
    pages = len(bundled_pdf.reader.pages)
    assert pdf_problem(locked, pages, "s3cret") is None
    assert pdf_problem(locked) is None  # no password: the structure is still checked
    assert pdf_problem(locked, pages, "wrong") == "it does not open with its password"


def _verified(monkeypatch: pytest.MonkeyPatch) -> list[int | None]:
    """Record the page count of every PDF write_atomic checks."""
    seen: list[int | None] = []
    real = output.pdf_problem

    def spy(data: bytes, pages: int | None = None, password: str | None = None) -> str | None:
        seen.append(len(pypdf.PdfReader(io.BytesIO(data)).pages) if not password else pages)
        return real(data, pages, password)

    monkeypatch.setattr(output, "pdf_problem", spy)
    return seen


@pytest.mark.parametrize(
    "command",
    [
        ["render", str(MINIMAL), "-o", "{out}/a.pdf"],
        ["booklet", str(MINIMAL), str(MINIMAL), "-o", "{out}/b.pdf"],
        ["booklet", str(MINIMAL), "--impose", "2-up", "-o", "{out}/c.pdf"],
        ["check", str(MINIMAL), "--worksheet", "{out}/w.pdf"],
        ["illustration", BUNDLED_ID, "--format", "pdf", "-o", "{out}"],
    ],
    ids=["render", "booklet", "impose", "worksheet", "illustration"],
)
def test_every_pdf_writer_checks_its_file(
    command: list[str], runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen = _verified(monkeypatch)
    result = runner.invoke(main, [arg.format(out=tmp_path) for arg in command])
    assert result.exit_code == 0, result.output
    pdfs = sorted(tmp_path.glob("*.pdf"))
    assert pdfs and len(seen) == len(pdfs)
    assert leftovers(tmp_path) == []


def test_batch_checks_every_pdf_it_writes(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "patients.csv").write_text(
        "patient_id,name,item,note\nP1,Ann Example,minimal.yaml,\nP2,Bob Example,minimal.yaml,Rest.\n",
        encoding="utf-8",
    )
    shutil.copy(MINIMAL, tmp_path / "minimal.yaml")
    manifest = tmp_path / "manifest.yaml"
    manifest.write_text("clinics: [default]\npatients: patients.csv\n", encoding="utf-8")
    seen = _verified(monkeypatch)
    result = runner.invoke(main, ["batch", str(manifest), "-j", "1", "-q", "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert len(list((tmp_path / "out").rglob("*.pdf"))) == len(seen) == 2


def test_a_batch_item_that_cannot_be_written_fails_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from psoaspdf import batch

    shutil.copy(MINIMAL, tmp_path / "minimal.yaml")
    (tmp_path / "patients.csv").write_text(
        "patient_id,name,item\nP1,Ann Example,minimal.yaml\nP2,Bob Example,minimal.yaml\n", encoding="utf-8"
    )
    manifest = tmp_path / "manifest.yaml"
    manifest.write_text("clinics: [default]\npatients: patients.csv\n", encoding="utf-8")
    real_fsync = os.fsync
    calls: list[int] = []

    def full_once(fd: int) -> None:
        calls.append(fd)
        if len(calls) == 1:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        real_fsync(fd)

    the_plan = batch.plan(manifest)
    batch.claim_output_folder(the_plan.output)  # so the first file written is a patient's copy
    monkeypatch.setattr(output, "os", FakeOs(fsync=full_once))
    summary = batch.run(the_plan, batch.local_executor(1))
    assert summary.count("failed") == 1 and summary.count("written") == len(summary.outcomes) - 1
    failed = next(o for o in summary.outcomes if o.status == "failed")
    assert "No space left on device" in failed.reason and failed.key in failed.reason
    assert leftovers(tmp_path) == []


# --- the disk for real ----------------------------------------------------------------------


@contextlib.contextmanager
def tiny_tmpfs(folder: Path, size: str) -> Iterator[Path]:
    folder.mkdir()
    if not IS_ROOT or shutil.which("mount") is None:
        pytest.skip("mounting a small tmpfs needs root; the monkeypatched disk-full tests cover this")
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)], capture_output=True, text=True
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here ({done.stderr.strip() or done.returncode})")
    try:
        yield folder
    finally:
        subprocess.run(["umount", str(folder)], check=False)


def test_a_really_full_disk(runner: CliRunner, tmp_path: Path) -> None:
    with tiny_tmpfs(tmp_path / "small", "64k") as small:
        target = small / "handout.pdf"
        target.write_bytes(OLD)
        result = render(runner, target, BUNDLED_ID)  # about 85 KB: more than the disk holds
        assert result.exit_code == 4, result.output
        assert f"{target}: cannot write: No space left on device" in result.stderr
        assert "Traceback" not in result.stderr
        assert target.read_bytes() == OLD
        assert leftovers(small) == []


# --- killed in the middle of a write ------------------------------------------------------

KILLED_WRITER = """
import os, sys, time
from pathlib import Path

MARKER = Path(sys.argv[1])

def stall(fd):  # the bytes are in the temporary file; the rename has not happened
    MARKER.write_text("writing", encoding="utf-8")
    time.sleep(120)

os.fsync = stall
sys.argv = ["psoaspdf", *sys.argv[2:]]
from psoaspdf.cli import main
main()
"""


def start_killed_writer(tmp_path: Path, args: list[str]) -> None:
    """Run psoaspdf in a child process and SIGKILL it while it writes its output."""
    marker = tmp_path / "writing.marker"
    child = subprocess.Popen(
        [sys.executable, "-c", KILLED_WRITER, str(marker), *args],
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        with hang_guard():  # the child waits in its stalled fsync; it must get there
            while not marker.exists():
                assert child.poll() is None, "the writer ended before it wrote anything"
                time.sleep(0.05)
        os.kill(child.pid, signal.SIGKILL)
    finally:
        child.kill()
        child.wait(timeout=30)
    assert child.returncode == -signal.SIGKILL
    marker.unlink()


@pytest.mark.parametrize("command", ["render", "booklet"])
def test_a_writer_killed_mid_write_leaves_the_old_file_and_the_next_run_tidies(
    command: str, runner: CliRunner, tmp_path: Path, existing: Path
) -> None:
    args = [command, str(MINIMAL), "-o", str(existing)]
    start_killed_writer(tmp_path, args)
    assert existing.read_bytes() == OLD
    left = leftovers(tmp_path)
    assert len(left) == 1 and left[0].startswith(".handout.pdf.")  # hidden, never the final name
    result = runner.invoke(main, args)
    assert result.exit_code == 0, result.output
    assert leftovers(tmp_path) == []  # its writer is dead: removed
    assert pdf_problem(existing.read_bytes()) is None


def test_a_batch_killed_mid_write_resumes_and_tidies(runner: CliRunner, tmp_path: Path) -> None:
    shutil.copy(MINIMAL, tmp_path / "minimal.yaml")
    (tmp_path / "patients.csv").write_text(
        "patient_id,name,item\nP1,Ann Example,minimal.yaml\nP2,Bob Example,minimal.yaml\n", encoding="utf-8"
    )
    manifest = tmp_path / "manifest.yaml"
    manifest.write_text("clinics: [default]\npatients: patients.csv\n", encoding="utf-8")
    args = ["batch", str(manifest), "-j", "1", "-q"]
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / OUTPUT_MARKER).write_text("")  # so the first file written is a patient's copy
    start_killed_writer(tmp_path, args)
    assert len(leftovers(tmp_path / "out")) == 1
    result = runner.invoke(main, args)
    assert result.exit_code == 0, result.output
    assert leftovers(tmp_path) == []
    assert len(list((tmp_path / "out").rglob("*.pdf"))) == 2  # both patients' copies


def test_a_live_writers_temporary_file_is_never_removed(runner: CliRunner, tmp_path: Path) -> None:
    # another process writing the same output right now holds a lock on its temporary file
    live = tmp_path / ".handout.pdf.live1234.part"
    with live.open("wb") as handle:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        handle.write(b"%PDF-1.4 being written")
        handle.flush()
        result = render(runner, tmp_path / "handout.pdf")
        assert result.exit_code == 0, result.output
        assert live.exists()
    # a brand-new empty one may be a writer that has not taken its lock yet; an old one is dead
    fresh, stale = tmp_path / ".handout.pdf.new1abcd.part", tmp_path / ".handout.pdf.old1abcd.part"
    fresh.touch()
    stale.touch()
    os.utime(stale, (time.time() - 3600, time.time() - 3600))
    live.unlink()
    assert render(runner, tmp_path / "handout.pdf").exit_code == 0
    assert leftovers(tmp_path) == [fresh.name]


def test_tidying_touches_only_our_own_regular_files(runner: CliRunner, tmp_path: Path) -> None:
    from psoaspdf.output import remove_leftovers

    old = time.time() - 3600
    ours = tmp_path / ".handout.pdf.dead1234.part"
    ours.write_bytes(b"%PDF-1.4 half")
    theirs = [tmp_path / ".notes.txt.part", tmp_path / ".photo.jpg.part", tmp_path / ".handout.pdf.part"]
    for other in theirs:  # another program's files that happen to end in .part
        other.write_bytes(b"not ours")
    pipe = tmp_path / ".handout.pdf.fifo1234.part"
    os.mkfifo(pipe)  # opening a pipe to read it would wait for a writer for ever
    outside = tmp_path / "elsewhere.pdf"
    outside.write_bytes(b"%PDF-1.4 keep me")
    link = tmp_path / ".handout.pdf.link1234.part"
    link.symlink_to(outside)
    for path in [ours, *theirs, outside]:
        os.utime(path, (old, old))
    with hang_guard():  # opening the planted pipe would block for ever
        assert remove_leftovers(tmp_path, recursive=True) == 1
    assert not ours.exists()
    assert all(other.exists() for other in theirs)
    assert pipe.exists() and link.is_symlink() and outside.read_bytes() == b"%PDF-1.4 keep me"
    # and through the command: render next to them still works and leaves them alone
    assert render(runner, tmp_path / "handout.pdf").exit_code == 0
    assert pipe.exists() and all(other.exists() for other in theirs)


@pytest.mark.skipif(os.geteuid() != 0, reason="making a file another user owns needs root")
def test_tidying_leaves_another_users_temporary_files(tmp_path: Path) -> None:
    from psoaspdf.output import remove_leftovers

    theirs = tmp_path / ".handout.pdf.user1234.part"
    theirs.write_bytes(b"%PDF-1.4 someone else's")
    os.chown(theirs, 65534, 65534)  # nobody
    os.utime(theirs, (time.time() - 3600, time.time() - 3600))
    assert remove_leftovers(tmp_path) == 0
    assert theirs.exists()


# --- folders and paths ----------------------------------------------------------------------


def test_an_output_folder_without_write_permission(runner: CliRunner, tmp_path: Path) -> None:
    folder = tmp_path / "locked"
    folder.mkdir()
    (folder / "handout.pdf").write_bytes(OLD)
    folder.chmod(0o555)
    try:
        if os.access(folder, os.W_OK):
            pytest.skip("running as root: folder permissions do not stop root (see the monkeypatched test)")
        result = render(runner, folder / "handout.pdf")
        check_failure(result, ExitCode.CANNOT_WRITE, "folder-not-writable", tmp_path, folder / "handout.pdf")
        assert (folder / "handout.pdf").read_bytes() == OLD
    finally:
        folder.chmod(0o755)


def test_an_output_folder_without_write_permission_when_permissions_do_not_bite(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same path through the code as a root-proof stand-in (CI runs as root)."""
    import tempfile

    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise PermissionError(errno.EACCES, os.strerror(errno.EACCES))

    folder = tmp_path / "locked"
    folder.mkdir()
    (folder / "handout.pdf").write_bytes(OLD)
    monkeypatch.setattr(tempfile, "mkstemp", refuse)
    result = render(runner, folder / "handout.pdf")
    check_failure(result, ExitCode.CANNOT_WRITE, "folder-not-writable", tmp_path, folder / "handout.pdf")
    assert (folder / "handout.pdf").read_bytes() == OLD


def test_an_output_folder_that_does_not_exist(runner: CliRunner, tmp_path: Path) -> None:
    target = tmp_path / "no-such-folder" / "handout.pdf"
    result = render(runner, target)
    check_failure(result, ExitCode.CANNOT_WRITE, "missing-folder", tmp_path, target)
    assert not target.parent.exists()


def test_an_output_path_that_is_a_folder(runner: CliRunner, tmp_path: Path) -> None:
    folder = tmp_path / "handout.pdf"
    folder.mkdir()
    (folder / "inside.txt").write_bytes(b"keep")
    result = render(runner, folder)
    check_failure(result, ExitCode.CANNOT_WRITE, "output-is-folder", tmp_path, folder)
    assert [p.name for p in folder.iterdir()] == ["inside.txt"]
    assert (folder / "inside.txt").read_bytes() == b"keep"


def test_a_booklet_into_a_missing_folder(runner: CliRunner, tmp_path: Path) -> None:
    target = tmp_path / "missing" / "booklet.pdf"
    result = runner.invoke(main, ["booklet", str(MINIMAL), "-o", str(target)])
    check_failure(result, ExitCode.CANNOT_WRITE, "booklet-missing-folder", tmp_path, target)


# --- content that does not fit a page -------------------------------------------------------

LONG_WORD = "a" * 500
BIG_TYPE = "name: big type\nclinic:\n  name: Big Clinic\nfonts:\n  size: 24\npage:\n  margin_mm: 40\n"
STEP = (
    "Slowly bend your knee and then straighten it again, keeping your back flat on the floor and"
    " breathing out as you move, then rest for a moment before you start the next one. "
)


@pytest.fixture
def big_type(tmp_path: Path) -> Path:
    """The largest type and the widest margins a layout allows: the smallest room per page."""
    path = tmp_path / "big-type.yaml"
    path.write_text(BIG_TYPE, encoding="utf-8")
    return path


def render_file(handout: Path, layout: Path | None, tmp_path: Path) -> Path:
    """Render through the CLI (so the file is verified as it is written); the PDF's path."""
    out = tmp_path / f"{handout.stem}-{layout.stem if layout else 'default'}.pdf"
    args = ["render", str(handout), "-o", str(out)] + (["-l", str(layout)] if layout else [])
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    return out


def read(path: Path) -> pypdf.PdfReader:
    return pypdf.PdfReader(io.BytesIO(path.read_bytes()))


def words_inside_the_page(path: Path) -> None:
    """Every word is drawn inside the page (poppler's word boxes): nothing runs off the edge."""
    html = subprocess.run(["pdftotext", "-bbox", str(path), "-"], capture_output=True, text=True, check=True)
    width = float(re.search(r'<page width="([\d.]+)"', html.stdout).group(1))  # type: ignore[union-attr]
    for x_max in re.findall(r'<word xMin="[\d.]+" yMin="[\d.]+" xMax="([\d.]+)"', html.stdout):
        assert float(x_max) <= width - 30, f"a word runs to x={x_max} on a page {width} wide"


LONG_WORD_PLACES = {
    "summary": ("Most people get better", f"{LONG_WORD} Most people get better"),
    "step": ('"Lift one leg."', f'"Lift {LONG_WORD} one leg."'),
    "checklist": ('"Use an ice pack"', f'"Use {LONG_WORD}"'),
    "tracked": ('text: "Walk a little"', f'text: "Walk {LONG_WORD}"'),
    "exercise-name": ('"Straight leg raise"', f'"Straight {LONG_WORD}"'),
    "get-help": ('"Your knee is hot, red and swollen"', f'"Your knee {LONG_WORD}"'),
    "cause": ('"Too much running too soon"', f'"Too {LONG_WORD}"'),
}


@needs_tool("pdftotext")
@pytest.mark.parametrize("place", sorted(LONG_WORD_PLACES))
@pytest.mark.parametrize("layout", ["default", "big-type"])
def test_a_500_letter_word_is_broken_to_fit(
    place: str, layout: str, tmp_path: Path, write_variant: WriteVariant, big_type: Path
) -> None:
    old, new = LONG_WORD_PLACES[place]
    handout = write_variant({old: new}, name=f"word-{place}.yaml")
    pdf = render_file(handout, big_type if layout == "big-type" else None, tmp_path)
    # every letter printed, over several lines (and pages: the footer may come in between)
    copies = 2 if place == "tracked" else 1  # a daily habit is in the checklist and the tick chart
    assert sum(len(run) for run in re.findall("a{2,}", squash(all_text(read(pdf))))) == copies * len(
        LONG_WORD
    )
    words_inside_the_page(pdf)


def test_a_checklist_of_300_items(tmp_path: Path, write_variant: WriteVariant, big_type: Path) -> None:
    items = "\n".join(f'    - "Tick item number {i} off"' for i in range(1, 301))
    handout = write_variant({'    - "Use an ice pack"': items})
    for layout in (None, big_type):
        text = squash(all_text(read(render_file(handout, layout, tmp_path))))
        assert all(f"Tickitemnumber{i}off" in text for i in range(1, 301))


def test_80_steps_are_refused_where_they_are_written(runner: CliRunner, write_variant: WriteVariant) -> None:
    steps = "\n".join(f'      - "Step {i}: {STEP}"' for i in range(80))
    handout = write_variant({'      - "Lift one leg."': steps})
    result = runner.invoke(main, ["validate", str(handout)])
    assert result.exit_code == 1
    assert f"{handout}:34:7: exercises[1].steps: has 81 items" in result.stderr


def test_eight_very_long_steps_continue_over_pages(
    tmp_path: Path, write_variant: WriteVariant, big_type: Path
) -> None:
    steps = "\n".join(f'      - "Step {i}: {STEP * 6}"' for i in range(2, 9))
    handout = write_variant({'      - "Lift one leg."': steps})
    for layout in (None, big_type):
        text = squash(all_text(read(render_file(handout, layout, tmp_path))))
        assert all(f"Step{i}:" in text for i in range(2, 9))


def test_a_get_help_box_of_100_rows_continues_over_pages(
    tmp_path: Path, write_variant: WriteVariant, big_type: Path
) -> None:
    signs = "\n".join(f'    - "Warning sign {i}: call now"' for i in range(1, 101))
    handout = write_variant({'    - "Your knee is hot, red and swollen"': signs})
    for layout in (None, big_type):
        reader = read(render_file(handout, layout, tmp_path))
        pages = [squash(page.extract_text()) for page in reader.pages]
        holding = [n for n, text in enumerate(pages) if "Warningsign" in text]
        assert len(holding) >= 2  # the box runs on; nothing was dropped
        assert all(any(f"Warningsign{i}:callnow" in pages[n] for n in holding) for i in range(1, 101))


@pytest.mark.parametrize(
    ("width", "height", "placement"),
    [(300, 20000, "image"), (20000, 300, "image"), (5000, 5000, "image"), (300, 20000, "logo")],
)
def test_a_huge_image_is_scaled_to_fit(
    width: int, height: int, placement: str, tmp_path: Path, write_variant: WriteVariant, big_type: Path
) -> None:
    from PIL import Image

    Image.new("RGB", (width, height), (30, 90, 160)).save(tmp_path / "huge.png")
    if placement == "image":
        handout = write_variant(
            {
                "      reps: 10\n": "      reps: 10\n    illustration:\n      image: huge.png\n      alt: A huge picture\n"
            }
        )
        layout = big_type
    else:
        handout = MINIMAL
        layout = tmp_path / "logo.yaml"
        layout.write_text("name: logo\nclinic:\n  name: Logo Clinic\n  logo: huge.png\n", encoding="utf-8")
    drawn = 0
    for page in read(render_file(handout, layout, tmp_path)).pages:
        box = page.mediabox
        for x0, y0, x1, y1 in drawn_images(page):
            drawn += 1
            assert box.left <= x0 < x1 <= box.right and box.bottom <= y0 < y1 <= box.top
    assert drawn


def drawn_images(page: pypdf.PageObject) -> list[tuple[float, float, float, float]]:
    """Where each image XObject is drawn on a page: its unit square under the CTM at ``Do``."""
    from pypdf.generic import ContentStream

    def multiply(m: list[float], n: list[float]) -> list[float]:
        return [
            m[0] * n[0] + m[1] * n[2], m[0] * n[1] + m[1] * n[3],
            m[2] * n[0] + m[3] * n[2], m[2] * n[1] + m[3] * n[3],
            m[4] * n[0] + m[5] * n[2] + n[4], m[4] * n[1] + m[5] * n[3] + n[5],
        ]  # fmt: skip

    resources: Any = page["/Resources"]
    xobjects = resources.get("/XObject", {})
    ctm: list[float] = [1.0, 0, 0, 1.0, 0, 0]
    stack: list[list[float]] = []
    boxes: list[tuple[float, float, float, float]] = []
    for operands, operator in ContentStream(page.get_contents(), page.pdf).operations:
        if operator == b"q":
            stack.append(ctm)
        elif operator == b"Q":
            ctm = stack.pop()
        elif operator == b"cm":
            ctm = multiply([float(v) for v in operands], ctm)
        elif operator == b"Do" and xobjects[operands[0]].get_object().get("/Subtype") == "/Image":
            corners = [(ctm[0] * x + ctm[2] * y + ctm[4], ctm[1] * x + ctm[3] * y + ctm[5]) for x, y in
                       ((0, 0), (1, 0), (0, 1), (1, 1))]  # fmt: skip
            xs, ys = [c[0] for c in corners], [c[1] for c in corners]
            boxes.append((min(xs), min(ys), max(xs), max(ys)))
    return boxes


def test_type_larger_than_layouts_allow_is_refused_where_it_is_written(
    runner: CliRunner, tmp_path: Path
) -> None:
    layout = tmp_path / "huge-type.yaml"
    layout.write_text(
        BIG_TYPE.replace("size: 24", "size: 40").replace("margin_mm: 40", "paper: a6"), encoding="utf-8"
    )
    result = runner.invoke(main, ["render", str(MINIMAL), "-l", str(layout), "-o", str(tmp_path / "x.pdf")])
    assert result.exit_code == 1
    assert f"{layout}:5:9: fonts.size:" in result.stderr
    assert f"{layout}:7:10: page.paper:" in result.stderr
    assert not (tmp_path / "x.pdf").exists()


@pytest.fixture
def unsplittable_video(monkeypatch: pytest.MonkeyPatch) -> None:
    """A video box taller than any page that cannot be split (a stand-in for anything fixed-size)."""
    from reportlab.platypus import Table

    from psoaspdf.render.story import Story

    monkeypatch.setattr(Story, "video", lambda self, url, width=0: Table([[""]], rowHeights=[2000]))


@pytest.mark.usefixtures("unsplittable_video")
@pytest.mark.parametrize("where", ["exercise", "handout"])
def test_what_cannot_fit_is_named_with_its_line_and_column(
    where: str, runner: CliRunner, tmp_path: Path, write_variant: WriteVariant, existing: Path
) -> None:
    if where == "exercise":
        handout = write_variant(
            {"      reps: 10\n": "      reps: 10\n    video: https://example.org/v\n"}, name="v.yaml"
        )
        expected = f"{handout}:32:5: exercises[1]: exercise 1 'Straight leg raise' does not fit on a page"
    else:
        handout = write_variant({"disclaimer:": "video: https://example.org/v\ndisclaimer:"}, name="v.yaml")
        expected = f"{handout}:46:8: video: the video link does not fit on a page"
    result = render(runner, existing, handout)
    check_failure(result, ExitCode.INVALID_INPUT, f"too-tall-{where}", tmp_path, handout)
    assert result.stderr.startswith(f"error: {expected}")
    assert existing.read_bytes() == OLD


@pytest.mark.usefixtures("unsplittable_video")
def test_in_a_booklet_what_cannot_fit_names_the_handout(
    runner: CliRunner, tmp_path: Path, write_variant: WriteVariant
) -> None:
    handout = write_variant(
        {"      reps: 10\n": "      reps: 10\n    video: https://example.org/v\n"}, name="v.yaml"
    )
    target = tmp_path / "booklet.pdf"
    result = runner.invoke(main, ["booklet", str(handout), "-o", str(target)])
    assert result.exit_code == 1, result.output
    assert "in the handout 'Test handout about knee pain', exercise 1 'Straight leg raise'" in result.stderr
    assert "Traceback" not in result.stderr and not target.exists()


def test_shipped_pages_keep_whole_rows(riverbend_pdf: Any) -> None:
    """Rows that fit on a page are never broken inside: the shipped handout's checklist items and
    warning signs each stay on one page."""
    handout = riverbend_pdf.inputs.handout
    pages = [squash(page.extract_text()) for page in riverbend_pdf.reader.pages]
    lines = [item.text for item in handout.self_care.items] + list(handout.get_help.urgent)
    for line in lines:
        assert any(squash(line.replace("**", "").replace("*", "")) in page for page in pages), line
