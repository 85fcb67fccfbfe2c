// The fitter's search, held to what its options promise: starts, reseeds, the iteration budget, bounds, the pull toward
// a start, and the sentences it refuses bad input with. Each claim is checked on the response against the target
// (responseFromParams), not on the optimiser's internals.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { PARAMS } from '../../src/eq/bands.js';
import { fitParametric } from '../../src/eq/fit.js';
import { logGrid } from '../../src/eq/grid.js';
import { responseFromParams } from '../../src/eq/response.js';

const GRID40 = logGrid(40);
/** Every band at 0 dB in the log-middle of its range: a start far from any target with a shape. */
const FLAT = PARAMS.map((p) => (p.kind === 'gain' ? 0 : Math.sqrt(p.range.min * p.range.max)));
const WARM = [4, 180, 2, 250, 0.8, -2, 900, 1.2, -3, 3000, 1, -4, 6000];
/** The search space the pull is measured in: dB for gains, natural logs of Hz and Q. */
const searchOf = (p: readonly number[]) => p.map((v, j) => (PARAMS[j]!.kind === 'gain' ? v : Math.log(v)));
const sumSq = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i]! - b[i]!) ** 2;
  return s;
};

test('reseeding never leaves a fit worse than its starts alone, and the budget beyond scouting never ends worse than scouting', () => {
  const wild = fc.array(fc.double({ min: -20, max: 20, noNaN: true }), { minLength: 40, maxLength: 40 });
  fc.assert(
    fc.property(wild, (target) => {
      const reseeded = fitParametric(target, GRID40, { starts: 3, iterations: 40 });
      const plain = fitParametric(target, GRID40, { starts: 3, iterations: 40, reseed: false });
      const scouted = fitParametric(target, GRID40, { starts: 3, iterations: 20, reseed: false });
      assert.ok(reseeded.rmsDb <= plain.rmsDb + 1e-9, `reseeded ${reseeded.rmsDb} > ${plain.rmsDb}`);
      assert.ok(plain.rmsDb <= scouted.rmsDb + 1e-9, `40 iterations ${plain.rmsDb} > 20 iterations ${scouted.rmsDb}`);
    }),
    { numRuns: 12, seed: 5 },
  );
});

test('where every spread start misses, a reseed finds it: a +12 dB low shelf at 379 Hz under a -12 dB peak at 82 Hz', () => {
  const target = responseFromParams([12, 379, -12, 82, 1, 0, 286, 1, 0, 301, 1, 0, 1460], GRID40);
  const plain = fitParametric(target, GRID40, { starts: 3, iterations: 40, reseed: false });
  const reseeded = fitParametric(target, GRID40, { starts: 3, iterations: 40 });
  assert.ok(plain.rmsDb > 0.2, `without reseeds ${plain.rmsDb} dB`);
  assert.ok(reseeded.rmsDb < 1e-3, `with reseeds ${reseeded.rmsDb} dB`);
});

test('no iterations, no other starts and no reseeds: the initial settings come back as given', () => {
  const target = responseFromParams(WARM, GRID40);
  const fit = fitParametric(target, GRID40, { initial: FLAT, starts: 0, iterations: 0, reseed: false, sort: false });
  fit.params.forEach((v, j) => assert.ok(Math.abs(v - FLAT[j]!) <= 1e-9 * Math.abs(FLAT[j]!), `parameter ${j}: ${v} for ${FLAT[j]}`));
  assert.ok(Math.abs(fit.rmsDb - Math.sqrt(sumSq(responseFromParams(FLAT, GRID40), target) / 40)) < 1e-9);
});

test('iterations past the scouting budget are spent: from one flat start, 100 iterations end well below where 20 do', () => {
  const target = responseFromParams([0, 200, 12, 82, 1, 0, 2560, 1, 0, 1130, 1, 0, 2230], GRID40);
  const at = (iterations: number) => fitParametric(target, GRID40, { initial: FLAT, starts: 0, reseed: false, iterations }).rmsDb;
  const [none, scout, full] = [at(0), at(20), at(100)];
  assert.ok(scout < none && full < scout - 0.3, `0: ${none}, 20: ${scout}, 100: ${full} dB`);
});

test('from a start near reachable settings, the fit converges to the target to within a micro-decibel', () => {
  const target = responseFromParams(WARM, GRID40);
  const near = WARM.map((v, j) => (PARAMS[j]!.kind === 'gain' ? v + 0.5 : v * 1.05));
  const fit = fitParametric(target, GRID40, { initial: near, starts: 0, reseed: false });
  assert.ok(fit.rmsDb < 1e-6, `RMS ${fit.rmsDb} dB`);
});

test('a start that reproduces the target within 1e-3 dB ends the search: further starts and reseeds change nothing', () => {
  const target = responseFromParams(WARM, GRID40);
  const near = WARM.map((v, j) => (PARAMS[j]!.kind === 'gain' ? v + 0.5 : v * 1.05));
  for (const iterations of [2, 3, 4]) {
    const alone = fitParametric(target, GRID40, { initial: near, starts: 0, reseed: false, iterations });
    assert.ok(alone.rmsDb < 1e-3, `${iterations} iterations: ${alone.rmsDb} dB`);
    assert.deepEqual(fitParametric(target, GRID40, { initial: near, starts: 8, iterations }).params, alone.params);
  }
});

test('a pull toward the initial settings: the fit minimises squared error plus the pull, and a stronger pull stays nearer', () => {
  const target = responseFromParams(WARM, GRID40);
  const initial = WARM.map((v, j) => (j === 5 ? v + 4 : j === 6 ? v * 1.3 : v)); // band 3 off by 4 dB and 30 % in frequency
  const objective = (p: readonly number[], w: number) => sumSq(responseFromParams(p, GRID40), target) + w * sumSq(searchOf(p), searchOf(initial));
  let lastDistance = Infinity;
  let lastRms = 0;
  for (const w of [0.05, 1, 10]) {
    const fit = fitParametric(target, GRID40, { initial, stayNear: w, starts: 0, reseed: false, sort: false });
    const reached = objective(fit.params, w);
    // at least as good as staying put, and as good as the unpulled answer (the target's own settings)
    assert.ok(reached < objective(initial, w) && reached <= objective(WARM, w) + 1e-9, `pull ${w}: ${reached} against ${objective(initial, w)} and ${objective(WARM, w)}`);
    // and a minimum of it: no small move of one parameter (0.01 dB, or 1 % in frequency or Q) lowers it
    PARAMS.forEach((p, j) => {
      for (const step of [-0.01, 0.01]) {
        const moved = fit.params.map((v, k) => (k !== j ? v : p.kind === 'gain' ? v + step : v * Math.exp(step)));
        assert.ok(objective(moved, w) >= reached - 1e-6, `pull ${w}: moving parameter ${j} by ${step} lowers ${reached} to ${objective(moved, w)}`);
      }
    });
    const distance = sumSq(searchOf(fit.params), searchOf(initial));
    assert.ok(distance < lastDistance && fit.rmsDb > lastRms, `pull ${w}: distance ${distance}, RMS ${fit.rmsDb}`);
    [lastDistance, lastRms] = [distance, fit.rmsDb];
  }
});

test('a weight of k counts its point k times: the same fit, step for step, as the target with that point repeated', () => {
  const target = Array.from(responseFromParams([12, 379, -12, 82, 1, 0, 286, 1, 0, 301, 1, 0, 1460], GRID40));
  const weights = target.map((_, i) => (i % 5 === 0 ? 3 : i % 7 === 0 ? 0 : 1));
  const repeat = <T>(xs: readonly T[]) => xs.flatMap((x, i) => Array<T>(weights[i]!).fill(x));
  for (const opts of [{ initial: FLAT, starts: 0, reseed: false, iterations: 5 }, { starts: 2, iterations: 30 }]) {
    const weighted = fitParametric(target, GRID40, { ...opts, weights });
    const repeated = fitParametric(repeat(target), repeat(Array.from(GRID40)), opts);
    weighted.params.forEach((v, j) => assert.ok(Math.abs(v - repeated.params[j]!) <= 1e-6 * Math.max(1, Math.abs(v)), `parameter ${j}: ${v} weighted, ${repeated.params[j]} repeated`));
    assert.ok(Math.abs(weighted.rmsDb - repeated.rmsDb) < 1e-9 && Math.abs(weighted.maeDb - repeated.maeDb) < 1e-9);
  }
});

test('bounds that pin a parameter (min = max) hold it there, and the other parameters still fit', () => {
  const target = responseFromParams(WARM, GRID40);
  const min = PARAMS.map((p) => p.range.min);
  const max = PARAMS.map((p) => p.range.max);
  [min[6], max[6]] = [900, 900]; // band 3's frequency, where the target has it
  const fit = fitParametric(target, GRID40, { bounds: { min, max } });
  assert.ok(Math.abs(fit.params[6]! - 900) < 1e-9, `${fit.params[6]}`);
  assert.ok(fit.maeDb < 0.05, `MAE ${fit.maeDb} dB`);
});

test('bad input is refused with a sentence that names what is wrong', () => {
  const zeros = new Float64Array(40);
  const cases: [() => unknown, RegExp][] = [
    [() => fitParametric([1, 2, 3], GRID40), /^target has 3 points but 40 frequencies$/],
    [() => fitParametric([], []), /^cannot fit an empty target$/],
    [() => fitParametric([0, NaN], [100, 200]), /^bad target point 1: 200 Hz, NaN dB$/],
    [() => fitParametric([0, 0], [100, 0]), /^bad target point 1: 0 Hz, 0 dB$/],
    [() => fitParametric(zeros, GRID40, { weights: [1, 1] }), /^2 weights for 40 points$/],
    [() => fitParametric([0, 0], [100, 200], { weights: [1, -1] }), /^weight 1 is -1$/],
    [() => fitParametric([0, 0], [100, 200], { weights: [Infinity, 1] }), /^weight 0 is Infinity$/],
    [() => fitParametric(zeros, GRID40, { weights: zeros }), /^all weights are zero$/],
    [() => fitParametric(zeros, GRID40, { initial: [1, 2] }), /^initial has 2 parameters, the layout has 13$/],
    [() => fitParametric(zeros, GRID40, { bounds: { min: [0], max: [1, 2] } }), /^bounds need 13 values each, got 1 and 2$/],
    [() => fitParametric(zeros, GRID40, { bounds: { min: PARAMS.map((p) => p.range.min), max: PARAMS.map((p, j) => (j === 1 ? 10 : p.range.max)) } }), /^bounds for parameter 1 \(freq\) leave no room inside the band's range$/],
  ];
  for (const [call, message] of cases) assert.throws(call, (e: unknown) => e instanceof RangeError && message.test(e.message), String(message));
});
