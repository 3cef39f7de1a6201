"""password resets: the hashes of the reset links sent by mail, valid one hour

Revision ID: a41f0c2e7b35
Revises: e8cd5b8984f2
Created: 2026-12-06 10:00:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = 'a41f0c2e7b35'
down_revision = 'e8cd5b8984f2'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'password_resets',
        sa.Column('token_hash', sa.String(length=64), nullable=False),
        sa.Column('user_id', sa.Uuid(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('token_hash'),
    )
    with op.batch_alter_table('password_resets', schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f('ix_password_resets_user_id'), ['user_id'], unique=False
        )
        batch_op.create_index(
            batch_op.f('ix_password_resets_expires_at'), ['expires_at'], unique=False
        )


def downgrade():
    with op.batch_alter_table('password_resets', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_password_resets_expires_at'))
        batch_op.drop_index(batch_op.f('ix_password_resets_user_id'))
    op.drop_table('password_resets')
