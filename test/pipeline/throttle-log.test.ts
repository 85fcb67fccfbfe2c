import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { Subject, VirtualTimeScheduler } from 'rxjs';
import { DEFAULT_LOG_LIMITS, limitedText, LogLimiter, throttleLog, type Limited, type LogLimits } from '../../src/pipeline/throttle-log.js';

const limits: LogLimits = { windowMs: 1000, maxLinesPerWindow: 5, maxKeys: 8 };

/** Occurrences as (key index, gap in ms), replayed through LogLimiter. */
const occurrences = fc.array(fc.record({ key: fc.integer({ min: 0, max: 20 }), gap: fc.integer({ min: 0, max: 600 }) }), { maxLength: 300 });

function replay(occ: { key: number; gap: number }[]) {
  const limiter = new LogLimiter(limits);
  let now = 0;
  const shown: { key: string; now: number; suppressed: number; othersSuppressed: number }[] = [];
  for (const o of occ) {
    now += o.gap;
    const d = limiter.decide(`k${o.key}`, now);
    if (d.show) shown.push({ key: `k${o.key}`, now, suppressed: d.suppressed, othersSuppressed: d.othersSuppressed });
  }
  return { shown, limiter };
}

test('for every sequence: a key is shown at most once per window', () => {
  fc.assert(
    fc.property(occurrences, (occ) => {
      const { shown } = replay(occ);
      const last = new Map<string, number>();
      for (const s of shown) {
        const prev = last.get(s.key);
        assert.ok(prev === undefined || s.now - prev >= limits.windowMs, `${s.key} at ${prev} and ${s.now}`);
        last.set(s.key, s.now);
      }
    }),
  );
});

test('for every sequence: at most the line cap in each window, a window opening at the first line shown after the last one closed', () => {
  // keys stay under maxKeys here, so every window opens with a line shown
  const wide = fc.array(fc.record({ key: fc.integer({ min: 0, max: 7 }), gap: fc.integer({ min: 0, max: 400 }) }), { maxLength: 300 });
  fc.assert(
    fc.property(wide, (occ) => {
      const { shown } = replay(occ);
      let open = -Infinity;
      let lines = 0;
      for (const s of shown) {
        if (s.now >= open + limits.windowMs) [open, lines] = [s.now, 0];
        lines += 1;
        assert.ok(lines <= limits.maxLinesPerWindow, `${lines} lines in the window from ${open} ms`);
      }
    }),
  );
});

test('for every sequence: no sliding window of windowMs holds more than twice the cap less one (the tail of one window, the whole next)', () => {
  fc.assert(
    fc.property(occurrences, (occ) => {
      const { shown } = replay(occ);
      for (const s of shown) assert.ok(shown.filter((t) => t.now >= s.now && t.now < s.now + limits.windowMs).length <= 2 * limits.maxLinesPerWindow - 1);
    }),
  );
});

test('a burst of distinct keys shows exactly the line cap per window, then the cap again once the window has passed', () => {
  const limiter = new LogLimiter(limits);
  const shownAt = (now: number, keys: string[]) => keys.filter((k) => limiter.decide(k, now).show).length;
  const keys = (from: number) => Array.from({ length: limits.maxLinesPerWindow + 3 }, (_, i) => `k${from + i}`).slice(0, limits.maxKeys);
  assert.equal(shownAt(0, keys(0)), limits.maxLinesPerWindow);
  assert.equal(shownAt(limits.windowMs - 1, ['late']), 0);
  assert.equal(shownAt(limits.windowMs, keys(0)), limits.maxLinesPerWindow);
});

test('for every sequence: every occurrence is either shown, or counted as held back (reported or still pending)', () => {
  fc.assert(
    fc.property(occurrences, (occ) => {
      const { shown, limiter } = replay(occ);
      const reported = shown.reduce((n, s) => n + 1 + s.suppressed + s.othersSuppressed, 0);
      assert.equal(reported + limiter.pending(), occ.length);
    }),
  );
});

test('a repeated key is shown first, then with the count held back in between', () => {
  const limiter = new LogLimiter(limits);
  const shown: number[] = [];
  for (const now of [0, 10, 20, 999, 1000, 1500, 2000]) {
    const d = limiter.decide('x', now);
    if (d.show) shown.push(d.suppressed);
  }
  assert.deepEqual(shown, [0, 3, 1]);
});

test('throttleLog passes the shown lines on, on the scheduler clock', () => {
  const scheduler = new VirtualTimeScheduler();
  const in$ = new Subject<{ text: string }>();
  const out: Limited<{ text: string }>[] = [];
  in$.pipe(throttleLog((x) => x.text, limits, scheduler)).subscribe((l) => out.push(l));
  in$.next({ text: 'a' });
  in$.next({ text: 'a' });
  in$.next({ text: 'b' });
  scheduler.schedule(() => in$.next({ text: 'a' }), 1500);
  scheduler.flush();
  assert.deepEqual(out.map(limitedText), ['a', 'b', 'a (1 more not shown)']);
});

test('for every sequence: the work per occurrence is O(1), even with the key table full of live keys', () => {
  const full: LogLimits = { windowMs: 5000, maxLinesPerWindow: 20, maxKeys: 256 };
  fc.assert(
    fc.property(fc.array(fc.record({ fresh: fc.boolean(), gap: fc.integer({ min: 0, max: 50 }) }), { minLength: 1, maxLength: 3000 }), (occ) => {
      const limiter = new LogLimiter(full);
      let now = 0;
      occ.forEach((o, i) => {
        now += o.gap;
        limiter.decide(o.fresh ? `new ${i}` : 'same', now);
      });
      // Each occurrence is looked up once, and each key is evicted at most once after it was added.
      assert.ok(limiter.work <= 2 * occ.length, `${limiter.work} map visits for ${occ.length} occurrences`);
    }),
    { numRuns: 50 },
  );
});

test('the defaults are the documented ones: one line per key per 5 s, 20 lines per 5 s in all, 256 keys', () => {
  assert.deepEqual(DEFAULT_LOG_LIMITS, { windowMs: 5000, maxLinesPerWindow: 20, maxKeys: 256 });
});

test('a line says how many of its own and of other warnings were held back, each only when there were some', () => {
  const line = (suppressed: number, othersSuppressed: number) => limitedText({ item: { text: 'x' }, suppressed, othersSuppressed });
  assert.equal(line(0, 0), 'x');
  assert.equal(line(3, 0), 'x (3 more not shown)');
  assert.equal(line(0, 2), 'x (2 other warnings not shown)');
  assert.equal(line(3, 2), 'x (3 more not shown; 2 other warnings not shown)');
});

test('with every key slot held by a key inside its window, a new key waits and is counted; once a slot expires it is shown with that count', () => {
  const small: LogLimits = { windowMs: 1000, maxLinesPerWindow: 100, maxKeys: 2 };
  const limiter = new LogLimiter(small);
  const at = (key: string, now: number) => limiter.decide(key, now);
  assert.equal(at('a', 0).show, true);
  assert.equal(at('a', 10).show, false); // a: 1 held
  assert.equal(at('b', 20).show, true);
  assert.equal(at('c', 30).show, false); // no room: counted with the others
  const later = at('c', 1000); // a has expired (its held one moves to the others); b has not
  assert.deepEqual([later.show, later.suppressed, later.othersSuppressed], [true, 0, 2]);
  assert.equal(at('b', 1010).show, false, 'b, still inside its window, was not forgotten to make room');
});

test('while the key table has room, an expired key keeps its held-back count and reports it on its own next line', () => {
  const limiter = new LogLimiter(limits);
  limiter.decide('a', 0);
  limiter.decide('a', 10); // a: 1 held
  assert.deepEqual(limiter.decide('b', 1000), { show: true, suppressed: 0, othersSuppressed: 0 });
  assert.deepEqual(limiter.decide('a', 1001), { show: true, suppressed: 1, othersSuppressed: 0 });
});

test('with the key table full, a known key shown again reports its own held-back count once, not also as others', () => {
  const limiter = new LogLimiter({ windowMs: 1000, maxLinesPerWindow: 100, maxKeys: 2 });
  limiter.decide('a', 0);
  limiter.decide('a', 10); // a: 1 held
  limiter.decide('b', 20); // the table is full
  assert.deepEqual(limiter.decide('a', 1000), { show: true, suppressed: 1, othersSuppressed: 0 });
});

test('work counts one look-up per occurrence and one visit per key forgotten', () => {
  const limiter = new LogLimiter({ windowMs: 1000, maxLinesPerWindow: 100, maxKeys: 2 });
  limiter.decide('a', 0);
  limiter.decide('b', 10);
  assert.equal(limiter.work, 2);
  limiter.decide('c', 1000); // a has expired and is forgotten; b has not
  assert.equal(limiter.work, 4);
});
