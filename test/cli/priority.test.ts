import assert from 'node:assert/strict';
import { test } from 'node:test';
import { priorityLine, raisePriority, raiseToRealtime, schedulingLine, type PriorityApi, type RealtimeApi } from '../../src/cli/priority.js';
import { SchedulingRefusal } from '../../src/system/scheduling.js';

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

/** A process as the realtime api sees it; `refuse` makes the promotion fail as chrt reports it. */
function fakeRealtime(opts: { platform?: string; cores?: number; refuse?: SchedulingRefusal; current?: number } = {}): RealtimeApi & { calls: number[] } {
  const calls: number[] = [];
  return {
    calls,
    platform: opts.platform ?? 'linux',
    cores: opts.cores ?? 2,
    currentPriority: () => opts.current ?? 0,
    async promoteProcess(priority) {
      calls.push(priority);
      if (opts.refuse) throw opts.refuse;
    },
  };
}

test('realtime scheduling: asked for every thread of the process at the given priority, and said in one line', async () => {
  const api = fakeRealtime();
  const r = await raiseToRealtime(7, api);
  assert.deepEqual(r, { kind: 'granted', priority: 7 });
  assert.deepEqual(api.calls, [7]);
  // Granted: says so once, whatever happened to the nice value.
  for (const nice of [{ kind: 'raised', from: 0, nice: -10 }, { kind: 'refused', nice: 0, want: -10, code: 'EACCES' }] as const) {
    assert.match(schedulingLine(nice, r)!, /^eqmorph: realtime scheduling \(round-robin, priority 7\) for the threads that carry fader moves/);
  }
});

test('realtime scheduling: a process started realtime at that priority or higher keeps it, silently; a lower one is raised', async () => {
  for (const current of [7, 50]) {
    const api = fakeRealtime({ current });
    const r = await raiseToRealtime(7, api);
    assert.deepEqual(r, { kind: 'kept', priority: current });
    assert.deepEqual(api.calls, []);
    assert.equal(schedulingLine({ kind: 'kept', nice: -10 }, r), null);
  }
  const api = fakeRealtime({ current: 2 });
  assert.deepEqual(await raiseToRealtime(7, api), { kind: 'granted', priority: 7 });
  assert.deepEqual(api.calls, [7]);
});

test('realtime scheduling: not asked for, not Linux or one core is off and says nothing more than the nice value does', async () => {
  for (const [priority, opts] of [
    [0, {}],
    [5, { platform: 'darwin' }],
    [5, { cores: 1 }],
  ] as const) {
    const api = fakeRealtime(opts);
    const r = await raiseToRealtime(priority, api);
    assert.deepEqual(r, { kind: 'off' });
    assert.deepEqual(api.calls, []);
    assert.equal(schedulingLine({ kind: 'kept', nice: -10 }, r), null);
    assert.match(schedulingLine({ kind: 'raised', from: 0, nice: -10 }, r)!, /nice 0 -> -10/);
  }
});

test('realtime scheduling refused: one line that says why, what it needs and how to silence it, with the nice value it runs at', async () => {
  const r = await raiseToRealtime(5, fakeRealtime({ refuse: new SchedulingRefusal('refused', 'Operation not permitted') }));
  assert.deepEqual(r, { kind: 'refused', priority: 5, reason: 'Operation not permitted' });
  const alone = schedulingLine({ kind: 'raised', from: 0, nice: -10 }, r)!;
  assert.match(alone, /realtime scheduling was refused \(Operation not permitted\); running at nice -10/);
  assert.match(alone, /"rtprio" limit/);
  assert.match(alone, /--realtime 0 silences this/);
  // Both refused (an ordinary user): still one line, which names both and both flags.
  const both = schedulingLine({ kind: 'refused', nice: 0, want: -10, code: 'EACCES' }, r)!;
  assert.equal(both.split('\n').length, 1);
  assert.match(both, /and so was nice -10 \(EACCES\); running at nice 0/);
  assert.match(both, /"rtprio" and "nice" limits/);
  assert.match(both, /--realtime 0 --nice 0 silences this/);
  // No way to ask (no chrt): says what is missing.
  const none = await raiseToRealtime(5, fakeRealtime({ refuse: new SchedulingRefusal('unavailable', 'no chrt program: it comes with util-linux') }));
  assert.match(schedulingLine({ kind: 'kept', nice: -10 }, none)!, /unavailable here \(no chrt program: it comes with util-linux\); running at nice -10/);
});

test("a refusal names the system's own code: os.setPriority's SystemError keeps it in its info (EACCES), not its code", () => {
  const api: PriorityApi = {
    getPriority: () => 0,
    threads: () => [1],
    setPriority() {
      throw Object.assign(new Error('A system error occurred: uv_os_setpriority returned EACCES (permission denied)'), { code: 'ERR_SYSTEM_ERROR', info: { code: 'EACCES' } });
    },
  };
  assert.deepEqual(raisePriority(-10, api), { kind: 'refused', nice: 0, want: -10, code: 'EACCES' });
});
