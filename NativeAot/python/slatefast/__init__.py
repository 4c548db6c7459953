"""SlateFast from Python: a ctypes binding of libslatefast (the NativeAOT C ABI).

    import slatefast
    with slatefast.open("orders", "file:///var/lib/orders") as db:
        db.put(b"k", b"v")
        assert db.get(b"k") == b"v"

The library is found at $SLATEFAST_LIB or at the repository's artifacts/native/libslatefast.so.
Keys and values are bytes (str is encoded as UTF-8). Calls release the GIL while they run.
"""

from .db import Db, Iterator, Snapshot, WriteBatch, open, version
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
    "open",
    "version",
    "Db",
    "Iterator",
    "Snapshot",
    "WriteBatch",
    "SlateFastError",
    "TransactionError",
    "ClosedError",
    "UnavailableError",
    "InvalidError",
    "DataError",
    "InternalError",
]
