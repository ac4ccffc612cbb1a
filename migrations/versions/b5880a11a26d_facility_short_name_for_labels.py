"""Facility short name for labels (issue 12): an optional abbreviation printed on labels, and
on envelopes whose block does not fit with the full name.

Revision ID: b5880a11a26d
Revises: 7e34e7cad884
Create Date: 2026-11-29 19:40:23.345003

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "b5880a11a26d"
down_revision = "7e34e7cad884"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("facilities", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("label_name", sa.String(length=300), server_default="", nullable=False)
        )


def downgrade():
    with op.batch_alter_table("facilities", schema=None) as batch_op:
        batch_op.drop_column("label_name")
