import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { GAIN_RANGE, PARAMS, Q_RANGE, inRange, type BandSpec } from '../../src/eq/bands.js';
import { fitParametric } from '../../src/eq/fit.js';
import { logGrid } from '../../src/eq/grid.js';
import { meanAbsDiffDb, responseDb, responseFromParams } from '../../src/eq/response.js';
import { logUniform } from '../support/arbitraries.js';

const GRID40 = logGrid(40);
const gainArb = fc.double({ min: GAIN_RANGE.min, max: GAIN_RANGE.max, noNaN: true });
const settingsArb = fc.tuple(...PARAMS.map((p) => (p.kind === 'gain' ? gainArb : logUniform(p.range.min, p.range.max))));

function assertSortedPeaking(params: readonly number[]): void {
  const f = [params[3]!, params[6]!, params[9]!]; // b2.freq, b3.freq, b4.freq
  assert.ok(f[0]! <= f[1]! && f[1]! <= f[2]!, `peaking bands not sorted: ${f.join(', ')}`);
}

test('a fit recovers the response of any in-range settings within 0.5 dB from 40 log-spaced points', () => {
  // The fit is a multi-start local search, so this is a statistical claim: on 5,000 random settings (offline) it
  // missed 0.5 dB about once in 1,000 fits (worst seen 0.71 dB). The seed is fixed so CI does not flake on that tail.
  fc.assert(
    fc.property(settingsArb, (truth) => {
      const target = responseFromParams(truth, GRID40);
      const fit = fitParametric(target, GRID40);
      const mae = meanAbsDiffDb(responseFromParams(fit.params, GRID40), target);
      assert.ok(mae < 0.5, `MAE ${mae.toFixed(3)} dB for ${truth.map((v) => v.toFixed(2)).join(' ')}`);
      assert.ok(Math.abs(mae - fit.maeDb) < 1e-9, 'reported MAE describes the returned parameters');
    }),
    { numRuns: 20, seed: 20240611 },
  );
});

test('fixed examples are recovered: a warm tilt, a bright presence boost, a narrow notch, a flat EQ', () => {
  const examples: number[][] = [
    [4, 180, 2, 250, 0.8, -2, 900, 1.2, -3, 3000, 1, -4, 6000], // warm
    [-2, 120, -1, 300, 1, 3, 2500, 1.5, 5, 5000, 0.9, 6, 8000], // bright
    [0, 100, 0, 400, 1, -12, 1000, 10, 0, 5000, 1, 0, 10000], // a narrow notch
    [0, 100, 0, 400, 1, 0, 1000, 1, 0, 5000, 1, 0, 10000], // flat
  ];
  for (const truth of examples) {
    const target = responseFromParams(truth, GRID40);
    const fit = fitParametric(target, GRID40);
    assert.ok(fit.maeDb < 0.5, `MAE ${fit.maeDb} for ${truth.join(' ')}`);
    assert.ok(inRange(fit.params));
    assertSortedPeaking(fit.params);
  }
});

test('peaking bands come back sorted by frequency even when the target was made with them out of order', () => {
  const truth = [3, 100, 6, 3000, 2, -6, 300, 2, 4, 800, 3, -3, 9000]; // b2 at 3 kHz, b3 at 300 Hz, b4 at 800 Hz
  const target = responseFromParams(truth, logGrid(60));
  const fit = fitParametric(target, logGrid(60));
  assertSortedPeaking(fit.params);
  assert.ok(inRange(fit.params));
  assert.ok(fit.maeDb < 0.1, `MAE ${fit.maeDb}`);
  assert.ok(Math.abs(fit.params[3]! - 300) < 15 && Math.abs(fit.params[6]! - 800) < 40 && Math.abs(fit.params[9]! - 3000) < 150);
});

test('whatever the target, the fit stays within bounds, sorts its peaking bands and reports consistent errors', () => {
  const wild = fc.array(fc.double({ min: -30, max: 30, noNaN: true }), { minLength: 40, maxLength: 40 });
  fc.assert(
    fc.property(wild, (target) => {
      const fit = fitParametric(target, GRID40, { starts: 3, iterations: 40 });
      assert.ok(inRange(fit.params), fit.params.join(' '));
      assertSortedPeaking(fit.params);
      assert.equal(fit.bands.length, 5);
      assert.ok(fit.rmsDb >= fit.maeDb - 1e-12 && Number.isFinite(fit.rmsDb));
      const check = responseDb(fit.bands, GRID40);
      assert.ok(Math.abs(meanAbsDiffDb(check, target) - fit.maeDb) < 1e-9);
    }),
    { numRuns: 15 },
  );
});

test('weights: points with weight 0 do not matter', () => {
  const truth = [4, 180, 2, 250, 0.8, -2, 900, 1.2, -3, 3000, 1, -4, 6000];
  const target = Array.from(responseFromParams(truth, GRID40));
  const weights = target.map((_, i) => (i % 4 === 3 ? 0 : 1));
  const spoiled = target.map((v, i) => (weights[i] === 0 ? v + 25 : v));
  const fit = fitParametric(spoiled, GRID40, { weights });
  assert.ok(fit.maeDb < 0.05, `weighted MAE ${fit.maeDb}`);
  assert.ok(meanAbsDiffDb(responseFromParams(fit.params, GRID40), target) < 0.1);
});

test('an initial guess is used as a start: from the true settings the fit is exact', () => {
  const truth = [-7, 60, 9, 150, 6, -11, 700, 9, 8, 4000, 0.3, 10, 15000];
  const target = responseFromParams(truth, GRID40);
  const fit = fitParametric(target, GRID40, { initial: truth, starts: 1 });
  assert.ok(fit.rmsDb < 1e-3, `RMS ${fit.rmsDb}`);
});

test('another band layout can be fitted: a mixer with four peaking bands', () => {
  const mixer: BandSpec[] = [
    { type: 'peaking', freq: { min: 30, max: 500 }, fixedQ: null },
    { type: 'peaking', freq: { min: 100, max: 2000 }, fixedQ: null },
    { type: 'peaking', freq: { min: 400, max: 8000 }, fixedQ: null },
    { type: 'peaking', freq: { min: 1000, max: 16000 }, fixedQ: 0.7 },
  ];
  const truthBands = [
    { type: 'peaking', gain: 5, freq: 80, q: 1 },
    { type: 'peaking', gain: -4, freq: 600, q: 2 },
    { type: 'peaking', gain: 3, freq: 3000, q: 0.8 },
    { type: 'peaking', gain: -6, freq: 9000, q: 0.7 },
  ] as const;
  const grid = logGrid(50);
  const target = responseDb(truthBands as never, grid);
  const fit = fitParametric(target, grid, { bands: mixer });
  assert.equal(fit.params.length, 11); // 3 x (gain, freq, Q) + (gain, freq)
  assert.equal(fit.bands.length, 4);
  assert.equal(fit.bands[3]!.q, 0.7);
  assert.ok(fit.maeDb < 0.5, `MAE ${fit.maeDb}`);
  fit.bands.forEach((b, i) => {
    assert.ok(b.freq >= mixer[i]!.freq.min && b.freq <= mixer[i]!.freq.max);
    assert.ok(b.q >= Q_RANGE.min && b.q <= Q_RANGE.max);
  });
  const free = fit.bands.slice(0, 3).map((b) => b.freq);
  assert.ok(free[0]! <= free[1]! && free[1]! <= free[2]!);
});

test('bad input is refused', () => {
  assert.throws(() => fitParametric([1, 2, 3], GRID40), RangeError);
  assert.throws(() => fitParametric(new Float64Array(40).fill(NaN), GRID40), RangeError);
  assert.throws(() => fitParametric(new Float64Array(40), GRID40, { weights: new Float64Array(40) }), RangeError);
  assert.throws(() => fitParametric(new Float64Array(40), GRID40, { initial: [1, 2] }), RangeError);
});

test('bounds tighter than the layout are kept: every fitted value inside them, however far the target lies outside', () => {
  const target = responseFromParams([6, 100, 8, 300, 2, -6, 1500, 1, 4, 5000, 1, 3, 9000], GRID40);
  const min = PARAMS.map((p) => (p.kind === 'gain' ? -2 : p.range.min));
  const max = PARAMS.map((p) => (p.kind === 'gain' ? 2 : p.range.max));
  const fit = fitParametric(target, GRID40, { bounds: { min, max } });
  fit.params.forEach((v, j) => assert.ok(v >= min[j]! - 1e-9 && v <= max[j]! + 1e-9, `parameter ${j}: ${v}`));
});
