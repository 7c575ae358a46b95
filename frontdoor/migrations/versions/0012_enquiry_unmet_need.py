"""Enquiry records keep an unmet need (no service in the directory fitted) whatever the final
outcome.

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-23
"""
from alembic import op
import sqlalchemy as sa

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("enquiry") as t:
        t.add_column(sa.Column("unmet_need", sa.Boolean, nullable=False, server_default=sa.false()))
    # Records made before this column: no_service_found was their outcome only if nothing outranked it.
    enquiry = sa.table("enquiry", sa.column("unmet_need", sa.Boolean), sa.column("outcome", sa.String))
    op.execute(enquiry.update().where(enquiry.c.outcome == "no_service_found").values(unmet_need=True))


def downgrade() -> None:
    with op.batch_alter_table("enquiry") as t:
        t.drop_column("unmet_need")
