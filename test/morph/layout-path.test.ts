import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { GAIN_RANGE, PARAMS, type Band, type BandSpec, type ParamSteps } from '../../src/eq/bands.js';
import { fitParametric } from '../../src/eq/fit.js';
import { DEFAULT_GRID } from '../../src/eq/grid.js';
import { meanAbsDiffDb, responseDb, responseFromParams } from '../../src/eq/response.js';
import { FIT_GRID, fitAlongPath, fitPath, fitLayoutSample, layoutBands, layoutTable, pathPeaks, readLayoutTable, seedFromSource, storedLayoutTable } from '../../src/morph/layout-path.js';
import { nearestStep } from '../../src/morph/layout-steps.js';
import { logUniform, positionArb } from '../support/arbitraries.js';
import { FOUR_BANDS } from '../support/layouts.js';

const settingsArb = fc.tuple(...PARAMS.map((p) => (p.kind === 'gain' ? fc.double({ min: GAIN_RANGE.min, max: GAIN_RANGE.max, noNaN: true }) : logUniform(p.range.min, p.range.max))));

const FOUR: BandSpec[] = [...FOUR_BANDS];
const SIX: BandSpec[] = [FOUR[0]!, FOUR[1]!, FOUR[1]!, FOUR[1]!, FOUR[1]!, FOUR[3]!];
/** A narrower target: gains only +-6 dB, Q 0.5..4. */
const NARROW: BandSpec[] = FOUR.map((s) => ({ ...s, gain: { min: -6, max: 6 }, q: { min: 0.5, max: 4 } }));

function inRange(specs: readonly BandSpec[], bands: ReturnType<typeof layoutBands>): void {
  bands.forEach((b, k) => {
    const s = specs[k]!;
    assert.ok(b.gain >= s.gain!.min - 1e-9 && b.gain <= s.gain!.max + 1e-9, `band ${k + 1} gain ${b.gain}`);
    assert.ok(b.freq >= s.freq.min * (1 - 1e-9) && b.freq <= s.freq.max * (1 + 1e-9), `band ${k + 1} freq ${b.freq}`);
    if (s.fixedQ === null) assert.ok(b.q >= s.q!.min * (1 - 1e-9) && b.q <= s.q!.max * (1 + 1e-9), `band ${k + 1} q ${b.q}`);
    else assert.equal(b.q, s.fixedQ);
  });
}

/** A straight path in parameter space between two settings (gains linear, frequencies and Qs geometric). */
function path(a: readonly number[], b: readonly number[], steps: number): number[][] {
  return Array.from({ length: steps }, (_, i) => a.map((x, j) => (PARAMS[j]!.kind === 'gain' ? x + (i / (steps - 1)) * (b[j]! - x) : x * (b[j]! / x) ** (i / (steps - 1)))));
}

test('range: for any source path and any alpha, every fitted value is inside the layout its target declares', () => {
  fc.assert(
    fc.property(settingsArb, settingsArb, fc.constantFrom(FOUR, SIX, NARROW), fc.array(positionArb, { minLength: 1, maxLength: 8 }), (a, b, specs, alphas) => {
      const table = layoutTable(specs, fitPath(path(a, b, 5), specs));
      for (const x of alphas) inRange(specs, readLayoutTable(table, x));
    }),
    { numRuns: 12, seed: 7 },
  );
});

test('six bands reproduce any five-band setting: the seed copies every band, so the fit error is near zero', () => {
  fc.assert(
    fc.property(settingsArb, (row) => {
      const fit = fitLayoutSample(row, SIX);
      const err = meanAbsDiffDb(responseDb(layoutBands(SIX, fit.params), DEFAULT_GRID), responseFromParams(row, DEFAULT_GRID));
      assert.ok(err < 0.05, `${err.toFixed(3)} dB`);
    }),
    { numRuns: 15, seed: 11 },
  );
});

test('four bands fit any single peak between two shelves exactly: a layout that can say it, says it', () => {
  fc.assert(
    fc.property(fc.double({ min: -10, max: 10, noNaN: true }), logUniform(200, 5000), logUniform(0.5, 4), (g, f, q) => {
      const row = [2, 100, 0, 1000, 1, g, f, q, 0, 3000, 1, -2, 8000]; // flat 2nd and 4th band
      const fit = fitLayoutSample(row, FOUR);
      const err = meanAbsDiffDb(responseDb(layoutBands(FOUR, fit.params), DEFAULT_GRID), responseFromParams(row, DEFAULT_GRID));
      assert.ok(err < 0.05, `${err.toFixed(3)} dB`);
    }),
    { numRuns: 10, seed: 5 },
  );
});

test('the seed from eqmorph bands is inside the layout, keeps the shelves, and starts spare peaking bands flat', () => {
  const row = [3, 120, 4, 300, 1, -1, 1500, 2, 2, 4000, 1.5, -3, 9000];
  const four = layoutBands(FOUR, seedFromSource(row, FOUR));
  inRange(FOUR, four);
  assert.deepEqual([four[0]!.gain, four[0]!.freq, four[3]!.gain, four[3]!.freq], [3, 120, -3, 9000]);
  assert.deepEqual(four.slice(1, 3).map((b) => b.freq), [300, 4000], 'the two strongest peaks, by frequency');
  const six = layoutBands(SIX, seedFromSource(row, SIX));
  assert.equal(six.filter((b) => b.gain === 0).length, 1);
});

test('a table read at a sample gives that sample back; between samples it interpolates', () => {
  const rows = path([3, 120, 4, 300, 1, -1, 1500, 2, 2, 4000, 1.5, -3, 9000], [-2, 200, 1, 250, 0.8, 3, 2000, 1, -1, 5000, 2, 4, 7000], 3);
  const fits = fitPath(rows, FOUR);
  const table = layoutTable(FOUR, fits);
  readLayoutTable(table, 0.5).forEach((b, k) => {
    assert.ok(Math.abs(b.gain - fits[1]!.bands[k]!.gain) < 1e-9);
    assert.ok(Math.abs(b.freq / fits[1]!.bands[k]!.freq - 1) < 1e-9);
  });
  const mid = readLayoutTable(table, 0.25);
  mid.forEach((b, k) => assert.ok(Math.abs(b.gain - (fits[0]!.bands[k]!.gain + fits[1]!.bands[k]!.gain) / 2) < 1e-9));
});

/** A layout of two shelves around `peaks` peaking bands, every range wide enough to hold any of eqmorph's bands unclamped. */
function wideLayout(peaks: number): BandSpec[] {
  const range = { gain: { min: -15, max: 15 }, q: { min: 0.1, max: 10 } };
  const peak: BandSpec = { type: 'peaking', freq: { min: 20, max: 20000 }, fixedQ: null, ...range };
  return [{ type: 'lowshelf', freq: { min: 20, max: 20000 }, fixedQ: 0.71, ...range }, ...Array.from({ length: peaks }, () => peak), { type: 'highshelf', freq: { min: 20, max: 20000 }, fixedQ: 0.71, ...range }];
}

test('seed: for any setting, the shelves are copied, the peaking bands are the strongest by |gain| in ascending frequency, and spares start flat, spread evenly in log frequency', () => {
  fc.assert(
    fc.property(settingsArb, fc.integer({ min: 1, max: 5 }), (row, k) => {
      const src = [[row[2]!, row[3]!, row[4]!], [row[5]!, row[6]!, row[7]!], [row[8]!, row[9]!, row[10]!]];
      fc.pre(new Set(src.map((p) => Math.abs(p[0]!))).size === 3);
      const specs = wideLayout(k);
      const seed = layoutBands(specs, seedFromSource(row, specs));
      assert.deepEqual([seed[0]!.gain, seed[0]!.freq, seed.at(-1)!.gain, seed.at(-1)!.freq], [row[0], row[1], row[11], row[12]]);
      const strongest = src
        .slice()
        .sort((a, b) => Math.abs(b[0]!) - Math.abs(a[0]!))
        .slice(0, Math.min(k, 3))
        .sort((a, b) => a[1]! - b[1]!);
      const peaks = seed.slice(1, -1);
      assert.deepEqual(peaks.slice(0, strongest.length).map((b) => [b.gain, b.freq, b.q]), strongest);
      const spares = peaks.slice(strongest.length);
      spares.forEach((b, s) => {
        assert.deepEqual([b.gain, b.q], [0, 1]);
        assert.ok(Math.abs(Math.log(b.freq / 20) / Math.log(1000) - (s + 1) / (spares.length + 1)) < 1e-9, `spare ${s + 1} at ${b.freq} Hz`);
      });
    }),
    // The strongest peak at the top of the Q range (drawn once as 10.000000000000002, an ulp past it, and clamped).
    { numRuns: 200, seed: 3, examples: [[[0, 22, 0, 82, 1, -5e-324, 180, 1, -1e-323, 220, 10, 0, 580], 1]] },
  );
});

test('seed: named source peaks are used in the order given', () => {
  const row = [3, 120, 4, 300, 1, -1, 1500, 2, 2, 4000, 1.5, -3, 9000];
  const seed = layoutBands(wideLayout(2), seedFromSource(row, wideLayout(2), [2, 0]));
  assert.deepEqual(seed.slice(1, 3).map((b) => [b.gain, b.freq, b.q]), [[2, 4000, 1.5], [4, 300, 1]]);
});

/** Runs fitAlongPath to its end, counting its yields: it yields once after each fit. */
function countFits(rows: readonly number[][], specs: readonly BandSpec[]): { fits: number; result: ReturnType<typeof fitPath> } {
  const run = fitAlongPath(rows, specs);
  let fits = 0;
  for (;;) {
    const next = run.next();
    if (next.done) return { fits, result: next.value };
    fits++;
  }
}

const A = [3, 120, 4, 300, 1, -1, 1500, 2, 2, 4000, 1.5, -3, 9000];
const B = [-2, 200, 1, 250, 0.8, 3, 2000, 1, -1, 5000, 2, 4, 7000];

test('a layout that copies every band fits a long path straight in its terms at every fourth row only, and interpolates the rows between', () => {
  const rows = path(A, B, 33);
  const { fits, result } = countFits(rows, SIX);
  assert.equal(fits, 9); // rows 0, 4, ..., 32
  assert.equal(countFits(rows, [SIX[0]!, SIX[1]!, SIX[2]!, SIX[3]!, SIX[5]!]).fits, 9, 'five bands, as many as eqmorph has');
  assert.equal(result.length, 33);
  for (const f of result) assert.ok(f.maeDb < 0.05, `${f.maeDb} dB`);
});

test('a short path, or a layout that cannot copy every band, is fitted at every row (a chain from both ends: twice)', () => {
  assert.equal(countFits(path(A, B, 9), SIX).fits, 9);
  assert.equal(countFits(path(A, B, 12), FOUR).fits, 24);
  const noLowShelf = SIX.map((s) => (s.type === 'lowshelf' ? FOUR[1]! : s));
  const noHighShelf = SIX.map((s) => (s.type === 'highshelf' ? FOUR[1]! : s));
  const twoPeaks = [FOUR[0]!, FOUR[1]!, FOUR[1]!, FOUR[3]!, FOUR[3]!];
  for (const specs of [noLowShelf, noHighShelf, twoPeaks]) assert.equal(countFits(path(A, B, 12), specs).fits, 24);
});

test('a layout with room for every band whose copy of some row is clamped (a Q below its lowest) is fitted as a chain from both ends', () => {
  // A's first peaking band has Q 1, B's first two 0.8 and 1: peaking bands that start at Q 1.2 cannot copy them.
  const broadQ = SIX.map((s) => (s.type === 'peaking' ? { ...s, q: { min: 1.2, max: 10 } } : s));
  assert.equal(countFits(path(A, B, 9), SIX).fits, 9, 'every copy exact: one fit per row');
  assert.equal(countFits(path(A, B, 9), broadQ).fits, 18, 'a clamped copy: a chain from each end');
});

test('path peaks: the source peaking bands strongest on average over the path (mean |gain|), ordered by their mean frequency', () => {
  fc.assert(
    fc.property(fc.array(settingsArb, { minLength: 1, maxLength: 6 }), fc.integer({ min: 1, max: 3 }), (rows, k) => {
      const stats = [0, 1, 2].map((i) => ({
        i,
        gain: rows.reduce((s, r) => s + Math.abs(r[2 + 3 * i]!), 0),
        logFreq: rows.reduce((s, r) => s + Math.log(r[3 + 3 * i]!), 0),
      }));
      fc.pre(new Set(stats.map((x) => x.gain)).size === 3);
      const expected = stats
        .sort((a, b) => b.gain - a.gain)
        .slice(0, k)
        .sort((a, b) => a.logFreq - b.logFreq)
        .map((x) => x.i);
      assert.deepEqual(pathPeaks(rows, wideLayout(k)), expected);
    }),
    { numRuns: 200, seed: 9 },
  );
});

test('a path fitted to a layout with steps has both ends on the steps, each with the error of its own parameters on the fit grid', () => {
  const g: ParamSteps = { kind: 'linear', min: -15, max: 15, count: 121 };
  const f: ParamSteps = { kind: 'log', min: 20, max: 20000, count: 201 };
  const q: ParamSteps = { kind: 'log', min: 0.3, max: 10, count: 72 };
  // every band on steps but the high shelf, which is continuous
  const stepped = FOUR.map((s, k) => (k < 3 ? { ...s, steps: { gain: g, freq: f, q } } : s));
  const scales = stepped.flatMap((s) => (s.fixedQ === null ? [g, f, q] : [g, f])).slice(0, 8);
  const rows = path(A, B, 5);
  const fits = fitPath(rows, stepped);
  const onStep = (j: number, v: number) => Math.abs(nearestStep(scales[j]!, v) - v) <= 1e-9 * Math.max(1, Math.abs(v));
  for (const k of [0, rows.length - 1]) {
    const fit = fits[k]!;
    fit.params.slice(0, 8).forEach((v, j) => assert.ok(onStep(j, v), `row ${k} parameter ${j}: ${v}`));
    const r = responseDb(layoutBands(stepped, fit.params), FIT_GRID);
    const t = responseFromParams(rows[k]!, FIT_GRID);
    assert.ok(Math.abs(fit.maeDb - meanAbsDiffDb(r, t)) < 1e-12);
    assert.ok(Math.abs(fit.rmsDb - Math.sqrt(r.reduce((s, v, i) => s + (v - t[i]!) ** 2, 0) / r.length)) < 1e-12);
    assert.deepEqual(fit.bands, layoutBands(stepped, fit.params));
  }
  const off = fits[2]!.params.slice(0, 8).filter((v, j) => !onStep(j, v));
  assert.ok(off.length > 0, 'a sample between the ends is left as fitted');
});

test('a stored table is read back for its own layout, and refused for another width, a short table or values of another length', () => {
  const fits = fitPath(path(A, B, 3), FOUR);
  const table = layoutTable(FOUR, fits);
  const back = storedLayoutTable(FOUR, table)!;
  assert.deepEqual([back.steps, back.width, [...back.logColumn]], [3, 10, [0, 1, 0, 1, 1, 0, 1, 1, 0, 1]]);
  assert.deepEqual([...table.maeDb], fits.map((f) => f.maeDb));
  assert.deepEqual(readLayoutTable(back, 0.3), readLayoutTable(table, 0.3));
  assert.equal(storedLayoutTable(SIX, table), null);
  assert.equal(storedLayoutTable(FOUR, { ...table, values: table.values.subarray(10) }), null);
  assert.equal(storedLayoutTable(FOUR, { width: 10, values: table.values.subarray(0, 10), maeDb: table.maeDb.subarray(0, 1) }), null);
  assert.throws(() => layoutTable(FOUR, fits.slice(0, 1)), RangeError);
  assert.equal(layoutTable(FOUR, fits.slice(0, 2)).steps, 2, 'two samples make a table');
});

test('a table read outside 0..1 gives its end samples', () => {
  const fits = fitPath(path(A, B, 3), FOUR);
  const table = layoutTable(FOUR, fits);
  const close = (a: readonly Band[], b: readonly Band[]) =>
    a.forEach((x, k) => assert.ok(Math.abs(x.gain - b[k]!.gain) < 1e-9 && Math.abs(x.freq / b[k]!.freq - 1) < 1e-9 && Math.abs(x.q / b[k]!.q - 1) < 1e-9));
  close(readLayoutTable(table, -0.5), fits[0]!.bands);
  close(readLayoutTable(table, 1), fits[2]!.bands);
  close(readLayoutTable(table, 7), fits[2]!.bands);
});

test('where a path bends between two fitted rows, the row between is fitted too and each half checked again, so every row keeps its fit', () => {
  const C = [0, 150, -4, 600, 3, 5, 1200, 0.7, -2, 6000, 1, 1, 8000];
  const rows = [...path(A, C, 7), ...path(C, B, 27).slice(1)]; // 33 rows, the bend at row 6, between the fitted rows 4 and 8
  const { fits, result } = countFits(rows, SIX);
  assert.equal(fits, 10); // rows 0, 4, ..., 32, and 6
  for (const f of result) assert.ok(f.maeDb < 0.05, `${f.maeDb} dB`);
});

test('a warm-started fit keeps the bands in the order it was given, even where their frequencies cross', () => {
  const row = [0, 100, 6, 2500, 2, 0, 1200, 1, -5, 600, 2, 0, 9000]; // +6 dB at 2.5 kHz, -5 dB at 600 Hz
  const previous = [0, 100, 6, 2500, 2, -5, 600, 2, 0, 9000]; // FOUR: the boost is the first peaking band
  const fit = fitLayoutSample(row, FOUR, previous);
  assert.ok(fit.bands[1]!.freq > 2000 && fit.bands[2]!.freq < 800, `${fit.bands[1]!.freq} Hz, ${fit.bands[2]!.freq} Hz`);
  assert.ok(fit.maeDb < 0.05, `${fit.maeDb} dB`);
});

test('a layout that cannot copy every band is fitted as a chain from each end, and the chain with the smaller worst error is kept', () => {
  const chain = (rows: readonly number[][], peaks: readonly number[]) => {
    let previous: number[] | undefined;
    return rows.map((row) => {
      const fit = previous ? fitLayoutSample(row, FOUR, previous) : fitParametric(responseFromParams(row, FIT_GRID), FIT_GRID, { bands: FOUR, initial: seedFromSource(row, FOUR, peaks), sort: false });
      previous = fit.params;
      return fit;
    });
  };
  const worst = (fits: readonly { maeDb: number }[]) => Math.max(...fits.map((f) => f.maeDb));
  const there = path(A, B, 9);
  const fromA = chain(there, pathPeaks(there, FOUR));
  const fromB = chain(there.slice().reverse(), pathPeaks(there, FOUR)).reverse();
  assert.notEqual(worst(fromA), worst(fromB), 'a path whose two chains differ');
  const better = worst(fromA) < worst(fromB) ? fromA : fromB;
  const worse = better === fromA ? fromB : fromA;
  // Either way round, the path keeps the better chain: read backwards, the chain from B is the forward one.
  assert.deepEqual(fitPath(there, FOUR).map((f) => f.params), better.map((f) => f.params));
  assert.deepEqual(fitPath(there.slice().reverse(), FOUR).map((f) => f.params), better.slice().reverse().map((f) => f.params));
  assert.notDeepEqual(better.map((f) => f.params), worse.map((f) => f.params));
});
