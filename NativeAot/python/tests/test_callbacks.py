"""Python callables as merge operator, compaction filter and block transformer; compaction,
garbage collection and clones (RFC 0028)."""

import threading
import unittest

from support import ScratchTestCase, slatefast


def plus(key, existing, operand):
    return operand if existing is None else existing + b"+" + operand


class Xor:
    def __init__(self, key):
        self.key = key
        self.decodes = 0
        self._lock = threading.Lock()

    def encode(self, block):
        return bytes(b ^ self.key for b in block) + bytes([self.key])

    def decode(self, stored):
        with self._lock:
            self.decodes += 1
        if not stored or stored[-1] != self.key:
            raise ValueError("not encoded with this key")
        return bytes(b ^ self.key for b in stored[:-1])


class CallbackTests(ScratchTestCase):
    def test_a_python_merge_operator_folds_operands_on_reads_and_compaction(self):
        with slatefast.open("db", self.store_url(), merge_operator=plus) as db:
            db.put(b"k", b"a")
            db.merge(b"k", b"b" * 500)
            db.merge(b"k", b"c")
            self.assertEqual(db.get(b"k"), b"a+" + b"b" * 500 + b"+c")
            db.flush("memtable")
            db.compact()
            self.assertEqual(db.get(b"k"), b"a+" + b"b" * 500 + b"+c")

    def test_an_exception_in_the_merge_operator_is_the_cause_of_the_error_of_the_read(self):
        def refuse(key, existing, operand):
            raise KeyError("no merging today")

        with slatefast.open("db", self.store_url(), merge_operator=refuse) as db:
            db.put(b"k", b"a")
            db.merge(b"k", b"b")
            with self.assertRaises(slatefast.InvalidError) as caught:
                db.get(b"k")
            self.assertIsInstance(caught.exception.__cause__, KeyError)
            self.assertIn("no merging today", str(caught.exception))
            db.put(b"other", b"still works")
            self.assertEqual(db.get(b"other"), b"still works")

    def test_a_compaction_filter_drops_and_rewrites_rows_and_sees_each_once(self):
        seen = []

        def only_keep_important(entry):
            seen.append((entry.key, entry.seq))
            if entry.key.startswith(b"tmp/"):
                return "drop"
            if entry.key.startswith(b"up/"):
                return ("value", entry.value.upper() * 100)
            return None

        with slatefast.open("db", self.store_url(), compaction_filter=only_keep_important) as db:
            db.put(b"tmp/1", b"x")
            db.put(b"up/1", b"shout")
            db.put(b"keep", b"same")
            db.flush("memtable")
            db.compact()
            self.assertIsNone(db.get(b"tmp/1"))
            self.assertEqual(db.get(b"up/1"), b"SHOUT" * 100)
            self.assertEqual(db.get(b"keep"), b"same")
            self.assertEqual(sorted(k for k, _ in seen), [b"keep", b"tmp/1", b"up/1"])
            self.assertEqual(len(seen), len(set(seen)))

    def test_a_compaction_filter_that_raises_fails_the_compaction_and_the_data_stays(self):
        def broken(entry):
            raise RuntimeError("filter broke on " + entry.key.decode())

        with slatefast.open("db", self.store_url(), compaction_filter=broken) as db:
            db.put(b"a", b"1")
            db.flush("memtable")
            with self.assertRaises(slatefast.InvalidError) as caught:
                db.compact()
            self.assertIsInstance(caught.exception.__cause__, RuntimeError)
            self.assertIn("filter broke on a", str(caught.exception))
            self.assertEqual(db.get(b"a"), b"1")

    def test_a_compaction_filter_returning_nonsense_is_a_clear_error(self):
        with slatefast.open("db", self.store_url(), compaction_filter=lambda entry: 42) as db:
            db.put(b"a", b"1")
            db.flush("memtable")
            with self.assertRaises(slatefast.InvalidError) as caught:
                db.compact()
            self.assertIsInstance(caught.exception.__cause__, ValueError)

    def test_a_block_transformer_round_trips_and_the_database_needs_it(self):
        url = self.store_url()
        xor = Xor(0x5A)
        with slatefast.open("db", url, block_transformer=xor) as db:
            for i in range(200):
                db.put(b"k%03d" % i, b"v%d" % i)
            db.flush("memtable")
            db.compact()
            db.put(b"wal", b"only")
        with slatefast.open("db", url, block_transformer=xor) as db:
            self.assertEqual(db.get(b"k042"), b"v42")
            self.assertEqual(db.get(b"wal"), b"only")
            self.assertEqual(len(list(db.scan())), 201)
        self.assertGreater(xor.decodes, 0)
        with self.assertRaises(slatefast.DataError):
            slatefast.open("db", url)

    def test_a_reader_and_an_async_open_take_the_databases_callbacks(self):
        import asyncio

        url = self.store_url()
        xor = Xor(0x33)
        with slatefast.open("db", url, merge_operator=plus, block_transformer=xor) as db:
            db.put(b"k", b"a")
            db.merge(b"k", b"b")
            db.flush("memtable")
        with slatefast.open_reader("db", url, merge_operator=plus, block_transformer=xor) as reader:
            self.assertEqual(reader.get(b"k"), b"a+b")
        with self.assertRaises(slatefast.DataError):
            with slatefast.open_reader("db", url, merge_operator=plus) as reader:
                reader.get(b"k")

        async def merge_async():
            async with await slatefast.open_async("db", url, merge_operator=plus, block_transformer=xor) as db:
                await db.merge(b"k", b"c")
                return await db.get(b"k")

        self.assertEqual(asyncio.run(merge_async()), b"a+b+c")

    def test_a_block_transformer_that_raises_on_decode_is_a_data_error_with_its_cause(self):
        url = self.store_url()
        with slatefast.open("db", url, block_transformer=Xor(1)) as db:
            db.put(b"a", b"1")
            db.flush("memtable")
        with self.assertRaises(slatefast.DataError) as caught:
            with slatefast.open("db", url, block_transformer=Xor(2)) as db:
                db.get(b"a")
        self.assertIsInstance(caught.exception.__cause__, ValueError)

    def test_callbacks_must_be_callables_of_the_right_shape(self):
        with self.assertRaises(TypeError):
            slatefast.open("db", self.store_url(), merge_operator=b"concat")
        with self.assertRaises(TypeError):
            slatefast.open("db", self.store_url(), block_transformer=object())


class AdminTests(ScratchTestCase):
    def test_a_clone_reads_its_parent_and_garbage_collection_runs(self):
        url = self.store_url()
        with slatefast.open("parent", url) as db:
            db.put(b"a", b"1")
            db.flush("memtable")
        self.assertTrue(slatefast.create_clone("child", "parent", url))
        self.assertFalse(slatefast.create_clone("child", "parent", url))
        with slatefast.open("child", url) as clone:
            self.assertEqual(clone.get(b"a"), b"1")
        self.assertGreaterEqual(slatefast.collect_garbage("parent", url, dry_run=True), 0)
        self.assertGreaterEqual(slatefast.collect_garbage("parent", url), 0)
        with self.assertRaises(slatefast.InvalidError):
            slatefast.create_clone("child2", "parent", url, parent_checkpoint="not-an-id")


if __name__ == "__main__":
    unittest.main()
