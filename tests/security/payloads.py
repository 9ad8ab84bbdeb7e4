"""Hostile files for the upload tests: valid images that carry markup, fake images, big
headers."""

import io
import struct
import zlib

from PIL import Image, PngImagePlugin

from tests.testing.images import receipt_image_bytes

SCRIPT_MARKER = "XSS-RAN"


def png_with_script(script: str = f"document.title='{SCRIPT_MARKER}'") -> bytes:
    """A valid PNG receipt whose text chunk holds an HTML page with a script: a browser that
    treats the file as HTML runs it."""
    img = Image.open(io.BytesIO(receipt_image_bytes(seed=1, fmt="PNG")))
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", f"<html><body><script>{script}</script></body></html>")
    buf = io.BytesIO()
    img.save(buf, format="PNG", pnginfo=info)
    data = buf.getvalue()
    assert b"<script>" in data
    return data


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_header_only(width: int, height: int) -> bytes:
    """A tiny PNG that claims ``width`` x ``height`` pixels (1-bit) with a few bytes of pixel
    data: refused from its header, it is never decoded (decoding would fail differently)."""
    ihdr = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", ihdr)
        + _chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + _chunk(b"IEND", b"")
    )


SVG_WITH_SCRIPT = (
    b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
    b"<script>alert(1)</script><rect width='10' height='10'/></svg>"
)

PDF_BYTES = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)
