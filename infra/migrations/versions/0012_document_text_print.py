"""documents.text_sha256: a PDF's text print (rules/textprint.py), indexed, to find copies that
another unit saved again in other bytes; filled for live PDFs from their stored facts

Documents checked before this revision get their print from the facts their check kept (the
text layer as extracted then), so a later copy finds them without a re-check. Those without
stored facts get one at their next check.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-04 18:30:00.000000
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op

from rules.textprint import pages_print

revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None

_DOCUMENTS = sa.table(
    'documents',
    sa.column('id', sa.String),
    sa.column('sha256', sa.String),
    sa.column('status', sa.String),
    sa.column('detected_mime', sa.String),
    sa.column('text_sha256', sa.String),
)
_FACTS = sa.table(
    'document_facts',
    sa.column('document_id', sa.String),
    sa.column('sha256', sa.String),
    sa.column('facts', sa.JSON),
    sa.column('created_at', sa.DateTime),
)
_BATCH = 500


def _print_of(facts: Any) -> str | None:
    pdf = facts.get('pdf') if isinstance(facts, dict) else None
    if not isinstance(pdf, dict) or not pdf.get('opened'):
        return None
    pages, textless = pdf.get('pages_text') or [], pdf.get('textless_pages') or []
    if not all(isinstance(p, str) for p in pages):
        return None
    return pages_print(pages, [n for n in textless if isinstance(n, int)])


def _fill_from_stored_facts() -> None:
    bind = op.get_bind()
    rows = bind.execute(
        sa.select(_DOCUMENTS.c.id, _FACTS.c.facts)
        .join(
            _FACTS,
            sa.and_(_FACTS.c.document_id == _DOCUMENTS.c.id, _FACTS.c.sha256 == _DOCUMENTS.c.sha256),
        )
        .where(
            _DOCUMENTS.c.status != 'superseded',
            _DOCUMENTS.c.detected_mime == 'application/pdf',
        )
        .order_by(_DOCUMENTS.c.id, _FACTS.c.created_at.desc())  # the newest extraction first
        .execution_options(yield_per=200)  # facts are large: a few at a time, not all at once
    )
    update = (
        sa.update(_DOCUMENTS)
        .where(_DOCUMENTS.c.id == sa.bindparam('b_id'))
        .values(text_sha256=sa.bindparam('b_print'))
    )
    seen: set[str] = set()
    found: list[dict[str, str]] = []  # read to the end first: no writes under an open cursor
    for document_id, facts in rows:
        if document_id in seen:
            continue
        seen.add(document_id)
        printed = _print_of(facts)
        if printed is not None:
            found.append({'b_id': document_id, 'b_print': printed})
    for start in range(0, len(found), _BATCH):
        bind.execute(update, found[start : start + _BATCH])


def upgrade() -> None:
    with op.batch_alter_table('documents', schema=None) as batch_op:
        batch_op.add_column(sa.Column('text_sha256', sa.String(length=64), nullable=True))
        batch_op.create_index('ix_documents_text_sha256', ['text_sha256'], unique=False)
    _fill_from_stored_facts()


def downgrade() -> None:
    with op.batch_alter_table('documents', schema=None) as batch_op:
        batch_op.drop_index('ix_documents_text_sha256')
        batch_op.drop_column('text_sha256')
