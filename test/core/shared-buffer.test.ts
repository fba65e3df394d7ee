import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { createCacheBuster } from "../../src/index.js";
import { SCRATCH_LIMIT } from "../../src/core/read.js";
import { sha, site } from "./fixtures.js";

// Synchronous reads of one buster share a buffer. These tests read files of many sizes in both
// orders (so a later, shorter file lands on a longer one's leftover bytes) and check every
// hash against the file's own bytes.

/** `size` bytes that differ from file to file and from position to position. */
function bytes(label: string, size: number): Buffer {
  return createHash("shake256", { outputLength: size }).update(label).digest();
}

const SIZES = [
  0,
  1,
  5,
  4096,
  70_000,
  SCRATCH_LIMIT - 2,
  SCRATCH_LIMIT - 1,
  SCRATCH_LIMIT,
  SCRATCH_LIMIT + 1,
  300_000,
  10,
];

describe("reads that share a buffer", () => {
  it("give each file the hash of its own bytes, from the largest file to the smallest and back", () => {
    const files = Object.fromEntries(SIZES.map((size, i) => [`f${i}.bin`, bytes(`file ${i}`, size)]));
    const root = site(files);
    for (const order of [SIZES.map((_, i) => i), SIZES.map((_, i) => i).reverse()]) {
      const buster = createCacheBuster({ root });
      for (const i of order) {
        expect(buster.hash(`/f${i}.bin`)).toBe(sha(files[`f${i}.bin`] as Buffer));
      }
    }
  });
});
