"""Change data capture from Python: slatefast.open_wal_reader lists, reads and follows the WAL."""

import unittest

from support import ScratchTestCase, slatefast


class WalReaderTest(ScratchTestCase):
    def test_follow_delivers_every_commit_in_order_with_kinds_and_resumes_after_a_processed_row(self):
        url = self.store_url()
        with slatefast.open("db", url, {"merge_operator": "concat"}) as db:
            seq_a = db.put(b"a", b"1")
            db.delete(b"b")
            seq_m = db.merge(b"m", b"x")
            with slatefast.open_wal_reader("db", url, {"poll_interval_ms": 10}) as wal:
                follower = wal.follow(start="beginning")
                rows = [next(iter(follower)) for _ in range(3)]
                self.assertEqual([("value", b"a", b"1"), ("tombstone", b"b", None), ("merge", b"m", b"x")],
                                 [(r.kind, r.key, r.value) for r in rows])
                self.assertEqual(seq_a, rows[0].seq)
                self.assertEqual(seq_m, rows[2].seq)
                self.assertTrue(all(r.create_ts is not None for r in rows))
                self.assertEqual(sorted(r.seq for r in rows), [r.seq for r in rows])

                # caught up: nothing within the timeout; then the next commit arrives
                self.assertIsNone(follower.next_row(0.02))
                db.put(b"c", b"3")
                self.assertEqual(b"c", follower.next_row(60).key)
                follower.close()

                with wal.follow(after=(rows[2].wal_id, rows[2].seq)) as resumed:
                    self.assertEqual(b"c", resumed.next_row(60).key)
                with wal.follow(after_seq=seq_a) as by_seq:
                    self.assertEqual(b"b", by_seq.next_row(60).key)

    def test_list_and_read_show_each_wal_object_and_its_rows(self):
        url = self.store_url()
        with slatefast.open("db", url) as db:
            db.put(b"k", b"v")
        with slatefast.open_wal_reader("db", url) as wal:
            files = wal.list()
            self.assertEqual(sorted(f["id"] for f in files), [f["id"] for f in files])
            rows = [row for f in files for row in wal.read(f["id"])]
            self.assertEqual([(b"k", b"v")], [(r.key, r.value) for r in rows])
            self.assertEqual([], wal.list(start_id=files[-1]["id"] + 1))

    def test_misuse_is_invalid_and_a_closed_reader_is_closed(self):
        url = self.store_url()
        with slatefast.open("db", url) as db:
            db.put(b"k", b"v")
        wal = slatefast.open_wal_reader("db", url)
        with self.assertRaises(slatefast.InvalidError):
            wal.follow(start="middle")
        with self.assertRaises(slatefast.InvalidError):
            wal.follow(wal_id=1, after_seq=2)
        with self.assertRaises(slatefast.InvalidError):
            wal.read(10**9)
        with self.assertRaises(slatefast.InvalidError):
            slatefast.open_wal_reader("db", url, {"no_such_option": 1})
        wal.close()
        with self.assertRaises(slatefast.ClosedError):
            wal.list()


if __name__ == "__main__":
    unittest.main()
