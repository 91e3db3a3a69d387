"""The line operator's back office: who may run the gates and handheld validators, review the conflicts found when
offline gates sync, and post service alerts.

Admins, and staff with the ``metro_operator`` role who belong to the operating agency (``metro.json`` →
``operator.agency``, HURC1): the role alone is not enough, so a role given to someone of another agency acts on
nothing.
"""

from __future__ import annotations

from sqlmodel import Session

from citizen_app.core.errors import NotAllowed
from citizen_app.identity.models import Agency, UserAccount
from citizen_app.metro.catalog import data

OPERATOR_ROLES = ("metro_operator", "admin")


def require_operator(db: Session, actor_id: int | None) -> int:
    """The acting operator's id, roles and agency re-read from the database; ``NotAllowed`` for anyone else."""
    from citizen_app.identity.service import require_role

    roles = require_role(db, actor_id, *OPERATOR_ROLES)
    if actor_id is None:  # refused above already; says so to the type checker
        raise NotAllowed("error.login_required")
    if "admin" in roles:
        return actor_id
    user = db.get(UserAccount, actor_id)
    agency = db.get(Agency, user.agency_id) if user is not None and user.agency_id is not None else None
    if agency is None or agency.code != data().operator_agency:
        raise NotAllowed("metro.error.operator_agency")
    return actor_id
