"""asyncio access to a database: the same library, without blocking the event loop.

    db = await slatefast.open_async("orders", url)
    await db.put(b"k", b"v")
    async for key, value in db.scan(b"a", b"z"):
        ...
    await db.close()

Each call runs the blocking C call on a thread of a pool owned by the database. The C calls
release the GIL and the engine is thread-safe, so many awaiting coroutines become concurrent
writes that the engine's group commit folds into few WAL objects. A pool per database (rather
than the loop's default executor) bounds the threads one database takes and is shut down with it.
"""

from __future__ import annotations

import asyncio
import os  # noqa: F401 - the PathLike hint names os.PathLike, resolved in this module
from concurrent.futures import ThreadPoolExecutor
from typing import Any, AsyncGenerator, Callable, Optional, TypeVar, Union

from . import _callbacks
from . import db as _db
from .errors import ClosedError

T = TypeVar("T")
# The accepted key/value and path types, defined once with the synchronous API.
Bytes = _db.Bytes
PathLike = _db.PathLike


async def open_async(
    path: PathLike,
    store_url: Optional[PathLike] = None,
    options: Optional[dict[str, Any]] = None,
    *,
    threads: int = 16,
    merge_operator: Optional[_callbacks.MergeOperator] = None,
    compaction_filter: Optional[_callbacks.CompactionFilter] = None,
    block_transformer: Optional[_callbacks.BlockTransformer] = None,
) -> "AsyncDb":
    """Opens the database at path (as slatefast.open, callbacks included) without blocking the loop."""
    pool = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="slatefast")
    try:
        handle = await asyncio.get_running_loop().run_in_executor(
            pool,
            lambda: _db.open(path, store_url, options, merge_operator=merge_operator, compaction_filter=compaction_filter, block_transformer=block_transformer),
        )
    except BaseException:
        pool.shutdown(wait=False)
        raise
    return AsyncDb(handle, pool)


class AsyncDb:
    """The async face of a Db; an async context manager that closes it."""

    def __init__(self, handle: _db.Db, pool: ThreadPoolExecutor) -> None:
        self._db = handle
        self._pool = pool
        self._closed = False

    async def _run(self, call: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        if self._closed:
            # The pool is gone with the database; answer as the synchronous API does.
            raise ClosedError("the database is closed", 1)
        return await asyncio.get_running_loop().run_in_executor(self._pool, lambda: call(*args, **kwargs))

    async def put(self, key: Bytes, value: Bytes, *, await_durable: bool = True) -> int:
        return await self._run(self._db.put, key, value, await_durable=await_durable)

    async def get(self, key: Bytes, *, hide_expired: bool = False) -> Optional[bytes]:
        return await self._run(self._db.get, key, hide_expired=hide_expired)

    async def delete(self, key: Bytes, *, await_durable: bool = True) -> None:
        await self._run(self._db.delete, key, await_durable=await_durable)

    async def merge(self, key: Bytes, operand: Bytes, *, await_durable: bool = True) -> int:
        return await self._run(self._db.merge, key, operand, await_durable=await_durable)

    async def write(self, batch: _db.WriteBatch, *, await_durable: bool = True) -> int:
        return await self._run(self._db.write, batch, await_durable=await_durable)

    async def flush(self, kind: str = "wal") -> None:
        await self._run(self._db.flush, kind)

    async def scan(self, start: Optional[Bytes] = None, end: Optional[Bytes] = None, *, reverse: bool = False, batch: int = 256) -> AsyncGenerator[tuple[bytes, bytes], None]:
        """Yields (key, value) pairs, fetching up to batch rows per thread hop."""
        async for row in self._rows(await self._run(self._db.scan, start, end, reverse=reverse), batch):
            yield row

    async def scan_prefix(self, prefix: Bytes, *, reverse: bool = False, batch: int = 256) -> AsyncGenerator[tuple[bytes, bytes], None]:
        """Yields (key, value) for the keys starting with prefix, batch rows per thread hop."""
        async for row in self._rows(await self._run(self._db.scan_prefix, prefix, reverse=reverse), batch):
            yield row

    async def scan_prefix_by_recency(self, prefix: Bytes, *, reverse: bool = False, batch: int = 256) -> AsyncGenerator[_db.RecencyEntry, None]:
        """Yields Db.scan_prefix_by_recency's rows, batch rows per thread hop."""
        async for row in self._rows(await self._run(self._db.scan_prefix_by_recency, prefix, reverse=reverse), batch):
            yield row

    async def _rows(self, iterator: Union[_db.Iterator, _db.RecencyIterator], batch: int) -> AsyncGenerator[Any, None]:
        try:
            while True:
                rows = await self._run(lambda: [row for _, row in zip(range(batch), iterator)])
                for row in rows:
                    yield row
                if len(rows) < batch:
                    return
        finally:
            await self._run(iterator.close)

    async def close(self) -> None:
        if self._closed:
            return
        try:
            await self._run(self._db.close)
        finally:
            self._closed = True
            self._pool.shutdown(wait=False)

    async def __aenter__(self) -> "AsyncDb":
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()
