"""An encrypted, authenticated archive file, written and read as a stream (`manage.py backup`).

Format, version 1 (integers big-endian):

    preamble   b"HAVENBAK" | version: 1 byte | key id: 8 bytes | salt: 32 bytes
    frames     length: 4 bytes | AES-256-GCM ciphertext with its 16-byte tag

Frame 0 holds the header (JSON); frames 1..n hold the payload in pieces of at most
`CHUNK_SIZE` bytes; the last frame is marked final (it may be empty). The frames' key is
derived for each archive with HKDF-SHA256 from the backup key and the archive's random salt,
so two archives never share a key and the frame numbers can serve as nonces. A frame's nonce is
its number (11 bytes) and a final flag (1 byte), and the preamble is every frame's associated
data. A changed byte anywhere, frames reordered, dropped or repeated, an archive cut short and
bytes after its end are therefore all refused. This is the STREAM construction (Hoang,
Reyhanitabar, Rogaway and Vizár, 2015) that age and Tink use for files.

Why the framing is written by hand: the `cryptography` package offers AES-GCM and Fernet for
one message held in memory, and no authenticated encryption of a stream; a whole database does
not fit in one message, and one GCM pass over a stream would authenticate it only at its very
end, after the restore had read it. The cryptography (AES-GCM, HKDF) is the library's; only
the framing above is Haven's. The key id (HKDF of the key with a fixed label) tells a wrong key
from a damaged archive without revealing the key.
"""

import base64
import binascii
import json
import os
import struct
from collections.abc import Iterator
from typing import Any, BinaryIO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.utils.translation import gettext as _

MAGIC = b"HAVENBAK"
VERSION = 1
KEY_ID_SIZE = 8
SALT_SIZE = 32
KEY_SIZE = 32
TAG_SIZE = 16
CHUNK_SIZE = 1 << 20
_PREAMBLE = struct.Struct(f">{len(MAGIC)}sB{KEY_ID_SIZE}s{SALT_SIZE}s")
_LENGTH = struct.Struct(">I")
# The header is small (a few kB); a frame may never be larger than a payload piece.
_MAX_FRAME = CHUNK_SIZE + TAG_SIZE


class ArchiveError(Exception):
    """The archive cannot be read; the message says why, without any of its content."""


def parse_key(text: str) -> bytes:
    """A backup key: 32 random bytes in URL-safe base64, with or without padding."""
    try:
        key = base64.urlsafe_b64decode(text.strip() + "=" * (-len(text.strip()) % 4))
    except (binascii.Error, ValueError):
        key = b""
    if len(key) != KEY_SIZE:
        raise ArchiveError(
            _(
                "HAVEN_BACKUP_KEY is not a backup key (32 random bytes in URL-safe base64). "
                'Make one with: python -c "import secrets; print(secrets.token_urlsafe(32))"'
            )
        )
    return key


def _derive(key: bytes, salt: bytes | None, label: bytes, size: int) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=size, salt=salt, info=label).derive(key)


def key_id(key: bytes) -> bytes:
    return _derive(key, None, b"haven backup: key id", KEY_ID_SIZE)


def _nonce(number: int, final: bool) -> bytes:
    return number.to_bytes(11, "big") + (b"\x01" if final else b"\x00")


class ArchiveWriter:
    """Writes the preamble and the header at once; `write` takes the payload in pieces of any
    size, and `close` seals the archive with the final frame. Holds at most one piece."""

    def __init__(self, out: BinaryIO, key: bytes, header: dict[str, Any]) -> None:
        salt = os.urandom(SALT_SIZE)
        self._out = out
        self._aead = AESGCM(_derive(key, salt, b"haven backup: frames v1", KEY_SIZE))
        self._preamble = _PREAMBLE.pack(MAGIC, VERSION, key_id(key), salt)
        self._number = 0
        self._buffer = bytearray()
        self.size = 0
        self._emit(self._preamble)  # public, and authenticated by every frame
        self._frame(json.dumps(header, sort_keys=True).encode(), final=False)

    def _emit(self, data: bytes) -> None:
        self._out.write(data)
        self.size += len(data)

    def _frame(self, plain: bytes, *, final: bool) -> None:
        sealed = self._aead.encrypt(_nonce(self._number, final), plain, self._preamble)
        self._emit(_LENGTH.pack(len(sealed)) + sealed)
        self._number += 1

    def write(self, data: bytes) -> None:
        self._buffer += data
        while len(self._buffer) >= CHUNK_SIZE:
            self._frame(bytes(self._buffer[:CHUNK_SIZE]), final=False)
            del self._buffer[:CHUNK_SIZE]

    def close(self) -> None:
        self._frame(bytes(self._buffer), final=True)
        self._buffer.clear()
        self._out.flush()


class ArchiveReader:
    """Reads and authenticates the preamble and the header on opening; `payload()` yields the
    payload's pieces, each only once it is authenticated, and raises at the first frame that
    is not. A reader that reached the end without error has read exactly what was written."""

    def __init__(self, inp: BinaryIO, key: bytes) -> None:
        self._inp = inp
        raw = inp.read(_PREAMBLE.size)
        if len(raw) < _PREAMBLE.size or not raw.startswith(MAGIC):
            raise ArchiveError(_("This file is not a Haven backup archive."))
        _magic, version, archive_key_id, salt = _PREAMBLE.unpack(raw)
        if version != VERSION:
            raise ArchiveError(
                _("This archive has format version %(version)s, which this Haven cannot read.")
                % {"version": version}
            )
        if archive_key_id != key_id(key):
            raise ArchiveError(
                _(
                    "This archive was made with another backup key: set HAVEN_BACKUP_KEY to the "
                    "key that made it."
                )
            )
        self._preamble = raw
        self._aead = AESGCM(_derive(key, salt, b"haven backup: frames v1", KEY_SIZE))
        self._number = 0
        plain, final = self._next()
        if final:
            raise _damaged()
        try:
            self.header: dict[str, Any] = json.loads(plain)
        except ValueError as exc:  # authenticated, so written so by another program
            raise _damaged() from exc

    def _next(self) -> tuple[bytes, bool]:
        raw = self._inp.read(_LENGTH.size)
        if len(raw) < _LENGTH.size:
            raise _damaged()
        (length,) = _LENGTH.unpack(raw)
        if not TAG_SIZE <= length <= _MAX_FRAME:
            raise _damaged()
        sealed = self._inp.read(length)
        if len(sealed) < length:
            raise _damaged()
        for final in (False, True):
            try:
                plain = self._aead.decrypt(_nonce(self._number, final), sealed, self._preamble)
            except InvalidTag:
                continue
            self._number += 1
            return plain, final
        raise _damaged()

    def payload(self) -> Iterator[bytes]:
        while True:
            plain, final = self._next()
            if plain:
                yield plain
            if final:
                break
        if self._inp.read(1):
            raise _damaged()


def _damaged() -> ArchiveError:
    return ArchiveError(
        _("The archive was altered or damaged: it does not authenticate with the backup key.")
    )
