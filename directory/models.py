"""Directory tables: the Open Referral UK 3.0 core the bot answers from.

One row per ORUK object, keyed by the publisher's id (upserts are by id). Organisations, locations,
taxonomies and taxonomy terms are shared between services. Service-owned objects (service at
location links, phones, contacts, schedules, service areas, languages, cost options, attributes)
are keyed by (service_id, id) and deleted with their service: ORUK JSON feeds embed the same
object (a shared phone or contact) in several services, and each service keeps its own copy.
Addresses are likewise keyed by (location_id, id).

Local extensions to ORUK 3.0 (exported as extra properties, which the schemas allow):
`service.name_cy`, `service.description_cy`, `organization.name_cy`, `organization.description_cy`
(Welsh text, read from and exported as `x_translations`: validation.py), `service.keywords` (comma separated, as
in HSDS 1.1), `taxonomy_term.name_cy`, `schedule.description_cy`. `service.welsh_medium` is derived
from the service's languages (code `cy`) so Welsh-medium availability can be filtered directly.
"""
from __future__ import annotations

from sqlalchemy import (Boolean, Column, Date, DateTime, Float, ForeignKey, Integer, Numeric, String,
                        Text)
from sqlalchemy.orm import relationship

from iaa.models import Base

ID = 64  # ORUK ids are UUIDs (36 characters); other publishers' ids fit in 64


class Organization(Base):
    __tablename__ = "dir_organization"

    id = Column(String(ID), primary_key=True)
    name = Column(String(255), nullable=False)
    name_cy = Column(String(255))  # x_translations.cy (migration 0016)
    description = Column(Text, nullable=False, default="")
    description_cy = Column(Text)
    email = Column(String(255))
    website = Column(String(500))
    uri = Column(String(500))
    logo = Column(String(500))
    parent_organization_id = Column(String(ID))


class Service(Base):
    __tablename__ = "dir_service"

    id = Column(String(ID), primary_key=True)
    organization_id = Column(String(ID), ForeignKey("dir_organization.id"), nullable=False, index=True)
    name = Column(String(255), nullable=False)
    name_cy = Column(String(255))
    description = Column(Text, nullable=False, default="")
    description_cy = Column(Text)
    keywords = Column(Text)
    url = Column(String(500))
    email = Column(String(255))
    status = Column(String(20), nullable=False, default="active", index=True)
    fees = Column(Text)
    accreditations = Column(Text)
    minimum_age = Column(Integer)
    maximum_age = Column(Integer)
    assured_date = Column(Date)
    assurer_email = Column(String(255))
    alert = Column(Text)
    last_modified = Column(DateTime)
    welsh_medium = Column(Boolean, nullable=False, default=False, index=True)

    organization = relationship("Organization")
    locations = relationship("ServiceAtLocation", cascade="all, delete-orphan", order_by="ServiceAtLocation.id")
    phones = relationship("Phone", cascade="all, delete-orphan", order_by="Phone.id")
    contacts = relationship("Contact", cascade="all, delete-orphan", order_by="Contact.id")
    schedules = relationship("Schedule", cascade="all, delete-orphan", order_by="Schedule.id")
    service_areas = relationship("ServiceArea", cascade="all, delete-orphan", order_by="ServiceArea.id")
    languages = relationship("Language", cascade="all, delete-orphan", order_by="Language.id")
    cost_options = relationship("CostOption", cascade="all, delete-orphan", order_by="CostOption.id")
    attributes = relationship("ServiceAttribute", cascade="all, delete-orphan", order_by="ServiceAttribute.id")


class Location(Base):
    __tablename__ = "dir_location"

    id = Column(String(ID), primary_key=True)
    name = Column(String(255), nullable=False, default="")
    location_type = Column(String(16), nullable=False, default="physical")
    description = Column(Text)
    latitude = Column(Float)
    longitude = Column(Float)
    external_identifier = Column(String(255))
    external_identifier_type = Column(String(64))

    addresses = relationship("Address", cascade="all, delete-orphan", order_by="Address.id")


class Address(Base):
    __tablename__ = "dir_address"

    location_id = Column(String(ID), ForeignKey("dir_location.id", ondelete="CASCADE"), primary_key=True)
    id = Column(String(ID), primary_key=True)
    attention = Column(String(255))
    address_1 = Column(String(255))
    address_2 = Column(String(255))
    city = Column(String(120), index=True)
    region = Column(String(120))
    state_province = Column(String(120))
    postal_code = Column(String(16))
    country = Column(String(2))
    address_type = Column(String(16))


class ServiceAtLocation(Base):
    __tablename__ = "dir_service_at_location"

    service_id = Column(String(ID), ForeignKey("dir_service.id", ondelete="CASCADE"), primary_key=True)
    id = Column(String(ID), primary_key=True)
    location_id = Column(String(ID), ForeignKey("dir_location.id"), nullable=False, index=True)
    description = Column(Text)

    location = relationship("Location")


class Contact(Base):
    __tablename__ = "dir_contact"

    service_id = Column(String(ID), ForeignKey("dir_service.id", ondelete="CASCADE"), primary_key=True)
    id = Column(String(ID), primary_key=True)
    name = Column(String(255))
    title = Column(String(255))
    department = Column(String(255))
    email = Column(String(255))

    phones = relationship("Phone", order_by="Phone.id", viewonly=True,
                          primaryjoin="and_(Phone.service_id == Contact.service_id, Phone.contact_id == Contact.id)",
                          foreign_keys="[Phone.service_id, Phone.contact_id]")


class Phone(Base):
    __tablename__ = "dir_phone"

    service_id = Column(String(ID), ForeignKey("dir_service.id", ondelete="CASCADE"), primary_key=True)
    id = Column(String(ID), primary_key=True)
    contact_id = Column(String(ID))  # one of the same service's contacts
    number = Column(String(40), nullable=False)
    extension = Column(String(16))
    type = Column(String(32))
    description = Column(Text)


class Schedule(Base):
    __tablename__ = "dir_schedule"

    service_id = Column(String(ID), ForeignKey("dir_service.id", ondelete="CASCADE"), primary_key=True)
    id = Column(String(ID), primary_key=True)
    service_at_location_id = Column(String(ID))
    valid_from = Column(Date)
    valid_to = Column(Date)
    dtstart = Column(Date)
    until = Column(Date)
    freq = Column(String(8))  # WEEKLY | MONTHLY
    interval = Column(Integer)
    byday = Column(String(64))  # iCal: "TU,TH", "1WE", "-1FR"
    bymonthday = Column(String(64))
    opens_at = Column(String(16))  # "12:00", "12:00:00", "12:00Z"
    closes_at = Column(String(16))
    description = Column(Text)
    description_cy = Column(Text)
    schedule_link = Column(String(500))
    attending_type = Column(String(255))
    notes = Column(Text)


class ServiceArea(Base):
    __tablename__ = "dir_service_area"

    service_id = Column(String(ID), ForeignKey("dir_service.id", ondelete="CASCADE"), primary_key=True)
    id = Column(String(ID), primary_key=True)
    name = Column(String(255))
    description = Column(Text)
    extent = Column(Text)
    extent_type = Column(String(32))
    uri = Column(String(500))


class Language(Base):
    __tablename__ = "dir_language"

    service_id = Column(String(ID), ForeignKey("dir_service.id", ondelete="CASCADE"), primary_key=True)
    id = Column(String(ID), primary_key=True)
    name = Column(String(100))
    code = Column(String(16))  # BCP 47 / ISO 639-1: "cy", "en"
    note = Column(Text)
    phone_id = Column(String(ID))


class CostOption(Base):
    __tablename__ = "dir_cost_option"

    service_id = Column(String(ID), ForeignKey("dir_service.id", ondelete="CASCADE"), primary_key=True)
    id = Column(String(ID), primary_key=True)
    valid_from = Column(Date)
    valid_to = Column(Date)
    option = Column(Text)
    amount = Column(Numeric(12, 2, asdecimal=False))
    currency = Column(String(3))
    amount_description = Column(Text)


class Taxonomy(Base):
    __tablename__ = "dir_taxonomy"

    id = Column(String(ID), primary_key=True)
    name = Column(String(255), nullable=False)
    description = Column(Text, nullable=False, default="")
    uri = Column(String(500))
    version = Column(String(64))


class TaxonomyTerm(Base):
    __tablename__ = "dir_taxonomy_term"

    id = Column(String(ID), primary_key=True)
    taxonomy_id = Column(String(ID), ForeignKey("dir_taxonomy.id", ondelete="SET NULL"), index=True)
    taxonomy = Column(String(255))  # the taxonomy's name, as ORUK's taxonomy_term.taxonomy
    term = Column(String(255), index=True)  # the code, e.g. "older_people"
    name = Column(String(255), nullable=False)
    name_cy = Column(String(255))
    description = Column(Text, nullable=False, default="")
    parent_id = Column(String(ID))
    term_uri = Column(String(500))

    taxonomy_ref = relationship("Taxonomy")


class ServiceAttribute(Base):
    """ORUK `attribute` rows whose link_entity is "service": a service tagged with a taxonomy term."""

    __tablename__ = "dir_service_attribute"

    service_id = Column(String(ID), ForeignKey("dir_service.id", ondelete="CASCADE"), primary_key=True)
    id = Column(String(ID), primary_key=True)
    taxonomy_term_id = Column(String(ID), ForeignKey("dir_taxonomy_term.id"), nullable=False, index=True)
    link_type = Column(String(64))
    value = Column(Text)

    taxonomy_term = relationship("TaxonomyTerm")


class DirectoryMeta(Base):
    """Small key/value facts about the directory; `version` goes up whenever an import changes it,
    so every process can tell when its search index is out of date."""

    __tablename__ = "dir_meta"

    key = Column(String(64), primary_key=True)
    value = Column(String(255), nullable=False)
