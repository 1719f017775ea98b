"""idempotency_records.token and an index on created_at: reservations with a lease, expiry

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01 20:15:00.000000

Numbered 0004 because another branch may add 0003; when both are merged, re-chain this one
(down_revision = '0003').
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('idempotency_records', schema=None) as batch_op:
        batch_op.add_column(sa.Column('token', sa.String(length=36), nullable=True))
        batch_op.create_index('ix_idempotency_records_created_at', ['created_at'])


def downgrade() -> None:
    with op.batch_alter_table('idempotency_records', schema=None) as batch_op:
        batch_op.drop_index('ix_idempotency_records_created_at')
        batch_op.drop_column('token')
