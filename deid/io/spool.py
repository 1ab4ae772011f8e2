"""Bytes made in a worker process and handed to the writing process through a file beside the output.

A block's audit text runs to tens of megabytes; through the worker pool's pipe it costs both processes more
system time than writing it once to the page cache and copying it in the kernel (``copy_file_range``).
Spool files are hidden ``.part`` files in the output folder: a killed run leaves them to the next run's
clean-up of stale temporary files.
"""

from __future__ import annotations

import os
import shutil
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO


@dataclass(frozen=True)
class Spooled:
    path: Path

    def append_to(self, handle: BinaryIO) -> None:
        """Append the spooled bytes to ``handle`` (open for writing at its end), then remove the spool file."""
        handle.flush()
        try:
            with open(self.path, "rb") as source:
                _copy(source, handle)
        finally:
            self.discard()
        handle.seek(0, os.SEEK_END)  # the copy moved the file offset behind the buffered writer's back

    def discard(self) -> None:
        self.path.unlink(missing_ok=True)


Payload = bytes | list[bytes] | Spooled  # bytes made here (whole or in pieces), or spooled by a worker


def spool(data: bytes | list[bytes], folder: Path) -> Spooled:
    """``data`` (whole or in pieces) written to a new spool file in ``folder``."""
    path = folder / f".deid-spool-{uuid.uuid4().hex}.part"
    with open(path, "wb") as handle:
        _write(handle, data)
    return Spooled(path)


def append_payload(handle: BinaryIO, payload: Payload) -> None:
    """Append bytes made here or spooled by a worker."""
    if isinstance(payload, Spooled):
        payload.append_to(handle)
    else:
        _write(handle, payload)


def _write(handle: BinaryIO, data: bytes | list[bytes]) -> None:
    if isinstance(data, list):
        handle.writelines(data)
    else:
        handle.write(data)


def discard_payload(payload: Payload | None) -> None:
    if isinstance(payload, Spooled):
        payload.discard()


def _copy(source: BinaryIO, target: BinaryIO) -> None:
    remaining = os.fstat(source.fileno()).st_size
    try:
        while remaining > 0:
            copied = os.copy_file_range(source.fileno(), target.fileno(), remaining)
            if copied == 0:
                break
            remaining -= copied
    except OSError:  # no in-kernel copy between these files (another file system, an old kernel)
        shutil.copyfileobj(source, target)  # the source offset stands where the kernel copy stopped
