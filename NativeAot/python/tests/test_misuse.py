"""Misuse through the raw ctypes layer: the library answers with an error, never a crash."""

import ctypes
import unittest
from ctypes import byref, c_bool, c_size_t, c_uint8, c_void_p, POINTER

from support import ScratchTestCase, slatefast
from slatefast import _native

SF_ERR_CLOSED, SF_ERR_INVALID = 2, 4


class MisuseTests(ScratchTestCase):
    def setUp(self):
        super().setUp()
        self.lib = _native.lib()

    def kind(self, result):
        kind = result.kind
        self.lib.sf_result_free(byref(result))
        return kind

    def test_forged_null_and_stale_handles_are_invalid(self):
        lib = self.lib
        for forged in (None, 1, 0x0000000700000003, 0xDEADBEEFCAFE):
            self.assertEqual(SF_ERR_INVALID, self.kind(lib.sf_db_put(forged, b"k", 1, b"v", 1, 0, None)))
            self.assertEqual(SF_ERR_INVALID, self.kind(lib.sf_iterator_close(forged)))
        it = c_void_p()
        db = slatefast.open("db", "memory:///")
        self.assertEqual(0, self.kind(lib.sf_db_scan(db._h, None, 0, None, 0, None, byref(it))))
        self.assertEqual(0, self.kind(lib.sf_iterator_close(it)))
        self.assertEqual(SF_ERR_INVALID, self.kind(lib.sf_iterator_close(it)))
        self.assertEqual(SF_ERR_INVALID, self.kind(lib.sf_db_close(it)))  # wrong type
        token = db._h
        db.close()
        self.assertEqual(SF_ERR_INVALID, self.kind(lib.sf_db_close(token)))  # double close
        self.assertEqual(SF_ERR_CLOSED, self.kind(lib.sf_db_flush(token)))

    def test_null_out_pointers_and_null_keys_with_a_length_are_invalid(self):
        lib = self.lib
        with slatefast.open("db", "memory:///") as db:
            present, value, length = c_bool(), POINTER(c_uint8)(), c_size_t()
            self.assertEqual(SF_ERR_INVALID, self.kind(lib.sf_db_get(db._h, None, 3, byref(present), byref(value), byref(length))))
            self.assertEqual(SF_ERR_INVALID, self.kind(lib.sf_db_get(db._h, b"k", 1, None, byref(value), byref(length))))
            self.assertEqual(SF_ERR_INVALID, self.kind(lib.sf_db_put(db._h, None, 5, b"v", 1, 0, None)))
            self.assertEqual(SF_ERR_INVALID, self.kind(lib.sf_db_open(b"x", b"memory:///", None, None)))

    def test_error_messages_are_freed_and_reset(self):
        result = self.lib.sf_db_flush(None)
        self.assertTrue(result.message)
        self.assertIn(b"NULL", ctypes.string_at(result.message))
        self.lib.sf_result_free(byref(result))
        self.assertFalse(result.message)


if __name__ == "__main__":
    unittest.main()
