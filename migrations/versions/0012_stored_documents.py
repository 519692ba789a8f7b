"""Store each certificate's PDF when it is issued

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-30 16:05:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('certificate_pdf',
    sa.Column('certificate_id', sa.Integer(), nullable=False),
    sa.Column('pdf', sa.LargeBinary(), nullable=False),
    sa.Column('rendered_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['certificate_id'], ['certificate.id'], name=op.f('fk_certificate_pdf_certificate_id_certificate'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('certificate_id', name=op.f('pk_certificate_pdf'))
    )


def downgrade():
    op.drop_table('certificate_pdf')
