import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { Subject, VirtualTimeScheduler } from 'rxjs';
import { budgetBytes, type Budgeted } from '../../src/pipeline/budget-bytes.js';

interface Msg extends Budgeted {
  readonly value: number;
}

/** Runs events through the operator on a virtual clock: each event is [time ms, key, value]; returns what came out. */
function run(events: [number, string, number][], bytesPerSecond = 3125, size = 3) {
  const scheduler = new VirtualTimeScheduler();
  const input = new Subject<Msg>();
  const out: { t: number; msg: Msg }[] = [];
  let maxPending = 0;
  let done = false;
  input.pipe(budgetBytes<Msg>({ bytesPerSecond, maxMessageBytes: size, scheduler, onPending: (n) => (maxPending = Math.max(maxPending, n)) })).subscribe({
    next: (msg) => out.push({ t: scheduler.now(), msg }),
    complete: () => (done = true),
  });
  for (const [t, key, value] of events) scheduler.schedule(() => input.next({ key, value, bytes: new Array(size).fill(0) }), t);
  const end = Math.max(0, ...events.map((e) => e[0])) + 1;
  scheduler.schedule(() => input.complete(), end);
  scheduler.flush();
  return { out, maxPending, done };
}

test('1,000 fader events per second for 2 s into a DIN budget: never over 3,125 bytes in any second, and the last value arrives', () => {
  const events: [number, string, number][] = [];
  for (let i = 0; i < 2000; i++) events.push([i, `b${i % 5}/gain`, i]);
  const { out, maxPending, done } = run(events);
  const times = out.map((o) => o.t);
  for (let i = 0; i < times.length; i++) {
    const inWindow = times.filter((t) => t >= times[i]! && t < times[i]! + 1000).length * 3;
    assert.ok(inWindow <= 3125, `${inWindow} bytes in the second from ${times[i]} ms`);
  }
  for (let k = 0; k < 5; k++) {
    const last = out.filter((o) => o.msg.key === `b${k}/gain`).at(-1)!;
    assert.equal(last.msg.value, 1995 + k, `the final value of b${k} arrives`);
  }
  assert.ok(maxPending <= 5, `pending bounded by the 5 parameters, saw ${maxPending}`);
  assert.ok(done);
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
  scheduler.flush();
  assert.equal(out.length, 1);
});

test('errors travel down the stream', () => {
  const input = new Subject<Msg>();
  let seen: unknown = null;
  input.pipe(budgetBytes<Msg>({ bytesPerSecond: 100 })).subscribe({ error: (e) => (seen = e) });
  input.error(new Error('port gone'));
  assert.match(String(seen), /port gone/);
});
