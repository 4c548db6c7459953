// Executes a workload plan against real SlateDB, in the order SlateFast's WorkloadRunner does:
// load in batches, flush + warming scan, the timed clients (every latency kept), a memtable
// flush, then verification reads. Every read is checked against the plan.

import { sdb } from "../engine.mjs";
import { GET, PUT, SCAN } from "./plan.mjs";
import { peakResidentBytes, writtenBytes } from "./process.mjs";

const LOAD_BATCH = 1000;
const VERIFY_SAMPLE = 10000;
const NO_WAIT = { await_durable: false };
const SCAN_OPTIONS = {
  durability_filter: "Memory",
  dirty: false,
  read_ahead_bytes: 1,
  cache_blocks: true,
  max_fetch_tasks: 1,
  order: "Ascending",
};

const hex = (b) => Buffer.from(b).toString("hex");
const same = (a, b) => a !== undefined && Buffer.compare(Buffer.from(a.buffer, a.byteOffset, a.byteLength), b) === 0;

/** Sum of SlateDB's own object-store request counter over all its labels (api, component, op). */
function storeRequests(recorder) {
  let total = 0;
  for (const m of recorder.metrics_by_name("slatedb.object_store.request_count")) {
    for (const [k, v] of Object.entries(m.value)) if (k !== "tag") total += Number(v);
  }
  return total;
}

export async function runPlan(plan, db, recorder) {
  const checks = { checked: 0, mismatches: 0, first: null };
  const fail = (message) => {
    checks.checked++;
    checks.mismatches++;
    checks.first ??= message;
  };
  const pass = () => checks.checked++;
  const ttl = { ttl: sdb.Ttl.Default() };

  const checkGet = (ops, i, value) => {
    const expected = ops.valueOffset(i);
    if (ops.kind(i) === PUT || expected >= 0) {
      if (value === undefined) return fail(`key ${hex(ops.key(i))} was not found`);
      if (!same(value, plan.value(expected))) return fail(`key ${hex(ops.key(i))} read a wrong value (${value.length} bytes)`);
    } else if (value !== undefined) {
      return fail(`absent key ${hex(ops.key(i))} was found`);
    }
    pass();
  };

  // Load (untimed): non-durable batches, like every engine.
  for (let start = 0; start < plan.load.count; start += LOAD_BATCH) {
    const batch = new sdb.WriteBatch();
    try {
      const end = Math.min(plan.load.count, start + LOAD_BATCH);
      for (let i = start; i < end; i++) batch.put(plan.load.key(i), plan.value(plan.load.valueOffset(i)));
      await db.write_with_options(batch, NO_WAIT);
    } finally {
      batch.dispose?.();
    }
  }

  if (plan.warm) {
    await db.flush_with_options({ flush_type: "MemTable" });
    let rows = 0;
    const it = await db.scan_with_options({ start: undefined, start_inclusive: true, end: undefined, end_inclusive: false }, SCAN_OPTIONS);
    try {
      while ((await it.next()) !== undefined) rows++;
    } finally {
      it.dispose?.();
    }
    if (rows === plan.warmRows) pass();
    else fail(`a full scan after loading counted ${rows} rows, expected ${plan.warmRows}`);
  }

  // Warm-up, as WorkloadRunner.WarmupAsync: the leading reads once, untimed and unchecked.
  for (let i = 0; i < plan.warmupOps; i++) {
    if (plan.timed.kind(i) === SCAN) {
      const it = await db.scan_with_options({ start: plan.timed.key(i), start_inclusive: true, end: undefined, end_inclusive: false }, SCAN_OPTIONS);
      try {
        for (let n = 0; n < plan.scanLength && (await it.next()) !== undefined; n++);
      } finally {
        it.dispose?.();
      }
    } else {
      await db.get(plan.timed.key(i));
    }
  }

  const writtenBefore = writtenBytes();
  const requestsBefore = storeRequests(recorder);
  const latencies = new Float64Array(plan.timed.count);
  const completed = new Array(plan.writers).fill(0);
  const started = process.hrtime.bigint();
  const deadline = plan.timeLimitMs > 0 ? started + BigInt(plan.timeLimitMs) * 1000000n : null;
  const ops = plan.timed;

  async function client(w) {
    const [start, end] = ops.slice(w, plan.writers);
    let i = start;
    for (; i < end; i++) {
      const t0 = process.hrtime.bigint();
      if (deadline !== null && t0 >= deadline) break;
      const kind = ops.kind(i);
      if (kind === PUT) {
        if (plan.durable) await db.put(ops.key(i), plan.value(ops.valueOffset(i)));
        else await db.put_with_options(ops.key(i), plan.value(ops.valueOffset(i)), ttl, NO_WAIT);
        latencies[i] = Number(process.hrtime.bigint() - t0);
      } else if (kind === GET) {
        const value = await db.get(ops.key(i));
        latencies[i] = Number(process.hrtime.bigint() - t0);
        checkGet(ops, i, value);
      } else if (kind === SCAN) {
        const it = await db.scan_with_options({ start: ops.key(i), start_inclusive: true, end: undefined, end_inclusive: false }, SCAN_OPTIONS);
        let rows = 0;
        let first;
        let last;
        try {
          for (let kv; rows < plan.scanLength && (kv = await it.next()) !== undefined; rows++) {
            first ??= kv;
            last = kv;
          }
        } finally {
          it.dispose?.();
        }
        latencies[i] = Number(process.hrtime.bigint() - t0);
        const ok =
          rows === ops.expectedRows(i) &&
          same(first?.key, ops.key(i)) &&
          same(last?.key, ops.lastKey(i)) &&
          same(last?.value, plan.value(ops.valueOffset(i)));
        if (ok) pass();
        else fail(`scan from ${hex(ops.key(i))} returned ${rows} rows ending at ${last ? hex(last.key) : "-"}, expected ${ops.expectedRows(i)} ending at ${hex(ops.lastKey(i))}`);
      }
    }
    completed[w] = i - start;
  }

  await Promise.all(Array.from({ length: plan.writers }, (_, w) => client(w)));
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  await db.flush_with_options({ flush_type: "MemTable" });
  const storageBytes = writtenBytes() - writtenBefore;
  const requests = storeRequests(recorder) - requestsBefore;

  // Verification, as in WorkloadRunner.VerifyAsync.
  if (plan.timeLimitMs > 0) {
    const total = completed.reduce((a, b) => a + b, 0);
    const stride = Math.max(1, Math.ceil(total / VERIFY_SAMPLE));
    for (let w = 0; w < plan.writers; w++) {
      const [start] = ops.slice(w, plan.writers);
      for (let j = 0; j < completed[w]; j++) {
        if (j % stride === 0 || j === completed[w] - 1) checkGet(ops, start + j, await db.get(ops.key(start + j)));
      }
    }
  } else {
    for (let i = 0; i < plan.verify.count; i++) checkGet(plan.verify, i, await db.get(plan.verify.key(i)));
  }

  // Latencies of completed operations, each client's slice in order, as the C# side expects.
  const done = [];
  for (let w = 0; w < plan.writers; w++) {
    const [start] = ops.slice(w, plan.writers);
    done.push(latencies.subarray(start, start + completed[w]));
  }
  return {
    seconds,
    completed,
    latencies: done,
    checked: checks.checked,
    mismatches: checks.mismatches,
    first_mismatch: checks.first,
    store_requests: requests,
    storage_bytes_written: storageBytes,
    peak_rss_bytes: peakResidentBytes(),
  };
}
