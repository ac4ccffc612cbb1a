"""phrases are one line: 300 characters, as the forms always allowed

Revision ID: 3880bc8bd15c
Revises: 26e42ad752ec
Create Date: 2026-11-29 16:49:03.516960

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '3880bc8bd15c'
down_revision = '26e42ad752ec'
branch_labels = None
depends_on = None


def upgrade():
    # The phrasebook form has always refused more than 300 characters, so no stored phrase is
    # longer: the column now says the same as the form (one limit, from the model).
    with op.batch_alter_table('phrases', schema=None) as batch_op:
        batch_op.alter_column('russian',
               existing_type=sa.VARCHAR(length=2000),
               type_=sa.String(length=300),
               existing_nullable=False)
        batch_op.alter_column('english',
               existing_type=sa.VARCHAR(length=2000),
               type_=sa.String(length=300),
               existing_nullable=False)
        batch_op.alter_column('german',
               existing_type=sa.VARCHAR(length=2000),
               type_=sa.String(length=300),
               existing_nullable=False)



def downgrade():
    with op.batch_alter_table('phrases', schema=None) as batch_op:
        batch_op.alter_column('german',
               existing_type=sa.String(length=300),
               type_=sa.VARCHAR(length=2000),
               existing_nullable=False)
        batch_op.alter_column('english',
               existing_type=sa.String(length=300),
               type_=sa.VARCHAR(length=2000),
               existing_nullable=False)
        batch_op.alter_column('russian',
               existing_type=sa.String(length=300),
               type_=sa.VARCHAR(length=2000),
               existing_nullable=False)

