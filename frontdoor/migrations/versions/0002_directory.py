"""Directory core tables (Open Referral UK 3.0 subset).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23
"""
from alembic import op
import sqlalchemy as sa

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "dir_organization",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("name", sa.String(255), nullable=False),
        sa.Column("description", sa.Text, nullable=False),
        sa.Column("email", sa.String(255)),
        sa.Column("website", sa.String(500)),
    )
    op.create_table(
        "dir_service",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("organization_id", sa.String(64), sa.ForeignKey("dir_organization.id"),
                  nullable=False, index=True),
        sa.Column("name", sa.String(255), nullable=False),
        sa.Column("description", sa.Text, nullable=False),
        sa.Column("url", sa.String(500)),
        sa.Column("email", sa.String(255)),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("minimum_age", sa.Integer),
        sa.Column("maximum_age", sa.Integer),
        sa.Column("assured_date", sa.Date),
        sa.Column("last_modified", sa.DateTime),
    )
    op.create_table(
        "dir_location",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("name", sa.String(255), nullable=False),
        sa.Column("address_1", sa.String(255)),
        sa.Column("city", sa.String(120), index=True),
        sa.Column("postal_code", sa.String(16)),
    )
    op.create_table(
        "dir_service_at_location",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("service_id", sa.String(64), sa.ForeignKey("dir_service.id", ondelete="CASCADE"),
                  nullable=False, index=True),
        sa.Column("location_id", sa.String(64), sa.ForeignKey("dir_location.id"), nullable=False),
    )
    op.create_table(
        "dir_phone",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("service_id", sa.String(64), sa.ForeignKey("dir_service.id", ondelete="CASCADE"),
                  nullable=False, index=True),
        sa.Column("number", sa.String(40), nullable=False),
    )


def downgrade() -> None:
    for table in ("dir_phone", "dir_service_at_location", "dir_location", "dir_service", "dir_organization"):
        op.drop_table(table)
