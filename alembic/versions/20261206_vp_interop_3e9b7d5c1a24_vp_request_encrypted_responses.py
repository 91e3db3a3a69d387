"""wallet: OpenID4VP requests may ask for encrypted responses (direct_post.jwt)

identity_vp_request.response_mode ("direct_post" or "direct_post.jwt") and enc_key (the request's ephemeral
P-256 private key, sealed; only for direct_post.jwt).

Revision ID: 3e9b7d5c1a24
Revises: 8c41e7a2d9f3
Create Date: 2026-12-06 13:40:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = '3e9b7d5c1a24'
down_revision: str | None = '8c41e7a2d9f3'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('identity_vp_request') as batch:
        batch.add_column(sa.Column('response_mode', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False,
                                   server_default='direct_post'))
        batch.add_column(sa.Column('enc_key', sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('identity_vp_request') as batch:
        batch.drop_column('enc_key')
        batch.drop_column('response_mode')
