/** What an async step is told when its I/O is done: failed (then value is the error) or not. */
export type Resume = (failed: boolean, value: unknown) => void;

/** Called once with an error, or with `undefined` and the value. */
export type Done<T> = (error: unknown, value?: T) => void;

// The core writes each procedure that needs I/O once, as a generator that yields the I/O it
// needs and gets the result back; these two drivers run it with blocking calls or callbacks.

/**
 * Runs a step generator to its end, `perform` doing each I/O request synchronously (its throw
 * is thrown back into the generator).
 */
export function runSync<O, T>(step: Generator<O, T, unknown>, perform: (op: O) => unknown): T {
  let next = step.next();
  while (!next.done) {
    let value: unknown;
    let failed = false;
    try {
      value = perform(next.value);
    } catch (error) {
      failed = true;
      value = error;
    }
    next = failed ? step.throw(value) : step.next(value);
  }
  return next.value;
}

/**
 * Runs a step generator to its end without blocking: `perform` starts each I/O request and
 * calls `resume` when it is done. `done` is called once (at once, if no I/O was needed).
 * Callbacks, not `await`: a promise per step costs main-thread time many small reads notice.
 */
export function runAsync<O, T>(
  step: Generator<O, T, unknown>,
  perform: (op: O, resume: Resume) => void,
  done: Done<T>,
): void {
  const resume: Resume = (failed, value) => {
    let next: IteratorResult<O, T>;
    try {
      next = failed ? step.throw(value) : step.next(value);
    } catch (error) {
      done(error);
      return;
    }
    if (next.done) done(undefined, next.value);
    else perform(next.value, resume);
  };
  resume(false, undefined);
}
