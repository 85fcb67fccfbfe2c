import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { fitPca, pcaReconstruct, symmetricEigen } from '../../src/model/pca.js';

test('Jacobi eigen-decomposition satisfies A v = lambda v for random symmetric matrices', () => {
  fc.assert(
    fc.property(fc.array(fc.double({ min: -5, max: 5, noNaN: true }), { minLength: 16, maxLength: 16 }), (xs) => {
      const a = [0, 1, 2, 3].map((i) => [0, 1, 2, 3].map((j) => (xs[i * 4 + j]! + xs[j * 4 + i]!) / 2));
      const { values, vectors } = symmetricEigen(a);
      values.forEach((lambda, k) => {
        const v = vectors.map((row) => row[k]!);
        a.forEach((row, i) => assert.ok(Math.abs(row.reduce((s, aij, j) => s + aij * v[j]!, 0) - lambda * v[i]!) < 1e-7));
      });
    }),
  );
});

test('PCA with as many components as dimensions reconstructs exactly; fewer components lose the smallest direction', () => {
  const rows = Array.from({ length: 50 }, (_, i) => [Math.sin(i), Math.cos(i) * 3, 0.01 * Math.sin(3 * i)]);
  const full = fitPca(rows, 3);
  rows.forEach((r) => pcaReconstruct(full, r).forEach((v, j) => assert.ok(Math.abs(v - r[j]!) < 1e-9)));
  const two = fitPca(rows, 2);
  assert.equal(two.components.length, 2);
  const err = rows.reduce((s, r) => s + Math.abs(pcaReconstruct(two, r)[2]! - r[2]!), 0) / rows.length;
  assert.ok(err < 0.01);
  assert.ok(two.variances[0]! >= two.variances[1]!);
});
