"""SlateFast from Python: a ctypes binding of libslatefast (the NativeAOT C ABI).

    import slatefast
    with slatefast.open("orders", "file:///var/lib/orders") as db:
        db.put(b"k", b"v")
        assert db.get(b"k") == b"v"

The library (libslatefast.so) is the first of: $SLATEFAST_LIB when set, so an explicit choice
always wins; the copy bundled in the installed wheel (slatefast/_lib/libslatefast.so); the
repository's artifacts/native/libslatefast.so when the package is used from a source checkout.
Keys and values are bytes (str is encoded as UTF-8). Calls release the GIL while they run.

    with db.begin_transaction("serializable") as txn:
        txn.put(b"k", txn.get(b"k") + b"!")
        txn.commit()        # leaving the block without commit() rolls back

    checkpoint = db.create_checkpoint()
    with slatefast.open_reader("orders", url, {"checkpoint_id": checkpoint}) as reader:
        reader.get(b"k")

Change data capture: every row writers commit, in commit order, from the write-ahead log:

    with slatefast.open_wal_reader("orders", url) as wal:
        for row in wal.follow(start="beginning"):
            handle(row.seq, row.kind, row.key, row.value)

From asyncio (calls run on a thread pool of the database, never blocking the loop):

    async with await slatefast.open_async("orders", url) as db:
        await db.put(b"k", b"v")
"""

from __future__ import annotations

from ._version import __version__
from .admin import Admin, open_admin
from .aio import AsyncDb, open_async
from ._callbacks import CompactionEntry
from .db import Db, Iterator, RecencyEntry, RecencyIterator, Reader, Snapshot, Transaction, WriteBatch, collect_garbage, create_clone, open, open_reader, version
from .status import DbStatus
from .wal import WalCursor, WalReader, WalRow, open_wal_reader
from .errors import (
    ClosedError,
    DataError,
    InternalError,
    InvalidError,
    SlateFastError,
    TransactionError,
    UnavailableError,
)

__all__ = [
    "__version__",
    "open",
    "open_async",
    "AsyncDb",
    "open_reader",
    "open_wal_reader",
    "version",
    "collect_garbage",
    "create_clone",
    "CompactionEntry",
    "Db",
    "Iterator",
    "RecencyEntry",
    "RecencyIterator",
    "Reader",
    "Snapshot",
    "Transaction",
    "WriteBatch",
    "WalReader",
    "WalCursor",
    "WalRow",
    "DbStatus",
    "SlateFastError",
    "TransactionError",
    "ClosedError",
    "UnavailableError",
    "InvalidError",
    "DataError",
    "InternalError",
    "Admin",
    "open_admin",
]
