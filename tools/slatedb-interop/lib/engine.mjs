// Thin layer over @slatedb/uniffi: settings, opening writers/readers, scanning into plain rows.

import fs from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import * as sdb from "@slatedb/uniffi";

export { sdb };

const EXPECTED_VERSION = "0.12.1";

/** Fails fast when node_modules holds another engine: every format claim depends on 0.12.1. */
export function assertEngineVersion() {
  // The package's "exports" hides package.json from require.resolve, so read it from where npm put it.
  const pkgJson = path.join(import.meta.dirname, "..", "node_modules", "@slatedb", "uniffi", "package.json");
  const version = JSON.parse(fs.readFileSync(pkgJson, "utf8")).version;
  if (version !== EXPECTED_VERSION) throw new UsageError(`expected @slatedb/uniffi ${EXPECTED_VERSION}, found ${version}`);
}

/** Bad command line or input; reported without a stack trace. */
export class UsageError extends Error {}

// CLI spelling -> Settings.compression_codec (the engine only accepts the capitalised variants).
const CODECS = { none: null, snappy: "Snappy", zlib: "Zlib", lz4: "Lz4", zstd: "Zstd" };

// Bytes -> DbBuilder.with_sst_block_size variant; the engine offers no other sizes.
const BLOCK_SIZES = new Map([1, 2, 4, 8, 16, 32, 64].map((k) => [k * 1024, `Block${k}Kib`]));

export function parseCodec(text) {
  if (text === undefined) return undefined;
  if (!(text in CODECS)) throw new UsageError(`--codec must be one of ${Object.keys(CODECS).join("|")}, got ${text}`);
  return text;
}

export function parseBlockSize(text) {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!BLOCK_SIZES.has(n)) throw new UsageError(`--block-size must be one of ${[...BLOCK_SIZES.keys()].join("|")}, got ${text}`);
  return n;
}

/** Concatenation, existing || operand: the operator the fixtures and SlateFast's tests use. */
export const MERGE_OPERATORS = {
  concat: {
    merge(_key, existing, operand) {
      return existing === undefined ? Buffer.from(operand) : Buffer.concat([existing, operand]);
    },
  },
};

export function parseMergeOperator(name) {
  if (name === undefined) return undefined;
  const op = MERGE_OPERATORS[name];
  if (!op) throw new UsageError(`--merge-operator must be one of ${Object.keys(MERGE_OPERATORS).join("|")}, got ${name}`);
  return op;
}

/**
 * Settings for a writer. The in-process compactor and garbage collector are off unless some
 * override addresses them (e.g. `compactor_options.poll_interval`), so that the files on disk
 * are a deterministic function of the commands run.
 * `overrides` maps dotted setting paths to JS values (serialised as JSON literals).
 */
const UNBOUNDED_L0_SSTS = 100000;

export function makeSettings({ codec, l0SstSize, overrides = {} } = {}) {
  const s = sdb.Settings.default();
  // Nulling a section and then setting one of its fields fails (the engine re-creates the
  // section without its other required fields), so a touched section keeps its defaults.
  const touches = (section) => Object.keys(overrides).some((k) => k === section || k.startsWith(section + "."));
  for (const section of ["compactor_options", "garbage_collector_options"]) {
    if (!touches(section)) s.set(section, "null");
  }
  // Without a compactor nothing drains L0, and a writer that reaches l0_max_ssts waits forever.
  if (!touches("compactor_options") && !touches("l0_max_ssts")) s.set("l0_max_ssts", String(UNBOUNDED_L0_SSTS));
  if (codec !== undefined) s.set("compression_codec", JSON.stringify(CODECS[codec]));
  if (l0SstSize !== undefined) s.set("l0_sst_size_bytes", String(l0SstSize));
  for (const [key, value] of Object.entries(overrides)) s.set(key, JSON.stringify(value));
  return s;
}

/** `--set key=json` pairs, e.g. `flush_interval="10ms"` or `compactor_options.poll_interval="100ms"`. */
export function parseSetOptions(list = []) {
  const out = {};
  for (const item of list) {
    const eq = item.indexOf("=");
    if (eq <= 0) throw new UsageError(`--set expects key=json, got ${item}`);
    try {
      out[item.slice(0, eq)] = JSON.parse(item.slice(eq + 1));
    } catch {
      throw new UsageError(`--set ${item}: value is not a JSON literal`);
    }
  }
  return out;
}

export function openStore(root) {
  fs.mkdirSync(root, { recursive: true });
  return sdb.ObjectStore.resolve(pathToFileURL(path.resolve(root)).href);
}

/** Opens a writer; the returned handle's close() shuts down and frees native objects. */
export async function openWriter(root, dbPath, { settings, seed, blockSize, mergeOperator, walRoot } = {}) {
  const store = openStore(root);
  const walStore = walRoot ? openStore(walRoot) : null;
  const builder = new sdb.DbBuilder(dbPath, store);
  const effective = settings ?? makeSettings();
  let db;
  try {
    builder.with_settings(effective);
    if (seed !== undefined) builder.with_seed(BigInt(seed));
    if (blockSize !== undefined) builder.with_sst_block_size(BLOCK_SIZES.get(blockSize));
    if (mergeOperator) builder.with_merge_operator(mergeOperator);
    if (walStore) builder.with_wal_object_store(walStore);
    db = await builder.build();
  } finally {
    builder.dispose();
  }
  return {
    db,
    settingsJson: effective.to_json_string(),
    async close() {
      try {
        await db.shutdown();
      } finally {
        db.dispose();
        store.dispose();
        walStore?.dispose();
      }
    },
  };
}

/**
 * Opens a read-only DbReader. Without `checkpointId` the engine writes a checkpoint of its own
 * into the manifest (removed again by close()), so callers that must not touch a database
 * point this at a copy.
 */
export async function openReader(root, dbPath, { checkpointId, mergeOperator, checkpointLifetimeMs, pollIntervalMs, walRoot } = {}) {
  const store = openStore(root);
  const walStore = walRoot ? openStore(walRoot) : null;
  const builder = new sdb.DbReaderBuilder(dbPath, store);
  let reader;
  try {
    if (checkpointId) builder.with_checkpoint_id(checkpointId);
    if (mergeOperator) builder.with_merge_operator(mergeOperator);
    if (walStore) builder.with_wal_object_store(walStore);
    if (checkpointLifetimeMs !== undefined) {
      builder.with_options({
        manifest_poll_interval_ms: pollIntervalMs ?? 1000,
        checkpoint_lifetime_ms: BigInt(checkpointLifetimeMs),
        max_memtable_bytes: 64 * 1024 * 1024,
        skip_wal_replay: false,
      });
    }
    reader = await builder.build();
  } finally {
    builder.dispose();
  }
  return {
    reader,
    async close() {
      try {
        await reader.shutdown();
      } finally {
        reader.dispose();
        store.dispose();
        walStore?.dispose();
      }
    },
  };
}

/** Every live row of `source` (Db, DbReader or snapshot) in [from, to), as plain objects. */
export async function scanRows(source, { from, to, reverse = false } = {}) {
  const range = { start: from, start_inclusive: true, end: to, end_inclusive: false };
  const iter = reverse
    ? await source.scan_with_options(range, {
        durability_filter: "Memory",
        dirty: false,
        read_ahead_bytes: 1,
        cache_blocks: true,
        max_fetch_tasks: 1,
        order: "Descending",
      })
    : await source.scan(range);
  const rows = [];
  try {
    for (let kv = await iter.next(); kv !== undefined; kv = await iter.next()) {
      rows.push({
        key: Buffer.from(kv.key),
        value: Buffer.from(kv.value),
        seq: BigInt(kv.seq),
        createTs: BigInt(kv.create_ts),
        expireTs: kv.expire_ts === undefined ? null : BigInt(kv.expire_ts),
      });
    }
  } finally {
    iter.dispose?.();
  }
  return rows;
}
