"""Staff accounts say who speaks Welsh: Welsh conversations are offered to them first, and the
enquiry record counts a handed-off conversation as delivered in Welsh only when they replied.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-03
"""
from alembic import op
import sqlalchemy as sa

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A plain ADD COLUMN on both SQLite and PostgreSQL: NOT NULL with a default needs no table
    # rebuild (a rebuild of staff_user would cascade to its sessions: see 0014). Existing accounts
    # are not Welsh speakers until an administrator says so (`iaa user welsh USERNAME on`).
    op.add_column("staff_user", sa.Column("speaks_welsh", sa.Boolean, nullable=False, server_default=sa.false()))


def downgrade() -> None:
    op.drop_column("staff_user", "speaks_welsh")
