"""SMS as a real text service: numbers kept as a keyed hash (HMAC) with the number itself sealed
(encrypted) only while a reply may be needed; each webhook's MessageSid remembered with the answer
it got (a retry or replay is answered the same and stores nothing); numbers that texted STOP; every
outgoing text with its Twilio status; the rest of a long reply kept for "MORE".

The plain `conversation.sms_number` column stays for now (channels/sms.py seals any value left in
it at start and clears it), so downgrade loses nothing a running 0016 front door needs.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-03
"""
from alembic import op
import sqlalchemy as sa

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Nullable columns: a plain ADD COLUMN on SQLite and PostgreSQL, no table rebuild.
    op.add_column("conversation", sa.Column("sms_number_hash", sa.String(64)))
    op.add_column("conversation", sa.Column("sms_number_sealed", sa.String(255)))
    op.add_column("conversation", sa.Column("sms_more", sa.Text))
    op.add_column("conversation", sa.Column("sms_opted_out_at", sa.DateTime))
    op.create_index("ix_conversation_sms_number_hash", "conversation", ["sms_number_hash"])

    op.create_table(
        "sms_inbound",
        sa.Column("message_sid", sa.String(64), primary_key=True),
        sa.Column("conversation_id", sa.String(32), sa.ForeignKey("conversation.id", ondelete="SET NULL")),
        sa.Column("received_at", sa.DateTime, nullable=False),
        sa.Column("state", sa.String(12), nullable=False),  # answering | answered | deferred
        sa.Column("reply", sa.Text),  # the TwiML answered, given again to a retry; cleared by retention
    )
    op.create_index("ix_sms_inbound_received_at", "sms_inbound", ["received_at"])
    op.create_index("ix_sms_inbound_conversation_id", "sms_inbound", ["conversation_id"])

    op.create_table(
        "sms_opt_out",
        sa.Column("number_hash", sa.String(64), primary_key=True),
        sa.Column("opted_out_at", sa.DateTime, nullable=False),
        sa.Column("keyword", sa.String(16)),
        sa.Column("language", sa.String(2)),
    )

    op.create_table(
        "sms_outbound",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("conversation_id", sa.String(32), sa.ForeignKey("conversation.id", ondelete="SET NULL")),
        sa.Column("message_id", sa.Integer, sa.ForeignKey("message.id", ondelete="SET NULL")),
        sa.Column("twilio_sid", sa.String(64), unique=True),
        sa.Column("kind", sa.String(12), nullable=False),  # reply | deferred | staff | more | keyword
        sa.Column("status", sa.String(16), nullable=False),  # Twilio's, or "error" when the API refused
        sa.Column("error_code", sa.Integer),
        sa.Column("error_message", sa.String(255)),
        sa.Column("segments", sa.Integer),
        sa.Column("encoding", sa.String(8)),  # GSM-7 | UCS-2
        sa.Column("attempts", sa.Integer),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("updated_at", sa.DateTime, nullable=False),
    )
    op.create_index("ix_sms_outbound_conversation_id", "sms_outbound", ["conversation_id"])


def downgrade() -> None:
    op.drop_index("ix_sms_outbound_conversation_id", "sms_outbound")
    op.drop_table("sms_outbound")
    op.drop_table("sms_opt_out")
    op.drop_index("ix_sms_inbound_conversation_id", "sms_inbound")
    op.drop_index("ix_sms_inbound_received_at", "sms_inbound")
    op.drop_table("sms_inbound")
    op.drop_index("ix_conversation_sms_number_hash", "conversation")
    with op.batch_alter_table("conversation") as t:
        t.drop_column("sms_opted_out_at")
        t.drop_column("sms_more")
        t.drop_column("sms_number_sealed")
        t.drop_column("sms_number_hash")
