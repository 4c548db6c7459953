// Reads a workload plan written by SlateFast's PlanFile (Engine.Cli/Bench/PlanFile.cs): the
// workload itself (keys, values, expected results) is defined once, in C#; this driver only
// executes it. Records: kind u8, reserved u8, expected scan rows u16, value offset i32, key, [last key].

import fs from "node:fs";

const MAGIC = "SFBPLAN1";
export const PUT = 0;
export const GET = 1;
export const SCAN = 2;

class OpList {
  constructor(buf, count, recordSize, keySize) {
    this.buf = buf;
    this.count = count;
    this.recordSize = recordSize;
    this.keySize = keySize;
  }
  kind(i) {
    return this.buf[i * this.recordSize];
  }
  expectedRows(i) {
    return this.buf.readUInt16LE(i * this.recordSize + 2);
  }
  valueOffset(i) {
    return this.buf.readInt32LE(i * this.recordSize + 4);
  }
  key(i) {
    const at = i * this.recordSize + 8;
    return this.buf.subarray(at, at + this.keySize);
  }
  lastKey(i) {
    const at = i * this.recordSize + 8 + this.keySize;
    return this.buf.subarray(at, at + this.keySize);
  }
  /** [start, end) of client `w` of `n`, the same split as OpList.Slice in C#. */
  slice(w, n) {
    return [Math.floor((this.count * w) / n), Math.floor((this.count * (w + 1)) / n)];
  }
}

export function readPlan(path) {
  const buf = fs.readFileSync(path);
  if (buf.subarray(0, 8).toString("latin1") !== MAGIC) throw new Error(`${path} is not a SlateFast workload plan`);
  let p = 8;
  const keySize = buf.readUInt16LE(p);
  const valueSize = buf.readUInt16LE(p + 2);
  const writers = buf.readUInt16LE(p + 4);
  const flags = buf.readUInt16LE(p + 6);
  const timeLimitMs = buf.readUInt32LE(p + 8);
  const warmRows = Number(buf.readBigInt64LE(p + 12));
  const poolSize = buf.readUInt32LE(p + 20);
  const counts = [buf.readUInt32LE(p + 24), buf.readUInt32LE(p + 28), buf.readUInt32LE(p + 32)];
  const sizes = [buf.readUInt16LE(p + 36), buf.readUInt16LE(p + 38), buf.readUInt16LE(p + 40)];
  const scanLength = buf.readUInt16LE(p + 42);
  const warmupOps = buf.readUInt32LE(p + 44);
  const nameLength = buf.readUInt16LE(p + 48);
  p += 50;
  const name = buf.subarray(p, p + nameLength).toString("utf8");
  p += nameLength;
  const pool = buf.subarray(p, p + poolSize);
  p += poolSize;
  const lists = counts.map((count, i) => {
    const list = new OpList(buf.subarray(p, p + count * sizes[i]), count, sizes[i], keySize);
    p += count * sizes[i];
    return list;
  });
  if (p !== buf.length) throw new Error(`${path}: ${buf.length - p} trailing bytes`);
  return {
    name,
    keySize,
    valueSize,
    writers,
    durable: (flags & 1) !== 0,
    warm: (flags & 2) !== 0,
    timeLimitMs,
    warmRows,
    scanLength,
    warmupOps,
    pool,
    value: (offset) => pool.subarray(offset, offset + valueSize),
    load: lists[0],
    timed: lists[1],
    verify: lists[2],
  };
}
