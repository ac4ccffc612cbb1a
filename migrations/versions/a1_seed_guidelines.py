"""seed the guidelines for writers (English and Russian)

Revision ID: a1_seed_guidelines
Revises: 3344effea956
Create Date: 2026-11-27 21:40:00

"""

revision = "a1_seed_guidelines"
down_revision = "3344effea956"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
