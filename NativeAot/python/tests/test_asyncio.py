"""The asyncio API: concurrent durable puts from many coroutines, async scans, and a loop that
keeps running other tasks while calls wait on the store."""

import asyncio
import unittest

from support import ScratchTestCase, slatefast


class AsyncioTests(ScratchTestCase):
    def test_many_concurrent_durable_puts_then_an_async_scan(self):
        async def main():
            async with await slatefast.open_async("db", self.store_url()) as db:
                await asyncio.gather(*(db.put(b"k%04d" % i, b"v%d" % i) for i in range(500)))
                self.assertEqual(b"v7", await db.get(b"k0007"))
                rows = [row async for row in db.scan(b"k0100", b"k0200", batch=16)]
                self.assertEqual(100, len(rows))
                self.assertEqual((b"k0100", b"v100"), rows[0])
            with self.assertRaises(slatefast.ClosedError):
                await db.get(b"k0007")

        asyncio.run(main())

    def test_the_loop_stays_responsive_while_durable_puts_wait(self):
        async def main():
            async with await slatefast.open_async("db", self.store_url(), {"flush_interval_ms": 200}) as db:
                ticks = 0
                stop = asyncio.Event()

                async def ticker():
                    nonlocal ticks
                    while not stop.is_set():
                        ticks += 1
                        await asyncio.sleep(0)

                task = asyncio.create_task(ticker())
                await asyncio.gather(*(db.put(b"w%d" % i, b"x") for i in range(20)))
                stop.set()
                await task
                # Had a put blocked the loop, the ticker could not have run while puts waited.
                self.assertGreater(ticks, 20)

        asyncio.run(main())


if __name__ == "__main__":
    unittest.main()
