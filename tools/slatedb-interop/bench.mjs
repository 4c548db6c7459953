#!/usr/bin/env node
// Runs one SlateFast workload plan against real SlateDB 0.12.1 (npm @slatedb/uniffi) for the
// comparison harness (scripts/bench-compare). One process per workload run, so peak memory and
// bytes written are this run's alone.
//
//   node bench.mjs <plan.bin> <root-dir> <result.json> <latencies.bin>
//
// The database is <root-dir>/db on SlateDB's local file object store with SlateDB's default
// settings (compactor included). Writes <result.json> (counts, checks, requests, bytes, peak RSS,
// settings) and <latencies.bin> (little-endian float64 nanoseconds of each completed timed op).

import fs from "node:fs";
import { assertEngineVersion, openStore, sdb } from "./lib/engine.mjs";
import { readPlan } from "./lib/bench/plan.mjs";
import { runPlan } from "./lib/bench/run.mjs";

async function main([planPath, root, resultPath, latencyPath]) {
  if (!planPath || !root || !resultPath || !latencyPath) {
    console.error("usage: bench.mjs <plan.bin> <root-dir> <result.json> <latencies.bin>");
    return 2;
  }
  assertEngineVersion();
  const plan = readPlan(planPath);
  const store = openStore(root);
  const recorder = new sdb.DefaultMetricsRecorder();
  const settings = sdb.Settings.default();
  const builder = new sdb.DbBuilder("db", store);
  let db;
  try {
    builder.with_settings(settings);
    builder.with_metrics_recorder(recorder);
    db = await builder.build();
  } finally {
    builder.dispose();
  }
  let result;
  try {
    result = await runPlan(plan, db, recorder);
  } finally {
    await db.shutdown();
    db.dispose();
    store.dispose();
  }
  const { latencies, ...summary } = result;
  const out = fs.openSync(latencyPath, "w");
  try {
    for (const part of latencies) fs.writeSync(out, Buffer.from(part.buffer, part.byteOffset, part.byteLength));
  } finally {
    fs.closeSync(out);
  }
  summary.settings = `SlateDB 0.12.1 (npm @slatedb/uniffi via Node ${process.version}), default settings: ${settings.to_json_string()}`;
  fs.writeFileSync(resultPath, JSON.stringify(summary));
  return 0;
}

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (e) {
  console.error(`bench.mjs: failed: ${e?.stack ?? e}`);
  process.exitCode = 1;
}
