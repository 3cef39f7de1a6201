"""kept copies belong to their keeper: archived agreements and promises held in a space
none of whose members wrote them go to the one member they name

Before this, a partner's archived copy of an agreement or a promise written by a
former partner stayed authored by that former partner; pairing again moved it in
private to its author, who is not in the couple, so its keeper could no longer read it.

Revision ID: 5c1e0a7d2b94
Revises: 29dc6457c1d6
Created: 2026-12-06 09:00:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = '5c1e0a7d2b94'
down_revision = '29dc6457c1d6'
branch_labels = None
depends_on = None

# The tables as this revision knows them, independent of the models' later shape.
spaces = sa.table(
    'spaces',
    sa.column('id', sa.Uuid()),
    sa.column('version', sa.BigInteger()),
)
users = sa.table(
    'users',
    sa.column('id', sa.Uuid()),
    sa.column('space_id', sa.Uuid()),
)
records = sa.table(
    'records',
    sa.column('space_id', sa.Uuid()),
    sa.column('id', sa.Uuid()),
    sa.column('kind', sa.String()),
    sa.column('author_id', sa.Uuid()),
    sa.column('archived', sa.Boolean()),
    sa.column('tombstone', sa.Boolean()),
    sa.column('version', sa.BigInteger()),
    sa.column('data', sa.JSON()),
)


def named_in(kind, data):
    """The user ids an agreement's or a promise's data names (who took part in it)."""
    found = set()
    if kind == 'agreement':
        found.update((data.get('acceptances') or {}).keys())
        found.update(r.get('author') for r in data.get('revisions') or [] if isinstance(r, dict))
        found.update(e.get('by') for e in data.get('events') or [] if isinstance(e, dict))
        for key in ('withdrawn', 'retired'):
            if isinstance(data.get(key), dict):
                found.add(data[key].get('by'))
    elif kind == 'promise':
        found.add(data.get('promiser'))
        found.update(e.get('by') for e in data.get('history') or [] if isinstance(e, dict))
    return {f for f in found if isinstance(f, str)}


def upgrade():
    conn = op.get_bind()
    members = {}
    for user_id, space_id in conn.execute(sa.select(users.c.id, users.c.space_id)):
        members.setdefault(space_id, set()).add(user_id)
    rows = conn.execute(
        sa.select(
            records.c.space_id, records.c.id, records.c.kind, records.c.author_id, records.c.data
        ).where(
            records.c.kind.in_(['agreement', 'promise']),
            records.c.archived.is_(True),
            records.c.tombstone.is_(False),
        )
    ).all()
    versions = {}
    for space_id, record_id, kind, author_id, data in rows:
        here = members.get(space_id, set())
        if author_id in here:
            continue
        data = dict(data or {})
        named = {member for member in here if str(member) in named_in(kind, data)}
        # Whoever kept it must have taken part in it; anything else stays as it is.
        if len(named) != 1:
            continue
        [keeper] = named
        if space_id not in versions:
            # A new version of the space, so that the keeper's devices pull the change.
            versions[space_id] = conn.execute(
                sa.update(spaces)
                .where(spaces.c.id == space_id)
                .values(version=spaces.c.version + 1)
                .returning(spaces.c.version)
            ).scalar_one()
        data.setdefault('originally_by', str(author_id))
        conn.execute(
            sa.update(records)
            .where(records.c.space_id == space_id, records.c.id == record_id)
            .values(author_id=keeper, data=data, version=versions[space_id])
        )


def downgrade():
    # The copies stay with their keepers: giving them back to an absent author would hide them.
    pass
