"""documents.text_sha256: a PDF's text print (rules/textprint.py), indexed, to find copies that
another unit saved again in other bytes; documents.told_at and .tells: an earlier copy told to be
checked again, and how often the sweeper has told it since (infra/earlier_twins.py)

Prints of PDFs checked before this revision are filled from their stored facts after it, in
batches that commit (`absah db upgrade` / `absah run`: infra/copies.py::fill_text_prints), not
here: a migration runs in one transaction, and that would hold the documents table for as long.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-04 18:30:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import infra.tables

revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('documents', schema=None) as batch_op:
        batch_op.add_column(sa.Column('text_sha256', sa.String(length=80), nullable=True))
        batch_op.add_column(sa.Column('told_at', infra.tables.UtcDateTime(), nullable=True))
        batch_op.add_column(sa.Column('tells', sa.Integer(), server_default='0', nullable=False))
        batch_op.create_index('ix_documents_text_sha256', ['text_sha256'], unique=False)
        batch_op.create_index('ix_documents_told_at', ['told_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('documents', schema=None) as batch_op:
        batch_op.drop_index('ix_documents_told_at')
        batch_op.drop_index('ix_documents_text_sha256')
        batch_op.drop_column('tells')
        batch_op.drop_column('told_at')
        batch_op.drop_column('text_sha256')
