// `compact <root-dir> <db-path> [--max-sst-size N] [--timeout-ms N]`: runs SlateDB's own compactor
// (inside a writer, the only way the Node binding offers) until it has written a sorted run and
// fewer L0 SSTs remain than its scheduler's minimum, then shuts down.

import { fastCompactorOverrides, hasSortedRunsAndIdleL0, waitForCompactor } from "../compactor.mjs";
import { makeSettings, openWriter, UsageError } from "../engine.mjs";
import { emit } from "../output.mjs";
import path from "node:path";

export const compactOptions = {
  "max-sst-size": { type: "string" },
  "timeout-ms": { type: "string" },
};

export async function compact(positionals, values) {
  const [root, dbPath] = positionals;
  if (!root || !dbPath || positionals.length > 2) throw new UsageError("usage: compact <root-dir> <db-path> [--max-sst-size N] [--timeout-ms N]");
  const maxSstSize = Number(values["max-sst-size"] ?? 64 * 1024);
  const timeoutMs = Number(values["timeout-ms"] ?? 60000);
  if (!Number.isInteger(maxSstSize) || maxSstSize <= 0) throw new UsageError(`--max-sst-size must be a positive integer`);
  if (!Number.isInteger(timeoutMs) || timeoutMs <= 0) throw new UsageError(`--timeout-ms must be a positive integer`);
  const h = await openWriter(root, dbPath, { settings: makeSettings({ overrides: fastCompactorOverrides(maxSstSize) }) });
  let manifest;
  try {
    manifest = await waitForCompactor(path.join(root, dbPath), hasSortedRunsAndIdleL0, { timeoutMs });
  } finally {
    await h.close();
  }
  emit({ type: "compacted", l0: manifest.l0, sorted_runs: manifest.sorted_runs.length, compactor_epoch: manifest.compactor_epoch });
}
