"""A realistic working day for `make run`: ten dossiers waiting at Công an phường Bàn Cờ, each filed, signed and
paid through the real flow by a demo resident, then moved to where a ward police queue would have it (two
overdue, one due today, new ones to accept, a supplement outstanding, a fee unpaid, one assigned, one proposed
for approval awaiting the second approver). Idempotent: each resident files their dossier once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlmodel import Session, select

from citizen_app.core.timeutil import utcnow
from citizen_app.core.workdays import at_local_time, work_calendar
from citizen_app.demo import DEMO_PASSWORD, DemoUser, seed_user
from citizen_app.identity.desk import verify_profile
from citizen_app.identity.models import UserAccount
from citizen_app.identity.profile import ProfileInput, get_profile, save_profile
from citizen_app.procedures import backoffice, flow, service, statuses
from citizen_app.procedures.models import ProcDossier

AGENCY = "ca-ban-co"
OFFICIAL = "0938000002"  # Võ Thị Lan, Công an phường Bàn Cờ
LEADER = "0938000005"  # Trần Minh Đức, the second approver
PROOF = b"%PDF-1.4\n% hop dong thue nha / giay chung nhan quyen su dung dat (du lieu mau)\n" + b"0" * 300


@dataclass(frozen=True)
class Resident:
    login: str
    name: str
    born: date
    sex: str  # "M" / "F"
    id_number: str
    address: str


@dataclass(frozen=True)
class Case:
    """One dossier: who files it, which procedure, when it was filed (working days ago) and where it stands."""

    resident: Resident
    procedure: str
    filed_days_ago: int
    stage: str  # "new", "fee", "accepted", "processing", "supplement", "proposed"
    assigned: str = ""  # the official's login, when assigned


def _r(login: str, name: str, born: date, sex: str, id_number: str, address: str) -> Resident:
    return Resident(login, name, born, sex, id_number, address)


RESIDENTS = (
    _r("0905100001", "Nguyễn Văn Tâm", date(1985, 4, 12), "M", "079085001201", "18 Trần Quốc Thảo, phường Bàn Cờ"),
    _r("0905100002", "Phan Thị Hoa", date(1992, 7, 3), "F", "079192002302", "25/4 Võ Văn Tần, phường Bàn Cờ"),
    _r("0905100003", "Trần Quốc Bảo", date(1978, 11, 20), "M", "079078003403", "102 Cách Mạng Tháng Tám, Bàn Cờ"),
    _r("0905100004", "Lý Thanh Hằng", date(2001, 2, 14), "F", "079301004504", "7 Nguyễn Thiện Thuật, phường Bàn Cờ"),
    _r("0905100005", "Hồ Minh Trí", date(1999, 9, 9), "M", "079099005605", "56 Lý Thái Tổ, phường Bàn Cờ"),
    _r("0905100006", "Đặng Thị Thu", date(1970, 1, 30), "F", "079170006706", "3 Cao Thắng, phường Bàn Cờ"),
    _r("0905100007", "Vũ Đức Anh", date(1995, 5, 25), "M", "079095007807", "44 Nguyễn Đình Chiểu, phường Bàn Cờ"),
    _r("0905100008", "Bùi Ngọc Lan Anh", date(1988, 12, 1), "F", "079188008908", "9 Bàn Cờ, phường Bàn Cờ"),
    _r("0905100009", "Châu Văn Lộc", date(1965, 6, 18), "M", "079065009009", "120 Điện Biên Phủ, phường Bàn Cờ"),
    _r("0905100010", "Mai Thị Ngọc Hân", date(2003, 3, 8), "F", "079303001010", "15 Rạch Bùng Binh, phường Bàn Cờ"),
)

CASES = (
    Case(RESIDENTS[0], "tam_tru", 6, "processing", assigned=OFFICIAL),  # overdue
    Case(RESIDENTS[1], "tam_tru", 5, "accepted"),  # overdue
    Case(RESIDENTS[2], "tam_tru", 3, "processing", assigned=OFFICIAL),  # due today
    Case(RESIDENTS[3], "tam_tru", 2, "accepted"),  # due tomorrow
    Case(RESIDENTS[4], "thuong_tru", 4, "proposed", assigned=OFFICIAL),  # Đức proposed; Lan approves second
    Case(RESIDENTS[5], "thuong_tru", 2, "processing", assigned=LEADER),
    Case(RESIDENTS[6], "tam_tru", 3, "supplement"),  # clock paused
    Case(RESIDENTS[7], "tam_tru", 1, "fee"),  # fee not paid yet
    Case(RESIDENTS[8], "thuong_tru", 1, "new"),
    Case(RESIDENTS[9], "tam_tru", 0, "new"),
)


def _working_days_ago(days: int, at: time = time(9, 0)) -> datetime:
    cal = work_calendar()
    day = utcnow().date()
    while not cal.is_working_day(day):
        day -= timedelta(days=1)
    for _ in range(days):
        day -= timedelta(days=1)
        while not cal.is_working_day(day):
            day -= timedelta(days=1)
    return min(at_local_time(day, at), utcnow() - timedelta(minutes=5))


def _resident(db: Session, resident: Resident, verifier: UserAccount) -> UserAccount:
    story = "người dân có hồ sơ mẫu ở Công an phường Bàn Cờ / demo resident with a dossier"
    user = seed_user(db, DemoUser(resident.login, resident.name, ("citizen",), None, story))
    if get_profile(db, user.id) is None:
        save_profile(db, user.id, ProfileInput(full_name=resident.name, birth_date=resident.born, sex=resident.sex,
                                               id_number=resident.id_number, address=resident.address,
                                               ward="Bàn Cờ", phone=resident.login))
        verify_profile(db, verifier.id, user.id, resident.id_number)
    return user


def _answers(case: Case) -> dict[str, dict]:
    request = {"residence_address": case.resident.address, "fee_exemption": "none"}
    if case.procedure == "tam_tru":
        request |= {"stay_from": "01/12/2026", "stay_months": "12"}
    else:
        request |= {"basis": "own_home"}
    return {"receiver": {"receiver_agency": AGENCY}, "household": {"is_household_head": True}, "request": request}


def _file(db: Session, case: Case, user: UserAccount, filed: datetime) -> ProcDossier:
    """Fill, attach, sign (the resident's real signature) and submit, as the resident would."""
    dossier = flow.start(db, user.id, case.procedure)
    for page_id, answers in _answers(case).items():
        service.save_page(db, user.id, dossier.id, page_id, answers, now=filed)
    declarant = {k: dossier.answers[k] for k in ("full_name", "date_of_birth", "sex", "personal_id", "phone")}
    service.save_page(db, user.id, dossier.id, "declarant", declarant, now=filed)
    service.add_attachment(db, user.id, dossier.id, "lawful_residence_proof", "giay-to-nha.pdf", PROOF)
    view = flow.prepare_signature(db, user.id, dossier.id, now=filed)
    flow.approve_signature(db, user.id, dossier.id, view.id, DEMO_PASSWORD)
    service.submit(db, user.id, dossier.id, now=filed)
    return dossier


def _move(db: Session, case: Case, dossier: ProcDossier, filed: datetime, officials: dict[str, UserAccount]) -> None:
    lan = officials[OFFICIAL]
    if case.stage != "fee":
        service.mark_fee_paid(db, dossier.id, f"DEMO{dossier.id:06d}", now=filed + timedelta(minutes=3))
    if case.stage in ("new", "fee"):
        return
    accepted = filed + timedelta(minutes=40)
    backoffice.accept(db, lan.id, dossier.id, now=accepted)
    if case.stage in ("processing", "proposed", "supplement"):
        backoffice.start_processing(db, lan.id, dossier.id, now=accepted + timedelta(minutes=20))
    if case.assigned:
        backoffice.assign(db, lan.id, dossier.id, officials[case.assigned].id, now=accepted + timedelta(minutes=25))
    if case.stage == "supplement":
        backoffice.request_supplement(db, lan.id, dossier.id, [
            {"text": "Hợp đồng thuê nhà có công chứng hoặc xác nhận của chủ nhà", "attachment_id":
             "lawful_residence_proof"}], now=accepted + timedelta(hours=1))
    if case.stage == "proposed":
        backoffice.approve(db, officials[LEADER].id, dossier.id,
                           "Đã đối chiếu cơ sở dữ liệu cư trú, hồ sơ đủ điều kiện.", now=accepted + timedelta(hours=2))


def seed(db: Session, users: dict[str, UserAccount]) -> None:
    officials = {login: users[login] for login in (OFFICIAL, LEADER) if login in users}
    if len(officials) < 2:
        return
    for case in CASES:
        user = _resident(db, case.resident, officials[OFFICIAL])
        filed_before = db.exec(select(ProcDossier.id).where(ProcDossier.applicant_id == user.id)).first()
        if filed_before is not None:
            continue
        filed = _working_days_ago(case.filed_days_ago, time(8, 30 + CASES.index(case) * 2))
        dossier = _file(db, case, user, filed)
        _move(db, case, dossier, filed, officials)
        assert dossier.status != statuses.DRAFT
    db.flush()
