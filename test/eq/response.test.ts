import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { BAND_SPECS, GAIN_RANGE, PARAMS, Q_RANGE, SHELF_Q, paramsToBands, type Band, type BandType } from '../../src/eq/bands.js';
import { DEFAULT_GRID, SAMPLE_RATE, logGrid } from '../../src/eq/grid.js';
import { bandDbDerivatives, bandResponseDb, biquadCoeffs, maxAbsDiffDb, meanAbsDiffDb, pearson, responseDb, responseFromParams, warpGrid, type Biquad } from '../../src/eq/response.js';
import type { Db, Hz, Q } from '../../src/eq/units.js';
import { logUniform } from '../support/arbitraries.js';

const band = (type: BandType, gain: number, freq: number, q: number): Band => ({ type, gain: gain as Db, freq: freq as Hz, q: q as Q });
const gainArb = fc.double({ min: GAIN_RANGE.min, max: GAIN_RANGE.max, noNaN: true });
const qArb = logUniform(Q_RANGE.min, Q_RANGE.max);
const typeArb = fc.constantFrom<BandType>('lowshelf', 'peaking', 'highshelf');
/** Any band of any type with any in-range frequency (the union of the layout's ranges) and Q. */
const bandArb = fc.tuple(typeArb, gainArb, logUniform(22, 20000), qArb).map(([t, g, f, q]) => band(t, g, f, q));
const paramsArb = fc.tuple(...PARAMS.map((p) => (p.kind === 'gain' ? gainArb : logUniform(p.range.min, p.range.max))));

/** Reference: |H(e^jw)| straight from the cookbook coefficients with complex arithmetic. */
function directDb(c: Biquad, f: number, fs: number): number {
  const w = (2 * Math.PI * f) / fs;
  const re = (x0: number, x1: number, x2: number) => x0 + x1 * Math.cos(w) + x2 * Math.cos(2 * w);
  const im = (x1: number, x2: number) => -x1 * Math.sin(w) - x2 * Math.sin(2 * w);
  const num = re(c.b0, c.b1, c.b2) ** 2 + im(c.b1, c.b2) ** 2;
  const den = re(c.a0, c.a1, c.a2) ** 2 + im(c.a1, c.a2) ** 2;
  return 10 * Math.log10(num / den);
}

test('the response equals direct evaluation of the cookbook biquad coefficients', () => {
  fc.assert(
    fc.property(bandArb, fc.constantFrom(44100, 48000, 96000), (b, fs) => {
      const r = bandResponseDb(b, DEFAULT_GRID, fs);
      const c = biquadCoeffs(b, fs);
      DEFAULT_GRID.forEach((f, i) => assert.ok(Math.abs(r[i]! - directDb(c, f, fs)) < 1e-6, `${b.type} at ${f} Hz`));
    }),
    { numRuns: 200 },
  );
});

test('all-zero gains give a flat response for any in-range frequencies and Qs', () => {
  fc.assert(
    fc.property(paramsArb, fc.constantFrom(44100, 48000, 96000), (params, fs) => {
      const flat = params.map((v, i) => (PARAMS[i]!.kind === 'gain' ? 0 : v));
      responseFromParams(flat, DEFAULT_GRID, fs).forEach((v) => assert.ok(Math.abs(v) < 1e-9));
    }),
  );
  fc.assert(
    fc.property(bandArb, (b) => bandResponseDb({ ...b, gain: 0 as Db }).forEach((v) => assert.ok(Math.abs(v) < 1e-9))),
  );
});

test("a peaking band's response at its centre frequency is its gain", () => {
  fc.assert(
    fc.property(gainArb, logUniform(20, 20000), qArb, fc.constantFrom(44100, 48000), (g, f, q, fs) => {
      const [atCentre] = bandResponseDb(band('peaking', g, f, q), [f], fs);
      assert.ok(Math.abs(atCentre! - g) < 1e-6, `${atCentre} vs ${g}`);
    }),
  );
});

test('a boost and a cut of equal size mirror each other, for every band type', () => {
  fc.assert(
    fc.property(bandArb, (b) => {
      const up = bandResponseDb(b);
      const down = bandResponseDb({ ...b, gain: -b.gain as Db });
      up.forEach((v, i) => assert.ok(Math.abs(v + down[i]!) < 1e-9, `${v} vs ${down[i]}`));
    }),
  );
});

test('every in-range band and every in-range EQ has a finite response everywhere up to Nyquist', () => {
  const toNyquist = logGrid(300, 1, SAMPLE_RATE / 2);
  fc.assert(fc.property(bandArb, (b) => bandResponseDb(b, toNyquist).forEach((v) => assert.ok(Number.isFinite(v)))));
  fc.assert(fc.property(paramsArb, (p) => responseFromParams(p, toNyquist).forEach((v) => assert.ok(Number.isFinite(v)))));
});

test('a strong low shelf reaches its gain well below its corner and 0 dB well above it (high shelf: the reverse)', () => {
  // Four octaves either side of the corner a Q = 0.71 shelf is within 0.05 dB of its plateau (second-order slopes).
  const strong = fc.oneof(fc.double({ min: 9, max: 12, noNaN: true }), fc.double({ min: -12, max: -9, noNaN: true }));
  fc.assert(
    fc.property(strong, logUniform(320, 1000), (g, f) => {
      const [below, above] = bandResponseDb(band('lowshelf', g, f, SHELF_Q), [f / 16, f * 16]);
      assert.ok(Math.abs(below! - g) < 0.05, `below ${below} vs ${g}`);
      assert.ok(Math.abs(above!) < 0.05, `above ${above}`);
    }),
  );
  fc.assert(
    fc.property(strong, logUniform(580, 1250), (g, f) => {
      const [below, above] = bandResponseDb(band('highshelf', g, f, SHELF_Q), [f / 16, f * 16]);
      assert.ok(Math.abs(below!) < 0.05, `below ${below}`);
      assert.ok(Math.abs(above! - g) < 0.05, `above ${above} vs ${g}`);
    }),
  );
});

test('the cascade is the sum of its bands, and the parameter vector form agrees with the band form', () => {
  fc.assert(
    fc.property(paramsArb, (params) => {
      const bands = paramsToBands(params);
      const sum = new Float64Array(DEFAULT_GRID.length);
      for (const b of bands) bandResponseDb(b).forEach((v, i) => (sum[i]! += v));
      const cascade = responseDb(bands);
      const fromParams = responseFromParams(params);
      cascade.forEach((v, i) => {
        assert.ok(Math.abs(v - sum[i]!) < 1e-9);
        assert.equal(fromParams[i], v);
      });
    }),
  );
});

test('the shelves in the layout use the fixed shelf Q and the cascade has five bands', () => {
  assert.equal(BAND_SPECS.length, 5);
  const bands = paramsToBands(PARAMS.map((p) => (p.kind === 'gain' ? 3 : Math.sqrt(p.range.min * p.range.max))));
  assert.equal(bands[0].q, SHELF_Q);
  assert.equal(bands[4].q, SHELF_Q);
});

test('mean absolute difference: zero for equal curves, symmetric, and the mean of the gaps', () => {
  const curve = fc.array(fc.double({ min: -30, max: 30, noNaN: true }), { minLength: 1, maxLength: 50 });
  fc.assert(
    fc.property(curve, fc.double({ min: -10, max: 10, noNaN: true }), (a, shift) => {
      const b = a.map((v) => v + shift);
      assert.equal(meanAbsDiffDb(a, a), 0);
      assert.ok(Math.abs(meanAbsDiffDb(a, b) - Math.abs(shift)) < 1e-9);
      assert.equal(meanAbsDiffDb(a, b), meanAbsDiffDb(b, a));
    }),
  );
  assert.throws(() => meanAbsDiffDb([1, 2], [1]), RangeError);
});

test('largest absolute difference: zero for equal curves, symmetric, the largest gap, never below the mean one', () => {
  const curve = fc.array(fc.double({ min: -30, max: 30, noNaN: true }), { minLength: 1, maxLength: 50 });
  fc.assert(
    fc.property(curve, fc.double({ min: -10, max: 10, noNaN: true }), fc.nat(), fc.double({ min: -10, max: 10, noNaN: true }), (a, shift, at, bump) => {
      const b = a.map((v) => v + shift);
      assert.equal(maxAbsDiffDb(a, a), 0);
      assert.ok(Math.abs(maxAbsDiffDb(a, b) - Math.abs(shift)) < 1e-9);
      // One point moved further: the largest gap is that point's.
      const c = b.slice();
      c[at % c.length]! += Math.sign(shift || 1) * Math.abs(bump);
      assert.ok(Math.abs(maxAbsDiffDb(a, c) - (Math.abs(shift) + Math.abs(bump))) < 1e-9);
      assert.equal(maxAbsDiffDb(a, c), maxAbsDiffDb(c, a));
      assert.ok(maxAbsDiffDb(a, c) >= meanAbsDiffDb(a, c) - 1e-12);
    }),
  );
  assert.equal(maxAbsDiffDb([], []), 0);
  assert.throws(() => maxAbsDiffDb([1, 2], [1]), RangeError);
});

test('pearson: 1 for a curve with any positive affine copy of itself, -1 with a negated one, in [-1, 1] always', () => {
  const curve = fc.array(fc.double({ min: -30, max: 30, noNaN: true }), { minLength: 3, maxLength: 50 }).filter((a) => Math.max(...a) - Math.min(...a) > 1e-3);
  fc.assert(
    fc.property(curve, fc.double({ min: 0.1, max: 10, noNaN: true }), fc.double({ min: -10, max: 10, noNaN: true }), (a, k, c) => {
      assert.ok(Math.abs(pearson(a, a.map((v) => k * v + c)) - 1) < 1e-9);
      assert.ok(Math.abs(pearson(a, a.map((v) => -k * v + c)) + 1) < 1e-9);
    }),
  );
  fc.assert(
    fc.property(curve, curve, (a, b) => {
      const n = Math.min(a.length, b.length);
      const r = pearson(a.slice(0, n), b.slice(0, n));
      assert.ok(r >= -1 && r <= 1);
    }),
  );
  assert.equal(pearson([1, 1, 1], [1, 2, 3]), 0);
});

test('curves of different lengths are refused with both lengths; an empty pair has no shape to agree on', () => {
  assert.throws(() => meanAbsDiffDb([1, 2], [1]), { name: 'RangeError', message: 'responses differ in length: 2 vs 1' });
  assert.throws(() => pearson([1], [1, 2, 3]), { name: 'RangeError', message: 'responses differ in length: 1 vs 3' });
  assert.equal(pearson([], []), 0);
});

test("bandDbDerivatives agrees with central differences of the band's dB response in gain, ln frequency and ln Q", () => {
  const grid = logGrid(64);
  // A central difference is off by about h² f'''/6. With h = 1e-5 that reached the tolerance on a sharp peak sitting on
  // a grid point near Nyquist (the example: Q 10 at 20 kHz, 44.1 kHz); 1e-6 makes it a hundred times smaller, and
  // rounding (about 1e-16 · 15 dB / h) stays far below the tolerance.
  const h = 1e-6;
  fc.assert(
    fc.property(bandArb, fc.constantFrom(44100, 48000), (b, fs) => {
      const dGain = new Float64Array(grid.length);
      const dLogFreq = new Float64Array(grid.length);
      const dLogQ = new Float64Array(grid.length);
      bandDbDerivatives(dGain, dLogFreq, dLogQ, b.type, b.gain, b.freq, b.q, warpGrid(grid, fs), fs);
      const at = (d: Partial<Band>) => bandResponseDb({ ...b, ...d }, grid, fs);
      const central = (lo: Float64Array, hi: Float64Array) => hi.map((v, i) => (v - lo[i]!) / (2 * h));
      const expected = [
        [dGain, central(at({ gain: (b.gain - h) as Db }), at({ gain: (b.gain + h) as Db }))],
        [dLogFreq, central(at({ freq: (b.freq * Math.exp(-h)) as Hz }), at({ freq: (b.freq * Math.exp(h)) as Hz }))],
        [dLogQ, central(at({ q: (b.q * Math.exp(-h)) as Q }), at({ q: (b.q * Math.exp(h)) as Q }))],
      ] as const;
      for (const [exact, numeric] of expected) {
        exact.forEach((v, i) => assert.ok(Math.abs(v - numeric[i]!) <= 1e-5 * (1 + Math.abs(v)), `${b.type} ${b.gain} dB ${b.freq} Hz Q ${b.q}: ${v} vs ${numeric[i]} at point ${i}`));
      }
    }),
    { examples: [[band('peaking', -0.24361754006447875, 19999.99998297108, 9.999999923729417), 44100]] },
  );
});
