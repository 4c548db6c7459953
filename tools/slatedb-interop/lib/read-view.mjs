// Opening a DbReader without changing the caller's database.

import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { openReader, UsageError } from "./engine.mjs";

/**
 * Runs `fn(reader)` on a DbReader over root/dbPath. A reader without a checkpoint id adds its
 * own checkpoint to the manifest at open and removes it at shutdown (two new manifest
 * versions), so unless `inPlace` is set it reads a private copy of the database instead.
 * A reader with a checkpoint id only reads, so it always works in place.
 */
export async function withReader(root, dbPath, { checkpointId, mergeOperator, inPlace = false, walRoot }, fn) {
  const dbDir = path.join(path.resolve(root), dbPath);
  if (!fs.existsSync(path.join(dbDir, "manifest"))) throw new UsageError(`${dbDir} holds no SlateDB database (no manifest/)`);
  let readRoot = path.resolve(root);
  let scratch = null;
  if (!checkpointId && !inPlace) {
    scratch = fs.mkdtempSync(path.join(os.tmpdir(), "slatedb-interop-read-"));
    fs.cpSync(dbDir, path.join(scratch, dbPath), { recursive: true });
    readRoot = scratch;
  }
  try {
    // The WAL store is read in place: a reader only adds checkpoints to the main store's manifest.
    const h = await openReader(readRoot, dbPath, { checkpointId, mergeOperator, walRoot });
    try {
      return await fn(h.reader);
    } finally {
      await h.close();
    }
  } finally {
    if (scratch) fs.rmSync(scratch, { recursive: true, force: true });
  }
}

export const readOptions = {
  checkpoint: { type: "string" },
  "merge-operator": { type: "string" },
  "in-place": { type: "boolean" },
  "wal-root": { type: "string" },
};
