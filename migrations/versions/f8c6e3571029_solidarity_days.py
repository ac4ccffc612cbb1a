"""Solidarity days (issue 15): a campaign's public call in several languages, actions other
groups report back (with photos), a payment reference on campaigns and prisoners, a prisoner's
needs, and the group's donation instructions.

Revision ID: f8c6e3571029
Revises: 491b68b040cf
Create Date: 2026-11-30 00:45:04

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "f8c6e3571029"
down_revision = "491b68b040cf"
branch_labels = None
depends_on = None

ACTION_KINDS = ("evening", "street", "banner", "stall", "concert", "other")


def upgrade():
    op.create_table(
        "campaign_calls",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("evenings", sa.Text(), server_default="", nullable=False),
        sa.Column("updated_on", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(
            ["campaign_id"],
            ["campaigns.id"],
            name=op.f("fk_campaign_calls_campaign_id_campaigns"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_campaign_calls")),
        sa.UniqueConstraint("campaign_id", "language", name=op.f("uq_campaign_calls_campaign_id")),
    )
    op.create_table(
        "campaign_actions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(*ACTION_KINDS, name="actionkind", native_enum=False, length=20),
            nullable=False,
        ),
        sa.Column("city", sa.String(length=100), nullable=False),
        sa.Column("country_code", sa.String(length=2), nullable=False),
        sa.Column("happened_on", sa.Date(), nullable=False),
        sa.Column("description", sa.String(length=2000), nullable=False),
        sa.Column("link", sa.String(length=500), server_default="", nullable=False),
        sa.Column("published", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("received_on", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(
            ["campaign_id"],
            ["campaigns.id"],
            name=op.f("fk_campaign_actions_campaign_id_campaigns"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_campaign_actions")),
    )
    with op.batch_alter_table("campaign_actions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_campaign_actions_campaign_id"), ["campaign_id"])
    op.create_table(
        "action_photos",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("action_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("width", sa.Integer(), nullable=False),
        sa.Column("height", sa.Integer(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["action_id"],
            ["campaign_actions.id"],
            name=op.f("fk_action_photos_action_id_campaign_actions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_action_photos")),
    )
    with op.batch_alter_table("action_photos", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_action_photos_action_id"), ["action_id"])

    with op.batch_alter_table("campaigns", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("call_published", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
        batch_op.add_column(
            sa.Column("payment_reference", sa.String(length=40), server_default="", nullable=False)
        )
        batch_op.add_column(
            sa.Column("poster_language", sa.String(length=8), server_default="", nullable=False)
        )
    with op.batch_alter_table("group_settings", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("donation_instructions", sa.Text(), server_default="", nullable=False)
        )
    with op.batch_alter_table("prisoners", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("payment_reference", sa.String(length=40), server_default="", nullable=False)
        )
        batch_op.add_column(
            sa.Column("needs_note", sa.String(length=2000), server_default="", nullable=False)
        )


def downgrade():
    with op.batch_alter_table("prisoners", schema=None) as batch_op:
        batch_op.drop_column("needs_note")
        batch_op.drop_column("payment_reference")
    with op.batch_alter_table("group_settings", schema=None) as batch_op:
        batch_op.drop_column("donation_instructions")
    with op.batch_alter_table("campaigns", schema=None) as batch_op:
        batch_op.drop_column("poster_language")
        batch_op.drop_column("payment_reference")
        batch_op.drop_column("call_published")
    with op.batch_alter_table("action_photos", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_action_photos_action_id"))
    op.drop_table("action_photos")
    with op.batch_alter_table("campaign_actions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_campaign_actions_campaign_id"))
    op.drop_table("campaign_actions")
    op.drop_table("campaign_calls")
