"""Segments from Python: a segmented database routes keys, lists and drops segments."""

import unittest

from support import ScratchTestCase, slatefast


class SegmentsTest(ScratchTestCase):
    def test_a_segmented_database_lists_and_drops_segments_and_refuses_keys_without_one(self):
        url = self.store_url()
        with slatefast.open("db", url, {"segment_extractor": "fixed:3"}) as db:
            db.put(b"aaa1", b"1")
            db.put(b"bbb1", b"2")
            with self.assertRaises(slatefast.InvalidError):
                db.put(b"ab", b"too short for a segment")
            self.assertEqual([b"aaa", b"bbb"], db.list_segments())

            self.assertTrue(db.drop_segment(b"aaa"))
            self.assertFalse(db.drop_segment(b"zzz"))
            self.assertIsNone(db.get(b"aaa1"))
            self.assertEqual(b"2", db.get(b"bbb1"))
            self.assertEqual([b"bbb"], db.list_segments())

        with self.assertRaises(slatefast.InvalidError):
            slatefast.open("db", url)

    def test_prefix_bloom_filters_serve_prefix_scans_from_writer_and_reader(self):
        url = self.store_url()
        options = {"format_level": "0.13", "filter_prefix_extractor": "delimiter:/", "whole_key_filtering": False, "min_filter_keys": 1}
        with slatefast.open("db", url, options) as db:
            for tenant in (b"a/", b"b/", b"c/"):
                for i in range(5):
                    db.put(tenant + b"%d" % i, b"v")
                db.flush("memtable")
            self.assertEqual(5, len(list(db.scan_prefix(b"b/"))))
            self.assertEqual(b"v", db.get(b"c/4"))
            self.assertIsNone(db.get(b"c/9"))
        with slatefast.open_reader("db", url, {"filter_prefix_extractor": "delimiter:/"}) as reader:
            self.assertEqual(5, len(list(reader.scan(b"a/", b"a0"))))
        with self.assertRaises(slatefast.InvalidError):
            slatefast.open("db2", url, {"filter_prefix_extractor": "nonsense"})

    def test_a_database_without_segments_lists_none_and_cannot_drop(self):
        with slatefast.open("db", self.store_url()) as db:
            self.assertEqual([], db.list_segments())
            with self.assertRaises(slatefast.InvalidError):
                db.drop_segment(b"aaa")


if __name__ == "__main__":
    unittest.main()
