// Names for eqmorph's own threads, as Linux shows them (top -H, ps -L) and as `eqmorph run` tells its threads apart.

import { writeFileSync } from 'node:fs';

/** Threads that fit tables or load a mapping: background work, which must never be ahead of a fader. */
export const FIT_THREAD = 'eqmorph-fit';
export const LOAD_THREAD = 'eqmorph-load';
/** An OSC input's socket reader: it carries fader moves. */
export const OSC_READER_THREAD = 'eqmorph-osc-in';

export const BACKGROUND_THREADS: ReadonlySet<string> = new Set([FIT_THREAD, LOAD_THREAD]);

/**
 * Names the calling thread (Linux keeps up to 15 bytes, in /proc/thread-self/comm). Elsewhere, or where /proc is not
 * mounted, the thread keeps its name: nothing but the realtime scheduling's choice of threads depends on it.
 */
export function nameThisThread(name: string): void {
  try {
    writeFileSync('/proc/thread-self/comm', name);
  } catch {
    // not Linux
  }
}
