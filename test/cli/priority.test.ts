import assert from 'node:assert/strict';
import { test } from 'node:test';
import { priorityLine, raisePriority, type PriorityApi } from '../../src/cli/priority.js';

/** A process of three threads whose nice value is `nice`; `refuse` makes lowering it fail the way Linux does without CAP_SYS_NICE. */
function fakeProcess(nice: number, refuse?: string): PriorityApi & { nice: number; threadNice: Map<number, number> } {
  return {
    nice,
    threadNice: new Map([
      [101, nice],
      [102, nice],
      [103, nice],
    ]),
    getPriority() {
      return this.nice;
    },
    threads() {
      return [...this.threadNice.keys()];
    },
    setPriority(thread, n) {
      if (refuse) throw Object.assign(new Error(`setpriority: ${refuse}`), { code: refuse });
      if (thread === 0) this.nice = n;
      else this.threadNice.set(thread, n);
    },
  };
}

test('a process at nice 0 is raised to the asked-for priority and says so', () => {
  const p = fakeProcess(0);
  const r = raisePriority(-10, p);
  assert.deepEqual(r, { kind: 'raised', from: 0, nice: -10 });
  assert.equal(p.nice, -10);
  // Every thread, not only the calling one: the garbage collector's helpers must not wait behind other programs.
  assert.deepEqual([...p.threadNice.values()], [-10, -10, -10]);
  assert.match(priorityLine(r)!, /nice 0 -> -10/);
});

test('a process already at that priority or higher keeps it, silently: eqmorph never lowers a priority', () => {
  for (const start of [-10, -15]) {
    const p = fakeProcess(start);
    const r = raisePriority(-10, p);
    assert.deepEqual(r, { kind: 'kept', nice: start });
    assert.equal(p.nice, start);
    assert.equal(priorityLine(r), null);
  }
  // Asking for a lower priority than the process has changes nothing either.
  assert.deepEqual(raisePriority(5, fakeProcess(0)), { kind: 'kept', nice: 0 });
});

test('a refusal leaves the priority as it was and tells the user why and how to silence it', () => {
  const p = fakeProcess(0, 'EACCES');
  const r = raisePriority(-10, p);
  assert.deepEqual(r, { kind: 'refused', nice: 0, want: -10, code: 'EACCES' });
  assert.equal(p.nice, 0);
  assert.deepEqual([...p.threadNice.values()], [0, 0, 0]);
  const line = priorityLine(r)!;
  assert.match(line, /EACCES/);
  assert.match(line, /CAP_SYS_NICE/);
  assert.match(line, /--nice 0/);
});
