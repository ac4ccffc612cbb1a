"""Following other groups' lists (issue 16): the sources a group follows, which local people
are linked to which of their people, the changes a sync proposes, the letters per day they
publish, and the group's choice to publish its own letters per day.

Revision ID: a85ae4c480c3
Revises: c3d1a7e9b2f4
Create Date: 2026-11-30 04:04:08

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "a85ae4c480c3"
down_revision = "c3d1a7e9b2f4"
branch_labels = None
depends_on = None

CHANGE_KINDS = ("new_person", "transfer", "status", "name", "languages", "unlisted")


def upgrade():
    op.create_table(
        "sources",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("base_url", sa.String(length=500), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("added_on", sa.Date(), nullable=False),
        sa.Column("last_attempt_on", sa.Date(), nullable=True),
        sa.Column("last_success_on", sa.Date(), nullable=True),
        sa.Column("last_error", sa.Text(), server_default="", nullable=False),
        sa.Column("synced_through", sa.Date(), nullable=True),
        sa.Column("read_letters", sa.Boolean(), server_default=sa.true(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sources")),
        sa.UniqueConstraint("base_url", name=op.f("uq_sources_base_url")),
    )
    op.create_table(
        "source_letter_days",
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("remote_id", sa.BigInteger(), nullable=False),
        sa.Column("sent_on", sa.Date(), nullable=False),
        sa.Column("letters", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["source_id"],
            ["sources.id"],
            name=op.f("fk_source_letter_days_source_id_sources"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "source_id", "remote_id", "sent_on", name=op.f("pk_source_letter_days")
        ),
    )
    op.create_table(
        "source_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("remote_id", sa.BigInteger(), nullable=False),
        sa.Column("prisoner_id", sa.Integer(), nullable=True),
        sa.Column(
            "kind",
            sa.Enum(*CHANGE_KINDS, name="changekind", native_enum=False, length=20),
            nullable=False,
        ),
        sa.Column("old", sa.Text(), nullable=False),
        sa.Column("new", sa.Text(), nullable=False),
        sa.Column("proposed_on", sa.Date(), nullable=False),
        sa.Column("dismissed", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.ForeignKeyConstraint(
            ["prisoner_id"],
            ["prisoners.id"],
            name=op.f("fk_source_changes_prisoner_id_prisoners"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["source_id"],
            ["sources.id"],
            name=op.f("fk_source_changes_source_id_sources"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_source_changes")),
        sa.UniqueConstraint(
            "source_id", "remote_id", "kind", name=op.f("uq_source_changes_source_id")
        ),
    )
    with op.batch_alter_table("source_changes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_source_changes_prisoner_id"), ["prisoner_id"])
    op.create_table(
        "source_links",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("remote_id", sa.BigInteger(), nullable=False),
        sa.Column("prisoner_id", sa.Integer(), nullable=False),
        sa.Column("seen", sa.Text(), nullable=False),
        sa.Column("linked_on", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(
            ["prisoner_id"],
            ["prisoners.id"],
            name=op.f("fk_source_links_prisoner_id_prisoners"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["source_id"],
            ["sources.id"],
            name=op.f("fk_source_links_source_id_sources"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_source_links")),
        sa.UniqueConstraint("prisoner_id", "source_id", name=op.f("uq_source_links_prisoner_id")),
        sa.UniqueConstraint("source_id", "remote_id", name=op.f("uq_source_links_source_id")),
    )
    with op.batch_alter_table("group_settings", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "publish_letter_days", sa.Boolean(), server_default=sa.false(), nullable=False
            )
        )


def downgrade():
    with op.batch_alter_table("group_settings", schema=None) as batch_op:
        batch_op.drop_column("publish_letter_days")
    op.drop_table("source_links")
    with op.batch_alter_table("source_changes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_source_changes_prisoner_id"))
    op.drop_table("source_changes")
    op.drop_table("source_letter_days")
    op.drop_table("sources")
