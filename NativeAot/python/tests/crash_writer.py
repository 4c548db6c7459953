"""Child of test_crash (and of the .NET power-cut tests): durable puts until killed, printing each
acknowledged key. Usage: crash_writer.py STORE_URL [DB]   (the value of each key is the key)."""

import sys

from support import slatefast  # the package under test (source or installed), as in the tests

db = slatefast.open(sys.argv[2] if len(sys.argv) > 2 else "db", sys.argv[1])
i = 0
while True:
    key = b"key-%06d" % i
    db.put(key, key)  # await_durable=True: acknowledged means durable
    print(key.decode(), flush=True)
    i += 1
