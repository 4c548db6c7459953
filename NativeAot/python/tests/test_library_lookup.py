"""Which libslatefast.so the package loads: $SLATEFAST_LIB when set, else the copy bundled in an
installed package (slatefast/_lib/), else the repository's build (a source checkout)."""

import os
import subprocess
import sys
import unittest

from support import INSTALLED, SOURCE, ScratchTestCase, python_env, slatefast



class LibraryLookupTests(ScratchTestCase):
    def child(self, code, env):
        """Runs code in a fresh interpreter (this one has loaded a library already) from the scratch folder."""
        run = subprocess.run([sys.executable, "-B", "-c", code], cwd=self.scratch, env=env, capture_output=True, text=True, timeout=120)
        self.assertEqual(0, run.returncode, run.stderr)
        return run.stdout.splitlines()

    def env_without_slatefast_lib(self):
        env = python_env()
        env.pop("SLATEFAST_LIB", None)
        return env

    def test_slatefast_lib_when_set_is_the_library_loaded_whatever_else_exists(self):
        chosen = os.path.join(self.scratch, "elsewhere", "libslatefast.so")
        lines = self.child("import slatefast._native as n\nprint(n.library_path())\n", python_env(SLATEFAST_LIB=chosen))
        self.assertEqual([chosen], lines)

    @unittest.skipUnless(INSTALLED, "the package is used from the source folder, which bundles no library")
    def test_an_installed_package_without_slatefast_lib_loads_the_library_bundled_inside_it(self):
        bundled = os.path.join(os.path.dirname(os.path.abspath(slatefast.__file__)), "_lib", "libslatefast.so")
        code = "import slatefast, slatefast._native as n\nprint(n.library_path())\nprint(slatefast.version())\n"
        path, version = self.child(code, self.env_without_slatefast_lib())
        self.assertEqual(bundled, path)
        self.assertEqual(slatefast.__version__, version)

    @unittest.skipIf(INSTALLED, "the installed package has its own copy")
    def test_a_source_checkout_without_slatefast_lib_loads_the_repository_build(self):
        lines = self.child("import slatefast._native as n\nprint(n.library_path())\n", self.env_without_slatefast_lib())
        repository = os.path.dirname(os.path.dirname(SOURCE))  # SOURCE is NativeAot/python
        self.assertEqual([os.path.join(repository, "artifacts", "native", "libslatefast.so")], lines)


if __name__ == "__main__":
    unittest.main()
