"""Staff accounts: an account can be disabled (it cannot sign in and its sessions stop working).

failed_logins and locked_until stay in the table, unused: sign-in failures now back off per client
address in the process. Dropping them would make SQLite rebuild staff_user, and with foreign keys
on, dropping the old table would cascade to sessions and null every row that names a staff member.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-08
"""
from alembic import op
import sqlalchemy as sa

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A plain ADD COLUMN on both SQLite and PostgreSQL (a nullable column needs no table rebuild).
    op.add_column("staff_user", sa.Column("disabled_at", sa.DateTime))


def downgrade() -> None:
    # Dropping a column is native in SQLite 3.35 and later, so staff_user is not rebuilt.
    op.drop_column("staff_user", "disabled_at")
