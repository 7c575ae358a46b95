"""Safeguarding flags: why a message was flagged, at what tier, the citizen's answer to a
check-in, and staff's review; the conversation's open check-in.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-03
"""
from alembic import op
import sqlalchemy as sa

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "safeguarding_flag",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("conversation_id", sa.String(32), sa.ForeignKey("conversation.id", ondelete="SET NULL")),
        sa.Column("message_id", sa.Integer, sa.ForeignKey("message.id", ondelete="SET NULL")),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("channel", sa.String(8), nullable=False),
        sa.Column("tier", sa.String(8), nullable=False),
        sa.Column("concern", sa.String(40), nullable=False),
        sa.Column("theme", sa.String(40), nullable=False),
        sa.Column("language", sa.String(2), nullable=False),
        sa.Column("cue", sa.String(80), nullable=False),
        sa.Column("score", sa.Float),
        sa.Column("in_context", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("answer", sa.String(8)),
        sa.Column("review", sa.String(12)),
        sa.Column("reviewed_by", sa.Integer, sa.ForeignKey("staff_user.id", ondelete="SET NULL")),
        sa.Column("reviewed_at", sa.DateTime),
    )
    op.create_index("ix_safeguarding_flag_conversation_id", "safeguarding_flag", ["conversation_id"])
    op.create_index("ix_safeguarding_flag_message_id", "safeguarding_flag", ["message_id"])
    op.create_index("ix_safeguarding_flag_created_at", "safeguarding_flag", ["created_at"])
    with op.batch_alter_table("conversation") as t:
        t.add_column(sa.Column("safeguarding_check_id", sa.Integer))
        t.create_foreign_key("fk_conversation_check", "safeguarding_flag", ["safeguarding_check_id"], ["id"],
                             ondelete="SET NULL")


def downgrade() -> None:
    with op.batch_alter_table("conversation") as t:
        t.drop_constraint("fk_conversation_check", type_="foreignkey")
        t.drop_column("safeguarding_check_id")
    op.drop_table("safeguarding_flag")
