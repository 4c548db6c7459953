// `generate <root-dir> <kind>`: writes a database with the real engine and prints what it holds.

import fs from "node:fs";
import path from "node:path";
import { parseBlockSize, parseCodec, UsageError } from "../engine.mjs";
import { readManifest } from "../manifest.mjs";
import { emit, emitRow } from "../output.mjs";
import { rng } from "../random.mjs";
import { checkpoint } from "../kinds/checkpoint.mjs";
import { compacted } from "../kinds/compacted.mjs";
import { l0 } from "../kinds/l0.mjs";
import { random } from "../kinds/random.mjs";
import { ttlMerge } from "../kinds/ttl-merge.mjs";
import { walOnly } from "../kinds/wal-only.mjs";

export const KINDS = {
  "wal-only": walOnly,
  l0,
  compacted,
  "ttl-merge": ttlMerge,
  checkpoint,
  random,
};

export const generateOptions = {
  seed: { type: "string" },
  codec: { type: "string" },
  "block-size": { type: "string" },
  "l0-sst-size": { type: "string" },
  "db-path": { type: "string" },
};

function parsePositiveInt(name, text) {
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text) || Number(text) <= 0 || !Number.isSafeInteger(Number(text))) {
    throw new UsageError(`${name} must be a positive integer, got ${text}`);
  }
  return Number(text);
}

/** Relative paths of every object under dbDir, sorted; shows the layout the engine produced. */
function listObjects(dbDir) {
  const out = [];
  const walk = (dir) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else out.push({ path: path.relative(dbDir, p).split(path.sep).join("/"), size: fs.statSync(p).size });
    }
  };
  walk(dbDir);
  return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

export async function generate(positionals, values, scriptPath) {
  const [rootArg, kind] = positionals;
  if (!rootArg || !kind || positionals.length > 2) throw new UsageError("usage: generate <root-dir> <kind> [options]");
  const build = KINDS[kind];
  if (!build) throw new UsageError(`unknown kind ${kind}; kinds: ${Object.keys(KINDS).join(", ")}`);
  const seed = parsePositiveInt("--seed", values.seed) ?? 12345;
  const ctx = {
    root: path.resolve(rootArg),
    dbPath: values["db-path"] ?? kind,
    seed,
    rng: rng(seed),
    codec: parseCodec(values.codec),
    blockSize: parseBlockSize(values["block-size"]),
    l0SstSize: parsePositiveInt("--l0-sst-size", values["l0-sst-size"]),
    scriptPath,
  };
  const dbDir = path.join(ctx.root, ctx.dbPath);
  if (fs.existsSync(dbDir) && fs.readdirSync(dbDir).length > 0) {
    throw new UsageError(`${dbDir} already exists and is not empty; generate never overwrites a database`);
  }

  const result = await build(ctx);

  for (const row of result.rows) emitRow(row);
  for (const { view, rows } of result.views ?? []) for (const row of rows) emitRow(row, { view });
  emit({
    type: "summary",
    kind,
    root: ctx.root,
    db_path: ctx.dbPath,
    seed,
    codec: ctx.codec ?? "none",
    block_size: ctx.blockSize ?? 4096,
    rows: result.rows.length,
    merge_operator: result.mergeOperator ?? null,
    checkpoint: result.checkpoint ?? null,
    manifest: readManifest(dbDir),
    objects: listObjects(dbDir),
    settings: JSON.parse(result.settingsJson),
  });
}
