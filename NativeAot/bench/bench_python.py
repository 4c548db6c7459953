"""Python ops/s for non-durable put and get, and for small transactions (begin, get, put,
non-durable commit), through the ctypes binding (in-memory store).
    python3 NativeAot/bench/bench_python.py"""

import os
import random
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "python"))

import slatefast  # noqa: E402

N = 20000
rng = random.Random(2)
keys = [rng.randbytes(16) for _ in range(N)]
value = bytes(100)


def best_of(rounds, fn):
    rates = []
    for _ in range(rounds):
        start = time.perf_counter()
        fn()
        rates.append(N / (time.perf_counter() - start))
    rates.sort()
    return rates[len(rates) // 2]


with slatefast.open("bench", "memory:///", {"l0_max_ssts": 1000000}) as db:
    def puts():
        for k in keys:
            db.put(k, value, await_durable=False)

    def gets():
        for k in keys:
            db.get(k)

    def transactions():
        for k in keys:
            with db.begin_transaction() as txn:
                txn.get(k)
                txn.put(k, value)
                txn.commit(await_durable=False)

    put_rate = best_of(5, puts)
    get_rate = best_of(5, gets)
    txn_rate = best_of(5, transactions)
print(f"python put (await_durable=False): {put_rate:,.0f} ops/s ({1e6 / put_rate:.1f} us/op)")
print(f"python get (hit): {get_rate:,.0f} ops/s ({1e6 / get_rate:.1f} us/op)")
print(f"python transaction (get + put + commit): {txn_rate:,.0f} txn/s ({1e6 / txn_rate:.1f} us/txn)")
