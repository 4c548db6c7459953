// Kind `random`: a seeded put/delete workload leaving sorted runs, several L0s and WAL-only rows.

import path from "node:path";
import { fastCompactorOverrides, hasSortedRunsAndIdleL0, waitForCompactor } from "../compactor.mjs";
import { makeSettings, openWriter, scanRows, sdb } from "../engine.mjs";

const NOT_DURABLE = { await_durable: false };

/** Seeded operations over a fixed key pool, so overwrites and deletes hit existing keys. */
function workload(r, keyPool) {
  return async function apply(db, count) {
    for (let n = 0; n < count; n++) {
      const roll = r.float();
      if (roll < 0.1) {
        // a batch shares one seq across its rows
        const batch = new sdb.WriteBatch();
        try {
          for (let j = r.int(2, 6); j > 0; j--) {
            if (r.float() < 0.3) batch.delete(r.pick(keyPool));
            else batch.put(r.pick(keyPool), r.bytes(r.int(0, 200)));
          }
          await db.write_with_options(batch, NOT_DURABLE);
        } finally {
          batch.dispose?.();
        }
      } else if (roll < 0.25) {
        await db.delete_with_options(r.pick(keyPool), NOT_DURABLE);
      } else {
        await db.put_with_options(r.pick(keyPool), r.bytes(r.int(0, 200)), { ttl: sdb.Ttl.Default() }, NOT_DURABLE);
      }
    }
  };
}

function makeKeyPool(r, size) {
  const seen = new Set();
  const pool = [];
  while (pool.length < size) {
    // mostly text-like keys with shared prefixes (prefix compression), some raw binary ones
    const k = r.float() < 0.8 ? Buffer.from(`u${r.int(0, 99)}/${r.int(0, 99999)}`) : r.bytes(r.int(1, 24));
    const id = k.toString("hex");
    if (!seen.has(id)) {
      seen.add(id);
      pool.push(k);
    }
  }
  return pool;
}

export async function random(ctx) {
  const dbDir = path.join(ctx.root, ctx.dbPath);
  const r = ctx.rng;
  const apply = workload(r, makeKeyPool(r, 2500));
  const l0SstSize = ctx.l0SstSize ?? 32 * 1024;

  // Session 1, compactor on, until at least one sorted run exists.
  const withCompactor = makeSettings({ codec: ctx.codec, l0SstSize, overrides: fastCompactorOverrides(64 * 1024) });
  let h = await openWriter(ctx.root, ctx.dbPath, { settings: withCompactor, seed: ctx.seed, blockSize: ctx.blockSize });
  const settingsJson = h.settingsJson;
  for (let round = 0; round < 5; round++) {
    await apply(h.db, 600);
    await h.db.flush_with_options({ flush_type: "MemTable" });
  }
  await waitForCompactor(dbDir, hasSortedRunsAndIdleL0);
  await h.close();

  // Session 2, compactor off: three L0s that stay L0s, then rows that only reach the WAL.
  const plain = makeSettings({ codec: ctx.codec, l0SstSize, overrides: { flush_interval: null } });
  h = await openWriter(ctx.root, ctx.dbPath, { settings: plain, seed: ctx.seed + 1, blockSize: ctx.blockSize });
  for (let round = 0; round < 3; round++) {
    await apply(h.db, 400);
    await h.db.flush_with_options({ flush_type: "MemTable" });
  }
  // kept well below the default 32 KiB l0_sst_size_bytes so no freeze moves these rows into an L0
  await apply(h.db, 120);
  await h.db.flush();
  await apply(h.db, 40);
  const rows = await scanRows(h.db);
  await h.close(); // writes the last WAL SST; the memtable is never flushed to L0
  return { rows, settingsJson };
}
