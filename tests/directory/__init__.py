"""Tests of the service directory: import, export, publishing API, search and freshness."""
