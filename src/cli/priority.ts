// Scheduling priority of `eqmorph run`: a frame that waits for the CPU behind an ordinary program is a late frame.
//
// On this project's 2-core test machine, with other busy processes next to it, raising the bridge's priority
// (nice -10) took fader-to-wire p99 from 1.1-1.6 ms to 0.55-0.9 ms (docs/performance.md). Audio programs do the
// same; where the system does not allow it, the bridge says so once and runs as it was started.

import { execFile } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { availableParallelism, getPriority, setPriority } from 'node:os';
import { BACKGROUND_THREADS } from '../system/threads.js';

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

// Realtime scheduling. A nice value only orders eqmorph among ordinary programs, and Linux shares the CPU fairly between
// sessions before any nice value counts: with a flood of words or a table build on the other core, the fader's thread
// still waited several milliseconds for a core at nice -10 (docs/reliability.md). A thread under a realtime policy runs
// as soon as it is woken, ahead of every ordinary thread; audio programs put their time-critical threads there.

/**
 * Round-robin priority of the threads that carry fader moves (`--realtime`; 0 = none). Any realtime priority comes
 * before every ordinary thread; a low one leaves audio servers' threads, which ask for higher ones, ahead of eqmorph.
 */
export const DEFAULT_REALTIME = 5;

/** How often threads started later (an input's reader after a reload, a MIDI port's thread) are looked for. */
export const REALTIME_PASS_MS = 2000;

export interface ThreadState {
  readonly name: string;
  readonly realtime: boolean;
  /** How long ago it started. */
  readonly ageMs: number;
}

/**
 * A thread is looked at by a pass once it is this old: a background worker names itself as it starts, and a pass that
 * met it before would take it for a fader's thread.
 */
export const REALTIME_MIN_AGE_MS = 1000;

export interface RealtimeApi {
  readonly platform: string;
  readonly cores: number;
  /**
   * Puts every thread the process has now under round-robin at `priority`, with reset-on-fork: threads started later
   * begin as ordinary threads (at nice 0 if the starter's was lower). Rejects with a `RealtimeRefusal`.
   */
  promoteProcess(priority: number): Promise<void>;
  /** The same for one thread. */
  promoteThread(tid: number, priority: number): Promise<void>;
  threads(): Promise<readonly number[]>;
  /** Null for a thread that has ended. */
  threadState(tid: number): Promise<ThreadState | null>;
}

/** Why a thread was not put under realtime scheduling: the system refused, or there is no way to ask here. */
export class RealtimeRefusal extends Error {
  constructor(
    readonly kind: 'refused' | 'unavailable',
    reason: string,
  ) {
    super(reason);
  }
}

export type RealtimeResult =
  | { readonly kind: 'granted'; readonly priority: number }
  | { readonly kind: 'refused' | 'unavailable'; readonly priority: number; readonly reason: string }
  /** Not asked for, not Linux, or one core (where a busy realtime thread would hold up everything else). */
  | { readonly kind: 'off' };

/**
 * Node has no call for a thread's scheduling policy; util-linux's `chrt` makes it (sched_setscheduler on a thread id
 * of this process). It says why it failed on stderr: "chrt: failed to set pid N's policy: Operation not permitted".
 */
function chrt(args: readonly string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile('chrt', args, { timeout: 5000 }, (err, _stdout, stderr) => {
      if (!err) return resolve();
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') return reject(new RealtimeRefusal('unavailable', 'no chrt program: it comes with util-linux'));
      const said = String(stderr).trim().split('\n')[0] ?? '';
      const reason = said.slice(said.lastIndexOf(': ') + 2) || err.message;
      reject(new RealtimeRefusal(/not permitted/i.test(said) ? 'refused' : 'unavailable', reason));
    });
  });
}

/**
 * From /proc/.../stat, after the parenthesised name: field 41, the policy (1 SCHED_FIFO, 2 SCHED_RR; the reset-on-fork
 * bit aside), and field 22, the start in clock ticks since boot (USER_HZ, 100 on Linux's architectures).
 */
function statState(stat: string, uptimeS: number): { realtime: boolean; ageMs: number } {
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const policy = Number(fields[38]) & 0xff;
  return { realtime: policy === 1 || policy === 2, ageMs: (uptimeS - Number(fields[19]) / 100) * 1000 };
}

export const linuxRealtime: RealtimeApi = {
  platform: process.platform,
  cores: availableParallelism(),
  promoteProcess: (priority) => chrt(['--all-tasks', '--reset-on-fork', '--rr', '--pid', String(priority), String(process.pid)]),
  promoteThread: (tid, priority) => chrt(['--reset-on-fork', '--rr', '--pid', String(priority), String(tid)]),
  threads: async () => (await readdir('/proc/self/task')).map(Number).filter((t) => Number.isInteger(t) && t > 0),
  threadState: async (tid) => {
    try {
      const [name, stat, uptime] = await Promise.all([readFile(`/proc/self/task/${tid}/comm`, 'utf8'), readFile(`/proc/self/task/${tid}/stat`, 'utf8'), readFile('/proc/uptime', 'utf8')]);
      return { name: name.trim(), ...statState(stat, Number(uptime.split(' ')[0])) };
    } catch {
      return null;
    }
  },
};

/**
 * The threads of `eqmorph run` that carry fader moves, under realtime scheduling: the main thread, V8's helpers (a
 * collection on the main thread waits for them), the OSC readers, MIDI's input threads. The threads that fit tables or
 * load a mapping name themselves (system/threads.ts) and stay ordinary: a fit may take the CPU for tens of
 * milliseconds, and a realtime thread that does would hold up every ordinary one on its core.
 */
export class RealtimeThreads {
  private timer: NodeJS.Timeout | null = null;
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(
    readonly priority: number,
    private readonly api: RealtimeApi,
  ) {}

  /** Every thread now, then threads started later every `passMs`; `off` where not asked for or not worth it. */
  static async start(priority: number, api: RealtimeApi = linuxRealtime, passMs = REALTIME_PASS_MS): Promise<{ result: RealtimeResult; threads: RealtimeThreads | null }> {
    if (priority <= 0 || api.platform !== 'linux' || api.cores < 2) return { result: { kind: 'off' }, threads: null };
    try {
      await api.promoteProcess(priority);
    } catch (err) {
      const r = err instanceof RealtimeRefusal ? err : new RealtimeRefusal('unavailable', String(err));
      return { result: { kind: r.kind, priority, reason: r.message }, threads: null };
    }
    const threads = new RealtimeThreads(priority, api);
    if (passMs > 0) {
      threads.timer = setInterval(() => void threads.pass(), passMs);
      threads.timer.unref();
    }
    return { result: { kind: 'granted', priority }, threads };
  }

  /**
   * Puts the threads started since under realtime scheduling (once REALTIME_MIN_AGE_MS old), except the background
   * ones; resolves to how many. Passes run one after another.
   */
  pass(): Promise<number> {
    return this.then(async () => {
      let promoted = 0;
      for (const tid of await this.api.threads().catch(() => [])) {
        const state = await this.api.threadState(tid);
        if (!state || state.realtime || state.ageMs < REALTIME_MIN_AGE_MS || BACKGROUND_THREADS.has(state.name)) continue;
        if (await this.promoteNow(tid)) promoted++;
      }
      return promoted;
    });
  }

  /** A thread known to carry fader moves (an OSC input's reader), at once; resolves to whether it was. */
  promote(tid: number): Promise<boolean> {
    return this.then(() => this.promoteNow(tid));
  }

  private then<T>(work: () => Promise<T>): Promise<T> {
    const next = this.queue.then(work);
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async promoteNow(tid: number): Promise<boolean> {
    try {
      await this.api.promoteThread(tid, this.priority);
      return true;
    } catch {
      // ended meanwhile, or refused for this one thread: it keeps its ordinary priority
      return false;
    }
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }
}

/** What `eqmorph run` says about its scheduling at start: at most one line. */
export function schedulingLine(nice: PriorityResult, rt: RealtimeResult): string | null {
  if (rt.kind === 'off') return priorityLine(nice);
  if (rt.kind === 'granted') {
    return `eqmorph: realtime scheduling (round-robin, priority ${rt.priority}) for the threads that carry fader moves, so they do not wait behind other programs`;
  }
  const silence = `--realtime 0${nice.kind === 'refused' ? ` --nice ${nice.nice}` : ''} silences this`;
  if (rt.kind === 'unavailable') return `eqmorph: realtime scheduling is unavailable here (${rt.reason}); running at nice ${nice.nice}${nice.kind === 'refused' ? ` (raising it to ${nice.want} was refused: ${nice.code})` : ''}. Fader latency may suffer while the machine is busy (${silence}).`;
  const both = nice.kind === 'refused';
  return (
    `eqmorph: realtime scheduling was refused (${rt.reason})${both ? `, and so was nice ${nice.want} (${nice.code})` : ''}; running at nice ${nice.nice}. ` +
    `${both ? 'They need' : 'It needs'} root, CAP_SYS_NICE or ${both ? '"rtprio" and "nice" limits' : 'an "rtprio" limit'} in /etc/security/limits.conf (audio groups often have them). ` +
    `Fader latency may suffer while the machine is busy (${silence}).`
  );
}
