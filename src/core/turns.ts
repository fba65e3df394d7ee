/**
 * A long run of blocking work lets the event loop turn now and then, so that a signal handler
 * (Ctrl-C, SIGTERM) and other threads' messages get in: every `TURN_EVERY` items. A turn per
 * item cost a CLI run 2%.
 */
export const TURN_EVERY = 16;

/** A turn of the event loop: resolves once everything already waiting has run. */
export const nextTurn = (): Promise<void> => new Promise((ok) => setImmediate(ok));
