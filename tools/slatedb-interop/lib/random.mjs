// Seeded randomness for reproducible workloads (mulberry32: tiny, fast, good enough for tests).

export function rng(seed) {
  let state = Number(BigInt.asUintN(32, BigInt(seed))) ^ 0x9e3779b9;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    /** Uniform float in [0, 1). */
    float: next,
    /** Uniform integer in [lo, hi]. */
    int: (lo, hi) => lo + Math.floor(next() * (hi - lo + 1)),
    bytes(len) {
      const b = Buffer.alloc(len);
      for (let i = 0; i < len; i++) b[i] = Math.floor(next() * 256);
      return b;
    },
    pick: (arr) => arr[Math.floor(next() * arr.length)],
  };
}

/** Fixed-width text key, e.g. key("k", 7, 6) = "k000007". */
export function key(prefix, i, width) {
  return Buffer.from(prefix + String(i).padStart(width, "0"));
}
