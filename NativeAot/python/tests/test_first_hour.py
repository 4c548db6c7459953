"""What a new user meets first: paths as pathlib.Path, errors that say what is closed, and a clear
error when the library cannot be found."""

import os
import pathlib
import subprocess
import sys
import unittest

from support import ScratchTestCase, python_env, slatefast


class FirstHourTests(ScratchTestCase):
    def test_pathlib_paths_are_accepted_for_the_database_and_a_local_store_folder(self):
        store = pathlib.Path(self.scratch) / "store"
        with slatefast.open(pathlib.PurePosixPath("db"), store) as db:
            db.put(b"k", b"v")
        self.assertTrue((store / "db" / "manifest").is_dir())
        with slatefast.open("db", "file://" + str(store)) as db:
            self.assertEqual(b"v", db.get(b"k"))
        with slatefast.open_reader(pathlib.PurePosixPath("db"), store) as reader:
            self.assertEqual(b"v", reader.get(b"k"))

    def test_using_a_closed_object_says_which_object_is_closed(self):
        with slatefast.open("db", "memory:///") as db:
            db.put(b"k", b"v")
            snapshot = db.snapshot()
            snapshot.close()
            with self.assertRaisesRegex(slatefast.ClosedError, "^the snapshot is closed$"):
                snapshot.get(b"k")
            iterator = db.scan()
            iterator.close()
            with self.assertRaisesRegex(slatefast.ClosedError, "^the iterator is closed$"):
                iterator.seek(b"k")
            batch = slatefast.WriteBatch()
            batch.close()
            with self.assertRaisesRegex(slatefast.ClosedError, "^the write batch is closed$"):
                batch.put(b"k", b"v")
        with self.assertRaisesRegex(slatefast.ClosedError, "^the database is closed$"):
            db.get(b"k")

    def test_a_library_that_cannot_be_found_is_a_clear_error_naming_it_and_the_fix(self):
        script = "import slatefast\ntry:\n    slatefast.version()\nexcept slatefast.InvalidError as e:\n    print(type(e).__name__, e)\n"
        env = python_env(SLATEFAST_LIB=os.path.join(self.scratch, "missing", "libslatefast.so"))
        result = subprocess.run([sys.executable, "-B", "-c", script], cwd=self.scratch, env=env, capture_output=True, text=True, check=False)
        self.assertIn("InvalidError cannot load the SlateFast library", result.stdout, result.stderr)
        self.assertIn("missing/libslatefast.so", result.stdout)
        self.assertIn("set SLATEFAST_LIB", result.stdout)


if __name__ == "__main__":
    unittest.main()
