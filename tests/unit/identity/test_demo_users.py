"""The demo accounts the README lists: one account per login, each with the roles and agency it is listed with (two
engineers once gave the same login to the ward's second approver and to the metro operator; seeding the second
took the approver's roles away and the procedures' demo could not be seeded)."""

from __future__ import annotations

from sqlmodel import select

from citizen_app import demo
from citizen_app.identity.models import Agency, UserAccount, UserRole


def test_every_demo_user_is_its_own_account_with_its_roles(db) -> None:
    demo.seed_agencies(db)
    for listed in demo.DEMO_USERS:
        demo.seed_user(db, listed)
    for listed in demo.DEMO_USERS:
        column = UserAccount.email if "@" in listed.login else UserAccount.phone
        user = db.exec(select(UserAccount).where(column == listed.login)).one()
        roles = set(db.exec(select(UserRole.role).where(UserRole.user_id == user.id)))
        agency = db.get(Agency, user.agency_id) if user.agency_id else None
        assert (user.full_name, roles, agency.code if agency else None) == (
            listed.full_name, set(listed.roles), listed.agency), listed.login
