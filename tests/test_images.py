"""Clinic images are checked before layout: each failure names the handout, exercise and file."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pypdf
import pytest
from click.testing import CliRunner
from conftest import DATA, render_bytes, visible
from PIL import Image

from psoaspdf.cli import main
from psoaspdf.render import assets

HANDOUT = DATA / "illustrated.yaml"


@pytest.fixture
def handout_dir(tmp_path: Path) -> Path:
    """A copy of the illustrated test handout whose images a test may spoil."""
    shutil.copy(HANDOUT, tmp_path / "handout.yaml")
    shutil.copytree(DATA / "images", tmp_path / "images")
    return tmp_path


def validate(runner: CliRunner, folder: Path) -> tuple[int, str]:
    result = runner.invoke(main, ["validate", str(folder / "handout.yaml")])
    assert "Traceback" not in result.output
    return result.exit_code, result.stderr


def test_a_text_file_renamed_png_is_refused(handout_dir: Path, runner: CliRunner) -> None:
    (handout_dir / "images" / "square.png").write_text("this is not a picture", encoding="utf-8")
    code, stderr = validate(runner, handout_dir)
    assert code == 1
    assert "exercises[2].illustration.image" in stderr
    assert "exercise 'Bridge'" in stderr
    assert "square.png" in stderr
    assert "not a valid PNG or JPEG" in stderr
    assert "handout.yaml:" in stderr


def test_a_truncated_png_is_refused(handout_dir: Path, runner: CliRunner) -> None:
    picture = handout_dir / "images" / "square.png"
    buffer = io.BytesIO()
    Image.new("RGB", (400, 300), "#3A7").save(buffer, format="PNG")
    picture.write_bytes(buffer.getvalue()[: len(buffer.getvalue()) // 2])
    code, stderr = validate(runner, handout_dir)
    assert code == 1
    assert "not a valid PNG or JPEG" in stderr


def test_too_many_pixels_is_refused(
    handout_dir: Path, runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(assets, "MAX_PIXELS", 40)  # the test picture is 8 x 6
    assets._bitmap_size.cache_clear()
    code, stderr = validate(runner, handout_dir)
    assets._bitmap_size.cache_clear()
    assert code == 1
    assert "8 x 6 pixels is more than the limit of 40" in stderr


@pytest.mark.parametrize(
    "href",
    ["../secret.png", "/etc/passwd", "https://example.org/x.png", "file:///etc/passwd"],
)
def test_an_svg_reaching_outside_its_folder_is_refused(
    handout_dir: Path, runner: CliRunner, href: str
) -> None:
    (handout_dir / "secret.png").write_bytes((DATA / "images" / "square.png").read_bytes())
    (handout_dir / "images" / "stretch.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"'
        f' width="40" height="40"><image xlink:href="{href}" width="40" height="40"/></svg>',
        encoding="utf-8",
    )
    code, stderr = validate(runner, handout_dir)
    assert code == 1
    assert "exercise 'Hip stretch'" in stderr
    assert "outside its own folder" in stderr
    assert href in stderr


def test_an_svg_may_use_a_picture_beside_it(handout_dir: Path) -> None:
    (handout_dir / "images" / "stretch.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"'
        ' width="40" height="40"><image xlink:href="square.png" width="40" height="40"/></svg>',
        encoding="utf-8",
    )
    reader = pypdf.PdfReader(io.BytesIO(render_bytes(handout_dir / "handout.yaml")))
    assert len(reader.pages) >= 1


def placed_image_widths(data: bytes) -> list[float]:
    """The width on the page of every image drawn (the x scale of the CTM at each 'Do')."""
    widths: list[float] = []

    def visit(op: bytes, args: object, cm: list[float], tm: object) -> None:
        if op == b"Do":
            widths.append(cm[0])

    for page in pypdf.PdfReader(io.BytesIO(data)).pages:
        page.extract_text(visitor_operand_before=visit)
    return widths


def test_huge_and_tiny_images_are_scaled_into_the_card(handout_dir: Path) -> None:
    for size in ((4000, 200), (3, 3)):
        Image.new("RGB", size, "#3A7").save(handout_dir / "images" / "square.png")
        assets._bitmap_size.cache_clear()
        data = render_bytes(handout_dir / "handout.yaml")
        page_width = float(pypdf.PdfReader(io.BytesIO(data)).pages[0].mediabox.width)
        widths = placed_image_widths(data)
        assert widths, size
        assert all(0 < w < page_width * 0.85 for w in widths), (size, widths)  # inside the card


def test_a_video_link_prints_as_a_qr_code_and_its_address(tmp_path: Path) -> None:
    text = HANDOUT.read_text(encoding="utf-8").replace(
        '      alt: "A green square"',
        '      alt: "A green square"\n    video: https://videos.example.org/bridge',
    )
    (tmp_path / "handout.yaml").write_text(text, encoding="utf-8")
    shutil.copytree(DATA / "images", tmp_path / "images")
    plain = render_bytes(HANDOUT)
    with_video = render_bytes(tmp_path / "handout.yaml")
    reader = pypdf.PdfReader(io.BytesIO(with_video))
    words = " ".join(page.extract_text() for page in reader.pages)
    assert "https://videos.example.org/bridge" in words
    assert "phone" in words  # the caption says how to use the code
    # the QR code is drawn as many small filled squares: the page content grows markedly
    assert len(with_video) > len(plain) + 1000


# --- found by the fuzz target (fuzz/): each was an internal error or a broken PDF ------------


def test_an_svg_with_bytes_its_encoding_does_not_allow_is_refused(
    handout_dir: Path, runner: CliRunner
) -> None:
    svg = handout_dir / "images" / "stretch.svg"
    svg.write_bytes(
        b'<?xml version="1.0" encoding="UTF-8"?>\n<svg xmlns="http://www.w3.org/2000/svg">\x93</svg>'
    )
    code, stderr = validate(runner, handout_dir)
    assert code == 1
    assert "exercises[1].illustration.image" in stderr and "not a readable SVG file" in stderr


def test_an_svg_shape_that_cannot_be_drawn_is_refused_before_rendering(
    handout_dir: Path, runner: CliRunner
) -> None:
    svg = handout_dir / "images" / "stretch.svg"
    svg.write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><path d="ML10 10"/></svg>',
        encoding="utf-8",
    )
    code, stderr = validate(runner, handout_dir)
    assert code == 1
    assert "has a shape that cannot be drawn" in stderr


def _jpeg_handout(folder: Path, jpeg: bytes) -> Path:
    (folder / "images" / "photo.jpg").write_bytes(jpeg)
    handout = folder / "handout.yaml"
    handout.write_text(
        handout.read_text(encoding="utf-8").replace("square.png", "photo.jpg"), encoding="utf-8"
    )
    return handout


def _embedded_jpegs(pdf: bytes) -> list[bytes]:
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    found = []
    for page in reader.pages:
        for image in page.images:
            if image.name.endswith(".jpg"):
                found.append(image.data)
    return found


def test_jpegs_are_written_again_clean_without_camera_metadata(handout_dir: Path) -> None:
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    buffer = io.BytesIO()
    Image.new("RGB", (60, 40), "#3A7").save(buffer, format="JPEG", exif=exif.tobytes())
    data = buffer.getvalue()
    assert b"PhoneMaker" in data
    pdf = render_bytes(_jpeg_handout(handout_dir, data))
    assert b"PhoneMaker" not in visible(pdf)
    (embedded,) = _embedded_jpegs(pdf)
    with Image.open(io.BytesIO(embedded)) as again:
        assert again.size == (60, 40) and not again.getexif()


def test_a_jpeg_reportlab_cannot_read_itself_still_prints_the_right_picture(handout_dir: Path) -> None:
    buffer = io.BytesIO()
    Image.new("RGB", (60, 40), "#3A7").save(buffer, format="JPEG")
    data = buffer.getvalue()
    broken = data[:3] + data[4:]  # the APP0 marker's second byte removed: Pillow copes, ReportLab not
    pdf = render_bytes(_jpeg_handout(handout_dir, broken))
    assert b"/Mask [ a u t o ]" not in visible(pdf)
    (embedded,) = _embedded_jpegs(pdf)
    with Image.open(io.BytesIO(embedded)) as again:
        assert again.size == (60, 40)
        red, green, blue = again.convert("RGB").getpixel((30, 20))
        assert green > red and green > blue  # the green square, not a placeholder


def test_a_code_point_a_font_maps_to_its_empty_glyph_is_not_counted_as_printable() -> None:
    from psoaspdf import model
    from psoaspdf.render.fonts import load_fonts

    fonts = load_fonts(model.Fonts())
    assert 0xFFFF not in fonts.covered and ord("A") in fonts.covered


def test_a_phone_photo_taken_upright_stands_upright(handout_dir: Path) -> None:
    exif = Image.Exif()
    exif[0x0112] = 6  # the camera was turned: viewers rotate the stored 60 x 40 picture
    buffer = io.BytesIO()
    picture = Image.new("RGB", (60, 40), "#3A7")
    picture.paste((200, 30, 30), (0, 0, 60, 10))  # a red band along the stored top edge
    picture.save(buffer, format="JPEG", exif=exif.tobytes())
    pdf = render_bytes(_jpeg_handout(handout_dir, buffer.getvalue()))
    (embedded,) = _embedded_jpegs(pdf)
    with Image.open(io.BytesIO(embedded)) as again:
        assert again.size == (40, 60)  # standing, as every viewer shows the photo
        red, green, _ = again.convert("RGB").getpixel((35, 30))
        assert red > green  # orientation 6: the stored top edge is now on the right
