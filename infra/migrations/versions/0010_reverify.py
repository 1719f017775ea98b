"""re-verification: stored facts per file, verdicts per rule-set version, scheduled versions

Revision ID: 0010
Revises: 0007
Create Date: 2026-12-02 10:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import infra.tables

revision = '0010'
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'document_facts',
        sa.Column('document_id', sa.String(length=36), nullable=False),
        sa.Column('sha256', sa.String(length=64), nullable=False),
        sa.Column('facts_version', sa.String(length=32), nullable=False),
        sa.Column('facts', sa.JSON(), nullable=False),
        sa.Column('created_at', infra.tables.UtcDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ['document_id'], ['documents.id'], name=op.f('fk_document_facts_document_id_documents')
        ),
        sa.PrimaryKeyConstraint(
            'document_id', 'sha256', 'facts_version', name=op.f('pk_document_facts')
        ),
    )
    op.create_table(
        'document_verdicts',
        sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
        sa.Column('document_id', sa.String(length=36), nullable=False),
        sa.Column('sha256', sa.String(length=64), nullable=False),
        sa.Column('ruleset_version', sa.String(length=64), nullable=False),
        sa.Column('status', sa.String(length=24), nullable=False),
        sa.Column('reason', sa.String(length=64), nullable=True),
        sa.Column('at', infra.tables.UtcDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ['document_id'],
            ['documents.id'],
            name=op.f('fk_document_verdicts_document_id_documents'),
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_document_verdicts')),
        sa.UniqueConstraint(
            'document_id', 'sha256', 'ruleset_version', name='uq_document_verdicts_key'
        ),
    )
    with op.batch_alter_table('document_verdicts', schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f('ix_document_verdicts_document_id'), ['document_id'], unique=False
        )
    op.create_table(
        'reverify_schedules',
        sa.Column('ruleset_version', sa.String(length=64), nullable=False),
        sa.Column('programme', sa.String(length=16), nullable=False),
        sa.Column('source', sa.String(length=16), nullable=False),
        sa.Column('scheduled_at', infra.tables.UtcDateTime(), nullable=False),
        sa.Column('documents', sa.Integer(), nullable=False),
        sa.Column('remaining', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('ruleset_version', name=op.f('pk_reverify_schedules')),
    )
    # the verdicts already given: the history starts with them
    op.execute(
        "INSERT INTO document_verdicts (document_id, sha256, ruleset_version, status, reason, at) "
        "SELECT id, sha256, ruleset_version, status, status_reason, "
        "COALESCE(checked_at, updated_at) FROM documents "
        "WHERE ruleset_version IS NOT NULL "
        "AND status IN ('passed', 'failed', 'needs_review')"
    )


def downgrade() -> None:
    op.drop_table('reverify_schedules')
    with op.batch_alter_table('document_verdicts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_document_verdicts_document_id'))
    op.drop_table('document_verdicts')
    op.drop_table('document_facts')
