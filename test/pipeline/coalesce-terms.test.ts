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

test('within one turn only the newest word per control passes, after the turn, and fader moves pass at once and in order', async () => {
  const { in$, out, counted } = harness();
  for (let i = 0; i < 1000; i++) in$.next(word('termA', `w${i}`));
  in$.next(word('termB', 'bright'));
  assert.deepEqual(out, []);
  await turn();
  assert.deepEqual(texts(out), ['termA=w999', 'termB=bright']);
  assert.equal(counted.superseded, 999);
  in$.next(fader(0.25));
  in$.next(fader(0.5));
  assert.deepEqual(texts(out.slice(2)), ['continuous', 'continuous']);
});

test('a fader move passes on the words its input sent before it first: it morphs on the newest word', async () => {
  const { in$, out, counted } = harness();
  for (let i = 0; i < 1000; i++) in$.next(word('termA', `w${i}`));
  in$.next(fader(0.25));
  in$.next(word('termB', 'bright'));
  in$.next(fader(0.5));
  assert.deepEqual(texts(out), ['termA=w999', 'continuous', 'termB=bright', 'continuous']);
  assert.equal(counted.superseded, 999);
  await turn();
  assert.equal(out.length, 4);
});

test('a word waiting for its window still goes on before a fader move sent after it', async () => {
  const { in$, out, counted, advance } = harness(10);
  in$.next(word('termA', 'first'));
  await turn();
  in$.next(word('termA', 'second'));
  in$.next(word('termA', 'third'));
  await turn();
  assert.deepEqual(texts(out), ['termA=first']);
  in$.next(fader(0.5));
  assert.deepEqual(texts(out), ['termA=first', 'termA=third', 'continuous']);
  assert.equal(counted.superseded, 1);
  // Its window's end finds nothing left to pass.
  advance(10);
  await turn();
  assert.equal(out.length, 3);
});

test("another input's fader move does not pass on this input's words early", async () => {
  const { in$, out } = harness();
  in$.next(word('termA', 'warm'));
  in$.next({ ...fader(0.5), input: 'other' });
  assert.deepEqual(texts(out), ['continuous']);
  await turn();
  assert.deepEqual(texts(out), ['continuous', 'termA=warm']);
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

test('every word is either passed on or counted as superseded, the newest word of each control always passes, and each fader move comes after the newest words sent before it', async () => {
  const step = fc.record({
    control: fc.constantFrom('termA', 'termB', 'corner1'),
    count: fc.integer({ min: 0, max: 4 }),
    fader: fc.boolean(),
    advanceMs: fc.constantFrom(0, 0, 3, 10, 25),
  });
  await fc.assert(
    fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 12 }), async (steps) => {
      const { in$, out, counted, advance, sub } = harness(10);
      const newest = new Map<string, string>();
      /** Per fader move sent, the newest word of each control sent before it. */
      const before: string[][] = [];
      let sent = 0;
      for (const [i, s] of steps.entries()) {
        for (let w = 0; w < s.count; w++) {
          const value = `s${i}w${w}`;
          in$.next(word(s.control, value));
          newest.set(s.control, value);
          sent++;
        }
        if (s.fader) {
          before.push([...newest].map(([c, v]) => `${c}=${v}`).sort());
          in$.next(fader(i / 12));
        }
        await turn();
        advance(s.advanceMs);
      }
      // Every pending window and turn run out.
      advance(10);
      await turn();
      const words = out.filter((e) => e.value.kind === 'text');
      assert.equal(words.length + counted.superseded, sent);
      for (const [control, value] of newest) assert.equal(texts(out.filter((e) => e.control === control)).at(-1), `${control}=${value}`);
      // What each fader move found in place: the newest word per control passed on ahead of it.
      const seen: string[][] = [];
      const current = new Map<string, string>();
      for (const e of out) {
        if (e.value.kind === 'text') current.set(e.control, e.value.value);
        else seen.push([...current].map(([c, v]) => `${c}=${v}`).sort());
      }
      assert.deepEqual(seen, before);
      sub.unsubscribe();
    }),
    { numRuns: 60 },
  );
});
