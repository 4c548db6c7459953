// `write <root-dir> <db-path> --input FILE.jsonl`: applies operations as a (fencing) writer.

import fs from "node:fs";
import {
  makeSettings,
  openWriter,
  parseBlockSize,
  parseCodec,
  parseMergeOperator,
  parseSetOptions,
  sdb,
  UsageError,
} from "../engine.mjs";
import { emit } from "../output.mjs";
import { parseHex } from "./read.mjs";

export const writerOptions = {
  "merge-operator": { type: "string" },
  codec: { type: "string" },
  "block-size": { type: "string" },
  set: { type: "string", multiple: true },
  "wal-root": { type: "string" },
};

export const writeOptions = {
  ...writerOptions,
  input: { type: "string" },
  flush: { type: "string" },
  batch: { type: "boolean" },
};

/** Parses {"key":hex,"value":hex} | {"key":hex,"delete":true} | {"key":hex,"merge":hex}. */
function parseOp(line, lineNo) {
  let o;
  try {
    o = JSON.parse(line);
  } catch (e) {
    throw new UsageError(`input line ${lineNo}: not JSON (${e.message})`);
  }
  if (typeof o?.key !== "string") throw new UsageError(`input line ${lineNo}: "key" (hex string) is required`);
  const key = parseHex(o.key, `line ${lineNo} key`);
  if (key.length === 0) throw new UsageError(`input line ${lineNo}: empty key`);
  const kinds = ["value" in o, o.delete === true, "merge" in o].filter(Boolean).length;
  if (kinds !== 1) throw new UsageError(`input line ${lineNo}: exactly one of "value", "delete":true, "merge" is required`);
  if (o.delete === true) return { kind: "delete", key };
  if ("merge" in o) return { kind: "merge", key, value: parseHex(o.merge, `line ${lineNo} merge`) };
  return { kind: "put", key, value: parseHex(o.value, `line ${lineNo} value`) };
}

export function writerArgs(values) {
  return {
    settings: makeSettings({ codec: parseCodec(values.codec), overrides: parseSetOptions(values.set) }),
    blockSize: parseBlockSize(values["block-size"]),
    mergeOperator: parseMergeOperator(values["merge-operator"]),
    walRoot: values["wal-root"],
  };
}

export async function write(positionals, values) {
  const [root, dbPath] = positionals;
  if (!root || !dbPath || positionals.length > 2 || !values.input) {
    throw new UsageError("usage: write <root-dir> <db-path> --input FILE.jsonl [options]");
  }
  const flush = values.flush ?? "memtable";
  if (flush !== "memtable" && flush !== "wal") throw new UsageError(`--flush must be memtable|wal, got ${flush}`);
  const ops = fs
    .readFileSync(values.input, "utf8")
    .split("\n")
    .map((line, i) => [line.trim(), i + 1])
    .filter(([line]) => line.length > 0)
    .map(([line, n]) => parseOp(line, n));
  const opts = writerArgs(values);
  // checked before opening: a failure halfway would still leave the earlier rows in the WAL at shutdown
  if (!opts.mergeOperator && ops.some((op) => op.kind === "merge")) {
    throw new UsageError("input has merge operations; pass --merge-operator");
  }
  const noWait = { await_durable: false };
  const ttl = { ttl: sdb.Ttl.Default() };

  const h = await openWriter(root, dbPath, opts);
  const seqs = [];
  try {
    if (values.batch) {
      const batch = new sdb.WriteBatch();
      try {
        for (const op of ops) {
          if (op.kind === "put") batch.put(op.key, op.value);
          else if (op.kind === "delete") batch.delete(op.key);
          else batch.merge(op.key, op.value);
        }
        if (ops.length > 0) seqs.push((await h.db.write_with_options(batch, noWait)).seqnum);
      } finally {
        batch.dispose?.();
      }
    } else {
      for (const op of ops) {
        let handle;
        if (op.kind === "put") handle = await h.db.put_with_options(op.key, op.value, ttl, noWait);
        else if (op.kind === "delete") handle = await h.db.delete_with_options(op.key, noWait);
        else handle = await h.db.merge_with_options(op.key, op.value, ttl, noWait);
        seqs.push(handle.seqnum);
      }
    }
    if (flush === "memtable") await h.db.flush_with_options({ flush_type: "MemTable" });
    else await h.db.flush();
  } finally {
    await h.close();
  }
  emit({
    type: "written",
    ops: ops.length,
    first_seq: seqs.length ? BigInt(seqs[0]) : null,
    last_seq: seqs.length ? BigInt(seqs[seqs.length - 1]) : null,
    flush,
  });
}
