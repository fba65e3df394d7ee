/** Shows how far a long run has got. */
export interface Progress {
  /** A new phase of `total` steps begins. */
  phase(label: string, total: number): void;
  /** One step of the current phase is done. */
  tick(): void;
  /** The run is over: clear what was shown. */
  end(): void;
}

/** A progress display that shows nothing. */
export const silentProgress: Progress = { phase() {}, tick() {}, end() {} };

/**
 * Progress on a stream: one line redrawn in place on a terminal (at most every 100 ms), or a
 * line per tenth of each phase elsewhere (logs).
 */
export function streamProgress(stream: NodeJS.WriteStream, now: () => number = Date.now): Progress {
  const tty = stream.isTTY === true;
  let label = "";
  let total = 0;
  let done = 0;
  let shownAt = 0;
  let shownTenth = -1;
  const show = () => {
    const text = `cache-id: ${label} ${done}/${total}`;
    if (tty) stream.write(`\r\x1b[K${text}`);
    else stream.write(`${text}\n`);
  };
  return {
    phase(next, steps) {
      label = next;
      total = steps;
      done = 0;
      shownTenth = -1;
      shownAt = 0;
    },
    tick() {
      done++;
      if (tty) {
        if (now() - shownAt >= 100 || done === total) {
          shownAt = now();
          show();
        }
        return;
      }
      const tenth = total === 0 ? 10 : Math.floor((done * 10) / total);
      if (tenth > shownTenth) {
        shownTenth = tenth;
        show();
      }
    },
    end() {
      if (tty) stream.write("\r\x1b[K");
    },
  };
}
