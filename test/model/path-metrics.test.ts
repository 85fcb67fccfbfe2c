import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { pathMetrics, quantile, rmsDistanceDb, summarisePaths } from '../../src/model/path-metrics.js';

const curve = fc.array(fc.double({ min: -12, max: 12, noNaN: true }), { minLength: 8, maxLength: 8 });
const lerp = (a: readonly number[], b: readonly number[], t: number) => a.map((v, i) => (1 - t) * v + t * b[i]!);
const straight = (a: readonly number[], b: readonly number[], n: number) => Array.from({ length: n }, (_, i) => lerp(a, b, i / (n - 1)));

test('the distance is the RMS difference in dB', () => {
  assert.equal(rmsDistanceDb([0, 0, 0, 0], [1, -1, 1, -1]), 1);
  assert.equal(rmsDistanceDb([0, 0], [3, 4]), Math.sqrt(12.5));
});

test('a straight interpolation between two responses is monotonic, even, straight, with no midpoint error or excursion', () => {
  fc.assert(
    fc.property(curve, curve, (a, b) => {
      fc.pre(rmsDistanceDb(a, b) > 1e-3);
      const m = pathMetrics(straight(a, b, 101));
      assert.equal(m.monotonic, true);
      assert.ok(Math.abs(m.lengthRatio - 1) < 1e-6);
      assert.ok(Math.abs(m.stepRatio - 1) < 1e-6);
      assert.ok(m.midpointDb < 1e-9);
      assert.ok(m.excursionDb < 1e-9);
    }),
  );
});

test('a path that falls back toward A by more than 0.1 dB is not monotonic, and the fall is reported', () => {
  const a = [0, 0, 0, 0];
  const b = [4, 4, 4, 4];
  const path = [a, [2, 2, 2, 2], [1.5, 1.5, 1.5, 1.5], [3, 3, 3, 3], b];
  const m = pathMetrics(path);
  assert.equal(m.monotonic, false);
  assert.ok(Math.abs(m.worstBacktrackDb - 0.5) < 1e-9);
});

test('a fall within the 0.1 dB slack still counts as monotonic', () => {
  const m = pathMetrics([[0], [2], [1.95], [4]]);
  assert.equal(m.monotonic, true);
});

test('a bump neither end asks for is an excursion, and the midpoint error sees it', () => {
  const m = pathMetrics([[0, 0], [1, 3], [2, 0]]);
  assert.equal(m.excursionDb, 3);
  assert.ok(Math.abs(m.midpointDb - Math.sqrt((0 + 9) / 2)) < 1e-12);
});

test('uneven travel shows in the step ratio; a detour in the length ratio', () => {
  const uneven = pathMetrics([[0], [0.1], [0.2], [4]]);
  assert.ok(Math.abs(uneven.stepRatio - 3.8 / (4 / 3)) < 1e-9);
  const detour = pathMetrics([[0, 0], [0, 2], [2, 2], [2, 0]]);
  assert.ok(Math.abs(detour.lengthRatio - 3) < 1e-9);
});

test('quantiles interpolate between order statistics', () => {
  assert.equal(quantile([3, 1, 2], 0.5), 2);
  assert.equal(quantile([1, 2, 3, 4], 0.5), 2.5);
  assert.equal(quantile([1, 2, 3, 4], 1), 4);
  assert.ok(Number.isNaN(quantile([], 0.5)));
});

test('a summary counts the monotonic share and excursions over 1.5 dB', () => {
  const s = summarisePaths([pathMetrics([[0], [1], [2]]), pathMetrics([[0, 0], [1, 3], [2, 0]])]);
  assert.equal(s.pairs, 2);
  assert.equal(s.monotonicShare, 0.5);
  assert.equal(s.excursionDb.over1p5, 1);
});
