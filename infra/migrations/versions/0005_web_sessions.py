"""web_sessions: verifier page sessions kept on the server (sign-out and revocation end them)

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01 20:30:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import infra.tables

revision = '0005'
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'web_sessions',
        sa.Column('id', sa.String(length=64), nullable=False),
        sa.Column('key_id', sa.String(length=36), nullable=True),
        sa.Column('created_at', infra.tables.UtcDateTime(), nullable=False),
        sa.Column('last_seen_at', infra.tables.UtcDateTime(), nullable=False),
        sa.Column('expires_at', infra.tables.UtcDateTime(), nullable=False),
        sa.Column('ended_at', infra.tables.UtcDateTime(), nullable=True),
        sa.Column('end_reason', sa.String(length=32), nullable=True),
        sa.ForeignKeyConstraint(
            ['key_id'], ['api_keys.id'], name=op.f('fk_web_sessions_key_id_api_keys')
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_web_sessions')),
    )
    with op.batch_alter_table('web_sessions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_web_sessions_key_id'), ['key_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('web_sessions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_web_sessions_key_id'))
    op.drop_table('web_sessions')
