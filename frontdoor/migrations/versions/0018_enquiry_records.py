"""Enquiry records for publication (the statistics issue): the handoff reason, the response
against the three-working-day standard (working days taken and whether within it; no timestamp),
whether the person had contacted the service about this before (measure 23), and the taxonomy
term of each directory service offered (`enquiry_service`).

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-03
"""
from alembic import op
import sqlalchemy as sa

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None

DASHBOARD_COLUMNS = ("day", "theme", "topic", "outcome", "channel", "language_requested", "language_delivered",
                     "enquirer", "unmet_need", "handoff_reason", "response_within_standard", "feedback",
                     "contacted_before", "staff_outcome", "area", "response_working_days", "financial_year")


def upgrade() -> None:
    # Nullable columns: a plain ADD COLUMN on SQLite and PostgreSQL.
    op.add_column("enquiry", sa.Column("handoff_reason", sa.String(16)))
    op.add_column("enquiry", sa.Column("response_working_days", sa.Integer))
    op.add_column("enquiry", sa.Column("response_within_standard", sa.Boolean))
    op.add_column("enquiry", sa.Column("contacted_before", sa.String(8)))
    op.create_table(
        "enquiry_service",
        sa.Column("enquiry_id", sa.Integer, sa.ForeignKey("enquiry.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("term", sa.String(60), primary_key=True),
    )
    # Records made before: the reason of a handoff their outcome names.
    enquiry = sa.table("enquiry", sa.column("handoff_reason", sa.String), sa.column("outcome", sa.String))
    for outcome, reason in (("handoff_advice", "advice"), ("handoff_assistance", "assistance"),
                            ("handoff_requested", "requested"), ("safeguarding_handoff", "safeguarding")):
        op.execute(enquiry.update().where(enquiry.c.outcome == outcome).values(handoff_reason=reason))
    # Every dashboard query and export filters on the day and groups by a few dimensions: one
    # covering index, in day order, holds every column they read, so a financial year's counts come
    # from a range scan of the index, never the table (bench/insights.py: under half a second per
    # query at a million records on SQLite, from about two seconds without it).
    op.create_index("ix_enquiry_dashboard", "enquiry", list(DASHBOARD_COLUMNS))

def downgrade() -> None:
    op.drop_index("ix_enquiry_dashboard", "enquiry")
    op.drop_table("enquiry_service")
    with op.batch_alter_table("enquiry") as t:
        for col in ("contacted_before", "response_within_standard", "response_working_days", "handoff_reason"):
            t.drop_column(col)
