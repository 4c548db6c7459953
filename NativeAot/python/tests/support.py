"""Shared helpers: a scratch folder per test (never the current directory), and the package under
test: the source folder beside these tests, or with SLATEFAST_TEST_INSTALLED=1 the package
installed in the running interpreter (Engine.Tests runs the suite so against the wheel in a fresh
venv; the source folder is then kept off sys.path, so the wheel is what gets tested)."""

import os
import shutil
import sys
import tempfile
import unittest

SOURCE = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
INSTALLED = os.environ.get("SLATEFAST_TEST_INSTALLED") == "1"
if not INSTALLED:
    sys.path.insert(0, SOURCE)

import slatefast  # noqa: E402

if INSTALLED and os.path.abspath(slatefast.__file__).startswith(SOURCE + os.sep):
    raise ImportError(f"SLATEFAST_TEST_INSTALLED=1 but slatefast was imported from the source folder {SOURCE}")


def python_env(**overrides):
    """The environment for a child Python that imports the same package as this one."""
    env = dict(os.environ, **overrides)
    if not INSTALLED:
        env["PYTHONPATH"] = os.pathsep.join(p for p in (SOURCE, env.get("PYTHONPATH")) if p)
    return env


class ScratchTestCase(unittest.TestCase):
    def setUp(self):
        self.scratch = tempfile.mkdtemp(prefix="slatefast-py-")
        self.addCleanup(shutil.rmtree, self.scratch, True)

    def store_url(self, name="store"):
        return "file://" + os.path.join(self.scratch, name)


__all__ = ["INSTALLED", "SOURCE", "ScratchTestCase", "python_env", "slatefast"]
