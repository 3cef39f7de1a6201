"""A ZIP written to a stream as it is made: each part leaves as soon as it is written.

`zipfile` writes to any object with `write`; given one that cannot seek, it puts each
entry's sizes and checksum after its data (a data descriptor) instead of going back
to fill them in, so nothing has to wait for the end and nothing is held but the part
being written.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from datetime import datetime

# Parts are handed on once this much is waiting (a photo goes as one part).
PART_BYTES = 256 * 1024


class _Outbox:
    """What the ZIP wrote and has not yet been handed on (write-only: zipfile cannot seek it)."""

    def __init__(self) -> None:
        self.parts: list[bytes] = []
        self.waiting = 0

    def write(self, data: bytes) -> int:
        self.parts.append(bytes(data))
        self.waiting += len(data)
        return len(data)

    def flush(self) -> None:
        """Nothing to do: the parts are handed on by `take`."""

    def take(self) -> bytes:
        """Return what was written since the last call, and forget it."""
        data = b"".join(self.parts)
        self.parts.clear()
        self.waiting = 0
        return data


class ZipStream:
    """Build a ZIP entry by entry; `parts()` yields its bytes as they are ready."""

    def __init__(self, when: datetime) -> None:
        self._out = _Outbox()
        self._zip = zipfile.ZipFile(self._out, "w", compression=zipfile.ZIP_DEFLATED)
        self._time = (when.year, when.month, when.day, when.hour, when.minute, when.second)

    def _info(self, name: str, compress: bool) -> zipfile.ZipInfo:
        info = zipfile.ZipInfo(name, date_time=self._time)
        info.compress_type = zipfile.ZIP_DEFLATED if compress else zipfile.ZIP_STORED
        info.external_attr = 0o644 << 16
        return info

    def ready(self, at_least: int = PART_BYTES) -> Iterator[bytes]:
        """Yield what is waiting once there is at least this much of it."""
        if self._out.waiting >= max(at_least, 1):
            yield self._out.take()

    def add(self, name: str, data: bytes, compress: bool = True) -> Iterator[bytes]:
        """Add a whole file and yield what is ready."""
        self._zip.writestr(self._info(name, compress), data)
        yield from self.ready()

    def add_pieces(self, name: str, pieces: Iterator[bytes]) -> Iterator[bytes]:
        """Add a compressed file written piece by piece (of any length), yielding as it goes."""
        with self._zip.open(self._info(name, True), "w", force_zip64=True) as entry:
            for piece in pieces:
                entry.write(piece)
                yield from self.ready()
        yield from self.ready()

    def close(self) -> Iterator[bytes]:
        """Write the central directory and yield the rest."""
        self._zip.close()
        yield from self.ready(at_least=1)
