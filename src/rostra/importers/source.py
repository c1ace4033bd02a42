"""The file being imported, read as bytes with a running count for the progress bar."""

from __future__ import annotations

import gzip
import io
from pathlib import Path
from typing import IO

GZIP_MAGIC = b"\x1f\x8b"


class SourceFile:
    """A file to import: `open()` hands out its bytes (gunzipped when it is gzip, as Remark42's
    backups are) and `bytes_read` says how far into the file on disk reading has gone."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self.size = self.path.stat().st_size
        self.bytes_read = 0

    def open(self) -> IO[bytes]:
        raw = _Counting(open(self.path, "rb"), self)  # noqa: SIM115 (closed by whoever reads it)
        buffered = io.BufferedReader(raw)
        if buffered.peek(len(GZIP_MAGIC))[: len(GZIP_MAGIC)] == GZIP_MAGIC:
            return gzip.GzipFile(fileobj=buffered)
        return buffered

    def open_text(self) -> IO[str]:
        """Lines of UTF-8 text; a byte-order mark is not part of the first line."""
        return io.TextIOWrapper(self.open(), encoding="utf-8-sig", newline="")


class _Counting(io.RawIOBase):
    def __init__(self, handle: IO[bytes], owner: SourceFile):
        self._handle, self._owner = handle, owner

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        count = self._handle.readinto(buffer)
        self._owner.bytes_read += count or 0
        return count

    def close(self) -> None:
        self._handle.close()
        super().close()
