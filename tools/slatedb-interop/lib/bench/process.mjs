// What the harness measures the same way for every engine: bytes this process handed to
// write(2) ("wchar" of /proc/self/io) and its peak resident memory (VmHWM).

import fs from "node:fs";

function field(file, name) {
  try {
    const line = fs.readFileSync(file, "utf8").split("\n").find((l) => l.startsWith(name));
    return line ? Number.parseInt(line.slice(name.length).trim(), 10) : 0;
  } catch {
    return 0;
  }
}

export const writtenBytes = () => field("/proc/self/io", "wchar:");
export const peakResidentBytes = () => field("/proc/self/status", "VmHWM:") * 1024;
