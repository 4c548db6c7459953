// `scan` and `get`: read-only views through SlateDB's DbReader.

import { openWriter, parseMergeOperator, scanRows, UsageError } from "../engine.mjs";
import { emit, emitRow } from "../output.mjs";
import { withReader } from "../read-view.mjs";

export function parseHex(text, what) {
  if (!/^([0-9a-fA-F]{2})*$/.test(text)) throw new UsageError(`${what} must be hex with an even number of digits, got ${text}`);
  return Buffer.from(text, "hex");
}

function readerArgs(values) {
  return {
    checkpointId: values.checkpoint,
    mergeOperator: parseMergeOperator(values["merge-operator"]),
    inPlace: values["in-place"] ?? false,
    walRoot: values["wal-root"],
  };
}

export async function scan(positionals, values) {
  const [root, dbPath] = positionals;
  if (!root || !dbPath || positionals.length > 2) throw new UsageError("usage: scan <root-dir> <db-path> [options]");
  const from = values.from === undefined ? undefined : parseHex(values.from, "--from");
  const to = values.to === undefined ? undefined : parseHex(values.to, "--to");
  if (from?.length === 0 || to?.length === 0) throw new UsageError("--from/--to must not be empty (SlateDB rejects empty bounds)");
  const scanOptions = { from, to, reverse: values.reverse ?? false };
  let rows;
  if (values.writer) {
    // SlateDB 0.12's DbReader resolves no ExternalDb paths (its table store ignores them), so a
    // clone is readable only through a Db, which claims a writer epoch: always in place.
    if (values.checkpoint) throw new UsageError("--writer reads the latest state; it cannot be combined with --checkpoint");
    const h = await openWriter(root, dbPath, { mergeOperator: parseMergeOperator(values["merge-operator"]), walRoot: values["wal-root"] });
    try {
      rows = await scanRows(h.db, scanOptions);
    } finally {
      await h.close();
    }
  } else {
    rows = await withReader(root, dbPath, readerArgs(values), (reader) => scanRows(reader, scanOptions));
  }
  for (const row of rows) emitRow(row);
}

export async function get(positionals, values) {
  const [root, dbPath, ...hexKeys] = positionals;
  if (!root || !dbPath || hexKeys.length === 0) throw new UsageError("usage: get <root-dir> <db-path> <hex-key>...");
  const keys = hexKeys.map((k) => parseHex(k, "key"));
  const values_ = await withReader(root, dbPath, readerArgs(values), async (reader) => {
    const out = [];
    for (const k of keys) out.push(await reader.get(k));
    return out;
  });
  keys.forEach((k, i) =>
    emit({ key: k.toString("hex"), value: values_[i] === undefined ? null : Buffer.from(values_[i]).toString("hex") }),
  );
}
