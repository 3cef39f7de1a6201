"""failed sign-ins on users: how many since the last sign-in, and when the last one was

Revision ID: d691d372a35e
Revises: 9fbf643c43d4
Created: 2026-12-06 09:00:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = 'd691d372a35e'
down_revision = '9fbf643c43d4'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('failed_logins', sa.Integer(), server_default='0', nullable=False)
        )
        batch_op.add_column(
            sa.Column('last_failed_login_at', sa.DateTime(timezone=True), nullable=True)
        )


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('last_failed_login_at')
        batch_op.drop_column('failed_logins')
