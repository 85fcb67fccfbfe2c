import assert from 'node:assert/strict';
import { test } from 'node:test';
import { priorityLine, raisePriority, RealtimeRefusal, RealtimeThreads, REALTIME_MIN_AGE_MS, schedulingLine, type PriorityApi, type RealtimeApi } from '../../src/cli/priority.js';

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

/** A process's threads as a realtime api sees them; `refuse` makes the first promotion fail as chrt reports it. */
function fakeThreads(threads: Record<number, { name: string; realtime?: boolean; ageMs?: number }>, opts: { platform?: string; cores?: number; refuse?: RealtimeRefusal } = {}) {
  const state = new Map(Object.entries(threads).map(([tid, t]) => [Number(tid), { name: t.name, realtime: t.realtime ?? false, ageMs: t.ageMs ?? 60_000 }]));
  const calls: string[] = [];
  const api: RealtimeApi = {
    platform: opts.platform ?? 'linux',
    cores: opts.cores ?? 2,
    async promoteProcess(priority) {
      calls.push(`process ${priority}`);
      if (opts.refuse) throw opts.refuse;
      for (const t of state.values()) t.realtime = true;
    },
    async promoteThread(tid, priority) {
      calls.push(`thread ${tid} ${priority}`);
      const t = state.get(tid);
      if (!t) throw new RealtimeRefusal('unavailable', 'No such process');
      t.realtime = true;
    },
    async threads() {
      return [...state.keys()];
    },
    async threadState(tid) {
      return state.get(tid) ?? null;
    },
  };
  return { api, state, calls };
}

test('realtime scheduling: every thread at start; later threads by a pass, except the background ones and those too young to have named themselves', async () => {
  const p = fakeThreads({ 1: { name: 'node' }, 2: { name: 'node' } });
  const { result, threads } = await RealtimeThreads.start(7, p.api, 0);
  assert.deepEqual(result, { kind: 'granted', priority: 7 });
  assert.deepEqual(p.calls, ['process 7']);
  assert.ok(threads);
  // Started since: a MIDI port's thread, a fit worker and a mapping loader (named), a thread started just now, one already realtime.
  p.state.set(3, { name: 'node', realtime: false, ageMs: 5000 });
  p.state.set(4, { name: 'eqmorph-fit', realtime: false, ageMs: 5000 });
  p.state.set(5, { name: 'eqmorph-load', realtime: false, ageMs: 5000 });
  p.state.set(6, { name: 'node', realtime: false, ageMs: REALTIME_MIN_AGE_MS - 1 });
  p.state.set(7, { name: 'eqmorph-osc-in', realtime: true, ageMs: 5000 });
  p.calls.length = 0;
  assert.equal(await threads.pass(), 1);
  assert.deepEqual(p.calls, ['thread 3 7']);
  assert.equal(p.state.get(4)!.realtime, false);
  assert.equal(p.state.get(5)!.realtime, false);
  // The young one is taken by a later pass, once it is old enough (a fit worker would have named itself by then).
  p.state.get(6)!.ageMs = REALTIME_MIN_AGE_MS;
  assert.equal(await threads.pass(), 1);
  assert.deepEqual(p.calls, ['thread 3 7', 'thread 6 7']);
  assert.equal(await threads.pass(), 0);
  threads.stop();
});

test('realtime scheduling: a thread known to carry fader moves is promoted at once, whatever its age; one that ended is no error', async () => {
  const p = fakeThreads({ 1: { name: 'node' } });
  const { threads } = await RealtimeThreads.start(5, p.api, 0);
  p.state.set(9, { name: 'eqmorph-osc-in', realtime: false, ageMs: 3 });
  assert.equal(await threads!.promote(9), true);
  assert.equal(p.state.get(9)!.realtime, true);
  assert.equal(await threads!.promote(12), false);
});

test('realtime scheduling: not asked for, not Linux or one core is off and says nothing more than the nice value does', async () => {
  for (const [priority, opts] of [
    [0, {}],
    [5, { platform: 'darwin' }],
    [5, { cores: 1 }],
  ] as const) {
    const p = fakeThreads({ 1: { name: 'node' } }, opts);
    const r = await RealtimeThreads.start(priority, p.api, 0);
    assert.deepEqual(r, { result: { kind: 'off' }, threads: null });
    assert.deepEqual(p.calls, []);
    assert.equal(schedulingLine({ kind: 'kept', nice: -10 }, r.result), null);
    assert.match(schedulingLine({ kind: 'raised', from: 0, nice: -10 }, r.result)!, /nice 0 -> -10/);
  }
});

test('realtime scheduling refused: one line that says why, what it needs and how to silence it, with the nice value it runs at', async () => {
  const p = fakeThreads({ 1: { name: 'node' } }, { refuse: new RealtimeRefusal('refused', 'Operation not permitted') });
  const r = await RealtimeThreads.start(5, p.api, 0);
  assert.deepEqual(r, { result: { kind: 'refused', priority: 5, reason: 'Operation not permitted' }, threads: null });
  const alone = schedulingLine({ kind: 'raised', from: 0, nice: -10 }, r.result)!;
  assert.match(alone, /realtime scheduling was refused \(Operation not permitted\); running at nice -10/);
  assert.match(alone, /"rtprio" limit/);
  assert.match(alone, /--realtime 0 silences this/);
  // Both refused (an ordinary user): still one line, which names both and both flags.
  const both = schedulingLine({ kind: 'refused', nice: 0, want: -10, code: 'EACCES' }, r.result)!;
  assert.equal(both.split('\n').length, 1);
  assert.match(both, /and so was nice -10 \(EACCES\); running at nice 0/);
  assert.match(both, /"rtprio" and "nice" limits/);
  assert.match(both, /--realtime 0 --nice 0 silences this/);
  // Granted: says so once, whatever happened to the nice value.
  assert.match(schedulingLine({ kind: 'refused', nice: 0, want: -10, code: 'EACCES' }, { kind: 'granted', priority: 5 })!, /^eqmorph: realtime scheduling \(round-robin, priority 5\) for the threads that carry fader moves/);
  // No way to ask (no chrt): says what is missing.
  assert.match(schedulingLine({ kind: 'kept', nice: -10 }, { kind: 'unavailable', priority: 5, reason: 'no chrt program: it comes with util-linux' })!, /unavailable here \(no chrt program: it comes with util-linux\); running at nice -10/);
});
