"""Conversations, messages and anonymous enquiry records.

Revision ID: 0001
Revises:
Create Date: 2026-11-23
"""
from alembic import op
import sqlalchemy as sa

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "enquiry",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("day", sa.Date, nullable=False, index=True),
        sa.Column("financial_year", sa.String(7), nullable=False),
        sa.Column("channel", sa.String(8), nullable=False),
        sa.Column("language_requested", sa.String(2), nullable=False),
        sa.Column("language_delivered", sa.String(2), nullable=False),
        sa.Column("theme", sa.String(40), nullable=False),
        sa.Column("topic", sa.String(40), nullable=False),
        sa.Column("outcome", sa.String(40), nullable=False),
        sa.Column("enquirer", sa.String(20), nullable=False),
    )
    op.create_table(
        "conversation",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("channel", sa.String(8), nullable=False),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("language", sa.String(2), nullable=False),
        sa.Column("priority", sa.String(8)),
        sa.Column("handoff_reason", sa.String(16)),
        sa.Column("handoff_summary", sa.JSON),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("updated_at", sa.DateTime, nullable=False),
        sa.Column("waiting_since", sa.DateTime),
        sa.Column("enquiry_id", sa.Integer, sa.ForeignKey("enquiry.id", ondelete="SET NULL")),
    )
    op.create_index("ix_conversation_queue", "conversation", ["status", "priority", "waiting_since"])
    op.create_table(
        "message",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("conversation_id", sa.String(32),
                  sa.ForeignKey("conversation.id", ondelete="CASCADE"), nullable=False, index=True),
        sa.Column("sender", sa.String(8), nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("payload", sa.JSON),
        sa.Column("created_at", sa.DateTime, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("message")
    op.drop_index("ix_conversation_queue", "conversation")
    op.drop_table("conversation")
    op.drop_table("enquiry")
