"""Letters sent and address reports keep the day, never a time of day

Revision ID: 93347b0a1d9f
Revises: 3880bc8bd15c
Create Date: 2026-11-29 17:16:29.242819

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '93347b0a1d9f'
down_revision = '3880bc8bd15c'
branch_labels = None
depends_on = None

# (table, the timestamp it had, the day it keeps instead)
TABLES = (
    ('letters_sent', 'created_at', 'recorded_on'),
    ('address_reports', 'created_at', 'reported_on'),
)


def _day_of(column):
    """SQL for the UTC day of a stored timestamp (the timestamps were written in UTC)."""
    if op.get_bind().dialect.name == 'postgresql':
        return f"CAST(({column} AT TIME ZONE 'UTC') AS DATE)"
    # SQLite stores 'YYYY-MM-DD HH:MM:SS.ffffff': the day is its first ten characters.
    return f"substr({column}, 1, 10)"


def _midnight_of(column):
    """SQL for midnight UTC of a stored day, as the old timestamp column held it."""
    if op.get_bind().dialect.name == 'postgresql':
        return f"(CAST({column} AS TIMESTAMP) AT TIME ZONE 'UTC')"
    return f"({column} || ' 00:00:00.000000')"


def upgrade():
    # A visitor's "I sent it" or address report kept its time to the microsecond; beside an
    # ISP's connection log that names the visitor. Each row keeps its day only: the time of
    # day is truncated away, not moved elsewhere.
    if op.get_bind().dialect.name == 'sqlite':
        # SQLite rebuilds each table below and frees the old one's pages; zero them, or the
        # timestamps would stay readable in the file's free pages.
        op.execute('PRAGMA secure_delete = ON')
    for table, stamp, day in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column(day, sa.Date(), nullable=True))
        op.execute(f'UPDATE {table} SET {day} = {_day_of(stamp)}')
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.alter_column(day, existing_type=sa.Date(), nullable=False)
            batch_op.drop_column(stamp)


def downgrade():
    # The time of day is gone for good: a row comes back at midnight UTC of its day.
    for table, stamp, day in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column(stamp, sa.DateTime(timezone=True), nullable=True))
        op.execute(f'UPDATE {table} SET {stamp} = {_midnight_of(day)}')
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.alter_column(
                stamp, existing_type=sa.DateTime(timezone=True), nullable=False
            )
            batch_op.drop_column(day)
