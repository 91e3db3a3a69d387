"""feedback: public updates on open reports (feedback_update) and their photos (feedback_photo.update_id)

The reporter and other citizens add updates (text and photos) to an open report, as on FixMyStreet. The original
text stays for officials, ``public_text`` is the masked copy the board shows, and a moderator of the handling
agency may hide an update (who, when, why). An update's photos point at it, so hiding the update hides them too.

Revision ID: a9e4c2b7d113
Revises: 707ba18fa09b
Create Date: 2026-12-06 08:25:14.415548
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = 'a9e4c2b7d113'
down_revision: str | None = '707ba18fa09b'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

PHOTO_FK = "fk_feedback_photo_update_id_feedback_update"


def upgrade() -> None:
    op.create_table(
        'feedback_update',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('report_id', sa.Integer(), nullable=False),
        sa.Column('author_id', sa.Integer(), nullable=False),
        sa.Column('hide_name', sa.Boolean(), nullable=False),
        sa.Column('text', sa.Text(), nullable=False),
        sa.Column('public_text', sa.Text(), nullable=False),
        sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column('hidden', sa.Boolean(), nullable=False),
        sa.Column('hidden_by', sa.Integer(), nullable=True),
        sa.Column('hidden_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column('hidden_reason', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
        sa.ForeignKeyConstraint(['author_id'], ['user_account.id']),
        sa.ForeignKeyConstraint(['hidden_by'], ['user_account.id']),
        sa.ForeignKeyConstraint(['report_id'], ['feedback_report.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('feedback_update', schema=None) as batch_op:
        batch_op.create_index('ix_feedback_update_author', ['author_id', 'created_at'], unique=False)
        batch_op.create_index('ix_feedback_update_report', ['report_id', 'id'], unique=False)
    with op.batch_alter_table('feedback_photo', schema=None) as batch_op:
        batch_op.add_column(sa.Column('update_id', sa.Integer(), nullable=True))
        batch_op.create_index('ix_feedback_photo_update_id', ['update_id'], unique=False)
        batch_op.create_foreign_key(PHOTO_FK, 'feedback_update', ['update_id'], ['id'])


def downgrade() -> None:
    with op.batch_alter_table('feedback_photo', schema=None) as batch_op:
        batch_op.drop_constraint(PHOTO_FK, type_='foreignkey')
        batch_op.drop_index('ix_feedback_photo_update_id')
        batch_op.drop_column('update_id')
    with op.batch_alter_table('feedback_update', schema=None) as batch_op:
        batch_op.drop_index('ix_feedback_update_report')
        batch_op.drop_index('ix_feedback_update_author')
    op.drop_table('feedback_update')
