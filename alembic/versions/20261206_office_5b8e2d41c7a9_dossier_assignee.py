"""procedures: the officer a dossier is assigned to (proc_dossier.assignee_id)

An official of the receiving agency assigns a dossier to a named officer of the same agency, or reassigns
it; the queue filters by assignee. Every change is also an ``assignment`` event in the dossier's history.

Revision ID: 5b8e2d41c7a9
Revises: 4335cb072845
Create Date: 2026-12-06 14:00:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '5b8e2d41c7a9'
down_revision: str | None = '4335cb072845'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

FK_NAME = "fk_proc_dossier_assignee_id_user_account"


def upgrade() -> None:
    with op.batch_alter_table('proc_dossier', schema=None) as batch_op:
        batch_op.add_column(sa.Column('assignee_id', sa.Integer(), nullable=True))
        batch_op.create_index('ix_proc_dossier_assignee_id', ['assignee_id'], unique=False)
        batch_op.create_foreign_key(FK_NAME, 'user_account', ['assignee_id'], ['id'])


def downgrade() -> None:
    with op.batch_alter_table('proc_dossier', schema=None) as batch_op:
        batch_op.drop_constraint(FK_NAME, type_='foreignkey')
        batch_op.drop_index('ix_proc_dossier_assignee_id')
        batch_op.drop_column('assignee_id')
