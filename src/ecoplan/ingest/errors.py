"""Errors of the importers: a whole file that cannot be read (row-level problems are not errors:
they go to quarantine)."""

from __future__ import annotations


class IngestError(ValueError):
    """Base class of importer errors."""


class FileLayoutError(IngestError):
    """A file that cannot be imported at all: unreadable, unknown layout, missing or unknown
    columns. Names the file and says what is wrong; nothing from the file is stored."""

    def __init__(self, file_name: str, message: str):
        self.file_name = file_name
        self.message = message
        super().__init__(f"{file_name}: {message}")
