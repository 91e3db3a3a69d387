"""The citizen's identity profile and its verification level.

Level 1: self-declared. Level 2: an official of the citizen's ward checked the chip ID card (CCCD) in person
(``desk.verify_profile``), or a trusted OpenID provider asserted level 2. Changing a verified field drops back to
level 1.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from sqlmodel import Session, select

from citizen_app.city.text import ward_key
from citizen_app.core.errors import DomainError
from citizen_app.core.timeutil import utcnow
from citizen_app.identity.activity import record_activity
from citizen_app.identity.models import IdentityProfile, UserAccount
from citizen_app.identity.service import check_full_name, normalize_text, parse_identifier

# Province/city codes that open a 12-digit citizen ID (Circular 59/2021/TT-BCA, 63 provinces).
_PROVINCES = (
    "001 002 004 006 008 010 011 012 014 015 017 019 020 022 024 025 026 027 030 031 033 034 035 036 037 "
    "038 040 042 044 045 046 048 049 051 052 054 056 058 060 062 064 066 067 068 070 072 074 075 077 079 "
    "080 082 083 084 086 087 089 091 092 093 094 095 096"
)
PROVINCE_CODES = frozenset(_PROVINCES.split())
VERIFIED_FIELDS = ("full_name", "birth_date", "sex", "id_number", "address")
SEXES = ("M", "F", "")
_OIDC_LEVEL2 = ("2", "level2", "urn:vneid:level2")
_WARD_IN_ADDRESS = re.compile(r"(?:phường|phuong|xã|xa)\s+([^,;]+)", re.IGNORECASE)


@dataclass(frozen=True)
class ProfileInput:
    full_name: str
    birth_date: date | None = None
    sex: str = ""
    id_number: str = ""
    address: str = ""
    ward: str = ""
    phone: str = ""
    email: str = ""


def validate_id_number(raw: str, birth_date: date | None = None, sex: str = "") -> str:
    """12 digits: province (3), century+sex (1), year of birth (2), serial (6); cross-checked."""
    value = re.sub(r"[\s.\-]", "", raw or "")
    if not re.fullmatch(r"\d{12}", value):
        raise DomainError("identity.profile.id_format")
    if value[:3] not in PROVINCE_CODES:
        raise DomainError("identity.profile.id_province")
    code = int(value[3])
    century = 1900 + 100 * (code // 2)
    if birth_date is not None and (birth_date.year // 100 * 100 != century
                                   or birth_date.year % 100 != int(value[4:6])):
        raise DomainError("identity.profile.id_birth_mismatch")
    if sex in ("M", "F") and ("M" if code % 2 == 0 else "F") != sex:
        raise DomainError("identity.profile.id_sex_mismatch")
    return value


def _clean(data: ProfileInput) -> dict[str, object]:
    if data.sex not in SEXES:
        raise DomainError("identity.profile.sex_invalid")
    today = utcnow().date()
    if data.birth_date is not None and not (date(1900, 1, 1) <= data.birth_date <= today):
        raise DomainError("identity.profile.birth_invalid")
    address = normalize_text(data.address)
    if len(address) > 300 or len(normalize_text(data.ward)) > 100:
        raise DomainError("identity.profile.address_long")
    phone = parse_identifier(data.phone).value if data.phone.strip() else ""
    email = parse_identifier(data.email).value if data.email.strip() else ""
    if phone and "@" in phone or email and "@" not in email:
        raise DomainError("identity.profile.contact_invalid")
    id_number = validate_id_number(data.id_number, data.birth_date, data.sex) if data.id_number.strip() else None
    return {"full_name": check_full_name(data.full_name), "birth_date": data.birth_date, "sex": data.sex,
            "id_number": id_number, "address": address, "ward": normalize_text(data.ward),
            "phone": phone, "email": email}


def ward_of(ward: str, address: str) -> str:
    """A profile's ward: its ward field, else the "phường …"/"xã …" named in its address; '' if unknown."""
    if ward:
        return ward
    match = _WARD_IN_ADDRESS.search(address or "")
    return match.group(1).strip() if match else ""


def same_ward(one: str, other: str) -> bool:
    """Ward names match ignoring diacritics, case and the "phường"/"xã" prefix; an unknown ward matches none."""
    key = ward_key(one)
    return bool(key) and key == ward_key(other)


def get_profile(db: Session, user_id: int) -> IdentityProfile | None:
    return db.exec(select(IdentityProfile).where(IdentityProfile.user_id == user_id)).first()


def _id_taken(db: Session, id_number: str | None, user_id: int) -> bool:
    if not id_number:
        return False
    other = db.exec(select(IdentityProfile).where(IdentityProfile.id_number == id_number)).first()
    return other is not None and other.user_id != user_id


def set_level(db: Session, profile: IdentityProfile, level: int) -> None:
    profile.level = level
    user = db.get(UserAccount, profile.user_id)
    if user is not None:
        user.identity_level = level


def save_profile(db: Session, user_id: int, data: ProfileInput) -> IdentityProfile:
    """Create or update the citizen's own profile; verified fields changed -> back to level 1."""
    values = _clean(data)
    if _id_taken(db, values["id_number"], user_id):  # type: ignore[arg-type]
        raise DomainError("identity.profile.id_taken")
    profile = get_profile(db, user_id)
    if profile is None:
        profile = IdentityProfile(user_id=user_id, full_name=str(values["full_name"]))
        db.add(profile)
    changed = [name for name, value in values.items() if getattr(profile, name) != value]
    for name, value in values.items():
        setattr(profile, name, value)
    profile.updated_at = utcnow()
    dropped = profile.level >= 2 and any(name in VERIFIED_FIELDS for name in changed)
    if dropped:
        set_level(db, profile, 1)
        profile.verified_at, profile.verified_by, profile.verified_method = None, None, ""
    db.flush()
    if changed:
        record_activity(db, user_id, "profile_changed",
                        "identity.activity.profile_dropped" if dropped else "identity.activity.profile_changed",
                        {"count": len(changed)})
    return profile


def apply_oidc_claims(db: Session, user_id: int, claims: dict) -> IdentityProfile:
    """Fill the profile from a trusted provider's claims; level 2 when its ``acr`` says so."""
    birth = None
    if isinstance(claims.get("birthdate"), str):
        try:
            birth = date.fromisoformat(claims["birthdate"])
        except ValueError as exc:
            raise DomainError("identity.profile.birth_invalid") from exc
    sex = {"male": "M", "female": "F"}.get(str(claims.get("gender", "")).lower(), "")
    data = ProfileInput(full_name=str(claims.get("name") or ""), birth_date=birth, sex=sex,
                        id_number=str(claims.get("id_number") or ""),
                        address=str((claims.get("address") or {}).get("formatted", "")
                                    if isinstance(claims.get("address"), dict) else claims.get("address") or ""))
    profile = save_profile(db, user_id, data)
    if claims.get("acr") in _OIDC_LEVEL2:
        set_level(db, profile, 2)
        profile.verified_by, profile.verified_method, profile.verified_at = None, "oidc", utcnow()
        record_activity(db, user_id, "profile_verified", "identity.activity.profile_verified_oidc", {})
    db.flush()
    return profile


def age_on(birth: date, today: date) -> int:
    return today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))
