import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { PARAMS } from '../../src/eq/bands.js';
import { pairTable, readPairTable } from '../../src/morph/pair-table.js';
import { fader } from '../support/arbitraries.js';

const row = fc.tuple(...PARAMS.map((p) => fc.double({ min: p.range.min, max: p.range.max, noNaN: true })));

test('reading a table at its sample points returns the samples', () => {
  fc.assert(
    fc.property(fc.array(row, { minLength: 2, maxLength: 9 }), (rows) => {
      const t = pairTable('a', 'b', rows);
      rows.forEach((r, i) => {
        const got = readPairTable(t, i / (rows.length - 1));
        r.forEach((v, j) => assert.ok(Math.abs(got[j]! - v) <= 1e-9 * Math.max(1, Math.abs(v))));
      });
    }),
  );
});

test('between samples every parameter stays between its neighbours, and alpha outside 0..1 is clamped', () => {
  fc.assert(
    fc.property(row, row, fc.oneof(fader(), fader({ min: -1, max: 2 })), (r0, r1, alpha) => {
      const got = readPairTable(pairTable('a', 'b', [r0, r1]), alpha);
      got.forEach((v, j) => {
        const lo = Math.min(r0[j]!, r1[j]!);
        const hi = Math.max(r0[j]!, r1[j]!);
        const tol = 1e-9 * Math.max(1, Math.abs(hi));
        assert.ok(v >= lo - tol && v <= hi + tol);
      });
    }),
  );
});

test('a path that is straight in interpolation space (gains linear, frequencies and Q geometric) is read exactly at any alpha', () => {
  fc.assert(
    fc.property(row, row, fc.integer({ min: 2, max: 12 }), fc.oneof(fader(), fader({ min: -1, max: 2 })), (r0, r1, steps, alpha) => {
      const at = (u: number) => PARAMS.map((p, j) => (p.kind === 'gain' ? r0[j]! + u * (r1[j]! - r0[j]!) : r0[j]! * (r1[j]! / r0[j]!) ** u));
      const rows = Array.from({ length: steps }, (_, i) => at(i / (steps - 1)));
      const got = readPairTable(pairTable('a', 'b', rows), alpha);
      const want = at(Math.min(1, Math.max(0, alpha)));
      want.forEach((v, j) => assert.ok(Math.abs(got[j]! - v) <= 1e-9 * Math.max(1, Math.abs(v)), `${PARAMS[j]!.name} at ${alpha}: ${got[j]} vs ${v}`));
    }),
  );
});

test('a table needs two samples at least', () => {
  assert.throws(() => pairTable('a', 'b', [PARAMS.map((p) => p.range.min)]), { name: 'RangeError', message: 'a pair table needs at least two samples' });
});

test('a table keeps its terms and its number of samples', () => {
  const t = pairTable('warm', 'bright', [PARAMS.map((p) => p.range.min), PARAMS.map((p) => p.range.max), PARAMS.map((p) => p.range.min)]);
  assert.deepEqual([t.termA, t.termB, t.steps], ['warm', 'bright', 3]);
});
