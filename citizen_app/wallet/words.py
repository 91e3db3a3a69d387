"""Names people understand for the wallet's technical values: the issuer (our ``iss`` URL), verifier audiences
("cds:v:web", "cds:v:<agency code>", the one-minute QR's "cds:qr") and claim names ("age_over_18"). Pages show
these words; the technical values stay behind a "details" disclosure for verifiers. The activity log renders
stored presentations with them too (``identity.activity.PARAM_WORDS``), old lines included.
"""

from __future__ import annotations

from sqlmodel import select

from citizen_app.core.db import read_scope
from citizen_app.i18n.catalog import LANGS, catalog
from citizen_app.identity.activity import PARAM_WORDS
from citizen_app.identity.models import Agency
from citizen_app.wallet.credentials import ONE_TIME_AUD
from citizen_app.wallet.issuer import issuer_id

AGENCY_PREFIX = "cds:v:"
WEB_AUDIENCE = "cds:v:web"


def _message(key: str, **params: str) -> dict[str, str]:
    texts = catalog()[key]
    return {lang: texts[lang].format(**params) for lang in LANGS}


def issuer_name(iss: str) -> dict[str, str]:
    """Our own issuer by name; any other (never trusted by our verifier) by its address."""
    if iss and iss == issuer_id():
        return _message("identity.words.issuer_self")
    return _message("identity.words.issuer_other", address=iss)


def _agency_names(code: str) -> dict[str, str] | None:
    with read_scope() as db:
        agency = db.exec(select(Agency).where(Agency.code == code)).first()
    return {"vi": agency.name_vi, "en": agency.name_en} if agency else None


def verifier_name(aud: str) -> dict[str, str]:
    """Who asked to see the credential: our public checking page, an agency by name, or shown in person."""
    if aud == WEB_AUDIENCE:
        return _message("identity.words.verifier_web")
    if aud == ONE_TIME_AUD:
        return _message("identity.words.verifier_in_person")
    from citizen_app.wallet.oid4vp import relying_parties  # the registry of OpenID4VP relying parties

    party = relying_parties().get(aud)
    if party is not None:
        return party.name.model_dump()
    if aud.startswith(AGENCY_PREFIX):
        names = _agency_names(aud[len(AGENCY_PREFIX):])
        if names is not None:
            return names
    return _message("identity.words.verifier_other", address=aud)


def claim_label(name: str) -> dict[str, str]:
    return dict(catalog().get(f"identity.claim.{name}") or {lang: name for lang in LANGS})


def claim_list(names: str | list[str], lang: str) -> str:
    """"age_over_60, full_name" -> "Trên 60 tuổi, Họ và tên"."""
    items = [n.strip() for n in names.split(",")] if isinstance(names, str) else names
    return ", ".join(claim_label(n)[lang] for n in items if n) or catalog()["identity.words.nothing_extra"][lang]


PARAM_WORDS["verifier"] = lambda value, lang: verifier_name(value)[lang]
PARAM_WORDS["claims"] = claim_list
