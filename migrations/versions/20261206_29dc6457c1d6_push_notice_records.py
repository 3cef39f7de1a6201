"""push notice records: every record a pending notice tells of, instead of only the latest

Revision ID: 29dc6457c1d6
Revises: d691d372a35e
Created: 2026-12-06 10:00:00.000000
"""

import uuid

import sqlalchemy as sa
from alembic import op

revision = '29dc6457c1d6'
down_revision = 'd691d372a35e'
branch_labels = None
depends_on = None

# The table as this revision knows it, independent of the model's later shape.
notices = sa.table(
    'push_notices',
    sa.column('recipient_id', sa.Uuid()),
    sa.column('kind', sa.String()),
    sa.column('record_id', sa.Uuid()),
    sa.column('action', sa.String()),
    sa.column('count', sa.Integer()),
    sa.column('records', sa.JSON()),
)


def _key(row):
    return sa.and_(notices.c.recipient_id == row.recipient_id, notices.c.kind == row.kind)


def upgrade():
    with op.batch_alter_table('push_notices', schema=None) as batch_op:
        batch_op.add_column(sa.Column('records', sa.JSON(), nullable=True))
    conn = op.get_bind()
    rows = conn.execute(
        sa.select(notices.c.recipient_id, notices.c.kind, notices.c.record_id,
                  notices.c.action, notices.c.count)
    ).all()
    for row in rows:
        records = [[str(row.record_id), row.action, row.count]] if row.record_id else []
        conn.execute(notices.update().where(_key(row)).values(records=records))
    with op.batch_alter_table('push_notices', schema=None) as batch_op:
        batch_op.alter_column('records', existing_type=sa.JSON(), nullable=False)
        batch_op.drop_column('record_id')
        batch_op.drop_column('count')


def downgrade():
    with op.batch_alter_table('push_notices', schema=None) as batch_op:
        batch_op.add_column(sa.Column('record_id', sa.Uuid(), nullable=True))
        batch_op.add_column(sa.Column('count', sa.Integer(), nullable=True))
    conn = op.get_bind()
    rows = conn.execute(sa.select(notices.c.recipient_id, notices.c.kind, notices.c.records)).all()
    for row in rows:
        records = row.records or []
        latest = uuid.UUID(records[-1][0]) if records else None
        conn.execute(
            notices.update()
            .where(_key(row))
            .values(record_id=latest, count=sum(entry[2] for entry in records))
        )
    with op.batch_alter_table('push_notices', schema=None) as batch_op:
        batch_op.alter_column('count', existing_type=sa.Integer(), nullable=False)
