"""DbStatus and subscribe (sf_db_status, sf_reader_status and their waits) for Db and Reader."""

from __future__ import annotations

import ctypes
from collections.abc import Iterator as _Iterator
from ctypes import byref, c_bool
from dataclasses import dataclass, fields
from typing import Optional

from . import _native
from .errors import check

_CLOSE_REASONS = {0: None, 1: "clean", 2: "fenced", 3: "panic"}

# How long one wait in the C library lasts while iterating, so a KeyboardInterrupt is seen promptly.
_SLICE_MS = 200


@dataclass(frozen=True)
class DbStatus:
    """What a database or reader shows at one moment. close_reason: None while open, else "clean",
    "fenced" or "panic". last_l0_flush_ms: when the newest L0 SST was written (Unix ms), None if
    none was."""

    durable_seq: int
    last_seq: int
    close_reason: Optional[str]
    manifest_id: int
    writer_epoch: int
    compactor_epoch: int
    last_l0_seq: int
    last_l0_flush_ms: Optional[int]
    frozen_memtables: int
    l0_ssts: int
    sorted_runs: int


def _from_native(s: _native.Status) -> DbStatus:
    values = {f.name: getattr(s, f.name) for f in fields(DbStatus)}
    values["close_reason"] = _CLOSE_REASONS.get(s.close_reason, "unknown")
    values["last_l0_flush_ms"] = s.last_l0_flush_ms or None
    return DbStatus(**values)


class StatusSource:
    """Mixed into Db and Reader: status() and subscribe(). Names the C functions it calls."""

    _status_fn: str
    _status_wait_fn: str
    _lib: ctypes.CDLL  # and _h: both from _Handle, which comes first in the classes' bases

    def status(self) -> DbStatus:
        """The status now; a database that closed itself still answers with why."""
        out = _native.Status()
        check(self._lib, getattr(self._lib, self._status_fn)(self._h, byref(out)))
        return _from_native(out)

    def subscribe(self) -> _Iterator[DbStatus]:
        """The status now, then each time it changes (durable writes, flushes, newer data a reader
        found), as SlateDB's subscribe; a slow consumer sees the latest. Ends after a status that
        reports the database closed itself (fenced, failed); once close() was called, it raises
        ClosedError as every call does."""
        last, changed = _native.Status(), c_bool()
        check(self._lib, getattr(self._lib, self._status_wait_fn)(self._h, None, 0, byref(changed), byref(last)))
        while True:
            status = _from_native(last)
            yield status
            if status.close_reason is not None:
                return
            while True:
                out = _native.Status()
                check(self._lib, getattr(self._lib, self._status_wait_fn)(self._h, byref(last), _SLICE_MS, byref(changed), byref(out)))
                if changed.value:
                    last = out
                    break
