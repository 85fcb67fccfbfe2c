// The 5-band layout's parameter vector, its ranges and strength scaling, against SAFE-DB's column
// order (low shelf gain, freq; peaking 1..3 gain, freq, Q; high shelf gain, freq) written out here.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { applyStrength, BAND_COUNT, bandsToParams, GAIN_RANGE, inRange, PARAM_COUNT, PARAMS, paramsToBands, Q_RANGE, SHELF_Q, type Band } from '../../src/eq/bands.js';
import { strengthArb } from '../support/arbitraries.js';

test('the 13 parameters in SAFE-DB column order, with their ranges', () => {
  assert.equal(PARAM_COUNT, 13);
  assert.equal(BAND_COUNT, 5);
  assert.deepEqual(
    PARAMS.map((p) => [p.name, p.band, p.kind, p.range.min, p.range.max]),
    [
      ['b1.gain', 0, 'gain', -12, 12],
      ['b1.freq', 0, 'freq', 22, 1000],
      ['b2.gain', 1, 'gain', -12, 12],
      ['b2.freq', 1, 'freq', 82, 3900],
      ['b2.q', 1, 'q', 0.1, 10],
      ['b3.gain', 2, 'gain', -12, 12],
      ['b3.freq', 2, 'freq', 180, 4700],
      ['b3.q', 2, 'q', 0.1, 10],
      ['b4.gain', 3, 'gain', -12, 12],
      ['b4.freq', 3, 'freq', 220, 10000],
      ['b4.q', 3, 'q', 0.1, 10],
      ['b5.gain', 4, 'gain', -12, 12],
      ['b5.freq', 4, 'freq', 580, 20000],
    ],
  );
  assert.deepEqual([GAIN_RANGE, Q_RANGE, SHELF_Q], [{ min: -12, max: 12 }, { min: 0.1, max: 10 }, 0.71]);
});

const VECTOR = [1, 100, 2, 400, 0.5, 3, 1000, 1, 4, 5000, 2, 5, 10000];

test('a parameter vector is five typed bands, shelves at the fixed Q, and back', () => {
  const bands = paramsToBands(VECTOR);
  assert.deepEqual(bands, [
    { type: 'lowshelf', gain: 1, freq: 100, q: 0.71 },
    { type: 'peaking', gain: 2, freq: 400, q: 0.5 },
    { type: 'peaking', gain: 3, freq: 1000, q: 1 },
    { type: 'peaking', gain: 4, freq: 5000, q: 2 },
    { type: 'highshelf', gain: 5, freq: 10000, q: 0.71 },
  ]);
  assert.deepEqual(bandsToParams(bands), VECTOR);
  assert.throws(() => paramsToBands(VECTOR.slice(1)), { name: 'RangeError', message: 'expected 13 parameters, got 12' });
  assert.throws(() => paramsToBands([...VECTOR, 0]), { name: 'RangeError', message: 'expected 13 parameters, got 14' });
});

test('inRange holds on the ends of every range and fails just past either end, or on a value that is no number', () => {
  const lows = PARAMS.map((p) => p.range.min);
  const highs = PARAMS.map((p) => p.range.max);
  assert.equal(inRange(lows), true);
  assert.equal(inRange(highs), true);
  PARAMS.forEach((p, i) => {
    const below = [...lows];
    below[i] = p.range.min - 1e-9 * Math.max(1, Math.abs(p.range.min));
    const above = [...highs];
    above[i] = p.range.max + 1e-9 * Math.max(1, p.range.max);
    const nan = [...lows];
    nan[i] = Number.NaN;
    assert.deepEqual([inRange(below), inRange(above), inRange(nan)], [false, false, false], p.name);
  });
});

test('strength scales every gain toward 0 dB and nothing else; it is held to 0..1, and 0 gives +0 dB, never -0', () => {
  const bands = paramsToBands([-6, 100, 12, 400, 0.5, -12, 1000, 1, 3, 5000, 2, -0.5, 10000]);
  fc.assert(
    fc.property(strengthArb, (s) => {
      const out = applyStrength(bands, s);
      out.forEach((b: Band, i) => {
        assert.ok(b.gain === bands[i]!.gain * s, `${b.gain} at strength ${s}`);
        assert.deepEqual({ ...b, gain: 0 }, { ...bands[i]!, gain: 0 });
      });
    }),
  );
  assert.deepEqual(applyStrength(bands, 2), bands);
  const flat = applyStrength(bands, -1);
  for (const b of flat) assert.ok(Object.is(b.gain, 0), `${b.type} ${b.freq}: ${b.gain}`);
});
