"""The public status lookup's 6-digit access code cannot be guessed: wrong codes lock the number a while."""

from __future__ import annotations

from datetime import timedelta

import pytest

from citizen_app.core.errors import DomainError, NotFound
from citizen_app.procedures import service
from tests.unit.procedures.conftest import MAI_PAGES, MORNING, PDF, sign


def _submitted(db, world):
    dossier = service.start_draft(db, world.mai.id, "tam_tru_danh_sach")
    for page_id, answers in MAI_PAGES.items():
        service.save_page(db, world.mai.id, dossier.id, page_id, answers, now=MORNING)
    service.add_attachment(db, world.mai.id, dossier.id, "lawful_residence_proof", "a.pdf", PDF)
    sign(db, world.mai.id, dossier.id, now=MORNING)
    return service.submit(db, world.mai.id, dossier.id, now=MORNING)


def test_wrong_codes_lock_the_number_then_the_lock_expires(db, world) -> None:
    receipt = _submitted(db, world)
    for _ in range(service.LOOKUP_LOCK_FAILURES):
        with pytest.raises(NotFound):
            service.public_lookup(db, receipt.number, "000000", now=MORNING)
    with pytest.raises(DomainError) as locked:  # even the right code, while locked
        service.public_lookup(db, receipt.number, receipt.access_code, now=MORNING + timedelta(minutes=1))
    assert locked.value.code == "procedures.lookup_locked" and locked.value.params == {"minutes": 15}
    later = MORNING + service.LOCK_WINDOW + timedelta(minutes=1)
    assert service.public_lookup(db, receipt.number, receipt.access_code, now=later).number == receipt.number


def test_a_few_typos_do_not_lock(db, world) -> None:
    receipt = _submitted(db, world)
    for _ in range(service.LOOKUP_LOCK_FAILURES - 1):
        with pytest.raises(NotFound):
            service.public_lookup(db, receipt.number.lower(), "000000", now=MORNING)
    assert service.public_lookup(db, receipt.number, receipt.access_code, now=MORNING).number == receipt.number


def _stored(db, number: str):
    from sqlmodel import select

    from citizen_app.procedures.models import ProcDossier

    return db.exec(select(ProcDossier).where(ProcDossier.number == number)).one()


def test_access_codes_are_kept_as_an_hmac_under_their_own_derived_key(db, world) -> None:
    import base64
    import hashlib
    import hmac

    from citizen_app.core.keystore import derive_key

    receipt = _submitted(db, world)
    mac = hmac.new(derive_key("procedures.dossier.access-code"), f"{receipt.number}:{receipt.access_code}".encode(),
                   hashlib.sha256).digest()
    assert _stored(db, receipt.number).access_code_hash == "k1:" + base64.urlsafe_b64encode(mac).decode().rstrip("=")


def test_codes_given_out_before_derived_keys_still_work_and_are_upgraded(db, world) -> None:
    import hashlib
    import hmac

    from citizen_app.core.config import settings

    receipt = _submitted(db, world)
    dossier = _stored(db, receipt.number)
    legacy = hmac.new(settings().secret_key.encode(), f"{receipt.number}:{receipt.access_code}".encode(),
                      hashlib.sha256).hexdigest()
    dossier.access_code_hash = legacy  # what the previous release stored
    with pytest.raises(NotFound):
        service.public_lookup(db, receipt.number, "000000", now=MORNING)
    assert dossier.access_code_hash == legacy
    assert service.public_lookup(db, receipt.number, receipt.access_code, now=MORNING).number == receipt.number
    assert dossier.access_code_hash.startswith("k1:")  # upgraded on first use
    assert service.public_lookup(db, receipt.number, receipt.access_code, now=MORNING).number == receipt.number
