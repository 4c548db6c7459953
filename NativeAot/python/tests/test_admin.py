import os
import unittest
from datetime import datetime, timezone

from support import ScratchTestCase, slatefast


class AdminTests(ScratchTestCase):
    def write_db(self, url):
        with slatefast.open("db", url) as db:
            db.put(b"k", b"v")
            db.flush("memtable")

    def test_manifests_are_listed_with_size_and_time_and_read_whole(self):
        url = self.store_url()
        self.write_db(url)
        with slatefast.open_admin("db", url) as admin:
            versions = admin.list_manifests()
            self.assertEqual([v["id"] for v in versions], list(range(1, len(versions) + 1)))
            newest = os.path.join(self.scratch, "store", "db", "manifest", "%020d.manifest" % versions[-1]["id"])
            self.assertEqual(versions[-1]["size"], os.path.getsize(newest))
            self.assertEqual(versions[-1]["last_modified_s"], int(os.path.getmtime(newest)))
            latest = admin.read_manifest()
            self.assertEqual(latest["id"], versions[-1]["id"])
            self.assertEqual(len(latest["l0"]), 1)
            self.assertEqual(latest["l0"][0]["first_key"], b"k".hex())
            self.assertEqual(admin.read_manifest(1)["id"], 1)
            with self.assertRaises(slatefast.InvalidError):
                admin.read_manifest(999)

    def test_the_compactions_file_shows_the_writers_compactor_and_lookups_answer_from_the_writers_samples(self):
        url = self.store_url()
        with slatefast.open("db", url) as db:
            db.put(b"k", b"v")
            db.flush("memtable")
            # The compactor claims its epoch in the background; compact() waits for that claim (a
            # close before it would cancel the claim half done, leaving the file at epoch 0).
            db.compact()
        with slatefast.Admin.open("db", url) as admin:
            # The writer's own compactor claimed epoch 1 and recorded its one compaction, whose
            # output is the sorted run the manifest now holds; its L0 flush recorded a
            # sequence-tracker sample of its first commit.
            compactions = admin.read_compactions()
            self.assertEqual(compactions["compactor_epoch"], 1)
            [compaction] = compactions["compactions"]
            self.assertEqual(compaction["status"], "completed")
            manifest = admin.read_manifest()
            self.assertEqual(manifest["l0"], [])
            self.assertEqual(compaction["output_ssts"], [sst["id"] for sst in manifest["sorted_runs"][0]["ssts"]])
            self.assertIsNone(admin.read_compactions(99))
            written = admin.seq_to_ts(1)
            self.assertIsNotNone(written)
            self.assertLess(abs((written - datetime.now(timezone.utc)).total_seconds()), 600)
            self.assertEqual(1, admin.ts_to_seq(datetime(2100, 1, 1, tzinfo=timezone.utc)))
            self.assertEqual(1, admin.ts_to_seq(1_700_000_000, round_up=True))
            self.assertIsNone(admin.ts_to_seq(1_700_000_000))

    def test_delete_db_refuses_a_database_in_use_unless_forced_and_deletes_nothing_twice(self):
        url = self.store_url()
        self.write_db(url)
        with slatefast.open_admin("db", url) as admin:
            with self.assertRaises(slatefast.InvalidError) as refused:
                admin.delete_db()
            self.assertIn("looks active", str(refused.exception))
            self.assertGreater(admin.delete_db(force=True), 0)
            self.assertEqual(admin.delete_db(), 0)
            with self.assertRaises(slatefast.InvalidError):
                admin.list_manifests()

    def test_a_path_without_a_database_has_no_compactions_and_no_manifest(self):
        with slatefast.open_admin("nothing", self.store_url()) as admin:
            with self.assertRaises(slatefast.InvalidError):
                admin.read_compactions()
            with self.assertRaises(slatefast.InvalidError):
                admin.read_manifest()

    def test_a_closed_admin_raises_closed_error(self):
        admin = slatefast.open_admin("db", self.store_url())
        admin.close()
        admin.close()
        with self.assertRaises(slatefast.ClosedError):
            admin.list_manifests()


if __name__ == "__main__":
    unittest.main()
