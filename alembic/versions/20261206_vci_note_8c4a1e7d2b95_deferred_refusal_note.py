"""wallet: the official's reason for refusing a deferred credential request

identity_vci_deferred.note (told to the citizen with the refusal; required by oid4vci_deferred.decide).

Revision ID: 8c4a1e7d2b95
Revises: 5a1c7e3d9b42
Create Date: 2026-12-06 16:40:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = '8c4a1e7d2b95'
down_revision: str | None = '5a1c7e3d9b42'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('identity_vci_deferred') as batch:
        batch.add_column(sa.Column('note', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('identity_vci_deferred') as batch:
        batch.drop_column('note')
