// Micro benchmarks on tinybench, repeated in rounds: the machine is shared, so one long run can
// fall into a slow phase; ratios are taken within a round and summarised across rounds.
import { Bench } from "tinybench";
import { median, pairedRatio, rotate } from "./stats.mjs";

/**
 * Runs `tasks` ({ name: fn }) for `rounds` rounds, in a rotated order each round. Returns, per
 * task, the median time of one call (ms) in each round. `fn` may be async.
 */
export async function measureRounds(
  tasks,
  {
    rounds,
    time,
    warmupTime = Math.min(time / 4, 200),
    iterations = 16,
    warmupIterations = Math.min(iterations, 8),
    onRound = () => {},
  },
) {
  const names = Object.keys(tasks);
  const perRound = Object.fromEntries(names.map((n) => [n, []]));
  for (let r = 0; r < rounds; r++) {
    const bench = new Bench({ time, warmupTime, iterations, warmupIterations, throws: true });
    for (const name of rotate(names, r)) bench.add(name, tasks[name]);
    await bench.run();
    for (const task of bench.tasks) perRound[task.name].push(task.result.latency.p50);
    onRound(r);
  }
  return perRound;
}

/** Per task: median over rounds; per pair: the paired ratio of `name` to `base`. */
export function summarise(perRound) {
  return Object.fromEntries(
    Object.entries(perRound).map(([name, values]) => [name, { ms: median(values), rounds: values }]),
  );
}

/** Paired ratio of two tasks' per-round times (`a / b`). */
export const ratioOf = (perRound, a, b) => pairedRatio(perRound[a], perRound[b]);
