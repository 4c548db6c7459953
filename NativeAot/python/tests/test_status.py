"""Db.status / Reader.status and subscribe from Python."""

import unittest

from support import ScratchTestCase, slatefast


class StatusTest(ScratchTestCase):
    def test_status_reports_sequence_numbers_l0s_and_the_close(self):
        url = self.store_url()
        db = slatefast.open("db", url)
        seq = db.put(b"k", b"v")
        status = db.status()
        self.assertIsInstance(status, slatefast.DbStatus)
        self.assertEqual((seq, seq, None, 0), (status.durable_seq, status.last_seq, status.close_reason, status.l0_ssts))
        self.assertIsNone(status.last_l0_flush_ms)
        db.flush("memtable")
        flushed = db.status()
        self.assertEqual((1, seq), (flushed.l0_ssts, flushed.last_l0_seq))
        self.assertIsNotNone(flushed.last_l0_flush_ms)
        db.close()
        with self.assertRaises(slatefast.ClosedError):
            db.status()

    def test_a_reader_subscriber_hears_of_newer_data_and_a_closed_handles_subscription_raises_closed(self):
        url = self.store_url()
        with slatefast.open("db", url) as db:
            db.put(b"a", b"1")
            reader = slatefast.open_reader("db", url, {"manifest_poll_interval_ms": 20})
            statuses = reader.subscribe()
            first = next(statuses)
            seq = db.put(b"b", b"2")
            status = first
            while status.durable_seq < seq:
                status = next(statuses)
            self.assertEqual(b"2", reader.get(b"b"))

            with reader.snapshot() as snapshot:
                db.put(b"b", b"3")
                reader.refresh()
                self.assertEqual(b"3", reader.get(b"b"))
                self.assertEqual(b"2", snapshot.get(b"b"))
            reader.close()

        with slatefast.open("db", url) as db:
            statuses = db.subscribe()
            self.assertIsNone(next(statuses).close_reason)
            db.close()
            with self.assertRaises(slatefast.ClosedError):
                next(statuses)


if __name__ == "__main__":
    unittest.main()
