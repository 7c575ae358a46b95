"""Directory tables: the part of the Open Referral UK 3.0 core the bot uses today."""
from __future__ import annotations

from sqlalchemy import Column, Date, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import relationship

from iaa.models import Base


class Organization(Base):
    __tablename__ = "dir_organization"

    id = Column(String(64), primary_key=True)
    name = Column(String(255), nullable=False)
    description = Column(Text, nullable=False, default="")
    email = Column(String(255))
    website = Column(String(500))


class Service(Base):
    __tablename__ = "dir_service"

    id = Column(String(64), primary_key=True)
    organization_id = Column(String(64), ForeignKey("dir_organization.id"), nullable=False, index=True)
    name = Column(String(255), nullable=False)
    description = Column(Text, nullable=False, default="")
    url = Column(String(500))
    email = Column(String(255))
    status = Column(String(20), nullable=False, default="active")
    minimum_age = Column(Integer)
    maximum_age = Column(Integer)
    assured_date = Column(Date)
    last_modified = Column(DateTime)

    organization = relationship("Organization")
    locations = relationship("ServiceAtLocation", cascade="all, delete-orphan")
    phones = relationship("Phone", cascade="all, delete-orphan")


class Location(Base):
    __tablename__ = "dir_location"

    id = Column(String(64), primary_key=True)
    name = Column(String(255), nullable=False, default="")
    address_1 = Column(String(255))
    city = Column(String(120), index=True)
    postal_code = Column(String(16))


class ServiceAtLocation(Base):
    __tablename__ = "dir_service_at_location"

    id = Column(String(64), primary_key=True)
    service_id = Column(String(64), ForeignKey("dir_service.id", ondelete="CASCADE"), nullable=False, index=True)
    location_id = Column(String(64), ForeignKey("dir_location.id"), nullable=False)

    location = relationship("Location")


class Phone(Base):
    __tablename__ = "dir_phone"

    id = Column(String(64), primary_key=True)
    service_id = Column(String(64), ForeignKey("dir_service.id", ondelete="CASCADE"), nullable=False, index=True)
    number = Column(String(40), nullable=False)
