import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { PARAMS } from '../../src/eq/bands.js';
import { denormalise, fitNormStats, normalise } from '../../src/data/normalise.js';

const row = fc.tuple(...PARAMS.map((p) => fc.double({ min: p.range.min, max: p.range.max, noNaN: true })));

test('denormalise inverts normalise for any in-range parameters', () => {
  fc.assert(
    fc.property(fc.array(row, { minLength: 2, maxLength: 20 }), row, (rows, r) => {
      const s = fitNormStats(rows);
      denormalise(normalise(r, s), s).forEach((v, i) => assert.ok(Math.abs(v - r[i]!) <= 1e-9 * Math.max(1, Math.abs(r[i]!))));
    }),
  );
});

test('normalised training data has zero mean and unit spread in log space; constant columns keep std 1', () => {
  const rows = [
    [1, 100, 0, 200, 1, 0, 1000, 1, 0, 3000, 1, 0, 8000],
    [3, 400, 2, 800, 4, 0, 1000, 1, 0, 3000, 1, 0, 8000],
  ];
  const s = fitNormStats(rows);
  assert.ok(Math.abs(s.mean[1]! - Math.log2(200)) < 1e-12);
  assert.equal(s.std[6], 1);
  const z = rows.map((r) => normalise(r, s));
  assert.ok(Math.abs(z[0]![0]! + z[1]![0]!) < 1e-12);
  assert.ok(Math.abs(Math.abs(z[0]![1]!) - 1) < 1e-12);
});
