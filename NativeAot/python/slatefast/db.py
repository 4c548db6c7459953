"""Db, WriteBatch, Snapshot and Iterator over the C handles."""

import ctypes
import json
from ctypes import byref, c_bool, c_size_t, c_uint64, c_uint8, c_void_p, POINTER

from . import _native
from .errors import InvalidError, check

_FLUSH_TYPES = {"wal": 0, "memtable": 1}


def _b(value, what="key"):
    if isinstance(value, str):
        return value.encode("utf-8")
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value)
    raise TypeError(f"{what} must be bytes or str, not {type(value).__name__}")


def _take(lib, pointer, length):
    """Copies and frees bytes the library handed out."""
    try:
        return ctypes.string_at(pointer, length.value)
    finally:
        lib.sf_bytes_free(pointer, length)


def version():
    """The library version."""
    return _native.lib().sf_version().decode()


def open(path, store_url=None, options=None):  # noqa: A001 - the issue names it open
    """Opens (creating if needed) the database at path. store_url: None for a local store in the
    current directory, or file:///abs/root, memory:///[name], s3://bucket/prefix?endpoint=...
    options: a dict of sf_db_open's options_json fields (e.g. {"flush_interval_ms": 50})."""
    lib = _native.lib()
    handle = c_void_p()
    options_json = json.dumps(options).encode() if options is not None else None
    url = store_url.encode() if store_url is not None else None
    check(lib, lib.sf_db_open(path.encode(), url, options_json, byref(handle)))
    return Db(lib, handle)


class _Handle:
    """Owns one C handle. close() releases it once (later calls do nothing); after it, calls pass
    the retired token on, so the library itself answers (ClosedError for a closed Db)."""

    _close_fn = None

    def __init__(self, lib, handle):
        self._lib = lib
        self._handle = handle
        self._closed = False

    @property
    def _h(self):
        return self._handle

    def close(self):
        if not self._closed:
            self._closed = True
            check(self._lib, getattr(self._lib, self._close_fn)(self._handle))

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __del__(self):
        if not getattr(self, "_closed", True):
            self._closed = True
            try:
                result = getattr(self._lib, self._close_fn)(self._handle)
                self._lib.sf_result_free(byref(result))
            except Exception:  # interpreter shutdown: nothing more can be done
                pass


class WriteBatch(_Handle):
    """Puts and deletes applied atomically by Db.write. Usable as a context manager."""

    _close_fn = "sf_write_batch_free"

    def __init__(self):
        lib = _native.lib()
        handle = c_void_p()
        check(lib, lib.sf_write_batch_new(byref(handle)))
        super().__init__(lib, handle)

    def put(self, key, value):
        k, v = _b(key), _b(value, "value")
        check(self._lib, self._lib.sf_write_batch_put(self._h, k, len(k), v, len(v), None))
        return self

    def delete(self, key):
        k = _b(key)
        check(self._lib, self._lib.sf_write_batch_delete(self._h, k, len(k)))
        return self

    def merge(self, key, operand):
        k, v = _b(key), _b(operand, "operand")
        check(self._lib, self._lib.sf_write_batch_merge(self._h, k, len(k), v, len(v), None))
        return self

    def clear(self):
        check(self._lib, self._lib.sf_write_batch_clear(self._h))


class Iterator(_Handle):
    """Yields (key, value) pairs; seek(key) repositions. Closed when exhausted or by close()."""

    _close_fn = "sf_iterator_close"

    def __iter__(self):
        return self

    def __next__(self):
        if self._closed:
            raise StopIteration
        present = c_bool()
        key, value = POINTER(c_uint8)(), POINTER(c_uint8)()
        key_len, value_len = c_size_t(), c_size_t()
        check(self._lib, self._lib.sf_iterator_next(self._h, byref(present), byref(key), byref(key_len), byref(value), byref(value_len)))
        if not present.value:
            self.close()
            raise StopIteration
        return _take(self._lib, key, key_len), _take(self._lib, value, value_len)

    def seek(self, key):
        k = _b(key)
        check(self._lib, self._lib.sf_iterator_seek(self._h, k, len(k)))


def _scan_options(reverse):
    options = _native.ScanOptions()
    options.order = 1 if reverse else 0
    return options


def _bounds(start, end):
    s = _b(start, "start") if start is not None else None
    e = _b(end, "end") if end is not None else None
    return s, len(s) if s else 0, e, len(e) if e else 0


class Snapshot(_Handle):
    """A consistent view of the database at the time it was taken."""

    _close_fn = "sf_snapshot_close"

    def get(self, key):
        k = _b(key)
        present, value, length = c_bool(), POINTER(c_uint8)(), c_size_t()
        check(self._lib, self._lib.sf_snapshot_get(self._h, k, len(k), None, byref(present), byref(value), byref(length)))
        return _take(self._lib, value, length) if present.value else None

    def scan(self, start=None, end=None, *, reverse=False):
        it = c_void_p()
        options = _scan_options(reverse)
        check(self._lib, self._lib.sf_snapshot_scan(self._h, *_bounds(start, end), byref(options), byref(it)))
        return Iterator(self._lib, it)


class Db(_Handle):
    """An open database. Thread-safe; a context manager that closes it."""

    _close_fn = "sf_db_close"

    def put(self, key, value, *, await_durable=True):
        """Writes value under key; returns the write's sequence number. With await_durable (the
        default) it returns once the write is in the object store."""
        k, v = _b(key), _b(value, "value")
        seq = c_uint64()
        check(self._lib, self._lib.sf_db_put(self._h, k, len(k), v, len(v), 1 if await_durable else 0, byref(seq)))
        return seq.value

    def get(self, key):
        """The value of key, or None."""
        k = _b(key)
        present, value, length = c_bool(), POINTER(c_uint8)(), c_size_t()
        check(self._lib, self._lib.sf_db_get(self._h, k, len(k), byref(present), byref(value), byref(length)))
        return _take(self._lib, value, length) if present.value else None

    def delete(self, key, *, await_durable=True):
        k = _b(key)
        check(self._lib, self._lib.sf_db_delete(self._h, k, len(k), 1 if await_durable else 0))

    def write(self, batch, *, await_durable=True):
        """Applies a WriteBatch atomically; returns its sequence number."""
        options = _native.WriteOptions(1 if await_durable else 0, 0)
        seq = c_uint64()
        check(self._lib, self._lib.sf_db_write(self._h, batch._h, byref(options), byref(seq)))
        return seq.value

    def scan(self, start=None, end=None, *, reverse=False):
        """Yields (key, value) for start <= key < end (None: unbounded), in key order or reversed."""
        it = c_void_p()
        options = _scan_options(reverse)
        check(self._lib, self._lib.sf_db_scan(self._h, *_bounds(start, end), byref(options), byref(it)))
        return Iterator(self._lib, it)

    def scan_prefix(self, prefix, *, reverse=False):
        p = _b(prefix, "prefix")
        it = c_void_p()
        options = _scan_options(reverse)
        check(self._lib, self._lib.sf_db_scan_prefix(self._h, p, len(p), byref(options), byref(it)))
        return Iterator(self._lib, it)

    def snapshot(self):
        handle = c_void_p()
        check(self._lib, self._lib.sf_db_snapshot(self._h, byref(handle)))
        return Snapshot(self._lib, handle)

    def flush(self, kind="wal"):
        """Writes buffered WAL rows ("wal") or memtables as L0 SSTs ("memtable")."""
        if kind not in _FLUSH_TYPES:
            raise InvalidError(f"flush kind must be one of {sorted(_FLUSH_TYPES)}")
        check(self._lib, self._lib.sf_db_flush_with_type(self._h, _FLUSH_TYPES[kind]))

    def metrics(self):
        """The database's counters and gauges as a dict."""
        out = c_void_p()
        check(self._lib, self._lib.sf_db_metrics(self._h, byref(out)))
        try:
            return json.loads(ctypes.string_at(out.value).decode())
        finally:
            self._lib.sf_string_free(out)
