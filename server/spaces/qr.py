"""A QR code of an invite link, so the partner can scan it from the other phone."""

from __future__ import annotations

import segno

# A plain black-on-white image scans best in every light; the page frames it.
SCALE = 6
BORDER = 4


def qr_data_uri(url: str) -> str:
    """Return a PNG QR code of the URL as a data: URI an <img> can show."""
    code = segno.make_qr(url, error="m")
    return code.png_data_uri(scale=SCALE, border=BORDER)
