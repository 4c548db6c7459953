"""Prefix bloom filters through the options dict (RFC 0031): a writer opened with
filter_prefix_extractor writes SSTs whose filters prefix scans use; the option needs the 0.13
format; a bad spec is an InvalidError naming the key."""

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
