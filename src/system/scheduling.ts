// How eqmorph's threads are scheduled by Linux: their names (as top -H and ps -L show them), and realtime scheduling,
// which Node has no call for: util-linux's `chrt` sets it (sched_setscheduler) on a thread id of this process.

import { execFile } from 'node:child_process';
import { readFileSync, readlinkSync, writeFileSync } from 'node:fs';

/** The threads that fit desk tables, load a mapping, read an OSC input. */
export const FIT_THREAD = 'eqmorph-fit';
export const LOAD_THREAD = 'eqmorph-load';
export const OSC_READER_THREAD = 'eqmorph-osc-in';

/** Names the calling thread (Linux keeps 15 bytes of it); elsewhere it keeps its name. */
export function nameThisThread(name: string): void {
  try {
    writeFileSync('/proc/thread-self/comm', name);
  } catch {
    // not Linux
  }
}

/** Why a policy was not set: the system refused it, or there is no way to ask here (no chrt). */
export class SchedulingRefusal extends Error {
  constructor(
    readonly kind: 'refused' | 'unavailable',
    reason: string,
  ) {
    super(reason);
  }
}

/** Runs chrt; rejects with a `SchedulingRefusal` saying why (chrt says it on stderr: "…: Operation not permitted"). */
export function chrt(args: readonly string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile('chrt', args, { timeout: 5000 }, (err, _stdout, stderr) => {
      if (!err) return resolve();
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return reject(new SchedulingRefusal('unavailable', 'no chrt program: it comes with util-linux'));
      const said = (String(stderr).trim().split('\n')[0] ?? '').replace(/^chrt: /, '');
      // "failed to set pid N's policy: Operation not permitted": the system's reason is the last part; any other
      // failure (a chrt without these options) is said whole.
      if (/not permitted/i.test(said)) return reject(new SchedulingRefusal('refused', said.slice(said.lastIndexOf(': ') + 2)));
      const at = said.lastIndexOf("'s policy: ");
      reject(new SchedulingRefusal('unavailable', (at >= 0 ? said.slice(at + "'s policy: ".length) : said) || err.message));
    });
  });
}

/**
 * The realtime priority in the text of a /proc stat file, or 0 for an ordinary thread. Fields 40 and 41 after the
 * parenthesised name (which may itself hold spaces and parentheses): the priority, and the policy (1 SCHED_FIFO,
 * 2 SCHED_RR; the reset-on-fork bit aside).
 */
export function realtimePriorityIn(stat: string): number {
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const policy = Number(f[38]) & 0xff;
  return policy === 1 || policy === 2 ? Number(f[37]) : 0;
}

/**
 * The realtime priority of a thread from its /proc stat file (`/proc/thread-self/stat`: the calling thread;
 * `/proc/self/stat`: the main thread), or 0 for an ordinary thread, and where it cannot be read (not Linux).
 */
export function realtimePriorityOf(statFile: string): number {
  try {
    return realtimePriorityIn(readFileSync(statFile, 'utf8'));
  } catch {
    return 0;
  }
}

/**
 * For a thread of background work, first thing: a thread starts with the policy of the thread that started it, so under
 * a bridge whose threads are realtime it would take the CPU ahead of every ordinary program, and in turns with the
 * fader's own thread. This puts it back among the ordinary threads (at the nice value it started with). Nothing to do
 * elsewhere than Linux or for an ordinary thread; a failure leaves the thread as it is.
 */
export async function leaveRealtime(): Promise<void> {
  if (realtimePriorityOf('/proc/thread-self/stat') === 0) return;
  try {
    const tid = readlinkSync('/proc/thread-self').split('/').at(-1)!;
    await chrt(['--other', '--pid', '0', tid]);
  } catch {
    // not Linux, or not allowed: it keeps the policy it started with
  }
}
