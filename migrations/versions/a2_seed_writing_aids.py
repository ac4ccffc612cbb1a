"""seed letter templates, the phrasebook and the list of things to avoid

Revision ID: a2_seed_writing_aids
Revises: a1_seed_guidelines
Create Date: 2026-11-27 21:40:00

"""

revision = "a2_seed_writing_aids"
down_revision = "a1_seed_guidelines"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
