#!/usr/bin/env node
// Drives the real SlateDB 0.12 engine (npm @slatedb/uniffi 0.12.1) for SlateFast's interop tests.
// Output: JSON lines on stdout (hold-writer: plain status lines), diagnostics on stderr,
// exit code 0 on success, 1 on an engine/runtime error, 2 on bad usage. See README.md.

import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { compact, compactOptions } from "./lib/commands/compact.mjs";
import { generate, generateOptions } from "./lib/commands/generate.mjs";
import { holdWriter } from "./lib/commands/hold-writer.mjs";
import { follow, followOptions } from "./lib/commands/follow.mjs";
import { gc, gcOptions } from "./lib/commands/gc.mjs";
import { pinCheckpoint } from "./lib/commands/pin-checkpoint.mjs";
import { get, scan } from "./lib/commands/read.mjs";
import { walDump, walDumpOptions } from "./lib/commands/wal-dump.mjs";
import { write, writeOptions, writerOptions } from "./lib/commands/write.mjs";
import { assertEngineVersion, UsageError } from "./lib/engine.mjs";
import { log } from "./lib/output.mjs";
import { readOptions } from "./lib/read-view.mjs";

const scriptPath = fileURLToPath(import.meta.url);

const COMMANDS = {
  generate: { options: generateOptions, run: (p, v) => generate(p, v, scriptPath) },
  scan: {
    options: { ...readOptions, reverse: { type: "boolean" }, writer: { type: "boolean" }, from: { type: "string" }, to: { type: "string" } },
    run: scan,
  },
  get: { options: readOptions, run: get },
  write: { options: writeOptions, run: write },
  "hold-writer": { options: writerOptions, run: holdWriter },
  compact: { options: compactOptions, run: compact },
  "pin-checkpoint": { options: { "lifetime-ms": { type: "string" } }, run: pinCheckpoint },
  gc: { options: gcOptions, run: gc },
  follow: { options: followOptions, run: follow },
  "wal-dump": { options: walDumpOptions, run: walDump },
};

async function main(argv) {
  const [command, ...rest] = argv;
  const spec = COMMANDS[command];
  if (!spec) {
    throw new UsageError(`usage: slatedb.mjs <${Object.keys(COMMANDS).join("|")}> ... (see README.md)`);
  }
  let parsed;
  try {
    // negative-looking values such as hex keys never start with "-", so strict parsing is safe
    parsed = parseArgs({ args: rest, options: spec.options, allowPositionals: true, strict: true });
  } catch (e) {
    throw new UsageError(`${command}: ${e.message}`);
  }
  assertEngineVersion();
  await spec.run(parsed.positionals, parsed.values);
}

try {
  await main(process.argv.slice(2));
} catch (e) {
  if (e instanceof UsageError) {
    log(e.message);
    process.exitCode = 2;
  } else {
    const detail = e?.tag ? `${e.tag}${e.reason ? ":" + e.reason : ""}: ${e.message}` : e?.stack ?? String(e);
    log(`failed: ${detail}`);
    process.exitCode = 1;
  }
}
