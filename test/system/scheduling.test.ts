// Thread names and realtime scheduling on this machine's own scheduler (Linux /proc and util-linux's chrt). The
// realtime test needs the right to use a realtime policy (root, CAP_SYS_NICE or an "rtprio" limit) and is skipped,
// saying so, without it.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { Worker } from 'node:worker_threads';
import { chrt, leaveRealtime, realtimePriorityIn, realtimePriorityOf, SchedulingRefusal } from '../../src/system/scheduling.js';

const linux = process.platform === 'linux' ? false : 'thread names and policies are read from Linux /proc';

function mayUseRealtime(): string | false {
  if (linux) return linux;
  try {
    execFileSync('chrt', ['--rr', '1', 'true'], { stdio: 'pipe' });
    return false;
  } catch (err) {
    return `this user may not use a realtime policy, or chrt is missing (${String((err as { stderr?: Buffer }).stderr ?? err).trim()})`;
  }
}

/** The calling thread's policy (1 FIFO, 2 RR, 0 ordinary) and realtime priority, from /proc/thread-self/stat. */
function ownPolicy(): { policy: number; priority: number } {
  const stat = readFileSync('/proc/thread-self/stat', 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return { policy: Number(f[38]) & 0xff, priority: Number(f[37]) };
}

test('nameThisThread: a worker thread shows under its name in /proc', { skip: linux }, async () => {
  // The worker runs the same two lines as nameThisThread (it cannot import TypeScript on its own).
  const worker = new Worker(
    `const { writeFileSync, readlinkSync } = require('node:fs');
     writeFileSync('/proc/thread-self/comm', 'eqmorph-test');
     require('node:worker_threads').parentPort.postMessage(readlinkSync('/proc/thread-self').split('/').at(-1));
     setTimeout(() => undefined, 2000);`,
    { eval: true },
  );
  try {
    const tid = await new Promise<string>((r) => worker.once('message', r));
    assert.equal(readFileSync(`/proc/self/task/${tid}/comm`, 'utf8').trim(), 'eqmorph-test');
  } finally {
    await worker.terminate();
  }
});

test('realtimePriorityIn: the priority under SCHED_FIFO or SCHED_RR, 0 otherwise, whatever the name holds', () => {
  // A stat line: pid, (name), then fields 3 (state) to 52, with fields 40 (priority) and 41 (policy) set.
  const line = (name: string, priority: number, policy: number) => {
    const f = Array.from({ length: 50 }, (_, i) => String(i + 3));
    f[0] = 'S';
    f[40 - 3] = String(priority);
    f[41 - 3] = String(policy);
    return `1234 (${name}) ${f.join(' ')}\n`;
  };
  assert.equal(realtimePriorityIn(line('node', 5, 2)), 5);
  assert.equal(realtimePriorityIn(line('a) (b c', 7, 1)), 7);
  assert.equal(realtimePriorityIn(line('node', 9, 2 | 0x40000000)), 9, 'the reset-on-fork bit aside');
  assert.equal(realtimePriorityIn(line('node', 0, 0)), 0);
  assert.equal(realtimePriorityIn(line('node', 20, 3)), 0, 'SCHED_BATCH is not realtime');
});

test('realtimePriorityOf: 0 for an ordinary thread and for a file that cannot be read', () => {
  if (!linux) assert.equal(realtimePriorityOf('/proc/thread-self/stat'), ownPolicy().policy === 0 ? 0 : ownPolicy().priority);
  assert.equal(realtimePriorityOf('/no/such/stat'), 0);
});

test('chrt: what it says on failure becomes the reason, and a refusal is told from a missing thread', { skip: linux }, async () => {
  // A thread id that no process has (above Linux's pid_max limit of 2^22).
  await assert.rejects(chrt(['--rr', '--pid', '1', String(2 ** 22 + 1)]), (err: unknown) => {
    assert.ok(err instanceof SchedulingRefusal);
    assert.equal(err.kind, 'unavailable');
    assert.equal(err.message, 'No such process');
    return true;
  });
  // A chrt that does not know an option (busybox's, say) is said whole, less its own name.
  await assert.rejects(chrt(['--no-such-option']), (err: unknown) => {
    assert.ok(err instanceof SchedulingRefusal);
    assert.equal(err.kind, 'unavailable');
    assert.match(err.message, /^unrecognized option '--no-such-option'/);
    return true;
  });
});

test('leaveRealtime: a thread started realtime becomes an ordinary one; an ordinary one stays as it is', { skip: mayUseRealtime() }, async () => {
  // This thread stands for a fit worker that inherited the bridge's policy.
  execFileSync('chrt', ['--rr', '--pid', '3', String(process.pid)]);
  try {
    assert.deepEqual(ownPolicy(), { policy: 2, priority: 3 });
    assert.equal(realtimePriorityOf('/proc/thread-self/stat'), 3);
    assert.equal(realtimePriorityOf('/proc/self/stat'), 3, 'this is the main thread');
    await leaveRealtime();
    assert.equal(realtimePriorityOf('/proc/thread-self/stat'), 0);
    assert.deepEqual(ownPolicy(), { policy: 0, priority: 0 });
    await leaveRealtime();
    assert.deepEqual(ownPolicy(), { policy: 0, priority: 0 });
  } finally {
    execFileSync('chrt', ['--other', '--pid', '0', String(process.pid)]);
  }
});
