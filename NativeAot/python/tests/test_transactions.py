import unittest

from support import ScratchTestCase, slatefast


class TransactionTests(ScratchTestCase):
    def test_lost_update_is_rejected_and_applies_nothing(self):
        with slatefast.open("db", "memory:///") as db:
            db.put(b"counter", b"1", await_durable=False)
            with db.begin_transaction() as t1, db.begin_transaction() as t2:
                for t in (t1, t2):
                    t.put(b"counter", b"%d" % (int(t.get(b"counter")) + 1))
                t2.put(b"also", b"from t2")
                self.assertGreater(t1.commit(), 0)
                with self.assertRaises(slatefast.TransactionError):
                    t2.commit()
            self.assertEqual(b"2", db.get(b"counter"))
            self.assertIsNone(db.get(b"also"))

    def test_write_skew_commits_under_snapshot_and_is_rejected_under_serializable(self):
        with slatefast.open("db", "memory:///") as db:
            for isolation in ("snapshot", "serializable"):
                db.put(b"x", b"on")
                db.put(b"y", b"on")
                t1, t2 = db.begin_transaction(isolation), db.begin_transaction(isolation)
                for t, mine in ((t1, b"x"), (t2, b"y")):
                    self.assertEqual([b"on", b"on"], [t.get(b"x"), t.get(b"y")])
                    t.put(mine, b"off")
                t1.commit()
                if isolation == "snapshot":
                    t2.commit()
                    self.assertEqual((b"off", b"off"), (db.get(b"x"), db.get(b"y")))
                else:
                    with self.assertRaises(slatefast.TransactionError):
                        t2.commit()
                    self.assertEqual((b"off", b"on"), (db.get(b"x"), db.get(b"y")))

    def test_leaving_the_block_without_commit_rolls_back(self):
        with slatefast.open("db", "memory:///") as db:
            with db.begin_transaction() as txn:
                txn.put(b"k", b"v")
                self.assertEqual(b"v", txn.get(b"k"))
                self.assertEqual([(b"k", b"v")], list(txn.scan()))
            self.assertIsNone(db.get(b"k"))
            with self.assertRaises(ValueError):
                with db.begin_transaction() as txn:
                    txn.put(b"k", b"v")
                    raise ValueError("the block failed")
            self.assertIsNone(db.get(b"k"))

    def test_a_finished_transaction_cannot_be_used(self):
        with slatefast.open("db", "memory:///") as db:
            txn = db.begin_transaction("serializable")
            self.assertIsNone(txn.commit())  # wrote nothing
            with self.assertRaisesRegex(slatefast.ClosedError, "^the transaction is already committed$"):
                txn.commit()
            with self.assertRaisesRegex(slatefast.ClosedError, "^the transaction is already committed$"):
                txn.put(b"k", b"v")
            txn.rollback()  # does nothing after commit
            other = db.begin_transaction()
            other.rollback()
            with self.assertRaisesRegex(slatefast.ClosedError, "^the transaction is rolled back$"):
                other.get(b"k")
            with self.assertRaises(slatefast.InvalidError):
                db.begin_transaction("read-committed")

    def test_mark_read_and_unmark_write_change_what_conflicts(self):
        with slatefast.open("db", "memory:///") as db:
            with db.begin_transaction("serializable") as txn:
                txn.mark_read(b"watched")
                txn.put(b"other", b"1")
                db.put(b"watched", b"w")
                with self.assertRaises(slatefast.TransactionError):
                    txn.commit()
            with db.begin_transaction() as txn:
                txn.put(b"blind", b"txn")
                txn.unmark_write(b"blind")
                db.put(b"blind", b"db")
                txn.commit()
            self.assertEqual(b"txn", db.get(b"blind"))


class MergeAndTtlTests(ScratchTestCase):
    def test_concat_merge_operator_resolves_operands_everywhere(self):
        with slatefast.open("db", self.store_url(), {"merge_operator": "concat"}) as db:
            db.put(b"log", b"a", await_durable=False)
            db.merge(b"log", b"b")
            self.assertEqual(b"ab", db.get(b"log"))
            db.flush("memtable")
            with slatefast.WriteBatch() as batch:
                db.write(batch.merge(b"log", b"c"))
            with db.begin_transaction() as txn:
                txn.merge(b"log", b"d")
                self.assertEqual(b"abcd", txn.get(b"log"))
                txn.commit()
            self.assertEqual([(b"log", b"abcd")], list(db.scan()))
        with slatefast.open("db", self.store_url(), {"merge_operator": "concat"}) as db:
            self.assertEqual(b"abcd", db.get(b"log"))
        with self.assertRaises(slatefast.InvalidError):
            slatefast.open("db", "memory:///", {"merge_operator": "max"})

    def test_expired_rows_stay_readable_unless_reads_hide_them(self):
        from ctypes import byref

        from slatefast import _native
        from slatefast.errors import check

        with slatefast.open("db", "memory:///") as db:
            expired_in_1970 = _native.PutOptions(3, 1000)  # SF_TTL_EXPIRE_AT, Unix ms
            check(db._lib, db._lib.sf_db_put_with_options(db._h, b"old", 3, b"stale", 5, byref(expired_in_1970), None, None))
            db.put(b"fresh", b"x")
            self.assertEqual(b"stale", db.get(b"old"))
            self.assertIsNone(db.get(b"old", hide_expired=True))
            self.assertEqual([b"fresh"], [k for k, _ in db.scan(hide_expired=True)])
            self.assertEqual([b"fresh", b"old"], [k for k, _ in db.scan()])


class CheckpointAndReaderTests(ScratchTestCase):
    def test_a_reader_at_a_checkpoint_sees_the_state_it_pinned(self):
        url = self.store_url()
        with slatefast.open("db", url) as db:
            db.put(b"k", b"before")
            checkpoint = db.create_checkpoint(name="snap", lifetime_ms=3_600_000)
            db.put(b"k", b"after")
            db.put(b"new", b"x")
            listed = db.list_checkpoints()
            self.assertEqual([checkpoint], [c["id"] for c in listed])
            self.assertEqual("snap", listed[0]["name"])
            self.assertIsNotNone(listed[0]["expire_time_s"])
            db.refresh_checkpoint(checkpoint)
            self.assertIsNone(db.list_checkpoints()[0]["expire_time_s"])

            with slatefast.open_reader("db", url, {"checkpoint_id": checkpoint}) as reader:
                self.assertEqual(b"before", reader.get(b"k"))
                self.assertEqual([(b"k", b"before")], list(reader.scan()))
            with slatefast.open_reader("db", url, {"mode": "follow_latest"}) as reader:
                self.assertEqual(b"after", reader.get(b"k"))
                db.put(b"later", b"y")
                reader.refresh()
                self.assertEqual(b"y", reader.get(b"later"))

            self.assertTrue(db.delete_checkpoint(checkpoint))
            self.assertFalse(db.delete_checkpoint(checkpoint))
            self.assertEqual([], db.list_checkpoints())
            with self.assertRaises(slatefast.InvalidError):
                slatefast.open_reader("db", url, {"checkpoint_id": checkpoint})
            with self.assertRaises(slatefast.InvalidError):
                db.refresh_checkpoint("not-a-checkpoint")

    def test_ingest_adds_an_sst_above_earlier_writes(self):
        import os

        url = self.store_url()
        with slatefast.open("staging", url) as staging:
            staging.put(b"k1", b"ingested", await_durable=False)
            staging.flush("memtable")
        folder = os.path.join(self.scratch, "store", "staging", "compacted")
        ssts = ["staging/compacted/" + name for name in os.listdir(folder) if name.endswith(".sst")]
        with slatefast.open("db", url) as db:
            before = db.put(b"k1", b"older")
            self.assertGreater(db.ingest(ssts), before)
            self.assertEqual(b"ingested", db.get(b"k1"))
            with self.assertRaises(slatefast.InvalidError):
                db.ingest([])


if __name__ == "__main__":
    unittest.main()
