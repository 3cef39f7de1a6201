"""who ended the couple a solo space came from (the partner's app says so after unpairing)

Revision ID: 3b7e91c4d2a8
Revises: 5c1e0a7d2b94
Created: 2026-12-06 12:00:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = '3b7e91c4d2a8'
down_revision = '5c1e0a7d2b94'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('spaces', schema=None) as batch_op:
        batch_op.add_column(sa.Column('unpaired_by', sa.Uuid(), nullable=True))


def downgrade():
    with op.batch_alter_table('spaces', schema=None) as batch_op:
        batch_op.drop_column('unpaired_by')
