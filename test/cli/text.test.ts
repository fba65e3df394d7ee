import * as fs from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { createReadScratch } from "../../src/core/read.js";
import { readTextSync, readToEnd } from "../../src/cli/text.js";

const dir = fs.mkdtempSync(join(tmpdir(), "cache-id-text-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** `readToEnd` on a real file of `size` bytes, from a scratch buffer of `start` bytes. */
function readFile(size: number, start: number, max?: number) {
  const file = join(dir, `f${size}-${start}-${max ?? "all"}`);
  const bytes = Buffer.from(Array.from({ length: size }, (_, i) => i % 251));
  fs.writeFileSync(file, bytes);
  const scratch = createReadScratch();
  scratch.buffer = Buffer.alloc(start);
  const fd = fs.openSync(file, "r");
  try {
    const n = readToEnd(fd, scratch, size, max);
    return { n, same: scratch.buffer.subarray(0, n).equals(bytes.subarray(0, n)), held: scratch.buffer.length };
  } finally {
    fs.closeSync(fd);
  }
}

describe("readToEnd", () => {
  it.each([
    { what: "an empty file", size: 0, start: 1, n: 0 },
    { what: "a file shorter than the buffer", size: 100, start: 4096, n: 100 },
    { what: "a file exactly as long as the buffer", size: 4096, start: 4096, n: 4096 },
    { what: "a file longer than the buffer, which grows", size: 200_000, start: 4096, n: 200_000 },
  ])("reads $what whole", ({ size, start, n }) => {
    const r = readFile(size, start);
    expect([r.n, r.same]).toEqual([n, true]);
  });

  it("stops at a full buffer of `max` bytes when the file is longer", () => {
    const r = readFile(300_000, 4096, 1 << 16);
    expect(r).toEqual({ n: 1 << 16, same: true, held: 1 << 16 });
  });

  it("reads a file that grew after its stat to its current end", () => {
    const file = join(dir, "grown");
    fs.writeFileSync(file, "a".repeat(10));
    const fd = fs.openSync(file, "r");
    try {
      const stale = fs.fstatSync(fd).size;
      fs.appendFileSync(file, "b".repeat(5000));
      const scratch = createReadScratch();
      scratch.buffer = Buffer.alloc(stale + 1);
      expect(readToEnd(fd, scratch, stale)).toBe(5010);
    } finally {
      fs.closeSync(fd);
    }
  });
});

describe("readTextSync", () => {
  it("reads pages into the scratch it is given, growing it for a longer page", () => {
    const scratch = createReadScratch();
    fs.writeFileSync(join(dir, "a.html"), "<p>a</p>");
    fs.writeFileSync(join(dir, "b.html"), `<p>${"b".repeat(100_000)}</p>`);
    expect(readTextSync(join(dir, "a.html"), scratch).text).toBe("<p>a</p>");
    expect(readTextSync(join(dir, "b.html"), scratch).text).toHaveLength(100_007);
    expect(scratch.buffer.length).toBeGreaterThan(100_007);
  });
});
