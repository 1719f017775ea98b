"""units.issuer, units.issuer_aliases: how a unit names itself on a decree

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01 21:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('units', schema=None) as batch_op:
        batch_op.add_column(sa.Column('issuer', sa.String(length=300), nullable=True))
        batch_op.add_column(sa.Column('issuer_aliases', sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('units', schema=None) as batch_op:
        batch_op.drop_column('issuer_aliases')
        batch_op.drop_column('issuer')
