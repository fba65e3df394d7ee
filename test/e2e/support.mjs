// Small helpers of the end-to-end test: bounded waits, free ports, processes stopped by pid,
// and a stack of clean-up steps that always runs.
import net from "node:net";
import { spawn } from "node:child_process";
import { setTimeout as sleep } from "node:timers/promises";

/** Rejects with a message naming `what` when `promise` has not settled after `ms`. */
export function withTimeout(promise, ms, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Polls `probe` until it returns a truthy value; throws when `timeoutMs` has passed, or at
 * once when `abortIf` returns a reason (say, the server being waited for has exited).
 */
export async function waitUntil(probe, { timeoutMs, intervalMs = 100, what, abortIf = () => undefined }) {
  const deadline = Date.now() + timeoutMs;
  let lastError;
  while (Date.now() < deadline) {
    const reason = abortIf();
    if (reason) throw new Error(`${what}: ${reason}`);
    try {
      const value = await probe();
      if (value) return value;
    } catch (error) {
      lastError = error;
    }
    await sleep(intervalMs);
  }
  const cause = lastError ? ` (last error: ${lastError.message})` : "";
  throw new Error(`${what}: not ready after ${timeoutMs} ms${cause}`);
}

/** A TCP port on 127.0.0.1 that was free a moment ago (for servers that cannot report theirs). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Whether a process with this pid still exists (and is not a zombie we could reap). */
export function isAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Stops a process this test started, by its pid: SIGTERM, then SIGKILL to its process group
 * (it was spawned `detached`, so the group is its own) when it has not exited in `graceMs`.
 */
export async function stopProcess(child, { graceMs = 5000 } = {}) {
  const { pid } = child;
  if (pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  try {
    process.kill(pid, "SIGTERM");
  } catch {
    return;
  }
  try {
    await withTimeout(exited, graceMs, `process ${pid}`);
  } catch {
    try {
      process.kill(-pid, "SIGKILL");
    } catch {
      // Already gone.
    }
    await withTimeout(exited, graceMs, `process ${pid} after SIGKILL`).catch(() => {});
  }
}

/**
 * Starts a command in its own process group, keeping the tail of its output for error
 * messages, and registers its stop (by pid) with `cleanup`.
 */
export function startProcess(command, args, { cleanup, ...options }) {
  const child = spawn(command, args, { ...options, detached: true, stdio: ["ignore", "pipe", "pipe"] });
  cleanup.add(`${command} (pid ${child.pid})`, () => stopProcess(child));
  const output = [];
  const keep = (chunk) => {
    output.push(chunk.toString());
    if (output.length > 200) output.shift();
  };
  child.stdout.on("data", keep);
  child.stderr.on("data", keep);
  child.output = () => output.join("");
  return child;
}

/**
 * Runs a command to completion within `timeoutMs`; rejects with its output when it fails
 * or takes too long (and then stops it by pid).
 */
export async function runProcess(command, args, { timeoutMs, cleanup, ...options }) {
  const child = startProcess(command, args, { cleanup, ...options });
  const done = new Promise((resolve, reject) => {
    child.once("error", reject);
    child.once("exit", (code, signal) => resolve({ code, signal }));
  });
  let result;
  try {
    result = await withTimeout(done, timeoutMs, `${command} ${args.join(" ")}`);
  } catch (error) {
    await stopProcess(child);
    throw new Error(`${error.message}\n${child.output()}`);
  }
  if (result.code !== 0) {
    const how = result.signal ? `signal ${result.signal}` : `exit code ${result.code}`;
    throw new Error(`${command} ${args.join(" ")} failed with ${how}:\n${child.output()}`);
  }
  return child.output();
}

/**
 * A stack of clean-up steps: each resource the test starts registers how to stop it, and
 * `releaseAll` stops them newest first, each within a bounded time, whatever failed before.
 * A step added after `releaseAll` (by work still under way when it ran) runs at once.
 */
export function createCleanup() {
  const steps = [];
  let released = false;
  return {
    add(what, stop) {
      if (released) {
        Promise.resolve()
          .then(stop)
          .catch((error) => console.error(`clean-up: ${what}: ${error.message}`));
        return;
      }
      steps.push({ what, stop });
    },
    async releaseAll({ timeoutMs = 15000 } = {}) {
      released = true;
      const problems = [];
      while (steps.length > 0) {
        const { what, stop } = steps.pop();
        try {
          await withTimeout(Promise.resolve().then(stop), timeoutMs, `stopping ${what}`);
        } catch (error) {
          problems.push(`${what}: ${error.message}`);
        }
      }
      return problems;
    },
  };
}
