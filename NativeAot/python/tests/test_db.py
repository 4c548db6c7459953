import os
import threading
import unittest

from support import ScratchTestCase, slatefast


class DbTests(ScratchTestCase):
    def test_put_get_delete_round_trip_bytes_and_str(self):
        with slatefast.open("db", "memory:///") as db:
            seq = db.put(b"k\x00ey", b"v\x00al")
            self.assertGreater(seq, 0)
            self.assertGreater(db.put("text", "värde", await_durable=False), seq)
            self.assertEqual(db.get(b"k\x00ey"), b"v\x00al")
            self.assertEqual(db.get("text"), "värde".encode())
            self.assertIsNone(db.get(b"missing"))
            db.put(b"empty", b"")
            self.assertEqual(db.get(b"empty"), b"")
            db.delete(b"k\x00ey")
            self.assertIsNone(db.get(b"k\x00ey"))

    def test_write_applies_a_batch_atomically(self):
        with slatefast.open("db", "memory:///") as db, slatefast.WriteBatch() as batch:
            db.put(b"gone", b"x")
            batch.put(b"a", b"1").put(b"b", b"2").delete(b"gone")
            seq = db.write(batch)
            self.assertEqual([(b"a", b"1"), (b"b", b"2")], list(db.scan()))
            self.assertGreater(seq, 0)

    def test_scan_honours_bounds_order_prefix_and_seek(self):
        with slatefast.open("db", "memory:///") as db:
            for k in (b"a1", b"a2", b"b1", b"b2", b"c1"):
                db.put(k, k.upper(), await_durable=False)
            self.assertEqual([b"a2", b"b1", b"b2"], [k for k, _ in db.scan(b"a2", b"c1")])
            self.assertEqual([b"c1", b"b2", b"b1", b"a2", b"a1"], [k for k, _ in db.scan(reverse=True)])
            self.assertEqual([(b"b1", b"B1"), (b"b2", b"B2")], list(db.scan_prefix(b"b")))
            it = db.scan()
            it.seek(b"b2")
            self.assertEqual([b"b2", b"c1"], [k for k, _ in it])

    def test_snapshot_does_not_see_later_writes(self):
        with slatefast.open("db", "memory:///") as db:
            db.put(b"k", b"old", await_durable=False)
            with db.snapshot() as snap:
                db.put(b"k", b"new", await_durable=False)
                db.put(b"later", b"x", await_durable=False)
                self.assertEqual(b"old", snap.get(b"k"))
                self.assertEqual([(b"k", b"old")], list(snap.scan()))
            self.assertEqual(b"new", db.get(b"k"))

    def test_reopen_reads_what_was_written_and_flushed(self):
        url = self.store_url()
        with slatefast.open("db", url, {"flush_interval_ms": 20, "l0_sst_size_bytes": 4096}) as db:
            for i in range(200):
                db.put(b"key-%04d" % i, b"value-%d" % i, await_durable=False)
            db.flush("memtable")
            self.assertGreaterEqual(db.metrics()["l0_sst_count"], 1)
        with slatefast.open("db", url) as db:
            self.assertEqual(200, len(list(db.scan())))
            self.assertEqual(b"value-7", db.get(b"key-0007"))

    def test_options_take_slatedb_setting_names_and_durations(self):
        url = self.store_url()
        options = {"flush_interval": "20ms", "l0_sst_size_bytes": 4096, "compression_codec": "Zstd",
                   "compactor_options": {"poll_interval": "1s"}}
        with slatefast.open("db", url, options) as db:
            db.put(b"k", b"v")
            db.flush("memtable")
            self.assertGreaterEqual(db.metrics()["l0_sst_count"], 1)
        with slatefast.open("db", url) as db:
            self.assertEqual(b"v", db.get(b"k"))
        with self.assertRaises(slatefast.InvalidError) as raised:
            slatefast.open("db", url, {"compactor_options": {"poll_intervall": "1s"}})
        self.assertIn("compactor_options.poll_intervall", str(raised.exception))

    def test_a_separate_wal_store_holds_the_wal_and_every_open_must_name_it(self):
        url, wal = self.store_url("main"), self.store_url("wal")
        with slatefast.open("db", url, {"wal_store_url": wal}) as db:
            db.put(b"k", b"durable only in the WAL")
        with self.assertRaises(slatefast.InvalidError):
            slatefast.open("db", url)
        with slatefast.open_reader("db", url, {"wal_store_url": wal}) as reader:
            self.assertEqual(b"durable only in the WAL", reader.get(b"k"))
        with slatefast.open("db", url, {"wal_store_url": wal}) as db:
            self.assertEqual(b"durable only in the WAL", db.get(b"k"))

    def test_a_disk_cache_serves_sst_reads_after_a_reopen(self):
        url = self.store_url()
        cache = {"root_folder": os.path.join(self.scratch, "cache"), "part_size_bytes": 65536}
        options = {"l0_sst_size_bytes": 4096, "object_store_cache_options": cache}
        with slatefast.open("db", url, options) as db:
            for i in range(200):
                db.put(b"key-%04d" % i, b"value-%d" % i, await_durable=False)
            db.flush("memtable")
        with slatefast.open("db", url, options) as db:
            self.assertEqual(b"value-7", db.get(b"key-0007"))
        with slatefast.open("db", url, options) as db:
            self.assertEqual(200, len(list(db.scan())))
            metrics = db.metrics()
            self.assertGreater(metrics["object_store_cache_part_hit_count"], 0)
            self.assertGreater(metrics["object_store_cache_bytes"], 0)
        with slatefast.open_reader("db", url, {"object_store_cache_options": cache}) as reader:
            self.assertEqual(b"value-8", reader.get(b"key-0008"))
        bad = dict(cache, preload_disk_cache_on_startup="Everything")
        with self.assertRaises(slatefast.InvalidError):
            slatefast.open("db", url, {"object_store_cache_options": bad})

    def test_errors_raise_the_class_of_their_kind(self):
        db = slatefast.open("db", "memory:///")
        with self.assertRaises(slatefast.InvalidError):
            db.put(b"", b"empty keys are invalid")
        with self.assertRaises(slatefast.InvalidError):
            slatefast.open("db", "memory:///", {"no_such_option": 1})
        with self.assertRaises(slatefast.InvalidError):
            slatefast.open("db", "ftp://nowhere")
        db.close()
        db.close()  # idempotent in Python
        with self.assertRaises(slatefast.ClosedError) as closed:
            db.put(b"k", b"v")
        self.assertEqual(1, closed.exception.close_reason)
        self.assertIsInstance(closed.exception, slatefast.SlateFastError)

    def test_several_threads_share_one_db(self):
        with slatefast.open("db", "memory:///") as db:
            def work(t):
                for i in range(200):
                    key = b"t%d-%03d" % (t, i)
                    db.put(key, key, await_durable=(i % 50 == 0))
                    self.assertEqual(key, db.get(key))

            threads = [threading.Thread(target=work, args=(t,)) for t in range(4)]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            self.assertEqual(800, len(list(db.scan())))

    def test_version_is_reported(self):
        self.assertRegex(slatefast.version(), r"^\d+\.\d+\.\d+")


if __name__ == "__main__":
    unittest.main()
