// `wal-dump <root-dir> <db-path> [--wal-root DIR]`: every row of every WAL object, read by SlateDB's WalReader.

import { openStore, sdb, UsageError } from "../engine.mjs";
import { emit } from "../output.mjs";

const hex = (bytes) => (bytes === undefined || bytes === null ? null : Buffer.from(bytes).toString("hex"));
const int = (value) => (value === undefined || value === null ? null : BigInt(value));

/**
 * Lists the WAL objects with SlateDB's own WalReader (in the WAL store when --wal-root names
 * one) and prints one line per row in each object's iterator order, objects in id order:
 * {"wal_id","kind":"value|tombstone|merge","key":hex,"value":hex|null,"seq","create_ts","expire_ts"}.
 * Reads only: no writer, no checkpoint.
 */
export async function walDump(positionals, values) {
  const [root, dbPath] = positionals;
  if (!root || !dbPath || positionals.length > 2) throw new UsageError("usage: wal-dump <root-dir> <db-path> [--wal-root DIR]");
  const store = openStore(values["wal-root"] ?? root);
  const reader = new sdb.WalReader(dbPath, store);
  try {
    for (const file of await reader.list(undefined, undefined)) {
      const rows = await file.iterator();
      try {
        for (let row = await rows.next(); row !== undefined; row = await rows.next()) {
          emit({
            wal_id: BigInt(file.id()),
            kind: row.kind.toLowerCase(),
            key: hex(row.key),
            value: hex(row.value),
            seq: BigInt(row.seq),
            create_ts: int(row.create_ts),
            expire_ts: int(row.expire_ts),
          });
        }
      } finally {
        rows.dispose?.();
        file.dispose?.();
      }
    }
  } finally {
    reader.dispose?.();
    store.dispose();
  }
}

export const walDumpOptions = { "wal-root": { type: "string" } };
