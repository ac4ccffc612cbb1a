"""Letter day summaries (issue 14): letters per day sent, summed once a day with the need
summaries, so the dashboard's chart no longer sums half a year of the letter log per view.

Existing need summaries are dropped: a day summed before this table existed has no rows in it,
and the next page of the day sums both again (the summary is only ever a shortcut).

Revision ID: c3d1a7e9b2f4
Revises: f8c6e3571029
Create Date: 2026-11-30 01:05:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "c3d1a7e9b2f4"
down_revision = "f8c6e3571029"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "letter_day_summaries",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("sent_on", sa.Date(), nullable=False),
        sa.Column("letters", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("day", "sent_on", name=op.f("pk_letter_day_summaries")),
    )
    op.execute("DELETE FROM need_summaries")
    op.execute("DELETE FROM need_summary_days")


def downgrade():
    op.drop_table("letter_day_summaries")
