"""accounts: people sign in as people (passwords, TOTP, single sign-on); who did it

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01 21:00:00.000000

Numbered 0009 because other branches may add 0006-0008; when merged, re-chain this one
(down_revision = the head before it).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import infra.tables

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'accounts',
        sa.Column('id', sa.String(length=36), nullable=False),
        sa.Column('username', sa.String(length=64), nullable=False),
        sa.Column('display_name', sa.String(length=200), nullable=False),
        sa.Column('role', sa.String(length=16), nullable=False),
        sa.Column('region_code', sa.String(length=16), nullable=True),
        sa.Column('unit_code', sa.String(length=16), nullable=True),
        sa.Column('active', sa.Boolean(), nullable=False),
        sa.Column('password_hash', sa.String(length=255), nullable=True),
        sa.Column('password_changed_at', infra.tables.UtcDateTime(), nullable=True),
        sa.Column('totp_secret', sa.Text(), nullable=True),
        sa.Column('totp_pending', sa.Text(), nullable=True),
        sa.Column('totp_enabled_at', infra.tables.UtcDateTime(), nullable=True),
        sa.Column('totp_last_step', sa.BigInteger(), nullable=True),
        sa.Column('recovery_codes', sa.JSON(), nullable=False),
        sa.Column('oidc_subject', sa.String(length=600), nullable=True),
        sa.Column('created_at', infra.tables.UtcDateTime(), nullable=False),
        sa.Column('disabled_at', infra.tables.UtcDateTime(), nullable=True),
        sa.Column('last_sign_in_at', infra.tables.UtcDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ['region_code'], ['regions.code'], name=op.f('fk_accounts_region_code_regions')
        ),
        sa.ForeignKeyConstraint(
            ['unit_code'], ['units.code'], name=op.f('fk_accounts_unit_code_units')
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_accounts')),
        sa.UniqueConstraint('username', name=op.f('uq_accounts_username')),
        sa.UniqueConstraint('oidc_subject', name=op.f('uq_accounts_oidc_subject')),
    )
    op.create_table(
        'sign_in_failures',
        sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
        sa.Column('username', sa.String(length=64), nullable=False),
        sa.Column('at', infra.tables.UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_sign_in_failures')),
    )
    op.create_index('ix_sign_in_failures_username_at', 'sign_in_failures', ['username', 'at'])
    with op.batch_alter_table('web_sessions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('account_id', sa.String(length=36), nullable=True))
        batch_op.create_index(batch_op.f('ix_web_sessions_account_id'), ['account_id'])
        batch_op.create_foreign_key(
            batch_op.f('fk_web_sessions_account_id_accounts'), 'accounts', ['account_id'], ['id']
        )
    with op.batch_alter_table('decisions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('decided_by_account', sa.String(length=36), nullable=True))
        batch_op.alter_column('decided_by', existing_type=sa.String(length=36), nullable=True)
    with op.batch_alter_table('review_claims', schema=None) as batch_op:
        batch_op.add_column(sa.Column('claimed_by_account', sa.String(length=36), nullable=True))
        batch_op.alter_column('claimed_by', existing_type=sa.String(length=36), nullable=True)
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.add_column(sa.Column('actor_account_id', sa.String(length=36), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.drop_column('actor_account_id')
    with op.batch_alter_table('review_claims', schema=None) as batch_op:
        batch_op.alter_column('claimed_by', existing_type=sa.String(length=36), nullable=False)
        batch_op.drop_column('claimed_by_account')
    with op.batch_alter_table('decisions', schema=None) as batch_op:
        batch_op.alter_column('decided_by', existing_type=sa.String(length=36), nullable=False)
        batch_op.drop_column('decided_by_account')
    with op.batch_alter_table('web_sessions', schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f('fk_web_sessions_account_id_accounts'), type_='foreignkey'
        )
        batch_op.drop_index(batch_op.f('ix_web_sessions_account_id'))
        batch_op.drop_column('account_id')
    op.drop_index('ix_sign_in_failures_username_at', table_name='sign_in_failures')
    op.drop_table('sign_in_failures')
    op.drop_table('accounts')
