// Kind `compacted`: sorted runs and a compactions file written by SlateDB's compactor, plus an L0 above them.

import path from "node:path";
import { fastCompactorOverrides, hasSortedRunsAndIdleL0, waitForCompactor } from "../compactor.mjs";
import { makeSettings, openWriter, scanRows, sdb } from "../engine.mjs";
import { key } from "../random.mjs";

const NOT_DURABLE = { await_durable: false };
const ROWS = 3000;

export async function compacted(ctx) {
  const dbDir = path.join(ctx.root, ctx.dbPath);
  const r = ctx.rng;
  const put = (db, i, v) => db.put_with_options(key("key", i, 8), v, { ttl: sdb.Ttl.Default() }, NOT_DURABLE);

  // Session 1, compactor on: small memtables give many L0s, small max_sst_size splits runs into several SSTs.
  const l0SstSize = ctx.l0SstSize ?? 32 * 1024;
  const withCompactor = makeSettings({ codec: ctx.codec, l0SstSize, overrides: fastCompactorOverrides(64 * 1024) });
  let h = await openWriter(ctx.root, ctx.dbPath, { settings: withCompactor, seed: ctx.seed, blockSize: ctx.blockSize });
  const settingsJson = h.settingsJson;
  for (let i = 0; i < ROWS; i++) {
    await put(h.db, i, r.bytes(r.int(60, 140)));
    // explicit flushes guarantee enough L0s for the size-tiered scheduler even with a huge --l0-sst-size
    if (i % 500 === 499) await h.db.flush_with_options({ flush_type: "MemTable" });
  }
  await h.db.flush_with_options({ flush_type: "MemTable" });
  await waitForCompactor(dbDir, hasSortedRunsAndIdleL0);
  await h.close();

  // Session 2, compactor off so the L0 written here stays an L0 above the sorted runs.
  const plain = makeSettings({ codec: ctx.codec, l0SstSize });
  h = await openWriter(ctx.root, ctx.dbPath, { settings: plain, seed: ctx.seed + 1, blockSize: ctx.blockSize });
  for (let i = 0; i < 300; i++) await put(h.db, i * 7, r.bytes(r.int(10, 50)));
  for (let i = 0; i < 100; i++) await h.db.delete_with_options(key("key", i * 7 + 3, 8), NOT_DURABLE);
  await h.db.flush_with_options({ flush_type: "MemTable" });
  const rows = await scanRows(h.db);
  await h.close();
  return { rows, settingsJson };
}
