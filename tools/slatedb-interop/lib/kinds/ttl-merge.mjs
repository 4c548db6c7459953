// Kind `ttl-merge`: concat merge operands (with/without base, after delete) in L0 and WAL, plus TTL rows.

import { makeSettings, MERGE_OPERATORS, openWriter, scanRows, sdb } from "../engine.mjs";

const NOT_DURABLE = { await_durable: false };
const YEAR_2100_MS = 4102444800000;
const CENTURY_MS = 100 * 365 * 24 * 3600 * 1000;

export async function ttlMerge(ctx) {
  const settings = makeSettings({ codec: ctx.codec, l0SstSize: ctx.l0SstSize, overrides: { flush_interval: null } });
  const h = await openWriter(ctx.root, ctx.dbPath, {
    settings,
    seed: ctx.seed,
    blockSize: ctx.blockSize,
    mergeOperator: MERGE_OPERATORS.concat,
  });
  const b = (s) => Buffer.from(s);
  const put = (k, v, ttl = sdb.Ttl.Default()) => h.db.put_with_options(b(k), b(v), { ttl }, NOT_DURABLE);
  const merge = (k, v, ttl = sdb.Ttl.Default()) => h.db.merge_with_options(b(k), b(v), { ttl }, NOT_DURABLE);
  const del = (k) => h.db.delete_with_options(b(k), NOT_DURABLE);

  // Phase 1, flushed into an L0: the flush folds operands and turns expired values into tombstones.
  await put("expire:at-2100", "lives-until-2100", sdb.Ttl.ExpireAt(YEAR_2100_MS));
  await put("expire:after-century", "lives-a-century", sdb.Ttl.ExpireAfterTicks(CENTURY_MS));
  await put("expire:at-1970", "expired-long-ago", sdb.Ttl.ExpireAt(1000));
  await put("expire:never", "no-expiry", sdb.Ttl.NoExpiry());
  await put("m:with-base", "base;");
  await merge("m:with-base", "op1;");
  await merge("m:with-base", "op2;");
  await merge("m:no-base", "a;");
  await merge("m:no-base", "b;");
  await put("m:after-delete", "gone;");
  await del("m:after-delete");
  await merge("m:after-delete", "reborn;");
  await merge("m:ttl-operand", "short;", sdb.Ttl.ExpireAt(1000));
  await merge("m:ttl-operand", "long;", sdb.Ttl.ExpireAt(YEAR_2100_MS));
  await h.db.flush();
  await h.db.flush_with_options({ flush_type: "MemTable" });

  // Phase 2, WAL only (replayed on open): operands over L0 state, and an expired value that no
  // flush has rewritten yet, so 0.12 still returns it.
  await merge("m:with-base", "op3;");
  await merge("m:no-base", "c;");
  await merge("m:wal-only", "w1;");
  await merge("m:wal-only", "w2;");
  await put("m:wal-base", "wb;");
  await merge("m:wal-base", "wop;");
  await put("expire:wal-at-1970", "expired-but-unflushed", sdb.Ttl.ExpireAt(1000));
  await put("expire:wal-at-2100", "wal-until-2100", sdb.Ttl.ExpireAt(YEAR_2100_MS));
  await h.db.flush();

  const rows = await scanRows(h.db);
  await h.close();
  return { rows, settingsJson: h.settingsJson, mergeOperator: "concat" };
}
