"""User-facing errors: each carries one line a clerk can act on, naming the file and what to do.

The CLI prints ``str(error)`` and exits 1; nothing here ever holds a cell value.
"""

from __future__ import annotations

from pathlib import Path


class DeidError(Exception):
    """An error the user can fix; its message is one line naming the file and what to do."""


class InputError(DeidError):
    """An input file cannot be read as a roster."""

    def __init__(self, path: Path | str, reason: str) -> None:
        super().__init__(f"{Path(path).name}: {reason}")
        self.path = Path(path)
        self.reason = reason

    def __reduce__(self) -> tuple:
        # An exception pickles as its class called with its ``args`` (here the message alone): raised in a worker
        # process (a block's rows turning out ragged), it would not unpickle in the run, and the pool would break.
        return type(self), (self.path, self.reason)


class PolicyError(DeidError):
    """A pipeline file is malformed or names something deid does not know."""


class KeyFileError(DeidError):
    """The fingerprint key file is missing, unreadable or malformed."""


class OutputError(DeidError):
    """The output folder cannot be used."""
