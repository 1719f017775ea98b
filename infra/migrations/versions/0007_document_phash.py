"""documents.phash: a photo's 64-bit perceptual hash, indexed, for the near-duplicate search

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01 21:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('documents', schema=None) as batch_op:
        batch_op.add_column(sa.Column('phash', sa.BigInteger(), nullable=True))
        batch_op.create_index('ix_documents_phash', ['phash'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('documents', schema=None) as batch_op:
        batch_op.drop_index('ix_documents_phash')
        batch_op.drop_column('phash')
