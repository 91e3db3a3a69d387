"""payments: one open order per purpose, one fulfilment per purpose, late payments, the sandbox gateways' ledgers

Every order records its purpose (``<kind>:<ref>``: a dossier's fee, one ticket). ``open_purpose`` (unique) holds it
while the order is pending, so a purpose has one open order; ``fulfils`` (unique) holds it on the order that paid
for it, so a purpose is fulfilled once even when two confirmations arrive in the same instant. ``flag`` marks a
captured payment that could not be used (late or duplicate) and was refunded; one charge is one row
(``provider, provider_txn`` unique). The sandbox gateways keep their refunds and the sandbox bank its statement.

Existing rows are backfilled: every purpose; the newest pending order of each purpose is its open order (older
pending ones stay pending without it, and expire through ``payments.reconcile_pending``); the newest fulfilled and
paid order of each purpose fulfils it.

Revision ID: 5b2279848ec5
Revises: a9e4c2b7d113
Create Date: 2026-12-06 08:37:21.902055
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = '5b2279848ec5'
down_revision: str | None = 'a9e4c2b7d113'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

PAID = "('paid', 'partially_refunded')"


def _sandbox_tables() -> None:
    op.create_table('pay_sandbox_bank_txn',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('txn_no', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('direction', sqlmodel.sql.sqltypes.AutoString(length=3), nullable=False),
    sa.Column('amount_vnd', sa.Integer(), nullable=False),
    sa.Column('note', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('counterparty', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('refunds_txn_no', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('txn_no')
    )
    with op.batch_alter_table('pay_sandbox_bank_txn', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pay_sandbox_bank_txn_at'), ['at'], unique=False)

    op.create_table('pay_sandbox_refund',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('gateway', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('txn_ref', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('refund_no', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('amount_vnd', sa.Integer(), nullable=False),
    sa.Column('at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('refund_no')
    )
    with op.batch_alter_table('pay_sandbox_refund', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pay_sandbox_refund_at'), ['at'], unique=False)
        batch_op.create_index(batch_op.f('ix_pay_sandbox_refund_txn_ref'), ['txn_ref'], unique=False)

    with op.batch_alter_table('pay_sandbox_txn', schema=None) as batch_op:
        batch_op.add_column(sa.Column('gateway', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False,
                                      server_default='vnpay'))
        batch_op.add_column(sa.Column('request_id', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False,
                                      server_default=''))
        batch_op.add_column(sa.Column('info', sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False,
                                      server_default=''))
    with op.batch_alter_table('pay_sandbox_txn', schema=None) as batch_op:  # the model has no server defaults
        for name in ('gateway', 'request_id', 'info'):
            batch_op.alter_column(name, server_default=None)


def _backfill() -> None:
    bind = op.get_bind()
    bind.execute(sa.text("UPDATE pay_order SET purpose = SUBSTR(product_kind || ':' || product_ref, 1, 100)"))
    bind.execute(sa.text(
        "UPDATE pay_order SET open_purpose = purpose WHERE status = 'pending' AND id = "
        "(SELECT MAX(p2.id) FROM pay_order p2 WHERE p2.purpose = pay_order.purpose AND p2.status = 'pending')"))
    bind.execute(sa.text(
        f"UPDATE pay_order SET fulfils = purpose WHERE fulfilled_at IS NOT NULL AND status IN {PAID} AND id = "
        f"(SELECT MAX(p2.id) FROM pay_order p2 WHERE p2.purpose = pay_order.purpose "
        f"AND p2.fulfilled_at IS NOT NULL AND p2.status IN {PAID})"))


def upgrade() -> None:
    _sandbox_tables()
    with op.batch_alter_table('pay_order', schema=None) as batch_op:
        batch_op.add_column(sa.Column('purpose', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False,
                                      server_default=''))
        batch_op.add_column(sa.Column('open_purpose', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=True))
        batch_op.add_column(sa.Column('fulfils', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=True))
        batch_op.add_column(sa.Column('description_en', sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False,
                                      server_default=''))
        batch_op.add_column(sa.Column('status_reason', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False,
                                      server_default=''))
        batch_op.add_column(sa.Column('flag', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False,
                                      server_default=''))
        batch_op.add_column(sa.Column('reminded_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))
    _backfill()
    with op.batch_alter_table('pay_order', schema=None) as batch_op:
        for name in ('purpose', 'description_en', 'status_reason', 'flag'):
            batch_op.alter_column(name, server_default=None)
        batch_op.create_index(batch_op.f('ix_pay_order_flag'), ['flag'], unique=False)
        batch_op.create_index(batch_op.f('ix_pay_order_purpose'), ['purpose'], unique=False)
        batch_op.create_unique_constraint('uq_pay_order_provider_txn', ['provider', 'provider_txn'])
        batch_op.create_unique_constraint('uq_pay_order_fulfils', ['fulfils'])
        batch_op.create_unique_constraint('uq_pay_order_open_purpose', ['open_purpose'])


def downgrade() -> None:
    with op.batch_alter_table('pay_sandbox_txn', schema=None) as batch_op:
        batch_op.drop_column('info')
        batch_op.drop_column('request_id')
        batch_op.drop_column('gateway')

    with op.batch_alter_table('pay_order', schema=None) as batch_op:
        batch_op.drop_constraint('uq_pay_order_open_purpose', type_='unique')
        batch_op.drop_constraint('uq_pay_order_fulfils', type_='unique')
        batch_op.drop_constraint('uq_pay_order_provider_txn', type_='unique')
        batch_op.drop_index(batch_op.f('ix_pay_order_purpose'))
        batch_op.drop_index(batch_op.f('ix_pay_order_flag'))
        batch_op.drop_column('reminded_at')
        batch_op.drop_column('flag')
        batch_op.drop_column('status_reason')
        batch_op.drop_column('description_en')
        batch_op.drop_column('fulfils')
        batch_op.drop_column('open_purpose')
        batch_op.drop_column('purpose')

    with op.batch_alter_table('pay_sandbox_refund', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pay_sandbox_refund_txn_ref'))
        batch_op.drop_index(batch_op.f('ix_pay_sandbox_refund_at'))

    op.drop_table('pay_sandbox_refund')
    with op.batch_alter_table('pay_sandbox_bank_txn', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pay_sandbox_bank_txn_at'))

    op.drop_table('pay_sandbox_bank_txn')
