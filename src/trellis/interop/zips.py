"""Reading an uploaded zip within limits, shared by the OneRoster and QTI
imports: an upload is untrusted, so the number of entries, the length of
their names and the bytes they decompress to are bounded, and a name that
is absolute or climbs out with ``..`` is refused rather than matched. The
sizes a zip's header claims are not trusted: bytes are counted while
streaming, so a zip bomb stops at the budget."""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from typing import BinaryIO

_DRIVE = re.compile(r"^[A-Za-z]:")
_CHUNK = 1024 * 1024


def unsafe_name(name: str) -> bool:
    """Whether a zip entry's name is absolute, climbs out with ``..`` or
    names a Windows drive: such entries are refused, not matched."""
    normal = name.replace("\\", "/")
    if normal.startswith("/") or _DRIVE.match(normal):
        return True
    return any(part == ".." for part in normal.split("/"))


class TooLarge(Exception):
    """The entries read so far decompress to more than the budget."""


class Unreadable(Exception):
    """An entry could not be decompressed (corrupt, encrypted, unknown method)."""


@contextmanager
def open_zip(source: str | BinaryIO) -> Iterator[zipfile.ZipFile]:
    """The archive, or ``zipfile.BadZipFile`` for anything that is not one."""
    try:
        archive = zipfile.ZipFile(source)
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise zipfile.BadZipFile(str(exc)) from exc
    with archive:
        yield archive


class BoundedReader:
    """Reads entries of one archive while counting every decompressed byte
    against one budget for the whole upload."""

    def __init__(self, archive: zipfile.ZipFile, budget: int):
        self.archive = archive
        self.budget = budget
        self.used = 0

    def read(self, info: zipfile.ZipInfo) -> bytes:
        chunks: list[bytes] = []
        try:
            with self.archive.open(info) as stream:
                while True:
                    chunk = stream.read(min(_CHUNK, self.budget - self.used + 1))
                    if not chunk:
                        break
                    self.used += len(chunk)
                    if self.used > self.budget:
                        raise TooLarge
                    chunks.append(chunk)
        except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError, RuntimeError) as exc:
            raise Unreadable(f"{info.filename}: {exc}") from exc
        return b"".join(chunks)


def megabytes(size: int) -> str:
    """A budget as people read it (``64 MB``)."""
    if size < 1024 * 1024:
        return f"{size} bytes"
    return f"{size / (1024 * 1024):g} MB"
