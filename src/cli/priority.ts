// Scheduling priority of `eqmorph run`: a frame that waits for the CPU behind an ordinary program is a late frame.
//
// On this project's 2-core test machine, with other busy processes next to it, raising the bridge's priority
// (nice -10) took fader-to-wire p99 from 1.1-1.6 ms to 0.55-0.9 ms (docs/performance.md). Audio programs do the
// same; where the system does not allow it, the bridge says so once and runs as it was started.

import { readdirSync } from 'node:fs';
import { availableParallelism, getPriority, setPriority } from 'node:os';
import { chrt, realtimePriorityOf, SchedulingRefusal } from '../system/scheduling.js';

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
    // os.setPriority throws a SystemError whose own code is ERR_SYSTEM_ERROR; the system's (EACCES) is in its info.
    const e = err as NodeJS.ErrnoException & { info?: { code?: string } };
    return { kind: 'refused', nice: from, want, code: e.info?.code ?? e.code ?? String(err) };
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

// Realtime scheduling. A nice value only orders eqmorph among ordinary programs, and Linux shares the CPU fairly between
// sessions before any nice value counts: with a flood of words or a table build on the other core, the fader's thread
// still waited several milliseconds for a core at nice -10 (docs/reliability.md). A thread under a realtime policy runs
// as soon as it is woken, ahead of every ordinary thread; audio programs put their time-critical threads there.

/**
 * Round-robin priority of the threads that carry fader moves (`--realtime`; 0 = none). Any realtime priority comes
 * before every ordinary thread; a low one leaves audio servers' threads, which ask for higher ones, ahead of eqmorph.
 */
export const DEFAULT_REALTIME = 5;

export interface RealtimeApi {
  readonly platform: string;
  readonly cores: number;
  /** The main thread's realtime priority now (started under `chrt`, say); 0 for an ordinary thread. */
  currentPriority(): number;
  /** Puts every thread the process has now under round-robin at `priority`; rejects with a `SchedulingRefusal`. */
  promoteProcess(priority: number): Promise<void>;
}

export type RealtimeResult =
  | { readonly kind: 'granted'; readonly priority: number }
  /** Already realtime at this priority or higher: eqmorph never lowers it. */
  | { readonly kind: 'kept'; readonly priority: number }
  | { readonly kind: 'refused' | 'unavailable'; readonly priority: number; readonly reason: string }
  /** Not asked for, not Linux, or one core (where a busy realtime thread would hold up everything else). */
  | { readonly kind: 'off' };

export const linuxRealtime: RealtimeApi = {
  platform: process.platform,
  cores: availableParallelism(),
  currentPriority: () => realtimePriorityOf('/proc/self/stat'),
  promoteProcess: async (priority) => {
    const args = ['--all-tasks', '--rr', '--pid', String(priority), String(process.pid)];
    try {
      await chrt(args);
    } catch (err) {
      // chrt stops at the first thread it cannot set: one that ended between its listing and its call (a rare race)
      // would leave the rest ordinary. Once more, over the threads there are now.
      if (!(err instanceof SchedulingRefusal) || err.message !== 'No such process') throw err;
      await chrt(args);
    }
  },
};

/**
 * Puts `eqmorph run`'s threads under realtime scheduling: the main thread and V8's helpers now, and the threads started
 * later inherit it: the OSC readers, MIDI's input threads. The helpers too: a collection on the main thread waits for
 * their part of it, and with only the main thread and the reader realtime, the helpers starved behind them and a flood
 * of words took the fader's p99 to 122-237 ms (bench/flood.ts, two runs); with the helpers one step below the main
 * thread (so that a woken main thread would preempt a helper's long job), 13-46 ms in five runs, against 1.9-5.6 ms
 * with all at one priority (fourteen runs). The threads that fit tables or load a mapping step out of it as they start
 * (`leaveRealtime`): a fit may take the CPU for tens of milliseconds, and a realtime thread that does holds up every
 * ordinary one on its core. Call it before any of those starts.
 */
export async function raiseToRealtime(priority: number, api: RealtimeApi = linuxRealtime): Promise<RealtimeResult> {
  if (priority <= 0 || api.platform !== 'linux' || api.cores < 2) return { kind: 'off' };
  const current = api.currentPriority();
  if (current >= priority) return { kind: 'kept', priority: current };
  try {
    await api.promoteProcess(priority);
    return { kind: 'granted', priority };
  } catch (err) {
    const r = err instanceof SchedulingRefusal ? err : new SchedulingRefusal('unavailable', String(err));
    return { kind: r.kind, priority, reason: r.message };
  }
}

/** What `eqmorph run` says about its scheduling at start: at most one line. */
export function schedulingLine(nice: PriorityResult, rt: RealtimeResult): string | null {
  if (rt.kind === 'off') return priorityLine(nice);
  if (rt.kind === 'granted') return `eqmorph: realtime scheduling (round-robin, priority ${rt.priority}) for the threads that carry fader moves, so they do not wait behind other programs`;
  if (rt.kind === 'kept') return null;
  const silence = `--realtime 0${nice.kind === 'refused' ? ` --nice ${nice.nice}` : ''} silences this`;
  if (rt.kind === 'unavailable') {
    const niceRefused = nice.kind === 'refused' ? ` (raising it to ${nice.want} was refused: ${nice.code})` : '';
    return `eqmorph: realtime scheduling is unavailable here (${rt.reason}); running at nice ${nice.nice}${niceRefused}. Fader latency may suffer while the machine is busy (${silence}).`;
  }
  const both = nice.kind === 'refused';
  return (
    `eqmorph: realtime scheduling was refused (${rt.reason})${both ? `, and so was nice ${nice.want} (${nice.code})` : ''}; running at nice ${nice.nice}. ` +
    `${both ? 'They need' : 'It needs'} root, CAP_SYS_NICE or ${both ? '"rtprio" and "nice" limits' : 'an "rtprio" limit'} in /etc/security/limits.conf (audio groups often have them). ` +
    `Fader latency may suffer while the machine is busy (${silence}).`
  );
}
