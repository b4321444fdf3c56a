"""PDF pages as PNG pictures (pypdfium2): for `psoaspdf preview` and the desk's preview."""

from __future__ import annotations


def page_pictures(pdf: bytes, dpi: int) -> list[bytes]:
    """Every page of a PDF as PNG bytes, at ``dpi``."""
    import io

    import pypdfium2 as pdfium

    pictures = []
    document = pdfium.PdfDocument(pdf)
    try:
        for index in range(len(document)):
            image = document[index].render(scale=dpi / 72).to_pil()
            buffer = io.BytesIO()
            image.save(buffer, format="PNG", optimize=True)
            pictures.append(buffer.getvalue())
    finally:
        document.close()
    return pictures
