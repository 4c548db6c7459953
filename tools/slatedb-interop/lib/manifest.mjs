// Reads just enough of a SlateDB manifest (spec §3) to let the generator wait for the
// compactor and find checkpoint ids, which the Node binding does not expose.
// Not a validating decoder: SlateFast has its own; this only has to understand what the
// engine it is shipped with writes.

import fs from "node:fs";
import path from "node:path";

// Field indices per manifest version (spec §3.3, ManifestV1 / ManifestV2).
const LAYOUT = {
  1: { writerEpoch: 3, compactorEpoch: 4, replayAfterWalId: 5, walIdLastSeen: 6, l0: 8, sortedRuns: 9, checkpoints: 11, lastL0Seq: 12 },
  2: { writerEpoch: 3, compactorEpoch: 4, replayAfterWalId: 5, walIdLastSeen: 6, l0: 9, sortedRuns: 10, checkpoints: 12, lastL0Seq: 13 },
};

/** A FlatBuffers table seen through its vtable; `fb` is the buffer, `pos` the table start. */
class Table {
  constructor(fb, pos) {
    this.fb = fb;
    this.pos = pos;
    this.vtable = pos - fb.readInt32LE(pos);
    this.vtableLen = fb.readUInt16LE(this.vtable);
  }

  /** Absolute position of field `index`, or -1 when absent (default value). */
  field(index) {
    const slot = 4 + 2 * index;
    if (slot + 2 > this.vtableLen) return -1;
    const rel = this.fb.readUInt16LE(this.vtable + slot);
    return rel === 0 ? -1 : this.pos + rel;
  }

  u64(index) {
    const at = this.field(index);
    return at < 0 ? 0n : this.fb.readBigUInt64LE(at);
  }

  u32(index) {
    const at = this.field(index);
    return at < 0 ? 0 : this.fb.readUInt32LE(at);
  }

  table(index) {
    const at = this.field(index);
    return at < 0 ? null : new Table(this.fb, at + this.fb.readUInt32LE(at));
  }

  tables(index) {
    const at = this.field(index);
    if (at < 0) return [];
    const vec = at + this.fb.readUInt32LE(at);
    const count = this.fb.readUInt32LE(vec);
    const out = [];
    for (let i = 0; i < count; i++) {
      const slot = vec + 4 + 4 * i;
      out.push(new Table(this.fb, slot + this.fb.readUInt32LE(slot)));
    }
    return out;
  }
}

function uuidText(t) {
  const hex = t.u64(0).toString(16).padStart(16, "0") + t.u64(1).toString(16).padStart(16, "0");
  return [hex.slice(0, 8), hex.slice(8, 12), hex.slice(12, 16), hex.slice(16, 20), hex.slice(20)].join("-");
}

/** Ids of every manifest version present, ascending. */
export function manifestIds(dbDir) {
  const dir = path.join(dbDir, "manifest");
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((f) => /^\d+\.manifest$/.test(f))
    .map((f) => BigInt(f.split(".")[0]))
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** Summary of manifest `id` (or of the latest one); null when the database has none yet. */
export function readManifest(dbDir, id) {
  const ids = manifestIds(dbDir);
  if (ids.length === 0) return null;
  const chosen = id === undefined ? ids[ids.length - 1] : BigInt(id);
  const file = path.join(dbDir, "manifest", `${chosen.toString().padStart(20, "0")}.manifest`);
  const bytes = fs.readFileSync(file);
  const version = bytes.readUInt16BE(0);
  const layout = LAYOUT[version];
  if (!layout) throw new Error(`${file}: unsupported manifest version ${version}`);
  const fb = bytes.subarray(2);
  const root = new Table(fb, fb.readUInt32LE(0));
  return {
    id: Number(chosen),
    version,
    writer_epoch: Number(root.u64(layout.writerEpoch)),
    compactor_epoch: Number(root.u64(layout.compactorEpoch)),
    replay_after_wal_id: Number(root.u64(layout.replayAfterWalId)),
    wal_id_last_seen: Number(root.u64(layout.walIdLastSeen)),
    last_l0_seq: Number(root.u64(layout.lastL0Seq)),
    l0: root.tables(layout.l0).length,
    sorted_runs: root.tables(layout.sortedRuns).map((sr) => ({ id: sr.u32(0), ssts: sr.tables(1).length })),
    checkpoints: root.tables(layout.checkpoints).map((cp) => ({
      id: uuidText(cp.table(0)),
      manifest_id: Number(cp.u64(1)),
      expire_time_s: cp.u32(2),
    })),
  };
}
