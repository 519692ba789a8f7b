"""QR codes in the documents the application prints (certificates, letters).

A QR code is a grid of square modules, so it goes into a PDF as a tiny PNG with one pixel per
module, drawn at the size the page asks for without smoothing (``image-rendering: pixelated``
in the document's style). The same code as an SVG path cost a certificate about a fifth of
its rendering time; the PNG costs almost nothing and prints exactly as sharp.
"""

from __future__ import annotations

import segno

# One fixed mask pattern: any of the eight is a valid code, and choosing the best one by
# trying all of them took longer than the rest of a certificate's page before layout.
QR_MASK = 0


def qr_png_data_uri(url: str) -> str:
    """``url`` as a QR code (error correction level M), a ``data:image/png`` URI."""
    return segno.make(url, error="m", mask=QR_MASK).png_data_uri(scale=1, border=2)
