import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { Subject, VirtualTimeScheduler } from 'rxjs';
import type { ControlEvent } from '../../src/codecs/control-value.js';
import { coalesceTerms } from '../../src/pipeline/coalesce-terms.js';

const word = (control: string, value: string): ControlEvent => ({ input: 'in', control, value: { kind: 'text', value }, raw: [value], time: 0 });
const fader = (value: number): ControlEvent => ({ input: 'in', control: 'alpha', value: { kind: 'continuous', value }, raw: [value], time: 0 });
const turn = () => new Promise((r) => setImmediate(r));
const texts = (events: readonly ControlEvent[]) => events.map((e) => (e.value.kind === 'text' ? `${e.control}=${e.value.value}` : e.value.kind));

/** The operator on a subject, with a virtual clock for its windows (turns are real) and its superseded count. */
function harness(windowMs = 10) {
  const clock = new VirtualTimeScheduler();
  const in$ = new Subject<ControlEvent>();
  const out: ControlEvent[] = [];
  const counted = { superseded: 0 };
  const sub = in$.pipe(coalesceTerms({ windowMs, scheduler: clock, onSuperseded: (n) => (counted.superseded += n) })).subscribe((e) => out.push(e));
  /** Moves the clock on by `ms`, running the windows that end meanwhile. */
  const advance = (ms: number) => {
    clock.maxFrames = clock.now() + ms;
    clock.schedule(() => undefined, ms);
    clock.flush();
  };
  return { in$, out, counted, sub, advance };
}

test('within one turn only the newest word per control passes, after the turn; fader moves pass at once and in order', async () => {
  const { in$, out } = harness();
  for (let i = 0; i < 1000; i++) in$.next(word('termA', `w${i}`));
  in$.next(fader(0.25));
  in$.next(word('termB', 'bright'));
  in$.next(fader(0.5));
  assert.deepEqual(out.map((e) => e.value), [fader(0.25).value, fader(0.5).value]);
  await turn();
  assert.deepEqual(texts(out.slice(2)), ['termA=w999', 'termB=bright']);
});

test('a word sent by itself goes on at the end of its turn, however long after the last one', async () => {
  const { in$, out, advance } = harness(10);
  in$.next(word('termA', 'warm'));
  await turn();
  advance(10);
  in$.next(word('termA', 'bright'));
  await turn();
  assert.deepEqual(texts(out), ['termA=warm', 'termA=bright']);
});

test('a control whose last word went on within the window waits for its end, and then only its newest word passes', async () => {
  const { in$, out, counted, advance } = harness(10);
  in$.next(word('termA', 'first'));
  await turn();
  for (let t = 0; t < 5; t++) {
    for (let i = 0; i < 3; i++) in$.next(word('termA', `t${t}w${i}`));
    await turn();
  }
  assert.deepEqual(texts(out), ['termA=first']);
  advance(9);
  assert.deepEqual(texts(out), ['termA=first']);
  advance(1);
  assert.deepEqual(texts(out), ['termA=first', 'termA=t4w2']);
  assert.equal(counted.superseded, 14);
});

test('a flood on one control does not hold up the words of another', async () => {
  const { in$, out } = harness(10);
  in$.next(word('termA', 'a0'));
  await turn();
  in$.next(word('termA', 'a1'));
  in$.next(word('termB', 'b0'));
  await turn();
  assert.deepEqual(texts(out), ['termA=a0', 'termB=b0']);
});

test('every word is either passed on or counted as superseded, and the newest word of each control always passes', async () => {
  const step = fc.record({ control: fc.constantFrom('termA', 'termB', 'corner1'), count: fc.integer({ min: 0, max: 4 }), advanceMs: fc.constantFrom(0, 0, 3, 10, 25) });
  await fc.assert(
    fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 12 }), async (steps) => {
      const { in$, out, counted, advance, sub } = harness(10);
      const newest = new Map<string, string>();
      let sent = 0;
      for (const [i, s] of steps.entries()) {
        for (let w = 0; w < s.count; w++) {
          const value = `s${i}w${w}`;
          in$.next(word(s.control, value));
          newest.set(s.control, value);
          sent++;
        }
        await turn();
        advance(s.advanceMs);
      }
      // Every pending window and turn run out.
      advance(10);
      await turn();
      assert.equal(out.length + counted.superseded, sent);
      for (const [control, value] of newest) assert.equal(texts(out.filter((e) => e.control === control)).at(-1), `${control}=${value}`);
      sub.unsubscribe();
    }),
    { numRuns: 60 },
  );
});
