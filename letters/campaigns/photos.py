"""Photos of reported actions: whatever a visitor uploads becomes a new JPEG with nothing in it
but the pixels.

A phone photo carries where it was taken (EXIF GPS), when, the phone's make and serial number,
and sometimes a thumbnail of the uncropped picture. Any of these could identify the people at a
banner or a stall, so nothing of the upload is kept: the picture is decoded, turned upright
(the orientation tag is the one piece of metadata that matters for how it looks), reduced and
encoded afresh from its pixels alone, without EXIF, XMP, ICC profile or comments.

Plain functions on bytes: no Flask, no database.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from PIL import Image, ImageCms, ImageOps, UnidentifiedImageError

from ..validation import FieldError

#: One photo as uploaded. A phone's JPEG is 2–6 MB, a PNG screenshot of a poster a few MB;
#: more is not a photo of an action.
MAX_PHOTO_BYTES = 10 * 1024 * 1024
#: Photos per report.
MAX_PHOTOS = 3
#: Pixels decoded at most: 50 megapixels is a large phone camera's full resolution and takes
#: about 150 MB as RGB while it is reduced. Checked from the header before any pixel is
#: decoded, so a small file that claims to be huge (a "decompression bomb") costs nothing.
MAX_PIXELS = 50_000_000
#: The long side of the stored photo: enough for a screen, a fraction of the original's size.
MAX_SIDE = 2000
JPEG_QUALITY = 85

#: What is decoded, by content (Pillow tries only these): the formats phones and cameras save.
#: HEIC (iPhones) only when a HEIF plugin (pillow-heif) is installed and registered.
BASE_FORMATS = ("JPEG", "PNG", "WEBP")


class PhotoError(FieldError):
    """A file that is not a photo this app can take; the message is for the visitor."""


@dataclass(frozen=True)
class CleanPhoto:
    """A photo as stored: a new JPEG and its size."""

    data: bytes
    width: int
    height: int


def accepted_formats() -> tuple[str, ...]:
    Image.init()  # registers the plugins, including any HEIF plugin installed
    return BASE_FORMATS + (("HEIF",) if "HEIF" in Image.OPEN else ())


def clean_photo(data: bytes) -> CleanPhoto:
    """``data`` (a JPEG, PNG, WebP or, where possible, HEIC file) as a new upright JPEG of at
    most ``MAX_SIDE`` pixels a side, holding no metadata at all.

    Raises ``PhotoError`` for a file that is too large, not an image of those kinds, damaged,
    or claims more than ``MAX_PIXELS``.
    """
    if len(data) > MAX_PHOTO_BYTES:
        raise PhotoError(
            _l(
                "The photo is too large: at most %(size)s MB.",
                size=MAX_PHOTO_BYTES // (1024 * 1024),
            )
        )
    # Pillow warns past its own pixel limit and refuses past twice that: either is a refusal
    # here, and so is anything over ours, all read from the header before decoding.
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(io.BytesIO(data), formats=accepted_formats()) as image:
                if image.width * image.height > MAX_PIXELS:
                    raise _too_many_pixels()
                image.seek(0)  # an animated WebP or PNG: its first frame
                _decode_reduced(image)
                image.load()
                return _reencoded(image)
        except PhotoError:
            raise  # (a ValueError too: not to be taken for a damaged file below)
        except (Image.DecompressionBombWarning, Image.DecompressionBombError):
            raise _too_many_pixels() from None
        except UnidentifiedImageError:
            raise PhotoError(
                _l("This file is not a photo: use a JPEG, PNG or WebP image.")
            ) from None
        except (OSError, ValueError, SyntaxError, EOFError):
            # A truncated or damaged file of a known kind.
            raise PhotoError(_l("This photo could not be read: the file is damaged.")) from None


def _decode_reduced(image: Image.Image) -> None:
    """Let a JPEG decode straight at a half, quarter or eighth of its size, no smaller than what
    is kept: a 12-megapixel photo then takes a quarter of the time and memory."""
    long_side = max(image.size)
    if image.format == "JPEG" and long_side > MAX_SIDE:
        scale = MAX_SIDE / long_side
        image.draft("RGB", (round(image.width * scale), round(image.height * scale)))


def _too_many_pixels() -> PhotoError:
    return PhotoError(
        _l(
            "The photo has too many pixels: at most %(megapixels)s megapixels.",
            megapixels=MAX_PIXELS // 1_000_000,
        )
    )


def _reencoded(image: Image.Image) -> CleanPhoto:
    upright = ImageOps.exif_transpose(image)
    rgb = _as_srgb(upright)
    rgb.thumbnail((MAX_SIDE, MAX_SIDE), Image.Resampling.LANCZOS)
    # A new image from the pixels alone: nothing of the upload's ``info`` (EXIF, XMP, ICC,
    # comments, DPI) can travel along into the file written.
    bare = Image.frombytes("RGB", rgb.size, rgb.tobytes())
    out = io.BytesIO()
    bare.save(out, "JPEG", quality=JPEG_QUALITY, optimize=True)
    return CleanPhoto(out.getvalue(), bare.width, bare.height)


def _as_srgb(image: Image.Image) -> Image.Image:
    """RGB pixels as a browser shows them without a profile: colours converted from an
    embedded profile (an iPhone's Display P3) to sRGB, transparency laid on white."""
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        image = Image.alpha_composite(white, rgba)
    icc = image.info.get("icc_profile")
    rgb = image.convert("RGB")
    if icc:
        try:
            source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
            if source.profile.xcolor_space.strip() != "RGB":
                return rgb  # a CMYK or grey profile does not describe these RGB pixels
            converted = ImageCms.profileToProfile(
                rgb, source, ImageCms.createProfile("sRGB"), outputMode="RGB"
            )
        except (ImageCms.PyCMSError, OSError, ValueError):
            return rgb  # a broken profile: the colours as they are
        if converted is not None:
            return converted
    return rgb
