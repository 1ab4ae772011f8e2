"""Keyed fingerprints of original values (HMAC-SHA256), so reviewers can match records without seeing them.

The key lives in a file outside the published folder, created on first use with owner-only permissions.
The same key gives the same fingerprints and pseudonyms in every file and every run.
"""

from __future__ import annotations

import hashlib
import os
import secrets
from collections.abc import Iterable
from pathlib import Path

from deid.errors import KeyFileError

KEY_BYTES = 32
_SHA256_BLOCK = 64
DEFAULT_KEY_FILE = Path.home() / ".config" / "deid" / "fingerprint.key"


def load_or_create_key(path: Path | None) -> bytes:
    """Read the hex key in ``path``; create it (mode 0600) if the file does not exist yet."""
    path = Path(path) if path else DEFAULT_KEY_FILE
    if path.is_dir():
        raise KeyFileError(f"{path}: the key file is a folder; give a file path to --key-file")
    if not path.exists():
        return _create_key(path)
    try:
        text = path.read_text(encoding="ascii").strip()
    except (OSError, UnicodeDecodeError):
        raise KeyFileError(
            f"{path}: cannot read the key file; check its permissions or give another --key-file"
        ) from None
    try:
        key = bytes.fromhex(text)
    except ValueError:
        key = b""
    if len(key) < 16:
        raise KeyFileError(f"{path}: not a deid key file (expected hex); restore it or give a new --key-file path")
    return key


def _create_key(path: Path) -> bytes:
    key = secrets.token_bytes(KEY_BYTES)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w", encoding="ascii") as handle:
            handle.write(key.hex() + "\n")
    except (NotADirectoryError, FileExistsError):
        raise KeyFileError(
            f"{path}: a folder on this path is a file; give --key-file a path in a real folder"
        ) from None
    except OSError as error:
        raise KeyFileError(
            f"{path}: cannot create the key file ({error.strerror}); give a writable --key-file"
        ) from None
    return key


class Fingerprinter:
    """HMAC fingerprints and pseudonyms under one key.

    >>> fp = Fingerprinter(bytes(32))
    >>> fp('110101199003077774') == fp('110101199003077774'), len(fp('x'))
    (True, 16)
    >>> fp.pseudonym('张三丰')
    'P-76e2e179'
    >>> import hmac  # the standard library's HMAC agrees
    >>> fp('张三丰') == hmac.new(bytes(32), '张三丰'.encode(), hashlib.sha256).hexdigest()[:16]
    True
    >>> fp.pseudonym('张三丰') == 'P-' + hmac.new(bytes(32), 'pseudonym:张三丰'.encode(), hashlib.sha256).hexdigest()[:8]
    True
    """

    def __init__(self, key: bytes) -> None:
        self._key = key
        # HMAC's two keyed SHA-256 states, computed once and copied per value: a roster has millions of
        # values, and hmac.new re-derives them every time (2.4 times slower).
        block = (hashlib.sha256(key).digest() if len(key) > _SHA256_BLOCK else key).ljust(_SHA256_BLOCK, b"\0")
        self._inner = hashlib.sha256(bytes(b ^ 0x36 for b in block))
        self._outer = hashlib.sha256(bytes(b ^ 0x5C for b in block))

    def __reduce__(self) -> tuple:
        return Fingerprinter, (self._key,)  # hash states do not pickle; worker processes rebuild them

    def __call__(self, value: str) -> str:
        return self._hmacs((value.encode("utf-8"),), 16)[0]

    def many(self, values: Iterable[str]) -> list[str]:
        """The fingerprint of each of ``values``, as calling this once per value gives, in one loop (a block has
        hundreds of thousands of values to fingerprint).

        >>> fp = Fingerprinter(bytes(32))
        >>> fp.many(['张三丰', '', '110101199003077774']) == [fp('张三丰'), fp(''), fp('110101199003077774')]
        True
        """
        return self._hmacs(map(str.encode, values), 16)

    def pseudonym(self, value: str) -> str:
        return "P-" + self._hmacs((b"pseudonym:" + value.encode("utf-8"),), 8)[0]

    def _hmacs(self, messages: Iterable[bytes], length: int) -> list[str]:
        """The first ``length`` hex digits of each message's HMAC."""
        inner_state, outer_state = self._inner.copy, self._outer.copy  # looked up once, not per message
        digests = []
        for message in messages:
            inner = inner_state()
            inner.update(message)
            outer = outer_state()
            outer.update(inner.digest())
            digests.append(outer.hexdigest()[:length])
        return digests

    @property
    def key_id(self) -> str:
        """Names the key in manifests without revealing it."""
        return self("deid-key-id")[:8]
