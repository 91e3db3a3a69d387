"""Photo intake: sniff magic bytes, decode with Pillow, re-encode without metadata, make a thumbnail.

Files live in ``instance_dir()/feedback_photos`` under random names, never in a public folder; they
are served only by ``api.photo_route`` after a visibility check.
"""

from __future__ import annotations

import io
import secrets
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageOps, UnidentifiedImageError

from citizen_app.core.config import instance_dir
from citizen_app.core.errors import DomainError

MAX_BYTES = 8 * 1024 * 1024
MAX_PIXELS = 40_000_000
MAX_SIDE = 2048
THUMB_SIDE = 320
_MAGIC = (
    (b"\xff\xd8\xff", "JPEG"),
    (b"\x89PNG\r\n\x1a\n", "PNG"),
)


@dataclass(frozen=True)
class StoredImage:
    storage_name: str
    thumb_name: str
    size: int
    width: int
    height: int


def photo_dir() -> Path:
    path = instance_dir() / "feedback_photos"
    path.mkdir(parents=True, exist_ok=True)
    return path


def sniff(data: bytes) -> str | None:
    for magic, fmt in _MAGIC:
        if data.startswith(magic):
            return fmt
    if len(data) >= 12 and data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "WEBP"
    return None


def _decode(data: bytes, expected: str) -> Image.Image:
    try:
        with Image.open(io.BytesIO(data)) as probe:
            if probe.format != expected:
                raise DomainError("feedback.photo_type")
            if probe.width * probe.height > MAX_PIXELS:
                raise DomainError("feedback.photo_too_large_pixels")
            probe.verify()
        image = Image.open(io.BytesIO(data))
        image.load()
    except DomainError:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:
        raise DomainError("feedback.photo_corrupt") from exc
    return image


def _jpeg_bytes(image: Image.Image, side: int) -> tuple[bytes, int, int]:
    copy = image.copy()
    copy.thumbnail((side, side))
    if copy.mode not in ("RGB", "L"):
        copy = copy.convert("RGB")
    out = io.BytesIO()
    copy.save(out, "JPEG", quality=85, optimize=True)  # no exif= argument: metadata is dropped
    return out.getvalue(), copy.width, copy.height


def process_image(data: bytes) -> tuple[bytes, bytes, int, int]:
    """Validate and return (full_jpeg, thumb_jpeg, width, height), both free of EXIF/GPS."""
    if not data:
        raise DomainError("feedback.photo_empty")
    if len(data) > MAX_BYTES:
        raise DomainError("feedback.photo_too_big", mb=MAX_BYTES // (1024 * 1024))
    fmt = sniff(data)
    if fmt is None:
        raise DomainError("feedback.photo_type")
    image = _decode(data, fmt)
    image = ImageOps.exif_transpose(image)  # keep the visible orientation before dropping EXIF
    full, width, height = _jpeg_bytes(image, MAX_SIDE)
    thumb, _, _ = _jpeg_bytes(image, THUMB_SIDE)
    return full, thumb, width, height


def save_image(data: bytes) -> StoredImage:
    full, thumb, width, height = process_image(data)
    stem = secrets.token_urlsafe(24)
    folder = photo_dir()
    (folder / f"{stem}.jpg").write_bytes(full)
    (folder / f"{stem}.t.jpg").write_bytes(thumb)
    return StoredImage(f"{stem}.jpg", f"{stem}.t.jpg", len(full), width, height)


def read_image(name: str) -> bytes:
    path = photo_dir() / Path(name).name
    return path.read_bytes()


def delete_image(name: str) -> None:
    (photo_dir() / Path(name).name).unlink(missing_ok=True)
