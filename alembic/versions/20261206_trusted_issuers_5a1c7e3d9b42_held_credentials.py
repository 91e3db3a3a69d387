"""wallet: credentials received from other trusted issuers (identity_held_credential)

Revision ID: 5a1c7e3d9b42
Revises: 3f6d2b9e1a70
Create Date: 2026-12-06 17:00:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = '5a1c7e3d9b42'
down_revision: str | None = '3f6d2b9e1a70'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

STR = sqlmodel.sql.sqltypes.AutoString


def upgrade() -> None:
    op.create_table(
        'identity_held_credential',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('issuer', STR(length=300), nullable=False),
        sa.Column('configuration_id', STR(length=100), nullable=False),
        sa.Column('vct', STR(length=200), nullable=False),
        sa.Column('holder_thumbprint', STR(length=64), nullable=False),
        sa.Column('key_mode', STR(length=8), nullable=False),
        sa.Column('received_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column('expires_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['user_account.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_identity_held_credential_user_id', 'identity_held_credential', ['user_id'])
    op.create_index('ix_identity_held_credential_holder_thumbprint', 'identity_held_credential',
                    ['holder_thumbprint'])


def downgrade() -> None:
    op.drop_index('ix_identity_held_credential_holder_thumbprint', 'identity_held_credential')
    op.drop_index('ix_identity_held_credential_user_id', 'identity_held_credential')
    op.drop_table('identity_held_credential')
