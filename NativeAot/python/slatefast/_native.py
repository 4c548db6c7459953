"""ctypes declarations of libslatefast (NativeAot/include/slatefast.h)."""

from __future__ import annotations

import ctypes
import os
from ctypes import POINTER, c_bool, c_char_p, c_int, c_int32, c_int64, c_size_t, c_uint8, c_uint64, c_void_p
from typing import Any, Optional  # Optional, not X | None: Python 3.9 is supported

_PACKAGE_DIR = os.path.dirname(os.path.abspath(__file__))
# Where the wheel puts the library (tools/python-wheel/build_wheel.py); absent in a source checkout.
_BUNDLED_LIB = os.path.join(_PACKAGE_DIR, "_lib", "libslatefast.so")
# Where scripts/build-native puts it, seen from NativeAot/python/slatefast in the repository.
_REPO_LIB = os.path.normpath(os.path.join(_PACKAGE_DIR, "..", "..", "..", "artifacts", "native", "libslatefast.so"))


class Result(ctypes.Structure):
    """sf_result_t. message is a c_void_p so ctypes does not copy (and lose) the pointer to free."""

    _fields_ = [("kind", c_int32), ("close_reason", c_int32), ("message", c_void_p)]


class WriteOptions(ctypes.Structure):
    _fields_ = [("await_durable", c_int32), ("seq_num", c_uint64)]


class PutOptions(ctypes.Structure):
    _fields_ = [("ttl_kind", c_int32), ("ttl_value", c_int64)]


class ReadOptions(ctypes.Structure):
    _fields_ = [("durability_filter", c_int32), ("dirty", c_int32), ("cache_blocks", c_int32), ("hide_expired", c_int32)]


class ScanOptions(ctypes.Structure):
    _fields_ = [
        ("durability_filter", c_int32),
        ("dirty", c_int32),
        ("cache_blocks", c_int32),
        ("order", c_int32),
        ("read_ahead_bytes", c_int64),
        ("max_fetch_tasks", c_int32),
        ("hide_expired", c_int32),
    ]


class RowEntry(ctypes.Structure):
    """sf_row_entry_t; key and value point into the recency iterator's own buffer until its next call."""

    _fields_ = [
        ("seq", c_uint64),
        ("kind", c_int32),
        ("has_create_ts", c_bool),
        ("has_expire_ts", c_bool),
        ("create_ts", c_int64),
        ("expire_ts", c_int64),
        ("key", c_void_p),
        ("key_len", c_size_t),
        ("value", c_void_p),
        ("value_len", c_size_t),
    ]


class WalRow(ctypes.Structure):
    """sf_wal_row_t; key and value point into the cursor's own buffer until its next call."""

    _fields_ = [
        ("wal_id", c_uint64),
        ("seq", c_uint64),
        ("kind", c_int32),
        ("has_create_ts", c_bool),
        ("has_expire_ts", c_bool),
        ("create_ts", c_int64),
        ("expire_ts", c_int64),
        ("key", c_void_p),
        ("key_len", c_size_t),
        ("value", c_void_p),
        ("value_len", c_size_t),
    ]


class Status(ctypes.Structure):
    """sf_status_t."""

    _fields_ = [
        ("durable_seq", c_uint64),
        ("last_seq", c_uint64),
        ("close_reason", c_int32),
        ("manifest_id", c_uint64),
        ("writer_epoch", c_uint64),
        ("compactor_epoch", c_uint64),
        ("last_l0_seq", c_uint64),
        ("last_l0_flush_ms", c_int64),
        ("frozen_memtables", c_int32),
        ("l0_ssts", c_int32),
        ("sorted_runs", c_int32),
    ]


LOG_CALLBACK = ctypes.CFUNCTYPE(None, c_int32, c_char_p, c_char_p, c_void_p)

_bytes_p = POINTER(c_uint8)
_handle_p = POINTER(c_void_p)

# name: (argument types); every function returns Result unless listed in _OTHER.
_SIGNATURES: dict[str, list[Any]] = {
    "sf_set_log_callback": [LOG_CALLBACK, c_int32, c_void_p],
    "sf_db_open": [c_char_p, c_char_p, c_char_p, _handle_p],
    "sf_db_close": [c_void_p],
    "sf_db_put": [c_void_p, c_char_p, c_size_t, c_char_p, c_size_t, c_int, POINTER(c_uint64)],
    "sf_db_put_with_options": [c_void_p, c_char_p, c_size_t, c_char_p, c_size_t, POINTER(PutOptions), POINTER(WriteOptions), POINTER(c_uint64)],
    "sf_db_merge": [c_void_p, c_char_p, c_size_t, c_char_p, c_size_t, POINTER(PutOptions), POINTER(WriteOptions), POINTER(c_uint64)],
    "sf_db_delete": [c_void_p, c_char_p, c_size_t, c_int],
    "sf_db_delete_with_options": [c_void_p, c_char_p, c_size_t, POINTER(WriteOptions), POINTER(c_uint64)],
    "sf_db_get": [c_void_p, c_char_p, c_size_t, POINTER(c_bool), POINTER(_bytes_p), POINTER(c_size_t)],
    "sf_db_get_with_options": [c_void_p, c_char_p, c_size_t, POINTER(ReadOptions), POINTER(c_bool), POINTER(_bytes_p), POINTER(c_size_t)],
    "sf_db_get_into": [c_void_p, c_char_p, c_size_t, POINTER(ReadOptions), c_void_p, c_size_t, POINTER(c_bool), POINTER(c_size_t)],
    "sf_db_flush": [c_void_p],
    "sf_db_flush_with_type": [c_void_p, c_int32],
    "sf_db_metrics": [c_void_p, POINTER(c_void_p)],
    "sf_db_write": [c_void_p, c_void_p, POINTER(WriteOptions), POINTER(c_uint64)],
    "sf_write_batch_new": [_handle_p],
    "sf_write_batch_put": [c_void_p, c_char_p, c_size_t, c_char_p, c_size_t, POINTER(PutOptions)],
    "sf_write_batch_merge": [c_void_p, c_char_p, c_size_t, c_char_p, c_size_t, POINTER(PutOptions)],
    "sf_write_batch_delete": [c_void_p, c_char_p, c_size_t],
    "sf_write_batch_clear": [c_void_p],
    "sf_write_batch_free": [c_void_p],
    "sf_db_scan": [c_void_p, c_char_p, c_size_t, c_char_p, c_size_t, POINTER(ScanOptions), _handle_p],
    "sf_db_scan_prefix": [c_void_p, c_char_p, c_size_t, POINTER(ScanOptions), _handle_p],
    "sf_db_scan_prefix_by_recency": [c_void_p, c_char_p, c_size_t, POINTER(ScanOptions), _handle_p],
    "sf_recency_iterator_next": [c_void_p, POINTER(c_bool), POINTER(RowEntry)],
    "sf_recency_iterator_close": [c_void_p],
    "sf_iterator_next": [c_void_p, POINTER(c_bool), POINTER(_bytes_p), POINTER(c_size_t), POINTER(_bytes_p), POINTER(c_size_t)],
    "sf_iterator_next_borrowed": [c_void_p, POINTER(c_bool), POINTER(_bytes_p), POINTER(c_size_t), POINTER(_bytes_p), POINTER(c_size_t)],
    "sf_iterator_seek": [c_void_p, c_char_p, c_size_t],
    "sf_iterator_close": [c_void_p],
    "sf_db_snapshot": [c_void_p, _handle_p],
    "sf_snapshot_get": [c_void_p, c_char_p, c_size_t, POINTER(ReadOptions), POINTER(c_bool), POINTER(_bytes_p), POINTER(c_size_t)],
    "sf_snapshot_scan": [c_void_p, c_char_p, c_size_t, c_char_p, c_size_t, POINTER(ScanOptions), _handle_p],
    "sf_snapshot_scan_prefix": [c_void_p, c_char_p, c_size_t, POINTER(ScanOptions), _handle_p],
    "sf_snapshot_close": [c_void_p],
    "sf_db_begin_transaction": [c_void_p, c_int32, _handle_p],
    "sf_txn_get": [c_void_p, c_char_p, c_size_t, POINTER(ReadOptions), POINTER(c_bool), POINTER(_bytes_p), POINTER(c_size_t)],
    "sf_txn_get_into": [c_void_p, c_char_p, c_size_t, POINTER(ReadOptions), c_void_p, c_size_t, POINTER(c_bool), POINTER(c_size_t)],
    "sf_txn_put": [c_void_p, c_char_p, c_size_t, c_char_p, c_size_t, POINTER(PutOptions)],
    "sf_txn_delete": [c_void_p, c_char_p, c_size_t],
    "sf_txn_merge": [c_void_p, c_char_p, c_size_t, c_char_p, c_size_t, POINTER(PutOptions)],
    "sf_txn_scan": [c_void_p, c_char_p, c_size_t, c_char_p, c_size_t, POINTER(ScanOptions), _handle_p],
    "sf_txn_scan_prefix": [c_void_p, c_char_p, c_size_t, POINTER(ScanOptions), _handle_p],
    "sf_txn_mark_read": [c_void_p, c_char_p, c_size_t],
    "sf_txn_unmark_write": [c_void_p, c_char_p, c_size_t],
    "sf_txn_commit": [c_void_p, c_int, POINTER(c_uint64), POINTER(c_bool)],
    "sf_txn_rollback": [c_void_p],
    "sf_db_create_checkpoint": [c_void_p, c_int32, c_int64, c_char_p, c_char_p, POINTER(c_uint64)],
    "sf_db_refresh_checkpoint": [c_void_p, c_char_p, c_int64],
    "sf_db_delete_checkpoint": [c_void_p, c_char_p, POINTER(c_bool)],
    "sf_db_list_checkpoints": [c_void_p, POINTER(c_void_p)],
    "sf_db_ingest": [c_void_p, POINTER(c_char_p), c_size_t, POINTER(c_uint64)],
    "sf_reader_open": [c_char_p, c_char_p, c_char_p, _handle_p],
    "sf_reader_get": [c_void_p, c_char_p, c_size_t, POINTER(ReadOptions), POINTER(c_bool), POINTER(_bytes_p), POINTER(c_size_t)],
    "sf_reader_scan": [c_void_p, c_char_p, c_size_t, c_char_p, c_size_t, POINTER(ScanOptions), _handle_p],
    "sf_reader_scan_prefix": [c_void_p, c_char_p, c_size_t, POINTER(ScanOptions), _handle_p],
    "sf_reader_refresh": [c_void_p],
    "sf_reader_close": [c_void_p],
    "sf_db_status": [c_void_p, POINTER(Status)],
    "sf_db_status_wait": [c_void_p, POINTER(Status), c_int64, POINTER(c_bool), POINTER(Status)],
    "sf_reader_status": [c_void_p, POINTER(Status)],
    "sf_reader_snapshot": [c_void_p, _handle_p],
    "sf_reader_status_wait": [c_void_p, POINTER(Status), c_int64, POINTER(c_bool), POINTER(Status)],
    "sf_wal_reader_open": [c_char_p, c_char_p, c_char_p, _handle_p],
    "sf_wal_reader_list": [c_void_p, c_uint64, c_uint64, POINTER(c_void_p)],
    "sf_wal_reader_read": [c_void_p, c_uint64, _handle_p],
    "sf_wal_reader_follow": [c_void_p, c_int32, c_uint64, c_uint64, _handle_p],
    "sf_wal_cursor_next": [c_void_p, c_int64, POINTER(c_bool), POINTER(WalRow)],
    "sf_wal_cursor_close": [c_void_p],
    "sf_wal_reader_close": [c_void_p],
    "sf_admin_open": [c_char_p, c_char_p, c_char_p, _handle_p],
    "sf_admin_list_manifests": [c_void_p, POINTER(c_void_p)],
    "sf_admin_read_manifest": [c_void_p, c_uint64, POINTER(c_void_p)],
    "sf_admin_read_compactions": [c_void_p, c_uint64, POINTER(c_void_p)],
    "sf_admin_seq_to_ts": [c_void_p, c_uint64, c_bool, POINTER(c_bool), POINTER(c_int64)],
    "sf_admin_ts_to_seq": [c_void_p, c_int64, c_bool, POINTER(c_bool), POINTER(c_uint64)],
    "sf_admin_delete_db": [c_void_p, c_bool, POINTER(c_uint64)],
    "sf_admin_close": [c_void_p],
    "sf_db_open_with_callbacks": [c_char_p, c_char_p, c_char_p, c_void_p, _handle_p],
    "sf_db_compact": [c_void_p],
    "sf_reader_open_with_callbacks": [c_char_p, c_char_p, c_char_p, c_void_p, _handle_p],
    "sf_admin_collect_garbage": [c_char_p, c_char_p, c_int, POINTER(c_uint64)],
    "sf_admin_create_clone": [c_char_p, c_char_p, c_char_p, c_char_p, POINTER(c_bool)],
    "sf_db_drop_segment": [c_void_p, c_char_p, c_size_t, POINTER(c_bool)],
    "sf_db_list_segments": [c_void_p, POINTER(c_void_p)],
}

CHECKPOINT_ID_LEN = 37

_OTHER: dict[str, tuple[list[Any], Any]] = {
    "sf_version": ([], c_char_p),
    "sf_result_free": ([POINTER(Result)], None),
    "sf_bytes_free": ([_bytes_p, c_size_t], None),
    "sf_string_free": ([c_void_p], None),
}


def library_path() -> str:
    """The library to load: $SLATEFAST_LIB when set (an explicit choice wins, e.g. a debug build),
    else the copy bundled in the installed package (slatefast/_lib/libslatefast.so: built with this
    very Python code), else the repository's artifacts/native/libslatefast.so (a source checkout)."""
    explicit = os.environ.get("SLATEFAST_LIB")
    if explicit:
        return explicit
    if os.path.isfile(_BUNDLED_LIB):
        return _BUNDLED_LIB
    return _REPO_LIB


def load(path: Optional[str] = None) -> ctypes.CDLL:
    path = path or library_path()
    try:
        lib = ctypes.CDLL(path)
    except OSError as e:
        # A copied package has no repository beside it: say what was looked for and how to fix it.
        from .errors import InvalidError

        raise InvalidError(
            f"cannot load the SlateFast library {os.path.abspath(path)} ({e}); set SLATEFAST_LIB to the path "
            "of libslatefast.so (scripts/build-native writes it to artifacts/native/ in the repository)"
        ) from e
    for name, argtypes in _SIGNATURES.items():
        fn = getattr(lib, name)
        fn.argtypes = argtypes
        fn.restype = Result
    for name, (argtypes, restype) in _OTHER.items():
        fn = getattr(lib, name)
        fn.argtypes = argtypes
        fn.restype = restype
    return lib


_lib: Optional[ctypes.CDLL] = None


def lib() -> ctypes.CDLL:
    """The loaded library (loaded on first use, so importing the package never fails)."""
    global _lib
    if _lib is None:
        _lib = load()
    return _lib
