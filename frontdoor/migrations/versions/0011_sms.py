"""SMS conversations: the number to reply to; the area an enquiry asked about.

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-23
"""
from alembic import op
import sqlalchemy as sa

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("conversation") as t:
        t.add_column(sa.Column("sms_number", sa.String(20)))
        t.create_index("ix_conversation_sms_number", ["sms_number"])
    with op.batch_alter_table("enquiry") as t:
        t.add_column(sa.Column("area", sa.String(60)))


def downgrade() -> None:
    with op.batch_alter_table("enquiry") as t:
        t.drop_column("area")
    with op.batch_alter_table("conversation") as t:
        t.drop_index("ix_conversation_sms_number")
        t.drop_column("sms_number")
