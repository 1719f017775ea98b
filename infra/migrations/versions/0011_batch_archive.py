"""batches.archive: the ZIP a bundle came in (name, size, SHA-256); its bytes are not kept

A bundle's bytes are stored once, as its entries; the archive itself is described, so what a
unit sent stays identifiable without a second copy of every byte.

Revision ID: 0011
Revises: 0009
Create Date: 2026-12-01 23:30:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0011'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('batches', schema=None) as batch_op:
        batch_op.add_column(sa.Column('archive', sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('batches', schema=None) as batch_op:
        batch_op.drop_column('archive')
