"""restores: each restore from a backup, whose epoch pull cookies carry

Revision ID: 7d3e1b9c5a20
Revises: a41f0c2e7b35
Created: 2026-12-06 12:00:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = '7d3e1b9c5a20'
down_revision = 'a41f0c2e7b35'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'restores',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('epoch', sa.Integer(), nullable=False),
        sa.Column('restored_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('backup_created_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('backup_revision', sa.String(length=32), nullable=True),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_restores')),
    )


def downgrade():
    op.drop_table('restores')
