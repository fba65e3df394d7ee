import * as fs from "node:fs";
import type { Inflight } from "./cache.js";
import { runAsync, runSync, type Done, type Resume } from "./steps.js";
import { Closer, createReadScratch, readFileCallback, readFileSync, sameIdentity, type ReadScratch } from "./read.js";
import {
  bustReference,
  bustWithoutSteps,
  hit,
  load,
  NO_CHAIN,
  resolveTarget,
  SKIP,
  type Core,
  type Op,
  type Resolution,
  type Step,
  type TransformOp,
} from "./resolve.js";
import type { Target } from "./target.js";
import type { CallOptions, MissingPolicy } from "./types.js";
import { referencesOf, transformNow, transformWith, type Answer } from "./transform.js";

const NO_THROW_IF_NO_ENTRY = Object.freeze({ throwIfNoEntry: false });

/** The file's `Stats`, or `undefined` whatever the failure: the read that follows names it. */
function statOrUndefined(file: string): fs.Stats | undefined {
  try {
    return fs.statSync(file, NO_THROW_IF_NO_ENTRY);
  } catch {
    return undefined;
  }
}

/**
 * Runs resolution steps: {@link Drivers.sync} with blocking calls, {@link Drivers.async} with
 * callbacks (never a blocking call on a file's path or data). The same generators either way.
 */
export class Drivers {
  /** What a read digests: one list for every read, not one per file. */
  readonly #algorithms: readonly string[];
  /** The buffer synchronous reads share (see `ReadScratch`). */
  readonly #scratch: ReadScratch = createReadScratch();
  /** Closes what reads without blocking opened, a batch per turn of the event loop. */
  readonly #closer = new Closer();

  constructor(readonly core: Core) {
    this.#algorithms = [core.opts.algorithm];
  }

  /** Runs a step to its end with blocking I/O. */
  sync<T>(step: Step<T>): T {
    return runSync(step, this.#performSync);
  }

  /** Runs a step to its end without blocking; `done` is called once (at once, if the step needs no I/O). */
  async<T>(step: Step<T>, done: Done<T>): void {
    runAsync(step, this.#performAsync, done);
  }

  /** What a URL of a call from outside resolves to, with blocking I/O. */
  resolveSync(url: unknown, from: CallOptions["from"]): Resolution {
    const t = this.core.targets.get(url, from);
    if (!t) return SKIP;
    return this.#statHit(t) ?? this.sync(resolveTarget(this.core, t, url, NO_CHAIN));
  }

  /**
   * The call a server or a dev build makes most, a stat-validated hit of a URL with one
   * candidate and no dependencies, made with the same rules (`sameIdentity`, `hit`) as
   * plain calls: running the generators for it measured ~15% slower than the stat alone.
   * `undefined`: anything else, left to the full path (which stats again: a changed file
   * is read anyway).
   */
  #statHit(t: Target): Resolution | undefined {
    const { cache } = this.core;
    if (t.candidates.length !== 1 || this.core.watch || this.core.opts.validate === "once") return undefined;
    const { candidate, key } = t.candidates[0] as Target["candidates"][number];
    const cached = cache.entries.get(key);
    if (!cached || !cached.trusted || cached.deps.length > 0) return undefined;
    // Nothing runs between this lookup and the stat: `cached` is the entry to compare.
    const st = statOrUndefined(candidate.file);
    if (!st || !sameIdentity(cached.identity, st)) return undefined;
    cache.counters.stats++;
    return { kind: "file", target: t, entry: hit(this.core, cached, 0) };
  }

  /** What a URL of a call from outside resolves to, without blocking; `done` is called once. */
  resolveAsync(url: unknown, from: CallOptions["from"], done: Done<Resolution>): void {
    let t: Target | undefined;
    try {
      t = this.core.targets.get(url, from);
    } catch (error) {
      done(error);
      return;
    }
    if (t) this.async(resolveTarget(this.core, t, url, NO_CHAIN), done);
    else done(undefined, SKIP);
  }

  readonly #performSync = (op: Op): unknown => {
    switch (op.op) {
      case "stat":
        return statOrUndefined(op.file);
      case "read":
        return readFileSync(op.file, op.url, this.#algorithms, op.keepBytes, this.#scratch);
      case "load":
        return this.sync(load(this.core, op.candidate, op.key, op.url, op.chain));
      case "transform":
        return transformNow(op, (ref, missing) => {
          const now = bustWithoutSteps(this.core, ref, op);
          return typeof now === "string" ? now : this.sync(bustReference(this.core, ref, now, op, missing));
        });
    }
  };

  readonly #performAsync = (op: Op, resume: Resume): void => {
    try {
      switch (op.op) {
        case "stat":
          fs.stat(op.file, (error, st) => resume(false, error ? undefined : st));
          return;
        case "read":
          readFileCallback(op.file, op.url, this.#algorithms, op.keepBytes, this.#closer, (error, read) =>
            resume(error !== undefined, error ?? read),
          );
          return;
        case "load":
          this.#loadShared(op, resume);
          return;
        case "transform":
          this.#transformAsync(op, resume);
          return;
      }
    } catch (error) {
      queueMicrotask(() => resume(true, error));
    }
  };

  /**
   * Loads an entry, joining a load of the same key only while it has not opened the file yet:
   * its bytes are then at least as new as this call. The open waits for a microtask, so that
   * calls made together (Promise.all over a page's URLs) share a single read. Its waiters are
   * resumed from the read's callbacks: no promise per load.
   */
  #loadShared(op: Extract<Op, { op: "load" }>, resume: Resume): void {
    const { inflight } = this.core.cache;
    const running = inflight.get(op.key);
    if (running && !running.started) {
      running.waiters.push(resume);
      return;
    }
    const record: Inflight = { started: false, waiters: [resume] };
    inflight.set(op.key, record);
    queueMicrotask(() => {
      record.started = true;
      this.async(load(this.core, op.candidate, op.key, op.url, op.chain), (error, entry) => {
        if (inflight.get(op.key) === record) inflight.delete(op.key);
        const failed = error !== undefined;
        for (const waiter of record.waiters) waiter(failed, failed ? error : entry);
      });
    });
  }

  /** Busts one reference of a file being rewritten without blocking: at once when no step is needed. */
  #bustAsync(op: TransformOp, ref: string, missing: MissingPolicy | undefined, done: Done<string>): void {
    let now: string | Target;
    try {
      now = bustWithoutSteps(this.core, ref, op);
    } catch (error) {
      return done(error);
    }
    if (typeof now === "string") done(undefined, now);
    else this.async(bustReference(this.core, ref, now, op, missing), done);
  }

  /** Two passes: learn the references, resolve them one by one without blocking, apply them. */
  #transformAsync(op: TransformOp, resume: Resume): void {
    let refs: ReturnType<typeof referencesOf>;
    try {
      refs = referencesOf(op);
    } catch (error) {
      resume(true, error);
      return;
    }
    const answers: Answer[] = [];
    const finish = () => {
      let out: string | undefined;
      try {
        out = transformWith(op, refs, answers);
      } catch (error) {
        resume(true, error);
        return;
      }
      resume(false, out);
    };
    // A loop, not recursion: references answered without I/O (`data:`, cached) come back at once.
    const run = (): void => {
      while (answers.length < refs.length) {
        const { ref, missing } = refs[answers.length] as (typeof refs)[number];
        let waiting = false;
        let answered = false;
        this.#bustAsync(op, ref, missing, (error, value) => {
          answers.push(error === undefined ? { ok: true, value: value as string } : { ok: false, error });
          answered = true;
          if (waiting) run();
        });
        if (!answered) {
          waiting = true;
          return;
        }
      }
      finish();
    };
    run();
  }
}
