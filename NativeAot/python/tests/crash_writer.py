"""Child of test_crash (and of the .NET power-cut tests): durable puts until killed, printing each
acknowledged key. Usage: crash_writer.py STORE_URL [DB]   (the value of each key is the key)."""

import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))

import slatefast  # noqa: E402

db = slatefast.open(sys.argv[2] if len(sys.argv) > 2 else "db", sys.argv[1])
i = 0
while True:
    key = b"key-%06d" % i
    db.put(key, key)  # await_durable=True: acknowledged means durable
    print(key.decode(), flush=True)
    i += 1
