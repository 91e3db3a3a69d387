"""Who may record a gate scan, and at which station: one rule in the service (``scan_point``) for the gate
page and the gate API."""

from __future__ import annotations

import pytest
from sqlmodel import Session

from citizen_app.core.errors import NotAllowed
from citizen_app.identity.models import UserRole
from citizen_app.metro import devices, gate_service
from tests.unit.metro.helpers import make_user


def _with_role(db: Session, name: str, role: str) -> int:
    user_id = make_user(db, name)
    db.add(UserRole(user_id=user_id, role=role))
    db.commit()
    return user_id


def test_a_gate_token_scans_at_its_own_station(db: Session) -> None:
    admin = _with_role(db, "Quản trị", "admin")
    token = devices.register_gate(db, admin, "BT-01", "L1-01")
    db.commit()
    assert gate_service.scan_point(db, token) == ("BT-01", "L1-01")
    # the page's chosen station and the signed-in user do not move a token gate
    assert gate_service.scan_point(db, token, user_id=admin, staff_station="L1-11") == ("BT-01", "L1-01")
    with pytest.raises(NotAllowed, match="gate_auth"):
        gate_service.scan_point(db, "wrong", user_id=admin, staff_station="L1-11")  # a wrong token is not staff


@pytest.mark.parametrize("role", ["official", "admin"])
def test_staff_scan_at_the_station_they_chose(db: Session, role: str) -> None:
    staff = _with_role(db, "Nhân viên nhà ga", role)
    assert gate_service.scan_point(db, "", user_id=staff, staff_station="L1-11") == (f"staff-{staff}", "L1-11")


def test_anyone_else_is_refused(db: Session) -> None:
    rider = _with_role(db, "Hành khách", "citizen")
    with pytest.raises(NotAllowed) as refused:
        gate_service.scan_point(db, "", user_id=rider, staff_station="L1-01")
    assert refused.value.code != "error.login_required"
    with pytest.raises(NotAllowed, match="login_required"):
        gate_service.scan_point(db, "", user_id=None, staff_station="L1-01")


def test_without_a_staff_station_only_a_token_counts(db: Session) -> None:
    """The gate API passes no staff station: a staff account without a token is a gate without credentials."""
    staff = _with_role(db, "Nhân viên nhà ga", "official")
    for token in (None, ""):
        with pytest.raises(NotAllowed, match="gate_auth"):
            gate_service.scan_point(db, token, user_id=staff)
