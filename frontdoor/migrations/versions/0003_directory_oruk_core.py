"""Directory: the rest of the Open Referral UK 3.0 core (addresses, contacts, schedules, service
areas, languages, cost options, taxonomies and service attributes) and Welsh text.

Location addresses move from columns on dir_location to their own table (ORUK allows several per
location). Tables that other tables reference only ever get columns added or dropped in place (no
batch copy), so this runs on a populated SQLite database with foreign keys on, and on PostgreSQL.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23
"""
import sqlite3

from alembic import op
import sqlalchemy as sa

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

ID = 64


def _sqlite_can_drop_columns() -> bool:
    return sqlite3.sqlite_version_info >= (3, 35, 0)


def _rebuild(table: str, columns, copy: str) -> None:
    """Replaces a table no other table references: create, copy the named columns, drop, rename."""
    op.create_table(f"{table}_new", *columns)
    op.get_bind().execute(sa.text(f"INSERT INTO {table}_new ({copy}) SELECT {copy} FROM {table}"))
    op.drop_table(table)
    op.rename_table(f"{table}_new", table)
    for c in columns:
        if c.index:
            op.drop_index(f"ix_{table}_new_{c.name}", table_name=table)
            op.create_index(f"ix_{table}_{c.name}", table, [c.name])


def upgrade() -> None:
    bind = op.get_bind()
    sqlite = bind.dialect.name == "sqlite"
    _add_core_columns()
    _locations_and_addresses(bind, sqlite)
    _contacts_and_phones()
    _schedules_areas_languages_costs()
    _taxonomies_attributes_and_meta()


def _add_core_columns() -> None:
    """The new columns on dir_organization, dir_service (with its two indexes) and dir_location."""
    for name, col in [("uri", sa.String(500)), ("logo", sa.String(500)),
                      ("parent_organization_id", sa.String(ID))]:
        op.add_column("dir_organization", sa.Column(name, col))

    for name, col in [("name_cy", sa.String(255)), ("description_cy", sa.Text), ("keywords", sa.Text),
                      ("fees", sa.Text), ("accreditations", sa.Text), ("assurer_email", sa.String(255)),
                      ("alert", sa.Text)]:
        op.add_column("dir_service", sa.Column(name, col))
    op.add_column("dir_service", sa.Column("welsh_medium", sa.Boolean, nullable=False,
                                           server_default=sa.false()))
    op.create_index("ix_dir_service_welsh_medium", "dir_service", ["welsh_medium"])
    op.create_index("ix_dir_service_status", "dir_service", ["status"])

    op.add_column("dir_location", sa.Column("location_type", sa.String(16), nullable=False,
                                            server_default="physical"))
    for name, col in [("description", sa.Text), ("latitude", sa.Float), ("longitude", sa.Float),
                      ("external_identifier", sa.String(255)), ("external_identifier_type", sa.String(64))]:
        op.add_column("dir_location", sa.Column(name, col))


def _locations_and_addresses(bind, sqlite: bool) -> None:
    """dir_service_at_location rekeyed; dir_address, filled from the old location columns, which go."""
    # Service-owned rows are keyed by (service_id, id): ORUK feeds repeat one embedded object (a
    # shared phone) in several services. Nothing references these two tables, so they are rebuilt.
    _rebuild("dir_service_at_location", [
        sa.Column("service_id", sa.String(ID), sa.ForeignKey("dir_service.id", ondelete="CASCADE"),
                  primary_key=True),
        sa.Column("id", sa.String(ID), primary_key=True),
        sa.Column("location_id", sa.String(ID), sa.ForeignKey("dir_location.id"), nullable=False, index=True),
        sa.Column("description", sa.Text),
    ], "service_id, id, location_id")

    op.create_table(
        "dir_address",
        sa.Column("location_id", sa.String(ID), sa.ForeignKey("dir_location.id", ondelete="CASCADE"),
                  primary_key=True),
        sa.Column("id", sa.String(ID), primary_key=True),
        sa.Column("attention", sa.String(255)),
        sa.Column("address_1", sa.String(255)),
        sa.Column("address_2", sa.String(255)),
        sa.Column("city", sa.String(120), index=True),
        sa.Column("region", sa.String(120)),
        sa.Column("state_province", sa.String(120)),
        sa.Column("postal_code", sa.String(16)),
        sa.Column("country", sa.String(2)),
        sa.Column("address_type", sa.String(16)),
    )
    # Each location's one address (0002 kept it on the location) becomes an address row.
    bind.execute(sa.text(
        "INSERT INTO dir_address (id, location_id, address_1, city, postal_code, country, address_type) "
        "SELECT id, id, address_1, city, postal_code, 'GB', 'physical' FROM dir_location "
        "WHERE address_1 IS NOT NULL OR city IS NOT NULL OR postal_code IS NOT NULL"))
    if not sqlite or _sqlite_can_drop_columns():
        op.drop_index("ix_dir_location_city", table_name="dir_location")
        for name in ("address_1", "city", "postal_code"):
            op.drop_column("dir_location", name)
    # (On SQLite older than 3.35 the three old columns stay, nullable and unused.)


def _contacts_and_phones() -> None:
    """dir_contact, and dir_phone rekeyed by (service_id, id) with ORUK's other phone fields."""
    op.create_table(
        "dir_contact",
        sa.Column("service_id", sa.String(ID), sa.ForeignKey("dir_service.id", ondelete="CASCADE"),
                  primary_key=True),
        sa.Column("id", sa.String(ID), primary_key=True),
        sa.Column("name", sa.String(255)),
        sa.Column("title", sa.String(255)),
        sa.Column("department", sa.String(255)),
        sa.Column("email", sa.String(255)),
    )
    _rebuild("dir_phone", [
        sa.Column("service_id", sa.String(ID), sa.ForeignKey("dir_service.id", ondelete="CASCADE"),
                  primary_key=True),
        sa.Column("id", sa.String(ID), primary_key=True),
        sa.Column("contact_id", sa.String(ID)),
        sa.Column("number", sa.String(40), nullable=False),
        sa.Column("extension", sa.String(16)),
        sa.Column("type", sa.String(32)),
        sa.Column("description", sa.Text),
    ], "service_id, id, number")


def _schedules_areas_languages_costs() -> None:
    """The other service-owned tables, keyed by (service_id, id)."""
    op.create_table(
        "dir_schedule",
        sa.Column("service_id", sa.String(ID), sa.ForeignKey("dir_service.id", ondelete="CASCADE"),
                  primary_key=True),
        sa.Column("id", sa.String(ID), primary_key=True),
        sa.Column("service_at_location_id", sa.String(ID)),
        sa.Column("valid_from", sa.Date),
        sa.Column("valid_to", sa.Date),
        sa.Column("dtstart", sa.Date),
        sa.Column("until", sa.Date),
        sa.Column("freq", sa.String(8)),
        sa.Column("interval", sa.Integer),
        sa.Column("byday", sa.String(64)),
        sa.Column("bymonthday", sa.String(64)),
        sa.Column("opens_at", sa.String(16)),
        sa.Column("closes_at", sa.String(16)),
        sa.Column("description", sa.Text),
        sa.Column("description_cy", sa.Text),
        sa.Column("schedule_link", sa.String(500)),
        sa.Column("attending_type", sa.String(255)),
        sa.Column("notes", sa.Text),
    )
    op.create_table(
        "dir_service_area",
        sa.Column("service_id", sa.String(ID), sa.ForeignKey("dir_service.id", ondelete="CASCADE"),
                  primary_key=True),
        sa.Column("id", sa.String(ID), primary_key=True),
        sa.Column("name", sa.String(255)),
        sa.Column("description", sa.Text),
        sa.Column("extent", sa.Text),
        sa.Column("extent_type", sa.String(32)),
        sa.Column("uri", sa.String(500)),
    )
    op.create_table(
        "dir_language",
        sa.Column("service_id", sa.String(ID), sa.ForeignKey("dir_service.id", ondelete="CASCADE"),
                  primary_key=True),
        sa.Column("id", sa.String(ID), primary_key=True),
        sa.Column("name", sa.String(100)),
        sa.Column("code", sa.String(16)),
        sa.Column("note", sa.Text),
        sa.Column("phone_id", sa.String(ID)),
    )
    op.create_table(
        "dir_cost_option",
        sa.Column("service_id", sa.String(ID), sa.ForeignKey("dir_service.id", ondelete="CASCADE"),
                  primary_key=True),
        sa.Column("id", sa.String(ID), primary_key=True),
        sa.Column("valid_from", sa.Date),
        sa.Column("valid_to", sa.Date),
        sa.Column("option", sa.Text),
        sa.Column("amount", sa.Numeric(12, 2)),
        sa.Column("currency", sa.String(3)),
        sa.Column("amount_description", sa.Text),
    )


def _taxonomies_attributes_and_meta() -> None:
    """dir_taxonomy, dir_taxonomy_term, dir_service_attribute (a service's terms) and dir_meta."""
    op.create_table(
        "dir_taxonomy",
        sa.Column("id", sa.String(ID), primary_key=True),
        sa.Column("name", sa.String(255), nullable=False),
        sa.Column("description", sa.Text, nullable=False),
        sa.Column("uri", sa.String(500)),
        sa.Column("version", sa.String(64)),
    )
    op.create_table(
        "dir_taxonomy_term",
        sa.Column("id", sa.String(ID), primary_key=True),
        sa.Column("taxonomy_id", sa.String(ID), sa.ForeignKey("dir_taxonomy.id", ondelete="SET NULL"),
                  index=True),
        sa.Column("taxonomy", sa.String(255)),
        sa.Column("term", sa.String(255), index=True),
        sa.Column("name", sa.String(255), nullable=False),
        sa.Column("name_cy", sa.String(255)),
        sa.Column("description", sa.Text, nullable=False),
        sa.Column("parent_id", sa.String(ID)),
        sa.Column("term_uri", sa.String(500)),
    )
    op.create_table(
        "dir_service_attribute",
        sa.Column("service_id", sa.String(ID), sa.ForeignKey("dir_service.id", ondelete="CASCADE"),
                  primary_key=True),
        sa.Column("id", sa.String(ID), primary_key=True),
        sa.Column("taxonomy_term_id", sa.String(ID), sa.ForeignKey("dir_taxonomy_term.id"),
                  nullable=False, index=True),
        sa.Column("link_type", sa.String(64)),
        sa.Column("value", sa.Text),
    )
    op.create_table(
        "dir_meta",
        sa.Column("key", sa.String(64), primary_key=True),
        sa.Column("value", sa.String(255), nullable=False),
    )


def downgrade() -> None:
    bind = op.get_bind()
    sqlite = bind.dialect.name == "sqlite"
    for table in ("dir_meta", "dir_service_attribute", "dir_taxonomy_term", "dir_taxonomy",
                  "dir_cost_option", "dir_language", "dir_service_area", "dir_schedule"):
        op.drop_table(table)
    _rebuild("dir_phone", [
        sa.Column("id", sa.String(ID), primary_key=True),
        sa.Column("service_id", sa.String(ID), sa.ForeignKey("dir_service.id", ondelete="CASCADE"),
                  nullable=False, index=True),
        sa.Column("number", sa.String(40), nullable=False),
    ], "id, service_id, number")
    op.drop_table("dir_contact")

    inspector = sa.inspect(bind)
    existing = {c["name"] for c in inspector.get_columns("dir_location")}
    if "city" not in existing:
        op.add_column("dir_location", sa.Column("address_1", sa.String(255)))
        op.add_column("dir_location", sa.Column("city", sa.String(120)))
        op.add_column("dir_location", sa.Column("postal_code", sa.String(16)))
        op.create_index("ix_dir_location_city", "dir_location", ["city"])
    for name in ("address_1", "city", "postal_code"):
        bind.execute(sa.text(
            f"UPDATE dir_location SET {name} = (SELECT a.{name} FROM dir_address a "
            "WHERE a.location_id = dir_location.id ORDER BY a.id LIMIT 1)"))
    op.drop_table("dir_address")

    _rebuild("dir_service_at_location", [
        sa.Column("id", sa.String(ID), primary_key=True),
        sa.Column("service_id", sa.String(ID), sa.ForeignKey("dir_service.id", ondelete="CASCADE"),
                  nullable=False, index=True),
        sa.Column("location_id", sa.String(ID), sa.ForeignKey("dir_location.id"), nullable=False),
    ], "id, service_id, location_id")
    if not sqlite or _sqlite_can_drop_columns():
        for name in ("external_identifier_type", "external_identifier", "longitude", "latitude",
                     "description", "location_type"):
            op.drop_column("dir_location", name)
        op.drop_index("ix_dir_service_status", table_name="dir_service")
        op.drop_index("ix_dir_service_welsh_medium", table_name="dir_service")
        for name in ("welsh_medium", "alert", "assurer_email", "accreditations", "fees", "keywords",
                     "description_cy", "name_cy"):
            op.drop_column("dir_service", name)
        for name in ("parent_organization_id", "logo", "uri"):
            op.drop_column("dir_organization", name)
