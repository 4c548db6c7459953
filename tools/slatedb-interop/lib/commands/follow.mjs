// `follow <root-dir> <db-path> [--poll-ms N]`: a long-lived DbReader driven line by line over stdin.

import readline from "node:readline";
import { openReader, scanRows, UsageError } from "../engine.mjs";
import { emit, emitRow } from "../output.mjs";
import { parseHex } from "./read.mjs";

/**
 * Opens a SlateDB DbReader without checkpoint id (it creates and refreshes its own checkpoint
 * and polls the manifest and WAL every --poll-ms), prints "ready", then answers stdin lines:
 * `get <hexkey>` with {"key":hex,"value":hex|null}; `await <hexkey> <hexvalue|->` the same, once
 * the reader returns that value (`-`: absent) or after 30 s with whatever it returns then (the
 * reader refreshes on its own poll interval, so the caller waits here rather than polling);
 * `scan` with one row line per live row then {"type":"end"}. Shuts the reader down (deleting its
 * checkpoint) on stdin EOF.
 */
export async function follow(positionals, values) {
  const [root, dbPath] = positionals;
  if (!root || !dbPath || positionals.length > 2) throw new UsageError("usage: follow <root-dir> <db-path> [--poll-ms N]");
  const pollMs = Number(values["poll-ms"] ?? 100);
  const h = await openReader(root, dbPath, { checkpointLifetimeMs: 60000, pollIntervalMs: pollMs });
  const say = (line) => new Promise((resolve) => process.stdout.write(line + "\n", resolve));
  await say("ready");
  const lines = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
  try {
    for await (const raw of lines) {
      const [verb, hexKey, expected] = raw.trim().split(/\s+/);
      const read = async () => {
        const value = await h.reader.get(parseHex(hexKey, "key"));
        return value === undefined ? null : Buffer.from(value).toString("hex");
      };
      if (verb === "get" && hexKey !== undefined) {
        emit({ key: hexKey, value: await read() });
      } else if (verb === "await" && hexKey !== undefined && expected !== undefined) {
        const want = expected === "-" ? null : expected.toLowerCase();
        const deadline = Date.now() + 30000;
        let value = await read();
        while (value !== want && Date.now() < deadline) {
          await new Promise((resolve) => setTimeout(resolve, 20));
          value = await read();
        }
        emit({ key: hexKey, value });
      } else if (verb === "scan") {
        for (const row of await scanRows(h.reader)) emitRow(row);
        emit({ type: "end" });
      } else if (verb) {
        emit({ type: "error", message: `expected "get <hexkey>" or "scan", got "${raw}"` });
      }
    }
  } finally {
    await h.close();
  }
}

export const followOptions = { "poll-ms": { type: "string" } };
