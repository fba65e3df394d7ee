import { describe, expect, it } from "vitest";
import { Bound, BoundedMap } from "../../src/core/bounded.js";
import { KnownReferences, type KnownReference } from "../../src/core/known.js";

describe("Bound", () => {
  it.each([
    { what: "entries", maxEntries: 3, maxChars: 100, sizes: [1, 1, 1, 1], admitted: [true, true, true, false] },
    { what: "characters", maxEntries: 10, maxChars: 10, sizes: [4, 4, 4], admitted: [true, true, false] },
    { what: "one entry of exactly the limit", maxEntries: 10, maxChars: 10, sizes: [10], admitted: [true] },
  ])("refuses the entry that would pass its bound on $what", ({ maxEntries, maxChars, sizes, admitted }) => {
    const bound = new Bound(maxEntries, maxChars);
    expect(sizes.map((n) => bound.admit(n))).toEqual(admitted);
  });

  it("counts from nothing again after refusing", () => {
    const bound = new Bound(2, 100);
    expect([bound.admit(1), bound.admit(1), bound.admit(1), bound.admit(1), bound.admit(1)]).toEqual([
      true,
      true,
      false,
      true,
      true,
    ]);
  });

  it("forgets its memo when an entry would pass the bound, and counts that entry as the first again", () => {
    const bound = new Bound(2, 100);
    const forgotten: number[] = [];
    for (let i = 1; i <= 5; i++) bound.admitOrRestart(1, () => forgotten.push(i));
    expect(forgotten).toEqual([3, 5]);
  });
});

describe("BoundedMap", () => {
  it("forgets everything and keeps the new entry when it passes its entry bound", () => {
    const map = new BoundedMap<number>(undefined, 2);
    map.set("a", 1);
    map.set("b", 2);
    map.set("c", 3);
    expect([map.get("a"), map.get("b"), map.get("c")]).toEqual([undefined, undefined, 3]);
  });

  it("does not store an entry larger than its whole character bound", () => {
    const map = new BoundedMap<number>(undefined, 10, 4);
    map.set("ab", 1);
    map.set("abcde", 2);
    expect([map.get("ab"), map.has("abcde")]).toEqual([1, false]);
  });

  it("weighs entries as told", () => {
    const map = new BoundedMap<string>((k, v) => k.length + v.length, 10, 10);
    map.set("k1", "value");
    map.set("k2", "value");
    expect([map.get("k1"), map.get("k2")]).toEqual([undefined, "value"]);
  });
});

describe("KnownReferences", () => {
  const answer = { entry: {}, busted: "/a.js?v=0123456789", version: 1 } as unknown as KnownReference;

  it("stays within the bound of every memo however many references it is given", () => {
    const known = new KnownReferences();
    const held = () => [0, 1, 2, 3, 4, 5, 6].reduce((n, d) => n + known.in(`/d${d}/`, 1).size, 0);
    let most = 0;
    for (let i = 0; i < 120_000; i++) {
      known.add(known.in(`/d${i % 7}/`, 1), `./m${i}.js`, answer);
      if (i % 1000 === 0) most = Math.max(most, held());
    }
    expect(most).toBeLessThanOrEqual(50_000);
    expect(held()).toBeGreaterThan(0);
  });

  it("forgets every answer when the generation changes", () => {
    const known = new KnownReferences();
    known.add(known.in("/js/", 1), "./a.js", answer);
    expect(known.in("/js/", 1).get("./a.js")).toBe(answer);
    expect(known.in("/js/", 2).get("./a.js")).toBeUndefined();
  });
});
