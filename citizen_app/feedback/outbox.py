"""A report sent from a device's outbox (``assets/outbox.js``): written offline, queued on the phone with its
photos (resized there), sent when the connection returns, by the page or by Background Sync.

Each item carries an idempotency key made on the device when its draft was started: the pair (reporter, key)
names one report, so an item sent twice (the answer to the first try was lost, the page and the service worker
sent it at the same moment) makes one report and the second send learns its id. It also carries the device's
owner pseudonym (``cds_owner``) of the person who queued it: an item queued by someone else is refused, never
filed under the session's user.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import re
from dataclasses import dataclass, replace
from typing import Any

from sqlmodel import Session

from citizen_app.core.errors import DomainError, HttpError
from citizen_app.feedback import service
from citizen_app.feedback.models import FeedbackSubmission
from citizen_app.feedback.photos import MAX_BYTES as MAX_PHOTO_BYTES
from citizen_app.feedback.views import attribute_answers
from citizen_app.identity.service import device_owner_tag

KEY_PATTERN = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
PHOTO_TYPES = ("image/jpeg", "image/png", "image/webp")
MAX_DEVICE_PHOTO_BYTES = 3 * 1024 * 1024  # the phone resizes to ~1600 px; a larger file was not resized


@dataclass(frozen=True)
class Submitted:
    report_id: int
    created: bool  # False: this key was sent before, the report is the one it made then


def check_key(key: str) -> str:
    if not KEY_PATTERN.match(key or ""):
        raise DomainError("feedback.outbox_bad_key")
    return key


def check_owner(user_id: int, owner: str) -> None:
    """The item must have been queued by the session's own person (on a shared phone, a queued report of the
    person who logged out must never be filed under the next one)."""
    if not hmac.compare_digest(str(owner or ""), device_owner_tag(user_id)):
        raise HttpError(409, "feedback.outbox_other_user")


def decode_photos(raw: Any) -> list[bytes]:
    """``[{"type", "data": base64}]`` -> bytes; the content is checked again by ``photos.process_image``."""
    if not isinstance(raw, list):
        raise DomainError("feedback.photo_type")
    if len(raw) > service.MAX_PHOTOS:
        raise DomainError("feedback.too_many_photos", n=service.MAX_PHOTOS)
    photos = []
    for item in raw:
        if not isinstance(item, dict) or item.get("type") not in PHOTO_TYPES:
            raise DomainError("feedback.photo_type")
        text = str(item.get("data") or "")
        if len(text) > (min(MAX_DEVICE_PHOTO_BYTES, MAX_PHOTO_BYTES) * 4) // 3 + 4:
            raise DomainError("feedback.photo_too_big", mb=MAX_DEVICE_PHOTO_BYTES // (1024 * 1024))
        try:
            photos.append(base64.b64decode(text, validate=True))
        except (binascii.Error, ValueError):
            raise DomainError("feedback.photo_corrupt") from None
    return photos


def _text(form: dict[str, Any], name: str, limit: int) -> str:
    value = form.get(name)
    return value[:limit] if isinstance(value, str) else ""


def _number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    try:
        return float(str(value).strip().replace(",", "."))
    except (TypeError, ValueError):
        return None


def report_from_form(form: Any) -> service.ReportInput:
    """The new-report form's fields as the device kept them (``attr_<code>`` for the category's questions); the
    service checks every value."""
    if not isinstance(form, dict):
        raise DomainError("feedback.outbox_bad_report")
    category = _text(form, "category_code", 40)
    return service.ReportInput(
        category_code=category, title=_text(form, "title", 300), description=_text(form, "description", 4100),
        lat=_number(form.get("lat")), lon=_number(form.get("lon")), address=_text(form, "address", 400),
        ward=_text(form, "ward", 200), hide_name=form.get("hide_name") in (True, "1", "on", "true"),
        attributes=attribute_answers(category, form))


def previous(db: Session, user_id: int, key: str) -> Submitted | None:
    row = db.get(FeedbackSubmission, (user_id, key))
    return Submitted(row.report_id, False) if row is not None else None


def submit(db: Session, user_id: int | None, key: str, owner: str, data: service.ReportInput,
           photos: list[bytes]) -> Submitted:
    """File the queued report once per key: checks first (nothing is written for a refused report), then the
    photos (EXIF stripped, re-encoded), the report and the key, in the caller's transaction."""
    actor = service.load_actor(db, user_id)
    check_owner(actor.user_id, owner)
    check_key(key)
    done = previous(db, actor.user_id, key)
    if done is not None:
        return done
    service.check_report_input(data)
    photo_ids = [service.upload_photo(db, actor.user_id, content).id for content in photos]
    report = service.create_report(db, actor.user_id, replace(data, photo_ids=photo_ids))
    assert report.id is not None
    db.add(FeedbackSubmission(user_id=actor.user_id, key=key, report_id=report.id))
    db.flush()
    return Submitted(report.id, True)
