// `gc <root-dir> <db-path> --until-gone P1,P2 [--min-age-ms N] [--timeout-ms N]`: SlateDB's own garbage collector.

import fs from "node:fs";
import path from "node:path";
import { makeSettings, openWriter, UsageError } from "../engine.mjs";
import { emit } from "../output.mjs";

/**
 * Opens a SlateDB writer whose in-process garbage collector runs every 100 ms on every kind
 * with the given minimum age, and keeps it open until every `--until-gone` path (relative to
 * the root) has been deleted by it - evidence that a pass of each kind ran - or the timeout
 * passes (exit 1). Lists what is left, so a test can check what the collector kept.
 * The writer claims an epoch (fencing other writers) but writes no data.
 */
export async function gc(positionals, values) {
  const [root, dbPath] = positionals;
  if (!root || !dbPath || positionals.length > 2 || !values["until-gone"]) {
    throw new UsageError("usage: gc <root-dir> <db-path> --until-gone P1,P2 [--min-age-ms N] [--timeout-ms N]");
  }
  const minAge = `${Number(values["min-age-ms"] ?? 0)}ms`;
  const timeoutMs = Number(values["timeout-ms"] ?? 60000);
  const witnesses = values["until-gone"].split(",").map((p) => path.join(path.resolve(root), p));
  const overrides = {};
  for (const kind of ["manifest_options", "wal_options", "compacted_options", "compactions_options"]) {
    overrides[`garbage_collector_options.${kind}.interval`] = "100ms";
    overrides[`garbage_collector_options.${kind}.min_age`] = minAge;
  }
  const h = await openWriter(root, dbPath, { settings: makeSettings({ overrides }) });
  const deadline = Date.now() + timeoutMs;
  try {
    while (witnesses.some((w) => fs.existsSync(w))) {
      if (Date.now() > deadline) throw new Error(`garbage collector did not delete ${witnesses.filter((w) => fs.existsSync(w)).join(", ")} within ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  } finally {
    await h.close();
  }
  emit({ type: "gc", deleted: values["until-gone"].split(",") });
}

export const gcOptions = {
  "until-gone": { type: "string" },
  "min-age-ms": { type: "string" },
  "timeout-ms": { type: "string" },
};
