"""Need summaries (issue 14): each day's letter figures per prisoner, summed once instead of
regrouping the whole letter log on every page; the log indexed by prisoner and day, and by the
day a row was recorded.

Revision ID: 491b68b040cf
Revises: b5880a11a26d
Create Date: 2026-11-29 22:31:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "491b68b040cf"
down_revision = "b5880a11a26d"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "need_summary_days",
        sa.Column("day", sa.Date(), nullable=False),
        sa.PrimaryKeyConstraint("day", name=op.f("pk_need_summary_days")),
    )
    op.create_table(
        "need_summaries",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("prisoner_id", sa.Integer(), nullable=False),
        sa.Column("recent", sa.Integer(), nullable=False),
        sa.Column("total", sa.Integer(), nullable=False),
        sa.Column("last_sent_on", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(
            ["prisoner_id"],
            ["prisoners.id"],
            name=op.f("fk_need_summaries_prisoner_id_prisoners"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("day", "prisoner_id", name=op.f("pk_need_summaries")),
    )
    with op.batch_alter_table("letters_sent", schema=None) as batch_op:
        # The new index leads with prisoner_id, so it serves the old one's lookups too.
        batch_op.drop_index("ix_letters_sent_prisoner_id")
        batch_op.create_index("ix_letters_sent_prisoner_day", ["prisoner_id", "sent_on"])
        batch_op.create_index(batch_op.f("ix_letters_sent_recorded_on"), ["recorded_on"])


def downgrade():
    with op.batch_alter_table("letters_sent", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_letters_sent_recorded_on"))
        batch_op.drop_index("ix_letters_sent_prisoner_day")
        batch_op.create_index("ix_letters_sent_prisoner_id", ["prisoner_id"])
    op.drop_table("need_summaries")
    op.drop_table("need_summary_days")
