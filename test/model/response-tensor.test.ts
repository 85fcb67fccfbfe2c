import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import * as tf from '../../src/model/tf.js';
import { PARAMS } from '../../src/eq/bands.js';
import { DEFAULT_GRID } from '../../src/eq/grid.js';
import { responseFromParams } from '../../src/eq/response.js';
import { responseDbTensor } from '../../src/model/response-tensor.js';

// Log-uniform frequencies and Qs, uniform gains, over each parameter's whole range.
const row = fc.tuple(
  ...PARAMS.map((p) =>
    p.kind === 'gain'
      ? fc.integer({ min: 0, max: 1000 }).map((i) => p.range.min + (i / 1000) * (p.range.max - p.range.min))
      : fc.integer({ min: 0, max: 1000 }).map((i) => p.range.min * (p.range.max / p.range.min) ** (i / 1000)),
  ),
);

test('the tensor response equals the project RBJ response for any settings (within float32 precision)', () => {
  fc.assert(
    fc.property(fc.array(row, { minLength: 1, maxLength: 4 }), (rows) => {
      const got = tf.tidy(() => responseDbTensor(tf.tensor2d(rows), DEFAULT_GRID).arraySync());
      rows.forEach((r, i) => {
        const want = responseFromParams(r);
        want.forEach((v, f) => assert.ok(Math.abs(got[i]![f]! - v) < 0.02 + 1e-3 * Math.abs(v), `${got[i]![f]} vs ${v} at ${DEFAULT_GRID[f]} Hz`));
      });
    }),
    { numRuns: 30 },
  );
});

test('gradients of the response reach every parameter and are finite', () => {
  const g = tf.tidy(() => tf.grad((p: tf.Tensor) => responseDbTensor(p as tf.Tensor2D, DEFAULT_GRID).sum())(tf.tensor2d([[3, 200, -4, 500, 1, 2, 2000, 2, 1, 5000, 0.7, -3, 8000]])).arraySync() as number[][]);
  g[0]!.forEach((v) => assert.ok(Number.isFinite(v)));
  assert.ok(g[0]!.filter((v) => v !== 0).length === 13);
});
