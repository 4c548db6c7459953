import os
import signal
import subprocess
import sys
import unittest

from support import ScratchTestCase, slatefast


class CrashTests(ScratchTestCase):
    def test_acknowledged_durable_puts_survive_sigkill_of_the_writer(self):
        url = self.store_url()
        child = subprocess.Popen(
            [sys.executable, "-B", os.path.join(os.path.dirname(__file__), "crash_writer.py"), url],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        acknowledged = []
        try:
            for line in child.stdout:
                acknowledged.append(line.decode().strip().encode())
                if len(acknowledged) >= 40:
                    break
        finally:
            child.send_signal(signal.SIGKILL)
            child.wait()
            child.stdout.close()
            stderr = child.stderr.read().decode()
            child.stderr.close()
        self.assertEqual(-signal.SIGKILL, child.returncode, stderr)
        self.assertEqual(40, len(acknowledged), stderr)

        with slatefast.open("db", url) as db:
            missing = [k for k in acknowledged if db.get(k) != k]
        self.assertEqual([], missing)


if __name__ == "__main__":
    unittest.main()
