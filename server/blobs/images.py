"""Decode untrusted image bytes and re-encode them without any metadata."""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass

from PIL import Image, ImageCms, ImageOps

try:  # HEIC/HEIF (iPhone photos) when the maintained decoder is installed.
    import pillow_heif

    pillow_heif.register_heif_opener()
    HEIF_FORMATS = {"HEIF"}
except ImportError:  # pragma: no cover - it is a declared dependency
    HEIF_FORMATS = set()

# Pillow format names accepted after decoding (the Content-Type header is only a hint).
FORMATS = {"JPEG", "PNG", "WEBP", *HEIF_FORMATS}
CONTENT_TYPES = {"image/jpeg", "image/png", "image/webp"} | (
    {"image/heic", "image/heif"} if HEIF_FORMATS else set()
)
THUMB_SIDE = 400
JPEG_QUALITY = 86
THUMB_QUALITY = 80
SRGB = ImageCms.createProfile("sRGB")


class BadImage(Exception):
    """The bytes are not an image we accept; `code` says why."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class Rendition:
    data: bytes
    width: int
    height: int


@dataclass(frozen=True)
class Renditions:
    content_type: str
    original: Rendition
    thumb: Rendition


def _open(data: bytes, max_pixels: int) -> Image.Image:
    """Decode the first frame fully, refusing bombs, oversized and broken images."""
    too_big = BadImage(
        "too_many_pixels", f"The image has more than {max_pixels:,} pixels. Send a smaller one."
    )
    try:
        with warnings.catch_warnings():
            # Pillow only warns between its limit and twice it: that is a bomb to us too.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data), formats=sorted(FORMATS))
            if image.width * image.height > max_pixels:
                raise too_big
            image.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise too_big from None
    except Image.UnidentifiedImageError:
        raise BadImage("not_an_image", "This is not a JPEG, PNG, WebP or HEIC image.") from None
    except (OSError, SyntaxError, ValueError, EOFError, MemoryError):
        # Truncated or corrupt data fails while decoding, whatever the header said.
        raise BadImage("broken_image", "The image is truncated or damaged.") from None
    if image.format not in FORMATS:  # pragma: no cover - `formats=` already limits this
        raise BadImage("not_an_image", "This is not a JPEG, PNG, WebP or HEIC image.")
    return image


def _to_srgb(image: Image.Image) -> Image.Image:
    """Convert to plain RGB(A) pixels in sRGB, so no colour profile needs keeping."""
    profile = image.info.get("icc_profile")
    alpha = "A" in image.getbands() or "transparency" in image.info
    mode = "RGBA" if alpha else "RGB"
    if profile and not alpha:
        try:
            source = ImageCms.ImageCmsProfile(io.BytesIO(profile))
            image = ImageCms.profileToProfile(image, source, SRGB, outputMode=mode)
        except (ImageCms.PyCMSError, OSError, ValueError, TypeError):
            pass  # a broken or mismatched profile: the pixels as they are make a fine photo
    if image.mode != mode:
        image = image.convert(mode)
    return image


def _encode(image: Image.Image, fmt: str, quality: int) -> bytes:
    # A fresh info dict: nothing of the upload's metadata (EXIF, XMP, comments) is carried over.
    image.info = {}
    out = io.BytesIO()
    if fmt == "JPEG":
        # Baseline: progressive encoding costs eight times the time for ~10 % fewer bytes.
        image.save(out, "JPEG", quality=quality)
    else:
        image.save(out, "WEBP", quality=quality, method=4)
    return out.getvalue()


def render(data: bytes, max_pixels: int) -> Renditions:
    """Decode the bytes and return an original-size rendition and a thumbnail, both clean."""
    image = _open(data, max_pixels)
    try:
        # Orientation is applied to the pixels, since the EXIF tag that carried it is dropped.
        pixels = _to_srgb(ImageOps.exif_transpose(image))
        # JPEG for photos; WebP keeps transparency where there is some.
        fmt, content_type = (
            ("WEBP", "image/webp") if pixels.mode == "RGBA" else ("JPEG", "image/jpeg")
        )
        original = Rendition(_encode(pixels, fmt, JPEG_QUALITY), pixels.width, pixels.height)
        small = pixels.copy()
        small.thumbnail((THUMB_SIDE, THUMB_SIDE), Image.Resampling.LANCZOS)
        thumb = Rendition(_encode(small, fmt, THUMB_QUALITY), small.width, small.height)
    except (OSError, SyntaxError, ValueError, TypeError) as error:
        # An odd pixel format or a damaged frame Pillow can open but not convert.
        raise BadImage("broken_image", "The image is truncated or damaged.") from error
    finally:
        image.close()
    return Renditions(content_type, original, thumb)
