import {
  MessageChannel,
  type MessagePort,
  Worker,
  parentPort,
  receiveMessageOnPort,
  workerData,
} from "node:worker_threads";
import type { CliOptions } from "./args.js";
import { Inserts } from "./packed.js";
import { createReadScratch } from "../core/read.js";
import { type Answer, fromAnswer, type PageContext, type PlannedPage, planPage } from "./page-plan.js";
import { pageBuster, type SiteLocation } from "./references.js";
import { type Outcome, rewritePage, SiteFiles } from "./rewrite.js";
import { emptySummary, type Problem } from "./summary.js";
import { nextTurn, TURN_EVERY } from "../core/turns.js";

/**
 * A crew: helper threads that each plan a share of a large site's pages and later write
 * them, keeping their plans (edits, digests) to themselves meanwhile. The one buster stays
 * on the main thread: a helper asks it for every URL it has not seen (synchronously, by a
 * message and a wait on shared memory), so every hash comes from one place and is checked
 * before writing like any other, and the report is the one a single thread would give.
 */

/** A question from a helper to the main thread, asked while planning page `page`. */
export type Question =
  | { op: "bust"; page: number; url: string; from: string }
  | { op: "integrity"; page: number; url: string; from: string; current: string };

/** What a helper found on one page of its share. */
export interface PagePlanned {
  /** The page's index in the run's list of pages. */
  index: number;
  changes: boolean;
  references: number;
  busted: number;
  changed: number;
  problems: Problem[];
  warnings: string[];
}

/** A helper's messages to the main thread. */
type Report =
  | { kind: "planned"; pages: PagePlanned[]; done: boolean }
  | { kind: "written"; outcomes: Array<[number, Outcome]>; done: boolean };

/** What a helper is given. */
interface CrewData {
  kind: "crew";
  dir: string;
  options: CliOptions;
  site: SiteLocation;
  /** The run's pages; each thread takes the next one not taken (`next`), so none waits on a slower one. */
  paths: readonly string[];
  next: Int32Array;
  stop: Int32Array;
  calls: MessagePort;
  answered: Int32Array;
}

/** How many pages a helper reports at a time (each message a progress step). */
const BATCH = 32;

/** The helpers once they have planned: they write their pages when told, or are stopped. */
export interface Crew {
  /** Has every helper write the pages it planned; `onDone` for each; their outcomes by page index. */
  write(onDone: () => void): Promise<Map<number, Outcome>>;
  /** Stops the helpers (at the end of a run, whatever happened). */
  close(): Promise<void>;
}

/** One helper as the main thread sees it. */
interface Member {
  worker: Worker;
  /** Answers the questions waiting on its channel, now. */
  serve: () => void;
  /** Hands its reports of `kind` to `take` until the last; rejects if the helper fails. */
  until: (kind: Report["kind"], take: (r: Report) => void) => Promise<void>;
}

/** Helper threads started ahead of their work, so that loading the script overlaps the run's first steps. */
export interface Hired {
  workers: Array<{ worker: Worker; gone: Promise<never> }>;
}

/**
 * Starts `threads` helpers from `script`, which wait for their share of the pages; a run that
 * never gives them one does not wait for them to exit.
 */
export function hireCrew(script: URL, threads: number): Hired {
  const workers = Array.from({ length: threads }, () => {
    const worker = new Worker(script, { workerData: { kind: "crew" } });
    worker.unref();
    // Watched from the start: a helper that fails before it is given work fails the run too.
    const gone = new Promise<never>((_, fail) => {
      worker.on("error", fail);
      worker.on("exit", (code) => fail(new Error(`cache-id: a helper thread stopped early (exit code ${code})`)));
    });
    gone.catch(() => {});
    return { worker, gone };
  });
  return { workers };
}

/** Gives a started helper its share of the pages; `answer` answers its questions on this thread. */
function startMember(
  { worker, gone: failed }: Hired["workers"][number],
  data: Omit<CrewData, "calls" | "answered">,
  answer: (q: Question) => unknown,
): Member {
  const { port1, port2 } = new MessageChannel();
  const answered = new Int32Array(new SharedArrayBuffer(4));
  worker.postMessage({ ...data, calls: port2, answered }, [port2]);
  const reply = (q: Question) => {
    port1.postMessage(answer(q));
    Atomics.store(answered, 0, 1);
    Atomics.notify(answered, 0);
  };
  // Questions come in here while this thread waits, and through `serve` while it plans.
  port1.on("message", reply);
  port1.unref();
  let listener: ((r: Report) => void) | undefined;
  worker.on("message", (r: Report) => listener?.(r));
  return {
    worker,
    serve: () => {
      for (let m = receiveMessageOnPort(port1); m; m = receiveMessageOnPort(port1)) reply(m.message as Question);
    },
    // Kept alive only while waited for: a run that ends early, whatever the reason, never
    // hangs on a helper still holding its plans.
    until: (kind, take) => {
      worker.ref();
      const settled = Promise.race([
        failed,
        new Promise<void>((ok) => {
          listener = (r) => {
            if (r.kind !== kind) return;
            take(r);
            if (r.done) ok();
          };
        }),
      ]);
      return settled.finally(() => worker.unref());
    },
  };
}

/** The crew of started members; `release` undoes what their start set up. */
function crewOf(members: Member[], release: () => void): Crew {
  return {
    async write(onDone) {
      const outcomes = new Map<number, Outcome>();
      const written = Promise.all(
        members.map((m) =>
          m.until("written", (r) => {
            for (const [i, o] of (r as Extract<Report, { kind: "written" }>).outcomes) {
              outcomes.set(i, o);
              onDone();
            }
          }),
        ),
      );
      for (const m of members) m.worker.postMessage(true);
      await written;
      return outcomes;
    },
    async close() {
      release();
      await Promise.all(members.map((m) => m.worker.terminate()));
    },
  };
}

/**
 * Plans the pages at `paths` with the helpers and this thread, each taking the next page not
 * yet taken: `here(i)` plans page `i` on this thread, `take` gets what a helper found,
 * `answer` answers the helpers' questions. Returns the crew, holding the helpers' plans until
 * it is told to write (each thread writes the pages it planned).
 */
export async function planInCrew(
  paths: readonly string[],
  o: {
    hired: Hired;
    data: Pick<CrewData, "dir" | "options" | "site">;
    here: (index: number) => void;
    answer: (q: Question) => unknown;
    take: (p: PagePlanned) => void;
    signal: AbortSignal | undefined;
  },
): Promise<Crew> {
  const next = new Int32Array(new SharedArrayBuffer(4));
  const stop = new Int32Array(new SharedArrayBuffer(4));
  const onAbort = () => Atomics.store(stop, 0, 1);
  o.signal?.addEventListener("abort", onAbort);
  if (o.signal?.aborted) onAbort();
  const members = o.hired.workers.map((worker) =>
    startMember(worker, { kind: "crew", ...o.data, paths, next, stop }, o.answer),
  );
  const crew = crewOf(members, () => o.signal?.removeEventListener("abort", onAbort));
  try {
    const planned = Promise.all(
      members.map((m) => m.until("planned", (r) => (r as Extract<Report, { kind: "planned" }>).pages.forEach(o.take))),
    );
    planned.catch(() => Atomics.store(stop, 0, 1));
    for (let n = 0; ; n++) {
      // Let a signal handler, and the helpers' reports, in now and then.
      if (n % TURN_EVERY === 0) await nextTurn();
      if (o.signal?.aborted) break;
      const i = Atomics.add(next, 0, 1);
      if (i >= paths.length) break;
      for (const m of members) m.serve();
      o.here(i);
    }
    await planned;
  } catch (error) {
    await crew.close();
    throw error;
  }
  return crew;
}

/** Sends a report to the main thread. */
const report = (r: Report) => parentPort?.postMessage(r);

/**
 * Asks the main thread a question and waits for the answer: the question goes by message,
 * the wait is on shared memory (a timed wait, then a look, so a wake-up missed costs a
 * little time, never a hang), and the answer is taken off the channel synchronously.
 */
function askMain(port: MessagePort, answered: Int32Array): (q: Question) => unknown {
  return (q) => {
    Atomics.store(answered, 0, 0);
    port.postMessage(q);
    for (;;) {
      const m = receiveMessageOnPort(port);
      if (m) return m.message;
      Atomics.wait(answered, 0, 0, 50);
    }
  };
}

/** Plans pages until none is left, reporting each; its plans, with their pages' indices. */
function planShare(data: CrewData, pc: PageContext, at: (index: number) => void, problems: Problem[]) {
  const planned: Array<[number, PlannedPage]> = [];
  const { summary } = pc;
  let batch: PagePlanned[] = [];
  for (;;) {
    if (Atomics.load(data.stop, 0) === 1) break;
    const index = Atomics.add(data.next, 0, 1);
    if (index >= data.paths.length) break;
    at(index);
    const [references, busted, changed] = [summary.references, summary.busted, summary.changed];
    const page = planPage(data.paths[index] as string, pc);
    if (page) planned.push([index, page]);
    batch.push({
      index,
      changes: page !== undefined,
      references: summary.references - references,
      busted: summary.busted - busted,
      changed: summary.changed - changed,
      problems: problems.splice(0),
      warnings: summary.warnings.splice(0),
    });
    if (batch.length === BATCH) {
      report({ kind: "planned", pages: batch, done: false });
      batch = [];
    }
  }
  report({ kind: "planned", pages: batch, done: true });
  return planned;
}

/** Writes the pages the helper planned, reporting each outcome, until done or stopped. */
function writeShare(data: CrewData, planned: Array<[number, PlannedPage]>, texts: readonly string[]): void {
  let batch: Array<[number, Outcome]> = [];
  const files = new SiteFiles(data.dir);
  for (const [index, page] of planned) {
    if (Atomics.load(data.stop, 0) === 1) break;
    batch.push([index, rewritePage(files, texts, page)]);
    if (batch.length === BATCH) {
      report({ kind: "written", outcomes: batch, done: false });
      batch = [];
    }
  }
  report({ kind: "written", outcomes: batch, done: true });
}

/** Whether this thread was started as a member of a crew. */
export const isCrewMember = (): boolean => (workerData as { kind?: unknown } | null)?.kind === "crew";

/** A helper's side: once given its share, plans it asking the main thread for URLs, then writes it when told. */
export function serveCrew(): void {
  parentPort?.once("message", (data: CrewData) => planAndWrite(data));
}

function planAndWrite(data: CrewData): void {
  const ask = askMain(data.calls, data.answered);
  let page = -1;
  const summary = emptySummary(data.dir, data.options);
  const problems: Problem[] = [];
  const pc: PageContext = {
    dir: data.dir,
    options: data.options,
    site: data.site,
    summary,
    record: (p) => problems.push(p),
    inserts: new Inserts(),
    scratch: createReadScratch(),
    resolver: {
      bust: pageBuster((url, from) => fromAnswer(ask({ op: "bust", page, url, from }) as Answer)),
      integrity: (url, from, current) => ask({ op: "integrity", page, url, from, current }) as string | undefined,
    },
  };
  const planned = planShare(data, pc, (i) => (page = i), problems);
  parentPort?.once("message", (go: boolean) => {
    if (go) writeShare(data, planned, pc.inserts.texts);
    data.calls.close();
  });
}
