"""Errors raised by the warehouse.

WarehouseError          base; never raised itself
├── WarehouseBusyError  transient: another process holds the DuckDB file; retry later
├── MigrationError      permanent: the schema could not be brought up to date
└── NotFoundError       permanent: a named model, benchmark, category or publication
                        does not exist; the message lists close matches
"""

from __future__ import annotations


class WarehouseError(Exception):
    """Base class for every error of the warehouse package."""

    retryable = False


class WarehouseBusyError(WarehouseError):
    """Another process has the database file open for writing."""

    retryable = True


class MigrationError(WarehouseError):
    """A migration failed; the database was left at its previous version."""


class NotFoundError(WarehouseError):
    """A name did not match anything in the warehouse."""
