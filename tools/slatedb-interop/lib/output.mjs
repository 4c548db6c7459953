// Machine-readable output: one JSON object per stdout line; diagnostics go to stderr.

// A reader that stops early (`| head`) closes the pipe; that ends the command, quietly.
process.stdout.on("error", (e) => {
  if (e.code === "EPIPE") process.exit(0);
  throw e;
});

// JSON has no BigInt; seqs and ticks are u64/i64, so they are written as exact integer literals.
function encode(value) {
  return JSON.stringify(value, (_k, v) => (typeof v === "bigint" ? `\u0000big:${v}` : v)).replace(
    /"\\u0000big:(-?\d+)"/g,
    "$1",
  );
}

export function emit(obj) {
  process.stdout.write(encode(obj) + "\n");
}

/** A row in the shape every command shares: {"key","value","seq","create_ts","expire_ts"} (+ extra). */
export function emitRow(row, extra = {}) {
  emit({
    key: row.key.toString("hex"),
    value: row.value.toString("hex"),
    seq: row.seq,
    create_ts: row.createTs,
    expire_ts: row.expireTs,
    ...extra,
  });
}

export function log(message) {
  process.stderr.write(`slatedb-interop: ${message}\n`);
}
