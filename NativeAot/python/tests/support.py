"""Shared helpers: a scratch folder per test (never the current directory)."""

import os
import shutil
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))

import slatefast  # noqa: E402


class ScratchTestCase(unittest.TestCase):
    def setUp(self):
        self.scratch = tempfile.mkdtemp(prefix="slatefast-py-")
        self.addCleanup(shutil.rmtree, self.scratch, True)

    def store_url(self, name="store"):
        return "file://" + os.path.join(self.scratch, name)


__all__ = ["ScratchTestCase", "slatefast"]
