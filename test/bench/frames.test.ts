// The latency harness's pure parts: alpha sequence, percentiles, frame matching, catching up, settling.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { alphaAt, caughtUp, eventsOf, latenciesMs, matchFrames, percentile, settledAt, sideLatenciesMs, summarise, type Arrival, type FrameEnd } from '../../bench/frames.js';

test('alphaAt: float32 values in 0..1, none repeated, consecutive ones at least 0.38 apart', () => {
  const seen = new Set<number>();
  for (let k = 0; k < 20000; k++) {
    const a = alphaAt(k);
    assert.equal(a, Math.fround(a));
    assert.ok(a >= 0 && a < 1);
    assert.ok(!seen.has(a), `alpha ${a} repeats at ${k}`);
    seen.add(a);
    if (k > 0) {
      const d = Math.abs(a - alphaAt(k - 1));
      assert.ok(Math.min(d, 1 - d) > 0.38 - 1e-6, `step ${d} at ${k}`);
    }
  }
});

test('percentile by nearest rank: known small cases', () => {
  const xs = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
  assert.equal(percentile(xs, 0.5), 5);
  assert.equal(percentile(xs, 0.99), 10);
  assert.equal(percentile(xs, 0.1), 1);
  assert.equal(percentile(xs, 0), 1);
  assert.equal(percentile(xs, 1), 10);
  assert.ok(Number.isNaN(percentile([], 0.5)));
  // 100 samples: p99 is the 99th smallest, not the largest.
  assert.equal(percentile(Array.from({ length: 100 }, (_, i) => i + 1), 0.99), 99);
});

test('for all samples and p: the percentile is a sample, at least ceil(p n) samples are at or below it and fewer below', () => {
  fc.assert(
    fc.property(fc.array(fc.double({ noNaN: true, min: -1e6, max: 1e6 }), { minLength: 1, maxLength: 200 }), fc.double({ min: 0.001, max: 1, noNaN: true }), (xs, p) => {
      const sorted = xs.slice().sort((a, b) => a - b);
      const v = percentile(sorted, p);
      assert.ok(sorted.includes(v));
      const need = Math.ceil(p * sorted.length);
      assert.ok(sorted.filter((x) => x <= v).length >= need);
      assert.ok(sorted.filter((x) => x < v).length < need);
    }),
  );
});

test('summarise ignores missing frames and counts them', () => {
  const s = summarise([3, null, 1, 2, null]);
  assert.equal(s.p50Ms, 2);
  assert.equal(s.maxMs, 3);
  assert.equal(s.frames, 3);
  assert.equal(s.unmatched, 2);
});

const at = (address: string, value: number, t: number): Arrival => ({ address, value, t });

test('matchFrames: each frame ends at the arrival of its last message, skipping the start snapshot and other addresses', () => {
  const ends: FrameEnd[] = [
    { address: '/b5/freq', value: 100 },
    { address: '/b5/freq', value: 200 },
  ];
  const arrivals = [at('/b5/freq', 50, 1), at('/b1/gain', 100, 2), at('/b5/freq', 100, 3), at('/b1/gain', 7, 4), at('/b5/freq', 200, 5)];
  assert.deepEqual(matchFrames(ends, arrivals), [3, 5]);
});

test('matchFrames: a lost frame is null and does not shift the frames after it', () => {
  const ends: FrameEnd[] = [1, 2, 3, 4].map((v) => ({ address: '/x', value: v }));
  assert.deepEqual(matchFrames(ends, [at('/x', 1, 10), at('/x', 3, 30), at('/x', 4, 40)]), [10, null, 30, 40]);
});

test('matchFrames: a value seen twice matches the frames in order, and frames without an end stay null', () => {
  const ends = [{ address: '/x', value: 1 }, null, { address: '/x', value: 1 }];
  assert.deepEqual(matchFrames(ends, [at('/x', 1, 10), at('/x', 1, 20)]), [10, null, 20]);
});

test('matchFrames: values equal at float32 resolution match, others do not', () => {
  const v = Math.fround(1234.5678);
  assert.deepEqual(matchFrames([{ address: '/x', value: 1234.5678 }], [at('/x', v, 1)]), [1]);
  assert.deepEqual(matchFrames([{ address: '/x', value: 1234.6 }], [at('/x', v, 1)]), [null]);
});

test('for all in-order arrivals with losses, every frame that arrived is matched to its own time', () => {
  fc.assert(
    fc.property(fc.array(fc.boolean(), { minLength: 1, maxLength: 300 }), (kept) => {
      const ends = kept.map((_, k) => ({ address: `/a${k % 3}`, value: k }));
      const arrivals = kept.flatMap((keep, k) => (keep ? [at(`/a${k % 3}`, k, 1000 + k)] : []));
      const got = matchFrames(ends, arrivals);
      kept.forEach((keep, k) => assert.equal(got[k], keep ? 1000 + k : null));
    }),
  );
});

test('caughtUp: a superseded frame counts as caught up when a newer frame arrived', () => {
  assert.deepEqual(caughtUp([null, 20, null, null, 50, null]), [20, 20, 50, 50, 50, null]);
  assert.deepEqual(latenciesMs([0, 1e6, 2e6], [null, 3e6, null]), [3, 2, null]);
});

test('settledAt: the latest of each address’s last arrival, or null when any last value is not the final one', () => {
  const finals = new Map([
    ['/a', 1],
    ['/b', 2],
  ]);
  assert.equal(settledAt(finals, [at('/a', 0, 1), at('/b', 2, 5), at('/a', 1, 7)]), 7);
  assert.equal(settledAt(finals, [at('/a', 1, 1), at('/b', 2, 5), at('/a', 0, 7)]), null);
  assert.equal(settledAt(finals, [at('/a', 1, 1)]), null);
});

test('eventsOf: targets take turns in blocks, and together they get every event exactly once', () => {
  assert.deepEqual(eventsOf(0, 2, 10, 3), [0, 1, 2, 6, 7, 8]);
  assert.deepEqual(eventsOf(1, 2, 10, 3), [3, 4, 5, 9]);
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 0, max: 300 }), fc.integer({ min: 1, max: 50 }), (targets, events, block) => {
      const all = Array.from({ length: targets }, (_, t) => eventsOf(t, targets, events, block)).flat().sort((a, b) => a - b);
      assert.deepEqual(all, Array.from({ length: events }, (_, k) => k));
    }),
  );
});

test('sideLatenciesMs: a message answers the newest event of its side sent before it; an unanswered event is caught up by the next', () => {
  const ms = 1e6;
  const sent = [0, 10, 20, 30].map((t) => t * ms);
  const high = [false, true, false, true];
  const arrivals: Arrival[] = [
    { address: '/g', value: 0.2, t: 1 * ms }, // event 0 (low), 1 ms
    // event 1 (high) is never shown on its own
    { address: '/g', value: 0.1, t: 23 * ms }, // event 2 (low), 3 ms; event 1 is caught up here: 13 ms
    { address: '/g', value: 0.9, t: 30.5 * ms }, // event 3 (high), 0.5 ms
  ];
  assert.deepEqual(sideLatenciesMs(sent, high, arrivals, 0.5), [1, 13, 3, 0.5]);
});

test('sideLatenciesMs: a message before any event of its side (the start snapshot) answers nothing', () => {
  const ms = 1e6;
  assert.deepEqual(sideLatenciesMs([10 * ms], [true], [{ address: '/g', value: 0.9, t: 5 * ms }], 0.5), [null]);
});
