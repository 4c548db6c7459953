// `pin-checkpoint <root-dir> <db-path>`: leaves a DbReader's checkpoint behind in the manifest.

import path from "node:path";
import { openReader, UsageError } from "../engine.mjs";
import { readManifest } from "../manifest.mjs";
import { emit } from "../output.mjs";

/**
 * Opens a DbReader without checkpoint id (which writes a checkpoint with the given lifetime) and
 * exits the process WITHOUT shutting the reader down, so the checkpoint outlives it - what a
 * crashed reader leaves behind. The Node binding does not expose the id, so it is found by
 * comparing the manifest's checkpoints before and after.
 */
export async function pinCheckpoint(positionals, values) {
  const [root, dbPath] = positionals;
  if (!root || !dbPath || positionals.length > 2) throw new UsageError("usage: pin-checkpoint <root-dir> <db-path> [--lifetime-ms N]");
  const lifetimeMs = Number(values["lifetime-ms"] ?? 3600 * 1000);
  if (!Number.isSafeInteger(lifetimeMs) || lifetimeMs <= 0) throw new UsageError("--lifetime-ms must be a positive integer");
  const dbDir = path.join(path.resolve(root), dbPath);
  const before = new Set((readManifest(dbDir)?.checkpoints ?? []).map((c) => c.id));
  await openReader(root, dbPath, { checkpointLifetimeMs: lifetimeMs });
  const created = readManifest(dbDir).checkpoints.filter((c) => !before.has(c.id));
  if (created.length !== 1) throw new Error(`expected one new checkpoint, found ${JSON.stringify(created)}`);
  emit({ type: "checkpoint", ...created[0] });
  // exit() would not wait for a pending stdout write; an empty write's callback runs after it
  await new Promise((resolve) => process.stdout.write("", resolve));
  process.exit(0);
}
