import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { Subject, VirtualTimeScheduler } from 'rxjs';
import { decideLog, EMPTY_LOG_LIMIT_STATE, limitedText, throttleLog, type Limited, type LogLimits } from '../../src/pipeline/throttle-log.js';

const limits: LogLimits = { windowMs: 1000, maxLinesPerWindow: 5, maxKeys: 8 };

/** Occurrences as (key index, gap in ms), replayed through decideLog. */
const occurrences = fc.array(fc.record({ key: fc.integer({ min: 0, max: 20 }), gap: fc.integer({ min: 0, max: 600 }) }), { maxLength: 300 });

function replay(occ: { key: number; gap: number }[]) {
  let state = EMPTY_LOG_LIMIT_STATE;
  let now = 0;
  const shown: { key: string; now: number; suppressed: number; othersSuppressed: number }[] = [];
  for (const o of occ) {
    now += o.gap;
    const d = decideLog(state, `k${o.key}`, now, limits);
    state = d.state;
    if (d.show) shown.push({ key: `k${o.key}`, now, suppressed: d.suppressed, othersSuppressed: d.othersSuppressed });
  }
  return { shown, state };
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
  let state = EMPTY_LOG_LIMIT_STATE;
  const shownAt = (now: number, keys: string[]) =>
    keys.filter((k) => {
      const d = decideLog(state, k, now, limits);
      state = d.state;
      return d.show;
    }).length;
  const keys = (from: number) => Array.from({ length: limits.maxLinesPerWindow + 3 }, (_, i) => `k${from + i}`).slice(0, limits.maxKeys);
  assert.equal(shownAt(0, keys(0)), limits.maxLinesPerWindow);
  assert.equal(shownAt(limits.windowMs - 1, ['late']), 0);
  assert.equal(shownAt(limits.windowMs, keys(0)), limits.maxLinesPerWindow);
});

test('for every sequence: every occurrence is either shown, or counted as held back (reported or still pending)', () => {
  fc.assert(
    fc.property(occurrences, (occ) => {
      const { shown, state } = replay(occ);
      const reported = shown.reduce((n, s) => n + 1 + s.suppressed + s.othersSuppressed, 0);
      const pending = [...state.perKey.values()].reduce((n, e) => n + e.suppressed, 0) + state.othersSuppressed;
      assert.equal(reported + pending, occ.length);
    }),
  );
});

test('a repeated key is shown first, then with the count held back in between', () => {
  let state = EMPTY_LOG_LIMIT_STATE;
  const shown: number[] = [];
  for (const now of [0, 10, 20, 999, 1000, 1500, 2000]) {
    const d = decideLog(state, 'x', now, limits);
    state = d.state;
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
