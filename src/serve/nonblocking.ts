import * as fs from "node:fs";

/**
 * Open flags for every read the handler makes: non-blocking, so that a FIFO put where a file
 * was (after its stat) fails with EAGAIN instead of holding a thread. Node takes numeric
 * flags; its types name only strings.
 */
export const READ_FLAGS = (fs.constants.O_RDONLY | fs.constants.O_NONBLOCK) as unknown as string;
