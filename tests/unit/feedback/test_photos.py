import io

import pytest
from PIL import Image

from citizen_app.core.config import instance_dir
from citizen_app.core.errors import DomainError
from citizen_app.feedback import photos, service
from citizen_app.feedback.models import FeedbackPhoto
from tests.unit.feedback.fixtures import jpeg_with_gps, png_bytes


def test_gps_exif_is_stripped_and_thumbnail_made(db, world):
    raw = jpeg_with_gps((3000, 2000))
    assert Image.open(io.BytesIO(raw)).getexif().get_ifd(0x8825)  # the input really has GPS
    photo = service.upload_photo(db, world.citizen, raw)
    folder = instance_dir() / "feedback_photos"
    stored = Image.open(folder / photo.storage_name)
    assert not stored.getexif() and "exif" not in stored.info
    assert max(stored.size) == photos.MAX_SIDE
    thumb = Image.open(folder / photo.thumb_name)
    assert max(thumb.size) == photos.THUMB_SIDE and not thumb.getexif()
    assert len(photo.storage_name) > 30 and "assets" not in str(folder)


def test_png_is_accepted(db, world):
    photo = service.upload_photo(db, world.citizen, png_bytes())
    assert (photo.width, photo.height) == (50, 40)


@pytest.mark.parametrize("data,key", [
    (b"", "feedback.photo_empty"),
    (b"<html><script>alert(1)</script></html>", "feedback.photo_type"),
    (b"GIF89a" + b"\x00" * 100, "feedback.photo_type"),
    (b"\xff\xd8\xff\xe0" + b"not really a jpeg" * 20, "feedback.photo_corrupt"),
    (png_bytes()[:40], "feedback.photo_corrupt"),
])
def test_bad_or_disguised_files_are_refused(db, world, data, key):
    with pytest.raises(DomainError) as exc:
        service.upload_photo(db, world.citizen, data)
    assert exc.value.code == key
    assert db.exec(__import__("sqlmodel").select(FeedbackPhoto)).all() == []


def test_png_disguised_as_jpeg_magic_is_refused():
    data = b"\xff\xd8\xff" + png_bytes()
    with pytest.raises(DomainError):
        photos.process_image(data)


def test_too_big_file_is_refused(db, world):
    with pytest.raises(DomainError) as exc:
        service.upload_photo(db, world.citizen, b"\xff\xd8\xff" + b"0" * photos.MAX_BYTES)
    assert exc.value.code == "feedback.photo_too_big"


def test_anonymous_cannot_upload(db, world):
    with pytest.raises(DomainError):
        service.upload_photo(db, None, png_bytes())
