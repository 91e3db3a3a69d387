"""wallet: OpenID4VCI authorization code flow with PKCE, deferred issuance

identity_vci_auth_code (single-use authorization codes, hashes only, bound to the wallet client, redirect URI,
PKCE challenge, citizen and credential types); identity_vci_token.auth_code_id (a replayed code revokes the
tokens granted for it); identity_vci_offer.state_hash (the offer's issuer_state, hashed); identity_vci_deferred
(credential requests waiting for an official's approval).

Revision ID: 3f6d2b9e1a70
Revises: 3e9b7d5c1a24
Create Date: 2026-12-06 14:00:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = '3f6d2b9e1a70'
down_revision: str | None = '3e9b7d5c1a24'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

STR = sqlmodel.sql.sqltypes.AutoString


def upgrade() -> None:
    op.create_table(
        'identity_vci_auth_code',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('code_hash', STR(length=64), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('client_id', STR(length=200), nullable=False),
        sa.Column('redirect_uri', STR(length=500), nullable=False),
        sa.Column('code_challenge', STR(length=43), nullable=False),
        sa.Column('kinds', STR(length=200), nullable=False),
        sa.Column('details', sa.Boolean(), nullable=False),
        sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column('expires_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column('used_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(['user_id'], ['user_account.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('code_hash'),
    )
    op.create_index('ix_identity_vci_auth_code_user_id', 'identity_vci_auth_code', ['user_id'])
    op.create_index('ix_identity_vci_auth_code_expires_at', 'identity_vci_auth_code', ['expires_at'])
    with op.batch_alter_table('identity_vci_token') as batch:
        batch.add_column(sa.Column('auth_code_id', sa.Integer(), nullable=True))
        batch.create_foreign_key('fk_identity_vci_token_auth_code_id', 'identity_vci_auth_code',
                                 ['auth_code_id'], ['id'])
        batch.create_index('ix_identity_vci_token_auth_code_id', ['auth_code_id'])
    op.create_table(
        'identity_vci_deferred',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('transaction_hash', STR(length=64), nullable=False),
        sa.Column('token_hash', STR(length=64), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('kind', STR(length=16), nullable=False),
        sa.Column('holder_jwks', sa.Text(), nullable=False),
        sa.Column('status', STR(length=12), nullable=False),
        sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column('expires_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column('decided_by', sa.Integer(), nullable=True),
        sa.Column('decided_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(['user_id'], ['user_account.id']),
        sa.ForeignKeyConstraint(['decided_by'], ['user_account.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('transaction_hash'),
    )
    for column in ('token_hash', 'user_id', 'status', 'expires_at'):
        op.create_index(f'ix_identity_vci_deferred_{column}', 'identity_vci_deferred', [column])
    with op.batch_alter_table('identity_vci_offer') as batch:
        batch.add_column(sa.Column('state_hash', STR(length=64), nullable=True))
        batch.create_unique_constraint('uq_identity_vci_offer_state_hash', ['state_hash'])


def downgrade() -> None:
    for column in ('token_hash', 'user_id', 'status', 'expires_at'):
        op.drop_index(f'ix_identity_vci_deferred_{column}', table_name='identity_vci_deferred')
    op.drop_table('identity_vci_deferred')
    with op.batch_alter_table('identity_vci_offer') as batch:
        batch.drop_constraint('uq_identity_vci_offer_state_hash', type_='unique')
        batch.drop_column('state_hash')
    with op.batch_alter_table('identity_vci_token') as batch:
        batch.drop_index('ix_identity_vci_token_auth_code_id')
        batch.drop_constraint('fk_identity_vci_token_auth_code_id', type_='foreignkey')
        batch.drop_column('auth_code_id')
    op.drop_index('ix_identity_vci_auth_code_expires_at', table_name='identity_vci_auth_code')
    op.drop_index('ix_identity_vci_auth_code_user_id', table_name='identity_vci_auth_code')
    op.drop_table('identity_vci_auth_code')
