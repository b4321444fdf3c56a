"""What each fuzz target feeds psoaspdf, and what counts as a bug (a *finding*).

A target takes bytes. The first byte chooses what the rest is (a handout, a layout...; a PNG,
a JPEG or an SVG), so one corpus covers every kind. A target returns when psoaspdf accepted the
input or refused it with its own clear error; anything else raises, and the engine saves the
input as a reproducer.
"""

from __future__ import annotations

import atexit
import contextlib
import functools
import io
import itertools
import shutil
import signal
import subprocess
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from types import FrameType

REPO = Path(__file__).resolve().parent.parent


def library() -> Path:
    """The installed package's built-in library (handouts, booklets, layouts, forms)."""
    from psoaspdf.library import bundled_root

    return bundled_root()


class Finding(AssertionError):
    """psoaspdf misbehaved on an input: the message says how."""


class Hang(Finding):
    """An input took longer than the time bound."""


@contextlib.contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Raise Hang if the body runs longer than ``seconds`` (main thread, POSIX only)."""
    if not hasattr(signal, "setitimer"):
        yield
        return

    def expire(signum: int, frame: FrameType | None) -> None:
        raise Hang(f"no answer after {seconds:g} s")

    old = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


class Workspace:
    """A scratch copy of the built-in library and the example batch, where fuzzed files are
    written beside the real ones, so the relative paths and built-in ids they name resolve."""

    def __init__(self) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="psoaspdf-fuzz-"))
        try:
            shutil.copytree(library(), self.root / "library")
            batch = self.root / "examples" / "clinic-batch"
            batch.mkdir(parents=True)
            for name in ("manifest.yaml", "patients.csv"):
                shutil.copy(REPO / "examples" / "clinic-batch" / name, batch / name)
            (self.root / "library" / "images").mkdir()
        except BaseException:
            self.close()  # a half-made workspace is never left in the temporary folder
            raise
        self._numbers = itertools.count()

    def new_file(self, folder: str, suffix: str) -> Path:
        """A fresh name each time: psoaspdf caches images by path and modification time."""
        return self.root / folder / f"fuzzed-{next(self._numbers)}{suffix}"

    def close(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)


@functools.lru_cache(maxsize=1)
def workspace() -> Workspace:
    ws = Workspace()
    atexit.register(ws.close)
    return ws


# --- seeds ----------------------------------------------------------------------------------

# (folder in the workspace, kind of file), chosen by the first byte of an input
YAML_PLACES = (
    ("library/handouts", "handout"),
    ("library/layouts", "layout"),
    ("library/booklets", "booklet"),
    ("examples/clinic-batch", "manifest"),
)
IMAGE_SUFFIXES = (".png", ".jpg", ".svg")


def yaml_seeds() -> list[bytes]:
    """The shipped YAML files, each behind the selector byte of its kind."""
    folders = [
        library() / "handouts",
        library() / "layouts",
        library() / "booklets",
        REPO / "examples" / "clinic-batch",
    ]
    seeds = []
    for selector, folder in enumerate(folders):
        seeds += [bytes([selector]) + p.read_bytes() for p in sorted(folder.glob("*.yaml"))]
    return seeds


SVG_SEEDS = (
    b'<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20"><rect width="40" height="20" fill="#1F4E79"/></svg>',
    b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><circle cx="5" cy="5" r="4" stroke="red"/>'
    b'<path d="M0 0 L10 10 Q 5 0 0 10 Z"/><polyline points="0,0 5,5 10,0"/></svg>',
    b'<svg xmlns="http://www.w3.org/2000/svg" width="50" height="30"><text x="2" y="20" font-family="serif"'
    b' font-size="12">Hip &amp; back \xe2\x86\x92</text></svg>',
    b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="20" height="20">'
    b'<defs><linearGradient id="g"><stop offset="0" stop-color="#fff"/><stop offset="1" stop-color="#000"/>'
    b'</linearGradient></defs><rect width="20" height="20" fill="url(#g)"/><use xlink:href="#g"/>'
    b'<image href="neighbour.png" width="5" height="5"/></svg>',
    b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY e "x">]><svg xmlns="http://www.w3.org/2000/svg"'
    b' width="1e9" height="10" transform="rotate(45) scale(2)"><g opacity="0.5"><ellipse rx="3" ry="2"/></g>'
    b"<style>rect{fill:blue}</style><rect width='3' height='3'/>&e;</svg>",
    # the same rule in UTF-16, where a byte search does not see "<!ENTITY"
    '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE svg [<!ENTITY e "x">]>'
    '<svg xmlns="http://www.w3.org/2000/svg" width="9" height="9"><text>&e;</text></svg>'.encode("utf-16"),
)


def _embedding_svg(picture: bytes) -> bytes:
    """An SVG with a picture embedded as data, as Inkscape writes them."""
    import base64

    return (
        b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="12"'
        b' height="8"><image width="12" height="8" xlink:href="data:image/png;base64,'
        + base64.b64encode(picture)
        + b'"/></svg>'
    )


def image_seeds() -> list[bytes]:
    """Small images made now (nothing binary is committed): PNG and JPEG modes, a few SVGs."""
    from PIL import Image

    def encode(image: Image.Image, fmt: str, **options: object) -> bytes:
        buffer = io.BytesIO()
        image.save(buffer, format=fmt, **options)
        return buffer.getvalue()

    gradient = Image.linear_gradient("L").resize((12, 8))
    rgb = Image.merge("RGB", (gradient, gradient.transpose(Image.Transpose.FLIP_LEFT_RIGHT), gradient))
    palette = rgb.convert("P", palette=Image.Palette.ADAPTIVE, colors=8)
    pngs = [
        encode(gradient.convert("1"), "PNG"),
        encode(gradient, "PNG"),
        encode(gradient.convert("LA"), "PNG"),
        encode(palette, "PNG"),
        encode(palette, "PNG", transparency=0),
        encode(rgb, "PNG"),
        encode(rgb.convert("RGBA"), "PNG"),
        encode(gradient.convert("I;16"), "PNG"),
    ]
    jpegs = [
        encode(gradient, "JPEG"),
        encode(rgb, "JPEG", quality=50),
        encode(rgb.convert("CMYK"), "JPEG"),
        encode(rgb, "JPEG", progressive=True),
        encode(
            rgb,
            "JPEG",
            exif=b"Exif\x00\x00MM\x00*\x00\x00\x00\x08\x00\x01\x01\x12\x00\x03\x00\x00\x00\x01\x00\x06\x00\x00",
        ),
    ]
    svgs = [*SVG_SEEDS, _embedding_svg(pngs[5])]
    return [b"\x00" + p for p in pngs] + [b"\x01" + j for j in jpegs] + [b"\x02" + s for s in svgs]


def font_seeds() -> list[bytes]:
    """The built-in body font, whole and cut short at a few places."""
    from psoaspdf.render.fonts import atkinson_files

    font = atkinson_files()["regular"].read_bytes()
    return [font, font[:12], font[:2000], font[: len(font) // 2]]


def check_font_file(data: bytes) -> None:
    """Bytes as a layout's TrueType font: refused with BadFont naming the field, or registered and
    drawn into a PDF that qpdf --check accepts (a font is checked once, whole, before layout)."""
    from reportlab.pdfgen.canvas import Canvas

    from psoaspdf.render.fonts import BadFont, _register

    ws = workspace()
    path = ws.new_file("library/layouts", ".ttf")
    path.write_bytes(data)
    try:
        try:
            name, font = _register(path, "regular")
        except BadFont as exc:
            if exc.field != "regular" or not str(exc).strip():
                raise Finding(f"BadFont without its field or message: {exc.field!r} {exc}") from exc
            return
        text = "".join(chr(c) for c in sorted(font.face.charToGlyph)[:200] if chr(c).isprintable())
        buffer = io.BytesIO()
        canvas = Canvas(buffer, invariant=1, initialFontName=name)
        canvas.setFont(name, 12)
        canvas.drawString(36, 36, text)
        canvas.showPage()
        canvas.save()
        qpdf_check(buffer.getvalue())
    finally:
        path.unlink(missing_ok=True)


PATIENTS_SEEDS = (
    b"patient_id,name,item,note,password\nP1,Ann Example,iliopsoas-back-pain,,\n",
    b"patient_id;name;item;note\nP1;Ana D\xc3\xadaz;iliopsoas-back-pain;Slowly, please\n",
    b"\xef\xbb\xbfpatient_id,name,item,doses\nP1,Bo,iliopsoas-back-pain,1: reps=5\n",
    b"patient_id,name,item,note,password\nP2,Bo,iliopsoas-back-pain,Go slowly, at first.,\n",
    b"patient_id,name,item\nP3,Ana D\xeda,iliopsoas-back-pain\n",
)


def patients_seeds() -> list[bytes]:
    return list(PATIENTS_SEEDS)


def check_patients_file(data: bytes) -> None:
    """Bytes as a batch's patients file: a plan, or psoaspdf's clear error. A row's surplus or
    missing fields never become a copy, and no message quotes a patient's name."""
    from psoaspdf import batch
    from psoaspdf.errors import PsoasError

    ws = workspace()
    folder = ws.root / "examples" / "clinic-batch"
    csv_path = ws.new_file("examples/clinic-batch", ".csv")
    csv_path.write_bytes(data)
    manifest = csv_path.with_suffix(".yaml")
    manifest.write_text(f"clinics: [riverbend]\noutput: out\npatients: {csv_path.name}\n", encoding="utf-8")
    try:
        try:
            plan = batch.plan(manifest)
        except PsoasError as exc:
            if not str(exc).strip():
                raise Finding(f"plan raised {type(exc).__name__} with no message") from exc
            return
        text = data.decode("utf-8-sig", "replace")
        for outcome in plan.failed:
            if not outcome.reason.startswith(f"{csv_path.name}:"):
                raise Finding(f"a failed row does not say where it is: {outcome.reason}")
        for job in plan.jobs:
            if job.row is None or job.personal is None:
                raise Finding(f"a patient's job without its row: {job}")
            if job.password and job.password not in text:
                raise Finding(f"a password nobody wrote, for {job.row}")
    finally:
        for path in (csv_path, manifest):
            path.unlink(missing_ok=True)
        shutil.rmtree(folder / "out", ignore_errors=True)


# --- targets ----------------------------------------------------------------------------------


def _names_the_file(message: str, path: Path) -> bool:
    return path.name in message


def check_loader(data: bytes, render: bool = False) -> None:
    """Bytes as a handout, layout, booklet or manifest file: a model or psoaspdf's clear error.

    With ``render``, a handout that loads is rendered too, and the PDF must pass qpdf --check.
    """
    from psoaspdf import api
    from psoaspdf.errors import Problem, PsoasError

    ws = workspace()
    folder, kind = YAML_PLACES[data[0] % len(YAML_PLACES)] if data else YAML_PLACES[0]
    path = ws.new_file(folder, ".yaml")
    path.write_bytes(data[1:])
    try:
        try:
            _, problems = api.validate_paths([path])
        except PsoasError as exc:
            if not str(exc).strip():
                raise Finding(f"validate_paths raised {type(exc).__name__} with no message") from exc
            problems = []
        for problem in problems:
            if not isinstance(problem, Problem) or not problem.message.strip():
                raise Finding(f"validate_paths gave a problem with no message: {problem!r}")
        if kind not in ("handout", "layout"):
            return
        handout, layout = (
            (str(path), None)
            if kind == "handout"
            else (str(library() / "handouts" / "neck-pain.yaml"), str(path))
        )
        try:
            inputs = api.load_inputs(handout, layout)
        except PsoasError as exc:
            if not _names_the_file(str(exc), path):
                raise Finding(f"load_inputs' error does not name {path.name}: {exc}") from exc
            if not problems and kind == "handout" and _detected(path) == "handout":
                raise Finding(f"validate found no problem but load_inputs refused the file: {exc}") from exc
            return
        if render and kind == "handout":
            render_checked(inputs, path)
    finally:
        path.unlink(missing_ok=True)


def _detected(path: Path) -> str:
    from psoaspdf import api
    from psoaspdf.yamlsrc import load_file

    return api.detect_kind(path, load_file(path))


def render_checked(inputs: object, path: Path) -> bytes | None:
    """Render loaded inputs; a clear error naming the file, or a PDF that qpdf --check accepts."""
    from psoaspdf import api
    from psoaspdf.errors import PsoasError

    assert isinstance(inputs, api.Inputs)
    try:
        data = api.render_handout(inputs)
    except PsoasError as exc:
        if not _names_the_file(str(exc), path):
            raise Finding(f"render_handout's error does not name {path.name}: {exc}") from exc
        return None
    qpdf_check(data)
    return data


def qpdf_check(data: bytes) -> None:
    """Raise Finding unless qpdf --check finds no error and no warning (skipped without qpdf)."""
    if shutil.which("qpdf") is None:
        return
    with tempfile.NamedTemporaryFile(suffix=".pdf") as pdf:
        pdf.write(data)
        pdf.flush()
        result = subprocess.run(["qpdf", "--check", pdf.name], capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise Finding(f"qpdf --check exited {result.returncode}: {(result.stdout + result.stderr)[-800:]}")


def check_image_file(data: bytes) -> None:
    """Bytes as a PNG, JPEG or SVG: refused with BadImage, or accepted and drawn into a PDF that
    qpdf --check accepts (what is checked before layout must never fail during layout)."""
    from reportlab.pdfgen.canvas import Canvas

    from psoaspdf import model
    from psoaspdf.render.assets import BadImage, check_image, image_flowable
    from psoaspdf.render.fonts import load_fonts

    ws = workspace()
    suffix = IMAGE_SUFFIXES[data[0] % len(IMAGE_SUFFIXES)] if data else ".png"
    path = ws.new_file("library/images", suffix)
    path.write_bytes(data[1:])
    try:
        try:
            check_image(str(path))
        except BadImage as exc:
            if not str(exc).strip():
                raise Finding("BadImage with no message") from exc
            return
        font = load_fonts(model.Fonts()).regular
        picture = image_flowable(str(path), 200, 150, font)
        buffer = io.BytesIO()
        canvas = Canvas(buffer, invariant=1, initialFontName=font)
        picture.wrapOn(canvas, 200, 150)
        picture.drawOn(canvas, 36, 36)
        canvas.showPage()
        canvas.save()
        qpdf_check(buffer.getvalue())
    finally:
        path.unlink(missing_ok=True)


# Bugs found by fuzzing and not fixed yet, by the exception they raise. A run fails on them like
# on any other crash; `--allow-known` lets a run carry on past them to look for new ones.
KNOWN_ISSUES: dict[str, Callable[[BaseException], bool]] = {
    # name: a test that an exception is this known, not yet fixed bug (see docs/fuzzing.md).
    # Empty: the four image bugs the first runs found are fixed in render/assets.py.
}


def known_issue(exc: BaseException) -> str | None:
    """The name of the known, unfixed bug this exception is, if it is one."""
    return next((name for name, matches in KNOWN_ISSUES.items() if matches(exc)), None)


@dataclass(frozen=True)
class Target:
    name: str
    doc: str
    check: Callable[[bytes], None]
    seeds: Callable[[], list[bytes]]
    max_len: int
    instrument: tuple[str, ...]  # modules whose code guides atheris


TARGETS = {
    t.name: t
    for t in (
        Target(
            "loader",
            "YAML bytes as a handout, layout, booklet or manifest: a model or a clear error",
            check_loader,
            yaml_seeds,
            40_000,
            ("yaml", "psoaspdf"),
        ),
        Target(
            "images",
            "PNG, JPEG or SVG bytes: refused with a reason, or drawn into a PDF qpdf accepts",
            check_image_file,
            image_seeds,
            20_000,
            ("PIL", "svglib", "reportlab.graphics", "reportlab.lib.utils", "psoaspdf"),
        ),
        Target(
            "fonts",
            "TrueType bytes as a layout's font: refused with the field named, or drawn into a PDF qpdf accepts",
            check_font_file,
            font_seeds,
            200_000,
            ("reportlab.pdfbase", "psoaspdf"),
        ),
        Target(
            "patients",
            "CSV bytes as a batch's patients file: a plan or a clear error; bad rows never built",
            check_patients_file,
            patients_seeds,
            4_000,
            ("csv", "psoaspdf"),
        ),
        Target(
            "render",
            "YAML bytes as a handout, loaded and rendered: a clear error, or a PDF qpdf accepts",
            functools.partial(check_loader, render=True),
            yaml_seeds,
            40_000,
            ("yaml", "psoaspdf"),
        ),
    )
}
