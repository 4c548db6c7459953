"""The write-ahead log for change data capture: WalReader (sf_wal_reader_*) and its cursors.

    with slatefast.open_wal_reader("orders", url) as wal:
        for row in wal.follow(start="beginning"):
            print(row.seq, row.kind, row.key, row.value)

A follower never ends by itself; Ctrl-C (KeyboardInterrupt) stops it between waits. Resume
after the last row processed with follow(after=(row.wal_id, row.seq)).
"""

from __future__ import annotations

import ctypes
import json
from collections.abc import Iterator as _Iterator
from ctypes import byref, c_bool, c_void_p
from dataclasses import dataclass
from typing import Any, Optional, Tuple, cast

from . import _native
from .db import PathLike, _Handle, _path, _store_url
from .errors import InvalidError, check

_KINDS = {0: "value", 1: "tombstone", 2: "merge"}
_BEGINNING, _END, _AT_WAL_ID, _AFTER_SEQ, _AFTER = 0, 1, 2, 3, 4

# How long one wait in the C library lasts while iterating, so a KeyboardInterrupt is seen promptly.
_SLICE_MS = 200


@dataclass(frozen=True)
class WalRow:
    """One committed row. kind: "value", "tombstone" (value None) or "merge" (value: the operand).
    Timestamps are ms since the Unix epoch, or None when the row has none."""

    wal_id: int
    seq: int
    kind: str
    key: bytes
    value: Optional[bytes]
    create_ts: Optional[int]
    expire_ts: Optional[int]


def open_wal_reader(path: PathLike, store_url: Optional[PathLike] = None, options: Optional[dict[str, Any]] = None) -> WalReader:
    """Opens a reader of the WAL of the database at path; it only reads and never fences the
    writer. options: sf_wal_reader_open's options_json fields, {"wal_store_url": ..., "poll_interval_ms": ...}."""
    lib = _native.lib()
    handle = c_void_p()
    options_json = json.dumps(options).encode() if options is not None else None
    check(lib, lib.sf_wal_reader_open(_path(path).encode(), _store_url(store_url), options_json, byref(handle)))
    return WalReader(lib, handle)


class WalReader(_Handle):
    """Lists and reads WAL objects and follows new commits; a context manager."""

    _close_fn = "sf_wal_reader_close"
    _what = "WAL reader"

    def list(self, start_id: Optional[int] = None, end_id: Optional[int] = None) -> list[dict[str, Any]]:  # noqa: A003 - SlateDB's name
        """The WAL objects with start_id <= id < end_id as dicts {"id", "path", "size", "last_modified_ms"}."""
        out = c_void_p()
        check(self._lib, self._lib.sf_wal_reader_list(self._h, start_id or 0, end_id or 0, byref(out)))
        try:
            return cast("list[dict[str, Any]]", json.loads(ctypes.string_at(out.value).decode()))
        finally:
            self._lib.sf_string_free(out)

    def read(self, wal_id: int) -> list[WalRow]:
        """The rows of one WAL object in the order it stores them (by key)."""
        cursor = c_void_p()
        check(self._lib, self._lib.sf_wal_reader_read(self._h, wal_id, byref(cursor)))
        with WalCursor(self._lib, cursor) as rows:
            return [row for row in iter(lambda: rows.next_row(0), None)]

    def follow(
        self,
        start: str = "end",
        *,
        wal_id: Optional[int] = None,
        after_seq: Optional[int] = None,
        after: Optional[Tuple[int, int]] = None,
    ) -> WalCursor:
        """A cursor over every row committed from a start on, in commit order; iterating it blocks
        for new rows and never ends. start: "end" (only later commits) or "beginning" (the oldest
        WAL object left); or wal_id=N (that object's rows on), after_seq=N (rows above N),
        after=(wal_id, seq) (resume after a processed row)."""
        given = [name for name, value in (("wal_id", wal_id), ("after_seq", after_seq), ("after", after)) if value is not None]
        if len(given) > 1:
            raise InvalidError(f"give at most one of wal_id, after_seq and after, not {' and '.join(given)}", 0)
        if after is not None:
            kind, wal, seq = _AFTER, after[0], after[1]
        elif wal_id is not None:
            kind, wal, seq = _AT_WAL_ID, wal_id, 0
        elif after_seq is not None:
            kind, wal, seq = _AFTER_SEQ, 0, after_seq
        elif start in ("end", "beginning"):
            kind, wal, seq = (_END if start == "end" else _BEGINNING), 0, 0
        else:
            raise InvalidError(f'start must be "end" or "beginning", not {start!r}', 0)
        cursor = c_void_p()
        check(self._lib, self._lib.sf_wal_reader_follow(self._h, kind, wal, seq, byref(cursor)))
        return WalCursor(self._lib, cursor)


class WalCursor(_Handle):
    """Rows of a WAL object or a follower. Iterating waits as long as it takes; next_row(timeout)
    waits at most timeout seconds and returns None when no row came (or a read cursor ended)."""

    _close_fn = "sf_wal_cursor_close"
    _what = "WAL cursor"

    def next_row(self, timeout: Optional[float] = None) -> Optional[WalRow]:
        present, row = c_bool(), _native.WalRow()
        timeout_ms = -1 if timeout is None else max(0, int(timeout * 1000))
        check(self._lib, self._lib.sf_wal_cursor_next(self._h, timeout_ms, byref(present), byref(row)))
        if not present.value:
            return None
        return WalRow(
            wal_id=row.wal_id,
            seq=row.seq,
            kind=_KINDS[row.kind],
            key=ctypes.string_at(row.key, row.key_len),
            value=ctypes.string_at(row.value, row.value_len) if row.value else None,
            create_ts=row.create_ts if row.has_create_ts else None,
            expire_ts=row.expire_ts if row.has_expire_ts else None,
        )

    def __iter__(self) -> _Iterator[WalRow]:
        while True:
            # Short waits in a loop rather than one endless call: Python handles signals between them.
            row = self.next_row(_SLICE_MS / 1000)
            if row is not None:
                yield row
