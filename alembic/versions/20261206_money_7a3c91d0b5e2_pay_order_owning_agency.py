"""payments: the agency that owns each order (pay_order.agency_id), backfilled

Officials and finance staff see and refund only their own agency's orders, so every order records its
owning agency when it is created. Existing rows are backfilled: a procedure fee belongs to its dossier's
receiving agency, metro tickets and passes to the Metro Line 1 operator (HURC1, added to the agencies here
when missing so the backfill has a row to point at; ``citizen_app.demo`` keeps its names up to date).
Test orders (``sandbox_demo``) keep no agency: only the payer and admins see them.

Revision ID: 7a3c91d0b5e2
Revises: e6e55c624e0f
Create Date: 2026-12-06 06:09:24.337583
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '7a3c91d0b5e2'
down_revision: str | None = 'e6e55c624e0f'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

FK_NAME = "fk_pay_order_agency_id_agency"
METRO_OPERATOR = {"code": "hurc1", "name_vi": "Công ty TNHH MTV Đường sắt đô thị số 1 TP.HCM (HURC1)",
                  "name_en": "HCMC Urban Railway Company No. 1 (HURC1), Metro Line 1 operator",
                  "kind": "transport", "ward": "", "parent_code": "so-gtvt"}


def _backfill() -> None:
    bind = op.get_bind()
    agency = sa.table("agency", *(sa.column(name) for name in ("id", *METRO_OPERATOR)))
    if bind.execute(sa.select(agency.c.id).where(agency.c.code == METRO_OPERATOR["code"])).first() is None:
        bind.execute(agency.insert().values(**METRO_OPERATOR))
    bind.execute(sa.text(
        "UPDATE pay_order SET agency_id = (SELECT id FROM agency WHERE code = :code) "
        "WHERE product_kind IN ('metro_ticket', 'metro_pass')"), {"code": METRO_OPERATOR["code"]})
    bind.execute(sa.text(
        "UPDATE pay_order SET agency_id = (SELECT d.agency_id FROM proc_dossier d "
        "WHERE CAST(d.id AS VARCHAR(64)) = pay_order.product_ref) "
        "WHERE product_kind = 'procedure_fee'"))


def upgrade() -> None:
    with op.batch_alter_table('pay_order', schema=None) as batch_op:
        batch_op.add_column(sa.Column('agency_id', sa.Integer(), nullable=True))
        batch_op.create_index('ix_pay_order_agency_created', ['agency_id', 'created_at'], unique=False)
        batch_op.create_foreign_key(FK_NAME, 'agency', ['agency_id'], ['id'])
    _backfill()


def downgrade() -> None:
    with op.batch_alter_table('pay_order', schema=None) as batch_op:
        batch_op.drop_constraint(FK_NAME, type_='foreignkey')
        batch_op.drop_index('ix_pay_order_agency_created')
        batch_op.drop_column('agency_id')
