"""Directory in Welsh: an organisation's Welsh name and description (the `x_translations`
extension, directory/validation.py). A service's Welsh text already has columns (0003).

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-03
"""
from alembic import op
import sqlalchemy as sa

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Nullable columns: a plain ADD COLUMN on SQLite and PostgreSQL, no table rebuild.
    op.add_column("dir_organization", sa.Column("name_cy", sa.String(255)))
    op.add_column("dir_organization", sa.Column("description_cy", sa.Text))


def downgrade() -> None:
    op.drop_column("dir_organization", "description_cy")
    op.drop_column("dir_organization", "name_cy")
