"""My data: the export holds every table that references the user (found independently from the metadata),
never a secret column, and never another person's record; deletion requests are tracked."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import LargeBinary
from sqlmodel import SQLModel

from citizen_app.city import mydata, service
from citizen_app.core.errors import DomainError, NotAllowed
from citizen_app.core.registry import import_all_models
from citizen_app.core.timeutil import utcnow
from citizen_app.identity import service as identity
from citizen_app.identity.desk import verify_profile
from citizen_app.identity.models import UserAccount
from citizen_app.identity.profile import ProfileInput, save_profile
from tests.unit.city.helpers import make_user, seed_agencies


def _tables_referencing_users() -> set[str]:
    """Built here from the metadata, independently of the code under test."""
    import_all_models()
    names = {"user_account"}
    for table in SQLModel.metadata.tables.values():
        for column in table.columns:
            if column.name == "user_id" or any(str(fk.column) == "user_account.id" for fk in column.foreign_keys):
                names.add(table.name)
    return names


@pytest.fixture()
def people(db):
    mai = identity.register(db, "0903123456", "Phuong2026xanh", "Lê Thị Mai")
    seed_agencies(db)
    return {"mai": mai.id, "lan": make_user(db, "0938000002", "Võ Thị Lan", "citizen", "official",
                                            agency="ubnd-ban-co"),
            "admin": make_user(db, "admin@congdanso.example", "Quản trị", "citizen", "admin")}


def test_export_has_every_referencing_table_and_no_secrets(db, people) -> None:
    identity.open_session(db, people["mai"])
    save_profile(db, people["mai"], ProfileInput(full_name="Lê Thị Mai", ward="Bàn Cờ", address="12 Nguyễn Đình Chiểu"))
    service.create_help_request(db, people["mai"], "cns-ban-co", "wallet", "Cài ví giúp tôi")
    db.commit()
    export = mydata.export_user_data(db, people["mai"])
    expected = _tables_referencing_users()
    assert expected <= set(export["tables"]), expected - set(export["tables"])
    assert {"city_help_request", "city_data_request", "city_announcement"} <= set(export["tables"])
    assert export["tables"]["user_account"]["rows"][0]["full_name"] == "Lê Thị Mai"
    assert export["tables"]["identity_profile"]["rows"][0]["ward"] == "Bàn Cờ"
    assert export["tables"]["city_help_request"]["rows"][0]["message"] == "Cài ví giúp tôi"
    assert len(export["tables"]["login_session"]["rows"]) == 1
    text = mydata.export_json(db, people["mai"])
    user = db.get(UserAccount, people["mai"])
    assert user.password_hash and user.password_hash not in text
    for table in export["tables"].values():
        for row in table["rows"]:
            assert not set(row) & mydata.SECRET_COLUMNS
    assert "id" not in export["tables"]["login_session"]["rows"][0]  # the session id is a token hash


def test_binary_columns_never_exported() -> None:
    for ut in mydata.user_tables():
        for column in ut.table.columns:
            if isinstance(column.type, LargeBinary):
                assert column.name not in mydata._exported_columns(ut)


def test_actor_rows_are_mentions_without_other_peoples_data(db, people) -> None:
    save_profile(db, people["mai"], ProfileInput(full_name="Lê Thị Mai", id_number="079166001234", sex="F",
                                                 birth_date=date(1966, 3, 12), ward="Bàn Cờ"))
    db.commit()
    verify_profile(db, people["lan"], people["mai"], "079166001234")
    db.commit()
    export = mydata.export_user_data(db, people["lan"])
    profile = export["tables"]["identity_profile"]
    assert profile["rows"] == []
    assert profile["mentions"][0]["as"] == ["verified_by"]
    assert "079166001234" not in mydata.export_json(db, people["lan"])
    summary = {s.table: s for s in mydata.data_summary(db, people["lan"])}
    assert summary["identity_profile"].mentions == 1 and summary["identity_profile"].rows == 0


def test_deletion_request_is_tracked_with_its_plan(db, people) -> None:
    with pytest.raises(NotAllowed):
        mydata.request_deletion(db, None)
    row = mydata.request_deletion(db, people["mai"], "Tôi không dùng nữa")
    db.commit()
    assert row.status == "received" and row.due_at - row.created_at == timedelta(hours=72)
    plan = {p["table"]: p["policy"] for p in mydata.my_data_requests(db, people["mai"])[0].plan}
    assert plan["user_account"] == "anonymise" and plan["user_role"] == "delete"
    with pytest.raises(DomainError):
        mydata.request_deletion(db, people["mai"])  # one open request at a time
    with pytest.raises(NotAllowed):
        mydata.list_data_requests(db, people["mai"])
    assert [v.id for v in mydata.list_data_requests(db, people["admin"])] == [row.id]
    with pytest.raises(DomainError):
        mydata.update_data_request(db, people["admin"], row.id, "rejected")  # needs a reason
    mydata.update_data_request(db, people["admin"], row.id, "in_progress")
    mydata.update_data_request(db, people["admin"], row.id, "done", "Đã xóa phần được phép.")
    db.commit()
    with pytest.raises(DomainError):
        mydata.update_data_request(db, people["admin"], row.id, "received")
    assert mydata.list_data_requests(db, people["admin"]) == []
    assert mydata.my_data_requests(db, people["mai"])[0].status == "done"
    overdue = mydata.request_deletion(db, people["mai"], now=utcnow() - timedelta(days=4))
    assert mydata.list_data_requests(db, people["admin"])[0].overdue and overdue.id


def test_every_table_has_a_retention_rule() -> None:
    for ut in mydata.user_tables():
        rule = mydata.rule_for(ut.name)
        assert rule.policy in ("delete", "anonymise", "keep", "review")
    assert mydata.rule_for("proc_dossier").policy == "keep"
    assert mydata.rule_for("some_future_table").match == "*"


def test_a_table_not_yet_migrated_does_not_break_the_export(db, people) -> None:
    from sqlalchemy import text

    db.connection().execute(text("DROP TABLE feedback_area_sub"))
    export = mydata.export_user_data(db, people["mai"])
    assert export["tables"]["feedback_area_sub"]["not_in_database"] is True
    assert mydata.data_summary(db, people["mai"])
