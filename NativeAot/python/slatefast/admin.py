"""Admin: administration of a database without opening a writer (sf_admin_*)."""

from __future__ import annotations

import ctypes
import json
import os  # noqa: F401 - PathLike names os.PathLike, which type hints resolve here
from ctypes import byref, c_bool, c_int64, c_uint64, c_void_p
from datetime import datetime, timezone
from typing import Any, Optional, Union, cast

from . import _native
from .db import PathLike, _Handle, _path, _store_url
from .errors import check


def open_admin(path: PathLike, store_url: Optional[PathLike] = None, wal_store_url: Optional[PathLike] = None) -> Admin:
    """Administers the database at path (store_url as slatefast.open; wal_store_url: its separate
    WAL store, whose WAL delete_db removes too). Opening reads nothing, so it works on any path."""
    return Admin.open(path, store_url, wal_store_url)


class Admin(_Handle):
    """Reads manifests and the compactions file, maps sequence numbers to times and deletes a
    database, never fencing a writer; a context manager."""

    _close_fn = "sf_admin_close"
    _what = "admin"

    @classmethod
    def open(cls, path: PathLike, store_url: Optional[PathLike] = None, wal_store_url: Optional[PathLike] = None) -> Admin:
        lib = _native.lib()
        handle = c_void_p()
        check(lib, lib.sf_admin_open(_path(path).encode(), _store_url(store_url), _store_url(wal_store_url), byref(handle)))
        return cls(lib, handle)

    def list_manifests(self) -> list[dict[str, Any]]:
        """Every manifest version, oldest first: id, size, last_modified_s, decodes, epochs, counts."""
        return cast("list[dict[str, Any]]", self._json(self._lib.sf_admin_list_manifests))

    def read_manifest(self, id: Optional[int] = None) -> dict[str, Any]:  # noqa: A002 - SlateDB's name
        """Manifest version id (None: the latest) with its tables, checkpoints and sequence tracker."""
        return cast("dict[str, Any]", self._json(self._lib.sf_admin_read_manifest, c_uint64(id or 0)))

    def read_compactions(self, id: Optional[int] = None) -> Optional[dict[str, Any]]:  # noqa: A002
        """The compactions file version id (None: the latest); None when no compactor has run."""
        return cast("Optional[dict[str, Any]]", self._json(self._lib.sf_admin_read_compactions, c_uint64(id or 0)))

    def seq_to_ts(self, seq: int, *, round_up: bool = False) -> Optional[datetime]:
        """When seq was written (UTC, to the second), from the latest manifest's sequence tracker;
        between samples round_up takes the later one. None without a sample on that side."""
        present, ts = c_bool(), c_int64()
        check(self._lib, self._lib.sf_admin_seq_to_ts(self._h, c_uint64(seq), round_up, byref(present), byref(ts)))
        return datetime.fromtimestamp(ts.value, timezone.utc) if present.value else None

    def ts_to_seq(self, time: Union[datetime, int, float], *, round_up: bool = False) -> Optional[int]:
        """The sequence number current at time (a datetime, naive meaning UTC, or Unix seconds)."""
        if isinstance(time, datetime):
            seconds = int((time if time.tzinfo else time.replace(tzinfo=timezone.utc)).timestamp() // 1)
        else:
            seconds = int(time // 1)
        present, seq = c_bool(), c_uint64()
        check(self._lib, self._lib.sf_admin_ts_to_seq(self._h, c_int64(seconds), round_up, byref(present), byref(seq)))
        return seq.value if present.value else None

    def delete_db(self, *, force: bool = False) -> int:
        """Deletes every object of the database (and its WAL in the WAL store); returns how many.
        Raises InvalidError while it looks in use, unless force. Deleting again returns 0."""
        deleted = c_uint64()
        check(self._lib, self._lib.sf_admin_delete_db(self._h, force, byref(deleted)))
        return deleted.value

    def _json(self, fn: Any, *args: Any) -> Any:
        out = c_void_p()
        check(self._lib, fn(self._h, *args, byref(out)))
        if not out.value:
            return None
        try:
            return json.loads(ctypes.string_at(out.value).decode())
        finally:
            self._lib.sf_string_free(out)
