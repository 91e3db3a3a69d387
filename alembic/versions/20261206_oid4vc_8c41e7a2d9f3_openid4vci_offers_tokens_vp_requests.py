"""wallet: OpenID4VCI offers and access tokens, OpenID4VP requests

identity_vci_offer (pre-authorized code offers, hashes only), identity_vci_token (access tokens of the credential
endpoint, hashes only) and identity_vp_request (a relying party's presentation requests and their results).

Revision ID: 8c41e7a2d9f3
Revises: a18d0c5e7f31
Create Date: 2026-12-06 10:00:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = '8c41e7a2d9f3'
down_revision: str | None = 'a18d0c5e7f31'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

STR = sqlmodel.sql.sqltypes.AutoString


def upgrade() -> None:
    op.create_table(
        'identity_vci_offer',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('code_hash', STR(length=64), nullable=False),
        sa.Column('tx_code_hash', STR(length=64), nullable=False),
        sa.Column('kinds', STR(length=200), nullable=False),
        sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column('expires_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column('failed_attempts', sa.Integer(), nullable=False),
        sa.Column('redeemed_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(['user_id'], ['user_account.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('code_hash'),
    )
    op.create_index('ix_identity_vci_offer_user_id', 'identity_vci_offer', ['user_id'])
    op.create_index('ix_identity_vci_offer_expires_at', 'identity_vci_offer', ['expires_at'])
    op.create_table(
        'identity_vci_token',
        sa.Column('token_hash', STR(length=64), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('offer_id', sa.Integer(), nullable=True),
        sa.Column('kinds', STR(length=200), nullable=False),
        sa.Column('used_kinds', STR(length=200), nullable=False),
        sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column('expires_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['user_account.id']),
        sa.ForeignKeyConstraint(['offer_id'], ['identity_vci_offer.id']),
        sa.PrimaryKeyConstraint('token_hash'),
    )
    op.create_index('ix_identity_vci_token_user_id', 'identity_vci_token', ['user_id'])
    op.create_index('ix_identity_vci_token_expires_at', 'identity_vci_token', ['expires_at'])
    op.create_table(
        'identity_vp_request',
        sa.Column('id', STR(length=32), nullable=False),
        sa.Column('client_id', STR(length=200), nullable=False),
        sa.Column('nonce', STR(length=64), nullable=False),
        sa.Column('state', STR(length=64), nullable=False),
        sa.Column('dcql', sa.Text(), nullable=False),
        sa.Column('created_by', sa.Integer(), nullable=True),
        sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column('expires_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column('fetched_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column('answered_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column('result', sa.Text(), nullable=True),
        sa.Column('error', STR(length=80), nullable=False),
        sa.ForeignKeyConstraint(['created_by'], ['user_account.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_identity_vp_request_expires_at', 'identity_vp_request', ['expires_at'])


def downgrade() -> None:
    op.drop_index('ix_identity_vp_request_expires_at', table_name='identity_vp_request')
    op.drop_table('identity_vp_request')
    op.drop_index('ix_identity_vci_token_expires_at', table_name='identity_vci_token')
    op.drop_index('ix_identity_vci_token_user_id', table_name='identity_vci_token')
    op.drop_table('identity_vci_token')
    op.drop_index('ix_identity_vci_offer_expires_at', table_name='identity_vci_offer')
    op.drop_index('ix_identity_vci_offer_user_id', table_name='identity_vci_offer')
    op.drop_table('identity_vci_offer')
