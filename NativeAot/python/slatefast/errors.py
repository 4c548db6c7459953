"""Exceptions by error kind, mirroring sf_result_t.kind."""

from __future__ import annotations

import ctypes
from typing import ClassVar

from . import _native


class SlateFastError(Exception):
    """Base of every SlateFast error. kind and close_reason are the sf_result_t fields."""

    kind: ClassVar[int] = 0
    close_reason: int

    def __init__(self, message: str, close_reason: int = 0) -> None:
        super().__init__(message)
        self.close_reason = close_reason


class TransactionError(SlateFastError):
    """A transaction conflicted; retry it."""

    kind = 1


class ClosedError(SlateFastError):
    """The database is closed (close_reason: 1 clean, 2 fenced, 3 panic); open it again."""

    kind = 2


class UnavailableError(SlateFastError):
    """The object store is unreachable or failing; retry later."""

    kind = 3


class InvalidError(SlateFastError):
    """Bad arguments, handle or configuration."""

    kind = 4


class DataError(SlateFastError):
    """Stored bytes are corrupt or of an unknown format."""

    kind = 5


class InternalError(SlateFastError):
    """A bug in SlateFast."""

    kind = 6


_BY_KIND: dict[int, type[SlateFastError]] = {cls.kind: cls for cls in (TransactionError, ClosedError, UnavailableError, InvalidError, DataError, InternalError)}


def check(lib: ctypes.CDLL, result: _native.Result) -> None:
    """Frees the result's message and raises the matching exception unless it is SF_OK."""
    if result.kind == 0:
        return
    message = ctypes.string_at(result.message).decode("utf-8", "replace") if result.message else "unknown error"
    kind, reason = result.kind, result.close_reason
    lib.sf_result_free(ctypes.byref(result))
    # A Python callback that raised (merge operator, compaction filter, block transformer) left
    # its exception under a token in the message: it becomes the cause.
    from ._callbacks import claim

    raise _BY_KIND.get(kind, InternalError)(message, reason) from claim(message)
