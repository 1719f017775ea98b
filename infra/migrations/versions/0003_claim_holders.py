"""claim holders and heartbeats on documents; service_beats (when the sweeper last ran)

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-05 10:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import infra.tables

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('documents', schema=None) as batch_op:
        batch_op.add_column(sa.Column('claim_host', sa.String(length=255), nullable=True))
        batch_op.add_column(sa.Column('claim_pid', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('claim_task_id', sa.String(length=255), nullable=True))
        batch_op.add_column(
            sa.Column('heartbeat_at', infra.tables.UtcDateTime(), nullable=True)
        )
    op.create_table(
        'service_beats',
        sa.Column('name', sa.String(length=32), nullable=False),
        sa.Column('at', infra.tables.UtcDateTime(), nullable=False),
        sa.Column('holder', sa.String(length=300), nullable=True),
        sa.PrimaryKeyConstraint('name', name=op.f('pk_service_beats')),
    )


def downgrade() -> None:
    op.drop_table('service_beats')
    with op.batch_alter_table('documents', schema=None) as batch_op:
        batch_op.drop_column('heartbeat_at')
        batch_op.drop_column('claim_task_id')
        batch_op.drop_column('claim_pid')
        batch_op.drop_column('claim_host')
