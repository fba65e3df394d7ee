import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { CacheBustError } from "../../src/core/errors.js";
import { writeInside, writeInsideSync } from "../../src/core/emit.js";
import { doStepAsync, doStepSync, runAsync, runSync, type FsStep } from "../../src/core/fs-steps.js";
import { writeInsideSteps } from "../../src/core/gate.js";
import { site as tree } from "../core/fixtures.js";

type Write = (outDir: string, dest: string, data: string, onWarning?: (e: CacheBustError) => void) => Promise<boolean>;

/** Both entry points, run the same way, so that every test below holds for each. */
const writers: Array<[string, Write]> = [
  ["writeInside", (outDir, dest, data, onWarning) => writeInside(outDir, dest, data, { onWarning })],
  ["writeInsideSync", async (outDir, dest, data, onWarning) => writeInsideSync(outDir, dest, data, { onWarning })],
];

/** The code of the error `write` rejects with (or "none"). */
async function codeOf(write: Promise<unknown>): Promise<string> {
  return write.then(
    () => "none",
    (error: CacheBustError) => error.code,
  );
}

/** An output directory and, beside it, a directory outside it holding a file that must never change. */
function outAndOutside(): { out: string; outside: string; secret: string } {
  const out = tree();
  const outside = tree({ "a.css": "secret" });
  return { out, outside, secret: join(outside, "a.css") };
}

describe.each(writers)("%s", (_, write) => {
  it("writes a new file and the directories on its way, leaving no temporary file", async () => {
    const out = tree();
    expect(await write(out, "css/deep/a.css", "new")).toBe(true);
    expect(fs.readFileSync(join(out, "css/deep/a.css"), "utf8")).toBe("new");
    expect(fs.readdirSync(join(out, "css/deep"))).toEqual(["a.css"]);
  });

  it("replaces a file through a new inode, so a reader holding the old one keeps it whole", async () => {
    const out = tree({ "a.css": "old" });
    const before = fs.statSync(join(out, "a.css")).ino;
    expect(await write(out, "a.css", "new")).toBe(true);
    expect(fs.statSync(join(out, "a.css")).ino).not.toBe(before);
    expect(fs.readFileSync(join(out, "a.css"), "utf8")).toBe("new");
  });

  it("leaves a file that already holds the bytes untouched", async () => {
    const out = tree({ "a.css": "same" });
    const before = fs.statSync(join(out, "a.css")).ino;
    expect(await write(out, "a.css", "same")).toBe(false);
    expect(fs.statSync(join(out, "a.css")).ino).toBe(before);
  });

  it("refuses to write through a linked directory that leads out of the output directory", async () => {
    const { out, outside, secret } = outAndOutside();
    fs.symlinkSync(outside, join(out, "vendor"));
    expect(await codeOf(write(out, "vendor/a.css", "overwritten"))).toBe("OUTSIDE_OUTPUT");
    expect(fs.readFileSync(secret, "utf8")).toBe("secret");
    expect(fs.readdirSync(outside)).toEqual(["a.css"]);
  });

  it("refuses to create directories below a linked directory that leads outside", async () => {
    const { out, outside } = outAndOutside();
    fs.symlinkSync(outside, join(out, "vendor"));
    expect(await codeOf(write(out, "vendor/new/deep/a.css", "x"))).toBe("OUTSIDE_OUTPUT");
    expect(fs.readdirSync(outside)).toEqual(["a.css"]);
  });

  it("reports a refusal to onWarning, naming the destination and the output directory, and returns false", async () => {
    const { out, outside, secret } = outAndOutside();
    fs.symlinkSync(outside, join(out, "vendor"));
    const warnings: CacheBustError[] = [];
    expect(await write(out, "vendor/a.css", "overwritten", (w) => warnings.push(w))).toBe(false);
    expect(warnings.map((w) => w.code)).toEqual(["OUTSIDE_OUTPUT"]);
    expect(warnings[0]?.message).toContain(join(out, "vendor/a.css"));
    expect(warnings[0]?.message).toContain(`output directory ${out}`);
    expect(fs.readFileSync(secret, "utf8")).toBe("secret");
  });

  it("refuses a destination that is a link to a file outside the output directory", async () => {
    const { out, secret } = outAndOutside();
    fs.symlinkSync(secret, join(out, "a.css"));
    expect(await codeOf(write(out, "a.css", "overwritten"))).toBe("OUTSIDE_OUTPUT");
    expect(fs.readFileSync(secret, "utf8")).toBe("secret");
    expect(fs.lstatSync(join(out, "a.css")).isSymbolicLink()).toBe(true);
  });

  it("refuses a destination that is a link leading nowhere", async () => {
    const { out, outside } = outAndOutside();
    fs.symlinkSync(join(outside, "gone.css"), join(out, "a.css"));
    expect(await codeOf(write(out, "a.css", "x"))).toBe("OUTSIDE_OUTPUT");
    expect(fs.existsSync(join(outside, "gone.css"))).toBe(false);
  });

  it("replaces a link to a file inside the output directory without writing through it", async () => {
    const out = tree({ "real.css": "target" });
    fs.symlinkSync(join(out, "real.css"), join(out, "a.css"));
    expect(await write(out, "a.css", "new")).toBe(true);
    expect(fs.lstatSync(join(out, "a.css")).isFile()).toBe(true);
    expect(fs.readFileSync(join(out, "a.css"), "utf8")).toBe("new");
    expect(fs.readFileSync(join(out, "real.css"), "utf8")).toBe("target");
  });

  it("follows a linked directory whose real path stays inside the output directory", async () => {
    const out = tree({ "real/keep.txt": "k" });
    fs.symlinkSync(join(out, "real"), join(out, "alias"));
    expect(await write(out, "alias/a.css", "x")).toBe(true);
    expect(fs.readFileSync(join(out, "real/a.css"), "utf8")).toBe("x");
  });

  it("refuses an absolute destination", async () => {
    const { out, secret } = outAndOutside();
    expect(await codeOf(write(out, secret, "overwritten"))).toBe("OUTSIDE_OUTPUT");
    expect(fs.readFileSync(secret, "utf8")).toBe("secret");
  });

  it("refuses a destination with a .. segment, even one that would come back inside", async () => {
    const { out, outside } = outAndOutside();
    const name = outside.split("/").pop() as string;
    expect(await codeOf(write(out, `../${name}/b.css`, "x"))).toBe("OUTSIDE_OUTPUT");
    expect(await codeOf(write(out, "css/../a.css", "x"))).toBe("OUTSIDE_OUTPUT");
    expect(fs.readdirSync(outside)).toEqual(["a.css"]);
    expect(fs.readdirSync(out)).toEqual([]);
  });

  it("refuses a directory at the destination", async () => {
    const out = tree({ "a.css/inner.txt": "i" });
    expect(await codeOf(write(out, "a.css", "x"))).toBe("NOT_A_FILE");
    expect(fs.readFileSync(join(out, "a.css/inner.txt"), "utf8")).toBe("i");
  });

  it("refuses a FIFO at the destination without waiting for a writer", async () => {
    const out = tree();
    execFileSync("mkfifo", [join(out, "a.css")]);
    expect(await codeOf(write(out, "a.css", "x"))).toBe("NOT_A_FILE");
    expect(fs.lstatSync(join(out, "a.css")).isFIFO()).toBe(true);
  });

  it("refuses a file where a directory on the way should be", async () => {
    const out = tree({ css: "a file" });
    expect(await codeOf(write(out, "css/a.css", "x"))).toBe("NOT_A_FILE");
  });

  it("refuses to write into a directory that was swapped for a link since the previous write", async () => {
    const { out, outside } = outAndOutside();
    expect(await write(out, "p/1.html", "one")).toBe(true);
    fs.renameSync(join(out, "p"), join(outside, "p"));
    fs.symlinkSync(join(outside, "p"), join(out, "p"));
    expect(await codeOf(write(out, "p/2.html", "two"))).toBe("OUTSIDE_OUTPUT");
    expect(fs.readdirSync(join(outside, "p"))).toEqual(["1.html"]);
  });
});

/** A step runner that swaps `dir` for a link to `target` just before the first step `when` picks. */
function swapping(dir: string, target: string, when: (step: FsStep) => boolean): (step: FsStep) => void {
  let done = false;
  return (step) => {
    if (!done && when(step)) {
      done = true;
      fs.renameSync(dir, target);
      fs.symlinkSync(target, dir);
    }
  };
}

describe.each([
  [
    "synchronously",
    (steps: ReturnType<typeof writeInsideSteps>, before: (s: FsStep) => void) =>
      runSync(steps, (s) => (before(s), doStepSync(s))),
  ],
  [
    "asynchronously",
    (steps: ReturnType<typeof writeInsideSteps>, before: (s: FsStep) => void) =>
      runAsync(steps, (s) => (before(s), doStepAsync(s))),
  ],
])("the gate's steps run %s", (_, run) => {
  it("refuse a directory swapped for a link between writing the temporary file and renaming it", async () => {
    const { out, outside } = outAndOutside();
    fs.mkdirSync(join(out, "p"));
    // The temporary file is written and about to be closed: the checks before the rename remain.
    const swap = swapping(join(out, "p"), join(outside, "p"), (s) => s.op === "close");
    const outcome = await Promise.resolve()
      .then(() => run(writeInsideSteps(out, "p/a.html", Buffer.from("page")), swap))
      .then(
        () => "written",
        (e: CacheBustError) => e.code,
      );
    expect(outcome).toBe("OUTSIDE_OUTPUT");
    // Nothing named a.html anywhere, and the temporary file was removed again.
    expect(fs.readdirSync(join(outside, "p"))).toEqual([]);
  });

  it("refuse a directory swapped for a link right after it was made", async () => {
    const { out, outside } = outAndOutside();
    let made = false;
    const swap = swapping(join(out, "p"), join(outside, "p"), (s) => {
      const after = made;
      if (s.op === "mkdir" && s.path === join(out, "p")) made = true;
      return after;
    });
    const outcome = await Promise.resolve()
      .then(() => run(writeInsideSteps(out, "p/q/a.html", Buffer.from("page")), swap))
      .then(
        () => "written",
        (e: CacheBustError) => e.code,
      );
    expect(outcome).toBe("OUTSIDE_OUTPUT");
    expect(fs.readdirSync(join(outside, "p"))).toEqual([]);
  });

  it("never show a reader half a file: the destination holds the old bytes or the new ones after every step", async () => {
    const out = tree({ "big.bin": Buffer.alloc(300_000, 1) });
    const next = Buffer.alloc(400_000, 2);
    const seen = new Set<string>();
    const look = () => {
      const now = fs.readFileSync(join(out, "big.bin"));
      seen.add(now.equals(next) ? "new" : now.equals(Buffer.alloc(300_000, 1)) ? "old" : "torn");
    };
    expect(await run(writeInsideSteps(out, "big.bin", next), look)).toBe(true);
    look();
    expect([...seen].sort()).toEqual(["new", "old"]);
  });
});

it("gives the same results synchronously and asynchronously for every kind of destination", async () => {
  const outcomes = async (write: Write) => {
    const { out, outside } = outAndOutside();
    fs.symlinkSync(outside, join(out, "out-link"));
    fs.symlinkSync(join(outside, "a.css"), join(out, "file-link.css"));
    fs.mkdirSync(join(out, "dir"));
    const results: string[] = [];
    for (const dest of [
      "a.css",
      "a.css",
      "x/y/z.css",
      "out-link/a.css",
      "file-link.css",
      "dir",
      "../a.css",
      "/a.css",
      "",
    ]) {
      results.push(await write(out, dest, "data").then(String, (e: CacheBustError) => e.code));
    }
    return results;
  };
  const [sync, async] = [await outcomes(writers[1]![1]), await outcomes(writers[0]![1])];
  expect(sync).toEqual(async);
  expect(sync).toEqual([
    "true",
    "false",
    "true",
    "OUTSIDE_OUTPUT",
    "OUTSIDE_OUTPUT",
    "NOT_A_FILE",
    "OUTSIDE_OUTPUT",
    "OUTSIDE_OUTPUT",
    "BAD_ARGUMENT",
  ]);
});
