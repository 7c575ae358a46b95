"""Staff console: users, sessions, notes, audit log; handoff fields on conversations.

Revision ID: 0010
Revises: 0003
Create Date: 2026-11-23
"""
from alembic import op
import sqlalchemy as sa

revision = "0010"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "staff_user",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("username", sa.String(64), nullable=False, unique=True),
        sa.Column("first_name", sa.String(64), nullable=False),
        sa.Column("role", sa.String(12), nullable=False),
        sa.Column("password_hash", sa.String(255), nullable=False),
        sa.Column("failed_logins", sa.Integer, nullable=False, server_default="0"),
        sa.Column("locked_until", sa.DateTime),
        sa.Column("created_at", sa.DateTime, nullable=False),
    )
    op.create_table(
        "staff_session",
        sa.Column("token_hash", sa.String(64), primary_key=True),
        sa.Column("user_id", sa.Integer, sa.ForeignKey("staff_user.id", ondelete="CASCADE"), nullable=False, index=True),
        sa.Column("csrf_token", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("expires_at", sa.DateTime, nullable=False),
    )
    op.create_table(
        "staff_note",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("conversation_id", sa.String(32), sa.ForeignKey("conversation.id", ondelete="CASCADE"),
                  nullable=False, index=True),
        sa.Column("author_id", sa.Integer, sa.ForeignKey("staff_user.id"), nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
    )
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("at", sa.DateTime, nullable=False, index=True),
        sa.Column("user_id", sa.Integer, sa.ForeignKey("staff_user.id", ondelete="SET NULL")),
        sa.Column("username", sa.String(64)),
        sa.Column("action", sa.String(32), nullable=False),
        sa.Column("conversation_id", sa.String(32)),
        sa.Column("detail", sa.String(255), nullable=False),
    )
    with op.batch_alter_table("conversation") as t:
        t.add_column(sa.Column("assigned_to", sa.Integer, sa.ForeignKey("staff_user.id", name="fk_conversation_staff", ondelete="SET NULL")))
        t.add_column(sa.Column("claimed_at", sa.DateTime))
        t.add_column(sa.Column("first_response_at", sa.DateTime))
        t.add_column(sa.Column("closed_at", sa.DateTime))
        t.add_column(sa.Column("callback_state", sa.String(16)))
        t.add_column(sa.Column("callback_phone", sa.String(20)))
        t.add_column(sa.Column("callback_consented_at", sa.DateTime))
    with op.batch_alter_table("message") as t:
        t.add_column(sa.Column("author_id", sa.Integer, sa.ForeignKey("staff_user.id", name="fk_message_staff", ondelete="SET NULL")))
    with op.batch_alter_table("enquiry") as t:
        t.add_column(sa.Column("staff_outcome", sa.String(24)))
        t.add_column(sa.Column("feedback", sa.String(8)))


def downgrade() -> None:
    with op.batch_alter_table("enquiry") as t:
        t.drop_column("feedback")
        t.drop_column("staff_outcome")
    with op.batch_alter_table("message") as t:
        t.drop_column("author_id")
    with op.batch_alter_table("conversation") as t:
        for col in ("callback_consented_at", "callback_phone", "callback_state", "closed_at",
                    "first_response_at", "claimed_at", "assigned_to"):
            t.drop_column(col)
    for table in ("audit_log", "staff_note", "staff_session", "staff_user"):
        op.drop_table(table)
