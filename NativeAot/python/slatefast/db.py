"""Db, WriteBatch, Snapshot, Iterator, Transaction and Reader over the C handles."""

from __future__ import annotations

import ctypes
import json
import os
from collections.abc import Iterable
from dataclasses import dataclass
from ctypes import byref, c_bool, c_size_t, c_uint64, c_uint8, c_void_p, POINTER
# Optional and Union rather than X | None: the package supports Python 3.9, whose
# typing.get_type_hints cannot evaluate the | form.
from typing import Any, ClassVar, Optional, TypeVar, Union, cast

from . import _callbacks, _native
from .errors import ClosedError, InvalidError, check
from .status import StatusSource

_FLUSH_TYPES = {"wal": 0, "memtable": 1}
_ISOLATION = {"snapshot": 0, "serializable": 1}
_SCOPES = {"all": 0, "durable": 1}

# What keys, values and paths may be (the same aliases as in aio). Class Iterator below is the
# scan iterator, so collections.abc.Iterator is not imported here.
Bytes = Union[bytes, bytearray, memoryview, str]
PathLike = Union[str, "os.PathLike[str]"]


def _b(value: Bytes, what: str = "key") -> bytes:
    if isinstance(value, str):
        return value.encode("utf-8")
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value)
    raise TypeError(f"{what} must be bytes or str, not {type(value).__name__}")


def _take(lib: ctypes.CDLL, pointer: ctypes._Pointer[c_uint8], length: c_size_t) -> bytes:
    """Copies and frees bytes the library handed out."""
    try:
        return ctypes.string_at(pointer, length.value)
    finally:
        lib.sf_bytes_free(pointer, length)


def _path(value: PathLike, what: str = "path") -> str:
    """A str from str or any os.PathLike (pathlib.Path included)."""
    if isinstance(value, os.PathLike):
        value = os.fspath(value)
    if isinstance(value, bytes):
        value = value.decode("utf-8")
    if not isinstance(value, str):
        raise TypeError(f"{what} must be str or os.PathLike, not {type(value).__name__}")
    return value


def _store_url(value: Optional[PathLike]) -> Optional[bytes]:
    """None, a URL string, or a folder given as os.PathLike (a local store rooted there)."""
    if value is None:
        return None
    if isinstance(value, os.PathLike):
        return ("file://" + os.path.abspath(os.fspath(value))).encode()
    return _path(value, "store_url").encode()


def version() -> str:
    """The library version."""
    return cast(bytes, _native.lib().sf_version()).decode()


def open(  # noqa: A001 - the issue names it open
    path: PathLike,
    store_url: Optional[PathLike] = None,
    options: Optional[dict[str, Any]] = None,
    *,
    merge_operator: Optional[_callbacks.MergeOperator] = None,
    compaction_filter: Optional[_callbacks.CompactionFilter] = None,
    block_transformer: Optional[_callbacks.BlockTransformer] = None,
) -> Db:
    """Opens (creating if needed) the database at path. store_url: None for a local store in the
    current directory, or file:///abs/root, memory:///[name], s3://bucket/prefix?endpoint=...
    options: a dict of sf_db_open's options_json: SlateDB setting names and durations (e.g.
    {"flush_interval": "50ms", "compactor_options": {"poll_interval": "5s"}}; docs/settings.md).

    Callbacks (RFC 0028; they run on engine threads, must be thread-safe and must not use the db):
    merge_operator(key, existing or None, operand) -> bytes, associative (instead of
    options["merge_operator"]); compaction_filter(entry: CompactionEntry) -> None/"keep", "drop",
    "tombstone", ("value", bytes) or ("merge", bytes), once per row a compaction writes;
    block_transformer with encode(bytes) -> bytes and decode(bytes) -> bytes for every SST block
    (a database written with one must always be opened with it). An exception in a callback
    fails the call that needed it (a compaction for the filter) with a SlateFastError whose
    __cause__ is that exception."""
    lib = _native.lib()
    handle = c_void_p()
    options_json = json.dumps(options).encode() if options is not None else None
    if merge_operator is None and compaction_filter is None and block_transformer is None:
        check(lib, lib.sf_db_open(_path(path).encode(), _store_url(store_url), options_json, byref(handle)))
        return Db(lib, handle)
    registration = _callbacks.Registration(merge_operator, compaction_filter, block_transformer)
    check(lib, lib.sf_db_open_with_callbacks(_path(path).encode(), _store_url(store_url), options_json, ctypes.addressof(registration.struct), byref(handle)))
    db = Db(lib, handle)
    db._registration = registration
    return db


def collect_garbage(path: PathLike, store_url: Optional[PathLike] = None, *, dry_run: bool = False) -> int:
    """One garbage collection pass over the database at path (SlateDB's minimum ages, expired
    checkpoints first); returns how many objects went (or, with dry_run, would go)."""
    lib = _native.lib()
    removed = c_uint64()
    check(lib, lib.sf_admin_collect_garbage(_path(path).encode(), _store_url(store_url), 1 if dry_run else 0, byref(removed)))
    return removed.value


def create_clone(path: PathLike, parent_path: PathLike, store_url: Optional[PathLike] = None, *, parent_checkpoint: Optional[str] = None) -> bool:
    """Makes path a clone of parent_path in the same store, as of checkpoint parent_checkpoint
    (None: a new one of its durable state). False when path already was that clone."""
    lib = _native.lib()
    created = c_bool()
    checkpoint = parent_checkpoint.encode() if parent_checkpoint is not None else None
    check(lib, lib.sf_admin_create_clone(_path(path).encode(), _store_url(store_url), _path(parent_path, "parent_path").encode(), checkpoint, byref(created)))
    return created.value


_H = TypeVar("_H", bound="_Handle")


class _Handle:
    """Owns one C handle. close() releases it once (later calls do nothing); after it, every call
    raises ClosedError saying what is closed, decided here: the library could only say that a
    freed token is not a live handle."""

    # None only here: every subclass names its close function.
    _close_fn: ClassVar[str] = None  # type: ignore[assignment]
    _what: ClassVar[str] = "handle"

    def __init__(self, lib: ctypes.CDLL, handle: c_void_p) -> None:
        self._lib = lib
        self._handle = handle
        self._closed = False
        self._finished = "closed"

    @property
    def _h(self) -> c_void_p:
        if self._closed:
            raise ClosedError(f"the {self._what} is {self._finished}", 1)
        return self._handle

    def close(self) -> None:
        if not self._closed:
            self._closed = True
            check(self._lib, getattr(self._lib, self._close_fn)(self._handle))

    def __enter__(self: _H) -> _H:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __del__(self) -> None:
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
    _what = "write batch"

    def __init__(self) -> None:
        lib = _native.lib()
        handle = c_void_p()
        check(lib, lib.sf_write_batch_new(byref(handle)))
        super().__init__(lib, handle)

    def put(self, key: Bytes, value: Bytes) -> WriteBatch:
        k, v = _b(key), _b(value, "value")
        check(self._lib, self._lib.sf_write_batch_put(self._h, k, len(k), v, len(v), None))
        return self

    def delete(self, key: Bytes) -> WriteBatch:
        k = _b(key)
        check(self._lib, self._lib.sf_write_batch_delete(self._h, k, len(k)))
        return self

    def merge(self, key: Bytes, operand: Bytes) -> WriteBatch:
        k, v = _b(key), _b(operand, "operand")
        check(self._lib, self._lib.sf_write_batch_merge(self._h, k, len(k), v, len(v), None))
        return self

    def clear(self) -> None:
        check(self._lib, self._lib.sf_write_batch_clear(self._h))


class Iterator(_Handle):
    """Yields (key, value) pairs; seek(key) repositions. Closed when exhausted or by close()."""

    _close_fn = "sf_iterator_close"
    _what = "iterator"

    def __iter__(self) -> Iterator:
        return self

    def __next__(self) -> tuple[bytes, bytes]:
        if self._closed:
            raise StopIteration
        present = c_bool()
        key, value = POINTER(c_uint8)(), POINTER(c_uint8)()
        key_len, value_len = c_size_t(), c_size_t()
        # Borrowed: the row lives in the iterator's buffer until the next call, so copying it into
        # bytes here is the only copy, with no malloc and free per row in the library.
        check(self._lib, self._lib.sf_iterator_next_borrowed(self._h, byref(present), byref(key), byref(key_len), byref(value), byref(value_len)))
        if not present.value:
            self.close()
            raise StopIteration
        return ctypes.string_at(key, key_len.value), ctypes.string_at(value, value_len.value)

    def seek(self, key: Bytes) -> None:
        k = _b(key)
        check(self._lib, self._lib.sf_iterator_seek(self._h, k, len(k)))


@dataclass(frozen=True)
class RecencyEntry:
    """One stored version from Db.scan_prefix_by_recency, unmerged. kind: "value", "tombstone"
    (value None) or "merge" (value: the operand). Timestamps are ms since the Unix epoch, or None."""

    key: bytes
    kind: str
    value: Optional[bytes]
    seq: int
    create_ts: Optional[int]
    expire_ts: Optional[int]


_ROW_KINDS = {0: "value", 1: "tombstone", 2: "merge"}


class RecencyIterator(_Handle):
    """Yields RecencyEntry rows source by source, newest source first; closed when exhausted,
    by close(), or with its database."""

    _close_fn = "sf_recency_iterator_close"
    _what = "recency iterator"

    def __iter__(self) -> RecencyIterator:
        return self

    def __next__(self) -> RecencyEntry:
        if self._closed:
            raise StopIteration
        present, row = c_bool(), _native.RowEntry()
        check(self._lib, self._lib.sf_recency_iterator_next(self._h, byref(present), byref(row)))
        if not present.value:
            self.close()
            raise StopIteration
        return RecencyEntry(
            key=ctypes.string_at(row.key, row.key_len),
            kind=_ROW_KINDS[row.kind],
            value=ctypes.string_at(row.value, row.value_len) if row.value else None,
            seq=row.seq,
            create_ts=row.create_ts if row.has_create_ts else None,
            expire_ts=row.expire_ts if row.has_expire_ts else None,
        )


def _scan_options(reverse: bool, hide_expired: bool = False) -> _native.ScanOptions:
    options = _native.ScanOptions()
    options.order = 1 if reverse else 0
    options.hide_expired = 1 if hide_expired else 0
    return options


def _prefix_scan(lib: ctypes.CDLL, fn: Any, handle: Any, prefix: Bytes, reverse: bool, hide_expired: bool = False) -> Iterator:
    """Opens fn's (one of the sf_*_scan_prefix functions) iterator over the keys starting with prefix."""
    p = _b(prefix, "prefix")
    it = c_void_p()
    options = _scan_options(reverse, hide_expired)
    check(lib, fn(handle, p, len(p), byref(options), byref(it)))
    return Iterator(lib, it)


def _read_options(hide_expired: bool) -> _native.ReadOptions:
    options = _native.ReadOptions()
    options.cache_blocks = 1
    options.hide_expired = 1 if hide_expired else 0
    return options


def _lifetime_ms(lifetime_ms: Optional[int]) -> int:
    return 0 if lifetime_ms is None else int(lifetime_ms)


def _bounds(start: Optional[Bytes], end: Optional[Bytes]) -> tuple[Optional[bytes], int, Optional[bytes], int]:
    s = _b(start, "start") if start is not None else None
    e = _b(end, "end") if end is not None else None
    return s, len(s) if s else 0, e, len(e) if e else 0


class Snapshot(_Handle):
    """A consistent view of the database at the time it was taken."""

    _close_fn = "sf_snapshot_close"
    _what = "snapshot"

    def get(self, key: Bytes) -> Optional[bytes]:
        k = _b(key)
        present, value, length = c_bool(), POINTER(c_uint8)(), c_size_t()
        check(self._lib, self._lib.sf_snapshot_get(self._h, k, len(k), None, byref(present), byref(value), byref(length)))
        return _take(self._lib, value, length) if present.value else None

    def scan(self, start: Optional[Bytes] = None, end: Optional[Bytes] = None, *, reverse: bool = False) -> Iterator:
        it = c_void_p()
        options = _scan_options(reverse)
        check(self._lib, self._lib.sf_snapshot_scan(self._h, *_bounds(start, end), byref(options), byref(it)))
        return Iterator(self._lib, it)

    def scan_prefix(self, prefix: Bytes, *, reverse: bool = False) -> Iterator:
        """Yields (key, value) for the keys starting with prefix, as of the snapshot."""
        return _prefix_scan(self._lib, self._lib.sf_snapshot_scan_prefix, self._h, prefix, reverse)


class Db(_Handle, StatusSource):
    """An open database. Thread-safe; a context manager that closes it."""

    _close_fn = "sf_db_close"
    _what = "database"
    _status_fn = "sf_db_status"
    _status_wait_fn = "sf_db_status_wait"
    # The callbacks of open(..., merge_operator=...) and friends: alive as long as the Db.
    _registration: Optional[_callbacks.Registration] = None

    def compact(self) -> None:
        """Compacts every L0 SST and sorted run into one sorted run now."""
        check(self._lib, self._lib.sf_db_compact(self._h))

    def put(self, key: Bytes, value: Bytes, *, await_durable: bool = True) -> int:
        """Writes value under key; returns the write's sequence number. With await_durable (the
        default) it returns once the write is in the object store."""
        k, v = _b(key), _b(value, "value")
        seq = c_uint64()
        check(self._lib, self._lib.sf_db_put(self._h, k, len(k), v, len(v), 1 if await_durable else 0, byref(seq)))
        return seq.value

    def get(self, key: Bytes, *, hide_expired: bool = False) -> Optional[bytes]:
        """The value of key, or None. hide_expired: a value whose TTL has passed reads as None
        (by default it stays readable until a flush or compaction drops it, as in SlateDB)."""
        k = _b(key)
        present, value, length = c_bool(), POINTER(c_uint8)(), c_size_t()
        if hide_expired:
            options = _read_options(True)
            check(self._lib, self._lib.sf_db_get_with_options(self._h, k, len(k), byref(options), byref(present), byref(value), byref(length)))
        else:
            check(self._lib, self._lib.sf_db_get(self._h, k, len(k), byref(present), byref(value), byref(length)))
        return _take(self._lib, value, length) if present.value else None

    def merge(self, key: Bytes, operand: Bytes, *, await_durable: bool = True) -> int:
        """Writes a merge operand for key; returns its sequence number. Reads resolve operands
        with the merge operator named at open (options={"merge_operator": "concat"})."""
        k, v = _b(key), _b(operand, "operand")
        options = _native.WriteOptions(1 if await_durable else 0, 0)
        seq = c_uint64()
        check(self._lib, self._lib.sf_db_merge(self._h, k, len(k), v, len(v), None, byref(options), byref(seq)))
        return seq.value

    def delete(self, key: Bytes, *, await_durable: bool = True) -> None:
        k = _b(key)
        check(self._lib, self._lib.sf_db_delete(self._h, k, len(k), 1 if await_durable else 0))

    def write(self, batch: WriteBatch, *, await_durable: bool = True) -> int:
        """Applies a WriteBatch atomically; returns its sequence number."""
        options = _native.WriteOptions(1 if await_durable else 0, 0)
        seq = c_uint64()
        check(self._lib, self._lib.sf_db_write(self._h, batch._h, byref(options), byref(seq)))
        return seq.value

    def scan(self, start: Optional[Bytes] = None, end: Optional[Bytes] = None, *, reverse: bool = False, hide_expired: bool = False) -> Iterator:
        """Yields (key, value) for start <= key < end (None: unbounded), in key order or reversed."""
        it = c_void_p()
        options = _scan_options(reverse, hide_expired)
        check(self._lib, self._lib.sf_db_scan(self._h, *_bounds(start, end), byref(options), byref(it)))
        return Iterator(self._lib, it)

    def scan_prefix(self, prefix: Bytes, *, reverse: bool = False, hide_expired: bool = False) -> Iterator:
        """Yields (key, value) for the keys starting with prefix (prefix bloom filters skip SSTs
        when the database has a filter_prefix_extractor)."""
        return _prefix_scan(self._lib, self._lib.sf_db_scan_prefix, self._h, prefix, reverse, hide_expired)

    def scan_prefix_by_recency(self, prefix: Bytes, *, reverse: bool = False) -> RecencyIterator:
        """Every stored version under prefix, source by source from the newest (memtables, L0
        SSTs, sorted runs), unmerged: SlateDB 0.15's scan_prefix_by_recency. reverse orders keys
        within a source. Stop early and older SSTs are never read."""
        p = _b(prefix, "prefix")
        it = c_void_p()
        options = _scan_options(reverse)
        check(self._lib, self._lib.sf_db_scan_prefix_by_recency(self._h, p, len(p), byref(options), byref(it)))
        return RecencyIterator(self._lib, it)

    def snapshot(self) -> Snapshot:
        handle = c_void_p()
        check(self._lib, self._lib.sf_db_snapshot(self._h, byref(handle)))
        return Snapshot(self._lib, handle)

    def begin_transaction(self, isolation: str = "snapshot") -> Transaction:
        """Starts a Transaction reading the database as of now. isolation: "snapshot" (write-write
        conflicts fail the commit) or "serializable" (also read-write conflicts)."""
        if isolation not in _ISOLATION:
            raise InvalidError(f"isolation must be one of {sorted(_ISOLATION)}")
        handle = c_void_p()
        check(self._lib, self._lib.sf_db_begin_transaction(self._h, _ISOLATION[isolation], byref(handle)))
        return Transaction(self._lib, handle)

    def create_checkpoint(self, scope: str = "all", *, lifetime_ms: Optional[int] = None, name: Optional[str] = None) -> str:
        """Creates a checkpoint and returns its id (a UUID string). scope: "all" (flushes first:
        every write so far) or "durable". lifetime_ms: None never expires."""
        if scope not in _SCOPES:
            raise InvalidError(f"scope must be one of {sorted(_SCOPES)}")
        out = ctypes.create_string_buffer(_native.CHECKPOINT_ID_LEN)
        n = name.encode() if name is not None else None
        check(self._lib, self._lib.sf_db_create_checkpoint(self._h, _SCOPES[scope], _lifetime_ms(lifetime_ms), n, out, None))
        return out.value.decode()

    def refresh_checkpoint(self, checkpoint_id: str, *, lifetime_ms: Optional[int] = None) -> None:
        """Sets the checkpoint to expire lifetime_ms from now (None: never)."""
        check(self._lib, self._lib.sf_db_refresh_checkpoint(self._h, checkpoint_id.encode(), _lifetime_ms(lifetime_ms)))

    def delete_checkpoint(self, checkpoint_id: str) -> bool:
        """Deletes the checkpoint; False when there was none."""
        found = c_bool()
        check(self._lib, self._lib.sf_db_delete_checkpoint(self._h, checkpoint_id.encode(), byref(found)))
        return found.value

    def list_checkpoints(self) -> list[dict[str, Any]]:
        """The checkpoints as dicts: id, manifest_id, create_time_s, expire_time_s, name."""
        out = c_void_p()
        check(self._lib, self._lib.sf_db_list_checkpoints(self._h, byref(out)))
        try:
            return cast("list[dict[str, Any]]", json.loads(ctypes.string_at(out.value).decode()))
        finally:
            self._lib.sf_string_free(out)

    def ingest(self, paths: Iterable[PathLike]) -> int:
        """Adds SSTs (object paths on the database's store) atomically; returns their sequence number."""
        encoded = [_path(p, "SST path").encode() for p in paths]
        array = (ctypes.c_char_p * len(encoded))(*encoded)
        seq = c_uint64()
        check(self._lib, self._lib.sf_db_ingest(self._h, array, len(encoded), byref(seq)))
        return seq.value

    def flush(self, kind: str = "wal") -> None:
        """Writes buffered WAL rows ("wal") or memtables as L0 SSTs ("memtable")."""
        if kind not in _FLUSH_TYPES:
            raise InvalidError(f"flush kind must be one of {sorted(_FLUSH_TYPES)}")
        check(self._lib, self._lib.sf_db_flush_with_type(self._h, _FLUSH_TYPES[kind]))

    def drop_segment(self, prefix: Bytes) -> bool:
        """Drops a segment of a segmented database (opened with segment_extractor) with one
        manifest write, after flushing the memtables; False when there was no such segment."""
        p = _b(prefix, "prefix")
        dropped = c_bool()
        check(self._lib, self._lib.sf_db_drop_segment(self._h, p, len(p), byref(dropped)))
        return dropped.value

    def list_segments(self) -> list[bytes]:
        """The segment prefixes of a segmented database, ascending; [] without segments."""
        out = c_void_p()
        check(self._lib, self._lib.sf_db_list_segments(self._h, byref(out)))
        try:
            return [bytes.fromhex(h) for h in json.loads(ctypes.string_at(out.value).decode())]
        finally:
            self._lib.sf_string_free(out)

    def metrics(self) -> dict[str, Any]:
        """The database's counters and gauges as a dict."""
        out = c_void_p()
        check(self._lib, self._lib.sf_db_metrics(self._h, byref(out)))
        try:
            return cast("dict[str, Any]", json.loads(ctypes.string_at(out.value).decode()))
        finally:
            self._lib.sf_string_free(out)


class Transaction(_Handle):
    """An optimistic transaction (Db.begin_transaction). Reads see its snapshot plus its own
    writes; writes apply atomically at commit(), which raises TransactionError on a conflict.
    Nothing commits implicitly: leaving the with-block (or close()) without commit() rolls back,
    also when the block ends normally. After commit() or rollback() the transaction is finished."""

    _close_fn = "sf_txn_rollback"
    _what = "transaction"

    def get(self, key: Bytes, *, hide_expired: bool = False) -> Optional[bytes]:
        k = _b(key)
        present, value, length = c_bool(), POINTER(c_uint8)(), c_size_t()
        options = _read_options(hide_expired)
        check(self._lib, self._lib.sf_txn_get(self._h, k, len(k), byref(options), byref(present), byref(value), byref(length)))
        return _take(self._lib, value, length) if present.value else None

    def put(self, key: Bytes, value: Bytes) -> None:
        k, v = _b(key), _b(value, "value")
        check(self._lib, self._lib.sf_txn_put(self._h, k, len(k), v, len(v), None))

    def delete(self, key: Bytes) -> None:
        k = _b(key)
        check(self._lib, self._lib.sf_txn_delete(self._h, k, len(k)))

    def merge(self, key: Bytes, operand: Bytes) -> None:
        k, v = _b(key), _b(operand, "operand")
        check(self._lib, self._lib.sf_txn_merge(self._h, k, len(k), v, len(v), None))

    def scan(self, start: Optional[Bytes] = None, end: Optional[Bytes] = None, *, reverse: bool = False) -> Iterator:
        """(key, value) pairs as the transaction sees them; the iterator closes with the transaction."""
        it = c_void_p()
        options = _scan_options(reverse)
        check(self._lib, self._lib.sf_txn_scan(self._h, *_bounds(start, end), byref(options), byref(it)))
        return Iterator(self._lib, it)

    def scan_prefix(self, prefix: Bytes, *, reverse: bool = False) -> Iterator:
        """(key, value) pairs whose key starts with prefix, as scan (under "serializable" every key
        with the prefix counts as read)."""
        return _prefix_scan(self._lib, self._lib.sf_txn_scan_prefix, self._h, prefix, reverse)

    def mark_read(self, key: Bytes) -> None:
        """Counts key as read (a conflict under "serializable" if another commit writes it)."""
        k = _b(key)
        check(self._lib, self._lib.sf_txn_mark_read(self._h, k, len(k)))

    def unmark_write(self, key: Bytes) -> None:
        """Exempts the write of key from write-write conflict checks."""
        k = _b(key)
        check(self._lib, self._lib.sf_txn_unmark_write(self._h, k, len(k)))

    def commit(self, *, await_durable: bool = True) -> Optional[int]:
        """Applies the writes; returns the commit's sequence number, or None when the transaction
        wrote nothing. Finishes the transaction whatever the outcome."""
        handle = self._h  # ClosedError once committed or rolled back
        self._closed, self._finished = True, "already committed"
        seq, committed = c_uint64(), c_bool()
        check(self._lib, self._lib.sf_txn_commit(handle, 1 if await_durable else 0, byref(seq), byref(committed)))
        return seq.value if committed.value else None

    def rollback(self) -> None:
        """Discards the writes (nothing happens after commit or a previous rollback)."""
        if not self._closed:
            self.close()
            self._finished = "rolled back"


def open_reader(
    path: PathLike,
    store_url: Optional[PathLike] = None,
    options: Optional[dict[str, Any]] = None,
    *,
    merge_operator: Optional[_callbacks.MergeOperator] = None,
    block_transformer: Optional[_callbacks.BlockTransformer] = None,
) -> Reader:
    """Opens a read-only Reader of the database at path. options: a dict of sf_reader_open's
    options_json fields, e.g. {"checkpoint_id": id} or {"mode": "follow_latest"}.
    merge_operator and block_transformer: the database's, as slatefast.open takes them."""
    lib = _native.lib()
    handle = c_void_p()
    options_json = json.dumps(options).encode() if options is not None else None
    if merge_operator is None and block_transformer is None:
        check(lib, lib.sf_reader_open(_path(path).encode(), _store_url(store_url), options_json, byref(handle)))
        return Reader(lib, handle)
    registration = _callbacks.Registration(merge_operator, None, block_transformer)
    check(lib, lib.sf_reader_open_with_callbacks(_path(path).encode(), _store_url(store_url), options_json, ctypes.addressof(registration.struct), byref(handle)))
    reader = Reader(lib, handle)
    reader._registration = registration
    return reader


class Reader(_Handle, StatusSource):
    """A read-only view of a database that never fences its writer; a context manager."""

    _close_fn = "sf_reader_close"
    _what = "reader"
    _status_fn = "sf_reader_status"
    _status_wait_fn = "sf_reader_status_wait"
    # The callbacks of open_reader(..., merge_operator=...): alive as long as the Reader.
    _registration: Optional[_callbacks.Registration] = None

    def get(self, key: Bytes, *, hide_expired: bool = False) -> Optional[bytes]:
        k = _b(key)
        present, value, length = c_bool(), POINTER(c_uint8)(), c_size_t()
        options = _read_options(hide_expired)
        check(self._lib, self._lib.sf_reader_get(self._h, k, len(k), byref(options), byref(present), byref(value), byref(length)))
        return _take(self._lib, value, length) if present.value else None

    def scan(self, start: Optional[Bytes] = None, end: Optional[Bytes] = None, *, reverse: bool = False) -> Iterator:
        it = c_void_p()
        options = _scan_options(reverse)
        check(self._lib, self._lib.sf_reader_scan(self._h, *_bounds(start, end), byref(options), byref(it)))
        return Iterator(self._lib, it)

    def scan_prefix(self, prefix: Bytes, *, reverse: bool = False) -> Iterator:
        """Yields (key, value) for the keys starting with prefix (with the writer's
        filter_prefix_extractor among the reader's options, prefix bloom filters skip SSTs)."""
        return _prefix_scan(self._lib, self._lib.sf_reader_scan_prefix, self._h, prefix, reverse)

    def snapshot(self) -> Snapshot:
        """A view of what the reader shows now that stays as it is while the reader moves on;
        its checkpoint keeps garbage collection from its SSTs until it is closed."""
        handle = c_void_p()
        check(self._lib, self._lib.sf_reader_snapshot(self._h, byref(handle)))
        return Snapshot(self._lib, handle)

    def refresh(self) -> None:
        """Polls for newer data now (nothing at a fixed checkpoint)."""
        check(self._lib, self._lib.sf_reader_refresh(self._h))
