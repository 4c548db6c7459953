// Kind `wal-only`: everything lives in WAL SSTs; no memtable is ever flushed to L0.

import { makeSettings, openWriter, scanRows, sdb } from "../engine.mjs";
import { key } from "../random.mjs";

const NOT_DURABLE = { await_durable: false };

export async function walOnly(ctx) {
  // flush_interval = null: a WAL SST is written only by flush(), so WAL boundaries are exactly
  // the flush() calls below. l0_sst_size_bytes stays at its 64 MiB default (the CLI value is
  // ignored) because reaching it would freeze the memtable into an L0.
  const settings = makeSettings({ codec: ctx.codec, overrides: { flush_interval: null } });
  const h = await openWriter(ctx.root, ctx.dbPath, { settings, seed: ctx.seed, blockSize: ctx.blockSize });
  const r = ctx.rng;
  const keys = [];
  for (let i = 0; i < 70; i++) keys.push(key("item:", i, 3));
  // Binary keys around the edges of the byte order; 0x00 and 0xFF inside and at both ends.
  for (const hex of ["00", "0000", "0001", "00ff00", "7f80", "80", "ff", "ff00", "ffff", "ffff00ff"]) keys.push(Buffer.from(hex, "hex"));
  const value = (i) => (i === 5 ? Buffer.alloc(0) : r.bytes(r.int(1, 300)));
  const put = (i, v) => h.db.put_with_options(keys[i], v, { ttl: sdb.Ttl.Default() }, NOT_DURABLE);

  for (let i = 0; i < 40; i++) await put(i, value(i));
  await h.db.flush();
  for (let i = 40; i < keys.length; i++) await put(i, value(i));
  // overwrites, one of them replacing a value by the empty value and one the empty value by a non-empty one
  for (const i of [1, 12, 33, 71, 78]) await put(i, r.bytes(r.int(1, 64)));
  await put(2, Buffer.alloc(0));
  await h.db.flush();
  for (const i of [0, 9, 20, 70, 79]) await h.db.delete_with_options(keys[i], NOT_DURABLE);
  // one batch = one seq for all its rows: deletes plus a put, and a delete of a key the batch also put
  const batch = new sdb.WriteBatch();
  try {
    for (const i of [3, 15, 44, 72, 77]) batch.delete(keys[i]);
    batch.put(keys[50], Buffer.from("written-by-batch"));
    batch.put(keys[51], Buffer.from("put-then-deleted-in-same-batch"));
    batch.delete(keys[51]);
    await h.db.write_with_options(batch, NOT_DURABLE);
  } finally {
    batch.dispose?.();
  }
  // a delete of a key that never existed, and a re-put of a deleted key
  await h.db.delete_with_options(Buffer.from("never-written"), NOT_DURABLE);
  await put(9, Buffer.from("back-again"));
  await h.db.flush();

  const rows = await scanRows(h.db);
  await h.close(); // flushes the WAL only, never the memtable
  return { rows, settingsJson: h.settingsJson };
}
