"""Prefix bloom filters through the options dict (RFC 0031): a writer opened with
filter_prefix_extractor writes SSTs whose filters prefix scans use; the option needs the 0.13
format; a bad spec is an InvalidError naming the key."""

import asyncio
import unittest

from support import ScratchTestCase, slatefast

OPTIONS = {
    "format_level": "0.13",
    "filter_prefix_extractor": "fixed:5",
    "whole_key_filtering": False,
    "min_filter_keys": 1,
    "compactor_options": None,
}


class PrefixFilterTests(ScratchTestCase):
    def test_prefix_scans_and_point_reads_over_flushed_ssts_with_prefix_filters(self):
        url = self.store_url()
        with slatefast.open("db", url, OPTIONS) as db:
            for t in range(4):
                for i in range(20):
                    db.put(b"t%03d/%02d" % (t, i), b"v%d.%d" % (t, i), await_durable=False)
                db.flush("memtable")
            self.assertEqual([(b"t002/%02d" % i, b"v2.%d" % i) for i in range(20)], list(db.scan_prefix(b"t002/")))
            self.assertEqual([(b"t003/19", b"v3.19"), (b"t003/18", b"v3.18")], list(db.scan_prefix(b"t003/1", reverse=True))[:2])
            self.assertEqual([], list(db.scan_prefix(b"t009/")))
            self.assertEqual(80, len(list(db.scan_prefix(b"t"))))
            self.assertEqual(b"v3.5", db.get(b"t003/05"))
            self.assertIsNone(db.get(b"t003/99"))
        with slatefast.open_reader("db", url, {"filter_prefix_extractor": "fixed:5"}) as reader:
            self.assertEqual(20, len(list(reader.scan(b"t001/", b"t001/~"))))
            self.assertEqual(b"v0.0", reader.get(b"t000/00"))

    def test_every_read_view_scans_a_prefix(self):
        url = self.store_url()
        group = [(b"t001/%02d" % i, b"v1.%d" % i) for i in range(3)]
        with slatefast.open("db", url, OPTIONS) as db:
            for t in range(3):
                for i in range(3):
                    db.put(b"t%03d/%02d" % (t, i), b"v%d.%d" % (t, i), await_durable=False)
                db.flush("memtable")
            with db.snapshot() as snapshot:
                db.put(b"t001/03", b"later")
                self.assertEqual(group[::-1], list(snapshot.scan_prefix(b"t001/", reverse=True)))
            # A transaction sees its own writes over its snapshot.
            with db.begin_transaction() as txn:
                txn.delete(b"t001/00")
                txn.put(b"t001/04", b"mine")
                self.assertEqual(group[1:] + [(b"t001/03", b"later"), (b"t001/04", b"mine")], list(txn.scan_prefix(b"t001/")))
            # Under serializable isolation the scanned prefix counts as read: a key a later commit
            # adds under it is a conflict.
            reader_txn = db.begin_transaction("serializable")
            self.assertEqual(4, len(list(reader_txn.scan_prefix(b"t001/"))))
            reader_txn.put(b"elsewhere", b"x")
            db.put(b"t001/05", b"phantom")
            with self.assertRaises(slatefast.TransactionError):
                reader_txn.commit()
            db.flush("memtable")
        with slatefast.open_reader("db", url, {"filter_prefix_extractor": "fixed:5"}) as reader:
            self.assertEqual([b"t001/%02d" % i for i in (0, 1, 2, 3, 5)], [k for k, _ in reader.scan_prefix(b"t001/")])
            self.assertEqual([], list(reader.scan_prefix(b"t009/")))
            with reader.snapshot() as snapshot:
                self.assertEqual([(b"t002/02", b"v2.2")], list(snapshot.scan_prefix(b"t002/02")))
            self.assertEqual(5, len(list(reader.scan_prefix("t001/"))))  # text is UTF-8
            with self.assertRaises(TypeError):
                reader.scan_prefix(1)

        async def scan_async():
            async with await slatefast.open_async("db", url, OPTIONS) as db:
                return [row async for row in db.scan_prefix(b"t000/", batch=2)]

        self.assertEqual([(b"t000/%02d" % i, b"v0.%d" % i) for i in range(3)], asyncio.run(scan_async()))

    def test_a_recency_scan_walks_sources_newest_first_unmerged(self):
        with slatefast.open("db", self.store_url(), OPTIONS) as db:
            db.put(b"t001/a", b"old", await_durable=False)
            db.put(b"t001/b", b"b", await_durable=False)
            db.flush("memtable")
            db.put(b"t001/a", b"new", await_durable=False)
            db.delete(b"t001/b", await_durable=False)
            with db.scan_prefix_by_recency(b"t001/") as rows:
                entries = list(rows)
            self.assertEqual([(b"t001/a", "value", b"new"), (b"t001/b", "tombstone", None), (b"t001/a", "value", b"old"), (b"t001/b", "value", b"b")],
                             [(e.key, e.kind, e.value) for e in entries])
            self.assertGreater(entries[0].seq, entries[2].seq)
            self.assertIsNotNone(entries[0].create_ts)
            self.assertEqual([b"t001/b", b"t001/a"], [e.key for e in db.scan_prefix_by_recency(b"t001/", reverse=True)][:2])
            stopped = db.scan_prefix_by_recency(b"t001/")
            self.assertEqual(b"new", next(stopped).value)
            stopped.close()
            with self.assertRaises(StopIteration):
                next(stopped)

        async def recent_async():
            async with await slatefast.open_async("db", self.store_url(), OPTIONS) as db:
                return [(e.key, e.kind) async for e in db.scan_prefix_by_recency(b"t001/", batch=1)]

        self.assertEqual([(b"t001/a", "value"), (b"t001/b", "tombstone"), (b"t001/a", "value"), (b"t001/b", "value")], asyncio.run(recent_async()))

    def test_the_extractor_needs_the_0_13_format(self):
        with self.assertRaises(slatefast.InvalidError) as caught:
            slatefast.open("db", "memory:///", {"filter_prefix_extractor": "fixed:4"})
        self.assertIn("FilterPrefixExtractor", str(caught.exception))

    def test_a_bad_spec_is_invalid_naming_the_key(self):
        with self.assertRaises(slatefast.InvalidError) as caught:
            slatefast.open("db", "memory:///", dict(OPTIONS, filter_prefix_extractor="fixed:x"))
        self.assertIn("filter_prefix_extractor", str(caught.exception))


if __name__ == "__main__":
    unittest.main()
