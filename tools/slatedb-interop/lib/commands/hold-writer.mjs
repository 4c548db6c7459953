// `hold-writer <root-dir> <db-path>`: a long-lived writer driven line by line over stdin.

import readline from "node:readline";
import { openWriter, UsageError } from "../engine.mjs";
import { log } from "../output.mjs";
import { parseHex } from "./read.mjs";
import { writerArgs } from "./write.mjs";

/** "error <tag>[:<close reason>] <message>" on one line, e.g. "error Closed:Fenced detected newer DB client". */
function describe(e) {
  const tag = e?.tag ?? e?.constructor?.name ?? "Error";
  const kind = e?.reason ? `${tag}:${e.reason}` : tag;
  return `error ${kind} ${String(e?.message ?? e).replace(/\s+/g, " ").trim()}`;
}

export async function holdWriter(positionals, values) {
  const [root, dbPath] = positionals;
  if (!root || !dbPath || positionals.length > 2) throw new UsageError("usage: hold-writer <root-dir> <db-path> [options]");
  const h = await openWriter(root, dbPath, writerArgs(values));
  const say = (line) => new Promise((resolve) => process.stdout.write(line + "\n", resolve));
  await say("ready");
  const lines = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
  for await (const raw of lines) {
    const line = raw.trim();
    if (line.length === 0) continue;
    const [verb, hexKey, hexValue, ...rest] = line.split(/\s+/);
    try {
      if (verb !== "put" || hexKey === undefined || hexValue === undefined || rest.length > 0) {
        throw new UsageError(`expected "put <hexkey> <hexval>", got "${line}"`);
      }
      // put() waits until the WAL SST holding the row is in the object store: a fenced
      // writer learns it here, not later
      await h.db.put(parseHex(hexKey, "key"), parseHex(hexValue, "value"));
      await say("ok");
    } catch (e) {
      await say(e instanceof UsageError ? `error Usage ${e.message}` : describe(e));
    }
  }
  try {
    await h.close();
  } catch (e) {
    // a fenced writer may fail its final flush; the caller already saw the put errors
    log(`shutdown after stdin EOF: ${describe(e)}`);
  }
}
