import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { Subject, VirtualTimeScheduler } from 'rxjs';
import { budgetBytes, type Budgeted } from '../../src/pipeline/budget-bytes.js';

interface Msg extends Budgeted {
  readonly value: number;
}

/** Runs events through the operator on a virtual clock: each event is [time ms, key, value, size?]; returns what came out. */
function run(events: [number, string, number, number?][], bytesPerSecond = 3125, size = 3, maxMessageBytes = size) {
  const scheduler = new VirtualTimeScheduler();
  const input = new Subject<Msg>();
  const out: { t: number; msg: Msg }[] = [];
  let maxPending = 0;
  let done = false;
  input.pipe(budgetBytes<Msg>({ bytesPerSecond, maxMessageBytes, scheduler, onPending: (n) => (maxPending = Math.max(maxPending, n)) })).subscribe({
    next: (msg) => out.push({ t: scheduler.now(), msg }),
    complete: () => (done = true),
  });
  // One feeding action at a time, rescheduled to the next event's time, keeps the virtual queue short.
  const sorted = [...events].sort((a, b) => a[0] - b[0]);
  let next = 0;
  const feed = () => {
    const now = scheduler.now();
    for (; next < sorted.length && sorted[next]![0] <= now; next++) {
      const [, key, value, n = size] = sorted[next]!;
      input.next({ key, value, bytes: new Array(n).fill(0) });
    }
    if (next < sorted.length) scheduler.schedule(feed, sorted[next]![0] - now);
    else scheduler.schedule(() => input.complete(), 1);
  };
  scheduler.schedule(feed, sorted[0]?.[0] ?? 0);
  scheduler.flush();
  return { out, maxPending, done };
}

/** The most bytes sent in any one-second window [t, t + 1000) (a window starting at a send is the worst case). */
function busiestSecond(out: { t: number; msg: Msg }[]): { bytes: number; from: number } {
  let best = { bytes: 0, from: 0 };
  let bytes = 0;
  let j = 0;
  for (let i = 0; i < out.length; i++) {
    while (j < out.length && out[j]!.t < out[i]!.t + 1000) bytes += out[j++]!.msg.bytes.length;
    if (bytes > best.bytes) best = { bytes, from: out[i]!.t };
    bytes -= out[i]!.msg.bytes.length;
  }
  return best;
}

const DIN = 3125;

test('6,000 bytes per second for 2 s into a DIN budget (3,125 B/s): never over 3,125 bytes in any second, and the last values arrive', () => {
  const events: [number, string, number][] = [];
  for (let i = 0; i < 4000; i++) events.push([i / 2, `b${i % 5}/gain`, i]); // 2,000 three-byte messages per second
  const { out, maxPending, done } = run(events, DIN, 3, 12);
  const { bytes, from } = busiestSecond(out);
  assert.ok(bytes <= DIN, `${bytes} bytes in the second from ${from} ms`);
  // ... and the budget is used: a saturated second carries what the pacing allows (the rate less the 12-byte reserve)
  assert.ok(bytes >= DIN - 12 - 3, `only ${bytes} bytes in the busiest second`);
  for (let k = 0; k < 5; k++) {
    const last = out.filter((o) => o.msg.key === `b${k}/gain`).at(-1)!;
    assert.equal(last.msg.value, 3995 + k, `the final value of b${k} arrives`);
  }
  assert.ok(maxPending <= 5, `pending bounded by the 5 parameters, saw ${maxPending}`);
  assert.ok(done);
});

test('for any messages of 3 to 12 bytes fed above the budget: no one-second window holds more than the budget, and a saturated one holds nearly all of it', () => {
  fc.assert(
    fc.property(
      fc.array(fc.tuple(fc.integer({ min: 0, max: 15 }), fc.constantFrom(3, 6, 9, 12)), { minLength: 1, maxLength: 40 }),
      fc.integer({ min: 5, max: 95 }),
      (pattern, percent) => {
        // the pattern repeats every millisecond for 1.5 s over up to 16 parameters; the budget is a share of what it offers
        const offered = 1000 * [...new Map(pattern).values()].reduce((a, b) => a + b, 0);
        const budget = Math.floor((offered * percent) / 100);
        const events: [number, string, number, number][] = [];
        for (let t = 0; t < 1500; t++) pattern.forEach(([key, size], i) => events.push([t, `p${key}`, t * 100 + i, size]));
        const { out } = run(events, budget, 3, 12);
        const { bytes, from } = busiestSecond(out);
        assert.ok(bytes <= budget, `${bytes} bytes in the second from ${from} ms, budget ${budget}`);
        assert.ok(bytes >= budget - 2 * 12, `only ${bytes} of ${budget} bytes in the busiest second`);
      },
    ),
    { numRuns: 60 },
  );
});

test('a held value is replaced by a newer one for the same key, never sent stale', () => {
  const { out } = run([[0, 'a', 1], [0, 'b', 1], [0, 'a', 2], [0, 'a', 3]], 1000, 3);
  assert.deepEqual(out.map((o) => `${o.msg.key}${o.msg.value}`), ['a1', 'b1', 'a3']);
});

test('for any event sequence: pending never exceeds the distinct keys, and each key ends on its latest value', () => {
  fc.assert(
    fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 500 }), fc.constantFrom('a', 'b', 'c'), fc.integer()), { maxLength: 200 }), (raw) => {
      const events = raw.sort((x, y) => x[0] - y[0]) as [number, string, number][];
      const { out, maxPending } = run(events, 400, 3);
      assert.ok(maxPending <= 3);
      for (const key of ['a', 'b', 'c']) {
        const sent = events.filter((e) => e[1] === key);
        if (sent.length) assert.equal(out.filter((o) => o.msg.key === key).at(-1)!.msg.value, sent.at(-1)![2]);
      }
    }),
    { numRuns: 100 },
  );
});

test('unsubscribing early cancels the pending timer and sends nothing more', () => {
  const scheduler = new VirtualTimeScheduler();
  const input = new Subject<Msg>();
  const out: Msg[] = [];
  const sub = input.pipe(budgetBytes<Msg>({ bytesPerSecond: 100, maxMessageBytes: 3, scheduler })).subscribe((m) => out.push(m));
  input.next({ key: 'a', value: 1, bytes: [0, 0, 0] });
  input.next({ key: 'b', value: 1, bytes: [0, 0, 0] });
  sub.unsubscribe();
  assert.equal(input.observed, false, 'the source is let go');
  assert.equal(scheduler.actions.length, 0, 'the timer for the held message is cancelled');
  scheduler.flush();
  assert.equal(out.length, 1);
});

test('a source that completes while a message is being delivered still gets what it held delivered, then completes', () => {
  const scheduler = new VirtualTimeScheduler();
  const input = new Subject<Msg>();
  const out: string[] = [];
  let completedAfter = -1;
  input.pipe(budgetBytes<Msg>({ bytesPerSecond: 100, maxMessageBytes: 3, scheduler })).subscribe({
    // x passes at once; a, b and c are held; delivering a makes the source complete (re-entrantly) with b and c still held
    next: (m) => (out.push(m.key), m.key === 'a' ? input.complete() : undefined),
    complete: () => (completedAfter = out.length),
  });
  scheduler.schedule(() => ['x', 'a', 'b', 'c'].forEach((key) => input.next({ key, value: 1, bytes: [0, 0, 0] })), 0);
  scheduler.flush();
  assert.deepEqual(out, ['x', 'a', 'b', 'c']);
  assert.equal(completedAfter, 4);
});

test('errors travel down the stream', () => {
  const input = new Subject<Msg>();
  let seen: unknown = null;
  input.pipe(budgetBytes<Msg>({ bytesPerSecond: 100 })).subscribe({ error: (e) => (seen = e) });
  input.error(new Error('port gone'));
  assert.match(String(seen), /port gone/);
});

test('a budget no larger than the largest message is refused with a RangeError that says so', () => {
  assert.throws(() => budgetBytes<Msg>({ bytesPerSecond: 12 }), /bytesPerSecond must exceed the largest message \(12 bytes\)/);
  assert.throws(() => budgetBytes<Msg>({ bytesPerSecond: 3, maxMessageBytes: 3 }), RangeError);
  assert.doesNotThrow(() => budgetBytes<Msg>({ bytesPerSecond: 13 }));
});

test('the default reserve is 12 bytes: 3-byte messages fed above a 3,125 B/s budget leave 12 bytes of each second unused at most', () => {
  const scheduler = new VirtualTimeScheduler();
  const input = new Subject<Msg>();
  const out: { t: number; msg: Msg }[] = [];
  input.pipe(budgetBytes<Msg>({ bytesPerSecond: DIN, scheduler })).subscribe((msg) => out.push({ t: scheduler.now(), msg }));
  for (let t = 0; t < 1500; t++) scheduler.schedule(() => ['a', 'b', 'c'].forEach((key) => input.next({ key, value: t, bytes: [0, 0, 0] })), t);
  scheduler.flush();
  const { bytes } = busiestSecond(out);
  assert.ok(bytes <= DIN && bytes >= DIN - 12 - 3, `${bytes} bytes in the busiest second`);
});

test('messages within the budget pass at once, in order, each on its own arrival', () => {
  const { out } = run([[0, 'a', 1], [100, 'b', 2], [200, 'a', 3]], 1000, 3);
  assert.deepEqual(out.map((o) => [o.t, o.msg.key, o.msg.value]), [[0, 'a', 1], [100, 'b', 2], [200, 'a', 3]]);
});

test('the pending count is reported as it rises and falls back to 0', () => {
  const scheduler = new VirtualTimeScheduler();
  const input = new Subject<Msg>();
  const seen: number[] = [];
  input.pipe(budgetBytes<Msg>({ bytesPerSecond: 100, maxMessageBytes: 3, scheduler, onPending: (n) => seen.push(n) })).subscribe();
  input.next({ key: 'a', value: 1, bytes: [0, 0, 0] });
  input.next({ key: 'b', value: 1, bytes: [0, 0, 0] });
  input.next({ key: 'c', value: 1, bytes: [0, 0, 0] });
  scheduler.flush();
  assert.deepEqual(seen, [1, 0, 1, 2, 1, 0]);
});

test('completion waits for what is held, then completes once', () => {
  const { out, done } = run([[0, 'a', 1], [0, 'b', 2], [0, 'c', 3]], 100, 3);
  assert.deepEqual(out.map((o) => o.msg.key), ['a', 'b', 'c']);
  assert.ok(out[2]!.t > out[1]!.t && out[1]!.t > out[0]!.t);
  assert.ok(done);
});
