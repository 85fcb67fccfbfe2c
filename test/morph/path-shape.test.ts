import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { PARAMS } from '../../src/eq/bands.js';
import { logGrid } from '../../src/eq/grid.js';
import { responseFromParams } from '../../src/eq/response.js';
import { MONOTONIC_SLACK_DB, pathMetrics, rmsDistanceDb } from '../../src/model/path-metrics.js';
import { evenPath, mixRows, shapePath, straightenPath } from '../../src/morph/path-shape.js';

const GRID = logGrid(64);
// Settings drawn uniformly over each parameter's range (frequency and Q log-uniformly), away from the range ends.
const row = fc.tuple(
  ...PARAMS.map((p) =>
    fc.integer({ min: 50, max: 950 }).map((i) => (p.kind === 'gain' ? p.range.min + (i / 1000) * (p.range.max - p.range.min) : p.range.min * (p.range.max / p.range.min) ** (i / 1000))),
  ),
);
const straightRows = (a: readonly number[], b: readonly number[], n: number) => Array.from({ length: n }, (_, i) => mixRows(a, b, i / (n - 1)));

test('mixing two rows keeps gains linear and frequencies and Qs geometric, and returns the ends at 0 and 1', () => {
  const a = [0, 100, 2, 200, 1, 0, 1000, 1, 0, 4000, 1, 0, 8000];
  const b = [6, 400, -2, 800, 4, 0, 1000, 1, 0, 4000, 1, 0, 8000];
  const mid = mixRows(a, b, 0.5);
  assert.equal(mid[0], 3);
  assert.ok(Math.abs(mid[1]! - 200) < 1e-9);
  assert.ok(Math.abs(mid[4]! - 2) < 1e-9);
  assert.deepEqual(mixRows(a, b, 0), a);
});

test('an evened path keeps its ends and spreads its change evenly over α', () => {
  fc.assert(
    fc.property(row, row, (a, b) => {
      fc.pre(rmsDistanceDb(responseFromParams(a, GRID), responseFromParams(b, GRID)) > 0.5);
      // A path that lingers near A for most of its samples, then hurries to B.
      const lingering = Array.from({ length: 65 }, (_, i) => mixRows(a, b, (i / 64) ** 3));
      const even = evenPath(lingering);
      assert.deepEqual(even[0], lingering[0]);
      assert.deepEqual(even[64], lingering[64]);
      const steps = even.slice(1).map((r, i) => rmsDistanceDb(responseFromParams(r, GRID), responseFromParams(even[i]!, GRID)));
      const mean = steps.reduce((x, y) => x + y, 0) / steps.length;
      assert.ok(Math.max(...steps) / mean < 2, `step ratio ${Math.max(...steps) / mean}`);
    }),
    { numRuns: 15 },
  );
});

test('a straightened path keeps both ends’ rows exactly and passes within its reported stray of the straight line between their responses', () => {
  fc.assert(
    fc.property(row, row, (a, b) => {
      const rows = straightRows(a, b, 65);
      const s = straightenPath(rows);
      assert.equal(s.rows.length, 65);
      assert.deepEqual(s.rows[0], rows[0]);
      assert.deepEqual(s.rows[64], rows[64]);
      const ra = responseFromParams(a, GRID);
      const rb = responseFromParams(b, GRID);
      // An independent check of the reported stray: every row against its point on the straight line.
      const stray = Math.max(...s.rows.map((r, i) => rmsDistanceDb(responseFromParams(r, GRID), ra.map((v, f) => v + (i / 64) * (rb[f]! - v)))));
      assert.ok(Math.abs(stray - s.worstStrayDb) < 1e-9, `stray ${stray} vs reported ${s.worstStrayDb}`);
      const m = pathMetrics(s.rows.map((r) => responseFromParams(r, GRID)));
      assert.ok(m.midpointDb <= s.worstStrayDb + 1e-9, `midpoint ${m.midpointDb.toFixed(3)} dB, stray ${s.worstStrayDb.toFixed(3)}`);
    }),
    { numRuns: 6 },
  );
});

test('a straightened path never falls shorter than the path it was given (falls back, excursion past 1 dB, length beyond twice the straight distance, distance from the straight line)', () => {
  fc.assert(
    fc.property(row, row, (a, b) => {
      const rows = straightRows(a, b, 65);
      const ra = responseFromParams(a, GRID);
      const rb = responseFromParams(b, GRID);
      const shortfall = (path: readonly (readonly number[])[]) => {
        const m = pathMetrics(path.map((r) => responseFromParams(r, GRID)));
        const stray = Math.max(...path.map((r, i) => rmsDistanceDb(responseFromParams(r, GRID), ra.map((v, f) => v + (i / 64) * (rb[f]! - v)))));
        const excursion = Math.max(0, m.excursionDb - 1) + 10 * Math.max(0, m.excursionDb - 1.5);
        const wander = Math.max(0, (m.lengthRatio - 2) * m.straightDb);
        return 10 * Math.max(0, m.worstBacktrackDb - MONOTONIC_SLACK_DB) + excursion + wander + stray;
      };
      assert.ok(shortfall(straightenPath(rows).rows) <= shortfall(rows) + 1e-9);
    }),
    { numRuns: 6 },
  );
});

test('a shaped path between settings the fitter can reach everywhere is monotonic and even', () => {
  // Two EQs that differ only in gains: every straight-line response between them is a 5-band EQ (almost exactly).
  fc.assert(
    fc.property(row, fc.array(fc.integer({ min: -100, max: 100 }), { minLength: 5, maxLength: 5 }), (a, dg) => {
      const b = a.slice();
      [0, 2, 5, 8, 11].forEach((j, k) => (b[j] = Math.max(-12, Math.min(12, a[j]! + dg[k]! / 20))));
      fc.pre(rmsDistanceDb(responseFromParams(a, GRID), responseFromParams(b, GRID)) > 0.5);
      const m = pathMetrics(shapePath(straightRows(a, b, 65)).map((r) => responseFromParams(r, GRID)));
      assert.equal(m.monotonic, true, `backtrack ${m.worstBacktrackDb}`);
      assert.ok(m.stepRatio < 1.5, `step ratio ${m.stepRatio}`);
    }),
    { numRuns: 8 },
  );
});
