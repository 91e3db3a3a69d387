"""Plain-Python helpers behind the identity pages (no Reflex import): server messages in every language, the
citizen's profile as form values.

States of the identity, wallet and signing pages keep ``msg`` results in ``{"vi", "en"}`` vars shown with ``t_var``.
"""

from __future__ import annotations

import re
from datetime import date

from sqlmodel import Session

from citizen_app.core.errors import DomainError
from citizen_app.core.timeutil import format_date
from citizen_app.i18n.catalog import LANGS, catalog
from citizen_app.identity.models import UserAccount
from citizen_app.identity.profile import get_profile


def msg(key: str, **params: object) -> dict[str, str]:
    """A message in every language, formatted (the UI shows the current one).

    A parameter may itself be a ``{"vi", "en"}`` dict (e.g. a translated credential kind).
    """
    texts = catalog().get(key) or {"vi": key, "en": key}

    def pick(value: object, lang: str) -> object:
        return value.get(lang, "") if isinstance(value, dict) else value

    return {lang: texts.get(lang, key).format(**{k: pick(v, lang) for k, v in params.items()}) if params
            else texts.get(lang, key) for lang in LANGS}


def safe_error_key(code: object) -> str:
    """Only known ``identity.*``/``error.*`` keys are shown; anything else becomes a generic error."""
    if isinstance(code, str) and code in catalog() and code.startswith(("identity.", "error.")):
        return code
    return "identity.ui.unexpected"


# --- profile view -------------------------------------------------------------------------------------


def profile_form(db: Session, user_id: int) -> dict[str, str]:
    """The citizen's own profile as form values (their own data only)."""
    profile = get_profile(db, user_id)
    user = db.get(UserAccount, user_id)
    if profile is None:
        return {"full_name": user.full_name if user else "", "birth_date": "", "sex": "", "id_number": "",
                "address": "", "ward": "", "phone": (user.phone or "") if user else "",
                "email": (user.email or "") if user else "", "level": "1", "verified": ""}
    verified = ""
    if profile.level >= 2 and profile.verified_at is not None:
        verified = format_date(profile.verified_at)
    return {"full_name": profile.full_name, "birth_date": profile.birth_date.isoformat() if profile.birth_date else "",
            "sex": profile.sex, "id_number": profile.id_number or "", "address": profile.address,
            "ward": profile.ward, "phone": profile.phone, "email": profile.email, "level": str(profile.level),
            "verified": verified}


def parse_birth_date(raw: str) -> date | None:
    """Accept yyyy-mm-dd (date input) or dd/mm/yyyy (typed)."""
    text = (raw or "").strip()
    if not text:
        return None
    try:
        if re.fullmatch(r"\d{1,2}/\d{1,2}/\d{4}", text):
            day, month, year = (int(x) for x in text.split("/"))
            return date(year, month, day)
        return date.fromisoformat(text)
    except ValueError as exc:
        raise DomainError("identity.profile.birth_invalid") from exc
