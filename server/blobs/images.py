"""Decode untrusted image bytes and re-encode them without any metadata."""

from __future__ import annotations

import io
import threading
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
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
# WebP images and images with transparency may have this share of the pixel limit.
COSTLY_SHARE = 4


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


class Busy(Exception):
    """No decoding slot came free in time."""


class DecodeSlots:
    """Bound the decodes running at once in one process: each holds up to a couple hundred MB."""

    def __init__(self, at_once: int, wait_seconds: float) -> None:
        self._free = threading.BoundedSemaphore(max(1, at_once))
        self._wait = wait_seconds

    @contextmanager
    def held(self) -> Iterator[None]:
        """Hold a slot for the block; raise Busy when none comes free within the wait."""
        if not self._free.acquire(timeout=self._wait):
            raise Busy
        try:
            yield
        finally:
            self._free.release()


def _has_alpha(image: Image.Image) -> bool:
    return "A" in image.getbands() or "transparency" in image.info


def _pixel_limit(image: Image.Image, max_pixels: int) -> int:
    """Return the most pixels this kind of image may have: less where decoding costs more."""
    # WebP's decoder holds about three copies of its canvas, and keeping transparency means
    # encoding WebP, which needs about 15 bytes a pixel more (bench/blob_bench.py --memory).
    costly = image.format == "WEBP" or _has_alpha(image)
    return max_pixels // COSTLY_SHARE if costly else max_pixels


def _open(data: bytes, max_pixels: int) -> Image.Image:
    """Read the header only, refusing what is not an image we take or has too many pixels."""
    too_big = BadImage(
        "too_many_pixels", f"The image has more than {max_pixels:,} pixels. Send a smaller one."
    )
    try:
        with warnings.catch_warnings():
            # Pillow only warns between its limit and twice it: that is a bomb to us too.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data), formats=sorted(FORMATS))
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise too_big from None
    except Image.UnidentifiedImageError:
        raise BadImage("not_an_image", "This is not a JPEG, PNG, WebP or HEIC image.") from None
    except (OSError, SyntaxError, ValueError, EOFError, MemoryError):
        raise BadImage("broken_image", "The image is truncated or damaged.") from None
    if image.format not in FORMATS:  # pragma: no cover - `formats=` already limits this
        image.close()
        raise BadImage("not_an_image", "This is not a JPEG, PNG, WebP or HEIC image.")
    limit = _pixel_limit(image, max_pixels)
    # Refused from the header alone, before any pixel is decoded.
    if image.width * image.height > limit:
        image.close()
        kind = " (WebP images and images with transparency)" if limit < max_pixels else ""
        raise BadImage(
            "too_many_pixels",
            f"The image has more than {limit:,} pixels{kind}. Send a smaller one.",
        )
    return image


def _load(image: Image.Image) -> None:
    """Decode the first frame."""
    try:
        image.load()
    except (OSError, SyntaxError, ValueError, EOFError, MemoryError):
        # Truncated or corrupt data fails while decoding, whatever the header said.
        raise BadImage("broken_image", "The image is truncated or damaged.") from None


def _replace(old: Image.Image, new: Image.Image) -> Image.Image:
    """Let go of the old pixels at once: a decode holds two full-size copies at most."""
    if new is not old:
        old.close()
    return new


def _upright(image: Image.Image) -> Image.Image:
    """Apply the EXIF orientation to the pixels, since the tag that carried it is dropped."""
    # In place: without an orientation nothing is copied; with one, the old pixels go at once.
    ImageOps.exif_transpose(image, in_place=True)
    return image


def _to_srgb(image: Image.Image) -> Image.Image:
    """Convert to plain RGB(A) pixels in sRGB, so no colour profile needs keeping."""
    profile = image.info.get("icc_profile")
    alpha = _has_alpha(image)
    mode = "RGBA" if alpha else "RGB"
    if profile and not alpha:
        try:
            source = ImageCms.ImageCmsProfile(io.BytesIO(profile))
            if image.mode == mode:
                # Most photos: the transform rewrites the pixels where they are, with no copy.
                ImageCms.profileToProfile(image, source, SRGB, inPlace=True)
            else:
                image = _replace(
                    image, ImageCms.profileToProfile(image, source, SRGB, outputMode=mode)
                )
        except (ImageCms.PyCMSError, OSError, ValueError, TypeError):
            pass  # a broken or mismatched profile: the pixels as they are make a fine photo
    if image.mode != mode:
        image = _replace(image, image.convert(mode))
    return image


def _thumb_size(width: int, height: int) -> tuple[int, int]:
    """Fit the size within THUMB_SIDE on its longest side, never enlarging."""
    scale = min(1.0, THUMB_SIDE / max(width, height))
    return max(1, round(width * scale)), max(1, round(height * scale))


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


def render(data: bytes, max_pixels: int, slots: DecodeSlots) -> Renditions:
    """Decode the bytes and return an original-size rendition and a thumbnail, both clean.

    The header is checked before waiting for one of the slots; the decoding holds one.
    """
    image = _open(data, max_pixels)
    try:
        with slots.held():
            _load(image)
            image = _to_srgb(_upright(image))
            # JPEG for photos; WebP keeps transparency where there is some.
            fmt, content_type = (
                ("WEBP", "image/webp") if image.mode == "RGBA" else ("JPEG", "image/jpeg")
            )
            original = Rendition(_encode(image, fmt, JPEG_QUALITY), image.width, image.height)
            # Straight from the full pixels to the small size (reduce, then Lanczos): no copy
            # of the full size, except for transparency, which Pillow premultiplies first.
            size = _thumb_size(image.width, image.height)
            small = image.resize(size, Image.Resampling.LANCZOS, reducing_gap=2.0)
            thumb = Rendition(_encode(small, fmt, THUMB_QUALITY), small.width, small.height)
    except (OSError, SyntaxError, ValueError, TypeError) as error:
        # An odd pixel format or a damaged frame Pillow can open but not convert.
        raise BadImage("broken_image", "The image is truncated or damaged.") from error
    finally:
        image.close()
    return Renditions(content_type, original, thumb)
