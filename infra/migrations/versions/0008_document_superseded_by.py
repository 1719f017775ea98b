"""documents.superseded_by: the document that replaced this one (POST /v1/documents/{id}/replace)

Revision ID: 0008
Revises: 0010
Create Date: 2026-12-02 09:00:00.000000

Numbered 0008 so branches in flight can take 0005–0007; re-chain down_revision on merge.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0008'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('documents', schema=None) as batch_op:
        batch_op.add_column(sa.Column('superseded_by', sa.String(length=36), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('documents', schema=None) as batch_op:
        batch_op.drop_column('superseded_by')
