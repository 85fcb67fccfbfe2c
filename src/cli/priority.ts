// Scheduling priority of `eqmorph run`: a frame that waits for the CPU behind an ordinary program is a late frame.
//
// On this project's 2-core test machine, with other busy processes next to it, raising the bridge's priority
// (nice -10) took fader-to-wire p99 from 1.1-1.6 ms to 0.55-0.9 ms (docs/performance.md). Audio programs do the
// same; where the system does not allow it, the bridge says so once and runs as it was started.

import { readdirSync } from 'node:fs';
import { getPriority, setPriority } from 'node:os';

/** Ahead of ordinary programs (0), behind the kernel's own urgent work; what `--nice` defaults to. */
export const DEFAULT_NICE = -10;

export type PriorityResult =
  | { readonly kind: 'raised'; readonly from: number; readonly nice: number }
  /** Already at `want` or higher (a user who started eqmorph with `nice -n -15` keeps -15). */
  | { readonly kind: 'kept'; readonly nice: number }
  | { readonly kind: 'refused'; readonly nice: number; readonly want: number; readonly code: string };

export interface PriorityApi {
  getPriority(): number;
  /** The process's threads; 0 stands for the calling thread. */
  threads(): readonly number[];
  setPriority(thread: number, nice: number): void;
}

/**
 * Linux keeps a nice value per thread, and setpriority() on the process id changes only the main thread: V8's garbage
 * collection helpers and libuv's pool, started before, would stay behind ordinary programs, and a scavenge waits for
 * its helpers. So every thread in /proc/self/task is raised; threads started later inherit the value.
 */
function ownThreads(): number[] {
  try {
    return readdirSync('/proc/self/task').map(Number).filter((t) => Number.isInteger(t) && t > 0);
  } catch {
    return [0];
  }
}

const processPriority: PriorityApi = { getPriority: () => getPriority(), threads: ownThreads, setPriority: (thread, nice) => setPriority(thread, nice) };

/** Lowers the process's nice value to `want` if it is higher; never lowers the priority the process has. */
export function raisePriority(want: number, api: PriorityApi = processPriority): PriorityResult {
  const from = api.getPriority();
  if (from <= want) return { kind: 'kept', nice: from };
  try {
    // The calling thread first: if that is refused, nothing has changed.
    api.setPriority(0, want);
    for (const thread of api.threads()) {
      try {
        api.setPriority(thread, want);
      } catch {
        // a thread that ended since the list was read
      }
    }
    return { kind: 'raised', from, nice: want };
  } catch (err) {
    return { kind: 'refused', nice: from, want, code: (err as NodeJS.ErrnoException).code ?? String(err) };
  }
}

/** One line for the user, or null when there is nothing worth saying. */
export function priorityLine(r: PriorityResult): string | null {
  switch (r.kind) {
    case 'raised':
      return `eqmorph: scheduling priority raised (nice ${r.from} -> ${r.nice}), so frames do not wait behind other programs`;
    case 'kept':
      return null;
    case 'refused':
      return (
        `eqmorph: running at nice ${r.nice}: raising the priority to ${r.want} was refused (${r.code}); it needs root, CAP_SYS_NICE or a ` +
        `"nice" limit in /etc/security/limits.conf. Fader latency may suffer while the machine is busy (--nice ${r.nice} silences this).`
      );
  }
}
