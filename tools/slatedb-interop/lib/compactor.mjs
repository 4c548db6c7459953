// Running SlateDB's own compactor briefly and waiting (bounded) for its sorted runs.

import fs from "node:fs";
import path from "node:path";
import { setTimeout as delay } from "node:timers/promises";
import { readManifest } from "./manifest.mjs";

/** Setting overrides that make the in-process compactor react within ~100 ms. */
export function fastCompactorOverrides(maxSstSize) {
  return {
    "compactor_options.poll_interval": "100ms",
    "compactor_options.max_sst_size": maxSstSize,
  };
}

// The size-tiered scheduler's default min_compaction_sources: fewer L0s than this are never
// compacted, so waiting for fewer would wait forever.
const MIN_COMPACTION_SOURCES = 4;

/** True once the compactor produced a sorted run and has no L0 work it would still pick up. */
export const hasSortedRunsAndIdleL0 = (m) => m.sorted_runs.length >= 1 && m.l0 < MIN_COMPACTION_SOURCES;

/**
 * Polls the latest manifest until `done(manifest)` holds and the compactor has written its
 * state file. Throws after `timeoutMs` with the last manifest seen, so a hang is a clear error.
 */
export async function waitForCompactor(dbDir, done, { timeoutMs = 60000, pollMs = 50 } = {}) {
  const deadline = Date.now() + timeoutMs;
  let last = null;
  for (;;) {
    try {
      last = readManifest(dbDir);
    } catch {
      // the engine may be mid-write of a new manifest file; the next poll sees it whole
    }
    const compactionsDir = path.join(dbDir, "compactions");
    const hasState = fs.existsSync(compactionsDir) && fs.readdirSync(compactionsDir).some((f) => f.endsWith(".compactions"));
    if (last && hasState && done(last)) return last;
    if (Date.now() > deadline) {
      throw new Error(`compactor did not reach the wanted state within ${timeoutMs} ms; last manifest: ${JSON.stringify(last)}`);
    }
    await delay(pollMs);
  }
}
