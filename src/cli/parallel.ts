import { availableParallelism } from "node:os";
import { Worker, parentPort, workerData } from "node:worker_threads";
import { nextTurn, TURN_EVERY } from "../core/turns.js";

/** Where the helper threads come from: the CLI's own script, which serves jobs when it is a worker. */
export interface Helpers {
  script: URL;
  /** How many threads besides the main one; 0 to do everything here. */
  count: number;
}

/** Below this many files, starting a thread costs more than it saves. */
const WORTH_A_THREAD = 200;

/** The helper threads for `n` files: one per core beyond the first, at most 3, none for a small site. */
export function helpersFor(helpers: Helpers | undefined, n: number): number {
  if (!helpers || n < WORTH_A_THREAD) return 0;
  return Math.max(0, Math.min(helpers.count, Math.floor(n / WORTH_A_THREAD) - 1));
}

/** The default number of helper threads: every core but the main thread's, at most 3. */
export const defaultHelpers = (): number => Math.min(availableParallelism() - 1, 3);

/** What a worker is given: its job's name and data, its share of the items, the stop flag. */
interface JobData {
  job: string;
  data: unknown;
  items: unknown[];
  stop: Int32Array;
}

/** How many outcomes a worker sends back at a time (each message a progress step). */
const BATCH = 32;

/**
 * Does `here(item)` for every item, sharing them out (round robin) between this thread and
 * `threads` workers that run `job` from the same script; outcomes come back in the items'
 * order, `undefined` for an item not done because `signal` stopped the run.
 */
export async function inParallel<T, R>(
  items: readonly T[],
  opts: {
    job: string;
    data: unknown;
    threads: number;
    script: URL | undefined;
    here: (item: T) => R;
    onDone: () => void;
    signal: AbortSignal | undefined;
  },
): Promise<Array<R | undefined>> {
  const out = new Array<R | undefined>(items.length);
  const ways = opts.script ? opts.threads + 1 : 1;
  const stop = new Int32Array(new SharedArrayBuffer(4));
  const onAbort = () => Atomics.store(stop, 0, 1);
  opts.signal?.addEventListener("abort", onAbort);
  const share = (k: number) => items.map((_, i) => i).filter((i) => i % ways === k);
  try {
    // Awaited as one from the start, so that a worker's failure is never an unhandled rejection.
    const workers = Promise.all(
      Array.from({ length: ways - 1 }, (_, h) =>
        runWorker(opts.script as URL, { job: opts.job, data: opts.data, stop }, share(h + 1), items, (i, r) => {
          out[i] = r as R;
          opts.onDone();
        }),
      ),
    );
    workers.catch(() => Atomics.store(stop, 0, 1));
    for (const [n, i] of share(0).entries()) {
      // Let a signal handler, and the workers' messages, in now and then.
      if (n % TURN_EVERY === 0) await nextTurn();
      if (opts.signal?.aborted) break;
      out[i] = opts.here(items[i] as T);
      opts.onDone();
    }
    await workers;
  } finally {
    opts.signal?.removeEventListener("abort", onAbort);
  }
  return out;
}

/** Runs one worker on the items at `indices`, handing each outcome to `take` as it comes. */
function runWorker<T>(
  script: URL,
  job: Omit<JobData, "items">,
  indices: number[],
  items: readonly T[],
  take: (index: number, outcome: unknown) => void,
): Promise<void> {
  return new Promise((ok, fail) => {
    const worker = new Worker(script, { workerData: { ...job, items: indices.map((i) => items[i]) } });
    let next = 0;
    worker.on("message", (batch: unknown[]) => {
      for (const outcome of batch) take(indices[next++] as number, outcome);
    });
    worker.on("error", fail);
    worker.on("exit", () => ok());
  });
}

/**
 * The worker's side: does its share of the items with the job named in `workerData` (each job
 * made once per worker from the job's data, so it may keep what its items share), sending
 * outcomes back in batches, until done or the stop flag is set.
 */
export function serveJob(jobs: Record<string, (data: never) => (item: never) => unknown>): void {
  const { job, data, items, stop } = workerData as JobData;
  const run = (jobs[job] as (data: unknown) => (item: unknown) => unknown)(data);
  let batch: unknown[] = [];
  for (const item of items) {
    if (Atomics.load(stop, 0) === 1) break;
    batch.push(run(item));
    if (batch.length === BATCH) {
      parentPort?.postMessage(batch);
      batch = [];
    }
  }
  if (batch.length > 0) parentPort?.postMessage(batch);
}
