"""Python callables as the C callbacks of sf_db_open_with_callbacks (slatefast.h, RFC 0028).

A callback never lets an exception reach C: it is caught, kept under a token, and reported to
the engine as SF_CALLBACK_ERROR_MESSAGE with the token in the message; errors.check finds the
token in the failing call's message and raises the SlateFastError from the original exception.
The ctypes function objects live as long as the Db that uses them (Db keeps this object)."""

from __future__ import annotations

import ctypes
import itertools
import re
import threading
from collections import OrderedDict
from ctypes import POINTER, c_char_p, c_int32, c_int64, c_size_t, c_uint8, c_uint32, c_uint64, c_void_p
from typing import Any, Callable, NamedTuple, Optional, Protocol, Union

CALLBACK_OK = 0
CALLBACK_BUFFER_TOO_SMALL = 1
CALLBACK_ERROR_MESSAGE = 2

_ROW_KINDS = {0: "value", 1: "tombstone", 2: "merge"}
_DECISIONS = {"keep": 0, "drop": 1, "tombstone": 2, "value": 3, "merge": 4}


class CompactionEntry(NamedTuple):
    """One row a compaction writes, with its job's context (sf_compaction_entry_t)."""

    key: bytes
    value: bytes
    seq: int
    kind: str  # "value", "tombstone" or "merge"
    create_ts: Optional[int]
    expire_ts: Optional[int]
    destination: int
    is_dest_last_run: bool
    clock_tick: int
    retention_min_seq: int


class BlockTransformer(Protocol):
    """What block_transformer= takes: decode must invert encode exactly."""

    def encode(self, block: bytes) -> bytes: ...

    def decode(self, stored: bytes) -> bytes: ...


# merge_operator(key, existing or None, operand) -> the merged value
MergeOperator = Callable[[bytes, Optional[bytes], bytes], bytes]
# compaction_filter(entry) -> None or "keep", "drop", "tombstone", ("value", bytes), ("merge", bytes)
CompactionDecision = Union[None, str, "tuple[str, bytes]"]
CompactionFilter = Callable[[CompactionEntry], CompactionDecision]


class _Entry(ctypes.Structure):
    _fields_ = [
        ("key", POINTER(c_uint8)),
        ("key_len", c_size_t),
        ("value", POINTER(c_uint8)),
        ("value_len", c_size_t),
        ("seq", c_uint64),
        ("kind", c_int32),
        ("has_create_ts", c_int32),
        ("create_ts", c_int64),
        ("has_expire_ts", c_int32),
        ("expire_ts", c_int64),
        ("destination", c_uint32),
        ("is_dest_last_run", c_int32),
        ("clock_tick", c_int64),
        ("retention_min_seq", c_uint64),
    ]


_out_p = c_void_p
MERGE_FN = ctypes.CFUNCTYPE(c_int32, c_void_p, c_void_p, c_size_t, c_int32, c_void_p, c_size_t, c_void_p, c_size_t, _out_p, c_size_t, POINTER(c_size_t))
FILTER_FN = ctypes.CFUNCTYPE(c_int32, c_void_p, POINTER(_Entry), POINTER(c_int32), _out_p, c_size_t, POINTER(c_size_t))
TRANSFORM_FN = ctypes.CFUNCTYPE(c_int32, c_void_p, c_void_p, c_size_t, _out_p, c_size_t, POINTER(c_size_t))


class Callbacks(ctypes.Structure):
    """sf_callbacks_t."""

    _fields_ = [
        ("merge_operator_name", c_char_p),
        ("merge", MERGE_FN),
        ("merge_user_data", c_void_p),
        ("compaction_filter", FILTER_FN),
        ("compaction_filter_user_data", c_void_p),
        ("block_encode", TRANSFORM_FN),
        ("block_decode", TRANSFORM_FN),
        ("block_transformer_user_data", c_void_p),
    ]


# Exceptions raised in callbacks, by token, until the failing call claims them. Bounded: a
# failure in a background compaction is never claimed by a call.
_errors: "OrderedDict[int, BaseException]" = OrderedDict()
_errors_lock = threading.Lock()
_tokens = itertools.count(1)
_TOKEN = re.compile(r"\[python callback #(\d+)\]")


def _remember(error: BaseException) -> int:
    token = next(_tokens)
    with _errors_lock:
        _errors[token] = error
        while len(_errors) > 64:
            _errors.popitem(last=False)
    return token


def claim(message: str) -> Optional[BaseException]:
    """The exception a callback raised, when message carries its token."""
    match = _TOKEN.search(message)
    if match is None:
        return None
    with _errors_lock:
        return _errors.pop(int(match.group(1)), None)


def _bytes(pointer: Optional[int], length: int) -> bytes:
    return ctypes.string_at(pointer, length) if length else b""


class _Output:
    """Writes a result by the output-buffer protocol. A result too big for the first buffer is
    kept for the engine's second call on the same thread, so the Python callable runs once. Kept
    by native thread id: ctypes gives an engine thread a fresh Python thread state per call, so a
    threading.local would not survive to the second call."""

    def __init__(self) -> None:
        self._pending: dict[int, Any] = {}
        self._lock = threading.Lock()

    def take_pending(self) -> Optional[Any]:
        with self._lock:
            return self._pending.pop(threading.get_native_id(), None)

    def write(self, data: bytes, out: int, out_cap: int, out_len: Any, keep: Any = None) -> int:
        out_len[0] = len(data)
        if len(data) > out_cap:
            with self._lock:
                self._pending[threading.get_native_id()] = data if keep is None else keep
            return CALLBACK_BUFFER_TOO_SMALL
        if data:
            ctypes.memmove(out, data, len(data))
        return CALLBACK_OK


def _fail(error: BaseException, out: int, out_cap: int, out_len: Any) -> int:
    token = _remember(error)
    message = f"[python callback #{token}] {type(error).__name__}: {error}".encode("utf-8", "replace")[:out_cap]
    if message:
        ctypes.memmove(out, message, len(message))
    out_len[0] = len(message)
    return CALLBACK_ERROR_MESSAGE


def _as_bytes(value: Any, what: str) -> bytes:
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value)
    raise TypeError(f"{what} must return bytes, not {type(value).__name__}")


class Registration:
    """The sf_callbacks_t for one Db and every ctypes object it points to."""

    def __init__(self, merge_operator: Optional[MergeOperator], compaction_filter: Optional[CompactionFilter], block_transformer: Optional[BlockTransformer]) -> None:
        self.struct = Callbacks()
        self._keep: list[Any] = []
        if merge_operator is not None:
            if not callable(merge_operator):
                raise TypeError("merge_operator must be callable(key, existing, operand) -> bytes")
            name = getattr(merge_operator, "__name__", "python-merge").encode("utf-8", "replace")
            self._keep.append(name)
            self.struct.merge_operator_name = name
            self.struct.merge = self._hold(MERGE_FN(self._merge_fn(merge_operator)))
        if compaction_filter is not None:
            if not callable(compaction_filter):
                raise TypeError("compaction_filter must be callable(entry) -> decision")
            self.struct.compaction_filter = self._hold(FILTER_FN(self._filter_fn(compaction_filter)))
        if block_transformer is not None:
            if not (callable(getattr(block_transformer, "encode", None)) and callable(getattr(block_transformer, "decode", None))):
                raise TypeError("block_transformer must have encode(bytes) -> bytes and decode(bytes) -> bytes")
            self.struct.block_encode = self._hold(TRANSFORM_FN(self._transform_fn(block_transformer.encode, "encode")))
            self.struct.block_decode = self._hold(TRANSFORM_FN(self._transform_fn(block_transformer.decode, "decode")))

    def _hold(self, fn: Any) -> Any:
        self._keep.append(fn)
        return fn

    @staticmethod
    def _merge_fn(merge: MergeOperator) -> Callable[..., int]:
        output = _Output()

        def call(_user: int, key: int, key_len: int, has_existing: int, existing: int, existing_len: int, operand: int, operand_len: int, out: int, out_cap: int, out_len: Any) -> int:
            try:
                result = output.take_pending()
                if result is None:
                    old = _bytes(existing, existing_len) if has_existing else None
                    result = _as_bytes(merge(_bytes(key, key_len), old, _bytes(operand, operand_len)), "merge_operator")
                return output.write(result, out, out_cap, out_len)
            except BaseException as e:  # noqa: BLE001 - nothing may cross into C
                return _fail(e, out, out_cap, out_len)

        return call

    @staticmethod
    def _filter_fn(decide: CompactionFilter) -> Callable[..., int]:
        output = _Output()

        def call(_user: int, entry_p: Any, decision_p: Any, out: int, out_cap: int, out_len: Any) -> int:
            try:
                pending = output.take_pending()
                if pending is None:
                    e = entry_p.contents
                    entry = CompactionEntry(
                        key=ctypes.string_at(e.key, e.key_len),
                        value=ctypes.string_at(e.value, e.value_len) if e.value_len else b"",
                        seq=e.seq,
                        kind=_ROW_KINDS.get(e.kind, str(e.kind)),
                        create_ts=e.create_ts if e.has_create_ts else None,
                        expire_ts=e.expire_ts if e.has_expire_ts else None,
                        destination=e.destination,
                        is_dest_last_run=bool(e.is_dest_last_run),
                        clock_tick=e.clock_tick,
                        retention_min_seq=e.retention_min_seq,
                    )
                    pending = _decision(decide(entry))
                code, data = pending
                decision_p[0] = code
                out_len[0] = 0
                return output.write(data, out, out_cap, out_len, keep=pending) if code in (3, 4) else CALLBACK_OK
            except BaseException as e:  # noqa: BLE001 - nothing may cross into C
                return _fail(e, out, out_cap, out_len)

        return call

    @staticmethod
    def _transform_fn(transform: Callable[[bytes], bytes], what: str) -> Callable[..., int]:
        output = _Output()

        def call(_user: int, data: int, length: int, out: int, out_cap: int, out_len: Any) -> int:
            try:
                result = output.take_pending()
                if result is None:
                    result = _as_bytes(transform(_bytes(data, length)), f"block_transformer.{what}")
                return output.write(result, out, out_cap, out_len)
            except BaseException as e:  # noqa: BLE001 - nothing may cross into C
                return _fail(e, out, out_cap, out_len)

        return call


def _decision(value: Any) -> "tuple[int, bytes]":
    if value is None:
        return 0, b""
    if isinstance(value, str) and value in ("keep", "drop", "tombstone"):
        return _DECISIONS[value], b""
    if isinstance(value, tuple) and len(value) == 2 and value[0] in ("value", "merge"):
        return _DECISIONS[value[0]], _as_bytes(value[1], "compaction_filter")
    raise ValueError(f"compaction_filter returned {value!r}: expected None, \"keep\", \"drop\", \"tombstone\", (\"value\", bytes) or (\"merge\", bytes)")
