// Kind `l0`: several L0 SSTs with overlapping key ranges; the newest shadows with overwrites and tombstones.

import { makeSettings, openWriter, scanRows, sdb } from "../engine.mjs";
import { key } from "../random.mjs";

const NOT_DURABLE = { await_durable: false };
const ROWS_PER_SST = 1200; // >= min_filter_keys (1000), so every L0 gets a bloom filter
const SSTS = 3;

export async function l0(ctx) {
  const settings = makeSettings({ codec: ctx.codec, l0SstSize: ctx.l0SstSize });
  const h = await openWriter(ctx.root, ctx.dbPath, { settings, seed: ctx.seed, blockSize: ctx.blockSize });
  const r = ctx.rng;
  const total = ROWS_PER_SST * SSTS;
  const put = (i, v) => h.db.put_with_options(key("row", i, 6), v, { ttl: sdb.Ttl.Default() }, NOT_DURABLE);

  // SST n holds the keys i with i % SSTS == n: every SST spans the whole key range, so a reader
  // must resolve by recency, not by key range.
  for (let n = 0; n < SSTS; n++) {
    for (let i = n; i < total; i += SSTS) await put(i, r.bytes(r.int(20, 120)));
    await h.db.flush_with_options({ flush_type: "MemTable" });
  }
  // newest L0: 800 overwrites and 300 tombstones spread over all older SSTs
  for (let i = 0; i < 800; i++) await put(i * 4, r.bytes(r.int(0, 40)));
  for (let i = 0; i < 300; i++) await h.db.delete_with_options(key("row", i * 4 + 1, 6), NOT_DURABLE);
  await h.db.flush_with_options({ flush_type: "MemTable" });

  const rows = await scanRows(h.db);
  await h.close();
  return { rows, settingsJson: h.settingsJson };
}
