"""rituals: the reminders sent (one per ritual, person and moment); quiet hours hold or drop

Revision ID: e8cd5b8984f2
Revises: 3b7e91c4d2a8
Created: 2026-12-06 08:59:45.010278
"""

import sqlalchemy as sa
from alembic import op

revision = 'e8cd5b8984f2'
down_revision = '3b7e91c4d2a8'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('sent_reminders',
    sa.Column('record_id', sa.Uuid(), nullable=False),
    sa.Column('user_id', sa.Uuid(), nullable=False),
    sa.Column('occurrence', sa.DateTime(timezone=True), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'],
                            name=op.f('fk_sent_reminders_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('record_id', 'user_id', 'occurrence', name=op.f('pk_sent_reminders'))
    )
    with op.batch_alter_table('sent_reminders', schema=None) as batch_op:
        batch_op.create_index('ix_sent_reminders_sent_at', ['sent_at'], unique=False)

    with op.batch_alter_table('push_settings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('quiet_reminders', sa.String(length=8), nullable=True))



def downgrade():
    with op.batch_alter_table('push_settings', schema=None) as batch_op:
        batch_op.drop_column('quiet_reminders')

    with op.batch_alter_table('sent_reminders', schema=None) as batch_op:
        batch_op.drop_index('ix_sent_reminders_sent_at')

    op.drop_table('sent_reminders')
