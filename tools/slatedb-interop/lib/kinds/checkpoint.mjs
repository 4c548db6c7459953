// Kind `checkpoint`: a long-lived checkpoint left behind by a DbReader process, then newer writes.

import { spawnSync } from "node:child_process";
import { makeSettings, openReader, openWriter, scanRows, sdb } from "../engine.mjs";
import { key } from "../random.mjs";

const NOT_DURABLE = { await_durable: false };
const TWENTY_YEARS_MS = 20 * 365 * 24 * 3600 * 1000; // still fits the manifest's u32 expire seconds

export async function checkpoint(ctx) {
  const r = ctx.rng;
  const settings = () => makeSettings({ codec: ctx.codec, l0SstSize: ctx.l0SstSize });
  const put = (db, i, v) => db.put_with_options(key("cp", i, 5), v, { ttl: sdb.Ttl.Default() }, NOT_DURABLE);

  // Writer 1: an L0 plus rows that stay in the WAL, so the checkpoint pins both kinds of object.
  let h = await openWriter(ctx.root, ctx.dbPath, { settings: settings(), seed: ctx.seed, blockSize: ctx.blockSize });
  const settingsJson = h.settingsJson;
  for (let i = 0; i < 1500; i++) await put(h.db, i, r.bytes(r.int(20, 60)));
  await h.db.flush_with_options({ flush_type: "MemTable" });
  for (let i = 1500; i < 1600; i++) await put(h.db, i, r.bytes(r.int(20, 60)));
  const atCheckpoint = await scanRows(h.db);
  await h.close();

  // The DbReader in the child writes its checkpoint at open and would remove it at shutdown;
  // the child exits without shutdown, so the checkpoint stays (like a crashed reader's).
  const child = spawnSync(
    process.execPath,
    [ctx.scriptPath, "pin-checkpoint", ctx.root, ctx.dbPath, "--lifetime-ms", String(TWENTY_YEARS_MS)],
    { encoding: "utf8" },
  );
  if (child.status !== 0) throw new Error(`pin-checkpoint child failed (${child.status}): ${child.stderr}`);
  const pinned = child.stdout
    .split("\n")
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l))
    .find((o) => o.type === "checkpoint");
  if (!pinned) throw new Error(`pin-checkpoint printed no checkpoint: ${child.stdout}`);

  // Writer 2 (new epoch): overwrite, delete and add, in an L0 and in the WAL.
  h = await openWriter(ctx.root, ctx.dbPath, { settings: settings(), seed: ctx.seed + 1, blockSize: ctx.blockSize });
  for (let i = 0; i < 400; i++) await put(h.db, i, r.bytes(r.int(20, 60)));
  for (let i = 400; i < 600; i++) await h.db.delete_with_options(key("cp", i, 5), NOT_DURABLE);
  await h.db.flush_with_options({ flush_type: "MemTable" });
  for (let i = 1600; i < 1800; i++) await put(h.db, i, r.bytes(r.int(20, 60)));
  await h.db.delete_with_options(key("cp", 1550, 5), NOT_DURABLE);
  const rows = await scanRows(h.db);
  await h.close();

  // Reading with a checkpoint id uses the existing checkpoint and writes nothing.
  const reader = await openReader(ctx.root, ctx.dbPath, { checkpointId: pinned.id });
  let checkpointRows;
  try {
    checkpointRows = await scanRows(reader.reader);
  } finally {
    await reader.close();
  }
  return {
    rows,
    settingsJson,
    checkpoint: { id: pinned.id, manifest_id: pinned.manifest_id },
    views: [
      { view: "checkpoint", rows: checkpointRows },
      { view: "writer-at-checkpoint", rows: atCheckpoint },
    ],
  };
}
