"""Everyone in the dossier is told: the people a dossier names (the tenants a landlady registers, household members)
who have an account get a notification when it is submitted, a read-only record of it, and, when the result is
delivered, a notification and the result credential in their wallet, living as long as their stay.

A person is matched only on an identifier that was verified: the personal ID number of a profile an official checked
at the ward desk (level 2), or the phone number the account signs in with (proved by a one-time code at
registration) together with the same name. Nothing is shown to the submitter, so a dossier never reveals whether
someone has an account.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import bindparam
from sqlmodel import Session, col, select

from citizen_app.city.text import fold
from citizen_app.core.errors import NotFound
from citizen_app.core.timeutil import format_date, utcnow
from citizen_app.identity.models import Agency, IdentityProfile, UserAccount
from citizen_app.procedures import forms, statuses, wallet_result
from citizen_app.procedures.catalog import get_procedure
from citizen_app.procedures.documents import CITY, Person, listed_people, result_record, template_values
from citizen_app.procedures.hooks import NOTIFY, Notice
from citizen_app.procedures.models import ProcDossier, ProcNamedPerson
from citizen_app.trust import service as trust


def _by_verified_id(db: Session, person: Person) -> int | None:
    if not person.personal_id:
        return None
    query = select(IdentityProfile.user_id).where(IdentityProfile.id_number == person.personal_id,
                                                  col(IdentityProfile.level) >= 2)
    return db.exec(query).first()


def _by_login_phone(db: Session, person: Person) -> int | None:
    phone = forms.normalize_phone(person.phone) if person.phone else ""
    if not phone:
        return None
    user = db.exec(select(UserAccount).where(UserAccount.phone == phone, UserAccount.is_active == True)).first()  # noqa: E712
    return user.id if user is not None and fold(user.full_name) == fold(person.full_name) else None


def match(db: Session, person: Person) -> tuple[int, str] | None:
    """The account this listed person is, by a verified identifier only, and which one matched."""
    user_id = _by_verified_id(db, person)
    if user_id is not None:
        return user_id, "personal_id"
    user_id = _by_login_phone(db, person)
    return (user_id, "phone") if user_id is not None else None


def _period(row: ProcNamedPerson) -> str:
    return f" — từ {row.stay_from} đến {row.stay_to}" if row.stay_from and row.stay_to else ""


def _tell(db: Session, dossier: ProcDossier, row: ProcNamedPerson, key: str, **params: str) -> None:
    proc = get_procedure(dossier.procedure_code)
    applicant = db.get(UserAccount, dossier.applicant_id)
    agency = db.get(Agency, dossier.agency_id) if dossier.agency_id else None
    NOTIFY(Notice(row.user_id, key, {"number": dossier.number, "procedure": proc.name["vi"],
                                           "applicant": applicant.full_name if applicant else "",
                                           "agency": agency.name_vi if agency else "", **params},
                        dossier.id, session=db, url=f"/procedures/named/{row.id}"))


def record_named(db: Session, dossier: ProcDossier) -> list[ProcNamedPerson]:
    """On submission: a record (and one notification) for each listed person who has an account."""
    proc = get_procedure(dossier.procedure_code)
    rows: list[ProcNamedPerson] = []
    seen = {dossier.applicant_id}
    for person in listed_people(proc, dossier.answers):
        found = match(db, person)
        if found is None or found[0] in seen:
            continue
        seen.add(found[0])
        row = ProcNamedPerson(dossier_id=dossier.id, user_id=found[0], matched_by=found[1],
                              full_name=person.full_name[:120],
                              stay_from=f"{person.stay_from:%d/%m/%Y}" if person.stay_from else "",
                              stay_to=f"{person.stay_to:%d/%m/%Y}" if person.stay_to else "")
        db.add(row)
        db.flush()
        _tell(db, dossier, row, "procedures.notice.named")
        rows.append(row)
    return rows


def on_result(db: Session, official_id: int | None, dossier: ProcDossier, now: datetime | None = None) -> None:
    """On delivery: each named person is told, and gets the result credential until their stay ends."""
    now = now or utcnow()
    for row in db.exec(select(ProcNamedPerson).where(ProcNamedPerson.dossier_id == dossier.id)).all():
        until = forms.parse_vn_date(row.stay_to)
        row.credential_id = wallet_result.issue_credential_to(db, official_id, dossier, row.user_id, now, until)
        db.add(row)
        _tell(db, dossier, row, "procedures.notice.named_result", period=_period(row))


# --- the named person's read-only record ----------------------------------------------------------------------------


@dataclass(frozen=True)
class NamedRecord:
    id: int
    number: str
    procedure: dict[str, str]
    applicant: str
    agency: dict[str, str]
    place: str
    stay_from: str
    stay_to: str
    status: dict[str, str]
    submitted_on: str
    result_code: str  # the result's verification code, once delivered
    in_wallet: bool


def _view(db: Session, row: ProcNamedPerson) -> NamedRecord:
    dossier = db.get(ProcDossier, row.dossier_id)
    proc = get_procedure(dossier.procedure_code)
    applicant = db.get(UserAccount, dossier.applicant_id)
    agency = db.get(Agency, dossier.agency_id) if dossier.agency_id else None
    values = template_values(db, proc, dossier)
    place = f"{values['residence_address']}, {values['ward']}, {CITY}" if values.get("residence_address") else ""
    status = statuses.status_table().statuses[dossier.status]
    record = result_record(db, dossier) if dossier.status == statuses.DELIVERED else None
    return NamedRecord(row.id, dossier.number, dict(proc.name), applicant.full_name if applicant else "",
                       {"vi": agency.name_vi, "en": agency.name_en} if agency else {"vi": "", "en": ""}, place,
                       row.stay_from, row.stay_to, {"vi": status.vi, "en": status.en},
                       format_date(dossier.submitted_at) if dossier.submitted_at else "",
                       trust.display_code(record.code) if record else "", row.credential_id is not None)


def my_records(db: Session, user_id: int | None) -> list[NamedRecord]:
    if user_id is None:
        return []
    return [_view(db, row) for row in db.exec(_MY_RECORDS, params={"user_id": user_id}).all()]


_MY_RECORDS = (select(ProcNamedPerson).where(ProcNamedPerson.user_id == bindparam("user_id"))  # built once: core/db.py
               .order_by(col(ProcNamedPerson.id).desc()))


def my_record(db: Session, user_id: int | None, record_id: int) -> NamedRecord:
    row = db.get(ProcNamedPerson, record_id)
    if row is None or user_id is None or row.user_id != user_id:
        raise NotFound("procedures.dossier_not_found")
    return _view(db, row)


def credential_links(db: Session, user_id: int) -> dict[int, str]:
    """Credential id -> the named person's record (they get the credential, not the list with others' data)."""
    rows = db.exec(select(ProcNamedPerson).where(ProcNamedPerson.user_id == user_id,
                                                 col(ProcNamedPerson.credential_id).is_not(None))).all()
    return {row.credential_id: f"/procedures/named/{row.id}" for row in rows if row.credential_id}
